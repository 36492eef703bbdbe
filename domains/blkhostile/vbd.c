/* SPDX-License-Identifier: MIT */
/*
 * The front end's side of a vbd: the XenStore handshake as Linux's
 * xen-blkfront does it (one ring page, x86_64 protocol), one request at a
 * time over the ring, and the deliberate break. Everything read from the
 * back end's directory or the ring is checked before use; nothing here
 * judges a case (cases.c does).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkhostile.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_frontend.h"

#define POLL_NS      (10 * 1000000ull)
#define TXN_ATTEMPTS 10

static char value[256];

bool blkh_read_u64(const char *path, uint64_t *out)
{
    char *end;
    long r = xenbus_read(blkh_xenbus(), 0, path, value, sizeof(value));

    if (r <= 0 || (size_t)r >= sizeof(value) || value[0] < '0' || value[0] > '9')
        return false;
    *out = strtoull(value, &end, 10);
    return *end == '\0';
}

static bool read_u64_at(const char *dir, const char *key, uint64_t *out)
{
    char path[BLKH_PATH_MAX + 48];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return blkh_read_u64(path, out);
}

uint32_t blkh_vbd_backend_state(const struct blkh_vbd *v)
{
    return xenbus_frontend_peer_state(blkh_xenbus(), v->back);
}

static bool wait_backend_state(const struct blkh_vbd *v, uint32_t want, uint64_t timeout_ns)
{
    return xenbus_frontend_wait_state(blkh_xenbus(), "blkhostile", v->back, want, timeout_ns);
}

/* Reads one vbd's front-end directory: the back end's path and domain. */
static bool vbd_read_front(struct blkh_vbd *v, const char *name)
{
    char path[BLKH_PATH_MAX + 16];
    uint64_t id;
    long r;

    memset(v, 0, sizeof(*v));
    snprintf(v->front, sizeof(v->front), "device/vbd/%s", name);
    v->devid = (uint32_t)strtoul(name, NULL, 10);
    snprintf(path, sizeof(path), "%s/backend", v->front);
    r = xenbus_read(blkh_xenbus(), 0, path, v->back, sizeof(v->back));
    if (r <= 0 || (size_t)r >= sizeof(v->back) || v->back[0] != '/')
        return false;
    if (!read_u64_at(v->front, "backend-id", &id) || id >= DOMID_FIRST_RESERVED)
        return false;
    v->backend_id = (uint16_t)id;
    return true;
}

unsigned blkh_vbd_find(struct blkh_vbd *v, unsigned max, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    char list[512];
    long len;

    for (;;) {
        unsigned n = 0;
        len = xenbus_directory(blkh_xenbus(), 0, "device/vbd", list, sizeof(list));
        for (long i = 0; len > 0 && (size_t)len <= sizeof(list) && i < len && n < max; i += (long)strlen(list + i) + 1)
            n += vbd_read_front(&v[n], list + i);
        if (n > 0 || runtime_time_ns() >= end)
            return n;
        thread_sleep_ns(POLL_NS);
    }
}

static void on_ring_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
}

/* The ring's nodes and state Initialised in one transaction, as blkfront
 * writes them. */
static long publish_ring(const struct blkh_vbd *v)
{
    struct xenbus *xb = blkh_xenbus();
    char path[BLKH_PATH_MAX + 32], num[16];
    long r = -XEN_EAGAIN;

    for (unsigned attempt = 0; attempt < TXN_ATTEMPTS && r == -XEN_EAGAIN; attempt++) {
        const char *const kv[][2] = {
            { "ring-ref", NULL }, { "event-channel", NULL }, { "protocol", "x86_64-abi" }, { "state", NULL }
        };
        uint32_t tx;
        if ((r = xenbus_transaction_start(xb, &tx)) != 0)
            return r;
        for (unsigned i = 0; i < sizeof(kv) / sizeof(kv[0]) && r == 0; i++) {
            snprintf(path, sizeof(path), "%s/%s", v->front, kv[i][0]);
            if (i == 0)
                snprintf(num, sizeof(num), "%u", v->ring_ref);
            else if (i == 1)
                snprintf(num, sizeof(num), "%u", v->port);
            else if (i == 3)
                snprintf(num, sizeof(num), "%u", XenbusStateInitialised);
            r = xenbus_write(xb, tx, path, kv[i][1] ? kv[i][1] : num);
        }
        long end = xenbus_transaction_end(xb, tx, r == 0);
        if (r == 0)
            r = end;
    }
    return r;
}

static long write_state(const struct blkh_vbd *v, uint32_t state)
{
    char path[BLKH_PATH_MAX + 8], num[12];

    snprintf(path, sizeof(path), "%s/state", v->front);
    snprintf(num, sizeof(num), "%u", state);
    return xenbus_write(blkh_xenbus(), 0, path, num);
}

