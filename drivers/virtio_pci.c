/* SPDX-License-Identifier: MIT */
/*
 * The virtio-pci modern transport (virtio 1.x, 4.1.4): the capability
 * windows, status and features, queue set-up and the device configuration
 * window. The capability list and every value the device gives are
 * checked before use; a device that breaks the rules gets FAILED and the
 * driver stops, it never crashes the domain.
 */
#include "drivers/virtio_pci.h"

#include <stddef.h>
#include <stdlib.h>

#include "drivers/env.h"
#include "idl/xen_errno.h"

/* Reads of device_status before a reset is given up: QEMU resets at the
 * write itself, and each read is an access to the emulated device. */
#define RESET_POLLS 10000u
#define CAP_OFF(f)  ((unsigned)offsetof(struct virtio_pci_cap, f))

/* What one vendor capability says (4.1.4). */
struct vcap {
    uint8_t type, bar, len;
    uint32_t offset, length, mult;
};

static void cap_read(const struct pci_func *f, unsigned at, struct vcap *c)
{
    c->len = pci_cfg_read8(f, at + CAP_OFF(cap_len));
    c->type = pci_cfg_read8(f, at + CAP_OFF(cfg_type));
    c->bar = pci_cfg_read8(f, at + CAP_OFF(bar));
    c->offset = pci_cfg_read32(f, at + CAP_OFF(offset));
    c->length = pci_cfg_read32(f, at + CAP_OFF(length));
    c->mult = pci_cfg_read32(f, at + (unsigned)offsetof(struct virtio_pci_notify_cap, notify_off_multiplier));
}

/* The smallest window of each type the driver can use. */
static uint32_t window_min(uint8_t type)
{
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON_CFG: return sizeof(struct virtio_pci_common_cfg);
    case VIRTIO_PCI_CAP_NOTIFY_CFG: return 2;
    case VIRTIO_PCI_CAP_ISR_CFG: return 1;
    case VIRTIO_PCI_CAP_DEVICE_CFG: return 1;
    default: return 0; /* a type this driver does not use */
    }
}

/* Take c's window if it is the first usable one of its type. */
static void cap_take(struct virtio_pci *vp, const struct vcap *c)
{
    uint32_t min = window_min(c->type);
    unsigned need_len =
        c->type == VIRTIO_PCI_CAP_NOTIFY_CFG ? sizeof(struct virtio_pci_notify_cap) : sizeof(struct virtio_pci_cap);

    if (min == 0 || c->len < need_len || c->length < min)
        return;
    volatile uint8_t *w = pci_bar_window(vp->f, c->bar, c->offset, c->length);
    if (!w)
        return; /* outside its BAR, or a BAR not mapped: skipped (4.1.4.1) */
    switch (c->type) {
    case VIRTIO_PCI_CAP_COMMON_CFG:
        if (!vp->common)
            vp->common = (volatile struct virtio_pci_common_cfg *)(volatile void *)w;
        break;
    case VIRTIO_PCI_CAP_NOTIFY_CFG:
        if (!vp->notify) {
            vp->notify = w;
            vp->notify_len = c->length;
            vp->notify_mult = c->mult;
        }
        break;
    case VIRTIO_PCI_CAP_ISR_CFG:
        if (!vp->isr)
            vp->isr = w;
        break;
    case VIRTIO_PCI_CAP_DEVICE_CFG:
        if (!vp->device) {
            vp->device = w;
            vp->device_len = c->length;
        }
        break;
    }
}

int virtio_pci_probe(struct virtio_pci *vp, struct pci_func *f)
{
    unsigned at = 0;

    *vp = (struct virtio_pci){ .f = f };
    /* pci_cap_next bounds each step; this bounds the steps, so a list
     * that loops through vendor capabilities ends too. */
    for (unsigned n = 0; n < 64; n++) {
        struct vcap c;

        at = pci_cap_next(f, PCI_CAP_ID_VNDR, at);
        if (at == 0)
            break;
        cap_read(f, at, &c);
        cap_take(vp, &c);
    }
    const char *missing = !vp->common   ? "common configuration"
                          : !vp->notify ? "notification"
                          : !vp->device ? "device configuration"
                                        : NULL;
    if (missing) {
        drivers_log("virtio-pci %04x: no usable %s window (missing, or outside its BAR)", f->sbdf, missing);
        return -XEN_ENODEV;
    }
    return 0;
}

static uint8_t status_get(const struct virtio_pci *vp)
{
    return vp->common->device_status;
}

static void status_add(struct virtio_pci *vp, uint8_t bits)
{
    vp->common->device_status = (uint8_t)(status_get(vp) | bits);
}

void virtio_pci_fail(struct virtio_pci *vp)
{
    status_add(vp, VIRTIO_STATUS_FAILED);
}

