/* SPDX-License-Identifier: MIT */
/*
 * The switch of switch.h, part one: the ports and their segments, the
 * dispatch of each frame that comes in (anti-spoofing first), the
 * learning bridge, and transmission with the software offload fallbacks
 * (offload.h) for ports that cannot take a frame as it is. The route and
 * NAT modes' IP paths and proxy ARP are in route.c.
 */
#include "switch.h"

#include <stdio.h>
#include <string.h>

#include "drivers/env.h"
#include "idl/xen_errno.h"
#include "nat.h"
#include "offload.h"
#include "proto.h"
#include "switch_priv.h"

#define MAC_BUCKETS      256u
#define MAC_WAYS         4u
#define MAC_AGE_NS       (300ull * 1000000000ull) /* Linux's bridge default, as Xen's dom0 has it */
#define SPOOF_LOG_NS     (5ull * 1000000000ull)   /* at most one spoofing line a vif per 5 s */
#define DHCP_CLIENT_PORT 68u
#define DHCP_SERVER_PORT 67u

struct switch_port switch_ports[SWITCH_PORTS_MAX + 1];
uint64_t switch_now_ns;
const uint8_t switch_vif_side_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Bridge names by segment index; index SWITCH_SEG_MAIN is xenbr0. */
static char seg_names[SWITCH_PORTS_MAX + 1][SWITCH_NAME];

struct mac_entry {
    bool used;
    uint8_t seg, port;
    uint8_t mac[6];
    uint64_t seen_ns;
};

static struct mac_entry mac_table[MAC_BUCKETS][MAC_WAYS];

struct switch_port *switch_port_at(int port)
{
    if (port < 1 || port > (int)SWITCH_PORTS_MAX || !switch_ports[port].used)
        return NULL;
    return &switch_ports[port];
}

int switch_port_kind_index(enum switch_port_kind kind)
{
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX; i++)
        if (switch_ports[i].used && switch_ports[i].cfg.kind == kind)
            return i;
    return 0;
}

/* ---- the MAC table ---- */

static struct mac_entry *mac_bucket(uint8_t seg, const uint8_t mac[6])
{
    uint32_t h = seg;

    for (unsigned i = 0; i < 6; i++)
        h = h * 31u + mac[i];
    return mac_table[h % MAC_BUCKETS];
}

static bool mac_live(const struct mac_entry *m)
{
    return m->used && switch_now_ns - m->seen_ns < MAC_AGE_NS;
}

static int mac_lookup(uint8_t seg, const uint8_t mac[6])
{
    struct mac_entry *b = mac_bucket(seg, mac);

    for (unsigned w = 0; w < MAC_WAYS; w++)
        if (mac_live(&b[w]) && b[w].seg == seg && proto_mac_eq(b[w].mac, mac))
            return b[w].port;
    return 0;
}

static void mac_learn(uint8_t seg, const uint8_t mac[6], int port)
{
    struct mac_entry *b = mac_bucket(seg, mac);
    struct mac_entry *slot = NULL;

    for (unsigned w = 0; w < MAC_WAYS; w++) {
        if (b[w].used && b[w].seg == seg && proto_mac_eq(b[w].mac, mac)) {
            slot = &b[w]; /* known: refreshed, and moved if it moved */
            break;
        }
        if (!slot || (slot->used && (!b[w].used || b[w].seen_ns < slot->seen_ns)))
            slot = &b[w]; /* else a free way, else the oldest */
    }
    slot->used = true;
    slot->seg = seg;
    slot->port = (uint8_t)port;
    memcpy(slot->mac, mac, 6);
    slot->seen_ns = switch_now_ns;
}

static void mac_forget(int port, bool all_aged)
{
    for (unsigned i = 0; i < MAC_BUCKETS; i++)
        for (unsigned w = 0; w < MAC_WAYS; w++)
            if (mac_table[i][w].used && (mac_table[i][w].port == port || (all_aged && !mac_live(&mac_table[i][w]))))
                mac_table[i][w].used = false;
}

/* ---- segments ---- */

static bool seg_in_use(unsigned seg)
{
    if (seg == SWITCH_SEG_MAIN)
        return true;
    for (unsigned i = 1; i <= SWITCH_PORTS_MAX; i++)
        if (switch_ports[i].used && switch_ports[i].seg == seg)
            return true;
    return false;
}

