/* SPDX-License-Identifier: MIT */
/*
 * virtio-net (drivers/virtio_net.c) against the fake NIC of
 * virtio_fake.c: negotiation (offloads taken where offered, mergeable
 * buffers declined, a TSO without its checksum feature not counted),
 * frames both ways with their offload metadata, the checks on what is
 * sent and on what the device says it received, interrupts, and hostile
 * devices, none of which may crash the driver, lose a buffer or leak
 * memory.
 */
#include "drivers/virtio_net.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/pci.h"
#include "drivers_env.h"
#include "harness.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"
#include "virtio_fake.h"

#define BIT64(n)  (1ull << (n))
#define NBUF      4u
#define RX_BYTES  VNET_GSO_FRAME_MAX
#define FRAME_LEN 1000u

/* Buffers as the reaps hand them back. */
struct back {
    unsigned n;
    uintptr_t cookie[64];
    int status[64];
    uint32_t len[64];
    struct vnet_meta meta[64];
};

static void on_rx(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg)
{
    struct back *b = arg;

    if (b->n < 64) {
        b->cookie[b->n] = (uintptr_t)cookie;
        b->status[b->n] = status;
        b->len[b->n] = len;
        if (m)
            b->meta[b->n] = *m;
        EXPECT_TRUE((m != NULL) == (status == 0));
    }
    b->n++;
}

static void on_tx(void *cookie, int status, void *arg)
{
    on_rx(cookie, status, status ? NULL : &(struct vnet_meta){ 0 }, 0, arg);
}

/* A NIC, the driver on it, NBUF receive buffers posted (cookies 1..NBUF),
 * a frame to send. */
struct rig {
    struct fake_dev *d;
    struct vnet *v;
    uint8_t *rx[NBUF];
    uint8_t *frame;
    struct back got;
};

static void rig_open(struct rig *r, struct fake_dev *d)
{
    uint64_t bus;

    memset(r, 0, sizeof(*r));
    r->d = d;
    EXPECT_EQ(vnet_open(&d->f, 16, &r->v), 0);
    for (unsigned i = 0; i < NBUF; i++) {
        r->rx[i] = dma_alloc(RX_BYTES, 64, &bus);
        EXPECT_EQ(vnet_rx_post(r->v, bus, RX_BYTES, (void *)(uintptr_t)(i + 1)), 0);
    }
    r->frame = dma_alloc(VNET_GSO_FRAME_MAX, 64, &bus);
    for (unsigned i = 0; i < VNET_GSO_FRAME_MAX; i++)
        r->frame[i] = (uint8_t)(i * 13 + 1);
    vnet_kick(r->v);
    EXPECT_EQ(d->q[VIRTIO_NET_RX_QUEUE].nheld, NBUF);
}

static void rig_close(struct rig *r)
{
    unsigned resets = r->d->resets;

    vnet_close(r->v);
    EXPECT_EQ(r->d->resets, resets + 1);
    EXPECT_EQ(r->d->status, 0);
    for (unsigned i = 0; i < NBUF; i++)
        dma_free(r->rx[i]);
    dma_free(r->frame);
    fake_destroy(r->d);
    EXPECT_EQ(dma_live, 0);
}

