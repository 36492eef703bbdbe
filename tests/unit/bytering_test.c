/* SPDX-License-Identifier: MIT */
/*
 * Tests of the byte rings of shared pages (domains/runtime/bytering.c,
 * mosaic/bytering.h), over the console page's two rings (idl/console.h)
 * as the console domain and a guest use them: a random exchange checked
 * against a FIFO model, indices wrapping at 2^32, and every impossible
 * index the other side can publish, which must be reported and never
 * move a byte or an index. The page is malloc'ed at its exact size, so
 * that AddressSanitizer sees any access past it.
 */
#include "mosaic/bytering.h"

#include "idl/console.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

struct rings {
    struct xencons_interface *page;
    struct bytering out, in; /* as the console domain sees them */
};

static struct rings rings_new(uint32_t start)
{
    struct rings r;

    r.page = malloc(sizeof(*r.page));
    if (!r.page)
        abort();
    memset(r.page, 0xa5, sizeof(*r.page));
    r.page->out_prod = r.page->out_cons = start;
    r.page->in_prod = r.page->in_cons = start;
    r.out = (struct bytering){ r.page->out, XENCONS_OUT_SIZE, &r.page->out_prod, &r.page->out_cons };
    r.in = (struct bytering){ r.page->in, XENCONS_IN_SIZE, &r.page->in_prod, &r.page->in_cons };
    return r;
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Random writes and reads of random sizes: the bytes come out in order,
 * none lost or made up, the used count always the model's; from indices
 * just below 2^32, so they wrap. */
static void exchange(uint32_t start, uint32_t seed)
{
    struct rings r = rings_new(start);
    static char model[1 << 16];
    size_t head = 0, tail = 0; /* model[head..tail) is in the ring */
    uint32_t s = seed;
    char buf[3000];

    for (unsigned step = 0; step < 20000; step++) {
        size_t n = lcg(&s) % sizeof(buf);
        if (lcg(&s) & 1) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)lcg(&s);
            long w = bytering_write(&r.out, buf, n);
            EXPECT_TRUE(w >= 0 && (size_t)w <= n);
            EXPECT_EQ((size_t)w, n < XENCONS_OUT_SIZE - (tail - head) ? n : XENCONS_OUT_SIZE - (tail - head));
            for (long i = 0; i < w; i++)
                model[(tail + (size_t)i) % sizeof(model)] = buf[i];
            tail += (size_t)(w > 0 ? w : 0);
        } else {
            long got = bytering_read(&r.out, buf, n);
            EXPECT_EQ((size_t)got, n < tail - head ? n : tail - head);
            for (long i = 0; i < got; i++)
                if (buf[i] != model[(head + (size_t)i) % sizeof(model)]) {
                    test_fail(__FILE__, __LINE__, "byte %zu differs", head + (size_t)i);
                    break;
                }
            head += (size_t)(got > 0 ? got : 0);
        }
        EXPECT_EQ(bytering_used(&r.out), (long)(tail - head));
    }
    free(r.page);
}

TEST(exchange_keeps_order)
{
    exchange(0, 1);
}

TEST(exchange_wraps_at_2_32)
{
    exchange(UINT32_MAX - 100, 2);
    exchange(UINT32_MAX - XENCONS_OUT_SIZE + 1, 3);
}

/* The guest (producer of out, consumer of in) publishes an impossible
 * index: every call reports the ring broken and changes nothing. */
TEST(impossible_indices_are_reported_and_move_nothing)
{
    const uint32_t bad_ahead[] = { XENCONS_OUT_SIZE + 1, XENCONS_OUT_SIZE * 3, 0x80000000u, UINT32_MAX };
    char buf[64];

    for (unsigned i = 0; i < sizeof(bad_ahead) / sizeof(bad_ahead[0]); i++) {
        struct rings r = rings_new(UINT32_MAX - 7);
        struct xencons_interface before;
        r.page->out_prod = r.page->out_cons + bad_ahead[i]; /* more than the ring holds */
        r.page->in_cons = r.page->in_prod + 5;              /* consumed what was never produced */
        before = *r.page;
        EXPECT_EQ(bytering_read(&r.out, buf, sizeof(buf)), BYTERING_BROKEN);
        EXPECT_EQ(bytering_peek(&r.out, buf, sizeof(buf)), BYTERING_BROKEN);
        EXPECT_EQ(bytering_used(&r.out), BYTERING_BROKEN);
        EXPECT_EQ(bytering_write(&r.in, "x", 1), BYTERING_BROKEN);
        EXPECT_EQ(bytering_used(&r.in), BYTERING_BROKEN);
        EXPECT_TRUE(memcmp(&before, r.page, sizeof(before)) == 0);
        free(r.page);
    }
}

/* Exactly full is possible: size bytes can be read, none written. */
TEST(a_full_ring_is_not_broken)
{
    struct rings r = rings_new(12345);
    static char buf[XENCONS_OUT_SIZE + 1];

    r.page->out_prod = r.page->out_cons + XENCONS_OUT_SIZE;
    EXPECT_EQ(bytering_used(&r.out), XENCONS_OUT_SIZE);
    EXPECT_EQ(bytering_write(&r.out, "x", 1), 0);
    EXPECT_EQ(bytering_read(&r.out, buf, sizeof(buf)), XENCONS_OUT_SIZE);
    EXPECT_EQ(bytering_used(&r.out), 0);
    r.page->in_cons = r.page->in_prod; /* input: as much as fits, then no more */
    EXPECT_EQ(bytering_write(&r.in, buf, sizeof(buf)), XENCONS_IN_SIZE);
    EXPECT_EQ(bytering_write(&r.in, buf, 1), 0);
    free(r.page);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(exchange_keeps_order),
        TEST_ENTRY(exchange_wraps_at_2_32),
        TEST_ENTRY(impossible_indices_are_reported_and_move_nothing),
        TEST_ENTRY(a_full_ring_is_not_broken),
        TEST_END,
    });
}
