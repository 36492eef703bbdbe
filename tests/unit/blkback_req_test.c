/* SPDX-License-Identifier: MIT */
/*
 * Tests of blkif request decoding (domains/blkdrv/blkreq.c): each
 * operation's answer as Xen's blkback gives it, every limit at and past
 * its edge (segment counts, sectors in a page, the disk's or partition's
 * end, sector numbers near 2^64), read-only disks, and the partition
 * offset added to what the device sees. Then random requests: whatever
 * is accepted lies inside the disk, and its segments inside their pages.
 */
#include "blkreq.h"

#include "harness.h"

#include <string.h>

static const struct blkreq_disk rw_disk = { .first_sector = 1000, .nr_sectors = 800, .can_flush = true };
static const struct blkreq_disk ro_disk = { .first_sector = 0, .nr_sectors = 800, .read_only = true };

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned nseg)
{
    struct blkif_request r;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.nr_segments = (uint8_t)nseg;
    r.id = 0x1122334455667788ull;
    r.sector_number = sector;
    for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        r.seg[i] = (struct blkif_request_segment){ .gref = 8 + i, .first_sect = 0, .last_sect = 7 };
    return r;
}

static struct blkif_request indirect(uint8_t op, uint64_t sector, unsigned nseg)
{
    struct blkif_request r;
    struct blkif_request_indirect ind;

    memset(&ind, 0, sizeof(ind));
    ind.operation = BLKIF_OP_INDIRECT;
    ind.indirect_op = op;
    ind.nr_segments = (uint16_t)nseg;
    ind.id = 77;
    ind.sector_number = sector;
    for (unsigned i = 0; i < BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST; i++)
        ind.indirect_grefs[i] = 100 + i;
    memset(&r, 0, sizeof(r));
    memcpy(&r, &ind, sizeof(ind));
    return r;
}

TEST(read_write_decoded)
{
    struct blkif_request r = rw(BLKIF_OP_READ, 16, 3);
    struct blkreq q;

    r.seg[1].first_sect = 2;
    r.seg[1].last_sect = 5;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.id, 0x1122334455667788ull);
    EXPECT_EQ(q.operation, BLKIF_OP_READ);
    EXPECT_EQ(q.kind, BLKREQ_READ);
    EXPECT_EQ(q.sector, 1016); /* the partition's offset added */
    EXPECT_EQ(q.nr_sectors, 8 + 4 + 8);
    EXPECT_EQ(q.nr_segs, 3);
    EXPECT_EQ(q.seg[1].gref, 9);
    EXPECT_EQ(q.seg[1].offset, 1024);
    EXPECT_EQ(q.seg[1].len, 2048);
    EXPECT_EQ(q.nr_indirect, 0);
    r.operation = BLKIF_OP_WRITE;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.kind, BLKREQ_WRITE);
}

TEST(segment_counts)
{
    struct blkif_request r;
    struct blkreq q;

    r = rw(BLKIF_OP_READ, 0, 0);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, 0, 11);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    r.nr_segments = 12;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r.nr_segments = 255;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
}

TEST(segment_sectors)
{
    struct blkif_request r = rw(BLKIF_OP_READ, 0, 1);
    struct blkreq q;

    r.seg[0].first_sect = 7;
    r.seg[0].last_sect = 7;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.seg[0].offset, 3584);
    EXPECT_EQ(q.seg[0].len, 512);
    r.seg[0].last_sect = 8;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r.seg[0].first_sect = 5;
    r.seg[0].last_sect = 4;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r.seg[0].first_sect = 255;
    r.seg[0].last_sect = 255;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
}

TEST(sector_range)
{
    struct blkif_request r;
    struct blkreq q;

    r = rw(BLKIF_OP_READ, 792, 1); /* the last 8 sectors */
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.sector, 1792);
    r = rw(BLKIF_OP_READ, 793, 1);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, 800, 1);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, ~0ull - 3, 1); /* would wrap */
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, ~0ull, 1);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
}

TEST(operations_not_offered)
{
    struct blkif_request r = rw(BLKIF_OP_WRITE_BARRIER, 0, 1);
    struct blkreq q;

    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_EOPNOTSUPP);
    EXPECT_EQ(q.operation, BLKIF_OP_WRITE_BARRIER);
    EXPECT_EQ(q.id, r.id);
    r.operation = BLKIF_OP_DISCARD;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_EOPNOTSUPP);
    r.operation = BLKIF_OP_RESERVED_1;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_EOPNOTSUPP);
    for (unsigned op = 7; op < 256; op++) {
        r.operation = (uint8_t)op;
        EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_EOPNOTSUPP);
    }
}

TEST(flushes)
{
    struct blkif_request r = rw(BLKIF_OP_FLUSH_DISKCACHE, ~0ull, 0);
    struct blkreq q;
    struct blkreq_disk no_cache = rw_disk;

    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY); /* no data: the sector is not looked at */
    EXPECT_EQ(q.kind, BLKREQ_FLUSH);
    EXPECT_EQ(q.nr_sectors, 0);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 8, 2);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.kind, BLKREQ_WRITE_FLUSH);
    EXPECT_EQ(q.nr_sectors, 16);
    EXPECT_EQ(q.sector, 1008);
    r.sector_number = 799;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r.nr_segments = 12;
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    no_cache.can_flush = false;
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
    EXPECT_EQ(blkreq_decode(&r, &no_cache, 32, &q), BLKIF_RSP_EOPNOTSUPP);
}