/* The segment of bridge name (one exists for every name of a port in use,
 * and there are more indices than ports). */
static uint8_t seg_of(const char *name)
{
    unsigned free_seg = SWITCH_SEG_NONE;

    if (!name[0] || !strcmp(name, SWITCH_MAIN_BRIDGE))
        return SWITCH_SEG_MAIN;
    for (unsigned s = 1; s <= SWITCH_PORTS_MAX; s++) {
        if (!seg_in_use(s)) {
            if (free_seg == SWITCH_SEG_NONE)
                free_seg = s;
        } else if (!strcmp(seg_names[s], name)) {
            return (uint8_t)s;
        }
    }
    snprintf(seg_names[free_seg], SWITCH_NAME, "%s", name);
    return (uint8_t)free_seg;
}

/* ---- adding and removing ports ---- */

static bool cfg_str_ok(const char s[SWITCH_NAME])
{
    return memchr(s, 0, SWITCH_NAME) != NULL;
}

static bool ip_in_use(uint32_t ip)
{
    for (unsigned i = 1; i <= SWITCH_PORTS_MAX; i++)
        if (switch_ports[i].used && switch_ports[i].cfg.kind == SWITCH_PORT_VIF &&
            switch_ports[i].cfg.mode != SWITCH_MODE_BRIDGE && switch_ports[i].cfg.ip == ip)
            return true;
    return false;
}

static int cfg_check(const struct switch_port_cfg *cfg, const struct switch_port_ops *ops)
{
    if (!ops || !ops->xmit || !cfg_str_ok(cfg->name) || !cfg_str_ok(cfg->bridge))
        return -XEN_EINVAL;
    if (proto_mac_is_zero(cfg->mac) || proto_mac_is_multicast(cfg->mac))
        return -XEN_EINVAL;
    switch (cfg->kind) {
    case SWITCH_PORT_NIC:
    case SWITCH_PORT_HOST: return switch_port_kind_index(cfg->kind) ? -XEN_EINVAL : 0;
    case SWITCH_PORT_VIF: break;
    default: return -XEN_EINVAL;
    }
    switch (cfg->mode) {
    case SWITCH_MODE_BRIDGE: return 0;
    case SWITCH_MODE_ROUTE:
    case SWITCH_MODE_NAT:
        if (!cfg->ip || cfg->prefix > 30u || ip_in_use(cfg->ip))
            return -XEN_EINVAL;
        return 0;
    default: return -XEN_EINVAL;
    }
}

/* vif-nat's router address: the guest's with 127 added to the last
 * octet (wrapping at 256, where vif-nat would write an invalid one). */
static uint32_t nat_router_ip(uint32_t ip)
{
    uint8_t b[4];

    memcpy(b, &ip, 4);
    b[3] = (uint8_t)(b[3] + 127u);
    memcpy(&ip, b, 4);
    return ip;
}

static void log_port(int port, const struct switch_port *pt)
{
    char mac[18], ip[16], router[16];

    proto_mac_fmt(mac, pt->cfg.mac);
    proto_ipv4_fmt(ip, pt->cfg.ip);
    proto_ipv4_fmt(router, pt->router_ip);
    if (pt->cfg.kind != SWITCH_PORT_VIF)
        drivers_log("switch: port %d %s (%s on %s), mac %s", port, pt->cfg.name,
                    pt->cfg.kind == SWITCH_PORT_NIC ? "the NIC" : "the host", SWITCH_MAIN_BRIDGE, mac);
    else if (pt->cfg.mode == SWITCH_MODE_BRIDGE)
        drivers_log("switch: port %d %s (bridge %s), mac %s", port, pt->cfg.name,
                    pt->seg == SWITCH_SEG_MAIN ? SWITCH_MAIN_BRIDGE : seg_names[pt->seg], mac);
    else if (pt->cfg.mode == SWITCH_MODE_ROUTE)
        drivers_log("switch: port %d %s (route %s), mac %s", port, pt->cfg.name, ip, mac);
    else
        drivers_log("switch: port %d %s (nat %s/%u, router %s), mac %s", port, pt->cfg.name, ip, pt->cfg.prefix, router,
                    mac);
}

