/* SPDX-License-Identifier: MIT */
/*
 * Watch tests: the initial event, which changes fire which watches and
 * with which path, permissions on events, the special @introduceDomain /
 * @releaseDomain watches, and the bounded event queue.
 */
#include <string.h>

#include "xenstore_client.h"

#define EXPECT_EVENT(c, path, token) EXPECT_TRUE(xt_has_event((c), (path), (token)))
#define EXPECT_NO_EVENTS(c)          EXPECT_EQ(xt_events(c), 0)

TEST(watch_fires_once_on_registration_with_the_path_as_given)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);

    EXPECT_EQ(xt_watch(p, "/w", "tok"), 0);
    EXPECT_EVENT(p, "/w", "tok");
    EXPECT_NO_EVENTS(p);
    EXPECT_EQ(xt_watch(p, "rel/w", "t2"), 0);
    EXPECT_EVENT(p, "rel/w", "t2");
    EXPECT_NO_EVENTS(p);
    xt_done(s);
}

TEST(watch_on_a_path_that_does_not_exist_yet)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);

    EXPECT_EQ(xt_watch(p, "/a/b/c", "t"), 0);
    EXPECT_EVENT(p, "/a/b/c", "t");
    EXPECT_EQ(xt_write(p, 0, "/a/b", "x"), 0);  /* an ancestor: no event */
    EXPECT_EQ(xt_write(p, 0, "/a/bc", "x"), 0); /* a prefix that is no child */
    EXPECT_NO_EVENTS(p);
    EXPECT_EQ(xt_write(p, 0, "/a/b/c", "1"), 0); /* created */
    EXPECT_EVENT(p, "/a/b/c", "t");
    EXPECT_EQ(xt_mkdir(p, 0, "/a/b/c/d/e"), 0); /* a new descendant */
    EXPECT_EVENT(p, "/a/b/c/d/e", "t");
    EXPECT_EQ(xt_mkdir(p, 0, "/a/b/c/d"), 0); /* exists: MKDIR changes nothing */
    EXPECT_NO_EVENTS(p);
    EXPECT_EQ(xt_rm(p, 0, "/a"), 0); /* its ancestor removed */
    EXPECT_EVENT(p, "/a/b/c", "t");
    EXPECT_NO_EVENTS(p);
    xt_done(s);
}

TEST(a_change_fires_watches_on_the_node_and_its_ancestors_only)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);

    EXPECT_EQ(xt_mkdir(p, 0, "/x/y/z"), 0);
    EXPECT_EQ(xt_watch(p, "/", "root"), 0);
    EXPECT_EQ(xt_watch(p, "/x", "x"), 0);
    EXPECT_EQ(xt_watch(p, "/x/y/z", "z"), 0);
    EXPECT_EQ(xt_watch(p, "/x/other", "o"), 0);
    xt_events_clear(p);
    EXPECT_EQ(xt_write(p, 0, "/x/y", "v"), 0);
    EXPECT_EVENT(p, "/x/y", "root");
    EXPECT_EVENT(p, "/x/y", "x");
    EXPECT_NO_EVENTS(p);
    EXPECT_EQ(xt_set_perms(p, 0, "/x/y/z", "n0,r3"), 0); /* permission changes fire too */
    EXPECT_EVENT(p, "/x/y/z", "root");
    EXPECT_EVENT(p, "/x/y/z", "x");
    EXPECT_EVENT(p, "/x/y/z", "z");
    EXPECT_NO_EVENTS(p);
    xt_done(s);
}

