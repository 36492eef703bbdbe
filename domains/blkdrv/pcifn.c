/* SPDX-License-Identifier: MIT */
/*
 * The PCI functions given to this domain, as drivers/pci.h's struct
 * pci_func: where the core mapped each one's configuration page and
 * memory BARs (MGMT_PCI_INFO), configuration writes through the core's
 * filter (MGMT_PCI_CFG_WRITE), MSI-X entries routed to event channels
 * (MGMT_PCI_MSI_BIND). The core keeps the MSI-X table and pending-bit
 * pages and refuses writes that would move the device or its
 * interrupts; nothing here needs to be trusted for isolation.
 */
#include <stdlib.h>
#include <string.h>

#include "blkdrv.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "mosaic/mgmt.h"

static int cfg_write(struct pci_func *f, unsigned off, unsigned size, uint32_t value)
{
    struct mgmt_pci_cfg_write w = { .sbdf = f->sbdf, .offset = (uint16_t)off, .size = (uint8_t)size, .value = value };

    if (off > 0xffff || (size != 1 && size != 2 && size != 4))
        return -XEN_EINVAL;
    return (int)mgmt_call(MGMT_PCI_CFG_WRITE, &w, sizeof(w));
}

static int msix_bind(struct pci_func *f, unsigned entry, uint32_t *port)
{
    struct mgmt_pci_msi_bind b = { .sbdf = f->sbdf, .entry = (uint16_t)entry };
    long r;

    if (entry > 0xffff)
        return -XEN_EINVAL;
    if ((r = mgmt_call(MGMT_PCI_MSI_BIND, &b, sizeof(b))) != 0)
        return (int)r;
    *port = b.port;
    return 0;
}

static const struct pci_func_ops pcifn_ops = { .cfg_write = cfg_write, .msix_bind = msix_bind };

int pcifn_open(unsigned index, struct pci_func **out)
{
    struct mgmt_pci_info info = { .index = index };
    struct pci_func *f;
    long r;

    if ((r = mgmt_call(MGMT_PCI_INFO, &info, sizeof(info))) != 0)
        return (int)r;
    if (!info.cfg_gpa || (info.cfg_gpa & 0xfff))
        return -XEN_EINVAL;
    if (!(f = calloc(1, sizeof(*f))))
        return -XEN_ENOMEM;
    f->sbdf = info.sbdf;
    f->cfg = (const volatile uint8_t *)(uintptr_t)info.cfg_gpa;
    for (unsigned i = 0; i < PCI_MAX_BARS && i < MGMT_PCI_MAX_BARS; i++) {
        if (!(info.bar_flags[i] & MGMT_PCI_BAR_MEM) || !info.bar_addr[i])
            continue;
        f->bar[i] = (volatile uint8_t *)(uintptr_t)info.bar_addr[i];
        f->bar_size[i] = info.bar_size[i];
    }
    f->nr_msix = info.nr_msix;
    f->ops = &pcifn_ops;
    *out = f;
    return 0;
}
