/* SPDX-License-Identifier: MIT */
/*
 * virtio-net over the virtio-pci modern transport (virtio 1.x, sections
 * 4.1 and 5.1): the first queue pair (one receive and one transmit queue),
 * no control queue, no mergeable receive buffers. Each frame, both ways,
 * is one chain of two descriptors: the 12-byte virtio_net_hdr in the
 * driver's own DMA memory (one slot per chain; callers never see it) and
 * the frame in the caller's buffer. Offload metadata crosses this API as
 * struct vnet_meta, checked against what was negotiated.
 *
 * Errors are negative Xen errnos (idl/xen_errno.idl). Not thread-safe:
 * one caller (thread) per device. VIRTIO_F_ACCESS_PLATFORM is required:
 * the device's DMA goes through the IOMMU. The device is not trusted: a
 * used ring it breaks, or a received length shorter than the header,
 * stops the queues (vnet_broken) and hands every buffer back with -EIO.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci.h"

#define VNET_ETH_HLEN 14u
/* The longest frame without segmentation offload: an MTU of 1500, the
 * Ethernet header and a VLAN tag. */
#define VNET_FRAME_MAX 1518u
/* The longest frame with it: 64 KiB of IP, the Ethernet header and a
 * tag. Receive buffers must hold this when the device may send GSO
 * frames (5.1.6.3: 65550 bytes of frame after the header, or more). */
#define VNET_GSO_FRAME_MAX (65535u + 18u)

/* vnet_meta.flags */
#define VNET_META_NEEDS_CSUM 0x1u /* partial checksum: sum [csum_start, len) into csum_start + csum_offset */
#define VNET_META_DATA_VALID 0x2u /* received only: the device checked the checksums */

/* vnet_meta.gso_type */
#define VNET_GSO_NONE  0u
#define VNET_GSO_TCPV4 1u
#define VNET_GSO_TCPV6 2u

/* A frame's offload metadata, in the driver's own terms. */
struct vnet_meta {
    uint8_t flags;        /* VNET_META_* */
    uint8_t gso_type;     /* VNET_GSO_* */
    uint16_t gso_size;    /* with gso_type: the MSS (not 0) */
    uint16_t hdr_len;     /* with gso_type: bytes of Ethernet, IP and TCP headers (a hint; 0: unknown) */
    uint16_t csum_start;  /* with NEEDS_CSUM: from the frame's first byte */
    uint16_t csum_offset; /* with NEEDS_CSUM: from csum_start */
};

/* What was negotiated, both ways. tx_*: the device takes frames of that
 * kind from us (HOST_* features); rx_*: it may hand us such frames
 * (GUEST_*). A TSO direction counts only with its checksum direction. */
struct vnet_offloads {
    bool tx_csum, tx_tso4, tx_tso6;
    bool rx_csum, rx_tso4, rx_tso6;
};

struct vnet;

/* vnet_open: reset, negotiate (VERSION_1 and ACCESS_PLATFORM required;
 * MAC, STATUS, CSUM, GUEST_CSUM, HOST_TSO4/6, GUEST_TSO4/6,
 * INDIRECT_DESC, EVENT_IDX where offered) and start both queues with at
 * most queue_size entries each. 0 and *out, or a negative errno with one
 * line logged naming what was wrong. */
int vnet_open(struct pci_func *f, unsigned queue_size, struct vnet **out) __attribute__((warn_unused_result));
/* vnet_close: device reset, the driver's memory freed; buffers still
 * posted are the caller's again. */
void vnet_close(struct vnet *v);

/* vnet_mac: the device's MAC into mac; false (mac zeroed) when the
 * device gave none (no MAC feature, or a zero or multicast address). */
bool vnet_mac(const struct vnet *v, uint8_t mac[6]);
/* vnet_link_up: the link's state now (STATUS); true without STATUS. */
bool vnet_link_up(const struct vnet *v);
void vnet_offloads(const struct vnet *v, struct vnet_offloads *o);
/* vnet_rx_buf_min: the smallest receive buffer vnet_rx_post takes:
 * VNET_GSO_FRAME_MAX when the device may send GSO frames, else
 * VNET_FRAME_MAX. */
uint32_t vnet_rx_buf_min(const struct vnet *v);
/* vnet_queue_size: each queue's entries, so at most this many buffers
 * posted and frames in flight per direction. */
unsigned vnet_queue_size(const struct vnet *v);
/* vnet_broken: the device broke a queue's protocol; both queues then
 * take nothing more, and each queue's next reap hands every buffer it
 * still holds back with -EIO. */
bool vnet_broken(const struct vnet *v);

/* vnet_rx_post: give the device one receive buffer of len bytes at bus
 * (DMA memory, the caller's until it comes back from vnet_rx_reap). 0,
 * -EAGAIN (the queue is full), -EINVAL (len below vnet_rx_buf_min or
 * above 4 GiB - 12), -EIO (broken). */
int vnet_rx_post(struct vnet *v, uint64_t bus, uint32_t len, void *cookie) __attribute__((warn_unused_result));

/* vnet_rx_reap: done(cookie, status, m, len, arg) for each buffer the
 * device gave back, in its order; returns how many. status 0: a frame of len bytes
 * (len at most what was posted, at least VNET_ETH_HLEN) with its metadata
 * m; -EINVAL: the device described the frame badly (metadata that was
 * not negotiated, a checksum location outside the frame, a frame shorter
 * than an Ethernet header): dropped, m NULL; -EIO: the queue broke, no
 * frame, m NULL. The buffer is the caller's again in every case. */
unsigned vnet_rx_reap(struct vnet *v,
                      void (*done)(void *cookie, int status, const struct vnet_meta *m, uint32_t len, void *arg),
                      void *arg);

/* vnet_tx: queue one frame of len bytes at bus (DMA memory, the caller's
 * again at completion) with metadata m (NULL: none). 0, -EAGAIN (the
 * queue is full), -EINVAL (len 0 or above VNET_FRAME_MAX, or above
 * VNET_GSO_FRAME_MAX with GSO; metadata not negotiated: NEEDS_CSUM
 * without tx_csum, GSO without its tx_tso or without NEEDS_CSUM or with
 * gso_size 0, DATA_VALID or unknown bits; a checksum location outside the
 * frame), -EIO (broken). */
int vnet_tx(struct vnet *v, const struct vnet_meta *m, uint64_t bus, uint32_t len, void *cookie)
    __attribute__((warn_unused_result));
/* vnet_tx_reap: done(cookie, status, arg) for each frame the device is
 * done with (status 0, or -EIO when the queue broke); returns how many. */
unsigned vnet_tx_reap(struct vnet *v, void (*done)(void *cookie, int status, void *arg), void *arg);

/* vnet_kick: tell the device about posted buffers and queued frames
 * (once per batch; each queue only when its event index asks for it). */
void vnet_kick(struct vnet *v);

/* vnet_irq_bind: route both queues' interrupts to one new event-channel
 * port (MSI-X entry 0 through the core's msix_bind, MSI-X enabled, both
 * queue_msix_vectors 0, no configuration-change vector): 0 and *port, or
 * a negative errno (-ENODEV: no MSI-X): the caller then polls. */
int vnet_irq_bind(struct vnet *v, uint32_t *port) __attribute__((warn_unused_result));
/* vnet_irq_ack: after a notification (and both reaps), re-arm both
 * queues' interrupts; true when used entries arrived meanwhile, for which
 * no interrupt may come: reap again. */
bool vnet_irq_ack(struct vnet *v);
