/* SPDX-License-Identifier: MIT */
/*
 * nethostile: a netif front end (idl/netif.idl) that speaks the protocol
 * badly on purpose, to show that a network back end answers every bad
 * transmit request with an error in ring order, and closes a broken ring,
 * and only that vif. vif.c does the XenStore handshake (as Linux's
 * xen-netfront: straight to Connected) and moves one packet at a time;
 * cases.c holds the table of packets and what each slot must get back.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/netif.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h" /* XenbusState* */
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/xenbus.h"

#define NETH_PATH_MAX    128
#define NETH_SEC         1000000000ull
#define NETH_CONNECT_NS  (120 * NETH_SEC)   /* the back end may start after us */
#define NETH_RESPONSE_NS (10 * NETH_SEC)    /* longest wait for one response */
#define NETH_QUIET_NS    (200 * 1000000ull) /* then nothing more may arrive */
#define NETH_CLOSE_NS    (20 * NETH_SEC)    /* the back end closes a broken ring within this */
#define NETH_MAX_VIFS    2

/* One vif, from this end. */
struct neth_vif {
    char front[NETH_PATH_MAX]; /* device/vif/<handle> (relative to the home) */
    char back[NETH_PATH_MAX];  /* the back end's directory, as "backend" names it */
    uint32_t handle;
    uint16_t backend_id;
    uint8_t mac[6];
    /* The connection: both rings, one event channel (as Linux's netfront
     * without split channels). */
    struct netif_tx_sring *tx_sring;
    struct netif_rx_sring *rx_sring;
    struct netif_tx_front tx;
    struct netif_rx_front rx;
    grant_ref_t tx_ref, rx_ref;
    evtchn_port_t port;
    bool connected;
};

/* neth_xenbus: the domain's XenStore client, connected by main. */
struct xenbus *neth_xenbus(void);

/* neth_vif_find: the vifs the toolstack wrote under device/vif, up to max,
 * waiting for the first until timeout_ns. Returns how many. */
unsigned neth_vif_find(struct neth_vif *v, unsigned max, uint64_t timeout_ns);

/* neth_vif_connect: wait for the back end's InitWait, grant both ring
 * pages, offer a port, publish them with our features and state
 * Connected, wait for the back end's Connected. 0, or a negative Xen
 * errno with one line saying where it stopped. */
long neth_vif_connect(struct neth_vif *v);

/* neth_vif_backend_state: the back end's state node (XenbusState*);
 * XenbusStateUnknown when it is missing or not a state. */
uint32_t neth_vif_backend_state(const struct neth_vif *v);

/* neth_vif_wait_closed: the back end's state reaches Closing or beyond
 * within timeout_ns. */
bool neth_vif_wait_closed(const struct neth_vif *v, uint64_t timeout_ns);

/* neth_vif_tx_slot: the next transmit slot, zeroed (NULL if the ring is
 * full). neth_vif_tx_push publishes what was filled and notifies. */
struct netif_tx_request *neth_vif_tx_slot(struct neth_vif *v);
void neth_vif_tx_push(struct neth_vif *v);

/* neth_vif_tx_response: the next transmit response within timeout_ns:
 * 1, 0 on timeout, IDL_RING_BROKEN when the back end broke the ring. */
int neth_vif_tx_response(struct neth_vif *v, struct netif_tx_response *rsp, uint64_t timeout_ns);

/* neth_vif_quiet: no further transmit response arrives within ns. */
bool neth_vif_quiet(struct neth_vif *v, uint64_t ns);

/* neth_vif_rx_break: publish a receive request index past the ring and notify. */
void neth_vif_rx_break(struct neth_vif *v);

/* neth_vif_disconnect: this end to Closing, then Closed; the grants ended
 * and the port closed once the back end let go. */
void neth_vif_disconnect(struct neth_vif *v);

/* neth_cases_run: every case of the table on vif a, then b's receive
 * ring broken (b closed, a still served), then a's transmit ring broken
 * by a packet of too many slots (a closed). */
void neth_cases_run(struct neth_vif *a, struct neth_vif *b);
