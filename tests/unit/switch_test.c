/* SPDX-License-Identifier: MIT */
/*
 * The switch (domains/netdrv/switch.c, route.c) and the header code it
 * uses (proto.c) over recording ports and the fakes of netdrv_fake.c: the
 * learning bridge (flooding, learning, aging, moves, segments), anti-
 * spoofing in each mode, the route mode both ways (TTL and checksum),
 * proxy ARP on both sides, the NAT mode's calls and DHCP, the offload
 * fallbacks; every test ends with the frame pool back at its start.
 */
#include "switch.h"

#include <string.h>

#include "csum.h"
#include "harness.h"
#include "idl/xen_errno.h"
#include "netdrv_fake.h"
#include "netframe.h"
#include "pkt.h"
#include "proto.h"

#define SEC 1000000000ull

static const uint8_t MAC_NIC[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_HOST[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t MAC_A[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x0b };
static const uint8_t MAC_C[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x0c };
static const uint8_t MAC_PEER[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x99 };
static const uint8_t MAC_GW[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x88 };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_VIFSIDE[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

static unsigned pool_small, pool_big;

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    uint8_t x[4] = { (uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d };
    uint32_t v;

    memcpy(&v, x, 4);
    return v;
}

/* ---- recording ports ---- */

/* A port's far side: the frames it got, in order (an array: a flooded
 * frame sits at several ports at once, so pkt.next cannot link it). */
#define FPORT_MAX 64u
struct fport {
    int port;
    unsigned n, head;
    struct pkt *q[FPORT_MAX];
};

enum { P_NIC, P_HOST, P_A, P_B, P_C, P_D, P_N };
static struct fport fp[P_N];

static void fport_xmit(void *ctx, struct pkt *p)
{
    struct fport *f = ctx;

    if (f->n == FPORT_MAX) {
        test_fail(__FILE__, __LINE__, "port %d got too many frames", f->port);
        pkt_put(p);
        return;
    }
    f->q[(f->head + f->n++) % FPORT_MAX] = p;
}

static const struct switch_port_ops fops = { fport_xmit };

static struct switch_port_cfg cfg_of(enum switch_port_kind kind, enum switch_mode mode, const char *name,
                                     const uint8_t mac[6])
{
    struct switch_port_cfg c;

    memset(&c, 0, sizeof(c));
    c.kind = kind;
    c.mode = mode;
    snprintf(c.name, sizeof(c.name), "%s", name);
    memcpy(c.mac, mac, 6);
    return c;
}

static int add(int which, const struct switch_port_cfg *c)
{
    int r = switch_port_add(c, &fops, &fp[which]);

    EXPECT_TRUE(r > 0);
    fp[which].port = r;
    return r;
}

/* The NIC, the host port (10.0.0.2/24 via 10.0.0.1, neither taking
 * offloaded frames) and the fakes reset. */
static void rig_up(void)
{
    struct switch_port_cfg c;

    fake_net_reset();
    memset(fp, 0, sizeof(fp));
    switch_tick(1 * SEC);
    c = cfg_of(SWITCH_PORT_NIC, SWITCH_MODE_BRIDGE, "nic", MAC_NIC);
    c.csum_partial_ok = c.gso_tcpv4_ok = c.gso_tcpv6_ok = true;
    add(P_NIC, &c);
    c = cfg_of(SWITCH_PORT_HOST, SWITCH_MODE_BRIDGE, "host", MAC_HOST);
    add(P_HOST, &c);
    fake_net.have_addr = true;
    fake_net.ip = ip4(10, 0, 0, 2);
    fake_net.mask = ip4(255, 255, 255, 0);
    fake_net.gw = ip4(10, 0, 0, 1);
}

static struct pkt *fport_pop(struct fport *f)
{
    struct pkt *p;

    if (!f->n)
        return NULL;
    p = f->q[f->head];
    f->head = (f->head + 1) % FPORT_MAX;
    f->n--;
    return p;
}

static void purge(void)
{
    struct pkt *p;

    for (int i = 0; i < P_N; i++)
        while ((p = fport_pop(&fp[i])) != NULL)
            pkt_put(p);
}

static void rig_down(void)
{
    unsigned s, b;

    purge();
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX; i++)
        switch_port_del(i);
    pkt_pool_free(&s, &b);
    EXPECT_EQ(s, pool_small);
    EXPECT_EQ(b, pool_big);
}

static unsigned got(int which)
{
    return fp[which].n;
}

static struct switch_counters counters(int which)
{
    struct switch_counters c;

    memset(&c, 0, sizeof(c));
    EXPECT_TRUE(switch_counters_get(fp[which].port, &c));
    return c;
}

static int add_vif(int which, enum switch_mode mode, const char *bridge, const uint8_t mac[6], uint32_t ip)
{
    char name[16];
    struct switch_port_cfg c;

    snprintf(name, sizeof(name), "vif%d.0", which);
    c = cfg_of(SWITCH_PORT_VIF, mode, name, mac);
    snprintf(c.bridge, sizeof(c.bridge), "%s", bridge);
    c.ip = ip;
    c.csum_partial_ok = c.gso_tcpv4_ok = true;
    return add(which, &c);
}

/* ---- frames ---- */

static struct pkt *mk_eth(const uint8_t dst[6], const uint8_t src[6], uint16_t type, uint32_t len)
{
    struct pkt *p = pkt_alloc(len < ETH_MIN_LEN ? ETH_MIN_LEN : len);

    EXPECT_TRUE(p != NULL);
    memset(p->data, 0, p->len);
    proto_eth_set(p, dst, src);
    p->data[12] = (uint8_t)(type >> 8);
    p->data[13] = (uint8_t)type;
    return p;
}

static struct pkt *mk_ip(const uint8_t dst[6], const uint8_t src[6], uint32_t sip, uint32_t dip, uint8_t proto,
                         uint8_t ttl, uint32_t payload)
{
    struct pkt *p = mk_eth(dst, src, ETH_TYPE_IPV4, 14 + 20 + payload);
    uint8_t *b = p->data + 14;
    struct proto_ipv4 ip;
    uint32_t tot = 20 + payload;

    b[0] = 0x45;
    b[2] = (uint8_t)(tot >> 8);
    b[3] = (uint8_t)tot;
    b[8] = ttl;
    b[9] = proto;
    memcpy(b + 12, &sip, 4);
    memcpy(b + 16, &dip, 4);
    if (proto == IP_PROTO_TCP && payload >= 20)
        b[20 + 12] = 0x50;
    if (proto == IP_PROTO_ICMP && payload >= 8) {
        b[20] = 8; /* echo request */
        b[24] = 0x12;
        b[26] = 0x00;
        b[27] = 0x01;
        b[22] = 0;
        b[23] = 0;
        uint16_t cs = csum_fold(csum_partial(b + 20, payload, 0));
        b[22] = (uint8_t)(cs >> 8);
        b[23] = (uint8_t)cs;
    }
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), 0);
    proto_ipv4_csum_set(p->data + ip.l3, ip.hlen);
    return p;
}

