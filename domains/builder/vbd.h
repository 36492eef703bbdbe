/* SPDX-License-Identifier: MIT */
/*
 * A guest's virtual block devices in XenStore, written and removed as
 * libxl does for a disk served by a driver domain (libxl_disk.c), so that
 * Linux's xen-blkfront and a blkback find what they find on Xen. Beyond
 * the nodes every device has (devnodes.h):
 *
 *   /local/domain/<fe>/device/vbd/<devid>/         owned by fe, readable by be
 *       virtual-device = <devid>, device-type = disk
 *   /local/domain/<be>/backend/vbd/<fe>/<devid>/   owned by be, readable by fe
 *       params = <target>, mode = w|r, dev = <vdev>, type = phy,
 *       removable = 0, bootable = 1, device-type = disk
 *
 * The frontend writes its ring and protocol nodes, the backend its
 * features and sectors: neither is the builder's business. Calls need
 * the store (store_xenbus); each returns 0 or a negative Xen errno.
 */
#pragma once

#include <stdint.h>

#include "devnodes.h"
#include "xl_disk.h"

/* vbd_add: disk's nodes for frontend domain fe and backend domain be, in
 * one transaction (devnodes_add); reader (0: none) may read the guest's. */
long vbd_add(uint16_t fe, uint16_t be, uint16_t reader, const struct xl_disk *disk);

/* vbd_remove: disk's nodes removed as devnodes_remove removes them,
 * waiting up to wait_ns for the backend (and with detach the guest). */
long vbd_remove(uint16_t fe, uint16_t be, const struct xl_disk *disk, uint64_t wait_ns, bool detach);
