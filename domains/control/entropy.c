/* SPDX-License-Identifier: MIT */
/*
 * RDSEED/RDRAND for the control domain (entropy.h). RDSEED is preferred:
 * it returns conditioned entropy, where RDRAND's output comes from a DRBG
 * the CPU reseeds; mbed TLS runs its own DRBG over either. Both may fail
 * for a while when drained (carry flag clear); a word that keeps failing
 * is an error, never a made-up value.
 */
#include "entropy.h"

#include <stdbool.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "mbedtls/entropy.h"
#include "mbedtls/entropy_poll.h"

#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID7_EBX_RDSEED (1u << 18)

static enum { SRC_NONE, SRC_RDSEED, SRC_RDRAND } source;

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

int entropy_init(void)
{
    uint32_t r[4];

    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        if (r[1] & CPUID7_EBX_RDSEED) {
            source = SRC_RDSEED;
            return 0;
        }
    }
    cpuid(1, 0, r);
    if (r[2] & CPUID1_ECX_RDRAND) {
        source = SRC_RDRAND;
        return 0;
    }
    source = SRC_NONE;
    return -XEN_ENODEV;
}

const char *entropy_source(void)
{
    return source == SRC_RDSEED ? "RDSEED" : source == SRC_RDRAND ? "RDRAND" : "none";
}

/* One 64-bit word from the source; false when it reported no data. */
static bool word_once(uint64_t *v)
{
    uint8_t ok;

    if (source == SRC_RDSEED)
        __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
    else
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
    return ok;
}

static bool word(uint64_t *v)
{
    for (unsigned i = 0; i < ENTROPY_TRIES; i++) {
        if (word_once(v))
            return true;
        __asm__ volatile("pause");
    }
    return false;
}

int entropy_get(void *out, size_t n)
{
    uint8_t *p = out;

    if (source == SRC_NONE)
        return -XEN_EIO;
    while (n) {
        uint64_t v;
        size_t k = n < sizeof(v) ? n : sizeof(v);
        if (!word(&v))
            return -XEN_EIO;
        memcpy(p, &v, k);
        p += k;
        n -= k;
    }
    return 0;
}

/* mbed TLS's hardware entropy source (MBEDTLS_ENTROPY_HARDWARE_ALT): len
 * bytes, or an error that makes mbedtls_entropy_func fail rather than
 * seed from less. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    if (entropy_get(output, len) != 0)
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    *olen = len;
    return 0;
}
