/* SPDX-License-Identifier: MIT */
/*
 * One Ethernet frame in netdrv's own memory, as every part of netdrv
 * passes it: netback (a guest's transmit, grant-copied in), the NIC
 * (virtio-net's receive buffers), the host stack (lwIP's output), and the
 * switch that moves frames between them. The buffers come from one pool
 * of DMA memory (the device reaches them through the IOMMU; a pointer is
 * its own bus address), in two sizes: one for frames up to an MTU and
 * one for segmentation-offload frames of up to 64 KiB.
 *
 * Offload metadata travels with the frame, in virtio's terms (virtio 1.x,
 * 5.1.6): a partial checksum (PKT_CSUM_PARTIAL: the sum over
 * [csum_start, len) is still to be folded in at csum_start + csum_offset)
 * and a TCP segmentation request (gso_type with gso_size, the MSS).
 *
 * References: a frame sent to several ports (a flood) is shared, each
 * holder putting its reference when done; a holder that changes the frame
 * first makes it its own with pkt_unshare. Not thread-safe: netdrv is one
 * event loop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_ETH_HLEN  14u
#define PKT_MTU       1500u
#define PKT_SMALL_CAP 2048u          /* an MTU frame, a VLAN tag and room to spare */
#define PKT_BIG_CAP   (17u * 4096u)  /* 64 KiB of IP plus headers: a GSO frame */
#define PKT_MAX_LEN   (65535u + 18u) /* the largest frame carried: IP's limit plus Ethernet and a tag */

/* pkt.flags */
#define PKT_CSUM_PARTIAL 0x1u /* the L4 checksum is still to be completed (csum_start/csum_offset) */
#define PKT_CSUM_VALID   0x2u /* the checksums were checked (or computed) by someone we trust */

/* pkt.gso_type (equal to Xen's XEN_NETIF_GSO_TYPE_*) */
#define PKT_GSO_NONE  0u
#define PKT_GSO_TCPV4 1u
#define PKT_GSO_TCPV6 2u

struct pkt {
    uint8_t *data;        /* the frame's first byte (the Ethernet header) */
    uint32_t len;         /* bytes of frame */
    uint32_t cap;         /* bytes from data to the buffer's end */
    uint16_t flags;       /* PKT_CSUM_* */
    uint16_t csum_start;  /* PKT_CSUM_PARTIAL: from data, where the summed bytes start */
    uint16_t csum_offset; /* PKT_CSUM_PARTIAL: from csum_start, where the sum goes */
    uint8_t gso_type;     /* PKT_GSO_* */
    uint16_t gso_size;    /* the MSS, with gso_type */
    uint16_t in_port;     /* the switch port it came in on (switch.h) */
    uint16_t refs;        /* holders */
    struct pkt *next;     /* link of the one queue holding it: a queued frame has no other holder */
    uint8_t *buf;         /* the buffer (data may start later) */
    bool big;             /* from the big class */
};

/* pkt_pool_init: carve small and big buffers out of DMA memory. 0, or
 * -XEN_ENOMEM. */
int pkt_pool_init(unsigned small, unsigned big) __attribute__((warn_unused_result));

/* pkt_alloc: a frame of len bytes (uninitialised data, no metadata, one
 * reference, in_port 0); NULL when len exceeds PKT_MAX_LEN or that
 * class is exhausted (the caller drops the frame and counts it). A frame
 * of up to PKT_SMALL_CAP comes from the small class, falling back to big. */
struct pkt *pkt_alloc(uint32_t len);
void pkt_get(struct pkt *p);
void pkt_put(struct pkt *p); /* the last reference returns the buffer */
/* pkt_unshare: p itself when we hold its only reference, else a copy
 * (with its metadata) for us and our reference to p put; NULL when no
 * buffer is free (our reference is put then too). */
struct pkt *pkt_unshare(struct pkt *p);
/* pkt_pool_free: buffers of each class not in use (for counters and tests). */
void pkt_pool_free(unsigned *small, unsigned *big);

/* A FIFO of frames, linked through the frames themselves: a frame goes
 * into a queue only with its one reference (pkt_unshare a shared one
 * first), or two queues holding it would share its link. */
struct pktq {
    struct pkt *head, *tail;
    unsigned n;
};

void pktq_push(struct pktq *q, struct pkt *p);
struct pkt *pktq_pop(struct pktq *q); /* NULL when empty */
void pktq_purge(struct pktq *q);      /* every frame put */
