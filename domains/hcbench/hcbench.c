/* SPDX-License-Identifier: MIT */
/*
 * Hypercall cost, measured inside a domain in TSC cycles: the median of
 * many null hypercalls (xen_version(XENVER_version), which the core
 * answers without touching guest memory), next to two baselines from the
 * same run: a CPUID that exits to the core (leaf 0x40000000, answered by
 * the core's CPUID policy) and an empty timed region (the cost of timing
 * itself). One result line each, then it powers off.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mosaic/hypercall.h"

#define SAMPLES 2001

static uint64_t samples[SAMPLES];

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static uint64_t median(void)
{
    qsort(samples, SAMPLES, sizeof(samples[0]), by_value);
    return samples[SAMPLES / 2];
}

static uint64_t bench_empty(void)
{
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = tsc();
        samples[i] = tsc() - t0;
    }
    return median();
}

static uint64_t bench_cpuid(void)
{
    for (int i = 0; i < SAMPLES; i++) {
        uint32_t a = 0x40000000, b, c = 0, d;
        uint64_t t0 = tsc();
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        samples[i] = tsc() - t0;
    }
    return median();
}

static uint64_t bench_hypercall(void)
{
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = tsc();
        hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
        samples[i] = tsc() - t0;
    }
    return median();
}

int main(void)
{
    uint64_t empty = bench_empty(), cpuid = bench_cpuid(), null = bench_hypercall();

    printf("hcbench: empty timed region: median %llu cycles (%d samples)\n", (unsigned long long)empty, SAMPLES);
    printf("hcbench: CPUID exit: median %llu cycles\n", (unsigned long long)cpuid);
    printf("hcbench: null hypercall: median %llu cycles, %.2f x a CPUID exit\n", (unsigned long long)null,
           (double)(null - empty) / (double)(cpuid - empty));
    return 0;
}
