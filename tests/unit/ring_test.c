/* SPDX-License-Identifier: MIT */
/*
 * Tests of the ring helpers idlgen writes for `ring` declarations, driven
 * over the real blkif and netif pages: exchanges in one thread and in two,
 * indices wrapping at 2^32, notification decisions (no lost wakeups), and
 * hostile producer indices, which must be reported and never make a
 * consumer read outside the page. Pages are malloc'ed at their exact size
 * so that AddressSanitizer sees any access past them.
 */
#include "idl/blkif.h"
#include "idl/netif.h"

#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Pages at their exact size: a read past the ring is an ASan report. */
static struct blkif_sring *blkif_page(void)
{
    struct blkif_sring *s = malloc(sizeof(*s));

    if (!s)
        abort();
    memset(s, 0xa5, sizeof(*s)); /* not zero: init must set what it needs */
    return s;
}

static struct netif_tx_sring *netif_tx_page(void)
{
    struct netif_tx_sring *s = malloc(sizeof(*s));

    if (!s)
        abort();
    memset(s, 0x5a, sizeof(*s));
    return s;
}

/* Fills one request the back end can recognise: id and sector from n. */
static void fill_request(struct blkif_request *r, uint64_t n)
{
    memset(r, 0, sizeof(*r));
    r->operation = (uint8_t)(n & 1 ? BLKIF_OP_WRITE : BLKIF_OP_READ);
    r->nr_segments = (uint8_t)(1 + n % BLKIF_MAX_SEGMENTS_PER_REQUEST);
    r->id = n;
    r->sector_number = n * 8;
    r->seg[0].gref = (uint32_t)n;
}

/* The back end answers every pending request; returns how many, or a negative code. */
static int serve_all(struct blkif_back *b)
{
    struct blkif_request req;
    int n = 0, r;

    while ((r = blkif_back_get_request(b, &req)) == 1) {
        struct blkif_response *rsp = blkif_back_rsp_slot(b);
        if (!rsp || req.sector_number != req.id * 8 || req.seg[0].gref != (uint32_t)req.id)
            return -1000;
        rsp->id = req.id;
        rsp->operation = req.operation;
        rsp->status = BLKIF_RSP_OKAY;
        n++;
    }
    return r < 0 ? r : n;
}

/* Runs total requests through front and back in batches of 1..batch_max. */
static void exchange(struct blkif_front *f, struct blkif_back *b, uint64_t total, unsigned batch_max)
{
    uint64_t sent = 0, answered = 0;

    while (answered < total) {
        unsigned batch = 1 + (unsigned)(sent % batch_max);
        struct blkif_response rsp;
        int r;
        for (unsigned i = 0; i < batch && sent < total; i++) {
            struct blkif_request *slot = blkif_front_req_slot(f);
            if (!slot)
                break;
            fill_request(slot, sent++);
        }
        blkif_front_push_requests(f);
        EXPECT_TRUE(serve_all(b) >= 0);
        blkif_back_push_responses(b);
        while ((r = blkif_front_get_response(f, &rsp)) == 1) {
            if (rsp.id != answered || rsp.status != BLKIF_RSP_OKAY) {
                test_fail(__FILE__, __LINE__, "response %llu: id %llu", (unsigned long long)answered,
                          (unsigned long long)rsp.id);
                return;
            }
            answered++;
        }
        EXPECT_EQ(r, 0);
        if (r != 0)
            return;
    }
    EXPECT_EQ(sent, total);
    EXPECT_EQ(blkif_front_free_slots(f), BLKIF_RING_SIZE);
}

TEST(init_sets_header)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;

    blkif_front_init(&f, s);
    EXPECT_EQ(s->req_prod, 0);
    EXPECT_EQ(s->rsp_prod, 0);
    EXPECT_EQ(s->req_event, 1);
    EXPECT_EQ(s->rsp_event, 1);
    for (size_t i = 0; i < sizeof(s->_rsvd_0x10); i++)
        EXPECT_EQ(s->_rsvd_0x10[i], 0);
    EXPECT_EQ(blkif_front_free_slots(&f), BLKIF_RING_SIZE);
    free(s);
}