int switch_port_add(const struct switch_port_cfg *cfg, const struct switch_port_ops *ops, void *ctx)
{
    struct switch_port *pt;
    int port = 0;
    int r = cfg_check(cfg, ops);

    if (r)
        return r;
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX && !port; i++)
        if (!switch_ports[i].used)
            port = i;
    if (!port)
        return -XEN_ENOSPC;
    pt = &switch_ports[port];
    memset(pt, 0, sizeof(*pt));
    pt->cfg = *cfg;
    pt->ops = ops;
    pt->ctx = ctx;
    if (pt->cfg.mode == SWITCH_MODE_NAT && !pt->cfg.prefix)
        pt->cfg.prefix = 24;
    if (cfg->kind != SWITCH_PORT_VIF)
        pt->seg = SWITCH_SEG_MAIN;
    else if (cfg->mode == SWITCH_MODE_BRIDGE)
        pt->seg = seg_of(cfg->bridge);
    else
        pt->seg = SWITCH_SEG_NONE;
    if (cfg->kind == SWITCH_PORT_VIF && cfg->mode == SWITCH_MODE_NAT)
        pt->router_ip = nat_router_ip(cfg->ip);
    if (cfg->kind != SWITCH_PORT_VIF)
        pt->cfg.ip = 0; /* no anti-spoofing on the NIC and the host port */
    pt->used = true;
    log_port(port, pt);
    return port;
}

void switch_port_del(int port)
{
    struct switch_port *pt = switch_port_at(port);

    if (!pt)
        return;
    if (pt->cfg.kind == SWITCH_PORT_VIF && pt->cfg.mode == SWITCH_MODE_NAT)
        nat_port_del(port);
    mac_forget(port, false);
    pt->used = false;
    drivers_log("switch: port %d %s removed", port, pt->cfg.name);
}

/* ---- sending ---- */

void switch_drop(int port, struct pkt *p)
{
    struct switch_port *pt = switch_port_at(port);

    if (pt)
        pt->c.dropped++;
    pkt_put(p);
}

void switch_spoofed(int port, struct pkt *p, const uint8_t mac[6], uint32_t ip)
{
    struct switch_port *pt = switch_port_at(port);
    char m[18], a[16];

    pkt_put(p);
    if (!pt)
        return;
    pt->c.spoofed++;
    if (pt->spoof_logged && switch_now_ns - pt->spoof_log_ns < SPOOF_LOG_NS)
        return;
    pt->spoof_logged = true;
    pt->spoof_log_ns = switch_now_ns;
    proto_mac_fmt(m, mac);
    proto_ipv4_fmt(a, ip);
    drivers_log("switch: %s: dropped a frame with a forged source (mac %s%s%s), %llu so far", pt->cfg.name, m,
                ip ? ", ip " : "", ip ? a : "", (unsigned long long)pt->c.spoofed);
}

static bool gso_ok(const struct switch_port_cfg *cfg, uint8_t gso_type)
{
    if (gso_type == PKT_GSO_TCPV4)
        return cfg->gso_tcpv4_ok;
    if (gso_type == PKT_GSO_TCPV6)
        return cfg->gso_tcpv6_ok;
    return false;
}

static void send_segment(void *ctx, struct pkt *seg)
{
    int port = *(const int *)ctx;

    if (seg->gso_type != PKT_GSO_NONE) { /* would loop: segmenting must end it */
        switch_drop(port, seg);
        return;
    }
    switch_send(port, seg);
}

void switch_send(int port, struct pkt *p)
{
    struct switch_port *pt = switch_port_at(port);

    if (!pt) {
        pkt_put(p);
        return;
    }
    if (p->gso_type != PKT_GSO_NONE && !gso_ok(&pt->cfg, p->gso_type)) {
        if (offload_gso_segment(p, send_segment, &port) != 0)
            pt->c.dropped++;
        return;
    }
    if ((p->flags & PKT_CSUM_PARTIAL) && !pt->cfg.csum_partial_ok) {
        p = pkt_unshare(p); /* a flooded frame is shared */
        if (!p) {
            pt->c.dropped++;
            return;
        }
        if (offload_csum_complete(p) != 0) {
            switch_drop(port, p);
            return;
        }
    }
    pt->c.tx_frames++;
    pt->c.tx_bytes += p->len;
    pt->ops->xmit(pt->ctx, p);
}

/* ---- bridging ---- */

static void flood(uint8_t seg, int in_port, struct pkt *p)
{
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX; i++) {
        if (i != in_port && switch_ports[i].used && switch_ports[i].seg == seg) {
            pkt_get(p);
            switch_send(i, p);
        }
    }
    pkt_put(p);
}

