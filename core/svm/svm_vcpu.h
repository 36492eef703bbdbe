/* SPDX-License-Identifier: MIT */
/*
 * What an AMD-V vCPU keeps beside its VMCB: the general registers the
 * VMCB does not hold and the FXSAVE image, laid out here in the opaque
 * storage generic code reserves (core/include/core/vcpu_arch.h). The
 * register offsets are shared with svm_entry.S and asserted below.
 */
#pragma once

#define SVM_REGS_RBX 0
#define SVM_REGS_RCX 8
#define SVM_REGS_RDX 16
#define SVM_REGS_RSI 24
#define SVM_REGS_RDI 32
#define SVM_REGS_RBP 40
#define SVM_REGS_R8  48
#define SVM_REGS_R9  56
#define SVM_REGS_R10 64
#define SVM_REGS_R11 72
#define SVM_REGS_R12 80
#define SVM_REGS_R13 88
#define SVM_REGS_R14 96
#define SVM_REGS_R15 104

#ifndef __ASSEMBLER__

#include "core/domain.h"

struct vmcb;

/* Guest registers the VMCB does not hold (rax, rsp, rip live there). */
struct vcpu_regs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(offsetof(struct vcpu_regs, rbx) == SVM_REGS_RBX, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, rcx) == SVM_REGS_RCX, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, rdx) == SVM_REGS_RDX, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, rsi) == SVM_REGS_RSI, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, rdi) == SVM_REGS_RDI, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, rbp) == SVM_REGS_RBP, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r8) == SVM_REGS_R8, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r9) == SVM_REGS_R9, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r10) == SVM_REGS_R10, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r11) == SVM_REGS_R11, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r12) == SVM_REGS_R12, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r13) == SVM_REGS_R13, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r14) == SVM_REGS_R14, "svm_entry.S");
_Static_assert(offsetof(struct vcpu_regs, r15) == SVM_REGS_R15, "svm_entry.S");

struct svm_vcpu {
    struct vmcb *vmcb; /* one page; written by the CPU running the vCPU */
    paddr_t vmcb_pa;
    struct vcpu_regs regs;                         /* saved at #VMEXIT, loaded at VMRUN */
    int16_t offered;                               /* the LAPIC vector in V_IRQ for this run, or -1 */
    uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE image */
};
_Static_assert(sizeof(struct svm_vcpu) <= sizeof(struct vcpu_arch), "VCPU_ARCH_SIZE holds an AMD-V vCPU");
_Static_assert(_Alignof(struct svm_vcpu) <= _Alignof(struct vcpu_arch), "vcpu_arch is aligned enough");

/* svm_vcpu: v's AMD-V state, in the storage struct vcpu reserves. */
static inline struct svm_vcpu *svm_vcpu(const struct vcpu *v)
{
    return (struct svm_vcpu *)(uintptr_t)v->arch.opaque;
}

#endif
