/* SPDX-License-Identifier: MIT */
/*
 * Host tests of a domain's VT-d second-level tables (core/iommu/vtd_space.c)
 * over a fake frame pool behind the npt_env_* hooks: leaves as VT-d 9.8
 * lays them out (walked here independently of the code under test), the
 * width of 3- and 4-level spaces, building from a nested page table that
 * maps only some frames as owned, running out of frames, and every table
 * frame returned by destroy.
 */
#include "core/vtd_space.h"

#include "harness.h"

#include <stdlib.h>

#include "core/env.h"
#include "core/errno.h"

#define POOL 64

static uint64_t *pool[POOL];
static size_t limit = POOL, live, flushes;

static size_t slot_of(paddr_t pa)
{
    size_t i = (size_t)(pa >> 12) - 1;

    if ((pa & 0xfff) || i >= POOL || !pool[i])
        panic("not a live pool frame: 0x%llx", (unsigned long long)pa);
    return i;
}

int npt_env_alloc(paddr_t *pa)
{
    for (size_t i = 0; live < limit && i < POOL; i++) {
        if (pool[i])
            continue;
        pool[i] = calloc(512, sizeof(uint64_t));
        live++;
        *pa = (paddr_t)(i + 1) << 12;
        return 0;
    }
    return -ERR_NOMEM;
}

void npt_env_free(paddr_t pa)
{
    size_t i = slot_of(pa);

    free(pool[i]);
    pool[i] = NULL;
    live--;
}

uint64_t *npt_env_table(paddr_t pa)
{
    return pool[slot_of(pa)];
}

void vtd_env_flush(const void *p, size_t n)
{
    (void)p;
    flushes += n / 8;
}

/* The leaf for gfn, walked as a VT-d unit would; 0 when a level is absent. */
static uint64_t leaf(const struct vtd_space *s, uint64_t gfn)
{
    uint64_t e = s->root | 3;

    for (unsigned level = s->levels; level >= 1; level--) {
        if (!(e & 3))
            return 0;
        e = npt_env_table(e & 0x000ffffffffff000ull)[(gfn >> (9 * (level - 1))) & 511];
    }
    return e;
}

static void reset(size_t n)
{
    EXPECT_EQ(live, 0);
    limit = n;
    flushes = 0;
}

TEST(map_unmap_leaves)
{
    struct vtd_space s;

    reset(POOL);
    EXPECT_EQ(vtd_space_create(&s, 4), 0);
    EXPECT_EQ(vtd_space_map(&s, 0x12345, 0xabcde, true), 0);
    EXPECT_EQ(s.tables, 4);
    EXPECT_EQ(leaf(&s, 0x12345), 0xabcde000ull | 3); /* R and W, nothing else */
    EXPECT_EQ(vtd_space_map(&s, 0x12346, 0x777, false), 0);
    EXPECT_EQ(leaf(&s, 0x12346), 0x777000ull | 1);
    EXPECT_EQ(s.tables, 4); /* same last-level table */
    EXPECT_EQ(vtd_space_map(&s, 0x12345, 0x1, true), -ERR_EXIST);
    EXPECT_TRUE(flushes >= 5); /* every entry written reaches the unit */
    EXPECT_TRUE(vtd_space_unmap(&s, 0x12345));
    EXPECT_EQ(leaf(&s, 0x12345), 0);
    EXPECT_FALSE(vtd_space_unmap(&s, 0x12345));
    EXPECT_FALSE(vtd_space_unmap(&s, 0x80000000ull)); /* no tables there */
    EXPECT_EQ(s.tables, 4);
    EXPECT_EQ(vtd_space_destroy(&s), 4);
    EXPECT_EQ(s.root, 0);
    EXPECT_EQ(live, 0);
}

