/* SPDX-License-Identifier: MIT */
/*
 * The smallest useful PVH domain image: an ELF64 executable with the Xen
 * PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 18). Its 32-bit entry
 * (paging off) checks the start_info magic in %ebx, prints one line with
 * console_io and shuts down with sched_op, using Xen's 32-bit hypercall
 * convention (eax = number; ebx, ecx, edx = arguments). Boot scenarios
 * also pass it truncated, or replaced, to prove module validation.
 * Built again with one of these defined, it misbehaves first:
 *   TINY_OOB     at guest-physical 1 GiB, outside its RAM: a MOV write
 *                (dropped) and read (all ones), then an INC there,
 *                which no MOV finishes: killed
 *   TINY_TRIPLE  raises an exception with no IDT: a triple fault
 *   TINY_IO      reads port 0x3fd (COM1's line status, the core's: never
 *                a domain's): must see 0xff (natively 0x60) and go on
 *   TINY_SPIN    prints, then spins forever (scheduling tests)
 *   TINY_BLOCK   prints, then halts with interrupts off: blocked for good
 *   TINY_FXRSTOR prints, then runs FXRSTOR forever (tests/boot/emu_race.scn)
 *   TINY_HCALL   prints, then makes xen_version hypercalls forever (ditto)
 */
#include "idl/asm/elfnote.h"
#include "idl/asm/hvm.h"
#include "idl/asm/sched.h"
#include "idl/asm/start_info.h"
#include "idl/asm/vcpu.h"
#include "idl/asm/xen.h"
#include "idl/asm/xen_version.h"

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 /* namesz: "Xen\0" */
    .long 4                 /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_entry

    .text
    .code32
    .global pvh_entry
pvh_entry:
#if defined(TINY_OOB)
    movl $0x40000000, %eax
    movl $1, (%eax)
    movl (%eax), %ecx
    cmpl $0xffffffff, %ecx
    jne 7f                  /* not all ones: a triple fault instead */
    incl (%eax)
7:  lidt zero_idt
    int3
#elif defined(TINY_TRIPLE)
    lidt zero_idt
    int3
#elif defined(TINY_IO)
    movw $0x3fd, %dx
    inb %dx, %al
    cmpb $0xff, %al
    jne 3f
    outb %al, %dx
#endif
    movl $msg_hello, %edx
    movl $(msg_hello_end - msg_hello), %ecx
    cmpl $XEN_HVM_START_MAGIC_VALUE, (%ebx) /* hvm_start_info magic */
    je 1f
    movl $msg_bad, %edx
    movl $(msg_bad_end - msg_bad), %ecx
    movl $SHUTDOWN_crash, reason
1:  movl $__HYPERVISOR_console_io, %eax
    movl $CONSOLEIO_write, %ebx
    vmmcall
#if defined(TINY_SPIN)
4:  jmp 4b
#elif defined(TINY_FXRSTOR)
    fninit
    fxsave fx_area
6:  fxrstor fx_area
    jmp 6b
#elif defined(TINY_HCALL)
6:  movl $__HYPERVISOR_xen_version, %eax
    movl $XENVER_version, %ebx
    xorl %ecx, %ecx
    vmmcall
    jmp 6b
#elif defined(TINY_BLOCK)
5:  cli
    hlt
    jmp 5b
#endif
    movl $__HYPERVISOR_sched_op, %eax
    movl $SCHEDOP_shutdown, %ebx
    movl $reason, %ecx
    vmmcall
2:  hlt                                 /* not reached */
    jmp 2b
3:  movl $SHUTDOWN_crash, reason        /* TINY_IO: the port read gave data */
    jmp 1b

    .data
    .balign 16
fx_area:                                /* TINY_FXRSTOR's FXSAVE image */
    .fill 512, 1, 0
reason:
    .long SHUTDOWN_poweroff
zero_idt:
    .word 0
    .long 0
msg_hello:
    .ascii "tiny PVH image: start_info magic ok, shutting down\n"
msg_hello_end:
msg_bad:
    .ascii "tiny PVH image: bad start_info magic\n"
msg_bad_end:
    .balign 16
    .fill 1024, 4, 0x6d6f7361 /* initialised data: a second segment */
