/* SPDX-License-Identifier: MIT */
/*
 * The event-channel upcall interrupt: save every register the C code may
 * change (the general ones the ABI lets a callee clobber, and the whole
 * x87/SSE state, since domains are compiled with SSE), call
 * evtchn_upcall on an aligned stack, restore, iretq. No EOI: Xen's
 * callback vector needs none.
 */
    .text
    .code64
    .global evtchn_upcall_entry
    .balign 16
evtchn_upcall_entry:
    push %rbp
    mov %rsp, %rbp
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    sub $512, %rsp
    and $-16, %rsp
    fxsave64 (%rsp)
    cld
    call evtchn_upcall
    fxrstor64 (%rsp)
    lea -72(%rbp), %rsp
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    pop %rbp
    iretq

    .section .note.GNU-stack, "", @progbits