TEST(a_relative_watch_reports_relative_paths)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d = xt_conn(s, 4, false);

    EXPECT_EQ(xt_mkdir(p, 0, "/local/domain/4"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/local/domain/4", "n4"), 0);
    EXPECT_EQ(xt_watch(d, "device", "rel"), 0);
    EXPECT_EQ(xt_watch(d, "/local/domain/4/device", "abs"), 0);
    xt_events_clear(d);
    EXPECT_EQ(xt_write(p, 0, "/local/domain/4/device/vbd/51712/state", "1"), 0);
    EXPECT_EVENT(d, "device/vbd/51712/state", "rel");
    EXPECT_EVENT(d, "/local/domain/4/device/vbd/51712/state", "abs");
    EXPECT_EQ(xt_rm(p, 0, "/local/domain/4"), 0);
    EXPECT_EVENT(d, "device", "rel"); /* removal of an ancestor: the watched path */
    EXPECT_EVENT(d, "/local/domain/4/device", "abs");
    EXPECT_NO_EVENTS(d);
    xt_done(s);
}

TEST(rm_of_a_subtree_with_watches_under_it)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);

    EXPECT_EQ(xt_mkdir(p, 0, "/t/a/b/c"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/t/other"), 0);
    EXPECT_EQ(xt_watch(p, "/t", "anc"), 0);
    EXPECT_EQ(xt_watch(p, "/t/a", "root"), 0);
    EXPECT_EQ(xt_watch(p, "/t/a/b", "b"), 0);
    EXPECT_EQ(xt_watch(p, "/t/a/b/c", "c"), 0);
    EXPECT_EQ(xt_watch(p, "/t/a/b/missing", "missing"), 0);
    EXPECT_EQ(xt_watch(p, "/t/other", "sibling"), 0);
    xt_events_clear(p);
    EXPECT_EQ(xt_rm(p, 0, "/t/a"), 0);
    EXPECT_EVENT(p, "/t/a", "anc");
    EXPECT_EVENT(p, "/t/a", "root");
    /* Each removed descendant fires the watches set exactly on it (C xenstored). */
    EXPECT_EVENT(p, "/t/a/b", "b");
    EXPECT_EVENT(p, "/t/a/b/c", "c");
    EXPECT_NO_EVENTS(p); /* not the never-existing node, not the sibling */
    /* The watches stay: the subtree created again fires them. */
    EXPECT_EQ(xt_write(p, 0, "/t/a/b/missing", "now"), 0);
    EXPECT_EVENT(p, "/t/a/b/missing", "anc");
    EXPECT_EVENT(p, "/t/a/b/missing", "root");
    EXPECT_EVENT(p, "/t/a/b/missing", "b");
    EXPECT_EVENT(p, "/t/a/b/missing", "missing");
    EXPECT_NO_EVENTS(p);
    xt_done(s);
}

TEST(a_permission_change_while_a_watch_is_set)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d = xt_conn(s, 5, false);

    EXPECT_EQ(xt_write(p, 0, "/p", "1"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/p", "n0,r5"), 0);
    EXPECT_EQ(xt_watch(d, "/p", "t"), 0);
    xt_events_clear(d);
    EXPECT_EQ(xt_write(p, 0, "/p", "2"), 0);
    EXPECT_EVENT(d, "/p", "t");
    /* Losing read access: the change itself is still reported (old perms)... */
    EXPECT_EQ(xt_set_perms(p, 0, "/p", "n0"), 0);
    EXPECT_EVENT(d, "/p", "t");
    /* ...later changes are not: neither /p nor "/" is readable. */
    EXPECT_EQ(xt_write(p, 0, "/p", "3"), 0);
    EXPECT_EQ(xt_write(p, 0, "/p/child", "3"), 0);
    EXPECT_NO_EVENTS(d);
    /* Regaining it: reported, and so is what follows. */
    EXPECT_EQ(xt_set_perms(p, 0, "/p", "n0,r5"), 0);
    EXPECT_EVENT(d, "/p", "t");
    EXPECT_EQ(xt_write(p, 0, "/p", "4"), 0);
    EXPECT_EVENT(d, "/p", "t");
    /* A node it cannot read fires if its parent is readable (Xen's rule). */
    EXPECT_EQ(xt_rm(p, 0, "/p/child"), 0);
    EXPECT_EVENT(d, "/p/child", "t");
    EXPECT_EQ(xt_write(p, 0, "/p/child", "5"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/p/child", "n0"), 0);
    EXPECT_EVENT(d, "/p/child", "t");
    EXPECT_EVENT(d, "/p/child", "t");
    EXPECT_NO_EVENTS(d);
    xt_done(s);
}

TEST(unwatch_stops_events_and_duplicates_are_eexist)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);

    EXPECT_EQ(xt_watch(p, "/u", "a"), 0);
    EXPECT_EQ(xt_watch(p, "/u", "a"), -XS_EEXIST);
    EXPECT_EQ(xt_watch(p, "/u", "b"), 0); /* another token: another watch */
    xt_events_clear(p);
    EXPECT_EQ(xt_write(p, 0, "/u", "1"), 0);
    EXPECT_EQ(xt_events(p), 2);
    xt_events_clear(p);
    EXPECT_EQ(xt_unwatch(p, "/u", "a"), 0);
    EXPECT_EQ(xt_unwatch(p, "/u", "a"), -XS_ENOENT);
    EXPECT_EQ(xt_unwatch(p, "/u", "zzz"), -XS_ENOENT);
    EXPECT_EQ(xt_unwatch(p, "/bad//path", "b"), -XS_ENOENT);
    EXPECT_EQ(xt_write(p, 0, "/u", "2"), 0);
    EXPECT_EVENT(p, "/u", "b");
    EXPECT_NO_EVENTS(p);
    /* UNWATCH by the relative form of a relative watch. */
    EXPECT_EQ(xt_watch(p, "rel", "r"), 0);
    EXPECT_EQ(xt_unwatch(p, "rel", "r"), 0);
    EXPECT_EQ(xt_watch(p, "rel", "r"), 0);
    EXPECT_EQ(xt_unwatch(p, "/local/domain/0/rel", "r"), 0);
    xt_done(s);
}

TEST(introduce_and_release_fire_the_special_watches_for_readers_only)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d = xt_conn(s, 5, false);

    EXPECT_EQ(xt_watch(p, "@introduceDomain", "in"), 0);
    EXPECT_EQ(xt_watch(p, "@releaseDomain", "out"), 0);
    EXPECT_EQ(xt_watch(d, "@releaseDomain", "d-out"), 0);
    EXPECT_EVENT(d, "@releaseDomain", "d-out"); /* the initial event: always */
    xt_events_clear(p);
    EXPECT_EQ(xt_introduce(p, 9, "4096", 7), 0);
    EXPECT_EVENT(p, "@introduceDomain", "in");
    EXPECT_NO_EVENTS(p);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 9, NULL, 0), 0);
    EXPECT_EVENT(p, "@releaseDomain", "out");
    EXPECT_NO_EVENTS(d); /* "n0" on the special path by default */
    EXPECT_EQ(xt_set_perms(d, 0, "@releaseDomain", "n0,r5"), -XS_EACCES);
    EXPECT_EQ(xt_set_perms(p, 0, "@releaseDomain", "n0,r5"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "@otherSpecial", "n0"), -XS_EINVAL);
    EXPECT_EQ(xt_introduce(p, 9, "4096", 7), 0);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 9, NULL, 0), 0);
    EXPECT_EVENT(d, "@releaseDomain", "d-out");
    EXPECT_NO_EVENTS(d);
    /* As in Xen, a watch on "/" hears the special events too. */
    EXPECT_EQ(xt_watch(p, "/", "root"), 0);
    xt_events_clear(p);
    EXPECT_EQ(xt_introduce(p, 9, "4096", 7), 0);
    EXPECT_EVENT(p, "@introduceDomain", "in");
    EXPECT_EVENT(p, "@introduceDomain", "root");
    EXPECT_NO_EVENTS(p);
    xt_done(s);
}

