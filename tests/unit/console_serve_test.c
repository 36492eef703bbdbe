/* SPDX-License-Identifier: MIT */
/*
 * The console domain's answers on the console channel
 * (domains/console/serve.c): each field's refusal, the log read from
 * every kind of position (kept, lost, one past the newest, a log that
 * started again), input taken as far as the ring has room and not at all
 * for a closed console, and a randomized run that checks every answer
 * against the log it was read from.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

#include "consctl_fake.h"
#include "harness.h"
#include "idl/xen_errno.h"

static struct consctl_request q;
static struct consctl_response rsp;

static void ask(uint16_t domid, uint64_t pos, uint32_t max_out, const char *in)
{
    struct serve_env env = consfake_env();

    memset(&q, 0, sizeof(q));
    q.id = 77;
    q.op = CONSCTL_OP_CONSOLE;
    q.domid = domid;
    q.pos = pos;
    q.max_out = max_out;
    q.in_len = (uint16_t)strlen(in);
    memcpy(q.in, in, q.in_len);
    serve_request(&env, &q, &rsp);
}

/* The model with one guest, domid, and nothing else. */
static struct consfake_guest *fresh(uint16_t domid)
{
    consfake_reset();
    return consfake_add(domid);
}

TEST(refusals)
{
    struct serve_env env = consfake_env();

    fresh(5);
    ask(5, 0, 10, "");
    EXPECT_EQ(rsp.status, 0);
    EXPECT_EQ(rsp.id, 77);
    q.op = CONSCTL_OP_NONE;
    serve_request(&env, &q, &rsp);
    EXPECT_EQ(rsp.status, -XEN_ENOSYS);
    q.op = 2;
    serve_request(&env, &q, &rsp);
    EXPECT_EQ(rsp.status, -XEN_ENOSYS);
    q.op = CONSCTL_OP_CONSOLE;
    q.reserved = 1;
    serve_request(&env, &q, &rsp);
    EXPECT_EQ(rsp.status, -XEN_EINVAL);
    q.reserved = 0;
    q.in_len = CONSCTL_IN_MAX + 1;
    serve_request(&env, &q, &rsp);
    EXPECT_EQ(rsp.status, -XEN_EINVAL);
    EXPECT_EQ(consfake.g[0].in_len, 0); /* nothing done for a refused request */
    q.in_len = 0;
    q.max_out = CONSCTL_OUT_MAX + 1;
    serve_request(&env, &q, &rsp);
    EXPECT_EQ(rsp.status, -XEN_EINVAL);
    q.max_out = CONSCTL_OUT_MAX;
    EXPECT_EQ(serve_decode(&q), 0);
    ask(6, 0, 10, "x");
    EXPECT_EQ(rsp.status, -XEN_ESRCH);
    EXPECT_EQ(rsp.out_len, 0);
    EXPECT_EQ(rsp.in_taken, 0);
}

TEST(log_positions)
{
    struct consfake_guest *g;
    char big[CONSCTL_LOG_KEPT + 100];

    g = fresh(5);
    ask(5, 0, CONSCTL_OUT_MAX, "");
    EXPECT_EQ(rsp.status, 0);
    EXPECT_EQ(rsp.out_len, 0);
    EXPECT_EQ(rsp.next, 0);
    consfake_write(g, "hello, world\n", 13);
    ask(5, 0, CONSCTL_OUT_MAX, "");
    EXPECT_EQ(rsp.out_len, 13);
    EXPECT_EQ(rsp.next, 13);
    EXPECT_EQ(rsp.lost, 0);
    EXPECT_TRUE(!memcmp(rsp.out, "hello, world\n", 13));
    ask(5, 7, 3, "");
    EXPECT_EQ(rsp.out_len, 3);
    EXPECT_EQ(rsp.next, 10);
    EXPECT_TRUE(!memcmp(rsp.out, "wor", 3));
    ask(5, 13, CONSCTL_OUT_MAX, "");
    EXPECT_EQ(rsp.out_len, 0);
    EXPECT_EQ(rsp.next, 13);
    /* One past the newest: a log that started again, read from its start. */
    ask(5, 1000, CONSCTL_OUT_MAX, "");
    EXPECT_EQ(rsp.out_len, 13);
    EXPECT_EQ(rsp.next, 13);
    EXPECT_EQ(rsp.lost, 0);
    /* Wrapped: the oldest bytes are lost. */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    consfake_write(g, big, sizeof(big));
    ask(5, 0, CONSCTL_OUT_MAX, "");
    EXPECT_EQ(rsp.lost, 13 + sizeof(big) - CONSCTL_LOG_KEPT);
    EXPECT_EQ(rsp.out_len, CONSCTL_OUT_MAX);
    EXPECT_EQ(rsp.next, 13 + sizeof(big) - CONSCTL_LOG_KEPT + CONSCTL_OUT_MAX);
    EXPECT_EQ(rsp.out[0], (uint8_t)big[sizeof(big) - CONSCTL_LOG_KEPT]);
    ask(5, 0, 0, "");
    EXPECT_EQ(rsp.out_len, 0);
}

