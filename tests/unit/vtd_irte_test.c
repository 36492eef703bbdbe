/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the VT-d interrupt encodings in core/include/core/vtd.h:
 * the remapped-format IRTE (VT-d 9.10) and the remappable-format MSI
 * address (5.1.2.2), checked bit by bit against the spec's fields.
 */
#include "core/vtd.h"

#include "harness.h"

/* Bits h..l of v. */
static uint64_t bits(uint64_t v, unsigned h, unsigned l)
{
    return (v >> l) & ((2ull << (h - l)) - 1);
}

TEST(irte_fields)
{
    struct vtd_irte e = vtd_irte_make(0x0021, 0x45, 3); /* 00:04.1, vector 0x45, APIC 3 */

    EXPECT_EQ(bits(e.lo, 0, 0), 1);       /* present */
    EXPECT_EQ(bits(e.lo, 1, 1), 0);       /* faults are recorded */
    EXPECT_EQ(bits(e.lo, 2, 2), 0);       /* physical destination */
    EXPECT_EQ(bits(e.lo, 3, 3), 0);       /* no redirection hint */
    EXPECT_EQ(bits(e.lo, 4, 4), 0);       /* edge */
    EXPECT_EQ(bits(e.lo, 7, 5), 0);       /* fixed delivery */
    EXPECT_EQ(bits(e.lo, 15, 8), 0);      /* available, reserved, IM 0: remapped */
    EXPECT_EQ(bits(e.lo, 23, 16), 0x45);  /* vector */
    EXPECT_EQ(bits(e.lo, 31, 24), 0);     /* reserved */
    EXPECT_EQ(bits(e.lo, 63, 32), 0x300); /* xAPIC destination in DST 15:8 */
    EXPECT_EQ(bits(e.hi, 15, 0), 0x0021); /* SID */
    EXPECT_EQ(bits(e.hi, 17, 16), 0);     /* SQ: all 16 bits compared */
    EXPECT_EQ(bits(e.hi, 19, 18), 1);     /* SVT: verify the requester id */
    EXPECT_EQ(bits(e.hi, 63, 20), 0);     /* reserved */
    e = vtd_irte_make(0xffff, 0xff, 0xff);
    EXPECT_EQ(bits(e.lo, 63, 32), 0xff00);
    EXPECT_EQ(bits(e.lo, 31, 24), 0);
    EXPECT_EQ(e.hi, 0xffffull | 1ull << 18);
}

TEST(msi_address_fields)
{
    static const unsigned handles[] = { 0, 1, 5, 255, 0x7fff, 0x8000, 0xabcd, 0xffff };

    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++) {
        unsigned h = handles[i];
        uint64_t a = vtd_msi_address(h);

        EXPECT_EQ(bits(a, 63, 32), 0);
        EXPECT_EQ(bits(a, 31, 20), 0xfee);
        EXPECT_EQ(bits(a, 19, 5), h & 0x7fff); /* handle 14:0 */
        EXPECT_EQ(bits(a, 4, 4), 1);           /* remappable format */
        EXPECT_EQ(bits(a, 3, 3), 0);           /* SHV: no subhandle */
        EXPECT_EQ(bits(a, 2, 2), h >> 15);     /* handle 15 */
        EXPECT_EQ(bits(a, 1, 0), 0);
    }
    EXPECT_EQ(vtd_msi_address(0x21), 0xfee00430ull);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(irte_fields),
        TEST_ENTRY(msi_address_fields),
        TEST_END,
    });
}
