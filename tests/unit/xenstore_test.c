/* SPDX-License-Identifier: MIT */
/*
 * The XenStore library (xenstore/) through its public API and the wire
 * protocol only. This file: the tree itself and permissions; the other
 * xenstore_*.c files add watches, transactions, quotas, the protocol and
 * randomized runs against a reference model. main() runs them all.
 */
#include "xenstore/xenstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "xenstore_client.h"

TEST(fresh_store_has_only_the_root_owned_by_the_admin)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    char buf[256];

    EXPECT_EQ(xs_store_node_count(s), 1);
    EXPECT_EQ(xt_dir(p, 0, "/", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "") == 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n0") == 0);
    EXPECT_EQ(xt_read(p, 0, "/", buf, sizeof(buf)), 0);
    xt_done(s);
}

TEST(write_creates_missing_parents_with_empty_values)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    char buf[256];

    EXPECT_EQ(xt_write(p, 0, "/a/b/c", "x"), 0);
    EXPECT_EQ(xt_read(p, 0, "/a/b/c", buf, sizeof(buf)), 1);
    EXPECT_TRUE(strcmp(buf, "x") == 0);
    EXPECT_EQ(xt_read(p, 0, "/a/b", buf, sizeof(buf)), 0);
    EXPECT_EQ(xt_read(p, 0, "/a", buf, sizeof(buf)), 0);
    EXPECT_EQ(xt_dir(p, 0, "/a", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "b") == 0);
    EXPECT_EQ(xs_store_node_count(s), 4);
    EXPECT_EQ(xt_write(p, 0, "/a/b/c", "longer value"), 0);
    EXPECT_EQ(xt_read(p, 0, "/a/b/c", buf, sizeof(buf)), 12);
    EXPECT_EQ(xt_write(p, 0, "/a/b/c", ""), 0);
    EXPECT_EQ(xt_read(p, 0, "/a/b/c", buf, sizeof(buf)), 0);
    EXPECT_EQ(xs_store_node_count(s), 4);
    xt_done(s);
}

TEST(mkdir_keeps_an_existing_value_and_creates_missing_parents)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    char buf[64];

    EXPECT_EQ(xt_write(p, 0, "/a", "v"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/a"), 0);
    EXPECT_EQ(xt_read(p, 0, "/a", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_mkdir(p, 0, "/x/y/z"), 0);
    EXPECT_EQ(xt_read(p, 0, "/x/y", buf, sizeof(buf)), 0);
    EXPECT_EQ(xs_store_node_count(s), 5);
    xt_done(s);
}

TEST(rm_removes_the_subtree_and_a_missing_node_is_fine_if_its_parent_exists)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    char buf[64];

    EXPECT_EQ(xt_write(p, 0, "/a/b/c", "1"), 0);
    EXPECT_EQ(xt_write(p, 0, "/a/b/d", "2"), 0);
    EXPECT_EQ(xt_write(p, 0, "/a/e", "3"), 0);
    EXPECT_EQ(xt_rm(p, 0, "/a/b"), 0);
    EXPECT_EQ(xt_read(p, 0, "/a/b/c", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_read(p, 0, "/a/b", buf, sizeof(buf)), -XS_ENOENT);
    EXPECT_EQ(xt_dir(p, 0, "/a", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "e") == 0);
    EXPECT_EQ(xs_store_node_count(s), 3);
    EXPECT_EQ(xt_rm(p, 0, "/a/missing"), 0);
    EXPECT_EQ(xt_rm(p, 0, "/nope/missing"), -XS_ENOENT);
    EXPECT_EQ(xt_rm(p, 0, "/"), -XS_EINVAL);
    xt_done(s);
}

TEST(directory_lists_children_in_creation_order)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xt_msg *m = malloc(sizeof(*m));
    const char *path = "/d";

    EXPECT_EQ(xt_mkdir(p, 0, "/d/zz"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/d/a"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/d/mmm"), 0);
    EXPECT_EQ(xt_req(p, XS_DIRECTORY, 0, &path, 1, m), 0);
    EXPECT_EQ(m->hdr.len, 9);
    EXPECT_TRUE(memcmp(m->payload, "zz\0a\0mmm\0", 9) == 0);
    free(m);
    xt_done(s);
}

TEST(values_are_binary_and_may_contain_nul_bytes)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xt_msg *m = malloc(sizeof(*m));
    static const char req[] = "/bin\0a\0b\0\0\xff";
    const char *path = "/bin";

    EXPECT_EQ(xt_req_raw(p, XS_WRITE, 0, req, sizeof(req) - 1, NULL), 0);
    EXPECT_EQ(xt_req(p, XS_READ, 0, &path, 1, m), 0);
    EXPECT_EQ(m->hdr.len, 6);
    EXPECT_TRUE(memcmp(m->payload, "a\0b\0\0\xff", 6) == 0);
    free(m);
    xt_done(s);
}

