/* SPDX-License-Identifier: MIT */
/*
 * The build service's clients (service.h): the XenStore handshake of
 * idl/build.idl, each client's ring (mapped from the grant its front end
 * gave, its port bound), one request per client per turn answered in
 * ring order, and the domains built for clients that have devices,
 * whose nodes go when the domain does. What a request is and how it is
 * carried out is service_build.c's.
 */
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "construct.h"
#include "devnodes.h"
#include "idl/build.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/evtchn.h"
#include "mosaic/mgmt.h"
#include "mosaic/ring.h"
#include "mosaic/xenbus.h"
#include "mosaic/xenbus_backend.h"
#include "service_priv.h"
#include "store.h"

#define WATCH_TOKEN "build-service"

/* What the builder last wrote to a client's backend/state. */
enum link_state {
    LINK_OFFERED = XenbusStateInitWait,
    LINK_CONNECTED = XenbusStateConnected,
    LINK_CLOSED = XenbusStateClosed,
};

struct client {
    bool used;
    uint16_t domid;
    char name[MANIFEST_NAME_MAX];
    char dir[48];     /* /local/domain/<domid>/builder */
    char backend[56]; /* dir/backend */
    enum link_state link;
    struct ring_conn conn; /* mapped and bound while LINK_CONNECTED */
    struct build_back back;
};

/* A domain built for a client: the devices it has now (those of its
 * build and those attached since), whose nodes are the builder's to
 * remove once it is gone, and the client's section, whose instances may
 * attach and detach its devices. */
struct handed {
    bool used;
    uint16_t domid;
    char client[MANIFEST_NAME_MAX];
    struct manifest_domain md;
};

static struct client clients[SERVICE_CLIENTS_MAX];
static struct handed *handed; /* handed_cap slots, grown by service_handed_room */
static unsigned handed_cap;
static int self_domid = -1;
static bool release_watched;

/* The builder's own id, asked once. */
static int self(void)
{
    struct mgmt_domain_info i = { .domid = MGMT_DOMID_SELF };

    if (self_domid < 0 && mgmt_call(MGMT_DOMAIN_INFO, &i, sizeof(i)) == 0)
        self_domid = i.domid;
    return self_domid;
}

/* Whether domid still runs (or is someone else's: it exists). A domain
 * that shut down is as good as gone: it asks for nothing more. */
static bool alive(uint16_t domid)
{
    struct mgmt_domain_info i = { .domid = domid };
    long r = mgmt_call(MGMT_DOMAIN_INFO, &i, sizeof(i));

    return r == -XEN_EPERM || (r == 0 && i.state != MGMT_STATE_SHUTDOWN);
}

/* The backend/ nodes for a new offer: owned by the builder, readable by
 * the client; id, then state last (what the client waits for). */
static long write_offer(struct xenbus *xb, const struct client *c)
{
    char perms[24], id[8];
    int n = snprintf(perms, sizeof(perms), "n%d", self()) + 1;
    long r;

    n += snprintf(perms + n, sizeof(perms) - (size_t)n, "r%u", c->domid) + 1;
    snprintf(id, sizeof(id), "%d", self());
    if ((r = xenbus_mkdir(xb, 0, c->dir)) != 0 || (r = xenbus_node_write(xb, 0, c->dir, "state", "1")) != 0 ||
        (r = xenbus_mkdir(xb, 0, c->backend)) != 0 ||
        (r = xenbus_set_perms(xb, 0, c->backend, perms, (size_t)n)) != 0 ||
        (r = xenbus_node_write(xb, 0, c->backend, "id", id)) != 0)
        return r;
    return xenbus_node_write_uint(xb, 0, c->backend, "state", LINK_OFFERED);
}

