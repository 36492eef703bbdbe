/* SPDX-License-Identifier: MIT */
/*
 * Tests of the blkif engine (domains/blkdrv/blkback.c) between a front
 * end built from the generated ring helpers (idl/blkif.h) and the fake
 * guest and disk of blkback_fake.c: data both ways through grant copies
 * at a partition's offset, responses in ring order whatever order the
 * disk finishes in, a full device, flushes around a FUA write, indirect
 * segments, grants the guest never gave, a broken ring (closed and
 * logged, nothing answered), a second instance taking over a ring the
 * first left with requests unanswered, and a random soak in which every
 * request gets exactly one response, in order.
 */
#include "blkback.h"

#include "blkback_fake.h"
#include "harness.h"
#include "idl/xen_errno.h"

#include <stdlib.h>
#include <string.h>

#define DISK_SECTORS 4096u
#define PART_FIRST   1024u

struct rig {
    struct fake_image img;
    struct fake_env env;
    struct blkif_sring *sring;
    struct blkif_front front;
    struct blkback_conn conn;
    struct blkreq_disk geometry;
};

static struct rig *rig_new(bool read_only)
{
    struct rig *r = calloc(1, sizeof(*r));

    if (!r || !(r->sring = aligned_alloc(4096, 4096)))
        abort();
    fake_image_init(&r->img, DISK_SECTORS);
    fake_env_init(&r->env, &r->img);
    blkif_front_init(&r->front, r->sring);
    r->geometry = (struct blkreq_disk){ PART_FIRST, 2048, read_only, true };
    blkback_conn_init(&r->conn, &fake_blkback_env, &r->env, NULL, &r->geometry, 5, 32, r->sring, "d5 51712");
    return r;
}

static void rig_free(struct rig *r)
{
    blkback_conn_stop(&r->conn);
    fake_disk_run(&r->env, 0, false);
    EXPECT_TRUE(blkback_conn_idle(&r->conn));
    blkback_conn_release(&r->conn);
    EXPECT_EQ(r->env.bufs, 0);
    EXPECT_EQ(r->env.bad_submits, 0);
    fake_image_free(&r->img);
    free(r->sring);
    free(r);
}

/* Queue a request of nseg full pages from grant ref first_ref on. */
static void send(struct rig *r, uint8_t op, uint64_t id, uint64_t sector, unsigned nseg, uint32_t first_ref)
{
    struct blkif_request *q = blkif_front_req_slot(&r->front);

    EXPECT_TRUE(q != NULL);
    if (!q)
        return;
    memset(q, 0, sizeof(*q));
    q->operation = op;
    q->nr_segments = (uint8_t)nseg;
    q->id = id;
    q->sector_number = sector;
    for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        q->seg[i] = (struct blkif_request_segment){ .gref = first_ref + i, .first_sect = 0, .last_sect = 7 };
}

static void push(struct rig *r)
{
    (void)blkif_front_push_requests(&r->front);
}

/* The next response, or status 99 when none; then asks for an event on the next. */
static struct blkif_response response(struct rig *r)
{
    struct blkif_response rsp = { .status = 99 };

    if (blkif_front_get_response(&r->front, &rsp) != 1)
        rsp.status = 99;
    (void)blkif_front_final_check(&r->front); /* as a front end does before it waits */
    return rsp;
}

/* The engine takes what was pushed, the disk finishes it all, the responses go out. */
static void serve(struct rig *r)
{
    blkback_conn_poll(&r->conn);
    fake_disk_run(&r->env, 0, false);
    blkback_conn_poll(&r->conn);
}

