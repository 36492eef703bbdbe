/* SPDX-License-Identifier: MIT */
/*
 * blkif request decoding (blkreq.h). The input is a private copy, so
 * each field is read once; every limit is checked before the field sizes
 * or indexes anything. The answers follow Xen's blkback: malformed or
 * out-of-range requests get BLKIF_RSP_ERROR, operations not offered get
 * BLKIF_RSP_EOPNOTSUPP.
 */
#include "blkreq.h"

#include <string.h>

static void echo(const struct blkif_request *raw, struct blkreq *out)
{
    memset(out, 0, sizeof(*out));
    out->id = raw->id;
    out->operation = raw->operation;
    out->guest_sector = raw->sector_number;
}

/* A write (or flush) to a read-only disk, a flush the disk cannot do. */
static int16_t check_access(const struct blkreq_disk *disk, enum blkreq_kind kind)
{
    if ((kind == BLKREQ_FLUSH || kind == BLKREQ_WRITE_FLUSH) && !disk->can_flush)
        return BLKIF_RSP_EOPNOTSUPP;
    if (kind != BLKREQ_READ && disk->read_only)
        return BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

static int16_t decode_indirect(const struct blkif_request *raw, const struct blkreq_disk *disk, unsigned max_indirect,
                               struct blkreq *out)
{
    struct blkif_request_indirect ind;
    int16_t st;

    memcpy(&ind, raw, sizeof(ind));
    /* The response carries the operation inside (Xen's blkback does, and
     * Linux's blkfront disables a disk whose indirect response says 6). */
    out->operation = ind.indirect_op;
    if (ind.indirect_op == BLKIF_OP_READ)
        out->kind = BLKREQ_READ;
    else if (ind.indirect_op == BLKIF_OP_WRITE)
        out->kind = BLKREQ_WRITE;
    else
        return BLKIF_RSP_ERROR;
    if (max_indirect > BLKREQ_MAX_INDIRECT_SEGS)
        max_indirect = BLKREQ_MAX_INDIRECT_SEGS;
    if (ind.nr_segments == 0 || ind.nr_segments > max_indirect)
        return BLKIF_RSP_ERROR;
    if ((st = check_access(disk, out->kind)) != BLKIF_RSP_OKAY)
        return st;
    out->nr_segs = ind.nr_segments;
    out->nr_indirect = (ind.nr_segments + BLKREQ_SEGS_PER_PAGE - 1) / BLKREQ_SEGS_PER_PAGE;
    for (unsigned i = 0; i < out->nr_indirect; i++)
        out->indirect_gref[i] = ind.indirect_grefs[i];
    out->guest_sector = ind.sector_number;
    return BLKIF_RSP_OKAY;
}

int16_t blkreq_decode(const struct blkif_request *raw, const struct blkreq_disk *disk, unsigned max_indirect,
                      struct blkreq *out)
{
    unsigned nseg = raw->nr_segments;
    int16_t st;

    echo(raw, out);
    switch (raw->operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
        out->kind = raw->operation == BLKIF_OP_READ ? BLKREQ_READ : BLKREQ_WRITE;
        if (nseg == 0)
            return BLKIF_RSP_ERROR;
        break;
    case BLKIF_OP_FLUSH_DISKCACHE: out->kind = nseg ? BLKREQ_WRITE_FLUSH : BLKREQ_FLUSH; break;
    case BLKIF_OP_INDIRECT: return decode_indirect(raw, disk, max_indirect, out);
    default: /* barrier (not offered), discard (not offered), reserved, unknown */ return BLKIF_RSP_EOPNOTSUPP;
    }
    if (nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return BLKIF_RSP_ERROR;
    if ((st = check_access(disk, out->kind)) != BLKIF_RSP_OKAY)
        return st;
    if (out->kind == BLKREQ_FLUSH)
        return BLKIF_RSP_OKAY; /* no data: sector_number means nothing */
    out->nr_segs = nseg;
    return blkreq_decode_segs(raw->seg, nseg, disk, out);
}

int16_t blkreq_decode_segs(const struct blkif_request_segment *segs, unsigned n, const struct blkreq_disk *disk,
                           struct blkreq *out)
{
    uint32_t sectors = 0;

    if (n == 0 || n != out->nr_segs || n > BLKREQ_MAX_SEGS)
        return BLKIF_RSP_ERROR;
    for (unsigned i = 0; i < n; i++) {
        struct blkif_request_segment s = segs[i]; /* once */
        if (s.first_sect > s.last_sect || s.last_sect >= BLKREQ_SECTORS_PER_PAGE)
            return BLKIF_RSP_ERROR;
        out->seg[i].gref = s.gref;
        out->seg[i].offset = (uint16_t)(s.first_sect * BLKIF_SECTOR_SIZE);
        out->seg[i].len = (uint16_t)((s.last_sect - s.first_sect + 1u) * BLKIF_SECTOR_SIZE);
        sectors += s.last_sect - s.first_sect + 1u; /* at most 8 * BLKREQ_MAX_SEGS */
    }
    /* Inside the disk: sector_number + sectors <= nr_sectors, without overflow. */
    if (out->guest_sector > disk->nr_sectors || sectors > disk->nr_sectors - out->guest_sector)
        return BLKIF_RSP_ERROR;
    out->nr_sectors = sectors;
    out->sector = disk->first_sector + out->guest_sector;
    return BLKIF_RSP_OKAY;
}