void service_offer(uint16_t domid, const char *name)
{
    struct xenbus *xb = store_xenbus();
    struct client *c = NULL;
    char path[64];
    long r;

    for (unsigned i = 0; i < SERVICE_CLIENTS_MAX && !c; i++)
        if (!clients[i].used)
            c = &clients[i];
    if (!xb || !c || self() < 0) {
        printf("builder: d%u '%s': build service not offered: %s\n", domid, name,
               !xb  ? "no XenStore domain runs (service = xenstore)"
               : !c ? "too many clients"
                    : "no domain id");
        return;
    }
    memset(c, 0, sizeof(*c));
    c->domid = domid;
    snprintf(c->name, sizeof(c->name), "%s", name);
    snprintf(c->dir, sizeof(c->dir), "/local/domain/%u/builder", domid);
    snprintf(c->backend, sizeof(c->backend), "%s/backend", c->dir);
    snprintf(path, sizeof(path), "%s/state", c->dir);
    if ((r = write_offer(xb, c)) != 0 || (r = xenbus_watch(xb, path, WATCH_TOKEN)) != 0) {
        printf("builder: d%u '%s': build service not offered: XenStore: %s\n", domid, name, construct_errname(r));
        return;
    }
    if (!release_watched)
        release_watched = xenbus_watch(xb, "@releaseDomain", WATCH_TOKEN) == 0;
    c->used = true;
    c->link = LINK_OFFERED;
    printf("builder: d%u '%s' offered the build service at %s\n", domid, name, c->dir);
}

/* Unmaps and unbinds a connected client's ring. */
static void unlink_ring(struct client *c)
{
    if (c->link != LINK_CONNECTED)
        return;
    (void)ring_close(&c->conn, 0);
    c->link = LINK_CLOSED;
}

/* The builder ends the connection: its ring let go, backend state Closed
 * with the reason in backend/error, one line. The client may start over. */
static void close_link(struct client *c, const char *why)
{
    struct xenbus *xb = store_xenbus();

    unlink_ring(c);
    c->link = LINK_CLOSED;
    /* The line first: the client acts once it sees the state. */
    printf("builder: d%u '%s': build service connection closed: %s\n", c->domid, c->name, why);
    (void)xenbus_node_write(xb, 0, c->backend, "error", why);
    (void)xenbus_node_write_uint(xb, 0, c->backend, "state", LINK_CLOSED);
}

/* A client gone: its ring let go, its watch dropped, its slot free. */
static void drop(struct client *c)
{
    char path[64];

    unlink_ring(c);
    snprintf(path, sizeof(path), "%s/state", c->dir);
    (void)xenbus_unwatch(store_xenbus(), path, WATCH_TOKEN);
    printf("builder: d%u '%s' is gone: no longer a build service client\n", c->domid, c->name);
    c->used = false;
}

void service_forget(uint16_t domid)
{
    for (unsigned i = 0; i < SERVICE_CLIENTS_MAX; i++)
        if (clients[i].used && clients[i].domid == domid)
            drop(&clients[i]);
}

/* The client wrote Initialised: map its ring, bind its port (never
 * waiting: both must be there already), Connected. */
static void link_up(struct client *c)
{
    struct xenbus *xb = store_xenbus();
    unsigned long long ref, port;
    char why[96];
    long r;

    if (xenbus_node_read_uint(xb, c->dir, "ring-ref", &ref) != 0 || ref > UINT32_MAX ||
        xenbus_node_read_uint(xb, c->dir, "event-channel", &port) != 0 || port >= EVTCHN_PORTS_2L) {
        close_link(c, "ring-ref or event-channel missing, or not a grant ref and a port");
        return;
    }
    if ((r = ring_back_open(&c->conn, c->domid, (uint32_t)ref, (evtchn_port_t)port, 0)) != 0) {
        snprintf(why, sizeof(why), "ring-ref %llu or event-channel %llu: %s", ref, port, construct_errname(r));
        close_link(c, why);
        return;
    }
    build_back_init(&c->back, c->conn.page);
    c->link = LINK_CONNECTED;
    printf("builder: d%u '%s' connected to the build service (ring-ref %llu, port %llu)\n", c->domid, c->name, ref,
           port);
    (void)xenbus_node_write(xb, 0, c->backend, "error", "");
    (void)xenbus_node_write_uint(xb, 0, c->backend, "state", LINK_CONNECTED);
}

/* The client's state, read from the store, against ours. */
static void follow_state(struct client *c)
{
    unsigned long long fe = XenbusStateUnknown;

    (void)xenbus_node_read_uint(store_xenbus(), c->dir, "state", &fe);
    if (c->link == LINK_OFFERED && fe == XenbusStateInitialised)
        link_up(c);
    else if (c->link == LINK_CONNECTED && fe != XenbusStateInitialised && fe != XenbusStateConnected)
        close_link(c, "the client closed it");
    else if (c->link == LINK_CLOSED && (fe == XenbusStateInitialising || fe == XenbusStateClosed)) {
        c->link = LINK_OFFERED;
        (void)xenbus_node_write_uint(store_xenbus(), 0, c->backend, "state", LINK_OFFERED);
    }
}

