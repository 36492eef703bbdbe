/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the builder's pure parts: kernel images (ELF64, ELF32 and
 * bzImage with an xz payload made here by Debian's liblzma), streamed into
 * a fake guest memory that checks every copy; the ACPI tables for 1, 2
 * and 4 vCPUs; the guest layout and start_info; the manifest's kernel keys.
 */
#include "image.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "acpi_tables.h"
#include "idl/platform.h"
#include "harness.h"
#include "layout.h"
#include "manifest.h"

/* ---- a fake guest memory: every copy is checked and recorded ---- */

#define GUEST_MEM (80ull << 20)

static uint8_t *guest;
static uint8_t *written; /* 1 per byte copied: nothing twice */
static unsigned copies;
static uint64_t dirty_lo = GUEST_MEM, dirty_hi; /* what the copies touched */
static long fail_after = -1;                    /* the copy that returns -14 (EFAULT) */

static long fake_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    (void)ctx;
    if (fail_after >= 0 && copies == (unsigned long)fail_after)
        return -14;
    copies++;
    if (len == 0 || len > IMAGE_COPY_MAX || gpa > GUEST_MEM || len > GUEST_MEM - gpa) {
        test_fail(__FILE__, __LINE__, "copy of %zu bytes to 0x%llx out of bounds", len, (unsigned long long)gpa);
        return -22;
    }
    dirty_lo = gpa < dirty_lo ? gpa : dirty_lo;
    dirty_hi = gpa + len > dirty_hi ? gpa + len : dirty_hi;
    for (size_t i = 0; i < len; i++)
        if (written[gpa + i]++)
            test_fail(__FILE__, __LINE__, "byte 0x%llx written twice", (unsigned long long)(gpa + i));
    memcpy(guest + gpa, src, len);
    return 0;
}

static void guest_reset(void)
{
    if (!guest) {
        guest = calloc(1, GUEST_MEM);
        written = calloc(1, GUEST_MEM);
    }
    if (dirty_lo < dirty_hi) {
        memset(guest + dirty_lo, 0, dirty_hi - dirty_lo);
        memset(written + dirty_lo, 0, dirty_hi - dirty_lo);
    }
    dirty_lo = GUEST_MEM, dirty_hi = 0;
    copies = 0;
    fail_after = -1;
}

/* ---- ELF images made here ---- */

struct seg_spec {
    uint64_t paddr, filesz, memsz;
    uint32_t flags;
};

static void w16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static void w32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void w64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static uint8_t pattern(uint64_t file_off)
{
    return (uint8_t)(file_off * 7 + (file_off >> 12) + 1);
}

#define NOTE_OFF  0x400
#define DATA_BASE 0x1000

/* An ELF (class 64 or 32) with the given segments, their file parts one
 * after another from DATA_BASE, each byte pattern(offset), and a PT_NOTE
 * holding a Xen PHYS32_ENTRY note for entry (descsz 8 for ELF64, 4 for
 * ELF32, as Linux and 32-bit kernels write them) after a GNU note. */
