/* SPDX-License-Identifier: MIT */
/*
 * virtio-net (virtio 1.x, 5.1) on the modern PCI transport: receiveq1 and
 * transmitq1, each frame a chain of the driver's header slot and the
 * caller's buffer. Transmit metadata is checked against what was
 * negotiated before anything is queued; receive metadata is read once
 * from the header slot and checked before the caller sees it, and a
 * frame the device described badly is handed back as dropped. Does not
 * do: the control queue, mergeable receive buffers, more queue pairs,
 * the configuration-change interrupt (vnet_link_up reads the status).
 */
#include "drivers/virtio_net.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/virtio_pci.h"
#include "drivers/virtqueue.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"

#define BIT64(n)  (1ull << (n))
#define HDR_BYTES ((uint32_t)sizeof(struct virtio_net_hdr))

/* One queue: the virtqueue, its doorbell, a header slot and a tag per
 * chain, and a stack of the free slots. */
struct vnet_tag {
    void *cookie;
};

struct vnet_queue {
    uint16_t index; /* VIRTIO_NET_*_QUEUE */
    struct virtq q;
    volatile uint16_t *doorbell;
    struct virtio_net_hdr *hdr; /* [q.size], DMA */
    struct vnet_tag *tag;       /* [q.size] */
    uint16_t *free;             /* [q.size]: free slot numbers, nfree of them */
    uint16_t nfree;
};

struct vnet {
    struct virtio_pci vp; /* vp.f: the function */
    struct vnet_queue rx, tx;
    struct vnet_offloads off;
    uint8_t mac[6];
    bool has_mac;
};

#define CFG_OFF(f) ((unsigned)offsetof(struct virtio_net_config, f))

/* The offloads as the negotiated features allow them: a TSO bit counts
 * only with its checksum bit (5.1.3.1), whatever the device accepted. */
static void offloads_read(struct vnet *v)
{
    const struct virtio_pci *vp = &v->vp;
    struct vnet_offloads *o = &v->off;

    o->tx_csum = virtio_pci_has(vp, VIRTIO_NET_F_CSUM);
    o->tx_tso4 = o->tx_csum && virtio_pci_has(vp, VIRTIO_NET_F_HOST_TSO4);
    o->tx_tso6 = o->tx_csum && virtio_pci_has(vp, VIRTIO_NET_F_HOST_TSO6);
    o->rx_csum = virtio_pci_has(vp, VIRTIO_NET_F_GUEST_CSUM);
    o->rx_tso4 = o->rx_csum && virtio_pci_has(vp, VIRTIO_NET_F_GUEST_TSO4);
    o->rx_tso6 = o->rx_csum && virtio_pci_has(vp, VIRTIO_NET_F_GUEST_TSO6);
}

