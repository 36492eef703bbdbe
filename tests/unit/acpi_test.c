/* SPDX-License-Identifier: MIT */
/*
 * Host tests for core/boot/acpi.c. Tables are built in a fake physical
 * memory whose map callback hands out exact-size heap copies, so any read
 * past what the parser mapped is caught by AddressSanitizer.
 */
#include "core/acpi.h"

#include <stdlib.h>
#include <string.h>

#include "core/errno.h"
#include "harness.h"

/* Fake guest-physical memory and where the tables live in it. */
#define FAKE_BASE 0x7fe0000u
#define FAKE_SIZE 0x10000u
#define PA_RSDT   (FAKE_BASE + 0x0000u)
#define PA_XSDT   (FAKE_BASE + 0x0200u)
#define PA_FACP   (FAKE_BASE + 0x0400u)
#define PA_HPET   (FAKE_BASE + 0x0600u)
#define PA_APIC   (FAKE_BASE + 0x1000u)
#define PA_APIC2  (FAKE_BASE + 0x5000u)
#define PA_DMAR   (FAKE_BASE + 0x8000u)
#define PA_IVRS   (FAKE_BASE + 0x9000u)
#define PA_MCFG   (FAKE_BASE + 0xa000u)

#define FAKE_MAX_MAPS 256

struct fake_mem {
    uint8_t bytes[FAKE_SIZE];
    paddr_t hole_lo, hole_hi; /* [lo, hi) refused when lo < hi */
    int fail_after;           /* refuse every map after this many; -1: never */
    paddr_t grow_pa;          /* nonzero: the table there grows ... */
    unsigned grow_after;      /* ... once its header has been mapped this often */
    unsigned nmaps;
    void *maps[FAKE_MAX_MAPS];
};

static struct fake_mem fm;

static const void *fake_map(paddr_t pa, size_t len, void *ctx)
{
    struct fake_mem *m = ctx;
    void *copy;

    if (m->fail_after >= 0 && m->nmaps >= (unsigned)m->fail_after)
        return NULL;
    if (pa < FAKE_BASE || len > FAKE_SIZE || pa - FAKE_BASE > FAKE_SIZE - len)
        return NULL;
    if (m->hole_lo < m->hole_hi && pa < m->hole_hi && pa + len > m->hole_lo)
        return NULL;
    if (m->nmaps == FAKE_MAX_MAPS)
        return NULL;
    copy = malloc(len);
    memcpy(copy, &m->bytes[pa - FAKE_BASE], len);
    m->maps[m->nmaps++] = copy;
    if (m->grow_pa && pa == m->grow_pa && len == sizeof(struct acpi_table_header) && --m->grow_after == 0) {
        uint32_t grown;

        memcpy(&grown, &m->bytes[pa - FAKE_BASE + 4], 4);
        grown += 4;
        memcpy(&m->bytes[pa - FAKE_BASE + 4], &grown, 4);
        m->grow_pa = 0;
    }
    return copy;
}

static void fake_release(void)
{
    for (unsigned i = 0; i < fm.nmaps; i++)
        free(fm.maps[i]);
    fm.nmaps = 0;
}

static void fake_reset(void)
{
    fake_release();
    memset(&fm, 0, sizeof(fm));
    fm.fail_after = -1;
}

static uint8_t *fm_at(paddr_t pa)
{
    return &fm.bytes[pa - FAKE_BASE];
}

/* Table building: a header, appended bytes, then a checksum seal. */

static uint32_t tbl_len(paddr_t pa)
{
    uint32_t len;

    memcpy(&len, fm_at(pa) + 4, sizeof(len));
    return len;
}

static void tbl_set_len(paddr_t pa, uint32_t len)
{
    memcpy(fm_at(pa) + 4, &len, sizeof(len));
}

static void tbl_begin(paddr_t pa, const char *sig)
{
    struct acpi_table_header h;

    memset(&h, 0, sizeof(h));
    memcpy(h.signature, sig, 4);
    h.length = sizeof(h);
    h.revision = 1;
    memcpy(h.oem_id, "MOSAIC", 6);
    memcpy(h.oem_table_id, "TESTTBL ", 8);
    memcpy(fm_at(pa), &h, sizeof(h));
}

static void tbl_put(paddr_t pa, const void *data, size_t n)
{
    uint32_t len = tbl_len(pa);

    memcpy(fm_at(pa) + len, data, n);
    tbl_set_len(pa, len + (uint32_t)n);
}

static void tbl_seal(paddr_t pa)
{
    uint8_t *t = fm_at(pa);

    t[9] = 0;
    t[9] = (uint8_t)(0x100 - acpi_checksum(t, tbl_len(pa)));
}

static void root_put(paddr_t root, bool xsdt, uint64_t entry)
{
    uint32_t e32 = (uint32_t)entry;

    if (xsdt)
        tbl_put(root, &entry, sizeof(entry));
    else
        tbl_put(root, &e32, sizeof(e32));
}

static void madt_begin(paddr_t pa, uint32_t lapic, uint32_t flags)
{
    tbl_begin(pa, "APIC");
    tbl_put(pa, &lapic, 4);
    tbl_put(pa, &flags, 4);
}

