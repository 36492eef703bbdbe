/* SPDX-License-Identifier: MIT */
/*
 * The split virtqueue (virtio 1.x, section 2.6) from the driver's side:
 * descriptor chains or indirect tables for each request, publication on
 * the avail ring, consumption of the used ring, and event-index
 * suppression in both directions. Transport-free: virtio_pci.c tells the
 * device where the three areas are and rings its doorbell.
 *
 * The device is not trusted. Everything the driver needs to free a chain
 * is kept in private memory (the descriptor table is only ever written);
 * each used entry is read once and checked (the used index may advance by
 * at most the number in flight, an id must be the head of a chain in
 * flight, a length at most what the chain offered the device to write).
 * The first violation marks the queue broken: from then on nothing more
 * is read from the device, adds fail with -XEN_EIO, and virtq_drain hands
 * back every request still in flight so the caller fails it.
 *
 * Not thread-safe: one caller at a time (the driver's own lock or thread).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/virtio.h"

/* The layout of the areas (2.6): avail is flags, idx, ring[size],
 * used_event; used is flags, idx, ring[size] of virtq_used_elem,
 * avail_event. */
#define VIRTQ_AVAIL_BYTES(size) (4u + 2u * (size) + 2u)
#define VIRTQ_USED_BYTES(size)  (4u + 8u * (size) + 2u)
#define VIRTQ_DESC_BYTES(size)  (16u * (size))

/* One buffer of a request: device-readable ones first, then writable. */
struct virtq_buf {
    uint64_t bus;
    uint32_t len;
};

struct virtq_slot; /* private bookkeeping of one descriptor */

struct virtq {
    uint16_t size;         /* entries, a power of two */
    uint16_t max_indirect; /* entries of an indirect table; 0: none used */
    bool event_idx;        /* VIRTIO_F_EVENT_IDX negotiated */
    bool broken;           /* the device broke the protocol */
    uint16_t num_free;     /* free descriptors */
    uint16_t free_head;    /* first free descriptor (private list) */
    uint16_t avail_idx;    /* our next avail index (published at once) */
    uint16_t kicked_idx;   /* avail index at the last notification */
    uint16_t last_used;    /* next used entry to consume */
    uint16_t in_flight;    /* chains the device holds */
    bool cb_enabled;       /* we want interrupts */
    volatile struct virtq_desc *desc;
    volatile uint16_t *avail;               /* flags, idx, ring[size], used_event */
    volatile uint8_t *used;                 /* flags, idx, ring[size], avail_event */
    uint64_t desc_bus, avail_bus, used_bus; /* for the transport */
    struct virtq_slot *slot;                /* [size], private */
    volatile struct virtq_desc *indirect;   /* [size][max_indirect], DMA */
    uint64_t indirect_bus;
};

/* virtq_init: allocate and zero the rings for size entries (a power of
 * two, at most VIRTQ_MAX_SIZE); with max_indirect > 0, also a table of
 * that many entries per chain, used for requests of more than one
 * buffer. event_idx: the feature was negotiated. 0, -XEN_EINVAL or
 * -XEN_ENOMEM (nothing left allocated). */
int virtq_init(struct virtq *q, unsigned size, unsigned max_indirect, bool event_idx)
    __attribute__((warn_unused_result));
void virtq_destroy(struct virtq *q);

/* virtq_add: put one request of n_out readable then n_in writable
 * buffers on the avail ring and publish it (the device may see it at
 * once; it is told by virtq_kick_needed's caller). cookie comes back from
 * virtq_get. 0; -XEN_EAGAIN: not enough free descriptors; -XEN_EINVAL: no
 * buffers, or more than the queue could ever hold; -XEN_EIO: broken. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n_out, unsigned n_in, void *cookie)
    __attribute__((warn_unused_result));

/* virtq_kick_needed: whether the device wants a notification for what
 * was added since the last call (its avail_event, or its NO_NOTIFY flag
 * without event index). */
bool virtq_kick_needed(struct virtq *q);

/* virtq_get: the next used entry: 1 with *cookie and *len (bytes the
 * device says it wrote), 0 if none, -XEN_EIO once the queue is broken
 * (the entry that broke it is logged). */
int virtq_get(struct virtq *q, void **cookie, uint32_t *len) __attribute__((warn_unused_result));

/* virtq_drain: for a broken queue, hand back one request still in flight
 * (1 and *cookie; it is then forgotten) or 0 when none is left. */
int virtq_drain(struct virtq *q, void **cookie);

/* virtq_enable_cb / virtq_disable_cb: ask for (or stop asking for)
 * interrupts on used entries: with event index through used_event, else
 * the avail ring's NO_INTERRUPT flag. virtq_enable_cb returns true when
 * used entries are already waiting (consume them: no interrupt may come
 * for those). */
bool virtq_enable_cb(struct virtq *q);
void virtq_disable_cb(struct virtq *q);
