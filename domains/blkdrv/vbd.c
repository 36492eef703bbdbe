/* SPDX-License-Identifier: MIT */
/*
 * Virtual block devices: the XenStore handshake of Xen's blkback with
 * Linux's xen-blkfront (Xen's public/io/blkif.h), one entry per
 * backend/vbd/<frontend id>/<devid> directory the toolstack writes under
 * our home, and the connection to each front end's ring.
 *
 *   toolstack: frontend, frontend-id, params (vdb, vdb2), mode (r, w),
 *              dev, type, online, state = 1
 *   we:        feature-*, max-ring-page-order, multi-queue-max-queues,
 *              sectors, sector-size, physical-sector-size, info,
 *              hotplug-status, state = 2 (InitWait)
 *   front end: ring-ref, event-channel, protocol, state = 3 (Initialised)
 *   we:        map, bind, state = 4 (Connected)
 *   front end: state 5 or 6: we unmap, unbind, state = 6 (Closed)
 *   front end's directory gone: our entry is removed (as xl devd does).
 * A bad params, mode or ring: state 6 with hotplug-error and the error
 * node (as xenbus_dev_fatal writes it), and one log line.
 *
 * Restart: nothing here is only in memory. A new instance (same domain
 * id, DESIGN.md) finds every vbd again by listing backend/vbd; an entry
 * whose state is already 4 with a front end in 3 or 4 is connected again
 * from the front end's ring-ref and event-channel, and the engine takes
 * the ring up at its shared rsp_prod (blkback_conn_init): the requests
 * the dead instance had not answered are done again. Our state 2 entries
 * are simply waited on again. The volumes come from the disks, the
 * features are constants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdrv.h"
#include "idl/gnttab.h"
#include "idl/xenbus.h"
#include "idl/xen_errno.h"
#include "mosaic/gnttab.h"

#define VBDS_MAX 64u
#define PATH     128u
#define WATCH_FE "fe"
#define WATCH_BE "be"

struct vbd {
    bool used;
    bool seen; /* in the last scan's listing */
    uint16_t fe_domid;
    uint32_t devid;
    char be[PATH];  /* our directory */
    char fe[PATH];  /* the front end's, from our "frontend" node */
    bool watching;  /* the front end's state */
    unsigned state; /* XenbusState we last wrote */
    bool failed;    /* closed for a reason the front end cannot fix by reconnecting */
    bool broken;    /* its ring broke: closed until the front end starts again */
    const struct volume *vol;
    bool writable;
    /* The connection, while state is XenbusStateConnected. */
    struct blkback_conn *conn;
    void *ring;
    grant_handle_t handle;
    evtchn_port_t port;
    bool fe_seen; /* its state was read once: a missing front end is then a gone one */
};

static struct xenbus *xb;
static uint16_t self;
static char be_root[64]; /* /local/domain/<self>/backend/vbd */
static struct vbd vbds[VBDS_MAX];
/* Connections closed while the disk still held steps of theirs: freed
 * once idle (their buffers must outlive the device's DMA). */
static struct blkback_conn *zombies[VBDS_MAX];

static long read_str(const char *dir, const char *node, char *buf, size_t cap)
{
    char path[PATH + 48];

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    return xenbus_read(xb, 0, path, buf, cap);
}

/* A node's unsigned value: 0 and *v, -XEN_ENOENT, or -XEN_EINVAL (not a number). */
static long read_uint(const char *dir, const char *node, unsigned long long *v)
{
    char buf[32], *end;
    long r = read_str(dir, node, buf, sizeof(buf));

    if (r < 0)
        return r;
    if (!buf[0] || (size_t)r >= sizeof(buf))
        return -XEN_EINVAL;
    *v = strtoull(buf, &end, 10);
    return *end ? -XEN_EINVAL : 0;
}

static long write_str(uint32_t tx, const char *dir, const char *node, const char *value)
{
    char path[PATH + 48];

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    return xenbus_write(xb, tx, path, value);
}

static long write_uint(uint32_t tx, const char *dir, const char *node, unsigned long long v)
{
    char value[24];

    snprintf(value, sizeof(value), "%llu", v);
    return write_str(tx, dir, node, value);
}

