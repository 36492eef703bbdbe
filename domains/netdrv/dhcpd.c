/* SPDX-License-Identifier: MIT */
/*
 * The NAT mode's DHCP server (dhcpd.h): a request is decoded whole
 * (Ethernet, IPv4, UDP to port 67, the BOOTP fields, the options it
 * uses: message type 53, requested address 50, server id 54) with every
 * length checked, then the reply is built from scratch: Ethernet from
 * the server's MAC, IPv4 from router_ip, UDP 67 to 68, BOOTP with the
 * options 53, 54, 51, 1, 3, 6 (if there is a DNS server) and 255,
 * checksums computed.
 *
 * Addressing (RFC 2131 4.1): OFFER and ACK go to ciaddr when the client
 * has one (renewing), else to the broadcast address when the client set
 * the BROADCAST flag, else to yiaddr at the client's MAC; a NAK is always
 * broadcast. Not read: option overload (52: options in sname/file),
 * options split across several instances (RFC 3396), relays (giaddr is
 * copied, never used: the guest is on the vif itself). DECLINE, RELEASE
 * and INFORM get no reply (the lease is fixed; nothing to record).
 */
#include "dhcpd.h"

#include <string.h>

#include "csum.h"
#include "proto.h"

#define DHCP_SERVER_PORT 67u
#define DHCP_CLIENT_PORT 68u

/* BOOTP (RFC 951, 2131 2) */
#define BOOTP_OFF_OP     0u
#define BOOTP_OFF_HTYPE  1u
#define BOOTP_OFF_HLEN   2u
#define BOOTP_OFF_XID    4u
#define BOOTP_OFF_FLAGS  10u
#define BOOTP_OFF_CIADDR 12u
#define BOOTP_OFF_YIADDR 16u
#define BOOTP_OFF_GIADDR 24u
#define BOOTP_OFF_CHADDR 28u
#define BOOTP_OFF_COOKIE 236u
#define BOOTP_OFF_OPTS   240u
#define BOOTP_MIN_LEN    300u /* the reply is padded to BOOTP's classic size */
#define BOOTP_REQUEST    1u
#define BOOTP_REPLY      2u
#define BOOTP_HTYPE_ETH  1u
#define BOOTP_BROADCAST  0x8000u

/* Options (RFC 2132) */
#define OPT_PAD       0u
#define OPT_MASK      1u
#define OPT_ROUTER    3u
#define OPT_DNS       6u
#define OPT_REQ_IP    50u
#define OPT_LEASE     51u
#define OPT_TYPE      53u
#define OPT_SERVER_ID 54u
#define OPT_END       255u

#define DHCP_DISCOVER 1u
#define DHCP_OFFER    2u
#define DHCP_REQUEST  3u
#define DHCP_ACK      5u
#define DHCP_NAK      6u

static const uint8_t cookie[4] = { 99, 130, 83, 99 };
static const uint8_t bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* What the reply needs from a request (addresses as their bytes). */
struct dhcp_req {
    uint8_t type;
    uint8_t xid[4], flags[2], ciaddr[4], giaddr[4], chaddr[16];
    uint8_t req_ip[4], server_id[4];
    bool has_req_ip, has_server_id;
};

static bool to_server(const struct pkt *p, struct proto_hdrs *h)
{
    return proto_parse(p, h) == 0 && !h->v6 && h->proto == IP_PROTO_UDP &&
           get_be16(p->data + h->l4 + UDP_OFF_DPORT) == DHCP_SERVER_PORT;
}

bool dhcpd_is_request(const struct pkt *p)
{
    struct proto_hdrs h;

    return to_server(p, &h);
}

/* One option the server reads, with its length checked. */
static int take_option(uint8_t code, const uint8_t *val, uint8_t len, struct dhcp_req *r)
{
    if (code == OPT_TYPE) {
        if (len != 1)
            return -1;
        r->type = val[0];
    } else if (code == OPT_REQ_IP || code == OPT_SERVER_ID) {
        if (len != 4)
            return -1;
        memcpy(code == OPT_REQ_IP ? r->req_ip : r->server_id, val, 4);
        *(code == OPT_REQ_IP ? &r->has_req_ip : &r->has_server_id) = true;
    }
    return 0;
}