TEST(width_by_levels)
{
    struct vtd_space s3, s4;

    reset(POOL);
    EXPECT_EQ(vtd_space_create(&s3, 3), 0);
    EXPECT_EQ(vtd_space_create(&s4, 4), 0);
    EXPECT_EQ(vtd_space_map(&s3, (1ull << 27) - 1, 5, true), 0); /* the last page below 2^39 */
    EXPECT_EQ(vtd_space_map(&s3, 1ull << 27, 5, true), -ERR_RANGE);
    EXPECT_EQ(vtd_space_map(&s4, (1ull << 36) - 1, 5, true), 0); /* below 2^48 */
    EXPECT_EQ(vtd_space_map(&s4, 1ull << 36, 5, true), -ERR_RANGE);
    EXPECT_FALSE(vtd_space_unmap(&s3, 1ull << 27));
    EXPECT_EQ(leaf(&s3, (1ull << 27) - 1), 0x5000ull | 3);
    EXPECT_EQ(vtd_space_destroy(&s3), 3);
    EXPECT_EQ(vtd_space_destroy(&s4), 4);
    EXPECT_EQ(live, 0);
}

TEST(no_frame_midway_keeps_count)
{
    struct vtd_space s;

    reset(2);
    EXPECT_EQ(vtd_space_create(&s, 4), 0);
    EXPECT_EQ(vtd_space_map(&s, 0x100000, 9, true), -ERR_NOMEM);
    EXPECT_EQ(s.tables, 2);
    EXPECT_EQ(live, 2);
    limit = POOL;
    EXPECT_EQ(vtd_space_map(&s, 0x100000, 9, true), 0);
    EXPECT_EQ(vtd_space_destroy(&s), 4);
    reset(0);
    EXPECT_EQ(vtd_space_create(&s, 3), -ERR_NOMEM);
    EXPECT_EQ(s.root, 0);
    EXPECT_EQ(vtd_space_destroy(&s), 0);
    limit = POOL;
}

/* Owned RAM, a frame lent read-only and a read-only owned frame in a nested
 * page table: the DMA space maps exactly the owned ones, with their rights. */
TEST(build_from_nested_page_table)
{
    struct npt n;
    struct vtd_space s;
    paddr_t ram[3];

    reset(POOL);
    EXPECT_EQ(npt_create(&n), 0);
    for (unsigned i = 0; i < 3; i++)
        EXPECT_EQ(npt_env_alloc(&ram[i]), 0);
    EXPECT_EQ(npt_map(&n, 0x1000, ram[0], NPT_W | NPT_X | NPT_OWNED), 0);
    EXPECT_EQ(npt_map(&n, 0x40000000, ram[1], NPT_OWNED), 0);
    EXPECT_EQ(npt_map(&n, 0x2000, ram[2], NPT_R), 0); /* lent: not the domain's */
    EXPECT_EQ(vtd_space_create(&s, 3), 0);
    EXPECT_EQ(vtd_space_build(&s, &n), 0);
    EXPECT_EQ(leaf(&s, 1), ram[0] | 3);
    EXPECT_EQ(leaf(&s, 0x40000), ram[1] | 1);
    EXPECT_EQ(leaf(&s, 2), 0);
    EXPECT_EQ(s.tables, 5); /* root, then two paths of two */
    EXPECT_EQ(vtd_space_destroy(&s), 5);
    EXPECT_EQ(npt_destroy(&n), 6 + 2); /* its tables and the two owned frames */
    npt_env_free(ram[2]);
    EXPECT_EQ(live, 0);
}

TEST(build_runs_out_of_frames)
{
    struct npt n;
    struct vtd_space s;
    paddr_t ram;
    size_t before;

    reset(POOL);
    EXPECT_EQ(npt_create(&n), 0);
    EXPECT_EQ(npt_env_alloc(&ram), 0);
    EXPECT_EQ(npt_map(&n, 0x1000, ram, NPT_W | NPT_OWNED), 0);
    before = live;
    EXPECT_EQ(vtd_space_create(&s, 4), 0);
    limit = live + 1;
    EXPECT_EQ(vtd_space_build(&s, &n), -ERR_NOMEM);
    EXPECT_EQ(s.tables, 2); /* the root and the one table it got */
    EXPECT_EQ(vtd_space_destroy(&s), 2);
    EXPECT_EQ(live, before);
    limit = POOL;
    EXPECT_EQ(npt_destroy(&n), 5);
    EXPECT_EQ(live, 0);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(map_unmap_leaves),
        TEST_ENTRY(width_by_levels),
        TEST_ENTRY(no_frame_midway_keeps_count),
        TEST_ENTRY(build_from_nested_page_table),
        TEST_ENTRY(build_runs_out_of_frames),
        TEST_END,
    });
}
