/* SPDX-License-Identifier: MIT */
/*
 * The cases: one request each, from a table, sent alone on a connected
 * ring. A case passes when exactly one response arrives, its id echoes
 * the request's, its operation is the request's (for an indirect request
 * the one inside it), its status is the one the table asks for (OKAY for
 * the baselines; BLKIF_RSP_ERROR, or EOPNOTSUPP where an operation may be
 * unsupported, for the bad ones), and nothing more arrives. The last case
 * breaks the ring: the back end must close this connection.
 */
#include <stdio.h>
#include <string.h>

#include "blkhostile.h"
#include "mosaic/test.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

#define PATTERN_SECTOR 8u         /* the write/read-back baseline's sector */
#define REF_NEVER      511u       /* in the one table frame, never granted */
#define REF_OUTSIDE    (1u << 30) /* past any grant table */
#define ID_BASE        0xb1c0ffee00000000ull

enum blkh_expect {
    EXPECT_OKAY,
    EXPECT_ERROR,       /* BLKIF_RSP_ERROR */
    EXPECT_UNSUPPORTED, /* BLKIF_RSP_ERROR or BLKIF_RSP_EOPNOTSUPP */
};

/* Which vbd a case runs on, and when. */
enum blkh_on {
    ON_RW,          /* the writable disk */
    ON_RO,          /* the read-only disk, when there is one */
    ON_INDIRECT,    /* the writable disk, when it offers indirect segments */
    ON_NO_INDIRECT, /* the writable disk, when it does not */
};

struct blkh_case {
    const char *name; /* TEST blk-hostile-<name> */
    enum blkh_on on;
    enum blkh_expect expect;
    const char *what;
    /* fill: the request (zeroed; the id is set after). */
    void (*fill)(struct blkif_request *q, const struct blkh_vbd *v);
    /* after: for an OKAY case, the data is right (NULL: no check). */
    bool (*after)(void);
};

static uint8_t data_page[4096] __attribute__((aligned(4096)));    /* granted writable */
static uint8_t pattern_page[4096] __attribute__((aligned(4096))); /* granted writable, holds the pattern */
static uint8_t ro_page[4096] __attribute__((aligned(4096)));      /* granted read-only */
static uint8_t ind_page[4096] __attribute__((aligned(4096)));     /* indirect segments, granted writable */
static grant_ref_t ref_data, ref_pattern, ref_ro, ref_ind;

static void seg(struct blkif_request *q, unsigned i, grant_ref_t ref, uint8_t first, uint8_t last)
{
    q->seg[i].gref = ref;
    q->seg[i].first_sect = first;
    q->seg[i].last_sect = last;
}

/* A read of one page at sector into ref (sectors first..last of the page). */
static void read_at(struct blkif_request *q, uint64_t sector, grant_ref_t ref, uint8_t first, uint8_t last)
{
    q->operation = BLKIF_OP_READ;
    q->nr_segments = 1;
    q->sector_number = sector;
    seg(q, 0, ref, first, last);
}

static void fill_read0(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    memset(data_page, 0x5a, sizeof(data_page));
    read_at(q, 0, ref_data, 0, 7);
}

static void fill_write_pattern(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    for (unsigned i = 0; i < sizeof(pattern_page); i++)
        pattern_page[i] = (uint8_t)(i * 31 + 7);
    q->operation = BLKIF_OP_WRITE;
    q->nr_segments = 1;
    q->sector_number = PATTERN_SECTOR;
    seg(q, 0, ref_pattern, 0, 7);
}

static void fill_read_back(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    memset(data_page, 0, sizeof(data_page));
    read_at(q, PATTERN_SECTOR, ref_data, 0, 7);
}

static bool data_is_pattern(void)
{
    return memcmp(data_page, pattern_page, sizeof(data_page)) == 0;
}

static void fill_nsegs0(struct blkif_request *q, const struct blkh_vbd *v)
{
    fill_read0(q, v);
    q->nr_segments = 0;
}

/* Every slot holds a valid segment: only the count is wrong. */
static void fill_nsegs(struct blkif_request *q, uint8_t n)
{
    read_at(q, 0, ref_data, 0, 0);
    for (unsigned i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        seg(q, i, ref_data, (uint8_t)(i % 8), (uint8_t)(i % 8));
    q->nr_segments = n;
}

static void fill_nsegs12(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    fill_nsegs(q, BLKIF_MAX_SEGMENTS_PER_REQUEST + 1);
}

static void fill_nsegs255(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    fill_nsegs(q, 255);
}

static void fill_first_after_last(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, 0, ref_data, 4, 3);
}

static void fill_last_sect8(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, 0, ref_data, 0, 8);
}

