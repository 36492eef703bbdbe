/* SPDX-License-Identifier: MIT */
/*
 * The management NIC as lwIP's netif (mgmtnet.h). Receive buffers are
 * DMA blocks as large as the device may fill; each frame is copied into
 * a pbuf queued for lwIP and its buffer posted again at once. lwIP's
 * frames are copied into transmit buffers of a small pool, returned as
 * the device completes them. lwIP computes every checksum; a received
 * frame with a partial checksum (virtio's NEEDS_CSUM) is completed here,
 * a GSO frame is dropped (lwIP takes MTU-sized frames; QEMU's user-mode
 * network never sends one).
 * Does not do: link changes after start, a second NIC, IPv6.
 */
#include "mgmtnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/pci.h"
#include "drivers/virtio_net.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "mosaic/evtchn.h"
#include "mosaic/time.h"
#include "netif/ethernet.h"

#define QUEUE_SIZE    64u /* entries per virtqueue, at most */
#define RX_BUFFERS    32u /* receive buffers kept posted */
#define TX_BUFFERS    32u /* transmit buffers, VNET_FRAME_MAX each */
#define RXQ_LEN       64u /* frames waiting for lwIP */
#define ETH_MIN_FRAME 60u /* without the FCS: shorter frames are padded */
#define MTU           1500u
#define FUNCS_MAX     256u /* assigned functions looked at, at most */
#define POLL_NS       (200 * TIME_NS_PER_US)

static struct {
    struct pci_func func;
    struct vnet *dev;
    bool irq, kick, broken_seen;
    uint8_t mac[6];
    uint32_t rx_len;
    void *rx_buf[RX_BUFFERS];
    void *tx_buf[TX_BUFFERS];
    unsigned tx_free[TX_BUFFERS], tx_nfree;
    struct pbuf *rxq[RXQ_LEN];
    unsigned rx_head, rx_n;
    struct netif netif;
    uint32_t shown[3]; /* the address, mask and gateway last logged */
    uint64_t dropped;
} mn;

/* lwIP's clock (NO_SYS: the one function the port supplies). */
u32_t sys_now(void)
{
    return (u32_t)(runtime_time_ns() / TIME_NS_PER_MS);
}

/* ---- the command line ---- */

static int bad_arg(const char *arg, const char *why)
{
    printf("control: %s: %s\n", arg, why);
    return -XEN_EINVAL;
}

int mgmtnet_parse_arg(const char *arg, struct mgmtnet_cfg *cfg)
{
    char addr[16];
    ip4_addr_t a;

    if (!strcmp(arg, "ip=dhcp")) {
        cfg->is_static = false;
        cfg->ip = cfg->mask = 0;
        return 1;
    }
    if (!strncmp(arg, "ip=", 3)) {
        const char *slash = strchr(arg, '/');
        char *end;
        size_t n = slash ? (size_t)(slash - arg - 3) : 0;
        unsigned long prefix = slash ? strtoul(slash + 1, &end, 10) : 0;
        if (!slash || n == 0 || n >= sizeof(addr) || *end || end == slash + 1 || prefix < 1 || prefix > 32)
            return bad_arg(arg, "expected ip=A.B.C.D/N (N 1 to 32) or ip=dhcp");
        memcpy(addr, arg + 3, n);
        addr[n] = '\0';
        if (!ip4addr_aton(addr, &a) || ip4_addr_isany_val(a) || ip4_addr_ismulticast(&a))
            return bad_arg(arg, "not a host address");
        cfg->is_static = true;
        cfg->ip = ip4_addr_get_u32(&a);
        cfg->mask = lwip_htonl(0xffffffffu << (32 - prefix));
        return 1;
    }
    if (!strncmp(arg, "gw=", 3)) {
        if (!ip4addr_aton(arg + 3, &a) || ip4_addr_isany_val(a))
            return bad_arg(arg, "expected gw=A.B.C.D");
        cfg->gw = ip4_addr_get_u32(&a);
        return 1;
    }
    return 0;
}

/* ---- the device ---- */

static void on_irq(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg; /* the loop polls the NIC after each wake-up */
}

static void rx_post(unsigned i)
{
    if (vnet_rx_post(mn.dev, dma_bus_addr(mn.rx_buf[i]), mn.rx_len, (void *)(uintptr_t)i) == 0)
        mn.kick = true;
}

/* A partial checksum (NEEDS_CSUM) completed: the one's complement sum of
 * the frame from csum_start, stored at csum_start + csum_offset (the
 * field holds the pseudo-header's sum already; virtio 1.x, 5.1.6.2). */
static bool csum_complete(uint8_t *frame, uint32_t len, const struct vnet_meta *m)
{
    uint32_t at = (uint32_t)m->csum_start + m->csum_offset;

    if (m->csum_start >= len || at + 2u > len || len - m->csum_start > 0xffffu)
        return false;
    uint16_t sum = inet_chksum(frame + m->csum_start, (u16_t)(len - m->csum_start));
    memcpy(frame + at, &sum, sizeof(sum));
    return true;
}

