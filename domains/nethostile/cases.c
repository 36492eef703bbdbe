/* SPDX-License-Identifier: MIT */
/*
 * The cases: one transmit packet each, from a table, sent alone on a
 * connected ring. A case passes when exactly one response arrives per
 * slot, in ring order, each data slot's echoing its request's id with the
 * status the table asks for (the whole packet's: OKAY for the baselines,
 * ERROR for the bad ones) and each extra-info slot's NETIF_RSP_NULL, and
 * nothing more arrives. Then the breaks: b's receive ring (a request
 * index past the ring) must close b and leave a served; a packet of more
 * slots than XEN_NETIF_NR_SLOTS_MIN must close a.
 */
#include <stdio.h>
#include <string.h>

#include "mosaic/test.h"
#include "nethostile.h"

#define REF_NEVER 511u /* in the one table frame, never granted */
#define SLOTS_MAX (XEN_NETIF_NR_SLOTS_MIN + 2)

static uint8_t frame_page[4096] __attribute__((aligned(4096))); /* granted read-only: the frames' bytes */
static grant_ref_t ref_frame;

/* One slot of a case: a request, or an extra-info slot. */
struct neth_slot {
    bool extra;
    bool never; /* the request names a grant never given */
    uint16_t offset, flags, size;
    uint8_t type, gso_type; /* extra: XEN_NETIF_EXTRA_TYPE_*, GSO type */
    uint16_t gso_size;
    bool more; /* extra: XEN_NETIF_EXTRA_FLAG_MORE */
};

struct neth_case {
    const char *name; /* TEST net-hostile-<name> */
    const char *what;
    int16_t status; /* the packet's */
    unsigned n;
    struct neth_slot slot[5];
};

#define REQ(off, fl, sz)                          \
    {                                             \
        false, false, off, fl, sz, 0, 0, 0, false \
    }
#define NEVER(sz)                             \
    {                                         \
        false, true, 0, 0, sz, 0, 0, 0, false \
    }
#define EXTRA(ty, gt, gs, m)                \
    {                                       \
        true, false, 0, 0, 0, ty, gt, gs, m \
    }
#define GSO(gt, gs) EXTRA(XEN_NETIF_EXTRA_TYPE_GSO, gt, gs, false)

static const struct neth_case cases[] = {
    { "baseline", "one 60-byte frame", NETIF_RSP_OKAY, 1, { REQ(0, 0, 60) } },
    { "frags",
      "a 1400-byte frame in three slots",
      NETIF_RSP_OKAY,
      3,
      { REQ(0, NETTXF_more_data, 1400), REQ(100, NETTXF_more_data, 600), REQ(2000, 0, 500) } },
    { "gso-extra",
      "a frame with a GSO extra",
      NETIF_RSP_OKAY,
      2,
      { REQ(0, NETTXF_extra_info | NETTXF_data_validated, 1514), GSO(XEN_NETIF_GSO_TYPE_TCPV4, 1448) } },
    { "mcast-extras",
      "multicast add and del extras (ignored)",
      NETIF_RSP_OKAY,
      3,
      { REQ(0, NETTXF_extra_info, 60), EXTRA(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, true),
        EXTRA(XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0, 0, false) } },
    { "below-ethernet", "a 13-byte packet", NETIF_RSP_ERROR, 1, { REQ(0, 0, 13) } },
    { "past-page", "offset + size past the page", NETIF_RSP_ERROR, 1, { REQ(4000, 0, 200) } },
    { "frag-past-page",
      "a continuation crossing its page",
      NETIF_RSP_ERROR,
      2,
      { REQ(0, NETTXF_more_data, 3000), REQ(3000, 0, 2000) } },
    { "frags-exceed-total",
      "fragments larger than the packet",
      NETIF_RSP_ERROR,
      2,
      { REQ(0, NETTXF_more_data, 100), REQ(0, 0, 101) } },
    { "gref-never-granted", "a grant never given", NETIF_RSP_ERROR, 1, { NEVER(60) } },
    { "gso-size-0",
      "a GSO extra of size 0",
      NETIF_RSP_ERROR,
      2,
      { REQ(0, NETTXF_extra_info, 1514), GSO(XEN_NETIF_GSO_TYPE_TCPV4, 0) } },
    { "gso-bad-type",
      "a GSO extra of an unknown type",
      NETIF_RSP_ERROR,
      2,
      { REQ(0, NETTXF_extra_info, 1514), GSO(7, 1448) } },
    { "extra-unknown",
      "an extra of an unknown type",
      NETIF_RSP_ERROR,
      2,
      { REQ(0, NETTXF_extra_info, 60), EXTRA(9, 0, 0, false) } },
};

