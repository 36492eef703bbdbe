/* SPDX-License-Identifier: MIT */
/*
 * Usable-memory map: builds the trusted list of page-aligned RAM ranges
 * from the firmware's entries and trims it as boot claims memory. It does
 * not allocate frames (frame_pool.c) and does not decide what to reserve;
 * callers say what to remove.
 */
#include "core/memmap.h"

#include "core/env.h"
#include "core/errno.h"

/* Highest page-aligned address; no page-aligned range can end above it. */
#define MEMMAP_CEILING PAGE_MASK

/*
 * Overlap warnings printed before the rest are only counted: a map of
 * 128 copies of one entry would otherwise print 8128 lines on a slow
 * serial console.
 */
#define MEMMAP_OVERLAP_WARN_MAX 16

static paddr_t memmap_round_up(paddr_t x)
{
    return x > MEMMAP_CEILING ? MEMMAP_CEILING : ALIGN_UP(x, PAGE_SIZE);
}

/* Index of the first range ending at or after addr (adjacent counts). */
static unsigned memmap_first_touching(const struct memmap *m, paddr_t addr)
{
    unsigned i = 0;

    while (i < m->count && m->r[i].end < addr)
        i++;
    return i;
}

/* Add page-aligned [s, e), merging with overlapping and adjacent ranges. */
static int memmap_insert(struct memmap *m, paddr_t s, paddr_t e)
{
    unsigned i = memmap_first_touching(m, s);
    unsigned j = i;

    while (j < m->count && m->r[j].start <= e)
        j++;
    if (i == j) {
        if (m->count == MEMMAP_MAX)
            return -ERR_NOSPC;
        memmove(&m->r[i + 1], &m->r[i], (m->count - i) * sizeof(m->r[0]));
        m->r[i] = (struct mem_range){ s, e };
        m->count++;
        return 0;
    }
    /* Ranges i..j-1 touch [s, e): fold them into slot i. */
    m->r[i].start = MIN(s, m->r[i].start);
    m->r[i].end = MAX(e, m->r[j - 1].end);
    memmove(&m->r[i + 1], &m->r[j], (m->count - j) * sizeof(m->r[0]));
    m->count -= j - i - 1;
    return 0;
}

/* Remove page-aligned [s, e). Fails only if a split needs a slot. */
static int memmap_cut(struct memmap *m, paddr_t s, paddr_t e)
{
    unsigned i = 0, j;

    if (s >= e)
        return 0;
    while (i < m->count && m->r[i].end <= s)
        i++;
    if (i == m->count || m->r[i].start >= e)
        return 0;
    if (m->r[i].start < s && m->r[i].end > e) {
        /* [s, e) lies strictly inside range i: split it in two. */
        if (m->count == MEMMAP_MAX)
            return -ERR_NOSPC;
        memmove(&m->r[i + 1], &m->r[i], (m->count - i) * sizeof(m->r[0]));
        m->r[i].end = s;
        m->r[i + 1].start = e;
        m->count++;
        return 0;
    }
    if (m->r[i].start < s) {
        m->r[i].end = s;
        i++;
    }
    j = i;
    while (j < m->count && m->r[j].end <= e)
        j++;
    if (j < m->count && m->r[j].start < e)
        m->r[j].start = e;
    memmove(&m->r[i], &m->r[j], (m->count - j) * sizeof(m->r[0]));
    m->count -= j - i;
    return 0;
}

static int memmap_cut_logged(struct memmap *m, paddr_t s, paddr_t e)
{
    int err = memmap_cut(m, s, e);

    if (err)
        log_err("memmap: removing [0x%llx, 0x%llx) needs more than %u ranges", (unsigned long long)s,
                (unsigned long long)e, MEMMAP_MAX);
    return err;
}

static int memmap_check_entries(const struct mb2_mmap_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (e[i].len > UINT64_MAX - e[i].base) {
            log_err("memmap: entry %u base 0x%llx len 0x%llx type %u: end overflows 64 bits", i,
                    (unsigned long long)e[i].base, (unsigned long long)e[i].len, e[i].type);
            return -ERR_INVAL;
        }
    }
    return 0;
}