TEST(exchange_many)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;
    struct blkif_back b;

    blkif_front_init(&f, s);
    blkif_back_init(&b, s);
    exchange(&f, &b, 20000, 40);
    EXPECT_EQ(f.req_prod_pvt, 20000);
    EXPECT_EQ(b.req_cons, 20000);
    EXPECT_EQ(s->req_prod, 20000);
    EXPECT_EQ(s->rsp_prod, 20000);
    free(s);
}

/* The front end can have exactly BLKIF_RING_SIZE requests outstanding, and no more. */
TEST(full_ring)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;
    struct blkif_back b;
    struct blkif_request req;

    blkif_front_init(&f, s);
    blkif_back_init(&b, s);
    for (unsigned i = 0; i < BLKIF_RING_SIZE; i++) {
        struct blkif_request *slot = blkif_front_req_slot(&f);
        EXPECT_TRUE(slot != NULL);
        if (slot)
            fill_request(slot, i);
    }
    EXPECT_TRUE(blkif_front_req_slot(&f) == NULL);
    EXPECT_EQ(blkif_front_free_slots(&f), 0);
    blkif_front_push_requests(&f);
    EXPECT_EQ(blkif_back_pending(&b), BLKIF_RING_SIZE);
    /* Consumed but unanswered requests still hold their slots. */
    for (unsigned i = 0; i < BLKIF_RING_SIZE; i++)
        EXPECT_EQ(blkif_back_get_request(&b, &req), 1);
    EXPECT_EQ(blkif_back_get_request(&b, &req), 0);
    EXPECT_TRUE(blkif_front_req_slot(&f) == NULL);
    /* A back end answers only what it consumed. */
    for (unsigned i = 0; i < BLKIF_RING_SIZE; i++)
        EXPECT_TRUE(blkif_back_rsp_slot(&b) != NULL);
    EXPECT_TRUE(blkif_back_rsp_slot(&b) == NULL);
    free(s);
}

/* Indices cross 2^32 in the middle of the exchange. */
TEST(wraparound)
{
    static const uint32_t starts[] = { 0xffffffffu - 5, 0xffffffffu - 31, 0xffffffffu, 0x7fffffffu };

    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        struct blkif_sring *s = blkif_page();
        struct blkif_front f;
        struct blkif_back b;

        blkif_front_init_at(&f, s, starts[i]);
        blkif_back_init_at(&b, s, starts[i]);
        exchange(&f, &b, 1000, 33);
        EXPECT_EQ(f.req_prod_pvt, starts[i] + 1000u);
        EXPECT_EQ(f.rsp_cons, starts[i] + 1000u);
        EXPECT_EQ(b.rsp_prod_pvt, starts[i] + 1000u);
        free(s);
    }
}

/* The same template with 256 small slots. */
TEST(netif_tx_exchange_and_wrap)
{
    struct netif_tx_sring *s = netif_tx_page();
    struct netif_tx_front f;
    struct netif_tx_back b;
    uint32_t next_id = 0, want = 0;

    netif_tx_front_init_at(&f, s, 0xffffff00u);
    netif_tx_back_init_at(&b, s, 0xffffff00u);
    for (unsigned round = 0; round < 100; round++) {
        struct netif_tx_request *slot, req;
        struct netif_tx_response rsp;
        while ((slot = netif_tx_front_req_slot(&f)) != NULL) {
            memset(slot, 0, sizeof(*slot));
            slot->id = (uint16_t)next_id;
            slot->size = (uint16_t)(next_id++ * 3);
        }
        EXPECT_EQ(netif_tx_front_free_slots(&f), 0);
        netif_tx_front_push_requests(&f);
        EXPECT_EQ(netif_tx_back_pending(&b), NETIF_TX_RING_SIZE);
        while (netif_tx_back_get_request(&b, &req) == 1) {
            struct netif_tx_response *r = netif_tx_back_rsp_slot(&b);
            EXPECT_EQ(req.size, (uint16_t)(req.id * 3));
            r->id = req.id;
            r->status = NETIF_RSP_OKAY;
        }
        netif_tx_back_push_responses(&b);
        while (netif_tx_front_get_response(&f, &rsp) == 1)
            EXPECT_EQ(rsp.id, (uint16_t)want++);
    }
    EXPECT_EQ(want, 100 * NETIF_TX_RING_SIZE);
    free(s);
}

