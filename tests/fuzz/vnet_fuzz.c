/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the virtio-net driver (drivers/virtio_net.c) with the
 * device's side under the input's control: its used rings (any used
 * index, any entry's id and length) and the receive headers it writes.
 * The device is plain memory: a configuration page with the vendor
 * capabilities and one BAR holding the common configuration, the notify
 * window and the device configuration (exact-size heap blocks, so a read
 * outside them is an ASan report). Plain memory shows the same 32 bits
 * for either feature word, so the input's word is offered as both, with
 * bits 0 and 1 set to make bits 32 and 33 (VERSION_1, ACCESS_PLATFORM)
 * offered too: CSUM and GUEST_CSUM are therefore always negotiated (the
 * unit test covers the driver without them). Such a device keeps only the
 * last queue's ring addresses in its common configuration, so the target
 * includes the driver's source and takes both queues' rings from its
 * private state, as a device would have taken them from those registers.
 *
 * Checked: every buffer posted and frame queued comes back exactly once,
 * by a reap or, once the device broke a queue, by the next reap of that
 * queue (after which none of its buffers is left out); -XEN_EIO only when
 * broken; a received frame's length is at most what was posted, at least
 * an Ethernet header, and its metadata holds what rx_meta promises
 * (negotiated offloads only, the checksum inside the frame); each posted
 * or queued chain is a header slot and the caller's buffer, direction
 * flags right, and a queued frame's header says what its metadata said;
 * the calls' errors are the ones virtio_net.h names; close frees every
 * DMA block.
 *
 * Input: the device's largest queue (u8: 1 << (b % 9) entries), the
 * driver's queue_size (u8), the feature word (u32), flags (u8: bit 0 an
 * MSI-X table of one entry), the MAC (6 bytes), the status (u16); then
 * operations, an opcode byte each (bits 0-3 the operation modulo 9, bit 4
 * the transmit queue, else receive; bits 5 and 6 variants):
 *   0 rx_post: bit 5: a length (u32); else vnet_rx_buf_min + a u16
 *   1 tx: length (bit 5: u32 % (VNET_GSO_FRAME_MAX + 2), else u16 %
 *     (VNET_FRAME_MAX + 1)); bit 6: no metadata, else flags (u8),
 *     gso_type (u8), gso_size, hdr_len, csum_start, csum_offset (u16 each)
 *   2 the device writes 12 header bytes into the receive chain it would
 *     use next (if any)
 *   3 the device uses a chain of the queue: id (bit 5: a u32; else the
 *     next head on the avail ring, nothing if there is none), length (bit
 *     6: a u32; else for receive 12 + a u16, for transmit 0), then the
 *     used index one further
 *   4 the device writes the queue's used index (u16)
 *   5 reap the queue
 *   6 the device writes the queue's avail_event and used flags (u16
 *     each); vnet_kick
 *   7 bit 5: vnet_irq_bind; then vnet_irq_ack
 *   8 the device writes its status (u16); vnet_link_up, vnet_mac
 * At the end the queues are reaped (receive, transmit, receive) and the
 * device closed.
 */
#include <stdlib.h>
#include <string.h>

#include "../../drivers/virtio_net.c"
#include "drivers_env.h"
#include "fuzz.h"

#define MAX_BUFS   1024u
#define BAR_SIZE   4096u
#define NOTIFY_OFF 0x100u
#define DEVCFG_OFF 0x200u

/* One buffer or frame the driver was given: the model. */
struct model_buf {
    bool tx;
    bool out; /* posted or queued, not back yet */
    uint32_t len;
};

static struct model_buf bufs[MAX_BUFS];
static unsigned nbufs, out_rx, out_tx;
static struct vnet *dut;

/* The device's view of one queue. */
struct dev_queue {
    struct vnet_queue *vq;
    uint16_t avail_seen; /* the next avail entry it takes */
    uint16_t used_idx;   /* its used index */
};

static const struct virtio_pci_common_cfg *common_of(struct pci_func *f)
{
    return (const struct virtio_pci_common_cfg *)(const void *)(uintptr_t)f->bar[0];
}

static int cfg_write_ok(struct pci_func *f, unsigned off, unsigned size, uint32_t value)
{
    (void)f, (void)off, (void)size, (void)value;
    return 0;
}

static int msix_bind_ok(struct pci_func *f, unsigned entry, uint32_t *port)
{
    (void)f, (void)entry;
    *port = 7;
    return 0;
}