static uint8_t *make_elf(int class64, const struct seg_spec *s, unsigned n, uint32_t entry, size_t *size)
{
    size_t ehsize = class64 ? 64 : 52, phsize = class64 ? 56 : 32, total = DATA_BASE, off = DATA_BASE;
    uint8_t *p;
    unsigned descsz = class64 ? 8 : 4;
    size_t note_len = 12 + 4 + 4 + 12 + 4 + descsz;

    for (unsigned i = 0; i < n; i++)
        total += s[i].filesz;
    p = calloc(1, total);
    memcpy(p, "\177ELF", 4);
    p[4] = class64 ? 2 : 1;
    p[5] = 1;
    p[6] = 1;
    w16(p + 16, 2);
    w16(p + 18, class64 ? 62 : 3);
    w32(p + 20, 1);
    if (class64) {
        w64(p + 32, ehsize);
        w16(p + 54, (uint16_t)phsize);
        w16(p + 56, (uint16_t)(n + 1));
    } else {
        w32(p + 28, (uint32_t)ehsize);
        w16(p + 42, (uint16_t)phsize);
        w16(p + 44, (uint16_t)(n + 1));
    }
    for (unsigned i = 0; i <= n; i++) {
        uint8_t *ph = p + ehsize + i * phsize;
        uint32_t type = i < n ? 1 : 4, flags = i < n ? s[i].flags : 4;
        uint64_t o = i < n ? off : NOTE_OFF, pa = i < n ? s[i].paddr : 0;
        uint64_t fs = i < n ? s[i].filesz : note_len, ms = i < n ? s[i].memsz : note_len;
        if (class64) {
            w32(ph, type), w32(ph + 4, flags), w64(ph + 8, o), w64(ph + 16, pa), w64(ph + 24, pa);
            w64(ph + 32, fs), w64(ph + 40, ms);
        } else {
            w32(ph, type), w32(ph + 4, (uint32_t)o), w32(ph + 8, (uint32_t)pa), w32(ph + 12, (uint32_t)pa);
            w32(ph + 16, (uint32_t)fs), w32(ph + 20, (uint32_t)ms), w32(ph + 24, flags);
        }
        if (i < n)
            off += s[i].filesz;
    }
    /* A GNU note first, then Xen's: the scan must walk past the first. */
    w32(p + NOTE_OFF, 4), w32(p + NOTE_OFF + 4, 4), w32(p + NOTE_OFF + 8, 3);
    memcpy(p + NOTE_OFF + 12, "GNU", 4);
    w32(p + NOTE_OFF + 20, 4), w32(p + NOTE_OFF + 24, descsz), w32(p + NOTE_OFF + 28, 18);
    memcpy(p + NOTE_OFF + 32, "Xen", 4);
    w32(p + NOTE_OFF + 36, entry);
    for (size_t i = DATA_BASE; i < total; i++)
        p[i] = pattern(i);
    *size = total;
    return p;
}

/* Every segment's file part is in guest memory, its tail zero, and
 * nothing else was written. */
static void expect_loaded(const struct seg_spec *s, unsigned n)
{
    uint64_t off = DATA_BASE, bytes = 0;

    for (unsigned i = 0; i < n; i++) {
        for (uint64_t b = 0; b < s[i].filesz; b++)
            if (guest[s[i].paddr + b] != pattern(off + b) || !written[s[i].paddr + b]) {
                test_fail(__FILE__, __LINE__, "segment %u byte 0x%llx wrong", i, (unsigned long long)b);
                return;
            }
        for (uint64_t b = s[i].filesz; b < s[i].memsz; b++)
            EXPECT_EQ(guest[s[i].paddr + b], 0);
        off += s[i].filesz;
        bytes += s[i].filesz;
    }
    uint64_t total = 0;
    for (uint64_t a = dirty_lo; a < dirty_hi; a++)
        total += written[a];
    EXPECT_EQ(total, bytes);
}

static const struct seg_spec small_segs[] = {
    { 0x100000, 0x3000, 0x5000, 5 },
    { 0x200000, 0x1234, 0x2000, 6 },
};

static long open_and_load(const uint8_t *data, size_t size, struct image *img)
{
    long r = image_open(img, data, size);
    if (r == 0)
        r = image_load(img, fake_copy, NULL);
    image_close(img);
    return r;
}

TEST(elf64_loads)
{
    static struct image img;
    size_t size;
    uint8_t *e = make_elf(1, small_segs, 2, 0x100010, &size);

    guest_reset();
    EXPECT_EQ(open_and_load(e, size, &img), 0);
    EXPECT_EQ(img.format, IMAGE_ELF64);
    EXPECT_EQ(img.pvh_entry, 0x100010);
    EXPECT_EQ(img.nsegments, 2);
    EXPECT_EQ(img.paddr_start, 0x100000);
    EXPECT_EQ(img.paddr_end, 0x202000);
    expect_loaded(small_segs, 2);
    free(e);
}