/* Notification holdoff as Xen's macros do it: an event only when the
 * producer's index passes the consumer's event value. */
TEST(notify_decisions)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;
    struct blkif_back b;

    blkif_front_init(&f, s);
    blkif_back_init(&b, s);
    fill_request(blkif_front_req_slot(&f), 0);
    EXPECT_TRUE(blkif_front_push_requests(&f)); /* req_event 1: the first request wakes the back end */
    fill_request(blkif_front_req_slot(&f), 1);
    EXPECT_FALSE(blkif_front_push_requests(&f)); /* it has not asked again */
    EXPECT_FALSE(blkif_front_push_requests(&f)); /* nothing new */
    EXPECT_EQ(serve_all(&b), 2);
    EXPECT_EQ(blkif_back_final_check(&b), 0); /* idle: asks for req_event = 3 */
    EXPECT_EQ(s->req_event, 3);
    fill_request(blkif_front_req_slot(&f), 2);
    fill_request(blkif_front_req_slot(&f), 3);
    EXPECT_TRUE(blkif_front_push_requests(&f)); /* 3 lies among the two new ones */
    EXPECT_EQ(blkif_back_final_check(&b), 2);   /* work pending: no event requested */
    EXPECT_EQ(s->req_event, 3);
    /* Responses: rsp_event 1 asks for the first. */
    EXPECT_TRUE(blkif_back_push_responses(&b));
    EXPECT_EQ(serve_all(&b), 2);
    EXPECT_FALSE(blkif_back_push_responses(&b));
    free(s);
}

/* ---- Hostile producers ---- */

static void set_req_prod(struct blkif_sring *s, uint32_t v)
{
    __atomic_store_n(&s->req_prod, v, __ATOMIC_RELEASE);
}

/* A fresh ring where the back end consumed `consumed` and answered `answered` of them. */
static void setup_back(struct blkif_sring *s, struct blkif_front *f, struct blkif_back *b, uint32_t start,
                       unsigned consumed, unsigned answered)
{
    struct blkif_request req;

    blkif_front_init_at(f, s, start);
    blkif_back_init_at(b, s, start);
    for (unsigned i = 0; i < consumed; i++)
        fill_request(blkif_front_req_slot(f), i);
    blkif_front_push_requests(f);
    for (unsigned i = 0; i < consumed; i++)
        EXPECT_EQ(blkif_back_get_request(b, &req), 1);
    for (unsigned i = 0; i < answered; i++)
        EXPECT_TRUE(blkif_back_rsp_slot(b) != NULL);
}

TEST(hostile_req_prod_ahead)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;
    struct blkif_back b;
    struct blkif_request req;

    /* 20 consumed, 10 answered: 10 slots still held, so at most 22 more. */
    setup_back(s, &f, &b, 0xfffffff0u, 20, 10);
    set_req_prod(s, b.req_cons + 22);
    EXPECT_EQ(blkif_back_pending(&b), 22);
    set_req_prod(s, b.req_cons + 23);
    EXPECT_EQ(blkif_back_pending(&b), IDL_RING_BROKEN);
    /* Broken for good, even if the index comes back to a sane value. */
    set_req_prod(s, b.req_cons + 1);
    EXPECT_EQ(blkif_back_get_request(&b, &req), IDL_RING_BROKEN);
    EXPECT_EQ(blkif_back_final_check(&b), IDL_RING_BROKEN);
    EXPECT_EQ(b.req_cons, 0xfffffff0u + 20);

    setup_back(s, &f, &b, 0, 0, 0);
    set_req_prod(s, 0x80000000u);
    EXPECT_EQ(blkif_back_get_request(&b, &req), IDL_RING_BROKEN);
    setup_back(s, &f, &b, 0, 0, 0);
    set_req_prod(s, BLKIF_RING_SIZE + 1);
    EXPECT_EQ(blkif_back_get_request(&b, &req), IDL_RING_BROKEN);
    free(s);
}

