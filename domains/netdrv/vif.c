/* SPDX-License-Identifier: MIT */
/*
 * Virtual network interfaces (vif.h): the handshake with Linux's
 * xen-netfront, over the XenStore side back ends share
 * (mosaic/xenbus_backend.h).
 *
 *   toolstack: frontend, frontend-id, handle, mac, bridge, script
 *              (vif-bridge, vif-route, vif-nat; absent: bridge), ip
 *              (route, nat), online, state = 1
 *   we:        feature-*, multi-queue-max-queues = 1, hotplug-status,
 *              state = 2 (InitWait)
 *   front end: tx-ring-ref, rx-ring-ref, event-channel (or
 *              event-channel-tx and -rx), request-rx-copy = 1, its
 *              feature-*, state = 4 (Connected: Linux skips Initialised)
 *   we:        map both rings, bind the channel(s), add the switch port,
 *              state = 4
 *   front end: state 5 or 6: port removed, unmapped, unbound, state 6
 *   front end's directory gone: our entry is removed (as xl devd does).
 * A bad node (ours or the front end's): state 6 with hotplug-error and
 * the error node, and one log line. A broken ring: state 6 and the
 * engine's log line; the front end must start again.
 *
 * Restart: nothing here is only in memory. The port's configuration is
 * read from the toolstack's nodes at every connect, the rings and
 * channels from the front end's, the features are constants; a new
 * instance that finds our state 4 with a connected front end connects
 * again and the engine takes both rings up at their shared rsp_prod.
 */
#include "vif.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/gnttab.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/xenbus_backend.h"
#include "switch.h"

#define VIFS_MAX SWITCH_PORTS_MAX
#define WHY      112

struct vif {
    struct xenbus_backend_dev dev;
    /* The connection, while state is XenbusStateConnected. */
    struct netback_conn *conn;
    int port; /* the switch's */
    void *tx_ring, *rx_ring;
    grant_handle_t tx_handle, rx_handle;
    evtchn_port_t tx_evtchn, rx_evtchn; /* the same port without split channels */
};

static struct xenbus *xb;
static uint16_t self;
static struct xenbus_backend table; /* over vifs */
static struct vif vifs[VIFS_MAX];

/* ---- The engine's environment ------------------------------------------ */

static void vif_copy(void *ctx, uint16_t domid, struct netback_copy *c, unsigned n)
{
    static struct gnttab_copy ops[NETBACK_COPIES_MAX];
    long r;

    (void)ctx;
    for (unsigned i = 0; i < n && i < NETBACK_COPIES_MAX; i++)
        gnttab_copy_with(&ops[i], domid, c[i].gref, c[i].offset, c[i].local, c[i].len, c[i].to_guest);
    r = n <= NETBACK_COPIES_MAX ? gnttab_copy_batch(ops, n) : -XEN_E2BIG;
    for (unsigned i = 0; i < n; i++)
        c[i].status = r || i >= NETBACK_COPIES_MAX ? (int16_t)GNTST_general_error : ops[i].status;
}

static void vif_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

static const struct netback_env vif_env = { .copy = vif_copy, .log = vif_log };

/* ---- The toolstack's nodes --------------------------------------------- */

static void fail(struct vif *v, const char *why)
{
    printf("netdrv: vif%u.%u: %s\n", v->dev.fe_domid, v->dev.devid, why);
    xenbus_backend_fail(xb, &v->dev, self, "vif", why);
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++) {
        char *end;
        unsigned long b = strtoul(s, &end, 16);
        if (end != s + 2 || b > 0xff || *end != (i < 5 ? ':' : '\0'))
            return false;
        mac[i] = (uint8_t)b;
        s = end + (i < 5);
    }
    return true;
}

/* The first of the blank-separated addresses, maybe with /prefix:
 * *ip in network order. */
static bool parse_ip(const char *s, uint32_t *ip, uint8_t *prefix)
{
    uint8_t b[4];

    for (unsigned i = 0; i < 4; i++) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || end > s + 3 || v > 255 || *end != (i < 3 ? '.' : *end))
            return false;
        b[i] = (uint8_t)v;
        s = end + (i < 3);
    }
    if (*s == '/') {
        char *end;
        unsigned long p = strtoul(s + 1, &end, 10);
        if (end == s + 1 || p > 32)
            return false;
        *prefix = (uint8_t)p;
        s = end;
    }
    if (*s != '\0' && *s != ' ')
        return false;
    memcpy(ip, b, 4);
    return true;
}

static bool parse_mode(const char *script, enum switch_mode *mode)
{
    const char *base = strrchr(script, '/');

    base = base ? base + 1 : script;
    if (!strcmp(base, "vif-bridge"))
        *mode = SWITCH_MODE_BRIDGE;
    else if (!strcmp(base, "vif-route"))
        *mode = SWITCH_MODE_ROUTE;
    else if (!strcmp(base, "vif-nat"))
        *mode = SWITCH_MODE_NAT;
    else
        return false;
    return true;
}

/* The port's configuration from our directory. 0, or -1 with why set. */
static int read_cfg(const struct vif *v, struct switch_port_cfg *cfg, char *why)
{
    char mac[24], script[96] = "vif-bridge", ip[64] = "";
    long r;

    memset(cfg, 0, sizeof(*cfg));
    cfg->kind = SWITCH_PORT_VIF;
    cfg->prefix = 24;
    snprintf(cfg->name, sizeof(cfg->name), "vif%u.%u", v->dev.fe_domid, v->dev.devid);
    if ((r = xenbus_node_read(xb, v->dev.be, "mac", mac, sizeof(mac))) < 0 || (size_t)r >= sizeof(mac) ||
        !parse_mac(mac, cfg->mac)) {
        snprintf(why, WHY, "mac missing or not six hex bytes");
        return -1;
    }
    if ((r = xenbus_node_read(xb, v->dev.be, "script", script, sizeof(script))) >= 0 &&
        ((size_t)r >= sizeof(script) || !parse_mode(script, &cfg->mode))) {
        snprintf(why, WHY, "script '%.40s' not served (vif-bridge, vif-route, vif-nat)", script);
        return -1;
    }
    if ((r = xenbus_node_read(xb, v->dev.be, "bridge", cfg->bridge, sizeof(cfg->bridge))) < 0)
        snprintf(cfg->bridge, sizeof(cfg->bridge), "xenbr0");
    else if ((size_t)r >= sizeof(cfg->bridge)) {
        snprintf(why, WHY, "bridge name longer than %u bytes", SWITCH_NAME - 1);
        return -1;
    }
    /* vif-route and vif-nat need the guest's address; vif-bridge takes
     * one too, and then lets only it out (vif-common's ip= rules). */
    r = xenbus_node_read(xb, v->dev.be, "ip", ip, sizeof(ip));
    if (r == -XEN_ENOENT && cfg->mode == SWITCH_MODE_BRIDGE)
        return 0;
    if (r < 0 || (size_t)r >= sizeof(ip) || !parse_ip(ip, &cfg->ip, &cfg->prefix)) {
        snprintf(why, WHY, "ip missing or not an IPv4 address (needed by vif-route and vif-nat)");
        return -1;
    }
    return 0;
}

/* Our features, then InitWait, in one transaction. */
static long advertise(struct vif *v)
{
    static const char *const ones[] = { "feature-sg",
                                        "feature-gso-tcpv4",
                                        "feature-gso-tcpv6",
                                        "feature-ipv6-csum-offload",
                                        "feature-rx-copy",
                                        "feature-split-event-channels",
                                        "multi-queue-max-queues" };
    uint32_t tx;
    long r;

    do {
        if ((r = xenbus_transaction_start(xb, &tx)) != 0)
            break;
        for (unsigned i = 0; i < sizeof(ones) / sizeof(ones[0]) && !r; i++)
            r = xenbus_node_write_uint(xb, tx, v->dev.be, ones[i], 1);
        r = r ? r : xenbus_node_write_uint(xb, tx, v->dev.be, "feature-rx-flip", 0);
        r = r ? r : xenbus_node_write_uint(xb, tx, v->dev.be, "feature-multicast-control", 0);
        r = r ? r : xenbus_node_write(xb, tx, v->dev.be, "hotplug-status", "connected");
        r = r ? r : xenbus_node_write_uint(xb, tx, v->dev.be, "state", XenbusStateInitWait);
        if (r) {
            (void)xenbus_transaction_end(xb, tx, false);
            break;
        }
        r = xenbus_transaction_end(xb, tx, true);
    } while (r == -XEN_EAGAIN);
    return r;
}

static void probe(struct vif *v)
{
    struct switch_port_cfg cfg;
    char why[WHY];
    long r;

    v->dev.failed = false;
    if (read_cfg(v, &cfg, why) != 0) {
        fail(v, why);
        return;
    }
    if ((r = advertise(v)) != 0) {
        printf("netdrv: vif%u.%u: cannot write its nodes (%ld)\n", v->dev.fe_domid, v->dev.devid, r);
        return;
    }
    v->dev.state = XenbusStateInitWait;
    printf("netdrv: vif%u.%u: %02x:%02x:%02x:%02x:%02x:%02x on %s for %s\n", v->dev.fe_domid, v->dev.devid, cfg.mac[0],
           cfg.mac[1], cfg.mac[2], cfg.mac[3], cfg.mac[4], cfg.mac[5],
           cfg.mode == SWITCH_MODE_BRIDGE  ? cfg.bridge
           : cfg.mode == SWITCH_MODE_ROUTE ? "route"
                                           : "nat",
           v->dev.fe);
}

/* ---- The front end's nodes ----------------------------------------------- */

/* What the front end wrote for the connection. */
struct fe_nodes {
    unsigned long long tx_ref, rx_ref, tx_port, rx_port;
    struct netback_features feat;
};

static bool fe_flag(const struct vif *v, const char *node, bool absent)
{
    unsigned long long x;

    return xenbus_node_read_uint(xb, v->dev.fe, node, &x) == 0 ? x != 0 : absent;
}

static bool valid_port(unsigned long long p)
{
    return p != 0 && p < EVTCHN_PORTS_2L;
}

/* 0, or -1 with why set. */
static int read_fe(const struct vif *v, struct fe_nodes *n, char *why)
{
    unsigned long long queues = 1, copy = 0;
    const char *fe = v->dev.fe;

    if (xenbus_node_read_uint(xb, fe, "multi-queue-num-queues", &queues) == 0 && queues != 1) {
        snprintf(why, WHY, "front end asks for %llu queues; we offer one", queues);
        return -1;
    }
    if (xenbus_node_read_uint(xb, fe, "request-rx-copy", &copy) != 0 || copy != 1) {
        snprintf(why, WHY, "front end does not ask for receive by copy (request-rx-copy): we only copy");
        return -1;
    }
    if (xenbus_node_read_uint(xb, fe, "tx-ring-ref", &n->tx_ref) != 0 || n->tx_ref > 0xffffffffu ||
        xenbus_node_read_uint(xb, fe, "rx-ring-ref", &n->rx_ref) != 0 || n->rx_ref > 0xffffffffu) {
        snprintf(why, WHY, "front end's tx-ring-ref or rx-ring-ref missing or invalid");
        return -1;
    }
    if (xenbus_node_read_uint(xb, fe, "event-channel", &n->tx_port) == 0)
        n->rx_port = n->tx_port;
    else if (xenbus_node_read_uint(xb, fe, "event-channel-tx", &n->tx_port) != 0 ||
             xenbus_node_read_uint(xb, fe, "event-channel-rx", &n->rx_port) != 0)
        n->tx_port = 0;
    if (!valid_port(n->tx_port) || !valid_port(n->rx_port)) {
        snprintf(why, WHY, "front end's event-channel (or -tx and -rx) missing or invalid");
        return -1;
    }
    n->feat.sg = fe_flag(v, "feature-sg", false);
    n->feat.gso_tcpv4 = n->feat.sg && fe_flag(v, "feature-gso-tcpv4", false);
    n->feat.gso_tcpv6 = n->feat.sg && fe_flag(v, "feature-gso-tcpv6", false);
    n->feat.csum_offload = !fe_flag(v, "feature-no-csum-offload", false);
    n->feat.ipv6_csum = fe_flag(v, "feature-ipv6-csum-offload", false);
    return 0;
}