/* The layout a toolstack makes before introducing a domain (libxl): the
 * home owned by the admin, the domain allowed to read it, data/ its own. */
static void xt_make_home(struct xs_conn *p, uint32_t domid)
{
    char path[64], perms[32];

    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    snprintf(perms, sizeof(perms), "n0,b%u", domid);
    EXPECT_EQ(xt_mkdir(p, 0, path), 0);
    EXPECT_EQ(xt_set_perms(p, 0, path, perms), 0);
}

TEST(relative_paths_are_under_the_domain_home)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d = xt_conn(s, 5, false);
    char buf[64];

    xt_make_home(p, 5);
    EXPECT_EQ(xt_write(d, 0, "data/x", "hello"), 0);
    EXPECT_EQ(xt_read(p, 0, "/local/domain/5/data/x", buf, sizeof(buf)), 5);
    EXPECT_EQ(xt_read(d, 0, "data/x", buf, sizeof(buf)), 5);
    /* The privileged connection's relative paths are under its own home. */
    EXPECT_EQ(xt_write(p, 0, "mine", "1"), 0);
    EXPECT_EQ(xt_read(p, 0, "/local/domain/0/mine", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_domain_req(d, XS_GET_DOMAIN_PATH, 5, buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "/local/domain/5") == 0);
    EXPECT_EQ(xt_domain_req(d, XS_GET_DOMAIN_PATH, 77, buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "/local/domain/77") == 0);
    xt_done(s);
}

TEST(invalid_paths_are_einval)
{
    static const char *const bad[] = { "",     "//",   "/a/", "/a//b",     "/a b", "/a\tb",
                                       "/a.b", "@foo", "/x/", "relative/", "a//b", "/caf\xc3\xa9" };
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    char *longp = malloc(XENSTORE_ABS_PATH_MAX + 2), buf[16];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (xt_write(p, 0, bad[i], "v") != -XS_EINVAL || xt_read(p, 0, bad[i], buf, sizeof(buf)) != -XS_EINVAL)
            test_fail(__FILE__, __LINE__, "path \"%s\" accepted", bad[i]);
    }
    memset(longp, 'a', XENSTORE_ABS_PATH_MAX + 1);
    longp[0] = '/';
    longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    EXPECT_EQ(xt_mkdir(p, 0, longp), -XS_EINVAL);
    longp[XENSTORE_ABS_PATH_MAX] = '\0'; /* exactly the maximum: fine for the privileged */
    for (size_t i = 100; i < XENSTORE_ABS_PATH_MAX; i += 100)
        longp[i] = '/';
    EXPECT_EQ(xt_mkdir(p, 0, longp), 0);
    EXPECT_EQ(xt_write(p, 0, "/ok-_@/A9", "v"), 0);
    EXPECT_EQ(xs_store_node_count(s), 4 + XENSTORE_ABS_PATH_MAX / 100);
    free(longp);
    xt_done(s);
}

TEST(new_nodes_inherit_parent_perms_and_an_unprivileged_creator_owns_them)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d = xt_conn(s, 5, false);
    char buf[64];

    xt_make_home(p, 5);
    EXPECT_EQ(xt_write(d, 0, "data/x", "1"), 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/local/domain/5/data", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n5,b5") == 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/local/domain/5/data/x", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n5,b5") == 0);
    /* A privileged creator leaves the inherited owner alone. */
    EXPECT_EQ(xt_write(p, 0, "/local/domain/5/device/vif", "1"), 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/local/domain/5/device/vif", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n0,b5") == 0);
    xt_done(s);
}

