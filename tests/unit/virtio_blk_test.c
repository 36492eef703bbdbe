/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk, the virtio-pci transport, the split virtqueue and the PCI
 * helpers against a fake device (virtio_fake.c): negotiation and its
 * failures, reads, writes and flushes with several requests in flight and
 * out of order, indirect descriptors and chains, event-index suppression
 * both ways, interrupt binding, and hostile devices (a broken used ring,
 * broken capability lists, windows outside their BARs), none of which may
 * crash the driver or leak its memory.
 */
#include "drivers/virtio_blk.h"

#include <string.h>

#include "drivers/pci.h"
#include "drivers/virtio_pci.h"
#include "drivers_env.h"
#include "harness.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"
#include "virtio_fake.h"

#define BIT64(n) (1ull << (n))
#define NREQ     8u

/* Completions as vblk_reap hands them back. */
struct reaped {
    unsigned n;
    uintptr_t cookie[256];
    int status[256];
};

static void on_done(void *cookie, int status, void *arg)
{
    struct reaped *r = arg;

    if (r->n < 256) {
        r->cookie[r->n] = (uintptr_t)cookie;
        r->status[r->n] = status;
    }
    r->n++;
}

static struct vblk *open_ok(struct fake_dev *d, unsigned qsize)
{
    struct vblk *v = NULL;

    EXPECT_EQ(vblk_open(&d->f, qsize, &v), 0);
    return v;
}

static void close_and_check(struct vblk *v, struct fake_dev *d)
{
    unsigned resets = d->resets;

    vblk_close(v);
    EXPECT_EQ(d->resets, resets + 1);
    EXPECT_EQ(d->status, 0);
    fake_destroy(d);
    EXPECT_EQ(dma_live, 0);
}

/* A one-segment request on a fresh DMA buffer of n sectors. */
static struct vblk_req req_rw(enum vblk_op op, uint64_t sector, void *buf, uint32_t bytes, uintptr_t cookie)
{
    struct vblk_req r = { .op = op, .sector = sector, .nsegs = 1, .cookie = (void *)cookie };

    r.seg[0].bus = dma_bus_addr(buf);
    r.seg[0].len = bytes;
    return r;
}

/* A device (created and set up by the test), the driver on it, a 4 KiB
 * DMA buffer and a one-sector read into it, and what was reaped. */
struct rig {
    struct fake_dev *d;
    struct vblk *v;
    uint8_t *buf;
    uint64_t bus;
    struct vblk_req q;
    struct reaped got;
};

static void rig_open(struct rig *r)
{
    r->v = open_ok(r->d, 16);
    r->buf = dma_alloc(4096, 512, &r->bus);
    r->q = req_rw(VBLK_READ, 0, r->buf, 512, 1);
}

static void rig_close(struct rig *r)
{
    dma_free(r->buf);
    close_and_check(r->v, r->d);
}

TEST(negotiation)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = open_ok(d, 32);
    uint64_t want = BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_F_ACCESS_PLATFORM) | BIT64(VIRTIO_F_INDIRECT_DESC) |
                    BIT64(VIRTIO_F_EVENT_IDX) | BIT64(VIRTIO_BLK_F_BLK_SIZE) | BIT64(VIRTIO_BLK_F_FLUSH) |
                    BIT64(VIRTIO_BLK_F_TOPOLOGY) | BIT64(VIRTIO_BLK_F_SEG_MAX);

    EXPECT_EQ(d->driver_features, want);
    EXPECT_EQ(d->status,
              VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    EXPECT_EQ(d->resets, 1);
    EXPECT_EQ(d->command & 0x0406u, 0x0406u);
    EXPECT_EQ(d->q[0].size, 32);
    EXPECT_EQ(d->q[0].enable, 1);
    EXPECT_EQ(d->q[0].msix, VIRTIO_MSI_NO_VECTOR);
    EXPECT_NE(d->q[0].desc, 0);
    EXPECT_NE(d->q[0].avail, 0);
    EXPECT_NE(d->q[0].used, 0);
    EXPECT_EQ(vblk_capacity(v), FAKE_SECTORS);
    EXPECT_EQ(vblk_logical_block_size(v), 512);
    EXPECT_EQ(vblk_physical_block_size(v), 4096);
    EXPECT_TRUE(vblk_can_flush(v));
    EXPECT_FALSE(vblk_read_only(v));
    EXPECT_EQ(vblk_queue_size(v), 32);
    close_and_check(v, d);
}

