/* SPDX-License-Identifier: MIT */
/*
 * The local APIC every vCPU sees, in x2APIC mode only (its registers are
 * MSRs 0x800-0x83f; Intel SDM vol. 3, 10.12 "Extended XAPIC (x2APIC)"):
 * the register file, priorities, IRR/ISR/EOI, the timer's arithmetic and
 * the ICR's meaning. Portable: it knows no vCPU, CPU or VMCB; the caller
 * sends the IPIs it asks for and injects what vlapic_pending names
 * (core/svm/svm_lapic.c). No xAPIC MMIO page, no TSC-deadline mode.
 */
#pragma once

#include "core/types.h"

#define VLAPIC_LVTS          6         /* timer, thermal, perf, LINT0, LINT1, error */
#define VLAPIC_BUS_HZ        100000000 /* the timer counts at 100 MHz / divide */
#define VLAPIC_NS_PER_TICK   (1000000000 / VLAPIC_BUS_HZ)
#define VLAPIC_MIN_PERIOD_NS 100000 /* a periodic timer fires at most every 100 us (KVM: 200 us) */

struct vlapic {
    uint32_t irr[8];           /* requested: set by any CPU (atomic), cleared by the owner */
    uint32_t isr[8];           /* in service: the CPU running the vCPU */
    uint32_t id;               /* x2APIC id, the vCPU index: fixed */
    uint32_t tpr, svr, esr;    /* the CPU running the vCPU */
    uint32_t esr_next;         /* errors since ESR was last written: any CPU (atomic) */
    uint32_t lvt[VLAPIC_LVTS]; /* the CPU running the vCPU */
    uint32_t timer_initial;    /* TMICT: the CPU running the vCPU */
    uint32_t timer_divide;     /* TDCR: the CPU running the vCPU */
    uint64_t icr;              /* as last written: the CPU running the vCPU */
    uint64_t timer_start_ns;   /* core time the count was loaded: the CPU running the vCPU */
    uint64_t timer_deadline;   /* next expiry, core ns; 0 = none (atomic: vtime_expire) */
    uint32_t wait_sipi;        /* INIT taken, waiting for a STARTUP (atomic) */
    uint32_t upcall_vector;    /* HVMOP_set_evtchn_upcall_vector; 0 = none (atomic) */
};

/* An interprocessor interrupt the ICR asked for (SDM 10.6.1). */
enum vlapic_dm {
    VLAPIC_DM_FIXED = 0,
    VLAPIC_DM_NMI = 4,
    VLAPIC_DM_INIT = 5,
    VLAPIC_DM_SIPI = 6,
};
struct vlapic_ipi {
    uint32_t dest;     /* x2APIC destination: an id, or a cluster and mask (logical) */
    uint8_t vector;    /* fixed: the vector; SIPI: the start page */
    uint8_t mode;      /* enum vlapic_dm */
    uint8_t shorthand; /* 0 none, 1 self, 2 all, 3 all but self */
    uint8_t logical;   /* destination mode */
};

#define VLAPIC_SEND 1 /* vlapic_write: *ipi is to be sent */

/* vlapic_reset: the state after power-up or INIT (SDM 10.4.7.1), id kept as given. */
void vlapic_reset(struct vlapic *l, uint32_t id);

/* vlapic_read: RDMSR of x2APIC register msr (0x800-0x8ff) at core time
 * now. 0, or -ERR_INVAL where hardware raises #GP (reserved, write-only). */
int vlapic_read(const struct vlapic *l, uint32_t msr, uint64_t now, uint64_t *val) __attribute__((warn_unused_result));

/* vlapic_write: WRMSR. 0; VLAPIC_SEND when an ICR or SELF_IPI write asks
 * the caller to send *ipi; -ERR_INVAL for #GP (reserved or read-only
 * register, nonzero EOI or ESR, bits 63:32 set outside the ICR). */
int vlapic_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now, struct vlapic_ipi *ipi)
    __attribute__((warn_unused_result));

/* vlapic_ipi_targets: does ipi, sent by the APIC with id self, reach the
 * APIC with id id? */
bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t self, uint32_t id);

/* vlapic_set_irr: a fixed interrupt arrives (any CPU); a vector below
 * 16 is an error (ESR). While the APIC is software-disabled it is held
 * (as Xen's vLAPIC does): a per-vCPU upcall raised before the vCPU
 * enables its APIC is not lost. */
void vlapic_set_irr(struct vlapic *l, unsigned vector);

/* vlapic_pending: the vector to deliver now (highest requested above
 * the processor priority), or -1 (none, or the APIC software-disabled). */
int vlapic_pending(const struct vlapic *l);

/* vlapic_ack: the CPU took vector: from IRR to ISR. */
void vlapic_ack(struct vlapic *l, unsigned vector);

/* vlapic_timer_fire: the timer expired at due (the deadline claimed at
 * core time now): raise its vector unless masked. Returns the next
 * deadline (periodic, at least VLAPIC_MIN_PERIOD_NS on: a guest cannot
 * make the core expire its timer in a loop; missed periods are dropped),
 * or 0. Any CPU. */
uint64_t vlapic_timer_fire(struct vlapic *l, uint64_t due, uint64_t now);
