/* SPDX-License-Identifier: MIT */
/*
 * svm_vmrun(struct vcpu_regs *regs, paddr_t vmcb, paddr_t host_area):
 * enter the guest whose VMCB is at vmcb and come back at its next
 * #VMEXIT. The general registers the VMCB does not hold are swapped with
 * *regs; VMLOAD/VMSAVE swap the segment and system-call state (FS, GS,
 * TR, LDTR, KernelGSBase, STAR...), the host's being restored from
 * host_area before interrupts (GIF) are enabled again. Called with
 * interrupts disabled; returns with them disabled.
 */
#include "svm_vcpu.h"

    .text
    .global svm_vmrun
svm_vmrun:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdx                  /* host_area */
    pushq %rdi                  /* regs */

    clgi
    sti                         /* physical interrupts now exit the guest */
    movq %rsi, %rax             /* VMCB */
    movq SVM_REGS_RBX(%rdi), %rbx
    movq SVM_REGS_RCX(%rdi), %rcx
    movq SVM_REGS_RDX(%rdi), %rdx
    movq SVM_REGS_RSI(%rdi), %rsi
    movq SVM_REGS_RBP(%rdi), %rbp
    movq SVM_REGS_R8(%rdi), %r8
    movq SVM_REGS_R9(%rdi), %r9
    movq SVM_REGS_R10(%rdi), %r10
    movq SVM_REGS_R11(%rdi), %r11
    movq SVM_REGS_R12(%rdi), %r12
    movq SVM_REGS_R13(%rdi), %r13
    movq SVM_REGS_R14(%rdi), %r14
    movq SVM_REGS_R15(%rdi), %r15
    movq SVM_REGS_RDI(%rdi), %rdi
    vmload %rax
    vmrun %rax
    vmsave %rax

    pushq %rdi                  /* guest rdi */
    movq 8(%rsp), %rdi          /* regs */
    movq %rbx, SVM_REGS_RBX(%rdi)
    movq %rcx, SVM_REGS_RCX(%rdi)
    movq %rdx, SVM_REGS_RDX(%rdi)
    movq %rsi, SVM_REGS_RSI(%rdi)
    movq %rbp, SVM_REGS_RBP(%rdi)
    movq %r8, SVM_REGS_R8(%rdi)
    movq %r9, SVM_REGS_R9(%rdi)
    movq %r10, SVM_REGS_R10(%rdi)
    movq %r11, SVM_REGS_R11(%rdi)
    movq %r12, SVM_REGS_R12(%rdi)
    movq %r13, SVM_REGS_R13(%rdi)
    movq %r14, SVM_REGS_R14(%rdi)
    movq %r15, SVM_REGS_R15(%rdi)
    popq %rax
    movq %rax, SVM_REGS_RDI(%rdi)

    popq %rdi
    popq %rax                   /* host_area */
    vmload %rax                 /* host GS base (per-CPU data) and friends */
    cli
    stgi                        /* a pending interrupt is taken at the next sti */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
