/* SPDX-License-Identifier: MIT */
/*
 * The front end: offers the ring, drives the exchange of requests and
 * checks every response, times round trips and bulk transfers, then
 * breaks the ring on purpose (a garbage producer index) and checks that
 * the back end let go of everything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/echo.h"
#include "ipctest.h"
#include "mosaic/hypercall.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static uint8_t bulk[IPC_BULK_PAGES][4096] __attribute__((aligned(4096)));
static uint8_t not_yours[4096] __attribute__((aligned(4096)));
static uint8_t ro_page[4096] __attribute__((aligned(4096)));
static grant_ref_t bulk_ref[IPC_BULK_PAGES];
static uint64_t bulk_sum[IPC_BULK_PAGES];

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
}

static uint64_t lost; /* waits that timed out with responses already there */

/* Wait for a response (or anything the back end says). The wait is
 * bounded: a wait that times out with responses already published means
 * a notification was lost; it is counted and reported, and the exchange
 * goes on. */
static void front_wait(struct echo_front *f)
{
    evtchn_dispatch();
    if (echo_front_final_check(f) != 0)
        return;
    evtchn_wait(runtime_time_ns() + IPC_WAIT_NS);
    if (!evtchn_pending_here() && echo_front_pending(f) > 0)
        lost++;
}

static void fill(struct echo_request *q, uint64_t id, uint32_t op, uint64_t arg)
{
    q->id = id;
    q->op = op;
    q->_pad0 = 0;
    q->arg = arg;
    for (unsigned i = 0; i < sizeof(q->payload); i++)
        q->payload[i] = (uint8_t)(id * 7 + i);
}

/* What the back end must answer for request (id, op, arg). */
static bool answer_ok(const struct echo_response *r, uint64_t id, uint32_t op, uint64_t arg)
{
    if (r->id != id || r->status != 0)
        return false;
    if (op == ECHO_OP_ECHO) {
        for (unsigned i = 0; i < sizeof(r->payload); i++)
            if (r->payload[i] != (uint8_t)(id * 7 + i))
                return false;
        return r->value == (~arg ^ id);
    }
    return r->value == bulk_sum[arg % IPC_BULK_PAGES];
}

/* Streams count requests of op through the ring, checking every answer in
 * order. Returns the ns it took, or 0 on a wrong answer or broken ring. */