TEST(hostile_req_prod_behind)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;
    struct blkif_back b;
    struct blkif_request req;

    setup_back(s, &f, &b, 3, 10, 10);
    set_req_prod(s, b.req_cons - 1);
    EXPECT_EQ(blkif_back_get_request(&b, &req), IDL_RING_BROKEN);
    /* Behind, but still after the last answer: Xen's own check would miss it. */
    setup_back(s, &f, &b, 3, 10, 2);
    set_req_prod(s, b.req_cons - 5);
    EXPECT_EQ(blkif_back_pending(&b), IDL_RING_BROKEN);
    free(s);
}

TEST(hostile_rsp_prod)
{
    struct blkif_sring *s = blkif_page();
    struct blkif_front f;
    struct blkif_back b;
    struct blkif_response rsp;

    /* 5 requests published, 2 more filled but not published. */
    blkif_front_init_at(&f, s, 0xfffffffeu);
    blkif_back_init_at(&b, s, 0xfffffffeu);
    for (unsigned i = 0; i < 5; i++)
        fill_request(blkif_front_req_slot(&f), i);
    blkif_front_push_requests(&f);
    fill_request(blkif_front_req_slot(&f), 5);
    fill_request(blkif_front_req_slot(&f), 6);
    __atomic_store_n(&s->rsp_prod, f.rsp_cons + 5, __ATOMIC_RELEASE);
    EXPECT_EQ(blkif_front_pending(&f), 5);
    /* Answers to requests never published. */
    __atomic_store_n(&s->rsp_prod, f.rsp_cons + 6, __ATOMIC_RELEASE);
    EXPECT_EQ(blkif_front_get_response(&f, &rsp), IDL_RING_BROKEN);
    EXPECT_EQ(blkif_front_final_check(&f), IDL_RING_BROKEN);

    blkif_front_init(&f, s);
    __atomic_store_n(&s->rsp_prod, 0xffffffffu, __ATOMIC_RELEASE); /* behind rsp_cons */
    EXPECT_EQ(blkif_front_get_response(&f, &rsp), IDL_RING_BROKEN);
    blkif_front_init(&f, s);
    __atomic_store_n(&s->rsp_prod, 1, __ATOMIC_RELEASE); /* a response with nothing asked */
    EXPECT_EQ(blkif_front_pending(&f), IDL_RING_BROKEN);
    free(s);
}

/* Any index at all: either a sane count or IDL_RING_BROKEN, and the reads
 * that follow stay inside the page (ASan). */
TEST(hostile_indices_never_read_outside)
{
    struct blkif_sring *s = blkif_page();
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (unsigned i = 0; i < 20000; i++) {
        struct blkif_front f;
        struct blkif_back b;
        struct blkif_request req;
        struct blkif_response rsp;
        uint32_t start, v;
        int r, got = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        start = (uint32_t)x;
        v = i % 3 == 0 ? (uint32_t)(x >> 32) : start + (uint32_t)((x >> 40) % 80) - 40;
        blkif_front_init_at(&f, s, start);
        blkif_back_init_at(&b, s, start);
        set_req_prod(s, v);
        while ((r = blkif_back_get_request(&b, &req)) == 1)
            got++;
        EXPECT_TRUE(r == 0 || r == IDL_RING_BROKEN);
        EXPECT_TRUE(got <= (int)BLKIF_RING_SIZE);
        EXPECT_TRUE(r == IDL_RING_BROKEN || (uint32_t)(v - start) <= BLKIF_RING_SIZE);
        __atomic_store_n(&s->rsp_prod, v, __ATOMIC_RELEASE);
        while ((r = blkif_front_get_response(&f, &rsp)) == 1)
            got++;
        EXPECT_TRUE(r == 0 || r == IDL_RING_BROKEN);
        EXPECT_EQ(r, v == start ? 0 : IDL_RING_BROKEN); /* nothing was asked */
    }
    free(s);
}

