/* SPDX-License-Identifier: MIT */
/*
 * Mosaic's management hypercall (idl/mgmt.idl) for the domains that hold
 * capabilities: the raw call, and wrappers for the commands a builder of
 * XenStore-aware domains needs beyond it. Each returns 0 or a negative Xen
 * errno, as the IDL lists for the command.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"

/* mgmt_call: command cmd with its struct at arg, of size bytes (exactly
 * the command's struct size). */
long mgmt_call(uint32_t cmd, void *arg, size_t size);

/* mgmt_gnttab_seed: in the building domain domid, let grantee map (or,
 * with readonly, only read) its frame gfn through grant ref (below
 * MGMT_GNTTAB_SEED_REFS: 1 for the XenStore ring, 0 for the console). */
long mgmt_gnttab_seed(uint16_t domid, uint32_t ref, uint16_t grantee, uint64_t gfn, bool readonly);

/* PCI functions (idl/mgmt.idl). mgmt_pci_assign: give function sbdf
 * (segment << 16 | bus << 8 | device << 3 | function) to the building
 * domain domid (MGMT_CAP_PCI). The other three act on the caller's own
 * functions and need no capability: mgmt_pci_info fills *out about the
 * index-th (in order of assignment); mgmt_pci_cfg_write writes size (1, 2
 * or 4) bytes at offset of sbdf's configuration space through the core's
 * filter; mgmt_pci_msi_bind routes MSI-X entry `entry` of sbdf to a new
 * event-channel port of the caller (*port). */
long mgmt_pci_assign(uint16_t domid, uint32_t sbdf);
long mgmt_pci_info(uint32_t index, struct mgmt_pci_info *out);
long mgmt_pci_cfg_write(uint32_t sbdf, uint16_t offset, uint8_t size, uint32_t value);
long mgmt_pci_msi_bind(uint32_t sbdf, uint16_t entry, uint32_t *port);
