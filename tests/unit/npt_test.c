/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the nested page tables (core/npt/npt.c) over the fake
 * frame pool of npt_model.c: examples of each rule in npt.h, the frames
 * destroy returns, operations on a table that has no root, and a seeded
 * run of random steps with guest-chosen addresses (unaligned, beyond
 * 2^48, sharing tables or not) and a shrinking pool, checking the model
 * and every invariant after each step.
 */
#include "core/npt.h"

#include "harness.h"

#include "core/errno.h"
#include "npt_model.h"

#define EXPECT_OK(r) EXPECT_TRUE(npt_ok(r, __LINE__))

static struct npt n;

static bool npt_ok(const char *r, int line)
{
    if (r)
        test_fail(__FILE__, line, "%s", r);
    return true;
}

TEST(map_lookup_unmap_round_trip)
{
    paddr_t pa = 0;
    unsigned flags = 0;

    npt_model_reset(&n, 16);
    EXPECT_EQ(npt_create(&n), 0);
    EXPECT_EQ(npt_map(&n, 0x1234, 0xabc007, NPT_W | NPT_X), 0); /* offsets are ignored */
    EXPECT_EQ(n.tables, 4);
    EXPECT_EQ(npt_lookup(&n, 0x1fff, &pa, &flags), 0);
    EXPECT_EQ(pa, 0xabcfff);
    EXPECT_EQ(flags, NPT_W | NPT_X);
    EXPECT_EQ(npt_map(&n, 0x2000, 0xfff0000000def000ull, NPT_R | 0xf0u), 0);
    EXPECT_EQ(npt_lookup(&n, 0x2008, &pa, &flags), 0);
    EXPECT_EQ(pa, 0xdef008); /* bits above 51 are not an address */
    EXPECT_EQ(flags, NPT_R);
    EXPECT_EQ(npt_unmap(&n, 0x1ff0, &pa), 0);
    EXPECT_EQ(pa, 0xabc000);
    EXPECT_EQ(npt_lookup(&n, 0x1000, &pa, &flags), -ERR_NOENT);
    EXPECT_EQ(npt_unmap(&n, 0x1000, &pa), -ERR_NOENT);
    EXPECT_EQ(n.tables, 4); /* tables stay until destroy */
    EXPECT_EQ(npt_destroy(&n), 4);
}

TEST(map_refuses_existing_and_out_of_range)
{
    paddr_t pa = 0;
    unsigned flags = 0;

    npt_model_reset(&n, 16);
    EXPECT_EQ(npt_create(&n), 0);
    EXPECT_EQ(npt_map(&n, 0xffffffffffffull, 0x5000, NPT_W), 0); /* the last page below 2^48 */
    EXPECT_EQ(npt_map(&n, 0xfffffffff000ull, 0x6000, NPT_W), -ERR_EXIST);
    EXPECT_EQ(npt_map(&n, 1ull << 48, 0x6000, NPT_W), -ERR_RANGE);
    EXPECT_EQ(npt_map(&n, ~0ull, 0x6000, NPT_W), -ERR_RANGE);
    EXPECT_EQ(npt_lookup(&n, (1ull << 48) | 0xfffffffff000ull, &pa, &flags), -ERR_NOENT);
    EXPECT_EQ(npt_unmap(&n, (1ull << 63) | 0xfffffffff000ull, &pa), -ERR_NOENT);
    EXPECT_EQ(npt_lookup(&n, 0xfffffffff123ull, &pa, &flags), 0);
    EXPECT_EQ(pa, 0x5123);
    EXPECT_EQ(n.tables, 4);
    EXPECT_EQ(npt_destroy(&n), 4);
}

TEST(no_memory_midway_keeps_the_tables_made)
{
    npt_model_reset(&n, 2);
    EXPECT_OK(npt_model_create(&n));
    EXPECT_OK(npt_model_map(&n, 0x40000000, 0x9000, NPT_W)); /* -ERR_NOMEM after one table */
    EXPECT_EQ(n.tables, 2);
    EXPECT_EQ(npt_model_count(), 0);
    EXPECT_OK(npt_model_check(&n));
    npt_model_set_limit(4);
    EXPECT_OK(npt_model_map(&n, 0x40000000, 0x9000, NPT_W));
    EXPECT_EQ(n.tables, 4);
    EXPECT_EQ(npt_model_count(), 1);
    EXPECT_OK(npt_model_check(&n));
    EXPECT_OK(npt_model_map(&n, 0x40001000, 0, NPT_W | NPT_OWNED)); /* the pool is empty */
    EXPECT_EQ(npt_model_count(), 1);
    EXPECT_OK(npt_model_destroy(&n));
}

