/* SPDX-License-Identifier: MIT */
/*
 * One netif connection's ring engine (Xen's io/netif.h): the guest's
 * transmit ring (its packets, grant-copied into frames of pkt.h and given
 * to the switch) and its receive ring (frames the switch queued for it,
 * grant-copied into the pages it posted). Both rings go through the
 * generated helpers of idl/netif.h, which refuse indices past the ring.
 *
 * Every response leaves in ring order, and a request is answered in the
 * same poll that took it, so after a crash the requests from the shared
 * rsp_prod on are exactly the unanswered ones (DESIGN.md, restartable
 * drivers): a new instance takes both rings up there (a transmit done
 * twice is harmless on a network; posted receive pages are simply used).
 *
 * Transmit rules (a documented choice where netif.h leaves one): a packet
 * is a first request (size = the whole packet, at least an Ethernet
 * header), its extra-info slots (GSO, multicast add/del: ignored, hash:
 * ignored) and NETTXF_more_data continuations. A chain of more than
 * XEN_NETIF_NR_SLOTS_MIN data slots or NETBACK_TX_EXTRAS_MAX extra slots
 * breaks the ring (Linux's netfront never sends one). Sizes that do not
 * add up, a slot crossing its page, a bad GSO extra, or a grant copy that
 * fails answer the packet's slots NETIF_RSP_ERROR; no frame to put it in,
 * or a csum_blank packet whose headers offload.h cannot read, answers
 * NETIF_RSP_DROPPED. A chain that runs past req_prod is waited for.
 *
 * Receive: a frame waits in a bounded queue (the newest dropped and
 * counted when full) until the front end has posted enough pages for all
 * of it, 4096 bytes per slot at offset 0, plus one slot for a GSO extra.
 *
 * The grant copies and log lines are the environment's (struct
 * netback_env): vif.c gives the runtime's, the host tests a fake guest.
 * Frames go to switch_input, checksums through offload.h. One thread at a
 * time; the engine holds no lock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/netif.h"
#include "pkt.h"

#define NETBACK_NAME          32
#define NETBACK_TX_EXTRAS_MAX 4u   /* one of each extra type */
#define NETBACK_RXQ_MAX       256u /* frames waiting for the guest's pages */
#define NETBACK_COPIES_MAX    256u /* grant copies in one batch */
#define NETBACK_PAGE          4096u

/* One grant copy between the front end's page and our memory. local is
 * inside one 4 KiB page of ours (the engine splits at page boundaries);
 * [offset, offset + len) inside the granted page. */
struct netback_copy {
    uint32_t gref;
    uint16_t offset;
    uint16_t len;
    void *local;
    bool to_guest;
    int16_t status; /* out: GNTST_okay (0) or a GNTST_* failure */
};

struct netback_env {
    /* Run n copies with domid's grants (one batch); each gets its status. */
    void (*copy)(void *ctx, uint16_t domid, struct netback_copy *c, unsigned n);
    /* One log line (no newline). */
    void (*log)(void *ctx, const char *line);
};

/* What the front end said it can take (its feature-* nodes). */
struct netback_features {
    bool sg;        /* frames of several receive slots */
    bool gso_tcpv4; /* GSO extras on receive */
    bool gso_tcpv6;
    bool csum_offload; /* not feature-no-csum-offload: NETRXF_csum_blank frames */
    bool ipv6_csum;    /* feature-ipv6-csum-offload: the same for IPv6 */
};

/* Counters, named after the rings: tx is what the guest sent, rx what it received. */
struct netback_counters {
    uint64_t tx_frames, tx_bytes;
    uint64_t tx_errors;  /* packets answered NETIF_RSP_ERROR */
    uint64_t tx_dropped; /* packets answered NETIF_RSP_DROPPED */
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_errors;  /* frames whose copy to the guest failed */
    uint64_t rx_dropped; /* queue full, too big for the front end, conn stopped */
};

/* A transmit slot, from its consumption to its response. */
struct netback_tx_slot {
    struct netif_tx_request req; /* the copy taken from the ring (read once) */
    bool extra;                  /* an extra-info slot: answered NETIF_RSP_NULL */
    uint16_t pkt;                /* index into tx_pkt of its packet's batch entry */
};

