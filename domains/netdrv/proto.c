/* SPDX-License-Identifier: MIT */
/*
 * The header readers and writers of proto.h. Readers read nothing past
 * p->len, and for what follows an IP header nothing past the packet's
 * declared length; they change nothing. Writers are handed what a reader
 * returned (or a frame they build) and stay inside it.
 */
#include "proto.h"

#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "idl/xen_errno.h"

/* An address as it is on the wire, kept in a uint32_t (network order). */
static uint32_t get_addr(const uint8_t *b)
{
    uint32_t v;

    memcpy(&v, b, 4);
    return v;
}

bool proto_mac_is_zero(const uint8_t mac[ETH_ALEN])
{
    static const uint8_t zero[ETH_ALEN];

    return memcmp(mac, zero, ETH_ALEN) == 0;
}

bool proto_mac_eq(const uint8_t a[ETH_ALEN], const uint8_t b[ETH_ALEN])
{
    return memcmp(a, b, ETH_ALEN) == 0;
}

void proto_mac_fmt(char out[18], const uint8_t mac[ETH_ALEN])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void proto_ipv4_fmt(char out[16], uint32_t ip)
{
    uint8_t b[4];

    memcpy(b, &ip, 4);
    snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* ---- Ethernet and ARP ---- */

int proto_eth_parse(const struct pkt *p, struct proto_eth *e)
{
    if (p->len < ETH_HLEN)
        return -XEN_EINVAL;
    memcpy(e->dst, p->data + ETH_OFF_DST, ETH_ALEN);
    memcpy(e->src, p->data + ETH_OFF_SRC, ETH_ALEN);
    e->type = get_be16(p->data + ETH_OFF_TYPE);
    return 0;
}

void proto_eth_set(struct pkt *p, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN])
{
    memcpy(p->data + ETH_OFF_DST, dst, ETH_ALEN);
    memcpy(p->data + ETH_OFF_SRC, src, ETH_ALEN);
}

int proto_arp_parse(const struct pkt *p, struct proto_arp *a)
{
    const uint8_t *b = p->data + ETH_HLEN;

    if (p->len < ETH_HLEN + ARP_LEN)
        return -XEN_EINVAL;
    if (get_be16(b + ARP_OFF_HTYPE) != ARP_HTYPE_ETH || get_be16(b + ARP_OFF_PTYPE) != ETH_TYPE_IPV4 ||
        b[ARP_OFF_HLEN] != ETH_ALEN || b[ARP_OFF_PLEN] != 4u)
        return -XEN_EINVAL;
    a->op = get_be16(b + ARP_OFF_OP);
    memcpy(a->sha, b + ARP_OFF_SHA, ETH_ALEN);
    a->spa = get_addr(b + ARP_OFF_SPA);
    memcpy(a->tha, b + ARP_OFF_THA, ETH_ALEN);
    a->tpa = get_addr(b + ARP_OFF_TPA);
    return 0;
}

struct pkt *proto_arp_reply(const struct proto_arp *req, const uint8_t mac[ETH_ALEN])
{
    struct pkt *p = pkt_alloc(ETH_MIN_LEN);
    uint8_t *b;

    if (!p)
        return NULL;
    memset(p->data, 0, ETH_MIN_LEN);
    proto_eth_set(p, req->sha, mac);
    put_be16(p->data + ETH_OFF_TYPE, ETH_TYPE_ARP);
    b = p->data + ETH_HLEN;
    put_be16(b + ARP_OFF_HTYPE, ARP_HTYPE_ETH);
    put_be16(b + ARP_OFF_PTYPE, ETH_TYPE_IPV4);
    b[ARP_OFF_HLEN] = ETH_ALEN;
    b[ARP_OFF_PLEN] = 4;
    put_be16(b + ARP_OFF_OP, ARP_REPLY);
    memcpy(b + ARP_OFF_SHA, mac, ETH_ALEN);
    memcpy(b + ARP_OFF_SPA, &req->tpa, 4);
    memcpy(b + ARP_OFF_THA, req->sha, ETH_ALEN);
    memcpy(b + ARP_OFF_TPA, &req->spa, 4);
    return p;
}

/* ---- IPv4 ---- */

int proto_ipv4_parse(const struct pkt *p, uint32_t l3, struct proto_ipv4 *ip)
{
    const uint8_t *b = p->data + l3;
    uint32_t frag;

    if (l3 > p->len || p->len - l3 < IPV4_HLEN || b[0] >> 4 != 4u)
        return -XEN_EINVAL;
    ip->l3 = l3;
    ip->hlen = (b[0] & 0xfu) * 4u;
    ip->total = get_be16(b + IPV4_OFF_TOTAL);
    if (ip->hlen < IPV4_HLEN || ip->total < ip->hlen || ip->total > p->len - l3)
        return -XEN_EINVAL;
    frag = get_be16(b + IPV4_OFF_FRAG);
    ip->frag = (frag & IPV4_FRAG_MASK) != 0;
    ip->frag_tail = (frag & IPV4_FRAG_OFF) != 0;
    ip->ttl = b[IPV4_OFF_TTL];
    ip->proto = b[IPV4_OFF_PROTO];
    ip->src = get_addr(b + IPV4_OFF_SRC);
    ip->dst = get_addr(b + IPV4_OFF_DST);
    return 0;
}

void proto_ipv4_csum_set(uint8_t *iph, uint32_t hlen)
{
    put_be16(iph + IPV4_OFF_CHECK, 0);
    put_be16(iph + IPV4_OFF_CHECK, csum_fold(csum_partial(iph, hlen, 0)));
}

