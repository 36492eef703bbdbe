/* SPDX-License-Identifier: MIT */
/*
 * A test driver domain for drivers/ on a real device: the builder gives it
 * a virtio-blk function (tests/boot/vblktest.scn: QEMU's virtio-blk-pci,
 * modern, behind the IOMMU). It opens the device with the drivers'
 * virtio-blk, binds its interrupt to an event channel, writes a pattern
 * over the whole disk with many requests of many segments in flight,
 * flushes, reads everything back and compares, and checks that requests
 * the device cannot take are refused. Each check is one `TEST PASS <name>`
 * / `TEST FAIL <name>: <why>` line; then `vblktest: N checks, M failed`,
 * exit status 0 (1 if a check failed).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "idl/xen_errno.h"
#include "mosaic/evtchn.h"
#include "mosaic/time.h"

#define REQ_SEGS    16u   /* segments per request */
#define SEG_BYTES   4096u /* one page each */
#define REQ_SECTORS (REQ_SEGS * SEG_BYTES / VBLK_SECTOR_SIZE)
#define MAX_FLIGHT  32u                 /* requests in flight at most */
#define WAIT_NS     (2 * TIME_NS_PER_S) /* no completion for this long: a failure */

static int checks, failures;
static char why_buf[160];

static void check(const char *name, const char *why)
{
    checks++;
    if (why)
        failures++;
    if (why)
        printf("TEST FAIL %s: %s\n", name, why);
    else
        printf("TEST PASS %s\n", name);
}

