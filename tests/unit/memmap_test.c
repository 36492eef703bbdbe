/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the usable-memory map: firmware quirks (overlaps,
 * unaligned edges, zero lengths, overflow), range removal and lookups, and
 * random maps checked page by page against a brute-force model.
 */
#include "core/memmap.h"

#include "harness.h"

#include "core/env.h"
#include "core/errno.h"

#define E(base, len, type) ((struct mb2_mmap_entry){ (base), (len), (type) })

static struct memmap map;

/* Expects m to hold exactly the n ranges in want. */
static void expect_ranges(const struct memmap *m, const struct mem_range *want, unsigned n, int line)
{
    if (m->count != n) {
        test_fail(__FILE__, line, "count %u, want %u", m->count, n);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        if (m->r[i].start != want[i].start || m->r[i].end != want[i].end)
            test_fail(__FILE__, line, "range %u is [0x%llx, 0x%llx), want [0x%llx, 0x%llx)", i,
                      (unsigned long long)m->r[i].start, (unsigned long long)m->r[i].end,
                      (unsigned long long)want[i].start, (unsigned long long)want[i].end);
}

#define EXPECT_RANGES(m, ...)                                     \
    expect_ranges((m), (const struct mem_range[]){ __VA_ARGS__ }, \
                  (unsigned)(sizeof((const struct mem_range[]){ __VA_ARGS__ }) / sizeof(struct mem_range)), __LINE__)

/* The documented invariants of any map: sorted, merged, page-aligned, non-empty ranges. */
static bool map_well_formed(const struct memmap *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        if (m->r[i].start >= m->r[i].end || !IS_ALIGNED(m->r[i].start, PAGE_SIZE) ||
            !IS_ALIGNED(m->r[i].end, PAGE_SIZE))
            return false;
        if (i > 0 && m->r[i - 1].end >= m->r[i].start)
            return false;
    }
    return m->count <= MEMMAP_MAX;
}

TEST(single_aligned_entry)
{
    struct mb2_mmap_entry e[] = { E(0x100000, 0x7f00000, 1) };

    EXPECT_EQ(memmap_build(e, 1, &map), 0);
    EXPECT_RANGES(&map, { 0x100000, 0x8000000 });
    EXPECT_EQ(memmap_top(&map), 0x8000000);
    EXPECT_EQ(memmap_bytes(&map), 0x7f00000);
    EXPECT_EQ(log_count(), 0);
}

TEST(realistic_pc_map)
{
    struct mb2_mmap_entry e[] = {
        E(0x0, 0x9fc00, 1),       E(0x9fc00, 0x400, 2),      E(0xf0000, 0x10000, 2),        E(0x100000, 0x7ee0000, 1),
        E(0x7fe0000, 0x20000, 2), E(0xfffc0000, 0x40000, 2), E(0x100000000, 0x80000000, 1),
    };

    EXPECT_EQ(memmap_build(e, ARRAY_SIZE(e), &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x9f000 }, { 0x100000, 0x7fe0000 }, { 0x100000000, 0x180000000 });
    EXPECT_EQ(log_count(), 0);
}

TEST(unaligned_usable_shrinks_inward)
{
    struct mb2_mmap_entry e[] = { E(0x1001, 0x4ffe, 1), E(0x10000, 0xfff, 1), E(0x20000, 0x1000, 1) };

    EXPECT_EQ(memmap_build(e, ARRAY_SIZE(e), &map), 0);
    /* [0x1001, 0x5fff) -> [0x2000, 0x5000); [0x10000, 0x10fff) holds no whole page. */
    EXPECT_RANGES(&map, { 0x2000, 0x5000 }, { 0x20000, 0x21000 });
}

TEST(unaligned_reserved_rounds_outward)
{
    struct mb2_mmap_entry e[] = { E(0, 0x10000, 1), E(0x3001, 1, 2), E(0x8fff, 2, 4) };

    EXPECT_EQ(memmap_build(e, ARRAY_SIZE(e), &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x3000 }, { 0x4000, 0x8000 }, { 0xa000, 0x10000 });
}