static void madt_lapic(paddr_t pa, uint8_t uid, uint8_t id, uint32_t flags)
{
    struct acpi_madt_lapic e = { ACPI_MADT_TYPE_LAPIC, 8, uid, id, flags };

    tbl_put(pa, &e, sizeof(e));
}

static void madt_x2apic(paddr_t pa, uint32_t uid, uint32_t id, uint32_t flags)
{
    struct acpi_madt_x2apic e = { ACPI_MADT_TYPE_X2APIC, 16, 0, id, flags, uid };

    tbl_put(pa, &e, sizeof(e));
}

static void madt_ioapic(paddr_t pa, uint8_t id, uint32_t addr, uint32_t gsi)
{
    struct acpi_madt_ioapic e = { ACPI_MADT_TYPE_IOAPIC, 12, id, 0, addr, gsi };

    tbl_put(pa, &e, sizeof(e));
}

static void madt_override(paddr_t pa, uint64_t addr)
{
    struct acpi_madt_lapic_override e = { ACPI_MADT_TYPE_LAPIC_OVERRIDE, 12, 0, addr };

    tbl_put(pa, &e, sizeof(e));
}

/* An entry of any type and length with a zeroed body. */
static void madt_raw(paddr_t pa, uint8_t type, uint8_t len)
{
    uint8_t e[256] = { type, len };

    tbl_put(pa, e, len < 2 ? 2 : len);
}

/* A minimal valid MADT at pa with n enabled xAPIC CPUs. */
static void madt_simple(paddr_t pa, unsigned n)
{
    madt_begin(pa, 0xfee00000u, 0);
    for (unsigned i = 0; i < n; i++)
        madt_lapic(pa, (uint8_t)i, (uint8_t)i, ACPI_MADT_CPU_ENABLED);
    tbl_seal(pa);
}

static unsigned rsdp_build(uint8_t *buf, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    struct acpi_rsdp r;

    memset(&r, 0, sizeof(r));
    memcpy(r.signature, "RSD PTR ", 8);
    memcpy(r.oem_id, "MOSAIC", 6);
    r.revision = rev;
    r.rsdt_address = rsdt;
    r.length = ACPI_RSDP_V2_LEN;
    r.xsdt_address = xsdt;
    memcpy(buf, &r, sizeof(r));
    buf[8] = (uint8_t)(0x100 - acpi_checksum(buf, ACPI_RSDP_V1_LEN));
    buf[32] = (uint8_t)(0x100 - acpi_checksum(buf, ACPI_RSDP_V2_LEN));
    return rev >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;
}

/* Parse with an exact-size heap copy of the RSDP, then drop the maps. */
static int parse_len(const uint8_t *rsdp, unsigned len, struct acpi_info *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    memcpy(copy, rsdp, len);
    rc = acpi_parse(copy, len, fake_map, &fm, out);
    free(copy);
    fake_release();
    return rc;
}

static int parse_rev0(struct acpi_info *out)
{
    uint8_t rsdp[36];
    unsigned len = rsdp_build(rsdp, 0, PA_RSDT, 0);

    return parse_len(rsdp, len, out);
}

static int parse_rev2(struct acpi_info *out)
{
    uint8_t rsdp[36];
    unsigned len = rsdp_build(rsdp, 2, PA_RSDT, PA_XSDT);

    return parse_len(rsdp, len, out);
}