static const struct pci_func_ops ops = { cfg_write_ok, msix_bind_ok };

/* One vendor capability at `at` for a window of BAR 0. */
static void vcap(uint8_t *cfg, unsigned at, unsigned next, uint8_t type, uint32_t off, uint32_t len)
{
    cfg[at] = PCI_CAP_ID_VNDR;
    cfg[at + 1] = (uint8_t)next;
    cfg[at + 2] = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
    cfg[at + 3] = type;
    cfg[at + 4] = 0;
    memcpy(&cfg[at + 8], &off, 4);
    memcpy(&cfg[at + 12], &len, 4);
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
        cfg[at + 16] = 2; /* notify_off_multiplier */
}

/* What the input's header asked of the device and the driver. */
struct setup {
    unsigned queue_max, queue_size;
    uint32_t features;
};

static struct setup device_create(struct pci_func *f, struct fuzz_in *in)
{
    uint8_t *cfg = calloc(1, 4096);
    uint8_t *bar = calloc(1, BAR_SIZE);
    volatile struct virtio_pci_common_cfg *c = (volatile void *)bar;
    struct setup s = { .queue_max = 1u << (fuzz_u8(in) % 9) };

    cfg[0x06] = 0x10; /* a capability list */
    cfg[0x34] = 0x40;
    vcap(cfg, 0x40, 0x50, VIRTIO_PCI_CAP_COMMON_CFG, 0, sizeof(struct virtio_pci_common_cfg));
    vcap(cfg, 0x50, 0x68, VIRTIO_PCI_CAP_NOTIFY_CFG, NOTIFY_OFF, 0x100);
    vcap(cfg, 0x68, 0x78, VIRTIO_PCI_CAP_DEVICE_CFG, DEVCFG_OFF, sizeof(struct virtio_net_config));
    cfg[0x78] = PCI_CAP_ID_MSIX; /* one entry */
    *f = (struct pci_func){ .sbdf = 0x18, .cfg = cfg, .ops = &ops };
    f->bar[0] = bar;
    f->bar_size[0] = BAR_SIZE;
    c->queue_size = (uint16_t)s.queue_max;
    s.queue_size = fuzz_u8(in);
    c->num_queues = 2;
    s.features = fuzz_u32(in) | 3u;
    c->device_feature = s.features;
    f->nr_msix = fuzz_u8(in) & 1u;
    for (unsigned i = 0; i < 6; i++)
        bar[DEVCFG_OFF + i] = fuzz_u8(in);
    uint16_t status = (uint16_t)fuzz_uint(in, 2);
    memcpy(&bar[DEVCFG_OFF + 6], &status, 2);
    return s;
}

/* The two descriptors of the chain at head, read as the device reads
 * them (through the indirect table if there is one); each checked to be
 * where the driver's memory is. */
FUZZ_ORACLE static void chain_read(const struct vnet_queue *vq, uint16_t head, struct virtq_desc d[2])
{
    const struct virtq *q = &vq->q;
    struct virtq_desc h = *(const struct virtq_desc *)(uintptr_t)&q->desc[head];

    if (h.flags & VIRTQ_DESC_F_INDIRECT) {
        uintptr_t base = (uintptr_t)q->indirect, end = base + (size_t)q->size * q->max_indirect * 16u;
        FUZZ_CHECK(q->indirect && h.addr >= base && h.len == 32 && h.addr + h.len <= end && h.addr % 16 == 0);
        memcpy(d, (const void *)(uintptr_t)h.addr, 2 * sizeof(*d));
        FUZZ_CHECK((d[0].flags & VIRTQ_DESC_F_NEXT) && d[0].next == 1);
    } else {
        FUZZ_CHECK((h.flags & VIRTQ_DESC_F_NEXT) && h.next < q->size);
        d[0] = h;
        d[1] = *(const struct virtq_desc *)(uintptr_t)&q->desc[h.next];
    }
    FUZZ_CHECK(!(d[1].flags & (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_INDIRECT)));
    uintptr_t slots = (uintptr_t)vq->hdr;
    FUZZ_CHECK(d[0].addr >= slots && (d[0].addr - slots) % HDR_BYTES == 0 && (d[0].addr - slots) / HDR_BYTES < q->size);
    FUZZ_CHECK(d[0].len == HDR_BYTES);
}

/* The avail ring's entry i (the device's reading). */
static uint16_t avail_head(const struct virtq *q, uint16_t i)
{
    return q->avail[2u + (i & (q->size - 1u))];
}

