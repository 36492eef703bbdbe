/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a firmware memory map and a sequence of
 * memmap_remove / memmap_contains calls (layout in fuzz.h). After every
 * step the map must keep its shape (sorted, non-overlapping, non-adjacent,
 * page-aligned, at most MEMMAP_MAX ranges) and its meaning: the built map
 * is compared page by page with a direct reading of memmap.h's contract
 * (at every page where either side can change), and each removal with the
 * set difference computed here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "core/memmap.h"
#include "fuzz.h"

#define LAST_PAGE  PAGE_MASK /* the page [2^64 - 4 KiB, 2^64) */
#define MAX_PROBES (8 * MB2_MAX_MMAP + 4 * MEMMAP_MAX)

struct probes {
    uint64_t page[MAX_PROBES];
    unsigned n;
};

FUZZ_ORACLE static void check_shape(const struct memmap *m)
{
    FUZZ_CHECK(m->count <= MEMMAP_MAX);
    for (unsigned i = 0; i < m->count; i++) {
        FUZZ_CHECK(IS_ALIGNED(m->r[i].start, PAGE_SIZE) && IS_ALIGNED(m->r[i].end, PAGE_SIZE));
        FUZZ_CHECK(m->r[i].start < m->r[i].end);
        if (i)
            FUZZ_CHECK(m->r[i - 1].end < m->r[i].start);
    }
}

/* Binary search: the probes would otherwise make large inputs crawl. */
FUZZ_ORACLE static bool map_has_page(const struct memmap *m, uint64_t page)
{
    unsigned lo = 0, hi = m->count; /* answer: the last range starting at or below page */

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (m->r[mid].start <= page)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && page < m->r[lo - 1].end;
}

/* Adds the pages on both sides of the page-aligned boundary b. */
FUZZ_ORACLE static void probe_edge(struct probes *p, uint64_t b)
{
    FUZZ_CHECK(p->n + 2 <= MAX_PROBES);
    p->page[p->n++] = b;
    p->page[p->n++] = b - PAGE_SIZE; /* wraps to the last page for b = 0: harmless */
}

FUZZ_ORACLE static void probe_map(struct probes *p, const struct memmap *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        probe_edge(p, m->r[i].start);
        probe_edge(p, m->r[i].end);
    }
}

FUZZ_ORACLE static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

FUZZ_ORACLE static void probe_sort(struct probes *p)
{
    unsigned k = 0;

    qsort(p->page, p->n, sizeof(p->page[0]), cmp_u64);
    for (unsigned i = 0; i < p->n; i++)
        if (k == 0 || p->page[i] != p->page[k - 1])
            p->page[k++] = p->page[i];
    p->n = k;
}

/*
 * memmap.h's contract for one page P: usable when one available entry
 * covers all of P, no other entry touches P, and no two entries share a
 * byte of P. (The last page can never be usable: no available entry can
 * end at 2^64.)
 */
FUZZ_ORACLE static bool ref_page_usable(const struct mb2_mmap_entry *e, unsigned n, uint64_t page)
{
    uint64_t last = page + (PAGE_SIZE - 1);
    unsigned touch[MB2_MAX_MMAP], k = 0;
    bool covered = false;

    if (page == LAST_PAGE)
        return false;
    for (unsigned i = 0; i < n; i++) {
        uint64_t end_incl = e[i].base + e[i].len - 1;

        if (e[i].len == 0 || e[i].base > last || end_incl < page)
            continue;
        if (e[i].type != MB2_MMAP_AVAILABLE)
            return false;
        if (e[i].base <= page && end_incl >= last)
            covered = true;
        touch[k++] = i;
    }
    for (unsigned a = 0; a < k; a++) {
        for (unsigned b = a + 1; b < k; b++) {
            const struct mb2_mmap_entry *x = &e[touch[a]], *y = &e[touch[b]];
            uint64_t lo = MAX(MAX(x->base, y->base), page);
            uint64_t hi = MIN(MIN(x->base + x->len - 1, y->base + y->len - 1), last);

            if (lo <= hi)
                return false;
        }
    }
    return covered;
}

FUZZ_ORACLE static void check_build(const struct mb2_mmap_entry *e, unsigned n, const struct memmap *m, int rc)
{
    static struct probes p;
    bool overflow = false;

    for (unsigned i = 0; i < n; i++)
        overflow |= e[i].len > UINT64_MAX - e[i].base;
    FUZZ_CHECK((rc == -ERR_INVAL) == overflow);
    if (rc != 0 && rc != -ERR_NOMEM) {
        FUZZ_CHECK(rc == -ERR_INVAL || rc == -ERR_NOSPC);
        return;
    }
    p.n = 0;
    for (unsigned i = 0; i < n; i++) {
        if (e[i].len == 0)
            continue;
        probe_edge(&p, ALIGN_DOWN(e[i].base, PAGE_SIZE));
        probe_edge(&p, ALIGN_DOWN(e[i].base, PAGE_SIZE) + PAGE_SIZE);
        probe_edge(&p, ALIGN_DOWN(e[i].base + e[i].len - 1, PAGE_SIZE));
        probe_edge(&p, ALIGN_DOWN(e[i].base + e[i].len - 1, PAGE_SIZE) + PAGE_SIZE);
    }
    if (rc == 0) {
        FUZZ_CHECK(m->count > 0);
        check_shape(m);
        probe_map(&p, m);
    }
    probe_sort(&p);
    for (unsigned i = 0; i < p.n; i++)
        FUZZ_CHECK(ref_page_usable(e, n, p.page[i]) == (rc == 0 && map_has_page(m, p.page[i])));
}

