/* SPDX-License-Identifier: MIT */
/*
 * A guest's paravirtual device in XenStore, the part every kind shares,
 * written and removed as libxl does for a device served by a driver
 * domain (libxl_device.c), so that Linux's front ends and Mosaic's back
 * ends find what they find on Xen:
 *
 *   /local/domain/<fe>/device/<kind>/<id>/          owned by fe, readable by be
 *       backend, backend-id, state = 1, and the kind's own keys
 *   /local/domain/<be>/backend/<kind>/<fe>/<id>/    owned by be, readable by fe
 *       frontend, frontend-id, online = 1, state = 1, and the kind's own keys
 *
 * (state 1 is XenbusStateInitialising.) The kinds' own keys are vbd.c's
 * and vif.c's business; what the front and back ends write later is
 * theirs. Calls need the store (store_xenbus); each returns 0 or a
 * negative Xen errno.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define DEVNODES_CLOSE_WAIT_NS (10 * 1000000000ull) /* libxl's LIBXL_DESTROY_TIMEOUT */

/* Which device: its kind ("vbd", "vif"), front end, back end and id. */
struct devnodes {
    const char *kind;
    uint16_t fe, be;
    uint32_t id;     /* a vbd's number, a vif's handle */
    uint16_t reader; /* a domain that may read the guest's directory and device/<kind> (the
                        guest's controller: xl block-list), or 0 for none */
};

/* The two directories' paths. */
struct devnodes_paths {
    char front[64]; /* /local/domain/<fe>/device/<kind>/<id> */
    char back[80];  /* /local/domain/<be>/backend/<kind>/<fe>/<id> */
};

void devnodes_paths(const struct devnodes *dev, struct devnodes_paths *p);

/* devnodes_add: both directories, the shared keys above and the kind's
 * (front: nfront pairs of key and value; back: nback), in one
 * transaction, retried on a conflict as libxl retries, so that a back end
 * watching its directory sees the device appear whole; stale directories
 * of an earlier domain of the same ids are removed first. */
long devnodes_add(const struct devnodes *dev, const char *const front[][2], unsigned nfront,
                  const char *const back[][2], unsigned nback);

/*
 * devnodes_remove: libxl's removal. Without detach, its forced removal,
 * as on a domain's destruction: in one transaction the frontend's
 * directory goes, the backend's gets online = 0 and, unless already
 * Closed (6), state = Closing (5); then up to wait_ns for the backend to
 * write Closed or remove its directory; then the backend's directory
 * goes. With detach (xl block-detach, network-detach of a running guest)
 * the frontend's directory stays while the guest closes: the wait is for
 * both ends to be Closed (or gone), and both directories go after it.
 * Returns -ETIMEDOUT when they did not close in time (the directories are
 * removed all the same).
 */
long devnodes_remove(const struct devnodes *dev, uint64_t wait_ns, bool detach);
