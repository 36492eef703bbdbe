/* SPDX-License-Identifier: MIT */
/*
 * The architecture part of a vCPU. Only core/svm/ looks inside; generic
 * code reaches it through core/include/core/vcpu.h.
 */
#pragma once

#include "core/types.h"

struct vmcb;

/* Guest registers the VMCB does not hold (rax, rsp, rip live there). */
struct vcpu_regs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu_arch {
    struct vmcb *vmcb; /* one page; written by the CPU running the vCPU */
    paddr_t vmcb_pa;
    struct vcpu_regs regs;                         /* saved at #VMEXIT, loaded at VMRUN */
    uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE image */
};
