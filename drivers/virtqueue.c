/* SPDX-License-Identifier: MIT */
/*
 * The split virtqueue (virtio 1.x, 2.6): descriptor bookkeeping in
 * private memory, publication with release ordering, a used-ring
 * consumer that checks every entry before believing it, and event-index
 * suppression. Knows nothing of PCI or of the device type.
 */
#include "drivers/virtqueue.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/pci.h"
#include "idl/xen_errno.h"

/* Private state of one descriptor. `next` links the free list and, while
 * a direct chain is in flight, the chain itself (it is never re-read from
 * the shared table). The other fields are meaningful on a head only. */
struct virtq_slot {
    void *cookie;
    uint32_t writable; /* bytes the chain lets the device write */
    uint16_t next;
    uint16_t ndesc; /* descriptors the chain holds (1 if indirect) */
    bool head_in_flight;
};

/* Offsets in the avail ring (u16 units) and the used ring (bytes). */
#define AVAIL_FLAGS 0u
#define AVAIL_IDX   1u
#define AVAIL_RING  2u
#define USED_FLAGS  0u
#define USED_IDX    2u
#define USED_RING   4u

static volatile uint16_t *used16(const struct virtq *q, size_t byte_off)
{
    return (volatile uint16_t *)(volatile void *)(q->used + byte_off);
}

static volatile uint16_t *used_event(const struct virtq *q)
{
    return &q->avail[AVAIL_RING + q->size];
}

static volatile uint16_t *avail_event(const struct virtq *q)
{
    return used16(q, USED_RING + 8u * q->size);
}

static volatile struct virtq_used_elem *used_elem(const struct virtq *q, uint16_t i)
{
    return (volatile struct virtq_used_elem *)(volatile void *)(q->used + USED_RING + 8u * (i & (q->size - 1u)));
}

int virtq_init(struct virtq *q, unsigned size, unsigned max_indirect, bool event_idx)
{
    memset(q, 0, sizeof(*q));
    if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)) != 0 || max_indirect > 0xffffu)
        return -XEN_EINVAL;
    q->size = (uint16_t)size;
    q->max_indirect = (uint16_t)max_indirect;
    q->event_idx = event_idx;
    q->cb_enabled = true;
    q->num_free = (uint16_t)size;
    q->desc = dma_alloc(VIRTQ_DESC_BYTES(size), 4096, &q->desc_bus);
    q->avail = dma_alloc(VIRTQ_AVAIL_BYTES(size), 4096, &q->avail_bus);
    q->used = dma_alloc(VIRTQ_USED_BYTES(size), 4096, &q->used_bus);
    q->slot = calloc(size, sizeof(*q->slot));
    if (max_indirect)
        q->indirect = dma_alloc((size_t)size * max_indirect * sizeof(struct virtq_desc), 16, &q->indirect_bus);
    if (!q->desc || !q->avail || !q->used || !q->slot || (max_indirect && !q->indirect)) {
        virtq_destroy(q);
        return -XEN_ENOMEM;
    }
    for (unsigned i = 0; i < size; i++)
        q->slot[i].next = (uint16_t)((i + 1) & (size - 1));
    return 0;
}

void virtq_destroy(struct virtq *q)
{
    dma_free((void *)(uintptr_t)q->desc);
    dma_free((void *)(uintptr_t)q->avail);
    dma_free((void *)(uintptr_t)q->used);
    dma_free((void *)(uintptr_t)q->indirect);
    free(q->slot);
    memset(q, 0, sizeof(*q));
}

static void desc_write(volatile struct virtq_desc *d, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    d->addr = addr;
    d->len = len;
    d->flags = flags;
    d->next = next;
}

/* Buffer i's flags in a request of n buffers, the first n_out readable. */
static uint16_t buf_flags(unsigned i, unsigned n_out, unsigned n)
{
    return (uint16_t)((i >= n_out ? VIRTQ_DESC_F_WRITE : 0u) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0u));
}

/* Fill the chain's descriptors; returns the head, takes them off the free list. */
static uint16_t chain_fill(struct virtq *q, const struct virtq_buf *bufs, unsigned n_out, unsigned n, bool indirect)
{
    uint16_t head = q->free_head, idx = head;

    if (indirect) {
        size_t first = (size_t)head * q->max_indirect;
        volatile struct virtq_desc *table = q->indirect + first;

        for (unsigned i = 0; i < n; i++)
            desc_write(&table[i], bufs[i].bus, bufs[i].len, buf_flags(i, n_out, n), (uint16_t)(i + 1));
        desc_write(&q->desc[head], q->indirect_bus + first * sizeof(struct virtq_desc),
                   (uint32_t)(n * sizeof(struct virtq_desc)), VIRTQ_DESC_F_INDIRECT, 0);
        q->free_head = q->slot[head].next;
        return head;
    }
    for (unsigned i = 0; i < n; i++) {
        uint16_t next = q->slot[idx].next;

        desc_write(&q->desc[idx], bufs[i].bus, bufs[i].len, buf_flags(i, n_out, n), next);
        idx = next;
    }
    q->free_head = idx;
    return head;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n_out, unsigned n_in, void *cookie)
{
    unsigned n = n_out + n_in;
    uint64_t writable = 0;

    if (q->broken)
        return -XEN_EIO;
    bool indirect = q->max_indirect && n > 1 && n <= q->max_indirect;
    unsigned need = indirect ? 1 : n;
    if (n == 0 || need > q->size)
        return -XEN_EINVAL;
    for (unsigned i = n_out; i < n; i++)
        writable += bufs[i].len;
    if (writable > UINT32_MAX)
        return -XEN_EINVAL;
    if (need > q->num_free)
        return -XEN_EAGAIN;

    uint16_t head = chain_fill(q, bufs, n_out, n, indirect);
    struct virtq_slot *s = &q->slot[head];
    s->cookie = cookie;
    s->writable = (uint32_t)writable;
    s->ndesc = (uint16_t)need;
    s->head_in_flight = true;
    q->num_free = (uint16_t)(q->num_free - need);
    q->in_flight++;

    q->avail[AVAIL_RING + (q->avail_idx & (q->size - 1u))] = head;
    q->avail_idx++;
    /* The descriptors and the ring entry before the index (2.7.13). */
    __atomic_store_n(&q->avail[AVAIL_IDX], q->avail_idx, __ATOMIC_RELEASE);
    return 0;
}