TEST(queue_size_is_a_power_of_two_within_the_device)
{
    struct fake_dev *d = fake_create();

    d->queue_max = 48;
    struct vblk *v = open_ok(d, 256);
    EXPECT_EQ(vblk_queue_size(v), 32);
    EXPECT_EQ(d->q[0].size, 32);
    close_and_check(v, d);
}

static void open_fails(struct fake_dev *d, int err, const char *log)
{
    struct vblk *v = NULL;

    EXPECT_ONE_ERROR(vblk_open(&d->f, 16, &v), err, "%s", log);
    EXPECT_TRUE(v == NULL);
    EXPECT_EQ(dma_live, 0);
}

TEST(required_features)
{
    struct fake_dev *d = fake_create();

    d->offered &= ~BIT64(VIRTIO_F_VERSION_1);
    open_fails(d, -XEN_ENODEV, "lacks required features 0x100000000");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    d->offered |= BIT64(VIRTIO_F_VERSION_1);
    d->offered &= ~BIT64(VIRTIO_F_ACCESS_PLATFORM);
    open_fails(d, -XEN_ENODEV, "lacks required features 0x200000000");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    fake_destroy(d);
}

TEST(features_ok_refused)
{
    struct fake_dev *d = fake_create();

    d->refuse_features_ok = true;
    open_fails(d, -XEN_ENODEV, "device refused features");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    EXPECT_FALSE(d->status & VIRTIO_STATUS_DRIVER_OK);
    fake_destroy(d);
}

TEST(reset_that_never_ends)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = open_ok(d, 16);

    d->stuck_reset = true;
    EXPECT_ONE_ERROR(virtio_pci_reset(&(struct virtio_pci){ .f = &d->f, .common = (void *)(d->f.bar[FAKE_BAR]) }),
                     -XEN_EIO, "did not finish its reset");
    d->stuck_reset = false;
    close_and_check(v, d);
}

/* A device that will not reset when closed keeps its rings and request
 * memory (never reused); only the private state is freed. */
TEST(close_when_reset_never_ends)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = open_ok(d, 16);
    unsigned live = dma_live;

    d->stuck_reset = true;
    log_clear();
    vblk_close(v);
    EXPECT_LOG("did not finish its reset");
    EXPECT_EQ(dma_live, live);
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    fake_destroy(d);
    dma_release_all();
}

TEST(no_queue)
{
    struct fake_dev *d = fake_create();

    d->queue_max = 0;
    open_fails(d, -XEN_ENODEV, "no queue 0");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    fake_destroy(d);
}

TEST(doorbell_outside_the_notify_window)
{
    struct fake_dev *d = fake_create();

    d->notify_off = 0x400; /* 0x400 * 4 = the window's end */
    open_fails(d, -XEN_ENODEV, "doorbell at 0x1000 outside");
    fake_destroy(d);
}

TEST(enable_refused)
{
    struct fake_dev *d = fake_create();

    d->refuse_command = true;
    open_fails(d, -XEN_EACCES, "enabling the function failed (-13)");
    EXPECT_EQ(d->status, 0);
    fake_destroy(d);
}

TEST(device_needs_reset_after_driver_ok)
{
    struct fake_dev *d = fake_create();

    d->needs_reset = true;
    open_fails(d, -XEN_EIO, "device status 0x4f after DRIVER_OK");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    fake_destroy(d);
}

/* Geometry the device gets wrong is replaced by the safe default. */
TEST(configuration_out_of_range)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = NULL;
    const uint32_t bad_block = 1000, size_max = 1024;
    const uint8_t bad_exp = 9;

    memcpy((void *)(uintptr_t)(fake_device_cfg(d) + offsetof(struct virtio_blk_config, blk_size)), &bad_block, 4);
    memcpy((void *)(uintptr_t)(fake_device_cfg(d) + offsetof(struct virtio_blk_config, physical_block_exp)), &bad_exp,
           1);
    memcpy((void *)(uintptr_t)(fake_device_cfg(d) + offsetof(struct virtio_blk_config, size_max)), &size_max, 4);
    d->offered |= BIT64(VIRTIO_BLK_F_SIZE_MAX);
    log_clear();
    EXPECT_EQ(vblk_open(&d->f, 16, &v), 0);
    EXPECT_LOG("block size 1000 ignored");
    EXPECT_LOG("physical block exponent 9 ignored");
    EXPECT_EQ(vblk_logical_block_size(v), 512);
    EXPECT_EQ(vblk_physical_block_size(v), 512);
    uint64_t bus;
    uint8_t *buf = dma_alloc(2048, 512, &bus);
    struct vblk_req q = req_rw(VBLK_READ, 0, buf, 2048, 1);
    EXPECT_EQ(vblk_submit(v, &q), -XEN_EINVAL); /* a segment above size_max */
    q.seg[0].len = 1024;
    EXPECT_EQ(vblk_submit(v, &q), 0);
    dma_free(buf);
    close_and_check(v, d);
}

