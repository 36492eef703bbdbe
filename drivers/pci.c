/* SPDX-License-Identifier: MIT */
/*
 * PCI helpers over a struct pci_func: configuration reads through its
 * read-only page (every offset checked against the 4 KiB page), the
 * capability list walked with a bound, command and MSI-X enables written
 * through the environment's cfg_write, and BAR windows bounds-checked.
 * Registers: PCI Local Bus 3.0, 6.1-6.2 (header), 6.7 (capabilities),
 * 6.8.2 (MSI-X).
 */
#include "drivers/pci.h"

#include "idl/xen_errno.h"

#define PCI_CFG_SIZE        4096u
#define PCI_COMMAND         0x04u
#define PCI_COMMAND_MEMORY  0x0002u
#define PCI_COMMAND_MASTER  0x0004u
#define PCI_COMMAND_NO_INTX 0x0400u
#define PCI_STATUS          0x06u
#define PCI_STATUS_CAPS     0x0010u
#define PCI_CAP_PTR         0x34u
#define PCI_CAP_FIRST       0x40u /* capabilities live in 0x40..0xff */
#define PCI_CAP_LAST        0xfcu
#define PCI_CAP_MAX_WALK    48u /* (0x100 - 0x40) / 4: more entries means a loop */
#define PCI_MSIX_CTRL       2u  /* message control, from the capability */
#define PCI_MSIX_ENABLE     0x8000u
#define PCI_MSIX_MASKALL    0x4000u

/* An access of size bytes at off lies in the page and is aligned; anything
 * else reads as all ones, as an absent register does. */
static bool cfg_ok(const struct pci_func *f, unsigned off, unsigned size)
{
    return f->cfg && off < PCI_CFG_SIZE && size <= PCI_CFG_SIZE - off && off % size == 0;
}

uint8_t pci_cfg_read8(const struct pci_func *f, unsigned off)
{
    return cfg_ok(f, off, 1) ? f->cfg[off] : 0xff;
}

uint16_t pci_cfg_read16(const struct pci_func *f, unsigned off)
{
    if (!cfg_ok(f, off, 2))
        return 0xffff;
    return *(const volatile uint16_t *)(const volatile void *)(f->cfg + off);
}

uint32_t pci_cfg_read32(const struct pci_func *f, unsigned off)
{
    if (!cfg_ok(f, off, 4))
        return 0xffffffffu;
    return *(const volatile uint32_t *)(const volatile void *)(f->cfg + off);
}

unsigned pci_cap_next(const struct pci_func *f, uint8_t id, unsigned after)
{
    unsigned ptr;

    if (!(pci_cfg_read16(f, PCI_STATUS) & PCI_STATUS_CAPS))
        return 0;
    if (after == 0)
        ptr = pci_cfg_read8(f, PCI_CAP_PTR);
    else if (after >= PCI_CAP_FIRST && after <= PCI_CAP_LAST)
        ptr = pci_cfg_read8(f, after + 1);
    else
        return 0;
    /* The list is the device's: a pointer below 0x40 ends it, the low two
     * bits are reserved, and a bounded walk ends a loop. */
    for (unsigned n = 0; n < PCI_CAP_MAX_WALK; n++) {
        ptr &= PCI_CAP_LAST;
        if (ptr < PCI_CAP_FIRST)
            return 0;
        if (pci_cfg_read8(f, ptr) == id)
            return ptr;
        ptr = pci_cfg_read8(f, ptr + 1);
    }
    return 0;
}

int pci_enable(struct pci_func *f)
{
    uint16_t cmd = pci_cfg_read16(f, PCI_COMMAND);

    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_NO_INTX;
    return f->ops->cfg_write(f, PCI_COMMAND, 2, cmd);
}

int pci_msix_enable(struct pci_func *f)
{
    unsigned cap = pci_cap_next(f, PCI_CAP_ID_MSIX, 0);

    if (cap == 0 || f->nr_msix == 0)
        return -XEN_ENODEV;
    uint16_t ctrl = pci_cfg_read16(f, cap + PCI_MSIX_CTRL);
    ctrl = (uint16_t)((ctrl | PCI_MSIX_ENABLE) & ~PCI_MSIX_MASKALL);
    return f->ops->cfg_write(f, cap + PCI_MSIX_CTRL, 2, ctrl);
}

volatile void *pci_bar_window(const struct pci_func *f, unsigned bar, uint64_t off, uint64_t len)
{
    if (bar >= PCI_MAX_BARS || !f->bar[bar] || len == 0)
        return NULL;
    uint64_t size = f->bar_size[bar];
    if (len > size || off > size - len)
        return NULL;
    return f->bar[bar] + off;
}