static struct pkt *mk_udp(const uint8_t dst[6], const uint8_t src[6], uint32_t sip, uint32_t dip, uint16_t sport,
                          uint16_t dport)
{
    struct pkt *p = mk_ip(dst, src, sip, dip, IP_PROTO_UDP, 64, 8 + 32);
    uint8_t *u = p->data + 34;

    u[0] = (uint8_t)(sport >> 8);
    u[1] = (uint8_t)sport;
    u[2] = (uint8_t)(dport >> 8);
    u[3] = (uint8_t)dport;
    u[5] = 40;
    return p;
}

static struct pkt *mk_arp(const uint8_t dst[6], const uint8_t src[6], uint16_t op, const uint8_t sha[6], uint32_t spa,
                          uint32_t tpa)
{
    struct pkt *p = mk_eth(dst, src, ETH_TYPE_ARP, ETH_MIN_LEN);
    uint8_t *b = p->data + 14;

    b[1] = 1;
    b[2] = 0x08;
    b[4] = 6;
    b[5] = 4;
    b[7] = (uint8_t)op;
    memcpy(b + 8, sha, 6);
    memcpy(b + 14, &spa, 4);
    memcpy(b + 24, &tpa, 4);
    return p;
}

static void in(int which, struct pkt *p)
{
    switch_input(fp[which].port, p);
}

/* The one frame port which got (popped; the caller puts it). */
static struct pkt *take(int which)
{
    EXPECT_EQ(got(which), 1);
    return fport_pop(&fp[which]);
}

static void expect_ip(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint32_t sip, uint32_t dip,
                      uint8_t ttl)
{
    struct proto_ipv4 ip;

    if (!p)
        return;
    EXPECT_TRUE(proto_mac_eq(p->data, dst));
    EXPECT_TRUE(proto_mac_eq(p->data + 6, src));
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), 0);
    EXPECT_EQ(ip.src, sip);
    EXPECT_EQ(ip.dst, dip);
    EXPECT_EQ(ip.ttl, ttl);
    EXPECT_TRUE(netframe_ipv4_ok(p->data, ip.l3));
    pkt_put(p);
}

static void expect_arp_reply(struct pkt *p, const uint8_t mac[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    struct proto_arp a;

    if (!p)
        return;
    EXPECT_EQ(proto_arp_parse(p, &a), 0);
    EXPECT_EQ(a.op, ARP_REPLY);
    EXPECT_TRUE(proto_mac_eq(a.sha, mac));
    EXPECT_TRUE(proto_mac_eq(p->data + 6, mac));
    EXPECT_TRUE(proto_mac_eq(p->data, tha));
    EXPECT_TRUE(proto_mac_eq(a.tha, tha));
    EXPECT_EQ(a.spa, spa);
    EXPECT_EQ(a.tpa, tpa);
    pkt_put(p);
}

/* ---- proto.c, as the switch uses it ---- */

TEST(proto_parsers_check_lengths)
{
    struct pkt *p = mk_ip(MAC_A, MAC_B, ip4(1, 2, 3, 4), ip4(5, 6, 7, 8), IP_PROTO_TCP, 64, 20 + 10);
    uint32_t full = p->len;
    struct proto_ipv4 ip;
    struct proto_hdrs h;
    struct proto_eth e;

    for (uint32_t n = 0; n < 14 + 20; n++) {
        p->len = n;
        EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), -XEN_EINVAL);
        EXPECT_EQ(proto_eth_parse(p, &e), n < 14 ? -XEN_EINVAL : 0);
    }
    p->len = full;
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), 0);
    EXPECT_EQ(proto_parse(p, &h), 0);
    EXPECT_EQ(h.l4, 34);
    EXPECT_EQ(h.l4_hlen, 20);
    p->data[34 + 12] = 0x40; /* TCP data offset 4 */
    EXPECT_EQ(proto_parse(p, &h), -XEN_EINVAL);
    p->data[34 + 12] = 0xf0; /* 60 bytes: past the packet */
    EXPECT_EQ(proto_parse(p, &h), -XEN_EINVAL);
    p->data[16] = 0x10; /* total length past the frame */
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), -XEN_EINVAL);
    p->data[16] = 0;
    p->data[14] = 0x44; /* IHL 4 */
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), -XEN_EINVAL);
    p->data[14] = 0x65; /* version 6 */
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), -XEN_EINVAL);
    pkt_put(p);

    p = mk_udp(MAC_A, MAC_B, 0, ip4(255, 255, 255, 255), 68, 67);
    EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), 0);
    EXPECT_EQ(proto_parse(p, &h), 0);
    EXPECT_EQ(h.proto, IP_PROTO_UDP);
    EXPECT_EQ(h.l4_hlen, 8);
    p->data[34 + 5] = 41; /* UDP length past the packet */
    EXPECT_EQ(proto_parse(p, &h), -XEN_EINVAL);
    p->data[34 + 5] = 7; /* under the UDP header */
    EXPECT_EQ(proto_parse(p, &h), -XEN_EINVAL);
    pkt_put(p);

    p = mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, ip4(1, 1, 1, 1), ip4(2, 2, 2, 2));
    struct proto_arp a;
    EXPECT_EQ(proto_arp_parse(p, &a), 0);
    EXPECT_EQ(a.spa, ip4(1, 1, 1, 1));
    p->len = 14 + 27;
    EXPECT_EQ(proto_arp_parse(p, &a), -XEN_EINVAL);
    p->len = ETH_MIN_LEN;
    p->data[14 + 4] = 8; /* hardware length */
    EXPECT_EQ(proto_arp_parse(p, &a), -XEN_EINVAL);
    pkt_put(p);

    p = mk_eth(MAC_A, MAC_B, ETH_TYPE_IPV6, 14 + 40 + 8);
    p->data[14] = 0x60;
    p->data[14 + 5] = 8;
    p->data[14 + 6] = 59; /* no next header */
    EXPECT_EQ(proto_parse(p, &h), 0);
    EXPECT_TRUE(h.v6);
    EXPECT_EQ(h.end, 14 + 40 + 8);
    p->data[14 + 5] = 9;
    EXPECT_EQ(proto_parse(p, &h), -XEN_EINVAL);
    p->len = 14 + 39;
    EXPECT_EQ(proto_parse(p, &h), -XEN_EINVAL);
    pkt_put(p);
}

