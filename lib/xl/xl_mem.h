/* SPDX-License-Identifier: MIT */
/*
 * xl's memory size (xl mem-set and mem-max's SIZE: xl's
 * parse_mem_size_kb): decimal digits, then nothing (MiB) or one letter of
 * b, k, m, g, t in either case (bytes, KiB, MiB, GiB, TiB). Pure string
 * work, host-tested (tests/unit/mosaic_show_test.c).
 */
#pragma once

#include <stdint.h>

/* The largest size taken: 1 TiB in KiB (idl/control.idl's CONTROL_MEM_KIB_MAX). */
#define XL_MEM_KIB_MAX 0x40000000ull

/* xl_mem_size_kib: the size s (NUL-terminated) in KiB into *kib. 0, or
 * -1 for anything else: no digit, more than 12, another suffix or more
 * than one letter, a sign, a size below 1 KiB (bytes round down, as in
 * xl) or above XL_MEM_KIB_MAX. */
int xl_mem_size_kib(const char *s, uint64_t *kib);
