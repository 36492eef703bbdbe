/* SPDX-License-Identifier: MIT */
/*
 * The netif ring engine (netback.h). Each poll works in batches: take
 * the complete packets (or the frames that fit the posted pages), queue
 * their grant copies, run them in one call, answer every slot in ring
 * order, push. A transmit slot's copy of its request lives in tx_slot[]
 * from its consumption to its response; a packet whose chain is not
 * published in full yet stays there, consumed and unanswered, until the
 * rest comes.
 */
#include "netback.h"

#include <stdio.h>
#include <string.h>

#include "idl/gnttab.h"
#include "idl/xen_errno.h"
#include "offload.h"
#include "proto.h"
#include "switch.h"

_Static_assert(sizeof(struct netif_extra_info) <= sizeof(struct netif_tx_request), "an extra slot is a tx slot");
_Static_assert(sizeof(struct netif_extra_info) == sizeof(struct netif_rx_response), "an extra slot is an rx slot");
_Static_assert(NETBACK_COPIES_MAX >= 2 * (XEN_NETIF_NR_SLOTS_MIN + 1), "one packet's copies fit a batch");

#define TX_MASK (NETIF_TX_RING_SIZE - 1)
#define RX_MASK (NETIF_RX_RING_SIZE - 1)

/* What decoding the packet at the front of the transmit slots found. */
#define TX_INCOMPLETE 0 /* its chain is not all published yet */

static void conn_log(struct netback_conn *c, const char *what)
{
    char line[160];

    snprintf(line, sizeof(line), "netdrv: %s: %s", c->name, what);
    c->env->log(c->ctx, line);
}

void netback_conn_init(struct netback_conn *c, const struct netback_env *env, void *ctx, uint16_t domid, int port,
                       const struct netback_features *feat, struct netif_tx_sring *tx, struct netif_rx_sring *rx,
                       const char *name)
{
    memset(c, 0, sizeof(*c));
    c->env = env;
    c->ctx = ctx;
    c->domid = domid;
    c->port = port;
    c->feat = *feat;
    c->rxq_max = NETBACK_RXQ_MAX;
    snprintf(c->name, sizeof(c->name), "%s", name);
    /* Read once each: every request from there on is unanswered. */
    netif_tx_back_init_at(&c->tx, tx, __atomic_load_n(&tx->rsp_prod, __ATOMIC_ACQUIRE));
    netif_rx_back_init_at(&c->rx, rx, __atomic_load_n(&rx->rsp_prod, __ATOMIC_ACQUIRE));
}

/* Queue copies of len bytes between [offset, offset + len) of gref's page
 * and local, split where local crosses one of our page boundaries. */
static unsigned add_copy(struct netback_conn *c, unsigned n, uint32_t gref, uint16_t offset, uint8_t *local,
                         unsigned len, bool to_guest)
{
    while (len) {
        unsigned room = NETBACK_PAGE - (unsigned)((uintptr_t)local & (NETBACK_PAGE - 1));
        unsigned chunk = len < room ? len : room;
        c->copies[n++] = (struct netback_copy){ gref, offset, (uint16_t)chunk, local, to_guest, 0 };
        offset = (uint16_t)(offset + chunk);
        local += chunk;
        len -= chunk;
    }
    return n;
}

static bool copies_ok(const struct netback_conn *c, unsigned first, unsigned n)
{
    for (unsigned i = first; i < first + n; i++)
        if (c->copies[i].status != GNTST_okay)
            return false;
    return true;
}

/* ---- Transmit ---------------------------------------------------------- */

/* Every published request into tx_slot (each read once, by the helper).
 * 0, or IDL_RING_BROKEN. */
static int tx_take(struct netback_conn *c)
{
    for (;;) {
        uint32_t index = c->tx.req_cons;
        struct netif_tx_request req;
        int r = netif_tx_back_get_request(&c->tx, &req);
        if (r < 0)
            return r;
        if (r == 0)
            return 0;
        c->tx_slot[index & TX_MASK] = (struct netback_tx_slot){ .req = req };
    }
}

static struct netif_extra_info tx_extra(const struct netback_conn *c, uint32_t index)
{
    struct netif_extra_info ex;

    memcpy(&ex, &c->tx_slot[index & TX_MASK].req, sizeof(ex));
    return ex;
}

