/* SPDX-License-Identifier: MIT */
/*
 * The VMCB, field by field (AMD64 APM vol. 2, appendix B, "Layout of
 * VMCB"), with every offset the core relies on pinned at compile time.
 */
#pragma once

#include <stddef.h>

#include "core/types.h"

struct vmcb_seg {
    uint16_t selector;
    uint16_t attrib; /* descriptor bits 40-47 and 52-55, packed */
    uint32_t limit;
    uint64_t base;
};

struct vmcb_control {
    uint32_t intercept_cr;    /* 0x000: reads bits 0-15, writes 16-31 */
    uint32_t intercept_dr;    /* 0x004 */
    uint32_t intercept_exc;   /* 0x008 */
    uint32_t intercept_misc1; /* 0x00c */
    uint32_t intercept_misc2; /* 0x010 */
    uint32_t intercept_misc3; /* 0x014 */
    uint8_t reserved0[0x3c - 0x18];
    uint16_t pause_threshold; /* 0x03c */
    uint16_t pause_count;     /* 0x03e */
    uint64_t iopm_base;       /* 0x040 */
    uint64_t msrpm_base;      /* 0x048 */
    uint64_t tsc_offset;      /* 0x050 */
    uint32_t asid;            /* 0x058 */
    uint8_t tlb_control;      /* 0x05c */
    uint8_t reserved1[3];
    uint64_t int_control;   /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, vector */
    uint64_t int_state;     /* 0x068: bit 0 interrupt shadow */
    uint64_t exitcode;      /* 0x070 */
    uint64_t exitinfo1;     /* 0x078 */
    uint64_t exitinfo2;     /* 0x080 */
    uint64_t exitintinfo;   /* 0x088 */
    uint64_t np_control;    /* 0x090: bit 0 nested paging */
    uint64_t avic_apic_bar; /* 0x098 */
    uint64_t ghcb;          /* 0x0a0 */
    uint64_t eventinj;      /* 0x0a8 */
    uint64_t ncr3;          /* 0x0b0 */
    uint64_t virt_ext;      /* 0x0b8 */
    uint32_t clean;         /* 0x0c0 */
    uint32_t reserved2;
    uint64_t nrip;    /* 0x0c8 */
    uint8_t insn_len; /* 0x0d0 */
    uint8_t insn_bytes[15];
    uint8_t reserved3[0x400 - 0xe0];
};

struct vmcb_state {
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
    uint8_t reserved0[0x4cb - 0x4a0];
    uint8_t cpl; /* 0x4cb */
    uint32_t reserved1;
    uint64_t efer; /* 0x4d0 */
    uint8_t reserved2[0x548 - 0x4d8];
    uint64_t cr4;    /* 0x548 */
    uint64_t cr3;    /* 0x550 */
    uint64_t cr0;    /* 0x558 */
    uint64_t dr7;    /* 0x560 */
    uint64_t dr6;    /* 0x568 */
    uint64_t rflags; /* 0x570 */
    uint64_t rip;    /* 0x578 */
    uint8_t reserved3[0x5d8 - 0x580];
    uint64_t rsp;              /* 0x5d8 */
    uint64_t s_cet, ssp, isst; /* 0x5e0 */
    uint64_t rax;              /* 0x5f8 */
    uint64_t star;             /* 0x600 */
    uint64_t lstar;            /* 0x608 */
    uint64_t cstar;            /* 0x610 */
    uint64_t sfmask;           /* 0x618 */
    uint64_t kernel_gs_base;   /* 0x620 */
    uint64_t sysenter_cs;      /* 0x628 */
    uint64_t sysenter_esp;     /* 0x630 */
    uint64_t sysenter_eip;     /* 0x638 */
    uint64_t cr2;              /* 0x640 */
    uint8_t reserved4[0x668 - 0x648];
    uint64_t g_pat; /* 0x668 */
    uint8_t reserved5[0xc00 - 0x670];
};

struct vmcb {
    struct vmcb_control control;
    struct vmcb_state state;
};