TEST(read_only_disk)
{
    struct blkif_request r = rw(BLKIF_OP_READ, 0, 2);
    struct blkreq q;

    EXPECT_EQ(blkreq_decode(&r, &ro_disk, 32, &q), BLKIF_RSP_OKAY);
    r.operation = BLKIF_OP_WRITE;
    EXPECT_EQ(blkreq_decode(&r, &ro_disk, 32, &q), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_WRITE, 0, 4);
    EXPECT_EQ(blkreq_decode(&r, &ro_disk, 32, &q), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 0, 4);
    EXPECT_EQ(blkreq_decode(&r, &ro_disk, 32, &q), BLKIF_RSP_OKAY);
}

TEST(indirect_header)
{
    struct blkif_request r = indirect(BLKIF_OP_WRITE, 24, 32);
    struct blkreq q;
    struct blkif_request_segment segs[32];

    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.id, 77);
    EXPECT_EQ(q.operation, BLKIF_OP_WRITE); /* what Xen answers, and Linux checks */
    EXPECT_EQ(q.kind, BLKREQ_WRITE);
    EXPECT_EQ(q.nr_segs, 32);
    EXPECT_EQ(q.nr_indirect, 1);
    EXPECT_EQ(q.indirect_gref[0], 100);
    for (unsigned i = 0; i < 32; i++)
        segs[i] = (struct blkif_request_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
    EXPECT_EQ(blkreq_decode_segs(segs, 32, &rw_disk, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(q.nr_sectors, 256);
    EXPECT_EQ(q.sector, 1024);
    /* The count must be what the header said. */
    EXPECT_EQ(blkreq_decode_segs(segs, 31, &rw_disk, &q), BLKIF_RSP_ERROR);
    /* Past the end with the fetched segments. */
    r = indirect(BLKIF_OP_READ, 600, 32);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_OKAY);
    EXPECT_EQ(blkreq_decode_segs(segs, 32, &rw_disk, &q), BLKIF_RSP_ERROR);
    /* Counts: 0, past the advertised limit, past our own. */
    r = indirect(BLKIF_OP_READ, 0, 0);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 0, 17);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 16, &q), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 0, 33);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 4096, &q), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 0, 0xffff);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    /* Only reads and writes go indirect. */
    r = indirect(BLKIF_OP_FLUSH_DISKCACHE, 0, 4);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_INDIRECT, 0, 4);
    EXPECT_EQ(blkreq_decode(&r, &rw_disk, 32, &q), BLKIF_RSP_ERROR);
    EXPECT_EQ(q.operation, BLKIF_OP_INDIRECT);
    EXPECT_EQ(q.id, 77);
}

TEST(random_requests_inside_disk)
{
    unsigned long long steps = test_random_init(21, 200000);
    struct blkreq q;

    for (unsigned long long s = 0; s < steps; s++) {
        struct blkif_request r;
        uint8_t *b = (uint8_t *)&r;
        for (size_t i = 0; i < sizeof(r); i++)
            b[i] = (uint8_t)test_rng_next();
        r.operation = (uint8_t)test_rng_below(8);
        if (test_rng_below(2))
            r.nr_segments = (uint8_t)test_rng_below(13);
        if (test_rng_below(2))
            r.sector_number = test_rng_below(1000);
        for (unsigned i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST && test_rng_below(2); i++)
            r.seg[i].last_sect = (uint8_t)test_rng_below(9), r.seg[i].first_sect = (uint8_t)test_rng_below(9);
        const struct blkreq_disk *d = test_rng_below(4) ? &rw_disk : &ro_disk;
        int16_t st = blkreq_decode(&r, d, 32, &q);
        EXPECT_EQ(q.id, r.id);
        if (st != BLKIF_RSP_OKAY || q.nr_indirect)
            continue;
        EXPECT_TRUE(!d->read_only || q.kind == BLKREQ_READ);
        if (q.kind == BLKREQ_FLUSH)
            continue;
        EXPECT_TRUE(q.sector >= d->first_sector && q.sector + q.nr_sectors <= d->first_sector + d->nr_sectors);
        uint32_t total = 0;
        for (unsigned i = 0; i < q.nr_segs; i++) {
            EXPECT_TRUE(q.seg[i].len > 0 && q.seg[i].offset + q.seg[i].len <= 4096);
            total += q.seg[i].len;
        }
        EXPECT_EQ(total, q.nr_sectors * 512u);
    }
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(read_write_decoded),
        TEST_ENTRY(segment_counts),
        TEST_ENTRY(segment_sectors),
        TEST_ENTRY(sector_range),
        TEST_ENTRY(operations_not_offered),
        TEST_ENTRY(flushes),
        TEST_ENTRY(read_only_disk),
        TEST_ENTRY(indirect_header),
        TEST_ENTRY(random_requests_inside_disk),
        TEST_END,
    });
}
