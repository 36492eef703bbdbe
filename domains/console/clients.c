/* SPDX-License-Identifier: MIT */
/*
 * The console channel's back end (idl/consctl.idl): the clients the
 * builder offered it (entries under our backend/consctl), each client's
 * ring (mapped from the grant its front end gave, its port bound) and
 * its requests, answered at once in ring order (serve.c) from the guests'
 * logs and onto their input rings (guests.c). A ring with impossible
 * indices is closed (state 6) until the client starts again; a client
 * that died is forgotten and its entry removed, as a guest's is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consoled.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/ring.h"
#include "mosaic/xenbus_backend.h"
#include "serve.h"

#define CLIENTS_MAX     4
#define BIND_WAIT_NS    (100 * 1000 * 1000ull) /* the port is offered before state 3 is written */
#define REQUESTS_A_TURN 8                      /* so one client cannot hold the loop */

struct client {
    bool used;
    bool connected;
    bool closed; /* we closed it (a broken ring, a failed connect): until its front end leaves state 3 */
    uint16_t domid;
    char fe[48]; /* /local/domain/<client>/consctl */
    char be[80]; /* our entry */
    struct ring_conn conn;
    struct consctl_back back;
};

static struct client clients[CLIENTS_MAX];
static struct xenbus *xb;
static char root[64]; /* /local/domain/<self>/backend/consctl */

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port, (void)arg; /* the loop serves every ring after a wake-up */
}

static struct client *client_find(uint16_t domid)
{
    for (unsigned i = 0; i < CLIENTS_MAX; i++)
        if (clients[i].used && clients[i].domid == domid)
            return &clients[i];
    return NULL;
}

static void set_state(struct client *c, unsigned state)
{
    (void)xenbus_node_write_uint(xb, 0, c->be, "state", state);
}

static void disconnect(struct client *c)
{
    if (!c->connected)
        return;
    evtchn_set_handler(c->conn.port, NULL, NULL);
    (void)ring_close(&c->conn, 0);
    c->connected = false;
}

static void connect_ring(struct client *c)
{
    unsigned long long ref = 0, port = 0;
    long r;

    if ((r = xenbus_node_read_uint(xb, c->fe, "ring-ref", &ref)) != 0 ||
        (r = xenbus_node_read_uint(xb, c->fe, "event-channel", &port)) != 0 || ref > UINT32_MAX || port == 0 ||
        port >= EVTCHN_PORTS_2L) {
        printf("console: client d%u: its ring-ref or event-channel is missing or out of range: closed\n", c->domid);
        c->closed = true;
        set_state(c, XenbusStateClosed);
        return;
    }
    memset(&c->conn, 0, sizeof(c->conn));
    if ((r = ring_back_open(&c->conn, c->domid, (grant_ref_t)ref, (evtchn_port_t)port, BIND_WAIT_NS)) != 0) {
        printf("console: client d%u: cannot map its ring or bind its port: %ld: closed\n", c->domid, r);
        c->closed = true;
        set_state(c, XenbusStateClosed);
        return;
    }
    consctl_back_init(&c->back, c->conn.page);
    evtchn_set_handler(c->conn.port, on_event, c);
    c->connected = true;
    set_state(c, XenbusStateConnected);
    printf("console: client d%u connected (ring-ref %llu, port %llu)\n", c->domid, ref, port);
}

/* The front end's state decides: 3 connects, anything else closes. */
static void sync_one(struct client *c)
{
    unsigned long long state = 0;

    if (xenbus_node_read_uint(xb, c->fe, "state", &state) != 0)
        state = XenbusStateUnknown;
    if (state != XenbusStateInitialised) {
        if (c->connected)
            printf("console: client d%u closed its channel (state %llu)\n", c->domid, state);
        disconnect(c);
        if (c->closed || state == XenbusStateClosed)
            set_state(c, XenbusStateClosed);
        c->closed = false;
        return;
    }
    if (!c->connected && !c->closed)
        connect_ring(c);
}