TEST(out_of_memory)
{
    for (unsigned n = 0; n < 6; n++) {
        struct fake_dev *d = fake_create();
        struct vblk *v = NULL;

        dma_fail_after = n;
        int rc = vblk_open(&d->f, 16, &v);
        dma_fail_after = ~0u;
        if (rc == 0) {
            close_and_check(v, d);
            continue;
        }
        EXPECT_EQ(rc, -XEN_ENOMEM);
        EXPECT_EQ(dma_live, 0);
        fake_destroy(d);
    }
}

/* Writes patterns with NREQ requests in flight, completed newest first,
 * then reads them back the same way. */
TEST(several_in_flight_out_of_order)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = open_ok(d, 16);
    uint8_t *w[NREQ], *r[NREQ];
    struct reaped got = { 0 };

    d->hold = true;
    for (unsigned i = 0; i < NREQ; i++) {
        uint64_t bus;
        w[i] = dma_alloc(2048, 512, &bus);
        r[i] = dma_alloc(2048, 512, &bus);
        memset(w[i], (int)(0xa0 + i), 2048);
        struct vblk_req q = req_rw(VBLK_WRITE, 100 + 8 * i, w[i], 2048, i + 1);
        q.nsegs = 2; /* two segments of 1 KiB each */
        q.seg[0].len = 1024;
        q.seg[1] = (struct vblk_seg){ dma_bus_addr(w[i] + 1024), 1024 };
        EXPECT_EQ(vblk_submit(v, &q), 0);
    }
    vblk_kick(v);
    EXPECT_EQ(d->notifies, 1);
    EXPECT_EQ(d->q[0].nheld, NREQ);
    EXPECT_EQ(vblk_reap(v, on_done, &got), 0);
    fake_complete_held(d, true);
    EXPECT_EQ(vblk_reap(v, on_done, &got), NREQ);
    for (unsigned i = 0; i < NREQ; i++) {
        EXPECT_EQ(got.cookie[i], NREQ - i);
        EXPECT_EQ(got.status[i], 0);
        EXPECT_EQ(d->disk[(100 + 8 * i) * 512], 0xa0 + i);
        EXPECT_EQ(d->disk[(100 + 8 * i) * 512 + 2047], 0xa0 + i);
    }
    for (unsigned i = 0; i < NREQ; i++) {
        struct vblk_req q = req_rw(VBLK_READ, 100 + 8 * i, r[i], 2048, 100 + i);
        EXPECT_EQ(vblk_submit(v, &q), 0);
    }
    vblk_kick(v);
    fake_complete_held(d, false);
    got.n = 0;
    EXPECT_EQ(vblk_reap(v, on_done, &got), NREQ);
    for (unsigned i = 0; i < NREQ; i++) {
        EXPECT_EQ(got.cookie[i], 100 + i);
        EXPECT_EQ(got.status[i], 0);
        EXPECT_EQ(memcmp(r[i], w[i], 2048), 0);
        dma_free(w[i]);
        dma_free(r[i]);
    }
    EXPECT_EQ(d->indirect_seen, 2 * NREQ);
    close_and_check(v, d);
}

TEST(flush)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = open_ok(d, 16);
    struct vblk_req f = { .op = VBLK_FLUSH, .cookie = (void *)7 };
    struct reaped got = { 0 };

    EXPECT_EQ(vblk_submit(v, &f), 0);
    vblk_kick(v);
    EXPECT_EQ(vblk_reap(v, on_done, &got), 1);
    EXPECT_EQ(got.cookie[0], 7);
    EXPECT_EQ(got.status[0], 0);
    EXPECT_EQ(d->flushes, 1);
    EXPECT_EQ(d->max_chain, 2);
    f.nsegs = 1;
    EXPECT_EQ(vblk_submit(v, &f), -XEN_EINVAL);
    close_and_check(v, d);

    d = fake_create();
    d->offered &= ~BIT64(VIRTIO_BLK_F_FLUSH);
    v = open_ok(d, 16);
    EXPECT_FALSE(vblk_can_flush(v));
    f.nsegs = 0;
    EXPECT_EQ(vblk_submit(v, &f), -XEN_EINVAL);
    close_and_check(v, d);
}