/* The options field (n bytes at o): each option inside it, up to END or
 * its end. -1 for an option running past the end or of a wrong length. */
static int parse_options(const uint8_t *o, uint32_t n, struct dhcp_req *r)
{
    uint32_t i = 0;

    while (i < n && o[i] != OPT_END) {
        if (o[i] == OPT_PAD) {
            i++;
            continue;
        }
        if (n - i < 2 || o[i + 1] > n - i - 2)
            return -1;
        if (take_option(o[i], o + i + 2, o[i + 1], r) != 0)
            return -1;
        i += 2u + o[i + 1];
    }
    return 0;
}

/* The decode step: a BOOTREQUEST of an Ethernet client with the lease's
 * MAC, a DHCP cookie and well-formed options. */
static int decode_request(const struct pkt *p, const struct dhcpd_lease *lease, struct dhcp_req *r)
{
    struct proto_hdrs h;
    const uint8_t *m;
    uint32_t n;

    if (!to_server(p, &h))
        return -1;
    m = p->data + h.l4 + UDP_HLEN;
    n = h.end - h.l4 - UDP_HLEN;
    if (n < BOOTP_OFF_OPTS || m[BOOTP_OFF_OP] != BOOTP_REQUEST || m[BOOTP_OFF_HTYPE] != BOOTP_HTYPE_ETH ||
        m[BOOTP_OFF_HLEN] != ETH_ALEN || memcmp(m + BOOTP_OFF_COOKIE, cookie, 4) != 0 ||
        memcmp(m + BOOTP_OFF_CHADDR, lease->client_mac, ETH_ALEN) != 0)
        return -1;
    *r = (struct dhcp_req){ 0 };
    memcpy(r->xid, m + BOOTP_OFF_XID, 4);
    memcpy(r->flags, m + BOOTP_OFF_FLAGS, 2);
    memcpy(r->ciaddr, m + BOOTP_OFF_CIADDR, 4);
    memcpy(r->giaddr, m + BOOTP_OFF_GIADDR, 4);
    memcpy(r->chaddr, m + BOOTP_OFF_CHADDR, 16);
    return parse_options(m + BOOTP_OFF_OPTS, n - BOOTP_OFF_OPTS, r);
}

/* The reply's message type, or 0 for none: OFFER for a DISCOVER; for a
 * REQUEST (of the address in option 50, or when renewing, in ciaddr)
 * addressed to us or to no one in particular, ACK for the lease's
 * address and NAK for any other. */
static uint8_t reply_type(const struct dhcp_req *r, const struct dhcpd_lease *lease)
{
    const uint8_t *want = r->has_req_ip ? r->req_ip : r->ciaddr;

    if (r->type == DHCP_DISCOVER)
        return DHCP_OFFER;
    if (r->type != DHCP_REQUEST)
        return 0;
    if (r->has_server_id && memcmp(r->server_id, &lease->router_ip, 4) != 0)
        return 0; /* the client took another server's offer */
    return memcmp(want, &lease->client_ip, 4) == 0 ? DHCP_ACK : DHCP_NAK;
}

static uint8_t *put_option(uint8_t *o, uint8_t code, const void *val, uint8_t len)
{
    o[0] = code;
    o[1] = len;
    memcpy(o + 2, val, len);
    return o + 2 + len;
}

/* The BOOTP message of the reply at m (BOOTP_MIN_LEN bytes, zeroed). */
static void put_bootp(uint8_t *m, const struct dhcp_req *r, const struct dhcpd_lease *lease, uint8_t type)
{
    uint8_t *o = m + BOOTP_OFF_OPTS, lease_be[4];

    m[BOOTP_OFF_OP] = BOOTP_REPLY;
    m[BOOTP_OFF_HTYPE] = BOOTP_HTYPE_ETH;
    m[BOOTP_OFF_HLEN] = ETH_ALEN;
    memcpy(m + BOOTP_OFF_XID, r->xid, 4);
    memcpy(m + BOOTP_OFF_FLAGS, r->flags, 2);
    if (type == DHCP_ACK)
        memcpy(m + BOOTP_OFF_CIADDR, r->ciaddr, 4);
    if (type != DHCP_NAK)
        memcpy(m + BOOTP_OFF_YIADDR, &lease->client_ip, 4);
    memcpy(m + BOOTP_OFF_GIADDR, r->giaddr, 4);
    memcpy(m + BOOTP_OFF_CHADDR, r->chaddr, 16);
    memcpy(m + BOOTP_OFF_COOKIE, cookie, 4);
    o = put_option(o, OPT_TYPE, &type, 1);
    o = put_option(o, OPT_SERVER_ID, &lease->router_ip, 4);
    if (type != DHCP_NAK) {
        put_be32(lease_be, lease->lease_secs);
        o = put_option(o, OPT_LEASE, lease_be, 4);
        o = put_option(o, OPT_MASK, &lease->mask, 4);
        o = put_option(o, OPT_ROUTER, &lease->router_ip, 4);
        if (lease->dns_ip)
            o = put_option(o, OPT_DNS, &lease->dns_ip, 4);
    }
    *o = OPT_END;
}