bool virtq_kick_needed(struct virtq *q)
{
    uint16_t old = q->kicked_idx, now = q->avail_idx;

    /* The published index before the device's event field is read: a
     * device reading our index first and then arming its event must not
     * be missed (2.7.10). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    q->kicked_idx = now;
    if (old == now || q->broken)
        return false;
    if (q->event_idx) {
        uint16_t event = __atomic_load_n(avail_event(q), __ATOMIC_RELAXED);
        /* vring_need_event: event lies in (old, now]. */
        return (uint16_t)(now - event - 1u) < (uint16_t)(now - old);
    }
    return !(__atomic_load_n(used16(q, USED_FLAGS), __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY);
}

static int broken(struct virtq *q, const char *what, unsigned a, unsigned b)
{
    drivers_log("virtq: device broke the used ring (%s: %u, %u); queue stopped", what, a, b);
    q->broken = true;
    return -XEN_EIO;
}

static void chain_free(struct virtq *q, uint16_t head)
{
    struct virtq_slot *s = &q->slot[head];
    uint16_t tail = head;

    for (unsigned i = 1; i < s->ndesc; i++)
        tail = q->slot[tail].next;
    q->slot[tail].next = q->free_head;
    q->free_head = head;
    q->num_free = (uint16_t)(q->num_free + s->ndesc);
    s->head_in_flight = false;
    q->in_flight--;
}

int virtq_get(struct virtq *q, void **cookie, uint32_t *len)
{
    if (q->broken)
        return -XEN_EIO;
    /* Read once; the entries it covers only after it (acquire). */
    uint16_t idx = __atomic_load_n(used16(q, USED_IDX), __ATOMIC_ACQUIRE);
    uint16_t ready = (uint16_t)(idx - q->last_used);
    if (ready == 0)
        return 0;
    if (ready > q->in_flight)
        return broken(q, "used index ahead of what is in flight", ready, q->in_flight);

    volatile struct virtq_used_elem *e = used_elem(q, q->last_used);
    uint32_t id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
    uint32_t used_len = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
    if (id >= q->size || !q->slot[id & (q->size - 1u)].head_in_flight)
        return broken(q, "id not in flight", id, q->size);
    id &= q->size - 1u; /* no speculation past the check */
    if (used_len > q->slot[id].writable)
        return broken(q, "length above what was offered", used_len, q->slot[id].writable);

    *cookie = q->slot[id].cookie;
    *len = used_len;
    chain_free(q, (uint16_t)id);
    q->last_used++;
    /* Interrupt at the next entry after this one (2.7.10). */
    if (q->event_idx && q->cb_enabled)
        __atomic_store_n(used_event(q), q->last_used, __ATOMIC_RELAXED);
    return 1;
}

int virtq_drain(struct virtq *q, void **cookie)
{
    for (unsigned i = 0; i < q->size; i++) {
        if (q->slot[i].head_in_flight) {
            *cookie = q->slot[i].cookie;
            chain_free(q, (uint16_t)i);
            return 1;
        }
    }
    return 0;
}

bool virtq_enable_cb(struct virtq *q)
{
    q->cb_enabled = true;
    if (q->event_idx)
        __atomic_store_n(used_event(q), q->last_used, __ATOMIC_RELAXED);
    else
        q->avail[AVAIL_FLAGS] = (uint16_t)(q->avail[AVAIL_FLAGS] & ~VIRTQ_AVAIL_F_NO_INTERRUPT);
    /* The armed event before the used index is read again: an entry the
     * device added just before it saw the event is found here. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !q->broken && __atomic_load_n(used16(q, USED_IDX), __ATOMIC_RELAXED) != q->last_used;
}

void virtq_disable_cb(struct virtq *q)
{
    q->cb_enabled = false;
    if (!q->event_idx)
        q->avail[AVAIL_FLAGS] = (uint16_t)(q->avail[AVAIL_FLAGS] | VIRTQ_AVAIL_F_NO_INTERRUPT);
}