static void mac_read(struct vnet *v)
{
    uint8_t or = 0;

    if (!virtio_pci_has(&v->vp, VIRTIO_NET_F_MAC))
        return;
    for (unsigned i = 0; i < 6; i++) {
        v->mac[i] = virtio_pci_cfg8(&v->vp, CFG_OFF(mac) + i);
        or |= v->mac[i];
    }
    if (or == 0 || (v->mac[0] & 1u)) {
        drivers_log("virtio-net %04x: MAC %02x:%02x:%02x:%02x:%02x:%02x ignored (zero or multicast)", v->vp.f->sbdf,
                    v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
        memset(v->mac, 0, sizeof(v->mac));
        return;
    }
    v->has_mac = true;
}

/* A queue's memory; with device_memory, also what the device was given
 * (the rings and the header slots). */
static void queue_free(struct vnet_queue *vq, bool device_memory)
{
    if (device_memory) {
        if (vq->q.size)
            virtq_destroy(&vq->q);
        dma_free(vq->hdr);
    } else {
        free(vq->q.slot); /* private; the rings stay the device's */
    }
    free(vq->tag);
    free(vq->free);
}

static void vnet_free(void *dev, bool device_memory)
{
    struct vnet *v = dev;

    queue_free(&v->rx, device_memory);
    queue_free(&v->tx, device_memory);
    free(v);
}

/* A queue of at most size entries, each chain a header slot and one
 * buffer (an indirect table of 2 when the device takes them). */
static int queue_start(struct vnet *v, struct vnet_queue *vq, uint16_t index, unsigned size)
{
    uint64_t bus;
    int rc;

    vq->index = index;
    rc = virtio_pci_queue_setup(&v->vp, index, size, 2, &vq->q, &vq->doorbell);
    if (rc)
        return rc;
    if (vq->q.max_indirect == 0 && vq->q.size < 2) {
        /* A chain takes two descriptors: such a queue could take nothing. */
        drivers_log("virtio-net %04x: queue %u of one entry without indirect tables", v->vp.f->sbdf, index);
        return -XEN_ENODEV;
    }
    vq->hdr = dma_alloc(vq->q.size * sizeof(*vq->hdr), 64, &bus);
    vq->tag = calloc(vq->q.size, sizeof(*vq->tag));
    vq->free = calloc(vq->q.size, sizeof(*vq->free));
    if (!vq->hdr || !vq->tag || !vq->free)
        return -XEN_ENOMEM;
    for (unsigned i = 0; i < vq->q.size; i++)
        vq->free[i] = (uint16_t)(vq->q.size - 1u - i);
    vq->nfree = vq->q.size;
    return 0;
}

/* Everything after FEATURES_OK: configuration, the queues, DRIVER_OK. */
static int vnet_start(void *dev, unsigned queue_size)
{
    struct vnet *v = dev;
    int rc;

    offloads_read(v);
    mac_read(v);
    rc = queue_start(v, &v->rx, VIRTIO_NET_RX_QUEUE, queue_size);
    if (!rc)
        rc = queue_start(v, &v->tx, VIRTIO_NET_TX_QUEUE, queue_size);
    return rc ? rc : virtio_pci_driver_ok(&v->vp);
}

static const struct virtio_pci_driver vnet_driver = {
    .size = sizeof(struct vnet),
    .vp_offset = offsetof(struct vnet, vp),
    .wanted = BIT64(VIRTIO_NET_F_MAC) | BIT64(VIRTIO_NET_F_STATUS) | BIT64(VIRTIO_NET_F_CSUM) |
              BIT64(VIRTIO_NET_F_GUEST_CSUM) | BIT64(VIRTIO_NET_F_HOST_TSO4) | BIT64(VIRTIO_NET_F_HOST_TSO6) |
              BIT64(VIRTIO_NET_F_GUEST_TSO4) | BIT64(VIRTIO_NET_F_GUEST_TSO6) | BIT64(VIRTIO_F_INDIRECT_DESC) |
              BIT64(VIRTIO_F_EVENT_IDX),
    .start = vnet_start,
    .free = vnet_free,
};

int vnet_open(struct pci_func *f, unsigned queue_size, struct vnet **out)
{
    void *v;
    int rc = virtio_pci_open(f, &vnet_driver, queue_size, &v);

    if (rc == 0)
        *out = v;
    return rc;
}

void vnet_close(struct vnet *v)
{
    virtio_pci_close(&vnet_driver, v);
}

bool vnet_mac(const struct vnet *v, uint8_t mac[6])
{
    memcpy(mac, v->mac, 6);
    return v->has_mac;
}

bool vnet_link_up(const struct vnet *v)
{
    if (!virtio_pci_has(&v->vp, VIRTIO_NET_F_STATUS))
        return true;
    return (virtio_pci_cfg16(&v->vp, CFG_OFF(status)) & VIRTIO_NET_S_LINK_UP) != 0;
}

void vnet_offloads(const struct vnet *v, struct vnet_offloads *o)
{
    *o = v->off;
}

uint32_t vnet_rx_buf_min(const struct vnet *v)
{
    return v->off.rx_tso4 || v->off.rx_tso6 ? VNET_GSO_FRAME_MAX : VNET_FRAME_MAX;
}

unsigned vnet_queue_size(const struct vnet *v)
{
    return v->rx.q.size;
}

bool vnet_broken(const struct vnet *v)
{
    return v->rx.q.broken || v->tx.q.broken;
}

/* Queue a chain of vq's next header slot and the caller's buffer: with h
 * (transmit) both device-readable, the slot holding h; without (receive)
 * both device-writable, the slot zeroed. */
static int chain_add(struct vnet_queue *vq, const struct virtio_net_hdr *h, uint64_t bus, uint32_t len, void *cookie)
{
    if (vq->nfree == 0)
        return -XEN_EAGAIN;
    uint16_t slot = vq->free[vq->nfree - 1u];
    struct virtq_buf bufs[2] = { { dma_bus_addr(&vq->hdr[slot]), HDR_BYTES }, { bus, len } };

    if (h)
        vq->hdr[slot] = *h;
    else
        memset(&vq->hdr[slot], 0, sizeof(vq->hdr[slot]));
    int rc = virtq_add(&vq->q, bufs, h ? 2 : 0, h ? 0 : 2, &vq->tag[slot]);
    if (rc)
        return rc;
    vq->tag[slot].cookie = cookie;
    vq->nfree--;
    return 0;
}

/* Give a chain's slot back; its cookie. */
static void *slot_put(struct vnet_queue *vq, struct vnet_tag *tag, uint16_t *slot)
{
    *slot = (uint16_t)(tag - vq->tag);
    vq->free[vq->nfree++] = *slot;
    return tag->cookie;
}

int vnet_rx_post(struct vnet *v, uint64_t bus, uint32_t len, void *cookie)
{
    if (vnet_broken(v))
        return -XEN_EIO;
    if (len < vnet_rx_buf_min(v) || len > UINT32_MAX - HDR_BYTES)
        return -XEN_EINVAL;
    return chain_add(&v->rx, NULL, bus, len, cookie);
}

/* The header slot as the device left it, each field read once. */
static struct virtio_net_hdr hdr_read(const struct virtio_net_hdr *slot)
{
    const volatile struct virtio_net_hdr *s = slot;

    return (struct virtio_net_hdr){ .flags = s->flags,
                                    .gso_type = s->gso_type,
                                    .hdr_len = s->hdr_len,
                                    .gso_size = s->gso_size,
                                    .csum_start = s->csum_start,
                                    .csum_offset = s->csum_offset };
}

/* The checksum location lies inside a frame of len bytes (2 bytes of sum). */
static bool csum_inside(uint16_t start, uint16_t offset, uint32_t len)
{
    return (uint32_t)start + offset + 2u <= len;
}

/* A received header into metadata, checked against what was negotiated
 * and the frame's length (decode: nothing changes). 0 or -XEN_EINVAL. */
static int rx_meta(const struct vnet_offloads *o, const struct virtio_net_hdr *h, uint32_t len, struct vnet_meta *m)
{
    *m = (struct vnet_meta){ 0 };
    if (len < VNET_ETH_HLEN || (h->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)))
        return -XEN_EINVAL;
    if (h->flags && !o->rx_csum)
        return -XEN_EINVAL;
    if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !csum_inside(h->csum_start, h->csum_offset, len))
        return -XEN_EINVAL;
    switch (h->gso_type) {
    case VIRTIO_NET_HDR_GSO_NONE:
        if (len > VNET_FRAME_MAX)
            return -XEN_EINVAL;
        break;
    case VIRTIO_NET_HDR_GSO_TCPV4:
        if (!o->rx_tso4 || h->gso_size == 0)
            return -XEN_EINVAL;
        m->gso_type = VNET_GSO_TCPV4;
        break;
    case VIRTIO_NET_HDR_GSO_TCPV6:
        if (!o->rx_tso6 || h->gso_size == 0)
            return -XEN_EINVAL;
        m->gso_type = VNET_GSO_TCPV6;
        break;
    default: return -XEN_EINVAL; /* UDP, ECN: never negotiated */
    }
    if (m->gso_type != VNET_GSO_NONE) {
        m->gso_size = h->gso_size;
        m->hdr_len = h->hdr_len <= len ? h->hdr_len : 0;
    }
    m->flags = (uint8_t)((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM ? VNET_META_NEEDS_CSUM : 0u) |
                         (h->flags & VIRTIO_NET_HDR_F_DATA_VALID ? VNET_META_DATA_VALID : 0u));
    if (m->flags & VNET_META_NEEDS_CSUM) {
        m->csum_start = h->csum_start;
        m->csum_offset = h->csum_offset;
    }
    return 0;
}

