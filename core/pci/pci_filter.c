/* SPDX-License-Identifier: MIT */
/*
 * The configuration-write filter (pci_filter.h says why it is the core's):
 * a pure function of the write and the register's current value. It does
 * not touch the device; pci_assign.c reads and writes around it.
 */
#include "pci_filter.h"

#include "core/errno.h"

/* The registers a domain may write, and the bits it may change in each. */
struct pci_filter_reg {
    uint16_t offset; /* of the 16-bit register */
    uint16_t bits;
};

int pci_cfg_filter(uint16_t msix_cap, uint16_t offset, uint8_t size, uint32_t value, uint32_t current)
{
    const struct pci_filter_reg regs[] = {
        { PCI_CFG_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE },
        { (uint16_t)(msix_cap + PCI_MSIX_CTRL), PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL },
    };

    for (unsigned i = 0; i < (msix_cap ? 2u : 1u); i++) {
        uint32_t width, allowed;

        /* Wholly inside the 2-byte register: a 4-byte write never is, so
         * the status register and the capability header stay untouched. */
        if (size > 2 || offset < regs[i].offset || offset + size > regs[i].offset + 2u)
            continue;
        width = (1u << (8u * size)) - 1u;
        allowed = ((uint32_t)regs[i].bits >> (8u * (offset - regs[i].offset))) & width;
        return ((value ^ current) & width & ~allowed) ? -ERR_ACCES : 0;
    }
    return -ERR_ACCES;
}
