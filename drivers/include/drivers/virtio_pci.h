/* SPDX-License-Identifier: MIT */
/*
 * The virtio-pci modern transport (virtio 1.x, 4.1): the four windows the
 * vendor capabilities name (each checked to lie inside its BAR), device
 * status, feature negotiation, queue set-up, notification and the device
 * configuration window. Device types (virtio_blk.c, virtio_net.c) build on
 * it. The
 * legacy interface and the PCI configuration access capability are not
 * used.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci.h"
#include "drivers/virtqueue.h"
#include "idl/virtio.h"

struct virtio_pci {
    struct pci_func *f;
    volatile struct virtio_pci_common_cfg *common;
    volatile uint8_t *notify; /* the notify window */
    uint64_t notify_len;
    uint32_t notify_mult;     /* notify_off_multiplier */
    volatile uint8_t *isr;    /* NULL when the device has none */
    volatile uint8_t *device; /* the device configuration window */
    uint32_t device_len;
    uint64_t features; /* negotiated */
};

/* virtio_pci_probe: find the windows of f's vendor capabilities (the
 * first usable one of each type). 0, or -XEN_ENODEV with one line logged
 * naming the window that is missing or outside its BAR. */
int virtio_pci_probe(struct virtio_pci *vp, struct pci_func *f) __attribute__((warn_unused_result));

/* virtio_pci_reset: write status 0 and wait (bounded) until the device
 * reads back 0. 0, or -XEN_EIO. */
int virtio_pci_reset(struct virtio_pci *vp) __attribute__((warn_unused_result));

/* virtio_pci_negotiate: reset, ACKNOWLEDGE, DRIVER, then accept the
 * offered features among wanted, insisting on required (which should
 * include VIRTIO_F_VERSION_1), and FEATURES_OK, read back. 0 with
 * vp->features; -XEN_ENODEV (a required feature missing, or the device
 * refused FEATURES_OK: status FAILED is set, one line logged) or -XEN_EIO. */
int virtio_pci_negotiate(struct virtio_pci *vp, uint64_t wanted, uint64_t required) __attribute__((warn_unused_result));

/* What a device type (virtio_blk.c, virtio_net.c) gives the transport so
 * that opening and closing, with their failure paths, are written once.
 * The device type's state (dev) is size bytes, zeroed, and holds its
 * struct virtio_pci at vp_offset. */
struct virtio_pci_driver {
    size_t size, vp_offset;
    uint64_t wanted; /* features taken where offered */
    /* After FEATURES_OK: the configuration, the queues, then
     * virtio_pci_driver_ok. 0 or a negative errno (one line logged). */
    int (*start)(void *dev, unsigned queue_size);
    /* Free dev. device_memory false: only its private state; the rings
     * and buffers the device was given stay allocated, never reused (a
     * device that did not finish its reset may still use them). */
    void (*free)(void *dev, bool device_memory);
};

/* virtio_pci_open: allocate dev, enable f (memory decoding, bus
 * mastering), find its windows (virtio_pci_probe), negotiate drv->wanted
 * requiring VERSION_1 and ACCESS_PLATFORM (the IOMMU confines the device:
 * one that would bypass it is refused), then drv->start(dev, queue_size).
 * 0 and *dev; or a negative errno with one line logged and nothing left
 * allocated: after a failed start the device is reset first (dev's
 * shared memory kept if it will not) and gets FAILED. */
int virtio_pci_open(struct pci_func *f, const struct virtio_pci_driver *drv, unsigned queue_size, void **dev)
    __attribute__((warn_unused_result));

/* virtio_pci_close: reset the device, then free dev through drv->free
 * (everything once the reset is done; else FAILED, and only the private
 * state). */
void virtio_pci_close(const struct virtio_pci_driver *drv, void *dev);

/* virtio_pci_has: feature bit was negotiated. */
static inline bool virtio_pci_has(const struct virtio_pci *vp, unsigned bit)
{
    return bit < 64 && (vp->features >> bit) & 1u;
}

/* virtio_pci_queue_setup: queue index with at most max_size entries (the
 * device's maximum if smaller, rounded down to a power of two): the rings
 * from virtq_init (indirect tables of max_indirect entries if the feature
 * was negotiated, event index if it was), their addresses given to the
 * device, no MSI-X vector, enabled. *notify_addr: its doorbell. 0,
 * -XEN_ENODEV (no such queue, or its doorbell outside the window),
 * -XEN_ENOMEM. */
int virtio_pci_queue_setup(struct virtio_pci *vp, unsigned index, unsigned max_size, unsigned max_indirect,
                           struct virtq *q, volatile uint16_t **notify_addr) __attribute__((warn_unused_result));

/* virtio_pci_queue_vector: route queue index's interrupts to MSI-X entry
 * vector (VIRTIO_MSI_NO_VECTOR: none). 0, or -XEN_ENOSPC when the device
 * reads back a different vector. */
int virtio_pci_queue_vector(struct virtio_pci *vp, unsigned index, uint16_t vector) __attribute__((warn_unused_result));

/* virtio_pci_irq_bind: route the interrupts of the n queues given to
 * MSI-X entry 0, and that entry to a new event-channel port (the
 * function's msix_bind); MSI-X enabled, no configuration-change vector.
 * 0 and *port; -XEN_ENODEV without MSI-X; or another negative errno with
 * one line logged. Either error: the caller polls. */
int virtio_pci_irq_bind(struct virtio_pci *vp, const uint16_t *queues, unsigned n, uint32_t *port)
    __attribute__((warn_unused_result));

/* virtio_pci_driver_ok: set DRIVER_OK; 0, or -XEN_EIO if the device then
 * reports DEVICE_NEEDS_RESET or FAILED. */
int virtio_pci_driver_ok(struct virtio_pci *vp) __attribute__((warn_unused_result));

/* virtio_pci_fail: set FAILED (the driver gives up on the device). */
void virtio_pci_fail(struct virtio_pci *vp);

/* virtio_pci_notify: ring a queue's doorbell. */
static inline void virtio_pci_notify(volatile uint16_t *notify_addr, uint16_t index)
{
    *notify_addr = index;
}

/* Device configuration reads at off of the window; outside it they read
 * 0. virtio_pci_cfg64 retries on a configuration generation change. */
uint8_t virtio_pci_cfg8(const struct virtio_pci *vp, unsigned off);
uint16_t virtio_pci_cfg16(const struct virtio_pci *vp, unsigned off);
uint32_t virtio_pci_cfg32(const struct virtio_pci *vp, unsigned off);
uint64_t virtio_pci_cfg64(const struct virtio_pci *vp, unsigned off);
