/* SPDX-License-Identifier: MIT */
/*
 * A guest's network interfaces in XenStore, written and removed as libxl
 * does for a vif served by a driver domain (libxl_nic.c), so that Linux's
 * xen-netfront and netdrv's netback find what they find on Xen. Beyond
 * the nodes every device has (devnodes.h):
 *
 *   /local/domain/<fe>/device/vif/<handle>/          owned by fe, readable by be
 *       handle = <handle>, mac = xx:xx:xx:xx:xx:xx
 *   /local/domain/<be>/backend/vif/<fe>/<handle>/    owned by be, readable by fe
 *       handle, mac, type = vif, and when they apply: bridge (given, or
 *       xenbr0 in bridge mode), script (when given: vif-bridge, vif-route
 *       or vif-nat, the name alone), ip, vifname, gatewaydev
 *
 * The frontend writes its rings, event channels and features, the
 * backend its own features: neither is the builder's business. Calls
 * need the store (store_xenbus); each returns 0 or a negative Xen errno.
 */
#pragma once

#include <stdint.h>

#include "devnodes.h"
#include "xl_vif.h"

/* vif_add: the nodes of vif (its handle, vif->handle) for frontend
 * domain fe and backend domain be, in one transaction (devnodes_add).
 * Its MAC must be set. */
long vif_add(uint16_t fe, uint16_t be, uint16_t reader, const struct xl_vif *vif);

/* vif_remove: vif handle's nodes removed as devnodes_remove removes
 * them, waiting up to wait_ns for the backend (and with detach the guest). */
long vif_remove(uint16_t fe, uint16_t be, uint32_t handle, uint64_t wait_ns, bool detach);

/* vif_mac_text: mac as XenStore and the log lines write it, lower-case
 * hex pairs separated by colons, into text. */
void vif_mac_text(const uint8_t mac[6], char text[18]);