static bool info_is_zero(const struct acpi_info *a)
{
    static const struct acpi_info zero;

    return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* The QEMU q35 set: RSDT -> FACP, APIC, HPET, DMAR. */

static void q35_facp(void)
{
    uint8_t body[244 - 36];
    uint32_t pm_tmr = 0x608;

    memset(body, 0, sizeof(body));
    memcpy(body + ACPI_FADT_PM_TMR_BLK_OFF - 36, &pm_tmr, 4);
    tbl_begin(PA_FACP, "FACP");
    tbl_put(PA_FACP, body, sizeof(body));
    tbl_seal(PA_FACP);
}

static void q35_madt(void)
{
    static const uint8_t iso[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
    static const uint8_t nmi[6] = { 4, 6, 0xff, 0, 0, 1 };

    madt_begin(PA_APIC, 0xfee00000u, ACPI_MADT_PCAT_COMPAT);
    madt_lapic(PA_APIC, 0, 0, ACPI_MADT_CPU_ENABLED);
    madt_lapic(PA_APIC, 1, 1, ACPI_MADT_CPU_ENABLED);
    madt_lapic(PA_APIC, 2, 2, 0); /* disabled: not listed */
    madt_lapic(PA_APIC, 3, 3, ACPI_MADT_CPU_ENABLED);
    madt_ioapic(PA_APIC, 0, 0xfec00000u, 0);
    tbl_put(PA_APIC, iso, sizeof(iso));
    tbl_put(PA_APIC, nmi, sizeof(nmi));
    tbl_seal(PA_APIC);
}

static void q35_dmar(void)
{
    /* haw 38, flags INTR_REMAP; one DRHD (INCLUDE_PCI_ALL) with an IOAPIC scope */
    static const uint8_t fixed[12] = { 38, 1 };
    static const uint8_t drhd[24] = {
        0, 0, 24, 0, 1, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0, 3, 8, 0, 0, 0, 0xff, 0, 0
    };

    tbl_begin(PA_DMAR, "DMAR");
    tbl_put(PA_DMAR, fixed, sizeof(fixed));
    tbl_put(PA_DMAR, drhd, sizeof(drhd));
    tbl_seal(PA_DMAR);
}

static void q35_build(void)
{
    fake_reset();
    q35_facp();
    q35_madt();
    tbl_begin(PA_HPET, "HPET");
    tbl_put(PA_HPET, (const uint8_t[20]){ 0 }, 20);
    tbl_seal(PA_HPET);
    q35_dmar();
    tbl_begin(PA_RSDT, "RSDT");
    root_put(PA_RSDT, false, PA_FACP);
    root_put(PA_RSDT, false, PA_APIC);
    root_put(PA_RSDT, false, PA_HPET);
    root_put(PA_RSDT, false, PA_DMAR);
    tbl_seal(PA_RSDT);
}

TEST(acpi_q35_rsdt)
{
    struct acpi_info a;

    q35_build();
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(a.ncpus, 3);
    EXPECT_EQ(a.cpus[0].apic_id, 0);
    EXPECT_EQ(a.cpus[1].apic_id, 1);
    EXPECT_EQ(a.cpus[2].apic_id, 3);
    EXPECT_EQ(a.cpus[2].uid, 3);
    EXPECT_EQ(a.lapic_base, 0xfee00000u);
    EXPECT_TRUE(a.pcat_compat);
    EXPECT_EQ(a.nioapics, 1);
    EXPECT_EQ(a.ioapics[0].id, 0);
    EXPECT_EQ(a.ioapics[0].base, 0xfec00000u);
    EXPECT_EQ(a.ioapics[0].gsi_base, 0);
    EXPECT_EQ(a.dmar, PA_DMAR);
    EXPECT_EQ(a.dmar_len, 36 + 12 + 24);
    EXPECT_EQ(a.ivrs, 0);
    EXPECT_EQ(a.ivrs_len, 0);
    EXPECT_EQ(a.fadt, PA_FACP);
    EXPECT_EQ(a.pm_timer_port, 0x608);
}

/* q35 plus an MCFG with the given windows (16 bytes each). */
static void mcfg_build(const struct acpi_mcfg_alloc *w, unsigned n, uint32_t trim)
{
    q35_build();
    tbl_begin(PA_MCFG, "MCFG");
    tbl_put(PA_MCFG, (const uint8_t[8]){ 0 }, 8);
    for (unsigned i = 0; i < n; i++)
        tbl_put(PA_MCFG, &w[i], sizeof(w[i]));
    tbl_set_len(PA_MCFG, tbl_len(PA_MCFG) - trim);
    tbl_seal(PA_MCFG);
    tbl_set_len(PA_RSDT, 36 + 4 * 4);
    root_put(PA_RSDT, false, PA_MCFG);
    tbl_seal(PA_RSDT);
}

TEST(acpi_mcfg_q35)
{
    const struct acpi_mcfg_alloc w = { .base = 0xb0000000u, .segment = 0, .start_bus = 0, .end_bus = 255 };
    struct acpi_info a;

    mcfg_build(&w, 1, 0);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(a.ecam_base, 0xb0000000u);
    EXPECT_EQ(a.ecam_bus_start, 0);
    EXPECT_EQ(a.ecam_bus_end, 255);
    EXPECT_EQ(a.dmar, PA_DMAR); /* the tables before it are still read */
}

TEST(acpi_mcfg_windows_kept_and_ignored)
{
    const struct acpi_mcfg_alloc w[] = {
        { .base = 0xc0000000u, .segment = 1, .start_bus = 0, .end_bus = 15 },  /* another segment */
        { .base = 0xb0080000u, .segment = 0, .start_bus = 0, .end_bus = 15 },  /* not 1 MiB aligned */
        { .base = 0xb0000000u, .segment = 0, .start_bus = 9, .end_bus = 8 },   /* buses backwards */
        { .base = 0, .segment = 0, .start_bus = 0, .end_bus = 1 },             /* no base */
        { .base = ~0ull << 20, .segment = 0, .start_bus = 0, .end_bus = 255 }, /* wraps */
        { .base = 0xe0000000u, .segment = 0, .start_bus = 2, .end_bus = 63 },  /* the one */
        { .base = 0xf0000000u, .segment = 0, .start_bus = 0, .end_bus = 0 },   /* a second one */
    };
    struct acpi_info a;

    mcfg_build(w, 7, 0);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(log_count(), 6);
    EXPECT_EQ(a.ecam_base, 0xe0000000u);
    EXPECT_EQ(a.ecam_bus_start, 2);
    EXPECT_EQ(a.ecam_bus_end, 63);
}

TEST(acpi_mcfg_short_or_trailing)
{
    const struct acpi_mcfg_alloc w = { .base = 0xb0000000u, .segment = 0, .start_bus = 0, .end_bus = 255 };
    struct acpi_info a;

    /* Cut inside the one window: no whole window, no ECAM, no error. */
    mcfg_build(&w, 1, 1);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.ecam_base, 0);
    /* Shorter than its fixed part: one warning. */
    mcfg_build(&w, 1, 16 + 4);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(log_count(), 1);
    EXPECT_EQ(a.ecam_base, 0);
    EXPECT_EQ(a.ncpus, 3);
}

/* An XSDT that differs from the RSDT, so the test sees which one was used. */
static void xsdt_build(void)
{
    q35_build();
    tbl_begin(PA_IVRS, "IVRS");
    tbl_put(PA_IVRS, (const uint8_t[12]){ 0 }, 12);
    tbl_seal(PA_IVRS);
    madt_simple(PA_APIC2, 2);
    tbl_begin(PA_XSDT, "XSDT");
    root_put(PA_XSDT, true, PA_APIC2);
    root_put(PA_XSDT, true, PA_IVRS);
    tbl_seal(PA_XSDT);
}

TEST(acpi_xsdt_preferred)
{
    struct acpi_info a;

    xsdt_build();
    EXPECT_EQ(parse_rev2(&a), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(a.ncpus, 2);
    EXPECT_EQ(a.ivrs, PA_IVRS);
    EXPECT_EQ(a.ivrs_len, 48);
    EXPECT_EQ(a.dmar, 0);
    EXPECT_EQ(a.fadt, 0);
    EXPECT_EQ(a.pm_timer_port, 0);
    EXPECT_FALSE(a.pcat_compat);
}

TEST(acpi_rev2_without_xsdt_uses_rsdt)
{
    struct acpi_info a;
    uint8_t rsdp[36];
    unsigned len;

    xsdt_build();
    len = rsdp_build(rsdp, 2, PA_RSDT, 0);
    EXPECT_EQ(parse_len(rsdp, len, &a), 0);
    EXPECT_EQ(a.ncpus, 3);
    EXPECT_EQ(a.dmar, PA_DMAR);
}

TEST(acpi_rev2_short_copy_uses_rsdt)
{
    struct acpi_info a;
    uint8_t rsdp[36];

    xsdt_build();
    rsdp_build(rsdp, 2, PA_RSDT, PA_XSDT);
    EXPECT_EQ(parse_len(rsdp, 20, &a), 0);
    EXPECT_EQ(a.ncpus, 3);
    EXPECT_LOG("acpi: RSDP revision 2 copy has only 20 bytes, using the RSDT");
}

/* Expect a rejection with exactly one line that contains msg. */
#define EXPECT_REJECT(rc, a, msg)        \
    do {                                 \
        EXPECT_EQ((rc), -ERR_INVAL);     \
        EXPECT_LOG(msg);                 \
        EXPECT_EQ(log_count(), 1);       \
        EXPECT_TRUE(info_is_zero(&(a))); \
    } while (0)

TEST(acpi_rsdp_rejections)
{
    struct acpi_info a;
    uint8_t r[36];

    q35_build();
    EXPECT_REJECT(acpi_parse(NULL, 0, fake_map, &fm, &a), a, "acpi: RSDP copy is 0 bytes, below 20");
    log_clear();
    rsdp_build(r, 0, PA_RSDT, 0);
    EXPECT_REJECT(parse_len(r, 19, &a), a, "acpi: RSDP copy is 19 bytes, below 20");
    log_clear();
    r[3] = 'X';
    EXPECT_REJECT(parse_len(r, 20, &a), a, "acpi: RSDP signature is not \"RSD PTR \"");
    log_clear();
    rsdp_build(r, 0, PA_RSDT, 0);
    r[16] ^= 0x10;
    EXPECT_REJECT(parse_len(r, 20, &a), a, "acpi: RSDP checksum: first 20 bytes sum to 0x10, not 0");
    log_clear();
    rsdp_build(r, 0, 0, 0);
    EXPECT_REJECT(parse_len(r, 20, &a), a, "acpi: RSDP revision 0 has no root table address");
}

TEST(acpi_rsdp_v2_rejections)
{
    struct acpi_info a;
    uint8_t r[40];

    q35_build();
    rsdp_build(r, 2, PA_RSDT, PA_XSDT);
    r[33] = 1; /* a reserved byte, covered by the extended checksum only */
    EXPECT_REJECT(parse_len(r, 36, &a), a, "acpi: RSDP extended checksum: 36 bytes sum to 0x01, not 0");
    log_clear();
    rsdp_build(r, 2, PA_RSDT, PA_XSDT);
    r[20] = 35; /* outside the first checksum's 20 bytes */
    EXPECT_REJECT(parse_len(r, 36, &a), a, "acpi: RSDP length 35 is outside 36..36");
    log_clear();
    rsdp_build(r, 2, PA_RSDT, PA_XSDT);
    r[20] = 40;
    EXPECT_REJECT(parse_len(r, 36, &a), a, "acpi: RSDP length 40 is outside 36..36");
}

TEST(acpi_root_rejections)
{
    struct acpi_info a;

    q35_build();
    fm_at(PA_RSDT)[0] = 'X';
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: signature 0x54445358 is not \"RSDT\"");

    q35_build();
    log_clear();
    tbl_set_len(PA_RSDT, 35);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: length 35 is below 36");

    q35_build();
    log_clear();
    tbl_set_len(PA_RSDT, 0x100001);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: length 1048577 is above the 1048576-byte limit");

    q35_build();
    log_clear();
    fm_at(PA_RSDT)[40] ^= 0x80;
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: checksum: 52 bytes sum to 0x80, not 0");

    q35_build();
    log_clear();
    fm.hole_lo = PA_RSDT;
    fm.hole_hi = PA_RSDT + 1;
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: header is not accessible");

    q35_build();
    log_clear();
    fm.hole_lo = PA_RSDT + 40;
    fm.hole_hi = PA_RSDT + 41;
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: 52 bytes are not accessible");
}

TEST(acpi_header_changed_between_maps)
{
    struct acpi_info a;

    q35_build();
    fm.grow_pa = PA_APIC;
    fm.grow_after = 2; /* the signature probe, then the header proper */
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT at 0x7fe1000: header changed between two reads");
}

TEST(acpi_xsdt_rejections)
{
    struct acpi_info a;

    xsdt_build();
    fm_at(PA_XSDT)[36] ^= 1;
    EXPECT_REJECT(parse_rev2(&a), a, "acpi: XSDT at 0x7fe0200: checksum: 52 bytes sum to 0x01, not 0");
}

TEST(acpi_no_madt)
{
    struct acpi_info a;

    q35_build();
    tbl_set_len(PA_RSDT, 36 + 4);
    tbl_seal(PA_RSDT);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: no usable MADT (\"APIC\") in the RSDT at 0x7fe0000");

    /* An inaccessible MADT is skipped with a warning, then missed. */
    q35_build();
    log_clear();
    fm.hole_lo = PA_APIC;
    fm.hole_hi = PA_APIC + 1;
    EXPECT_EQ(parse_rev0(&a), -ERR_INVAL);
    EXPECT_LOG("acpi: RSDT entry 1: table at 0x7fe1000 is not accessible, skipped");
    EXPECT_LOG("acpi: no usable MADT");
    EXPECT_EQ(log_count(), 2);
}

TEST(acpi_root_oddities_are_warnings)
{
    struct acpi_info a;

    q35_build();
    root_put(PA_RSDT, false, 0);
    root_put(PA_RSDT, false, 0x1000);                   /* outside the fake memory */
    tbl_put(PA_RSDT, (const uint8_t[3]){ 1, 2, 3 }, 3); /* not a whole entry */
    tbl_seal(PA_RSDT);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.ncpus, 3);
    EXPECT_LOG("acpi: RSDT at 0x7fe0000: 3 trailing bytes after the last entry ignored");
    EXPECT_LOG("acpi: RSDT entry 4 is 0, skipped");
    EXPECT_LOG("acpi: RSDT entry 5: table at 0x1000 is not accessible, skipped");
    EXPECT_EQ(log_count(), 3);
}

