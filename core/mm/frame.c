/* SPDX-License-Identifier: MIT */
/*
 * The core's global frame allocator: frame_pool (portable, unit-tested)
 * behind one lock, with its bitmap placed in usable RAM at boot.
 */
#include "core/errno.h"
#include "core/frame_pool.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/spinlock.h"

static struct frame_pool pool; /* protected by frame_lock */
static struct spinlock frame_lock = SPINLOCK_INIT;
static size_t frames_total; /* set once at boot */

/* Finds the lowest usable range that can hold `bytes` and carves it out.
 * Before the core's page tables load, only the first 4 GiB are mapped. */
static paddr_t carve_bitmap(struct memmap *usable, uint64_t bytes)
{
    for (unsigned i = 0; i < usable->count; i++) {
        const struct mem_range *r = &usable->r[i];
        if (r->end - r->start >= bytes && r->start + bytes <= GIB(4)) {
            paddr_t at = r->start;
            if (memmap_remove(usable, at, at + bytes) != 0)
                break;
            return at;
        }
    }
    panic_refuse("mm: no usable range can hold the %llu KiB frame bitmap", (unsigned long long)(bytes >> 10));
}

void frame_init(struct memmap *usable, paddr_t ram_top)
{
    size_t nframes = (size_t)(ram_top >> PAGE_SHIFT);
    uint64_t bytes = ALIGN_UP(FRAME_POOL_STORAGE_WORDS(nframes) * sizeof(uint64_t), PAGE_SIZE);
    paddr_t at = carve_bitmap(usable, bytes);

    frame_pool_init(&pool, phys_to_virt(at), nframes);
    for (unsigned i = 0; i < usable->count; i++)
        frame_pool_add(&pool, usable->r[i].start, usable->r[i].end);
    frames_total = frame_pool_free_count(&pool);
    log_info("mm: %zu frames (%llu MiB) free for allocation; bitmap %llu KiB at 0x%llx", frames_total,
             (unsigned long long)(frames_total >> 8), (unsigned long long)(bytes >> 10), (unsigned long long)at);
}

int frame_alloc(paddr_t *out)
{
    uint64_t f = spin_lock_irqsave(&frame_lock);
    int r = frame_pool_alloc(&pool, out);

    spin_unlock_irqrestore(&frame_lock, f);
    return r;
}

int frame_alloc_zeroed(paddr_t *out)
{
    int r = frame_alloc(out);

    if (r == 0)
        memset(phys_to_virt(*out), 0, PAGE_SIZE);
    return r;
}

int frame_alloc_range(size_t count, size_t align, paddr_t limit, paddr_t *out)
{
    uint64_t f = spin_lock_irqsave(&frame_lock);
    int r = frame_pool_alloc_range(&pool, count, align, limit, out);

    spin_unlock_irqrestore(&frame_lock, f);
    return r;
}

void frame_free(paddr_t pa)
{
    uint64_t f = spin_lock_irqsave(&frame_lock);

    frame_pool_free(&pool, pa);
    spin_unlock_irqrestore(&frame_lock, f);
}

void frame_free_range(paddr_t pa, size_t count)
{
    uint64_t f = spin_lock_irqsave(&frame_lock);

    frame_pool_free_range(&pool, pa, count);
    spin_unlock_irqrestore(&frame_lock, f);
}

size_t frame_free_count(void)
{
    uint64_t f = spin_lock_irqsave(&frame_lock);
    size_t n = frame_pool_free_count(&pool);

    spin_unlock_irqrestore(&frame_lock, f);
    return n;
}

size_t frame_total_count(void)
{
    return frames_total;
}
