/* SPDX-License-Identifier: MIT */
/*
 * The control domain's randomness: the CPU's own generator, RDSEED where
 * the CPU (as the core presents it) has it, else RDRAND. Under QEMU's TCG
 * both draw on the host's getrandom(). It feeds mbed TLS
 * (mbedtls_hardware_poll, the configuration's only entropy source:
 * domains/mbedtls-port/mbedtls_config.h) and seeds lwIP's rand(). There
 * is no fallback: without either instruction nothing is served.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* entropy_init: look at CPUID once. 0, or -XEN_ENODEV when the CPU has
 * neither RDSEED nor RDRAND. */
int entropy_init(void) __attribute__((warn_unused_result));

/* entropy_source: "RDSEED", "RDRAND", or "none" (before entropy_init, or
 * without either). */
const char *entropy_source(void);

/* entropy_get: n random bytes into out. 0, or -XEN_EIO when the
 * instruction kept failing (it reports no data: each of
 * ENTROPY_TRIES attempts for one word, pausing between them) or there is
 * no source. */
#define ENTROPY_TRIES 64
int entropy_get(void *out, size_t n) __attribute__((warn_unused_result));
