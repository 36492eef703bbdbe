/* SPDX-License-Identifier: MIT */
/*
 * proto_parse of proto.h: finds the IP and L4 headers of a frame that
 * came from a guest or the outside. Reads only inside the frame, and
 * only inside the IP packet's declared length for what follows the IP
 * header; changes nothing.
 */
#include "proto.h"

#include "csum.h"
#include "idl/xen_errno.h"

static int parse_v4(const uint8_t *d, uint32_t len, struct proto_hdrs *h)
{
    const uint8_t *ip = d + h->l3;
    uint32_t ihl, total;

    if (len - h->l3 < IPV4_HLEN || ip[0] >> 4 != 4)
        return -XEN_EINVAL;
    ihl = (ip[0] & 0xfu) * 4u;
    total = get_be16(ip + IPV4_OFF_TOTAL);
    if (ihl < IPV4_HLEN || total < ihl || total > len - h->l3)
        return -XEN_EINVAL;
    if (get_be16(ip + IPV4_OFF_FRAG) & IPV4_FRAG_MASK)
        return -XEN_EOPNOTSUPP;
    h->l4 = h->l3 + ihl;
    h->end = h->l3 + total;
    h->proto = ip[IPV4_OFF_PROTO];
    return 0;
}

static int parse_v6(const uint8_t *d, uint32_t len, struct proto_hdrs *h)
{
    const uint8_t *ip = d + h->l3;
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
    case IP_PROTO_UDP: hlen = UDP_HLEN; break;
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
        r = parse_v4(d, p->len, h);
    else if (type == ETH_TYPE_IPV6)
        r = parse_v6(d, p->len, h);
    else
        r = -XEN_EINVAL;
    return r ? r : parse_l4(d, h);
}
