/* SPDX-License-Identifier: MIT */
/*
 * netdrv's one reader and writer of frame headers: the numbers and byte
 * offsets of Ethernet, ARP, IPv4, IPv6, TCP, UDP and ICMP (IEEE
 * 802.3/802.1Q, RFC 826, 791, 8200, 793, 768, 792), the byte-order
 * helpers, and the parsers the switch, offload, NAT and DHCP code share.
 * Headers are read by offset, never through structs laid over frame
 * bytes (the frames are unaligned and untrusted); every parser checks
 * each length against the frame before it reads and reports what it
 * found in a small struct that the caller decides on; writers only touch
 * bytes a parser has vouched for (or a frame they built). No policy here:
 * what to do with a frame is its caller's business. Checksums are
 * csum.h's.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

/* Big-endian loads and stores at any alignment. */
static inline uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Ethernet */
#define ETH_ALEN      6u
#define ETH_OFF_DST   0u
#define ETH_OFF_SRC   6u
#define ETH_OFF_TYPE  12u
#define ETH_HLEN      PKT_ETH_HLEN
#define ETH_MIN_LEN   60u /* the shortest Ethernet frame without its FCS */
#define ETH_VLAN_HLEN 18u /* with one 802.1Q tag: the type is at 16 */
#define ETH_TYPE_IPV4 0x0800u
#define ETH_TYPE_ARP  0x0806u
#define ETH_TYPE_VLAN 0x8100u
#define ETH_TYPE_IPV6 0x86ddu

/* ARP for IPv4 over Ethernet */
#define ARP_LEN       28u
#define ARP_OFF_HTYPE 0u
#define ARP_OFF_PTYPE 2u
#define ARP_OFF_HLEN  4u
#define ARP_OFF_PLEN  5u
#define ARP_OFF_OP    6u
#define ARP_OFF_SHA   8u
#define ARP_OFF_SPA   14u
#define ARP_OFF_THA   18u
#define ARP_OFF_TPA   24u
#define ARP_HTYPE_ETH 1u
#define ARP_REQUEST   1u
#define ARP_REPLY     2u

/* IPv4 */
#define IPV4_HLEN      20u /* without options */
#define IPV4_OFF_TOTAL 2u
#define IPV4_OFF_ID    4u
#define IPV4_OFF_FRAG  6u /* flags and fragment offset */
#define IPV4_OFF_TTL   8u
#define IPV4_OFF_PROTO 9u
#define IPV4_OFF_CHECK 10u
#define IPV4_OFF_SRC   12u
#define IPV4_OFF_DST   16u
#define IPV4_FRAG_MF   0x2000u
#define IPV4_FRAG_OFF  0x1fffu /* the offset: set on every fragment but the first */
#define IPV4_FRAG_MASK 0x3fffu /* MF and the offset: set on every fragment */
#define IPV4_TTL       64u     /* what netdrv's own packets start with */

/* IPv6 */
#define IPV6_HLEN      40u
#define IPV6_OFF_PLEN  4u
#define IPV6_OFF_NEXT  6u
#define IPV6_OFF_SRC   8u
#define IPV6_OFF_DST   24u
#define IPV6_EXT_HOP   0u  /* hop-by-hop options */
#define IPV6_EXT_ROUTE 43u /* routing */
#define IPV6_EXT_FRAG  44u /* fragment */
#define IPV6_EXT_DEST  60u /* destination options */

#define IP_PROTO_ICMP 1u
#define IP_PROTO_TCP  6u
#define IP_PROTO_UDP  17u

/* TCP */
#define TCP_HLEN      20u /* without options */
#define TCP_OFF_SPORT 0u
#define TCP_OFF_DPORT 2u
#define TCP_OFF_SEQ   4u
#define TCP_OFF_DOFF  12u /* data offset in the high nibble */
#define TCP_OFF_FLAGS 13u
#define TCP_OFF_CHECK 16u
#define TCP_FIN       0x01u
#define TCP_SYN       0x02u
#define TCP_RST       0x04u
#define TCP_PSH       0x08u
#define TCP_ACK       0x10u
#define TCP_CWR       0x80u

/* UDP */
#define UDP_HLEN      8u
#define UDP_OFF_SPORT 0u
#define UDP_OFF_DPORT 2u
#define UDP_OFF_LEN   4u
#define UDP_OFF_CHECK 6u

/* ICMP (echo) */
#define ICMP_HLEN         8u
#define ICMP_OFF_TYPE     0u
#define ICMP_OFF_CHECK    2u
#define ICMP_OFF_ID       4u
#define ICMP_ECHO_REPLY   0u
#define ICMP_ECHO_REQUEST 8u

static inline bool proto_mac_is_multicast(const uint8_t mac[ETH_ALEN])
{
    return (mac[0] & 1u) != 0; /* broadcast included */
}