TEST(acpi_xsdt_entry_that_wraps)
{
    struct acpi_info a;

    xsdt_build();
    root_put(PA_XSDT, true, 0xfffffffffffffff0ull);
    tbl_seal(PA_XSDT);
    EXPECT_EQ(parse_rev2(&a), 0);
    EXPECT_LOG("acpi: XSDT entry 2: table at 0xfffffffffffffff0 is not accessible, skipped");
}

TEST(acpi_duplicate_tables)
{
    struct acpi_info a;

    q35_build();
    madt_simple(PA_APIC2, 1);
    root_put(PA_RSDT, false, PA_APIC2);
    tbl_seal(PA_RSDT);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.ncpus, 3); /* the first MADT counts */
    EXPECT_LOG("acpi: RSDT entry 4: second MADT at 0x7fe5000 ignored");
    EXPECT_EQ(log_count(), 1);
}

TEST(acpi_madt_checksum_is_an_error)
{
    struct acpi_info a;

    q35_build();
    fm_at(PA_APIC)[50] ^= 4;
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT at 0x7fe1000: checksum:");
}

TEST(acpi_madt_too_short)
{
    struct acpi_info a;

    q35_build();
    tbl_set_len(PA_APIC, 43);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT at 0x7fe1000: length 43 is below 44");
}

