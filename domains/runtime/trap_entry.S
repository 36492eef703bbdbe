/* SPDX-License-Identifier: MIT */
/*
 * Exception stubs for vectors 0-31: each pushes a zero error code where
 * the CPU pushes none, then its vector, and joins trap_common, which saves
 * the general registers in the layout of trap_frame.h and calls
 * trap_report(frame). Exceptions are fatal in a domain, so there is no
 * return path (no iretq).
 */
#include "trap_frame.h"

    .text
    .code64

/* Vectors whose exceptions push an error code (AMD APM vol. 2, 8.2). */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

.macro trap_stub vec
    .balign 16
trap_stub_\vec:
    .if !HAS_ERROR(\vec)
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

    .irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    trap_stub \vec
    .endr

trap_common:
    cld
    sub $TRAP_FRAME_GPRS, %rsp
    mov %rax, TRAP_FRAME_RAX(%rsp)
    mov %rbx, TRAP_FRAME_RBX(%rsp)
    mov %rcx, TRAP_FRAME_RCX(%rsp)
    mov %rdx, TRAP_FRAME_RDX(%rsp)
    mov %rsi, TRAP_FRAME_RSI(%rsp)
    mov %rdi, TRAP_FRAME_RDI(%rsp)
    mov %rbp, TRAP_FRAME_RBP(%rsp)
    mov %r8, TRAP_FRAME_R8(%rsp)
    mov %r9, TRAP_FRAME_R9(%rsp)
    mov %r10, TRAP_FRAME_R10(%rsp)
    mov %r11, TRAP_FRAME_R11(%rsp)
    mov %r12, TRAP_FRAME_R12(%rsp)
    mov %r13, TRAP_FRAME_R13(%rsp)
    mov %r14, TRAP_FRAME_R14(%rsp)
    mov %r15, TRAP_FRAME_R15(%rsp)
    mov %rsp, %rdi
    and $-16, %rsp          /* the C ABI's alignment; the frame stays below */
    call trap_report
1:  cli                     /* trap_report does not return */
    hlt
    jmp 1b

/* trap_stubs[v]: the entry of vector v, for trap.c to build the IDT. */
    .section .rodata
    .balign 8
    .global trap_stubs
trap_stubs:
    .irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_stub_\vec
    .endr

    .section .note.GNU-stack, "", @progbits