static const struct neth_case after_close = {
    "served-after-close", "one 60-byte frame on a, b closed", NETIF_RSP_OKAY, 1, { REQ(0, 0, 60) }
};

static void put_slot(struct neth_vif *v, const struct neth_slot *s, uint16_t id)
{
    struct netif_tx_request *q = neth_vif_tx_slot(v);

    if (!q)
        return;
    if (s->extra) {
        struct netif_extra_info ex = { .type = s->type, .flags = s->more ? XEN_NETIF_EXTRA_FLAG_MORE : 0 };
        ex.u.gso = (struct netif_extra_gso){ s->gso_size, s->gso_type, 0, 0 };
        memcpy(q, &ex, sizeof(ex));
        return;
    }
    *q = (struct netif_tx_request){ s->never ? REF_NEVER : ref_frame, s->offset, s->flags, id, s->size };
}

/* Every slot's response, in ring order; then quiet. */
static void run_case(const struct neth_case *c, unsigned index, struct neth_vif *v)
{
    uint16_t id0 = (uint16_t)(0x4e00 + index * 8);
    char name[64], got[160] = "";
    size_t used = 0;
    bool ok = true;

    for (unsigned i = 0; i < c->n; i++)
        put_slot(v, &c->slot[i], (uint16_t)(id0 + i));
    neth_vif_tx_push(v);
    for (unsigned i = 0; i < c->n && ok; i++) {
        struct netif_tx_response rsp;
        int r = neth_vif_tx_response(v, &rsp, NETH_RESPONSE_NS);
        if (r != 1) {
            used += (size_t)snprintf(got + used, sizeof(got) - used, " slot %u: none (%d)", i, r);
            ok = false;
            break;
        }
        used += (size_t)snprintf(got + used, sizeof(got) - used, " %u:%d", rsp.id, rsp.status);
        if (c->slot[i].extra)
            ok = rsp.status == NETIF_RSP_NULL;
        else
            ok = rsp.id == id0 + i && rsp.status == c->status;
        if (used >= sizeof(got))
            used = sizeof(got) - 1;
    }
    ok = ok && neth_vif_quiet(v, NETH_QUIET_NS);
    snprintf(name, sizeof(name), "net-hostile-%s", c->name);
    (void)test_check(ok, name, "%s: want %d per data slot, got%s", c->what, c->status, got);
}

static void break_tx_slots(struct neth_vif *v)
{
    struct neth_slot s = REQ(0, NETTXF_more_data, 19 * 60);

    put_slot(v, &s, 0x4f00);
    s.size = 60;
    for (unsigned i = 0; i < XEN_NETIF_NR_SLOTS_MIN; i++) {
        s.flags = i + 1 < XEN_NETIF_NR_SLOTS_MIN ? NETTXF_more_data : 0;
        put_slot(v, &s, (uint16_t)(0x4f01 + i));
    }
    neth_vif_tx_push(v);
}

void neth_cases_run(struct neth_vif *a, struct neth_vif *b)
{
    long r = gnttab_grant_access(a->backend_id, frame_page, true, &ref_frame);

    if (!test_check(r == 0, "net-hostile-grants", "the frame page, read-only: %ld", r))
        return;
    memset(frame_page, 0xa5, sizeof(frame_page));
    memset(frame_page, 0xff, 6); /* broadcast, from a's MAC, a local experimental ethertype */
    memcpy(frame_page + 6, a->mac, 6);
    frame_page[12] = 0x88;
    frame_page[13] = 0xb5;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i], i, a);

    neth_vif_rx_break(b);
    (void)test_check(neth_vif_wait_closed(b, NETH_CLOSE_NS), "net-hostile-rx-ring-closed",
                     "receive req_prod past the ring: back end state %u", neth_vif_backend_state(b));
    run_case(&after_close, sizeof(cases) / sizeof(cases[0]), a);

    break_tx_slots(a);
    (void)test_check(neth_vif_wait_closed(a, NETH_CLOSE_NS), "net-hostile-too-many-slots",
                     "a packet of %u data slots: back end state %u", XEN_NETIF_NR_SLOTS_MIN + 1,
                     neth_vif_backend_state(a));
    (void)gnttab_end_access(ref_frame);
}
