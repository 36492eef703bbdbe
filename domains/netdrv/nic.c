/* SPDX-License-Identifier: MIT */
/*
 * netdrv's NIC port (nic.h): virtio-net's frames to and from the switch.
 * Receive buffers are frames of the pool, as large as the device may fill
 * (a whole GSO frame when it may send those: no mergeable buffers), each
 * replaced by a fresh one as it goes to the switch. The device's offload
 * metadata becomes pkt.h's and back; what the device was not given
 * (checksums, segmentation) the switch does in software before xmit.
 * Does not do: a second NIC, link-state changes (logged at start only).
 */
#include "nic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/pci.h"
#include "drivers/virtio_net.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"
#include "mosaic/evtchn.h"
#include "pkt.h"
#include "switch.h"

#define NIC_QUEUE 256u /* entries per queue (the device's maximum if smaller) */
#define NIC_FUNCS 256u /* assigned functions looked at, at most */

static struct {
    struct pci_func *f;
    struct vnet *dev;
    int port;
    uint8_t mac[6];
    bool irq;
    bool broken_seen;
    bool kick;          /* posted or queued since the last kick */
    uint32_t rx_len;    /* bytes a receive buffer must hold */
    unsigned rx_target; /* buffers we keep posted */
    unsigned rx_posted; /* buffers the device holds */
    struct nic_counters cnt;
} nic;

static void on_irq(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg; /* the loop polls the NIC after each wake-up */
}

static uint64_t pkt_bus(const struct pkt *p)
{
    return dma_bus_addr(p->buf) + (uint64_t)(p->data - p->buf);
}

/* Post one fresh receive buffer; false when the pool or the queue has
 * none to spare. */
static bool rx_post_one(void)
{
    struct pkt *p = pkt_alloc(nic.rx_len);

    if (!p)
        return false;
    if (vnet_rx_post(nic.dev, pkt_bus(p), p->cap, p) != 0) {
        pkt_put(p);
        return false;
    }
    nic.rx_posted++;
    nic.kick = true;
    return true;
}

static void rx_refill(void)
{
    while (nic.rx_posted < nic.rx_target && !vnet_broken(nic.dev)) {
        if (!rx_post_one()) {
            nic.cnt.rx_starved++;
            break;
        }
    }
}

/* The device's metadata in pkt.h's terms (vnet checked it against the
 * frame's length). */
static void meta_to_pkt(const struct vnet_meta *m, struct pkt *p)
{
    p->flags = 0;
    if (m->flags & VNET_META_NEEDS_CSUM) {
        p->flags |= PKT_CSUM_PARTIAL;
        p->csum_start = m->csum_start;
        p->csum_offset = m->csum_offset;
    }
    if (m->flags & VNET_META_DATA_VALID)
        p->flags |= PKT_CSUM_VALID;
    p->gso_type = m->gso_type == VNET_GSO_TCPV4   ? PKT_GSO_TCPV4
                  : m->gso_type == VNET_GSO_TCPV6 ? PKT_GSO_TCPV6
                                                  : PKT_GSO_NONE;
    p->gso_size = p->gso_type == PKT_GSO_NONE ? 0 : m->gso_size;
}

static void rx_done(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg)
{
    struct pkt *p = cookie;

    *(bool *)arg = true;
    nic.rx_posted--;
    if (status != 0) {
        if (status == -XEN_EINVAL)
            nic.cnt.rx_bad++;
        pkt_put(p); /* refilled with a fresh buffer below, unless the device broke */
        return;
    }
    p->len = len;
    meta_to_pkt(m, p);
    nic.cnt.rx_frames++;
    switch_input(nic.port, p);
}

static void tx_done(void *cookie, int status, void *arg)
{
    (void)status; /* sent or not, the frame is done with */
    *(bool *)arg = true;
    pkt_put(cookie);
}

