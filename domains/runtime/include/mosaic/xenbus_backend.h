/* SPDX-License-Identifier: MIT */
/*
 * The XenStore side every back end shares (blkdrv's vbd.c, netdrv's
 * vif.c): node reads and writes under a directory, the listing of
 * backend/<kind>/<front end id>/<device> that the toolstack writes under
 * our home, the front end's directory and state as our "frontend" node
 * names it, the state we publish, a failure as xenbus_dev_fatal reports
 * it (Closed, hotplug-error, the error node), and an entry's removal.
 * What a device advertises and how it connects stay with its back end.
 * Not thread-safe: a back end is one event loop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mosaic/xenbus.h"

#define XENBUS_BACKEND_PATH     128u
#define XENBUS_BACKEND_WATCH_FE "fe" /* the token of the front ends' state watches */

/* What a back end keeps of one device entry, all of it found again in
 * the store by a new instance. */
struct xenbus_backend_dev {
    uint16_t fe_domid;
    uint32_t devid;
    char be[XENBUS_BACKEND_PATH]; /* our directory */
    char fe[XENBUS_BACKEND_PATH]; /* the front end's, from our "frontend" node */
    bool watching;                /* the front end's state */
    bool fe_seen;                 /* its state was read once: a missing front end is then a gone one */
    unsigned state;               /* XenbusState we last wrote */
    bool failed;                  /* closed for a reason the front end cannot fix by reconnecting */
    bool broken;                  /* its ring broke: closed until the front end starts again */
};

/* xenbus_node_read: dir/node into buf (xenbus_read's result). */
long xenbus_node_read(struct xenbus *xb, const char *dir, const char *node, char *buf, size_t cap);
/* xenbus_node_read_uint: a node's unsigned decimal value: 0 and *v,
 * -XEN_ENOENT, or -XEN_EINVAL (not a number). */
long xenbus_node_read_uint(struct xenbus *xb, const char *dir, const char *node, unsigned long long *v);
long xenbus_node_write(struct xenbus *xb, uint32_t tx, const char *dir, const char *node, const char *value);
long xenbus_node_write_uint(struct xenbus *xb, uint32_t tx, const char *dir, const char *node, unsigned long long v);

/* xenbus_node_each_child: dir's children that are numbers below limit,
 * fn called for each (a listing longer than 1 KiB is cut: the rest is
 * seen on a later scan). */
void xenbus_node_each_child(struct xenbus *xb, const char *dir, unsigned long limit,
                            void (*fn)(unsigned long id, void *arg), void *arg);

/* xenbus_backend_scan: fn(front end id, device, arg) for every
 * root/<front end id>/<device> entry (root: our backend/<kind>). */
void xenbus_backend_scan(struct xenbus *xb, const char *root, void (*fn)(uint16_t fe, uint32_t devid, void *arg),
                         void *arg);

/* xenbus_backend_dev_init: a new entry root/<fe>/<devid>, nothing read yet. */
void xenbus_backend_dev_init(struct xenbus_backend_dev *d, const char *root, uint16_t fe, uint32_t devid);

/* xenbus_backend_frontend_state: the front end's state, its directory
 * read from our frontend and frontend-id nodes first (and its state node
 * watched). 0 and *state; -XEN_EAGAIN: not there yet (the toolstack or
 * the front end is still writing, their next write wakes us); -XEN_ENOENT:
 * the front end was there and is gone. */
long xenbus_backend_frontend_state(struct xenbus *xb, struct xenbus_backend_dev *d, unsigned long long *state);

/* xenbus_backend_set_state: publish our state (remembered when written). */
void xenbus_backend_set_state(struct xenbus *xb, struct xenbus_backend_dev *d, unsigned state);

/* xenbus_backend_fail: a defect the front end or the toolstack must fix,
 * as xenbus_dev_fatal reports it: why in hotplug-error and in
 * /local/domain/<self>/error/backend/<kind>/<fe>/<devid>/error,
 * hotplug-status "error", state Closed; the entry marked failed. The
 * caller logs its one line. */
void xenbus_backend_fail(struct xenbus *xb, struct xenbus_backend_dev *d, uint16_t self, const char *kind,
                         const char *why);

/* xenbus_backend_forget: stop watching the front end (the entry is dropped). */
void xenbus_backend_forget(struct xenbus *xb, struct xenbus_backend_dev *d);

/* What xenbus_backend_update asks of the back end, for its device dev. */
struct xenbus_backend_ops {
    /* Read the toolstack's nodes, advertise, state InitWait; or fail. */
    void (*probe)(void *dev);
    /* Map the front end's ring(s), bind its port(s), state Connected; or fail. */
    void (*connect)(void *dev);
    /* Unmap and unbind (nothing when not connected). */
    void (*disconnect)(void *dev);
    bool (*connected)(void *dev);
    /* The entry left the store (disconnected, unwatched, removed): log it and forget dev. */
    void (*removed)(void *dev);
};

/*
 * xenbus_backend_update: bring one entry in line with its front end's
 * state: Initialising/InitWait probes a new (or closed) entry;
 * Initialised/Connected connects (probing first when we had not yet,
 * e.g. a front end quicker than us, such as Linux's netfront that goes
 * straight to Connected); Closing/Closed disconnects, Closed, and removes
 * the entry when the front end is Closed and our online node is 0; a
 * front end gone removes it. An entry failed or broken stays closed until
 * the front end starts again.
 */
void xenbus_backend_update(struct xenbus *xb, struct xenbus_backend_dev *d, const char *root,
                           const struct xenbus_backend_ops *ops, void *dev);

/* xenbus_backend_remove: the front end is gone: our directory goes too
 * (xl devd's part in a driver domain), and root/<fe> once empty. */
void xenbus_backend_remove(struct xenbus *xb, struct xenbus_backend_dev *d, const char *root);