TEST(negotiation)
{
    struct rig r;
    struct vnet_offloads o;
    uint8_t mac[6];
    const uint8_t want_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

    rig_open(&r, fake_create_net());
    /* Everything offered but mergeable receive buffers. */
    EXPECT_EQ(r.d->driver_features, r.d->offered & ~BIT64(VIRTIO_NET_F_MRG_RXBUF));
    EXPECT_EQ(r.d->status,
              VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    for (unsigned i = 0; i < 2; i++) {
        EXPECT_EQ(r.d->q[i].size, 16);
        EXPECT_EQ(r.d->q[i].enable, 1);
        EXPECT_NE(r.d->q[i].desc, 0);
    }
    EXPECT_NE(r.d->q[0].desc, r.d->q[1].desc);
    EXPECT_TRUE(vnet_mac(r.v, mac));
    EXPECT_EQ(memcmp(mac, want_mac, 6), 0);
    EXPECT_TRUE(vnet_link_up(r.v));
    vnet_offloads(r.v, &o);
    EXPECT_TRUE(o.tx_csum && o.tx_tso4 && o.tx_tso6 && o.rx_csum && o.rx_tso4 && o.rx_tso6);
    EXPECT_EQ(vnet_rx_buf_min(r.v), VNET_GSO_FRAME_MAX);
    EXPECT_EQ(vnet_queue_size(r.v), 16);
    EXPECT_FALSE(vnet_broken(r.v));
    /* The link goes down: read live from the configuration. */
    uint16_t down = 0;
    memcpy((void *)(uintptr_t)(fake_device_cfg(r.d) + offsetof(struct virtio_net_config, status)), &down, 2);
    EXPECT_FALSE(vnet_link_up(r.v));
    rig_close(&r);
}

/* A bare device: no MAC, no status, no offloads; a TSO offered without
 * its checksum feature is not counted. */
TEST(negotiation_bare)
{
    struct fake_dev *d = fake_create_net();
    struct vnet *v = NULL;
    struct vnet_offloads o;
    uint8_t mac[6] = { 1 };
    uint64_t bus;

    d->offered = BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_F_ACCESS_PLATFORM) | BIT64(VIRTIO_NET_F_HOST_TSO4) |
                 BIT64(VIRTIO_NET_F_GUEST_TSO6);
    EXPECT_EQ(vnet_open(&d->f, 16, &v), 0);
    EXPECT_FALSE(vnet_mac(v, mac));
    EXPECT_EQ(mac[0], 0);
    EXPECT_TRUE(vnet_link_up(v));
    vnet_offloads(v, &o);
    EXPECT_FALSE(o.tx_csum || o.tx_tso4 || o.tx_tso6 || o.rx_csum || o.rx_tso4 || o.rx_tso6);
    EXPECT_EQ(vnet_rx_buf_min(v), VNET_FRAME_MAX);
    uint8_t *buf = dma_alloc(2048, 64, &bus);
    EXPECT_EQ(vnet_rx_post(v, bus, VNET_FRAME_MAX - 1, NULL), -XEN_EINVAL);
    EXPECT_EQ(vnet_rx_post(v, bus, 2048, NULL), 0);
    struct vnet_meta m = { .flags = VNET_META_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16 };
    EXPECT_EQ(vnet_tx(v, &m, bus, 100, NULL), -XEN_EINVAL); /* no CSUM */
    vnet_close(v);
    dma_free(buf);
    fake_destroy(d);
    EXPECT_EQ(dma_live, 0);
}

TEST(mac_zero_or_multicast_ignored)
{
    struct fake_dev *d = fake_create_net();
    struct vnet *v = NULL;
    uint8_t mac[6];

    *(volatile uint8_t *)(fake_device_cfg(d) + offsetof(struct virtio_net_config, mac)) = 0x01;
    log_clear();
    EXPECT_EQ(vnet_open(&d->f, 16, &v), 0);
    EXPECT_LOG("MAC 01:54:00:12:34:56 ignored");
    EXPECT_FALSE(vnet_mac(v, mac));
    vnet_close(v);
    fake_destroy(d);
    EXPECT_EQ(dma_live, 0);
}

TEST(required_features_and_queues)
{
    struct fake_dev *d = fake_create_net();
    struct vnet *v = NULL;

    d->offered &= ~BIT64(VIRTIO_F_ACCESS_PLATFORM);
    EXPECT_ONE_ERROR(vnet_open(&d->f, 16, &v), -XEN_ENODEV, "lacks required features 0x200000000");
    d->offered |= BIT64(VIRTIO_F_ACCESS_PLATFORM);
    d->num_queues = 1; /* no transmit queue */
    log_clear();
    EXPECT_EQ(vnet_open(&d->f, 16, &v), -XEN_ENODEV);
    EXPECT_LOG("no queue 1");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    EXPECT_TRUE(v == NULL);
    EXPECT_EQ(dma_live, 0);
    fake_destroy(d);
}

/* A chain is two descriptors: a queue of one entry takes one only as an
 * indirect table. */
