/* SPDX-License-Identifier: MIT */
/*
 * The XenStore side back ends share (mosaic/xenbus_backend.h): plain
 * reads and writes of the nodes Xen's split drivers use, over
 * xenbus.c's requests.
 */
#include "mosaic/xenbus_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xenbus.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "mosaic/time.h"

#define NODE_PATH (XENBUS_BACKEND_PATH + 48u)

long xenbus_node_read(struct xenbus *xb, const char *dir, const char *node, char *buf, size_t cap)
{
    char path[NODE_PATH];

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    return xenbus_read(xb, 0, path, buf, cap);
}

long xenbus_node_read_uint(struct xenbus *xb, const char *dir, const char *node, unsigned long long *v)
{
    char buf[32], *end;
    long r = xenbus_node_read(xb, dir, node, buf, sizeof(buf));

    if (r < 0)
        return r;
    if (!buf[0] || (size_t)r >= sizeof(buf))
        return -XEN_EINVAL;
    *v = strtoull(buf, &end, 10);
    return *end ? -XEN_EINVAL : 0;
}

long xenbus_node_write(struct xenbus *xb, uint32_t tx, const char *dir, const char *node, const char *value)
{
    char path[NODE_PATH];

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    return xenbus_write(xb, tx, path, value);
}

long xenbus_node_write_uint(struct xenbus *xb, uint32_t tx, const char *dir, const char *node, unsigned long long v)
{
    char value[24];

    snprintf(value, sizeof(value), "%llu", v);
    return xenbus_node_write(xb, tx, dir, node, value);
}

void xenbus_node_each_child(struct xenbus *xb, const char *dir, unsigned long limit,
                            void (*fn)(unsigned long id, void *arg), void *arg)
{
    char list[1024]; /* on the stack: listings nest (front ends, then their devices) */
    long n = xenbus_directory(xb, 0, dir, list, sizeof(list));

    if (n < 0)
        return;
    if ((size_t)n > sizeof(list))
        n = sizeof(list); /* a cut list: the rest is seen on a later scan */
    for (long i = 0; i < n;) {
        char *end;
        unsigned long id = strtoul(list + i, &end, 10);
        size_t len = strnlen(list + i, (size_t)(n - i));
        if (end != list + i && *end == '\0' && id < limit)
            fn(id, arg);
        i += (long)len + 1;
    }
}

struct scan {
    struct xenbus *xb;
    const char *root;
    void (*fn)(uint16_t fe, uint32_t devid, void *arg);
    void *arg;
    uint16_t fe;
};

static void scan_device(unsigned long devid, void *arg)
{
    struct scan *s = arg;

    s->fn(s->fe, (uint32_t)devid, s->arg);
}

static void scan_frontend(unsigned long fe, void *arg)
{
    struct scan *s = arg;
    char dir[NODE_PATH];

    s->fe = (uint16_t)fe;
    snprintf(dir, sizeof(dir), "%s/%lu", s->root, fe);
    xenbus_node_each_child(s->xb, dir, 0xffffffffUL, scan_device, s);
}

static void list_entries(struct xenbus *xb, const char *root, void (*fn)(uint16_t fe, uint32_t devid, void *arg),
                         void *arg)
{
    struct scan s = { xb, root, fn, arg, 0 };

    xenbus_node_each_child(xb, root, DOMID_FIRST_RESERVED, scan_frontend, &s);
}

static void dev_init(struct xenbus_backend_dev *d, const char *root, uint16_t fe, uint32_t devid)
{
    memset(d, 0, sizeof(*d));
    d->fe_domid = fe;
    d->devid = devid;
    snprintf(d->be, sizeof(d->be), "%s/%u/%u", root, fe, devid);
}

static long frontend_state(struct xenbus *xb, struct xenbus_backend_dev *d, unsigned long long *state)
{
    char path[NODE_PATH];
    long r;

    if (!d->fe[0]) {
        unsigned long long id;
        if (xenbus_node_read(xb, d->be, "frontend", d->fe, sizeof(d->fe)) < 0 ||
            xenbus_node_read_uint(xb, d->be, "frontend-id", &id) != 0 || id != d->fe_domid) {
            d->fe[0] = '\0';
            return -XEN_EAGAIN;
        }
    }
    snprintf(path, sizeof(path), "%s/state", d->fe);
    if (!d->watching && xenbus_watch(xb, path, XENBUS_BACKEND_WATCH_FE) == 0)
        d->watching = true;
    r = xenbus_node_read_uint(xb, d->fe, "state", state);
    if (r == -XEN_ENOENT && d->fe_seen)
        return -XEN_ENOENT;
    if (r)
        return -XEN_EAGAIN; /* not there yet, or unreadable: the next event tells */
    d->fe_seen = true;
    return 0;
}

