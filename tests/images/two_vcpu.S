/* SPDX-License-Identifier: MIT */
/*
 * A PVH image with two vCPUs. vCPU 0 starts vCPU 1 the way Xen's PVH
 * guests do (VCPUOP_initialise with a 32-bit HVM context, then
 * VCPUOP_up), waits for it to check in through shared memory, and
 * powers the domain off. Each vCPU says where it is with console_io; the
 * core's log prefix tells which physical CPU handled the call.
 */
#include "idl/asm/elfnote.h"
#include "idl/asm/hvm.h"
#include "idl/asm/sched.h"
#include "idl/asm/start_info.h"
#include "idl/asm/vcpu.h"
#include "idl/asm/xen.h"

    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_entry

/* print LABEL, LENGTH: console_io write (clobbers eax, ebx, ecx, edx) */
.macro print msg, len
    movl $__HYPERVISOR_console_io, %eax
    xorl %ebx, %ebx
    movl \len, %ecx
    movl \msg, %edx
    vmmcall
.endm

    .text
    .code32
    .global pvh_entry
pvh_entry:
    movl $stack0_top, %esp
    print $msg0, $(msg0_end - msg0)
    movl $__HYPERVISOR_vcpu_op, %eax
    movl $VCPUOP_initialise, %ebx
    movl $1, %ecx
    movl $ctx, %edx
    vmmcall
    testl %eax, %eax
    jnz fail
    movl $__HYPERVISOR_vcpu_op, %eax
    movl $VCPUOP_up, %ebx
    movl $1, %ecx
    xorl %edx, %edx
    vmmcall
    testl %eax, %eax
    jnz fail
1:  pause
    cmpl $0, flag
    je 1b
    print $msg2, $(msg2_end - msg2)
    movl $SHUTDOWN_poweroff, reason
shutdown:
    movl $__HYPERVISOR_sched_op, %eax
    movl $SCHEDOP_shutdown, %ebx
    movl $reason, %ecx
    vmmcall
2:  cli
    hlt
    jmp 2b
fail:
    print $msg_fail, $(msg_fail_end - msg_fail)
    movl $SHUTDOWN_crash, reason
    jmp shutdown

vcpu1_entry:
    print $msg1, $(msg1_end - msg1)
    movl $1, flag
3:  cli
    hlt
    jmp 3b

    .data
    .balign 16
reason: .long SHUTDOWN_crash
flag:   .long 0
msg0:   .ascii "two vcpus: vcpu 0 up, starting vcpu 1\n"
msg0_end:
msg1:   .ascii "two vcpus: vcpu 1 running\n"
msg1_end:
msg2:   .ascii "two vcpus: vcpu 1 checked in, powering off\n"
msg2_end:
msg_fail: .ascii "two vcpus: a vcpu_op call failed\n"
msg_fail_end:
    .balign 8
ctx:                                    /* struct vcpu_hvm_context, mode 0 */
    .long VCPU_HVM_MODE_32B, 0          /* mode, pad */
    .long 0, 0, 0, 0                    /* eax ecx edx ebx */
    .long stack1_top, 0, 0, 0           /* esp ebp esi edi */
    .long vcpu1_entry, 2                /* eip eflags */
    .long 0x11, 0, 0, 0                 /* cr0 (PE, ET) cr3 cr4 pad1 */
    .quad 0                             /* efer */
    .long 0, 0, 0, 0, 0                 /* cs ds ss es tr bases */
    .long 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x67 /* limits */
    .word 0xc9b, 0xc93, 0xc93, 0xc93, 0x8b /* cs ds ss es tr attributes */
    .word 0, 0, 0                       /* pad2 */
    .balign 16
stack0: .fill 1024, 1, 0
stack0_top:
stack1: .fill 1024, 1, 0
stack1_top:
