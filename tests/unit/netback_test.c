/* SPDX-License-Identifier: MIT */
/*
 * Tests of the netif engine (domains/netdrv/netback.c) between a front
 * end built from the generated ring helpers (idl/netif.h) and the fake
 * guest of netback_fake.c: a transmit packet of several fragments with a
 * GSO extra and a blank checksum, the malformed requests of every kind
 * (their status, or a broken ring), a chain published in two parts,
 * receive across several pages with more_data and a GSO extra, frames
 * waiting for pages, a full queue, event suppression, and a second
 * engine taking both rings over from their shared rsp_prod.
 */
#include "netback.h"

#include "harness.h"
#include "idl/xen_errno.h"
#include "netback_fake.h"

#include <stdlib.h>
#include <string.h>

#define PORT 7

struct rig {
    struct nb_fake fake;
    struct netif_tx_sring *txs;
    struct netif_rx_sring *rxs;
    struct netif_tx_front tx;
    struct netif_rx_front rx;
    struct netback_conn conn;
    struct netback_features feat;
};

static bool pool_ready;

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof(*r));

    if (!pool_ready) {
        if (pkt_pool_init(64, 8) != 0)
            abort();
        pool_ready = true;
    }
    if (!r || !(r->txs = aligned_alloc(4096, 4096)) || !(r->rxs = aligned_alloc(4096, 4096)))
        abort();
    nb_fake_init(&r->fake);
    netif_tx_front_init(&r->tx, r->txs);
    netif_rx_front_init(&r->rx, r->rxs);
    r->feat = (struct netback_features){ true, true, true, true, true };
    netback_conn_init(&r->conn, &nb_fake_env, &r->fake, 5, PORT, &r->feat, r->txs, r->rxs, "vif5.0");
    return r;
}

static void rig_free(struct rig *r)
{
    unsigned small, big;

    netback_conn_stop(&r->conn);
    nb_fake_inputs_put(&r->fake);
    EXPECT_EQ(r->fake.bad_copies, 0);
    pkt_pool_free(&small, &big);
    EXPECT_EQ(small, 64); /* every frame came back */
    EXPECT_EQ(big, 8);
    free(r->txs);
    free(r->rxs);
    free(r);
}

static void tx_req(struct rig *r, uint32_t gref, uint16_t offset, uint16_t flags, uint16_t id, uint16_t size)
{
    struct netif_tx_request *q = netif_tx_front_req_slot(&r->tx);

    EXPECT_TRUE(q != NULL);
    if (q)
        *q = (struct netif_tx_request){ gref, offset, flags, id, size };
}

static void tx_extra(struct rig *r, uint8_t type, uint8_t flags, uint8_t gso_type, uint16_t gso_size)
{
    struct netif_tx_request *q = netif_tx_front_req_slot(&r->tx);
    struct netif_extra_info ex = { .type = type, .flags = flags };

    ex.u.gso = (struct netif_extra_gso){ gso_size, gso_type, 0, 0 };
    EXPECT_TRUE(q != NULL);
    if (q) {
        memset(q, 0x5a, sizeof(*q));
        memcpy(q, &ex, sizeof(ex));
    }
}

static void tx_push(struct rig *r)
{
    (void)netif_tx_front_push_requests(&r->tx);
}

/* The next transmit response, or status 99 when none. */
static struct netif_tx_response tx_rsp(struct rig *r)
{
    struct netif_tx_response rsp = { .status = 99 };

    if (netif_tx_front_get_response(&r->tx, &rsp) != 1)
        rsp.status = 99;
    return rsp;
}

static int poll(struct rig *r)
{
    return netback_poll(&r->conn, NULL);
}

/* An Ethernet/IPv4/TCP header at page[ref][off]. */
static void put_tcp4(struct rig *r, uint32_t ref, unsigned off)
{
    uint8_t *h = &r->fake.page[ref][off];

    memset(h, 0, 54);
    h[12] = 0x08;
    h[14] = 0x45;
    h[14 + 9] = 6;
}