/* ---- Connection ------------------------------------------------------------ */

/* The loop polls every ring after each wake-up: the event only wakes it. */
static void on_ring_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
}

static void unbind(struct vif *v)
{
    if (v->rx_evtchn && v->rx_evtchn != v->tx_evtchn) {
        evtchn_set_handler(v->rx_evtchn, NULL, NULL);
        (void)evtchn_close(v->rx_evtchn);
    }
    if (v->tx_evtchn) {
        evtchn_set_handler(v->tx_evtchn, NULL, NULL);
        (void)evtchn_close(v->tx_evtchn);
    }
    if (v->rx_ring)
        (void)gnttab_unmap(v->rx_ring, v->rx_handle);
    if (v->tx_ring)
        (void)gnttab_unmap(v->tx_ring, v->tx_handle);
    v->tx_evtchn = v->rx_evtchn = 0;
    v->tx_ring = v->rx_ring = NULL;
}

/* Map both rings, bind the channel(s). 0, or -1 with why set (nothing kept). */
static int bind(struct vif *v, const struct fe_nodes *n, char *why)
{
    int st;
    long r;

    if ((st = gnttab_map(v->dev.fe_domid, (grant_ref_t)n->tx_ref, false, &v->tx_ring, &v->tx_handle)) != GNTST_okay ||
        (st = gnttab_map(v->dev.fe_domid, (grant_ref_t)n->rx_ref, false, &v->rx_ring, &v->rx_handle)) != GNTST_okay) {
        snprintf(why, WHY, "cannot map a ring (grants %llu, %llu: status %d)", n->tx_ref, n->rx_ref, st);
        unbind(v);
        return -1;
    }
    if ((r = evtchn_bind_interdomain(v->dev.fe_domid, (evtchn_port_t)n->tx_port, &v->tx_evtchn)) != 0 ||
        (n->rx_port != n->tx_port &&
         (r = evtchn_bind_interdomain(v->dev.fe_domid, (evtchn_port_t)n->rx_port, &v->rx_evtchn)) != 0)) {
        snprintf(why, WHY, "cannot bind the event channel(s) (ports %llu, %llu: %ld)", n->tx_port, n->rx_port, r);
        unbind(v);
        return -1;
    }
    if (n->rx_port == n->tx_port)
        v->rx_evtchn = v->tx_evtchn;
    evtchn_set_handler(v->tx_evtchn, on_ring_event, v);
    evtchn_set_handler(v->rx_evtchn, on_ring_event, v);
    return 0;
}

static void connect(struct vif *v)
{
    static const struct switch_port_ops ops = { .xmit = netback_xmit };
    struct switch_port_cfg cfg;
    struct fe_nodes n;
    char why[WHY];

    if (read_cfg(v, &cfg, why) != 0 || read_fe(v, &n, why) != 0) {
        fail(v, why);
        return;
    }
    if (!(v->conn = malloc(sizeof(*v->conn)))) {
        fail(v, "no memory for the connection");
        return;
    }
    if (bind(v, &n, why) != 0) {
        free(v->conn);
        v->conn = NULL;
        fail(v, why);
        return;
    }
    cfg.csum_partial_ok = n.feat.csum_offload;
    cfg.gso_tcpv4_ok = n.feat.gso_tcpv4;
    cfg.gso_tcpv6_ok = n.feat.gso_tcpv6;
    netback_conn_init(v->conn, &vif_env, NULL, v->dev.fe_domid, 0, &n.feat, v->tx_ring, v->rx_ring, cfg.name);
    if ((v->port = switch_port_add(&cfg, &ops, v->conn)) < 0) {
        snprintf(why, WHY, "the switch refuses the port (%d)", v->port);
        unbind(v);
        free(v->conn);
        v->conn = NULL;
        fail(v, why);
        return;
    }
    v->conn->port = v->port;
    if (v->dev.state != XenbusStateConnected)
        xenbus_backend_set_state(xb, &v->dev, XenbusStateConnected);
    /* One event each whatever the rings say: an instance before us may
     * have published responses and died before telling. */
    (void)evtchn_send(v->tx_evtchn);
    if (v->rx_evtchn != v->tx_evtchn)
        (void)evtchn_send(v->rx_evtchn);
    printf("netdrv: vif%u.%u: connected (rings %llu/%llu, ports %llu/%llu)\n", v->dev.fe_domid, v->dev.devid, n.tx_ref,
           n.rx_ref, n.tx_port, n.rx_port);
}