TEST(elf32_loads)
{
    static struct image img;
    size_t size;
    uint8_t *e = make_elf(0, small_segs, 2, 0x100020, &size);

    guest_reset();
    EXPECT_EQ(open_and_load(e, size, &img), 0);
    EXPECT_EQ(img.format, IMAGE_ELF32);
    EXPECT_EQ(img.pvh_entry, 0x100020);
    expect_loaded(small_segs, 2);
    free(e);
}

/* A segment larger than one MGMT_DOMAIN_COPY is split, never dropped. */
TEST(elf_large_segment_split)
{
    static struct image img;
    static const struct seg_spec big[] = { { 0x1000000, (40u << 20) + 123, (41u << 20), 5 } };
    size_t size;
    uint8_t *e = make_elf(1, big, 1, 0x1000000, &size);

    guest_reset();
    EXPECT_EQ(open_and_load(e, size, &img), 0);
    EXPECT_EQ(copies, 3);
    expect_loaded(big, 1);
    free(e);
}

TEST(elf_copy_error_returned)
{
    static struct image img;
    size_t size;
    uint8_t *e = make_elf(1, small_segs, 2, 0x100010, &size);

    guest_reset();
    fail_after = 1;
    EXPECT_EQ(open_and_load(e, size, &img), -14);
    EXPECT_TRUE(img.why == NULL); /* how the builder tells it from a bad image */
    guest_reset();
    fail_after = 0;
    EXPECT_EQ(open_and_load(e, size, &img), -14);
    free(e);
}

static void expect_refused(const uint8_t *data, size_t size, const char *why)
{
    static struct image img;

    guest_reset();
    EXPECT_EQ(open_and_load(data, size, &img), -1);
    if (img.why == NULL || strstr(img.why, why) == NULL)
        test_fail(__FILE__, __LINE__, "why '%s', expected '%s'", img.why ? img.why : "(none)", why);
}

TEST(elf_refusals)
{
    size_t size;
    uint8_t *e = make_elf(1, small_segs, 2, 0x100010, &size);
    uint8_t *c = malloc(size);
    const size_t ph1 = 64 + 56; /* the second program header */

#define MUTATE(stmt, why)             \
    do {                              \
        memcpy(c, e, size);           \
        stmt;                         \
        expect_refused(c, size, why); \
    } while (0)
    MUTATE(c[0] = 0, "not a little-endian ELF");
    MUTATE(c[4] = 3, "neither ELF32 nor ELF64");
    MUTATE(w16(c + 18, 3), "not an x86-64 executable");
    MUTATE(w16(c + 16, 3), "not an x86-64 executable");
    MUTATE(w16(c + 54, 32), "unexpected program header size");
    MUTATE(w64(c + 32, size - 8), "program headers lie outside");
    MUTATE(w64(c + ph1 + 8, size - 4), "a loadable segment lies outside the ELF");
    MUTATE(w64(c + ph1 + 8, ~0ull - 8), "a loadable segment lies outside the ELF");
    MUTATE(w64(c + ph1 + 40, 0x10), "a loadable segment lies outside the ELF"); /* memsz < filesz */
    MUTATE(w64(c + ph1 + 24, 0x101000), "overlap");
    MUTATE(w64(c + ph1 + 24, (1ull << 36) - 0x1000), "above 64 GiB");
    MUTATE(w32(c + NOTE_OFF + 36, 0x200010), "not inside an executable");
    MUTATE(w32(c + NOTE_OFF + 28, 17), "no Xen PVH entry note");
    MUTATE(w32(c + NOTE_OFF + 24, 0x1000), "malformed ELF note");
    MUTATE(w32(c + NOTE_OFF + 24, 2), "malformed PVH entry note");
#undef MUTATE
    expect_refused(e, 40, "too small");
    free(c);
    free(e);
}