TEST(tx_packet_with_frags_gso_and_blank_checksum)
{
    struct rig *r = rig_new();
    struct netif_tx_response rsp;
    struct pkt *p;

    nb_fake_grant(&r->fake, 1, true, 0x11);
    nb_fake_grant(&r->fake, 2, true, 0x22);
    nb_fake_grant(&r->fake, 3, true, 0x33);
    put_tcp4(r, 1, 100);
    /* 3000 + 4096 + 500 bytes: 3000 in the first slot from offset 100. */
    tx_req(r, 1, 100, NETTXF_csum_blank | NETTXF_data_validated | NETTXF_extra_info | NETTXF_more_data, 40, 7596);
    tx_extra(r, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4, 1448);
    tx_req(r, 2, 0, NETTXF_more_data, 41, 4096);
    tx_req(r, 3, 8, 0, 42, 500);
    tx_push(r);
    EXPECT_EQ(poll(r), NETBACK_NOTIFY_TX);
    EXPECT_EQ(r->fake.copy_calls, 1); /* one batch */
    rsp = tx_rsp(r);
    EXPECT_EQ(rsp.id, 40);
    EXPECT_EQ(rsp.status, NETIF_RSP_OKAY);
    EXPECT_EQ(tx_rsp(r).status, NETIF_RSP_NULL);
    rsp = tx_rsp(r);
    EXPECT_EQ(rsp.id, 41);
    EXPECT_EQ(rsp.status, NETIF_RSP_OKAY);
    rsp = tx_rsp(r);
    EXPECT_EQ(rsp.id, 42);
    EXPECT_EQ(rsp.status, NETIF_RSP_OKAY);
    EXPECT_EQ(tx_rsp(r).status, 99);
    EXPECT_EQ(r->fake.ninput, 1);
    p = r->fake.input[0];
    EXPECT_EQ(r->fake.input_port[0], PORT);
    EXPECT_EQ(p->len, 7596);
    EXPECT_EQ(p->gso_type, PKT_GSO_TCPV4);
    EXPECT_EQ(p->gso_size, 1448);
    EXPECT_TRUE(p->flags & PKT_CSUM_PARTIAL);
    EXPECT_EQ(p->csum_start, 34);
    EXPECT_EQ(p->data[14 + 9], 6);
    EXPECT_EQ(p->data[2999], 0x11);
    EXPECT_EQ(p->data[3000], 0x22);
    EXPECT_EQ(p->data[7095], 0x22);
    EXPECT_EQ(p->data[7096], 0x33);
    EXPECT_EQ(p->data[7595], 0x33);
    EXPECT_EQ(r->conn.stats.tx_frames, 1);
    EXPECT_EQ(r->conn.stats.tx_bytes, 7596);
    rig_free(r);
}

TEST(tx_checksum_flags)
{
    struct rig *r = rig_new();

    nb_fake_grant(&r->fake, 1, true, 0);
    tx_req(r, 1, 0, NETTXF_data_validated, 1, 60);        /* validated: VALID */
    tx_req(r, 1, 0, NETTXF_csum_blank, 2, 60);            /* blank, not TCP: offload refuses, dropped */
    tx_req(r, 1, 0, 0, 3, 60);                            /* nothing said */
    tx_extra(r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0); /* no NETTXF_extra_info before it: a request */
    tx_push(r);
    (void)poll(r);
    EXPECT_EQ(tx_rsp(r).status, NETIF_RSP_OKAY);
    EXPECT_EQ(tx_rsp(r).status, NETIF_RSP_DROPPED);
    EXPECT_EQ(tx_rsp(r).status, NETIF_RSP_OKAY);
    EXPECT_EQ(tx_rsp(r).status, NETIF_RSP_ERROR); /* read as a request: size too small */
    EXPECT_EQ(r->fake.ninput, 2);
    EXPECT_EQ(r->fake.input[0]->flags, PKT_CSUM_VALID);
    EXPECT_EQ(r->fake.input[1]->flags, 0);
    EXPECT_EQ(r->fake.csum_setups, 1);
    EXPECT_EQ(r->conn.stats.tx_dropped, 1);
    EXPECT_EQ(r->conn.stats.tx_errors, 1);
    rig_free(r);
}