/* A q35 MADT with one extra raw entry appended after its four CPUs. */
static int madt_with_raw(uint8_t type, uint8_t len, struct acpi_info *a)
{
    q35_build();
    madt_begin(PA_APIC, 0xfee00000u, 0);
    for (uint8_t i = 0; i < 4; i++)
        madt_lapic(PA_APIC, i, i, ACPI_MADT_CPU_ENABLED);
    madt_raw(PA_APIC, type, len);
    tbl_seal(PA_APIC);
    log_clear();
    return parse_rev0(a);
}

TEST(acpi_madt_entry_lengths)
{
    struct acpi_info a;

    EXPECT_REJECT(madt_with_raw(0, 3, &a), a, "acpi: MADT entry at offset 0x4c: length 3 is below 8");
    EXPECT_REJECT(madt_with_raw(0, 7, &a), a, "offset 0x4c: length 7 is below 8 for type 0");
    EXPECT_REJECT(madt_with_raw(1, 11, &a), a, "offset 0x4c: length 11 is below 12 for type 1");
    EXPECT_REJECT(madt_with_raw(5, 11, &a), a, "offset 0x4c: length 11 is below 12 for type 5");
    EXPECT_REJECT(madt_with_raw(9, 15, &a), a, "offset 0x4c: length 15 is below 16 for type 9");
    EXPECT_REJECT(madt_with_raw(0x7f, 1, &a), a, "offset 0x4c: length 1 is below 2 for type 127");
    /* Length 0 must be rejected, not loop forever. */
    EXPECT_REJECT(madt_with_raw(0x7f, 0, &a), a, "offset 0x4c: length 0 is below 2");
    EXPECT_REJECT(madt_with_raw(0, 0, &a), a, "offset 0x4c: length 0 is below 8");
    /* Unknown types of any length >= 2 are skipped; bigger known ones are fine. */
    EXPECT_EQ(madt_with_raw(0x7f, 2, &a), 0);
    EXPECT_EQ(madt_with_raw(0xff, 200, &a), 0);
    EXPECT_EQ(madt_with_raw(1, 16, &a), 0);
    EXPECT_EQ(a.nioapics, 1);
    EXPECT_EQ(log_count(), 0);
}

