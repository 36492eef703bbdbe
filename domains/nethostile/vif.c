/* SPDX-License-Identifier: MIT */
/*
 * The front end's side of a vif: the XenStore handshake as Linux's
 * xen-netfront does it (one queue, one event channel, receive by copy,
 * straight to Connected), one packet at a time on the transmit ring, and
 * the deliberate breaks. Everything read from the back end's directory or
 * the rings is checked before use; nothing here judges a case (cases.c
 * does).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h" /* xenbus_node_* */
#include "mosaic/xenbus_frontend.h"
#include "nethostile.h"

#define POLL_NS      (10 * 1000000ull)
#define TXN_ATTEMPTS 10

uint32_t neth_vif_backend_state(const struct neth_vif *v)
{
    return xenbus_frontend_peer_state(neth_xenbus(), v->back);
}

static bool wait_backend_state(const struct neth_vif *v, uint32_t want, uint64_t timeout_ns)
{
    return xenbus_frontend_wait_state(neth_xenbus(), "nethostile", v->back, want, timeout_ns);
}

bool neth_vif_wait_closed(const struct neth_vif *v, uint64_t timeout_ns)
{
    return wait_backend_state(v, XenbusStateClosing, timeout_ns);
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++) {
        char *end;
        unsigned long b = strtoul(s + 3 * i, &end, 16);
        if (end != s + 3 * i + 2 || *end != (i < 5 ? ':' : '\0'))
            return false;
        mac[i] = (uint8_t)b;
    }
    return true;
}

/* One vif's front-end directory: the back end's path and domain, our MAC. */
static bool vif_read_front(struct neth_vif *v, const char *name)
{
    unsigned long long id;
    char mac[24];
    long r;

    memset(v, 0, sizeof(*v));
    snprintf(v->front, sizeof(v->front), "device/vif/%s", name);
    v->handle = (uint32_t)strtoul(name, NULL, 10);
    r = xenbus_node_read(neth_xenbus(), v->front, "backend", v->back, sizeof(v->back));
    if (r <= 0 || (size_t)r >= sizeof(v->back) || v->back[0] != '/')
        return false;
    if (xenbus_node_read_uint(neth_xenbus(), v->front, "backend-id", &id) != 0 || id >= DOMID_FIRST_RESERVED)
        return false;
    v->backend_id = (uint16_t)id;
    r = xenbus_node_read(neth_xenbus(), v->front, "mac", mac, sizeof(mac));
    return r > 0 && (size_t)r < sizeof(mac) && parse_mac(mac, v->mac);
}

unsigned neth_vif_find(struct neth_vif *v, unsigned max, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    char list[512];
    long len;

    for (;;) {
        unsigned n = 0;
        len = xenbus_directory(neth_xenbus(), 0, "device/vif", list, sizeof(list));
        for (long i = 0; len > 0 && (size_t)len <= sizeof(list) && i < len && n < max; i += (long)strlen(list + i) + 1)
            n += vif_read_front(&v[n], list + i);
        if (n >= max || runtime_time_ns() >= end)
            return n;
        thread_sleep_ns(POLL_NS);
    }
}

static void on_ring_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
}

/* The rings' nodes, our features and state Connected in one transaction,
 * as netfront writes them. */
static long publish_rings(const struct neth_vif *v)
{
    struct xenbus *xb = neth_xenbus();
    const struct {
        const char *node;
        unsigned long long value;
    } kv[] = { { "tx-ring-ref", v->tx_ref },     { "rx-ring-ref", v->rx_ref }, { "event-channel", v->port },
               { "request-rx-copy", 1 },         { "feature-rx-notify", 1 },   { "feature-sg", 1 },
               { "feature-gso-tcpv4", 1 },       { "feature-gso-tcpv6", 1 },   { "feature-ipv6-csum-offload", 1 },
               { "state", XenbusStateConnected } };
    long r = -XEN_EAGAIN;

    for (unsigned attempt = 0; attempt < TXN_ATTEMPTS && r == -XEN_EAGAIN; attempt++) {
        uint32_t tx;
        if ((r = xenbus_transaction_start(xb, &tx)) != 0)
            return r;
        for (unsigned i = 0; i < sizeof(kv) / sizeof(kv[0]) && r == 0; i++)
            r = xenbus_node_write_uint(xb, tx, v->front, kv[i].node, kv[i].value);
        long end = xenbus_transaction_end(xb, tx, r == 0);
        if (r == 0)
            r = end;
    }
    return r;
}