TEST(destroy_frees_tables_and_owned_frames_once)
{
    npt_model_reset(&n, 64);
    EXPECT_OK(npt_model_create(&n));
    EXPECT_OK(npt_model_map(&n, 0x1000, 0, NPT_W | NPT_OWNED));
    EXPECT_OK(npt_model_map(&n, 0x7f0000000000ull, 0, NPT_X | NPT_OWNED));
    EXPECT_OK(npt_model_map(&n, 0x2000, 0x123000, NPT_W)); /* lent, not owned */
    EXPECT_OK(npt_model_map(&n, 0x3000, 0, NPT_OWNED));
    EXPECT_OK(npt_model_unmap(&n, 0x3000)); /* its frame went back to its owner */
    EXPECT_EQ(n.owned, 2);
    EXPECT_EQ(n.tables, 7);
    EXPECT_OK(npt_model_check(&n));
    EXPECT_OK(npt_model_destroy(&n)); /* returns 7 + 2 and frees each frame once */
    EXPECT_OK(npt_model_check(&n));
}

/* Before the fix a table with no root (destroyed, or whose creation
 * failed) was read at frame 0, and npt_map wrote into frame 0. */
TEST(operations_without_a_root_touch_no_frame)
{
    paddr_t pa = 0;
    unsigned flags = 0;

    npt_model_reset(&n, 8);
    EXPECT_OK(npt_model_create(&n));
    EXPECT_OK(npt_model_map(&n, 0x1000, 0, NPT_W | NPT_OWNED));
    EXPECT_OK(npt_model_destroy(&n));
    EXPECT_EQ(npt_lookup(&n, 0x1000, &pa, &flags), -ERR_NOENT);
    EXPECT_EQ(npt_unmap(&n, 0x1000, &pa), -ERR_NOENT);
    EXPECT_EQ(npt_map(&n, 0x1000, 0x5000, NPT_W), -ERR_INVAL);
    EXPECT_EQ(npt_map(&n, 1ull << 48, 0x5000, NPT_W), -ERR_RANGE);
    EXPECT_EQ(npt_destroy(&n), 0);
    EXPECT_OK(npt_model_check(&n)); /* no hook saw a bad frame */
    npt_model_set_limit(0);
    EXPECT_OK(npt_model_create(&n)); /* -ERR_NOMEM */
    EXPECT_EQ(n.root, 0);
    EXPECT_EQ(npt_lookup(&n, 0, &pa, &flags), -ERR_NOENT);
    EXPECT_EQ(npt_map(&n, 0, 0x5000, NPT_W), -ERR_INVAL);
    EXPECT_OK(npt_model_check(&n));
    npt_model_set_limit(8);
    EXPECT_OK(npt_model_create(&n));
    EXPECT_OK(npt_model_map(&n, 0x1000, 0, NPT_W | NPT_OWNED));
    EXPECT_OK(npt_model_check(&n));
    EXPECT_OK(npt_model_destroy(&n));
}

/* A guest-physical address as a hostile guest picks them. */
static uint64_t random_gpa(void)
{
    static const uint64_t bases[] = { 0,          0x40000000,           0x7fffffe00000ull, 0xfffffffff000ull,
                                      1ull << 48, 0xffffffffffffffffull };

    switch (test_rng_below(6)) {
    case 0: return test_rng_next();
    case 1: return (uint64_t)test_rng_below(1u << 16) << 12 | test_rng_below(4096);
    case 2: return npt_model_gpa(test_rng_below(512)) | test_rng_below(4096);
    default: return bases[test_rng_below(6)] + ((uint64_t)test_rng_below(64) << (12 + 9 * test_rng_below(4)));
    }
}

static const char *random_step(void)
{
    uint32_t op = test_rng_below(100);

    if (op < 45)
        return npt_model_map(&n, random_gpa(), test_rng_next(), test_rng_below(16));
    if (op < 65)
        return npt_model_unmap(&n, random_gpa());
    if (op < 90)
        return npt_model_lookup(&n, random_gpa());
    if (op < 95) {
        npt_model_set_limit(test_rng_below(4) ? 40 + test_rng_below(NPT_MODEL_FRAMES) : test_rng_below(40));
        return NULL;
    }
    if (op < 98) {
        const char *r = npt_model_destroy(&n);

        return r ? r : npt_model_create(&n);
    }
    return npt_model_create(&n); /* after a failed create */
}

TEST(random_steps_keep_the_model_and_every_invariant)
{
    unsigned long long steps = test_random_init(0x4e5054, 20000);

    npt_model_reset(&n, NPT_MODEL_FRAMES);
    EXPECT_OK(npt_model_create(&n));
    for (unsigned long long i = 0; i < steps; i++) {
        const char *r = random_step();

        if (!r)
            r = npt_model_check(&n);
        if (r) {
            test_fail(__FILE__, __LINE__, "step %llu: %s", i, r);
            break;
        }
    }
    EXPECT_OK(npt_model_destroy(&n));
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(map_lookup_unmap_round_trip),
        TEST_ENTRY(map_refuses_existing_and_out_of_range),
        TEST_ENTRY(no_memory_midway_keeps_the_tables_made),
        TEST_ENTRY(destroy_frees_tables_and_owned_frames_once),
        TEST_ENTRY(operations_without_a_root_touch_no_frame),
        TEST_ENTRY(random_steps_keep_the_model_and_every_invariant),
        TEST_END,
    });
}
