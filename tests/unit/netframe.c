/* SPDX-License-Identifier: MIT */
/*
 * The frame builder and checksum oracle of netframe.h, written for
 * plainness: byte loops, no shared code with the checksum under test.
 */
#include "netframe.h"

#include <string.h>

static void be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint32_t netframe_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i < n; i++)
        sum += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

uint32_t netframe_pseudo(const uint8_t *d, const struct netframe_at *at, bool v6, uint8_t proto)
{
    const uint8_t *ip = d + at->l3;
    uint32_t len = at->end - at->l4;
    uint8_t tail[4] = { 0, proto, (uint8_t)(len >> 8), (uint8_t)len };
    uint32_t s = netframe_sum(v6 ? ip + 8 : ip + 12, v6 ? 32 : 8, 0);

    s += (len >> 16);
    return netframe_sum(tail, 4, s);
}

bool netframe_ipv4_ok(const uint8_t *d, uint32_t l3)
{
    return netframe_sum(d + l3, (d[l3] & 0xfu) * 4u, 0) == 0xffff;
}

bool netframe_l4_ok(const uint8_t *d, const struct netframe_at *at, bool v6, uint8_t proto, bool zero_ok)
{
    uint32_t s = proto == 1 ? 0 : netframe_pseudo(d, at, v6, proto);
    const uint8_t *l4 = d + at->l4;

    if (proto == 17 && l4[6] == 0 && l4[7] == 0)
        return zero_ok;
    return netframe_sum(l4, at->end - at->l4, s) == 0xffff;
}

static uint32_t put_l2(uint8_t *d, const struct netframe *f)
{
    static const uint8_t dmac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
    static const uint8_t smac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02 };
    uint32_t o = 12;

    memcpy(d, dmac, 6);
    memcpy(d + 6, smac, 6);
    if (f->vlan) {
        be16(d + o, 0x8100);
        be16(d + o + 2, 42);
        o += 4;
    }
    be16(d + o, f->v6 ? 0x86dd : 0x0800);
    return o + 2;
}

static uint32_t l4_hlen(const struct netframe *f)
{
    return f->proto == 6 ? 20u + f->tcp_opts : 8u;
}

static void put_l3(uint8_t *d, const struct netframe *f, const struct netframe_at *at)
{
    uint8_t *ip = d + at->l3;
    uint8_t proto = f->proto;

    if (f->v6) {
        uint32_t plen = at->end - at->l3 - 40;
        ip[0] = 0x60;
        be16(ip + 4, plen);
        ip[6] = f->v6_hop ? 0 : proto;
        ip[7] = 64;
        memcpy(ip + 8, f->src, 16);
        memcpy(ip + 24, f->dst, 16);
        if (f->v6_hop) {
            memset(ip + 40, 0, 8);
            ip[40] = proto;
            ip[42] = 1; /* PadN of 4 bytes */
            ip[43] = 4;
        }
        return;
    }
    ip[0] = 0x45;
    be16(ip + 2, at->end - at->l3);
    be16(ip + 4, f->ip_id);
    be16(ip + 6, f->frag);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, f->src, 4);
    memcpy(ip + 16, f->dst, 4);
    be16(ip + 10, ~netframe_sum(ip, 20, 0));
}

static void put_l4(uint8_t *d, const struct netframe *f, const struct netframe_at *at)
{
    uint8_t *l4 = d + at->l4;

    if (f->proto == 6) {
        be16(l4, f->sport);
        be16(l4 + 2, f->dport);
        l4[4] = (uint8_t)(f->seq >> 24);
        l4[5] = (uint8_t)(f->seq >> 16);
        l4[6] = (uint8_t)(f->seq >> 8);
        l4[7] = (uint8_t)f->seq;
        l4[12] = (uint8_t)((at->l4_hlen / 4) << 4);
        l4[13] = f->tcp_flags;
        be16(l4 + 14, 65535);
        memset(l4 + 20, 1, f->tcp_opts);
    } else if (f->proto == 17) {
        be16(l4, f->sport);
        be16(l4 + 2, f->dport);
        be16(l4 + 4, at->end - at->l4);
    } else {
        l4[0] = f->icmp_type;
        be16(l4 + 4, f->sport);
        be16(l4 + 6, 1);
    }
}

static void put_csum(struct pkt *p, const struct netframe *f, const struct netframe_at *at)
{
    uint32_t field = at->l4 + (f->proto == 6 ? 16 : f->proto == 17 ? 6 : 2);
    uint32_t s;

    if (f->proto == 17 && f->udp_nocsum)
        return;
    if (f->partial && f->proto != 1) {
        be16(p->data + field, netframe_pseudo(p->data, at, f->v6, f->proto));
        p->flags |= PKT_CSUM_PARTIAL;
        p->csum_start = (uint16_t)at->l4;
        p->csum_offset = (uint16_t)(field - at->l4);
        return;
    }
    s = f->proto == 1 ? 0 : netframe_pseudo(p->data, at, f->v6, f->proto);
    s = netframe_sum(p->data + at->l4, at->end - at->l4, s);
    be16(p->data + field, (~s & 0xffff) ? ~s : 0xffff);
}

struct pkt *netframe_build(const struct netframe *f, struct netframe_at *at)
{
    uint8_t hdr[128] = { 0 };
    uint32_t l3 = put_l2(hdr, f);
    struct pkt *p;

    at->l3 = l3;
    at->l4 = l3 + (f->v6 ? 40u + (f->v6_hop ? 8u : 0u) : 20u);
    at->l4_hlen = l4_hlen(f);
    at->end = at->l4 + at->l4_hlen + f->payload_len;
    p = pkt_alloc(at->end);
    if (!p)
        return NULL;
    memcpy(p->data, hdr, at->l4);
    memset(p->data + at->l4, 0, at->l4_hlen);
    if (f->payload_len)
        memcpy(p->data + at->l4 + at->l4_hlen, f->payload, f->payload_len);
    put_l3(p->data, f, at);
    put_l4(p->data, f, at);
    put_csum(p, f, at);
    return p;
}

unsigned netframe_pool_free(void)
{
    unsigned small, big;

    pkt_pool_free(&small, &big);
    return small + big;
}