TEST(write_then_read_through_partition)
{
    struct rig *r = rig_new(false);
    struct blkif_response rsp;

    fake_grant(&r->env, 10, true, 0xab); /* the guest's data: we only read it */
    fake_grant(&r->env, 11, true, 0xcd);
    send(r, BLKIF_OP_WRITE, 1, 8, 2, 10);
    push(r);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 0);
    EXPECT_EQ(response(r).status, 99); /* not before the disk is done */
    EXPECT_EQ(r->env.ninflight, 1);
    EXPECT_EQ(r->env.inflight[0].sector, PART_FIRST + 8);
    EXPECT_EQ(r->env.inflight[0].bytes, 8192);
    fake_disk_run(&r->env, 0, false);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 1);
    rsp = response(r);
    EXPECT_EQ(rsp.id, 1);
    EXPECT_EQ(rsp.operation, BLKIF_OP_WRITE);
    EXPECT_EQ(rsp.status, BLKIF_RSP_OKAY);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 8) * 512], 0xab);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 16) * 512 - 1], 0xab);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 16) * 512], 0xcd);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 8) * 512 - 1], 0);

    fake_grant(&r->env, 12, false, 0);
    send(r, BLKIF_OP_READ, 2, 12, 1, 12); /* half of each written page */
    push(r);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 0);
    fake_disk_run(&r->env, 0, false);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 1);
    rsp = response(r);
    EXPECT_EQ(rsp.status, BLKIF_RSP_OKAY);
    EXPECT_EQ(r->env.page[12][0], 0xab);
    EXPECT_EQ(r->env.page[12][2047], 0xab);
    EXPECT_EQ(r->env.page[12][2048], 0xcd);
    EXPECT_EQ(r->env.copy_calls, 2); /* one batch per request */
    rig_free(r);
}

TEST(partial_pages_split_at_our_page_boundaries)
{
    struct rig *r = rig_new(false);
    struct blkif_request *q;

    for (uint32_t g = 20; g < 23; g++)
        fake_grant(&r->env, g, false, (uint8_t)g);
    q = blkif_front_req_slot(&r->front);
    memset(q, 0, sizeof(*q));
    q->operation = BLKIF_OP_WRITE;
    q->nr_segments = 3;
    q->id = 9;
    q->seg[0] = (struct blkif_request_segment){ .gref = 20, .first_sect = 3, .last_sect = 7 }; /* 5 sectors */
    q->seg[1] =
        (struct blkif_request_segment){ .gref = 21, .first_sect = 0, .last_sect = 7 }; /* crosses our buffer's page */
    q->seg[2] = (struct blkif_request_segment){ .gref = 22, .first_sect = 6, .last_sect = 6 };
    push(r);
    serve(r);
    EXPECT_EQ(response(r).status, BLKIF_RSP_OKAY);
    EXPECT_EQ(r->env.copies, 4);
    EXPECT_EQ(r->img.bytes[PART_FIRST * 512], 20);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 5) * 512], 21);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 13) * 512 - 1], 21);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 13) * 512], 22);
    EXPECT_EQ(r->img.bytes[(PART_FIRST + 14) * 512], 0);
    rig_free(r);
}

TEST(answers_in_ring_order)
{
    struct rig *r = rig_new(false);

    fake_grant(&r->env, 10, false, 1);
    for (unsigned i = 0; i < 4; i++)
        send(r, BLKIF_OP_READ, 100 + i, i * 8, 1, 10);
    push(r);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 0);
    EXPECT_EQ(r->env.ninflight, 4);
    fake_disk_run(&r->env, 3, true); /* the last three finish first */
    EXPECT_EQ(blkback_conn_poll(&r->conn), 0);
    EXPECT_EQ(r->sring->rsp_prod, 0); /* held back: the first is not done */
    fake_disk_run(&r->env, 0, false);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 1);
    for (unsigned i = 0; i < 4; i++)
        EXPECT_EQ(response(r).id, 100 + i);
    EXPECT_EQ(response(r).status, 99);
    rig_free(r);
}

TEST(full_device_retried_in_order)
{
    struct rig *r = rig_new(false);

    r->env.limit = 1;
    fake_grant(&r->env, 10, false, 1);
    for (unsigned i = 0; i < 5; i++)
        send(r, BLKIF_OP_READ, i, 0, 1, 10);
    push(r);
    for (unsigned round = 0; round < 10; round++) {
        blkback_conn_poll(&r->conn);
        EXPECT_TRUE(r->env.ninflight <= 1);
        fake_disk_run(&r->env, 0, false);
    }
    blkback_conn_poll(&r->conn);
    for (unsigned i = 0; i < 5; i++) {
        struct blkif_response rsp = response(r);
        EXPECT_EQ(rsp.id, i);
        EXPECT_EQ(rsp.status, BLKIF_RSP_OKAY);
    }
    rig_free(r);
}

