/* SPDX-License-Identifier: MIT */
/*
 * Transaction tests: isolation, commit and abort, EAGAIN on conflict with
 * no partial effect, watches firing only at commit, and the protocol's
 * rules about transaction ids.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstore_client.h"

static uint32_t xt_start(struct xs_conn *c)
{
    int64_t tx = xt_txn_start(c);

    if (tx <= 0)
        test_fail(__FILE__, __LINE__, "TRANSACTION_START: %lld", (long long)tx);
    return (uint32_t)tx;
}

TEST(a_transaction_sees_its_own_writes_and_nobody_else_does_before_commit)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    uint32_t tx = xt_start(p);
    char buf[64];

    EXPECT_EQ(xt_write(p, tx, "/t/x", "in"), 0);
    EXPECT_EQ(xt_read(p, tx, "/t/x", buf, sizeof(buf)), 2);
    EXPECT_EQ(xt_read(p, 0, "/t/x", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_dir(p, tx, "/", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "t") == 0);
    EXPECT_EQ(xt_dir(p, 0, "/", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "") == 0);
    EXPECT_EQ(xs_store_node_count(s), 1);
    EXPECT_EQ(xt_txn_end(p, tx, true), 0);
    EXPECT_EQ(xt_read(p, 0, "/t/x", buf, sizeof(buf)), 2);
    EXPECT_EQ(xs_store_node_count(s), 3);
    xt_done(s);
}

TEST(an_aborted_transaction_leaves_nothing_behind)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    uint32_t tx;
    char buf[64];

    EXPECT_EQ(xt_write(p, 0, "/keep/a", "1"), 0);
    tx = xt_start(p);
    EXPECT_EQ(xt_write(p, tx, "/new", "1"), 0);
    EXPECT_EQ(xt_rm(p, tx, "/keep"), 0);
    EXPECT_EQ(xt_set_perms(p, tx, "/", "r0"), 0);
    EXPECT_EQ(xt_txn_end(p, tx, false), 0);
    EXPECT_EQ(xt_read(p, 0, "/keep/a", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_read(p, 0, "/new", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_get_perms(p, 0, "/", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n0") == 0);
    EXPECT_EQ(xt_txn_end(p, tx, true), -XS_ENOENT); /* gone */
    xt_done(s);
}

