/* SPDX-License-Identifier: MIT */
/*
 * xenstored: the XenStore service domain. It wraps the store library
 * (xenstore/) around each domain's store page: bytes from the request
 * ring go into xs_conn_input, replies and watch events go back onto the
 * reply ring. Its privileged clients (the domains that introduce others,
 * at first the builder) are named on its command line as
 * "priv=DOMID:REF:PORT" (a ring the client granted at REF and a port it
 * offered); every other domain arrives by INTRODUCE, and its page is
 * mapped through its grant ref 1 (GNTTAB_RESERVED_XENSTORE) as on Xen.
 *
 * Where Mosaic differs from Xen's C xenstored: a domain's death is seen
 * on its event channel (the core closes a dead domain's ports, so the
 * store's end goes back to unbound), not through VIRQ_DOM_EXC, which
 * goes to the dead domain's controller; the store then releases the
 * domain as RELEASE would. Ring reconnection (XENSTORE_RECONNECT) is
 * not offered: server_features carries only XENSTORE_SERVER_FEATURE_ERROR.
 * With "exit=idle" it shuts down once every introduced domain is gone
 * (tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/gnttab.h"
#include "idl/xen_errno.h"
#include "idl/xenstore.h"
#include "mosaic/bytering.h"
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/hypercall.h"
#include "mosaic/runtime.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "xenstore/xenstore.h"

#define MAX_CLIENTS 64
#define STORE_REF   GNTTAB_RESERVED_XENSTORE
#define LIVENESS_NS 50000000ull /* how often dead clients are looked for */
#define CHUNK       1024        /* bytes moved per look at one ring */

struct client {
    struct xs_conn *conn;
    uint16_t domid;
    struct xenstore_domain_interface *page;
    grant_handle_t handle;
    evtchn_port_t port;
    struct bytering req, rsp;
    bool broken; /* its ring is unusable: served no more until it goes */
    bool used;
    bool privileged; /* the toolstack's ring (priv=), not an introduced domain */
};

static struct client clients[MAX_CLIENTS];
static struct xs_store *store;
static unsigned introduced, released;

static struct client *client_new(void)
{
    for (unsigned i = 0; i < MAX_CLIENTS; i++)
        if (!clients[i].used) {
            memset(&clients[i], 0, sizeof(clients[i]));
            clients[i].used = true;
            return &clients[i];
        }
    return NULL;
}

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg; /* the main loop looks at every ring after each wake-up */
}

/* Maps domid's store page (grant ref) and binds its port. */
static long client_attach(struct client *c, uint16_t domid, grant_ref_t ref, evtchn_port_t remote_port)
{
    void *page;
    int st;
    long r;

    c->domid = domid;
    st = gnttab_map(domid, ref, false, &page, &c->handle);
    if (st != GNTST_okay)
        return -XEN_EINVAL;
    r = evtchn_bind_interdomain(domid, remote_port, &c->port);
    if (r) {
        (void)gnttab_unmap(page, c->handle);
        return r;
    }
    c->page = page;
    c->req = (struct bytering){ c->page->req, XENSTORE_RING_SIZE, &c->page->req_prod, &c->page->req_cons };
    c->rsp = (struct bytering){ c->page->rsp, XENSTORE_RING_SIZE, &c->page->rsp_prod, &c->page->rsp_cons };
    c->page->server_features = XENSTORE_SERVER_FEATURE_ERROR;
    evtchn_set_handler(c->port, on_event, c);
    return 0;
}

static void client_detach(struct client *c)
{
    if (c->page) {
        evtchn_set_handler(c->port, NULL, NULL);
        (void)evtchn_close(c->port);
        (void)gnttab_unmap(c->page, c->handle);
    }
    c->page = NULL;
    c->used = false;
}

/* The library's INTRODUCE: the new domain's ring, through its grant ref 1. */
static int hook_introduce(void *ctx, struct xs_conn *conn, uint64_t gfn, uint32_t port, bool again)
{
    struct client *c = again ? xs_conn_priv(conn) : client_new();
    long r;

    (void)ctx;
    (void)gfn; /* the page is found through the grant, as Xen's xenstored does */
    if (!c)
        return -XS_ENOSPC;
    if (again)
        client_detach(c), c->used = true;
    r = client_attach(c, (uint16_t)xs_conn_domid(conn), STORE_REF, port);
    if (r) {
        c->used = false;
        printf("xenstored: introducing d%u failed: %ld\n", xs_conn_domid(conn), r);
        return -XS_EINVAL;
    }
    c->conn = conn;
    xs_conn_set_priv(conn, c);
    introduced++;
    printf("xenstored: d%u introduced (port %u)\n", c->domid, port);
    return 0;
}

static void hook_release(void *ctx, struct xs_conn *conn)
{
    struct client *c = xs_conn_priv(conn);

    (void)ctx;
    if (!c)
        return;
    printf("xenstored: d%u released\n", c->domid);
    released++;
    client_detach(c);
}