TEST(acpi_madt_entry_past_end)
{
    struct acpi_info a;

    q35_build();
    madt_simple(PA_APIC, 2);
    madt_raw(PA_APIC, 0, 8);
    tbl_set_len(PA_APIC, tbl_len(PA_APIC) - 1); /* the last entry now pokes out */
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT entry at offset 0x3c: length 8 runs past the table end at 0x43");

    q35_build();
    log_clear();
    madt_simple(PA_APIC, 2);
    tbl_put(PA_APIC, (const uint8_t[1]){ 0 }, 1);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT entry at offset 0x3c: 1 byte left, an entry header needs 2");
}

TEST(acpi_madt_duplicate_apic_id)
{
    struct acpi_info a;

    q35_build();
    madt_simple(PA_APIC, 2);
    madt_lapic(PA_APIC, 7, 1, ACPI_MADT_CPU_ONLINE_CAPABLE);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT entry at offset 0x3c: APIC id 1 is listed twice");

    /* The same id as an x2APIC entry. */
    q35_build();
    log_clear();
    madt_simple(PA_APIC, 2);
    madt_x2apic(PA_APIC, 9, 0, ACPI_MADT_CPU_ENABLED);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT entry at offset 0x3c: APIC id 0 is listed twice");

    /* Unusable placeholders may repeat an id: they are not CPUs. */
    q35_build();
    log_clear();
    madt_simple(PA_APIC, 2);
    madt_lapic(PA_APIC, 8, 0xff, 0);
    madt_lapic(PA_APIC, 9, 0xff, 0);
    madt_lapic(PA_APIC, 10, 1, 0);
    tbl_seal(PA_APIC);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.ncpus, 2);
}

TEST(acpi_madt_x2apic_and_flags)
{
    struct acpi_info a;

    q35_build();
    madt_begin(PA_APIC, 0xfee00000u, 0);
    madt_lapic(PA_APIC, 0, 0, ACPI_MADT_CPU_ENABLED);
    madt_x2apic(PA_APIC, 1000, 0x100, ACPI_MADT_CPU_ENABLED);
    madt_x2apic(PA_APIC, 1001, 0x101, ACPI_MADT_CPU_ONLINE_CAPABLE);
    madt_x2apic(PA_APIC, 1002, 0x102, 0);
    madt_x2apic(PA_APIC, 0xffffffffu, 0xfffffffeu, ACPI_MADT_CPU_ENABLED | ACPI_MADT_CPU_ONLINE_CAPABLE);
    madt_lapic(PA_APIC, 5, 5, 0x4); /* a reserved bit alone does not make it usable */
    tbl_seal(PA_APIC);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(a.ncpus, 4);
    EXPECT_EQ(a.cpus[1].apic_id, 0x100);
    EXPECT_EQ(a.cpus[1].uid, 1000);
    EXPECT_EQ(a.cpus[2].apic_id, 0x101);
    EXPECT_EQ(a.cpus[3].apic_id, 0xfffffffeu);
    EXPECT_EQ(a.cpus[3].uid, 0xffffffffu);
}

TEST(acpi_madt_no_usable_cpu)
{
    struct acpi_info a;

    q35_build();
    madt_begin(PA_APIC, 0xfee00000u, 0);
    madt_lapic(PA_APIC, 0, 0, 0);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT at 0x7fe1000 lists no enabled or online-capable CPU");
}

