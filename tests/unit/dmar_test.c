/* SPDX-License-Identifier: MIT */
/*
 * Host tests for core/iommu/dmar.c. Tables are built in a buffer and handed
 * to the parser as exact-size heap copies, so AddressSanitizer catches any
 * read past the length the parser was given.
 */
#include "core/dmar.h"

#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "harness.h"

#define TBL_MAX 4096

static uint8_t tbl[TBL_MAX];

static uint32_t tbl_len(void)
{
    uint32_t len;

    memcpy(&len, tbl + 4, sizeof(len));
    return len;
}

static void tbl_set_len(uint32_t len)
{
    memcpy(tbl + 4, &len, sizeof(len));
}

static void tbl_put(const void *data, size_t n)
{
    uint32_t len = tbl_len();

    memcpy(tbl + len, data, n);
    tbl_set_len(len + (uint32_t)n);
}

static void tbl_seal(void)
{
    tbl[9] = 0;
    tbl[9] = (uint8_t)(0x100 - acpi_checksum(tbl, tbl_len()));
}

static void dmar_begin(uint8_t haw, uint8_t flags)
{
    struct dmar_table t;

    memset(tbl, 0, sizeof(tbl));
    memset(&t, 0, sizeof(t));
    memcpy(t.header.signature, "DMAR", 4);
    t.header.length = sizeof(t);
    t.header.revision = 1;
    memcpy(t.header.oem_id, "MOSAIC", 6);
    t.host_addr_width = haw;
    t.flags = flags;
    memcpy(tbl, &t, sizeof(t));
}

/* A DRHD with one 8-byte device scope after its fixed part. */
static void put_drhd(uint64_t base, uint16_t segment, uint8_t flags)
{
    struct dmar_drhd d = { DMAR_TYPE_DRHD, 24, flags, 0, segment, base };
    static const uint8_t scope[8] = { 3, 8, 0, 0, 0, 0xff, 0, 0 };

    tbl_put(&d, sizeof(d));
    tbl_put(scope, sizeof(scope));
}

/* Any structure: type, length, zeroed body. */
static void put_raw(uint16_t type, uint16_t len)
{
    uint8_t s[512];

    memset(s, 0, sizeof(s));
    memcpy(s, &type, 2);
    memcpy(s + 2, &len, 2);
    tbl_put(s, len < 4 ? 4 : len);
}

/* Parse the first n bytes of tbl from an exact-size heap copy. */
static int parse_n(size_t n, struct dmar_info *out)
{
    uint8_t *copy = malloc(n ? n : 1);
    int rc;

    memcpy(copy, tbl, n);
    rc = dmar_parse(copy, n, out);
    free(copy);
    return rc;
}

static int parse_all(struct dmar_info *out)
{
    return parse_n(tbl_len(), out);
}

static bool info_is_zero(const struct dmar_info *d)
{
    static const struct dmar_info zero;

    return memcmp(d, &zero, sizeof(zero)) == 0;
}

/* What QEMU's intel-iommu device builds on q35. */
static void q35_build(void)
{
    dmar_begin(38, DMAR_FLAG_INTR_REMAP);
    put_drhd(0xfed90000u, 0, DMAR_DRHD_INCLUDE_PCI_ALL);
    tbl_seal();
}

#define EXPECT_REJECT(rc, d, msg)        \
    do {                                 \
        log_clear();                     \
        EXPECT_EQ((rc), -ERR_INVAL);     \
        EXPECT_LOG(msg);                 \
        EXPECT_EQ(log_count(), 1);       \
        EXPECT_TRUE(info_is_zero(&(d))); \
    } while (0)