static void set_state(struct vbd *v, unsigned state)
{
    if (write_uint(0, v->be, "state", (unsigned long long)state) == 0)
        v->state = state;
}

/* A defect the front end or the toolstack must fix: Closed, the reason
 * in hotplug-error and in error/<our path>/error, one log line. */
static void fail(struct vbd *v, const char *why)
{
    char dir[PATH];

    printf("blkdrv: vbd d%u/%u: %s\n", v->fe_domid, v->devid, why);
    (void)write_str(0, v->be, "hotplug-error", why);
    (void)write_str(0, v->be, "hotplug-status", "error");
    snprintf(dir, sizeof(dir), "/local/domain/%u/error/backend/vbd/%u/%u", self, v->fe_domid, v->devid);
    (void)write_str(0, dir, "error", why);
    v->failed = true;
    set_state(v, XenbusStateClosed);
}

/* The loop polls every ring after each wake-up: the event only wakes it. */
static void on_ring_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
}

static void bury(struct blkback_conn *c)
{
    if (blkback_conn_idle(c)) {
        blkback_conn_release(c);
        free(c);
        return;
    }
    for (unsigned i = 0; i < VBDS_MAX; i++)
        if (!zombies[i]) {
            zombies[i] = c;
            return;
        }
    /* No room to wait for it: keep it forever rather than free buffers the device may still write. */
    printf("blkdrv: a closed connection's buffers stay allocated (too many closing at once)\n");
}

/* Unmap and unbind; the engine never touches the ring again. */
static void disconnect(struct vbd *v)
{
    if (!v->conn)
        return;
    blkback_conn_stop(v->conn);
    evtchn_set_handler(v->port, NULL, NULL);
    (void)evtchn_close(v->port);
    (void)gnttab_unmap(v->ring, v->handle);
    bury(v->conn);
    v->conn = NULL;
    v->ring = NULL;
    printf("blkdrv: vbd d%u/%u: disconnected\n", v->fe_domid, v->devid);
}

/* Another vbd using an overlapping part of the same disk, one of them for writing. */
static const struct vbd *conflict(const struct vbd *v)
{
    for (unsigned i = 0; i < VBDS_MAX; i++) {
        const struct vbd *o = &vbds[i];
        if (!o->used || o == v || !o->vol || o->failed || o->vol->disk != v->vol->disk || !(o->writable || v->writable))
            continue;
        const struct blkreq_disk *a = &o->vol->geometry, *b = &v->vol->geometry;
        if (a->first_sector < b->first_sector + b->nr_sectors && b->first_sector < a->first_sector + a->nr_sectors)
            return o;
    }
    return NULL;
}

/* The disk's facts and our features, then InitWait, in one transaction. */
static void advertise(struct vbd *v)
{
    const struct disk *d = v->vol->disk;
    uint32_t tx;
    long r;

    do {
        if ((r = xenbus_transaction_start(xb, &tx)) != 0)
            break;
        r = write_uint(tx, v->be, "feature-flush-cache", v->vol->geometry.can_flush && v->writable);
        r = r ? r : write_uint(tx, v->be, "feature-persistent", 0); /* we copy */
        r = r ? r : write_uint(tx, v->be, "feature-discard", 0);
        r = r ? r : write_uint(tx, v->be, "feature-max-indirect-segments", MAX_INDIRECT);
        r = r ? r : write_uint(tx, v->be, "max-ring-page-order", 0);
        r = r ? r : write_uint(tx, v->be, "multi-queue-max-queues", 1);
        r = r ? r : write_uint(tx, v->be, "sectors", v->vol->geometry.nr_sectors);
        r = r ? r : write_uint(tx, v->be, "sector-size", 512);
        r = r ? r : write_uint(tx, v->be, "physical-sector-size", d->physical);
        r = r ? r : write_uint(tx, v->be, "info", v->writable ? 0 : VDISK_READONLY);
        r = r ? r : write_str(tx, v->be, "hotplug-status", "connected");
        r = r ? r : write_uint(tx, v->be, "state", XenbusStateInitWait);
        if (r) {
            (void)xenbus_transaction_end(xb, tx, false);
            break;
        }
        r = xenbus_transaction_end(xb, tx, true);
    } while (r == -XEN_EAGAIN);
    if (r) {
        printf("blkdrv: vbd d%u/%u: cannot write its nodes (%ld)\n", v->fe_domid, v->devid, r);
        return;
    }
    v->state = XenbusStateInitWait;
    printf("blkdrv: vbd d%u/%u: %s (%s) for %s, %llu sectors\n", v->fe_domid, v->devid, v->vol->name,
           v->writable ? "w" : "r", v->fe, (unsigned long long)v->vol->geometry.nr_sectors);
}