TEST(proto_ttl_dec_keeps_checksum)
{
    for (unsigned ttl = 2; ttl < 256; ttl += 7) {
        for (unsigned proto = 0; proto < 256; proto += 51) {
            struct pkt *p = mk_ip(MAC_A, MAC_B, ip4(10, 1, (uint8_t)ttl, 4), ip4(192, 168, 0, (uint8_t)proto),
                                  (uint8_t)proto, (uint8_t)ttl, 0);
            struct proto_ipv4 ip;
            EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), 0);
            proto_ipv4_ttl_dec(p, &ip);
            EXPECT_EQ(proto_ipv4_parse(p, ETH_HLEN, &ip), 0);
            EXPECT_EQ(ip.ttl, ttl - 1);
            EXPECT_TRUE(netframe_ipv4_ok(p->data, ip.l3));
            pkt_put(p);
        }
    }
}

/* ---- ports ---- */

TEST(port_add_checks)
{
    struct switch_port_cfg c;

    rig_up();
    c = cfg_of(SWITCH_PORT_NIC, SWITCH_MODE_BRIDGE, "nic2", MAC_PEER);
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_EINVAL); /* a second NIC */
    c = cfg_of(SWITCH_PORT_VIF, SWITCH_MODE_BRIDGE, "vif", (const uint8_t[6]){ 0 });
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_EINVAL);
    c = cfg_of(SWITCH_PORT_VIF, SWITCH_MODE_BRIDGE, "vif", MAC_BCAST);
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_EINVAL);
    c = cfg_of(SWITCH_PORT_VIF, SWITCH_MODE_ROUTE, "vif", MAC_A);
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_EINVAL); /* no ip */
    c.mode = SWITCH_MODE_NAT;
    c.ip = ip4(10, 0, 1, 5);
    c.prefix = 31;
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_EINVAL);
    c = cfg_of(SWITCH_PORT_VIF, SWITCH_MODE_BRIDGE, "vif", MAC_A);
    EXPECT_EQ(switch_port_add(&c, NULL, NULL), -XEN_EINVAL);
    memset(c.name, 'x', sizeof(c.name)); /* not terminated */
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_EINVAL);
    c = cfg_of(SWITCH_PORT_VIF, SWITCH_MODE_BRIDGE, "vif", MAC_A);
    for (unsigned i = 2; i < SWITCH_PORTS_MAX; i++)
        EXPECT_TRUE(switch_port_add(&c, &fops, NULL) > 2);
    EXPECT_EQ(switch_port_add(&c, &fops, NULL), -XEN_ENOSPC);
    EXPECT_LOG("switch: port 1 nic (the NIC on xenbr0)");
    EXPECT_LOG("switch: port 3 vif (bridge xenbr0), mac 00:16:3e:00:00:0a");
    rig_down();
    struct switch_counters cn;
    EXPECT_FALSE(switch_counters_get(1, &cn));
    EXPECT_FALSE(switch_counters_get(0, &cn));
    EXPECT_FALSE(switch_counters_get(999, &cn));
}

/* ---- bridge ---- */