TEST(requests_checked_before_queueing)
{
    struct rig r = { .d = fake_create() };
    struct vblk_req q;

    rig_open(&r);
    q = req_rw(VBLK_READ, FAKE_SECTORS - 8, r.buf, 4096, 1);
    EXPECT_EQ(vblk_submit(r.v, &q), 0);
    q = req_rw(VBLK_READ, FAKE_SECTORS - 7, r.buf, 4096, 1);
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q = req_rw(VBLK_READ, UINT64_MAX - 3, r.buf, 4096, 1);
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q = req_rw(VBLK_WRITE, 0, r.buf, 700, 1);
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q = req_rw(VBLK_WRITE, 0, r.buf, 0, 1);
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q.nsegs = 0;
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q.nsegs = VBLK_MAX_SEGS + 1;
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q = r.q;
    q.nsegs = 63; /* the device's seg_max is 62 */
    for (unsigned i = 0; i < q.nsegs; i++)
        q.seg[i] = (struct vblk_seg){ r.bus, 512 };
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    q.nsegs = 62;
    EXPECT_EQ(vblk_submit(r.v, &q), 0);
    q.op = (enum vblk_op)3;
    EXPECT_EQ(vblk_submit(r.v, &q), -XEN_EINVAL);
    vblk_kick(r.v);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 2);
    EXPECT_EQ(r.d->max_chain, 64);
    rig_close(&r);
}

TEST(read_only_device)
{
    struct rig r = { .d = fake_create() };

    r.d->offered |= BIT64(VIRTIO_BLK_F_RO);
    rig_open(&r);
    EXPECT_TRUE(vblk_read_only(r.v));
    r.q.op = VBLK_WRITE;
    EXPECT_EQ(vblk_submit(r.v, &r.q), -XEN_EINVAL);
    r.q.op = VBLK_READ;
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    rig_close(&r);
}

/* Submit, kick, let the device complete what it holds, reap: how many. */
static unsigned round_trip(struct rig *r)
{
    EXPECT_EQ(vblk_submit(r->v, &r->q), 0);
    vblk_kick(r->v);
    fake_complete_held(r->d, false);
    return vblk_reap(r->v, on_done, &r->got);
}

TEST(chains_without_indirect)
{
    struct rig r = { .d = fake_create() };

    r.d->offered &= ~BIT64(VIRTIO_F_INDIRECT_DESC);
    r.d->queue_max = 4;
    r.d->hold = true;
    rig_open(&r);
    r.q.nsegs = 3;
    r.q.seg[1] = r.q.seg[2] = r.q.seg[0];
    EXPECT_EQ(vblk_submit(r.v, &r.q), -XEN_EINVAL); /* 5 descriptors in a queue of 4 */
    r.q.nsegs = 2;
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    r.q.nsegs = 1;
    EXPECT_EQ(vblk_submit(r.v, &r.q), -XEN_EAGAIN);
    vblk_kick(r.v);
    fake_complete_held(r.d, false);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 1);
    EXPECT_EQ(r.d->indirect_seen, 0);
    EXPECT_EQ(r.d->max_chain, 4);
    /* The descriptors came back: one-segment requests one after another. */
    for (unsigned i = 0; i < 4; i++)
        EXPECT_EQ(round_trip(&r), 1);
    EXPECT_EQ(r.got.n, 5);
    rig_close(&r);
}

TEST(queue_full)
{
    struct rig r = { .d = fake_create() };

    r.d->queue_max = 4;
    r.d->hold = true;
    rig_open(&r);
    for (unsigned i = 0; i < 3; i++)
        EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    EXPECT_EQ(vblk_submit(r.v, &r.q), -XEN_EAGAIN);
    vblk_kick(r.v);
    fake_complete_held(r.d, false);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 4);
    EXPECT_EQ(round_trip(&r), 1);
    rig_close(&r);
}

TEST(event_index_suppresses_kicks)
{
    struct rig r = { .d = fake_create() };

    r.d->hold = true;
    rig_open(&r);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    EXPECT_EQ(r.d->notifies, 1);
    vblk_kick(r.v); /* nothing new */
    EXPECT_EQ(r.d->notifies, 1);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    EXPECT_EQ(r.d->notifies, 2);
    /* The device stops moving avail_event: it has been told and will look. */
    r.d->stale_avail_event = true;
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    EXPECT_EQ(r.d->notifies, 3);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    EXPECT_EQ(r.d->notifies, 3);
    EXPECT_EQ(r.d->q[0].nheld, 4);
    fake_process(r.d); /* the device looks on its own */
    EXPECT_EQ(r.d->q[0].nheld, 5);
    fake_complete_held(r.d, false);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 5);
    rig_close(&r);
}

