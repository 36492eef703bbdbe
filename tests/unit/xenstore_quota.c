/* SPDX-License-Identifier: MIT */
/*
 * Quota tests: each per-domain limit, once reached, gives its documented
 * error (or, for outstanding requests, stops reading), leaves the store
 * unchanged, and does not keep another connection from being served.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore_client.h"

/* A store, its privileged connection and two unprivileged domains 5 and 6
 * that own their homes /local/domain/<id>. */
struct xt_quota_env {
    struct xs_store *s;
    struct xs_conn *p, *d, *e;
};

static void xt_env(struct xt_quota_env *env, const struct xs_limits *lim)
{
    env->s = xt_store(lim);
    env->p = xt_conn(env->s, 0, true);
    env->d = xt_conn(env->s, 5, false);
    env->e = xt_conn(env->s, 6, false);
    EXPECT_EQ(xt_mkdir(env->p, 0, "/local/domain/5"), 0);
    EXPECT_EQ(xt_set_perms(env->p, 0, "/local/domain/5", "n5"), 0);
    EXPECT_EQ(xt_mkdir(env->p, 0, "/local/domain/6"), 0);
    EXPECT_EQ(xt_set_perms(env->p, 0, "/local/domain/6", "n6"), 0);
}

/* The other domain and the privileged one still get answers. */
static void xt_others_served(struct xt_quota_env *env)
{
    char buf[16];

    EXPECT_EQ(xt_write(env->e, 0, "still", "ok"), 0);
    EXPECT_EQ(xt_read(env->e, 0, "still", buf, sizeof(buf)), 2);
    EXPECT_EQ(xt_write(env->p, 0, "/by-admin", "ok"), 0);
    XT_CHECK(env->s);
}

static struct xs_limits xt_limits(void)
{
    struct xs_config cfg;

    xs_config_default(&cfg);
    return cfg.limits;
}

TEST(the_defaults_are_xen_c_xenstored_ones)
{
    struct xs_limits l = xt_limits();

    EXPECT_EQ(l.nodes, 1000);
    EXPECT_EQ(l.entry_size, 2048);
    EXPECT_EQ(l.watches, 128);
    EXPECT_EQ(l.transactions, 10);
    EXPECT_EQ(l.outstanding, 20);
    EXPECT_EQ(l.perms, 5);
    EXPECT_EQ(l.path_len, XENSTORE_REL_PATH_MAX);
    EXPECT_EQ(l.txn_nodes, 1024);
    EXPECT_EQ(l.queued_events, 256);
}

TEST(node_quota_gives_enospc)
{
    struct xs_limits lim = xt_limits();
    struct xt_quota_env env;
    struct xs_conn_stats st;
    char path[32];
    uint32_t tx;

    lim.nodes = 10;
    xt_env(&env, &lim);
    for (int i = 0; i < 9; i++) { /* the home is the first of the 10 */
        snprintf(path, sizeof(path), "n%d", i);
        EXPECT_EQ(xt_write(env.d, 0, path, "v"), 0);
    }
    EXPECT_EQ(xt_write(env.d, 0, "one-too-many", "v"), -XS_ENOSPC);
    xs_conn_get_stats(env.d, &st);
    EXPECT_EQ(st.nodes, 10);
    xt_others_served(&env);
    EXPECT_EQ(xt_rm(env.d, 0, "n0"), 0);
    EXPECT_EQ(xt_write(env.d, 0, "a/b", "v"), -XS_ENOSPC); /* two needed, nothing made */
    EXPECT_EQ(xt_write(env.d, 0, "a", "v"), 0);
    /* In a transaction: at the request, and checked again at commit. */
    EXPECT_EQ(xt_rm(env.d, 0, "a"), 0);
    tx = (uint32_t)xt_txn_start(env.d);
    EXPECT_EQ(xt_write(env.d, tx, "t1", "v"), 0);
    EXPECT_EQ(xt_write(env.d, tx, "t2", "v"), -XS_ENOSPC);
    /* The admin gives it one more node meanwhile (outside what tx looked at). */
    EXPECT_EQ(xt_write(env.p, 0, "/given", "v"), 0);
    EXPECT_EQ(xt_set_perms(env.p, 0, "/given", "n5"), 0);
    EXPECT_EQ(xt_txn_end(env.d, tx, true), -XS_ENOSPC);
    xs_conn_get_stats(env.d, &st);
    EXPECT_EQ(st.nodes, 10);
    /* Removing in the transaction makes room in it. */
    tx = (uint32_t)xt_txn_start(env.d);
    EXPECT_EQ(xt_rm(env.d, tx, "n1"), 0);
    EXPECT_EQ(xt_rm(env.d, tx, "n2"), 0);
    EXPECT_EQ(xt_write(env.d, tx, "x/y", "v"), 0);
    EXPECT_EQ(xt_txn_end(env.d, tx, true), 0);
    xs_conn_get_stats(env.d, &st);
    EXPECT_EQ(st.nodes, 10);
    xt_done(env.s);
}