TEST(bridge_floods_then_learns)
{
    rig_up();
    add_vif(P_A, SWITCH_MODE_BRIDGE, "", MAC_A, 0);
    add_vif(P_B, SWITCH_MODE_BRIDGE, "xenbr0", MAC_B, 0);
    /* A to B, unknown: everyone in xenbr0 but A */
    in(P_A, mk_eth(MAC_B, MAC_A, 0x0800, 100));
    EXPECT_EQ(got(P_NIC), 1);
    EXPECT_EQ(got(P_HOST), 1);
    EXPECT_EQ(got(P_B), 1);
    EXPECT_EQ(got(P_A), 0);
    purge();
    /* B answers: A was learnt */
    in(P_B, mk_eth(MAC_A, MAC_B, 0x0800, 100));
    EXPECT_EQ(got(P_A), 1);
    EXPECT_EQ(got(P_NIC) + got(P_HOST) + got(P_B), 0);
    purge();
    /* and now B is known too, from the NIC */
    in(P_NIC, mk_eth(MAC_B, MAC_PEER, 0x0800, 100));
    EXPECT_EQ(got(P_B), 1);
    EXPECT_EQ(got(P_A) + got(P_HOST), 0);
    purge();
    /* the peer was learnt on the NIC; a frame for it from the NIC stays there */
    in(P_NIC, mk_eth(MAC_PEER, MAC_GW, 0x0800, 100));
    EXPECT_EQ(got(P_NIC) + got(P_A) + got(P_B) + got(P_HOST), 0);
    /* broadcast and multicast always flood */
    in(P_A, mk_eth(MAC_BCAST, MAC_A, 0x0806, 60));
    in(P_A, mk_eth((const uint8_t[6]){ 0x01, 0x00, 0x5e, 0, 0, 1 }, MAC_A, 0x0800, 60));
    EXPECT_EQ(got(P_NIC), 2);
    EXPECT_EQ(got(P_HOST), 2);
    EXPECT_EQ(got(P_B), 2);
    EXPECT_EQ(got(P_A), 0);
    struct switch_counters c = counters(P_A);
    EXPECT_EQ(c.rx_frames, 3);
    EXPECT_EQ(c.rx_bytes, 100 + 60 + 60);
    EXPECT_EQ(c.tx_frames, 1);
    EXPECT_EQ(c.tx_bytes, 100);
    EXPECT_EQ(counters(P_B).tx_frames, 4);
    rig_down();
}

TEST(bridge_ages_and_moves)
{
    rig_up();
    add_vif(P_A, SWITCH_MODE_BRIDGE, "", MAC_A, 0);
    add_vif(P_B, SWITCH_MODE_BRIDGE, "", MAC_B, 0);
    in(P_A, mk_eth(MAC_BCAST, MAC_A, 0x0800, 60));
    purge();
    switch_tick(1 * SEC + 299 * SEC);
    in(P_NIC, mk_eth(MAC_A, MAC_PEER, 0x0800, 60));
    EXPECT_EQ(got(P_A), 1);
    EXPECT_EQ(got(P_B) + got(P_HOST), 0);
    purge();
    switch_tick(1 * SEC + 301 * SEC); /* A aged out: flooded again */
    in(P_NIC, mk_eth(MAC_A, MAC_PEER, 0x0800, 60));
    EXPECT_EQ(got(P_A), 1);
    EXPECT_EQ(got(P_B), 1);
    EXPECT_EQ(got(P_HOST), 1);
    purge();
    /* MAC C seen on the NIC, then a vif with C appears and speaks: moved */
    in(P_NIC, mk_eth(MAC_BCAST, MAC_C, 0x0800, 60));
    purge();
    in(P_A, mk_eth(MAC_C, MAC_A, 0x0800, 60));
    EXPECT_EQ(got(P_NIC), 1);
    purge();
    add_vif(P_C, SWITCH_MODE_BRIDGE, "", MAC_C, 0);
    in(P_C, mk_eth(MAC_BCAST, MAC_C, 0x0800, 60));
    purge();
    in(P_A, mk_eth(MAC_C, MAC_A, 0x0800, 60));
    EXPECT_EQ(got(P_C), 1);
    EXPECT_EQ(got(P_NIC), 0);
    purge();
    /* a port that goes away takes its addresses with it */
    switch_port_del(fp[P_C].port);
    in(P_A, mk_eth(MAC_C, MAC_A, 0x0800, 60));
    EXPECT_EQ(got(P_C), 0);
    EXPECT_EQ(got(P_NIC), 1);
    EXPECT_EQ(fake_net.expire_calls, 3); /* switch_tick ages NAT too */
    EXPECT_EQ(fake_net.expire_now, 302 * SEC);
    rig_down();
}

TEST(bridge_segments_are_isolated)
{
    rig_up();
    add_vif(P_A, SWITCH_MODE_BRIDGE, "xenbr0", MAC_A, 0);
    add_vif(P_B, SWITCH_MODE_BRIDGE, "xenbr1", MAC_B, 0);
    add_vif(P_C, SWITCH_MODE_BRIDGE, "xenbr1", MAC_C, 0);
    add_vif(P_D, SWITCH_MODE_BRIDGE, "lab", MAC_PEER, 0);
    in(P_B, mk_eth(MAC_BCAST, MAC_B, 0x0800, 60));
    EXPECT_EQ(got(P_C), 1);
    EXPECT_EQ(got(P_A) + got(P_NIC) + got(P_HOST) + got(P_D), 0);
    purge();
    in(P_A, mk_eth(MAC_BCAST, MAC_A, 0x0800, 60));
    EXPECT_EQ(got(P_NIC) + got(P_HOST), 2);
    EXPECT_EQ(got(P_B) + got(P_C) + got(P_D), 0);
    purge();
    /* A is known in xenbr0 only: from xenbr1 its MAC floods xenbr1 */
    in(P_C, mk_eth(MAC_A, MAC_C, 0x0800, 60));
    EXPECT_EQ(got(P_A), 0);
    EXPECT_EQ(got(P_B), 1);
    purge();
    /* a lone segment: nobody to flood to */
    in(P_D, mk_eth(MAC_BCAST, MAC_PEER, 0x0800, 60));
    EXPECT_EQ(got(P_A) + got(P_B) + got(P_C) + got(P_NIC) + got(P_HOST), 0);
    rig_down();
}

/* ---- anti-spoofing ---- */

