/* SPDX-License-Identifier: MIT */
/*
 * The XenStore client (xenbus) of a domain: requests over the shared
 * store page (idl/xenstore.h) and its event channel, one at a time, in
 * Xen's wire format; watch events that arrive meanwhile are queued for
 * xenbus_wait_event. Every call returns 0 (or a length) or a negative
 * Xen errno: the store's own error (its XS_ERROR name, e.g. "EACCES" as
 * -13), -ETIMEDOUT (-110) when the store does not answer in time, -EIO
 * (-5) once the ring is broken. One caller at a time: threads or vCPUs
 * sharing a struct xenbus must take turns; not for use from event
 * handlers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mosaic/bytering.h"
#include "mosaic/evtchn.h"

#define XENBUS_EVENT_PATH  256 /* longer paths are cut (and flagged) */
#define XENBUS_EVENT_TOKEN 64
#define XENBUS_EVENTS      32 /* queued watch events; more are counted as dropped */
#define XENBUS_TIMEOUT_NS  5000000000ull

struct xenbus_event {
    char path[XENBUS_EVENT_PATH];
    char token[XENBUS_EVENT_TOKEN];
    bool cut; /* path or token did not fit */
};

struct xenbus {
    struct bytering req, rsp; /* requests out, replies and events in */
    evtchn_port_t port;
    uint32_t next_id;
    bool broken;
    struct xenbus_event events[XENBUS_EVENTS];
    unsigned ev_head, ev_count;
    uint64_t ev_dropped;
};

/* xenbus_connect: use page (the store page, mapped) and port (bound to
 * the store). */
void xenbus_connect(struct xenbus *xb, void *page, evtchn_port_t port);

/* xenbus_connect_own: xenbus_connect to the domain's own store, the page
 * and port its HVM params name (as Linux's xenbus finds them). 0, the
 * hypercall's errno, -ENOSYS without event channels, or -ENOENT when the
 * params are unset or out of reach. */
long xenbus_connect_own(struct xenbus *xb);

/*
 * xenbus_request: one request of type in transaction tx (0: none) with
 * len payload bytes; its reply's payload goes to reply (up to cap bytes;
 * the length is in *reply_len, which may exceed cap when cut). An XS_ERROR
 * reply returns its errno.
 */
long xenbus_request(struct xenbus *xb, uint32_t type, uint32_t tx, const void *payload, uint32_t len, char *reply,
                    uint32_t cap, uint32_t *reply_len);

/* xenbus_send_raw: len bytes as they are onto the request ring (tests of
 * malformed messages), waiting for room. */
long xenbus_send_raw(struct xenbus *xb, const void *bytes, size_t len);

/* xenbus_read: path's value into buf (NUL-terminated, cut at cap - 1);
 * returns its full length. */
long xenbus_read(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t cap);
long xenbus_write(struct xenbus *xb, uint32_t tx, const char *path, const char *value);
long xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path);
long xenbus_rm(struct xenbus *xb, uint32_t tx, const char *path);
/* xenbus_directory: the children's names, each NUL-terminated, into buf;
 * returns the bytes of the full list. */
long xenbus_directory(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t cap);
/* xenbus_get_perms / set_perms: Xen's form, entries NUL-separated ("b1\0r2\0"). */
long xenbus_get_perms(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t cap);
long xenbus_set_perms(struct xenbus *xb, uint32_t tx, const char *path, const char *perms, size_t perms_len);
long xenbus_watch(struct xenbus *xb, const char *path, const char *token);
long xenbus_unwatch(struct xenbus *xb, const char *path, const char *token);
long xenbus_transaction_start(struct xenbus *xb, uint32_t *tx);
/* xenbus_transaction_end: commit (or abort); -EAGAIN: a conflict, retry. */
long xenbus_transaction_end(struct xenbus *xb, uint32_t tx, bool commit);

/* xenbus_wait_event: the oldest queued watch event, waiting for one until
 * deadline_ns (runtime time): 0, or -ETIMEDOUT. */
long xenbus_wait_event(struct xenbus *xb, struct xenbus_event *out, uint64_t deadline_ns);