TEST(entry_size_quota_gives_enospc)
{
    struct xt_quota_env env;
    char *big = malloc(4000);

    xt_env(&env, NULL);
    /* Xen counts a 24-byte header and 8 bytes per permission: 2048 - 32. */
    memset(big, 'x', 2015);
    big[2015] = '\0';
    EXPECT_EQ(xt_write(env.d, 0, "fits", big), 0);
    big[2015] = 'x';
    big[2016] = '\0';
    EXPECT_EQ(xt_write(env.d, 0, "fits", big), -XS_ENOSPC);
    EXPECT_EQ(xt_write(env.d, 0, "new", big), -XS_ENOSPC);
    EXPECT_EQ(xt_set_perms(env.d, 0, "fits", "n5,r6"), -XS_ENOSPC); /* a permission is 8 more */
    EXPECT_EQ(xt_write(env.p, 0, "/local/domain/5/fits", big), 0);  /* the privileged are exempt */
    xt_others_served(&env);
    free(big);
    xt_done(env.s);
}

TEST(watch_quota_gives_e2big)
{
    struct xt_quota_env env;
    char path[32];

    xt_env(&env, NULL);
    for (int i = 0; i < 128; i++) {
        snprintf(path, sizeof(path), "w%d", i);
        EXPECT_EQ(xt_watch(env.d, path, "t"), 0);
    }
    EXPECT_EQ(xt_watch(env.d, "one-more", "t"), -XS_E2BIG);
    EXPECT_EQ(xt_watch(env.e, "fine", "t"), 0);
    EXPECT_EQ(xt_unwatch(env.d, "w0", "t"), 0);
    EXPECT_EQ(xt_watch(env.d, "one-more", "t"), 0);
    for (int i = 0; i < 200; i++) { /* the privileged are exempt */
        snprintf(path, sizeof(path), "/w%d", i);
        EXPECT_EQ(xt_watch(env.p, path, "t"), 0);
    }
    xt_others_served(&env);
    xt_done(env.s);
}

TEST(transaction_quota_gives_enospc)
{
    struct xt_quota_env env;
    int64_t tx[10];

    xt_env(&env, NULL);
    for (int i = 0; i < 10; i++) {
        tx[i] = xt_txn_start(env.d);
        EXPECT_TRUE(tx[i] > 0);
    }
    EXPECT_EQ(xt_txn_start(env.d), -XS_ENOSPC);
    EXPECT_TRUE(xt_txn_start(env.e) > 0);
    EXPECT_EQ(xt_txn_end(env.d, (uint32_t)tx[3], false), 0);
    EXPECT_TRUE(xt_txn_start(env.d) > 0);
    xt_others_served(&env);
    xt_done(env.s);
}

TEST(perms_quota_gives_enospc)
{
    struct xt_quota_env env;

    xt_env(&env, NULL);
    EXPECT_EQ(xt_write(env.d, 0, "p", ""), 0);
    EXPECT_EQ(xt_set_perms(env.d, 0, "p", "n5,r1,r2,r3,r4"), 0);
    EXPECT_EQ(xt_set_perms(env.d, 0, "p", "n5,r1,r2,r3,r4,r6"), -XS_ENOSPC);
    EXPECT_EQ(xt_set_perms(env.p, 0, "/local/domain/5/p", "n5,r1,r2,r3,r4,r6,r7"), 0);
    xt_others_served(&env);
    xt_done(env.s);
}

/* A relative path of exactly len bytes: components of 100 bytes. */
static char *xt_long_rel(size_t len)
{
    char *p = malloc(len + 1);

    memset(p, 'a', len);
    for (size_t i = 100; i < len - 1; i += 101)
        p[i] = '/';
    p[len] = '\0';
    return p;
}

TEST(path_length_quota_gives_einval)
{
    struct xt_quota_env env;
    char *ok = xt_long_rel(XENSTORE_REL_PATH_MAX), *bad = xt_long_rel(XENSTORE_REL_PATH_MAX + 1);
    char abs[XENSTORE_REL_PATH_MAX + 64];

    xt_env(&env, NULL);
    EXPECT_EQ(xt_mkdir(env.d, 0, ok), 0);
    EXPECT_EQ(xt_mkdir(env.d, 0, bad), -XS_EINVAL);
    EXPECT_EQ(xt_watch(env.d, bad, "t"), -XS_EINVAL);
    /* Outside its home a domain's whole path counts. */
    snprintf(abs, sizeof(abs), "/%s", ok);
    abs[XENSTORE_REL_PATH_MAX] = '\0';
    EXPECT_EQ(xt_read(env.d, 0, abs, abs + XENSTORE_REL_PATH_MAX + 1, 8), -XS_EACCES);
    abs[XENSTORE_REL_PATH_MAX] = 'a';
    EXPECT_EQ(xt_read(env.d, 0, abs, abs + XENSTORE_REL_PATH_MAX + 2, 8), -XS_EINVAL);
    xt_others_served(&env);
    free(ok);
    free(bad);
    xt_done(env.s);
}