TEST(queue_of_one_entry)
{
    struct fake_dev *d = fake_create_net();
    struct vnet *v = NULL;
    uint64_t bus;

    d->queue_max = 1;
    d->offered &= ~BIT64(VIRTIO_F_INDIRECT_DESC);
    EXPECT_ONE_ERROR(vnet_open(&d->f, 16, &v), -XEN_ENODEV, "queue 0 of one entry without indirect tables");
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    EXPECT_TRUE(v == NULL);
    EXPECT_EQ(dma_live, 0);
    d->offered |= BIT64(VIRTIO_F_INDIRECT_DESC);
    EXPECT_EQ(vnet_open(&d->f, 16, &v), 0);
    EXPECT_EQ(vnet_queue_size(v), 1);
    uint8_t *buf = dma_alloc(vnet_rx_buf_min(v), 64, &bus);
    EXPECT_EQ(vnet_rx_post(v, bus, vnet_rx_buf_min(v), NULL), 0);
    EXPECT_EQ(vnet_rx_post(v, bus, vnet_rx_buf_min(v), NULL), -XEN_EAGAIN);
    vnet_close(v);
    dma_free(buf);
    fake_destroy(d);
    EXPECT_EQ(dma_live, 0);
}

/* A device that will not reset when closed keeps both queues' rings and
 * header slots; only the private state is freed. */
TEST(close_when_reset_never_ends)
{
    struct fake_dev *d = fake_create_net();
    struct vnet *v = NULL;

    EXPECT_EQ(vnet_open(&d->f, 16, &v), 0);
    unsigned live = dma_live;
    d->stuck_reset = true;
    log_clear();
    vnet_close(v);
    EXPECT_LOG("did not finish its reset");
    EXPECT_EQ(dma_live, live);
    EXPECT_TRUE(d->status & VIRTIO_STATUS_FAILED);
    fake_destroy(d);
    dma_release_all();
}

TEST(out_of_memory)
{
    for (unsigned n = 0; n < 12; n++) {
        struct fake_dev *d = fake_create_net();
        struct vnet *v = NULL;

        dma_fail_after = n;
        int rc = vnet_open(&d->f, 16, &v);
        dma_fail_after = ~0u;
        if (rc == 0)
            vnet_close(v);
        else
            EXPECT_EQ(rc, -XEN_ENOMEM);
        EXPECT_EQ(dma_live, 0);
        fake_destroy(d);
    }
}

/* The header the device writes in front of a received frame. */
static struct virtio_net_hdr net_hdr(uint8_t flags, uint8_t gso, uint16_t gso_size, uint16_t start, uint16_t off)
{
    return (struct virtio_net_hdr){ .flags = flags,
                                    .gso_type = gso,
                                    .hdr_len = 66,
                                    .gso_size = gso_size,
                                    .csum_start = start,
                                    .csum_offset = off,
                                    .num_buffers = 1 };
}

