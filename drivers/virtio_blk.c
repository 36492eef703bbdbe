/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk (virtio 1.x, 5.2) on the modern PCI transport: one request
 * queue; each request is a header, its data segments and a status byte,
 * as one indirect descriptor when the device takes them, else as a chain.
 * Requests are checked against the device (range, segments, read-only,
 * flush) before they are queued; completions come back in the device's
 * order with the status the device wrote, and a device that breaks the
 * ring fails every request in flight with -XEN_EIO.
 */
#include "drivers/virtio_blk.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/virtio_pci.h"
#include "drivers/virtqueue.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"

#define BIT64(n)          (1ull << (n))
#define VBLK_QUEUE        0u
#define VBLK_STATUS_UNSET 0xffu /* what the status byte holds until the device writes it */
#define VBLK_MAX_BLOCK    65536u

/* The DMA part of one request: its header and status byte. */
struct vblk_dma {
    struct virtio_blk_outhdr hdr; /* device-readable */
    uint8_t status;               /* device-writable */
    uint8_t _pad[15];
};
_Static_assert(sizeof(struct vblk_dma) == 32, "vblk_dma");

/* A request's private tag: the caller's cookie; the free list. */
struct vblk_tag {
    void *cookie;
    uint16_t next_free;
};

struct vblk {
    struct virtio_pci vp; /* vp.f: the function */
    struct virtq q;
    volatile uint16_t *doorbell;
    uint64_t capacity; /* 512-byte sectors */
    unsigned blk_size, phys_size;
    uint32_t seg_max, size_max; /* 0: no limit given */
    struct vblk_dma *dma;       /* [q.size] */
    struct vblk_tag *tag;       /* [q.size] */
    uint16_t free_tag, nr_free;
};

#define CFG_OFF(f) ((unsigned)offsetof(struct virtio_blk_config, f))

/* Read the geometry the negotiated features promise; values out of
 * range are logged and replaced by the safe default. */
static void config_read(struct vblk *v)
{
    struct virtio_pci *vp = &v->vp;

    v->capacity = virtio_pci_cfg64(vp, CFG_OFF(capacity));
    v->blk_size = VBLK_SECTOR_SIZE;
    if (virtio_pci_has(vp, VIRTIO_BLK_F_BLK_SIZE)) {
        uint32_t b = virtio_pci_cfg32(vp, CFG_OFF(blk_size));
        if (b >= VBLK_SECTOR_SIZE && b <= VBLK_MAX_BLOCK && (b & (b - 1)) == 0)
            v->blk_size = b;
        else
            drivers_log("virtio-blk %04x: block size %u ignored", v->vp.f->sbdf, b);
    }
    v->phys_size = v->blk_size;
    if (virtio_pci_has(vp, VIRTIO_BLK_F_TOPOLOGY)) {
        unsigned exp = virtio_pci_cfg8(vp, CFG_OFF(physical_block_exp));
        if (exp < 8 && (v->blk_size << exp) <= VBLK_MAX_BLOCK)
            v->phys_size = v->blk_size << exp;
        else
            drivers_log("virtio-blk %04x: physical block exponent %u ignored", v->vp.f->sbdf, exp);
    }
    if (virtio_pci_has(vp, VIRTIO_BLK_F_SEG_MAX))
        v->seg_max = virtio_pci_cfg32(vp, CFG_OFF(seg_max));
    if (virtio_pci_has(vp, VIRTIO_BLK_F_SIZE_MAX))
        v->size_max = virtio_pci_cfg32(vp, CFG_OFF(size_max));
}

/* The driver's memory; with device_memory, also what the device was
 * given (the ring and the request memory). */
static void vblk_free(void *dev, bool device_memory)
{
    struct vblk *v = dev;

    if (device_memory) {
        if (v->q.size)
            virtq_destroy(&v->q);
        dma_free(v->dma);
    } else {
        free(v->q.slot); /* private; the ring stays the device's */
    }
    free(v->tag);
    free(v);
}

/* Everything after FEATURES_OK: configuration, the queue, the request
 * memory, DRIVER_OK. */
static int vblk_start(void *dev, unsigned queue_size)
{
    struct vblk *v = dev;
    uint64_t bus;
    int rc;

    config_read(v);
    rc = virtio_pci_queue_setup(&v->vp, VBLK_QUEUE, queue_size, VBLK_MAX_SEGS + 2, &v->q, &v->doorbell);
    if (rc)
        return rc;
    v->dma = dma_alloc(v->q.size * sizeof(*v->dma), 64, &bus);
    v->tag = calloc(v->q.size, sizeof(*v->tag));
    if (!v->dma || !v->tag)
        return -XEN_ENOMEM;
    for (unsigned i = 0; i < v->q.size; i++)
        v->tag[i].next_free = (uint16_t)(i + 1);
    v->nr_free = v->q.size;
    return virtio_pci_driver_ok(&v->vp);
}

static const struct virtio_pci_driver vblk_driver = {
    .size = sizeof(struct vblk),
    .vp_offset = offsetof(struct vblk, vp),
    .wanted = BIT64(VIRTIO_BLK_F_SIZE_MAX) | BIT64(VIRTIO_BLK_F_SEG_MAX) | BIT64(VIRTIO_BLK_F_RO) |
              BIT64(VIRTIO_BLK_F_BLK_SIZE) | BIT64(VIRTIO_BLK_F_FLUSH) | BIT64(VIRTIO_BLK_F_TOPOLOGY) |
              BIT64(VIRTIO_F_INDIRECT_DESC) | BIT64(VIRTIO_F_EVENT_IDX),
    .start = vblk_start,
    .free = vblk_free,
};