TEST(dmar_q35)
{
    struct dmar_info d;
    char buf[128];

    q35_build();
    EXPECT_EQ(parse_all(&d), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(d.host_addr_width, 39);
    EXPECT_TRUE(d.intr_remap);
    EXPECT_FALSE(d.x2apic_opt_out);
    EXPECT_EQ(d.nunits, 1);
    EXPECT_EQ(d.units[0].base, 0xfed90000u);
    EXPECT_EQ(d.units[0].segment, 0);
    EXPECT_TRUE(d.units[0].include_pci_all);
    EXPECT_EQ(d.nrmrr, 0);
    EXPECT_EQ(d.natsr, 0);
    EXPECT_EQ(dmar_describe(&d, buf, sizeof(buf)), (int)strlen(buf));
    EXPECT_EQ(strcmp(buf, "1 unit (0xfed90000 segment 0 all-PCI), 39-bit host addresses, "
                          "interrupt remapping"),
              0);
}

static void server_build(void)
{
    dmar_begin(45, DMAR_FLAG_INTR_REMAP | DMAR_FLAG_X2APIC_OPT_OUT);
    put_drhd(0xfed91000u, 0, 0);
    put_drhd(0x1fffffff000ull, 1, DMAR_DRHD_INCLUDE_PCI_ALL);
    put_raw(DMAR_TYPE_RMRR, 32);
    put_raw(DMAR_TYPE_ATSR, 16);
    put_raw(DMAR_TYPE_ATSR, 8);
    put_raw(3, 4); /* RHSA-like, skipped */
    put_raw(0x7fff, 300);
    tbl_seal();
}

TEST(dmar_several_structures)
{
    struct dmar_info d;
    char buf[256];

    server_build();
    EXPECT_EQ(parse_all(&d), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(d.host_addr_width, 46);
    EXPECT_TRUE(d.intr_remap);
    EXPECT_TRUE(d.x2apic_opt_out);
    EXPECT_EQ(d.nunits, 2);
    EXPECT_FALSE(d.units[0].include_pci_all);
    EXPECT_EQ(d.units[1].base, 0x1fffffff000ull);
    EXPECT_EQ(d.units[1].segment, 1);
    EXPECT_TRUE(d.units[1].include_pci_all);
    EXPECT_EQ(d.nrmrr, 1);
    EXPECT_EQ(d.natsr, 2);
    EXPECT_TRUE(dmar_describe(&d, buf, sizeof(buf)) > 0);
    EXPECT_EQ(strcmp(buf, "2 units (0xfed91000 segment 0, 0x1fffffff000 segment 1 all-PCI), "
                          "46-bit host addresses, interrupt remapping, x2APIC opt-out, "
                          "1 RMRR, 2 ATSRs"),
              0);
}

TEST(dmar_header_rejections)
{
    struct dmar_info d;

    q35_build();
    EXPECT_REJECT(dmar_parse(NULL, 72, &d), d, "dmar: table is 0 bytes, below 48");
    EXPECT_REJECT(parse_n(47, &d), d, "dmar: table is 47 bytes, below 48");
    tbl[0] = 'd';
    EXPECT_REJECT(parse_n(72, &d), d, "dmar: signature is not \"DMAR\"");
    q35_build();
    EXPECT_REJECT(parse_n(71, &d), d, "dmar: length 72 is outside 48..71");
    tbl_set_len(47);
    EXPECT_REJECT(parse_n(72, &d), d, "dmar: length 47 is outside 48..72");
    q35_build();
    tbl[60] ^= 0x40;
    EXPECT_REJECT(parse_all(&d), d, "dmar: checksum: 72 bytes sum to 0x40, not 0");
}

TEST(dmar_address_width)
{
    struct dmar_info d;

    dmar_begin(255, 0);
    put_drhd(0xfed90000u, 0, 0);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: host address width 256 bits is outside 32..64");
    dmar_begin(30, 0);
    put_drhd(0xfed90000u, 0, 0);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: host address width 31 bits is outside 32..64");
    for (uint8_t haw = 31; haw <= 63; haw++) {
        dmar_begin(haw, 0);
        put_drhd(0xfed90000u, 0, 0);
        tbl_seal();
        EXPECT_EQ(parse_all(&d), 0);
        EXPECT_EQ(d.host_addr_width, haw + 1);
    }
}

/* The q35 table with one raw structure appended at offset 0x48. */
static int q35_with_raw(uint16_t type, uint16_t len, struct dmar_info *d)
{
    dmar_begin(38, 0);
    put_drhd(0xfed90000u, 0, 0);
    put_raw(type, len);
    tbl_seal();
    return parse_all(d);
}

TEST(dmar_structure_lengths)
{
    struct dmar_info d;

    /* Length 0 must be rejected, not loop forever. */
    EXPECT_REJECT(q35_with_raw(0x40, 0, &d), d, "dmar: structure at offset 0x48: length 0 is below 4 for type 64");
    EXPECT_REJECT(q35_with_raw(0x40, 3, &d), d, "dmar: structure at offset 0x48: length 3 is below 4");
    EXPECT_REJECT(q35_with_raw(DMAR_TYPE_DRHD, 0, &d), d, "offset 0x48: length 0 is below 16 for type 0");
    EXPECT_REJECT(q35_with_raw(DMAR_TYPE_DRHD, 15, &d), d, "offset 0x48: length 15 is below 16 for type 0");
    EXPECT_REJECT(q35_with_raw(DMAR_TYPE_RMRR, 23, &d), d, "offset 0x48: length 23 is below 24 for type 1");
    EXPECT_REJECT(q35_with_raw(DMAR_TYPE_ATSR, 7, &d), d, "offset 0x48: length 7 is below 8 for type 2");
    EXPECT_EQ(q35_with_raw(0x40, 4, &d), 0);
    EXPECT_EQ(q35_with_raw(0xffff, 500, &d), 0);
    EXPECT_EQ(d.nunits, 1);
}

TEST(dmar_structure_past_end)
{
    struct dmar_info d;

    dmar_begin(38, 0);
    put_drhd(0xfed90000u, 0, 0);
    put_raw(DMAR_TYPE_RMRR, 24);
    tbl_set_len(tbl_len() - 1);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: structure at offset 0x48: length 24 runs past the table end at 0x5f");

    dmar_begin(38, 0);
    put_drhd(0xfed90000u, 0, 0);
    tbl_put((const uint8_t[3]){ 0 }, 3);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: structure at offset 0x48: 3 bytes left, a header needs 4");
}

TEST(dmar_drhd_base)
{
    struct dmar_info d;

    dmar_begin(38, 0);
    put_drhd(0, 0, 0);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d,
                  "dmar: DRHD at offset 0x30: register base 0x0 is not a nonzero 4 KiB "
                  "aligned address");
    dmar_begin(38, 0);
    put_drhd(0xfed90000u, 0, 0);
    put_drhd(0xfed90800u, 0, 0);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: DRHD at offset 0x48: register base 0xfed90800 is not");
}

/* QEMU's q35 since host bridges may bypass the IOMMU: no all-PCI flag, one
 * endpoint scope per function on bus 0. A bridge scope and a two-step path
 * are not kept; a scope that overruns the DRHD rejects the table. */
TEST(dmar_endpoint_scopes)
{
    static const uint8_t scopes[] = { 1, 8,  0, 0, 0, 0, 0, 0, /* 00:00.0 */
                                      1, 8,  0, 0, 0, 0, 4, 1, /* 00:04.1 */
                                      2, 8,  0, 0, 0, 0, 2, 0, /* a bridge */
                                      1, 10, 0, 0, 0, 1, 3, 0, 0, 0 /* behind a bridge */ };
    struct dmar_drhd h = { DMAR_TYPE_DRHD, (uint16_t)(16 + sizeof(scopes)), 0, 0, 0, 0xfed90000u };
    struct dmar_info d;
    char buf[128];

    dmar_begin(47, DMAR_FLAG_INTR_REMAP);
    tbl_put(&h, sizeof(h));
    tbl_put(scopes, sizeof(scopes));
    tbl_seal();
    EXPECT_EQ(parse_all(&d), 0);
    EXPECT_FALSE(d.units[0].include_pci_all);
    EXPECT_EQ(d.units[0].nendpoints, 2);
    EXPECT_EQ(d.units[0].endpoints[0], 0x0000);
    EXPECT_EQ(d.units[0].endpoints[1], 0x0021);
    EXPECT_TRUE(dmar_describe(&d, buf, sizeof(buf)) > 0);
    EXPECT_EQ(strncmp(buf, "1 unit (0xfed90000 segment 0 2 endpoints)", 41), 0);

    h.length = 16 + 12; /* the second scope runs past the DRHD */
    dmar_begin(47, 0);
    tbl_put(&h, sizeof(h));
    tbl_put(scopes, 12);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: DRHD at offset 0x30: 4 bytes left at +0x18, a device scope needs 6");
}

TEST(dmar_no_unit)
{
    struct dmar_info d;

    dmar_begin(38, 1);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: table lists no DRHD unit");
    dmar_begin(38, 1);
    put_raw(DMAR_TYPE_RMRR, 24);
    tbl_seal();
    EXPECT_REJECT(parse_all(&d), d, "dmar: table lists no DRHD unit");
}

TEST(dmar_too_many_units)
{
    struct dmar_info d;
    char buf[512];

    dmar_begin(47, 0);
    for (unsigned i = 0; i < 11; i++)
        put_drhd(0xfed00000u + i * 0x1000u, (uint16_t)i, 0);
    tbl_seal();
    EXPECT_EQ(parse_all(&d), 0);
    EXPECT_EQ(d.nunits, DMAR_MAX_UNITS);
    EXPECT_EQ(d.units[7].base, 0xfed07000u);
    EXPECT_EQ(d.units[7].segment, 7);
    EXPECT_LOG("dmar: table lists 11 DRHD units, keeping the first 8");
    EXPECT_EQ(log_count(), 1);
    EXPECT_TRUE(dmar_describe(&d, buf, sizeof(buf)) > 0);
    EXPECT_TRUE(strstr(buf, "8 units (0xfed00000 segment 0, ") == buf);
    EXPECT_TRUE(strstr(buf, ", 0xfed07000 segment 7), 48-bit host addresses") != NULL);
}

TEST(dmar_buffer_longer_than_table)
{
    struct dmar_info d;

    /* Bytes past the header's length are not part of the table. */
    q35_build();
    memset(tbl + tbl_len(), 0xee, 64);
    EXPECT_EQ(parse_n(tbl_len() + 64, &d), 0);
    EXPECT_EQ(d.nunits, 1);
    EXPECT_EQ(log_count(), 0);
}

/* Cut short two ways at every length: never a read past the buffer. */
TEST(dmar_truncation)
{
    struct dmar_info d;
    uint32_t full;
    int rc;

    server_build();
    full = tbl_len();
    for (uint32_t len = 0; len < full; len++) {
        /* (a) the buffer ends early; the header still claims `full` */
        server_build();
        log_clear();
        EXPECT_EQ(parse_n(len, &d), -ERR_INVAL);
        EXPECT_EQ(log_count(), 1);
        EXPECT_TRUE(info_is_zero(&d));
        /* (b) the length field agrees with the shorter buffer */
        tbl_set_len(len);
        if (len > 9)
            tbl_seal();
        log_clear();
        rc = parse_n(len, &d);
        EXPECT_TRUE(rc == 0 || rc == -ERR_INVAL);
        EXPECT_TRUE(rc == 0 || (log_count() == 1 && info_is_zero(&d)));
        EXPECT_TRUE(rc != 0 || d.nunits >= 1);
    }
}

TEST(dmar_describe_small_buffers)
{
    struct dmar_info d;
    char full[256], buf[256];
    int len;

    server_build();
    EXPECT_EQ(parse_all(&d), 0);
    len = dmar_describe(&d, full, sizeof(full));
    EXPECT_TRUE(len > 0);
    EXPECT_EQ(dmar_describe(&d, NULL, 0), -ERR_NOSPC);
    for (int n = 1; n <= len + 1; n++) {
        memset(buf, 'x', sizeof(buf));
        if (n <= len) {
            EXPECT_EQ(dmar_describe(&d, buf, (size_t)n), -ERR_NOSPC);
            EXPECT_EQ(strlen(buf), (size_t)n - 1);
            EXPECT_EQ(memcmp(buf, full, (size_t)n - 1), 0);
        } else {
            EXPECT_EQ(dmar_describe(&d, buf, (size_t)n), len);
            EXPECT_EQ(strcmp(buf, full), 0);
        }
        EXPECT_EQ(buf[n], 'x'); /* nothing written past n */
    }
}

TEST(dmar_describe_empty)
{
    struct dmar_info d;
    char buf[64];

    memset(&d, 0, sizeof(d));
    d.host_addr_width = 39;
    EXPECT_EQ(dmar_describe(&d, buf, sizeof(buf)), (int)strlen("0 units, 39-bit host addresses"));
    EXPECT_EQ(strcmp(buf, "0 units, 39-bit host addresses"), 0);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(dmar_q35),
        TEST_ENTRY(dmar_several_structures),
        TEST_ENTRY(dmar_header_rejections),
        TEST_ENTRY(dmar_address_width),
        TEST_ENTRY(dmar_structure_lengths),
        TEST_ENTRY(dmar_structure_past_end),
        TEST_ENTRY(dmar_drhd_base),
        TEST_ENTRY(dmar_endpoint_scopes),
        TEST_ENTRY(dmar_no_unit),
        TEST_ENTRY(dmar_too_many_units),
        TEST_ENTRY(dmar_buffer_longer_than_table),
        TEST_ENTRY(dmar_truncation),
        TEST_ENTRY(dmar_describe_small_buffers),
        TEST_ENTRY(dmar_describe_empty),
        TEST_END,
    });
}
