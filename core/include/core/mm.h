/* SPDX-License-Identifier: MIT */
/*
 * Physical memory as the rest of the core sees it: the direct map and the
 * global frame allocator (a locked frame_pool). Every frame the core hands
 * out comes from here; the core image, the boot modules, the boot
 * information and firmware ranges are never in the pool.
 */
#pragma once

#include "core/layout.h"
#include "core/memmap.h"
#include "core/types.h"

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(DIRECT_MAP_BASE + pa);
}

static inline paddr_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)(uintptr_t)va;

    if (v >= CORE_VIRT_BASE)
        return v - CORE_VIRT_BASE;
    return v - DIRECT_MAP_BASE;
}

/*
 * frame_init: build the allocator over [0, ram_top) from the usable map.
 * Takes the allocator's own bitmap out of `usable` first (the map is
 * updated). Boot CPU, once, before any frame_alloc.
 */
void frame_init(struct memmap *usable, paddr_t ram_top);

/* frame_alloc: one frame; 0 or -ERR_NOMEM. Any context; takes frame_lock. */
int frame_alloc(paddr_t *out);
/* frame_alloc_zeroed: as frame_alloc, the frame cleared through the direct map. */
int frame_alloc_zeroed(paddr_t *out);
/* frame_alloc_range: count contiguous frames aligned to align frames, ending
 * at or below limit (0: anywhere). 0, -ERR_NOMEM or -ERR_INVAL. */
int frame_alloc_range(size_t count, size_t align, paddr_t limit, paddr_t *out);
/* frame_free: give back one frame; panics on a double free. */
void frame_free(paddr_t pa);
/* frame_free_range: give back count contiguous frames from pa. */
void frame_free_range(paddr_t pa, size_t count);
/* frame_free_count / frame_total_count: frames free now / ever available. */
size_t frame_free_count(void);
size_t frame_total_count(void);
