/* SPDX-License-Identifier: MIT */
/*
 * The numbers and byte offsets of the Ethernet, IPv4, IPv6, TCP, UDP and
 * ICMP headers (IEEE 802.3/802.1Q, RFC 791, 8200, 793, 768, 792) that
 * netdrv's frame code reads. Headers are read by offset with csum.h's
 * get_be16/get_be32, never through structs laid over frame bytes (the
 * frames are unaligned and untrusted), and proto_parse finds the IP and
 * L4 headers of a frame for offload.c and nat.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

/* Ethernet */
#define ETH_ALEN      6u
#define ETH_OFF_DST   0u
#define ETH_OFF_SRC   6u
#define ETH_OFF_TYPE  12u
#define ETH_HLEN      14u
#define ETH_VLAN_HLEN 18u /* with one 802.1Q tag: the type is at 16 */
#define ETH_TYPE_IPV4 0x0800u
#define ETH_TYPE_ARP  0x0806u
#define ETH_TYPE_VLAN 0x8100u
#define ETH_TYPE_IPV6 0x86ddu

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
#define IPV4_FRAG_MASK 0x3fffu /* MF and the offset: set on every fragment */

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
 * carrying IPv4 or IPv6, each offset and length checked against the
 * frame. 0; -XEN_EOPNOTSUPP for a fragment (IPv4's MF or offset, IPv6's
 * fragment header); -XEN_EINVAL: not IP, truncated, an IPv6 extension
 * header other than hop-by-hop, routing or destination options (at most
 * PROTO_V6_EXT_MAX of those), or a truncated TCP/UDP/ICMP header. */
#define PROTO_V6_EXT_MAX 4u
int proto_parse(const struct pkt *p, struct proto_hdrs *h) __attribute__((warn_unused_result));
