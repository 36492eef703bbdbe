/* SPDX-License-Identifier: MIT */
/*
 * Compiled by idl_test, with the core's freestanding flags and with the
 * host's, against the generated ring headers: calls every ring helper so
 * that their bodies, not just their declarations, meet the warnings of
 * both builds (an unused static inline function is never checked).
 */
#include "blkif.h"
#include "netif.h"

int ring_use_blkif(struct blkif_sring *s, struct blkif_request *req, struct blkif_response *rsp);
int ring_use_netif(struct netif_rx_sring *s, struct netif_rx_request *req, struct netif_rx_response *rsp);

int ring_use_blkif(struct blkif_sring *s, struct blkif_request *req, struct blkif_response *rsp)
{
    struct blkif_front f;
    struct blkif_back b;
    struct blkif_request *q;
    struct blkif_response *p;
    int n = 0;

    blkif_front_init(&f, s);
    blkif_front_init_at(&f, s, 7);
    blkif_back_init(&b, s);
    blkif_back_init_at(&b, s, 7);
    n += (int)blkif_front_free_slots(&f);
    q = blkif_front_req_slot(&f);
    if (q)
        *q = *req;
    n += blkif_front_push_requests(&f);
    n += blkif_back_pending(&b) + blkif_back_get_request(&b, req) + blkif_back_final_check(&b);
    p = blkif_back_rsp_slot(&b);
    if (p)
        *p = *rsp;
    n += blkif_back_push_responses(&b);
    n += blkif_front_pending(&f) + blkif_front_get_response(&f, rsp) + blkif_front_final_check(&f);
    return n;
}

int ring_use_netif(struct netif_rx_sring *s, struct netif_rx_request *req, struct netif_rx_response *rsp)
{
    struct netif_rx_front f;
    struct netif_rx_back b;
    struct netif_rx_request *q;
    struct netif_rx_response *p;
    int n = 0;

    netif_rx_front_init(&f, s);
    netif_rx_back_init(&b, s);
    q = netif_rx_front_req_slot(&f);
    if (q)
        *q = *req;
    n += netif_rx_front_push_requests(&f);
    n += netif_rx_back_get_request(&b, req) + netif_rx_back_final_check(&b);
    p = netif_rx_back_rsp_slot(&b);
    if (p)
        *p = *rsp;
    n += netif_rx_back_push_responses(&b);
    n += netif_rx_front_get_response(&f, rsp) + netif_rx_front_final_check(&f);
    return n;
}