TEST(overlapping_usable_entries_are_excluded)
{
    struct mb2_mmap_entry e[] = { E(0, 0x10000, 1), E(0x8000, 0x18000, 1) };

    EXPECT_EQ(memmap_build(e, 2, &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x8000 }, { 0x10000, 0x20000 });
    EXPECT_LOG("memmap: entries 0 [0x0, 0x10000) type 1 and 1 [0x8000, 0x20000) type 1 overlap");
    EXPECT_EQ(log_count(), 1);
}

TEST(overlapping_usable_and_reserved)
{
    struct mb2_mmap_entry e[] = { E(0x100000, 0x100000, 3), E(0, 0x400000, 1), E(0x180800, 0x10, 2) };

    EXPECT_EQ(memmap_build(e, 3, &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x100000 }, { 0x200000, 0x400000 });
    EXPECT_LOG("memmap: entries 0 [0x100000, 0x200000) type 3 and 1 [0x0, 0x400000) type 1 overlap");
    EXPECT_LOG("memmap: entries 0 [0x100000, 0x200000) type 3 and 2 [0x180800, 0x180810) type 2 overlap");
    EXPECT_LOG("memmap: entries 1 [0x0, 0x400000) type 1 and 2 [0x180800, 0x180810) type 2 overlap");
    EXPECT_EQ(log_count(), 3);
}

TEST(overlap_of_two_partly_usable_entries_is_cut_outward)
{
    /* Both usable; they share [0x5800, 0x6800), which touches pages 0x5000 and 0x6000. */
    struct mb2_mmap_entry e[] = { E(0x1000, 0x5800, 1), E(0x5800, 0x3800, 1) };

    EXPECT_EQ(memmap_build(e, 2, &map), 0);
    EXPECT_RANGES(&map, { 0x1000, 0x5000 }, { 0x7000, 0x9000 });
}

TEST(overlap_warnings_are_capped)
{
    static struct mb2_mmap_entry e[MB2_MAX_MMAP];

    for (unsigned i = 0; i < MB2_MAX_MMAP; i++)
        e[i] = E(0x100000, 0x100000, 1);
    e[0] = E(0x0, 0x1000000, 1);
    EXPECT_EQ(memmap_build(e, MB2_MAX_MMAP, &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x100000 }, { 0x200000, 0x1000000 });
    EXPECT_EQ(log_count(), 17);
    EXPECT_LOG("memmap: 8112 more overlapping entry pairs excluded without a line each");
}

TEST(adjacent_entries_merge_without_warning)
{
    struct mb2_mmap_entry e[] = { E(0x2000, 0x1000, 1), E(0x0, 0x1000, 1), E(0x1000, 0x1000, 1) };

    EXPECT_EQ(memmap_build(e, 3, &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x3000 });
    EXPECT_EQ(log_count(), 0);
}

TEST(zero_length_entries_are_ignored)
{
    struct mb2_mmap_entry e[] = { E(0x0, 0x10000, 1), E(0x4000, 0, 2), E(0x20000, 0, 1), E(UINT64_MAX, 0, 2) };

    EXPECT_EQ(memmap_build(e, ARRAY_SIZE(e), &map), 0);
    EXPECT_RANGES(&map, { 0x0, 0x10000 });
    EXPECT_EQ(log_count(), 0);
}

TEST(overflowing_entry_is_an_error)
{
    struct mb2_mmap_entry e[] = { E(0x0, 0x10000, 1), E(0xfffffffffffff000, 0x2000, 2) };

    EXPECT_EQ(memmap_build(e, 2, &map), -ERR_INVAL);
    EXPECT_LOG("memmap: entry 1 base 0xfffffffffffff000 len 0x2000 type 2: end overflows 64 bits");
    EXPECT_EQ(log_count(), 1);
    e[1] = E(0x1000, UINT64_MAX, 1);
    EXPECT_EQ(memmap_build(e, 2, &map), -ERR_INVAL);
}

