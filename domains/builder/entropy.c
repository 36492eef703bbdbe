/* SPDX-License-Identifier: MIT */
/*
 * The builder's random bits (entropy.h): RDRAND where the CPU answers it,
 * the TSC and a call count always, stirred with splitmix64's finaliser.
 */
#include "entropy.h"

#include <stdbool.h>

#define CPUID1_ECX_RDRAND (1u << 30)
#define RDRAND_TRIES      10 /* as the vendors advise before giving up on it */

/* A 64-bit value from RDRAND, if the CPU has one and it answers. */
static bool rdrand64(uint64_t *v)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (!(c & CPUID1_ECX_RDRAND))
        return false;
    for (unsigned i = 0; i < RDRAND_TRIES; i++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

uint64_t entropy_bits(void *ctx)
{
    static uint64_t calls;
    uint32_t lo, hi;
    uint64_t x, r = 0;

    (void)ctx;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    x = ((uint64_t)hi << 32 | lo) + ++calls * 0x9e3779b97f4a7c15ull;
    if (rdrand64(&r))
        x ^= r;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