/* A packet's shape: how many slots, which hold extras, data slot count.
 * The slot count, or TX_INCOMPLETE, or IDL_RING_BROKEN. */
static int tx_chain(struct netback_conn *c, uint32_t first, unsigned *ndata)
{
    uint32_t avail = c->tx.req_cons - first;
    uint16_t flags = c->tx_slot[first & TX_MASK].req.flags;
    unsigned slots = 1, extras = 0;
    bool more;

    *ndata = 1;
    for (more = flags & NETTXF_extra_info; more;) {
        if (slots >= avail)
            return TX_INCOMPLETE;
        if (++extras > NETBACK_TX_EXTRAS_MAX)
            return IDL_RING_BROKEN;
        c->tx_slot[(first + slots) & TX_MASK].extra = true;
        more = tx_extra(c, first + slots).flags & XEN_NETIF_EXTRA_FLAG_MORE;
        slots++;
    }
    for (more = flags & NETTXF_more_data; more;) {
        if (slots >= avail)
            return TX_INCOMPLETE;
        if (++*ndata > XEN_NETIF_NR_SLOTS_MIN)
            return IDL_RING_BROKEN;
        more = c->tx_slot[(first + slots) & TX_MASK].req.flags & NETTXF_more_data;
        slots++;
    }
    return (int)slots;
}

/* The extras of the packet at first: a GSO request into t's frame-to-be.
 * NETIF_RSP_OKAY or NETIF_RSP_ERROR. */
static int16_t tx_extras(const struct netback_conn *c, uint32_t first, unsigned slots, uint8_t *gso_type,
                         uint16_t *gso_size)
{
    *gso_type = PKT_GSO_NONE;
    *gso_size = 0;
    for (uint32_t i = first + 1; i != first + slots; i++) {
        if (!c->tx_slot[i & TX_MASK].extra)
            break;
        struct netif_extra_info ex = tx_extra(c, i);
        switch (ex.type) {
        case XEN_NETIF_EXTRA_TYPE_GSO:
            if ((ex.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 && ex.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6) ||
                ex.u.gso.size == 0)
                return NETIF_RSP_ERROR;
            *gso_type = ex.u.gso.type;
            *gso_size = ex.u.gso.size;
            break;
        case XEN_NETIF_EXTRA_TYPE_MCAST_ADD:
        case XEN_NETIF_EXTRA_TYPE_MCAST_DEL:
        case XEN_NETIF_EXTRA_TYPE_HASH: break; /* no multicast filter, no hash use: ignored */
        default: return NETIF_RSP_ERROR;
        }
    }
    return NETIF_RSP_OKAY;
}

/* Sizes of the data slots: each inside its page, the continuations'
 * sum below the first's total. The first slot's own bytes, or -1. */
static int tx_sizes(const struct netback_conn *c, uint32_t first, unsigned slots)
{
    const struct netif_tx_request *head = &c->tx_slot[first & TX_MASK].req;
    unsigned rest = 0;

    if (head->size < PKT_ETH_HLEN)
        return -1;
    for (uint32_t i = first + 1; i != first + slots; i++) {
        const struct netback_tx_slot *s = &c->tx_slot[i & TX_MASK];
        if (s->extra)
            continue;
        if ((unsigned)s->req.offset + s->req.size > NETBACK_PAGE)
            return -1;
        rest += s->req.size;
    }
    if (rest > head->size || (unsigned)head->offset + (head->size - rest) > NETBACK_PAGE)
        return -1;
    return (int)(head->size - rest);
}

/* Decode the packet of slots [first, first + slots) into batch entry k,
 * queue its copies from copy n on. Returns the copies queued after it. */
