/* SPDX-License-Identifier: MIT */
/*
 * The configuration-write filter of assigned functions (core/pci): the
 * writes a driver needs pass, every other is -EACCES, and, the invariant,
 * no accepted write of any offset, size, value and current content
 * changes a bit outside the command register's memory, bus-master and
 * INTx-disable bits and the MSI-X message control's enable and mask.
 */
#include "pci_filter.h"

#include <string.h>

#include "core/errno.h"
#include "harness.h"

#define MSIX_CAP 0x98u /* where QEMU's virtio-pci puts it */

TEST(driver_writes_pass)
{
    /* A read-modify-write of the command register turning on decoding
     * and bus mastering, with the I/O bit left as firmware set it. */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 4, 2, 0x0007, 0x0001), 0);
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 4, 2, 0x0401, 0x0007), 0); /* INTx off, decoding off */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 4, 1, 0x06, 0x00), 0);
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 5, 1, 0x04, 0x00), 0); /* INTx disable is bit 2 of the high byte */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, MSIX_CAP + 2, 2, 0xc002, 0x0002), 0); /* enable and mask; size 3 kept */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, MSIX_CAP + 3, 1, 0x80, 0x00), 0);
}

TEST(everything_else_is_refused)
{
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 0x10, 4, 0xfe000000u, 0xfebd5000u), -ERR_ACCES);     /* a BAR */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 0x10, 4, 0xfebd5000u, 0xfebd5000u), -ERR_ACCES);     /* even unchanged */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 0x30, 4, 0, 0), -ERR_ACCES);                         /* expansion ROM */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 4, 4, 0x0006, 0x0000), -ERR_ACCES);                  /* status too */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 4, 2, 0x0001, 0x0000), -ERR_ACCES);                  /* I/O decoding */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 4, 2, 0x0100, 0x0000), -ERR_ACCES);                  /* SERR enable */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, 6, 2, 0xffff, 0x0010), -ERR_ACCES);                  /* status clears */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, MSIX_CAP, 4, 0xc0000011u, 0x00000011u), -ERR_ACCES); /* with the header */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, MSIX_CAP + 2, 2, 0x8003, 0x0002), -ERR_ACCES);       /* table size (read-only) */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, MSIX_CAP + 4, 4, 0x1, 0x1), -ERR_ACCES);             /* table offset and BIR */
    EXPECT_EQ(pci_cfg_filter(MSIX_CAP, MSIX_CAP + 1, 1, 0x00, 0x00), -ERR_ACCES);           /* the next pointer */
    /* Without MSI-X, offset 2 is the device id, never the message control. */
    EXPECT_EQ(pci_cfg_filter(0, 2, 2, 0x8000, 0x0000), -ERR_ACCES);
    EXPECT_EQ(pci_cfg_filter(0, 0xffc, 4, 0, 0), -ERR_ACCES);
}

/* Every bit an accepted write may change, by byte offset. */
static uint8_t allowed_byte(uint16_t msix_cap, unsigned off)
{
    if (off == 4)
        return 0x06; /* memory space, bus master */
    if (off == 5)
        return 0x04; /* INTx disable */
    if (msix_cap && off == msix_cap + 3u)
        return 0xc0; /* enable, function mask */
    return 0;
}

TEST(no_accepted_write_changes_a_kept_bit)
{
    unsigned long long steps = test_random_init(0x504349, 200000);
    const uint8_t sizes[] = { 1, 2, 4 };

    for (unsigned long long n = 0; n < steps; n++) {
        uint16_t cap = test_rng_below(2) ? (uint16_t)(0x40 + 4 * test_rng_below(48)) : 0;
        uint8_t size = sizes[test_rng_below(3)];
        uint16_t offset = (uint16_t)(test_rng_below(2) ? test_rng_below(0x1000) : test_rng_below(16) + (cap ? cap : 4));
        uint32_t cur = (uint32_t)test_rng_next(), value = test_rng_below(2) ? (uint32_t)test_rng_next() : cur;
        uint32_t width = size == 4 ? ~0u : (1u << (8 * size)) - 1;

        offset = (uint16_t)(offset & ~(size - 1u) & 0xfffu);
        /* Half the time only allowed bits differ: the accepting side is reached too. */
        if (test_rng_below(2)) {
            uint32_t mask = 0;
            for (unsigned b = 0; b < size; b++)
                mask |= (uint32_t)allowed_byte(cap, offset + b) << (8 * b);
            value = (cur & ~mask) | ((uint32_t)test_rng_next() & mask);
        }
        if (pci_cfg_filter(cap, offset, size, value, cur) != 0)
            continue;
        for (unsigned b = 0; b < size; b++) {
            uint8_t changed = (uint8_t)(((value ^ cur) & width) >> (8 * b));
            if (changed & ~allowed_byte(cap, offset + b)) {
                test_fail(__FILE__, __LINE__, "cap 0x%x: %u-byte write of 0x%x over 0x%x at 0x%x accepted", cap, size,
                          value, cur, offset);
                return;
            }
        }
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(driver_writes_pass),
        TEST_ENTRY(everything_else_is_refused),
        TEST_ENTRY(no_accepted_write_changes_a_kept_bit),
        TEST_END,
    });
}