TEST(entries_at_the_top_of_the_address_space)
{
    struct mb2_mmap_entry e[] = { E(0xffffffffffffd000, 0x2fff, 1), E(0xffffffffffffe800, 0x7ff, 2),
                                  E(0xfffffffffffff800, 0x7ff, 2) };

    /* Usable [..d000, ..ffff) holds pages d000 and e000; the first reserved one touches e000. */
    EXPECT_EQ(memmap_build(e, ARRAY_SIZE(e), &map), 0);
    EXPECT_RANGES(&map, { 0xffffffffffffd000, 0xffffffffffffe000 });
    EXPECT_EQ(memmap_top(&map), 0xffffffffffffe000);
    EXPECT_EQ(memmap_remove(&map, 0xffffffffffffdfff, UINT64_MAX), 0);
    EXPECT_EQ(map.count, 0);
}

TEST(no_usable_memory_is_an_error)
{
    struct mb2_mmap_entry e[] = { E(0x0, 0x10000, 2), E(0x20001, 0xffe, 1) };

    EXPECT_EQ(memmap_build(e, 2, &map), -ERR_NOMEM);
    EXPECT_LOG("memmap: no usable memory in the 2 firmware entries");
    EXPECT_EQ(log_count(), 1);
    EXPECT_EQ(memmap_build(NULL, 0, &map), -ERR_NOMEM);
}

TEST(table_full)
{
    static struct mb2_mmap_entry e[MEMMAP_MAX + 1];

    for (unsigned i = 0; i <= MEMMAP_MAX; i++)
        e[i] = E((uint64_t)i * 0x2000, 0x1000, 1);
    EXPECT_EQ(memmap_build(e, MEMMAP_MAX, &map), 0);
    EXPECT_EQ(map.count, MEMMAP_MAX);
    EXPECT_EQ(memmap_build(e, MEMMAP_MAX + 1, &map), -ERR_NOSPC);
    EXPECT_LOG("memmap: entry 128 [0x100000, 0x101000) needs more than 128 ranges");
    EXPECT_EQ(log_count(), 1);
}

TEST(reserved_entry_splitting_a_full_table)
{
    static struct mb2_mmap_entry e[MEMMAP_MAX + 1];

    for (unsigned i = 0; i < MEMMAP_MAX; i++)
        e[i] = E((uint64_t)i * 0x4000, 0x3000, 1);
    e[MEMMAP_MAX] = E(0x1000, 0x10, 2); /* inside the first range: a split */
    EXPECT_EQ(memmap_build(e, MEMMAP_MAX + 1, &map), -ERR_NOSPC);
    EXPECT_LOG("memmap: removing [0x1000, 0x2000) needs more than 128 ranges");
}

TEST(remove_splits_trims_and_spans)
{
    struct mb2_mmap_entry e[] = { E(0x0, 0x10000, 1), E(0x20000, 0x10000, 1), E(0x40000, 0x10000, 1) };

    EXPECT_EQ(memmap_build(e, 3, &map), 0);
    EXPECT_EQ(memmap_remove(&map, 0x4000, 0x5000), 0); /* split */
    EXPECT_RANGES(&map, { 0x0, 0x4000 }, { 0x5000, 0x10000 }, { 0x20000, 0x30000 }, { 0x40000, 0x50000 });
    EXPECT_EQ(memmap_remove(&map, 0x0, 0x1000), 0);            /* trim front */
    EXPECT_EQ(memmap_remove(&map, 0x4fff0000, 0x50000000), 0); /* nothing there */
    EXPECT_EQ(memmap_remove(&map, 0xf001, 0x22001), 0);        /* trims two, rounds outward */
    EXPECT_RANGES(&map, { 0x1000, 0x4000 }, { 0x5000, 0xf000 }, { 0x23000, 0x30000 }, { 0x40000, 0x50000 });
    EXPECT_EQ(memmap_remove(&map, 0x3000, 0x48000), 0); /* spans and deletes */
    EXPECT_RANGES(&map, { 0x1000, 0x3000 }, { 0x48000, 0x50000 });
    EXPECT_EQ(memmap_remove(&map, 0x2000, 0x2000), 0); /* empty: nothing */
    EXPECT_RANGES(&map, { 0x1000, 0x3000 }, { 0x48000, 0x50000 });
    EXPECT_EQ(memmap_remove(&map, 0x0, UINT64_MAX), 0);
    EXPECT_EQ(map.count, 0);
    EXPECT_EQ(memmap_top(&map), 0);
    EXPECT_EQ(memmap_bytes(&map), 0);
    EXPECT_EQ(log_count(), 0);
}

