/* SPDX-License-Identifier: MIT */
/*
 * The switch of switch.h, part two: the IP paths of the route and NAT
 * modes, as vif-route and vif-nat make dom0 a router. netdrv is that
 * router: towards guests it shows the fixed MAC fe:ff:ff:ff:ff:ff (as
 * Xen's backend vif does), towards the outside the host port's MAC (the
 * NIC has no address of its own), so proxy ARP on the outside answers
 * with the host's MAC. Only IPv4 is routed: IPv6 from a route or NAT vif
 * is dropped and counted. No ICMP errors are sent (an expired TTL or a
 * missing next hop is a counted drop). Anti-spoofing ran before any of
 * this (switch.c).
 */
#include <string.h>

#include "dhcpd.h"
#include "ipstack.h"
#include "nat.h"
#include "proto.h"
#include "switch_priv.h"

#define DHCP_LEASE_SECS 86400u /* one day */

/* The vif of a routed guest with address ip: route-mode vifs, and with
 * nat_too NAT-mode vifs (reachable from the host and other guests only). */
static int guest_by_ip(uint32_t ip, bool nat_too)
{
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX; i++) {
        const struct switch_port *pt = &switch_ports[i];
        if (pt->used && pt->cfg.kind == SWITCH_PORT_VIF && pt->cfg.ip == ip &&
            (pt->cfg.mode == SWITCH_MODE_ROUTE || (nat_too && pt->cfg.mode == SWITCH_MODE_NAT)))
            return i;
    }
    return 0;
}

static bool any_nat_vif(void)
{
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX; i++)
        if (switch_ports[i].used && switch_ports[i].cfg.kind == SWITCH_PORT_VIF &&
            switch_ports[i].cfg.mode == SWITCH_MODE_NAT)
            return true;
    return false;
}

static uint32_t host_ip(void)
{
    uint32_t ip, mask, gw;

    return ipstack_addr(&ip, &mask, &gw) ? ip : 0;
}

static bool ip_is_unicast(uint32_t ip)
{
    uint8_t b[4];

    memcpy(b, &ip, 4);
    return ip != 0 && b[0] < 224u; /* not multicast, class E or broadcast */
}

static uint32_t mask_of_prefix(uint8_t prefix)
{
    uint32_t host_order = prefix ? ~0u << (32u - prefix) : 0;
    uint8_t b[4] = { (uint8_t)(host_order >> 24), (uint8_t)(host_order >> 16), (uint8_t)(host_order >> 8),
                     (uint8_t)host_order };
    uint32_t m;

    memcpy(&m, b, 4);
    return m;
}

/* The outside next hop's MAC for dst: dst itself when on the host's
 * subnet, else the gateway; false when there is none or lwIP's ARP cache
 * lacks it (it has just asked: the sender retries). */
static bool next_hop(uint32_t dst, uint8_t mac[6])
{
    uint32_t ip, mask, gw, hop;

    if (!ipstack_addr(&ip, &mask, &gw))
        return false;
    hop = ((dst ^ ip) & mask) == 0 ? dst : gw;
    return hop != 0 && ipstack_resolve(hop, mac);
}

/* Forward p (parsed as ip, owned by us) to vif port: TTL down when
 * forwarded (not when the host sent it), guest's MAC, vif-side MAC. */
static void to_guest(int in_port, int port, struct pkt *p, struct proto_ipv4 *ip, bool forwarded)
{
    const struct switch_port *g = switch_port_at(port);

    if (!g || (forwarded && ip->ttl <= 1)) {
        switch_drop(in_port, p);
        return;
    }
    if (forwarded)
        proto_ipv4_ttl_dec(p, ip);
    proto_eth_set(p, g->cfg.mac, switch_vif_side_mac);
    switch_send(port, p);
}

/* ---- from a route or NAT vif ---- */

