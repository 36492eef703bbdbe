/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing the headers of an Ethernet frame (pkt.h): Ethernet
 * II, ARP for IPv4 over Ethernet (RFC 826), IPv4 (RFC 791), IPv6 (RFC
 * 8200, the fixed header only), TCP and UDP. The frames come from guests
 * and the outside, so every parser checks each length against the frame
 * before it reads, and reports what it found in a small struct that the
 * caller decides on; writers only touch bytes a parser has vouched for.
 * VLAN tags are not looked through (a tagged frame is "not IP"). Addresses
 * are kept in network order, as uint32_t loaded from the wire.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

#define FRAME_ETHERTYPE_IPV4 0x0800u
#define FRAME_ETHERTYPE_ARP  0x0806u
#define FRAME_ETHERTYPE_IPV6 0x86ddu

#define FRAME_ARP_REQUEST 1u
#define FRAME_ARP_REPLY   2u

#define FRAME_IPPROTO_ICMP 1u
#define FRAME_IPPROTO_TCP  6u
#define FRAME_IPPROTO_UDP  17u

#define FRAME_ARP_LEN  28u /* ARP for IPv4 over Ethernet */
#define FRAME_MIN_LEN  60u /* the shortest Ethernet frame without its FCS */
#define FRAME_IPV6_LEN 40u

struct frame_eth {
    uint8_t dst[6], src[6];
    uint16_t type; /* the EtherType (host order) */
};

struct frame_arp {
    uint16_t op; /* FRAME_ARP_* (host order) */
    uint8_t sha[6], tha[6];
    uint32_t spa, tpa;
};

struct frame_ipv4 {
    uint32_t off;     /* the header's offset in the frame */
    uint32_t hlen;    /* header bytes (IHL * 4) */
    uint32_t tot_len; /* header and payload, as the header says (fits in the frame) */
    uint8_t ttl, proto;
    bool frag;      /* a fragment: MF set or a fragment offset */
    bool frag_tail; /* a fragment other than the first: no L4 header */
    uint32_t src, dst;
};

struct frame_ipv6 {
    uint32_t off;
    uint16_t payload_len; /* fits in the frame */
    uint8_t next, hop_limit;
    uint8_t src[16], dst[16];
};

/* The TCP or UDP header after an IPv4 header (not a later fragment). */
struct frame_l4 {
    uint32_t off;  /* the L4 header's offset in the frame */
    uint32_t hlen; /* its length: 8 for UDP, the data offset for TCP */
    uint16_t sport, dport;
};

static inline bool frame_mac_is_multicast(const uint8_t mac[6])
{
    return (mac[0] & 1u) != 0; /* broadcast included */
}

bool frame_mac_is_zero(const uint8_t mac[6]);
bool frame_mac_eq(const uint8_t a[6], const uint8_t b[6]);
/* frame_mac_fmt: "aa:bb:cc:dd:ee:ff" into out (18 bytes). */
void frame_mac_fmt(char out[18], const uint8_t mac[6]);
/* frame_ip_fmt: dotted quad into out (16 bytes). */
void frame_ip_fmt(char out[16], uint32_t ip);

/* frame_eth_parse: the Ethernet header. 0, or -XEN_EINVAL (shorter than
 * one). The payload starts at PKT_ETH_HLEN. */
int frame_eth_parse(const struct pkt *p, struct frame_eth *e) __attribute__((warn_unused_result));
/* frame_eth_set: write the destination and source MACs. */
void frame_eth_set(struct pkt *p, const uint8_t dst[6], const uint8_t src[6]);

/* frame_arp_parse: the ARP packet after the Ethernet header. 0, or
 * -XEN_EINVAL (truncated, or not IPv4 over Ethernet). */
int frame_arp_parse(const struct pkt *p, struct frame_arp *a) __attribute__((warn_unused_result));
/* frame_arp_reply: a new frame (one reference) answering request req:
 * "req->tpa is at mac", sent from mac to the asker; NULL when no buffer. */
struct pkt *frame_arp_reply(const struct frame_arp *req, const uint8_t mac[6]);

/* frame_ipv4_parse: the IPv4 header after the Ethernet header. 0, or
 * -XEN_EINVAL (not version 4, IHL under 5, header or total length past
 * the frame, total length under the header). Trailing bytes past
 * tot_len (Ethernet padding) are allowed. The checksum is not checked. */
int frame_ipv4_parse(const struct pkt *p, struct frame_ipv4 *ip) __attribute__((warn_unused_result));
/* frame_ipv4_csum_ok: the header checksum sums to zero. */
bool frame_ipv4_csum_ok(const struct pkt *p, const struct frame_ipv4 *ip);
/* frame_ipv4_csum_set: compute and write the header checksum. */
void frame_ipv4_csum_set(struct pkt *p, const struct frame_ipv4 *ip);
/* frame_ipv4_ttl_dec: TTL minus one, the checksum adjusted incrementally
 * (RFC 1624), so a header that was wrong stays wrong. ip->ttl must be
 * above 1 (the caller drops the others). */
void frame_ipv4_ttl_dec(struct pkt *p, struct frame_ipv4 *ip);

/* frame_ipv6_parse: the fixed IPv6 header. 0, or -XEN_EINVAL. */
int frame_ipv6_parse(const struct pkt *p, struct frame_ipv6 *ip6) __attribute__((warn_unused_result));

/* frame_l4_parse: the TCP or UDP header of an IPv4 packet. 0, or
 * -XEN_EINVAL (another protocol, a later fragment, a header past the
 * packet, a TCP data offset under 5 or a UDP length outside the packet). */
int frame_l4_parse(const struct pkt *p, const struct frame_ipv4 *ip, struct frame_l4 *l4)
    __attribute__((warn_unused_result));

/* frame_icmp_echo_answer: turn an ICMP echo request (IPv4, not a
 * fragment) into its reply in place: addresses swapped, type 0, TTL 64,
 * both checksums right. 0, or -XEN_EINVAL (not an echo request). The
 * Ethernet addresses are the caller's to set. */
int frame_icmp_echo_answer(struct pkt *p, struct frame_ipv4 *ip) __attribute__((warn_unused_result));

/* frame_csum_add: the ones' complement sum of n bytes added to sum
 * (unfolded); frame_csum_fold: folded and complemented. */
uint32_t frame_csum_add(uint32_t sum, const uint8_t *d, uint32_t n);
uint16_t frame_csum_fold(uint32_t sum);