TEST(antispoof_bridge_mac)
{
    rig_up();
    add_vif(P_A, SWITCH_MODE_BRIDGE, "", MAC_A, 0);
    in(P_A, mk_eth(MAC_BCAST, MAC_B, 0x0800, 60));
    EXPECT_EQ(got(P_NIC) + got(P_HOST), 0);
    EXPECT_EQ(counters(P_A).spoofed, 1);
    EXPECT_LOG("switch: vif2.0: dropped a frame with a forged source (mac 00:16:3e:00:00:0b)");
    unsigned lines = log_count();
    in(P_A, mk_eth(MAC_BCAST, MAC_C, 0x0800, 60));
    EXPECT_EQ(log_count(), lines); /* rate-limited */
    switch_tick(7 * SEC);
    in(P_A, mk_eth(MAC_BCAST, MAC_C, 0x0800, 60));
    EXPECT_EQ(log_count(), lines + 1);
    EXPECT_LOG("(mac 00:16:3e:00:00:0c), 3 so far");
    EXPECT_EQ(counters(P_A).spoofed, 3);
    /* bridge without ip=: any IP goes */
    in(P_A, mk_ip(MAC_BCAST, MAC_A, ip4(6, 6, 6, 6), ip4(1, 1, 1, 1), 17, 64, 8));
    EXPECT_EQ(got(P_NIC), 1);
    rig_down();
}

TEST(antispoof_bridge_ip)
{
    uint32_t a = ip4(10, 0, 0, 10);

    rig_up();
    add_vif(P_A, SWITCH_MODE_BRIDGE, "", MAC_A, a);
    in(P_A, mk_ip(MAC_PEER, MAC_A, ip4(10, 0, 0, 11), ip4(10, 0, 0, 99), 17, 64, 8));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, ip4(10, 0, 0, 11), ip4(10, 0, 0, 99)));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_B, a, ip4(10, 0, 0, 99)));
    EXPECT_EQ(counters(P_A).spoofed, 3);
    EXPECT_EQ(got(P_NIC), 0);
    EXPECT_LOG("ip 10.0.0.11");
    in(P_A, mk_ip(MAC_PEER, MAC_A, a, ip4(10, 0, 0, 99), 17, 64, 8));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, a, ip4(10, 0, 0, 99)));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, 0, a));                     /* a probe */
    in(P_A, mk_udp(MAC_BCAST, MAC_A, 0, ip4(255, 255, 255, 255), 68, 67)); /* DHCP */
    in(P_A, mk_eth(MAC_PEER, MAC_A, ETH_TYPE_IPV6, 80));                   /* not filtered */
    EXPECT_EQ(got(P_NIC), 5);
    EXPECT_EQ(counters(P_A).spoofed, 3);
    /* a fragment is no DHCP client's message: its source is checked */
    struct pkt *p = mk_udp(MAC_BCAST, MAC_A, 0, ip4(255, 255, 255, 255), 68, 67);
    p->data[14 + 6] = 0x20; /* MF */
    proto_ipv4_csum_set(p->data + 14, 20);
    in(P_A, p);
    EXPECT_EQ(counters(P_A).spoofed, 4);
    EXPECT_EQ(got(P_NIC), 5);
    /* malformed IPv4 from a vif with ip=: dropped, not spoofed */
    p = mk_ip(MAC_PEER, MAC_A, a, ip4(10, 0, 0, 99), 17, 64, 8);
    p->data[14] = 0x43;
    in(P_A, p);
    EXPECT_EQ(counters(P_A).dropped, 1);
    rig_down();
}

TEST(antispoof_route_and_nat)
{
    uint32_t a = ip4(10, 0, 0, 50), n = ip4(192, 168, 1, 10);

    rig_up();
    fake_arp_add(ip4(10, 0, 0, 1), MAC_GW);
    add_vif(P_A, SWITCH_MODE_ROUTE, "", MAC_A, a);
    add_vif(P_B, SWITCH_MODE_NAT, "", MAC_B, n);
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_C, a, ip4(8, 8, 8, 8), 17, 64, 8));
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, ip4(10, 0, 0, 51), ip4(8, 8, 8, 8), 17, 64, 8));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, ip4(10, 0, 0, 51), ip4(10, 0, 0, 1)));
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_C, n, ip4(8, 8, 8, 8), 17, 64, 8));
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_B, a, ip4(8, 8, 8, 8), 17, 64, 8));
    EXPECT_EQ(counters(P_A).spoofed, 3);
    EXPECT_EQ(counters(P_B).spoofed, 2);
    EXPECT_EQ(got(P_NIC) + got(P_A) + got(P_B), 0);
    EXPECT_EQ(fake_net.out_calls, 0);
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(8, 8, 8, 8), 17, 64, 8));
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_B, n, ip4(8, 8, 8, 8), 17, 64, 8));
    EXPECT_EQ(got(P_NIC), 2);
    EXPECT_EQ(fake_net.out_calls, 1);
    /* DHCP from 0.0.0.0 on the route vif: not spoofed, but not served */
    in(P_A, mk_udp(MAC_BCAST, MAC_A, 0, ip4(255, 255, 255, 255), 68, 67));
    EXPECT_EQ(counters(P_A).spoofed, 3);
    EXPECT_EQ(counters(P_A).dropped, 1);
    EXPECT_EQ(fake_net.dhcp_calls, 0);
    rig_down();
}

/* ---- route mode ---- */

