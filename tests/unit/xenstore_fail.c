/* SPDX-License-Identifier: MIT */
/*
 * Allocation failures: for each kind of request, every allocation it makes
 * is failed in turn (a fresh store each time). The request must then either
 * answer ENOMEM and leave the store exactly as it was, or (when the
 * reserved reply could not be had) wait and complete in full once memory
 * is back, or succeed as if nothing had failed. Lost watch events are
 * allowed: Xen drops those too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore_client.h"

/* A text form of everything observable: each node (in tx's view) with its
 * value and permissions, connection 0's watches and transactions, and the
 * connections that exist. */
static void xf_dump_node(struct xs_conn *p, uint32_t tx, const char *path, char *out, size_t cap)
{
    char val[64], perms[64], *kids = malloc(1024), *save = NULL, child[256];
    size_t used = strlen(out);

    int e1 = xt_read(p, tx, path, val, sizeof(val)), e2 = xt_get_perms(p, tx, path, perms, sizeof(perms));
    int e3 = xt_dir(p, tx, path, kids, 1024);

    if (e1 < 0 || e2 || e3) {
        test_fail(__FILE__, __LINE__, "cannot dump %s (tx %u): %d %d %d", path, tx, e1, e2, e3);
        free(kids);
        return;
    }
    snprintf(out + used, cap - used, "%s=%s[%s]\n", path, val, perms);
    for (char *k = strtok_r(kids, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", k);
        xf_dump_node(p, tx, child, out, cap);
    }
    free(kids);
}

/* The dump as connection via sees it (in tx); p is the requester. */
static void xf_dump(struct xs_store *s, struct xs_conn *via, uint32_t tx, struct xs_conn *p, char *out, size_t cap)
{
    struct xs_conn_stats st;
    size_t used;

    xt_alloc_ok();
    out[0] = '\0';
    xf_dump_node(via, tx, "/", out, cap);
    xs_conn_get_stats(p, &st);
    used = strlen(out);
    snprintf(out + used, cap - used, "watches %u txns %u conn9 %d\n", st.watches, st.transactions,
             xs_conn_find(s, 9) != NULL);
}

struct xf_case {
    const char *name;
    uint32_t type;
    const char *payload;
    size_t len;
    bool in_tx; /* the request (and the dump) use the transaction setup opened */
};

#define XF(name, type, payload, in_tx)                  \
    {                                                   \
        name, type, payload, sizeof(payload) - 1, in_tx \
    }

static const struct xf_case xf_cases[] = {
    XF("write creating", XS_WRITE, "/a/x/y/z\0val", false),
    XF("write existing", XS_WRITE, "/a/b\0new value", false),
    XF("mkdir", XS_MKDIR, "/m/n\0", false),
    XF("rm subtree", XS_RM, "/a\0", false),
    XF("set perms", XS_SET_PERMS, "/a/b\0n0\0r5\0", false),
    XF("watch", XS_WATCH, "/a\0tok\0", false),
    XF("transaction start", XS_TRANSACTION_START, "\0", false),
    XF("write in a transaction", XS_WRITE, "/a/b/new\0v", true),
    XF("rm in a transaction", XS_RM, "/a/b\0", true),
    XF("set perms in a transaction", XS_SET_PERMS, "/a/b/c\0b2\0", true),
    XF("commit", XS_TRANSACTION_END, "T\0", true),
    XF("introduce", XS_INTRODUCE,
       "9\0"
       "1\0"
       "5\0",
       false),
    XF("directory", XS_DIRECTORY, "/a\0", false),
    XF("directory part", XS_DIRECTORY_PART,
       "/a\0"
       "0\0",
       false),
    XF("get perms", XS_GET_PERMS, "/a/b\0", false),
};

/* The store every case starts from: some nodes, a watcher, and an open
 * transaction of connection 0 that changed things already. */
static struct xs_store *xf_setup(struct xs_conn **p, uint32_t *tx)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *w;

    *p = xt_conn(s, 0, true);
    w = xt_conn(s, 1, true);
    EXPECT_EQ(xt_write(*p, 0, "/a/b/c", "1"), 0);
    EXPECT_EQ(xt_write(*p, 0, "/a/d", "2"), 0);
    EXPECT_EQ(xt_watch(w, "/a", "w"), 0);
    EXPECT_EQ(xt_watch(w, "/a/b/c", "exact"), 0);
    *tx = (uint32_t)xt_txn_start(*p);
    EXPECT_EQ(xt_write(*p, *tx, "/t/1", "x"), 0);
    EXPECT_EQ(xt_rm(*p, *tx, "/a/d"), 0);
    return s;
}

