/* SPDX-License-Identifier: MIT */
/*
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624),
 * shared by netdrv's header code (proto.c), offload, NAT and DHCP. Every
 * value here is in host order: a 16-bit checksum field is read and
 * written with proto.h's get_be16/put_be16, a 32-bit address with
 * get_be32.
 *
 * A "sum" is the one's-complement sum of big-endian 16-bit words, kept
 * reduced to 0..0xffff and not complemented (what a PKT_CSUM_PARTIAL
 * frame holds in its L4 field); a "check" is the complemented sum that a
 * header carries. This file does not parse headers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* csum_partial: sum plus the len bytes at buf as big-endian words (an
 * odd last byte padded with a zero), reduced to 0..0xffff. sum may be any
 * value (it is reduced too). Chained calls must give every piece but the
 * last an even length. */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);

/* csum_add: the reduced one's-complement sum of a and b. */
uint32_t csum_add(uint32_t a, uint32_t b);

/* csum_fold: the check of a sum: its complement, as a header stores it. */
uint16_t csum_fold(uint32_t sum);

/* csum_pseudo: the sum of a TCP/UDP pseudo-header (RFC 793, RFC 8200
 * 8.1): source and destination addresses of alen bytes each (4 or 16, as
 * they are in the IP header), the protocol and the L4 length. */
uint32_t csum_pseudo(const uint8_t *src, const uint8_t *dst, size_t alen, uint8_t proto, uint32_t l4_len);

/* csum_replace2/4: a check after one 16-bit (or 32-bit) word it covers
 * changed from `from` to `to` (RFC 1624, eqn. 3). */
uint16_t csum_replace2(uint16_t check, uint16_t from, uint16_t to);
uint16_t csum_replace4(uint16_t check, uint32_t from, uint32_t to);

/* csum_sum_replace2/4: the same for a field holding a sum that is not
 * complemented (a partial checksum's pseudo-header sum). */
uint16_t csum_sum_replace2(uint16_t sum, uint16_t from, uint16_t to);
uint16_t csum_sum_replace4(uint16_t sum, uint32_t from, uint32_t to);