/* Every prefix of a valid image is refused or loads, never read past. */
TEST(elf_every_truncation)
{
    static struct image img;
    size_t size;
    uint8_t *e = make_elf(1, small_segs, 2, 0x100010, &size);

    for (size_t n = 0; n < size; n++) {
        uint8_t *c = malloc(n ? n : 1);
        memcpy(c, e, n);
        guest_reset();
        EXPECT_EQ(open_and_load(c, n, &img), -1);
        free(c);
    }
    free(e);
}

/* ---- bzImage: Linux's boot header around an xz payload ---- */

/* elf compressed as Linux's build does (x86 BCJ, LZMA2, CRC32), with the
 * ELF's size appended, inside a boot protocol 2.15 header. */
static uint8_t *make_bzimage_declaring(const uint8_t *elf, size_t elf_size, uint32_t declared, size_t *size,
                                       size_t *payload_len)
{
    lzma_options_lzma opt;
    lzma_filter filters[3];
    size_t cap = elf_size + elf_size / 2 + 65536, out = 0, pm = 2 * 512, poff = 0x200;
    uint8_t *xz = malloc(cap), *bz;

    lzma_lzma_preset(&opt, 0);
    filters[0] = (lzma_filter){ .id = LZMA_FILTER_X86, .options = NULL };
    filters[1] = (lzma_filter){ .id = LZMA_FILTER_LZMA2, .options = &opt };
    filters[2] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN, .options = NULL };
    if (lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, elf, elf_size, xz, &out, cap) != LZMA_OK)
        abort();
    *payload_len = out + 4;
    *size = pm + poff + *payload_len;
    bz = calloc(1, *size);
    bz[0x1f1] = 1; /* setup sectors: protected-mode code at 2 * 512 */
    memcpy(bz + 0x202, "HdrS", 4);
    w16(bz + 0x206, 0x020f);
    w32(bz + 0x248, (uint32_t)poff);
    w32(bz + 0x24c, (uint32_t)*payload_len);
    memcpy(bz + pm + poff, xz, out);
    w32(bz + pm + poff + out, declared);
    free(xz);
    return bz;
}

static uint8_t *make_bzimage(const uint8_t *elf, size_t elf_size, size_t *size, size_t *payload_len)
{
    return make_bzimage_declaring(elf, elf_size, (uint32_t)elf_size, size, payload_len);
}

/* The segments span several decompressed chunks: all land, in order. */
static const struct seg_spec kernel_segs[] = {
    { 0x1000000, (3u << 20) + 77, (4u << 20), 5 },
    { 0x1400000, 0x1000, (1u << 20), 6 },
    { 0x1600000, (2u << 20) + 5, (2u << 20) + 0x1000, 7 },
};

TEST(bzimage_loads)
{
    static struct image img;
    size_t elf_size, size, plen;
    uint8_t *e = make_elf(1, kernel_segs, 3, 0x1000850, &elf_size);
    uint8_t *bz = make_bzimage(e, elf_size, &size, &plen);

    guest_reset();
    EXPECT_EQ(open_and_load(bz, size, &img), 0);
    EXPECT_EQ(img.format, IMAGE_BZIMAGE);
    EXPECT_EQ(img.elf_size, elf_size);
    EXPECT_EQ(img.pvh_entry, 0x1000850);
    EXPECT_EQ(img.paddr_end, 0x1600000 + (2u << 20) + 0x1000);
    expect_loaded(kernel_segs, 3);
    free(bz);
    free(e);
}

