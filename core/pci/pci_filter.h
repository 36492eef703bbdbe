/* SPDX-License-Identifier: MIT */
/*
 * The filter on configuration writes of assigned functions
 * (MGMT_PCI_CFG_WRITE). Why it lives in the core: the core owns where a
 * function's BARs are (it maps them into the domain at their machine
 * addresses, and keeps the MSI-X pages out) and where its interrupts go
 * (the MSI-X entries it writes through interrupt remapping). A driver
 * domain that could write a BAR would move device memory over another
 * domain's frames or the core's, and one that could write MSI or MSI-X
 * registers, or capability links, would send interrupts where it likes;
 * a filter in the domain itself would be no filter. So only the bits a
 * driver needs to run its device are let through: the command register's
 * memory space, bus master and INTx disable, and the MSI-X message
 * control's enable and function mask. Portable: the unit test runs it.
 */
#pragma once

#include "core/types.h"

#define PCI_CFG_COMMAND          0x04u
#define PCI_COMMAND_IO           (1u << 0)
#define PCI_COMMAND_MEMORY       (1u << 1)
#define PCI_COMMAND_MASTER       (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_MSIX_CTRL            2u /* the message control's offset in the MSI-X capability */
#define PCI_MSIX_CTRL_MASKALL    (1u << 14)
#define PCI_MSIX_CTRL_ENABLE     (1u << 15)

/*
 * pci_cfg_filter: may a domain write size (1, 2 or 4) bytes of value at
 * offset (aligned to size) of a function whose MSI-X capability is at
 * msix_cap (0: none), the bytes there holding current now? 0 when the
 * write lies within the command register or the MSI-X message control
 * and changes no bit but the ones named above (so a read-modify-write
 * passes); -ERR_ACCES otherwise. The written value is then value itself.
 */
int pci_cfg_filter(uint16_t msix_cap, uint16_t offset, uint8_t size, uint32_t value, uint32_t current)
    __attribute__((warn_unused_result));