TEST(tx_malformed_answered_in_ring_order)
{
    struct rig *r = rig_new();
    static const int16_t want[] = {
        NETIF_RSP_ERROR,                                  /* 1: below an Ethernet header */
        NETIF_RSP_ERROR,                                  /* 2: offset + size past the page */
        NETIF_RSP_ERROR, NETIF_RSP_ERROR,                 /* 3, 4: fragments larger than the total */
        NETIF_RSP_ERROR,                                  /* 5: a grant not given */
        NETIF_RSP_ERROR, NETIF_RSP_NULL,                  /* 6: GSO of size 0 */
        NETIF_RSP_ERROR, NETIF_RSP_NULL,                  /* 7: an unknown extra type */
        NETIF_RSP_ERROR, NETIF_RSP_ERROR,                 /* 8, 9: a continuation crossing its page */
        NETIF_RSP_OKAY,  NETIF_RSP_NULL,  NETIF_RSP_NULL, /* 10: multicast extras ignored */
        NETIF_RSP_OKAY,                                   /* 11 */
    };
    static const uint16_t ids[] = { 1, 2, 3, 4, 5, 6, 0, 7, 0, 8, 9, 10, 0, 0, 11 };

    nb_fake_grant(&r->fake, 1, true, 0);
    tx_req(r, 1, 0, 0, 1, 13);
    tx_req(r, 1, 4000, 0, 2, 200);
    tx_req(r, 1, 0, NETTXF_more_data, 3, 100);
    tx_req(r, 1, 0, 0, 4, 101);
    tx_req(r, 60, 0, 0, 5, 100);
    tx_req(r, 1, 0, NETTXF_extra_info, 6, 100);
    tx_extra(r, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4, 0);
    tx_req(r, 1, 0, NETTXF_extra_info, 7, 100);
    tx_extra(r, 9, 0, 0, 0);
    tx_req(r, 1, 0, NETTXF_more_data, 8, 3000);
    tx_req(r, 1, 3000, 0, 9, 2000);
    tx_req(r, 1, 0, NETTXF_extra_info, 10, 100);
    tx_extra(r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_FLAG_MORE, 0, 0);
    tx_extra(r, XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0, 0, 0);
    tx_req(r, 1, 0, 0, 11, 100);
    tx_push(r);
    EXPECT_EQ(poll(r), NETBACK_NOTIFY_TX);
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct netif_tx_response rsp = tx_rsp(r);
        EXPECT_EQ(rsp.status, want[i]);
        if (want[i] != NETIF_RSP_NULL)
            EXPECT_EQ(rsp.id, ids[i]);
    }
    EXPECT_EQ(tx_rsp(r).status, 99);
    EXPECT_EQ(r->fake.ninput, 2);
    EXPECT_EQ(r->conn.stats.tx_errors, 7);
    EXPECT_FALSE(r->conn.stopped);
    rig_free(r);
}

TEST(tx_too_many_slots_breaks_the_ring)
{
    struct rig *r = rig_new();

    nb_fake_grant(&r->fake, 1, true, 0);
    tx_req(r, 1, 0, 0, 1, 100); /* answered before the bad one */
    tx_req(r, 1, 0, NETTXF_more_data, 2, 19 * 10);
    for (unsigned i = 0; i < XEN_NETIF_NR_SLOTS_MIN; i++)
        tx_req(r, 1, 0, i + 1 < XEN_NETIF_NR_SLOTS_MIN ? NETTXF_more_data : 0, (uint16_t)(3 + i), 10);
    tx_push(r);
    EXPECT_EQ(poll(r), IDL_RING_BROKEN);
    EXPECT_TRUE(nb_fake_log_has(&r->fake, "vif5.0"));
    EXPECT_TRUE(nb_fake_log_has(&r->fake, "too many slots"));
    EXPECT_EQ(r->fake.nlog, 1);
    EXPECT_EQ(r->fake.ninput, 0); /* the batch is not sent once the ring broke */
    netback_conn_stop(&r->conn);
    EXPECT_EQ(poll(r), 0);
    rig_free(r);
}

