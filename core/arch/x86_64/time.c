/* SPDX-License-Identifier: MIT */
/*
 * Core time from the TSC, whose rate is measured against the PIT at boot.
 * arch_time_ns counts from the core's entry into C (time_mark_start).
 */
#include "arch_priv.h"
#include "core/arch.h"
#include "x86.h"

static uint64_t tsc_khz;  /* written once by the boot CPU */
static uint64_t tsc_base; /* TSC when the core entered C */

void time_mark_start(void)
{
    tsc_base = rdtsc();
}

void time_set_tsc_khz(uint64_t khz)
{
    tsc_khz = khz;
}

uint64_t time_tsc_khz(void)
{
    return tsc_khz;
}

uint64_t arch_time_ns(void)
{
    uint64_t d;

    if (!tsc_khz)
        return 0;
    d = rdtsc() - tsc_base;
    /* Split to avoid overflowing 64 bits for long uptimes. */
    return (d / tsc_khz) * 1000000u + (d % tsc_khz) * 1000000u / tsc_khz;
}

void time_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_khz / 1000u;

    while ((int64_t)(rdtsc() - end) < 0)
        cpu_relax();
}
