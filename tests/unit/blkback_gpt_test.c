/* SPDX-License-Identifier: MIT */
/*
 * Tests of the GPT parser (domains/blkdrv/gpt.c): a valid table, Linux's
 * numbering with empty entries, the backup header when the primary is
 * damaged, and every damage to a header field or entry that must be
 * refused: CRCs, sizes, entry counts, places, partitions outside the
 * usable range. Then random byte changes to a valid table: the parser
 * never reads outside the disk, and whatever it returns lies inside it.
 */
#include "gpt.h"

#include "blkback_fake.h"
#include "harness.h"
#include "idl/xen_errno.h"

#include <string.h>

#define SECTORS 2048u

static const struct fake_part two[] = {
    { 34, 1023, 0 },
    { 1024, 2014, 1 },
};

static int parse(struct fake_image *img, struct gpt_part *out, unsigned *n, unsigned *rejected)
{
    return gpt_parse(img->sectors, 512, fake_image_read, img, out, GPT_MAX_PARTS, n, rejected);
}

TEST(crc32_known_value)
{
    EXPECT_EQ(gpt_crc32("123456789", 9), 0xcbf43926u);
    EXPECT_EQ(gpt_crc32("", 0), 0);
}

TEST(valid_table)
{
    struct fake_image img;
    struct gpt_part p[GPT_MAX_PARTS];
    unsigned n, bad;

    fake_image_init(&img, SECTORS);
    fake_gpt_write(&img, two, 2);
    EXPECT_EQ(parse(&img, p, &n, &bad), 0);
    EXPECT_EQ(n, 2);
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(p[0].number, 1);
    EXPECT_EQ(p[0].first_sector, 34);
    EXPECT_EQ(p[0].nr_sectors, 990);
    EXPECT_EQ(p[1].number, 2);
    EXPECT_EQ(p[1].first_sector, 1024);
    EXPECT_EQ(p[1].nr_sectors, 991);
    fake_image_free(&img);
}

TEST(numbers_follow_entry_slots)
{
    static const struct fake_part gap[] = { { 100, 199, 2 }, { 200, 299, 5 } };
    struct fake_image img;
    struct gpt_part p[GPT_MAX_PARTS];
    unsigned n;

    fake_image_init(&img, SECTORS);
    fake_gpt_write(&img, gap, 2);
    EXPECT_EQ(parse(&img, p, &n, NULL), 0);
    EXPECT_EQ(n, 2);
    EXPECT_EQ(p[0].number, 3);
    EXPECT_EQ(p[1].number, 6);
    /* max bounds what is returned */
    EXPECT_EQ(gpt_parse(img.sectors, 512, fake_image_read, &img, p, 1, &n, NULL), 0);
    EXPECT_EQ(n, 1);
    fake_image_free(&img);
}

TEST(no_gpt)
{
    struct fake_image img;
    struct gpt_part p[4];
    unsigned n;

    fake_image_init(&img, SECTORS);
    EXPECT_EQ(parse(&img, p, &n, NULL), -XEN_ENOENT);
    EXPECT_EQ(n, 0);
    fake_image_free(&img);
    fake_image_init(&img, 3); /* too small for any */
    EXPECT_EQ(parse(&img, p, &n, NULL), -XEN_ENOENT);
    fake_image_free(&img);
    EXPECT_EQ(gpt_parse(SECTORS, 1024, fake_image_read, &img, p, 4, &n, NULL), -XEN_EINVAL);
}

TEST(backup_used_when_primary_damaged)
{
    struct fake_image img;
    struct gpt_part p[GPT_MAX_PARTS];
    unsigned n;

    fake_image_init(&img, SECTORS);
    fake_gpt_write(&img, two, 2);
    img.bytes[512 + 0x20] ^= 1; /* the primary's CRC no longer matches */
    EXPECT_EQ(parse(&img, p, &n, NULL), 0);
    EXPECT_EQ(n, 2);
    /* The primary's entry array damaged: the backup's array. */
    fake_gpt_write(&img, two, 2);
    img.bytes[2 * 512 + 0x20] ^= 1;
    EXPECT_EQ(parse(&img, p, &n, NULL), 0);
    EXPECT_EQ(n, 2);
    EXPECT_EQ(p[1].first_sector, 1024);
    /* Both damaged: refused. */
    img.bytes[(SECTORS - 1) * 512 + 0x20] ^= 1;
    EXPECT_EQ(parse(&img, p, &n, NULL), -XEN_EINVAL);
    EXPECT_EQ(n, 0);
    /* The primary's signature gone, the backup broken: still -EINVAL. */
    memset(img.bytes + 512, 0, 8);
    EXPECT_EQ(parse(&img, p, &n, NULL), -XEN_EINVAL);
    fake_image_free(&img);
}

/* One header field set to value (then the CRCs fixed): refused, in both
 * headers, so the parse fails. */
static int damaged(unsigned off, unsigned width, uint64_t value)
{
    struct fake_image img;
    struct gpt_part p[GPT_MAX_PARTS];
    unsigned n;
    int r;

    fake_image_init(&img, SECTORS);
    fake_gpt_write(&img, two, 2);
    for (int copy = 0; copy < 2; copy++) {
        uint64_t lba = copy ? SECTORS - 1 : 1;
        memcpy(img.bytes + lba * 512 + off, &value, width);
        fake_gpt_fix_header(&img, lba, off != 0x58);
    }
    r = parse(&img, p, &n, NULL);
    if (r != 0 && n != 0)
        r = 1; /* a failure names nothing */
    fake_image_free(&img);
    return r;
}