TEST(bzimage_refusals)
{
    size_t elf_size, size, plen;
    uint8_t *e = make_elf(1, kernel_segs, 3, 0x1000850, &elf_size);
    uint8_t *bz = make_bzimage(e, elf_size, &size, &plen);
    uint8_t *c = malloc(size);
    size_t payload = 2 * 512 + 0x200;

#define MUTATE(stmt, len, why)       \
    do {                             \
        memcpy(c, bz, size);         \
        stmt;                        \
        expect_refused(c, len, why); \
    } while (0)
    MUTATE(w16(c + 0x206, 0x0207), size, "older than 2.08");
    MUTATE(w32(c + 0x24c, (uint32_t)plen + 1), size, "payload lies outside the file");
    MUTATE(w32(c + 0x248, 0xfffffff0u), size, "payload lies outside the file");
    MUTATE(c[0x1f1] = 200, size, "payload lies outside the file");
    MUTATE(w32(c + 0x24c, 6), size, "too short");
    MUTATE(c[payload] = 0x1f, size, "not xz-compressed");
    MUTATE(c[payload + plen / 2] ^= 0x55, size, "xz stream");
    MUTATE(w32(c + payload + plen - 4, (uint32_t)elf_size + 1), size, "shorter than the size it declares");
    /* The last segment ends the ELF: a smaller size puts it outside. */
    MUTATE(w32(c + payload + plen - 4, (uint32_t)elf_size - 1), size, "a loadable segment lies outside the ELF");
    MUTATE(w32(c + payload + plen - 4, 100), size, "longer than the size it declares");
    MUTATE(w32(c + 0x24c, (uint32_t)plen - 100), size, "truncated");
    MUTATE((void)0, 0x240, "not a little-endian ELF"); /* too short for the header: not a bzImage */
#undef MUTATE
    free(c);
    free(bz);
    free(e);
}

/* Bytes past the declared size, after the first chunk: refused once
 * they pass, whatever the segments say. */
TEST(bzimage_longer_than_declared)
{
    static const struct seg_spec segs[] = { { 0x1000000, (1u << 20) + 99, (2u << 20), 5 } };
    size_t elf_size, size, plen;
    uint8_t *e = make_elf(1, segs, 1, 0x1000000, &elf_size);
    uint8_t *big = calloc(1, elf_size + (3u << 20)), *bz;

    memcpy(big, e, elf_size);
    bz = make_bzimage_declaring(big, elf_size + (3u << 20), (uint32_t)elf_size + (1u << 20), &size, &plen);
    expect_refused(bz, size, "longer than the size it declares");
    free(bz);
    free(big);
    free(e);
}

/* Program headers must come in the first decompressed chunk. */
TEST(bzimage_headers_past_first_chunk)
{
    size_t elf_size, size, plen;
    uint8_t *e = make_elf(1, kernel_segs, 3, 0x1000850, &elf_size);
    uint8_t *bz;

    w64(e + 32, IMAGE_CHUNK + 64); /* e_phoff inside the big first segment */
    bz = make_bzimage(e, elf_size, &size, &plen);
    expect_refused(bz, size, "past the first decompressed MiB");
    free(bz);
    free(e);
}

/* ---- ACPI ---- */

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* The table at guest-physical pa, checked: inside the buffer, its
 * signature, its length and checksum. */
static const uint8_t *table_at(const uint8_t *buf, size_t len, uint64_t base, uint64_t pa, const char *sig)
{
    struct acpi_header h;

    if (pa < base || pa - base + sizeof(h) > len) {
        test_fail(__FILE__, __LINE__, "%s at 0x%llx outside the tables", sig, (unsigned long long)pa);
        return NULL;
    }
    memcpy(&h, buf + (pa - base), sizeof(h));
    EXPECT_TRUE(!memcmp(h.signature, sig, 4));
    EXPECT_TRUE(pa - base + h.length <= len);
    EXPECT_EQ(pa % 16, 0);
    EXPECT_EQ(sum(buf + (pa - base), h.length), 0);
    return buf + (pa - base);
}

