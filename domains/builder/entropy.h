/* SPDX-License-Identifier: MIT */
/*
 * Bits for what the builder draws at random: the MACs a manifest or a
 * build request leaves out. Not for secrets: without RDRAND the bits
 * come from the TSC alone, which only makes them differ from call to
 * call and boot to boot.
 */
#pragma once

#include <stdint.h>

/* entropy_bits: 64 bits, RDRAND when the CPU has it, mixed with the TSC
 * and a count of the calls; every input bit reaches every output bit.
 * ctx is unused (the form manifest_draw_macs takes). */
uint64_t entropy_bits(void *ctx);