static int memmap_add_available(const struct mb2_mmap_entry *e, unsigned n, struct memmap *m)
{
    for (unsigned i = 0; i < n; i++) {
        paddr_t s, end;

        if (e[i].type != MB2_MMAP_AVAILABLE || e[i].len == 0 || e[i].base > MEMMAP_CEILING)
            continue;
        /* Shrink inward: a partial page at either edge is not usable. */
        s = ALIGN_UP(e[i].base, PAGE_SIZE);
        end = ALIGN_DOWN(e[i].base + e[i].len, PAGE_SIZE);
        if (s >= end)
            continue;
        if (memmap_insert(m, s, end)) {
            log_err("memmap: entry %u [0x%llx, 0x%llx) needs more than %u ranges", i, (unsigned long long)s,
                    (unsigned long long)end, MEMMAP_MAX);
            return -ERR_NOSPC;
        }
    }
    return 0;
}

static int memmap_cut_unavailable(const struct mb2_mmap_entry *e, unsigned n, struct memmap *m)
{
    for (unsigned i = 0; i < n; i++) {
        int err;

        if (e[i].type == MB2_MMAP_AVAILABLE || e[i].len == 0)
            continue;
        err = memmap_cut_logged(m, ALIGN_DOWN(e[i].base, PAGE_SIZE), memmap_round_up(e[i].base + e[i].len));
        if (err)
            return err;
    }
    return 0;
}

static void memmap_warn_overlap(const struct mb2_mmap_entry *e, unsigned i, unsigned j)
{
    log_warn("memmap: entries %u [0x%llx, 0x%llx) type %u and %u [0x%llx, 0x%llx) type %u overlap; "
             "overlap excluded",
             i, (unsigned long long)e[i].base, (unsigned long long)(e[i].base + e[i].len), e[i].type, j,
             (unsigned long long)e[j].base, (unsigned long long)(e[j].base + e[j].len), e[j].type);
}

/* Firmware that describes one byte twice is wrong about at least one of them. */
static int memmap_cut_overlaps(const struct mb2_mmap_entry *e, unsigned n, struct memmap *m)
{
    unsigned found = 0;

    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = i + 1; j < n; j++) {
            paddr_t s = MAX(e[i].base, e[j].base);
            paddr_t end = MIN(e[i].base + e[i].len, e[j].base + e[j].len);
            int err;

            if (e[i].len == 0 || e[j].len == 0 || s >= end)
                continue;
            if (found++ < MEMMAP_OVERLAP_WARN_MAX)
                memmap_warn_overlap(e, i, j);
            err = memmap_cut_logged(m, ALIGN_DOWN(s, PAGE_SIZE), memmap_round_up(end));
            if (err)
                return err;
        }
    }
    if (found > MEMMAP_OVERLAP_WARN_MAX)
        log_warn("memmap: %u more overlapping entry pairs excluded without a line each",
                 found - MEMMAP_OVERLAP_WARN_MAX);
    return 0;
}

int memmap_build(const struct mb2_mmap_entry *e, unsigned n, struct memmap *usable)
{
    int err;

    ASSERT(usable != NULL && (e != NULL || n == 0));
    usable->count = 0;
    err = memmap_check_entries(e, n);
    if (!err)
        err = memmap_add_available(e, n, usable);
    if (!err)
        err = memmap_cut_unavailable(e, n, usable);
    if (!err)
        err = memmap_cut_overlaps(e, n, usable);
    if (err)
        return err;
    if (usable->count == 0) {
        log_err("memmap: no usable memory in the %u firmware entries", n);
        return -ERR_NOMEM;
    }
    return 0;
}

int memmap_remove(struct memmap *m, paddr_t start, paddr_t end)
{
    paddr_t s, e;

    ASSERT(m != NULL);
    if (start > end) {
        log_err("memmap: remove [0x%llx, 0x%llx): start above end", (unsigned long long)start, (unsigned long long)end);
        return -ERR_INVAL;
    }
    s = ALIGN_DOWN(start, PAGE_SIZE);
    e = memmap_round_up(end);
    if (start == end || s >= e)
        return 0;
    return memmap_cut_logged(m, s, e);
}

bool memmap_contains(const struct memmap *m, paddr_t start, paddr_t end)
{
    ASSERT(m != NULL);
    if (start >= end)
        return false;
    for (unsigned i = 0; i < m->count; i++)
        if (m->r[i].start <= start && end <= m->r[i].end)
            return true;
    return false;
}

paddr_t memmap_top(const struct memmap *m)
{
    ASSERT(m != NULL);
    return m->count ? m->r[m->count - 1].end : 0;
}

uint64_t memmap_bytes(const struct memmap *m)
{
    uint64_t total = 0;

    ASSERT(m != NULL);
    for (unsigned i = 0; i < m->count; i++)
        total += m->r[i].end - m->r[i].start;
    return total;
}