static uint64_t stream(struct ring_conn *c, struct echo_front *f, uint64_t count, uint32_t op, const char *name)
{
    uint64_t sent = 0, got = 0, t0 = runtime_time_ns();
    struct echo_response rsp;
    int r = 0;

    while (got < count) {
        struct echo_request *q;
        while (sent < count && (q = echo_front_req_slot(f)) != NULL) {
            uint64_t arg = op == ECHO_OP_ECHO ? sent * 2654435761u : bulk_ref[sent % IPC_BULK_PAGES];
            fill(q, sent, op, arg);
            sent++;
        }
        if (echo_front_push_requests(f))
            ring_notify(c);
        while ((r = echo_front_get_response(f, &rsp)) == 1) {
            uint64_t arg = op == ECHO_OP_ECHO ? got * 2654435761u : got % IPC_BULK_PAGES;
            if (!answer_ok(&rsp, got, op, arg)) {
                test_check(false, name, "response %llu wrong: id %llu status %d value 0x%llx", (unsigned long long)got,
                           (unsigned long long)rsp.id, rsp.status, (unsigned long long)rsp.value);
                return 0;
            }
            got++;
        }
        if (r < 0) {
            test_check(false, name, "the back end broke the ring after %llu responses", (unsigned long long)got);
            return 0;
        }
        if (got < count && (sent == count || echo_front_free_slots(f) == 0))
            front_wait(f);
    }
    return runtime_time_ns() - t0 + 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* One request at a time: each round trip is two events and two wake-ups. */
static void round_trips(struct ring_conn *c, struct echo_front *f, uint64_t rounds, uint64_t base_id)
{
    uint64_t *cyc = calloc(rounds, sizeof(*cyc)), ns0 = runtime_time_ns(), tsc0 = ipc_tsc(), null[200];
    struct echo_response rsp = { 0 };

    for (uint64_t i = 0; cyc && i < rounds; i++) {
        uint64_t t = ipc_tsc(), id = base_id + i;
        fill(echo_front_req_slot(f), id, ECHO_OP_ECHO, id);
        if (echo_front_push_requests(f))
            ring_notify(c);
        while (echo_front_get_response(f, &rsp) == 0)
            front_wait(f);
        cyc[i] = ipc_tsc() - t;
        if (!answer_ok(&rsp, id, ECHO_OP_ECHO, id)) {
            test_check(false, "ring_round_trip", "round trip %llu answered wrongly", (unsigned long long)i);
            free(cyc);
            return;
        }
    }
    if (!cyc)
        return;
    double ns_per_cycle = (double)(runtime_time_ns() - ns0) / (double)(ipc_tsc() - tsc0);
    for (unsigned i = 0; i < 200; i++) {
        uint64_t t = ipc_tsc();
        hypercall_xen_version();
        null[i] = ipc_tsc() - t;
    }
    qsort(cyc, rounds, sizeof(*cyc), cmp_u64);
    qsort(null, 200, sizeof(null[0]), cmp_u64);
    printf("ipctest: event round trip: median %llu cycles (%.1f us) over %llu; null hypercall median %llu cycles; "
           "ratio %.1f\n",
           (unsigned long long)cyc[rounds / 2], (double)cyc[rounds / 2] * ns_per_cycle / 1000.0,
           (unsigned long long)rounds, (unsigned long long)null[100], (double)cyc[rounds / 2] / (double)null[100]);
    test_check(true, "ring_round_trip", "%llu round trips answered", (unsigned long long)rounds);
    free(cyc);
}

/* Grants the bulk pages to the back end, filled with known data. */
static bool grant_bulk(uint16_t peer)
{
    for (unsigned i = 0; i < IPC_BULK_PAGES; i++) {
        for (unsigned j = 0; j < 4096; j++)
            bulk[i][j] = (uint8_t)(i * 13 + j * 7);
        bulk_sum[i] = ipc_checksum(bulk[i]);
        if (gnttab_grant_access(peer, bulk[i], true, &bulk_ref[i]))
            return false;
    }
    return true;
}

/* Refs the back end's hostile checks use: one not granted to it, one read-only. */
static bool grant_probes(uint16_t peer)
{
    memset(ro_page, IPC_RO_PATTERN, sizeof(ro_page));
    return gnttab_grant_access_ref(IPC_NOT_YOURS, IPC_NOBODY, not_yours, false) == 0 &&
           gnttab_grant_access_ref(IPC_RO_REF, peer, ro_page, true) == 0;
}

/* Writes a producer index 1000 ahead: the back end must call the ring
 * broken, stop using it, and let go of its mapping and port. */
static void break_ring(struct ring_conn *c, struct echo_front *f)
{
    struct evtchn_info info;
    uint64_t end = runtime_time_ns() + IPC_TIMEOUT_NS;

    __atomic_store_n(&f->sring->req_prod, f->req_pushed + 1000, __ATOMIC_RELEASE);
    ring_notify(c);
    while (evtchn_status(DOMID_SELF, c->port, &info) == 0 && info.status == EVTCHN_INTERDOMAIN &&
           runtime_time_ns() < end)
        thread_sleep_ns(1000000);
    test_check(info.status == EVTCHN_UNBOUND, "ring_peer_closed", "the back end closed its end (port %u now %s)",
               c->port, info.status == EVTCHN_UNBOUND ? "unbound" : "still bound");
}

int ipc_front(const struct ipc_args *a)
{
    struct ring_conn c;
    struct echo_front f;
    unsigned ports_before;
    uint64_t ns;
    long r;

    if ((r = gnttab_init(2)) != 0)
        return test_check(false, "gnttab_init", "returned %ld", r), 1;
    ports_before = ipc_ports_in_use();
    echo_front_init(&f, (struct echo_sring *)(void *)ring_page);
    if (!grant_bulk(a->peer) || !grant_probes(a->peer))
        return test_check(false, "grant_pages", "granting failed"), 1;
    if ((r = ring_front_open(&c, a->peer, ring_page, IPC_RING_REF)) != 0)
        return test_check(false, "ring_open", "returned %ld", r), 1;
    if (!test_check(c.port == a->port, "ring_open", "ring ref %u, port %u offered to d%u", c.ref, c.port, a->peer))
        return 1;
    evtchn_set_handler(c.port, on_event, NULL);
    if (!test_check(ring_front_wait(&c, IPC_TIMEOUT_NS) == 0, "ring_connected", "the back end bound port %u", c.port))
        return 1;
    ns = stream(&c, &f, a->count, ECHO_OP_ECHO, "ring_exchange");
    if (ns)
        test_check(true, "ring_exchange", "%llu requests, every response matched: %llu requests/s (64-byte messages)",
                   (unsigned long long)a->count, (unsigned long long)(a->count * 1000000000ull / ns));
    round_trips(&c, &f, a->rounds, a->count);
    ns = stream(&c, &f, 2000, ECHO_OP_COPY, "bulk_copy");
    if (ns)
        test_check(true, "bulk_copy", "2000 pages by grant copy, every checksum right: %llu KB/s",
                   (unsigned long long)(2000ull * 4096 * 1000000000ull / ns / 1024));
    ns = stream(&c, &f, 2000, ECHO_OP_MAP, "bulk_map");
    if (ns)
        test_check(true, "bulk_map", "2000 pages by grant map, every checksum right: %llu KB/s",
                   (unsigned long long)(2000ull * 4096 * 1000000000ull / ns / 1024));
    printf("ipctest: front: %llu lost notifications recovered by timeout\n", (unsigned long long)lost);
    ipc_hostile_front(a->self);
    break_ring(&c, &f);
    r = ring_close(&c, IPC_TIMEOUT_NS);
    test_check(r == 0, "ring_close", "ring page's grant ended, port closed (%ld)", r);
    for (unsigned i = 0; i < IPC_BULK_PAGES; i++)
        (void)gnttab_end_access(bulk_ref[i]);
    r = gnttab_end_access(IPC_RO_REF) | gnttab_end_access(IPC_NOT_YOURS);
    test_check(r == 0, "grants_ended", "every grant withdrawn after the back end let go");
    test_check(ipc_ports_in_use() == ports_before, "no_port_leak", "%u ports in use, as before", ipc_ports_in_use());
    return 0;
}