static void check_acpi(unsigned nr)
{
    static uint8_t buf[ACPI_TABLES_MAX];
    const uint64_t base = 0x1ffff000;
    struct acpi_rsdp rsdp;
    struct acpi_fadt fadt;
    struct acpi_madt madt;
    struct acpi_header xsdt;
    size_t len = acpi_build(buf, sizeof(buf), base, nr);
    const uint8_t *x, *f, *m, *d;
    uint64_t entries[2];
    unsigned procs = 0;

    EXPECT_TRUE(len > sizeof(rsdp) && len <= sizeof(buf));
    memcpy(&rsdp, buf, sizeof(rsdp));
    EXPECT_TRUE(!memcmp(rsdp.signature, "RSD PTR ", 8));
    EXPECT_EQ(rsdp.revision, 2);
    EXPECT_EQ(rsdp.length, 36);
    EXPECT_EQ(sum(buf, 20), 0);
    EXPECT_EQ(sum(buf, 36), 0);
    if (!(x = table_at(buf, len, base, rsdp.xsdt_address, "XSDT")))
        return;
    memcpy(&xsdt, x, sizeof(xsdt));
    EXPECT_EQ(xsdt.length, sizeof(xsdt) + 2 * 8);
    memcpy(entries, x + sizeof(xsdt), sizeof(entries));
    if (!(f = table_at(buf, len, base, entries[0], "FACP")) || !(m = table_at(buf, len, base, entries[1], "APIC")))
        return;
    memcpy(&fadt, f, sizeof(fadt));
    EXPECT_EQ(fadt.header.length, 276);
    EXPECT_EQ(fadt.header.revision, 6);
    EXPECT_TRUE(fadt.flags & ACPI_FADT_HW_REDUCED_ACPI);
    EXPECT_EQ(fadt.sci_int, 0);
    EXPECT_EQ(fadt.pm1a_evt_blk | fadt.pm1a_cnt_blk | fadt.pm_tmr_blk | fadt.gpe0_blk, 0);
    EXPECT_EQ(fadt.firmware_ctrl, 0);
    EXPECT_EQ(fadt.x_firmware_ctrl, 0);
    EXPECT_EQ(fadt.x_dsdt, fadt.dsdt);
    if (!(d = table_at(buf, len, base, fadt.x_dsdt, "DSDT")))
        return;
    /* The platform's power-off and reset registers, as the core takes them. */
    EXPECT_TRUE(fadt.flags & ACPI_FADT_RESET_REG_SUP);
    EXPECT_EQ(fadt.sleep_control_reg.space_id, ACPI_GAS_SPACE_IO);
    EXPECT_EQ(fadt.sleep_control_reg.address, PLATFORM_ACPI_SLEEP_CONTROL_PORT);
    EXPECT_EQ(fadt.sleep_status_reg.address, PLATFORM_ACPI_SLEEP_STATUS_PORT);
    EXPECT_EQ(fadt.reset_reg.address, PLATFORM_ACPI_RESET_PORT);
    EXPECT_EQ(fadt.reset_reg.bit_width, 8);
    EXPECT_EQ(fadt.reset_value, PLATFORM_ACPI_RESET_VALUE);
    /* The AML: Name (_S5_, Package (4) { S5 type, 0, 0, 0 }), then one
     * Scope (\_SB_), one Processor (5B 83) per vCPU with the ids 0..nr-1
     * in order. */
    memcpy(&xsdt, d, sizeof(xsdt));
    EXPECT_EQ(d[36], AML_NAME_OP);
    EXPECT_TRUE(!memcmp(d + 37, "_S5_", 4));
    EXPECT_EQ(d[41], AML_PACKAGE_OP);
    EXPECT_EQ(d[43], 4);
    EXPECT_EQ(d[45], PLATFORM_ACPI_S5_TYPE);
    EXPECT_EQ(d[49], AML_SCOPE_OP);
    for (size_t i = 49; i + 10 < xsdt.length; i++) {
        if (d[i] == AML_EXT_OP_PREFIX && d[i + 1] == AML_PROCESSOR_OP) {
            EXPECT_EQ(d[i + 2], 11);
            EXPECT_EQ(d[i + 7], procs);
            procs++;
            i += 12;
        }
    }
    EXPECT_EQ(procs, nr);
    memcpy(&madt, m, sizeof(madt));
    EXPECT_EQ(madt.lapic_address, 0xfee00000u);
    EXPECT_EQ(madt.flags, 0);
    EXPECT_EQ(madt.header.length, sizeof(madt) + nr * sizeof(struct acpi_madt_lapic));
    for (unsigned i = 0; i < nr; i++) {
        struct acpi_madt_lapic l;
        memcpy(&l, m + sizeof(madt) + i * sizeof(l), sizeof(l));
        EXPECT_EQ(l.type, 0);
        EXPECT_EQ(l.length, 8);
        EXPECT_EQ(l.apic_id, i);
        EXPECT_EQ(l.processor_uid, i);
        EXPECT_EQ(l.flags, ACPI_MADT_LAPIC_ENABLED);
    }
}