TEST(receive_with_metadata)
{
    struct rig r;
    struct virtio_net_hdr h = net_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 34, 16);

    rig_open(&r, fake_create_net());
    EXPECT_TRUE(fake_net_rx(r.d, &h, r.frame, 30000));
    h = net_hdr(VIRTIO_NET_HDR_F_DATA_VALID, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 0);
    EXPECT_TRUE(fake_net_rx(r.d, &h, r.frame + 1, FRAME_LEN));
    h = net_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, 1440, 54, 16);
    EXPECT_TRUE(fake_net_rx(r.d, &h, r.frame, VNET_GSO_FRAME_MAX));
    EXPECT_EQ(vnet_rx_reap(r.v, on_rx, &r.got), 3);
    EXPECT_EQ(r.got.cookie[0], 1);
    EXPECT_EQ(r.got.status[0], 0);
    EXPECT_EQ(r.got.len[0], 30000);
    EXPECT_EQ(memcmp(r.rx[0], r.frame, 30000), 0);
    EXPECT_EQ(r.got.meta[0].flags, VNET_META_NEEDS_CSUM);
    EXPECT_EQ(r.got.meta[0].gso_type, VNET_GSO_TCPV4);
    EXPECT_EQ(r.got.meta[0].gso_size, 1448);
    EXPECT_EQ(r.got.meta[0].hdr_len, 66);
    EXPECT_EQ(r.got.meta[0].csum_start, 34);
    EXPECT_EQ(r.got.meta[0].csum_offset, 16);
    EXPECT_EQ(r.got.cookie[1], 2);
    EXPECT_EQ(r.got.len[1], FRAME_LEN);
    EXPECT_EQ(memcmp(r.rx[1], r.frame + 1, FRAME_LEN), 0);
    EXPECT_EQ(r.got.meta[1].flags, VNET_META_DATA_VALID);
    EXPECT_EQ(r.got.meta[1].gso_type, VNET_GSO_NONE);
    EXPECT_EQ(r.got.meta[1].csum_start, 0);
    EXPECT_EQ(r.got.status[2], 0);
    EXPECT_EQ(r.got.len[2], VNET_GSO_FRAME_MAX);
    EXPECT_EQ(r.got.meta[2].gso_type, VNET_GSO_TCPV6);
    /* Reposted buffers are used again. */
    EXPECT_EQ(vnet_rx_post(r.v, dma_bus_addr(r.rx[0]), RX_BYTES, (void *)(uintptr_t)1), 0);
    vnet_kick(r.v);
    EXPECT_EQ(r.d->q[VIRTIO_NET_RX_QUEUE].nheld, 2);
    EXPECT_FALSE(vnet_broken(r.v));
    rig_close(&r);
}

/* Frames the device describes badly are dropped, each buffer handed back
 * once, and the queue goes on. */
TEST(receive_metadata_checked)
{
    const struct {
        struct virtio_net_hdr h;
        uint32_t len;
    } bad[] = {
        { net_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 990, 9), FRAME_LEN },                   /* sum past the end */
        { net_hdr(VIRTIO_NET_HDR_F_RSC_INFO, 0, 0, 0, 0), FRAME_LEN },                       /* a flag not negotiated */
        { net_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP, 1400, 34, 6), 3000 }, /* UFO */
        { net_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN, 1448, 34, 16),
          3000 },                                                                            /* ECN */
        { net_hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 0, 34, 16), 3000 }, /* no MSS */
        { net_hdr(0, 0, 0, 0, 0), 13 },                                                      /* shorter than Ethernet */
        { net_hdr(0, 0, 0, 0, 0), VNET_FRAME_MAX + 1 },                                      /* too long without GSO */
    };
    struct rig r;

    rig_open(&r, fake_create_net());
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r.got.n = 0;
        EXPECT_TRUE(fake_net_rx(r.d, &bad[i].h, r.frame, bad[i].len));
        EXPECT_EQ(vnet_rx_reap(r.v, on_rx, &r.got), 1);
        EXPECT_EQ(r.got.status[0], -XEN_EINVAL);
        EXPECT_EQ(r.got.cookie[0], 1 + i % NBUF);
        EXPECT_EQ(vnet_rx_post(r.v, dma_bus_addr(r.rx[i % NBUF]), RX_BYTES, (void *)(uintptr_t)(1 + i % NBUF)), 0);
        vnet_kick(r.v);
    }
    EXPECT_FALSE(vnet_broken(r.v));
    rig_close(&r);
}

/* Without GUEST_CSUM and GUEST_TSO the device may set no flag and no GSO. */
TEST(receive_metadata_not_negotiated)
{
    struct fake_dev *d = fake_create_net();
    struct rig r;
    struct virtio_net_hdr h = net_hdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0);

    d->offered &= ~(BIT64(VIRTIO_NET_F_GUEST_CSUM) | BIT64(VIRTIO_NET_F_GUEST_TSO4) | BIT64(VIRTIO_NET_F_GUEST_TSO6));
    rig_open(&r, d);
    EXPECT_EQ(vnet_rx_buf_min(r.v), VNET_FRAME_MAX);
    EXPECT_TRUE(fake_net_rx(d, &h, r.frame, FRAME_LEN));
    h = net_hdr(0, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 0, 0);
    EXPECT_TRUE(fake_net_rx(d, &h, r.frame, 3000));
    h = net_hdr(0, 0, 0, 0, 0);
    EXPECT_TRUE(fake_net_rx(d, &h, r.frame, FRAME_LEN));
    EXPECT_EQ(vnet_rx_reap(r.v, on_rx, &r.got), 3);
    EXPECT_EQ(r.got.status[0], -XEN_EINVAL);
    EXPECT_EQ(r.got.status[1], -XEN_EINVAL);
    EXPECT_EQ(r.got.status[2], 0);
    EXPECT_EQ(r.got.meta[2].flags, 0);
    rig_close(&r);
}

