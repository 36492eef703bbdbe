/* SPDX-License-Identifier: MIT */
/*
 * xl's CPU lists, as its config's cpus = "..." and `xl vcpu-pin` take
 * them and `xl vcpu-list` shows them: "all", or items N or N-M separated
 * by commas ("0-2,5"), CPU numbers below 64 (a mask of 64 bits). xl's
 * exclusions ("^N") and NUMA forms ("nodes:...") are not taken. Pure
 * string work on bounded input, shared by the builder's manifest and
 * tools/mosaic; host-tested (tests/unit/xl_cpus_test.c) and fuzzed.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define XL_CPUS_MAX      64  /* CPUs a list can name: 0..63 */
#define XL_CPUS_TEXT_MAX 192 /* the longest text xl_cpus_format writes, with its NUL */

/* xl_cpus_parse: the CPUs the NUL-terminated text names, as a mask (bit
 * n: CPU n; "all" is every bit). Blanks around items are allowed. 0, or
 * -XEN_EINVAL for anything else (empty, an empty item, a number of 64 or
 * more, N-M with N above M, other characters); *mask untouched then. */
int xl_cpus_parse(const char *text, uint64_t *mask) __attribute__((warn_unused_result));

/* xl_cpus_format: mask as xl shows an affinity, into buf (cap bytes, at
 * least XL_CPUS_TEXT_MAX): "all" when it covers every CPU of online
 * (online not 0), else ranges in ascending order ("0-2,5"); "none" for
 * an empty mask. */
void xl_cpus_format(uint64_t mask, uint64_t online, char *buf, size_t cap);
