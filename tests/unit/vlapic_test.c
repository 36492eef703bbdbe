/* SPDX-License-Identifier: MIT */
/*
 * The x2APIC register file (core/vlapic/vlapic.c): which MSRs read and
 * write, priorities and the IRR/ISR/EOI order, the ICR's meaning and the
 * destinations it reaches, the timer's arithmetic, errors in ESR.
 */
#include "core/vlapic.h"

#include "core/errno.h"
#include "harness.h"

static struct vlapic l;
static struct vlapic_ipi ipi;

static void enabled(uint32_t id)
{
    vlapic_reset(&l, id);
    EXPECT_EQ(vlapic_write(&l, 0x80f, 0x1ff, 0, &ipi), 0);
}

static uint64_t rd(uint32_t msr, uint64_t now)
{
    uint64_t v = 0xdead;

    EXPECT_EQ(vlapic_read(&l, msr, now, &v), 0);
    return v;
}

static int wr(uint32_t msr, uint64_t val)
{
    return vlapic_write(&l, msr, val, 0, &ipi);
}

TEST(reset_state)
{
    vlapic_reset(&l, 17);
    EXPECT_EQ(rd(0x802, 0), 17);
    EXPECT_EQ(rd(0x803, 0), 0x50014);
    EXPECT_EQ(rd(0x80f, 0), 0xff);
    EXPECT_EQ(rd(0x80d, 0), (1u << 16) | (1u << 1)); /* cluster 1, bit 1 */
    for (uint32_t m = 0x832; m <= 0x837; m++)
        EXPECT_EQ(rd(m, 0), 1u << 16);
    vlapic_reset(&l, 0);
    EXPECT_EQ(rd(0x80d, 0), 1);
    EXPECT_EQ(rd(0x80a, 0), 0);
}

/* Every MSR of the range either reads or gives #GP, as table 10-6 says. */
TEST(register_map)
{
    static const uint32_t readable[] = { 0x802, 0x803, 0x808, 0x80a, 0x80d, 0x80f, 0x828, 0x830, 0x838,
                                         0x839, 0x83e, 0x832, 0x833, 0x834, 0x835, 0x836, 0x837 };
    static const uint32_t writable[] = { 0x808, 0x80b, 0x80f, 0x828, 0x830, 0x832, 0x833,
                                         0x834, 0x835, 0x836, 0x837, 0x838, 0x83e, 0x83f };
    for (uint32_t m = 0x800; m <= 0x8ff; m++) {
        bool r = m >= 0x810 && m < 0x828, w = false;
        uint64_t v;
        for (size_t i = 0; i < ARRAY_SIZE(readable); i++)
            r |= readable[i] == m;
        for (size_t i = 0; i < ARRAY_SIZE(writable); i++)
            w |= writable[i] == m;
        enabled(0);
        EXPECT_EQ(vlapic_read(&l, m, 0, &v), r ? 0 : -ERR_INVAL);
        EXPECT_EQ(vlapic_write(&l, m, 0, 0, &ipi) < 0, !w);
    }
}

TEST(illegal_writes)
{
    enabled(0);
    EXPECT_EQ(wr(0x80b, 1), -ERR_INVAL); /* EOI: only zero */
    EXPECT_EQ(wr(0x828, 1), -ERR_INVAL); /* ESR: only zero */
    EXPECT_EQ(wr(0x808, 1ull << 32), -ERR_INVAL);
    EXPECT_EQ(wr(0x838, 1ull << 40), -ERR_INVAL);
    EXPECT_EQ(wr(0x808, 0x1ff), 0);
    EXPECT_EQ(rd(0x808, 0), 0xff); /* reserved bits read as zero */
    EXPECT_EQ(wr(0x83e, 0xff), 0);
    EXPECT_EQ(rd(0x83e, 0), 0xb);
}