static unsigned tx_decode(struct netback_conn *c, uint32_t first, unsigned slots, unsigned k, unsigned n)
{
    struct netback_tx_pkt *t = &c->tx_pkt[k];
    const struct netif_tx_request *head = &c->tx_slot[first & TX_MASK].req;
    int head_len = tx_sizes(c, first, slots);
    uint8_t gso_type;
    uint16_t gso_size;
    uint8_t *at;

    *t = (struct netback_tx_pkt){ .status = NETIF_RSP_OKAY, .flags = head->flags, .copy_first = n };
    for (uint32_t i = first; i != first + slots; i++)
        c->tx_slot[i & TX_MASK].pkt = (uint16_t)k;
    t->status = tx_extras(c, first, slots, &gso_type, &gso_size);
    if (t->status == NETIF_RSP_OKAY && head_len < 0)
        t->status = NETIF_RSP_ERROR;
    if (t->status != NETIF_RSP_OKAY)
        return n;
    if (!(t->p = pkt_alloc(head->size))) {
        t->status = NETIF_RSP_DROPPED;
        return n;
    }
    t->p->gso_type = gso_type;
    t->p->gso_size = gso_size;
    at = t->p->data;
    n = add_copy(c, n, head->gref, head->offset, at, (unsigned)head_len, false);
    at += head_len;
    for (uint32_t i = first + 1; i != first + slots; i++) {
        const struct netback_tx_slot *s = &c->tx_slot[i & TX_MASK];
        if (s->extra)
            continue;
        n = add_copy(c, n, s->req.gref, s->req.offset, at, s->req.size, false);
        at += s->req.size;
    }
    t->copy_n = n - t->copy_first;
    return n;
}

/* After the copies: the frame's checksum state, or the packet's failure. */
static void tx_finish(struct netback_conn *c, struct netback_tx_pkt *t)
{
    if (!t->p)
        return;
    if (!copies_ok(c, t->copy_first, t->copy_n))
        t->status = NETIF_RSP_ERROR; /* a grant it did not give us, or not for reading */
    else if ((t->flags & NETTXF_csum_blank) && offload_csum_setup(t->p) != 0)
        t->status = NETIF_RSP_DROPPED;
    else if (!(t->flags & NETTXF_csum_blank) && (t->flags & NETTXF_data_validated))
        t->p->flags |= PKT_CSUM_VALID;
    if (t->status != NETIF_RSP_OKAY) {
        pkt_put(t->p);
        t->p = NULL;
    }
}

/* Every slot up to req_cons that belongs to a decoded packet, answered in
 * ring order; then the frames to the switch. True when the front end wants an event. */
static bool tx_answer(struct netback_conn *c, uint32_t end, unsigned npkts)
{
    bool notify;

    while (c->tx.rsp_prod_pvt != end) {
        const struct netback_tx_slot *s = &c->tx_slot[c->tx.rsp_prod_pvt & TX_MASK];
        struct netif_tx_response *rsp = netif_tx_back_rsp_slot(&c->tx);
        rsp->id = s->extra ? 0 : s->req.id;
        rsp->status = s->extra ? (int16_t)NETIF_RSP_NULL : c->tx_pkt[s->pkt].status;
    }
    notify = netif_tx_back_push_responses(&c->tx);
    for (unsigned k = 0; k < npkts; k++) {
        struct netback_tx_pkt *t = &c->tx_pkt[k];
        if (t->status == NETIF_RSP_ERROR)
            c->stats.tx_errors++;
        else if (t->status == NETIF_RSP_DROPPED)
            c->stats.tx_dropped++;
        if (!t->p)
            continue;
        c->stats.tx_frames++;
        c->stats.tx_bytes += t->p->len;
        switch_input(c->port, t->p);
        t->p = NULL;
    }
    return notify;
}

/* One batch: the complete packets whose copies fit. 1: more may follow;
 * 0: done; IDL_RING_BROKEN. *notify gathers the push's answer. */
static int tx_batch(struct netback_conn *c, bool *notify)
{
    uint32_t at = c->tx.rsp_prod_pvt;
    unsigned k = 0, n = 0, ndata;
    int slots = TX_INCOMPLETE;

    while (at != c->tx.req_cons && n + 2 * (XEN_NETIF_NR_SLOTS_MIN + 1) <= NETBACK_COPIES_MAX) {
        if ((slots = tx_chain(c, at, &ndata)) <= 0)
            break;
        n = tx_decode(c, at, (unsigned)slots, k++, n);
        at += (uint32_t)slots;
    }
    if (slots == IDL_RING_BROKEN) {
        conn_log(c, "the front end's transmit packet has too many slots: connection closed");
        for (unsigned i = 0; i < k; i++)
            if (c->tx_pkt[i].p)
                pkt_put(c->tx_pkt[i].p);
        return IDL_RING_BROKEN;
    }
    if (k == 0)
        return 0;
    if (n)
        c->env->copy(c->ctx, c->domid, c->copies, n);
    for (unsigned i = 0; i < k; i++)
        tx_finish(c, &c->tx_pkt[i]);
    *notify |= tx_answer(c, at, k);
    return slots > 0 && at != c->tx.req_cons ? 1 : 0; /* cut by the copies' room */
}