void xenbus_backend_set_state(struct xenbus *xb, struct xenbus_backend_dev *d, unsigned state)
{
    if (xenbus_node_write_uint(xb, 0, d->be, "state", state) == 0)
        d->state = state;
}

void xenbus_backend_fail(struct xenbus *xb, struct xenbus_backend_dev *d, uint16_t self, const char *kind,
                         const char *why)
{
    char dir[NODE_PATH];

    (void)xenbus_node_write(xb, 0, d->be, "hotplug-error", why);
    (void)xenbus_node_write(xb, 0, d->be, "hotplug-status", "error");
    snprintf(dir, sizeof(dir), "/local/domain/%u/error/backend/%s/%u/%u", self, kind, d->fe_domid, d->devid);
    (void)xenbus_node_write(xb, 0, dir, "error", why);
    d->failed = true;
    xenbus_backend_set_state(xb, d, XenbusStateClosed);
}

static void unwatch_frontend(struct xenbus *xb, struct xenbus_backend_dev *d)
{
    char path[NODE_PATH];

    if (!d->watching)
        return;
    snprintf(path, sizeof(path), "%s/state", d->fe);
    (void)xenbus_unwatch(xb, path, XENBUS_BACKEND_WATCH_FE);
    d->watching = false;
}

static void remove_dirs(struct xenbus *xb, struct xenbus_backend_dev *d, const char *root)
{
    char dir[NODE_PATH], list[8];

    unwatch_frontend(xb, d);
    (void)xenbus_rm(xb, 0, d->be);
    snprintf(dir, sizeof(dir), "%s/%u", root, d->fe_domid);
    if (xenbus_directory(xb, 0, dir, list, sizeof(list)) == 0)
        (void)xenbus_rm(xb, 0, dir);
}

long xenbus_backend_init(struct xenbus_backend *be, struct xenbus *xb, uint16_t self, const char *prog,
                         const char *kind, const struct xenbus_backend_ops *ops, void *entries, size_t entry_size,
                         size_t dev_offset, unsigned max)
{
    *be = (struct xenbus_backend){ xb, self, prog, kind, "", ops, entries, entry_size, dev_offset, max };
    snprintf(be->root, sizeof(be->root), "/local/domain/%u/backend/%s", self, kind);
    /* A front end's death is seen by its state node's watch too; this one
     * needs the toolstack's leave (watch_release), so it may be refused. */
    (void)xenbus_watch(xb, "@releaseDomain", XENBUS_BACKEND_WATCH_BE);
    return xenbus_watch(xb, be->root, XENBUS_BACKEND_WATCH_BE);
}

void *xenbus_backend_entry(const struct xenbus_backend *be, unsigned i)
{
    return (char *)be->entries + (size_t)i * be->entry_size;
}

struct xenbus_backend_dev *xenbus_backend_dev_of(const struct xenbus_backend *be, void *entry)
{
    /* Through void *: dev_offset is offsetof of the entry's field, so aligned. */
    return (void *)((char *)entry + be->dev_offset);
}

/* The entry leaves: disconnected, unwatched, the back end's line, zeroed. */
static void forget(struct xenbus_backend *be, void *entry, const char *why)
{
    be->ops->disconnect(entry);
    unwatch_frontend(be->xb, xenbus_backend_dev_of(be, entry));
    be->ops->removed(entry, why);
    memset(entry, 0, be->entry_size);
}

/* The front end is gone: our directory goes too (xl devd's part in a driver domain). */
static void remove_entry(struct xenbus_backend *be, void *entry)
{
    be->ops->disconnect(entry);
    remove_dirs(be->xb, xenbus_backend_dev_of(be, entry), be->root);
    forget(be, entry, "front end gone: entry removed");
}