TEST(event_index_suppresses_interrupts)
{
    struct rig r = { .d = fake_create() };
    uint32_t port;

    r.d->hold = true;
    rig_open(&r);
    EXPECT_EQ(vblk_irq_bind(r.v, &port), 0);
    for (unsigned i = 0; i < 4; i++)
        EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    r.d->q[0].nheld = 2;
    fake_complete_held(r.d, false); /* two at once: one interrupt */
    EXPECT_EQ(r.d->irqs, 1);
    r.d->q[0].held[0] = r.d->q[0].held[2];
    r.d->q[0].nheld = 1;
    fake_complete_held(r.d, false); /* not reaped yet: no interrupt */
    EXPECT_EQ(r.d->irqs, 1);
    EXPECT_TRUE(vblk_irq_ack(r.v)); /* completions wait */
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 3);
    EXPECT_FALSE(vblk_irq_ack(r.v));
    r.d->q[0].held[0] = r.d->q[0].held[3];
    r.d->q[0].nheld = 1;
    fake_complete_held(r.d, false);
    EXPECT_EQ(r.d->irqs, 2);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 1);
    rig_close(&r);
}

TEST(without_event_index)
{
    struct rig r = { .d = fake_create() };

    r.d->offered &= ~BIT64(VIRTIO_F_EVENT_IDX);
    rig_open(&r);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    EXPECT_EQ(r.d->notifies, 1);
    EXPECT_EQ(r.d->irqs, 1);
    r.d->no_notify = true;
    fake_process(r.d);
    EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    vblk_kick(r.v);
    EXPECT_EQ(r.d->notifies, 1);
    fake_process(r.d);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 2);
    rig_close(&r);
}

TEST(interrupt_binding)
{
    struct fake_dev *d = fake_create();
    struct vblk *v = open_ok(d, 16);
    uint32_t port = 0;

    EXPECT_EQ(vblk_irq_bind(v, &port), 0);
    EXPECT_EQ(port, 100);
    EXPECT_TRUE(d->msix_enabled);
    EXPECT_EQ(d->q[0].msix, 0);
    EXPECT_EQ(d->msix_config, VIRTIO_MSI_NO_VECTOR);
    close_and_check(v, d);

    d = fake_create();
    d->f.nr_msix = 0;
    v = open_ok(d, 16);
    EXPECT_EQ(vblk_irq_bind(v, &port), -XEN_ENODEV);
    close_and_check(v, d);

    d = fake_create();
    d->msix_vectors = 0; /* the device takes no vector: it reads back none */
    v = open_ok(d, 16);
    log_clear();
    EXPECT_EQ(vblk_irq_bind(v, &port), -XEN_ENOSPC);
    EXPECT_LOG("queue 0 refused MSI-X vector 0");
    EXPECT_LOG("no interrupt (-28); polling");
    EXPECT_EQ(d->q[0].msix, VIRTIO_MSI_NO_VECTOR);
    close_and_check(v, d);
}

TEST(device_error_status)
{
    struct rig r = { .d = fake_create() };

    r.d->fail_status = VIRTIO_BLK_S_IOERR;
    rig_open(&r);
    EXPECT_EQ(round_trip(&r), 1);
    EXPECT_EQ(r.got.status[0], -XEN_EIO);
    EXPECT_FALSE(vblk_broken(r.v));
    r.d->fail_status = VIRTIO_BLK_S_OK;
    EXPECT_EQ(round_trip(&r), 1);
    EXPECT_EQ(r.got.status[1], 0);
    rig_close(&r);
}

/* Three requests in flight; the device completes them breaking the used
 * ring as mode says: each comes back exactly once (good ones before the
 * break with 0), the rest with -EIO, then the queue refuses work. */
static void hostile(enum fake_hostile mode, unsigned good, const char *log)
{
    struct rig r = { .d = fake_create() };
    unsigned seen[4] = { 0 };

    r.d->hold = true;
    rig_open(&r);
    for (unsigned i = 0; i < 3; i++) {
        r.q.cookie = (void *)(uintptr_t)(i + 1);
        EXPECT_EQ(vblk_submit(r.v, &r.q), 0);
    }
    vblk_kick(r.v);
    r.d->hostile = mode;
    r.d->q[0].nheld = 1; /* the first request only */
    fake_complete_held(r.d, false);
    log_clear();
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 3);
    EXPECT_EQ(log_count(), 1);
    EXPECT_LOG(log);
    for (unsigned i = 0; i < r.got.n && i < 3; i++) {
        EXPECT_TRUE(r.got.cookie[i] >= 1 && r.got.cookie[i] <= 3);
        seen[r.got.cookie[i] & 3]++;
        EXPECT_EQ(r.got.status[i], i < good ? 0 : -XEN_EIO);
    }
    EXPECT_TRUE(seen[1] == 1 && seen[2] == 1 && seen[3] == 1);
    EXPECT_TRUE(vblk_broken(r.v));
    EXPECT_EQ(vblk_submit(r.v, &r.q), -XEN_EIO);
    EXPECT_EQ(vblk_reap(r.v, on_done, &r.got), 0);
    rig_close(&r);
}