TEST(transmit_with_metadata)
{
    struct rig r;
    struct virtio_net_hdr h;
    struct vnet_meta m = { .flags = VNET_META_NEEDS_CSUM,
                           .gso_type = VNET_GSO_TCPV4,
                           .gso_size = 1448,
                           .hdr_len = 66,
                           .csum_start = 34,
                           .csum_offset = 16 };

    rig_open(&r, fake_create_net());
    EXPECT_EQ(vnet_tx(r.v, &m, dma_bus_addr(r.frame), 40000, (void *)(uintptr_t)7), 0);
    vnet_kick(r.v);
    EXPECT_EQ(r.d->tx_frames, 1);
    EXPECT_EQ(r.d->tx_len, 40000);
    EXPECT_EQ(memcmp(r.d->tx_last, r.frame, 40000), 0);
    memcpy(&h, r.d->tx_hdr, sizeof(h));
    EXPECT_EQ(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    EXPECT_EQ(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    EXPECT_EQ(h.gso_size, 1448);
    EXPECT_EQ(h.hdr_len, 66);
    EXPECT_EQ(h.csum_start, 34);
    EXPECT_EQ(h.csum_offset, 16);
    EXPECT_EQ(h.num_buffers, 0);
    EXPECT_EQ(vnet_tx_reap(r.v, on_tx, &r.got), 1);
    EXPECT_EQ(r.got.cookie[0], 7);
    EXPECT_EQ(r.got.status[0], 0);

    /* No metadata: a zero header. The slot is reused. */
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame + 5), 60, (void *)(uintptr_t)8), 0);
    m = (struct vnet_meta){
        .gso_type = VNET_GSO_TCPV6, .flags = VNET_META_NEEDS_CSUM, .gso_size = 1440, .csum_start = 54, .csum_offset = 16
    };
    EXPECT_EQ(vnet_tx(r.v, &m, dma_bus_addr(r.frame), VNET_GSO_FRAME_MAX, (void *)(uintptr_t)9), 0);
    vnet_kick(r.v);
    EXPECT_EQ(r.d->tx_frames, 3);
    memcpy(&h, r.d->tx_hdr, sizeof(h));
    EXPECT_EQ(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
    EXPECT_EQ(vnet_tx_reap(r.v, on_tx, &r.got), 2);
    EXPECT_EQ(r.got.cookie[1], 8);
    EXPECT_EQ(r.got.cookie[2], 9);
    EXPECT_EQ(r.d->indirect_seen, 3 + 0); /* each transmit one indirect table */
    rig_close(&r);
}

