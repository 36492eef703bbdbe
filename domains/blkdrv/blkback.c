/* SPDX-License-Identifier: MIT */
/*
 * The blkif request engine (blkback.h). A request lives in the ring slot
 * it came from (slot[index % BLKIF_RING_SIZE]): the ring lets at most
 * BLKIF_RING_SIZE requests wait for their responses, so a slot is always
 * free when its request is taken, and responses leave in index order.
 *
 * Steps of each kind: a read is read, then copy to the guest; a write is
 * copy from the guest, then write; a flush is a device flush; a flush
 * with data (Linux's blkfront sends FUA and preflush writes that way when
 * the back end offers no barrier) is copy, flush, write, flush, so both
 * the writes before it and its own data are on the disk before the
 * response.
 */
#include "blkback.h"

#include <stdio.h>
#include <string.h>

#include "idl/gnttab.h"
#include "idl/xen_errno.h"

#define PAGE 4096u

static const enum blkback_io steps_read[] = { BLKBACK_IO_READ };
static const enum blkback_io steps_write[] = { BLKBACK_IO_WRITE };
static const enum blkback_io steps_flush[] = { BLKBACK_IO_FLUSH };
static const enum blkback_io steps_write_flush[] = { BLKBACK_IO_FLUSH, BLKBACK_IO_WRITE, BLKBACK_IO_FLUSH };

static const struct {
    const enum blkback_io *io;
    unsigned n;
} steps[] = {
    [BLKREQ_READ] = { steps_read, 1 },
    [BLKREQ_WRITE] = { steps_write, 1 },
    [BLKREQ_FLUSH] = { steps_flush, 1 },
    [BLKREQ_WRITE_FLUSH] = { steps_write_flush, 3 },
};

static void logf_conn(struct blkback_conn *c, const char *what)
{
    char line[160];

    snprintf(line, sizeof(line), "blkdrv: %s: %s", c->name, what);
    c->env->log(c->ctx, line);
}

void blkback_conn_init(struct blkback_conn *c, const struct blkback_env *env, void *ctx, void *disk,
                       const struct blkreq_disk *geometry, uint16_t domid, unsigned max_indirect,
                       struct blkif_sring *sring, const char *name)
{
    memset(c, 0, sizeof(*c));
    c->env = env;
    c->ctx = ctx;
    c->disk = disk;
    c->geometry = *geometry;
    c->domid = domid;
    c->max_indirect = max_indirect < BLKREQ_MAX_INDIRECT_SEGS ? max_indirect : BLKREQ_MAX_INDIRECT_SEGS;
    snprintf(c->name, sizeof(c->name), "%s", name);
    for (unsigned i = 0; i < BLKIF_RING_SIZE; i++)
        c->slot[i].conn = c;
    /* Read once: every request from here on is unanswered. */
    blkif_back_init_at(&c->ring, sring, __atomic_load_n(&sring->rsp_prod, __ATOMIC_ACQUIRE));
}

/* Queue copies of len bytes between [offset, offset + len) of gref's page
 * and local, split where local crosses one of our page boundaries. */
static unsigned add_copy(struct blkback_conn *c, unsigned n, uint32_t gref, uint16_t offset, uint8_t *local,
                         unsigned len, bool to_guest)
{
    while (len) {
        unsigned room = PAGE - (unsigned)((uintptr_t)local & (PAGE - 1));
        unsigned chunk = len < room ? len : room;
        c->copies[n++] = (struct blkback_copy){ gref, offset, (uint16_t)chunk, local, to_guest, 0 };
        offset = (uint16_t)(offset + chunk);
        local += chunk;
        len -= chunk;
    }
    return n;
}

/* Run the queued copies: true when every one succeeded. */
static bool run_copies(struct blkback_conn *c, unsigned n)
{
    bool ok = true;

    if (n == 0)
        return true;
    c->env->copy(c->ctx, c->domid, c->copies, n);
    for (unsigned i = 0; i < n; i++)
        ok &= c->copies[i].status == GNTST_okay;
    return ok;
}