/*
 * The old ranges minus page-aligned [s, e) into *want (the map being
 * merged, its form is unique). False when that takes more than MEMMAP_MAX
 * ranges.
 */
FUZZ_ORACLE static bool ref_remove(const struct memmap *old, uint64_t s, uint64_t e, struct memmap *want)
{
    want->count = 0;
    for (unsigned i = 0; i < old->count; i++) {
        const struct mem_range *r = &old->r[i];
        bool head = r->start < s && s < r->end, tail = r->start < e && e < r->end;

        if (s >= e || r->end <= s || r->start >= e) {
            want->r[want->count++] = *r;
            continue;
        }
        if (head && tail && old->count == MEMMAP_MAX)
            return false;
        if (head)
            want->r[want->count++] = (struct mem_range){ r->start, s };
        if (tail)
            want->r[want->count++] = (struct mem_range){ e, r->end };
    }
    return true;
}

/* memmap_remove(m, start, end), compared with ref_remove on the map before the call. */
FUZZ_ORACLE static void do_remove(struct memmap *m, uint64_t start, uint64_t end)
{
    static struct memmap old, want;
    uint64_t s = ALIGN_DOWN(start, PAGE_SIZE);
    uint64_t e = end > PAGE_MASK ? PAGE_MASK : ALIGN_UP(end, PAGE_SIZE);
    bool fits;
    int rc;

    if (start == end)
        e = s; /* an empty range removes nothing */
    old = *m;
    fits = start > end || ref_remove(&old, s, e, &want);
    rc = memmap_remove(m, start, end);
    if (start > end || !fits) {
        FUZZ_CHECK(rc == (start > end ? -ERR_INVAL : -ERR_NOSPC));
        FUZZ_CHECK(memcmp(&old, m, sizeof(old)) == 0);
        return;
    }
    FUZZ_CHECK(rc == 0);
    check_shape(m);
    FUZZ_CHECK(m->count == want.count);
    FUZZ_CHECK(memcmp(m->r, want.r, want.count * sizeof(want.r[0])) == 0);
}

FUZZ_ORACLE static void do_contains(const struct memmap *m, uint64_t start, uint64_t end)
{
    bool want = false;

    for (unsigned i = 0; i < m->count && start < end; i++)
        want |= m->r[i].start <= start && end <= m->r[i].end;
    FUZZ_CHECK(memmap_contains(m, start, end) == want);
}

static void run_ops(struct memmap *m, struct fuzz_in *in)
{
    uint64_t bytes = 0;

    while (in->left) {
        uint8_t op = fuzz_u8(in);
        uint64_t start, end;

        if (op & 2) {
            uint8_t k = fuzz_u8(in);
            int32_t off = (int32_t)fuzz_u32(in);
            uint32_t len = fuzz_u32(in);

            start = m->count ? m->r[k % m->count].start : 0;
            start += (uint64_t)(int64_t)off;
            end = start + len;
        } else {
            start = fuzz_u64(in);
            end = fuzz_u64(in);
        }
        if (op & 1)
            do_contains(m, start, end);
        else
            do_remove(m, start, end);
    }
    FUZZ_CHECK(memmap_top(m) == (m->count ? m->r[m->count - 1].end : 0));
    for (unsigned i = 0; i < m->count; i++)
        bytes += m->r[i].end - m->r[i].start;
    FUZZ_CHECK(memmap_bytes(m) == bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mb2_mmap_entry e[MB2_MAX_MMAP];
    static struct memmap m;
    struct fuzz_in in = { data, size };
    unsigned n = fuzz_u8(&in) % (MB2_MAX_MMAP + 1);
    int rc;

    n = (unsigned)MIN(n, in.left / FUZZ_MEMMAP_ENTRY);
    for (unsigned i = 0; i < n; i++) {
        e[i].base = fuzz_u64(&in);
        e[i].len = fuzz_u64(&in);
        e[i].type = fuzz_u8(&in);
    }
    rc = memmap_build(e, n, &m);
    check_build(e, n, &m, rc);
    if (rc == 0)
        run_ops(&m, &in);
    return 0;
}