/* Where the reply goes (RFC 2131 4.1), as the file comment says. */
static void reply_dest(const struct dhcp_req *r, const struct dhcpd_lease *lease, uint8_t type, uint8_t *mac,
                       uint8_t *ip)
{
    static const uint8_t zero[4], bcast[4] = { 0xff, 0xff, 0xff, 0xff };

    if (type != DHCP_NAK && memcmp(r->ciaddr, zero, 4) != 0) {
        memcpy(mac, lease->client_mac, ETH_ALEN);
        memcpy(ip, r->ciaddr, 4);
    } else if (type == DHCP_NAK || (get_be16(r->flags) & BOOTP_BROADCAST)) {
        memcpy(mac, bcast_mac, ETH_ALEN);
        memcpy(ip, bcast, 4);
    } else {
        memcpy(mac, lease->client_mac, ETH_ALEN);
        memcpy(ip, &lease->client_ip, 4);
    }
}

/* Ethernet, IPv4 and UDP headers around the BOOTP message in d. */
static void put_headers(uint8_t *d, const struct dhcp_req *r, const struct dhcpd_lease *lease, uint8_t type)
{
    uint8_t *ip = d + ETH_HLEN, *udp = ip + IPV4_HLEN;
    uint32_t udp_len = UDP_HLEN + BOOTP_MIN_LEN;

    reply_dest(r, lease, type, d + ETH_OFF_DST, ip + IPV4_OFF_DST);
    memcpy(d + ETH_OFF_SRC, lease->server_mac, ETH_ALEN);
    put_be16(d + ETH_OFF_TYPE, ETH_TYPE_IPV4);
    ip[0] = 0x45;
    put_be16(ip + IPV4_OFF_TOTAL, (uint16_t)(IPV4_HLEN + udp_len));
    ip[IPV4_OFF_TTL] = IPV4_TTL;
    ip[IPV4_OFF_PROTO] = IP_PROTO_UDP;
    memcpy(ip + IPV4_OFF_SRC, &lease->router_ip, 4);
    proto_ipv4_csum_set(ip, IPV4_HLEN);
    put_be16(udp + UDP_OFF_SPORT, DHCP_SERVER_PORT);
    put_be16(udp + UDP_OFF_DPORT, DHCP_CLIENT_PORT);
    put_be16(udp + UDP_OFF_LEN, (uint16_t)udp_len);
    uint16_t check = csum_fold(
        csum_partial(udp, udp_len, csum_pseudo(ip + IPV4_OFF_SRC, ip + IPV4_OFF_DST, 4, IP_PROTO_UDP, udp_len)));
    put_be16(udp + UDP_OFF_CHECK, check ? check : 0xffff);
}

struct pkt *dhcpd_reply(const struct pkt *p, const struct dhcpd_lease *lease)
{
    const uint32_t len = ETH_HLEN + IPV4_HLEN + UDP_HLEN + BOOTP_MIN_LEN;
    struct dhcp_req r;
    struct pkt *out;
    uint8_t type;

    if (decode_request(p, lease, &r) != 0)
        return NULL;
    type = reply_type(&r, lease);
    if (!type || !(out = pkt_alloc(len)))
        return NULL;
    memset(out->data, 0, len);
    put_bootp(out->data + ETH_HLEN + IPV4_HLEN + UDP_HLEN, &r, lease, type);
    put_headers(out->data, &r, lease, type); /* after the message: the UDP check covers it */
    out->flags = PKT_CSUM_VALID;
    return out;
}