TEST(route_out_both_next_hops)
{
    uint32_t a = ip4(10, 0, 0, 50);

    rig_up();
    fake_arp_add(ip4(10, 0, 0, 1), MAC_GW);
    fake_arp_add(ip4(10, 0, 0, 7), MAC_PEER);
    add_vif(P_A, SWITCH_MODE_ROUTE, "", MAC_A, a);
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(8, 8, 8, 8), 6, 64, 20));
    EXPECT_EQ(fake_net.resolve_last, ip4(10, 0, 0, 1)); /* off-link: the gateway */
    expect_ip(take(P_NIC), MAC_GW, MAC_HOST, a, ip4(8, 8, 8, 8), 63);
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(10, 0, 0, 7), 6, 2, 20));
    EXPECT_EQ(fake_net.resolve_last, ip4(10, 0, 0, 7)); /* on-link */
    expect_ip(take(P_NIC), MAC_PEER, MAC_HOST, a, ip4(10, 0, 0, 7), 1);
    EXPECT_EQ(got(P_HOST), 0);
    /* no ARP entry yet: dropped (lwIP asked), TTL 1: dropped */
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(10, 0, 0, 8), 6, 64, 20));
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(8, 8, 8, 8), 6, 1, 20));
    /* IPv6 is not routed; nor broadcasts */
    in(P_A, mk_eth(MAC_VIFSIDE, MAC_A, ETH_TYPE_IPV6, 80));
    in(P_A, mk_ip(MAC_BCAST, MAC_A, a, ip4(255, 255, 255, 255), 17, 64, 8));
    EXPECT_EQ(got(P_NIC), 0);
    EXPECT_EQ(counters(P_A).dropped, 4);
    /* the host without an address routes nothing */
    fake_net.have_addr = false;
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(8, 8, 8, 8), 6, 64, 20));
    EXPECT_EQ(got(P_NIC), 0);
    EXPECT_EQ(counters(P_A).dropped, 5);
    rig_down();
}

TEST(route_in_and_between_guests)
{
    uint32_t a = ip4(10, 0, 0, 50), b = ip4(10, 0, 0, 51);

    rig_up();
    add_vif(P_A, SWITCH_MODE_ROUTE, "", MAC_A, a);
    add_vif(P_B, SWITCH_MODE_ROUTE, "", MAC_B, b);
    /* from the outside, to the host's MAC */
    in(P_NIC, mk_ip(MAC_HOST, MAC_PEER, ip4(10, 0, 0, 7), a, 6, 64, 20));
    expect_ip(take(P_A), MAC_A, MAC_VIFSIDE, ip4(10, 0, 0, 7), a, 63);
    EXPECT_EQ(got(P_HOST) + got(P_B), 0);
    /* to another MAC: not ours to route (the bridge floods it, no vif of its own) */
    in(P_NIC, mk_ip(MAC_GW, MAC_PEER, ip4(10, 0, 0, 7), a, 6, 64, 20));
    EXPECT_EQ(got(P_A), 0);
    EXPECT_EQ(got(P_HOST), 1);
    purge();
    /* TTL 1 from outside: dropped */
    in(P_NIC, mk_ip(MAC_HOST, MAC_PEER, ip4(10, 0, 0, 7), a, 6, 1, 20));
    EXPECT_EQ(got(P_A), 0);
    EXPECT_EQ(counters(P_NIC).dropped, 1);
    /* guest to guest */
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, b, 1, 64, 8));
    expect_ip(take(P_B), MAC_B, MAC_VIFSIDE, a, b, 63);
    /* guest to the host's address: the host port, TTL untouched */
    in(P_A, mk_ip(MAC_VIFSIDE, MAC_A, a, ip4(10, 0, 0, 2), 1, 64, 8));
    expect_ip(take(P_HOST), MAC_HOST, MAC_VIFSIDE, a, ip4(10, 0, 0, 2), 64);
    /* the host to a guest, whatever MAC it used: routed, TTL untouched */
    in(P_HOST, mk_ip(MAC_GW, MAC_HOST, ip4(10, 0, 0, 2), b, 1, 64, 8));
    expect_ip(take(P_B), MAC_B, MAC_VIFSIDE, ip4(10, 0, 0, 2), b, 64);
    EXPECT_EQ(got(P_NIC), 0);
    rig_down();
}

TEST(route_proxy_arp_both_sides)
{
    uint32_t a = ip4(10, 0, 0, 50);

    rig_up();
    add_vif(P_A, SWITCH_MODE_ROUTE, "", MAC_A, a);
    /* the guest asks for anything: fe:ff:ff:ff:ff:ff */
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, a, ip4(10, 0, 0, 1)));
    expect_arp_reply(take(P_A), MAC_VIFSIDE, ip4(10, 0, 0, 1), MAC_A, a);
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, a, ip4(77, 1, 2, 3)));
    expect_arp_reply(take(P_A), MAC_VIFSIDE, ip4(77, 1, 2, 3), MAC_A, a);
    /* but not for itself (a conflict check) nor replies */
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, 0, a));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 1, MAC_A, a, a));
    in(P_A, mk_arp(MAC_BCAST, MAC_A, 2, MAC_A, a, ip4(10, 0, 0, 1)));
    EXPECT_EQ(got(P_A) + got(P_NIC) + got(P_HOST), 0);
    EXPECT_EQ(counters(P_A).dropped, 0);
    /* the outside asks for the guest: the host's MAC, out the NIC */
    in(P_NIC, mk_arp(MAC_BCAST, MAC_PEER, 1, MAC_PEER, ip4(10, 0, 0, 7), a));
    expect_arp_reply(take(P_NIC), MAC_HOST, a, MAC_PEER, ip4(10, 0, 0, 7));
    EXPECT_EQ(got(P_HOST), 0);
    /* the host asks: the vif-side MAC */
    in(P_HOST, mk_arp(MAC_BCAST, MAC_HOST, 1, MAC_HOST, ip4(10, 0, 0, 2), a));
    expect_arp_reply(take(P_HOST), MAC_VIFSIDE, a, MAC_HOST, ip4(10, 0, 0, 2));
    EXPECT_EQ(got(P_NIC), 0);
    /* other addresses are bridged as usual */
    in(P_NIC, mk_arp(MAC_BCAST, MAC_PEER, 1, MAC_PEER, ip4(10, 0, 0, 7), ip4(10, 0, 0, 2)));
    EXPECT_EQ(got(P_HOST), 1);
    EXPECT_EQ(got(P_A), 0);
    rig_down();
}

/* ---- NAT mode ---- */