int virtio_pci_reset(struct virtio_pci *vp)
{
    vp->common->device_status = 0;
    /* The reset is done when the device reads back 0 (4.1.4.3.2). */
    for (unsigned i = 0; i < RESET_POLLS; i++) {
        if (status_get(vp) == 0)
            return 0;
    }
    drivers_log("virtio-pci %04x: device did not finish its reset", vp->f->sbdf);
    return -XEN_EIO;
}

static uint64_t features_get(struct virtio_pci *vp)
{
    vp->common->device_feature_select = 0;
    uint64_t lo = vp->common->device_feature;
    vp->common->device_feature_select = 1;
    uint64_t hi = vp->common->device_feature;
    return hi << 32 | lo;
}

static void features_set(struct virtio_pci *vp, uint64_t features)
{
    vp->common->driver_feature_select = 0;
    vp->common->driver_feature = (uint32_t)features;
    vp->common->driver_feature_select = 1;
    vp->common->driver_feature = (uint32_t)(features >> 32);
}

int virtio_pci_negotiate(struct virtio_pci *vp, uint64_t wanted, uint64_t required)
{
    int rc = virtio_pci_reset(vp);
    if (rc)
        return rc;
    status_add(vp, VIRTIO_STATUS_ACKNOWLEDGE);
    status_add(vp, VIRTIO_STATUS_DRIVER);

    uint64_t offered = features_get(vp);
    if ((offered & required) != required) {
        drivers_log("virtio-pci %04x: device lacks required features 0x%llx (offers 0x%llx)", vp->f->sbdf,
                    (unsigned long long)(required & ~offered), (unsigned long long)offered);
        virtio_pci_fail(vp);
        return -XEN_ENODEV;
    }
    vp->features = offered & (wanted | required);
    features_set(vp, vp->features);
    status_add(vp, VIRTIO_STATUS_FEATURES_OK);
    if (!(status_get(vp) & VIRTIO_STATUS_FEATURES_OK)) {
        drivers_log("virtio-pci %04x: device refused features 0x%llx", vp->f->sbdf, (unsigned long long)vp->features);
        virtio_pci_fail(vp);
        return -XEN_ENODEV;
    }
    return 0;
}

/* Required of every device. The IOMMU confines the device: a device that
 * would bypass it is refused. */
static const uint64_t required = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM;

static struct virtio_pci *dev_vp(const struct virtio_pci_driver *drv, void *dev)
{
    return (struct virtio_pci *)(void *)((char *)dev + drv->vp_offset);
}

/* Let go of the device (failed: the driver gives up on it): its reset,
 * then dev freed; its shared memory only when the reset finished. */
static void release(const struct virtio_pci_driver *drv, void *dev, bool failed)
{
    struct virtio_pci *vp = dev_vp(drv, dev);
    int rc = virtio_pci_reset(vp);

    if (rc || failed)
        virtio_pci_fail(vp);
    drv->free(dev, rc == 0);
}

/* Enable, probe and negotiate: 0, or a negative errno (one line logged;
 * the device was given nothing). */
static int bring_up(struct virtio_pci *vp, struct pci_func *f, uint64_t wanted)
{
    int rc = pci_enable(f);

    if (rc) {
        drivers_log("virtio-pci %04x: enabling the function failed (%d)", f->sbdf, rc);
        return rc;
    }
    rc = virtio_pci_probe(vp, f);
    return rc ? rc : virtio_pci_negotiate(vp, wanted, required);
}

int virtio_pci_open(struct pci_func *f, const struct virtio_pci_driver *drv, unsigned queue_size, void **dev)
{
    void *d = calloc(1, drv->size);

    if (!d)
        return -XEN_ENOMEM;
    int rc = bring_up(dev_vp(drv, d), f, drv->wanted);
    if (rc) {
        drv->free(d, true);
        return rc;
    }
    rc = drv->start(d, queue_size);
    if (rc) {
        release(drv, d, true);
        return rc;
    }
    *dev = d;
    return 0;
}

void virtio_pci_close(const struct virtio_pci_driver *drv, void *dev)
{
    release(drv, dev, false);
}

static void addr_set(volatile uint32_t *lo, volatile uint32_t *hi, uint64_t addr)
{
    *lo = (uint32_t)addr;
    *hi = (uint32_t)(addr >> 32);
}

/* The largest power of two at most n (n > 0). */
static unsigned pow2_floor(unsigned n)
{
    unsigned p = 1;

    while (p <= n / 2)
        p *= 2;
    return p;
}

int virtio_pci_queue_setup(struct virtio_pci *vp, unsigned index, unsigned max_size, unsigned max_indirect,
                           struct virtq *q, volatile uint16_t **notify_addr)
{
    volatile struct virtio_pci_common_cfg *c = vp->common;