static int tx_poll(struct netback_conn *c, bool *notify, bool *moved)
{
    for (;;) {
        uint32_t taken = c->tx.req_cons, answered = c->tx.rsp_prod_pvt;
        int r = tx_take(c);
        if (r == 0)
            r = tx_batch(c, notify);
        else
            conn_log(c, "the front end's transmit ring indices are impossible: connection closed");
        if (c->tx.req_cons != taken || c->tx.rsp_prod_pvt != answered)
            *moved = true;
        if (r < 0)
            return r;
        if (r > 0)
            continue; /* the batch was full */
        /* All answered that can be: ask for an event, look once more. */
        if ((r = netif_tx_back_final_check(&c->tx)) < 0) {
            conn_log(c, "the front end's transmit ring indices are impossible: connection closed");
            return r;
        }
        if (r == 0)
            return 0;
    }
}

/* ---- Receive ----------------------------------------------------------- */

/* Whether the front end can take p as it is. */
static bool rx_fits(const struct netback_conn *c, const struct pkt *p)
{
    if (p->len < PKT_ETH_HLEN || p->len > 0xffff || (p->len > NETBACK_PAGE && !c->feat.sg))
        return false;
    if (p->gso_type == PKT_GSO_NONE)
        return true;
    return (p->gso_type == PKT_GSO_TCPV4 && c->feat.gso_tcpv4) || (p->gso_type == PKT_GSO_TCPV6 && c->feat.gso_tcpv6);
}

static bool frame_is_ipv6(const struct pkt *p)
{
    return p->len >= ETH_HLEN && get_be16(p->data + ETH_OFF_TYPE) == ETH_TYPE_IPV6;
}

/* A partial checksum the front end cannot take (the switch completes
 * them for a port without csum_partial_ok; IPv6 without
 * feature-ipv6-csum-offload is ours to do): completed on our own copy. */
static struct pkt *rx_csum_fixup(const struct netback_conn *c, struct pkt *p)
{
    if (!(p->flags & PKT_CSUM_PARTIAL) || (c->feat.csum_offload && (c->feat.ipv6_csum || !frame_is_ipv6(p))))
        return p;
    if (!(p = pkt_unshare(p)))
        return NULL;
    if (offload_csum_complete(p) != 0) {
        pkt_put(p);
        return NULL;
    }
    return p;
}

void netback_xmit(void *ctx, struct pkt *p)
{
    struct netback_conn *c = ctx;

    if (c->stopped || c->rxq.n >= c->rxq_max || !rx_fits(c, p)) {
        c->stats.rx_dropped++;
        pkt_put(p);
        return;
    }
    if (!(p = rx_csum_fixup(c, p))) {
        c->stats.rx_dropped++;
        return;
    }
    /* A frame the switch flooded is held by every port it went to, and a
     * queue links its frames through the frame itself: our own copy, or
     * two vifs' queues would run into each other. */
    if (p->refs > 1 && !(p = pkt_unshare(p))) {
        c->stats.rx_dropped++;
        return;
    }
    pktq_push(&c->rxq, p);
}

unsigned netback_rx_waiting(const struct netback_conn *c)
{
    return c->rxq.n;
}

static uint16_t rx_csum_flags(const struct pkt *p)
{
    if (p->flags & PKT_CSUM_PARTIAL)
        return NETRXF_csum_blank | NETRXF_data_validated;
    if (p->flags & PKT_CSUM_VALID)
        return NETRXF_data_validated;
    return 0;
}

/* Take the requests frame f needs (all are pending) and queue its copies
 * from n on. Returns the copies queued after it. */