TEST(flush_with_data_is_flush_write_flush)
{
    struct rig *r = rig_new(false);

    fake_grant(&r->env, 10, true, 0x5a);
    send(r, BLKIF_OP_FLUSH_DISKCACHE, 7, 0, 1, 10);
    push(r);
    blkback_conn_poll(&r->conn);
    EXPECT_EQ(r->env.ninflight, 1);
    EXPECT_EQ(r->env.inflight[0].io, BLKBACK_IO_FLUSH);
    fake_disk_run(&r->env, 0, false);
    blkback_conn_poll(&r->conn);
    EXPECT_EQ(r->env.inflight[0].io, BLKBACK_IO_WRITE);
    fake_disk_run(&r->env, 0, false);
    blkback_conn_poll(&r->conn);
    EXPECT_EQ(response(r).status, 99); /* the data is not yet flushed */
    EXPECT_EQ(r->env.inflight[0].io, BLKBACK_IO_FLUSH);
    fake_disk_run(&r->env, 0, false);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 1);
    EXPECT_EQ(response(r).status, BLKIF_RSP_OKAY);
    EXPECT_EQ(r->env.flushes, 2);
    EXPECT_EQ(r->env.flushed_writes, 1); /* the write came before the last flush */
    /* An empty flush: one device flush. */
    send(r, BLKIF_OP_FLUSH_DISKCACHE, 8, 0, 0, 0);
    push(r);
    serve(r);
    EXPECT_EQ(response(r).status, BLKIF_RSP_OKAY);
    EXPECT_EQ(r->env.flushes, 3);
    rig_free(r);
}

TEST(indirect_segments)
{
    struct rig *r = rig_new(false);
    struct blkif_request *q;
    struct blkif_request_indirect ind = { 0 };
    struct blkif_request_segment *segs = (struct blkif_request_segment *)(void *)r->env.page[40];

    fake_grant(&r->env, 40, true, 0);
    for (unsigned i = 0; i < 20; i++) {
        fake_grant(&r->env, i, true, (uint8_t)(i + 1));
        segs[i] = (struct blkif_request_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
    }
    ind.operation = BLKIF_OP_INDIRECT;
    ind.indirect_op = BLKIF_OP_WRITE;
    ind.nr_segments = 20;
    ind.id = 55;
    ind.sector_number = 64;
    ind.indirect_grefs[0] = 40;
    q = blkif_front_req_slot(&r->front);
    memcpy(q, &ind, sizeof(ind));
    push(r);
    blkback_conn_poll(&r->conn);
    EXPECT_EQ(r->env.inflight[0].bytes, 20 * 4096);
    fake_disk_run(&r->env, 0, false);
    blkback_conn_poll(&r->conn);
    struct blkif_response rsp = response(r);
    EXPECT_EQ(rsp.id, 55);
    EXPECT_EQ(rsp.operation, BLKIF_OP_WRITE); /* the operation inside, as Xen answers */
    EXPECT_EQ(rsp.status, BLKIF_RSP_OKAY);
    for (unsigned i = 0; i < 20; i++)
        EXPECT_EQ(r->img.bytes[(PART_FIRST + 64 + 8 * i) * 512], i + 1);
    /* An indirect page it never granted. */
    ind.indirect_grefs[0] = 41;
    ind.id = 56;
    q = blkif_front_req_slot(&r->front);
    memcpy(q, &ind, sizeof(ind));
    push(r);
    blkback_conn_poll(&r->conn);
    EXPECT_EQ(r->env.ninflight, 0);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    /* A bad segment inside the indirect page. */
    segs[3].last_sect = 9;
    ind.indirect_grefs[0] = 40;
    q = blkif_front_req_slot(&r->front);
    memcpy(q, &ind, sizeof(ind));
    push(r);
    blkback_conn_poll(&r->conn);
    EXPECT_EQ(r->env.ninflight, 0);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    rig_free(r);
}

TEST(grants_not_given_fail_cleanly)
{
    struct rig *r = rig_new(false);

    send(r, BLKIF_OP_WRITE, 1, 0, 1, 30); /* never granted */
    push(r);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 1);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    EXPECT_EQ(r->env.writes + r->env.ninflight, 0);
    fake_grant(&r->env, 31, true, 0); /* readable only: a read cannot land there */
    send(r, BLKIF_OP_READ, 2, 0, 1, 31);
    send(r, BLKIF_OP_READ, 3, 0, 1, FAKE_GRANTS + 1000);
    push(r);
    serve(r);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    EXPECT_EQ(r->conn.errors, 3);
    rig_free(r);
}