/* The device used a receive chain shorter than its header: a protocol
 * violation (5.1.6.4): both queues stop. */
static void rx_short(struct vnet *v, uint32_t len)
{
    drivers_log("virtio-net %04x: device used a receive buffer for %u bytes, less than its header; queues stopped",
                v->vp.f->sbdf, len);
    v->rx.q.broken = true;
    v->tx.q.broken = true;
}

/* Hand back every chain still in flight of a broken queue; how many. */
static unsigned drain(struct vnet_queue *vq, void (*back)(void *cookie, void *arg), void *arg)
{
    unsigned n = 0;
    void *c;
    uint16_t slot;

    while (virtq_drain(&vq->q, &c) == 1) {
        back(slot_put(vq, c, &slot), arg);
        n++;
    }
    return n;
}

struct rx_back {
    void (*done)(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg);
    void *arg;
};

static void rx_drained(void *cookie, void *arg)
{
    struct rx_back *b = arg;

    b->done(cookie, -XEN_EIO, NULL, 0, b->arg);
}

/* The other queue stops with this one: a device that broke one ring is
 * trusted with neither. */
static void both_broken(struct vnet *v)
{
    if (vnet_broken(v))
        v->rx.q.broken = v->tx.q.broken = true;
}

unsigned vnet_rx_reap(struct vnet *v,
                      void (*done)(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg),
                      void *arg)
{
    unsigned n = 0;
    void *c;
    uint32_t used;
    uint16_t slot;

    while (!v->rx.q.broken && virtq_get(&v->rx.q, &c, &used) == 1) {
        void *cookie = slot_put(&v->rx, c, &slot);
        if (used < HDR_BYTES) {
            rx_short(v, used);
            done(cookie, -XEN_EIO, NULL, 0, arg);
            n++;
            break;
        }
        struct virtio_net_hdr h = hdr_read(&v->rx.hdr[slot]);
        struct vnet_meta m;
        uint32_t len = used - HDR_BYTES;
        int st = rx_meta(&v->off, &h, len, &m);
        done(cookie, st, st ? NULL : &m, st ? 0 : len, arg);
        n++;
    }
    both_broken(v);
    if (v->rx.q.broken)
        n += drain(&v->rx, rx_drained, &(struct rx_back){ done, arg });
    return n;
}