/* ---- Two threads, with events, so a lost wakeup hangs and times out ---- */

#define THREADED_TOTAL 100000u
#define WAIT_SECONDS   20

struct channel {
    struct blkif_sring *s;
    unsigned to_back, to_front; /* events sent, counted (atomic) */
    int back_error;             /* nonzero: what went wrong in the back end's thread */
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for the event counter to move past seen; false after WAIT_SECONDS. */
static int wait_event(unsigned *counter, unsigned seen)
{
    double deadline = now_seconds() + WAIT_SECONDS;

    while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) == seen) {
        if (now_seconds() > deadline)
            return 0;
        sched_yield();
    }
    return 1;
}

static void *back_thread(void *arg)
{
    struct channel *c = arg;
    struct blkif_back b;
    uint64_t served = 0;

    blkif_back_init(&b, c->s);
    while (served < THREADED_TOTAL) {
        unsigned seen = __atomic_load_n(&c->to_back, __ATOMIC_ACQUIRE);
        int r = serve_all(&b);
        if (r < 0) {
            c->back_error = r;
            return NULL;
        }
        served += (unsigned)r;
        if (blkif_back_push_responses(&b))
            __atomic_fetch_add(&c->to_front, 1, __ATOMIC_RELEASE);
        if (served < THREADED_TOTAL && blkif_back_final_check(&b) == 0 && !wait_event(&c->to_back, seen)) {
            c->back_error = 1; /* a lost wakeup */
            return NULL;
        }
    }
    return NULL;
}

TEST(threads_with_events)
{
    struct channel c = { .s = blkif_page() };
    struct blkif_front f;
    pthread_t t;
    uint64_t sent = 0, answered = 0;
    int lost = 0;

    blkif_front_init(&f, c.s);
    EXPECT_EQ(pthread_create(&t, NULL, back_thread, &c), 0);
    while (answered < THREADED_TOTAL && !lost) {
        unsigned seen = __atomic_load_n(&c.to_front, __ATOMIC_ACQUIRE);
        struct blkif_request *slot;
        struct blkif_response rsp;
        int r;
        while (sent < THREADED_TOTAL && (slot = blkif_front_req_slot(&f)) != NULL)
            fill_request(slot, sent++);
        if (blkif_front_push_requests(&f))
            __atomic_fetch_add(&c.to_back, 1, __ATOMIC_RELEASE);
        while ((r = blkif_front_get_response(&f, &rsp)) == 1) {
            if (rsp.id != answered++)
                lost = 2;
        }
        if (r < 0)
            lost = 3;
        /* Nothing to read and nothing more to send: wait for the back end's event. */
        if (answered < THREADED_TOTAL && (sent == THREADED_TOTAL || blkif_front_free_slots(&f) == 0) &&
            blkif_front_final_check(&f) == 0 && !wait_event(&c.to_front, seen))
            lost = 1;
    }
    EXPECT_EQ(lost, 0);
    pthread_join(t, NULL);
    EXPECT_EQ(c.back_error, 0);
    EXPECT_EQ(answered, THREADED_TOTAL);
    free(c.s);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(init_sets_header),
        TEST_ENTRY(exchange_many),
        TEST_ENTRY(full_ring),
        TEST_ENTRY(wraparound),
        TEST_ENTRY(netif_tx_exchange_and_wrap),
        TEST_ENTRY(notify_decisions),
        TEST_ENTRY(hostile_req_prod_ahead),
        TEST_ENTRY(hostile_req_prod_behind),
        TEST_ENTRY(hostile_rsp_prod),
        TEST_ENTRY(hostile_indices_never_read_outside),
        TEST_ENTRY(threads_with_events),
        TEST_END,
    });
}