TEST(remove_inverted_and_full)
{
    static struct mb2_mmap_entry e[MEMMAP_MAX];

    for (unsigned i = 0; i < MEMMAP_MAX; i++)
        e[i] = E((uint64_t)i * 0x4000, 0x3000, 1);
    EXPECT_EQ(memmap_build(e, MEMMAP_MAX, &map), 0);
    EXPECT_EQ(memmap_remove(&map, 0x2000, 0x1000), -ERR_INVAL);
    EXPECT_LOG("memmap: remove [0x2000, 0x1000): start above end");
    EXPECT_EQ(memmap_remove(&map, 0x1000, 0x1001), -ERR_NOSPC);
    EXPECT_EQ(map.count, MEMMAP_MAX);
    EXPECT_EQ(map.r[0].end, 0x3000);
    EXPECT_EQ(memmap_remove(&map, 0x0, 0x1000), 0); /* a trim still fits */
    EXPECT_EQ(map.r[0].start, 0x1000);
}

TEST(contains)
{
    struct mb2_mmap_entry e[] = { E(0x1000, 0x3000, 1), E(0x5000, 0x1000, 1) };

    EXPECT_EQ(memmap_build(e, 2, &map), 0);
    EXPECT_TRUE(memmap_contains(&map, 0x1000, 0x4000));
    EXPECT_TRUE(memmap_contains(&map, 0x1234, 0x1235));
    EXPECT_TRUE(memmap_contains(&map, 0x5000, 0x6000));
    EXPECT_FALSE(memmap_contains(&map, 0x0fff, 0x2000));
    EXPECT_FALSE(memmap_contains(&map, 0x3000, 0x4001));
    EXPECT_FALSE(memmap_contains(&map, 0x3000, 0x6000)); /* across the hole */
    EXPECT_FALSE(memmap_contains(&map, 0x2000, 0x2000)); /* empty */
    EXPECT_FALSE(memmap_contains(&map, 0x3000, 0x2000)); /* inverted */
    EXPECT_FALSE(memmap_contains(&map, 0x5000, UINT64_MAX));
}

/* Brute force over a small space: page p of NPAGES usable per the documented rules? */
#define NPAGES 64

static bool touches(uint64_t a_start, uint64_t a_end, uint64_t page)
{
    return a_start < (page + 1) * PAGE_SIZE && page * PAGE_SIZE < a_end;
}

static bool model_usable(const struct mb2_mmap_entry *e, unsigned n, uint64_t page)
{
    bool covered = false;

    for (unsigned i = 0; i < n; i++) {
        uint64_t s = e[i].base, end = e[i].base + e[i].len;

        if (e[i].len == 0)
            continue;
        if (e[i].type == 1 && s <= page * PAGE_SIZE && (page + 1) * PAGE_SIZE <= end)
            covered = true;
        if (e[i].type != 1 && touches(s, end, page))
            return false;
        for (unsigned j = i + 1; j < n; j++) {
            uint64_t os = MAX(s, e[j].base), oe = MIN(end, e[j].base + e[j].len);

            if (e[j].len != 0 && os < oe && touches(os, oe, page))
                return false;
        }
    }
    return covered;
}

static uint64_t rng_state = 0x1234567887654321ull;