/* The disk's facts, as the back end published them before Connected. */
static bool read_disk_facts(struct blkh_vbd *v)
{
    uint64_t sectors, ssize, info = 0, ind = 0;
    char path[BLKH_PATH_MAX + 8];

    if (!read_u64_at(v->back, "sectors", &sectors) || !read_u64_at(v->back, "sector-size", &ssize) || ssize < 512 ||
        ssize > 4096)
        return false;
    (void)read_u64_at(v->back, "info", &info);
    (void)read_u64_at(v->back, "feature-max-indirect-segments", &ind);
    v->sectors = sectors;
    v->sector_size = (uint32_t)ssize;
    v->info = (uint32_t)info;
    v->max_indirect_segs = ind > 0xffff ? 0xffff : (uint32_t)ind;
    snprintf(path, sizeof(path), "%s/mode", v->back);
    v->read_only =
        (info & VDISK_READONLY) || (xenbus_read(blkh_xenbus(), 0, path, value, sizeof(value)) > 0 && value[0] == 'r');
    return true;
}

long blkh_vbd_connect(struct blkh_vbd *v)
{
    long r;

    if (!wait_backend_state(v, XenbusStateInitWait, BLKH_CONNECT_NS))
        return -XEN_ETIMEDOUT;
    v->sring = memalign(4096, 4096);
    if (!v->sring)
        return -XEN_ENOMEM;
    blkif_front_init(&v->ring, v->sring);
    if ((r = gnttab_grant_access(v->backend_id, v->sring, false, &v->ring_ref)) != 0 ||
        (r = evtchn_alloc_unbound(v->backend_id, &v->port)) != 0) {
        printf("blkhostile: %s: ring grant or port refused: %ld\n", v->front, r);
        return r;
    }
    evtchn_set_handler(v->port, on_ring_event, NULL);
    if ((r = publish_ring(v)) != 0) {
        printf("blkhostile: %s: publishing the ring failed: %ld\n", v->front, r);
        return r;
    }
    if (!wait_backend_state(v, XenbusStateConnected, BLKH_CONNECT_NS))
        return -XEN_ETIMEDOUT;
    if (!read_disk_facts(v)) {
        printf("blkhostile: %s: no sectors or sector-size at Connected\n", v->back);
        return -XEN_EINVAL;
    }
    if ((r = write_state(v, XenbusStateConnected)) != 0)
        return r;
    v->connected = true;
    printf("blkhostile: vbd %u connected to d%u: %llu sectors of %u bytes, info %#x, %s, indirect segments %u, "
           "ring ref %u, port %u\n",
           v->devid, v->backend_id, (unsigned long long)v->sectors, v->sector_size, v->info,
           v->read_only ? "read-only" : "writable", v->max_indirect_segs, v->ring_ref, v->port);
    return 0;
}

struct blkif_request *blkh_vbd_slot(struct blkh_vbd *v)
{
    struct blkif_request *q = blkif_front_req_slot(&v->ring);

    if (q)
        memset(q, 0, sizeof(*q));
    return q;
}

void blkh_vbd_push(struct blkh_vbd *v)
{
    if (blkif_front_push_requests(&v->ring))
        (void)evtchn_send(v->port);
}

struct rsp_wait {
    struct blkh_vbd *v;
    struct blkif_response *rsp;
};

static int rsp_check(void *arg)
{
    struct rsp_wait *w = arg;
    int r;

    while ((r = blkif_front_get_response(&w->v->ring, w->rsp)) == 0)
        if ((r = blkif_front_final_check(&w->v->ring)) <= 0)
            return r;
    return r;
}

int blkh_vbd_wait_response(struct blkh_vbd *v, struct blkif_response *rsp, uint64_t timeout_ns)
{
    struct rsp_wait w = { v, rsp };

    return xenbus_frontend_wait(rsp_check, &w, timeout_ns);
}

static int rsp_pending(void *arg)
{
    struct blkh_vbd *v = arg;

    return blkif_front_pending(&v->ring);
}

bool blkh_vbd_quiet(struct blkh_vbd *v, uint64_t ns)
{
    return xenbus_frontend_wait(rsp_pending, v, ns) == 0;
}

void blkh_vbd_break(struct blkh_vbd *v, int32_t past)
{
    uint32_t rsp_prod = __atomic_load_n(&v->sring->rsp_prod, __ATOMIC_ACQUIRE);

    __atomic_store_n(&v->sring->req_prod, rsp_prod + (uint32_t)past, __ATOMIC_RELEASE);
    (void)evtchn_send(v->port);
}

void blkh_vbd_disconnect(struct blkh_vbd *v)
{
    if (!v->sring)
        return;
    xenbus_frontend_close(blkh_xenbus(), v->front, v->back, &v->ring_ref, 1, v->port, BLKH_CLOSE_NS);
    v->connected = false;
}