/* Transmit metadata into the header the device reads, checked against
 * what was negotiated (decode: nothing changes). 0 or -XEN_EINVAL. */
static int tx_hdr(const struct vnet_offloads *o, const struct vnet_meta *m, uint32_t len, struct virtio_net_hdr *h)
{
    *h = (struct virtio_net_hdr){ 0 };
    if (len == 0 || len > (m && m->gso_type != VNET_GSO_NONE ? VNET_GSO_FRAME_MAX : VNET_FRAME_MAX))
        return -XEN_EINVAL;
    if (!m)
        return 0;
    if (m->flags & ~VNET_META_NEEDS_CSUM)
        return -XEN_EINVAL;
    if (m->flags & VNET_META_NEEDS_CSUM) {
        if (!o->tx_csum || !csum_inside(m->csum_start, m->csum_offset, len))
            return -XEN_EINVAL;
        h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h->csum_start = m->csum_start;
        h->csum_offset = m->csum_offset;
    }
    if (m->gso_type == VNET_GSO_NONE)
        return 0;
    bool ok = m->gso_type == VNET_GSO_TCPV4 ? o->tx_tso4 : m->gso_type == VNET_GSO_TCPV6 && o->tx_tso6;
    if (!ok || !(m->flags & VNET_META_NEEDS_CSUM) || m->gso_size == 0 || m->hdr_len > len)
        return -XEN_EINVAL;
    h->gso_type = m->gso_type == VNET_GSO_TCPV4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6;
    h->gso_size = m->gso_size;
    h->hdr_len = m->hdr_len;
    return 0;
}

int vnet_tx(struct vnet *v, const struct vnet_meta *m, uint64_t bus, uint32_t len, void *cookie)
{
    struct virtio_net_hdr h;
    int rc;

    if (vnet_broken(v))
        return -XEN_EIO;
    rc = tx_hdr(&v->off, m, len, &h);
    return rc ? rc : chain_add(&v->tx, &h, bus, len, cookie);
}

struct tx_back {
    void (*done)(void *cookie, int status, void *arg);
    void *arg;
};

static void tx_drained(void *cookie, void *arg)
{
    struct tx_back *b = arg;

    b->done(cookie, -XEN_EIO, b->arg);
}

unsigned vnet_tx_reap(struct vnet *v, void (*done)(void *cookie, int status, void *arg), void *arg)
{
    unsigned n = 0;
    void *c;
    uint32_t used;
    uint16_t slot;

    /* The device writes nothing into a transmit chain: a used length
     * above 0 breaks the queue (virtq_get's check). */
    while (!v->tx.q.broken && virtq_get(&v->tx.q, &c, &used) == 1) {
        done(slot_put(&v->tx, c, &slot), 0, arg);
        n++;
    }
    both_broken(v);
    if (v->tx.q.broken)
        n += drain(&v->tx, tx_drained, &(struct tx_back){ done, arg });
    return n;
}

void vnet_kick(struct vnet *v)
{
    if (virtq_kick_needed(&v->rx.q))
        virtio_pci_notify(v->rx.doorbell, v->rx.index);
    if (virtq_kick_needed(&v->tx.q))
        virtio_pci_notify(v->tx.doorbell, v->tx.index);
}

int vnet_irq_bind(struct vnet *v, uint32_t *port)
{
    const uint16_t queues[] = { v->rx.index, v->tx.index };
    int rc = virtio_pci_irq_bind(&v->vp, queues, 2, port);

    if (!rc)
        (void)vnet_irq_ack(v);
    return rc;
}

bool vnet_irq_ack(struct vnet *v)
{
    bool rx = virtq_enable_cb(&v->rx.q);
    bool tx = virtq_enable_cb(&v->tx.q);

    return rx || tx;
}