TEST(hostile_used_index)
{
    hostile(FAKE_USED_IDX_JUMP, 0, "used index ahead of what is in flight");
}

TEST(hostile_id_out_of_range)
{
    hostile(FAKE_BAD_ID, 0, "id not in flight: 19, 16");
}

TEST(hostile_id_not_in_flight)
{
    hostile(FAKE_FREE_ID, 0, "id not in flight");
}

TEST(hostile_length)
{
    hostile(FAKE_BAD_LEN, 0, "length above what was offered: 268435456, 513");
}

TEST(hostile_used_twice)
{
    hostile(FAKE_TWICE, 1, "id not in flight");
}

/* ---- randomized ---- */

#define RAND_SLOTS 24u

/* One request of the randomized run and the disk range it covers. */
struct rand_req {
    bool busy;
    enum vblk_op op;
    uint64_t sector, sectors;
    uint8_t *buf;
};

static struct rand_req rand_reqs[RAND_SLOTS];
static uint8_t shadow[FAKE_SECTORS * 512];
static unsigned rand_done, rand_bad;

static bool overlaps_busy(uint64_t sector, uint64_t sectors)
{
    for (unsigned i = 0; i < RAND_SLOTS; i++) {
        const struct rand_req *q = &rand_reqs[i];
        if (q->busy && q->op != VBLK_FLUSH && sector < q->sector + q->sectors && q->sector < sector + sectors)
            return true;
    }
    return false;
}

static void rand_done_cb(void *cookie, int status, void *arg)
{
    struct rand_req *q = cookie;

    (void)arg;
    if (!q->busy || status != 0)
        rand_bad++;
    if (q->op == VBLK_READ && memcmp(q->buf, &shadow[q->sector * 512], q->sectors * 512) != 0)
        rand_bad++;
    dma_free(q->buf);
    q->buf = NULL;
    q->busy = false;
    rand_done++;
}

/* Submit a random read, write or flush on a free slot, over sectors no
 * request in flight covers; the shadow disk takes a write at once. */
static void rand_submit(struct vblk *v)
{
    unsigned k = test_rng_below(RAND_SLOTS), nsegs = 1 + test_rng_below(8);
    struct rand_req *q = &rand_reqs[k];
    struct vblk_req r = { .op = (enum vblk_op)test_rng_below(3), .nsegs = nsegs, .cookie = q };
    uint64_t bus, bytes = 0;

    if (q->busy)
        return;
    if (r.op == 2) {
        r = (struct vblk_req){ .op = VBLK_FLUSH, .cookie = q };
    } else {
        for (unsigned i = 0; i < nsegs; i++)
            bytes += (r.seg[i].len = 512 * (1 + test_rng_below(8)));
        r.sector = test_rng_below(FAKE_SECTORS - (uint32_t)(bytes / 512) + 1);
        if (overlaps_busy(r.sector, bytes / 512))
            return;
    }
    q->buf = dma_alloc(bytes ? bytes : 512, 512, &bus);
    for (unsigned i = 0, off = 0; i < r.nsegs; off += r.seg[i].len, i++)
        r.seg[i].bus = bus + off;
    for (unsigned i = 0; r.op == VBLK_WRITE && i < bytes; i++)
        q->buf[i] = (uint8_t)test_rng_next();
    *q = (struct rand_req){ true, r.op, r.sector, bytes / 512, q->buf };
    int rc = vblk_submit(v, &r);
    if (rc != 0) {
        rand_bad += rc != -XEN_EAGAIN; /* more slots than the queue has: full is fine */
        dma_free(q->buf);
        q->busy = false;
        return;
    }
    if (r.op == VBLK_WRITE)
        memcpy(&shadow[r.sector * 512], q->buf, bytes);
}

/* Random requests, kicks, device pickups and completions in any order:
 * every request completes once with status 0, every read finds what the
 * writes before it left, and the disk ends equal to the shadow. */