static void vif_arp(int port, const struct switch_port *pt, struct pkt *p)
{
    struct proto_arp a;
    struct pkt *r;
    bool answer;

    if (proto_arp_parse(p, &a) != 0) {
        switch_drop(port, p);
        return;
    }
    if (pt->cfg.mode == SWITCH_MODE_ROUTE)
        answer = a.tpa != pt->cfg.ip && a.tpa != 0; /* every address but its own: all is routed */
    else
        answer = a.tpa == pt->router_ip;
    /* announcements, replies, other addresses: nothing to do */
    r = answer && a.op == ARP_REQUEST ? proto_arp_reply(&a, switch_vif_side_mac) : NULL;
    pkt_put(p); /* after the reply took its buffer: never the request's own */
    if (!answer || a.op != ARP_REQUEST)
        return;
    if (!r) {
        switch_ports[port].c.dropped++;
        return;
    }
    switch_send(port, r);
}

static void nat_dhcp(int port, const struct switch_port *pt, struct pkt *p)
{
    struct dhcpd_lease lease = {
        .client_ip = pt->cfg.ip,
        .router_ip = pt->router_ip,
        .mask = mask_of_prefix(pt->cfg.prefix),
        .dns_ip = 0,
        .lease_secs = DHCP_LEASE_SECS,
    };
    struct pkt *r;

    memcpy(lease.client_mac, pt->cfg.mac, 6);
    memcpy(lease.server_mac, switch_vif_side_mac, 6);
    r = dhcpd_reply(p, &lease);
    pkt_put(p);
    if (r)
        switch_send(port, r);
}

/* A NAT guest's packet to its router's address: netdrv answers pings
 * itself (lwIP does not hold the router address); the rest is dropped. */
static void nat_router(int port, const struct switch_port *pt, struct pkt *p, struct proto_ipv4 *ip)
{
    p = pkt_unshare(p);
    if (!p) {
        switch_ports[port].c.dropped++;
        return;
    }
    if (proto_icmp_echo_answer(p, ip) != 0) {
        switch_drop(port, p);
        return;
    }
    proto_eth_set(p, pt->cfg.mac, switch_vif_side_mac);
    switch_send(port, p);
}

/* Out through the main segment, as if the host port sent it (it is the
 * router): to the NIC or a bridge vif of xenbr0. */
static void to_outside(int port, const struct switch_port *pt, struct pkt *p, struct proto_ipv4 *ip)
{
    int host = switch_port_kind_index(SWITCH_PORT_HOST);
    uint32_t hip = host_ip();
    uint8_t mac[6];

    if (!host || !hip || ip->ttl <= 1 || !next_hop(ip->dst, mac)) {
        switch_drop(port, p);
        return;
    }
    p = pkt_unshare(p);
    if (!p) {
        switch_ports[port].c.dropped++;
        return;
    }
    if (pt->cfg.mode == SWITCH_MODE_NAT) {
        if (nat_outbound(p, port, hip, switch_now_ns) != 0 || proto_ipv4_parse(p, ETH_HLEN, ip) != 0) {
            switch_drop(port, p);
            return;
        }
    }
    proto_ipv4_ttl_dec(p, ip);
    proto_eth_set(p, mac, switch_ports[host].cfg.mac);
    switch_bridge(SWITCH_SEG_MAIN, host, p, false);
}

static void vif_ipv4(int port, const struct switch_port *pt, struct pkt *p)
{
    struct proto_ipv4 ip;
    int host, guest;

    if (proto_ipv4_parse(p, ETH_HLEN, &ip) != 0) {
        switch_drop(port, p);
        return;
    }
    if (pt->cfg.mode == SWITCH_MODE_NAT && dhcpd_is_request(p)) {
        nat_dhcp(port, pt, p);
        return;
    }
    if (ip.src != pt->cfg.ip || !ip_is_unicast(ip.dst)) { /* DHCP elsewhere, broadcasts, multicast */
        switch_drop(port, p);
        return;
    }
    if (pt->cfg.mode == SWITCH_MODE_NAT && ip.dst == pt->router_ip) {
        nat_router(port, pt, p, &ip);
        return;
    }
    guest = guest_by_ip(ip.dst, true);
    host = switch_port_kind_index(SWITCH_PORT_HOST);
    if (guest) {
        p = pkt_unshare(p);
        if (p)
            to_guest(port, guest, p, &ip, true);
        else
            switch_ports[port].c.dropped++;
    } else if (host && ip.dst == host_ip()) {
        p = pkt_unshare(p);
        if (!p) {
            switch_ports[port].c.dropped++;
            return;
        }
        proto_eth_set(p, switch_ports[host].cfg.mac, switch_vif_side_mac);
        switch_send(host, p);
    } else {
        to_outside(port, pt, p, &ip);
    }
}

