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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdrv.h"
#include "idl/gnttab.h"
#include "idl/xenbus.h"
#include "idl/xen_errno.h"
#include "mosaic/gnttab.h"
#include "mosaic/xenbus_backend.h"

#define VBDS_MAX 64u

struct vbd {
    struct xenbus_backend_dev dev;
    const struct volume *vol;
    bool writable;
    /* The connection, while state is XenbusStateConnected. */
    struct blkback_conn *conn;
    void *ring;
    grant_handle_t handle;
    evtchn_port_t port;
};

static struct xenbus *xb;
static uint16_t self;
static struct xenbus_backend table; /* over vbds */
static struct vbd vbds[VBDS_MAX];
/* Connections closed while the disk still held steps of theirs: freed
 * once idle (their buffers must outlive the device's DMA). */
static struct blkback_conn *zombies[VBDS_MAX];

static long read_str(const char *dir, const char *node, char *buf, size_t cap)
{
    return xenbus_node_read(xb, dir, node, buf, cap);
}

static long read_uint(const char *dir, const char *node, unsigned long long *v)
{
    return xenbus_node_read_uint(xb, dir, node, v);
}

static long write_str(uint32_t tx, const char *dir, const char *node, const char *value)
{
    return xenbus_node_write(xb, tx, dir, node, value);
}

static long write_uint(uint32_t tx, const char *dir, const char *node, unsigned long long v)
{
    return xenbus_node_write_uint(xb, tx, dir, node, v);
}

static void set_state(struct vbd *v, unsigned state)
{
    xenbus_backend_set_state(xb, &v->dev, state);
}

/* A defect the front end or the toolstack must fix: Closed, the reason
 * in hotplug-error and in the error node, one log line. */
static void fail(struct vbd *v, const char *why)
{
    printf("blkdrv: vbd d%u/%u: %s\n", v->dev.fe_domid, v->dev.devid, why);
    xenbus_backend_fail(xb, &v->dev, self, "vbd", why);
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
    printf("blkdrv: vbd d%u/%u: disconnected\n", v->dev.fe_domid, v->dev.devid);
}

/* Another vbd using an overlapping part of the same disk, one of them for writing. */
static const struct vbd *conflict(const struct vbd *v)
{
    for (unsigned i = 0; i < VBDS_MAX; i++) {
        const struct vbd *o = &vbds[i];
        if (!o->dev.used || o == v || !o->vol || o->dev.failed || o->vol->disk != v->vol->disk ||
            !(o->writable || v->writable))
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
        r = write_uint(tx, v->dev.be, "feature-flush-cache", v->vol->geometry.can_flush && v->writable);
        r = r ? r : write_uint(tx, v->dev.be, "feature-persistent", 0); /* we copy */
        r = r ? r : write_uint(tx, v->dev.be, "feature-discard", 0);
        r = r ? r : write_uint(tx, v->dev.be, "feature-max-indirect-segments", MAX_INDIRECT);
        r = r ? r : write_uint(tx, v->dev.be, "max-ring-page-order", 0);
        r = r ? r : write_uint(tx, v->dev.be, "multi-queue-max-queues", 1);
        r = r ? r : write_uint(tx, v->dev.be, "sectors", v->vol->geometry.nr_sectors);
        r = r ? r : write_uint(tx, v->dev.be, "sector-size", 512);
        r = r ? r : write_uint(tx, v->dev.be, "physical-sector-size", d->physical);
        r = r ? r : write_uint(tx, v->dev.be, "info", v->writable ? 0 : VDISK_READONLY);
        r = r ? r : write_str(tx, v->dev.be, "hotplug-status", "connected");
        r = r ? r : write_uint(tx, v->dev.be, "state", XenbusStateInitWait);
        if (r) {
            (void)xenbus_transaction_end(xb, tx, false);
            break;
        }
        r = xenbus_transaction_end(xb, tx, true);
    } while (r == -XEN_EAGAIN);
    if (r) {
        printf("blkdrv: vbd d%u/%u: cannot write its nodes (%ld)\n", v->dev.fe_domid, v->dev.devid, r);
        return;
    }
    v->dev.state = XenbusStateInitWait;
    printf("blkdrv: vbd d%u/%u: %s (%s) for %s, %llu sectors\n", v->dev.fe_domid, v->dev.devid, v->vol->name,
           v->writable ? "w" : "r", v->dev.fe, (unsigned long long)v->vol->geometry.nr_sectors);
}