/* Sends the case's request with allocation fail_at failing (0: none);
 * returns the reply type and fills after. *armed: the failure happened. */
static uint32_t xf_run(const struct xf_case *fc, unsigned long fail_at, char *before, char *after, size_t cap,
                       bool *armed)
{
    struct xt_msg *m = malloc(sizeof(*m));
    uint8_t *buf = malloc(XS_MSG_MAX);
    struct xs_conn *p, *d;
    uint32_t tx, type = XS_INVALID;
    struct xs_store *s = xf_setup(&p, &tx);
    char *live = malloc(cap);
    uint32_t dump_tx = fc->in_tx && fc->type != XS_TRANSACTION_END ? tx : 0;
    size_t len = xt_frame(buf, fc->type, 77, fc->in_tx ? tx : 0, fc->payload, fc->len), used;
    unsigned long calls;
    int err;

    d = xt_conn(s, 2, true);
    xf_dump(s, p, dump_tx, p, before, cap);
    xf_dump(s, d, 0, p, live, cap);
    xt_events_clear(p);
    calls = xt_alloc_calls();
    if (fail_at)
        xt_alloc_fail_at(fail_at);
    err = xt_feed(p, buf, len, &used);
    *armed = fail_at && xt_alloc_calls() - calls >= fail_at;
    xt_alloc_ok();
    if (err == -XS_ENOMEM) {
        /* Nothing happened yet (seen by another connection: p would run the
         * request first); it goes through once memory is back. */
        xf_dump(s, d, 0, p, after, cap);
        if (strcmp(live, after) != 0)
            test_fail(__FILE__, __LINE__, "%s: a stalled request changed the store", fc->name);
        EXPECT_EQ(xt_feed(p, NULL, 0, &used), 0);
    } else if (err) {
        test_fail(__FILE__, __LINE__, "%s: input error %d", fc->name, err);
    }
    memset(&m->hdr, 0, sizeof(m->hdr));
    while (xt_recv(p, m) && m->hdr.type == XS_WATCH_EVENT)
        ;
    if (m->hdr.req_id == 77)
        type = m->hdr.type == XS_ERROR && strcmp(m->payload, "ENOMEM") == 0 ? XS_ERROR : m->hdr.type;
    xf_dump(s, p, dump_tx, p, after, cap);
    XT_CHECK(s);
    free(live);
    xt_done(s);
    free(buf);
    free(m);
    return type;
}

TEST(every_allocation_of_every_request_may_fail_without_a_half_change)
{
    size_t cap = 64 * 1024;
    char *before = malloc(cap), *after = malloc(cap), *want = malloc(cap), *start = malloc(cap);

    for (size_t i = 0; i < sizeof(xf_cases) / sizeof(xf_cases[0]); i++) {
        const struct xf_case *fc = &xf_cases[i];
        bool armed = true;
        uint32_t ok = xf_run(fc, 0, start, want, cap, &armed);
        unsigned long n;

        if (ok != fc->type)
            test_fail(__FILE__, __LINE__, "%s: the request fails even with memory: type %u", fc->name, ok);
        armed = true;
        for (n = 1; n < 1000 && armed; n++) {
            uint32_t type = xf_run(fc, n, before, after, cap, &armed);

            if (type == XS_ERROR && strcmp(after, before) != 0)
                test_fail(__FILE__, __LINE__, "%s, allocation %lu failed: ENOMEM but the store changed", fc->name, n);
            else if (type == fc->type && strcmp(after, want) != 0)
                test_fail(__FILE__, __LINE__, "%s, allocation %lu failed: done, but not as without failure", fc->name,
                          n);
            else if (type != XS_ERROR && type != fc->type)
                test_fail(__FILE__, __LINE__, "%s, allocation %lu failed: reply type %u", fc->name, n, type);
        }
        if (n < 2)
            test_fail(__FILE__, __LINE__, "%s: allocates nothing?", fc->name);
    }
    free(before);
    free(after);
    free(want);
    free(start);
}

const struct test xenstore_fail_tests[] = {
    TEST_ENTRY(every_allocation_of_every_request_may_fail_without_a_half_change),
    TEST_END,
};
