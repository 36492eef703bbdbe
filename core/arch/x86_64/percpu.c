/* SPDX-License-Identifier: MIT */
/* The per-CPU areas, and pointing a CPU's GS base at its own. */
#include "percpu.h"
#include "x86.h"

struct percpu percpu_area[MAX_CPUS];

void percpu_install(struct percpu *pc)
{
    pc->self = pc;
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
}