TEST(tx_too_many_extras_breaks_the_ring)
{
    struct rig *r = rig_new();

    tx_req(r, 1, 0, NETTXF_extra_info, 1, 100);
    for (unsigned i = 0; i <= NETBACK_TX_EXTRAS_MAX; i++)
        tx_extra(r, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_FLAG_MORE, 0, 0);
    tx_push(r);
    EXPECT_EQ(poll(r), IDL_RING_BROKEN);
    rig_free(r);
}

TEST(tx_indices_past_the_ring_break_it)
{
    struct rig *r = rig_new();

    r->txs->req_prod = NETIF_TX_RING_SIZE + 1;
    EXPECT_EQ(poll(r), IDL_RING_BROKEN);
    EXPECT_TRUE(nb_fake_log_has(&r->fake, "transmit ring indices"));
    EXPECT_EQ(r->txs->rsp_prod, 0);
    rig_free(r);
}

TEST(tx_chain_published_in_two_parts_waits)
{
    struct rig *r = rig_new();

    nb_fake_grant(&r->fake, 1, true, 0x44);
    tx_req(r, 1, 0, NETTXF_more_data, 1, 200);
    tx_push(r);
    EXPECT_EQ(poll(r), 0);
    EXPECT_EQ(tx_rsp(r).status, 99);
    EXPECT_EQ(r->txs->req_event, 2); /* an event asked for the rest */
    tx_req(r, 1, 0, 0, 2, 100);
    tx_push(r);
    (void)poll(r);
    EXPECT_EQ(tx_rsp(r).id, 1);
    EXPECT_EQ(tx_rsp(r).id, 2);
    EXPECT_EQ(r->fake.ninput, 1);
    EXPECT_EQ(r->fake.input[0]->len, 200);
    rig_free(r);
}

TEST(tx_notification_follows_rsp_event)
{
    struct rig *r = rig_new();
    struct netif_tx_response rsp;

    nb_fake_grant(&r->fake, 1, true, 0);
    r->txs->rsp_event = 3; /* the front end wants to hear at the third response */
    tx_req(r, 1, 0, 0, 1, 60);
    tx_push(r);
    EXPECT_EQ(poll(r), 0);
    tx_req(r, 1, 0, 0, 2, 60);
    tx_req(r, 1, 0, 0, 3, 60);
    tx_push(r);
    EXPECT_EQ(poll(r), NETBACK_NOTIFY_TX);
    while (netif_tx_front_get_response(&r->tx, &rsp) == 1)
        ;
    rig_free(r);
}

/* The stall watch: responses the front end asked to hear of and has not
 * taken for NETBACK_STALL_TICKS ticks give one line, and its taking
 * them another; an idle ring gives none. */
