/* SPDX-License-Identifier: MIT */
/*
 * pcitest's end-to-end check of a device interrupt: one virtio-blk read
 * (virtio 1.2, 4.1 and 5.2, just enough of the modern PCI transport for
 * one request on one queue, no driver library) whose completion is
 * signalled through MSI-X entry 0, interrupt remapping and the core, and
 * arrives as an event on the port MGMT_PCI_MSI_BIND gave. The device's
 * writes of the used ring and the status byte go through the IOMMU into
 * this domain's own memory, so a completion proves DMA reaches it too.
 * Not a driver: no error recovery, one request, then the device is left
 * for the core to quiesce when the domain ends.
 */
#include "pcitest.h"

#include <stdio.h>
#include <string.h>

#include "mosaic/evtchn.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"

/* virtio 1.2, 4.1.4: vendor capability types; 4.1.4.3: common config. */
#define VIRTIO_CAP_COMMON  1u
#define VIRTIO_CAP_NOTIFY  2u
#define COMMON_DFSELECT    0x00u
#define COMMON_DF          0x04u
#define COMMON_GFSELECT    0x08u
#define COMMON_GF          0x0cu
#define COMMON_MSIX_CONFIG 0x10u
#define COMMON_STATUS      0x14u
#define COMMON_Q_SELECT    0x16u
#define COMMON_Q_SIZE      0x18u
#define COMMON_Q_MSIX      0x1au
#define COMMON_Q_ENABLE    0x1cu
#define COMMON_Q_NOFF      0x1eu
#define COMMON_Q_DESC      0x20u
#define COMMON_Q_DRIVER    0x28u
#define COMMON_Q_DEVICE    0x30u
#define STATUS_ACK         1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define F_HI_VERSION_1     (1u << 0) /* feature 32 */
#define F_HI_ACCESS_PLAT   (1u << 1) /* feature 33: DMA through the IOMMU */
#define NO_VECTOR          0xffffu
#define DESC_NEXT          1u
#define DESC_WRITE         2u
#define QSIZE              8u
#define MSIX_ENABLE        0x8000u /* message control */

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct {
    struct vq_desc desc[QSIZE]; /* 16-byte aligned (virtio 1.2, 2.7) */
    struct {
        uint16_t flags, idx, ring[QSIZE], used_event;
    } avail __attribute__((aligned(4096)));
    struct {
        uint16_t flags, idx;
        struct {
            uint32_t id, len;
        } ring[QSIZE];
        uint16_t avail_event;
    } used __attribute__((aligned(4096)));
    struct {
        uint32_t type, reserved;
        uint64_t sector;
    } hdr __attribute__((aligned(4096)));
    uint8_t data[512];
    volatile uint8_t status;
} q __attribute__((aligned(4096)));

static void w8(uint64_t a, uint8_t v)
{
    *(volatile uint8_t *)(uintptr_t)a = v;
}
static void w16(uint64_t a, uint16_t v)
{
    *(volatile uint16_t *)(uintptr_t)a = v;
}
static void w32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)a = v;
}
static void w64(uint64_t a, uint64_t v)
{
    w32(a, (uint32_t)v);
    w32(a + 4, (uint32_t)(v >> 32));
}

/* The BAR address a virtio capability at cap points into, plus its offset. */
static uint64_t cap_addr(const struct mgmt_pci_info *in, unsigned cap)
{
    unsigned bar = pcitest_rd(in->cfg_gpa + cap + 4, 1);

    return bar < MGMT_PCI_MAX_BARS && in->bar_addr[bar] ? in->bar_addr[bar] + pcitest_rd(in->cfg_gpa + cap + 8, 4) : 0;
}

/* Reset, negotiate VERSION_1 and ACCESS_PLATFORM, set queue 0 up on MSI-X
 * entry 0. NULL, or why not. */
