/* SPDX-License-Identifier: MIT */
/*
 * netdrv's own IPv4 host (ipstack.h): one lwIP netif on the switch's host
 * port, its address static or from lwIP's DHCP client; lwIP itself
 * answers ARP and ping. Frames cross between the port and lwIP through
 * two queues emptied by ipstack_poll, so neither side is re-entered from
 * the other's callbacks (the switch asks ipstack_resolve mid-forward).
 * Not here: routing and NAT of guests' traffic (switch.c), the command
 * line as a whole (main.c hands each word to ipstack_parse_arg).
 */
#include "ipstack.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "idl/xen_errno.h"
#include "lwip/def.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "mosaic/time.h"
#include "netif/ethernet.h"
#include "offload.h"
#include "switch.h"

#define RXQ_LEN       64u                      /* frames from the port waiting for lwIP */
#define FRAME_MAX     (PKT_ETH_HLEN + PKT_MTU) /* larger ones are not for this host */
#define ETH_MIN_FRAME 60u                      /* without the FCS: shorter frames are padded */
#define ASKED_SLOTS   8u                       /* addresses recently asked for by ipstack_resolve */
#define ASK_INTERVAL  TIME_NS_PER_S

struct asked {
    uint32_t ip;
    uint64_t at_ns;
};

static struct {
    bool started;
    bool lwip_ready; /* lwip_init done: once per domain */
    int port;        /* the switch's host port */
    uint8_t mac[6];  /* its MAC, for host_netif_init */
    struct netif netif;
    struct pbuf *rxq[RXQ_LEN]; /* ring: rx_head .. rx_head + rx_n */
    unsigned rx_head, rx_n;
    struct pktq txq; /* lwIP's frames for switch_input */
    uint64_t now_ns; /* the last ipstack_poll's clock */
    uint64_t dropped;
    uint32_t shown_ip, shown_mask, shown_gw; /* the last address logged */
    struct asked asked[ASKED_SLOTS];
} ip_host;

/* lwIP's clock (NO_SYS: the one function the port supplies). */
u32_t sys_now(void)
{
    return (u32_t)(runtime_time_ns() / TIME_NS_PER_MS);
}

/* ---- command line ---- */

/* parse_dec: a decimal number of at most max at *s, advancing *s. */
static bool parse_dec(const char **s, unsigned max, unsigned *out)
{
    unsigned v = 0, digits = 0;

    while (**s >= '0' && **s <= '9' && digits < 4) {
        v = v * 10 + (unsigned)(**s - '0');
        (*s)++;
        digits++;
    }
    *out = v;
    return digits > 0 && digits < 4 && v <= max;
}