TEST(a_conflicting_write_gives_eagain_and_no_partial_effect)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *q = xt_conn(s, 1, true);
    uint32_t tx;
    char buf[64];

    EXPECT_EQ(xt_write(p, 0, "/a", "0"), 0);
    tx = xt_start(p);
    EXPECT_EQ(xt_read(p, tx, "/a", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_write(p, tx, "/b", "1"), 0);
    EXPECT_EQ(xt_write(p, tx, "/c/d", "2"), 0);
    EXPECT_EQ(xt_write(q, 0, "/a", "changed"), 0);
    EXPECT_EQ(xt_txn_end(p, tx, true), -XS_EAGAIN);
    EXPECT_EQ(xt_read(p, 0, "/b", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_read(p, 0, "/c", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xs_store_node_count(s), 2);
    /* A node first seen missing conflicts with its creation meanwhile. */
    tx = xt_start(p);
    EXPECT_EQ(xt_write(p, tx, "/n", "mine"), 0);
    EXPECT_EQ(xt_write(q, 0, "/n", "theirs"), 0);
    EXPECT_EQ(xt_txn_end(p, tx, true), -XS_EAGAIN);
    EXPECT_EQ(xt_read(p, 0, "/n", buf, sizeof(buf)), 6);
    xt_done(s);
}

TEST(a_transaction_touching_a_node_another_transaction_removed)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *q = xt_conn(s, 1, true);
    uint32_t t1, t2;
    char buf[64];

    EXPECT_EQ(xt_write(p, 0, "/n/x", "1"), 0);
    t1 = xt_start(p);
    t2 = xt_start(q);
    EXPECT_EQ(xt_write(p, t1, "/n/x", "2"), 0);
    EXPECT_EQ(xt_rm(q, t2, "/n"), 0);
    EXPECT_EQ(xt_read(q, t2, "/n/x", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_read(p, t1, "/n/x", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_txn_end(q, t2, true), 0);
    EXPECT_EQ(xt_txn_end(p, t1, true), -XS_EAGAIN);
    EXPECT_EQ(xt_read(p, 0, "/n", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xs_store_node_count(s), 1);
    /* The other way round: the removing transaction loses to a change deep
     * inside the subtree it removed. */
    EXPECT_EQ(xt_write(p, 0, "/m/deep/er", "1"), 0);
    t1 = xt_start(p);
    EXPECT_EQ(xt_rm(p, t1, "/m"), 0);
    EXPECT_EQ(xt_write(q, 0, "/m/deep/er", "2"), 0);
    EXPECT_EQ(xt_txn_end(p, t1, true), -XS_EAGAIN);
    EXPECT_EQ(xt_read(p, 0, "/m/deep/er", buf, sizeof(buf)), 1);
    xt_done(s);
}

TEST(watches_fire_only_when_a_transaction_commits)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *w = xt_conn(s, 1, true);
    uint32_t tx;

    EXPECT_EQ(xt_write(p, 0, "/w/old", "1"), 0);
    EXPECT_EQ(xt_watch(w, "/w", "t"), 0);
    xt_events_clear(w);
    tx = xt_start(p);
    EXPECT_EQ(xt_write(p, tx, "/w/a", "1"), 0);
    EXPECT_EQ(xt_rm(p, tx, "/w/old"), 0);
    EXPECT_EQ(xt_events(w), 0);
    EXPECT_EQ(xt_txn_end(p, tx, true), 0);
    EXPECT_TRUE(xt_has_event(w, "/w/a", "t"));
    EXPECT_TRUE(xt_has_event(w, "/w/old", "t"));
    EXPECT_EQ(xt_events(w), 0);
    tx = xt_start(p);
    EXPECT_EQ(xt_write(p, tx, "/w/b", "1"), 0);
    EXPECT_EQ(xt_txn_end(p, tx, false), 0);
    EXPECT_EQ(xt_events(w), 0);
    xt_done(s);
}

TEST(transactions_on_disjoint_nodes_both_commit)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *q = xt_conn(s, 1, true);
    uint32_t t1, t2;
    char buf[64];

    EXPECT_EQ(xt_mkdir(p, 0, "/d1"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/d2"), 0);
    t1 = xt_start(p);
    t2 = xt_start(q);
    EXPECT_EQ(xt_write(p, t1, "/d1/x", "1"), 0);
    EXPECT_EQ(xt_write(q, t2, "/d2/y", "2"), 0);
    EXPECT_EQ(xt_txn_end(p, t1, true), 0);
    EXPECT_EQ(xt_txn_end(q, t2, true), 0);
    EXPECT_EQ(xt_read(p, 0, "/d1/x", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_read(p, 0, "/d2/y", buf, sizeof(buf)), 1);
    xt_done(s);
}

TEST(remove_then_create_again_inside_one_transaction)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    uint32_t tx;
    char buf[64];

    EXPECT_EQ(xt_write(p, 0, "/r/a/deep", "1"), 0);
    EXPECT_EQ(xt_write(p, 0, "/r/b", "2"), 0);
    EXPECT_EQ(xt_write(p, 0, "/r", "old"), 0);
    tx = xt_start(p);
    EXPECT_EQ(xt_write(p, tx, "/r/new1", "x"), 0);
    EXPECT_EQ(xt_rm(p, tx, "/r"), 0);
    EXPECT_EQ(xt_read(p, tx, "/r/a/deep", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_write(p, tx, "/r/c", "3"), 0);
    EXPECT_EQ(xt_write(p, tx, "/r/a", "again"), 0);
    EXPECT_EQ(xt_dir(p, tx, "/r", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "a c") == 0);
    EXPECT_EQ(xt_dir(p, tx, "/r/a", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "") == 0);
    EXPECT_EQ(xt_txn_end(p, tx, true), 0);
    EXPECT_EQ(xt_dir(p, 0, "/r", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "a c") == 0);
    EXPECT_EQ(xt_read(p, 0, "/r", buf, sizeof(buf)), 0);
    EXPECT_EQ(xt_read(p, 0, "/r/a", buf, sizeof(buf)), 5);
    EXPECT_EQ(xt_read(p, 0, "/r/a/deep", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xs_store_node_count(s), 4);
    xt_done(s);
}

TEST(transaction_ids_follow_the_protocol_rules)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *q = xt_conn(s, 1, true);
    const char *empty = "", *bad = "X";
    uint32_t tx = xt_start(p), tx2;
    char buf[16];

    EXPECT_EQ(xt_req(p, XS_TRANSACTION_START, tx, &empty, 1, NULL), -XS_EBUSY);
    EXPECT_EQ(xt_req(p, XS_TRANSACTION_START, tx + 100, &empty, 1, NULL), -XS_ENOENT);
    EXPECT_EQ(xt_read(p, tx + 100, "/", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_read(q, tx, "/", buf, sizeof(buf)), -XS_ENOENT); /* ids are per connection */
    EXPECT_EQ(xt_req(p, XS_TRANSACTION_END, tx, &bad, 1, NULL), -XS_EINVAL);
    EXPECT_EQ(xt_req_raw(p, XS_TRANSACTION_END, tx, "T", 1, NULL), -XS_EINVAL);
    EXPECT_EQ(xt_txn_end(p, 0, true), -XS_ENOENT);
    tx2 = xt_start(p);
    EXPECT_NE(tx2, tx);
    EXPECT_EQ(xt_txn_end(p, tx, false), 0); /* still open after the bad ends */
    EXPECT_EQ(xt_txn_end(p, tx2, true), 0);
    xt_done(s);
}

TEST(directory_part_pages_a_long_list_and_its_generation_tracks_changes)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xt_msg *m = malloc(sizeof(*m));
    char path[64], gen[32] = "", off[16];
    const char *args[2] = { "/big", off };
    size_t total = 0, seen = 0, at = 0;
    bool end = false;

    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/big/child-number-%04d", i);
        EXPECT_EQ(xt_mkdir(p, 0, path), 0);
        total += strlen(path) - 5 + 1;
    }
    EXPECT_EQ(xt_req(p, XS_DIRECTORY, 0, args, 1, m), -XS_E2BIG);
    while (!end) {
        size_t glen, pos;

        snprintf(off, sizeof(off), "%zu", at);
        EXPECT_EQ(xt_req(p, XS_DIRECTORY_PART, 0, args, 2, m), 0);
        EXPECT_TRUE(m->hdr.len <= XENSTORE_PAYLOAD_MAX);
        glen = strlen(m->payload) + 1;
        if (gen[0])
            EXPECT_TRUE(strcmp(gen, m->payload) == 0);
        snprintf(gen, sizeof(gen), "%.20s", m->payload);
        for (pos = glen; pos < m->hdr.len; pos += strlen(m->payload + pos) + 1) {
            if (!m->payload[pos]) {
                end = true;
                break;
            }
            seen++;
        }
        EXPECT_TRUE(pos > glen || end);
        at += pos - glen;
        if (seen > 300)
            break;
    }
    EXPECT_EQ(seen, 300);
    EXPECT_EQ(at, total);
    snprintf(off, sizeof(off), "%zu", total + 10); /* past the end: the generation and "" */
    EXPECT_EQ(xt_req(p, XS_DIRECTORY_PART, 0, args, 2, m), 0);
    EXPECT_EQ(m->hdr.len, strlen(gen) + 2);
    EXPECT_EQ(xt_mkdir(p, 0, "/big/one-more"), 0);
    EXPECT_EQ(xt_req(p, XS_DIRECTORY_PART, 0, args, 2, m), 0);
    EXPECT_TRUE(strcmp(gen, m->payload) != 0);
    free(m);
    xt_done(s);
}

const struct test xenstore_txn_tests[] = {
    TEST_ENTRY(a_transaction_sees_its_own_writes_and_nobody_else_does_before_commit),
    TEST_ENTRY(an_aborted_transaction_leaves_nothing_behind),
    TEST_ENTRY(a_conflicting_write_gives_eagain_and_no_partial_effect),
    TEST_ENTRY(a_transaction_touching_a_node_another_transaction_removed),
    TEST_ENTRY(watches_fire_only_when_a_transaction_commits),
    TEST_ENTRY(transactions_on_disjoint_nodes_both_commit),
    TEST_ENTRY(remove_then_create_again_inside_one_transaction),
    TEST_ENTRY(transaction_ids_follow_the_protocol_rules),
    TEST_ENTRY(directory_part_pages_a_long_list_and_its_generation_tracks_changes),
    TEST_END,
};
