/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: netdrv's switch (domains/netdrv/switch.c, route.c,
 * proto.c) with the fakes of its unit test (tests/unit/netdrv_fake.c).
 * The input sets up the NIC, the host port and up to six vifs (each its
 * mode, bridge name, MAC, address and offload abilities), then drives
 * frames into random ports. Each frame's bytes past its length are
 * poisoned for AddressSanitizer, so any read past a frame's end traps.
 * Checked: frames handed to a route or NAT vif are addressed to its
 * guest; a bridge vif never gets back a frame it sent; at the end, with
 * every port removed, the frame pool holds all its buffers again.
 *
 * Input: a setup byte (vif count in bits 0-2, host address in bit 3),
 * per vif 3 bytes (mode | bridge<<2 | offload bits<<3, MAC index, IP
 * index), then operations, an opcode byte (low 3 bits):
 *   0 a frame: port u8, dst MAC index u8, src MAC index u8, type u8,
 *     then by type an IPv4 or ARP header from indices, then raw bytes
 *     (count u8) and a metadata byte (partial checksum, GSO)
 *   1 a raw frame: port u8, length u16 % 1600, bytes
 *   2 tick: + u8 seconds
 *   3 NAT's answer inbound: u8 (0: none, 1..: a port, 255: refused)
 *   4 an ARP entry for IP index u8 at MAC index u8
 *   5 remove port u8 and add vif u8 (3 bytes) back
 *   6 NAT's answer outbound: refused if bit 0 of u8
 *   7 the host's address on or off
 */
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idl/xen_errno.h"
#include "netdrv_fake.h"
#include "pkt.h"
#include "proto.h"
#include "switch.h"

#define NMAC  8u
#define NIP   8u
#define NVIF  6u
#define NPORT (2u + NVIF)

static const uint8_t macs[NMAC][6] = {
    { 0x00, 0x16, 0x3e, 0, 0, 0x0a },       { 0x00, 0x16, 0x3e, 0, 0, 0x0b }, { 0x00, 0x16, 0x3e, 0, 0, 0x0c },
    { 0x52, 0x54, 0, 0, 0, 0x99 },          { 0x02, 0, 0, 0, 0, 0x02 },       { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff },
    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0x01, 0x00, 0x5e, 0, 0, 1 },
};
static const uint8_t ips[NIP][4] = {
    { 10, 0, 0, 50 }, { 10, 0, 0, 51 }, { 192, 168, 1, 10 },  { 10, 0, 0, 2 },
    { 0, 0, 0, 0 },   { 8, 8, 8, 8 },   { 192, 168, 1, 137 }, { 255, 255, 255, 255 },
};

struct fuzz_port {
    int port; /* 0: none */
    struct switch_port_cfg cfg;
};

static struct fuzz_port fports[NPORT];
static unsigned pool_small, pool_big;

static uint32_t ip_at(unsigned i)
{
    uint32_t v;

    memcpy(&v, ips[i % NIP], 4);
    return v;
}

static void fuzz_xmit(void *ctx, struct pkt *p)
{
    const struct fuzz_port *f = ctx;

    FUZZ_CHECK(p->refs >= 1 && p->len >= PKT_ETH_HLEN && p->len <= p->cap);
    if (f->cfg.kind == SWITCH_PORT_VIF && f->cfg.mode != SWITCH_MODE_BRIDGE)
        FUZZ_CHECK(proto_mac_eq(p->data, f->cfg.mac));
    if (f->cfg.kind == SWITCH_PORT_VIF && f->cfg.mode == SWITCH_MODE_BRIDGE)
        FUZZ_CHECK(p->in_port != f->port);
    pkt_put(p);
}

static const struct switch_port_ops fuzz_ops = { fuzz_xmit };

