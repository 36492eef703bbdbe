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
#define XENBUS_BACKEND_WATCH_BE "be" /* the token of the backend directory's watch */

/* What a back end keeps of one device entry, all of it found again in
 * the store by a new instance. */
struct xenbus_backend_dev {
    bool used;
    bool seen; /* in the last scan's listing */
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

/* xenbus_backend_set_state: publish our state (remembered when written). */
void xenbus_backend_set_state(struct xenbus *xb, struct xenbus_backend_dev *d, unsigned state);

/* xenbus_backend_fail: a defect the front end or the toolstack must fix,
 * as xenbus_dev_fatal reports it: why in hotplug-error and in
 * /local/domain/<self>/error/backend/<kind>/<fe>/<devid>/error,
 * hotplug-status "error", state Closed; the entry marked failed. The
 * caller logs its one line. */
void xenbus_backend_fail(struct xenbus *xb, struct xenbus_backend_dev *d, uint16_t self, const char *kind,
                         const char *why);

/* What a back end's table asks of the back end, for one of its entries. */
struct xenbus_backend_ops {
    /* A new entry whose state an instance before us left at InitWait or
     * Connected: true to take that state up (NULL: always). */
    bool (*adopt)(void *entry);
    /* Read the toolstack's nodes, advertise, state InitWait; or fail. */
    void (*probe)(void *entry);
    /* Map the front end's ring(s), bind its port(s), state Connected; or fail. */
    void (*connect)(void *entry);
    /* Unmap and unbind (nothing when not connected). */
    void (*disconnect)(void *entry);
    bool (*connected)(void *entry);
    /* The entry leaves (disconnected and unwatched already): the back
     * end's log line with why; the table then zeroes the entry. */
    void (*removed)(void *entry, const char *why);
};

/* A back end's entries: an array of max structs of entry_size bytes,
 * each holding its struct xenbus_backend_dev at dev_offset. */
struct xenbus_backend {
    struct xenbus *xb;
    uint16_t self;
    const char *prog; /* for log lines: "blkdrv" */
    const char *kind; /* "vbd", "vif" */
    char root[64];    /* /local/domain/<self>/backend/<kind> */
    const struct xenbus_backend_ops *ops;
    void *entries;
    size_t entry_size, dev_offset;
    unsigned max;
};

/* xenbus_backend_init: the table, and a watch on its root (0, or a
 * negative errno) and on @releaseDomain (may be refused). */
long xenbus_backend_init(struct xenbus_backend *be, struct xenbus *xb, uint16_t self, const char *prog,
                         const char *kind, const struct xenbus_backend_ops *ops, void *entries, size_t entry_size,
                         size_t dev_offset, unsigned max);

/* xenbus_backend_entry: entry i (used or not) and its device part. */
void *xenbus_backend_entry(const struct xenbus_backend *be, unsigned i);
struct xenbus_backend_dev *xenbus_backend_dev_of(const struct xenbus_backend *be, void *entry);

/*
 * xenbus_backend_sync: bring the table in line with the store (after a
 * watch event): entries the toolstack added are made, those it removed
 * forgotten, and each is brought in line with its front end's state:
 * Initialising/InitWait probes a new (or closed) entry;
 * Initialised/Connected connects (probing first when we had not yet,
 * e.g. a front end quicker than us, such as Linux's netfront that goes
 * straight to Connected); Closing/Closed disconnects, Closed, and removes
 * the entry when the front end is Closed and our online node is 0; a
 * front end gone removes it. An entry failed or broken stays closed until
 * the front end starts again.
 */
void xenbus_backend_sync(struct xenbus_backend *be);

/* xenbus_backend_count: the entries known (connected or not). */
unsigned xenbus_backend_count(const struct xenbus_backend *be);

/* xenbus_backend_events: take the watch events waiting, and those that
 * follow within slice_ns of the last (a back end then syncs with the
 * store once for them all): how many, or -XEN_EIO once the store's ring
 * is broken (the back end cannot go on). */
long xenbus_backend_events(struct xenbus *xb, uint64_t slice_ns) __attribute__((warn_unused_result));

/* A back end's exit=idle (tests): end once it has served devices and
 * none has existed for a grace period (a rebooting guest's devices are
 * gone while the toolstack builds it again). */
struct xenbus_backend_idle {
    bool served;
    uint64_t idle_since; /* 0: devices exist (or none ever did) */
};

/* xenbus_backend_idle_for: busy says devices exist (or work is left);
 * true once it has been false for grace_ns after having been true. */
bool xenbus_backend_idle_for(struct xenbus_backend_idle *s, bool busy, uint64_t now_ns, uint64_t grace_ns);