TEST(watch_logs_a_front_end_that_stops_taking_responses)
{
    struct rig *r = rig_new();
    struct netif_tx_response rsp;

    nb_fake_grant(&r->fake, 1, true, 0);
    for (unsigned i = 0; i < 2 * NETBACK_STALL_TICKS; i++)
        netback_watch_tick(&r->conn);
    EXPECT_EQ(r->fake.nlog, 0); /* idle, every event asked for */
    tx_req(r, 1, 0, 0, 1, 60);
    tx_push(r);
    EXPECT_EQ(poll(r), NETBACK_NOTIFY_TX);
    for (unsigned i = 0; i < NETBACK_STALL_TICKS - 1; i++)
        netback_watch_tick(&r->conn);
    EXPECT_EQ(r->fake.nlog, 0);
    for (unsigned i = 0; i < NETBACK_STALL_TICKS; i++)
        netback_watch_tick(&r->conn);
    EXPECT_EQ(r->fake.nlog, 1);
    EXPECT_TRUE(nb_fake_log_has(&r->fake, "vif5.0: the front end has not moved on its transmit ring for 5 s"));
    EXPECT_EQ(netif_tx_front_get_response(&r->tx, &rsp), 1);
    EXPECT_EQ(netif_tx_front_final_check(&r->tx), 0); /* asks for the next: rsp_event moves */
    netback_watch_tick(&r->conn);
    EXPECT_EQ(r->fake.nlog, 2);
    EXPECT_TRUE(nb_fake_log_has(&r->fake, "the front end moved on its transmit ring again after"));
    rig_free(r);
}

/* Post n receive pages from grant ref first on, ids from id on. */
static void rx_post(struct rig *r, uint32_t first, unsigned n, uint16_t id)
{
    for (unsigned i = 0; i < n; i++) {
        struct netif_rx_request *q = netif_rx_front_req_slot(&r->rx);
        EXPECT_TRUE(q != NULL);
        if (q)
            *q = (struct netif_rx_request){ .id = (uint16_t)(id + i), .gref = first + i };
    }
    (void)netif_rx_front_push_requests(&r->rx);
}

static struct netif_rx_response rx_rsp(struct rig *r)
{
    struct netif_rx_response rsp = { .status = 99 };

    if (netif_rx_front_get_response(&r->rx, &rsp) != 1)
        rsp.status = 99;
    return rsp;
}

static struct pkt *frame(uint32_t len, uint8_t fill)
{
    struct pkt *p = pkt_alloc(len);

    EXPECT_TRUE(p != NULL);
    if (!p)
        abort();
    for (uint32_t i = 0; i < len; i++)
        p->data[i] = (uint8_t)(fill + i / 4096);
    return p;
}

/* A frame the switch floods to two vifs (one buffer, two references)
 * goes into both queues, and each queue then takes a frame of its own:
 * each must hold exactly its two frames, in order (a queue links its
 * frames through them: a shared frame once ran one vif's queue into the
 * other's, lost frames and drove a count below zero). */
TEST(flooded_frame_queued_for_two_vifs_keeps_the_queues_apart)
{
    struct rig *r1 = rig_new(), *r2 = rig_new();
    struct pkt *f = frame(100, 1), *a = frame(100, 2), *b = frame(100, 3);
    unsigned small, big;

    pkt_get(f); /* the flood's second reference */
    netback_xmit(&r1->conn, f);
    netback_xmit(&r2->conn, f);
    netback_xmit(&r1->conn, a);
    netback_xmit(&r2->conn, b);
    EXPECT_EQ(netback_rx_waiting(&r1->conn), 2);
    EXPECT_EQ(netback_rx_waiting(&r2->conn), 2);
    const struct pkt *h1 = r1->conn.rxq.head, *h2 = r2->conn.rxq.head;
    EXPECT_TRUE(h1 && h2 && h1 != h2 && h1->data[0] == 1 && h2->data[0] == 1);
    EXPECT_TRUE(h1 && h1->next && h1->next->data[0] == 2 && !h1->next->next);
    EXPECT_TRUE(h2 && h2->next && h2->next->data[0] == 3 && !h2->next->next);
    netback_conn_stop(&r1->conn);
    netback_conn_stop(&r2->conn);
    pkt_pool_free(&small, &big);
    EXPECT_EQ(small, 64); /* every frame put once */
    free(r1->txs);
    free(r1->rxs);
    free(r1);
    rig_free(r2);
}