TEST(watch_events_are_bounded_per_connection_and_drops_are_counted)
{
    struct xs_limits lim;
    struct xs_config cfg;
    struct xs_conn_stats st;
    struct xs_store *s;
    struct xs_conn *p, *w;
    char buf[16];

    xs_config_default(&cfg);
    lim = cfg.limits;
    lim.queued_events = 4;
    s = xt_store(&lim);
    p = xt_conn(s, 0, true);
    w = xt_conn(s, 3, true);
    EXPECT_EQ(xt_watch(w, "/q", "t"), 0); /* its initial event stays queued */
    for (int i = 0; i < 10; i++)
        EXPECT_EQ(xt_write(p, 0, "/q", "v"), 0);
    xs_conn_get_stats(w, &st);
    EXPECT_EQ(st.events, 4);
    EXPECT_EQ(st.dropped, 7);
    EXPECT_EQ(xt_events(w), 4);
    /* Draining makes room again; the writer was never held up. */
    EXPECT_EQ(xt_write(p, 0, "/q", "v"), 0);
    EXPECT_EQ(xt_events(w), 5);
    EXPECT_EQ(xt_read(w, 0, "/q", buf, sizeof(buf)), 1);
    xt_done(s);
}

TEST(reset_watches_drops_watches_and_transactions_and_watch_ignores_tx_id)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    const char *args[] = { "/r", "t" };
    int64_t tx;

    EXPECT_EQ(xt_req(p, XS_WATCH, 12345, args, 2, NULL), 0); /* no such transaction: ignored */
    tx = xt_txn_start(p);
    EXPECT_TRUE(tx > 0);
    EXPECT_EQ(xt_req_raw(p, XS_RESET_WATCHES, 0, "", 1, NULL), 0);
    xt_events_clear(p);
    EXPECT_EQ(xt_write(p, 0, "/r", "1"), 0);
    EXPECT_NO_EVENTS(p);
    EXPECT_EQ(xt_txn_end(p, (uint32_t)tx, true), -XS_ENOENT);
    xt_done(s);
}

const struct test xenstore_watch_tests[] = {
    TEST_ENTRY(watch_fires_once_on_registration_with_the_path_as_given),
    TEST_ENTRY(watch_on_a_path_that_does_not_exist_yet),
    TEST_ENTRY(a_change_fires_watches_on_the_node_and_its_ancestors_only),
    TEST_ENTRY(a_relative_watch_reports_relative_paths),
    TEST_ENTRY(rm_of_a_subtree_with_watches_under_it),
    TEST_ENTRY(a_permission_change_while_a_watch_is_set),
    TEST_ENTRY(unwatch_stops_events_and_duplicates_are_eexist),
    TEST_ENTRY(introduce_and_release_fire_the_special_watches_for_readers_only),
    TEST_ENTRY(watch_events_are_bounded_per_connection_and_drops_are_counted),
    TEST_ENTRY(reset_watches_drops_watches_and_transactions_and_watch_ignores_tx_id),
    TEST_END,
};