TEST(irr_isr_eoi_order)
{
    enabled(0);
    vlapic_set_irr(&l, 0x31);
    vlapic_set_irr(&l, 0x52);
    vlapic_set_irr(&l, 0x41);
    EXPECT_EQ(rd(0x822, 0), (1u << 0x12) | (1u << 1));
    EXPECT_EQ(vlapic_pending(&l), 0x52);
    vlapic_ack(&l, 0x52);
    EXPECT_EQ(rd(0x812, 0), 1u << 0x12);
    EXPECT_EQ(rd(0x80a, 0), 0x50);
    EXPECT_EQ(vlapic_pending(&l), -1); /* 0x41 and 0x31 are below the class in service */
    vlapic_set_irr(&l, 0x5f);
    EXPECT_EQ(vlapic_pending(&l), -1); /* same class: waits too */
    vlapic_set_irr(&l, 0x60);
    EXPECT_EQ(vlapic_pending(&l), 0x60); /* a higher class nests */
    vlapic_ack(&l, 0x60);
    EXPECT_EQ(wr(0x80b, 0), 0); /* ends 0x60, the highest in service */
    EXPECT_EQ(rd(0x813, 0), 0);
    EXPECT_EQ(rd(0x812, 0), 1u << 0x12);
    EXPECT_EQ(wr(0x80b, 0), 0);
    EXPECT_EQ(vlapic_pending(&l), 0x5f);
    vlapic_ack(&l, 0x5f);
    EXPECT_EQ(wr(0x80b, 0), 0);
    EXPECT_EQ(vlapic_pending(&l), 0x41);
    vlapic_ack(&l, 0x41);
    EXPECT_EQ(wr(0x80b, 0), 0);
    EXPECT_EQ(vlapic_pending(&l), 0x31);
    vlapic_ack(&l, 0x31);
    EXPECT_EQ(wr(0x80b, 0), 0);
    EXPECT_EQ(wr(0x80b, 0), 0); /* an EOI with nothing in service changes nothing */
    EXPECT_EQ(vlapic_pending(&l), -1);
    for (uint32_t m = 0x810; m < 0x828; m++)
        EXPECT_EQ(rd(m, 0), 0);
}

TEST(task_priority)
{
    enabled(0);
    EXPECT_EQ(wr(0x808, 0x50), 0);
    vlapic_set_irr(&l, 0x55);
    EXPECT_EQ(vlapic_pending(&l), -1);
    EXPECT_EQ(rd(0x80a, 0), 0x50);
    vlapic_set_irr(&l, 0x61);
    EXPECT_EQ(vlapic_pending(&l), 0x61);
    vlapic_ack(&l, 0x61);
    EXPECT_EQ(rd(0x80a, 0), 0x60);
    EXPECT_EQ(wr(0x808, 0x7a), 0);
    EXPECT_EQ(rd(0x80a, 0), 0x7a); /* the TPR when its class is the higher */
    EXPECT_EQ(wr(0x80b, 0), 0);
    EXPECT_EQ(wr(0x808, 0), 0);
    EXPECT_EQ(vlapic_pending(&l), 0x55);
}

/* Highest-first delivery with EOIs in between, for every vector pair. */
TEST(every_pair_in_order)
{
    for (unsigned a = 16; a < 256; a += 7)
        for (unsigned b = 16; b < 256; b += 5) {
            enabled(0);
            vlapic_set_irr(&l, a);
            vlapic_set_irr(&l, b);
            unsigned hi = a > b ? a : b, lo = a > b ? b : a;
            EXPECT_EQ(vlapic_pending(&l), (int)hi);
            vlapic_ack(&l, hi);
            EXPECT_EQ(vlapic_pending(&l), -1); /* lo's class is not above hi's */
            EXPECT_EQ(wr(0x80b, 0), 0);
            EXPECT_EQ(vlapic_pending(&l), a == b ? -1 : (int)lo);
        }
}

TEST(disabled_and_illegal)
{
    vlapic_reset(&l, 0);
    vlapic_set_irr(&l, 0x40); /* software-disabled: held, not delivered */
    EXPECT_EQ(vlapic_pending(&l), -1);
    EXPECT_EQ(rd(0x822, 0), 1);
    EXPECT_EQ(wr(0x832, 0x40), 0);
    EXPECT_EQ(rd(0x832, 0), 0x10040); /* stays masked while disabled */
    EXPECT_EQ(wr(0x80f, 0x1ff), 0);
    EXPECT_EQ(vlapic_pending(&l), 0x40);
    enabled(0);
    vlapic_set_irr(&l, 5);
    EXPECT_EQ(vlapic_pending(&l), -1);
    EXPECT_EQ(rd(0x828, 0), 0); /* not latched yet */
    EXPECT_EQ(wr(0x828, 0), 0);
    EXPECT_EQ(rd(0x828, 0), 0x40);             /* receive illegal vector */
    EXPECT_EQ(wr(0x830, 0x3ull << 32 | 3), 0); /* fixed vector 3: not sent */
    EXPECT_EQ(wr(0x828, 0), 0);
    EXPECT_EQ(rd(0x828, 0), 0x20); /* send illegal vector */
    EXPECT_EQ(wr(0x828, 0), 0);
    EXPECT_EQ(rd(0x828, 0), 0);
    /* With the error LVT unmasked an error raises its vector. */
    EXPECT_EQ(wr(0x837, 0xe3), 0);
    vlapic_set_irr(&l, 2);
    EXPECT_EQ(vlapic_pending(&l), 0xe3);
    /* Disabling masks every LVT. */
    EXPECT_EQ(wr(0x80f, 0xff), 0);
    EXPECT_EQ(rd(0x837, 0), 0x100e3);
}