TEST(owner_and_privileged_have_full_rights_acl_entries_grant_r_w_or_b)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *c[5];
    char buf[64];

    for (uint32_t i = 0; i < 5; i++)
        c[i] = xt_conn(s, 5 + i, false);
    EXPECT_EQ(xt_write(p, 0, "/n", "v"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/n", "n5,r6,w7,b8"), 0);
    EXPECT_EQ(xt_read(c[0], 0, "/n", buf, sizeof(buf)), 1); /* owner */
    EXPECT_EQ(xt_write(c[0], 0, "/n", "o"), 0);
    EXPECT_EQ(xt_read(c[1], 0, "/n", buf, sizeof(buf)), 1); /* r */
    EXPECT_EQ(xt_write(c[1], 0, "/n", "x"), -XS_EACCES);
    EXPECT_EQ(xt_read(c[2], 0, "/n", buf, sizeof(buf)), -XS_EACCES); /* w */
    EXPECT_EQ(xt_write(c[2], 0, "/n", "w"), 0);
    EXPECT_EQ(xt_read(c[3], 0, "/n", buf, sizeof(buf)), 1); /* b */
    EXPECT_EQ(xt_write(c[3], 0, "/n", "b"), 0);
    EXPECT_EQ(xt_read(c[4], 0, "/n", buf, sizeof(buf)), -XS_EACCES); /* default n */
    EXPECT_EQ(xt_write(c[4], 0, "/n", "n"), -XS_EACCES);
    EXPECT_EQ(xt_rm(c[4], 0, "/n"), -XS_EACCES);
    EXPECT_EQ(xt_read(p, 0, "/n", buf, sizeof(buf)), 1); /* privileged */
    /* The owner entry's mode is everyone else's default. */
    EXPECT_EQ(xt_set_perms(p, 0, "/n", "r5"), 0);
    EXPECT_EQ(xt_read(c[4], 0, "/n", buf, sizeof(buf)), 1);
    EXPECT_EQ(xt_write(c[4], 0, "/n", "n"), -XS_EACCES);
    xt_done(s);
}

TEST(a_missing_node_under_an_unreadable_parent_is_eacces_not_enoent)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d = xt_conn(s, 6, false);
    char buf[16];

    EXPECT_EQ(xt_mkdir(p, 0, "/secret"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/open"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/open", "r0"), 0);
    EXPECT_EQ(xt_read(d, 0, "/secret/x/y", buf, sizeof(buf)), -XS_EACCES);
    EXPECT_EQ(xt_read(d, 0, "/open/x/y", buf, sizeof(buf)), -XS_ENOENT);
    /* Creating needs write access to the nearest existing ancestor. */
    EXPECT_EQ(xt_write(d, 0, "/open/x", "v"), -XS_EACCES);
    EXPECT_EQ(xt_set_perms(p, 0, "/open", "w0"), 0);
    EXPECT_EQ(xt_write(d, 0, "/open/x/y", "v"), 0);
    EXPECT_EQ(xt_rm(d, 0, "/secret/nothing"), -XS_EACCES);
    xt_done(s);
}