/* A packet of the transmit batch. */
struct netback_tx_pkt {
    struct pkt *p;               /* NULL unless status is OKAY */
    int16_t status;              /* enum netif_rsp */
    uint16_t flags;              /* the first request's NETTXF_* */
    unsigned copy_first, copy_n; /* its copies in the batch */
};

/* A receive slot of the batch: the response it gets. */
struct netback_rx_slot {
    uint16_t id;
    uint16_t flags; /* NETRXF_* */
    uint16_t len;   /* bytes in the page */
    uint16_t frame; /* index into rx_frame */
    bool extra;     /* holds the GSO extra instead of a response */
    struct netif_extra_gso gso;
};

struct netback_rx_frame {
    struct pkt *p;
    unsigned copy_first, copy_n;
};

/*
 * What netback_watch saw of a ring the front end owes a move on: the
 * shared indices it writes, and for how many ticks they have not moved.
 */
struct netback_watch {
    uint32_t seen[2]; /* the front end's rsp_event and req_prod */
    unsigned ticks;   /* consecutive ticks owing with seen unchanged */
};

#define NETBACK_STALL_TICKS 5 /* ticks (netdrv: seconds) before a ring is logged stalled */

struct netback_conn {
    const struct netback_env *env;
    void *ctx;
    uint16_t domid;
    int port; /* the switch port its frames enter by */
    char name[NETBACK_NAME];
    struct netback_features feat;
    struct netif_tx_back tx;
    struct netif_rx_back rx;
    bool stopped;     /* never touch the rings again */
    struct pktq rxq;  /* frames for the guest */
    unsigned rxq_max; /* its bound (NETBACK_RXQ_MAX) */
    struct netback_counters stats;
    struct netback_watch tx_watch, rx_watch;
    /* Scratch of one poll. */
    struct netback_tx_slot tx_slot[NETIF_TX_RING_SIZE]; /* by ring index */
    struct netback_tx_pkt tx_pkt[NETIF_TX_RING_SIZE];
    struct netback_rx_slot rx_slot[NETIF_RX_RING_SIZE]; /* by ring index */
    struct netback_rx_frame rx_frame[NETIF_RX_RING_SIZE];
    struct netback_copy copies[NETBACK_COPIES_MAX];
};

/* netback_poll's result bits: which rings' front end wants an event. */
#define NETBACK_NOTIFY_TX 0x1
#define NETBACK_NOTIFY_RX 0x2

/*
 * netback_conn_init: serve the two rings (mapped, set up by the front
 * end) for domid, whose frames enter the switch through port. Both rings
 * are taken up where their shared rsp_prod stands.
 */
void netback_conn_init(struct netback_conn *c, const struct netback_env *env, void *ctx, uint16_t domid, int port,
                       const struct netback_features *feat, struct netif_tx_sring *tx, struct netif_rx_sring *rx,
                       const char *name);

/*
 * netback_poll: take and answer the transmit requests there are (their
 * frames to switch_input), then fill posted receive pages with queued
 * frames. Returns NETBACK_NOTIFY_* bits, 0, or IDL_RING_BROKEN when the
 * front end broke a ring (logged once; then stop it: netback_conn_stop).
 * *moved (may be NULL) is set when any slot was consumed or answered.
 */
int netback_poll(struct netback_conn *c, bool *moved) __attribute__((warn_unused_result));

/* netback_xmit: switch_port_ops.xmit for the vif's port (ctx: the conn):
 * queue p for the guest (consumed; dropped and counted when the queue is
 * full or the connection stopped). The next netback_poll delivers it. */
void netback_xmit(void *ctx, struct pkt *p);

/* netback_rx_waiting: frames queued for the guest. */
unsigned netback_rx_waiting(const struct netback_conn *c);

/*
 * netback_watch_tick: called once a tick (netdrv: a second). Logs one
 * line when the front end has, for NETBACK_STALL_TICKS ticks, neither
 * taken responses it asked to hear of (its rsp_event among the published
 * ones) nor, with frames waiting for it, posted receive pages; and one
 * line when it moves again. A Linux front end does both only from its
 * interrupt, so such a line means an event it never took.
 */
void netback_watch_tick(struct netback_conn *c);

/* netback_conn_stop: never touch the rings again (they are about to be
 * unmapped); queued frames are put. */
void netback_conn_stop(struct netback_conn *c);