TEST(transmit_checked_before_queueing)
{
    struct rig r;
    const struct vnet_meta bad[] = {
        { .flags = VNET_META_DATA_VALID },                                     /* receive only */
        { .flags = 0x80 },                                                     /* unknown */
        { .flags = VNET_META_NEEDS_CSUM, .csum_start = 90, .csum_offset = 9 }, /* past the end */
        { .gso_type = VNET_GSO_TCPV4, .gso_size = 1448 },                      /* GSO without a partial sum */
        { .flags = VNET_META_NEEDS_CSUM, .gso_type = VNET_GSO_TCPV4, .csum_start = 34, .csum_offset = 16 }, /* MSS 0 */
        { .flags = VNET_META_NEEDS_CSUM, .gso_type = 3, .gso_size = 1, .csum_start = 34, .csum_offset = 6 },
        { .flags = VNET_META_NEEDS_CSUM, .gso_type = VNET_GSO_TCPV4, .gso_size = 1, .hdr_len = 101, .csum_start = 34 },
    };

    rig_open(&r, fake_create_net());
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT_EQ(vnet_tx(r.v, &bad[i], dma_bus_addr(r.frame), 100, NULL), -XEN_EINVAL);
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 0, NULL), -XEN_EINVAL);
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), VNET_FRAME_MAX + 1, NULL), -XEN_EINVAL);
    struct vnet_meta gso = {
        .flags = VNET_META_NEEDS_CSUM, .gso_type = VNET_GSO_TCPV4, .gso_size = 1448, .csum_start = 34, .csum_offset = 16
    };
    EXPECT_EQ(vnet_tx(r.v, &gso, dma_bus_addr(r.frame), VNET_GSO_FRAME_MAX + 1, NULL), -XEN_EINVAL);
    vnet_kick(r.v);
    EXPECT_EQ(r.d->tx_frames, 0);
    EXPECT_EQ(vnet_tx_reap(r.v, on_tx, &r.got), 0);
    rig_close(&r);
}

TEST(transmit_queue_full)
{
    struct rig r;

    rig_open(&r, fake_create_net());
    r.d->hold = true;
    for (unsigned i = 0; i < 16; i++)
        EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 60, (void *)(uintptr_t)(i + 1)), 0);
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 60, NULL), -XEN_EAGAIN);
    vnet_kick(r.v);
    EXPECT_EQ(r.d->q[VIRTIO_NET_TX_QUEUE].nheld, 16);
    fake_complete_held(r.d, true);
    EXPECT_EQ(vnet_tx_reap(r.v, on_tx, &r.got), 16);
    for (unsigned i = 0; i < 16; i++)
        EXPECT_EQ(r.got.cookie[i], 16 - i);
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 60, NULL), 0);
    /* The receive queue fills too. */
    for (unsigned i = NBUF; i < 16; i++)
        EXPECT_EQ(vnet_rx_post(r.v, dma_bus_addr(r.rx[0]), RX_BYTES, NULL), 0);
    EXPECT_EQ(vnet_rx_post(r.v, dma_bus_addr(r.rx[0]), RX_BYTES, NULL), -XEN_EAGAIN);
    rig_close(&r);
}

TEST(interrupt_binding)
{
    struct rig r;
    uint32_t port = 0;
    struct virtio_net_hdr h = net_hdr(0, 0, 0, 0, 0);

    rig_open(&r, fake_create_net());
    EXPECT_EQ(vnet_irq_bind(r.v, &port), 0);
    EXPECT_EQ(port, 100);
    EXPECT_TRUE(r.d->msix_enabled);
    EXPECT_EQ(r.d->q[0].msix, 0);
    EXPECT_EQ(r.d->q[1].msix, 0);
    EXPECT_EQ(r.d->msix_config, VIRTIO_MSI_NO_VECTOR);
    unsigned irqs = r.d->irqs;
    EXPECT_TRUE(fake_net_rx(r.d, &h, r.frame, FRAME_LEN));
    EXPECT_EQ(r.d->irqs, irqs + 1);
    EXPECT_TRUE(vnet_irq_ack(r.v)); /* a frame waits: reap it */
    EXPECT_EQ(vnet_rx_reap(r.v, on_rx, &r.got), 1);
    EXPECT_FALSE(vnet_irq_ack(r.v));
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 60, NULL), 0);
    vnet_kick(r.v);
    EXPECT_EQ(r.d->irqs, irqs + 2);
    rig_close(&r);

    rig_open(&r, fake_create_net());
    r.d->msix_vectors = 0;
    log_clear();
    EXPECT_EQ(vnet_irq_bind(r.v, &port), -XEN_ENOSPC);
    EXPECT_LOG("no interrupt (-28); polling");
    rig_close(&r);

    rig_open(&r, fake_create_net());
    r.d->f.nr_msix = 0;
    EXPECT_EQ(vnet_irq_bind(r.v, &port), -XEN_ENODEV);
    rig_close(&r);
}

/* The device breaks a queue: a log line; every buffer of both queues
 * comes back once with -EIO; nothing more is taken. */