static void rx_done(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg)
{
    unsigned i = (unsigned)(uintptr_t)cookie;
    uint8_t *frame = mn.rx_buf[i];
    struct pbuf *pb = NULL;

    *(bool *)arg = true;
    if (status == 0 && m->gso_type == VNET_GSO_NONE && len <= VNET_FRAME_MAX && mn.rx_n < RXQ_LEN &&
        (!(m->flags & VNET_META_NEEDS_CSUM) || csum_complete(frame, len, m)))
        pb = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (pb && pbuf_take(pb, frame, (u16_t)len) == ERR_OK) {
        mn.rxq[(mn.rx_head + mn.rx_n) % RXQ_LEN] = pb;
        mn.rx_n++;
    } else {
        if (pb)
            pbuf_free(pb);
        if (status != -XEN_EIO)
            mn.dropped++;
    }
    if (!vnet_broken(mn.dev))
        rx_post(i);
}

static void tx_done(void *cookie, int status, void *arg)
{
    (void)status; /* sent or not, the buffer is free again */
    *(bool *)arg = true;
    mn.tx_free[mn.tx_nfree++] = (unsigned)(uintptr_t)cookie;
}

static bool reap(void)
{
    bool moved = false;

    (void)vnet_rx_reap(mn.dev, rx_done, &moved);
    (void)vnet_tx_reap(mn.dev, tx_done, &moved);
    return moved;
}

/* linkoutput: lwIP's frame copied into a transmit buffer and queued. */
static err_t link_output(struct netif *netif, struct pbuf *pb)
{
    uint32_t len = pb->tot_len < ETH_MIN_FRAME ? ETH_MIN_FRAME : pb->tot_len;

    (void)netif;
    if (!mn.tx_nfree)
        (void)reap(); /* completions may free one; frames received meanwhile wait in rxq */
    if (!mn.tx_nfree || len > VNET_FRAME_MAX) {
        mn.dropped++;
        return ERR_MEM;
    }
    unsigned i = mn.tx_free[--mn.tx_nfree];
    uint8_t *buf = mn.tx_buf[i];
    memset(buf + pb->tot_len, 0, len - pb->tot_len);
    if (pbuf_copy_partial(pb, buf, pb->tot_len, 0) != pb->tot_len ||
        vnet_tx(mn.dev, NULL, dma_bus_addr(buf), len, (void *)(uintptr_t)i) != 0) {
        mn.tx_free[mn.tx_nfree++] = i;
        mn.dropped++;
        return ERR_BUF;
    }
    mn.kick = true;
    return ERR_OK;
}

static bool is_virtio_net(const struct pci_func *f)
{
    return pci_cfg_read16(f, 0) == VIRTIO_PCI_VENDOR &&
           pci_cfg_read16(f, 2) == VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_NET;
}

/* The first assigned virtio-net function that starts. */
static int nic_open(void)
{
    for (unsigned i = 0; i < FUNCS_MAX; i++) {
        int r = pci_func_open(i, &mn.func);
        if (r == -XEN_ENOENT)
            break;
        if (r != 0) {
            printf("control: PCI function %u: cannot open it (%d)\n", i, r);
            continue;
        }
        if (!is_virtio_net(&mn.func))
            continue;
        r = vnet_open(&mn.func, QUEUE_SIZE, &mn.dev);
        if (r == 0)
            return 0;
        printf("control: PCI function %u: the virtio-net device does not start (%d)\n", i, r);
    }
    printf("control: no virtio-net NIC assigned (manifest: pci = [...]): nothing to serve on\n");
    return -XEN_ENODEV;
}

static int buffers_alloc(void)
{
    uint64_t bus;

    mn.rx_len = vnet_rx_buf_min(mn.dev);
    for (unsigned i = 0; i < RX_BUFFERS; i++)
        if (!(mn.rx_buf[i] = dma_alloc(mn.rx_len, 4096, &bus)))
            return -XEN_ENOMEM;
    for (unsigned i = 0; i < TX_BUFFERS; i++) {
        if (!(mn.tx_buf[i] = dma_alloc(VNET_FRAME_MAX, 64, &bus)))
            return -XEN_ENOMEM;
        mn.tx_free[mn.tx_nfree++] = i;
    }
    return 0;
}

/* ---- lwIP ---- */

/* One line per address change (set, bound by DHCP, lost), checked after
 * lwIP ran: its status callback comes before DHCP sets the gateway. */
static void log_address(void)
{
    const struct netif *netif = &mn.netif;
    bool up = netif_is_up(netif);
    uint32_t ip = up ? ip4_addr_get_u32(netif_ip4_addr(netif)) : 0;
    uint32_t mask = up ? ip4_addr_get_u32(netif_ip4_netmask(netif)) : 0;
    uint32_t gw = up ? ip4_addr_get_u32(netif_ip4_gw(netif)) : 0;
    char a[16], g[16];
    unsigned prefix = 0;

    if (ip == mn.shown[0] && mask == mn.shown[1] && gw == mn.shown[2])
        return;
    mn.shown[0] = ip;
    mn.shown[1] = mask;
    mn.shown[2] = gw;
    if (!ip) {
        printf("control: the management network has no address\n");
        return;
    }
    for (uint32_t m = lwip_ntohl(mask); m; m <<= 1)
        prefix++;
    ip4addr_ntoa_r(netif_ip4_addr(netif), a, sizeof(a));
    ip4addr_ntoa_r(netif_ip4_gw(netif), g, sizeof(g));
    /* QEMU's restricted user-mode network offers no router: no gateway. */
    printf("control: address %s/%u%s%s\n", a, prefix, gw ? " gw " : "", gw ? g : "");
}