/* The bytes of Ethernet, IP and TCP headers of a TCP GSO frame whose
 * checksum starts at the TCP header: a hint for the device; 0 when the
 * TCP header is not inside the frame. */
static uint16_t gso_hdr_len(const struct pkt *p)
{
    uint32_t tcp = p->csum_start;

    if (tcp + 20u > p->len)
        return 0;
    uint32_t end = tcp + ((uint32_t)(p->data[tcp + 12] >> 4) * 4u);
    return end >= tcp + 20u && end <= p->len ? (uint16_t)end : 0;
}

static void pkt_to_meta(const struct pkt *p, struct vnet_meta *m)
{
    *m = (struct vnet_meta){ 0 };
    if (p->flags & PKT_CSUM_PARTIAL) {
        m->flags = VNET_META_NEEDS_CSUM;
        m->csum_start = p->csum_start;
        m->csum_offset = p->csum_offset;
    }
    if (p->gso_type == PKT_GSO_TCPV4 || p->gso_type == PKT_GSO_TCPV6) {
        m->gso_type = p->gso_type == PKT_GSO_TCPV4 ? VNET_GSO_TCPV4 : VNET_GSO_TCPV6;
        m->gso_size = p->gso_size;
        m->hdr_len = gso_hdr_len(p);
    }
}

/* The switch's xmit: the frame to the device, its reference held until
 * the device is done (tx_done); dropped and counted when it cannot go. */
static void nic_xmit(void *ctx, struct pkt *p)
{
    struct vnet_meta m;
    bool moved = false;
    int rc;

    (void)ctx;
    pkt_to_meta(p, &m);
    rc = vnet_tx(nic.dev, &m, pkt_bus(p), p->len, p);
    if (rc == -XEN_EAGAIN && vnet_tx_reap(nic.dev, tx_done, &moved))
        rc = vnet_tx(nic.dev, &m, pkt_bus(p), p->len, p); /* completions made room */
    if (rc) {
        nic.cnt.tx_dropped++;
        pkt_put(p);
        return;
    }
    nic.cnt.tx_frames++;
    nic.kick = true;
}

static bool is_virtio_net(const struct pci_func *f)
{
    return pci_cfg_read16(f, 0) == VIRTIO_PCI_VENDOR &&
           pci_cfg_read16(f, 2) == VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_NET;
}

/* The device's MAC, or a locally administered unicast one from the PCI
 * address. */
static void mac_choose(void)
{
    if (vnet_mac(nic.dev, nic.mac))
        return;
    const uint8_t made[6] = {
        0x02, 0x4d, 0x53, (uint8_t)(nic.f->sbdf >> 16), (uint8_t)(nic.f->sbdf >> 8), (uint8_t)nic.f->sbdf
    };
    memcpy(nic.mac, made, sizeof(made));
    printf("netdrv: nic: the device gives no MAC: using a made-up one\n");
}

static void log_nic(void)
{
    struct vnet_offloads o;
    unsigned bus = (nic.f->sbdf >> 8) & 0xff, dev = (nic.f->sbdf >> 3) & 0x1f, fn = nic.f->sbdf & 7;

    vnet_offloads(nic.dev, &o);
    printf("netdrv: nic: PCI %02x:%02x.%u, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", bus, dev, fn, nic.mac[0],
           nic.mac[1], nic.mac[2], nic.mac[3], nic.mac[4], nic.mac[5], vnet_link_up(nic.dev) ? "up" : "down");
    printf("netdrv: nic: offloads: transmit%s%s%s, receive%s%s%s\n", o.tx_csum ? " csum" : "", o.tx_tso4 ? " tso4" : "",
           o.tx_tso6 ? " tso6" : "", o.rx_csum ? " csum" : "", o.rx_tso4 ? " tso4" : "", o.rx_tso6 ? " tso6" : "");
}

