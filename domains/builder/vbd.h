/* SPDX-License-Identifier: MIT */
/*
 * A guest's virtual block devices in XenStore, written and removed as
 * libxl does for a disk served by a driver domain (libxl_device.c,
 * libxl_disk.c), so that Linux's xen-blkfront and a blkback find what
 * they find on Xen:
 *
 *   /local/domain/<fe>/device/vbd/<devid>/         owned by fe, readable by be
 *       backend, backend-id, state = 1, virtual-device = <devid>,
 *       device-type = disk
 *   /local/domain/<be>/backend/vbd/<fe>/<devid>/   owned by be, readable by fe
 *       frontend, frontend-id, params = <target>, mode = w|r, dev = <vdev>,
 *       type = phy, online = 1, removable = 0, bootable = 1, state = 1,
 *       device-type = disk
 *
 * The frontend writes its ring and protocol nodes, the backend its
 * features and sectors: neither is the builder's business. Calls need
 * the store (store_xenbus); each returns 0 or a negative Xen errno.
 */
#pragma once

#include <stdint.h>

#include "xl_disk.h"

#define VBD_CLOSE_WAIT_NS (10 * 1000000000ull) /* libxl's LIBXL_DESTROY_TIMEOUT */

/* vbd_add: disk's nodes for frontend domain fe and backend domain be, in
 * one transaction, stale ones from an earlier domain of the same ids
 * removed first. */
long vbd_add(uint16_t fe, uint16_t be, const struct xl_disk *disk);

/*
 * vbd_remove: libxl's forced removal, as on a domain's destruction: in
 * one transaction the frontend's directory goes, the backend's gets
 * online = 0 and, unless already Closed (6), state = Closing (5); then
 * up to wait_ns for the backend to write Closed or remove its directory;
 * then the backend's directory goes. Returns -ETIMEDOUT when the backend
 * did not answer in time (its directory is removed all the same).
 */
long vbd_remove(uint16_t fe, uint16_t be, const struct xl_disk *disk, uint64_t wait_ns);