#define VMCB_OFFSET(f, off) _Static_assert(offsetof(struct vmcb, f) == (off), "VMCB " #f)
VMCB_OFFSET(control.iopm_base, 0x040);
VMCB_OFFSET(control.asid, 0x058);
VMCB_OFFSET(control.tlb_control, 0x05c);
VMCB_OFFSET(control.int_control, 0x060);
VMCB_OFFSET(control.exitcode, 0x070);
VMCB_OFFSET(control.exitintinfo, 0x088);
VMCB_OFFSET(control.np_control, 0x090);
VMCB_OFFSET(control.eventinj, 0x0a8);
VMCB_OFFSET(control.ncr3, 0x0b0);
VMCB_OFFSET(control.clean, 0x0c0);
VMCB_OFFSET(control.nrip, 0x0c8);
VMCB_OFFSET(state.es, 0x400);
VMCB_OFFSET(state.tr, 0x490);
VMCB_OFFSET(state.cpl, 0x4cb);
VMCB_OFFSET(state.efer, 0x4d0);
VMCB_OFFSET(state.cr4, 0x548);
VMCB_OFFSET(state.rip, 0x578);
VMCB_OFFSET(state.rsp, 0x5d8);
VMCB_OFFSET(state.rax, 0x5f8);
VMCB_OFFSET(state.star, 0x600);
VMCB_OFFSET(state.cr2, 0x640);
VMCB_OFFSET(state.g_pat, 0x668);
_Static_assert(sizeof(struct vmcb) <= 4096, "a VMCB is one page");

/* intercept_misc1 */
#define VMCB_I1_INTR     (1u << 0)
#define VMCB_I1_NMI      (1u << 1)
#define VMCB_I1_SMI      (1u << 2)
#define VMCB_I1_INIT     (1u << 3)
#define VMCB_I1_VINTR    (1u << 4)
#define VMCB_I1_RDPMC    (1u << 15)
#define VMCB_I1_CPUID    (1u << 18)
#define VMCB_I1_RSM      (1u << 19)
#define VMCB_I1_INVD     (1u << 22)
#define VMCB_I1_HLT      (1u << 24)
#define VMCB_I1_INVLPGA  (1u << 26)
#define VMCB_I1_IOIO     (1u << 27)
#define VMCB_I1_MSR      (1u << 28)
#define VMCB_I1_TASKSW   (1u << 29)
#define VMCB_I1_SHUTDOWN (1u << 31)
/* intercept_misc2 */
#define VMCB_I2_VMRUN   (1u << 0)
#define VMCB_I2_VMMCALL (1u << 1)
#define VMCB_I2_VMLOAD  (1u << 2)
#define VMCB_I2_VMSAVE  (1u << 3)
#define VMCB_I2_STGI    (1u << 4)
#define VMCB_I2_CLGI    (1u << 5)
#define VMCB_I2_SKINIT  (1u << 6)
#define VMCB_I2_RDTSCP  (1u << 7)
#define VMCB_I2_ICEBP   (1u << 8)
#define VMCB_I2_WBINVD  (1u << 9)
#define VMCB_I2_MONITOR (1u << 10)
#define VMCB_I2_MWAIT   (1u << 11)
#define VMCB_I2_XSETBV  (1u << 13)
#define VMCB_I2_RDPRU   (1u << 14)

#define VMCB_INT_V_IRQ            (1ull << 8)
#define VMCB_INT_V_INTR_PRIO(p)   ((uint64_t)(p) << 16)
#define VMCB_INT_V_IGN_TPR        (1ull << 20)
#define VMCB_INT_V_INTR_MASKING   (1ull << 24)
#define VMCB_INT_V_INTR_VECTOR(v) ((uint64_t)(v) << 32)

/* Exit codes (APM vol. 2, appendix C). */
#define VMEXIT_EXCP_BASE 0x40
#define VMEXIT_INTR      0x60
#define VMEXIT_NMI       0x61
#define VMEXIT_SMI       0x62
#define VMEXIT_INIT      0x63
#define VMEXIT_VINTR     0x64
#define VMEXIT_RDPMC     0x6f
#define VMEXIT_CPUID     0x72
#define VMEXIT_RSM       0x73
#define VMEXIT_INVD      0x76
#define VMEXIT_HLT       0x78
#define VMEXIT_IOIO      0x7b
#define VMEXIT_MSR       0x7c
#define VMEXIT_SHUTDOWN  0x7f
#define VMEXIT_VMRUN     0x80
#define VMEXIT_VMMCALL   0x81
#define VMEXIT_ICEBP     0x88
#define VMEXIT_WBINVD    0x89
#define VMEXIT_XSETBV    0x8d
#define VMEXIT_RDPRU     0x8e
#define VMEXIT_NPF       0x400
#define VMEXIT_INVALID   0xffffffffffffffffull

/* Event injection (EVENTINJ) */
#define VMCB_EVENT_VALID    (1ull << 31)
#define VMCB_EVENT_ERR      (1ull << 11)
#define VMCB_EVENT_TYPE_EXC (3ull << 8)