static void fill_sects_past_page(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, 0, ref_data, 200, 255);
}

static void fill_ref_never(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, 0, REF_NEVER, 0, 7);
}

static void fill_ref_outside(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, 0, REF_OUTSIDE, 0, 7);
}

/* A read writes into the page: a read-only grant must not take it. */
static void fill_ref_readonly(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, 0, ref_ro, 0, 7);
}

static void fill_past_end(struct blkif_request *q, const struct blkh_vbd *v)
{
    read_at(q, v->sectors, ref_data, 0, 0);
}

static void fill_straddle_end(struct blkif_request *q, const struct blkh_vbd *v)
{
    read_at(q, v->sectors - 1, ref_data, 0, 7);
}

static void fill_wrap(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    read_at(q, UINT64_MAX - 3, ref_data, 0, 7);
}

/* The last segment alone passes the end: the first ten are in range. */
static void fill_last_seg_past_end(struct blkif_request *q, const struct blkh_vbd *v)
{
    fill_nsegs(q, BLKIF_MAX_SEGMENTS_PER_REQUEST);
    for (unsigned i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        seg(q, i, ref_data, 0, 7);
    q->sector_number = v->sectors - 8 * (BLKIF_MAX_SEGMENTS_PER_REQUEST - 1);
}

static void fill_unknown_op(struct blkif_request *q, const struct blkh_vbd *v)
{
    fill_read0(q, v);
    q->operation = 42;
}

static void fill_reserved_op(struct blkif_request *q, const struct blkh_vbd *v)
{
    fill_read0(q, v);
    q->operation = BLKIF_OP_RESERVED_1;
}

static void fill_write_ro(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    q->operation = BLKIF_OP_WRITE;
    q->nr_segments = 1;
    q->sector_number = 0;
    seg(q, 0, ref_pattern, 0, 7);
}

/* An indirect request of n segments, every segment a valid one-page read
 * into the data page, in as many indirect pages (all the same page) as n
 * needs, at most BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST. */
static void indirect(struct blkif_request *q, uint8_t op, uint16_t n, grant_ref_t page_ref)
{
    struct blkif_request_indirect *ind = (struct blkif_request_indirect *)q;
    struct blkif_request_segment *s = (struct blkif_request_segment *)ind_page;
    unsigned pages = (n + BLKH_SEGS_PER_IND - 1) / BLKH_SEGS_PER_IND;

    for (unsigned i = 0; i < BLKH_SEGS_PER_IND; i++)
        s[i] = (struct blkif_request_segment){ .gref = ref_data, .first_sect = 0, .last_sect = 7 };
    ind->operation = BLKIF_OP_INDIRECT;
    ind->indirect_op = op;
    ind->nr_segments = n;
    ind->sector_number = 0;
    for (unsigned i = 0; i < BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST && i < (pages ? pages : 1); i++)
        ind->indirect_grefs[i] = page_ref;
}

static void fill_indirect_read(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    memset(data_page, 0x5a, sizeof(data_page));
    indirect(q, BLKIF_OP_READ, 1, ref_ind);
}

static void fill_indirect_bad_page(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    indirect(q, BLKIF_OP_READ, 1, REF_NEVER);
}

static void fill_indirect_too_many(struct blkif_request *q, const struct blkh_vbd *v)
{
    uint32_t n = v->max_indirect_segs + 1;

    indirect(q, BLKIF_OP_READ, (uint16_t)(n > 0xffff ? 0xffff : n), ref_ind);
}

static void fill_indirect_beyond_pages(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    indirect(q, BLKIF_OP_READ, 0xffff, ref_ind);
}

static void fill_indirect_zero(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    indirect(q, BLKIF_OP_READ, 0, ref_ind);
}

static void fill_indirect_bad_segment(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    indirect(q, BLKIF_OP_READ, 2, ref_ind);
    ((struct blkif_request_segment *)ind_page)[1].last_sect = 8;
}

static void fill_indirect_bad_op(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    indirect(q, 42, 1, ref_ind);
}

static void fill_indirect_unoffered(struct blkif_request *q, const struct blkh_vbd *v)
{
    (void)v;
    indirect(q, BLKIF_OP_READ, 1, ref_ind);
}

static const struct blkh_case cases[] = {
    { "read-baseline", ON_RW, EXPECT_OKAY, "a one-page read of sector 0", fill_read0, NULL },
    { "write-baseline", ON_RW, EXPECT_OKAY, "a one-page write of a pattern at sector 8", fill_write_pattern, NULL },
    { "read-back", ON_RW, EXPECT_OKAY, "the pattern read back from sector 8", fill_read_back, data_is_pattern },
    { "nsegs-0", ON_RW, EXPECT_ERROR, "a read of 0 segments", fill_nsegs0, NULL },
    { "nsegs-12", ON_RW, EXPECT_ERROR, "a read of 12 segments (11 at most)", fill_nsegs12, NULL },
    { "nsegs-255", ON_RW, EXPECT_ERROR, "a read of 255 segments", fill_nsegs255, NULL },
    { "first-after-last", ON_RW, EXPECT_ERROR, "a segment with first_sect 4, last_sect 3", fill_first_after_last,
      NULL },
    { "last-sect-8", ON_RW, EXPECT_ERROR, "a segment with last_sect 8 (a page has sectors 0-7)", fill_last_sect8,
      NULL },
    { "sects-past-page", ON_RW, EXPECT_ERROR, "a segment with sectors 200-255", fill_sects_past_page, NULL },
    { "gref-never-granted", ON_RW, EXPECT_ERROR, "a read into grant ref 511, never granted", fill_ref_never, NULL },
    { "gref-outside-table", ON_RW, EXPECT_ERROR, "a read into grant ref 2^30, past the table", fill_ref_outside, NULL },
    { "gref-read-only", ON_RW, EXPECT_ERROR, "a read into a page granted read-only", fill_ref_readonly, NULL },
    { "sector-at-end", ON_RW, EXPECT_ERROR, "a one-sector read at sector `sectors`", fill_past_end, NULL },
    { "sector-straddles-end", ON_RW, EXPECT_ERROR, "an 8-sector read from the last sector", fill_straddle_end, NULL },
    { "sector-wraps", ON_RW, EXPECT_ERROR, "an 8-sector read at 2^64 - 4", fill_wrap, NULL },
    { "last-segment-past-end", ON_RW, EXPECT_ERROR, "11 segments, only the last past the end", fill_last_seg_past_end,
      NULL },
    { "unknown-op", ON_RW, EXPECT_UNSUPPORTED, "operation 42", fill_unknown_op, NULL },
    { "reserved-op", ON_RW, EXPECT_UNSUPPORTED, "operation 4 (reserved)", fill_reserved_op, NULL },
    { "ro-read", ON_RO, EXPECT_OKAY, "a read of the read-only disk", fill_read0, NULL },
    { "ro-write", ON_RO, EXPECT_ERROR, "a write to the read-only disk", fill_write_ro, NULL },
    { "indirect-read", ON_INDIRECT, EXPECT_OKAY, "an indirect read of one segment", fill_indirect_read, NULL },
    { "indirect-bad-page", ON_INDIRECT, EXPECT_ERROR, "an indirect page of grant ref 511, never granted",
      fill_indirect_bad_page, NULL },
    { "indirect-too-many", ON_INDIRECT, EXPECT_ERROR, "one segment more than feature-max-indirect-segments",
      fill_indirect_too_many, NULL },
    { "indirect-65535", ON_INDIRECT, EXPECT_ERROR, "65535 segments (8 indirect pages hold 4096)",
      fill_indirect_beyond_pages, NULL },
    { "indirect-nsegs-0", ON_INDIRECT, EXPECT_ERROR, "an indirect request of 0 segments", fill_indirect_zero, NULL },
    { "indirect-bad-segment", ON_INDIRECT, EXPECT_ERROR, "an indirect page whose second segment has last_sect 8",
      fill_indirect_bad_segment, NULL },
    { "indirect-bad-op", ON_INDIRECT, EXPECT_UNSUPPORTED, "an indirect request of operation 42", fill_indirect_bad_op,
      NULL },
    { "indirect-unoffered", ON_NO_INDIRECT, EXPECT_UNSUPPORTED, "an indirect request to a back end without them",
      fill_indirect_unoffered, NULL },
    { "still-served", ON_RW, EXPECT_OKAY, "a one-page read of sector 0 after every refusal", fill_read0, NULL },
};

/* Run after the broken ring: the same domain's other connection. */
static const struct blkh_case after_close = { "ro-served-after-close",
                                              ON_RO,
                                              EXPECT_OKAY,
                                              "a read of the read-only disk after the other ring was closed",
                                              fill_read0,
                                              NULL };

static bool status_ok(enum blkh_expect e, int16_t status)
{
    switch (e) {
    case EXPECT_OKAY: return status == BLKIF_RSP_OKAY;
    case EXPECT_ERROR: return status == BLKIF_RSP_ERROR;
    case EXPECT_UNSUPPORTED: return status == BLKIF_RSP_ERROR || status == BLKIF_RSP_EOPNOTSUPP;
    }
    return false;
}

static void run_case(const struct blkh_case *c, unsigned index, struct blkh_vbd *v)
{
    char name[64];
    struct blkif_response rsp = { 0 };
    struct blkif_request *q = blkh_vbd_slot(v);
    uint64_t id = ID_BASE | index;
    uint8_t op;
    int r;

    snprintf(name, sizeof(name), "blk-hostile-%s", c->name);
    if (!q) {
        test_check(false, name, "no free slot: earlier requests were never answered");
        return;
    }
    c->fill(q, v);
    q->id = id;
    /* Xen's blkback answers an indirect request with the operation inside
     * it, and Linux's blkfront checks that (it disables a disk that
     * answers otherwise); every other request with its own. */
    if (q->operation == BLKIF_OP_INDIRECT) {
        ((struct blkif_request_indirect *)q)->handle = (uint16_t)v->devid;
        op = ((struct blkif_request_indirect *)q)->indirect_op;
    } else {
        q->handle = (uint16_t)v->devid;
        op = q->operation;
    }
    blkh_vbd_push(v);
    r = blkh_vbd_wait_response(v, &rsp, BLKH_RESPONSE_NS);
    if (r != 1) {
        test_check(false, name, "%s: %s", c->what, r == 0 ? "no response" : "the back end broke the ring");
        return;
    }
    bool quiet = blkh_vbd_quiet(v, BLKH_QUIET_NS);
    bool data = c->expect != EXPECT_OKAY || !c->after || c->after();
    test_check(rsp.id == id && rsp.operation == op && status_ok(c->expect, rsp.status) && quiet && data, name,
               "%s: status %d, operation %u%s, id %s%s%s", c->what, rsp.status, rsp.operation,
               rsp.operation == op ? "" : " (NOT the request's)", rsp.id == id ? "echoed" : "NOT echoed",
               quiet ? "" : ", and more responses came", data ? "" : ", data wrong");
}

/* Whether case c applies to the vbds at hand (and on which). */
static struct blkh_vbd *case_vbd(const struct blkh_case *c, struct blkh_vbd *rw, struct blkh_vbd *ro)
{
    switch (c->on) {
    case ON_RW: return rw;
    case ON_RO: return ro;
    case ON_INDIRECT: return rw->max_indirect_segs ? rw : NULL;
    case ON_NO_INDIRECT: return rw->max_indirect_segs ? NULL : rw;
    }
    return NULL;
}

/* Grants the data pages to the back end; REF_NEVER must be free. */
static bool grant_pages(uint16_t backend)
{
    if (gnttab_entry_flags(REF_NEVER) != 0) {
        printf("blkhostile: grant ref %u is in use\n", REF_NEVER);
        return false;
    }
    memset(ro_page, 0xee, sizeof(ro_page));
    return gnttab_grant_access(backend, data_page, false, &ref_data) == 0 &&
           gnttab_grant_access(backend, pattern_page, false, &ref_pattern) == 0 &&
           gnttab_grant_access(backend, ro_page, true, &ref_ro) == 0 &&
           gnttab_grant_access(backend, ind_page, false, &ref_ind) == 0;
}

/* A broken ring: the back end must close this connection, in its own
 * directory's state, within BLKH_CLOSE_NS. */
static void break_ring(struct blkh_vbd *v, int32_t past, const char *name, const char *what)
{
    uint64_t t0 = runtime_time_ns(), end = t0 + BLKH_CLOSE_NS;
    uint32_t s;

    blkh_vbd_break(v, past);
    while ((s = blkh_vbd_backend_state(v)) < XenbusStateClosing && runtime_time_ns() < end)
        thread_sleep_ns(10 * 1000000ull);
    test_check(s == XenbusStateClosing || s == XenbusStateClosed, name, "%s: back end state %u after %llu ms", what, s,
               (unsigned long long)((runtime_time_ns() - t0) / 1000000));
}

void blkh_cases_run(struct blkh_vbd *rw, struct blkh_vbd *ro)
{
    if (!test_check(grant_pages(rw->backend_id) && (!ro || ro->backend_id == rw->backend_id), "blk-hostile-grants",
                    "data, read-only and indirect pages granted to d%u", rw->backend_id))
        return;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct blkh_vbd *v = case_vbd(&cases[i], rw, ro);
        if (v)
            run_case(&cases[i], i, v);
        else
            printf("blkhostile: case %s not run: %s\n", cases[i].name,
                   cases[i].on == ON_RO ? "no read-only disk" : "indirect segments do not apply");
    }
    break_ring(rw, 1000 * (int32_t)BLKIF_RING_SIZE, "blk-hostile-ring-closed", "req_prod 32000 requests past rsp_prod");
    if (ro) {
        run_case(&after_close, sizeof(cases) / sizeof(cases[0]), ro);
        break_ring(ro, -1, "blk-hostile-ring-back-closed", "req_prod one behind what the back end consumed");
    }
}