static void hostile(enum fake_hostile how, bool on_rx_queue, const char *log)
{
    struct rig r;
    struct virtio_net_hdr h = net_hdr(0, 0, 0, 0, 0);

    rig_open(&r, fake_create_net());
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 60, (void *)(uintptr_t)50), 0);
    r.d->hold = true;
    vnet_kick(r.v);
    r.d->hostile = how;
    if (on_rx_queue)
        EXPECT_TRUE(fake_net_rx(r.d, &h, r.frame, FRAME_LEN));
    else
        fake_complete_held(r.d, false);
    log_clear();
    /* A queue broken by the other's reap is drained at its own next reap. */
    unsigned n = vnet_rx_reap(r.v, on_rx, &r.got) + vnet_tx_reap(r.v, on_tx, &r.got);
    n += vnet_rx_reap(r.v, on_rx, &r.got) + vnet_tx_reap(r.v, on_tx, &r.got);
    EXPECT_LOG(log);
    EXPECT_TRUE(vnet_broken(r.v));
    EXPECT_EQ(n, NBUF + 1);
    EXPECT_EQ(r.got.n, NBUF + 1);
    uintptr_t seen = 0;
    for (unsigned i = 0; i < r.got.n && i < 64; i++) {
        EXPECT_EQ(r.got.status[i], -XEN_EIO);
        seen |= 1ull << (r.got.cookie[i] % 64);
    }
    EXPECT_EQ(seen, (1ull << 50) | 0x1e); /* cookies 1..4 and 50, each once */
    EXPECT_EQ(vnet_rx_post(r.v, dma_bus_addr(r.rx[0]), RX_BYTES, NULL), -XEN_EIO);
    EXPECT_EQ(vnet_tx(r.v, NULL, dma_bus_addr(r.frame), 60, NULL), -XEN_EIO);
    EXPECT_EQ(vnet_rx_reap(r.v, on_rx, &r.got) + vnet_tx_reap(r.v, on_tx, &r.got), 0);
    r.d->hostile = FAKE_HONEST;
    rig_close(&r);
}

TEST(hostile_receive_length_beyond_the_buffer)
{
    hostile(FAKE_BAD_LEN, true, "length above what was offered: 268435456, 65565");
}

TEST(hostile_receive_shorter_than_the_header)
{
    hostile(FAKE_SHORT_LEN, true, "receive buffer for 5 bytes, less than its header");
}

TEST(hostile_receive_id)
{
    hostile(FAKE_BAD_ID, true, "id not in flight: 19, 16");
}

TEST(hostile_receive_used_index)
{
    hostile(FAKE_USED_IDX_JUMP, true, "used index ahead of what is in flight");
}

TEST(hostile_transmit_length)
{
    hostile(FAKE_BAD_LEN, false, "length above what was offered: 268435456, 0");
}

TEST(hostile_transmit_used_twice)
{
    hostile(FAKE_TWICE, false, "used index ahead of what is in flight");
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(negotiation),
        TEST_ENTRY(negotiation_bare),
        TEST_ENTRY(mac_zero_or_multicast_ignored),
        TEST_ENTRY(required_features_and_queues),
        TEST_ENTRY(queue_of_one_entry),
        TEST_ENTRY(close_when_reset_never_ends),
        TEST_ENTRY(out_of_memory),
        TEST_ENTRY(receive_with_metadata),
        TEST_ENTRY(receive_metadata_checked),
        TEST_ENTRY(receive_metadata_not_negotiated),
        TEST_ENTRY(transmit_with_metadata),
        TEST_ENTRY(transmit_checked_before_queueing),
        TEST_ENTRY(transmit_queue_full),
        TEST_ENTRY(interrupt_binding),
        TEST_ENTRY(hostile_receive_length_beyond_the_buffer),
        TEST_ENTRY(hostile_receive_shorter_than_the_header),
        TEST_ENTRY(hostile_receive_id),
        TEST_ENTRY(hostile_receive_used_index),
        TEST_ENTRY(hostile_transmit_length),
        TEST_ENTRY(hostile_transmit_used_twice),
        TEST_END,
    });
}