TEST(acpi_madt_lapic_override)
{
    struct acpi_info a;

    q35_build();
    madt_begin(PA_APIC, 0xfee00000u, 0);
    madt_override(PA_APIC, 0x1234567000ull);
    madt_lapic(PA_APIC, 0, 0, ACPI_MADT_CPU_ENABLED);
    tbl_seal(PA_APIC);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.lapic_base, 0x1234567000ull);

    q35_build();
    log_clear();
    madt_begin(PA_APIC, 0xfee00000u, 0);
    madt_lapic(PA_APIC, 0, 0, ACPI_MADT_CPU_ENABLED);
    madt_override(PA_APIC, 0xfee00800ull);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "local APIC base 0xfee00800 is not a nonzero 4 KiB aligned address");

    q35_build();
    log_clear();
    madt_simple(PA_APIC, 1);
    memset(fm_at(PA_APIC) + 36, 0, 4);
    tbl_seal(PA_APIC);
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: MADT at 0x7fe1000: local APIC base 0x0 is not");
}

TEST(acpi_madt_more_than_64_cpus)
{
    struct acpi_info a;

    q35_build();
    madt_begin(PA_APIC2, 0xfee00000u, 0);
    for (uint32_t i = 0; i < 100; i++)
        madt_x2apic(PA_APIC2, i, 2 * i, ACPI_MADT_CPU_ENABLED);
    tbl_seal(PA_APIC2);
    memcpy(fm_at(PA_RSDT) + 40, &(uint32_t){ PA_APIC2 }, 4);
    tbl_seal(PA_RSDT);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.ncpus, ACPI_MAX_CPUS);
    EXPECT_EQ(a.cpus[63].apic_id, 126);
    EXPECT_EQ(a.cpus[63].uid, 63);
    EXPECT_LOG("acpi: MADT lists 100 usable CPUs, keeping the first 64");
    EXPECT_EQ(log_count(), 1);

    log_clear();
    madt_x2apic(PA_APIC2, 500, 20, ACPI_MADT_CPU_ENABLED);
    tbl_seal(PA_APIC2);
    EXPECT_REJECT(parse_rev0(&a), a, "APIC id 20 is listed twice");
}

TEST(acpi_madt_more_than_8_ioapics)
{
    struct acpi_info a;

    q35_build();
    madt_simple(PA_APIC, 1);
    for (uint8_t i = 0; i < 10; i++)
        madt_ioapic(PA_APIC, i, 0xfec00000u + i * 0x1000u, i * 24u);
    tbl_seal(PA_APIC);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.nioapics, ACPI_MAX_IOAPICS);
    EXPECT_EQ(a.ioapics[7].id, 7);
    EXPECT_EQ(a.ioapics[7].base, 0xfec07000u);
    EXPECT_EQ(a.ioapics[7].gsi_base, 168);
    EXPECT_LOG("acpi: MADT lists 10 I/O APICs, keeping the first 8");
    EXPECT_EQ(log_count(), 1);
}

TEST(acpi_optional_tables_are_warnings)
{
    struct acpi_info a;

    q35_build();
    fm_at(PA_DMAR)[40] ^= 2;
    fm_at(PA_FACP)[100] ^= 1;
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.dmar, 0);
    EXPECT_EQ(a.dmar_len, 0);
    EXPECT_EQ(a.fadt, 0);
    EXPECT_EQ(a.pm_timer_port, 0);
    EXPECT_EQ(a.ncpus, 3);
    EXPECT_LOG("acpi: DMAR at 0x7fe8000: checksum: 72 bytes sum to 0x02, not 0, table ignored");
    EXPECT_LOG("acpi: FADT at 0x7fe0400: checksum: 244 bytes sum to 0x01, not 0, table ignored");
    EXPECT_EQ(log_count(), 2);

    q35_build();
    log_clear();
    tbl_set_len(PA_DMAR, 0x200000);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.dmar, 0);
    EXPECT_LOG("acpi: DMAR at 0x7fe8000: length 2097152 is above the 1048576-byte limit, "
               "table ignored");
}

TEST(acpi_fadt_variants)
{
    struct acpi_info a;
    uint32_t port = 0x10000;

    /* Too short to hold PM_TMR_BLK: recorded, no port, no complaint. */
    q35_build();
    tbl_set_len(PA_FACP, 79);
    tbl_seal(PA_FACP);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.fadt, PA_FACP);
    EXPECT_EQ(a.pm_timer_port, 0);
    EXPECT_EQ(log_count(), 0);

    q35_build();
    memcpy(fm_at(PA_FACP) + ACPI_FADT_PM_TMR_BLK_OFF, &port, 4);
    tbl_seal(PA_FACP);
    EXPECT_EQ(parse_rev0(&a), 0);
    EXPECT_EQ(a.pm_timer_port, 0);
    EXPECT_LOG("acpi: FADT at 0x7fe0400: PM timer port 0x10000 is not an I/O port, ignored");
}

TEST(acpi_map_refusals)
{
    struct acpi_info a;
    int rc;

    /* A callback that refuses everything. */
    q35_build();
    fm.fail_after = 0;
    EXPECT_REJECT(parse_rev0(&a), a, "acpi: RSDT at 0x7fe0000: header is not accessible");

    /* Refuse from the n-th map on: always a clean success or one error. */
    for (int n = 1; n < 16; n++) {
        q35_build();
        log_clear();
        fm.fail_after = n;
        rc = parse_rev0(&a);
        EXPECT_TRUE(rc == 0 || rc == -ERR_INVAL);
        if (rc)
            EXPECT_TRUE(info_is_zero(&a));
        else
            EXPECT_EQ(a.ncpus, 3);
    }
}

