/* SPDX-License-Identifier: MIT */
/*
 * A domain's DMA address space: VT-d second-level page tables (VT-d 9.8)
 * mapping its guest frames to machine frames, 4 KiB leaves, 3 or 4
 * levels. The leaves name frames the domain's nested page table owns:
 * the tables never free them. Portable (STYLE 18): table frames come and
 * go through the NPT's npt_env_* hooks (same allocator, same books), and
 * entries reach the unit through vtd_env_flush. No lock and no IOTLB
 * invalidation here: the caller serialises and invalidates.
 */
#pragma once

#include "core/npt.h"
#include "core/types.h"

struct vtd_space {
    paddr_t root;    /* top table; 0 when not created */
    size_t tables;   /* frames used by the tables */
    unsigned levels; /* 3 (39-bit addresses) or 4 (48-bit) */
};

/* vtd_env_flush: make n bytes of table at p visible to remapping units
 * that do not snoop the CPU's caches. */
void vtd_env_flush(const void *p, size_t n);

/* vtd_space_create: an empty space of levels (3 or 4). 0 or -ERR_NOMEM
 * (then s has no root). */
__attribute__((warn_unused_result)) int vtd_space_create(struct vtd_space *s, unsigned levels);

/* vtd_space_map: map guest frame gfn to machine frame mfn, readable, and
 * writable if asked. 0; -ERR_RANGE when gfn is beyond the space's width;
 * -ERR_EXIST when gfn is mapped; -ERR_NOMEM when a table cannot be had
 * (the tables made before it stay, counted). */
__attribute__((warn_unused_result)) int vtd_space_map(struct vtd_space *s, uint64_t gfn, mfn_t mfn, bool writable);

/* vtd_space_unmap: clear gfn's leaf; true when it was mapped (the caller
 * then invalidates the IOTLB before the frame is reused). Tables stay. */
bool vtd_space_unmap(struct vtd_space *s, uint64_t gfn);

/* vtd_space_build: map every NPT_OWNED page of n (writable as n maps it);
 * pages beyond the space's width are left out. 0 or -ERR_NOMEM. */
__attribute__((warn_unused_result)) int vtd_space_build(struct vtd_space *s, const struct npt *n);

/* vtd_space_destroy: free every table; returns how many frames that was.
 * s has no root afterwards. */
size_t vtd_space_destroy(struct vtd_space *s);
