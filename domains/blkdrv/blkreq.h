/* SPDX-License-Identifier: MIT */
/*
 * Decoding one blkif request (idl/blkif.idl) against the disk it is for:
 * every field of the private copy of a ring slot is checked (operation,
 * segment count, each segment's sectors, the sector range against the
 * disk or partition, writes to a read-only disk) and turned into a
 * struct blkreq that the connection (blkback.c) performs without checking
 * again. Nothing here touches the ring, the grants or the device, so it
 * runs on the host (tests/unit/blkback_req_test.c, tests/fuzz/blkif_fuzz.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/blkif.h"

/* Segments of one indirect request at most: what we advertise as
 * feature-max-indirect-segments (Linux's blkfront asks for 32 by default;
 * each segment is up to a page of the request's bounce buffer). */
#define BLKREQ_MAX_INDIRECT_SEGS 32u
#define BLKREQ_SEGS_PER_PAGE     (4096u / (unsigned)sizeof(struct blkif_request_segment)) /* 512 */
#define BLKREQ_MAX_SEGS          BLKREQ_MAX_INDIRECT_SEGS
#define BLKREQ_SECTORS_PER_PAGE  8u
_Static_assert(BLKREQ_MAX_SEGS >= BLKIF_MAX_SEGMENTS_PER_REQUEST, "a direct request fits");
_Static_assert((BLKREQ_MAX_INDIRECT_SEGS + BLKREQ_SEGS_PER_PAGE - 1) / BLKREQ_SEGS_PER_PAGE <=
                   BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST,
               "the indirect pages fit the request");

/* The disk (or partition) a connection serves, as the decoder sees it. */
struct blkreq_disk {
    uint64_t first_sector; /* where it starts on the device (a partition's offset) */
    uint64_t nr_sectors;   /* its size in 512-byte sectors */
    bool read_only;        /* writes (and flushes) are refused */
    bool can_flush;        /* the device has a cache to flush (feature-flush-cache) */
};

/* What a request does, in the order its steps run. */
enum blkreq_kind {
    BLKREQ_READ,
    BLKREQ_WRITE,
    BLKREQ_FLUSH,       /* FLUSH_DISKCACHE without data: one device flush */
    BLKREQ_WRITE_FLUSH, /* FLUSH_DISKCACHE with data: flush, write, flush (so preflush and FUA both hold) */
};

/* One segment, checked: bytes [offset, offset + len) of the granted page. */
struct blkreq_seg {
    uint32_t gref;
    uint16_t offset; /* first_sect * 512 */
    uint16_t len;    /* (last_sect - first_sect + 1) * 512 */
};

struct blkreq {
    uint64_t id;       /* echoed */
    uint8_t operation; /* echoed: the request's operation (an indirect one's indirect_op) */
    enum blkreq_kind kind;
    uint64_t sector;     /* on the device: the disk's first_sector added */
    uint32_t nr_sectors; /* of data; 0 for BLKREQ_FLUSH */
    unsigned nr_segs;
    struct blkreq_seg seg[BLKREQ_MAX_SEGS];
    /* BLKIF_OP_INDIRECT: the pages holding the segments, still to fetch. */
    unsigned nr_indirect;
    uint32_t indirect_gref[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    uint64_t guest_sector; /* sector_number as the front end gave it */
};

/*
 * blkreq_decode: the first step, from the slot's copy. Fills out and
 * returns BLKIF_RSP_OKAY; for an indirect request, out->nr_indirect pages
 * of segments must then be fetched and given to blkreq_decode_segs. A bad
 * request returns BLKIF_RSP_ERROR (malformed, out of range, a write to a
 * read-only disk) or BLKIF_RSP_EOPNOTSUPP (an operation not offered:
 * barrier, discard, a flush where the disk has no cache, unknown ones, as
 * Xen's blkback answers); out->id and out->operation are set either way.
 * max_indirect is the segment limit advertised (at most BLKREQ_MAX_INDIRECT_SEGS).
 */
int16_t blkreq_decode(const struct blkif_request *raw, const struct blkreq_disk *disk, unsigned max_indirect,
                      struct blkreq *out);

/*
 * blkreq_decode_segs: the segments of a request (the slot's own, or the
 * fetched indirect ones: the caller's private copy, n of them, n equal to
 * the count blkreq_decode accepted), checked and the sector range with
 * them: BLKIF_RSP_OKAY or BLKIF_RSP_ERROR.
 */
int16_t blkreq_decode_segs(const struct blkif_request_segment *segs, unsigned n, const struct blkreq_disk *disk,
                           struct blkreq *out);
