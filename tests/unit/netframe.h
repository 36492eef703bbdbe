/* SPDX-License-Identifier: MIT */
/*
 * Frames for netdrv's unit tests and fuzz seeds, built field by field,
 * and checksums verified by a plain byte-by-byte recomputation that
 * shares nothing with domains/netdrv/csum.c (so a wrong checksum there
 * cannot pass here unnoticed).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

struct netframe {
    bool v6;
    bool vlan;     /* one 802.1Q tag */
    bool v6_hop;   /* an 8-byte hop-by-hop options header before the L4 header */
    uint8_t proto; /* 6 TCP, 17 UDP, 1 ICMP (type, code 0, check, id, sequence 1) */
    uint8_t src[16], dst[16];
    uint16_t sport, dport; /* ICMP: sport is the identifier */
    uint32_t seq;
    uint8_t tcp_flags;
    uint8_t tcp_opts;  /* bytes of TCP options (a multiple of 4; NOPs) */
    uint8_t icmp_type; /* ICMP: 8 echo request, 0 echo reply */
    uint16_t ip_id;
    uint16_t frag;   /* IPv4 flags and fragment offset */
    bool udp_nocsum; /* UDP checksum 0 */
    bool partial;    /* PKT_CSUM_PARTIAL: the L4 field holds the pseudo-header's sum */
    const uint8_t *payload;
    uint32_t payload_len;
};

/* Where netframe_build put things (offsets from data). */
struct netframe_at {
    uint32_t l3, l4, l4_hlen, end;
};

/* netframe_build: a new frame from the pool, checksums complete (or,
 * with partial, the L4 field holding the pseudo-header's sum and
 * csum_start/csum_offset set); NULL when the pool is dry. */
struct pkt *netframe_build(const struct netframe *f, struct netframe_at *at);

/* The reduced one's-complement sum, byte by byte. */
uint32_t netframe_sum(const uint8_t *p, size_t n, uint32_t sum);

/* netframe_pseudo: the sum of the TCP/UDP pseudo-header of the packet. */
uint32_t netframe_pseudo(const uint8_t *d, const struct netframe_at *at, bool v6, uint8_t proto);

/* netframe_ipv4_ok: the IPv4 header at l3 sums to 0xffff. */
bool netframe_ipv4_ok(const uint8_t *d, uint32_t l3);

/* netframe_l4_ok: the L4 checksum of the packet is right (pseudo-header
 * included for TCP/UDP; a UDP 0 counts as right only if zero_ok). */
bool netframe_l4_ok(const uint8_t *d, const struct netframe_at *at, bool v6, uint8_t proto, bool zero_ok);

/* The pool's free buffers, to compare before and after. */
unsigned netframe_pool_free(void);