/* The data between the guest's segments and the slot's buffer. */
static bool copy_data(struct blkback_slot *s, bool to_guest)
{
    struct blkback_conn *c = s->conn;
    uint8_t *local = s->buf;
    unsigned n = 0;

    for (unsigned i = 0; i < s->req.nr_segs; i++) {
        n = add_copy(c, n, s->req.seg[i].gref, s->req.seg[i].offset, local, s->req.seg[i].len, to_guest);
        local += s->req.seg[i].len;
    }
    return run_copies(c, n);
}

/* BLKIF_OP_INDIRECT: the segments from their pages, then checked. */
static int16_t fetch_indirect(struct blkback_slot *s)
{
    struct blkback_conn *c = s->conn;
    unsigned n = 0, left = s->req.nr_segs;

    for (unsigned p = 0; p < s->req.nr_indirect; p++) {
        unsigned here = left < BLKREQ_SEGS_PER_PAGE ? left : BLKREQ_SEGS_PER_PAGE;
        n = add_copy(c, n, s->req.indirect_gref[p], 0, (uint8_t *)&c->indirect[p * BLKREQ_SEGS_PER_PAGE],
                     here * (unsigned)sizeof(struct blkif_request_segment), false);
        left -= here;
    }
    if (!run_copies(c, n))
        return BLKIF_RSP_ERROR;
    return blkreq_decode_segs(c->indirect, s->req.nr_segs, &c->geometry, &s->req);
}

/* A bounce buffer of at least bytes for the slot. */
static bool slot_buffer(struct blkback_slot *s, size_t bytes)
{
    struct blkback_conn *c = s->conn;

    if (s->buf_size >= bytes)
        return true;
    if (s->buf)
        c->env->buf_free(c->ctx, s->buf);
    s->buf_size = 0;
    /* The largest a request can need, once: no regrowing later. */
    s->buf = c->env->buf_alloc(c->ctx, (size_t)BLKREQ_MAX_SEGS * PAGE);
    if (!s->buf)
        return false;
    s->buf_size = (size_t)BLKREQ_MAX_SEGS * PAGE;
    return true;
}

static void answer(struct blkback_slot *s, int16_t status)
{
    s->status = status;
    s->state = BLKBACK_SLOT_ANSWERED;
    if (status != BLKIF_RSP_OKAY)
        s->conn->errors++;
}

/* A new request, copied out of its slot: decoded, its data fetched. */
static void take(struct blkback_conn *c, const struct blkif_request *raw, uint32_t index)
{
    struct blkback_slot *s = &c->slot[index & (BLKIF_RING_SIZE - 1)];
    int16_t st = blkreq_decode(raw, &c->geometry, c->max_indirect, &s->req);

    c->requests++;
    s->step = 0;
    if (st == BLKIF_RSP_OKAY && s->req.nr_indirect)
        st = fetch_indirect(s);
    if (st == BLKIF_RSP_OKAY && s->req.nr_sectors && !slot_buffer(s, (size_t)s->req.nr_sectors * BLKIF_SECTOR_SIZE)) {
        logf_conn(c, "no memory for a request's buffer: it fails");
        st = BLKIF_RSP_ERROR;
    }
    if (st == BLKIF_RSP_OKAY && (s->req.kind == BLKREQ_WRITE || s->req.kind == BLKREQ_WRITE_FLUSH) &&
        !copy_data(s, false))
        st = BLKIF_RSP_ERROR; /* a grant it did not give us, or not for writing */
    if (st != BLKIF_RSP_OKAY)
        answer(s, st);
    else
        s->state = BLKBACK_SLOT_READY;
}