    c->queue_select = (uint16_t)index;
    unsigned dev_max = c->queue_size;
    if (index >= c->num_queues || dev_max == 0 || max_size == 0) {
        drivers_log("virtio-pci %04x: no queue %u", vp->f->sbdf, index);
        return -XEN_ENODEV;
    }
    unsigned size = pow2_floor(dev_max < max_size ? dev_max : max_size);
    if (size > VIRTQ_MAX_SIZE)
        size = VIRTQ_MAX_SIZE;
    /* The doorbell (4.1.4.4): checked before anything is allocated. */
    uint64_t off = (uint64_t)c->queue_notify_off * vp->notify_mult;
    if (off % 2 != 0 || off > vp->notify_len - 2) {
        drivers_log("virtio-pci %04x: queue %u doorbell at 0x%llx outside the notify window", vp->f->sbdf, index,
                    (unsigned long long)off);
        return -XEN_ENODEV;
    }
    bool indirect = virtio_pci_has(vp, VIRTIO_F_INDIRECT_DESC);
    int rc = virtq_init(q, size, indirect ? max_indirect : 0, virtio_pci_has(vp, VIRTIO_F_EVENT_IDX));
    if (rc)
        return rc;
    c->queue_size = (uint16_t)size;
    addr_set(&c->queue_desc_lo, &c->queue_desc_hi, q->desc_bus);
    addr_set(&c->queue_driver_lo, &c->queue_driver_hi, q->avail_bus);
    addr_set(&c->queue_device_lo, &c->queue_device_hi, q->used_bus);
    c->queue_msix_vector = VIRTIO_MSI_NO_VECTOR;
    c->queue_enable = 1;
    *notify_addr = (volatile uint16_t *)(volatile void *)(vp->notify + off);
    return 0;
}

int virtio_pci_queue_vector(struct virtio_pci *vp, unsigned index, uint16_t vector)
{
    volatile struct virtio_pci_common_cfg *c = vp->common;

    c->msix_config = VIRTIO_MSI_NO_VECTOR;
    c->queue_select = (uint16_t)index;
    c->queue_msix_vector = vector;
    if (c->queue_msix_vector != vector) {
        drivers_log("virtio-pci %04x: queue %u refused MSI-X vector %u", vp->f->sbdf, index, vector);
        return -XEN_ENOSPC;
    }
    return 0;
}

int virtio_pci_irq_bind(struct virtio_pci *vp, const uint16_t *queues, unsigned n, uint32_t *port)
{
    struct pci_func *f = vp->f;
    int rc;

    if (f->nr_msix == 0)
        return -XEN_ENODEV;
    rc = f->ops->msix_bind(f, 0, port);
    if (!rc)
        rc = pci_msix_enable(f);
    for (unsigned i = 0; i < n && !rc; i++)
        rc = virtio_pci_queue_vector(vp, queues[i], 0);
    if (rc)
        drivers_log("virtio-pci %04x: no interrupt (%d); polling", f->sbdf, rc);
    return rc;
}

int virtio_pci_driver_ok(struct virtio_pci *vp)
{
    status_add(vp, VIRTIO_STATUS_DRIVER_OK);
    uint8_t s = status_get(vp);
    if (s & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED)) {
        drivers_log("virtio-pci %04x: device status 0x%02x after DRIVER_OK", vp->f->sbdf, s);
        return -XEN_EIO;
    }
    return 0;
}

static bool cfg_in(const struct virtio_pci *vp, unsigned off, unsigned size)
{
    return off < vp->device_len && size <= vp->device_len - off && off % size == 0;
}

uint8_t virtio_pci_cfg8(const struct virtio_pci *vp, unsigned off)
{
    return cfg_in(vp, off, 1) ? vp->device[off] : 0;
}

uint16_t virtio_pci_cfg16(const struct virtio_pci *vp, unsigned off)
{
    return cfg_in(vp, off, 2) ? *(volatile uint16_t *)(volatile void *)(vp->device + off) : 0;
}

uint32_t virtio_pci_cfg32(const struct virtio_pci *vp, unsigned off)
{
    return cfg_in(vp, off, 4) ? *(volatile uint32_t *)(volatile void *)(vp->device + off) : 0;
}

uint64_t virtio_pci_cfg64(const struct virtio_pci *vp, unsigned off)
{
    uint64_t v = 0;

    /* Two 32-bit halves, read again if the device changed its
     * configuration meanwhile (4.1.3.1); a device that never settles
     * gets its last reading. */
    for (unsigned tries = 0; tries < 16; tries++) {
        uint8_t gen = vp->common->config_generation;
        v = (uint64_t)virtio_pci_cfg32(vp, off + 4) << 32 | virtio_pci_cfg32(vp, off);
        if (vp->common->config_generation == gen)
            break;
    }
    return v;
}