TEST(transaction_node_quota_gives_enospc)
{
    struct xs_limits lim = xt_limits();
    struct xt_quota_env env;
    char path[32], buf[8];
    uint32_t tx;

    lim.txn_nodes = 8;
    xt_env(&env, &lim);
    tx = (uint32_t)xt_txn_start(env.d);
    /* "/", "local", "domain", "5" take 3 shadows; then one per node. */
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof(path), "r%d", i);
        EXPECT_EQ(xt_read(env.d, tx, path, buf, sizeof(buf)), -XS_ENOENT);
    }
    EXPECT_EQ(xt_read(env.d, tx, "r9", buf, sizeof(buf)), -XS_ENOSPC);
    EXPECT_EQ(xt_read(env.d, tx, "r1", buf, sizeof(buf)), -XS_ENOENT); /* seen before: fine */
    EXPECT_EQ(xt_txn_end(env.d, tx, true), 0);
    xt_others_served(&env);
    xt_done(env.s);
}

/* N WRITE requests back to back in one buffer. */
static size_t xt_batch(uint8_t *buf, unsigned n, uint32_t first_id)
{
    size_t len = 0;

    for (unsigned i = 0; i < n; i++)
        len += xt_frame(buf + len, XS_WRITE, first_id + i, 0, "q\0v", 3);
    return len;
}

TEST(outstanding_requests_stall_input_until_the_output_is_drained)
{
    struct xs_limits lim = xt_limits();
    struct xt_quota_env env;
    struct xt_msg *m = malloc(sizeof(*m));
    uint8_t buf[8 * 32];
    size_t len, used, one = sizeof(struct xsd_sockmsg) + 3;
    char rd[8];

    lim.outstanding = 3;
    xt_env(&env, &lim);
    len = xt_batch(buf, 5, 1000);
    EXPECT_EQ(xt_feed(env.d, buf, len, &used), 0);
    EXPECT_EQ(used, 3 * one);
    EXPECT_TRUE(xs_conn_input_blocked(env.d));
    EXPECT_EQ(xt_feed(env.d, buf + used, len - used, &used), 0);
    EXPECT_EQ(used, 0);
    EXPECT_EQ(xt_read(env.e, 0, "/local/domain/5/q", rd, sizeof(rd)), -XS_EACCES); /* others served */
    EXPECT_TRUE(xt_recv(env.d, m));
    EXPECT_EQ(m->hdr.req_id, 1000);
    EXPECT_FALSE(xs_conn_input_blocked(env.d));
    EXPECT_EQ(xt_feed(env.d, buf + 3 * one, len - 3 * one, &used), 0);
    EXPECT_EQ(used, one);
    for (uint32_t id = 1001; id < 1004; id++) {
        EXPECT_TRUE(xt_recv(env.d, m));
        EXPECT_EQ(m->hdr.req_id, id);
    }
    EXPECT_EQ(xt_feed(env.d, buf + 4 * one, one, &used), 0);
    EXPECT_EQ(used, one);
    EXPECT_TRUE(xt_recv(env.d, m));
    EXPECT_EQ(m->hdr.req_id, 1004);
    /* The privileged are never held up. */
    len = xt_batch(buf, 8, 2000);
    EXPECT_EQ(xt_feed(env.p, buf, len, &used), 0);
    EXPECT_EQ(used, len);
    free(m);
    xt_done(env.s);
}

const struct test xenstore_quota_tests[] = {
    TEST_ENTRY(the_defaults_are_xen_c_xenstored_ones),
    TEST_ENTRY(node_quota_gives_enospc),
    TEST_ENTRY(entry_size_quota_gives_enospc),
    TEST_ENTRY(watch_quota_gives_e2big),
    TEST_ENTRY(transaction_quota_gives_enospc),
    TEST_ENTRY(perms_quota_gives_enospc),
    TEST_ENTRY(path_length_quota_gives_einval),
    TEST_ENTRY(transaction_node_quota_gives_enospc),
    TEST_ENTRY(outstanding_requests_stall_input_until_the_output_is_drained),
    TEST_END,
};