TEST(input)
{
    struct consfake_guest *g;
    char fill[CONSFAKE_IN + 10];

    g = fresh(5);
    ask(5, 0, 0, "ls\n");
    EXPECT_EQ(rsp.in_taken, 3);
    EXPECT_EQ(g->in_len, 3);
    EXPECT_TRUE(!memcmp(g->in, "ls\n", 3));
    memset(fill, 'z', sizeof(fill));
    fill[sizeof(fill) - 1] = '\0';
    ask(5, 0, 0, fill);
    EXPECT_EQ(rsp.in_taken, CONSFAKE_IN - 3); /* the rest did not fit */
    g->closed = true;
    g->in_len = 0;
    consfake_write(g, "last", 4);
    ask(5, 0, 10, "more");
    EXPECT_EQ(rsp.status, 0);
    EXPECT_EQ(rsp.in_taken, 0); /* a closed console takes nothing... */
    EXPECT_EQ(g->in_len, 0);
    EXPECT_EQ(rsp.out_len, 4); /* ...and its log is still read */
}

/* Random writes and reads: every answer is the log's bytes from where it says. */
TEST(random_reads)
{
    static char all[1 << 16];
    struct consfake_guest *g;
    uint64_t written = 0;

    g = fresh(9);
    srand(7);
    for (unsigned step = 0; step < 20000; step++) {
        if (rand() % 3 == 0 && written + 600 < sizeof(all)) {
            size_t n = (size_t)(rand() % 600);
            for (size_t i = 0; i < n; i++)
                all[written + i] = (char)rand();
            consfake_write(g, all + written, n);
            written += n;
        }
        uint64_t pos = (uint64_t)rand() % (written + 50);
        uint32_t max = (uint32_t)rand() % (CONSCTL_OUT_MAX + 1);
        ask(9, pos, max, "");
        uint64_t oldest = written > CONSCTL_LOG_KEPT ? written - CONSCTL_LOG_KEPT : 0;
        uint64_t start = rsp.next - rsp.out_len;
        EXPECT_EQ(rsp.status, 0);
        EXPECT_TRUE(rsp.out_len <= max);
        EXPECT_TRUE(start >= oldest && rsp.next <= written);
        EXPECT_EQ(rsp.lost, pos < oldest ? oldest - pos : 0);
        EXPECT_EQ(start, pos > written || pos < oldest ? oldest : pos);
        EXPECT_TRUE(!memcmp(rsp.out, all + start, rsp.out_len));
        for (size_t i = rsp.out_len; i < sizeof(rsp.out); i++)
            if (rsp.out[i]) {
                test_fail(__FILE__, __LINE__, "byte %zu past out_len is not 0", i);
                break;
            }
    }
}

int main(void)
{
    return test_run((const struct test[]){ TEST_ENTRY(refusals), TEST_ENTRY(log_positions), TEST_ENTRY(input),
                                           TEST_ENTRY(random_reads), TEST_END });
}