TEST(nat_outbound_and_inbound)
{
    uint32_t n = ip4(192, 168, 1, 10), hip = ip4(10, 0, 0, 2);

    rig_up();
    fake_arp_add(ip4(10, 0, 0, 1), MAC_GW);
    /* no NAT vif yet: the host's traffic does not go through NAT */
    in(P_NIC, mk_ip(MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), hip, 6, 64, 20));
    EXPECT_EQ(fake_net.in_calls, 0);
    EXPECT_EQ(got(P_HOST), 1);
    purge();
    add_vif(P_B, SWITCH_MODE_NAT, "", MAC_B, n);
    switch_tick(50 * SEC);
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_B, n, ip4(8, 8, 8, 8), 6, 64, 20));
    EXPECT_EQ(fake_net.out_calls, 1);
    EXPECT_EQ(fake_net.out_port, fp[P_B].port);
    EXPECT_EQ(fake_net.out_ip, hip);
    EXPECT_EQ(fake_net.out_now, 50 * SEC);
    expect_ip(take(P_NIC), MAC_GW, MAC_HOST, hip, ip4(8, 8, 8, 8), 63);
    fake_net.out_result = -XEN_ENOSPC;
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_B, n, ip4(8, 8, 8, 8), 6, 64, 20));
    EXPECT_EQ(got(P_NIC), 0);
    EXPECT_EQ(counters(P_B).dropped, 1);
    /* a reply: to the guest */
    fake_net.in_result = fp[P_B].port;
    fake_net.in_guest_ip = n;
    in(P_NIC, mk_ip(MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), hip, 6, 64, 20));
    EXPECT_EQ(fake_net.in_ip, hip);
    expect_ip(take(P_B), MAC_B, MAC_VIFSIDE, ip4(8, 8, 8, 8), n, 63);
    /* no mapping: the host */
    fake_net.in_result = 0;
    in(P_NIC, mk_ip(MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), hip, 6, 64, 20));
    expect_ip(take(P_HOST), MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), hip, 64);
    /* refused, or a port that is no NAT vif: dropped */
    fake_net.in_result = -XEN_EINVAL;
    in(P_NIC, mk_ip(MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), hip, 6, 64, 20));
    fake_net.in_result = fp[P_NIC].port;
    in(P_NIC, mk_ip(MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), hip, 6, 64, 20));
    EXPECT_EQ(got(P_B) + got(P_HOST) + got(P_NIC), 0);
    EXPECT_EQ(counters(P_NIC).dropped, 2);
    EXPECT_EQ(fake_net.in_calls, 4);
    /* the outside cannot reach the private address */
    in(P_NIC, mk_ip(MAC_HOST, MAC_GW, ip4(8, 8, 8, 8), n, 6, 64, 20));
    EXPECT_EQ(got(P_B), 0);
    purge();
    /* a NAT vif that goes away: its mappings too */
    switch_port_del(fp[P_B].port);
    EXPECT_EQ(fake_net.del_calls, 1);
    EXPECT_EQ(fake_net.del_port, fp[P_B].port);
    rig_down();
}

TEST(nat_dhcp_router_arp_and_ping)
{
    uint32_t n = ip4(192, 168, 1, 10), router = ip4(192, 168, 1, 137);

    rig_up();
    add_vif(P_B, SWITCH_MODE_NAT, "", MAC_B, n);
    EXPECT_LOG("(nat 192.168.1.10/24, router 192.168.1.137)");
    in(P_B, mk_udp(MAC_BCAST, MAC_B, 0, ip4(255, 255, 255, 255), 68, 67));
    EXPECT_EQ(fake_net.dhcp_calls, 1);
    EXPECT_EQ(fake_net.lease.client_ip, n);
    EXPECT_EQ(fake_net.lease.router_ip, router);
    EXPECT_EQ(fake_net.lease.mask, ip4(255, 255, 255, 0));
    EXPECT_EQ(fake_net.lease.dns_ip, 0);
    EXPECT_EQ(fake_net.lease.lease_secs, 86400);
    EXPECT_TRUE(proto_mac_eq(fake_net.lease.client_mac, MAC_B));
    EXPECT_TRUE(proto_mac_eq(fake_net.lease.server_mac, MAC_VIFSIDE));
    struct pkt *r = take(P_B);
    if (r) {
        EXPECT_TRUE(proto_mac_eq(r->data, MAC_B));
        pkt_put(r);
    }
    fake_net.dhcp_silent = true;
    in(P_B, mk_udp(MAC_BCAST, MAC_B, n, router, 68, 67)); /* a renewal, ignored */
    EXPECT_EQ(fake_net.dhcp_calls, 2);
    EXPECT_EQ(got(P_B) + got(P_NIC) + got(P_HOST), 0);
    EXPECT_EQ(fake_net.out_calls, 0);
    /* ARP: the router only */
    in(P_B, mk_arp(MAC_BCAST, MAC_B, 1, MAC_B, n, router));
    expect_arp_reply(take(P_B), MAC_VIFSIDE, router, MAC_B, n);
    in(P_B, mk_arp(MAC_BCAST, MAC_B, 1, MAC_B, n, ip4(192, 168, 1, 1)));
    EXPECT_EQ(got(P_B), 0);
    /* ping the router: answered here */
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_B, n, router, IP_PROTO_ICMP, 64, 16));
    r = take(P_B);
    if (r) {
        struct proto_ipv4 ip;
        EXPECT_EQ(proto_ipv4_parse(r, ETH_HLEN, &ip), 0);
        EXPECT_EQ(r->data[34], 0); /* echo reply */
        EXPECT_EQ(netframe_sum(r->data + 34, 16, 0), 0xffff);
        pkt_put(r);
    }
    expect_ip(NULL, MAC_B, MAC_VIFSIDE, router, n, 64);
    /* anything else to the router: dropped */
    in(P_B, mk_ip(MAC_VIFSIDE, MAC_B, n, router, IP_PROTO_TCP, 64, 20));
    EXPECT_EQ(got(P_B) + got(P_NIC) + got(P_HOST), 0);
    EXPECT_EQ(counters(P_B).dropped, 1);
    rig_down();
}

