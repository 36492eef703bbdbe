/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. Each CPU's GS base points at its struct percpu, whose
 * first field points to itself, so this_cpu() is one GS-relative load.
 */
#pragma once

#include "core/layout.h"
#include "core/types.h"

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS layout (AMD APM vol. 2, 12.2.5)");

#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */

/* Cross-CPU call mailbox (smp.c). */
struct cpu_call {
    void (*fn)(void *arg); /* written by the caller under call_lock */
    void *arg;
    uint32_t done; /* set by the target after fn returns */
};

enum cpu_state {
    CPU_ABSENT = 0, /* not started */
    CPU_STARTING,   /* INIT/SIPI sent */
    CPU_ONLINE,     /* running the core */
    CPU_FAILED,     /* did not come up; parked with INIT */
};

struct percpu {
    struct percpu *self; /* must stay first: this_cpu() reads gs:0 */
    unsigned index;      /* 0 = boot CPU; set before the CPU starts */
    uint32_t apic_id;    /* from the MADT; set before the CPU starts */
    uint32_t state;      /* enum cpu_state: atomic */
    vaddr_t stack_base;  /* [base, top): this CPU's kernel stack */
    vaddr_t stack_top;
    uint64_t timer_fired; /* LAPIC timer interrupts seen: this CPU only */
    uint32_t resched;     /* a timer or kick arrived: this CPU only */
    struct cpu_call call; /* protected by call_lock */
    uint32_t call_lock;
    uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
    struct tss64 tss __attribute__((aligned(16)));
} __attribute__((aligned(64)));

extern struct percpu percpu_area[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    __asm__ volatile("movq %%gs:0, %0" : "=r"(p));
    return p;
}

/* percpu_install: point this CPU's GS base at pc. */
void percpu_install(struct percpu *pc);