TEST(header_fields_checked)
{
    EXPECT_EQ(damaged(0x08, 4, 0x00020000), -XEN_EINVAL);  /* revision 2.0 */
    EXPECT_EQ(damaged(0x0c, 4, 91), -XEN_EINVAL);          /* header too small */
    EXPECT_EQ(damaged(0x0c, 4, 513), -XEN_EINVAL);         /* larger than a block */
    EXPECT_EQ(damaged(0x14, 4, 1), -XEN_EINVAL);           /* reserved */
    EXPECT_EQ(damaged(0x18, 8, 7), -XEN_EINVAL);           /* my_lba elsewhere */
    EXPECT_EQ(damaged(0x20, 8, SECTORS), -XEN_EINVAL);     /* alternate past the end */
    EXPECT_EQ(damaged(0x28, 8, 1), -XEN_EINVAL);           /* first usable over the header */
    EXPECT_EQ(damaged(0x30, 8, SECTORS - 1), -XEN_EINVAL); /* last usable over the backup */
    EXPECT_EQ(damaged(0x30, 8, 20), -XEN_EINVAL);          /* first > last */
    EXPECT_EQ(damaged(0x48, 8, 40), -XEN_EINVAL);          /* array inside the usable range */
    EXPECT_EQ(damaged(0x48, 8, ~0ull), -XEN_EINVAL);       /* array past the end */
    EXPECT_EQ(damaged(0x50, 4, 0), -XEN_EINVAL);           /* no entries */
    EXPECT_EQ(damaged(0x50, 4, 0xffffffffu), -XEN_EINVAL); /* too many */
    EXPECT_EQ(damaged(0x50, 4, GPT_MAX_ENTRIES + 1), -XEN_EINVAL);
    EXPECT_EQ(damaged(0x54, 4, 64), -XEN_EINVAL);  /* entry too small */
    EXPECT_EQ(damaged(0x54, 4, 384), -XEN_EINVAL); /* not 128 * 2^n */
    EXPECT_EQ(damaged(0x54, 4, 1u << 31), -XEN_EINVAL);
    EXPECT_EQ(damaged(0x58, 4, 0x1234), -XEN_EINVAL); /* the array's CRC */
    /* A valid change still parses: fewer entries (the CRC over fewer). */
    EXPECT_EQ(damaged(0x50, 4, 4), 0);
}

TEST(entries_outside_usable_range_rejected)
{
    static const struct fake_part parts[] = {
        { 10, 100, 0 },    /* starts before first usable (34) */
        { 2000, 2030, 1 }, /* ends after last usable (2014) */
        { 500, 400, 2 },   /* first > last */
        { 100, 200, 3 },   /* fine */
        { 0, ~0ull, 4 },   /* everything */
    };
    struct fake_image img;
    struct gpt_part p[GPT_MAX_PARTS];
    unsigned n, bad;

    fake_image_init(&img, SECTORS);
    fake_gpt_write(&img, parts, 5);
    EXPECT_EQ(parse(&img, p, &n, &bad), 0);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(bad, 4);
    EXPECT_EQ(p[0].number, 4);
    EXPECT_EQ(p[0].first_sector, 100);
    EXPECT_EQ(p[0].nr_sectors, 101);
    fake_image_free(&img);
}

TEST(random_damage_stays_inside_disk)
{
    unsigned long long steps = test_random_init(12, 3000);
    struct fake_image img;
    struct gpt_part p[GPT_MAX_PARTS];
    unsigned n;

    fake_image_init(&img, SECTORS);
    for (unsigned long long s = 0; s < steps; s++) {
        fake_gpt_write(&img, two, 2);
        unsigned changes = 1 + test_rng_below(8);
        for (unsigned i = 0; i < changes; i++) {
            uint64_t lba = test_rng_below(3) == 0 ? SECTORS - 1 : 1 + test_rng_below(3);
            img.bytes[lba * 512 + test_rng_below(512)] = (uint8_t)test_rng_next();
        }
        if (test_rng_below(2)) {
            fake_gpt_fix_header(&img, 1, true);
            fake_gpt_fix_header(&img, SECTORS - 1, true);
        }
        int r = parse(&img, p, &n, NULL);
        EXPECT_TRUE(r == 0 || r == -XEN_EINVAL || r == -XEN_ENOENT);
        for (unsigned i = 0; i < n; i++) {
            EXPECT_TRUE(p[i].first_sector >= 2 && p[i].nr_sectors >= 1);
            EXPECT_TRUE(p[i].first_sector + p[i].nr_sectors <= SECTORS - 1);
        }
    }
    fake_image_free(&img);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(crc32_known_value),
        TEST_ENTRY(valid_table),
        TEST_ENTRY(numbers_follow_entry_slots),
        TEST_ENTRY(no_gpt),
        TEST_ENTRY(backup_used_when_primary_damaged),
        TEST_ENTRY(header_fields_checked),
        TEST_ENTRY(entries_outside_usable_range_rejected),
        TEST_ENTRY(random_damage_stays_inside_disk),
        TEST_END,
    });
}