/* One entry of our directory: a client the builder offered us. */
static void consider(unsigned long domid, void *arg)
{
    char path[96], val[8];
    struct client *c = NULL;

    (void)arg;
    if (domid >= DOMID_FIRST_RESERVED || client_find((uint16_t)domid))
        return;
    snprintf(path, sizeof(path), "%s/%lu/online", root, domid);
    if (xenbus_read(xb, 0, path, val, sizeof(val)) < 0 || strcmp(val, "1"))
        return; /* not complete yet */
    for (unsigned i = 0; i < CLIENTS_MAX && !c; i++)
        if (!clients[i].used)
            c = &clients[i];
    if (!c) {
        printf("console: client d%lu: no room (%u clients at most)\n", domid, CLIENTS_MAX);
        return;
    }
    memset(c, 0, sizeof(*c));
    c->used = true;
    c->domid = (uint16_t)domid;
    snprintf(c->fe, sizeof(c->fe), "/local/domain/%lu/consctl", domid);
    snprintf(c->be, sizeof(c->be), "%s/%lu", root, domid);
    snprintf(path, sizeof(path), "%s/state", c->fe);
    if (xenbus_watch(xb, path, CLIENTS_WATCH_FRONT) != 0)
        printf("console: client d%u: cannot watch %s: it is looked at periodically only\n", c->domid, path);
    printf("console: client d%u offered\n", c->domid);
    sync_one(c);
}

long clients_init(struct xenbus *bus, uint16_t self)
{
    xb = bus;
    snprintf(root, sizeof(root), "/local/domain/%u/backend/consctl", self);
    return xenbus_watch(xb, root, CLIENTS_WATCH_ROOT);
}

void clients_scan(void)
{
    xenbus_node_each_child(xb, root, DOMID_FIRST_RESERVED, consider, NULL);
}

void clients_sync(void)
{
    for (unsigned i = 0; i < CLIENTS_MAX; i++)
        if (clients[i].used)
            sync_one(&clients[i]);
}

/* The client died: the core closed its end of our port, or (not
 * connected; looked at only after a domain was released) its home went
 * from the store with the domain. */
static bool gone(const struct client *c, bool released)
{
    struct evtchn_info info;
    unsigned long long id;

    if (!c->connected)
        return released && xenbus_node_read_uint(xb, c->fe, "backend-id", &id) == -XEN_ENOENT;
    return evtchn_status(DOMID_SELF, c->conn.port, &info) != 0 || info.status != EVTCHN_INTERDOMAIN;
}

void clients_reap(bool released)
{
    for (unsigned i = 0; i < CLIENTS_MAX; i++) {
        struct client *c = &clients[i];
        char path[64];
        if (!c->used || !gone(c, released))
            continue;
        disconnect(c);
        snprintf(path, sizeof(path), "%s/state", c->fe);
        (void)xenbus_unwatch(xb, path, CLIENTS_WATCH_FRONT);
        (void)xenbus_rm(xb, 0, c->be);
        printf("console: client d%u gone\n", c->domid);
        c->used = false;
    }
}

/* ---- the requests ---- */

static int env_find(void *ctx, uint16_t domid, struct serve_console *out)
{
    struct guest *g = guest_find(domid);

    (void)ctx;
    if (!g)
        return -XEN_ESRCH;
    *out = (struct serve_console){ g->log, GUEST_LOG, g->logged, g->closed };
    return 0;
}

static size_t env_put_in(void *ctx, uint16_t domid, const uint8_t *in, size_t n)
{
    struct guest *g = guest_find(domid);
    long w = g ? guest_put_in(g, (const char *)in, n) : 0;

    (void)ctx;
    return w > 0 ? (size_t)w : 0;
}

static const struct serve_env env = { env_find, env_put_in, NULL };

static void broken(struct client *c)
{
    printf("console: client d%u: its ring's indices are impossible: closed\n", c->domid);
    disconnect(c);
    c->closed = true;
    set_state(c, XenbusStateClosed);
}

static void serve_client(struct client *c)
{
    static struct consctl_request q;
    static struct consctl_response rsp;
    bool notify = false;
    int r = 0;

    for (unsigned k = 0; k < REQUESTS_A_TURN; k++) {
        struct consctl_response *slot;
        if ((r = consctl_back_get_request(&c->back, &q)) <= 0)
            break;
        serve_request(&env, &q, &rsp);
        if (!(slot = consctl_back_rsp_slot(&c->back))) {
            r = IDL_RING_BROKEN; /* a request taken always has its slot: the helpers said otherwise */
            break;
        }
        memcpy(slot, &rsp, sizeof(rsp));
        notify |= consctl_back_push_responses(&c->back);
    }
    if (r == 0)
        r = consctl_back_final_check(&c->back) < 0 ? IDL_RING_BROKEN : 0;
    if (notify)
        (void)ring_notify(&c->conn);
    if (r == IDL_RING_BROKEN)
        broken(c);
}

void clients_serve(void)
{
    for (unsigned i = 0; i < CLIENTS_MAX; i++)
        if (clients[i].used && clients[i].connected)
            serve_client(&clients[i]);
}

bool clients_any(void)
{
    for (unsigned i = 0; i < CLIENTS_MAX; i++)
        if (clients[i].used)
            return true;
    return false;
}