TEST(icr_decode)
{
    enabled(2);
    EXPECT_EQ(wr(0x830, (5ull << 32) | 0x4031), VLAPIC_SEND);
    EXPECT_EQ(ipi.mode, VLAPIC_DM_FIXED);
    EXPECT_EQ(ipi.vector, 0x31);
    EXPECT_EQ(ipi.dest, 5);
    EXPECT_EQ(ipi.shorthand, 0);
    EXPECT_EQ(ipi.logical, 0);
    EXPECT_EQ(rd(0x830, 0), (5ull << 32) | 0x4031);
    EXPECT_EQ(wr(0x830, 0x80040), VLAPIC_SEND); /* all including self */
    EXPECT_EQ(ipi.shorthand, 2);
    EXPECT_EQ(wr(0x830, 0xc0040), VLAPIC_SEND);
    EXPECT_EQ(ipi.shorthand, 3);
    EXPECT_EQ(wr(0x830, (0x10002ull << 32) | 0x840), VLAPIC_SEND);
    EXPECT_EQ(ipi.logical, 1);
    EXPECT_EQ(wr(0x830, (1ull << 32) | 0xc500), VLAPIC_SEND); /* INIT, level, assert */
    EXPECT_EQ(ipi.mode, VLAPIC_DM_INIT);
    EXPECT_EQ(wr(0x830, (1ull << 32) | 0x8500), 0); /* INIT level de-assert: nothing */
    EXPECT_EQ(wr(0x830, (1ull << 32) | 0x608), VLAPIC_SEND);
    EXPECT_EQ(ipi.mode, VLAPIC_DM_SIPI);
    EXPECT_EQ(ipi.vector, 8);
    EXPECT_EQ(wr(0x830, 0x400), VLAPIC_SEND);
    EXPECT_EQ(ipi.mode, VLAPIC_DM_NMI);
    EXPECT_EQ(wr(0x830, 0x200), 0);           /* SMI: dropped */
    EXPECT_EQ(wr(0x830, 0x730), 0);           /* reserved mode */
    EXPECT_EQ(wr(0x830, 0x140), VLAPIC_SEND); /* lowest priority: as fixed */
    EXPECT_EQ(ipi.mode, VLAPIC_DM_FIXED);
    EXPECT_EQ(wr(0x830, 0xfff33000ull), 0); /* reserved bits: ignored, read as zero */
    EXPECT_EQ(rd(0x830, 0), 0);
    EXPECT_EQ(wr(0x83f, 0x1ee), VLAPIC_SEND); /* SELF_IPI */
    EXPECT_EQ(ipi.vector, 0xee);
    EXPECT_EQ(ipi.shorthand, 1);
    EXPECT_EQ(ipi.mode, VLAPIC_DM_FIXED);
}

TEST(destinations)
{
    struct vlapic_ipi p = { .dest = 3 };

    for (uint32_t id = 0; id < 40; id++) {
        p = (struct vlapic_ipi){ .dest = 3 };
        EXPECT_EQ(vlapic_ipi_targets(&p, 1, id), id == 3);
        p.dest = 0xffffffffu;
        EXPECT_TRUE(vlapic_ipi_targets(&p, 1, id));
        p.logical = 1;
        EXPECT_TRUE(vlapic_ipi_targets(&p, 1, id));
        p.dest = (1u << 16) | 0x0005; /* cluster 1: ids 16 and 18 */
        EXPECT_EQ(vlapic_ipi_targets(&p, 1, id), id == 16 || id == 18);
        p.dest = 0x0003; /* cluster 0: ids 0 and 1 */
        EXPECT_EQ(vlapic_ipi_targets(&p, 1, id), id <= 1);
        p.shorthand = 1;
        EXPECT_EQ(vlapic_ipi_targets(&p, 1, id), id == 1);
        p.shorthand = 2;
        EXPECT_TRUE(vlapic_ipi_targets(&p, 1, id));
        p.shorthand = 3;
        EXPECT_EQ(vlapic_ipi_targets(&p, 1, id), id != 1);
    }
}