TEST(randomized_against_a_shadow_disk)
{
    struct fake_dev *d = fake_create();
    unsigned long long steps = test_random_init(12, 3000);
    struct reaped none = { 0 };

    d->hold = true;
    struct vblk *v = open_ok(d, 16);
    memcpy(shadow, d->disk, sizeof(shadow));
    rand_done = rand_bad = 0;
    for (unsigned long long s = 0; s < steps; s++) {
        switch (test_rng_below(5)) {
        case 0:
        case 1: rand_submit(v); break;
        case 2: vblk_kick(v); break;
        case 3: fake_process(d); break;
        default:
            if (d->q[0].nheld)
                fake_complete_one(d, test_rng_below(d->q[0].nheld));
            (void)vblk_reap(v, rand_done_cb, &none);
        }
    }
    vblk_kick(v);
    fake_process(d);
    fake_complete_held(d, false);
    (void)vblk_reap(v, rand_done_cb, &none);
    for (unsigned i = 0; i < RAND_SLOTS; i++)
        EXPECT_FALSE(rand_reqs[i].busy);
    EXPECT_EQ(rand_bad, 0);
    EXPECT_TRUE(rand_done > steps / 10);
    EXPECT_EQ(memcmp(d->disk, shadow, sizeof(shadow)), 0);
    EXPECT_FALSE(vblk_broken(v));
    close_and_check(v, d);
}

/* ---- capabilities ---- */

static void caps_fail(void (*spoil)(struct fake_dev *d), const char *log)
{
    struct fake_dev *d = fake_create();

    spoil(d);
    open_fails(d, -XEN_ENODEV, log);
    fake_destroy(d);
}

static void spoil_loop_first(struct fake_dev *d)
{
    fake_cfg_put8(d, FAKE_CAP_MSIX + 1, FAKE_CAP_MSIX);
}
static void spoil_ptr_low(struct fake_dev *d)
{
    fake_cfg_put8(d, 0x34, 0x20);
}
static void spoil_no_list(struct fake_dev *d)
{
    fake_cfg_put8(d, 0x06, 0);
}
static void spoil_common_outside(struct fake_dev *d)
{
    fake_cfg_put32(d, FAKE_CAP_COMMON + 8, FAKE_BAR_SIZE - 0x20);
}
static void spoil_common_overflow(struct fake_dev *d)
{
    fake_cfg_put32(d, FAKE_CAP_COMMON + 8, 0xfffff000u);
    fake_cfg_put32(d, FAKE_CAP_COMMON + 12, 0x2000);
}
static void spoil_common_short(struct fake_dev *d)
{
    fake_cfg_put32(d, FAKE_CAP_COMMON + 12, 0x20);
}
static void spoil_common_bar(struct fake_dev *d)
{
    fake_cfg_put8(d, FAKE_CAP_COMMON + 4, 7);
}
static void spoil_common_unmapped_bar(struct fake_dev *d)
{
    fake_cfg_put8(d, FAKE_CAP_COMMON + 4, 1);
}
static void spoil_notify_len(struct fake_dev *d)
{
    fake_cfg_put8(d, FAKE_CAP_NOTIFY + 2, 16);
}
static void spoil_device_missing(struct fake_dev *d)
{
    fake_cfg_put8(d, FAKE_CAP_ISR + 1, 0);
}
static void spoil_vendor_loop(struct fake_dev *d)
{
    fake_cfg_put8(d, FAKE_CAP_NOTIFY + 1, FAKE_CAP_COMMON);
}

TEST(capabilities_broken)
{
    caps_fail(spoil_loop_first, "no usable common configuration window");
    caps_fail(spoil_ptr_low, "no usable common configuration window");
    caps_fail(spoil_no_list, "no usable common configuration window");
    caps_fail(spoil_common_outside, "no usable common configuration window");
    caps_fail(spoil_common_overflow, "no usable common configuration window");
    caps_fail(spoil_common_short, "no usable common configuration window");
    caps_fail(spoil_common_bar, "no usable common configuration window");
    caps_fail(spoil_common_unmapped_bar, "no usable common configuration window");
    caps_fail(spoil_notify_len, "no usable notification window");
    caps_fail(spoil_device_missing, "no usable device configuration window");
    caps_fail(spoil_vendor_loop, "no usable device configuration window");
}

TEST(capabilities_first_usable_wins)
{
    struct fake_dev *d = fake_create();

    /* The ISR capability turned into a second common window: the first stays. */
    fake_cfg_put8(d, FAKE_CAP_ISR + 3, VIRTIO_PCI_CAP_COMMON_CFG);
    struct vblk *v = open_ok(d, 16);
    close_and_check(v, d);
}

/* ---- PCI helpers ---- */