/* A new entry (or one a front end restarts): its volume, its mode. */
static void probe(struct vbd *v)
{
    char params[VOLUME_NAME + 1], mode[8], why[96];
    const struct vbd *other;
    long r;

    v->failed = v->broken = false;
    if ((r = read_str(v->be, "params", params, sizeof(params))) < 0 || (size_t)r >= sizeof(params) ||
        !(v->vol = disks_find(params))) {
        snprintf(why, sizeof(why), "no disk named '%s' here (params)", r < 0 ? "" : params);
        fail(v, why);
        return;
    }
    if (read_str(v->be, "mode", mode, sizeof(mode)) < 0 || (strcmp(mode, "r") && strcmp(mode, "w"))) {
        fail(v, "mode is neither r nor w");
        return;
    }
    v->writable = mode[0] == 'w';
    if (v->writable && v->vol->geometry.read_only) {
        snprintf(why, sizeof(why), "%s is read-only: mode w refused", v->vol->name);
        fail(v, why);
        return;
    }
    if ((other = conflict(v))) {
        snprintf(why, sizeof(why), "%s overlaps what d%u/%u uses, and one of them writes", v->vol->name,
                 other->fe_domid, other->devid);
        fail(v, why);
        return;
    }
    advertise(v);
}

/* The front end's ring: one page (we offer max-ring-page-order 0), one
 * queue, the x86_64 layout. 0, or fail()ed. */
static int connect(struct vbd *v)
{
    unsigned long long ref, port, order = 0, queues = 1;
    char protocol[32] = "x86_64-abi";
    struct blkreq_disk geometry = v->vol->geometry;
    char name[BLKBACK_NAME];
    long r;
    int st;

    if (read_uint(v->fe, "ring-page-order", &order) == 0 && order != 0) {
        fail(v, "front end asks for a multi-page ring (ring-page-order > 0); we offer one page");
        return -1;
    }
    if (read_uint(v->fe, "multi-queue-num-queues", &queues) == 0 && queues != 1) {
        fail(v, "front end asks for several queues; we offer one");
        return -1;
    }
    if ((read_uint(v->fe, "ring-ref", &ref) != 0 && read_uint(v->fe, "ring-ref0", &ref) != 0) || ref > 0xffffffffu ||
        read_uint(v->fe, "event-channel", &port) != 0 || port == 0 || port >= EVTCHN_PORTS_2L) {
        fail(v, "front end's ring-ref or event-channel missing or invalid");
        return -1;
    }
    r = read_str(v->fe, "protocol", protocol, sizeof(protocol));
    if (r >= 0 && strcmp(protocol, "x86_64-abi") != 0) {
        char why[96];
        snprintf(why, sizeof(why), "protocol '%.32s' not served (x86_64-abi only)", protocol);
        fail(v, why);
        return -1;
    }
    if (!(v->conn = malloc(sizeof(*v->conn)))) {
        fail(v, "no memory for the connection");
        return -1;
    }
    if ((st = gnttab_map(v->fe_domid, (grant_ref_t)ref, false, &v->ring, &v->handle)) != GNTST_okay) {
        char why[96];
        snprintf(why, sizeof(why), "cannot map the ring (grant %llu: status %d)", ref, st);
        free(v->conn);
        v->conn = NULL;
        fail(v, why);
        return -1;
    }
    if ((r = evtchn_bind_interdomain(v->fe_domid, (evtchn_port_t)port, &v->port)) != 0) {
        char why[96];
        snprintf(why, sizeof(why), "cannot bind the event channel (port %llu: %ld)", port, r);
        (void)gnttab_unmap(v->ring, v->handle);
        free(v->conn);
        v->conn = NULL;
        fail(v, why);
        return -1;
    }
    snprintf(name, sizeof(name), "vbd d%u/%u", v->fe_domid, v->devid);
    geometry.read_only = !v->writable;
    geometry.can_flush = geometry.can_flush && v->writable;
    blkback_conn_init(v->conn, &io_env, NULL, v->vol->disk, &geometry, v->fe_domid, MAX_INDIRECT, v->ring, name);
    evtchn_set_handler(v->port, on_ring_event, v);
    if (v->state != XenbusStateConnected)
        set_state(v, XenbusStateConnected);
    /* One event whatever the ring says: an instance before us may have
     * published responses and died before telling. */
    (void)evtchn_send(v->port);
    printf("blkdrv: vbd d%u/%u: connected (ring %llu, port %llu)\n", v->fe_domid, v->devid, ref, port);
    return 0;
}