/* One request of c's, if any, taken, carried out and answered. Whether
 * more wait. */
static bool serve_one(struct client *c)
{
    struct build_request req;
    struct build_response rsp, *slot;
    int r;

    evtchn_test_and_clear(c->conn.port); /* else its next event would not raise the upcall */
    r = build_back_final_check(&c->back);
    if (r == IDL_RING_BROKEN) {
        close_link(c, "its ring's indices are impossible");
        return false;
    }
    if (r == 0 || build_back_get_request(&c->back, &req) != 1)
        return false;
    if (req.op == BUILD_OP_ATTACH || req.op == BUILD_OP_DETACH)
        service_device(c->domid, c->name, &req, &rsp);
    else
        service_build(c->domid, c->name, &req, &rsp);
    slot = build_back_rsp_slot(&c->back); /* never NULL: a request was taken */
    memcpy(slot, &rsp, sizeof(rsp));
    if (build_back_push_responses(&c->back))
        (void)ring_notify(&c->conn);
    return build_back_pending(&c->back) > 0;
}

bool service_handed_room(void)
{
    unsigned cap = handed_cap ? 2 * handed_cap : 16;
    struct handed *grown;

    for (unsigned i = 0; i < handed_cap; i++)
        if (!handed[i].used)
            return true;
    grown = realloc(handed, cap * sizeof(*handed));
    if (!grown)
        return false;
    memset(grown + handed_cap, 0, (cap - handed_cap) * sizeof(*handed));
    handed = grown;
    handed_cap = cap;
    return true;
}

void service_handed_add(uint16_t domid, const struct manifest_domain *md, const char *client)
{
    if (!service_handed_room()) {
        printf("builder: d%u: no memory to look after its devices; its nodes stay when it is gone\n", domid);
        return;
    }
    for (unsigned i = 0; i < handed_cap; i++)
        if (!handed[i].used) {
            handed[i].used = true;
            handed[i].domid = domid;
            snprintf(handed[i].client, sizeof(handed[i].client), "%s", client);
            handed[i].md = *md;
            return;
        }
}

struct manifest_domain *service_handed_find(uint16_t domid, const char *client)
{
    for (unsigned i = 0; i < handed_cap; i++)
        if (handed[i].used && handed[i].domid == domid && !strcmp(handed[i].client, client))
            return alive(domid) ? &handed[i].md : NULL;
    return NULL;
}

/* Built domains with devices that are gone (the core no longer knows
 * them): their nodes removed, as for the builder's own. */
static void reap_handed(void)
{
    for (unsigned i = 0; i < handed_cap; i++) {
        struct mgmt_domain_info info = { .domid = handed[i].domid };
        if (!handed[i].used || mgmt_call(MGMT_DOMAIN_INFO, &info, sizeof(info)) != -XEN_ESRCH)
            continue;
        construct_detach_devices(handed[i].domid, &handed[i].md, DEVNODES_CLOSE_WAIT_NS);
        handed[i].used = false;
    }
}

bool service_poll(void)
{
    struct xenbus *xb = store_xenbus();
    bool more = false;

    if (!xb || !service_pending())
        return false;
    /* The watches only wake the loop: every client is looked at. A broken
     * store ring (-EIO) shows in every store call after it. */
    if (xenbus_backend_events(xb, 0) < 0)
        more = false;
    /* The nodes of domains that are gone first: a client that destroyed
     * one to build it again (xl's restart) gets its disks back clean. */
    reap_handed();
    for (unsigned i = 0; i < SERVICE_CLIENTS_MAX; i++) {
        struct client *c = &clients[i];
        if (!c->used)
            continue;
        if (!alive(c->domid)) {
            drop(c);
            continue;
        }
        follow_state(c);
        if (c->link == LINK_CONNECTED)
            more |= serve_one(c);
    }
    return more;
}

unsigned service_pending(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < SERVICE_CLIENTS_MAX; i++)
        n += clients[i].used;
    for (unsigned i = 0; i < handed_cap; i++)
        n += handed[i].used;
    return n;
}