/* Every table, cut short two ways at every length. */
static void truncate_all(bool xsdt, paddr_t pa, uint32_t full)
{
    struct acpi_info a;
    int rc;

    for (uint32_t len = 0; len < full; len++) {
        /* (a) the length field says less, and the checksum agrees */
        xsdt ? xsdt_build() : q35_build();
        log_clear();
        tbl_set_len(pa, len);
        if (len > 9)
            tbl_seal(pa);
        rc = xsdt ? parse_rev2(&a) : parse_rev0(&a);
        EXPECT_TRUE(rc == 0 || rc == -ERR_INVAL);
        EXPECT_TRUE(rc == 0 || (log_count() >= 1 && info_is_zero(&a)));
        EXPECT_TRUE(a.ncpus <= 3);
        /* (b) the memory behind the table ends early */
        xsdt ? xsdt_build() : q35_build();
        log_clear();
        fm.hole_lo = pa + len;
        fm.hole_hi = pa + full;
        rc = xsdt ? parse_rev2(&a) : parse_rev0(&a);
        EXPECT_TRUE(rc == 0 || (rc == -ERR_INVAL && info_is_zero(&a)));
        EXPECT_TRUE(log_count() >= 1);
    }
}

TEST(acpi_truncation_rsdt_path)
{
    truncate_all(false, PA_RSDT, 36 + 16);
    truncate_all(false, PA_FACP, 244);
    truncate_all(false, PA_APIC, 44 + 4 * 8 + 12 + 10 + 6);
    truncate_all(false, PA_DMAR, 72);
}

TEST(acpi_truncation_xsdt_path)
{
    truncate_all(true, PA_XSDT, 36 + 16);
    truncate_all(true, PA_APIC2, 44 + 2 * 8);
    truncate_all(true, PA_IVRS, 48);
}

TEST(acpi_truncation_rsdp)
{
    struct acpi_info a;
    uint8_t r[36];
    int rc;

    xsdt_build();
    rsdp_build(r, 2, PA_RSDT, PA_XSDT);
    for (unsigned len = 0; len <= 36; len++) {
        log_clear();
        rc = parse_len(r, len, &a);
        if (len < 20) {
            EXPECT_EQ(rc, -ERR_INVAL);
        } else if (len < 36) {
            EXPECT_EQ(rc, 0);
            EXPECT_EQ(a.ncpus, 3); /* RSDT */
        } else {
            EXPECT_EQ(rc, 0);
            EXPECT_EQ(a.ncpus, 2); /* XSDT */
        }
    }
}

int main(void)
{
    int rc = test_run((const struct test[]){
        TEST_ENTRY(acpi_q35_rsdt),
        TEST_ENTRY(acpi_mcfg_q35),
        TEST_ENTRY(acpi_mcfg_windows_kept_and_ignored),
        TEST_ENTRY(acpi_mcfg_short_or_trailing),
        TEST_ENTRY(acpi_xsdt_preferred),
        TEST_ENTRY(acpi_rev2_without_xsdt_uses_rsdt),
        TEST_ENTRY(acpi_rev2_short_copy_uses_rsdt),
        TEST_ENTRY(acpi_rsdp_rejections),
        TEST_ENTRY(acpi_rsdp_v2_rejections),
        TEST_ENTRY(acpi_root_rejections),
        TEST_ENTRY(acpi_header_changed_between_maps),
        TEST_ENTRY(acpi_xsdt_rejections),
        TEST_ENTRY(acpi_no_madt),
        TEST_ENTRY(acpi_root_oddities_are_warnings),
        TEST_ENTRY(acpi_xsdt_entry_that_wraps),
        TEST_ENTRY(acpi_duplicate_tables),
        TEST_ENTRY(acpi_madt_checksum_is_an_error),
        TEST_ENTRY(acpi_madt_too_short),
        TEST_ENTRY(acpi_madt_entry_lengths),
        TEST_ENTRY(acpi_madt_entry_past_end),
        TEST_ENTRY(acpi_madt_duplicate_apic_id),
        TEST_ENTRY(acpi_madt_x2apic_and_flags),
        TEST_ENTRY(acpi_madt_no_usable_cpu),
        TEST_ENTRY(acpi_madt_lapic_override),
        TEST_ENTRY(acpi_madt_more_than_64_cpus),
        TEST_ENTRY(acpi_madt_more_than_8_ioapics),
        TEST_ENTRY(acpi_optional_tables_are_warnings),
        TEST_ENTRY(acpi_fadt_variants),
        TEST_ENTRY(acpi_map_refusals),
        TEST_ENTRY(acpi_truncation_rsdt_path),
        TEST_ENTRY(acpi_truncation_xsdt_path),
        TEST_ENTRY(acpi_truncation_rsdp),
        TEST_END,
    });

    fake_release();
    return rc;
}