TEST(bad_requests_answered_in_place)
{
    struct rig *r = rig_new(true);

    fake_grant(&r->env, 10, false, 0);
    send(r, BLKIF_OP_READ, 1, 0, 1, 10);
    send(r, BLKIF_OP_WRITE, 2, 0, 1, 10);   /* read-only disk */
    send(r, BLKIF_OP_READ, 3, 2048, 1, 10); /* past the partition */
    send(r, BLKIF_OP_DISCARD, 4, 0, 0, 10); /* not offered */
    send(r, BLKIF_OP_READ, 5, 0, 12, 10);   /* too many segments */
    push(r);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 0); /* all held behind the first */
    fake_disk_run(&r->env, 0, false);
    EXPECT_EQ(blkback_conn_poll(&r->conn), 1);
    EXPECT_EQ(response(r).status, BLKIF_RSP_OKAY);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    EXPECT_EQ(response(r).status, BLKIF_RSP_EOPNOTSUPP);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    EXPECT_EQ(r->env.writes, 0);
    rig_free(r);
}

TEST(device_errors_answered)
{
    struct rig *r = rig_new(false);

    fake_grant(&r->env, 10, false, 0);
    r->env.fail_io = true;
    send(r, BLKIF_OP_READ, 1, 0, 1, 10);
    push(r);
    serve(r);
    EXPECT_EQ(response(r).status, BLKIF_RSP_ERROR);
    rig_free(r);
}

TEST(broken_ring_closed_and_logged)
{
    struct rig *r = rig_new(false);

    fake_grant(&r->env, 10, false, 0);
    send(r, BLKIF_OP_READ, 1, 0, 1, 10);
    push(r);
    blkback_conn_poll(&r->conn);
    r->sring->req_prod = 1 + BLKIF_RING_SIZE; /* 33 requests awaiting answers: past the ring */
    EXPECT_EQ(blkback_conn_poll(&r->conn), IDL_RING_BROKEN);
    EXPECT_TRUE(fake_log_has(&r->env, "d5 51712: the front end's ring indices are impossible"));
    EXPECT_EQ(r->env.nlog, 1);
    blkback_conn_stop(&r->conn);
    EXPECT_FALSE(blkback_conn_idle(&r->conn)); /* the read is with the disk */
    fake_disk_run(&r->env, 0, false);
    EXPECT_TRUE(blkback_conn_idle(&r->conn));
    EXPECT_EQ(blkback_conn_poll(&r->conn), 0); /* never touches the ring again */
    EXPECT_EQ(r->sring->rsp_prod, 0);
    /* Indices that went back are as bad. */
    struct rig *r2 = rig_new(false);
    r2->sring->req_prod = (uint32_t)-1;
    EXPECT_EQ(blkback_conn_poll(&r2->conn), IDL_RING_BROKEN);
    rig_free(r2);
    rig_free(r);
}