long neth_vif_connect(struct neth_vif *v)
{
    long r;

    if (!wait_backend_state(v, XenbusStateInitWait, NETH_CONNECT_NS))
        return -XEN_ETIMEDOUT;
    v->tx_sring = memalign(4096, 4096);
    v->rx_sring = memalign(4096, 4096);
    if (!v->tx_sring || !v->rx_sring)
        return -XEN_ENOMEM;
    netif_tx_front_init(&v->tx, v->tx_sring);
    netif_rx_front_init(&v->rx, v->rx_sring);
    if ((r = gnttab_grant_access(v->backend_id, v->tx_sring, false, &v->tx_ref)) != 0 ||
        (r = gnttab_grant_access(v->backend_id, v->rx_sring, false, &v->rx_ref)) != 0 ||
        (r = evtchn_alloc_unbound(v->backend_id, &v->port)) != 0) {
        printf("nethostile: %s: ring grants or port refused: %ld\n", v->front, r);
        return r;
    }
    evtchn_set_handler(v->port, on_ring_event, NULL);
    if ((r = publish_rings(v)) != 0) {
        printf("nethostile: %s: publishing the rings failed: %ld\n", v->front, r);
        return r;
    }
    if (!wait_backend_state(v, XenbusStateConnected, NETH_CONNECT_NS))
        return -XEN_ETIMEDOUT;
    v->connected = true;
    printf("nethostile: vif %u connected to d%u: rings %u/%u, port %u\n", v->handle, v->backend_id, v->tx_ref,
           v->rx_ref, v->port);
    return 0;
}

struct netif_tx_request *neth_vif_tx_slot(struct neth_vif *v)
{
    struct netif_tx_request *q = netif_tx_front_req_slot(&v->tx);

    if (q)
        memset(q, 0, sizeof(*q));
    return q;
}

void neth_vif_tx_push(struct neth_vif *v)
{
    if (netif_tx_front_push_requests(&v->tx))
        (void)evtchn_send(v->port);
}

struct tx_wait {
    struct neth_vif *v;
    struct netif_tx_response *rsp;
};

static int tx_check(void *arg)
{
    struct tx_wait *w = arg;
    int r;

    while ((r = netif_tx_front_get_response(&w->v->tx, w->rsp)) == 0)
        if ((r = netif_tx_front_final_check(&w->v->tx)) <= 0)
            return r;
    return r;
}

int neth_vif_tx_response(struct neth_vif *v, struct netif_tx_response *rsp, uint64_t timeout_ns)
{
    struct tx_wait w = { v, rsp };

    return xenbus_frontend_wait(tx_check, &w, timeout_ns);
}

static int tx_pending(void *arg)
{
    struct neth_vif *v = arg;

    return netif_tx_front_pending(&v->tx);
}

bool neth_vif_quiet(struct neth_vif *v, uint64_t ns)
{
    return xenbus_frontend_wait(tx_pending, v, ns) == 0;
}

void neth_vif_rx_break(struct neth_vif *v)
{
    uint32_t rsp_prod = __atomic_load_n(&v->rx_sring->rsp_prod, __ATOMIC_ACQUIRE);

    __atomic_store_n(&v->rx_sring->req_prod, rsp_prod + 3 * NETIF_RX_RING_SIZE, __ATOMIC_RELEASE);
    (void)evtchn_send(v->port);
}

void neth_vif_disconnect(struct neth_vif *v)
{
    const grant_ref_t refs[] = { v->tx_ref, v->rx_ref };

    if (!v->tx_sring)
        return;
    xenbus_frontend_close(neth_xenbus(), v->front, v->back, refs, 2, v->port, NETH_CLOSE_NS);
    v->connected = false;
}