static const char *why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *why(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

/* One request slot: its data pages and what it covers. */
struct slot {
    uint8_t *data; /* REQ_SEGS * SEG_BYTES of DMA memory */
    uint64_t sector;
    bool busy, done;
    int status;
};

struct run {
    struct vblk *v;
    uint32_t port; /* 0: polling */
    struct slot slot[MAX_FLIGHT];
    unsigned busy, irqs, errors, max_flight;
};

/* The word at byte off of sector s: unique per disk word and per pass. */
static uint32_t pattern(uint64_t sector, unsigned off, uint32_t pass)
{
    return (uint32_t)(sector * 0x9e3779b1u) ^ (off * 0x85ebca6bu) ^ pass;
}

static void fill(struct slot *s, uint32_t pass)
{
    for (unsigned i = 0; i < REQ_SEGS * SEG_BYTES; i += 4) {
        uint32_t w = pattern(s->sector + i / VBLK_SECTOR_SIZE, i % VBLK_SECTOR_SIZE, pass);
        memcpy(s->data + i, &w, 4);
    }
}

/* The first byte offset that differs from the pattern, or -1. */
static long compare(const struct slot *s, uint32_t pass)
{
    for (unsigned i = 0; i < REQ_SEGS * SEG_BYTES; i += 4) {
        uint32_t w = pattern(s->sector + i / VBLK_SECTOR_SIZE, i % VBLK_SECTOR_SIZE, pass), got;
        memcpy(&got, s->data + i, 4);
        if (got != w)
            return (long)i;
    }
    return -1;
}

static void on_done(void *cookie, int status, void *arg)
{
    struct run *r = arg;
    struct slot *s = cookie;

    s->done = true;
    s->status = status;
    if (status)
        r->errors++;
}

/* Wait for completions (the interrupt, or polling) and reap them; false
 * when nothing came for WAIT_NS. */
static bool wait_some(struct run *r)
{
    uint64_t end = runtime_time_ns() + WAIT_NS;

    for (;;) {
        if (vblk_reap(r->v, on_done, r) > 0)
            return true;
        if (r->port && !vblk_irq_ack(r->v)) {
            evtchn_wait(end);
            evtchn_dispatch();
            if (evtchn_test_and_clear(r->port))
                r->irqs++;
        }
        if (runtime_time_ns() >= end)
            return vblk_reap(r->v, on_done, r) > 0;
    }
}

static int submit(struct run *r, struct slot *s, enum vblk_op op)
{
    struct vblk_req q = { .op = op, .sector = s->sector, .nsegs = REQ_SEGS, .cookie = s };

    for (unsigned i = 0; i < REQ_SEGS; i++)
        q.seg[i] = (struct vblk_seg){ dma_bus_addr(s->data + i * SEG_BYTES), SEG_BYTES };
    if (op == VBLK_READ)
        memset(s->data, 0, REQ_SEGS * SEG_BYTES); /* no pass by a stale buffer */
    s->busy = true;
    s->done = false;
    r->busy++;
    if (r->busy > r->max_flight)
        r->max_flight = r->busy;
    return vblk_submit(r->v, &q);
}

/* One pass over the whole disk: op on every REQ_SECTORS-sector block,
 * up to `flight` requests at once; reads are compared. NULL, or the
 * first failure. */
static const char *pass_over(struct run *r, enum vblk_op op, unsigned flight, uint32_t pass)
{
    uint64_t blocks = vblk_capacity(r->v) / REQ_SECTORS, next = 0, finished = 0;

    while (finished < blocks) {
        bool added = false;
        for (unsigned i = 0; i < flight && next < blocks; i++) {
            struct slot *s = &r->slot[i];
            if (s->busy)
                continue;
            s->sector = next * REQ_SECTORS;
            if (op == VBLK_WRITE)
                fill(s, pass);
            int rc = submit(r, s, op);
            if (rc)
                return why("submit of sector %llu: %d", (unsigned long long)s->sector, rc);
            next++;
            added = true;
        }
        if (added)
            vblk_kick(r->v);
        if (!wait_some(r))
            return why("no completion for 2 s with %u in flight", r->busy);
        for (unsigned i = 0; i < flight; i++) {
            struct slot *s = &r->slot[i];
            if (!s->busy || !s->done)
                continue;
            s->busy = false;
            r->busy--;
            finished++;
            if (s->status)
                return why("sector %llu: status %d", (unsigned long long)s->sector, s->status);
            long off = op == VBLK_READ ? compare(s, pass) : -1;
            if (off >= 0)
                return why("sector %llu byte %ld differs", (unsigned long long)s->sector, off);
        }
    }
    return NULL;
}

static const char *flush(struct run *r)
{
    struct slot *s = &r->slot[0];
    struct vblk_req q = { .op = VBLK_FLUSH, .cookie = s };

    if (!vblk_can_flush(r->v))
        return "the device offers no flush";
    s->done = false;
    int rc = vblk_submit(r->v, &q);
    if (rc)
        return why("submit: %d", rc);
    vblk_kick(r->v);
    if (!wait_some(r) || !s->done)
        return "no completion";
    return s->status ? why("status %d", s->status) : NULL;
}

static const char *refusals(struct run *r)
{
    struct slot *s = &r->slot[0];
    struct vblk_req q = { .op = VBLK_READ, .sector = vblk_capacity(r->v), .nsegs = 1, .cookie = s };
    int rc;

    q.seg[0] = (struct vblk_seg){ dma_bus_addr(s->data), VBLK_SECTOR_SIZE };
    if ((rc = vblk_submit(r->v, &q)) != -XEN_EINVAL)
        return why("a read past the end: %d", rc);
    q.sector = 0;
    q.seg[0].len = 100;
    if ((rc = vblk_submit(r->v, &q)) != -XEN_EINVAL)
        return why("a segment of 100 bytes: %d", rc);
    q.nsegs = VBLK_MAX_SEGS + 1;
    if ((rc = vblk_submit(r->v, &q)) != -XEN_EINVAL)
        return why("%u segments: %d", q.nsegs, rc);
    return NULL;
}

int main(void)
{
    static struct run r;
    struct pci_func f;
    uint64_t bus;
    int rc;

    rc = pci_func_open(0, &f);
    check("vblk_pci_func_open", rc ? why("pci_func_open: %d", rc) : NULL);
    if (rc)
        return 1;
    rc = vblk_open(&f, 128, &r.v);
    check("vblk_open", rc ? why("vblk_open: %d", rc) : NULL);
    if (rc)
        return 1;
    printf("vblktest: %04x: %llu sectors, blocks %u/%u, queue %u, %s, %s\n", f.sbdf,
           (unsigned long long)vblk_capacity(r.v), vblk_logical_block_size(r.v), vblk_physical_block_size(r.v),
           vblk_queue_size(r.v), vblk_read_only(r.v) ? "read-only" : "writable",
           vblk_can_flush(r.v) ? "flush" : "no flush");
    check("vblk_capacity", vblk_capacity(r.v) >= REQ_SECTORS ? NULL : "the disk is smaller than one request");
    rc = vblk_irq_bind(r.v, &r.port);
    check("vblk_irq_bind", rc ? why("vblk_irq_bind: %d", rc) : NULL);
    if (rc)
        r.port = 0;
    else
        evtchn_unmask(r.port);
    for (unsigned i = 0; i < MAX_FLIGHT; i++) {
        r.slot[i].data = dma_alloc(REQ_SEGS * SEG_BYTES, 4096, &bus);
        if (!r.slot[i].data) {
            check("vblk_memory", "dma_alloc failed");
            return 1;
        }
    }

    uint64_t t0 = runtime_time_ns();
    check("vblk_write_pattern", pass_over(&r, VBLK_WRITE, MAX_FLIGHT, 0x5a5a0001u));
    uint64_t t1 = runtime_time_ns();
    check("vblk_flush", flush(&r));
    check("vblk_read_verify", pass_over(&r, VBLK_READ, MAX_FLIGHT, 0x5a5a0001u));
    uint64_t t2 = runtime_time_ns();
    check("vblk_several_in_flight", r.max_flight > 1 ? NULL : why("at most %u in flight", r.max_flight));
    check("vblk_requests_refused", refusals(&r));
    /* A second pattern one request at a time: nothing of the first left. */
    check("vblk_rewrite_one_at_a_time", pass_over(&r, VBLK_WRITE, 1, 0xa5a50002u));
    check("vblk_reread_one_at_a_time", pass_over(&r, VBLK_READ, 1, 0xa5a50002u));
    if (r.port)
        check("vblk_interrupts", r.irqs > 0 ? NULL : "no interrupt came");
    check("vblk_no_errors", r.errors || vblk_broken(r.v) ? why("%u errors", r.errors) : NULL);
    printf("vblktest: wrote %llu KiB in %llu ms, read in %llu ms, %u interrupts\n",
           (unsigned long long)(vblk_capacity(r.v) / 2), (unsigned long long)((t1 - t0) / TIME_NS_PER_MS),
           (unsigned long long)((t2 - t1) / TIME_NS_PER_MS), r.irqs);
    vblk_close(r.v);
    for (unsigned i = 0; i < MAX_FLIGHT; i++)
        dma_free(r.slot[i].data);
    printf("vblktest: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