static void add_port(unsigned k, enum switch_port_kind kind, uint8_t a, uint8_t mac, uint8_t ip)
{
    struct fuzz_port *f = &fports[k];
    int r;

    memset(&f->cfg, 0, sizeof(f->cfg));
    f->cfg.kind = kind;
    f->cfg.mode = (enum switch_mode)(a & 3u); /* 3: an invalid mode */
    snprintf(f->cfg.name, sizeof(f->cfg.name), "p%u", k);
    snprintf(f->cfg.bridge, sizeof(f->cfg.bridge), "%s", (a & 4u) ? "xenbr1" : "");
    memcpy(f->cfg.mac, macs[mac % NMAC], 6);
    f->cfg.ip = ip_at(ip);
    f->cfg.prefix = (uint8_t)(a >> 6) * 8u;
    f->cfg.csum_partial_ok = (a & 8u) != 0;
    f->cfg.gso_tcpv4_ok = (a & 16u) != 0;
    f->cfg.gso_tcpv6_ok = (a & 32u) != 0;
    r = switch_port_add(&f->cfg, &fuzz_ops, f);
    f->port = r > 0 ? r : 0;
}

/* Run p through the switch with the bytes past its end poisoned. */
static void feed(unsigned k, struct pkt *p)
{
    uint8_t *buf = p->buf;
    uint32_t cap = p->cap;

    ASAN_POISON_MEMORY_REGION(p->data + p->len, cap - p->len);
    switch_input(fports[k % NPORT].port, p);
    ASAN_UNPOISON_MEMORY_REGION(buf, cap);
}

/* The L3 header of a templated frame, from indices; returns its length. */
static uint32_t template_l3(struct fuzz_in *in, uint8_t *b, uint8_t type)
{
    if ((type & 3u) == 0) {
        uint32_t s = ip_at(fuzz_u8(in)), d = ip_at(fuzz_u8(in));
        uint8_t v = fuzz_u8(in);
        b[0] = (v & 1u) ? fuzz_u8(in) : 0x45;
        b[8] = fuzz_u8(in);
        b[9] = (uint8_t[]){ 1, 6, 17, 0 }[(v >> 1) & 3u];
        put_be16(b + 6, (v & 8u) ? 0x2000 : 0);
        memcpy(b + 12, &s, 4);
        memcpy(b + 16, &d, 4);
        return 20;
    }
    if ((type & 3u) == 1) {
        uint32_t s = ip_at(fuzz_u8(in)), t = ip_at(fuzz_u8(in));
        put_be16(b, 1);
        put_be16(b + 2, ETH_TYPE_IPV4);
        b[4] = 6;
        b[5] = 4;
        put_be16(b + 6, (uint16_t)(1u + (fuzz_u8(in) & 1u)));
        memcpy(b + 8, macs[fuzz_u8(in) % NMAC], 6);
        memcpy(b + 14, &s, 4);
        memcpy(b + 24, &t, 4);
        return 28;
    }
    return 0;
}

static void op_frame(struct fuzz_in *in)
{
    uint8_t k = fuzz_u8(in), dst = fuzz_u8(in), src = fuzz_u8(in), type = fuzz_u8(in);
    uint8_t l3[28] = { 0 };
    uint32_t l3len = template_l3(in, l3, type), raw = fuzz_u8(in) * 8u, len = PKT_ETH_HLEN + l3len + raw;
    uint16_t ethertype = (uint16_t[]){ ETH_TYPE_IPV4, ETH_TYPE_ARP, ETH_TYPE_IPV6, ETH_TYPE_VLAN }[type & 3u];
    uint8_t meta = fuzz_u8(in);
    struct pkt *p = pkt_alloc(len);

    if (!p)
        return;
    memset(p->data, 0, len);
    proto_eth_set(p, macs[dst % NMAC], macs[src % NMAC]);
    put_be16(p->data + 12, ethertype);
    memcpy(p->data + PKT_ETH_HLEN, l3, l3len);
    for (uint32_t i = 0; i < raw && in->left; i++)
        p->data[PKT_ETH_HLEN + l3len + i] = fuzz_u8(in);
    if (l3len == 20) { /* a plausible total length unless told otherwise */
        put_be16(p->data + PKT_ETH_HLEN + 2, (meta & 0x80u) ? (uint16_t)fuzz_uint(in, 2) : (uint16_t)(20u + raw));
        if ((meta & 0x40u) == 0) {
            struct proto_ipv4 ip;
            if (proto_ipv4_parse(p, ETH_HLEN, &ip) == 0)
                proto_ipv4_csum_set(p->data + ip.l3, ip.hlen);
        }
    }
    if (meta & 1u) {
        p->flags = PKT_CSUM_PARTIAL;
        p->csum_start = (uint16_t)(34u + (meta & 2u ? 200u : 0u));
        p->csum_offset = (meta & 4u) ? 6u : 16u;
    }
    if (meta & 8u) {
        p->gso_type = (uint8_t)((meta >> 4) & 3u);
        p->gso_size = (uint16_t)(fuzz_u8(in) * 4u);
    }
    feed(k, p);
}