static const char *device_setup(const struct mgmt_pci_info *in, uint64_t common)
{
    w8(common + COMMON_STATUS, 0);
    for (unsigned n = 0; pcitest_rd(common + COMMON_STATUS, 1) != 0; n++)
        if (n > 1000000)
            return "the device did not reset";
    w8(common + COMMON_STATUS, STATUS_ACK | STATUS_DRIVER);
    w32(common + COMMON_DFSELECT, 1);
    if ((pcitest_rd(common + COMMON_DF, 4) & (F_HI_VERSION_1 | F_HI_ACCESS_PLAT)) !=
        (F_HI_VERSION_1 | F_HI_ACCESS_PLAT))
        return "the device lacks VERSION_1 or ACCESS_PLATFORM";
    w32(common + COMMON_GFSELECT, 0);
    w32(common + COMMON_GF, 0);
    w32(common + COMMON_GFSELECT, 1);
    w32(common + COMMON_GF, F_HI_VERSION_1 | F_HI_ACCESS_PLAT);
    w8(common + COMMON_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(pcitest_rd(common + COMMON_STATUS, 1) & STATUS_FEATURES_OK))
        return "features not accepted";
    w16(common + COMMON_MSIX_CONFIG, NO_VECTOR);
    w16(common + COMMON_Q_SELECT, 0);
    if (pcitest_rd(common + COMMON_Q_SIZE, 2) < QSIZE)
        return "queue 0 is too small";
    w16(common + COMMON_Q_SIZE, QSIZE);
    w64(common + COMMON_Q_DESC, (uint64_t)(uintptr_t)q.desc);
    w64(common + COMMON_Q_DRIVER, (uint64_t)(uintptr_t)&q.avail);
    w64(common + COMMON_Q_DEVICE, (uint64_t)(uintptr_t)&q.used);
    w16(common + COMMON_Q_MSIX, 0);
    if (pcitest_rd(common + COMMON_Q_MSIX, 2) != 0)
        return "the device took no MSI-X vector for queue 0";
    w16(common + COMMON_Q_ENABLE, 1);
    w8(common + COMMON_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    (void)in;
    return NULL;
}

/* Wait for port: NULL once it was raised, else why. */
static const char *port_wait(uint32_t port, uint64_t ms)
{
    uint64_t deadline = runtime_time_ns() + ms * TIME_NS_PER_MS;

    for (;;) {
        evtchn_dispatch(); /* clears the upcall flag: a later event raises it again */
        if (evtchn_test_and_clear(port))
            return NULL;
        if (runtime_time_ns() >= deadline)
            return "no event on the port";
        evtchn_wait(deadline);
    }
}

void pcitest_irq(const struct mgmt_pci_info *in, uint32_t port)
{
    unsigned common_cap = pcitest_cap(in->cfg_gpa, PCITEST_CAP_VENDOR, VIRTIO_CAP_COMMON);
    unsigned notify_cap = pcitest_cap(in->cfg_gpa, PCITEST_CAP_VENDOR, VIRTIO_CAP_NOTIFY);
    unsigned msix = pcitest_cap(in->cfg_gpa, PCITEST_CAP_MSIX, 0);
    uint64_t common = common_cap ? cap_addr(in, common_cap) : 0, notify = notify_cap ? cap_addr(in, notify_cap) : 0;
    const char *w = NULL;
    long r;

    if (!common || !notify || !msix || common >> 32 || notify >> 32) {
        pcitest_check("pci_irq_virtio_blk_read", "no common, notify or MSI-X capability below 4 GiB");
        return;
    }
    r = mgmt_pci_cfg_write(in->sbdf, (uint16_t)(msix + 2), 2, pcitest_rd(in->cfg_gpa + msix + 2, 2) | MSIX_ENABLE);
    pcitest_check("pci_irq_msix_enable", r ? pcitest_why("MSI-X enable returned %ld", r) : NULL);
    if (r || (w = device_setup(in, common)) != NULL) {
        pcitest_check("pci_irq_virtio_setup", w ? w : "skipped");
        return;
    }
    memset(q.data, 0xa5, sizeof(q.data));
    q.status = 0xff;
    q.hdr.type = 0; /* VIRTIO_BLK_T_IN: read sector 0 */
    q.hdr.sector = 0;
    q.desc[0] = (struct vq_desc){ (uint64_t)(uintptr_t)&q.hdr, sizeof(q.hdr), DESC_NEXT, 1 };
    q.desc[1] = (struct vq_desc){ (uint64_t)(uintptr_t)q.data, sizeof(q.data), DESC_NEXT | DESC_WRITE, 2 };
    q.desc[2] = (struct vq_desc){ (uint64_t)(uintptr_t)&q.status, 1, DESC_WRITE, 0 };
    q.avail.ring[0] = 0;
    __atomic_store_n(&q.avail.idx, 1, __ATOMIC_SEQ_CST); /* after the ring entry and the descriptors */
    w16(notify + pcitest_rd(common + COMMON_Q_NOFF, 2) * pcitest_rd(in->cfg_gpa + notify_cap + 16, 4), 0);
    w = port_wait(port, 5000);
    if (!w && __atomic_load_n(&q.used.idx, __ATOMIC_SEQ_CST) != 1)
        w = pcitest_why("event, but used idx %u", q.used.idx);
    if (!w && q.status != 0)
        w = pcitest_why("event, but request status %u", q.status);
    pcitest_check("pci_irq_virtio_blk_read_completes_on_the_port", w);
}
