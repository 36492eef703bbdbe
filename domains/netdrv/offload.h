/* SPDX-License-Identifier: MIT */
/*
 * Checksum and segmentation offload done in software, for the ports that
 * cannot take a frame as it is (pkt.h's metadata): a partial checksum
 * located by parsing the headers (Xen's netif says only "csum_blank"),
 * completed, or a TCP GSO frame cut into MSS-sized frames. Pure code over
 * the frame's bytes: every length and offset is checked against the
 * frame before use (the frames come from guests and the outside).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

/* offload_csum_setup: for a frame flagged by its sender as "checksum to
 * be completed" without a location (Xen's NETTXF_csum_blank): find the
 * TCP or UDP header of its IPv4 or IPv6 packet and set PKT_CSUM_PARTIAL,
 * csum_start and csum_offset. 0, or -XEN_EINVAL (not TCP/UDP over IP, or
 * truncated headers: the caller drops it). */
int offload_csum_setup(struct pkt *p) __attribute__((warn_unused_result));

/* offload_csum_complete: fold the partial checksum in (PKT_CSUM_PARTIAL
 * cleared, PKT_CSUM_VALID set). 0, or -XEN_EINVAL when csum_start or
 * csum_offset lie outside the frame (or csum_offset is odd: no checksum
 * field is). */
int offload_csum_complete(struct pkt *p) __attribute__((warn_unused_result));

/* offload_gso_segment: cut a GSO frame into frames of at most gso_size
 * payload each, with headers fixed up (IPv4 id and length, IPv6 payload
 * length, TCP sequence, flags (FIN/PSH only on the last), checksums
 * complete), each given to out(ctx, seg) with one reference. Consumes p.
 * 0, or -XEN_EINVAL (a malformed frame: nothing given out) or
 * -XEN_ENOMEM (the pool ran dry: the segments not made are dropped). */
int offload_gso_segment(struct pkt *p, void (*out)(void *ctx, struct pkt *seg), void *ctx)
    __attribute__((warn_unused_result));