static uint16_t avail_idx(const struct virtq *q)
{
    return q->avail[1];
}

static struct model_buf *buf_new(bool tx, uint32_t len)
{
    if (nbufs == MAX_BUFS)
        return NULL;
    bufs[nbufs] = (struct model_buf){ .tx = tx, .len = len };
    return &bufs[nbufs++];
}

FUZZ_ORACLE static struct model_buf *buf_back(void *cookie, bool tx)
{
    struct model_buf *b = cookie;

    FUZZ_CHECK(b >= bufs && b < bufs + nbufs && b->out && b->tx == tx);
    b->out = false;
    if (tx)
        out_tx--;
    else
        out_rx--;
    return b;
}

/* What rx_meta promises of a frame handed back as received. */
FUZZ_ORACLE static void check_meta(const struct vnet_meta *m, uint32_t len)
{
    const struct vnet_offloads *o = &dut->off;

    FUZZ_CHECK(!(m->flags & ~(VNET_META_NEEDS_CSUM | VNET_META_DATA_VALID)));
    FUZZ_CHECK(m->flags == 0 || o->rx_csum);
    if (m->flags & VNET_META_NEEDS_CSUM)
        FUZZ_CHECK((uint32_t)m->csum_start + m->csum_offset + 2u <= len);
    else
        FUZZ_CHECK(m->csum_start == 0 && m->csum_offset == 0);
    switch (m->gso_type) {
    case VNET_GSO_NONE: FUZZ_CHECK(len <= VNET_FRAME_MAX && m->gso_size == 0 && m->hdr_len == 0); break;
    case VNET_GSO_TCPV4: FUZZ_CHECK(o->rx_tso4 && m->gso_size != 0 && m->hdr_len <= len); break;
    case VNET_GSO_TCPV6: FUZZ_CHECK(o->rx_tso6 && m->gso_size != 0 && m->hdr_len <= len); break;
    default: FUZZ_CHECK(false);
    }
}

FUZZ_ORACLE static void rx_done(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg)
{
    struct model_buf *b = buf_back(cookie, false);

    (void)arg;
    if (status == 0) {
        FUZZ_CHECK(m && len >= VNET_ETH_HLEN && len <= b->len);
        check_meta(m, len);
        return;
    }
    FUZZ_CHECK(status == -XEN_EINVAL || (status == -XEN_EIO && vnet_broken(dut)));
    FUZZ_CHECK(!m && len == 0);
}

FUZZ_ORACLE static void tx_done(void *cookie, int status, void *arg)
{
    (void)arg;
    buf_back(cookie, true);
    FUZZ_CHECK(status == 0 || (status == -XEN_EIO && vnet_broken(dut)));
}

static void reap(bool tx)
{
    if (tx)
        (void)vnet_tx_reap(dut, tx_done, NULL);
    else
        (void)vnet_rx_reap(dut, rx_done, NULL);
    /* A broken queue's reap hands back everything it held. */
    if (tx ? dut->tx.q.broken : dut->rx.q.broken)
        FUZZ_CHECK((tx ? out_tx : out_rx) == 0);
}

FUZZ_ORACLE static void rx_post(struct fuzz_in *in, bool raw)
{
    uint32_t min = vnet_rx_buf_min(dut);
    uint32_t len = raw ? fuzz_u32(in) : min + (uint32_t)fuzz_uint(in, 2);
    struct model_buf *b = buf_new(false, len);
    bool broken = vnet_broken(dut);

    if (!b)
        return;
    uint16_t before = avail_idx(&dut->rx.q);
    int rc = vnet_rx_post(dut, 0x100000000ull + (uint64_t)(b - bufs) * 0x20000u, len, b);
    if (broken) {
        FUZZ_CHECK(rc == -XEN_EIO);
    } else if (len < min || len > UINT32_MAX - HDR_BYTES) {
        FUZZ_CHECK(rc == -XEN_EINVAL);
    } else if (rc == 0) {
        struct virtq_desc d[2];
        chain_read(&dut->rx, avail_head(&dut->rx.q, before), d);
        FUZZ_CHECK((d[0].flags & VIRTQ_DESC_F_WRITE) && (d[1].flags & VIRTQ_DESC_F_WRITE));
        FUZZ_CHECK(d[1].len == len && d[1].addr == 0x100000000ull + (uint64_t)(b - bufs) * 0x20000u);
        b->out = true;
        out_rx++;
    } else {
        FUZZ_CHECK(rc == -XEN_EAGAIN);
    }
    if (rc)
        nbufs--;
}

