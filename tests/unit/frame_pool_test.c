/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the frame pool: fixed examples of each operation, every
 * bad free panicking without changing the pool, and a long random run
 * checked after every step against a shadow model of each frame's state.
 */
#include "core/frame_pool.h"

#include "harness.h"

#include "core/env.h"
#include "core/errno.h"

#define NFRAMES 1000 /* deliberately not a multiple of 64 */

static uint64_t storage[FRAME_POOL_STORAGE_WORDS(NFRAMES)];
static struct frame_pool pool;

enum model_state { M_RESERVED, M_FREE, M_ALLOCATED };
static enum model_state model[NFRAMES];

static uint64_t rng_state;
static unsigned ranges_taken, ranges_refused, bad_frees; /* coverage of the random run */

static uint64_t rng_next(void)
{
    /* xorshift64*: plenty for choosing operations. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

static paddr_t pa(size_t frame)
{
    return (paddr_t)frame << PAGE_SHIFT;
}

static bool bit(const uint64_t *map, size_t f)
{
    return (map[f / 64] >> (f % 64)) & 1;
}

static void model_set(size_t first, size_t last, enum model_state s)
{
    for (size_t f = first; f < last && f < NFRAMES; f++)
        model[f] = s;
}

static size_t model_count(enum model_state s)
{
    size_t n = 0;

    for (size_t f = 0; f < NFRAMES; f++)
        n += model[f] == s;
    return n;
}

/* Compare the pool with the model frame by frame; returns false on the first mismatch. */
static bool pool_matches_model(void)
{
    for (size_t f = 0; f < NFRAMES; f++) {
        bool unavail = bit(pool.unavail, f), alloc = bit(pool.allocated, f);
        enum model_state got = alloc ? M_ALLOCATED : unavail ? M_RESERVED : M_FREE;

        if (got != model[f] || (alloc && !unavail)) {
            test_fail(__FILE__, __LINE__, "frame %zu: pool state %d, model %d", f, (int)got, (int)model[f]);
            return false;
        }
    }
    /* Tail bits past nframes must never look free. */
    for (size_t f = NFRAMES; f < FRAME_POOL_BITMAP_WORDS(NFRAMES) * 64; f++)
        if (!bit(pool.unavail, f) || bit(pool.allocated, f)) {
            test_fail(__FILE__, __LINE__, "tail bit %zu changed", f);
            return false;
        }
    if (frame_pool_free_count(&pool) != model_count(M_FREE)) {
        test_fail(__FILE__, __LINE__, "free count %zu, model %zu", frame_pool_free_count(&pool), model_count(M_FREE));
        return false;
    }
    return true;
}

static void setup(void)
{
    frame_pool_init(&pool, storage, NFRAMES);
    model_set(0, NFRAMES, M_RESERVED);
}

TEST(init_reserves_everything)
{
    paddr_t out;

    setup();
    EXPECT_EQ(frame_pool_free_count(&pool), 0);
    EXPECT_EQ(frame_pool_alloc(&pool, &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_alloc_range(&pool, 1, 1, 0, &out), -ERR_NOMEM);
    EXPECT_TRUE(pool_matches_model());
}

TEST(add_and_reserve_adjust_count)
{
    setup();
    frame_pool_add(&pool, pa(10), pa(200));
    EXPECT_EQ(frame_pool_free_count(&pool), 190);
    frame_pool_add(&pool, pa(100), pa(300)); /* overlaps: only new frames count */
    EXPECT_EQ(frame_pool_free_count(&pool), 290);
    frame_pool_reserve(&pool, pa(0), pa(20)); /* half of it was reserved already */
    EXPECT_EQ(frame_pool_free_count(&pool), 280);
    frame_pool_reserve(&pool, pa(0), pa(20));
    EXPECT_EQ(frame_pool_free_count(&pool), 280);
    model_set(20, 300, M_FREE);
    EXPECT_TRUE(pool_matches_model());
}

TEST(reserve_rounds_outward)
{
    setup();
    frame_pool_add(&pool, pa(0), pa(100));
    frame_pool_reserve(&pool, pa(10) + 1, pa(12) + 1); /* touches frames 10, 11, 12 */
    frame_pool_reserve(&pool, pa(50), pa(50));         /* empty: nothing */
    frame_pool_reserve(&pool, pa(60) + 5, pa(60) + 6); /* one byte: frame 60 */
    model_set(0, 100, M_FREE);
    model_set(10, 13, M_RESERVED);
    model_set(60, 61, M_RESERVED);
    EXPECT_TRUE(pool_matches_model());
}

TEST(add_and_reserve_clip_to_pool)
{
    setup();
    frame_pool_add(&pool, pa(990), pa(5000));
    EXPECT_EQ(frame_pool_free_count(&pool), 10);
    frame_pool_add(&pool, pa(2000), pa(3000));
    EXPECT_EQ(frame_pool_free_count(&pool), 10);
    frame_pool_reserve(&pool, pa(995), UINT64_MAX); /* end near 2^64 must not wrap */
    EXPECT_EQ(frame_pool_free_count(&pool), 5);
    model_set(990, 995, M_FREE);
    EXPECT_TRUE(pool_matches_model());
}

TEST(add_unaligned_panics)
{
    setup();
    EXPECT_PANIC(frame_pool_add(&pool, pa(1) + 1, pa(4)));
    EXPECT_PANIC(frame_pool_add(&pool, pa(1), pa(4) - 1));
    EXPECT_PANIC(frame_pool_add(&pool, pa(4), pa(1)));
    EXPECT_TRUE(pool_matches_model());
}

TEST(alloc_until_empty_returns_each_frame_once)
{
    static bool seen[NFRAMES];
    paddr_t out;

    setup();
    frame_pool_add(&pool, pa(0), pa(NFRAMES));
    frame_pool_reserve(&pool, pa(100), pa(164));
    for (size_t i = 0; i < NFRAMES - 64; i++) {
        size_t f;

        if (frame_pool_alloc(&pool, &out) != 0) {
            test_fail(__FILE__, __LINE__, "alloc %zu failed", i);
            return;
        }
        f = (size_t)(out >> PAGE_SHIFT);
        EXPECT_TRUE(f < NFRAMES && !seen[f] && (f < 100 || f >= 164));
        seen[f] = true;
    }
    EXPECT_EQ(frame_pool_alloc(&pool, &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_free_count(&pool), 0);
}

TEST(alloc_range_alignment_and_limit)
{
    paddr_t out = 0;

    setup();
    frame_pool_add(&pool, pa(3), pa(NFRAMES));
    EXPECT_EQ(frame_pool_alloc_range(&pool, 4, 8, 0, &out), 0);
    EXPECT_EQ(out, pa(8));
    EXPECT_EQ(frame_pool_alloc_range(&pool, 1, 1, 0, &out), 0);
    EXPECT_EQ(out, pa(3));
    /* Below pa(12) only frames 4..7 are still free. */
    EXPECT_EQ(frame_pool_alloc_range(&pool, 5, 1, pa(12), &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_alloc_range(&pool, 4, 1, pa(8) - 1, &out), -ERR_NOMEM); /* limit rounds down */
    EXPECT_EQ(frame_pool_alloc_range(&pool, 4, 1, pa(8), &out), 0);
    EXPECT_EQ(out, pa(4));
    EXPECT_EQ(frame_pool_alloc_range(&pool, 2, 512, 0, &out), 0);
    EXPECT_EQ(out, pa(512));
    EXPECT_EQ(frame_pool_alloc_range(&pool, 2, 1024, 0, &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_alloc_range(&pool, NFRAMES, 1, 0, &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_alloc_range(&pool, SIZE_MAX, 1, 0, &out), -ERR_NOMEM);
    /* 2^63 alignment admits only frame 0, which is reserved; no wrap-around. */
    EXPECT_EQ(frame_pool_alloc_range(&pool, 1, (size_t)1 << 63, 0, &out), -ERR_NOMEM);
}

TEST(alloc_range_bad_arguments)
{
    paddr_t out;

    setup();
    frame_pool_add(&pool, pa(0), pa(NFRAMES));
    EXPECT_EQ(frame_pool_alloc_range(&pool, 0, 1, 0, &out), -ERR_INVAL);
    EXPECT_LOG("frame_pool: alloc_range of 0 frames aligned to 1");
    log_clear();
    EXPECT_EQ(frame_pool_alloc_range(&pool, 1, 3, 0, &out), -ERR_INVAL);
    EXPECT_LOG("frame_pool: alloc_range of 1 frames aligned to 3");
    EXPECT_EQ(log_count(), 1);
    EXPECT_EQ(frame_pool_alloc_range(&pool, 1, 0, 0, &out), -ERR_INVAL);
    EXPECT_EQ(frame_pool_free_count(&pool), NFRAMES);
}

TEST(bad_frees_panic_and_change_nothing)
{
    paddr_t a, b;

    setup();
    frame_pool_add(&pool, pa(0), pa(100));
    EXPECT_EQ(frame_pool_alloc(&pool, &a), 0);
    EXPECT_EQ(frame_pool_alloc_range(&pool, 4, 4, 0, &b), 0);
    model_set(0, 100, M_FREE);
    model_set((size_t)(a >> PAGE_SHIFT), (size_t)(a >> PAGE_SHIFT) + 1, M_ALLOCATED);
    model_set((size_t)(b >> PAGE_SHIFT), (size_t)(b >> PAGE_SHIFT) + 4, M_ALLOCATED);

    EXPECT_PANIC(frame_pool_free(&pool, pa(50)));
    EXPECT_TRUE(strstr(test_panic_msg, "double free") != NULL);
    EXPECT_PANIC(frame_pool_free(&pool, pa(200)));
    EXPECT_TRUE(strstr(test_panic_msg, "reserved") != NULL);
    EXPECT_PANIC(frame_pool_free(&pool, pa(NFRAMES)));
    EXPECT_PANIC(frame_pool_free(&pool, UINT64_MAX & PAGE_MASK));
    EXPECT_PANIC(frame_pool_free(&pool, a + 8));
    EXPECT_TRUE(strstr(test_panic_msg, "unaligned") != NULL);
    EXPECT_PANIC(frame_pool_free_range(&pool, b, 5)); /* one past the run */
    EXPECT_PANIC(frame_pool_free_range(&pool, b, SIZE_MAX));
    EXPECT_TRUE(pool_matches_model());

    frame_pool_free(&pool, a);
    model_set((size_t)(a >> PAGE_SHIFT), (size_t)(a >> PAGE_SHIFT) + 1, M_FREE);
    EXPECT_PANIC(frame_pool_free(&pool, a)); /* double free */
    frame_pool_free_range(&pool, b, 0);      /* no-op */
    frame_pool_free_range(&pool, b + PAGE_SIZE, 2);
    model_set((size_t)(b >> PAGE_SHIFT) + 1, (size_t)(b >> PAGE_SHIFT) + 3, M_FREE);
    EXPECT_PANIC(frame_pool_free_range(&pool, b, 4));
    EXPECT_TRUE(pool_matches_model());
}

TEST(reserve_or_add_over_allocated_panics)
{
    paddr_t a;

    setup();
    frame_pool_add(&pool, pa(0), pa(10));
    EXPECT_EQ(frame_pool_alloc(&pool, &a), 0);
    model_set(0, 10, M_FREE);
    model_set((size_t)(a >> PAGE_SHIFT), (size_t)(a >> PAGE_SHIFT) + 1, M_ALLOCATED);
    EXPECT_PANIC(frame_pool_reserve(&pool, pa(0), pa(10)));
    EXPECT_PANIC(frame_pool_add(&pool, pa(0), pa(10)));
    EXPECT_TRUE(pool_matches_model());
}

/* Lowest aligned run of count free model frames ending at or below top, or SIZE_MAX. */
static size_t model_find_run(size_t count, size_t align, size_t top)
{
    for (size_t f = 0; f + count <= top; f += align) {
        size_t k = 0;

        while (k < count && model[f + k] == M_FREE)
            k++;
        if (k == count)
            return f;
    }
    return SIZE_MAX;
}

static void random_alloc_range(void)
{
    size_t count = 1 + rng_below(rng_below(4) == 0 ? 64 : 8);
    size_t align = (size_t)1 << rng_below(7);
    paddr_t limit = rng_below(3) == 0 ? pa(rng_below(NFRAMES + 50)) + rng_below(2) * 123 : 0;
    size_t top = limit ? (size_t)MIN(limit >> PAGE_SHIFT, NFRAMES) : NFRAMES;
    size_t want = model_find_run(count, align, top);
    paddr_t out = 1;
    int err = frame_pool_alloc_range(&pool, count, align, limit, &out);

    if (want == SIZE_MAX) {
        EXPECT_EQ(err, -ERR_NOMEM);
        ranges_refused++;
        return;
    }
    EXPECT_EQ(err, 0);
    ranges_taken++;
    EXPECT_EQ(out, pa(want)); /* lowest fit: also proves alignment, limit, freeness */
    if (err == 0)
        model_set((size_t)(out >> PAGE_SHIFT), (size_t)(out >> PAGE_SHIFT) + count, M_ALLOCATED);
}

static void random_alloc(void)
{
    paddr_t out = 0;
    int err = frame_pool_alloc(&pool, &out);
    size_t f = (size_t)(out >> PAGE_SHIFT);

    if (model_count(M_FREE) == 0) {
        EXPECT_EQ(err, -ERR_NOMEM);
        return;
    }
    EXPECT_EQ(err, 0);
    if (err != 0 || f >= NFRAMES || model[f] != M_FREE) {
        test_fail(__FILE__, __LINE__, "alloc returned frame %zu, not free in the model", f);
        return;
    }
    model[f] = M_ALLOCATED;
}

static void random_free(void)
{
    size_t f = rng_below(NFRAMES), n = 1, max = 1 + rng_below(16);

    while (f < NFRAMES && model[f] != M_ALLOCATED)
        f++;
    if (f == NFRAMES)
        return;
    while (n < max && f + n < NFRAMES && model[f + n] == M_ALLOCATED)
        n++;
    if (n == 1 && rng_below(2))
        frame_pool_free(&pool, pa(f));
    else
        frame_pool_free_range(&pool, pa(f), n);
    model_set(f, f + n, M_FREE);
}

enum pool_op { OP_FREE, OP_ADD, OP_RESERVE };

/* Kept apart so that no caller's locals live across EXPECT_PANIC's setjmp. */
static void expect_panic_from(enum pool_op op, paddr_t a, paddr_t b)
{
    if (op == OP_FREE)
        EXPECT_PANIC(frame_pool_free(&pool, a));
    else if (op == OP_ADD)
        EXPECT_PANIC(frame_pool_add(&pool, a, b));
    else
        EXPECT_PANIC(frame_pool_reserve(&pool, a, b));
}

static void random_bad_free(void)
{
    size_t f = rng_below(NFRAMES);

    if (model[f] == M_ALLOCATED)
        return;
    expect_panic_from(OP_FREE, pa(f), 0);
    bad_frees++;
}

static bool model_range_has(size_t first, size_t last, enum model_state s)
{
    for (size_t f = first; f < last; f++)
        if (model[f] == s)
            return true;
    return false;
}

static void random_add_or_reserve(void)
{
    size_t first = rng_below(NFRAMES), len = rng_below(40), last = MIN(NFRAMES, first + len);
    bool add = rng_below(2);

    if (model_range_has(first, last, M_ALLOCATED)) {
        expect_panic_from(add ? OP_ADD : OP_RESERVE, pa(first), pa(last));
        return;
    }
    if (add)
        frame_pool_add(&pool, pa(first), pa(last));
    else
        frame_pool_reserve(&pool, pa(first), pa(last));
    model_set(first, last, add ? M_FREE : M_RESERVED);
}

TEST(random_operations_match_model)
{
    setup();
    rng_state = 0x9e3779b97f4a7c15ull;
    frame_pool_add(&pool, pa(0), pa(700));
    frame_pool_add(&pool, pa(760), pa(NFRAMES));
    frame_pool_reserve(&pool, pa(0), pa(1));
    model_set(1, 700, M_FREE);
    model_set(760, NFRAMES, M_FREE);
    for (unsigned step = 0; step < 20000; step++) {
        size_t op = rng_below(100);

        if (op < 30)
            random_alloc();
        else if (op < 55)
            random_alloc_range();
        else if (op < 90)
            random_free();
        else if (op < 95)
            random_bad_free();
        else
            random_add_or_reserve();
        if (!pool_matches_model()) {
            test_fail(__FILE__, __LINE__, "diverged at step %u (op %zu)", step, op);
            return;
        }
    }
    /* The run must have exercised both outcomes, not just one. */
    EXPECT_TRUE(ranges_taken > 1000 && ranges_refused > 100 && bad_frees > 300);
    if (getenv("UNIT_VERBOSE"))
        printf("  ranges taken %u refused %u, bad frees %u\n", ranges_taken, ranges_refused, bad_frees);
}

TEST(large_pool_is_fast)
{
    static uint64_t big[FRAME_POOL_STORAGE_WORDS(1u << 22)]; /* 16 GiB of frames */
    struct frame_pool p;
    paddr_t out;

    frame_pool_init(&p, big, 1u << 22);
    frame_pool_add(&p, 0, pa(1u << 22));
    frame_pool_reserve(&p, 0, pa((1u << 22) - 100));
    for (unsigned i = 0; i < 100; i++)
        EXPECT_EQ(frame_pool_alloc(&p, &out), 0);
    EXPECT_EQ(frame_pool_alloc(&p, &out), -ERR_NOMEM);
    for (unsigned i = 0; i < 100; i += 2)
        frame_pool_free(&p, pa((1u << 22) - 100 + i));
    EXPECT_EQ(frame_pool_alloc_range(&p, 2, 1, 0, &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_free_count(&p), 50);
    EXPECT_EQ(frame_pool_alloc_range(&p, 1, 1, pa((1u << 22) - 50), &out), 0);
    EXPECT_EQ(out, pa((1u << 22) - 100));
}

TEST(empty_pool)
{
    uint64_t none[1] = { 0 };
    struct frame_pool p;
    paddr_t out;

    frame_pool_init(&p, none, 0);
    frame_pool_add(&p, 0, pa(10));
    frame_pool_reserve(&p, 0, pa(10));
    EXPECT_EQ(frame_pool_free_count(&p), 0);
    EXPECT_EQ(frame_pool_alloc(&p, &out), -ERR_NOMEM);
    EXPECT_EQ(frame_pool_alloc_range(&p, 1, 1, 0, &out), -ERR_NOMEM);
    EXPECT_PANIC(frame_pool_free(&p, 0));
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(init_reserves_everything),
        TEST_ENTRY(add_and_reserve_adjust_count),
        TEST_ENTRY(reserve_rounds_outward),
        TEST_ENTRY(add_and_reserve_clip_to_pool),
        TEST_ENTRY(add_unaligned_panics),
        TEST_ENTRY(alloc_until_empty_returns_each_frame_once),
        TEST_ENTRY(alloc_range_alignment_and_limit),
        TEST_ENTRY(alloc_range_bad_arguments),
        TEST_ENTRY(bad_frees_panic_and_change_nothing),
        TEST_ENTRY(reserve_or_add_over_allocated_panics),
        TEST_ENTRY(random_operations_match_model),
        TEST_ENTRY(large_pool_is_fast),
        TEST_ENTRY(empty_pool),
        TEST_END,
    });
}
