/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the PCI capability walk (drivers/pci.c) and the virtio-pci
 * capability parser (virtio_pci_probe, drivers/virtio_pci.c) on any
 * configuration page and any set of BARs. The page and each BAR are heap
 * blocks of their exact size, so a read outside them is an ASan report.
 * Checked: every capability offset found is in 0x40..0xfc, 4-aligned,
 * and holds the id asked for; the walk ends; a successful probe's windows
 * (common configuration whole, notify, ISR, device configuration) lie
 * inside mapped BARs; a failure is -XEN_ENODEV; device configuration
 * reads outside the window read 0.
 *
 * Input: a BAR mask byte (bit i: BAR i mapped), six u16 BAR sizes in
 * 16-byte units (0 stands for 1), then the configuration page (the rest
 * of the input, zero-filled to 4 KiB).
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/pci.h"
#include "drivers/virtio_pci.h"

#include "fuzz.h"
#include "idl/virtio.h"
#include "idl/xen_errno.h"

static const struct pci_func_ops no_ops; /* the probe writes nothing */

FUZZ_ORACLE static bool inside(const struct pci_func *f, volatile const void *p, uint64_t len)
{
    uintptr_t a = (uintptr_t)p;

    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        uintptr_t b = (uintptr_t)f->bar[i];
        if (f->bar[i] && a >= b && len <= f->bar_size[i] && a - b <= f->bar_size[i] - len)
            return true;
    }
    return false;
}

FUZZ_ORACLE static void check_walk(const struct pci_func *f, uint8_t id)
{
    unsigned at = 0;

    for (unsigned n = 0; n < 64; n++) {
        at = pci_cap_next(f, id, at);
        if (at == 0)
            return;
        FUZZ_CHECK(at >= 0x40 && at <= 0xfc && at % 4 == 0);
        FUZZ_CHECK(f->cfg[at] == id);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct pci_func f = { .sbdf = 0x20, .ops = &no_ops };
    struct virtio_pci vp;
    uint8_t mask = fuzz_u8(&in);
    uint8_t *cfg = calloc(1, 4096);

    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        uint64_t units = fuzz_uint(&in, 2), bytes = 16 * (units ? units : 1);
        if (mask & (1u << i)) {
            f.bar[i] = calloc(1, bytes);
            f.bar_size[i] = bytes;
        }
    }
    memcpy(cfg, in.p, in.left < 4096 ? in.left : 4096);
    f.cfg = cfg;

    check_walk(&f, PCI_CAP_ID_VNDR);
    check_walk(&f, PCI_CAP_ID_MSIX);
    check_walk(&f, cfg[0x34 & 0xfff]);
    int rc = virtio_pci_probe(&vp, &f);
    if (rc == 0) {
        FUZZ_CHECK(inside(&f, vp.common, sizeof(struct virtio_pci_common_cfg)));
        FUZZ_CHECK(vp.notify_len >= 2 && inside(&f, vp.notify, vp.notify_len));
        FUZZ_CHECK(!vp.isr || inside(&f, vp.isr, 1));
        FUZZ_CHECK(vp.device_len >= 1 && inside(&f, vp.device, vp.device_len));
        for (unsigned off = 0; off < vp.device_len + 16 && off < 256; off += 4)
            (void)virtio_pci_cfg64(&vp, off);
        FUZZ_CHECK(virtio_pci_cfg32(&vp, vp.device_len) == 0);
    } else {
        FUZZ_CHECK(rc == -XEN_ENODEV);
    }
    for (unsigned i = 0; i < PCI_MAX_BARS; i++)
        free((void *)(uintptr_t)f.bar[i]);
    free(cfg);
    return 0;
}