static void forget(struct vbd *v)
{
    char path[PATH + 8];

    disconnect(v);
    if (v->watching)
        (void)xenbus_unwatch(xb, strcat(strcpy(path, v->fe), "/state"), WATCH_FE);
    memset(v, 0, sizeof(*v));
}

/* The front end's directory is gone: our entry goes too (xl devd's part in a driver domain). */
static void remove_entry(struct vbd *v)
{
    char dir[PATH], list[8];
    uint16_t fe = v->fe_domid;

    printf("blkdrv: vbd d%u/%u: front end gone: entry removed\n", v->fe_domid, v->devid);
    snprintf(dir, sizeof(dir), "%s", v->be);
    forget(v);
    (void)xenbus_rm(xb, 0, dir);
    snprintf(dir, sizeof(dir), "%s/%u", be_root, fe);
    if (xenbus_directory(xb, 0, dir, list, sizeof(list)) == 0)
        (void)xenbus_rm(xb, 0, dir);
}

/* Bring one vbd in line with its front end's state. */
static void update(struct vbd *v)
{
    unsigned long long fe_state = XenbusStateUnknown, online = 1;
    char path[PATH + 8];
    long r;

    if (!v->fe[0]) {
        unsigned long long id;
        if (read_str(v->be, "frontend", v->fe, sizeof(v->fe)) < 0 || read_uint(v->be, "frontend-id", &id) != 0 ||
            id != v->fe_domid) {
            v->fe[0] = '\0';
            return; /* the toolstack is still writing: its next write wakes us */
        }
    }
    if (!v->watching && xenbus_watch(xb, strcat(strcpy(path, v->fe), "/state"), WATCH_FE) == 0)
        v->watching = true;
    r = read_uint(v->fe, "state", &fe_state);
    if (r == -XEN_ENOENT && v->fe_seen) {
        remove_entry(v);
        return;
    }
    if (r)
        return; /* not there yet, or unreadable: the next event tells */
    v->fe_seen = true;
    (void)read_uint(v->be, "online", &online);
    switch (fe_state) {
    case XenbusStateInitialising:
    case XenbusStateInitWait:
        /* New, or a front end starting again after a close; an entry we
         * failed stays failed (probing it again would only fail again,
         * and our own writes would wake us for ever). */
        if (!v->failed &&
            (v->state == XenbusStateUnknown || v->state == XenbusStateInitialising || v->state == XenbusStateClosed))
            probe(v);
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (v->failed || v->broken || v->conn)
            break;
        if (v->state == XenbusStateUnknown || v->state == XenbusStateInitialising)
            probe(v); /* it was quicker than us (or we restarted before advertising) */
        if (!v->failed && (v->state == XenbusStateInitWait || v->state == XenbusStateConnected))
            (void)connect(v);
        break;
    case XenbusStateClosing:
    case XenbusStateClosed:
        disconnect(v);
        if (v->state != XenbusStateClosed)
            set_state(v, XenbusStateClosed);
        if (fe_state == XenbusStateClosed && online == 0)
            remove_entry(v);
        break;
    default: break;
    }
}

static struct vbd *find_or_add(uint16_t fe, uint32_t devid)
{
    struct vbd *free_slot = NULL;
    unsigned long long state;