void proto_ipv4_ttl_dec(struct pkt *p, struct proto_ipv4 *ip)
{
    uint8_t *b = p->data + ip->l3;
    uint16_t old_word = get_be16(b + IPV4_OFF_TTL); /* TTL and protocol */

    ip->ttl--;
    b[IPV4_OFF_TTL] = ip->ttl;
    put_be16(b + IPV4_OFF_CHECK, csum_replace2(get_be16(b + IPV4_OFF_CHECK), old_word, get_be16(b + IPV4_OFF_TTL)));
}

int proto_icmp_echo_answer(struct pkt *p, struct proto_ipv4 *ip)
{
    uint8_t *b = p->data + ip->l3;
    uint8_t *icmp = b + ip->hlen;
    uint32_t icmp_len = ip->total - ip->hlen;
    uint32_t t = ip->src;

    if (ip->proto != IP_PROTO_ICMP || ip->frag || icmp_len < ICMP_HLEN || icmp[ICMP_OFF_TYPE] != ICMP_ECHO_REQUEST ||
        icmp[ICMP_OFF_TYPE + 1] != 0)
        return -XEN_EINVAL;
    icmp[ICMP_OFF_TYPE] = ICMP_ECHO_REPLY;
    put_be16(icmp + ICMP_OFF_CHECK, 0);
    put_be16(icmp + ICMP_OFF_CHECK, csum_fold(csum_partial(icmp, icmp_len, 0)));
    ip->src = ip->dst;
    ip->dst = t;
    memcpy(b + IPV4_OFF_SRC, &ip->src, 4);
    memcpy(b + IPV4_OFF_DST, &ip->dst, 4);
    ip->ttl = IPV4_TTL;
    b[IPV4_OFF_TTL] = IPV4_TTL;
    proto_ipv4_csum_set(b, ip->hlen);
    return 0;
}

/* ---- proto_parse ---- */

static int parse_v4(const struct pkt *p, struct proto_hdrs *h)
{
    struct proto_ipv4 ip;

    if (proto_ipv4_parse(p, h->l3, &ip) != 0)
        return -XEN_EINVAL;
    if (ip.frag)
        return -XEN_EOPNOTSUPP;
    h->l4 = h->l3 + ip.hlen;
    h->end = h->l3 + ip.total;
    h->proto = ip.proto;
    return 0;
}

static int parse_v6(const struct pkt *p, struct proto_hdrs *h)
{
    const uint8_t *d = p->data, *ip = d + h->l3;
    uint32_t len = p->len;
    uint8_t next;

    if (len - h->l3 < IPV6_HLEN || ip[0] >> 4 != 6)
        return -XEN_EINVAL;
    if (get_be16(ip + IPV6_OFF_PLEN) > len - h->l3 - IPV6_HLEN)
        return -XEN_EINVAL; /* also the jumbogram's 0 with a larger packet: its length is an option we do not read */
    h->v6 = true;
    h->end = h->l3 + IPV6_HLEN + get_be16(ip + IPV6_OFF_PLEN);
    h->l4 = h->l3 + IPV6_HLEN;
    next = ip[IPV6_OFF_NEXT];
    for (unsigned i = 0;; i++) {
        if (next != IPV6_EXT_HOP && next != IPV6_EXT_ROUTE && next != IPV6_EXT_DEST)
            break;
        if (i == PROTO_V6_EXT_MAX || h->end - h->l4 < 8)
            return -XEN_EINVAL;
        uint32_t ext_len = (d[h->l4 + 1] + 1u) * 8u;
        if (ext_len > h->end - h->l4)
            return -XEN_EINVAL;
        h->v6_route |= next == IPV6_EXT_ROUTE;
        next = d[h->l4];
        h->l4 += ext_len;
    }
    if (next == IPV6_EXT_FRAG)
        return -XEN_EOPNOTSUPP;
    h->proto = next;
    return 0;
}

static int parse_l4(const uint8_t *d, struct proto_hdrs *h)
{
    uint32_t room = h->end - h->l4, hlen;

    switch (h->proto) {
    case IP_PROTO_TCP:
        if (room < TCP_HLEN)
            return -XEN_EINVAL;
        hlen = (d[h->l4 + TCP_OFF_DOFF] >> 4) * 4u;
        if (hlen < TCP_HLEN || hlen > room)
            return -XEN_EINVAL;
        break;
    case IP_PROTO_UDP: {
        uint32_t ulen = room < UDP_HLEN ? 0 : get_be16(d + h->l4 + UDP_OFF_LEN);
        if (ulen < UDP_HLEN || ulen > room) /* the datagram's length: inside the packet */
            return -XEN_EINVAL;
        hlen = UDP_HLEN;
        break;
    }
    case IP_PROTO_ICMP: hlen = ICMP_HLEN; break;
    default: return 0;
    }
    if (hlen > room)
        return -XEN_EINVAL;
    h->l4_hlen = hlen;
    return 0;
}

int proto_parse(const struct pkt *p, struct proto_hdrs *h)
{
    const uint8_t *d = p->data;
    uint32_t type;
    int r;

    *h = (struct proto_hdrs){ 0 };
    if (p->len < ETH_HLEN)
        return -XEN_EINVAL;
    type = get_be16(d + ETH_OFF_TYPE);
    h->l3 = ETH_HLEN;
    if (type == ETH_TYPE_VLAN) {
        if (p->len < ETH_VLAN_HLEN)
            return -XEN_EINVAL;
        type = get_be16(d + ETH_VLAN_HLEN - 2);
        h->l3 = ETH_VLAN_HLEN;
    }
    if (type == ETH_TYPE_IPV4)
        r = parse_v4(p, h);
    else if (type == ETH_TYPE_IPV6)
        r = parse_v6(p, h);
    else
        r = -XEN_EINVAL;
    return r ? r : parse_l4(d, h);
}