static uint64_t rng_below(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

static void random_entries(struct mb2_mmap_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t base = rng_below(NPAGES * PAGE_SIZE);
        uint64_t len = rng_below(4) == 0 ? rng_below(3 * PAGE_SIZE) : rng_below(16) * PAGE_SIZE;

        if (rng_below(2))
            base &= PAGE_MASK;
        e[i] = E(base, len, rng_below(3) ? 1 : (uint32_t)(2 + rng_below(4)));
    }
}

TEST(random_maps_match_brute_force)
{
    struct mb2_mmap_entry e[8];
    unsigned built = 0;

    for (unsigned round = 0; round < 3000; round++) {
        unsigned n = 1 + (unsigned)rng_below(8);
        int err;

        random_entries(e, n);
        err = memmap_build(e, n, &map);
        if (err == -ERR_NOMEM) {
            for (uint64_t p = 0; p < NPAGES + 16; p++)
                EXPECT_FALSE(model_usable(e, n, p));
            continue;
        }
        EXPECT_EQ(err, 0);
        EXPECT_TRUE(map_well_formed(&map));
        for (uint64_t p = 0; p < NPAGES + 16; p++)
            if (memmap_contains(&map, p * PAGE_SIZE, (p + 1) * PAGE_SIZE) != model_usable(e, n, p)) {
                test_fail(__FILE__, __LINE__, "round %u page %llu disagrees", round, (unsigned long long)p);
                return;
            }
        built++;
    }
    EXPECT_TRUE(built > 1000);
}

TEST(random_removes_match_brute_force)
{
    for (unsigned round = 0; round < 500; round++) {
        bool model[NPAGES + 16];
        struct mb2_mmap_entry e[] = { E(0, NPAGES * PAGE_SIZE, 1) };

        EXPECT_EQ(memmap_build(e, 1, &map), 0);
        for (uint64_t p = 0; p < NPAGES + 16; p++)
            model[p] = p < NPAGES;
        for (unsigned k = 0; k < 12; k++) {
            uint64_t s = rng_below((NPAGES + 8) * PAGE_SIZE), end = s + rng_below(6 * PAGE_SIZE);

            EXPECT_EQ(memmap_remove(&map, s, end), 0);
            for (uint64_t p = 0; p < NPAGES + 16; p++)
                if (s < end && touches(s, end, p))
                    model[p] = false;
            EXPECT_TRUE(map_well_formed(&map));
        }
        for (uint64_t p = 0; p < NPAGES + 16; p++)
            if (memmap_contains(&map, p * PAGE_SIZE, (p + 1) * PAGE_SIZE) != model[p]) {
                test_fail(__FILE__, __LINE__, "round %u page %llu disagrees", round, (unsigned long long)p);
                return;
            }
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(single_aligned_entry),
        TEST_ENTRY(realistic_pc_map),
        TEST_ENTRY(unaligned_usable_shrinks_inward),
        TEST_ENTRY(unaligned_reserved_rounds_outward),
        TEST_ENTRY(overlapping_usable_entries_are_excluded),
        TEST_ENTRY(overlapping_usable_and_reserved),
        TEST_ENTRY(overlap_of_two_partly_usable_entries_is_cut_outward),
        TEST_ENTRY(overlap_warnings_are_capped),
        TEST_ENTRY(adjacent_entries_merge_without_warning),
        TEST_ENTRY(zero_length_entries_are_ignored),
        TEST_ENTRY(overflowing_entry_is_an_error),
        TEST_ENTRY(entries_at_the_top_of_the_address_space),
        TEST_ENTRY(no_usable_memory_is_an_error),
        TEST_ENTRY(table_full),
        TEST_ENTRY(reserved_entry_splitting_a_full_table),
        TEST_ENTRY(remove_splits_trims_and_spans),
        TEST_ENTRY(remove_inverted_and_full),
        TEST_ENTRY(contains),
        TEST_ENTRY(random_maps_match_brute_force),
        TEST_ENTRY(random_removes_match_brute_force),
        TEST_END,
    });
}