/* A queued frame's header says what its metadata said. */
FUZZ_ORACLE static void check_tx_hdr(const struct vnet_meta *m, uint32_t len, const struct virtio_net_hdr *h)
{
    const struct vnet_offloads *o = &dut->off;
    bool csum = m && (m->flags & VNET_META_NEEDS_CSUM);

    FUZZ_CHECK(!m || !(m->flags & ~VNET_META_NEEDS_CSUM));
    FUZZ_CHECK(h->flags == (csum ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0));
    if (csum)
        FUZZ_CHECK(o->tx_csum && h->csum_start == m->csum_start && h->csum_offset == m->csum_offset &&
                   (uint32_t)h->csum_start + h->csum_offset + 2u <= len);
    if (!m || m->gso_type == VNET_GSO_NONE) {
        FUZZ_CHECK(h->gso_type == VIRTIO_NET_HDR_GSO_NONE && len <= VNET_FRAME_MAX);
        return;
    }
    FUZZ_CHECK(csum && m->gso_size && h->gso_size == m->gso_size && h->hdr_len == m->hdr_len &&
               len <= VNET_GSO_FRAME_MAX);
    FUZZ_CHECK(m->gso_type == VNET_GSO_TCPV4 ? h->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 && o->tx_tso4
                                             : h->gso_type == VIRTIO_NET_HDR_GSO_TCPV6 && o->tx_tso6);
}

FUZZ_ORACLE static void tx_frame(struct fuzz_in *in, bool big, bool bare)
{
    uint32_t len = big ? fuzz_u32(in) % (VNET_GSO_FRAME_MAX + 2u) : (uint32_t)fuzz_uint(in, 2) % (VNET_FRAME_MAX + 1u);
    struct vnet_meta meta, *m = NULL;

    if (!bare) {
        meta.flags = fuzz_u8(in);
        meta.gso_type = fuzz_u8(in);
        meta.gso_size = (uint16_t)fuzz_uint(in, 2);
        meta.hdr_len = (uint16_t)fuzz_uint(in, 2);
        meta.csum_start = (uint16_t)fuzz_uint(in, 2);
        meta.csum_offset = (uint16_t)fuzz_uint(in, 2);
        m = &meta;
    }
    struct model_buf *b = buf_new(true, len);
    bool broken = vnet_broken(dut);
    if (!b)
        return;
    uint16_t before = avail_idx(&dut->tx.q);
    int rc = vnet_tx(dut, m, 0x200000000ull + (uint64_t)(b - bufs) * 0x20000u, len, b);
    if (rc == 0) {
        struct virtq_desc d[2];
        FUZZ_CHECK(!broken);
        chain_read(&dut->tx, avail_head(&dut->tx.q, before), d);
        FUZZ_CHECK(!(d[0].flags & VIRTQ_DESC_F_WRITE) && !(d[1].flags & VIRTQ_DESC_F_WRITE));
        FUZZ_CHECK(d[1].len == len && d[1].addr == 0x200000000ull + (uint64_t)(b - bufs) * 0x20000u);
        check_tx_hdr(m, len, (const struct virtio_net_hdr *)(uintptr_t)d[0].addr);
        b->out = true;
        out_tx++;
    } else {
        FUZZ_CHECK(broken ? rc == -XEN_EIO : rc == -XEN_EAGAIN || rc == -XEN_EINVAL);
        FUZZ_CHECK(rc != -XEN_EINVAL || len == 0 || len > VNET_FRAME_MAX || m);
        nbufs--;
    }
}

/* The device writes a receive header into the chain it would use next. */
static void dev_write_hdr(struct dev_queue *dq, struct fuzz_in *in)
{
    struct virtq_desc d[2];
    uint8_t h[HDR_BYTES];

    for (unsigned i = 0; i < HDR_BYTES; i++)
        h[i] = fuzz_u8(in);
    if (dq->avail_seen == avail_idx(&dq->vq->q))
        return;
    chain_read(dq->vq, avail_head(&dq->vq->q, dq->avail_seen), d);
    memcpy((void *)(uintptr_t)d[0].addr, h, HDR_BYTES);
}

static void dev_used_idx(struct dev_queue *dq, uint16_t idx)
{
    dq->used_idx = idx;
    *(volatile uint16_t *)(volatile void *)(dq->vq->q.used + 2) = idx;
}