static unsigned rx_plan(struct netback_conn *c, unsigned f, struct pkt *p, unsigned n)
{
    struct netback_rx_frame *fr = &c->rx_frame[f];
    uint32_t left = p->len;
    uint8_t *at = p->data;
    bool first = true;

    *fr = (struct netback_rx_frame){ .p = p, .copy_first = n };
    while (left) {
        struct netif_rx_request req = { 0 };
        uint32_t index = c->rx.req_cons;
        uint16_t len = (uint16_t)(left < NETBACK_PAGE ? left : NETBACK_PAGE);
        (void)netif_rx_back_get_request(&c->rx, &req); /* pending was counted */
        struct netback_rx_slot *s = &c->rx_slot[index & RX_MASK];
        *s = (struct netback_rx_slot){ .id = req.id, .len = len, .frame = (uint16_t)f };
        s->flags = (uint16_t)((first ? rx_csum_flags(p) : 0) | (left > len ? NETRXF_more_data : 0));
        n = add_copy(c, n, req.gref, 0, at, len, true);
        at += len;
        left -= len;
        if (first && p->gso_type != PKT_GSO_NONE) {
            s->flags |= NETRXF_extra_info;
            index = c->rx.req_cons;
            (void)netif_rx_back_get_request(&c->rx, &req);
            c->rx_slot[index & RX_MASK] = (struct netback_rx_slot){ .extra = true,
                                                                    .frame = (uint16_t)f,
                                                                    .gso = { p->gso_size, p->gso_type, 0, 0 } };
        }
        first = false;
    }
    fr->copy_n = n - fr->copy_first;
    return n;
}

static void rx_answer_slot(struct netback_conn *c, const struct netback_rx_slot *s, bool ok)
{
    void *slot = netif_rx_back_rsp_slot(&c->rx);

    if (s->extra) {
        struct netif_extra_info ex = { .type = XEN_NETIF_EXTRA_TYPE_GSO, .flags = 0 };
        ex.u.gso = s->gso;
        memcpy(slot, &ex, sizeof(ex));
        return;
    }
    struct netif_rx_response rsp = { .id = s->id, .offset = 0, .flags = s->flags };
    rsp.status = ok ? (int16_t)s->len : (int16_t)NETIF_RSP_ERROR;
    memcpy(slot, &rsp, sizeof(rsp));
}

/* The batch's copies, then every slot answered in ring order. */
static bool rx_answer(struct netback_conn *c, unsigned nframes, unsigned n)
{
    if (n)
        c->env->copy(c->ctx, c->domid, c->copies, n);
    while (c->rx.rsp_prod_pvt != c->rx.req_cons) {
        const struct netback_rx_slot *s = &c->rx_slot[c->rx.rsp_prod_pvt & RX_MASK];
        const struct netback_rx_frame *fr = &c->rx_frame[s->frame];
        rx_answer_slot(c, s, copies_ok(c, fr->copy_first, fr->copy_n));
    }
    for (unsigned f = 0; f < nframes; f++) {
        struct netback_rx_frame *fr = &c->rx_frame[f];
        if (copies_ok(c, fr->copy_first, fr->copy_n)) {
            c->stats.rx_frames++;
            c->stats.rx_bytes += fr->p->len;
        } else {
            c->stats.rx_errors++;
        }
        pkt_put(fr->p);
    }
    return netif_rx_back_push_responses(&c->rx);
}

/* The receive slots p takes: its pages, and the GSO extra's. */
static unsigned rx_need(const struct pkt *p)
{
    return (p->len + NETBACK_PAGE - 1) / NETBACK_PAGE + (p->gso_type != PKT_GSO_NONE);
}

/* Requests pending on the receive ring, asking for an event when fewer
 * than need. A count, or IDL_RING_BROKEN. */
static int rx_pending(struct netback_conn *c, unsigned need)
{
    int r = netif_rx_back_pending(&c->rx);

    if (r >= 0 && (unsigned)r < need)
        r = netif_rx_back_final_check(&c->rx);
    return r;
}

/* One batch of frames, as many as the posted pages and the copies hold.
 * 1: more may follow; 0: done; IDL_RING_BROKEN. */
static int rx_batch(struct netback_conn *c, bool *notify)
{
    unsigned nframes = 0, n = 0;
    bool full = false;

    while (c->rxq.head) {
        const struct pkt *p = c->rxq.head;
        unsigned slots = (p->len + NETBACK_PAGE - 1) / NETBACK_PAGE;
        unsigned need = rx_need(p);
        int r = rx_pending(c, need);
        if (r < 0) {
            conn_log(c, "the front end's receive ring indices are impossible: connection closed");
            return IDL_RING_BROKEN;
        }
        if ((unsigned)r < need)
            break; /* wait for more pages (the event is asked for) */
        if (n + 2 * slots > NETBACK_COPIES_MAX) {
            full = true;
            break;
        }
        n = rx_plan(c, nframes++, pktq_pop(&c->rxq), n);
    }
    if (nframes == 0)
        return 0;
    *notify |= rx_answer(c, nframes, n);
    return full ? 1 : 0;
}