/* The first virtio-net function that starts: nic.f and nic.dev. */
static int nic_find(void)
{
    for (unsigned i = 0; i < NIC_FUNCS; i++) {
        struct pci_func *f = calloc(1, sizeof(*f));
        int r = f ? pci_func_open(i, f) : -XEN_ENOMEM;
        if (r == 0 && is_virtio_net(f)) {
            r = vnet_open(f, NIC_QUEUE, &nic.dev);
            if (r == 0) {
                nic.f = f;
                return 0;
            }
            printf("netdrv: PCI function %u: virtio-net device does not start (%d)\n", i, r);
        }
        free(f);
        if (r == -XEN_ENOENT)
            break;
        if (r && r != -XEN_ENOENT)
            printf("netdrv: PCI function %u: cannot open it (%d)\n", i, r);
    }
    return -XEN_ENODEV;
}

static const struct switch_port_ops nic_ops = { .xmit = nic_xmit };

int nic_init(unsigned rx_buffers)
{
    struct switch_port_cfg cfg = { .kind = SWITCH_PORT_NIC, .mode = SWITCH_MODE_BRIDGE, .name = "nic" };
    struct vnet_offloads o;
    uint32_t port;

    if (nic_find() != 0) {
        printf("netdrv: no virtio-net NIC: serving vifs only\n");
        return -XEN_ENODEV;
    }
    mac_choose();
    log_nic();
    vnet_offloads(nic.dev, &o);
    memcpy(cfg.mac, nic.mac, sizeof(cfg.mac));
    cfg.csum_partial_ok = o.tx_csum;
    cfg.gso_tcpv4_ok = o.tx_tso4;
    cfg.gso_tcpv6_ok = o.tx_tso6;
    nic.port = switch_port_add(&cfg, &nic_ops, NULL);
    if (nic.port < 0) {
        int r = nic.port;
        printf("netdrv: nic: the switch refused the port (%d)\n", r);
        vnet_close(nic.dev);
        nic.port = 0;
        nic.dev = NULL;
        return r;
    }
    nic.rx_len = vnet_rx_buf_min(nic.dev);
    nic.rx_target = rx_buffers < vnet_queue_size(nic.dev) ? rx_buffers : vnet_queue_size(nic.dev);
    rx_refill();
    if (nic.rx_posted < nic.rx_target)
        printf("netdrv: nic: %u of %u receive buffers posted: the pool is short\n", nic.rx_posted, nic.rx_target);
    if (vnet_irq_bind(nic.dev, &port) == 0) {
        nic.irq = true;
        evtchn_set_handler(port, on_irq, NULL);
    } else {
        printf("netdrv: nic: no interrupt: polling the device\n");
    }
    nic_kick();
    return 0;
}

static bool reap(void)
{
    bool moved = false;

    (void)vnet_rx_reap(nic.dev, rx_done, &moved);
    (void)vnet_tx_reap(nic.dev, tx_done, &moved);
    return moved;
}

bool nic_poll(void)
{
    bool moved;

    if (!nic.dev)
        return false;
    moved = reap();
    /* Re-arm; what came meanwhile may raise no interrupt. */
    while (nic.irq && vnet_irq_ack(nic.dev))
        moved |= reap();
    if (vnet_broken(nic.dev) && !nic.broken_seen) {
        nic.broken_seen = true;
        printf("netdrv: nic: the device broke its queues' protocol: the NIC is out of service\n");
    }
    rx_refill();
    return moved;
}

void nic_kick(void)
{
    if (nic.dev && nic.kick) {
        nic.kick = false;
        vnet_kick(nic.dev);
    }
}

bool nic_polled(void)
{
    return nic.dev && !nic.irq;
}

int nic_port(void)
{
    return nic.port;
}

bool nic_mac(uint8_t mac[6])
{
    if (!nic.dev)
        return false;
    memcpy(mac, nic.mac, 6);
    return true;
}

void nic_counters_get(struct nic_counters *out)
{
    *out = nic.cnt;
}