/* The port goes first (no more frames queued), then the rings. */
static void disconnect(struct vif *v)
{
    if (!v->conn)
        return;
    const struct netback_counters *n = &v->conn->stats;
    struct switch_counters sc = { 0 };

    (void)switch_counters_get(v->port, &sc);
    switch_port_del(v->port);
    netback_conn_stop(v->conn);
    printf("netdrv: vif%u.%u: disconnected (from the guest %llu frames, %llu errors, %llu dropped; to it %llu frames, "
           "%llu errors, %llu dropped; switch dropped %llu, spoofed %llu)\n",
           v->dev.fe_domid, v->dev.devid, (unsigned long long)n->tx_frames, (unsigned long long)n->tx_errors,
           (unsigned long long)n->tx_dropped, (unsigned long long)n->rx_frames, (unsigned long long)n->rx_errors,
           (unsigned long long)n->rx_dropped, (unsigned long long)sc.dropped, (unsigned long long)sc.spoofed);
    unbind(v);
    free(v->conn);
    v->conn = NULL;
}

/* ---- Entries ------------------------------------------------------------- */

static void op_probe(void *dev)
{
    probe(dev);
}

static void op_connect(void *dev)
{
    connect(dev);
}

static void op_disconnect(void *dev)
{
    disconnect(dev);
}

static bool op_connected(void *dev)
{
    return ((struct vif *)dev)->conn != NULL;
}

static void op_removed(void *dev, const char *why)
{
    struct vif *v = dev;

    printf("netdrv: vif%u.%u: %s\n", v->dev.fe_domid, v->dev.devid, why);
}

static const struct xenbus_backend_ops vif_ops = {
    .probe = op_probe,
    .connect = op_connect,
    .disconnect = op_disconnect,
    .connected = op_connected,
    .removed = op_removed,
};

void vif_scan(void)
{
    xenbus_backend_sync(&table);
}

int vif_init(struct xenbus *bus, uint16_t own_id)
{
    xb = bus;
    self = own_id;
    return (int)xenbus_backend_init(&table, xb, self, "netdrv", "vif", &vif_ops, vifs, sizeof(vifs[0]),
                                    offsetof(struct vif, dev), VIFS_MAX);
}

bool vif_poll(void)
{
    bool moved = false;

    for (unsigned i = 0; i < VIFS_MAX; i++) {
        struct vif *v = &vifs[i];
        if (!v->dev.used || !v->conn)
            continue;
        int r = netback_poll(v->conn, &moved);
        if (r == IDL_RING_BROKEN) {
            disconnect(v);
            v->dev.broken = true;
            xenbus_backend_set_state(xb, &v->dev, XenbusStateClosed);
            moved = true;
            continue;
        }
        if (r & NETBACK_NOTIFY_TX)
            (void)evtchn_send(v->tx_evtchn);
        if ((r & NETBACK_NOTIFY_RX) && (v->rx_evtchn != v->tx_evtchn || !(r & NETBACK_NOTIFY_TX)))
            (void)evtchn_send(v->rx_evtchn);
    }
    return moved;
}

void vif_tick(void)
{
    for (unsigned i = 0; i < VIFS_MAX; i++)
        if (vifs[i].dev.used && vifs[i].conn)
            netback_watch_tick(vifs[i].conn);
}

unsigned vif_count(void)
{
    return xenbus_backend_count(&table);
}

bool vif_counters(uint16_t fe_domid, uint32_t handle, struct netback_counters *out)
{
    for (unsigned i = 0; i < VIFS_MAX; i++) {
        const struct vif *v = &vifs[i];
        if (v->dev.used && v->conn && v->dev.fe_domid == fe_domid && v->dev.devid == handle) {
            *out = v->conn->stats;
            return true;
        }
    }
    return false;
}