static err_t netif_setup(struct netif *netif)
{
    netif->name[0] = 'm';
    netif->name[1] = 'g';
    netif->mtu = MTU;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, mn.mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = link_output;
    return ERR_OK;
}

static int lwip_start(const struct mgmtnet_cfg *cfg)
{
    ip4_addr_t ip, mask, gw;

    ip4_addr_set_u32(&ip, cfg->is_static ? cfg->ip : 0);
    ip4_addr_set_u32(&mask, cfg->is_static ? cfg->mask : 0);
    ip4_addr_set_u32(&gw, cfg->is_static ? cfg->gw : 0);
    lwip_init();
    if (!netif_add(&mn.netif, &ip, &mask, &gw, NULL, netif_setup, ethernet_input))
        return -XEN_EINVAL;
    netif_set_default(&mn.netif);
    netif_set_link_up(&mn.netif);
    netif_set_up(&mn.netif);
    if (cfg->is_static)
        return 0;
    printf("control: asking DHCP for an address\n");
    return dhcp_start(&mn.netif) == ERR_OK ? 0 : -XEN_ENOMEM;
}

int mgmtnet_init(const struct mgmtnet_cfg *cfg)
{
    uint32_t port;
    int r;

    if (cfg->gw && !cfg->is_static) {
        printf("control: gw= goes with a static ip=A.B.C.D/N\n");
        return -XEN_EINVAL;
    }
    if ((r = nic_open()) != 0)
        return r;
    if (!vnet_mac(mn.dev, mn.mac)) {
        const uint8_t made[6] = {
            0x02, 0x4d, 0x43, (uint8_t)(mn.func.sbdf >> 16), (uint8_t)(mn.func.sbdf >> 8), (uint8_t)mn.func.sbdf
        };
        memcpy(mn.mac, made, sizeof(made));
    }
    printf("control: nic: PCI %02x:%02x.%u, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", (mn.func.sbdf >> 8) & 0xff,
           (mn.func.sbdf >> 3) & 0x1f, mn.func.sbdf & 7, mn.mac[0], mn.mac[1], mn.mac[2], mn.mac[3], mn.mac[4],
           mn.mac[5], vnet_link_up(mn.dev) ? "up" : "down");
    if ((r = buffers_alloc()) != 0) {
        printf("control: no memory for the NIC's buffers\n");
        return r;
    }
    for (unsigned i = 0; i < RX_BUFFERS && i < vnet_queue_size(mn.dev); i++)
        rx_post(i);
    if (vnet_irq_bind(mn.dev, &port) == 0) {
        mn.irq = true;
        evtchn_set_handler(port, on_irq, NULL);
    } else {
        printf("control: nic: no interrupt: polling the device\n");
    }
    if ((r = lwip_start(cfg)) != 0) {
        printf("control: lwIP could not start the netif (%d)\n", r);
        return r;
    }
    vnet_kick(mn.dev);
    return 0;
}

static void rxq_deliver(void)
{
    while (mn.rx_n) {
        struct pbuf *pb = mn.rxq[mn.rx_head];
        mn.rxq[mn.rx_head] = NULL;
        mn.rx_head = (mn.rx_head + 1) % RXQ_LEN;
        mn.rx_n--;
        if (mn.netif.input(pb, &mn.netif) != ERR_OK)
            pbuf_free(pb);
    }
}

bool mgmtnet_poll(uint64_t now_ns)
{
    bool moved;

    (void)now_ns; /* lwIP reads the same clock through sys_now */
    moved = reap();
    /* Re-arm; what came meanwhile may raise no interrupt. */
    while (mn.irq && vnet_irq_ack(mn.dev))
        moved |= reap();
    if (vnet_broken(mn.dev) && !mn.broken_seen) {
        mn.broken_seen = true;
        printf("control: nic: the device broke its queues' protocol: the management network is down\n");
    }
    rxq_deliver();
    sys_check_timeouts();
    log_address();
    if (mn.kick) {
        mn.kick = false;
        vnet_kick(mn.dev);
    }
    return moved;
}

uint64_t mgmtnet_deadline_ns(uint64_t now_ns)
{
    u32_t ms = sys_timeouts_sleeptime();
    uint64_t d = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? UINT64_MAX : now_ns + (uint64_t)ms * TIME_NS_PER_MS;

    if (mn.rx_n)
        return now_ns;
    if (!mn.irq && d > now_ns + POLL_NS)
        d = now_ns + POLL_NS;
    return d;
}

bool mgmtnet_has_addr(void)
{
    return netif_is_up(&mn.netif) && !ip4_addr_isany_val(*netif_ip4_addr(&mn.netif));
}
