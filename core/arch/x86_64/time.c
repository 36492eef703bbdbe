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

/* The pvclock factors for tsc_khz: mul in [2^31, 2^32) with the shift
 * that makes mul * 2^shift / 2^32 equal ns per TSC tick (1e6 / khz). */
static void pvclock_scale(uint32_t *mul, int8_t *shift)
{
    /* 1e6 * 2^32 < 2^64: no 128-bit arithmetic (and no libgcc) needed. */
    uint64_t m = (1000000ull << 32) / tsc_khz;
    int s = 0;

    while (m >= (1ull << 32)) {
        m >>= 1;
        s++;
    }
    while (m < (1ull << 31)) {
        m <<= 1;
        s--;
    }
    *mul = (uint32_t)m;
    *shift = (int8_t)s;
}

void arch_clock_snapshot(struct arch_clock *c)
{
    uint64_t d;

    c->tsc = rdtsc();
    d = c->tsc - tsc_base;
    c->ns = tsc_khz ? (d / tsc_khz) * 1000000u + (d % tsc_khz) * 1000000u / tsc_khz : 0;
    if (tsc_khz)
        pvclock_scale(&c->mul, &c->shift);
}
