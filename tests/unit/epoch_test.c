/* SPDX-License-Identifier: MIT */
/* The deferred-free epochs: nothing comes back while a CPU that could
 * have found it has not passed a quiescent point; idle CPUs and CPUs
 * outside the mask hold nothing back; everything comes back in the end.
 * A random model checks the rule after every step. */
#include "core/epoch.h"

#include <stdlib.h>

#include "harness.h"

#define NITEMS 64
#define NCPUS  4

static struct epoch_item items[NITEMS];

static paddr_t pa_of(unsigned i)
{
    return (paddr_t)(i + 1) << 12;
}

static unsigned index_of(const struct epoch_item *it)
{
    return (unsigned)(it - items);
}

/* Detaches what reclaim gives; returns how many items. */
static unsigned reclaim(struct epoch *e, uint64_t mask, bool back[NITEMS])
{
    unsigned n = 0;

    for (struct epoch_item *it = epoch_reclaim(e, mask); it; it = it->next, n++) {
        EXPECT_EQ(it->pa, pa_of(index_of(it)));
        back[index_of(it)] = true;
    }
    return n;
}

TEST(all_idle_gives_back_at_once)
{
    struct epoch e;
    bool back[NITEMS] = { 0 };

    epoch_init(&e);
    epoch_retire(&e, &items[0], pa_of(0), 3);
    EXPECT_EQ(epoch_pending(&e), 3);
    EXPECT_EQ(reclaim(&e, 0xf, back), 1);
    EXPECT_TRUE(back[0]);
    EXPECT_EQ(epoch_pending(&e), 0);
    EXPECT_EQ(reclaim(&e, 0xf, back), 0);
}

TEST(a_busy_cpu_holds_back_until_its_quiescent_point)
{
    struct epoch e;
    bool back[NITEMS] = { 0 };

    epoch_init(&e);
    epoch_quiescent(&e, 0);
    epoch_quiescent(&e, 1);
    epoch_retire(&e, &items[0], pa_of(0), 1);
    epoch_quiescent(&e, 0);
    EXPECT_EQ(reclaim(&e, 0x3, back), 0); /* cpu1 may hold it */
    EXPECT_EQ(reclaim(&e, 0x1, back), 1); /* cpu1 offline: nothing it holds counts */
    epoch_retire(&e, &items[1], pa_of(1), 1);
    epoch_quiescent(&e, 1);
    EXPECT_EQ(reclaim(&e, 0x3, back), 0); /* cpu0 has not passed one since */
    epoch_idle(&e, 0);
    EXPECT_EQ(reclaim(&e, 0x3, back), 1);
    EXPECT_TRUE(back[1]);
}

TEST(oldest_first_and_only_what_is_safe)
{
    struct epoch e;
    bool back[NITEMS] = { 0 };
    struct epoch_item *it;

    epoch_init(&e);
    epoch_quiescent(&e, 2);
    epoch_retire(&e, &items[0], pa_of(0), 1);
    epoch_retire(&e, &items[1], pa_of(1), 2);
    epoch_quiescent(&e, 2);
    epoch_retire(&e, &items[2], pa_of(2), 4);
    EXPECT_EQ(epoch_pending(&e), 7);
    it = epoch_reclaim(&e, 0x4);
    EXPECT_TRUE(it == &items[0] && it->next == &items[1] && items[1].next == NULL);
    EXPECT_EQ(epoch_pending(&e), 4);
    epoch_quiescent(&e, 2);
    EXPECT_EQ(reclaim(&e, 0x4, back), 1);
    EXPECT_TRUE(back[2]);
    /* Retiring after the list emptied starts it again. */
    epoch_retire(&e, &items[3], pa_of(3), 1);
    EXPECT_EQ(reclaim(&e, 0, back), 1);
}

/* The model: objects are linked (findable) or retired (unlinked, waiting)
 * (given back ones are linked again at once, as reused frames would be).
 * A busy CPU holds objects it found while they were linked,
 * until its next quiescent point; an idle one holds nothing. */
TEST(random_steps_never_give_back_what_a_cpu_holds)
{
    enum { LINKED, RETIRED } state[NITEMS];
    bool held[NCPUS][NITEMS], idle[NCPUS];
    struct epoch e;

    srand(7);
    epoch_init(&e);
    for (unsigned i = 0; i < NITEMS; i++)
        state[i] = LINKED;
    for (unsigned c = 0; c < NCPUS; c++) {
        idle[c] = true;
        for (unsigned i = 0; i < NITEMS; i++)
            held[c][i] = false;
    }
    for (unsigned step = 0; step < 20000; step++) {
        unsigned c = (unsigned)rand() % NCPUS, i = (unsigned)rand() % NITEMS;
        size_t pending = 0;
        bool back[NITEMS] = { 0 };
        switch (rand() % 5) {
        case 0: /* c finds object i, waking first if it slept */
            if (idle[c])
                epoch_quiescent(&e, c), idle[c] = false;
            if (state[i] == LINKED)
                held[c][i] = true;
            break;
        case 1:
            epoch_quiescent(&e, c);
            idle[c] = false;
            for (unsigned k = 0; k < NITEMS; k++)
                held[c][k] = false;
            break;
        case 2:
            epoch_idle(&e, c);
            idle[c] = true;
            for (unsigned k = 0; k < NITEMS; k++)
                held[c][k] = false;
            break;
        case 3:
            if (state[i] == LINKED)
                epoch_retire(&e, &items[i], pa_of(i), i % 3 + 1), state[i] = RETIRED;
            break;
        default:
            reclaim(&e, (1u << NCPUS) - 1, back);
            for (unsigned k = 0; k < NITEMS; k++) {
                if (!back[k])
                    continue;
                if (state[k] != RETIRED)
                    test_fail(__FILE__, __LINE__, "step %u: item %u given back, not retired", step, k);
                for (unsigned h = 0; h < NCPUS; h++)
                    if (held[h][k])
                        test_fail(__FILE__, __LINE__, "step %u: item %u given back, cpu%u holds it", step, k, h);
                state[k] = LINKED; /* given back and reused at once, as frames would be */
            }
        }
        for (unsigned k = 0; k < NITEMS; k++)
            pending += state[k] == RETIRED ? k % 3 + 1 : 0;
        if (epoch_pending(&e) != pending)
            test_fail(__FILE__, __LINE__, "step %u: %zu frames pending, model says %zu", step, epoch_pending(&e),
                      pending);
    }
    /* Every CPU passes a quiescent point: nothing is left. */
    for (unsigned c = 0; c < NCPUS; c++)
        epoch_quiescent(&e, c);
    {
        bool back[NITEMS] = { 0 };
        reclaim(&e, (1u << NCPUS) - 1, back);
    }
    EXPECT_EQ(epoch_pending(&e), 0);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(all_idle_gives_back_at_once),
        TEST_ENTRY(a_busy_cpu_holds_back_until_its_quiescent_point),
        TEST_ENTRY(oldest_first_and_only_what_is_safe),
        TEST_ENTRY(random_steps_never_give_back_what_a_cpu_holds),
        TEST_END,
    });
}
