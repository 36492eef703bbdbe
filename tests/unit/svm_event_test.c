/* SPDX-License-Identifier: MIT */
/*
 * svm_event_reinject and svm_event_is_interrupt: every event type and
 * vector, with and without an error code and with reserved bits set,
 * against the rules in their header.
 */
#include "../../core/svm/svm_event.h"

#include "harness.h"

#define V   (1ull << 31)
#define EV  (1ull << 11)
#define ERR (0xdeadbeefull << 32)

static uint64_t ev(unsigned type, unsigned vector)
{
    return V | ((uint64_t)type << 8) | vector;
}

TEST(none_without_valid)
{
    EXPECT_EQ(svm_event_reinject(0), 0);
    EXPECT_EQ(svm_event_reinject(ev(3, 14) & ~V), 0);
    EXPECT_EQ(svm_event_reinject(0xffffffff7fffffffull), 0); /* everything but V */
}

TEST(nmi_again)
{
    EXPECT_EQ(svm_event_reinject(ev(2, 2)), ev(2, 2));
}

/* Offered again as V_IRQ from where they wait, never through EVENTINJ;
 * QEMU records a virtual interrupt as an exception with its vector. */
TEST(interrupts_offered_again)
{
    for (unsigned vec = 0; vec < 256; vec++) {
        EXPECT_EQ(svm_event_reinject(ev(0, vec)), 0);
        EXPECT_TRUE(svm_event_is_interrupt(ev(0, vec)));
        EXPECT_EQ(svm_event_is_interrupt(ev(3, vec)), vec >= 32);
        if (vec >= 32)
            EXPECT_EQ(svm_event_reinject(ev(3, vec) | EV | ERR), 0);
    }
    EXPECT_FALSE(svm_event_is_interrupt(ev(0, 0x20) & ~V));
    EXPECT_FALSE(svm_event_is_interrupt(ev(2, 2)));
}

TEST(exception_again_with_its_error_code)
{
    EXPECT_EQ(svm_event_reinject(ev(3, 14) | EV | ERR), ev(3, 14) | EV | ERR);
    EXPECT_EQ(svm_event_reinject(ev(3, 13) | EV), ev(3, 13) | EV);
    EXPECT_EQ(svm_event_reinject(ev(3, 6)), ev(3, 6));
    /* No EV: stale bits where an error code would be do not go on. */
    EXPECT_EQ(svm_event_reinject(ev(3, 6) | ERR), ev(3, 6));
}

TEST(software_events_regenerate)
{
    EXPECT_EQ(svm_event_reinject(ev(4, 0x80)), 0); /* INTn */
    EXPECT_EQ(svm_event_reinject(ev(3, 3)), 0);    /* INT3 */
    EXPECT_EQ(svm_event_reinject(ev(3, 4)), 0);    /* INTO */
}

TEST(unknown_types_dropped)
{
    EXPECT_EQ(svm_event_reinject(ev(1, 5)), 0);
    for (unsigned type = 5; type < 8; type++)
        EXPECT_EQ(svm_event_reinject(ev(type, 5)), 0);
}

TEST(reserved_bits_dropped)
{
    uint64_t rsvd = 0x7ffff000ull; /* bits 12-30 */

    EXPECT_EQ(svm_event_reinject(ev(3, 14) | EV | ERR | rsvd), ev(3, 14) | EV | ERR);
    EXPECT_EQ(svm_event_reinject(ev(2, 2) | rsvd), ev(2, 2));
}

/* Every value with V set: the result is 0 or valid, never carries a
 * reserved bit, and keeps the vector and type it was given. */
TEST(invariants_all_low_words)
{
    for (uint64_t low = 0; low < (1u << 12); low++) {
        uint64_t e = V | EV | ERR | low, r = svm_event_reinject(e);
        if (!r)
            continue;
        EXPECT_TRUE(r & V);
        EXPECT_EQ(r & 0x7ffff000ull, 0);
        EXPECT_EQ(r & 0x7ff, low & 0x7ff);
        EXPECT_EQ(r >> 32, ERR >> 32);
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(none_without_valid),
        TEST_ENTRY(nmi_again),
        TEST_ENTRY(interrupts_offered_again),
        TEST_ENTRY(exception_again_with_its_error_code),
        TEST_ENTRY(software_events_regenerate),
        TEST_ENTRY(unknown_types_dropped),
        TEST_ENTRY(reserved_bits_dropped),
        TEST_ENTRY(invariants_all_low_words),
        TEST_END,
    });
}