TEST(timer_one_shot)
{
    const uint64_t t0 = 1000000, tick = VLAPIC_NS_PER_TICK;

    enabled(0);
    EXPECT_EQ(wr(0x83e, 0xb), 0); /* divide by 1 */
    EXPECT_EQ(wr(0x832, 0xf0), 0);
    EXPECT_EQ(vlapic_write(&l, 0x838, 1000, t0, &ipi), 0);
    EXPECT_EQ(l.timer_deadline, t0 + 1000 * tick);
    EXPECT_EQ(rd(0x839, t0), 1000);
    EXPECT_EQ(rd(0x839, t0 + 250 * tick), 750);
    EXPECT_EQ(rd(0x839, t0 + 1000 * tick), 0);
    EXPECT_EQ(rd(0x839, t0 + 5000 * tick), 0);
    EXPECT_EQ(rd(0x839, t0 - 5), 1000); /* a CPU whose clock is a little behind */
    EXPECT_EQ(vlapic_timer_fire(&l, t0 + 1000 * tick, t0 + 1000 * tick), 0);
    EXPECT_EQ(vlapic_pending(&l), 0xf0);
    /* Masked: it counts, expires, and raises nothing. */
    enabled(0);
    EXPECT_EQ(wr(0x832, 0x100f0), 0);
    EXPECT_EQ(vlapic_write(&l, 0x838, 10, t0, &ipi), 0);
    EXPECT_EQ(vlapic_timer_fire(&l, l.timer_deadline, l.timer_deadline), 0);
    EXPECT_EQ(vlapic_pending(&l), -1);
    /* A zero count stops it. */
    EXPECT_EQ(vlapic_write(&l, 0x838, 0, t0, &ipi), 0);
    EXPECT_EQ(l.timer_deadline, 0);
    EXPECT_EQ(rd(0x839, t0 + 1), 0);
}

TEST(timer_periodic)
{
    const uint64_t tick = VLAPIC_NS_PER_TICK, period = 10000 * 2 * tick;

    enabled(0);
    EXPECT_EQ(wr(0x83e, 0), 0); /* divide by 2 */
    EXPECT_EQ(wr(0x832, 0x200ef), 0);
    EXPECT_EQ(vlapic_write(&l, 0x838, 10000, 0, &ipi), 0);
    EXPECT_EQ(l.timer_deadline, period);
    EXPECT_EQ(rd(0x839, period / 2), 5000);
    EXPECT_EQ(rd(0x839, period + period / 4), 7500); /* reloaded */
    EXPECT_EQ(vlapic_timer_fire(&l, period, period), 2 * period);
    EXPECT_EQ(vlapic_timer_fire(&l, 2 * period, 5 * period + 3), 6 * period); /* missed ones dropped */
    EXPECT_EQ(vlapic_pending(&l), 0xef);
    /* A period of one tick: the next expiry is no sooner than the floor. */
    EXPECT_EQ(vlapic_write(&l, 0x838, 1, 1000, &ipi), 0);
    EXPECT_EQ(l.timer_deadline, 1000 + 2 * tick);
    EXPECT_EQ(vlapic_timer_fire(&l, l.timer_deadline, l.timer_deadline), 1000 + 2 * tick + VLAPIC_MIN_PERIOD_NS);
}

TEST(timer_divisors)
{
    static const uint32_t tdcr[8] = { 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb };
    static const uint64_t div[8] = { 2, 4, 8, 16, 32, 64, 128, 1 };

    for (int i = 0; i < 8; i++) {
        enabled(0);
        EXPECT_EQ(wr(0x83e, tdcr[i]), 0);
        EXPECT_EQ(vlapic_write(&l, 0x838, 0xffffffffu, 7, &ipi), 0);
        EXPECT_EQ(l.timer_deadline, 7 + 0xffffffffull * div[i] * VLAPIC_NS_PER_TICK);
        EXPECT_EQ(rd(0x839, 7 + 3 * div[i] * VLAPIC_NS_PER_TICK), 0xffffffffu - 3);
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(reset_state),
        TEST_ENTRY(register_map),
        TEST_ENTRY(illegal_writes),
        TEST_ENTRY(irr_isr_eoi_order),
        TEST_ENTRY(task_priority),
        TEST_ENTRY(every_pair_in_order),
        TEST_ENTRY(disabled_and_illegal),
        TEST_ENTRY(icr_decode),
        TEST_ENTRY(destinations),
        TEST_ENTRY(timer_one_shot),
        TEST_ENTRY(timer_periodic),
        TEST_ENTRY(timer_divisors),
        TEST_END,
    });
}