/* A new entry (or one a front end restarts): its volume, its mode. */
static void probe(struct vbd *v)
{
    char params[VOLUME_NAME + 1], mode[8], why[96];
    const struct vbd *other;
    long r;

    v->dev.failed = v->dev.broken = false;
    if ((r = read_str(v->dev.be, "params", params, sizeof(params))) < 0 || (size_t)r >= sizeof(params) ||
        !(v->vol = disks_find(params))) {
        snprintf(why, sizeof(why), "no disk named '%s' here (params)", r < 0 ? "" : params);
        fail(v, why);
        return;
    }
    if (read_str(v->dev.be, "mode", mode, sizeof(mode)) < 0 || (strcmp(mode, "r") && strcmp(mode, "w"))) {
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
                 other->dev.fe_domid, other->dev.devid);
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

    if (read_uint(v->dev.fe, "ring-page-order", &order) == 0 && order != 0) {
        fail(v, "front end asks for a multi-page ring (ring-page-order > 0); we offer one page");
        return -1;
    }
    if (read_uint(v->dev.fe, "multi-queue-num-queues", &queues) == 0 && queues != 1) {
        fail(v, "front end asks for several queues; we offer one");
        return -1;
    }
    if ((read_uint(v->dev.fe, "ring-ref", &ref) != 0 && read_uint(v->dev.fe, "ring-ref0", &ref) != 0) ||
        ref > 0xffffffffu || read_uint(v->dev.fe, "event-channel", &port) != 0 || port == 0 ||
        port >= EVTCHN_PORTS_2L) {
        fail(v, "front end's ring-ref or event-channel missing or invalid");
        return -1;
    }
    r = read_str(v->dev.fe, "protocol", protocol, sizeof(protocol));
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
    if ((st = gnttab_map(v->dev.fe_domid, (grant_ref_t)ref, false, &v->ring, &v->handle)) != GNTST_okay) {
        char why[96];
        snprintf(why, sizeof(why), "cannot map the ring (grant %llu: status %d)", ref, st);
        free(v->conn);
        v->conn = NULL;
        fail(v, why);
        return -1;
    }
    if ((r = evtchn_bind_interdomain(v->dev.fe_domid, (evtchn_port_t)port, &v->port)) != 0) {
        char why[96];
        snprintf(why, sizeof(why), "cannot bind the event channel (port %llu: %ld)", port, r);
        (void)gnttab_unmap(v->ring, v->handle);
        free(v->conn);
        v->conn = NULL;
        fail(v, why);
        return -1;
    }
    snprintf(name, sizeof(name), "vbd d%u/%u", v->dev.fe_domid, v->dev.devid);
    geometry.read_only = !v->writable;
    geometry.can_flush = geometry.can_flush && v->writable;
    blkback_conn_init(v->conn, &io_env, NULL, v->vol->disk, &geometry, v->dev.fe_domid, MAX_INDIRECT, v->ring, name);
    evtchn_set_handler(v->port, on_ring_event, v);
    if (v->dev.state != XenbusStateConnected)
        set_state(v, XenbusStateConnected);
    /* One event whatever the ring says: an instance before us may have
     * published responses and died before telling. */
    (void)evtchn_send(v->port);
    printf("blkdrv: vbd d%u/%u: connected (ring %llu, port %llu)\n", v->dev.fe_domid, v->dev.devid, ref, port);
    return 0;
}

static void op_probe(void *dev)
{
    probe(dev);
}

static void op_connect(void *dev)
{
    (void)connect(dev);
}

static void op_disconnect(void *dev)
{
    disconnect(dev);
}

static bool op_connected(void *dev)
{
    return ((struct vbd *)dev)->conn != NULL;
}

static void op_removed(void *dev, const char *why)
{
    struct vbd *v = dev;

    printf("blkdrv: vbd d%u/%u: %s\n", v->dev.fe_domid, v->dev.devid, why);
}

/* What an instance before us advertised: its volume, if still there. */
static bool op_adopt(void *dev)
{
    struct vbd *v = dev;
    char params[VOLUME_NAME + 1], mode[8];

    if (read_str(v->dev.be, "params", params, sizeof(params)) < 0 ||
        read_str(v->dev.be, "mode", mode, sizeof(mode)) < 0 || !(v->vol = disks_find(params)))
        return false;
    v->writable = mode[0] == 'w' && !v->vol->geometry.read_only;
    return true;
}

static const struct xenbus_backend_ops vbd_ops = {
    .adopt = op_adopt,
    .probe = op_probe,
    .connect = op_connect,
    .disconnect = op_disconnect,
    .connected = op_connected,
    .removed = op_removed,
};

void vbd_scan(void)
{
    xenbus_backend_sync(&table);
}

int vbd_init(struct xenbus *bus, uint16_t own_id)
{
    xb = bus;
    self = own_id;
    return (int)xenbus_backend_init(&table, xb, self, "blkdrv", "vbd", &vbd_ops, vbds, sizeof(vbds[0]),
                                    offsetof(struct vbd, dev), VBDS_MAX);
}

bool vbd_poll(void)
{
    bool moved = false;

    for (unsigned i = 0; i < VBDS_MAX; i++) {
        struct vbd *v = &vbds[i];
        if (!v->dev.used || !v->conn)
            continue;
        uint32_t before = v->conn->ring.req_cons + v->conn->ring.rsp_pushed;
        int r = blkback_conn_poll(v->conn);
        if (r == IDL_RING_BROKEN) {
            disconnect(v);
            v->dev.broken = true;
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
        if ((vbds[i].dev.used && vbds[i].conn && !blkback_conn_idle(vbds[i].conn)) || zombies[i])
            return true;
    return false;
}

unsigned vbd_count(void)
{
    return xenbus_backend_count(&table);
}
