/* SPDX-License-Identifier: MIT */
/*
 * Usable physical memory: the firmware memory map turned into a short,
 * sorted list of page-aligned ranges the core may hand out. Building it
 * distrusts the firmware (overlaps, unaligned edges); the list itself is
 * trusted afterwards. No locking: it is built and trimmed during boot on
 * one CPU.
 */
#pragma once

#include "core/mb2.h"
#include "core/types.h"

#define MEMMAP_MAX 128

struct mem_range {
    paddr_t start;
    paddr_t end; /* exclusive */
};

/* Sorted by address, non-overlapping, non-adjacent (merged), page-aligned. */
struct memmap {
    struct mem_range r[MEMMAP_MAX];
    unsigned count;
};

/*
 * memmap_build: compute the usable memory in the n firmware entries e.
 *
 * usable becomes the union of the type-1 (available) entries shrunk inward
 * to page boundaries, minus every other entry rounded outward to pages.
 * Where two entries overlap (whatever their types) the overlap, rounded
 * outward, is excluded too, with one warning line per overlapping pair
 * (the first 16 pairs; then one line counting the rest). Zero-length
 * entries are ignored.
 *
 * Returns 0; -ERR_INVAL if an entry's base + len overflows 64 bits;
 * -ERR_NOSPC if the result needs more than MEMMAP_MAX ranges; -ERR_NOMEM
 * if no usable memory remains. Each error logs one line; *usable is
 * meaningless after an error.
 */
int memmap_build(const struct mb2_mmap_entry *e, unsigned n, struct memmap *usable) __attribute__((warn_unused_result));

/*
 * memmap_remove: take [start, end), rounded outward to pages, out of m.
 * An empty range is a no-op. Returns 0; -ERR_INVAL (one log line) if
 * start > end; -ERR_NOSPC (one log line) if splitting a range would need
 * more than MEMMAP_MAX ranges. m is unchanged on error.
 */
int memmap_remove(struct memmap *m, paddr_t start, paddr_t end) __attribute__((warn_unused_result));

/*
 * memmap_contains: true when all of [start, end) lies inside one range of
 * m. False for empty or inverted ranges.
 */
bool memmap_contains(const struct memmap *m, paddr_t start, paddr_t end);

/* memmap_top: end of the highest range, 0 when m is empty. */
paddr_t memmap_top(const struct memmap *m);

/* memmap_bytes: total bytes in all ranges of m. */
uint64_t memmap_bytes(const struct memmap *m);