TEST(new_instance_takes_over_unanswered)
{
    struct rig *r = rig_new(false);
    struct blkback_conn *again = calloc(1, sizeof(*again));

    fake_grant(&r->env, 10, false, 0);
    memset(r->img.bytes + (PART_FIRST + 16) * 512, 0x77, 4096);
    for (unsigned i = 0; i < 3; i++)
        send(r, BLKIF_OP_READ, 10 + i, 16, 1, 10);
    push(r);
    blkback_conn_poll(&r->conn);
    fake_disk_run(&r->env, 1, false);
    blkback_conn_poll(&r->conn); /* the first is answered */
    EXPECT_EQ(r->sring->rsp_prod, 1);
    /* The instance dies: its steps with the disk are lost with it. */
    r->env.ninflight = 0;
    blkback_conn_init(again, &fake_blkback_env, &r->env, NULL, &r->geometry, 5, 32, r->sring, "d5 51712");
    blkback_conn_poll(again);
    EXPECT_EQ(r->env.ninflight, 2); /* exactly the two unanswered */
    fake_disk_run(&r->env, 0, true);
    /* No event asked for (the front end has not looked since): vbd.c
     * sends one on every connect, for what the dead one published. */
    EXPECT_EQ(blkback_conn_poll(again), 0);
    for (unsigned i = 0; i < 3; i++) {
        struct blkif_response rsp = response(r);
        EXPECT_EQ(rsp.id, 10 + i);
        EXPECT_EQ(rsp.status, BLKIF_RSP_OKAY);
    }
    EXPECT_EQ(r->env.page[10][0], 0x77);
    blkback_conn_release(again);
    free(again);
    r->conn.busy = 0; /* the dead instance's steps went with it */
    rig_free(r);
}

TEST(random_soak_every_request_answered_once_in_order)
{
    unsigned long long steps = test_random_init(5, 20000);
    struct rig *r = rig_new(false);
    uint64_t next_id = 0, expect_id = 0;

    for (uint32_t g = 0; g < 16; g++)
        fake_grant(&r->env, g, g >= 12, (uint8_t)g);
    r->env.limit = 1 + test_rng_below(8);
    for (unsigned long long s = 0; s < steps; s++) {
        switch (test_rng_below(4)) {
        case 0: { /* requests, some bad */
            unsigned n = test_rng_below(5);
            for (unsigned i = 0; i < n && blkif_front_free_slots(&r->front); i++) {
                static const uint8_t ops[] = { BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_FLUSH_DISKCACHE, 9 };
                uint8_t op = ops[test_rng_below(4)];
                unsigned nseg = op == BLKIF_OP_FLUSH_DISKCACHE ? test_rng_below(2) : 1 + test_rng_below(11);
                send(r, op, next_id++, test_rng_below(2100), nseg, test_rng_below(20));
            }
            push(r);
            break;
        }
        case 1: blkback_conn_poll(&r->conn); break;
        case 2: fake_disk_run(&r->env, test_rng_below(4), test_rng_below(2)); break;
        default: {
            struct blkif_response rsp;
            int got;
            while ((got = blkif_front_get_response(&r->front, &rsp)) == 1) {
                EXPECT_EQ(rsp.id, expect_id);
                expect_id++;
            }
            EXPECT_EQ(got, 0);
        }
        }
    }
    /* Drain: everything is answered. */
    for (unsigned i = 0; i < 200 && expect_id < next_id; i++) {
        struct blkif_response rsp;
        blkback_conn_poll(&r->conn);
        fake_disk_run(&r->env, 0, false);
        while (blkif_front_get_response(&r->front, &rsp) == 1)
            EXPECT_EQ(rsp.id, expect_id++);
    }
    EXPECT_EQ(expect_id, next_id);
    EXPECT_EQ(r->conn.requests, next_id);
    rig_free(r);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(write_then_read_through_partition),
        TEST_ENTRY(partial_pages_split_at_our_page_boundaries),
        TEST_ENTRY(answers_in_ring_order),
        TEST_ENTRY(full_device_retried_in_order),
        TEST_ENTRY(flush_with_data_is_flush_write_flush),
        TEST_ENTRY(indirect_segments),
        TEST_ENTRY(grants_not_given_fail_cleanly),
        TEST_ENTRY(bad_requests_answered_in_place),
        TEST_ENTRY(device_errors_answered),
        TEST_ENTRY(broken_ring_closed_and_logged),
        TEST_ENTRY(new_instance_takes_over_unanswered),
        TEST_ENTRY(random_soak_every_request_answered_once_in_order),
        TEST_END,
    });
}