TEST(rx_frame_over_pages_with_gso_extra)
{
    struct rig *r = rig_new();
    struct netif_rx_response rsp;
    struct netif_extra_info ex;
    struct pkt *p = frame(9000, 0x60);

    for (uint32_t g = 10; g < 20; g++)
        nb_fake_grant(&r->fake, g, false, 0);
    p->flags = PKT_CSUM_PARTIAL;
    p->csum_start = 34;
    p->csum_offset = 16;
    p->gso_type = PKT_GSO_TCPV4;
    p->gso_size = 1448;
    netback_xmit(&r->conn, p);
    netback_xmit(&r->conn, frame(60, 0x70)); /* validated */
    r->conn.rxq.tail->flags = PKT_CSUM_VALID;
    EXPECT_EQ(netback_rx_waiting(&r->conn), 2);
    rx_post(r, 10, 3, 100);
    EXPECT_EQ(poll(r), 0); /* 3 pages: the first frame needs 4 (3 and its extra) */
    EXPECT_EQ(rx_rsp(r).status, 99);
    EXPECT_EQ(r->rxs->req_event, 1); /* tell me when more are posted */
    rx_post(r, 13, 2, 103);
    EXPECT_EQ(poll(r), NETBACK_NOTIFY_RX);
    rsp = rx_rsp(r);
    EXPECT_EQ(rsp.id, 100);
    EXPECT_EQ(rsp.status, 4096);
    EXPECT_EQ(rsp.offset, 0);
    EXPECT_EQ(rsp.flags, NETRXF_csum_blank | NETRXF_data_validated | NETRXF_extra_info | NETRXF_more_data);
    rsp = rx_rsp(r); /* the extra */
    memcpy(&ex, &rsp, sizeof(ex));
    EXPECT_EQ(ex.type, XEN_NETIF_EXTRA_TYPE_GSO);
    EXPECT_EQ(ex.flags, 0);
    EXPECT_EQ(ex.u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
    EXPECT_EQ(ex.u.gso.size, 1448);
    rsp = rx_rsp(r);
    EXPECT_EQ(rsp.id, 102);
    EXPECT_EQ(rsp.status, 4096);
    EXPECT_EQ(rsp.flags, NETRXF_more_data);
    rsp = rx_rsp(r);
    EXPECT_EQ(rsp.id, 103);
    EXPECT_EQ(rsp.status, 9000 - 8192);
    EXPECT_EQ(rsp.flags, 0);
    rsp = rx_rsp(r);
    EXPECT_EQ(rsp.id, 104);
    EXPECT_EQ(rsp.status, 60);
    EXPECT_EQ(rsp.flags, NETRXF_data_validated);
    EXPECT_EQ(r->fake.page[10][4095], 0x60);
    EXPECT_EQ(r->fake.page[12][0], 0x61); /* slot 11 held the extra */
    EXPECT_EQ(r->fake.page[13][807], 0x62);
    EXPECT_EQ(r->fake.page[13][808], 0);
    EXPECT_EQ(r->fake.page[14][59], 0x70);
    EXPECT_EQ(r->conn.stats.rx_frames, 2);
    EXPECT_EQ(r->conn.stats.rx_bytes, 9060);
    EXPECT_EQ(netback_rx_waiting(&r->conn), 0);
    rig_free(r);
}

TEST(rx_what_the_front_end_cannot_take_is_dropped)
{
    struct rig *r = rig_new();
    struct pkt *p;

    r->conn.feat.gso_tcpv6 = false;
    r->conn.feat.sg = false;
    p = frame(5000, 0);
    netback_xmit(&r->conn, p); /* no sg: more than a page */
    p = frame(1000, 0);
    p->gso_type = PKT_GSO_TCPV6;
    p->gso_size = 1000;
    netback_xmit(&r->conn, p); /* no gso-tcpv6 */
    EXPECT_EQ(netback_rx_waiting(&r->conn), 0);
    EXPECT_EQ(r->conn.stats.rx_dropped, 2);
    rig_free(r);
}

TEST(rx_ipv6_partial_checksum_completed_without_the_feature)
{
    struct rig *r = rig_new();
    struct pkt *p = frame(100, 0);

    r->conn.feat.ipv6_csum = false;
    p->data[12] = 0x86;
    p->data[13] = 0xdd;
    p->flags = PKT_CSUM_PARTIAL;
    p->csum_start = 54;
    p->csum_offset = 16;
    netback_xmit(&r->conn, p);
    EXPECT_EQ(r->fake.csum_completes, 1);
    nb_fake_grant(&r->fake, 1, false, 0);
    rx_post(r, 1, 1, 0);
    (void)poll(r);
    EXPECT_EQ(rx_rsp(r).flags, NETRXF_data_validated);
    rig_free(r);
}

TEST(rx_queue_bounded_and_copy_failures_answered)
{
    struct rig *r = rig_new();
    struct netif_rx_response rsp;

    EXPECT_EQ(r->conn.rxq_max, NETBACK_RXQ_MAX);
    r->conn.rxq_max = 16; /* below the pool's 72 frames */
    for (unsigned i = 0; i < 19; i++)
        netback_xmit(&r->conn, frame(60, (uint8_t)i));
    EXPECT_EQ(netback_rx_waiting(&r->conn), 16);
    EXPECT_EQ(r->conn.stats.rx_dropped, 3);
    EXPECT_EQ(r->conn.rxq.tail->data[0], 15); /* the newest were dropped */
    netback_conn_stop(&r->conn);
    EXPECT_EQ(netback_rx_waiting(&r->conn), 0);
    EXPECT_EQ(r->conn.stats.rx_dropped, 19);
    rig_free(r);

    r = rig_new();
    nb_fake_grant(&r->fake, 1, true, 0); /* read-only: the copy to it fails */
    netback_xmit(&r->conn, frame(60, 0));
    rx_post(r, 1, 1, 9);
    (void)poll(r);
    rsp = rx_rsp(r);
    EXPECT_EQ(rsp.id, 9);
    EXPECT_EQ(rsp.status, NETIF_RSP_ERROR);
    EXPECT_EQ(r->conn.stats.rx_errors, 1);
    rig_free(r);
}

TEST(rx_indices_past_the_ring_break_it)
{
    struct rig *r = rig_new();

    netback_xmit(&r->conn, frame(60, 0));
    r->rxs->req_prod = 0x80000000u;
    EXPECT_EQ(poll(r), IDL_RING_BROKEN);
    EXPECT_TRUE(nb_fake_log_has(&r->fake, "receive ring indices"));
    rig_free(r);

    r = rig_new(); /* no frame waiting: seen all the same */
    r->rxs->req_prod = NETIF_RX_RING_SIZE + 1;
    EXPECT_EQ(poll(r), IDL_RING_BROKEN);
    EXPECT_EQ(r->fake.nlog, 1);
    rig_free(r);
}

TEST(new_instance_takes_over_both_rings)
{
    struct rig *r = rig_new();
    static struct netback_conn second;

    nb_fake_grant(&r->fake, 1, true, 0x11);
    for (uint32_t g = 10; g < 14; g++)
        nb_fake_grant(&r->fake, g, false, 0);
    /* The first instance answers a packet and takes the start of a chain. */
    tx_req(r, 1, 0, 0, 1, 60);
    tx_req(r, 1, 0, NETTXF_more_data, 2, 100);
    tx_push(r);
    (void)poll(r);
    EXPECT_EQ(r->txs->rsp_prod, 1);
    /* It fills one of four pages posted. */
    rx_post(r, 10, 4, 50);
    netback_xmit(&r->conn, frame(60, 0x21));
    (void)poll(r);
    EXPECT_EQ(r->rxs->rsp_prod, 1);
    /* It dies; the rest of the chain comes; a new instance starts. */
    tx_req(r, 1, 0, 0, 3, 40);
    tx_push(r);
    netback_conn_init(&second, &nb_fake_env, &r->fake, 5, PORT, &r->feat, r->txs, r->rxs, "vif5.0");
    netback_xmit(&second, frame(60, 0x31));
    netback_xmit(&second, frame(60, 0x41));
    EXPECT_TRUE(netback_poll(&second, NULL) >= 0);
    EXPECT_EQ(tx_rsp(r).id, 1);
    EXPECT_EQ(tx_rsp(r).id, 2);
    EXPECT_EQ(tx_rsp(r).id, 3);
    EXPECT_EQ(r->fake.ninput, 2);
    EXPECT_EQ(r->fake.input[1]->len, 100);
    EXPECT_EQ(rx_rsp(r).id, 50);
    EXPECT_EQ(rx_rsp(r).id, 51);
    EXPECT_EQ(rx_rsp(r).id, 52);
    EXPECT_EQ(rx_rsp(r).status, 99);
    EXPECT_EQ(r->fake.page[11][0], 0x31);
    EXPECT_EQ(r->fake.page[12][0], 0x41);
    netback_conn_stop(&second);
    rig_free(r);
}

TEST(random_soak_every_slot_answered_once_in_order)
{
    struct rig *r = rig_new();
    uint16_t next_id = 0, expect_id = 0;

    srand(7);
    nb_fake_grant(&r->fake, 1, true, 0x55);
    for (unsigned round = 0; round < 300; round++) {
        unsigned frags = 1 + (unsigned)rand() % 4;
        struct netif_tx_response rsp;
        if (netif_tx_front_free_slots(&r->tx) < frags)
            goto drain;
        for (unsigned f = 0; f < frags; f++)
            tx_req(r, 1, 0, f + 1 < frags ? NETTXF_more_data : 0, next_id++, (uint16_t)(f ? 20 : 20 * frags));
        if (rand() % 3)
            tx_push(r);
    drain:
        tx_push(r);
        if (rand() % 2)
            (void)poll(r);
        while (netif_tx_front_get_response(&r->tx, &rsp) == 1) {
            EXPECT_EQ(rsp.id, expect_id++);
            EXPECT_EQ(rsp.status, NETIF_RSP_OKAY);
        }
        nb_fake_inputs_put(&r->fake);
    }
    (void)poll(r);
    struct netif_tx_response rsp;
    while (netif_tx_front_get_response(&r->tx, &rsp) == 1)
        EXPECT_EQ(rsp.id, expect_id++);
    EXPECT_EQ(expect_id, next_id);
    EXPECT_EQ(r->fake.input_lost, 0);
    rig_free(r);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(tx_packet_with_frags_gso_and_blank_checksum),
        TEST_ENTRY(tx_checksum_flags),
        TEST_ENTRY(tx_malformed_answered_in_ring_order),
        TEST_ENTRY(tx_too_many_slots_breaks_the_ring),
        TEST_ENTRY(tx_too_many_extras_breaks_the_ring),
        TEST_ENTRY(tx_indices_past_the_ring_break_it),
        TEST_ENTRY(tx_chain_published_in_two_parts_waits),
        TEST_ENTRY(tx_notification_follows_rsp_event),
        TEST_ENTRY(watch_logs_a_front_end_that_stops_taking_responses),
        TEST_ENTRY(flooded_frame_queued_for_two_vifs_keeps_the_queues_apart),
        TEST_ENTRY(rx_frame_over_pages_with_gso_extra),
        TEST_ENTRY(rx_what_the_front_end_cannot_take_is_dropped),
        TEST_ENTRY(rx_ipv6_partial_checksum_completed_without_the_feature),
        TEST_ENTRY(rx_queue_bounded_and_copy_failures_answered),
        TEST_ENTRY(rx_indices_past_the_ring_break_it),
        TEST_ENTRY(new_instance_takes_over_both_rings),
        TEST_ENTRY(random_soak_every_slot_answered_once_in_order),
        TEST_END,
    });
}