static void op_raw(struct fuzz_in *in)
{
    uint8_t k = fuzz_u8(in);
    uint32_t len = (uint32_t)fuzz_uint(in, 2) % 1600u;
    struct pkt *p = pkt_alloc(len);

    if (!p)
        return;
    for (uint32_t i = 0; i < len; i++)
        p->data[i] = fuzz_u8(in);
    feed(k, p);
}

static void setup(struct fuzz_in *in)
{
    uint8_t s = fuzz_u8(in);
    unsigned nvif = 1u + (s & 7u) % NVIF;

    fake_net_reset();
    fake_net.have_addr = (s & 8u) == 0;
    fake_net.ip = ip_at(3);
    memcpy(&fake_net.mask, (const uint8_t[4]){ 255, 255, 255, 0 }, 4);
    memcpy(&fake_net.gw, (const uint8_t[4]){ 10, 0, 0, 1 }, 4);
    memset(fports, 0, sizeof(fports));
    switch_tick(0);
    add_port(0, SWITCH_PORT_NIC, 0x38, 3, 4);
    add_port(1, SWITCH_PORT_HOST, 0, 4, 4);
    for (unsigned i = 0; i < nvif; i++) {
        uint8_t a = fuzz_u8(in), m = fuzz_u8(in), ip = fuzz_u8(in);
        add_port(2 + i, SWITCH_PORT_VIF, a, m, ip);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool pool_ready;
    struct fuzz_in in = { data, size };
    uint64_t now = 0;
    unsigned s, b;

    if (!pool_ready) {
        if (pkt_pool_init(64, 4) != 0)
            abort();
        pkt_pool_free(&pool_small, &pool_big);
        pool_ready = true;
    }
    setup(&in);
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        switch (op & 7u) {
        case 0: op_frame(&in); break;
        case 1: op_raw(&in); break;
        case 2:
            now += fuzz_u8(&in) * 1000000000ull;
            switch_tick(now);
            break;
        case 3: {
            uint8_t v = fuzz_u8(&in);
            fake_net.in_result = v == 255 ? -XEN_EINVAL : v % (SWITCH_PORTS_MAX + 2u);
            fake_net.in_guest_ip = ip_at(v);
            break;
        }
        case 4: {
            uint8_t i = fuzz_u8(&in), m = fuzz_u8(&in);
            fake_arp_add(ip_at(i), macs[m % NMAC]);
            break;
        }
        case 5: {
            unsigned k = 2u + fuzz_u8(&in) % NVIF;
            uint8_t a = fuzz_u8(&in), m = fuzz_u8(&in), ip = fuzz_u8(&in);
            switch_port_del(fports[k].port);
            add_port(k, SWITCH_PORT_VIF, a, m, ip);
            break;
        }
        case 6: fake_net.out_result = (fuzz_u8(&in) & 1u) ? -XEN_ENOSPC : 0; break;
        default: fake_net.have_addr = !fake_net.have_addr; break;
        }
    }
    for (int i = 1; i <= (int)SWITCH_PORTS_MAX; i++)
        switch_port_del(i);
    pkt_pool_free(&s, &b);
    FUZZ_CHECK(s == pool_small && b == pool_big);
    return 0;
}