void switch_bridge(uint8_t seg, int in_port, struct pkt *p, bool learn)
{
    const uint8_t *dst = p->data, *src = p->data + 6; /* callers parsed the Ethernet header */
    int out;

    if (learn && !proto_mac_is_multicast(src) && !proto_mac_is_zero(src))
        mac_learn(seg, src, in_port);
    out = proto_mac_is_multicast(dst) ? 0 : mac_lookup(seg, dst);
    if (!out || !switch_port_at(out) || switch_ports[out].seg != seg) {
        flood(seg, in_port, p);
    } else if (out == in_port) {
        pkt_put(p); /* for the side it came from, as a bridge filters it (not counted) */
    } else {
        switch_send(out, p);
    }
}

/* ---- anti-spoofing and dispatch ---- */

/* A DHCP client's message (UDP 68 to 67, not a fragment): allowed from
 * any source address, as vif-common's iptables rules allow it. */
static bool is_dhcp_client(const struct pkt *p)
{
    struct proto_hdrs h;

    return proto_parse(p, &h) == 0 && !h.v6 && h.proto == IP_PROTO_UDP &&
           get_be16(p->data + h.l4 + UDP_OFF_SPORT) == DHCP_CLIENT_PORT &&
           get_be16(p->data + h.l4 + UDP_OFF_DPORT) == DHCP_SERVER_PORT;
}

/* The IP half of anti-spoofing, for vifs with an address: the IPv4
 * source and the ARP sender (hardware and protocol). False when p was
 * consumed (spoofed, or malformed). */
static bool vif_ip_ok(int port, const struct switch_port *pt, struct pkt *p, const struct proto_eth *e)
{
    struct proto_arp a;
    struct proto_ipv4 ip;

    if (e->type == ETH_TYPE_ARP) {
        if (proto_arp_parse(p, &a) != 0) {
            switch_drop(port, p);
            return false;
        }
        if (!proto_mac_eq(a.sha, pt->cfg.mac)) {
            switch_spoofed(port, p, a.sha, 0);
            return false;
        }
        if (a.spa != pt->cfg.ip && a.spa != 0) { /* 0: a probe (RFC 5227) */
            switch_spoofed(port, p, a.sha, a.spa);
            return false;
        }
    } else if (e->type == ETH_TYPE_IPV4) {
        if (proto_ipv4_parse(p, ETH_HLEN, &ip) != 0) {
            switch_drop(port, p);
            return false;
        }
        if (ip.src != pt->cfg.ip && !is_dhcp_client(p)) {
            switch_spoofed(port, p, e->src, ip.src);
            return false;
        }
    }
    return true;
}

static bool vif_source_ok(int port, const struct switch_port *pt, struct pkt *p, const struct proto_eth *e)
{
    if (!proto_mac_eq(e->src, pt->cfg.mac)) {
        switch_spoofed(port, p, e->src, 0);
        return false;
    }
    return !pt->cfg.ip || vif_ip_ok(port, pt, p, e);
}

void switch_input(int port, struct pkt *p)
{
    struct switch_port *pt = switch_port_at(port);
    struct proto_eth e;

    if (!pt) {
        pkt_put(p);
        return;
    }
    p->in_port = (uint16_t)port;
    pt->c.rx_frames++;
    pt->c.rx_bytes += p->len;
    if (proto_eth_parse(p, &e) != 0) {
        switch_drop(port, p);
        return;
    }
    if (pt->cfg.kind == SWITCH_PORT_VIF) {
        if (!vif_source_ok(port, pt, p, &e))
            return;
        if (pt->cfg.mode != SWITCH_MODE_BRIDGE) {
            route_from_vif(port, p, &e);
            return;
        }
    }
    if (pt->seg == SWITCH_SEG_MAIN && route_intercept(port, p, &e))
        return;
    switch_bridge(pt->seg, port, p, true);
}

void switch_tick(uint64_t now_ns)
{
    switch_now_ns = now_ns;
    mac_forget(0, true);
    nat_expire(now_ns);
}

bool switch_counters_get(int port, struct switch_counters *out)
{
    const struct switch_port *pt = switch_port_at(port);

    if (!pt)
        return false;
    *out = pt->c;
    return true;
}