TEST(acpi_1_2_4_vcpus)
{
    check_acpi(1);
    check_acpi(2);
    check_acpi(4);
}

TEST(acpi_limits)
{
    static uint8_t buf[ACPI_TABLES_MAX];

    check_acpi(ACPI_MAX_VCPUS);
    EXPECT_EQ(acpi_build(buf, sizeof(buf), 0x1000, 0), 0);
    EXPECT_EQ(acpi_build(buf, sizeof(buf), 0x1000, ACPI_MAX_VCPUS + 1), 0);
    EXPECT_EQ(acpi_build(buf, sizeof(buf), 0x1008, 1), 0);
    EXPECT_EQ(acpi_build(buf, 100, 0x1000, 1), 0);
    EXPECT_EQ(acpi_build(buf, sizeof(buf), 0xffffff00ull, 1), 0);
    EXPECT_TRUE(acpi_build(buf, sizeof(buf), 0xfffff000ull, 1) > 0);
}

/* ---- layout and start_info ---- */

TEST(layout_with_ramdisk)
{
    struct layout l;
    struct layout_start_info b;
    const char *why = NULL;

    EXPECT_EQ(layout_plan(512ull << 20, 0x1000000, 0x4a00000 - 5, 1234567, &l, &why), 0);
    EXPECT_EQ(l.ramdisk_base, 0x4a00000);
    EXPECT_EQ(l.acpi_base, (512ull << 20) - 0x1000);
    EXPECT_EQ(layout_start_info(&l, &b), sizeof(b));
    EXPECT_EQ(b.si.magic, XEN_HVM_START_MAGIC_VALUE);
    EXPECT_EQ(b.si.version, 1);
    EXPECT_EQ(b.si.nr_modules, 1);
    EXPECT_EQ(b.si.modlist_paddr, LAYOUT_START_INFO_GPA + offsetof(struct layout_start_info, mod));
    EXPECT_EQ(b.mod[0].paddr, 0x4a00000);
    EXPECT_EQ(b.mod[0].size, 1234567);
    EXPECT_EQ(b.mod[0].cmdline_paddr, 0);
    EXPECT_EQ(b.si.rsdp_paddr, l.acpi_base);
    EXPECT_EQ(b.si.cmdline_paddr, LAYOUT_CMDLINE_GPA);
    EXPECT_EQ(b.si.memmap_entries, 2);
    EXPECT_EQ(b.map[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    EXPECT_EQ(b.map[0].addr + b.map[0].size, b.map[1].addr);
    EXPECT_EQ(b.map[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    EXPECT_EQ(b.map[1].addr + b.map[1].size, 512ull << 20);
    /* start_info, modlist and map stay in their page, clear of the cmdline. */
    EXPECT_TRUE(LAYOUT_START_INFO_GPA + sizeof(b) <= LAYOUT_CMDLINE_GPA);
}

TEST(layout_refusals)
{
    struct layout l;
    const char *why = NULL;

    EXPECT_EQ(layout_plan(16ull << 20, 0x100000, 0x200000, 0, &l, &why), 0);
    EXPECT_EQ(l.ramdisk_size, 0);
    EXPECT_EQ(layout_plan(16ull << 20, 0x2000, 0x200000, 0, &l, &why), -1);
    EXPECT_EQ(layout_plan(16ull << 20, 0x100000, (16ull << 20) - 0x800, 0, &l, &why), -1);
    EXPECT_EQ(layout_plan(16ull << 20, 0x100000, 0x200000, (14ull << 20), &l, &why), -1);
    EXPECT_EQ(layout_plan(16ull << 20, 0x100000, 0x200000, ~0ull, &l, &why), -1);
    EXPECT_EQ(layout_plan(16ull << 20, 0x100000, 0x200000, (14ull << 20) - 0x1000, &l, &why), 0);
    EXPECT_EQ(layout_plan(0x2000, 0x100000, 0x200000, 0, &l, &why), -1);
}

/* ---- manifest keys for kernels ---- */

TEST(manifest_kernel_keys)
{
    static struct manifest m;
    static const char text[] = "[linux]\nkernel = vmlinuz\nramdisk = initrd.img\nmemory = 512\n"
                               "cmdline = console=hvc0\nextra = root=/dev/xvda1 ro\n"
                               "[plain]\nimage = hello.elf\nmemory = 16\nextra = quiet\n";
    char buf[64];

    manifest_parse(text, sizeof(text) - 1, &m);
    EXPECT_EQ(m.errors, 0);
    EXPECT_EQ(m.count, 2);
    EXPECT_TRUE(!strcmp(m.dom[0].image, "vmlinuz"));
    EXPECT_TRUE(!strcmp(m.dom[0].ramdisk, "initrd.img"));
    manifest_kernel_cmdline(&m.dom[0], buf, sizeof(buf));
    EXPECT_TRUE(!strcmp(buf, "console=hvc0 root=/dev/xvda1 ro"));
    manifest_kernel_cmdline(&m.dom[1], buf, sizeof(buf));
    EXPECT_TRUE(!strcmp(buf, "quiet"));
    manifest_kernel_cmdline(&m.dom[0], buf, 8);
    EXPECT_TRUE(!strcmp(buf, "console"));
}

TEST(manifest_pci_key)
{
    static struct manifest m;
    static const char text[] = "[one]\nimage = a\nmemory = 1\npci = 0000:00:04.0\n"
                               "[list]\nimage = a\nmemory = 1\npci = ['0000:00:04.0', \"00:1f.3\" ,1:02.7]\n"
                               "[seg]\nimage = a\npci = 0001:00:04.0\n"
                               "[bad]\nimage = a\npci = 00:20.0\n"
                               "[junk]\nimage = a\npci = 00:04.0x\n"
                               "[many]\nimage = a\npci = 0:1.0, 0:2.0, 0:3.0, 0:4.0, 0:5.0\n";

    manifest_parse(text, sizeof(text) - 1, &m);
    EXPECT_EQ(m.count, 6);
    EXPECT_EQ(m.errors, 4);
    EXPECT_TRUE(m.dom[0].valid);
    EXPECT_EQ(m.dom[0].nr_pci, 1);
    EXPECT_EQ(m.dom[0].pci[0], 0x20);
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_EQ(m.dom[1].nr_pci, 3);
    EXPECT_EQ(m.dom[1].pci[1], 0xfb);
    EXPECT_EQ(m.dom[1].pci[2], 0x117);
    EXPECT_FALSE(m.dom[2].valid); /* segment 1 */
    EXPECT_FALSE(m.dom[3].valid); /* device 0x20 */
    EXPECT_FALSE(m.dom[4].valid);
    EXPECT_FALSE(m.dom[5].valid); /* more than MANIFEST_MAX_PCI */
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(elf64_loads), TEST_ENTRY(elf32_loads), TEST_ENTRY(elf_large_segment_split),
        TEST_ENTRY(elf_copy_error_returned), TEST_ENTRY(elf_refusals), TEST_ENTRY(elf_every_truncation),
        TEST_ENTRY(bzimage_loads), TEST_ENTRY(bzimage_refusals), TEST_ENTRY(bzimage_longer_than_declared),
        TEST_ENTRY(bzimage_headers_past_first_chunk), TEST_ENTRY(acpi_1_2_4_vcpus), TEST_ENTRY(acpi_limits),
        TEST_ENTRY(layout_with_ramdisk), TEST_ENTRY(layout_refusals), TEST_ENTRY(manifest_kernel_keys),
        TEST_ENTRY(manifest_pci_key), TEST_END });
}