/* ---- offload fallbacks ---- */

static struct pkt *mk_partial(const uint8_t dst[6], const uint8_t src[6], uint32_t payload)
{
    struct pkt *p = mk_ip(dst, src, ip4(1, 1, 1, 1), ip4(2, 2, 2, 2), IP_PROTO_TCP, 64, 20 + payload);

    p->flags = PKT_CSUM_PARTIAL;
    p->csum_start = 34;
    p->csum_offset = 16;
    return p;
}

TEST(offload_fallbacks)
{
    struct switch_port_cfg c;

    rig_up();
    add_vif(P_A, SWITCH_MODE_BRIDGE, "", MAC_A, 0); /* takes partial and TCPv4 GSO */
    c = cfg_of(SWITCH_PORT_VIF, SWITCH_MODE_BRIDGE, "vif-plain", MAC_B);
    add(P_B, &c);                                  /* takes neither */
    in(P_A, mk_eth(MAC_BCAST, MAC_A, 0x0800, 60)); /* everyone learnt */
    in(P_B, mk_eth(MAC_BCAST, MAC_B, 0x0800, 60));
    in(P_HOST, mk_eth(MAC_BCAST, MAC_HOST, 0x0800, 60));
    purge();
    /* a flood of a partial frame: only the ports that need it get it completed, each its own */
    in(P_NIC, mk_partial(MAC_BCAST, MAC_PEER, 100));
    EXPECT_EQ(fake_net.csum_calls, 2); /* host and B */
    struct pkt *pa = take(P_A), *pb = take(P_B), *ph = take(P_HOST);
    if (pa && pb && ph) {
        EXPECT_TRUE(pa->flags & PKT_CSUM_PARTIAL);
        EXPECT_EQ(pb->flags, PKT_CSUM_VALID);
        EXPECT_EQ(ph->flags, PKT_CSUM_VALID);
        EXPECT_NE((uintptr_t)pa, (uintptr_t)pb);
        EXPECT_NE((uintptr_t)pb, (uintptr_t)ph);
    }
    if (pa)
        pkt_put(pa);
    if (pb)
        pkt_put(pb);
    if (ph)
        pkt_put(ph);
    /* a bad partial location: dropped on that port */
    struct pkt *p = mk_partial(MAC_B, MAC_PEER, 10);
    p->csum_offset = 2000;
    in(P_NIC, p);
    EXPECT_EQ(got(P_B), 0);
    EXPECT_EQ(counters(P_B).dropped, 1);
    /* GSO: whole to A, cut for B and the host */
    p = mk_partial(MAC_A, MAC_PEER, 3000);
    p->gso_type = PKT_GSO_TCPV4;
    p->gso_size = 1000;
    in(P_NIC, p);
    EXPECT_EQ(got(P_A), 1);
    EXPECT_EQ(fake_net.gso_calls, 0);
    p = mk_partial(MAC_B, MAC_PEER, 3000);
    p->gso_type = PKT_GSO_TCPV4;
    p->gso_size = 1000;
    uint64_t tx = counters(P_B).tx_frames;
    in(P_NIC, p);
    EXPECT_EQ(fake_net.gso_calls, 1);
    EXPECT_EQ(got(P_B), 3); /* 3000 bytes of data: three MSS-sized segments */
    EXPECT_EQ(counters(P_B).tx_frames, tx + 3);
    p = mk_partial(MAC_A, MAC_PEER, 300); /* TCPv6 GSO: A takes only v4 */
    p->gso_type = PKT_GSO_TCPV6;
    p->gso_size = 100;
    in(P_NIC, p);
    EXPECT_EQ(fake_net.gso_calls, 2);
    EXPECT_EQ(got(P_A), 1 + 3);
    p = mk_partial(MAC_HOST, MAC_PEER, 300);
    p->gso_type = PKT_GSO_TCPV4;
    p->gso_size = 0; /* the offload refuses it */
    in(P_NIC, p);
    EXPECT_EQ(fake_net.gso_calls, 3);
    EXPECT_EQ(got(P_HOST), 0);
    EXPECT_EQ(counters(P_HOST).dropped, 1);
    rig_down();
}

TEST(input_on_no_port_and_runts)
{
    rig_up();
    switch_input(0, mk_eth(MAC_A, MAC_B, 0x0800, 60));
    switch_input(40, mk_eth(MAC_A, MAC_B, 0x0800, 60));
    struct pkt *p = mk_eth(MAC_A, MAC_B, 0x0800, 60);
    p->len = 13;
    in(P_NIC, p);
    EXPECT_EQ(counters(P_NIC).dropped, 1);
    rig_down();
}

int main(void)
{
    if (pkt_pool_init(128, 8) != 0)
        return 1;
    pkt_pool_free(&pool_small, &pool_big);
    return test_run((const struct test[]){
        TEST_ENTRY(proto_parsers_check_lengths), TEST_ENTRY(proto_ttl_dec_keeps_checksum), TEST_ENTRY(port_add_checks),
        TEST_ENTRY(bridge_floods_then_learns), TEST_ENTRY(bridge_ages_and_moves),
        TEST_ENTRY(bridge_segments_are_isolated), TEST_ENTRY(antispoof_bridge_mac), TEST_ENTRY(antispoof_bridge_ip),
        TEST_ENTRY(antispoof_route_and_nat), TEST_ENTRY(route_out_both_next_hops),
        TEST_ENTRY(route_in_and_between_guests), TEST_ENTRY(route_proxy_arp_both_sides),
        TEST_ENTRY(nat_outbound_and_inbound), TEST_ENTRY(nat_dhcp_router_arp_and_ping), TEST_ENTRY(offload_fallbacks),
        TEST_ENTRY(input_on_no_port_and_runts), TEST_END });
}
