/* SPDX-License-Identifier: MIT */
/*
 * thread_switch(uint64_t *save_rsp, uint64_t next_rsp): suspend the caller
 * with the frame of thread_frame.h on its stack, store its stack pointer
 * in *save_rsp, and resume the thread whose frame is at next_rsp. Only
 * what the System V ABI makes callee-saved survives a switch: rbx, rbp,
 * r12-r15, the MXCSR and the x87 control word.
 */
#include "thread_frame.h"

    .text
    .code64
    .global thread_switch
thread_switch:
    /* The call pushed the return address: THREAD_FRAME_RIP. */
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $THREAD_FRAME_R15, %rsp
    stmxcsr THREAD_FRAME_MXCSR(%rsp)
    fnstcw THREAD_FRAME_FCW(%rsp)
    mov %rsp, (%rdi)

    mov %rsi, %rsp
    ldmxcsr THREAD_FRAME_MXCSR(%rsp)
    fldcw THREAD_FRAME_FCW(%rsp)
    add $THREAD_FRAME_R15, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* A new thread's first return lands here, on an empty stack: align it as
 * a call expects and enter thread_run, which never returns. */
    .global thread_trampoline
thread_trampoline:
    and $-16, %rsp
    call thread_run
    ud2

    .section .note.GNU-stack, "", @progbits
