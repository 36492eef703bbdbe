/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk over the virtio-pci modern transport (virtio 1.x, sections
 * 4.1 and 5.2): one request queue, several requests in flight, completion
 * by polling or by the queue's MSI-X interrupt (an event-channel port).
 * Errors are negative Xen errnos (idl/xen_errno.idl): -EIO below means
 * -XEN_EIO. Not thread-safe: one caller (thread) per device.
 * VIRTIO_F_ACCESS_PLATFORM is required and accepted: the device's DMA goes
 * through the IOMMU.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci.h"

#define VBLK_SECTOR_SIZE 512u
#define VBLK_MAX_SEGS    64u /* data segments of one request */

enum vblk_op {
    VBLK_READ = 0,  /* VIRTIO_BLK_T_IN */
    VBLK_WRITE = 1, /* VIRTIO_BLK_T_OUT */
    VBLK_FLUSH = 4, /* VIRTIO_BLK_T_FLUSH */
};

struct vblk_seg {
    uint64_t bus; /* bus address of the data (dma_alloc memory) */
    uint32_t len; /* bytes, a multiple of 512 */
};

struct vblk_req {
    enum vblk_op op;
    uint64_t sector; /* 512-byte sectors */
    unsigned nsegs;  /* 0 for a flush; 1..VBLK_MAX_SEGS otherwise */
    struct vblk_seg seg[VBLK_MAX_SEGS];
    void *cookie; /* the caller's, handed back at completion */
};

struct vblk;

/* vblk_open: reset, negotiate and start the device; queue_size entries
 * at most (the device's own maximum if smaller). 0 and *out, or a
 * negative errno with one line logged naming what was wrong. */
int vblk_open(struct pci_func *f, unsigned queue_size, struct vblk **out);
void vblk_close(struct vblk *v); /* device reset, memory freed */

uint64_t vblk_capacity(const struct vblk *v); /* 512-byte sectors */
bool vblk_read_only(const struct vblk *v);    /* VIRTIO_BLK_F_RO */
bool vblk_can_flush(const struct vblk *v);    /* VIRTIO_BLK_F_FLUSH */
unsigned vblk_logical_block_size(const struct vblk *v);
unsigned vblk_physical_block_size(const struct vblk *v);
/* vblk_queue_size: the queue's entries, so at most this many requests in
 * flight (fewer when the device takes no indirect descriptors). */
unsigned vblk_queue_size(const struct vblk *v);
/* vblk_broken: the device broke the queue's protocol; every request
 * then fails with -EIO and the device must be closed (reset). */
bool vblk_broken(const struct vblk *v);

/* vblk_submit: queue one request (it is copied; the data stays the
 * caller's until completion). 0, -EAGAIN when the queue is full, -EINVAL
 * for a request the device cannot take (out of range, a segment not a
 * multiple of 512 or above the device's size_max, too many segments for
 * VBLK_MAX_SEGS, the device's seg_max or its queue, a write to a
 * read-only device, a flush with segments or to a device without FLUSH),
 * -EIO once the device broke the queue (vblk_broken). */
int vblk_submit(struct vblk *v, const struct vblk_req *r);
/* vblk_kick: tell the device about submitted requests (once per batch;
 * skipped when the device's event index says it needs no notification). */
void vblk_kick(struct vblk *v);
/* vblk_reap: call done(cookie, status) for each completed request (status
 * 0, or -EIO), in completion order; returns how many. */
unsigned vblk_reap(struct vblk *v, void (*done)(void *cookie, int status, void *arg), void *arg);

/* vblk_irq_bind: route the queue's interrupt to a new event-channel port
 * (MSI-X entry 0 through the core's msix_bind, MSI-X enabled, the queue's
 * queue_msix_vector 0, the configuration-change vector none); 0 and
 * *port, or a negative errno (-ENODEV: no MSI-X): the caller then polls. */
int vblk_irq_bind(struct vblk *v, uint32_t *port);
/* vblk_irq_ack: after a notification (and a vblk_reap), re-arm the
 * queue's interrupt (the event index); true when completions arrived
 * meanwhile, for which no interrupt may come: reap again. */
bool vblk_irq_ack(struct vblk *v);
