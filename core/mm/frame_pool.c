/* SPDX-License-Identifier: MIT */
/*
 * Bitmap allocator of physical frames. Two bitmaps tell reserved, free
 * and allocated frames apart so that a bad free is caught instead of
 * absorbed. Range operations work a 64-bit word at a time. It takes no
 * locks and knows nothing of who owns a frame (quotas live above it).
 */
#include "core/frame_pool.h"

#include "core/env.h"
#include "core/errno.h"

#define FRAME_WORD_BITS 64

static unsigned frame_popcount(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

static size_t frame_lowest_bit(uint64_t x)
{
    return (size_t)__builtin_ctzll(x);
}

/* Bits of word w that fall in frames [first, last); w must overlap them. */
static uint64_t frame_word_mask(size_t w, size_t first, size_t last)
{
    size_t lo = w * FRAME_WORD_BITS;
    uint64_t mask = ~0ull;

    if (first > lo)
        mask &= ~0ull << (first - lo);
    if (last - lo < FRAME_WORD_BITS)
        mask &= ~(~0ull << (last - lo));
    return mask;
}

/* First frame in [first, last) whose bit is set in map, or last if none. */
static size_t frame_find_set(const uint64_t *map, size_t first, size_t last)
{
    for (size_t w = first / FRAME_WORD_BITS; first < last && w * FRAME_WORD_BITS < last; w++) {
        uint64_t bits = map[w] & frame_word_mask(w, first, last);

        if (bits)
            return w * FRAME_WORD_BITS + frame_lowest_bit(bits);
    }
    return last;
}

/* First frame in [first, last) whose bit is clear in map, or last if none. */
static size_t frame_find_clear(const uint64_t *map, size_t first, size_t last)
{
    for (size_t w = first / FRAME_WORD_BITS; first < last && w * FRAME_WORD_BITS < last; w++) {
        uint64_t bits = ~map[w] & frame_word_mask(w, first, last);

        if (bits)
            return w * FRAME_WORD_BITS + frame_lowest_bit(bits);
    }
    return last;
}

/* Set the bits of [first, last) in map; returns how many were clear. */
static size_t frame_set_range(uint64_t *map, size_t first, size_t last)
{
    size_t changed = 0;

    for (size_t w = first / FRAME_WORD_BITS; first < last && w * FRAME_WORD_BITS < last; w++) {
        uint64_t mask = frame_word_mask(w, first, last);

        changed += frame_popcount(~map[w] & mask);
        map[w] |= mask;
    }
    return changed;
}

/* Clear the bits of [first, last) in map; returns how many were set. */
static size_t frame_clear_range(uint64_t *map, size_t first, size_t last)
{
    size_t changed = 0;

    for (size_t w = first / FRAME_WORD_BITS; first < last && w * FRAME_WORD_BITS < last; w++) {
        uint64_t mask = frame_word_mask(w, first, last);

        changed += frame_popcount(map[w] & mask);
        map[w] &= ~mask;
    }
    return changed;
}

static paddr_t frame_addr(size_t f)
{
    return (paddr_t)f << PAGE_SHIFT;
}

void frame_pool_init(struct frame_pool *p, uint64_t *storage, size_t nframes)
{
    size_t words = FRAME_POOL_BITMAP_WORDS(nframes);

    ASSERT(p != NULL && storage != NULL);
    p->unavail = storage;
    p->allocated = storage + words;
    p->nframes = nframes;
    p->free = 0;
    p->hint = 0;
    /* Bits past nframes in the last word stay set forever: never free. */
    memset(p->unavail, 0xff, words * sizeof(uint64_t));
    memset(p->allocated, 0, words * sizeof(uint64_t));
}

void frame_pool_add(struct frame_pool *p, paddr_t start, paddr_t end)
{
    size_t first, last, bad;

    ASSERT(p != NULL);
    ASSERT(IS_ALIGNED(start, PAGE_SIZE) && IS_ALIGNED(end, PAGE_SIZE) && start <= end);
    first = (size_t)MIN(start >> PAGE_SHIFT, p->nframes);
    last = (size_t)MIN(end >> PAGE_SHIFT, p->nframes);
    bad = frame_find_set(p->allocated, first, last);
    if (bad != last)
        panic("frame_pool: add [0x%llx, 0x%llx) covers allocated frame 0x%llx", (unsigned long long)start,
              (unsigned long long)end, (unsigned long long)frame_addr(bad));
    p->free += frame_clear_range(p->unavail, first, last);
}

void frame_pool_reserve(struct frame_pool *p, paddr_t start, paddr_t end)
{
    size_t first, last, bad;

    ASSERT(p != NULL && start <= end);
    /* Rounded outward without computing end + PAGE_SIZE - 1 (no overflow). */
    first = (size_t)MIN(start >> PAGE_SHIFT, p->nframes);
    last = (size_t)MIN((end >> PAGE_SHIFT) + ((end & ~PAGE_MASK) != 0), p->nframes);
    bad = frame_find_set(p->allocated, first, last);
    if (bad != last)
        panic("frame_pool: reserve [0x%llx, 0x%llx) covers allocated frame 0x%llx", (unsigned long long)start,
              (unsigned long long)end, (unsigned long long)frame_addr(bad));
    p->free -= frame_set_range(p->unavail, first, last);
}

/* Move the free frames [first, last) to allocated. */
static void frame_take(struct frame_pool *p, size_t first, size_t last)
{
    size_t taken = frame_set_range(p->unavail, first, last);

    ASSERT(taken == last - first);
    frame_set_range(p->allocated, first, last);
    p->free -= taken;
}

int frame_pool_alloc(struct frame_pool *p, paddr_t *out)
{
    size_t words;

    ASSERT(p != NULL && out != NULL);
    if (p->free == 0)
        return -ERR_NOMEM;
    words = FRAME_POOL_BITMAP_WORDS(p->nframes);
    for (size_t k = 0, w = p->hint; k < words; k++, w = (w + 1 == words) ? 0 : w + 1) {
        uint64_t avail = ~p->unavail[w];
        size_t f;

        if (avail == 0)
            continue; /* a full word costs one compare */
        f = w * FRAME_WORD_BITS + frame_lowest_bit(avail);
        frame_take(p, f, f + 1);
        p->hint = w;
        *out = frame_addr(f);
        return 0;
    }
    panic("frame_pool: free count %zu but no free frame in %zu frames", p->free, p->nframes);
}

/* Smallest multiple of align at or above f, or SIZE_MAX if beyond max. */
static size_t frame_align_up(size_t f, size_t align, size_t max)
{
    size_t rem = f & (align - 1);

    if (f > max || (rem != 0 && align - rem > max - f))
        return SIZE_MAX;
    return rem ? f + (align - rem) : f;
}

int frame_pool_alloc_range(struct frame_pool *p, size_t count, size_t align_frames, paddr_t limit, paddr_t *out)
{
    size_t top, f = 0;

    ASSERT(p != NULL && out != NULL);
    if (count == 0 || align_frames == 0 || (align_frames & (align_frames - 1)) != 0) {
        log_err("frame_pool: alloc_range of %zu frames aligned to %zu: count must be >= 1 and alignment a "
                "power of two",
                count, align_frames);
        return -ERR_INVAL;
    }
    top = limit ? (size_t)MIN(limit >> PAGE_SHIFT, p->nframes) : p->nframes;
    if (count > top || count > p->free)
        return -ERR_NOMEM;
    /* Each failed try resumes at the next free frame past the one that
     * blocked it, skipping taken frames a word at a time: a long run of
     * allocated memory below costs its words, not its frames. */
    while (f <= top - count) {
        size_t blocked = frame_find_set(p->unavail, f, f + count);

        if (blocked == f + count) {
            frame_take(p, f, f + count);
            *out = frame_addr(f);
            return 0;
        }
        f = frame_align_up(frame_find_clear(p->unavail, blocked + 1, top), align_frames, top - count);
    }
    return -ERR_NOMEM;
}

/* Panics unless [pa, pa + count pages) is inside p and wholly allocated. */
static void frame_check_free(const struct frame_pool *p, paddr_t pa, size_t count)
{
    size_t first = (size_t)(pa >> PAGE_SHIFT), bad;

    if (!IS_ALIGNED(pa, PAGE_SIZE))
        panic("frame_pool: free of unaligned address 0x%llx", (unsigned long long)pa);
    if (first >= p->nframes || count > p->nframes - first)
        panic("frame_pool: free of %zu frames at 0x%llx beyond the pool's %zu frames", count, (unsigned long long)pa,
              p->nframes);
    bad = frame_find_clear(p->allocated, first, first + count);
    if (bad == first + count)
        return;
    if (frame_find_set(p->unavail, bad, bad + 1) == bad)
        panic("frame_pool: free of reserved frame 0x%llx", (unsigned long long)frame_addr(bad));
    panic("frame_pool: double free of frame 0x%llx", (unsigned long long)frame_addr(bad));
}

void frame_pool_free_range(struct frame_pool *p, paddr_t pa, size_t count)
{
    size_t first;

    ASSERT(p != NULL);
    if (count == 0)
        return;
    frame_check_free(p, pa, count);
    first = (size_t)(pa >> PAGE_SHIFT);
    frame_clear_range(p->allocated, first, first + count);
    p->free += frame_clear_range(p->unavail, first, first + count);
    p->hint = MIN(p->hint, first / FRAME_WORD_BITS);
}

void frame_pool_free(struct frame_pool *p, paddr_t pa)
{
    frame_pool_free_range(p, pa, 1);
}

size_t frame_pool_free_count(const struct frame_pool *p)
{
    ASSERT(p != NULL);
    return p->free;
}
