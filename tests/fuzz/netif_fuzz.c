/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: netdrv's netif engine (domains/netdrv/netback.c) with the
 * whole front end under the input's control: both ring pages' indices,
 * slots and events, the grants (given or not, read-only or not, their
 * first bytes: the headers offload reads), and the frames queued for the
 * guest (length, checksum and GSO metadata). Checked: no copy crosses
 * one of our pages or its granted page; the engine never answers more
 * than it took, publishes every response it fills, and never touches a
 * ring once it found it broken; every frame comes back to the pool. The
 * pages are malloc'ed at their exact size. Each operation is an opcode
 * byte (low 4 bits):
 *   0 tx slot u8 gets 12 bytes      1 tx req_prod = u32      2 tx req_prod += u8 % 24
 *   3 rx slot u8 gets 8 bytes       4 rx req_prod = u32      5 rx req_prod += u8 % 24
 *   6 poll                          7 grant ref u8 % NB_FAKE_GRANTS (flags u8), 64 bytes
 *   8 queue a frame: len u16, flags u8 (csum, gso), gso_size u16
 *   9 tx rsp_event = u32            10 rx rsp_event = u32
 *   11 features = u8                12 stop, restart on the same pages (takeover)
 *   else: the switch's frames put
 */
#include <stdlib.h>
#include <string.h>

#include "netback.h"

#include "fuzz.h"
#include "netback_fake.h"

FUZZ_ORACLE static void check_conn(const struct netback_conn *c, const struct nb_fake *f)
{
    FUZZ_CHECK(f->bad_copies == 0);
    FUZZ_CHECK((uint32_t)(c->tx.req_cons - c->tx.rsp_prod_pvt) <= NETIF_TX_RING_SIZE);
    FUZZ_CHECK((uint32_t)(c->rx.req_cons - c->rx.rsp_prod_pvt) <= NETIF_RX_RING_SIZE);
    FUZZ_CHECK(c->rx.req_cons == c->rx.rsp_prod_pvt || c->stopped); /* receive answers at once */
    FUZZ_CHECK(c->tx.rsp_pushed == c->tx.rsp_prod_pvt || c->stopped);
    FUZZ_CHECK(c->rx.rsp_pushed == c->rx.rsp_prod_pvt || c->stopped);
    FUZZ_CHECK(c->rxq.n <= c->rxq_max);
}

static void queue_frame(struct netback_conn *c, struct fuzz_in *in)
{
    uint16_t len = (uint16_t)fuzz_uint(in, 2);
    uint8_t flags = fuzz_u8(in);
    uint16_t gso_size = (uint16_t)fuzz_uint(in, 2);
    struct pkt *p = pkt_alloc(len);

    if (!p)
        return;
    for (uint32_t i = 0; i < len && i < 64; i++)
        p->data[i] = fuzz_u8(in);
    p->flags = flags & (PKT_CSUM_PARTIAL | PKT_CSUM_VALID);
    p->csum_start = (uint16_t)(flags >> 2) * 2;
    p->csum_offset = 16;
    p->gso_type = (uint8_t)((flags >> 4) & 3);
    p->gso_size = gso_size;
    netback_xmit(c, p);
}

static struct netback_features features(uint8_t b)
{
    return (struct netback_features){ b & 1, (b & 2) != 0, (b & 4) != 0, (b & 8) != 0, (b & 16) != 0 };
}

static void poll_once(struct netback_conn *c, struct netif_tx_sring *tx, struct netif_rx_sring *rx)
{
    static struct netif_tx_sring tx_frozen;
    static struct netif_rx_sring rx_frozen;
    bool was_stopped = c->stopped, moved = false;

    if (was_stopped) {
        tx_frozen = *tx;
        rx_frozen = *rx;
    }
    int r = netback_poll(c, &moved);
    FUZZ_CHECK(r == IDL_RING_BROKEN || (r >= 0 && r <= (NETBACK_NOTIFY_TX | NETBACK_NOTIFY_RX)));
    if (r == IDL_RING_BROKEN)
        netback_conn_stop(c);
    if (was_stopped)
        FUZZ_CHECK(r == 0 && !moved && memcmp(&tx_frozen, tx, sizeof(*tx)) == 0 &&
                   memcmp(&rx_frozen, rx, sizeof(*rx)) == 0);
}

static void put_slot(void *slot, size_t size, struct fuzz_in *in)
{
    uint8_t *b = slot;

    for (size_t i = 0; i < size; i++)
        b[i] = fuzz_u8(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nb_fake fake; /* large: not on the stack */
    static struct netback_conn conn;
    static bool pool;
    struct fuzz_in in = { data, size };
    struct netif_tx_sring *tx = calloc(1, sizeof(*tx));
    struct netif_rx_sring *rx = calloc(1, sizeof(*rx));
    struct netback_features feat;
    unsigned small, big, small0, big0;

    if (!tx || !rx || (!pool && pkt_pool_init(32, 4) != 0))
        abort();
    pool = true;
    pkt_pool_free(&small0, &big0);
    nb_fake_init(&fake);
    feat = features(fuzz_u8(&in));
    tx->req_prod = tx->rsp_prod = fuzz_u32(&in); /* any start */
    rx->req_prod = rx->rsp_prod = fuzz_u32(&in);
    netback_conn_init(&conn, &nb_fake_env, &fake, 3, 2, &feat, tx, rx, "vif3.0");
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        switch (op & 15u) {
        case 0: put_slot(&tx->ring[fuzz_u8(&in) % NETIF_TX_RING_SIZE], sizeof(tx->ring[0]), &in); break;
        case 1: tx->req_prod = fuzz_u32(&in); break;
        case 2: tx->req_prod += fuzz_u8(&in) % 24u; break;
        case 3: put_slot(&rx->ring[fuzz_u8(&in) % NETIF_RX_RING_SIZE], sizeof(rx->ring[0]), &in); break;
        case 4: rx->req_prod = fuzz_u32(&in); break;
        case 5: rx->req_prod += fuzz_u8(&in) % 24u; break;
        case 6: poll_once(&conn, tx, rx); break;
        case 7: {
            uint32_t ref = fuzz_u8(&in) % NB_FAKE_GRANTS;
            uint8_t f = fuzz_u8(&in);
            fake.granted[ref] = f & 1;
            fake.readonly[ref] = (f & 2) != 0;
            for (unsigned i = 0; i < 64; i++)
                fake.page[ref][i] = fuzz_u8(&in);
            break;
        }
        case 8: queue_frame(&conn, &in); break;
        case 9: tx->rsp_event = fuzz_u32(&in); break;
        case 10: rx->rsp_event = fuzz_u32(&in); break;
        case 11: conn.feat = features(fuzz_u8(&in)); break;
        case 12:
            /* The instance goes; a new one takes the pages up where they stand. */
            netback_conn_stop(&conn);
            netback_conn_init(&conn, &nb_fake_env, &fake, 3, 2, &feat, tx, rx, "vif3.0");
            break;
        default: nb_fake_inputs_put(&fake); break;
        }
        check_conn(&conn, &fake);
    }
    netback_conn_stop(&conn);
    nb_fake_inputs_put(&fake);
    pkt_pool_free(&small, &big);
    FUZZ_CHECK(small == small0 && big == big0);
    free(tx);
    free(rx);
    return 0;
}