void route_from_vif(int port, struct pkt *p, const struct proto_eth *e)
{
    const struct switch_port *pt = &switch_ports[port];

    if (e->type == ETH_TYPE_ARP)
        vif_arp(port, pt, p);
    else if (e->type == ETH_TYPE_IPV4)
        vif_ipv4(port, pt, p);
    else
        switch_drop(port, p); /* IPv6 and the rest are not routed */
}

/* ---- from the main segment ---- */

/* Proxy ARP: requests for a routed guest's address get the host's MAC
 * (the host port itself, asking also for NAT guests, gets the vif-side
 * MAC, so lwIP never sees its own MAC as a neighbour's). */
static bool proxy_arp(int in_port, int host, struct pkt *p)
{
    struct proto_arp a;
    struct pkt *r;

    if (proto_arp_parse(p, &a) != 0 || a.op != ARP_REQUEST || a.spa == a.tpa || !guest_by_ip(a.tpa, in_port == host))
        return false;
    r = proto_arp_reply(&a, in_port == host ? switch_vif_side_mac : switch_ports[host].cfg.mac);
    pkt_put(p);
    if (!r) {
        switch_ports[in_port].c.dropped++;
        return true;
    }
    switch_send(in_port, r);
    return true;
}

/* IPv4 to the host's address while NAT vifs exist: a reply to a
 * masqueraded connection goes to its guest, the rest to the host. */
static void nat_in(int in_port, int host, struct pkt *p, uint32_t hip)
{
    struct proto_ipv4 ip;
    int port;

    p = pkt_unshare(p);
    if (!p) {
        switch_ports[in_port].c.dropped++;
        return;
    }
    port = nat_inbound(p, hip, switch_now_ns);
    if (port < 0) {
        switch_drop(in_port, p);
    } else if (port == 0) {
        switch_send(host, p);
    } else if (switch_port_at(port) && switch_ports[port].cfg.mode == SWITCH_MODE_NAT &&
               proto_ipv4_parse(p, ETH_HLEN, &ip) == 0) {
        to_guest(in_port, port, p, &ip, true);
    } else {
        switch_drop(in_port, p);
    }
}

bool route_intercept(int in_port, struct pkt *p, const struct proto_eth *e)
{
    int host = switch_port_kind_index(SWITCH_PORT_HOST);
    struct proto_ipv4 ip;
    uint32_t hip;
    int guest;

    if (!host)
        return false; /* no router without the host */
    if (e->type == ETH_TYPE_ARP)
        return proxy_arp(in_port, host, p);
    if (e->type != ETH_TYPE_IPV4 || (in_port != host && !proto_mac_eq(e->dst, switch_ports[host].cfg.mac)))
        return false;
    if (proto_ipv4_parse(p, ETH_HLEN, &ip) != 0)
        return false;
    guest = guest_by_ip(ip.dst, in_port == host);
    if (guest) {
        p = pkt_unshare(p);
        if (p)
            to_guest(in_port, guest, p, &ip, in_port != host);
        else
            switch_ports[in_port].c.dropped++;
        return true;
    }
    hip = host_ip();
    if (in_port == host || !hip || ip.dst != hip || !any_nat_vif())
        return false;
    nat_in(in_port, host, p, hip);
    return true;
}