bool proto_mac_is_zero(const uint8_t mac[ETH_ALEN]);
bool proto_mac_eq(const uint8_t a[ETH_ALEN], const uint8_t b[ETH_ALEN]);
/* proto_mac_fmt: "aa:bb:cc:dd:ee:ff" into out (18 bytes). */
void proto_mac_fmt(char out[18], const uint8_t mac[ETH_ALEN]);
/* proto_ipv4_fmt: the dotted quad of ip (network order) into out (16 bytes). */
void proto_ipv4_fmt(char out[16], uint32_t ip);

/* The Ethernet header. */
struct proto_eth {
    uint8_t dst[ETH_ALEN], src[ETH_ALEN];
    uint16_t type; /* the EtherType (host order), ETH_TYPE_VLAN for a tagged frame */
};

/* proto_eth_parse: 0, or -XEN_EINVAL (shorter than an Ethernet header). */
int proto_eth_parse(const struct pkt *p, struct proto_eth *e) __attribute__((warn_unused_result));
/* proto_eth_set: write the destination and source MACs. */
void proto_eth_set(struct pkt *p, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN]);

/* An ARP packet for IPv4 over Ethernet; addresses in network order. */
struct proto_arp {
    uint16_t op; /* ARP_REQUEST, ARP_REPLY, ... (host order) */
    uint8_t sha[ETH_ALEN], tha[ETH_ALEN];
    uint32_t spa, tpa;
};

/* proto_arp_parse: the ARP packet right after the Ethernet header (no
 * tag). 0, or -XEN_EINVAL (truncated, or not IPv4 over Ethernet). */
int proto_arp_parse(const struct pkt *p, struct proto_arp *a) __attribute__((warn_unused_result));
/* proto_arp_reply: a new frame (one reference) answering request req:
 * "req->tpa is at mac", sent from mac to the asker; NULL when no buffer. */
struct pkt *proto_arp_reply(const struct proto_arp *req, const uint8_t mac[ETH_ALEN]);

/* An IPv4 header; addresses in network order (as loaded from the wire). */
struct proto_ipv4 {
    uint32_t l3;    /* the header's offset in the frame */
    uint32_t hlen;  /* header bytes (IHL * 4) */
    uint32_t total; /* header and payload, as the header says (fits in the frame) */
    uint8_t ttl, proto;
    bool frag;      /* a fragment: MF set or a fragment offset */
    bool frag_tail; /* a fragment other than the first: no L4 header */
    uint32_t src, dst;
};

/* proto_ipv4_parse: the IPv4 header at offset l3. 0, or -XEN_EINVAL (not
 * version 4, IHL under 5, header or total length past the frame, total
 * length under the header). Trailing bytes past the total length
 * (Ethernet padding) are allowed; the checksum is not checked. */
int proto_ipv4_parse(const struct pkt *p, uint32_t l3, struct proto_ipv4 *ip) __attribute__((warn_unused_result));
/* proto_ipv4_csum_set: compute and write the checksum of the hlen-byte
 * IPv4 header at iph. */
void proto_ipv4_csum_set(uint8_t *iph, uint32_t hlen);
/* proto_ipv4_ttl_dec: TTL minus one, the checksum adjusted incrementally
 * (RFC 1624), so a header that was wrong stays wrong. ip->ttl must be
 * above 1 (the caller drops the others). */
void proto_ipv4_ttl_dec(struct pkt *p, struct proto_ipv4 *ip);
/* proto_icmp_echo_answer: turn an ICMP echo request (IPv4, not a
 * fragment) into its reply in place: addresses swapped, type 0, TTL 64,
 * both checksums right. 0, or -XEN_EINVAL (not an echo request). The
 * Ethernet addresses are the caller's to set. */
int proto_icmp_echo_answer(struct pkt *p, struct proto_ipv4 *ip) __attribute__((warn_unused_result));

/* Where proto_parse found a frame's headers (offsets from pkt.data). */
struct proto_hdrs {
    uint32_t l3;      /* the IP header */
    uint32_t l4;      /* the L4 header (after IPv4 options, IPv6 extension headers) */
    uint32_t l4_hlen; /* its length: TCP with options, UDP 8, ICMP 8; 0 for another protocol */
    uint32_t end;     /* the IP packet's end (Ethernet padding may follow, up to pkt.len) */
    uint8_t proto;    /* IP_PROTO_*, or another number (then l4_hlen is 0) */
    bool v6;
    bool v6_route; /* an IPv6 routing header: the pseudo-header's destination is not the header's */
};

/* proto_parse: the headers of an Ethernet frame (one 802.1Q tag at most)
 * carrying IPv4 (read by proto_ipv4_parse) or IPv6, each offset and
 * length checked against the frame. 0; -XEN_EOPNOTSUPP for a fragment
 * (IPv4's MF or offset, IPv6's fragment header); -XEN_EINVAL: not IP,
 * truncated, an IPv6 extension header other than hop-by-hop, routing or
 * destination options (at most PROTO_V6_EXT_MAX of those), a truncated
 * TCP/UDP/ICMP header, a TCP data offset under 5, or a UDP length under
 * 8 or past the IP packet. */
#define PROTO_V6_EXT_MAX 4u
int proto_parse(const struct pkt *p, struct proto_hdrs *h) __attribute__((warn_unused_result));