static int rx_poll(struct netback_conn *c, bool *notify, bool *moved)
{
    uint32_t before = c->rx.rsp_prod_pvt;
    int r;

    /* Looked at whether frames wait or not: a broken ring closes now. */
    if (netif_rx_back_pending(&c->rx) < 0) {
        conn_log(c, "the front end's receive ring indices are impossible: connection closed");
        return IDL_RING_BROKEN;
    }
    while ((r = rx_batch(c, notify)) > 0)
        ;
    if (c->rx.rsp_prod_pvt != before)
        *moved = true;
    return r;
}

int netback_poll(struct netback_conn *c, bool *moved)
{
    bool tx_notify = false, rx_notify = false, dummy = false;
    int r;

    if (!moved)
        moved = &dummy;
    if (c->stopped)
        return 0;
    if ((r = tx_poll(c, &tx_notify, moved)) < 0)
        return r;
    if ((r = rx_poll(c, &rx_notify, moved)) < 0)
        return r;
    return (tx_notify ? NETBACK_NOTIFY_TX : 0) | (rx_notify ? NETBACK_NOTIFY_RX : 0);
}

/* ---- The stall watch ---------------------------------------------------- */

/* One ring's tick: owing says whether the front end owes a move. */
static void watch_ring(struct netback_conn *c, struct netback_watch *w, const char *ring, bool owing,
                       uint32_t rsp_event, uint32_t req_prod, uint32_t req_cons, uint32_t rsp_prod)
{
    char line[128];
    bool same = w->seen[0] == rsp_event && w->seen[1] == req_prod;

    if (owing && same) {
        if (++w->ticks == NETBACK_STALL_TICKS) {
            snprintf(line, sizeof(line),
                     "the front end has not moved on its %s ring for %u s (rsp_prod %u, rsp_event %u, req_prod %u, "
                     "req_cons %u, queued %u)",
                     ring, NETBACK_STALL_TICKS, rsp_prod, rsp_event, req_prod, req_cons, c->rxq.n);
            conn_log(c, line);
        }
    } else {
        if (w->ticks >= NETBACK_STALL_TICKS) {
            snprintf(line, sizeof(line), "the front end moved on its %s ring again after %u s", ring, w->ticks);
            conn_log(c, line);
        }
        w->ticks = 0;
    }
    w->seen[0] = rsp_event;
    w->seen[1] = req_prod;
}

void netback_watch_tick(struct netback_conn *c)
{
    uint32_t ev, prod;

    if (c->stopped)
        return;
    ev = __atomic_load_n(&c->tx.sring->rsp_event, __ATOMIC_RELAXED);
    prod = __atomic_load_n(&c->tx.sring->req_prod, __ATOMIC_RELAXED);
    /* Owing on transmit: responses it asked to hear of, or the rest of a
     * packet whose first slots we hold. */
    watch_ring(c, &c->tx_watch, "transmit",
               (uint32_t)(c->tx.rsp_pushed - ev) < 0x80000000u || c->tx.rsp_prod_pvt != c->tx.req_cons, ev, prod,
               c->tx.req_cons, c->tx.rsp_pushed);
    ev = __atomic_load_n(&c->rx.sring->rsp_event, __ATOMIC_RELAXED);
    prod = __atomic_load_n(&c->rx.sring->req_prod, __ATOMIC_RELAXED);
    watch_ring(c, &c->rx_watch, "receive",
               (uint32_t)(c->rx.rsp_pushed - ev) < 0x80000000u ||
                   (c->rxq.head && (uint32_t)(prod - c->rx.req_cons) < rx_need(c->rxq.head)),
               ev, prod, c->rx.req_cons, c->rx.rsp_pushed);
}

void netback_conn_stop(struct netback_conn *c)
{
    c->stopped = true;
    c->stats.rx_dropped += c->rxq.n;
    pktq_purge(&c->rxq);
}
