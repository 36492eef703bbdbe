/* SPDX-License-Identifier: MIT */
/*
 * xl's CPULIST (xl.cfg(5)'s cpus=, and xl vcpu-pin's argument): which
 * host CPUs a vCPU may run on, as a mask of CPUs 0..63. What xl takes
 * and Mosaic cannot do (NUMA nodes: Mosaic places no memory by node) is
 * refused with a reason. Pure string work on bounded input, host-tested
 * (tests/unit/xl_cfg_test.c) and fuzzed with the config files it is
 * part of (tests/fuzz/xl_cfg_fuzz.c). It knows nothing of the machine:
 * its caller checks the CPUs named against the ones there are.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define XL_CPUS_MAX     64  /* CPU numbers 0..63: the width of the core's affinity masks */
#define XL_CPUS_WHY_MAX 160 /* a reason always fits (the value in it is cut) */

/*
 * xl_cpus_parse: a CPULIST (list, NUL-terminated, any bytes) into *mask:
 * items separated by commas, blanks around each dropped, empty ones
 * skipped, applied left to right to an empty set: "all" adds every CPU,
 * "N" adds CPU N, "N-M" CPUs N to M (decimal, N <= M, below
 * XL_CPUS_MAX); each but "all" may start with '^', which takes those
 * CPUs out again ("0-3,^1" is 0, 2 and 3). *named gets the CPUs named by
 * number without '^' (not through "all"): the ones a machine must have.
 * Returns 0, or -XEN_EINVAL with a one-line reason in why (cap bytes,
 * NUL-terminated; XL_CPUS_WHY_MAX holds any) for anything else, "node:"
 * and "nodes:" items among them, and for a list that leaves no CPU;
 * *mask and *named are then undefined.
 */
int xl_cpus_parse(const char *list, uint64_t *mask, uint64_t *named, char *why, size_t cap);
