/* SPDX-License-Identifier: MIT */
/*
 * The header parsers and writers of frame.h. Parsers read nothing past
 * p->len; writers are handed what a parser returned and stay inside it.
 * No policy here: what to do with a frame is the switch's business.
 */
#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

#define IPV4_HLEN_MIN     20u
#define IPV4_MF           0x2000u
#define IPV4_OFFMASK      0x1fffu
#define UDP_HLEN          8u
#define TCP_HLEN_MIN      20u
#define ICMP_ECHO_REQUEST 8u
#define ICMP_ECHO_REPLY   0u
#define ICMP_HLEN         8u
#define TTL_DEFAULT       64u

static uint16_t get16(const uint8_t *b)
{
    return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static void put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static uint32_t get_ip(const uint8_t *b)
{
    uint32_t v;

    memcpy(&v, b, 4);
    return v;
}

bool frame_mac_is_zero(const uint8_t mac[6])
{
    static const uint8_t zero[6];

    return memcmp(mac, zero, 6) == 0;
}

bool frame_mac_eq(const uint8_t a[6], const uint8_t b[6])
{
    return memcmp(a, b, 6) == 0;
}

void frame_mac_fmt(char out[18], const uint8_t mac[6])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void frame_ip_fmt(char out[16], uint32_t ip)
{
    uint8_t b[4];

    memcpy(b, &ip, 4);
    snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

uint32_t frame_csum_add(uint32_t sum, const uint8_t *d, uint32_t n)
{
    uint32_t i;

    for (i = 0; i + 1 < n; i += 2) {
        sum += get16(d + i);
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    if (i < n)
        sum += (uint32_t)d[i] << 8;
    return sum;
}

uint16_t frame_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

int frame_eth_parse(const struct pkt *p, struct frame_eth *e)
{
    if (p->len < PKT_ETH_HLEN)
        return -XEN_EINVAL;
    memcpy(e->dst, p->data, 6);
    memcpy(e->src, p->data + 6, 6);
    e->type = get16(p->data + 12);
    return 0;
}

void frame_eth_set(struct pkt *p, const uint8_t dst[6], const uint8_t src[6])
{
    memcpy(p->data, dst, 6);
    memcpy(p->data + 6, src, 6);
}

int frame_arp_parse(const struct pkt *p, struct frame_arp *a)
{
    const uint8_t *b = p->data + PKT_ETH_HLEN;

    if (p->len < PKT_ETH_HLEN + FRAME_ARP_LEN)
        return -XEN_EINVAL;
    /* hardware Ethernet (1) of 6 bytes, protocol IPv4 of 4 bytes */
    if (get16(b) != 1u || get16(b + 2) != FRAME_ETHERTYPE_IPV4 || b[4] != 6u || b[5] != 4u)
        return -XEN_EINVAL;
    a->op = get16(b + 6);
    memcpy(a->sha, b + 8, 6);
    a->spa = get_ip(b + 14);
    memcpy(a->tha, b + 18, 6);
    a->tpa = get_ip(b + 24);
    return 0;
}

struct pkt *frame_arp_reply(const struct frame_arp *req, const uint8_t mac[6])
{
    struct pkt *p = pkt_alloc(FRAME_MIN_LEN);
    uint8_t *b;

    if (!p)
        return NULL;
    memset(p->data, 0, FRAME_MIN_LEN);
    frame_eth_set(p, req->sha, mac);
    put16(p->data + 12, FRAME_ETHERTYPE_ARP);
    b = p->data + PKT_ETH_HLEN;
    put16(b, 1u);
    put16(b + 2, FRAME_ETHERTYPE_IPV4);
    b[4] = 6;
    b[5] = 4;
    put16(b + 6, FRAME_ARP_REPLY);
    memcpy(b + 8, mac, 6);
    memcpy(b + 14, &req->tpa, 4);
    memcpy(b + 18, req->sha, 6);
    memcpy(b + 24, &req->spa, 4);
    return p;
}

int frame_ipv4_parse(const struct pkt *p, struct frame_ipv4 *ip)
{
    const uint8_t *b = p->data + PKT_ETH_HLEN;
    uint32_t avail, frag;

    if (p->len < PKT_ETH_HLEN + IPV4_HLEN_MIN)
        return -XEN_EINVAL;
    avail = p->len - PKT_ETH_HLEN;
    if ((b[0] >> 4) != 4u)
        return -XEN_EINVAL;
    ip->off = PKT_ETH_HLEN;
    ip->hlen = (b[0] & 0xfu) * 4u;
    ip->tot_len = get16(b + 2);
    if (ip->hlen < IPV4_HLEN_MIN || ip->hlen > avail || ip->tot_len < ip->hlen || ip->tot_len > avail)
        return -XEN_EINVAL;
    frag = get16(b + 6);
    ip->frag = (frag & (IPV4_MF | IPV4_OFFMASK)) != 0;
    ip->frag_tail = (frag & IPV4_OFFMASK) != 0;
    ip->ttl = b[8];
    ip->proto = b[9];
    ip->src = get_ip(b + 12);
    ip->dst = get_ip(b + 16);
    return 0;
}

bool frame_ipv4_csum_ok(const struct pkt *p, const struct frame_ipv4 *ip)
{
    return frame_csum_fold(frame_csum_add(0, p->data + ip->off, ip->hlen)) == 0;
}

void frame_ipv4_csum_set(struct pkt *p, const struct frame_ipv4 *ip)
{
    uint8_t *b = p->data + ip->off;

    put16(b + 10, 0);
    put16(b + 10, frame_csum_fold(frame_csum_add(0, b, ip->hlen)));
}

void frame_ipv4_ttl_dec(struct pkt *p, struct frame_ipv4 *ip)
{
    uint8_t *b = p->data + ip->off;
    uint16_t old_word = get16(b + 8);
    uint16_t new_word;
    uint32_t sum;

    ip->ttl--;
    b[8] = ip->ttl;
    new_word = get16(b + 8);
    /* RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m') */
    sum = (uint16_t)~get16(b + 10);
    sum += (uint16_t)~old_word;
    sum += new_word;
    put16(b + 10, frame_csum_fold(sum));
}

int frame_ipv6_parse(const struct pkt *p, struct frame_ipv6 *ip6)
{
    const uint8_t *b = p->data + PKT_ETH_HLEN;

    if (p->len < PKT_ETH_HLEN + FRAME_IPV6_LEN || (b[0] >> 4) != 6u)
        return -XEN_EINVAL;
    ip6->off = PKT_ETH_HLEN;
    ip6->payload_len = get16(b + 4);
    if (ip6->payload_len > p->len - PKT_ETH_HLEN - FRAME_IPV6_LEN)
        return -XEN_EINVAL;
    ip6->next = b[6];
    ip6->hop_limit = b[7];
    memcpy(ip6->src, b + 8, 16);
    memcpy(ip6->dst, b + 24, 16);
    return 0;
}

int frame_l4_parse(const struct pkt *p, const struct frame_ipv4 *ip, struct frame_l4 *l4)
{
    uint32_t room = ip->tot_len - ip->hlen;
    const uint8_t *b = p->data + ip->off + ip->hlen;

    if (ip->frag_tail || (ip->proto != FRAME_IPPROTO_TCP && ip->proto != FRAME_IPPROTO_UDP))
        return -XEN_EINVAL;
    if (room < UDP_HLEN)
        return -XEN_EINVAL;
    l4->off = ip->off + ip->hlen;
    l4->sport = get16(b);
    l4->dport = get16(b + 2);
    if (ip->proto == FRAME_IPPROTO_UDP) {
        uint16_t ulen = get16(b + 4);
        /* a fragment's UDP length covers the whole datagram */
        if (ulen < UDP_HLEN || (!ip->frag && ulen > room))
            return -XEN_EINVAL;
        l4->hlen = UDP_HLEN;
        return 0;
    }
    if (room < TCP_HLEN_MIN)
        return -XEN_EINVAL;
    l4->hlen = (uint32_t)(b[12] >> 4) * 4u;
    if (l4->hlen < TCP_HLEN_MIN || l4->hlen > room)
        return -XEN_EINVAL;
    return 0;
}

int frame_icmp_echo_answer(struct pkt *p, struct frame_ipv4 *ip)
{
    uint8_t *b = p->data + ip->off;
    uint8_t *icmp = b + ip->hlen;
    uint32_t icmp_len = ip->tot_len - ip->hlen;
    uint32_t t = ip->src;

    if (ip->proto != FRAME_IPPROTO_ICMP || ip->frag || icmp_len < ICMP_HLEN || icmp[0] != ICMP_ECHO_REQUEST ||
        icmp[1] != 0)
        return -XEN_EINVAL;
    icmp[0] = ICMP_ECHO_REPLY;
    put16(icmp + 2, 0);
    put16(icmp + 2, frame_csum_fold(frame_csum_add(0, icmp, icmp_len)));
    ip->src = ip->dst;
    ip->dst = t;
    memcpy(b + 12, &ip->src, 4);
    memcpy(b + 16, &ip->dst, 4);
    ip->ttl = TTL_DEFAULT;
    b[8] = TTL_DEFAULT;
    frame_ipv4_csum_set(p, ip);
    return 0;
}