/* parse_ipv4: a dotted quad (four decimal parts) at *s, in network order. */
static bool parse_ipv4(const char **s, uint32_t *ip)
{
    uint8_t b[4];

    for (unsigned i = 0; i < 4; i++) {
        unsigned v;
        if (i > 0 && *(*s)++ != '.')
            return false;
        if (!parse_dec(s, 255, &v))
            return false;
        b[i] = (uint8_t)v;
    }
    memcpy(ip, b, sizeof(*ip));
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* parse_mac: xx:xx:xx:xx:xx:xx, the whole of s. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++, s += 3) {
        int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
        if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static uint32_t prefix_mask(unsigned prefix)
{
    return lwip_htonl(prefix ? 0xffffffffu << (32 - prefix) : 0);
}

/* mask_prefix: the number of bits set (no libgcc: no __builtin_popcount). */
static unsigned mask_prefix(uint32_t mask)
{
    unsigned n = 0;

    for (; mask; mask &= mask - 1)
        n++;
    return n;
}

static bool mac_zero(const uint8_t mac[6])
{
    static const uint8_t zero[6];

    return memcmp(mac, zero, sizeof(zero)) == 0;
}

/* mac_unicast: neither zero nor a group address. */
static bool mac_unicast(const uint8_t mac[6])
{
    return !(mac[0] & 1) && !mac_zero(mac);
}

static int bad_arg(const char *arg, const char *why)
{
    drivers_log("netdrv: %s: %s", arg, why);
    return -XEN_EINVAL;
}

static int parse_ip_arg(const char *arg, const char *v, struct ipstack_cfg *cfg)
{
    uint32_t ip;
    unsigned prefix;

    if (strcmp(v, "dhcp") == 0) {
        cfg->dhcp = true;
        cfg->ip = cfg->mask = 0;
        return 1;
    }
    if (!parse_ipv4(&v, &ip) || *v++ != '/' || !parse_dec(&v, 32, &prefix) || *v || prefix == 0)
        return bad_arg(arg, "expected ip=A.B.C.D/N (N 1 to 32) or ip=dhcp");
    if (ip == 0 || ip == 0xffffffffu || (((const uint8_t *)&ip)[0] & 0xf0) == 0xe0)
        return bad_arg(arg, "not a host address");
    cfg->dhcp = false;
    cfg->ip = ip;
    cfg->mask = prefix_mask(prefix);
    return 1;
}

int ipstack_parse_arg(const char *arg, struct ipstack_cfg *cfg)
{
    const char *v = strchr(arg, '=');
    uint32_t gw;
    uint8_t mac[6];

    if (!v)
        return 0;
    v++;
    if (strncmp(arg, "ip=", 3) == 0)
        return parse_ip_arg(arg, v, cfg);
    if (strncmp(arg, "gw=", 3) == 0) {
        if (!parse_ipv4(&v, &gw) || *v || gw == 0 || gw == 0xffffffffu)
            return bad_arg(arg, "expected gw=A.B.C.D");
        cfg->gw = gw;
        return 1;
    }
    if (strncmp(arg, "mac=", 4) == 0) {
        if (!parse_mac(v, mac))
            return bad_arg(arg, "expected mac=xx:xx:xx:xx:xx:xx");
        if (!mac_unicast(mac))
            return bad_arg(arg, "not a unicast MAC");
        memcpy(cfg->mac, mac, 6);
        return 1;
    }
    return 0;
}

int ipstack_cfg_finish(struct ipstack_cfg *cfg, uint16_t domid)
{
    if (!cfg->dhcp && cfg->ip == 0)
        cfg->dhcp = true;
    if (cfg->dhcp && cfg->gw) {
        drivers_log("netdrv: gw= goes with a static ip=A.B.C.D/N, not ip=dhcp");
        return -XEN_EINVAL;
    }
    if (!cfg->dhcp && cfg->gw && ((cfg->gw ^ cfg->ip) & cfg->mask)) {
        drivers_log("netdrv: gw= is outside the host's subnet (ip=)");
        return -XEN_EINVAL;
    }
    if (mac_zero(cfg->mac)) {
        const uint8_t mac[6] = { 0x02, 0x6d, 0x6f, 0x00, (uint8_t)(domid >> 8), (uint8_t)domid };
        memcpy(cfg->mac, mac, 6);
    }
    return 0;
}

/* ---- frames between the switch and lwIP ---- */

/* host_linkoutput: lwIP's frame, copied into a pkt queued for the switch. */
static err_t host_linkoutput(struct netif *netif, struct pbuf *pb)
{
    uint32_t len = pb->tot_len < ETH_MIN_FRAME ? ETH_MIN_FRAME : pb->tot_len;
    struct pkt *p = pkt_alloc(len);

    (void)netif;
    if (!p) {
        ip_host.dropped++;
        return ERR_MEM;
    }
    memset(p->data + pb->tot_len, 0, len - pb->tot_len);
    if (pbuf_copy_partial(pb, p->data, pb->tot_len, 0) != pb->tot_len) {
        pkt_put(p);
        ip_host.dropped++;
        return ERR_BUF;
    }
    p->flags = PKT_CSUM_VALID; /* lwIP computed every checksum */
    pktq_push(&ip_host.txq, p);
    return ERR_OK;
}

/* frame_for_lwip: p as lwIP takes it: checksums complete, no GSO (the
 * switch cuts GSO frames for a port that does not take them, as this one
 * says it does not: one that gets here is dropped). NULL: dropped. */
static struct pkt *frame_for_lwip(struct pkt *p)
{
    if (p->gso_type != PKT_GSO_NONE || p->len < PKT_ETH_HLEN) {
        pkt_put(p);
        return NULL;
    }
    if (!(p->flags & PKT_CSUM_PARTIAL))
        return p;
    p = pkt_unshare(p);
    if (p && offload_csum_complete(p) != 0) {
        pkt_put(p);
        p = NULL;
    }
    return p;
}

/* host_xmit: the switch's frame for the host, copied into a pbuf queued
 * for lwIP (ipstack_poll). */
static void host_xmit(void *ctx, struct pkt *p)
{
    struct pbuf *pb = NULL;

    (void)ctx;
    p = frame_for_lwip(p);
    if (p && ip_host.rx_n < RXQ_LEN && p->len <= FRAME_MAX)
        pb = pbuf_alloc(PBUF_RAW, (u16_t)p->len, PBUF_POOL);
    if (pb && pbuf_take(pb, p->data, (u16_t)p->len) != ERR_OK) {
        pbuf_free(pb);
        pb = NULL;
    }
    if (p)
        pkt_put(p);
    if (!pb) {
        ip_host.dropped++;
        return;
    }
    ip_host.rxq[(ip_host.rx_head + ip_host.rx_n) % RXQ_LEN] = pb;
    ip_host.rx_n++;
}

/* rxq_pop: the oldest frame queued for lwIP, or NULL. */
static struct pbuf *rxq_pop(void)
{
    struct pbuf *pb;

    if (!ip_host.rx_n)
        return NULL;
    pb = ip_host.rxq[ip_host.rx_head];
    ip_host.rxq[ip_host.rx_head] = NULL;
    ip_host.rx_head = (ip_host.rx_head + 1) % RXQ_LEN;
    ip_host.rx_n--;
    return pb;
}

static void rxq_deliver(void)
{
    struct pbuf *pb;

    while ((pb = rxq_pop()))
        if (ip_host.netif.input(pb, &ip_host.netif) != ERR_OK)
            pbuf_free(pb);
}

static void txq_flush(void)
{
    struct pkt *p;

    while ((p = pktq_pop(&ip_host.txq)))
        switch_input(ip_host.port, p);
}

static void rxq_purge(void)
{
    struct pbuf *pb;

    while ((pb = rxq_pop()))
        pbuf_free(pb);
}

/* ---- the netif ---- */

static void log_addr(void)
{
    const uint8_t *a = (const uint8_t *)&ip_host.shown_ip, *g = (const uint8_t *)&ip_host.shown_gw;

    if (!ip_host.shown_ip) {
        drivers_log("netdrv: host has no address");
        return;
    }
    if (ip_host.shown_gw)
        drivers_log("netdrv: host %u.%u.%u.%u/%u gw %u.%u.%u.%u", a[0], a[1], a[2], a[3],
                    mask_prefix(ip_host.shown_mask), g[0], g[1], g[2], g[3]);
    else
        drivers_log("netdrv: host %u.%u.%u.%u/%u", a[0], a[1], a[2], a[3], mask_prefix(ip_host.shown_mask));
}

/* host_status: lwIP's word that the netif's address changed (set, bound
 * by DHCP, or lost): one line per change. */
static void host_status(struct netif *netif)
{
    uint32_t ip = ip4_addr_get_u32(netif_ip4_addr(netif));
    uint32_t mask = ip4_addr_get_u32(netif_ip4_netmask(netif));
    uint32_t gw = ip4_addr_get_u32(netif_ip4_gw(netif));

    if (!netif_is_up(netif))
        ip = mask = gw = 0;
    if (ip == ip_host.shown_ip && mask == ip_host.shown_mask && gw == ip_host.shown_gw)
        return;
    ip_host.shown_ip = ip;
    ip_host.shown_mask = mask;
    ip_host.shown_gw = gw;
    log_addr();
}

static err_t host_netif_init(struct netif *netif)
{
    netif->name[0] = 'h';
    netif->name[1] = 'o';
    netif->mtu = PKT_MTU;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, ip_host.mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = host_linkoutput;
    return ERR_OK;
}

static int port_add(const struct ipstack_cfg *cfg)
{
    struct switch_port_cfg pc;
    static const struct switch_port_ops ops = { .xmit = host_xmit };

    memset(&pc, 0, sizeof(pc));
    pc.kind = SWITCH_PORT_HOST;
    pc.mode = SWITCH_MODE_BRIDGE;
    strcpy(pc.name, "host");
    memcpy(pc.mac, cfg->mac, 6);
    /* lwIP wants whole frames with complete checksums: the switch
     * completes and cuts for this port (csum_partial_ok, gso_*_ok false). */
    return switch_port_add(&pc, &ops, NULL);
}

static bool cfg_ok(const struct ipstack_cfg *cfg)
{
    return mac_unicast(cfg->mac) && (cfg->dhcp || (cfg->ip && cfg->mask));
}

/* netif_start: lwIP's netif for the host port, up, with cfg's address
 * or asking DHCP for one. */
static int netif_start(const struct ipstack_cfg *cfg)
{
    ip4_addr_t ip, mask, gw;

    ip4_addr_set_u32(&ip, cfg->dhcp ? 0 : cfg->ip);
    ip4_addr_set_u32(&mask, cfg->dhcp ? 0 : cfg->mask);
    ip4_addr_set_u32(&gw, cfg->dhcp ? 0 : cfg->gw);
    memcpy(ip_host.mac, cfg->mac, 6);
    if (!netif_add(&ip_host.netif, &ip, &mask, &gw, NULL, host_netif_init, ethernet_input))
        return -XEN_EINVAL;
    netif_set_status_callback(&ip_host.netif, host_status);
    netif_set_default(&ip_host.netif);
    netif_set_link_up(&ip_host.netif);
    netif_set_up(&ip_host.netif);
    if (!cfg->dhcp)
        return 0;
    drivers_log("netdrv: host asks DHCP for an address (mac %02x:%02x:%02x:%02x:%02x:%02x)", cfg->mac[0], cfg->mac[1],
                cfg->mac[2], cfg->mac[3], cfg->mac[4], cfg->mac[5]);
    return dhcp_start(&ip_host.netif) == ERR_OK ? 0 : -XEN_ENOMEM;
}

int ipstack_init(const struct ipstack_cfg *cfg)
{
    int port, r;

    if (ip_host.started)
        return -XEN_EBUSY;
    if (!cfg_ok(cfg))
        return -XEN_EINVAL;
    port = port_add(cfg);
    if (port < 0)
        return port;
    if (!ip_host.lwip_ready) {
        /* DHCP's transaction ids, TCP's ports and sequence numbers. */
        srand((unsigned)runtime_time_ns() ^ ((unsigned)cfg->mac[4] << 8 | cfg->mac[5]));
        lwip_init();
        ip_host.lwip_ready = true;
    }
    ip_host.port = port;
    ip_host.started = true;
    r = netif_start(cfg);
    if (r)
        ipstack_stop();
    return r;
}

void ipstack_stop(void)
{
    if (!ip_host.started)
        return;
    dhcp_release_and_stop(&ip_host.netif);
    dhcp_cleanup(&ip_host.netif);
    netif_set_down(&ip_host.netif);
    netif_remove(&ip_host.netif);
    switch_port_del(ip_host.port);
    rxq_purge();
    pktq_purge(&ip_host.txq);
    ip_host.port = 0;
    ip_host.started = false;
    ip_host.shown_ip = ip_host.shown_mask = ip_host.shown_gw = 0;
    memset(ip_host.asked, 0, sizeof(ip_host.asked));
}

void ipstack_poll(uint64_t now_ns)
{
    if (!ip_host.started)
        return;
    ip_host.now_ns = now_ns;
    rxq_deliver();
    sys_check_timeouts();
    txq_flush();
}

uint64_t ipstack_deadline_ns(uint64_t now_ns)
{
    u32_t ms;

    if (!ip_host.started)
        return UINT64_MAX;
    if (ip_host.rx_n || ip_host.txq.n)
        return now_ns;
    ms = sys_timeouts_sleeptime();
    if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
        return UINT64_MAX;
    return now_ns + (uint64_t)ms * TIME_NS_PER_MS;
}

bool ipstack_addr(uint32_t *ip, uint32_t *mask, uint32_t *gw)
{
    const struct netif *n = &ip_host.netif;

    if (!ip_host.started || !netif_is_up(n) || ip4_addr_isany_val(*netif_ip4_addr(n)))
        return false;
    *ip = ip4_addr_get_u32(netif_ip4_addr(n));
    *mask = ip4_addr_get_u32(netif_ip4_netmask(n));
    *gw = ip4_addr_get_u32(netif_ip4_gw(n));
    return true;
}

/* may_ask: whether an ARP request for ip is due (none in the last
 * second), noting it if so in a free or the oldest slot (ip 0: free). */
static bool may_ask(uint32_t ip)
{
    struct asked *slot = &ip_host.asked[0];

    for (unsigned i = 0; i < ASKED_SLOTS; i++) {
        struct asked *a = &ip_host.asked[i];
        if (a->ip == ip) {
            if (ip_host.now_ns - a->at_ns < ASK_INTERVAL)
                return false;
            slot = a;
            break;
        }
        if (slot->ip && (!a->ip || a->at_ns < slot->at_ns))
            slot = a;
    }
    slot->ip = ip;
    slot->at_ns = ip_host.now_ns;
    return true;
}

bool ipstack_resolve(uint32_t ip, uint8_t mac[6])
{
    ip4_addr_t addr;
    struct eth_addr *eth;
    const ip4_addr_t *found;

    if (!ip_host.started)
        return false;
    ip4_addr_set_u32(&addr, ip);
    if (etharp_find_addr(&ip_host.netif, &addr, &eth, &found) >= 0) {
        memcpy(mac, eth->addr, ETH_HWADDR_LEN);
        return true;
    }
    if (ip && netif_is_up(&ip_host.netif) && !ip4_addr_isany_val(*netif_ip4_addr(&ip_host.netif)) && may_ask(ip))
        (void)etharp_request(&ip_host.netif, &addr);
    return false;
}

int ipstack_port(void)
{
    return ip_host.port;
}

uint64_t ipstack_dropped(void)
{
    return ip_host.dropped;
}