int vblk_open(struct pci_func *f, unsigned queue_size, struct vblk **out)
{
    void *v;
    int rc = virtio_pci_open(f, &vblk_driver, queue_size, &v);

    if (rc == 0)
        *out = v;
    return rc;
}

void vblk_close(struct vblk *v)
{
    virtio_pci_close(&vblk_driver, v);
}

uint64_t vblk_capacity(const struct vblk *v)
{
    return v->capacity;
}

bool vblk_read_only(const struct vblk *v)
{
    return virtio_pci_has(&v->vp, VIRTIO_BLK_F_RO);
}

bool vblk_can_flush(const struct vblk *v)
{
    return virtio_pci_has(&v->vp, VIRTIO_BLK_F_FLUSH);
}

unsigned vblk_logical_block_size(const struct vblk *v)
{
    return v->blk_size;
}

unsigned vblk_physical_block_size(const struct vblk *v)
{
    return v->phys_size;
}

unsigned vblk_queue_size(const struct vblk *v)
{
    return v->q.size;
}

/* The request is one the device can take (decode: changes nothing). */
static int req_check(const struct vblk *v, const struct vblk_req *r)
{
    uint64_t bytes = 0;

    if (r->op == VBLK_FLUSH)
        return r->nsegs == 0 && vblk_can_flush(v) ? 0 : -XEN_EINVAL;
    if (r->op != VBLK_READ && r->op != VBLK_WRITE)
        return -XEN_EINVAL;
    if (r->op == VBLK_WRITE && vblk_read_only(v))
        return -XEN_EINVAL;
    if (r->nsegs == 0 || r->nsegs > VBLK_MAX_SEGS || (v->seg_max && r->nsegs > v->seg_max))
        return -XEN_EINVAL;
    for (unsigned i = 0; i < r->nsegs; i++) {
        uint32_t len = r->seg[i].len;
        if (len == 0 || len % VBLK_SECTOR_SIZE != 0 || (v->size_max && len > v->size_max))
            return -XEN_EINVAL;
        bytes += len;
    }
    uint64_t sectors = bytes / VBLK_SECTOR_SIZE;
    if (bytes > UINT32_MAX || r->sector > v->capacity || sectors > v->capacity - r->sector)
        return -XEN_EINVAL;
    return 0;
}

int vblk_submit(struct vblk *v, const struct vblk_req *r)
{
    struct virtq_buf bufs[VBLK_MAX_SEGS + 2];
    int rc = req_check(v, r);

    if (rc)
        return rc;
    if (v->nr_free == 0)
        return -XEN_EAGAIN;
    uint16_t t = v->free_tag;
    struct vblk_dma *d = &v->dma[t];
    uint64_t bus = dma_bus_addr(d);
    d->hdr.type = r->op == VBLK_READ ? VIRTIO_BLK_T_IN : r->op == VBLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
    d->hdr.reserved = 0;
    d->hdr.sector = r->op == VBLK_FLUSH ? 0 : r->sector;
    d->status = VBLK_STATUS_UNSET;

    bufs[0] = (struct virtq_buf){ bus + offsetof(struct vblk_dma, hdr), sizeof(d->hdr) };
    for (unsigned i = 0; i < r->nsegs; i++)
        bufs[1 + i] = (struct virtq_buf){ r->seg[i].bus, r->seg[i].len };
    bufs[1 + r->nsegs] = (struct virtq_buf){ bus + offsetof(struct vblk_dma, status), 1 };
    unsigned n_out = r->op == VBLK_WRITE ? 1 + r->nsegs : 1;
    rc = virtq_add(&v->q, bufs, n_out, r->nsegs + 2 - n_out, &v->tag[t]);
    if (rc)
        return rc;
    v->tag[t].cookie = r->cookie;
    v->free_tag = v->tag[t].next_free;
    v->nr_free--;
    return 0;
}

void vblk_kick(struct vblk *v)
{
    if (virtq_kick_needed(&v->q))
        virtio_pci_notify(v->doorbell, VBLK_QUEUE);
}

/* Give tag back; its request's cookie. */
static void *tag_put(struct vblk *v, struct vblk_tag *tag)
{
    uint16_t t = (uint16_t)(tag - v->tag);

    tag->next_free = v->free_tag;
    v->free_tag = t;
    v->nr_free++;
    return tag->cookie;
}

unsigned vblk_reap(struct vblk *v, void (*done)(void *cookie, int status, void *arg), void *arg)
{
    unsigned n = 0;
    void *c;
    uint32_t len;
    int rc;

    while ((rc = virtq_get(&v->q, &c, &len)) == 1) {
        struct vblk_tag *tag = c;
        uint8_t status = __atomic_load_n(&v->dma[tag - v->tag].status, __ATOMIC_RELAXED);
        /* The used length counts the status byte: 0 means it was not written. */
        int st = len >= 1 && status == VIRTIO_BLK_S_OK ? 0 : -XEN_EIO;
        done(tag_put(v, tag), st, arg);
        n++;
    }
    if (rc < 0) {
        while (virtq_drain(&v->q, &c) == 1) {
            done(tag_put(v, c), -XEN_EIO, arg);
            n++;
        }
    }
    return n;
}

bool vblk_broken(const struct vblk *v)
{
    return v->q.broken;
}

int vblk_irq_bind(struct vblk *v, uint32_t *port)
{
    static const uint16_t queues[] = { VBLK_QUEUE };
    int rc = virtio_pci_irq_bind(&v->vp, queues, 1, port);

    if (!rc)
        (void)virtq_enable_cb(&v->q);
    return rc;
}

bool vblk_irq_ack(struct vblk *v)
{
    return virtq_enable_cb(&v->q);
}