/* Moves requests in and replies out; true when anything moved. */
static bool serve(struct client *c)
{
    static char buf[CHUNK];
    bool moved = false;
    long n, used;
    size_t taken = 0;
    int r;

    if (c->broken)
        return false;
    n = bytering_peek(&c->req, buf, sizeof(buf));
    if (n > 0 && !xs_conn_input_blocked(c->conn)) {
        r = xs_conn_input(c->conn, buf, (size_t)n, &taken);
        if (taken)
            (void)bytering_read(&c->req, buf, taken), moved = true;
        if (r == -XS_EMSGSIZE) {
            c->page->error = XENSTORE_ERROR_PROTO;
            c->broken = true;
            printf("xenstored: d%u sent a message longer than %u bytes: its ring is no longer served\n", c->domid,
                   XENSTORE_PAYLOAD_MAX);
        }
    }
    used = bytering_used(&c->rsp);
    if (n == BYTERING_BROKEN || used == BYTERING_BROKEN) {
        c->page->error = XENSTORE_ERROR_RINGIDX;
        c->broken = true;
        printf("xenstored: d%u's ring indices are impossible: its ring is no longer served\n", c->domid);
        return true;
    }
    if (!c->broken && xs_conn_output_pending(c->conn) && used < XENSTORE_RING_SIZE) {
        size_t out = xs_conn_output(c->conn, buf, (size_t)(XENSTORE_RING_SIZE - used));
        (void)bytering_write(&c->rsp, buf, out);
        moved |= out > 0;
    }
    if (moved)
        (void)evtchn_send(c->port);
    return moved;
}

/* A client whose domain died: the core closed its end of our channel. */
static bool client_gone(const struct client *c)
{
    struct evtchn_info info;

    return evtchn_status(DOMID_SELF, c->port, &info) != 0 || info.status != EVTCHN_INTERDOMAIN;
}

static void reap_dead(void)
{
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &clients[i];
        if (c->used && c->page && client_gone(c))
            xs_conn_destroy(c->conn); /* calls hook_release, fires @releaseDomain */
    }
}

/* Introduced domains still connected. The toolstack's own ring does not
 * count: it stays as long as it supervises anyone, this store included. */
static unsigned clients_left(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < MAX_CLIENTS; i++)
        n += clients[i].used && !clients[i].privileged;
    return n;
}

/* "priv=DOMID:REF:PORT": a privileged client's ring. */
static int add_privileged(const char *spec)
{
    unsigned long domid, ref, port;
    struct client *c;
    char *end;
    int r;

    domid = strtoul(spec, &end, 0);
    if (*end != ':' || (ref = strtoul(end + 1, &end, 0), *end != ':') || (port = strtoul(end + 1, &end, 0), *end))
        return -XEN_EINVAL;
    if (!(c = client_new()))
        return -XEN_ENOSPC;
    for (int tries = 0; client_attach(c, (uint16_t)domid, (grant_ref_t)ref, (evtchn_port_t)port) != 0; tries++) {
        if (tries > 500) /* the client offers its ring while it starts: give it 5 s */
            return -XEN_EINVAL;
        thread_sleep_ns(10000000ull);
    }
    if ((r = xs_conn_create(store, (uint32_t)domid, XS_CONN_PRIVILEGED, &c->conn)) != 0) {
        client_detach(c);
        return r;
    }
    xs_conn_set_priv(c->conn, c);
    c->privileged = true;
    printf("xenstored: d%lu connected, privileged\n", domid);
    return 0;
}

int main(int argc, char **argv)
{
    struct xs_config cfg;
    bool exit_idle = false;
    uint64_t next_reap = 0;

    if (gnttab_init(1) != 0) { /* the window clients' rings are mapped into */
        printf("xenstored: no grant table\n");
        return 1;
    }
    /* "/" and the nodes of released domains belong to domid 0, which the
     * core never gives a domain: not to a privileged client's id, which a
     * later domain could be given once that client is gone. */
    xs_config_default(&cfg);
    cfg.hooks = (struct xs_hooks){ .introduce = hook_introduce, .release = hook_release };
    if (xs_store_create(&cfg, &store) != 0) {
        printf("xenstored: cannot create the store\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "priv=", 5)) {
            int r = add_privileged(argv[i] + 5);
            if (r)
                printf("xenstored: privileged client '%s' refused: %d\n", argv[i] + 5, r);
        } else if (!strcmp(argv[i], "exit=idle")) {
            exit_idle = true;
        } else {
            printf("xenstored: unknown argument '%s' ignored\n", argv[i]);
        }
    }
    printf("xenstored: serving (%u nodes)\n", xs_store_node_count(store));
    for (;;) {
        bool busy = false;
        evtchn_dispatch();
        for (unsigned i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].used && clients[i].page)
                busy |= serve(&clients[i]);
        if (runtime_time_ns() >= next_reap) {
            reap_dead();
            next_reap = runtime_time_ns() + LIVENESS_NS;
            if (exit_idle && introduced && clients_left() == 0)
                break;
        }
        if (!busy)
            evtchn_wait(next_reap);
    }
    printf("xenstored: every client gone (%u introduced, %u released); stopping\n", introduced, released);
    return 0;
}