static void dev_use(struct dev_queue *dq, struct fuzz_in *in, bool raw_id, bool raw_len, bool tx_queue)
{
    const struct virtq *q = &dq->vq->q;
    uint32_t id;

    if (raw_id) {
        id = fuzz_u32(in);
    } else {
        if (dq->avail_seen == avail_idx(q))
            return;
        id = avail_head(q, dq->avail_seen++);
    }
    uint32_t len = raw_len ? fuzz_u32(in) : tx_queue ? 0 : HDR_BYTES + (uint32_t)fuzz_uint(in, 2);
    volatile struct virtq_used_elem *e = (volatile void *)(q->used + 4u + 8u * (dq->used_idx & (q->size - 1u)));
    e->id = id;
    e->len = len;
    dev_used_idx(dq, (uint16_t)(dq->used_idx + 1u));
}

static void dev_events(struct dev_queue *dq, struct fuzz_in *in)
{
    const struct virtq *q = &dq->vq->q;

    *(volatile uint16_t *)(volatile void *)(q->used + 4u + 8u * q->size) = (uint16_t)fuzz_uint(in, 2);
    *(volatile uint16_t *)(volatile void *)q->used = (uint16_t)fuzz_uint(in, 2);
    vnet_kick(dut);
}

FUZZ_ORACLE static void irq(struct pci_func *f, bool bind)
{
    uint32_t port;

    if (bind) {
        int rc = vnet_irq_bind(dut, &port);
        FUZZ_CHECK(f->nr_msix ? rc == 0 && port == 7 : rc == -XEN_ENODEV);
    }
    (void)vnet_irq_ack(dut);
}

FUZZ_ORACLE static void link_check(struct pci_func *f, struct fuzz_in *in)
{
    uint16_t status = (uint16_t)fuzz_uint(in, 2);
    uint8_t mac[6];

    memcpy((uint8_t *)(uintptr_t)f->bar[0] + DEVCFG_OFF + 6, &status, 2);
    bool up = vnet_link_up(dut);
    FUZZ_CHECK(up == (!virtio_pci_has(&dut->vp, VIRTIO_NET_F_STATUS) || (status & VIRTIO_NET_S_LINK_UP)));
    if (vnet_mac(dut, mac))
        FUZZ_CHECK(!(mac[0] & 1u) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]));
    else
        FUZZ_CHECK(!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]));
}

static void step(struct pci_func *f, struct dev_queue dq[2], struct fuzz_in *in)
{
    uint8_t op = fuzz_u8(in);
    bool txq = op & 0x10u, b5 = op & 0x20u, b6 = op & 0x40u;
    struct dev_queue *d = &dq[txq];

    switch ((op & 0xfu) % 9u) {
    case 0: rx_post(in, b5); break;
    case 1: tx_frame(in, b5, b6); break;
    case 2: dev_write_hdr(&dq[0], in); break;
    case 3: dev_use(d, in, b5, b6, txq); break;
    case 4: dev_used_idx(d, (uint16_t)fuzz_uint(in, 2)); break;
    case 5: reap(txq); break;
    case 6: dev_events(d, in); break;
    case 7: irq(f, b5); break;
    case 8: link_check(f, in); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct pci_func f;

    nbufs = out_rx = out_tx = 0;
    dut = NULL;
    struct setup s = device_create(&f, &in);
    int rc = vnet_open(&f, s.queue_size, &dut);
    if (rc == 0) {
        struct dev_queue dq[2] = { { .vq = &dut->rx }, { .vq = &dut->tx } };
        FUZZ_CHECK(common_of(&f)->device_status & VIRTIO_STATUS_DRIVER_OK);
        while (in.left)
            step(&f, dq, &in);
        /* The transmit reap may break both queues: the receive queue's
         * next reap then hands its buffers back. */
        reap(false);
        reap(true);
        reap(false);
        if (vnet_broken(dut))
            FUZZ_CHECK(out_rx == 0 && out_tx == 0);
        vnet_close(dut);
    } else {
        /* No queue, or one of one entry that cannot hold a chain. */
        bool one = s.queue_max == 1 || s.queue_size == 1;
        FUZZ_CHECK(rc == -XEN_ENODEV && (s.queue_size == 0 || (one && !(s.features & 1u << VIRTIO_F_INDIRECT_DESC))));
    }
    FUZZ_CHECK(dma_live == 0);
    free((void *)(uintptr_t)f.bar[0]);
    free((void *)(uintptr_t)f.cfg);
    return 0;
}