TEST(set_perms_needs_owner_or_privileged_and_only_privileged_changes_owner)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *o = xt_conn(s, 5, false), *other = xt_conn(s, 6, false);
    char buf[64];

    EXPECT_EQ(xt_mkdir(p, 0, "/n"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/n", "n5,b6"), 0);
    EXPECT_EQ(xt_set_perms(other, 0, "/n", "n5,b6,r7"), -XS_EACCES); /* write access is not ownership */
    EXPECT_EQ(xt_set_perms(o, 0, "/n", "n5,r6"), 0);
    EXPECT_EQ(xt_set_perms(o, 0, "/n", "n6"), -XS_EPERM);
    EXPECT_EQ(xt_get_perms(o, 0, "/n", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n5,r6") == 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/n", "b6"), 0);
    EXPECT_EQ(xt_set_perms(o, 0, "/n", "n5"), -XS_EACCES);
    EXPECT_EQ(xt_set_perms(o, 0, "/missing", "n5"), -XS_EACCES); /* "/" is not theirs either */
    EXPECT_EQ(xt_set_perms(p, 0, "/missing", "n5"), -XS_ENOENT);
    xt_done(s);
}

TEST(permission_strings_round_trip_and_bad_ones_are_einval)
{
    static const char *const bad[] = { "x1", "r", "r-1", "r65536", "r0x10", "R1", "r1 ", "b+1" };
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    char buf[64];

    EXPECT_EQ(xt_mkdir(p, 0, "/n"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/n", "b3,r1,w2,n4,r65535"), 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/n", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "b3,r1,w2,n4,r65535") == 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/n", "r007"), 0); /* decimal, leading zeros allowed */
    EXPECT_EQ(xt_get_perms(p, 0, "/n", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "r7") == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char perms[32];

        snprintf(perms, sizeof(perms), "n0,%s", bad[i]);
        if (xt_set_perms(p, 0, "/n", perms) != -XS_EINVAL)
            test_fail(__FILE__, __LINE__, "permission \"%s\" accepted", bad[i]);
    }
    EXPECT_EQ(xt_req_raw(p, XS_SET_PERMS, 0, "/n\0", 3, NULL), -XS_EINVAL);       /* no entry at all */
    EXPECT_EQ(xt_req_raw(p, XS_SET_PERMS, 0, "/n\0r1", 5, NULL), -XS_EINVAL);     /* no NUL */
    EXPECT_EQ(xt_req_raw(p, XS_SET_PERMS, 0, "/n\0r1\0\0", 7, NULL), -XS_EINVAL); /* an empty entry */
    EXPECT_EQ(xt_get_perms(p, 0, "/n", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "r7") == 0);
    xt_done(s);
}

TEST(a_released_domain_leaves_no_rights_behind)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xs_conn *d, *n;
    char buf[64];

    EXPECT_EQ(xt_introduce(p, 7, "100", 3), 0);
    d = xs_conn_find(s, 7);
    EXPECT_EQ(xt_mkdir(p, 0, "/own"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/own", "n7"), 0);
    EXPECT_EQ(xt_mkdir(p, 0, "/acl"), 0);
    EXPECT_EQ(xt_set_perms(p, 0, "/acl", "n0,r7,b8"), 0);
    EXPECT_EQ(xt_write(d, 0, "/own/sub", "x"), 0);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 7, NULL, 0), 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/own", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n0") == 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/own/sub", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n0") == 0);
    EXPECT_EQ(xt_get_perms(p, 0, "/acl", buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "n0,b8") == 0);
    /* A new domain reusing the domid gets nothing of the old one's. */
    EXPECT_EQ(xt_introduce(p, 7, "200", 4), 0);
    n = xs_conn_find(s, 7);
    EXPECT_EQ(xt_read(n, 0, "/acl", buf, sizeof(buf)), -XS_EACCES);
    EXPECT_EQ(xt_read(n, 0, "/own", buf, sizeof(buf)), -XS_EACCES);
    xt_done(s);
}

int main(void)
{
    static const struct test store_tests[] = {
        TEST_ENTRY(fresh_store_has_only_the_root_owned_by_the_admin),
        TEST_ENTRY(write_creates_missing_parents_with_empty_values),
        TEST_ENTRY(mkdir_keeps_an_existing_value_and_creates_missing_parents),
        TEST_ENTRY(rm_removes_the_subtree_and_a_missing_node_is_fine_if_its_parent_exists),
        TEST_ENTRY(directory_lists_children_in_creation_order),
        TEST_ENTRY(values_are_binary_and_may_contain_nul_bytes),
        TEST_ENTRY(relative_paths_are_under_the_domain_home),
        TEST_ENTRY(invalid_paths_are_einval),
        TEST_ENTRY(new_nodes_inherit_parent_perms_and_an_unprivileged_creator_owns_them),
        TEST_ENTRY(owner_and_privileged_have_full_rights_acl_entries_grant_r_w_or_b),
        TEST_ENTRY(a_missing_node_under_an_unreadable_parent_is_eacces_not_enoent),
        TEST_ENTRY(set_perms_needs_owner_or_privileged_and_only_privileged_changes_owner),
        TEST_ENTRY(permission_strings_round_trip_and_bad_ones_are_einval),
        TEST_ENTRY(a_released_domain_leaves_no_rights_behind),
        TEST_END,
    };
    const struct test *lists[] = { store_tests,          xenstore_watch_tests, xenstore_txn_tests, xenstore_quota_tests,
                                   xenstore_proto_tests, xenstore_model_tests, xenstore_fail_tests };
    static struct test all[256];
    size_t n = 0;

    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
        for (const struct test *t = lists[l]; t->name && n < 255; t++)
            all[n++] = *t;
    return test_run(all);
}