TEST(pci_config_reads_bounded)
{
    struct fake_dev *d = fake_create();

    EXPECT_EQ(pci_cfg_read16(&d->f, 0), VIRTIO_PCI_VENDOR);
    EXPECT_EQ(pci_cfg_read32(&d->f, 4094), 0xffffffffu);
    EXPECT_EQ(pci_cfg_read32(&d->f, 4096), 0xffffffffu);
    EXPECT_EQ(pci_cfg_read16(&d->f, 1), 0xffff);
    EXPECT_EQ(pci_cfg_read8(&d->f, 0xffffffffu), 0xff);
    EXPECT_EQ(pci_cap_next(&d->f, PCI_CAP_ID_MSIX, 0), FAKE_CAP_MSIX);
    EXPECT_EQ(pci_cap_next(&d->f, PCI_CAP_ID_VNDR, 0), FAKE_CAP_COMMON);
    EXPECT_EQ(pci_cap_next(&d->f, PCI_CAP_ID_VNDR, FAKE_CAP_DEVICE), 0);
    EXPECT_EQ(pci_cap_next(&d->f, PCI_CAP_ID_VNDR, 0x100), 0);
    /* A list through every slot of 0x40..0xfc and back: the walk ends. */
    for (unsigned at = 0x40; at <= 0xfc; at += 4) {
        fake_cfg_put8(d, at, 0x05);
        fake_cfg_put8(d, at + 1, (uint8_t)(at == 0xfc ? 0x40 : at + 4));
    }
    EXPECT_EQ(pci_cap_next(&d->f, PCI_CAP_ID_VNDR, 0), 0);
    EXPECT_EQ(pci_msix_enable(&d->f), -XEN_ENODEV);
    fake_destroy(d);
}

TEST(pci_bar_windows_bounded)
{
    struct fake_dev *d = fake_create();
    const struct pci_func *f = &d->f;

    EXPECT_TRUE(pci_bar_window(f, FAKE_BAR, 0, FAKE_BAR_SIZE) == f->bar[FAKE_BAR]);
    EXPECT_TRUE(pci_bar_window(f, FAKE_BAR, FAKE_BAR_SIZE - 1, 1) == f->bar[FAKE_BAR] + FAKE_BAR_SIZE - 1);
    EXPECT_TRUE(pci_bar_window(f, FAKE_BAR, FAKE_BAR_SIZE, 1) == NULL);
    EXPECT_TRUE(pci_bar_window(f, FAKE_BAR, 1, FAKE_BAR_SIZE) == NULL);
    EXPECT_TRUE(pci_bar_window(f, FAKE_BAR, UINT64_MAX, 2) == NULL);
    EXPECT_TRUE(pci_bar_window(f, FAKE_BAR, 0, 0) == NULL);
    EXPECT_TRUE(pci_bar_window(f, 0, 0, 1) == NULL);
    EXPECT_TRUE(pci_bar_window(f, PCI_MAX_BARS, 0, 1) == NULL);
    fake_destroy(d);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(negotiation),
        TEST_ENTRY(queue_size_is_a_power_of_two_within_the_device),
        TEST_ENTRY(required_features),
        TEST_ENTRY(features_ok_refused),
        TEST_ENTRY(reset_that_never_ends),
        TEST_ENTRY(close_when_reset_never_ends),
        TEST_ENTRY(no_queue),
        TEST_ENTRY(doorbell_outside_the_notify_window),
        TEST_ENTRY(enable_refused),
        TEST_ENTRY(device_needs_reset_after_driver_ok),
        TEST_ENTRY(configuration_out_of_range),
        TEST_ENTRY(out_of_memory),
        TEST_ENTRY(several_in_flight_out_of_order),
        TEST_ENTRY(flush),
        TEST_ENTRY(requests_checked_before_queueing),
        TEST_ENTRY(read_only_device),
        TEST_ENTRY(chains_without_indirect),
        TEST_ENTRY(queue_full),
        TEST_ENTRY(event_index_suppresses_kicks),
        TEST_ENTRY(event_index_suppresses_interrupts),
        TEST_ENTRY(without_event_index),
        TEST_ENTRY(interrupt_binding),
        TEST_ENTRY(device_error_status),
        TEST_ENTRY(hostile_used_index),
        TEST_ENTRY(hostile_id_out_of_range),
        TEST_ENTRY(hostile_id_not_in_flight),
        TEST_ENTRY(hostile_length),
        TEST_ENTRY(hostile_used_twice),
        TEST_ENTRY(randomized_against_a_shadow_disk),
        TEST_ENTRY(capabilities_broken),
        TEST_ENTRY(capabilities_first_usable_wins),
        TEST_ENTRY(pci_config_reads_bounded),
        TEST_ENTRY(pci_bar_windows_bounded),
        TEST_END,
    });
}
