/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the Multiboot2 parser: info blocks are built tag by tag in
 * a buffer; a realistic GRUB-like block must parse, every rule must reject
 * its violation with one precise log line, and truncated or corrupted
 * blocks (held in exact-size heap buffers) must never be read out of bounds.
 */
#include "core/mb2.h"

#include "harness.h"

#include "core/env.h"
#include "core/errno.h"

static _Alignas(8) uint8_t buf[8192];
static size_t used;
static struct mb2_info info;

static void put32_at(size_t off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        buf[off + i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint32_t v)
{
    put32_at(used, v);
    used += 4;
}

static void put64(uint64_t v)
{
    put32((uint32_t)v);
    put32((uint32_t)(v >> 32));
}

static void put_bytes(const void *p, size_t n)
{
    memcpy(buf + used, p, n);
    used += n;
}

static void mbi_begin(void)
{
    memset(buf, 0, sizeof(buf));
    used = 8;
}

/* Starts a tag; returns its offset for tag_end and for expected messages. */
static size_t tag_begin(uint32_t type)
{
    size_t off = used;

    put32(type);
    put32(0);
    return off;
}

static void tag_end(size_t off)
{
    put32_at(off + 4, (uint32_t)(used - off));
    used = ALIGN_UP(used, 8);
}

/* Adds the end tag and sets total_size; returns the total. */
static uint32_t mbi_end(void)
{
    tag_end(tag_begin(MB2_TAG_END));
    put32_at(0, (uint32_t)used);
    return (uint32_t)used;
}

static size_t add_string_tag(uint32_t type, const char *s)
{
    size_t off = tag_begin(type);

    put_bytes(s, strlen(s) + 1);
    tag_end(off);
    return off;
}

static size_t add_module(uint32_t start, uint32_t end, const char *cmdline)
{
    size_t off = tag_begin(MB2_TAG_MODULE);

    put32(start);
    put32(end);
    put_bytes(cmdline, strlen(cmdline) + 1);
    tag_end(off);
    return off;
}

static size_t add_meminfo(uint32_t lower, uint32_t upper)
{
    size_t off = tag_begin(MB2_TAG_BASIC_MEMINFO);

    put32(lower);
    put32(upper);
    tag_end(off);
    return off;
}

struct raw_entry {
    uint64_t base, len;
    uint32_t type;
};

static size_t add_mmap_ex(const struct raw_entry *e, unsigned n, uint32_t entry_size, uint32_t version)
{
    size_t off = tag_begin(MB2_TAG_MMAP);

    put32(entry_size);
    put32(version);
    for (unsigned i = 0; i < n; i++) {
        size_t start = used;

        put64(e[i].base);
        put64(e[i].len);
        put32(e[i].type);
        used = start + entry_size;
    }
    tag_end(off);
    return off;
}

static const struct raw_entry default_map[] = {
    { 0x0, 0x9fc00, 1 },
    { 0x9fc00, 0x400, 2 },
    { 0x100000, 0x7ee0000, 1 },
    { 0xfffc0000, 0x40000, 2 },
};

static size_t add_mmap(void)
{
    return add_mmap_ex(default_map, ARRAY_SIZE(default_map), 24, 0);
}

static size_t add_rsdp(uint32_t type, unsigned len, uint8_t fill)
{
    size_t off = tag_begin(type);

    memset(buf + used, fill, len);
    used += len;
    tag_end(off);
    return off;
}

static size_t add_raw(uint32_t type, unsigned payload)
{
    size_t off = tag_begin(type);

    memset(buf + used, 0xa5, payload);
    used += payload;
    tag_end(off);
    return off;
}

/* Parses buf as built; returns the result. */
static int parse(void)
{
    return mb2_parse(buf, used, &info);
}

/* Expects rejection with exactly one log line containing the formatted text. */
#define EXPECT_REJECT(...) EXPECT_ONE_ERROR(parse(), -ERR_INVAL, __VA_ARGS__)

static uint32_t build_grub_like(void)
{
    mbi_begin();
    add_meminfo(639, 2096000);
    add_raw(MB2_TAG_BOOTDEV, 12);
    add_string_tag(MB2_TAG_CMDLINE, "console=com1 loglevel=3");
    add_string_tag(MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
    add_module(0x200000, 0x2a1234, "/boot/builder.elf");
    add_module(0x2a2000, 0x2a2000, "");
    add_module(0x400000, 0x1400000, "/boot/linux.elf console=hvc0");
    add_mmap();
    add_raw(MB2_TAG_FRAMEBUFFER, 24);
    add_rsdp(MB2_TAG_ACPI_OLD, MB2_RSDP_OLD_LEN, 0x11);
    add_raw(21, 4); /* image load base */
    return mbi_end();
}

TEST(grub_like_block_parses)
{
    build_grub_like();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(strcmp(info.cmdline, "console=com1 loglevel=3"), 0);
    EXPECT_EQ(strcmp(info.loader_name, "GRUB 2.06-13+deb12u1"), 0);
    EXPECT_TRUE(info.has_basic_meminfo);
    EXPECT_EQ(info.mem_lower_kib, 639);
    EXPECT_EQ(info.mem_upper_kib, 2096000);
    EXPECT_EQ(info.module_count, 3);
    EXPECT_EQ(info.modules[0].start, 0x200000);
    EXPECT_EQ(info.modules[0].end, 0x2a1234);
    EXPECT_EQ(strcmp(info.modules[0].cmdline, "/boot/builder.elf"), 0);
    EXPECT_EQ(info.modules[1].start, info.modules[1].end);
    EXPECT_EQ(strcmp(info.modules[1].cmdline, ""), 0);
    EXPECT_EQ(strcmp(info.modules[2].cmdline, "/boot/linux.elf console=hvc0"), 0);
    EXPECT_EQ(info.mmap_count, ARRAY_SIZE(default_map));
    for (unsigned i = 0; i < ARRAY_SIZE(default_map); i++) {
        EXPECT_EQ(info.mmap[i].base, default_map[i].base);
        EXPECT_EQ(info.mmap[i].len, default_map[i].len);
        EXPECT_EQ(info.mmap[i].type, default_map[i].type);
    }
    EXPECT_EQ(info.rsdp_len, 20);
    EXPECT_EQ(info.rsdp[0], 0x11);
    EXPECT_EQ(info.rsdp[19], 0x11);
    EXPECT_EQ(info.rsdp[20], 0);
}

TEST(minimal_block_defaults)
{
    mbi_begin();
    add_mmap_ex(default_map, 1, 24, 0);
    mbi_end();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(strcmp(info.cmdline, ""), 0);
    EXPECT_EQ(strcmp(info.loader_name, ""), 0);
    EXPECT_EQ(info.module_count, 0);
    EXPECT_EQ(info.rsdp_len, 0);
    EXPECT_FALSE(info.has_basic_meminfo);
    EXPECT_EQ(info.mmap_count, 1);
}

TEST(header_checks)
{
    build_grub_like();
    EXPECT_EQ(mb2_parse(buf, 4, &info), -ERR_INVAL);
    EXPECT_LOG("mb2: only 4 bytes readable, below the 8-byte header");
    log_clear();
    EXPECT_EQ(mb2_parse(buf + 4, 64, &info), -ERR_INVAL);
    EXPECT_LOG("is not 8-byte aligned");
    put32_at(0, 8);
    EXPECT_REJECT("mb2: total_size 8 is below 16");
    put32_at(0, (uint32_t)used + 8);
    EXPECT_REJECT("mb2: total_size %zu exceeds the %zu readable bytes", used + 8, used);
    put32_at(0, (uint32_t)used - 4);
    EXPECT_REJECT("mb2: total_size %zu is not a multiple of 8", used - 4);
}

TEST(tag_size_checks)
{
    size_t off;

    mbi_begin();
    add_mmap();
    off = tag_begin(MB2_TAG_CMDLINE);
    mbi_end();
    put32_at(off + 4, 4);
    EXPECT_REJECT("mb2: tag type 1 at offset 0x%zx: size 4 is below 8", off);
    put32_at(off + 4, (uint32_t)(used - off + 1));
    EXPECT_REJECT("mb2: tag type 1 at offset 0x%zx: size %zu runs past total_size %zu", off, used - off + 1, used);
}

TEST(end_tag_checks)
{
    size_t end_off;

    mbi_begin();
    add_mmap();
    put32_at(0, (uint32_t)used); /* no end tag at all */
    EXPECT_REJECT("mb2: tag list reaches total_size %zu without an end tag", used);

    mbi_begin();
    add_mmap();
    end_off = used;
    mbi_end();
    put32_at(end_off + 4, 16);
    used += 8;
    put32_at(0, (uint32_t)used);
    EXPECT_REJECT("mb2: end tag at offset 0x%zx has size 16, not 8", end_off);

    /* Bytes after a proper end tag: accepted with a warning. */
    put32_at(end_off + 4, 8);
    log_clear();
    EXPECT_EQ(parse(), 0);
    EXPECT_LOGF("mb2: 8 bytes after the end tag at offset 0x%zx ignored", end_off);
}

TEST(strings_must_be_terminated)
{
    static const uint32_t types[] = { MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME };
    static const char *names[] = { "command line", "loader name" };
    size_t off;

    for (unsigned i = 0; i < 2; i++) {
        mbi_begin();
        add_mmap();
        off = add_string_tag(types[i], "abcdefg"); /* 8 bytes with the NUL: tag ends on a boundary */
        mbi_end();
        buf[off + 15] = 'h';
        EXPECT_REJECT("mb2: %s tag at offset 0x%zx: string is not NUL-terminated within size 16", names[i], off);
        put32_at(off + 4, 8); /* no room for any string */
        EXPECT_REJECT("mb2: %s tag at offset 0x%zx: string is not NUL-terminated within size 8", names[i], off);
    }
    mbi_begin();
    add_mmap();
    off = add_module(0x1000, 0x2000, "");
    mbi_end();
    put32_at(off + 4, 16);
    EXPECT_REJECT("mb2: module tag at offset 0x%zx: string is not NUL-terminated within size 16", off);
}

TEST(mmap_header_checks)
{
    size_t off;

    mbi_begin();
    off = add_mmap_ex(default_map, 2, 20, 0);
    mbi_end();
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: entry_size 20 is below 24", off);
    mbi_begin();
    off = add_mmap_ex(default_map, 2, 28, 0);
    mbi_end();
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: entry_size 28 is not a multiple of 8", off);
    mbi_begin();
    off = add_mmap_ex(default_map, 2, 24, 1);
    mbi_end();
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: entry_version 1 is not 0", off);
    mbi_begin();
    off = add_mmap_ex(default_map, 2, 24, 0);
    mbi_end();
    put32_at(off + 4, 16 + 24 + 8);
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: 32 bytes of entries is not a multiple of entry_size 24", off);
    put32_at(off + 4, 12);
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: size 12 is below 16", off);
}

TEST(mmap_entry_checks)
{
    static struct raw_entry many[MB2_MAX_MMAP + 1];
    struct raw_entry bad[] = { { 0x0, 0x1000, 1 }, { 0xfffffffffffff000, 0x1001, 2 } };
    size_t off;

    for (unsigned i = 0; i <= MB2_MAX_MMAP; i++)
        many[i] = (struct raw_entry){ (uint64_t)i << 20, 0x1000, 1 };
    mbi_begin();
    add_mmap_ex(many, MB2_MAX_MMAP, 24, 0);
    mbi_end();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(info.mmap_count, MB2_MAX_MMAP);
    mbi_begin();
    off = add_mmap_ex(many, MB2_MAX_MMAP + 1, 24, 0);
    mbi_end();
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: 129 entries exceed the limit of 128", off);

    mbi_begin();
    off = add_mmap_ex(bad, 2, 24, 0);
    mbi_end();
    EXPECT_REJECT("mb2: memory map tag at offset 0x%zx: entry 1 base 0xfffffffffffff000 len 0x1001 overflows", off);
    bad[1].len = 0x1000; /* ends exactly at 2^64: not representable either */
    mbi_begin();
    add_mmap_ex(bad, 2, 24, 0);
    mbi_end();
    EXPECT_EQ(parse(), -ERR_INVAL);
    bad[1].len = 0xfff;
    mbi_begin();
    add_mmap_ex(bad, 2, 24, 0);
    mbi_end();
    EXPECT_EQ(parse(), 0);
}

TEST(mmap_wider_entries_and_empty_map)
{
    mbi_begin();
    add_mmap_ex(default_map, ARRAY_SIZE(default_map), 40, 0);
    mbi_end();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(info.mmap_count, ARRAY_SIZE(default_map));
    EXPECT_EQ(info.mmap[2].base, 0x100000);
    EXPECT_EQ(info.mmap[3].type, 2);
    mbi_begin();
    add_mmap_ex(NULL, 0, 24, 0);
    mbi_end();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(info.mmap_count, 0);
}

TEST(module_checks)
{
    size_t off;

    mbi_begin();
    add_mmap();
    off = add_module(0x3000, 0x2fff, "backwards");
    mbi_end();
    EXPECT_REJECT("mb2: module tag at offset 0x%zx: mod_end 0x2fff is below mod_start 0x3000", off);

    mbi_begin();
    add_mmap();
    off = add_module(0, 0, "");
    mbi_end();
    put32_at(off + 4, 12);
    EXPECT_REJECT("mb2: module tag at offset 0x%zx: size 12 is below 16", off);

    mbi_begin();
    add_mmap();
    for (unsigned i = 0; i < MB2_MAX_MODULES; i++)
        add_module(i << 20, (i << 20) + 0x1000, "m");
    mbi_end();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(info.module_count, MB2_MAX_MODULES);
    used -= 8; /* reopen before the end tag */
    off = add_module(0xfffff000, 0xffffffff, "one too many");
    mbi_end();
    EXPECT_REJECT("mb2: module tag at offset 0x%zx: more than 16 modules", off);
}

TEST(duplicate_singletons)
{
    size_t off;

    mbi_begin();
    add_mmap();
    off = add_mmap();
    mbi_end();
    EXPECT_REJECT("mb2: duplicate memory map tag (type 6) at offset 0x%zx", off);
    mbi_begin();
    add_mmap();
    add_string_tag(MB2_TAG_CMDLINE, "a");
    off = add_string_tag(MB2_TAG_CMDLINE, "b");
    mbi_end();
    EXPECT_REJECT("mb2: duplicate command line tag (type 1) at offset 0x%zx", off);
    mbi_begin();
    add_string_tag(MB2_TAG_LOADER_NAME, "a");
    off = add_string_tag(MB2_TAG_LOADER_NAME, "a");
    add_mmap();
    mbi_end();
    EXPECT_REJECT("mb2: duplicate loader name tag (type 2) at offset 0x%zx", off);
    mbi_begin();
    add_meminfo(1, 2);
    off = add_meminfo(1, 2);
    add_mmap();
    mbi_end();
    EXPECT_REJECT("mb2: duplicate basic memory info tag (type 4) at offset 0x%zx", off);
    mbi_begin();
    add_rsdp(MB2_TAG_ACPI_NEW, 36, 1);
    off = add_rsdp(MB2_TAG_ACPI_NEW, 36, 1);
    add_mmap();
    mbi_end();
    EXPECT_REJECT("mb2: duplicate ACPI new RSDP tag (type 15) at offset 0x%zx", off);
}

TEST(missing_mmap)
{
    mbi_begin();
    add_string_tag(MB2_TAG_CMDLINE, "x");
    mbi_end();
    EXPECT_REJECT("mb2: no memory map tag (type 6)");
}

TEST(meminfo_too_small)
{
    size_t off;

    mbi_begin();
    add_mmap();
    off = add_meminfo(1, 2);
    mbi_end();
    put32_at(off + 4, 12);
    EXPECT_REJECT("mb2: basic memory info tag at offset 0x%zx: size 12 is below 16", off);
}

TEST(unknown_tags_are_skipped)
{
    mbi_begin();
    add_raw(0x12345678, 5); /* size 13: padded to 16 */
    add_raw(7, 0);
    add_mmap();
    add_raw(0xffffffff, 100);
    add_string_tag(MB2_TAG_CMDLINE, "after");
    mbi_end();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(strcmp(info.cmdline, "after"), 0);
    EXPECT_EQ(log_count(), 0);
}

TEST(rsdp_new_preferred_in_any_order)
{
    for (unsigned order = 0; order < 2; order++) {
        mbi_begin();
        add_mmap();
        if (order == 0)
            add_rsdp(MB2_TAG_ACPI_OLD, 20, 0x11);
        add_rsdp(MB2_TAG_ACPI_NEW, 36, 0x22);
        if (order == 1)
            add_rsdp(MB2_TAG_ACPI_OLD, 20, 0x11);
        mbi_end();
        EXPECT_EQ(parse(), 0);
        EXPECT_EQ(info.rsdp_len, 36);
        EXPECT_EQ(info.rsdp[0], 0x22);
        EXPECT_EQ(info.rsdp[35], 0x22);
    }
}

TEST(rsdp_too_short)
{
    size_t off;

    mbi_begin();
    add_mmap();
    off = add_rsdp(MB2_TAG_ACPI_NEW, 20, 0x22);
    mbi_end();
    EXPECT_REJECT("mb2: ACPI new RSDP tag at offset 0x%zx: size 28 is below 44", off);
    mbi_begin();
    add_mmap();
    off = add_rsdp(MB2_TAG_ACPI_OLD, 19, 0x22);
    mbi_end();
    EXPECT_REJECT("mb2: ACPI old RSDP tag at offset 0x%zx: size 27 is below 28", off);
}

/* Parses a copy of the first n bytes of buf held in an exact-size heap block. */
static int parse_exact_copy(size_t n, size_t avail)
{
    uint8_t *copy = malloc(n ? n : 1); /* malloc alignment is at least 8 */
    int err;

    memcpy(copy, buf, n);
    err = mb2_parse(copy, avail, &info);
    free(copy);
    return err;
}

TEST(truncation_at_every_length)
{
    uint32_t total = build_grub_like();

    for (uint32_t n = 0; n < total; n++) {
        /* Honest caller, block cut short: total_size exceeds what is readable. */
        EXPECT_EQ(parse_exact_copy(n, n), -ERR_INVAL);
        /* Lying total_size that matches the cut: the tag walk must stop in bounds. */
        if (n >= 8) {
            put32_at(0, n);
            EXPECT_EQ(parse_exact_copy(n, n), -ERR_INVAL);
            put32_at(0, total);
        }
    }
    EXPECT_EQ(parse_exact_copy(total, total), 0);
}

TEST(random_corruption_never_reads_out_of_bounds)
{
    uint64_t rng = 0x243f6a8885a308d3ull;
    unsigned accepted = 0, rejected = 0;
    uint32_t total = build_grub_like();
    static uint8_t pristine[sizeof(buf)];

    memcpy(pristine, buf, total);
    for (unsigned round = 0; round < 20000; round++) {
        unsigned flips = 1 + (unsigned)(rng % 4);
        int err;

        memcpy(buf, pristine, total);
        for (unsigned k = 0; k < flips; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            buf[(rng >> 33) % total] = (uint8_t)(rng >> 17);
        }
        log_clear();
        err = parse_exact_copy(total, total);
        if (err == 0) {
            accepted++;
        } else {
            rejected++;
            EXPECT_EQ(err, -ERR_INVAL);
            EXPECT_TRUE(log_count() >= 1 && log_count() <= 2); /* the error, perhaps after a warning */
            EXPECT_LOG("mb2: ");
        }
    }
    EXPECT_TRUE(accepted > 100 && rejected > 100);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(grub_like_block_parses),
        TEST_ENTRY(minimal_block_defaults),
        TEST_ENTRY(header_checks),
        TEST_ENTRY(tag_size_checks),
        TEST_ENTRY(end_tag_checks),
        TEST_ENTRY(strings_must_be_terminated),
        TEST_ENTRY(mmap_header_checks),
        TEST_ENTRY(mmap_entry_checks),
        TEST_ENTRY(mmap_wider_entries_and_empty_map),
        TEST_ENTRY(module_checks),
        TEST_ENTRY(duplicate_singletons),
        TEST_ENTRY(missing_mmap),
        TEST_ENTRY(meminfo_too_small),
        TEST_ENTRY(unknown_tags_are_skipped),
        TEST_ENTRY(rsdp_new_preferred_in_any_order),
        TEST_ENTRY(rsdp_too_short),
        TEST_ENTRY(truncation_at_every_length),
        TEST_ENTRY(random_corruption_never_reads_out_of_bounds),
        TEST_END,
    });
}
