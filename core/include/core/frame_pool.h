/* SPDX-License-Identifier: MIT */
/*
 * Physical frame pool: a bitmap allocator over frames 0..nframes-1
 * (physical addresses [0, nframes * PAGE_SIZE)). It keeps no lock; the
 * caller serialises every call on one pool (the kernel wraps it in a
 * spinlock). Not callable from contexts that may interrupt a holder.
 *
 * Each frame is in one of three states, kept in two bitmaps:
 *   reserved  (never added, or taken out by frame_pool_reserve)
 *   free      (available to frame_pool_alloc*)
 *   allocated (handed out; only these may be freed)
 * Freeing a frame that is not allocated is a core bug and panics.
 */
#pragma once

#include "core/types.h"

/* Words in one bitmap covering n frames. */
#define FRAME_POOL_BITMAP_WORDS(n) (((size_t)(n) + 63) / 64)
/* Words of storage frame_pool_init needs for n frames: two bitmaps. */
#define FRAME_POOL_STORAGE_WORDS(n) (2 * FRAME_POOL_BITMAP_WORDS(n))

struct frame_pool {
    uint64_t *unavail;   /* bit set: reserved or allocated; bits past nframes stay set */
    uint64_t *allocated; /* bit set: allocated (always a subset of unavail) */
    size_t nframes;
    size_t free; /* number of free frames */
    size_t hint; /* word index where the single-frame search starts */
};

/*
 * frame_pool_init: set up p over nframes frames, every one reserved.
 * storage (never NULL, even for 0 frames) holds
 * FRAME_POOL_STORAGE_WORDS(nframes) words: the first half becomes the
 * unavailable map, the second half the allocated map. The pool
 * uses storage until it is abandoned.
 */
void frame_pool_init(struct frame_pool *p, uint64_t *storage, size_t nframes);

/*
 * frame_pool_add: make the page-aligned range [start, end) free. Parts
 * beyond the pool are ignored; frames already free stay free. start and
 * end must be page-aligned with start <= end, and no frame in the range
 * may be allocated (both checked with ASSERT/panic).
 */
void frame_pool_add(struct frame_pool *p, paddr_t start, paddr_t end);

/*
 * frame_pool_reserve: make [start, end), rounded outward to pages,
 * reserved, whether its frames were free or reserved already; the free
 * count drops by the number of frames that were free. Parts beyond the
 * pool are ignored. Panics if start > end or if a frame in the range is
 * allocated (its owner would otherwise free a reserved frame later).
 */
void frame_pool_reserve(struct frame_pool *p, paddr_t start, paddr_t end);

/*
 * frame_pool_alloc: allocate one frame, store its address in *out.
 * Returns 0, or -ERR_NOMEM (no log line) when no frame is free.
 */
int frame_pool_alloc(struct frame_pool *p, paddr_t *out) __attribute__((warn_unused_result));

/*
 * frame_pool_alloc_range: allocate count contiguous frames whose first
 * frame number is a multiple of align_frames (a power of two) and whose
 * end address is at or below limit (0: no limit); the lowest such run is
 * taken. Stores the first frame's address in *out. Returns 0; -ERR_INVAL
 * (one log line) when count is 0 or align_frames is not a power of two;
 * -ERR_NOMEM (no log line) when no such run is free.
 */
int frame_pool_alloc_range(struct frame_pool *p, size_t count, size_t align_frames, paddr_t limit, paddr_t *out)
    __attribute__((warn_unused_result));

/*
 * frame_pool_free: return one allocated frame. Panics, changing nothing,
 * if pa is unaligned, outside the pool, or not allocated (free already or
 * reserved).
 */
void frame_pool_free(struct frame_pool *p, paddr_t pa);

/*
 * frame_pool_free_range: return count allocated frames starting at pa
 * (count 0 does nothing). Panics, changing nothing, if pa is unaligned,
 * the run leaves the pool, or any of its frames is not allocated.
 */
void frame_pool_free_range(struct frame_pool *p, paddr_t pa, size_t count);

/* frame_pool_free_count: number of free frames. */
size_t frame_pool_free_count(const struct frame_pool *p);
