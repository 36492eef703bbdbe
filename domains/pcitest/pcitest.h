/* SPDX-License-Identifier: MIT */
/*
 * What pcitest's files share: the check lines, guest-physical reads of
 * the configuration page and BARs, the capability walk, and the
 * interrupt check (irq.c).
 */
#pragma once

#include <stdint.h>

#include "idl/mgmt.h"

#define PCITEST_CAP_VENDOR 0x09u /* PCI vendor-specific capability: virtio's */
#define PCITEST_CAP_MSIX   0x11u

/* pcitest_check: one TEST line; why is NULL for a pass. */
void pcitest_check(const char *name, const char *why);
/* pcitest_why: a reason, formatted into one buffer the next call reuses. */
const char *pcitest_why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* pcitest_rd: size (1, 2, 4) bytes at guest-physical gpa (the runtime maps
 * [0, 4 GiB) 1:1). */
uint32_t pcitest_rd(uint64_t gpa, unsigned size);
/* pcitest_cap: the offset of capability id (for virtio's, of cfg_type
 * type) in the configuration page at cfg; 0 if none. */
unsigned pcitest_cap(uint64_t cfg, uint8_t id, uint8_t type);
/* pcitest_irq: one virtio-blk read whose completion must arrive on port,
 * bound to MSI-X entry 0 (irq.c). */
void pcitest_irq(const struct mgmt_pci_info *in, uint32_t port);