/* Steps the disk finished: the next one, or the response. */
static void advance(struct blkback_conn *c)
{
    for (uint32_t i = c->ring.rsp_prod_pvt; i != c->ring.req_cons; i++) {
        struct blkback_slot *s = &c->slot[i & (BLKIF_RING_SIZE - 1)];
        if (s->state != BLKBACK_SLOT_STEPPED)
            continue;
        if (s->io_status != 0) {
            answer(s, BLKIF_RSP_ERROR);
            continue;
        }
        if (++s->step < steps[s->req.kind].n) {
            s->state = BLKBACK_SLOT_READY;
            continue;
        }
        answer(s, s->req.kind == BLKREQ_READ && !copy_data(s, true) ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
    }
}

/* Ready steps to the disk, in ring order, until it is full. */
static void submit(struct blkback_conn *c)
{
    for (uint32_t i = c->ring.rsp_prod_pvt; i != c->ring.req_cons; i++) {
        struct blkback_slot *s = &c->slot[i & (BLKIF_RING_SIZE - 1)];
        if (s->state != BLKBACK_SLOT_READY)
            continue;
        enum blkback_io io = steps[s->req.kind].io[s->step];
        uint32_t bytes = io == BLKBACK_IO_FLUSH ? 0 : s->req.nr_sectors * BLKIF_SECTOR_SIZE;
        int r = c->env->submit(c->ctx, c->disk, io, s->req.sector, bytes ? s->buf : NULL, bytes, s);
        if (r == -XEN_EAGAIN)
            return;
        if (r != 0) {
            answer(s, BLKIF_RSP_ERROR);
            continue;
        }
        s->state = BLKBACK_SLOT_BUSY;
        c->busy++;
    }
}

/* Responses next in ring order onto the ring: true when the front end wants an event. */
static bool publish(struct blkback_conn *c)
{
    bool any = false;

    while (c->ring.rsp_prod_pvt != c->ring.req_cons) {
        struct blkback_slot *s = &c->slot[c->ring.rsp_prod_pvt & (BLKIF_RING_SIZE - 1)];
        if (s->state != BLKBACK_SLOT_ANSWERED)
            break;
        struct blkif_response *rsp = blkif_back_rsp_slot(&c->ring);
        /* The slot's request was copied out when taken; the response
         * replaces it only now, right before rsp_prod covers it. */
        rsp->id = s->req.id;
        rsp->operation = s->req.operation;
        rsp->_pad0 = 0;
        rsp->status = s->status;
        rsp->_pad1 = 0;
        s->state = BLKBACK_SLOT_FREE;
        any = true;
    }
    return any && blkif_back_push_responses(&c->ring);
}

int blkback_conn_poll(struct blkback_conn *c)
{
    struct blkif_request raw;
    int r;

    if (c->stopped)
        return 0;
    for (;;) {
        uint32_t index = c->ring.req_cons;
        r = blkif_back_get_request(&c->ring, &raw);
        if (r == 1) {
            take(c, &raw, index);
            continue;
        }
        if (r == 0 && (r = blkif_back_final_check(&c->ring)) > 0)
            continue;
        break;
    }
    if (r < 0) {
        logf_conn(c, "the front end's ring indices are impossible (past the ring): connection closed");
        return IDL_RING_BROKEN;
    }
    advance(c);
    submit(c);
    return publish(c) ? 1 : 0;
}

void blkback_complete(void *cookie, int status)
{
    struct blkback_slot *s = cookie;

    s->io_status = status;
    s->state = BLKBACK_SLOT_STEPPED;
    s->conn->busy--;
}

void blkback_conn_stop(struct blkback_conn *c)
{
    c->stopped = true;
}

bool blkback_conn_idle(const struct blkback_conn *c)
{
    return c->busy == 0;
}

void blkback_conn_release(struct blkback_conn *c)
{
    for (unsigned i = 0; i < BLKIF_RING_SIZE; i++) {
        if (c->slot[i].buf)
            c->env->buf_free(c->ctx, c->slot[i].buf);
        c->slot[i].buf = NULL;
        c->slot[i].buf_size = 0;
    }
}