    for (unsigned i = 0; i < VBDS_MAX; i++) {
        if (vbds[i].used && vbds[i].fe_domid == fe && vbds[i].devid == devid)
            return &vbds[i];
        if (!vbds[i].used && !free_slot)
            free_slot = &vbds[i];
    }
    if (!free_slot)
        return NULL;
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->used = true;
    free_slot->fe_domid = fe;
    free_slot->devid = devid;
    snprintf(free_slot->be, sizeof(free_slot->be), "%s/%u/%u", be_root, fe, devid);
    /* What an instance before us left: state 2 or 4 means it advertised. */
    if (read_uint(free_slot->be, "state", &state) == 0 &&
        (state == XenbusStateInitWait || state == XenbusStateConnected)) {
        char params[VOLUME_NAME + 1], mode[8];
        if (read_str(free_slot->be, "params", params, sizeof(params)) >= 0 &&
            read_str(free_slot->be, "mode", mode, sizeof(mode)) >= 0 && (free_slot->vol = disks_find(params))) {
            free_slot->state = (unsigned)state;
            free_slot->writable = mode[0] == 'w' && !free_slot->vol->geometry.read_only;
        }
    }
    return free_slot;
}

/* A directory's children as numbers below limit; calls fn for each. */
static void each_child(const char *dir, unsigned long limit, void (*fn)(unsigned long id, void *arg), void *arg)
{
    char list[1024]; /* on the stack: each_child nests (front ends, then their devices) */
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

static void scan_device(unsigned long devid, void *arg)
{
    struct vbd *v = find_or_add((uint16_t)(uintptr_t)arg, (uint32_t)devid);

    if (v)
        v->seen = true;
    else
        printf("blkdrv: more than %u vbds: d%u/%lu not served\n", VBDS_MAX, (unsigned)(uintptr_t)arg, devid);
}

static void scan_frontend(unsigned long fe, void *arg)
{
    char dir[96];

    (void)arg;
    snprintf(dir, sizeof(dir), "%s/%lu", be_root, fe);
    each_child(dir, 0xffffffffUL, scan_device, (void *)(uintptr_t)fe);
}

void vbd_scan(void)
{
    for (unsigned i = 0; i < VBDS_MAX; i++)
        vbds[i].seen = false;
    each_child(be_root, DOMID_FIRST_RESERVED, scan_frontend, NULL);
    for (unsigned i = 0; i < VBDS_MAX; i++) {
        struct vbd *v = &vbds[i];
        if (!v->used)
            continue;
        if (!v->seen) { /* the toolstack removed our entry */
            printf("blkdrv: vbd d%u/%u: entry removed by the toolstack\n", v->fe_domid, v->devid);
            forget(v);
            continue;
        }
        update(v);
    }
}

int vbd_init(struct xenbus *bus, uint16_t own_id)
{
    xb = bus;
    self = own_id;
    snprintf(be_root, sizeof(be_root), "/local/domain/%u/backend/vbd", self);
    /* A front end's death is seen by its state node's watch too; this one
     * needs the toolstack's leave (watch_release), so it may be refused. */
    (void)xenbus_watch(xb, "@releaseDomain", WATCH_BE);
    return (int)xenbus_watch(xb, be_root, WATCH_BE);
}

bool vbd_poll(void)
{
    bool moved = false;

    for (unsigned i = 0; i < VBDS_MAX; i++) {
        struct vbd *v = &vbds[i];
        if (!v->used || !v->conn)
            continue;
        uint32_t before = v->conn->ring.req_cons + v->conn->ring.rsp_pushed;
        int r = blkback_conn_poll(v->conn);
        if (r == IDL_RING_BROKEN) {
            disconnect(v);
            v->broken = true;
            set_state(v, XenbusStateClosed);
            moved = true;
            continue;
        }
        if (r == 1)
            (void)evtchn_send(v->port);
        if (v->conn->ring.req_cons + v->conn->ring.rsp_pushed != before)
            moved = true;
    }
    for (unsigned i = 0; i < VBDS_MAX; i++)
        if (zombies[i] && blkback_conn_idle(zombies[i])) {
            blkback_conn_release(zombies[i]);
            free(zombies[i]);
            zombies[i] = NULL;
        }
    return moved;
}

bool vbd_busy(void)
{
    for (unsigned i = 0; i < VBDS_MAX; i++)
        if ((vbds[i].used && vbds[i].conn && !blkback_conn_idle(vbds[i].conn)) || zombies[i])
            return true;
    return false;
}

unsigned vbd_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < VBDS_MAX; i++)
        n += vbds[i].used;
    return n;
}
