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