static void update(struct xenbus_backend *be, void *entry)
{
    struct xenbus_backend_dev *d = xenbus_backend_dev_of(be, entry);
    const struct xenbus_backend_ops *ops = be->ops;
    unsigned long long fe_state = XenbusStateUnknown, online = 1;
    long r = frontend_state(be->xb, d, &fe_state);

    if (r == -XEN_ENOENT) {
        remove_entry(be, entry);
        return;
    }
    if (r)
        return;
    (void)xenbus_node_read_uint(be->xb, d->be, "online", &online);
    if (online == 0 && fe_state != XenbusStateClosed) {
        /* The toolstack takes the device away (libxl writes online 0 and
         * our state Closing, then waits for Closed): close whatever the
         * front end is doing; its Closed, or its directory going, then
         * removes the entry. */
        ops->disconnect(entry);
        if (d->state != XenbusStateClosed)
            xenbus_backend_set_state(be->xb, d, XenbusStateClosed);
        return;
    }
    switch (fe_state) {
    case XenbusStateInitialising:
    case XenbusStateInitWait:
        /* New, or a front end starting again after a close; an entry we
         * failed stays failed (probing it again would only fail again,
         * and our own writes would wake us for ever). */
        if (!d->failed &&
            (d->state == XenbusStateUnknown || d->state == XenbusStateInitialising || d->state == XenbusStateClosed)) {
            d->broken = false;
            ops->probe(entry);
        }
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (d->failed || d->broken || ops->connected(entry))
            break;
        if (d->state == XenbusStateUnknown || d->state == XenbusStateInitialising)
            ops->probe(entry); /* it was quicker than us (or we restarted before advertising) */
        if (!d->failed && (d->state == XenbusStateInitWait || d->state == XenbusStateConnected))
            ops->connect(entry);
        break;
    case XenbusStateClosing:
        /* Xen's back ends answer Closing with Closing, which Linux's
         * xenbus waits 5 s for at shutdown; with it the toolstack's
         * removal after a guest's power-off sometimes waited its whole
         * 10 s (docs/known-bugs.md), so for now Closing gets Closed. */
    case XenbusStateClosed:
        ops->disconnect(entry);
        if (d->state != XenbusStateClosed)
            xenbus_backend_set_state(be->xb, d, XenbusStateClosed);
        if (online == 0)
            remove_entry(be, entry);
        break;
    default: break;
    }
}

static void *find_or_add(struct xenbus_backend *be, uint16_t fe, uint32_t devid)
{
    void *free_slot = NULL;
    struct xenbus_backend_dev *d;
    unsigned long long state;

    for (unsigned i = 0; i < be->max; i++) {
        void *e = xenbus_backend_entry(be, i);
        d = xenbus_backend_dev_of(be, e);
        if (d->used && d->fe_domid == fe && d->devid == devid)
            return e;
        if (!d->used && !free_slot)
            free_slot = e;
    }
    if (!free_slot)
        return NULL;
    memset(free_slot, 0, be->entry_size);
    d = xenbus_backend_dev_of(be, free_slot);
    dev_init(d, be->root, fe, devid);
    d->used = true;
    /* What an instance before us left: state 2 or 4 means it advertised. */
    if (xenbus_node_read_uint(be->xb, d->be, "state", &state) == 0 &&
        (state == XenbusStateInitWait || state == XenbusStateConnected) &&
        (!be->ops->adopt || be->ops->adopt(free_slot)))
        d->state = (unsigned)state;
    return free_slot;
}

static void sync_listed(uint16_t fe, uint32_t devid, void *arg)
{
    struct xenbus_backend *be = arg;
    void *e = find_or_add(be, fe, devid);

    if (e)
        xenbus_backend_dev_of(be, e)->seen = true;
    else
        printf("%s: more than %u %s entries: d%u/%u not served\n", be->prog, be->max, be->kind, fe, devid);
}

void xenbus_backend_sync(struct xenbus_backend *be)
{
    for (unsigned i = 0; i < be->max; i++)
        xenbus_backend_dev_of(be, xenbus_backend_entry(be, i))->seen = false;
    list_entries(be->xb, be->root, sync_listed, be);
    for (unsigned i = 0; i < be->max; i++) {
        void *e = xenbus_backend_entry(be, i);
        struct xenbus_backend_dev *d = xenbus_backend_dev_of(be, e);
        if (!d->used)
            continue;
        if (!d->seen)
            forget(be, e, "entry removed by the toolstack");
        else
            update(be, e);
    }
}

unsigned xenbus_backend_count(const struct xenbus_backend *be)
{
    unsigned n = 0;

    for (unsigned i = 0; i < be->max; i++)
        n += xenbus_backend_dev_of(be, xenbus_backend_entry(be, i))->used;
    return n;
}

long xenbus_backend_events(struct xenbus *xb, uint64_t slice_ns)
{
    struct xenbus_event ev;
    long n = 0;

    while (xb->ev_count > 0 || bytering_used(&xb->rsp) > 0) {
        long r = xenbus_wait_event(xb, &ev, runtime_time_ns() + slice_ns);
        if (r == -XEN_EIO)
            return r;
        if (r)
            break;
        n++;
    }
    return n;
}

bool xenbus_backend_idle_for(struct xenbus_backend_idle *s, bool busy, uint64_t now_ns, uint64_t grace_ns)
{
    if (busy) {
        s->served = true;
        s->idle_since = 0;
        return false;
    }
    if (!s->served)
        return false;
    if (!s->idle_since)
        s->idle_since = now_ns;
    return now_ns - s->idle_since >= grace_ns;
}
