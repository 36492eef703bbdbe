/* SPDX-License-Identifier: MIT */
/*
 * Protocol tests: framing of the byte stream, malformed and unknown
 * messages, the fatal over-long payload, privilege, Xen's error names,
 * and the domain-management requests with the host's hooks.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstore_client.h"

TEST(messages_may_be_split_across_calls_and_several_may_come_in_one)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xt_msg *m = malloc(sizeof(*m));
    uint8_t buf[256];
    size_t len = 0, used;

    len += xt_frame(buf + len, XS_WRITE, 7, 0, "/a\0one", 6);
    len += xt_frame(buf + len, XS_READ, 8, 0, "/a", 3);
    len += xt_frame(buf + len, XS_DIRECTORY, 9, 0, "/", 2);
    for (size_t i = 0; i < len; i++) {
        EXPECT_EQ(xt_feed(p, buf + i, 1, &used), 0);
        EXPECT_EQ(used, 1);
    }
    EXPECT_TRUE(xt_recv(p, m) && m->hdr.req_id == 7 && m->hdr.type == XS_WRITE && strcmp(m->payload, "OK") == 0);
    EXPECT_TRUE(xt_recv(p, m) && m->hdr.req_id == 8 && m->hdr.len == 3 && strcmp(m->payload, "one") == 0);
    EXPECT_TRUE(xt_recv(p, m) && m->hdr.req_id == 9 && m->hdr.len == 2 && strcmp(m->payload, "a") == 0);
    EXPECT_FALSE(xt_recv(p, m));
    EXPECT_EQ(xt_feed(p, buf, len, &used), 0); /* all three at once */
    EXPECT_EQ(used, len);
    for (uint32_t id = 7; id <= 9; id++)
        EXPECT_TRUE(xt_recv(p, m) && m->hdr.req_id == id);
    /* Output may be taken a byte at a time too. */
    EXPECT_EQ(xt_feed(p, buf + 22, 19, &used), 0);
    for (size_t i = 0; i < sizeof(struct xsd_sockmsg) + 3; i++)
        EXPECT_EQ(xs_conn_output(p, (uint8_t *)m + i, 1), 1);
    EXPECT_EQ(m->hdr.req_id, 8);
    EXPECT_EQ(xs_conn_output_pending(p), 0);
    free(m);
    xt_done(s);
}

TEST(a_payload_over_4096_breaks_only_that_connection)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *d = xt_conn(s, 5, false);
    struct xt_msg *m = malloc(sizeof(*m));
    uint8_t buf[64];
    size_t len, used;
    char rd[8];

    EXPECT_EQ(xt_watch(d, "/x", "t"), 0);
    len = xt_frame(buf, XS_READ, 1, 0, NULL, 0);
    ((struct xsd_sockmsg *)buf)->len = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(buf + len, "more bytes", 10);
    EXPECT_EQ(xt_feed(d, buf, len + 10, &used), -XS_EMSGSIZE);
    EXPECT_EQ(used, sizeof(struct xsd_sockmsg));
    EXPECT_TRUE(xs_conn_broken(d));
    EXPECT_EQ(xt_feed(d, buf, len, &used), -XS_ENOTCONN);
    EXPECT_EQ(used, 0);
    EXPECT_EQ(xt_write(p, 0, "/x", "1"), 0); /* its watch went with it */
    EXPECT_FALSE(xt_recv(d, m));
    EXPECT_EQ(xt_read(p, 0, "/x", rd, sizeof(rd)), 1);
    xs_conn_reset(d);
    EXPECT_FALSE(xs_conn_broken(d));
    EXPECT_EQ(xt_write(d, 0, "/y", "1"), -XS_EACCES);
    /* Exactly the maximum is fine. */
    len = xt_frame(buf, XS_READ, 2, 0, NULL, 0);
    ((struct xsd_sockmsg *)buf)->len = XENSTORE_PAYLOAD_MAX;
    EXPECT_EQ(xt_feed(d, buf, len, &used), 0);
    EXPECT_FALSE(xs_conn_broken(d));
    free(m);
    xt_done(s);
}

TEST(malformed_messages_get_einval_and_the_connection_keeps_working)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    static const struct {
        uint32_t type;
        const char *payload;
        size_t len;
    } bad[] = {
        { XS_READ, "/a", 2 },             /* no NUL */
        { XS_READ, "/a\0/b\0", 6 },       /* two strings */
        { XS_READ, "", 0 },               /* none */
        { XS_MKDIR, "/a\0x", 4 },         /* bytes after the NUL */
        { XS_WRITE, "/a", 2 },            /* no NUL after the path */
        { XS_WATCH, "/a\0", 3 },          /* no token */
        { XS_WATCH, "/a\0t\0x\0", 7 },    /* too many */
        { XS_UNWATCH, "/a\0t", 4 },       /* token not terminated */
        { XS_DIRECTORY_PART, "/a\0", 3 }, /* no offset */
        { XS_DIRECTORY_PART, "/\0x\0", 4 },
        { XS_GET_DOMAIN_PATH, "abc\0", 4 },
        { XS_GET_DOMAIN_PATH, "65536\0", 6 },
        { XS_GET_DOMAIN_PATH, "-1\0", 3 },
    };
    char rd[8];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int err = xt_req_raw(p, bad[i].type, 0, bad[i].payload, bad[i].len, NULL);

        if (err != -XS_EINVAL)
            test_fail(__FILE__, __LINE__, "case %zu (type %u): %d, want EINVAL", i, bad[i].type, err);
    }
    EXPECT_EQ(xt_write(p, 0, "/still", "ok"), 0);
    EXPECT_EQ(xt_read(p, 0, "/still", rd, sizeof(rd)), 2);
    EXPECT_EQ(xs_store_node_count(s), 2);
    xt_done(s);
}

TEST(unknown_types_are_enosys_with_the_ids_echoed)
{
    static const uint32_t types[] = { 20, XS_TYPE_COUNT, 999, XS_INVALID, XS_WATCH_EVENT, XS_ERROR };
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xt_msg *m = malloc(sizeof(*m));
    uint8_t buf[64];
    size_t used;

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t len = xt_frame(buf, types[i], 0xabc0u + (uint32_t)i, 0x55, "x\0", 2);

        EXPECT_EQ(xt_feed(p, buf, len, &used), 0);
        EXPECT_TRUE(xt_recv(p, m));
        EXPECT_EQ(m->hdr.type, XS_ERROR);
        EXPECT_EQ(m->hdr.req_id, 0xabc0u + i);
        EXPECT_EQ(m->hdr.tx_id, 0x55);
        EXPECT_TRUE(m->hdr.len == 7 && memcmp(m->payload, "ENOSYS", 7) == 0);
    }
    /* CONTROL and SET_TARGET: privileged, and not implemented. */
    EXPECT_EQ(xt_req_raw(p, XS_CONTROL, 0, "check\0", 6, NULL), -XS_ENOSYS);
    EXPECT_EQ(xt_req_raw(p, XS_SET_TARGET, 0,
                         "1\0"
                         "2\0",
                         4, NULL),
              -XS_ENOSYS);
    free(m);
    xt_done(s);
}

TEST(privileged_only_requests_are_eacces_for_the_others)
{
    static const uint32_t types[] = { XS_INTRODUCE,  XS_RELEASE, XS_RESUME, XS_IS_DOMAIN_INTRODUCED,
                                      XS_SET_TARGET, XS_CONTROL };
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *d = xt_conn(s, 5, false);

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        EXPECT_EQ(xt_req_raw(d, types[i], 0,
                             "1\0"
                             "2\0"
                             "3\0",
                             6, NULL),
                  -XS_EACCES);
    EXPECT_EQ(xt_domain_req(d, XS_GET_DOMAIN_PATH, 5, NULL, 0), 0);
    xt_done(s);
}

TEST(error_names_are_xen_s)
{
    static const char *const want[] = { "EINVAL", "EACCES",  "EEXIST",    "EISDIR", "ENOENT", "ENOMEM",
                                        "ENOSPC", "EIO",     "ENOTEMPTY", "ENOSYS", "EROFS",  "EBUSY",
                                        "EAGAIN", "EISCONN", "E2BIG",     "EPERM" };
    const char *name;
    unsigned n = 0;
    int err;

    for (int e = 1; e < 200; e++)
        n += xs_error_name(e) != NULL;
    EXPECT_EQ(n, 16);
    for (size_t i = 0; i < 16; i++)
        EXPECT_TRUE(xt_errno(want[i]) < 0);
    EXPECT_TRUE(strcmp(xs_error_name(-XS_EAGAIN), "EAGAIN") == 0);
    EXPECT_TRUE(xs_error_name(XS_EMSGSIZE) == NULL);
    /* Where Xen's headers are installed, its table is the reference. */
    for (unsigned i = 0; xt_xen_errors(i, &err, &name); i++) {
        if (!xs_error_name(err) || strcmp(xs_error_name(err), name) != 0)
            test_fail(__FILE__, __LINE__, "Xen's %s (%d) differs", name, err);
    }
}

TEST(introduce_creates_a_connection_and_release_destroys_it)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *d;
    char buf[8];

    EXPECT_EQ(xt_domain_req(p, XS_IS_DOMAIN_INTRODUCED, 3, buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "F") == 0);
    EXPECT_EQ(xt_introduce(p, 3, "-2", 9), 0);
    EXPECT_EQ(xt_log.introduced, 1);
    EXPECT_EQ(xt_log.last_domid, 3);
    EXPECT_EQ(xt_log.last_gfn, (uint64_t)-2); /* Xen's signed decimal */
    EXPECT_EQ(xt_log.last_port, 9);
    EXPECT_EQ(xt_domain_req(p, XS_IS_DOMAIN_INTRODUCED, 3, buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "T") == 0);
    EXPECT_EQ(xt_domain_req(p, XS_IS_DOMAIN_INTRODUCED, DOMID_SELF, buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "T") == 0);
    d = xs_conn_find(s, 3);
    EXPECT_TRUE(d && !xs_conn_privileged(d));
    EXPECT_EQ(xt_watch(d, "/w", "t"), 0);
    /* Introduced again: the connection is reset and the host rebinds. */
    EXPECT_EQ(xt_introduce(p, 3, "100", 10), 0);
    EXPECT_EQ(xt_log.reintroduced, 1);
    EXPECT_TRUE(xs_conn_find(s, 3) == d);
    EXPECT_EQ(xt_unwatch(d, "/w", "t"), -XS_ENOENT);
    /* Bad arguments, the caller itself, the host's own connections. */
    EXPECT_EQ(xt_introduce(p, DOMID_SELF, "1", 1), -XS_EINVAL);
    EXPECT_EQ(xt_introduce(p, 4, "1", 0), -XS_EINVAL);
    EXPECT_EQ(xt_introduce(p, 4, "x", 1), -XS_EINVAL);
    EXPECT_EQ(xt_introduce(p, 0, "1", 1), -XS_EINVAL);
    EXPECT_EQ(xt_req_raw(p, XS_INTRODUCE, 0,
                         "4\0"
                         "1\0",
                         4, NULL),
              -XS_EINVAL);
    (void)xt_conn(s, 8, false);
    EXPECT_EQ(xt_introduce(p, 8, "1", 1), -XS_EEXIST);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 8, NULL, 0), -XS_EINVAL);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 0, NULL, 0), -XS_EINVAL);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 44, NULL, 0), -XS_ENOENT);
    EXPECT_EQ(xt_domain_req(p, XS_RELEASE, 3, NULL, 0), 0);
    EXPECT_EQ(xt_log.released, 1);
    EXPECT_TRUE(xs_conn_find(s, 3) == NULL);
    EXPECT_EQ(xt_domain_req(p, XS_IS_DOMAIN_INTRODUCED, 3, buf, sizeof(buf)), 0);
    EXPECT_TRUE(strcmp(buf, "F") == 0);
    /* The host may refuse: then there is no connection. */
    xt_log.introduce_result = -XS_EIO;
    EXPECT_EQ(xt_introduce(p, 3, "1", 1), -XS_EIO);
    EXPECT_TRUE(xs_conn_find(s, 3) == NULL);
    xt_done(s);
}

TEST(a_shutdown_fires_release_once_until_resume)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *d;

    EXPECT_EQ(xt_introduce(p, 3, "1", 1), 0);
    d = xs_conn_find(s, 3);
    EXPECT_EQ(xt_watch(p, "@releaseDomain", "r"), 0);
    xt_events_clear(p);
    xs_conn_shutdown(d);
    xs_conn_shutdown(d);
    EXPECT_EQ(xt_events(p), 1);
    EXPECT_EQ(xt_domain_req(p, XS_RESUME, 3, NULL, 0), 0);
    EXPECT_EQ(xt_domain_req(p, XS_RESUME, 4, NULL, 0), -XS_ENOENT);
    xs_conn_shutdown(d);
    EXPECT_EQ(xt_events(p), 2);
    xs_conn_destroy(d); /* the host saw it die */
    EXPECT_EQ(xt_events(p), 3);
    EXPECT_EQ(xt_log.released, 1);
    xt_done(s);
}

TEST(the_output_hook_fires_when_a_queue_becomes_non_empty)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *w = xt_conn(s, 2, true);
    uint8_t buf[64];
    size_t used, len;

    EXPECT_EQ(xt_watch(w, "/h", "t"), 0);
    xt_events_clear(w);
    xt_log.outputs = 0;
    len = xt_frame(buf, XS_WRITE, 1, 0, "/h\0v", 4);
    EXPECT_EQ(xt_feed(p, buf, len, &used), 0);
    EXPECT_EQ(xt_log.outputs, 2); /* the watcher's event, the writer's reply */
    EXPECT_EQ(xt_feed(p, buf, len, &used), 0);
    EXPECT_EQ(xt_log.outputs, 2); /* both queues already had something */
    xt_done(s);
}

TEST(an_allocation_failure_is_enomem_or_a_retry_and_never_a_half_change)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xt_msg *m = malloc(sizeof(*m));
    uint8_t buf[64];
    size_t used, len;
    char rd[8];

    /* The reserved error reply cannot be had: the request waits. */
    len = xt_frame(buf, XS_WRITE, 1, 0, "/a/b\0v", 6);
    xt_alloc_fail_from(1);
    EXPECT_EQ(xt_feed(p, buf, len, &used), -XS_ENOMEM);
    EXPECT_EQ(used, len);
    EXPECT_FALSE(xt_recv(p, m));
    xt_alloc_ok();
    EXPECT_EQ(xt_feed(p, NULL, 0, &used), 0);
    EXPECT_TRUE(xt_recv(p, m) && m->hdr.req_id == 1 && m->hdr.type == XS_WRITE);
    /* Past the reserved reply, every allocation failing: ENOMEM and no change. */
    xt_alloc_fail_from(2);
    EXPECT_EQ(xt_write(p, 0, "/c/d", "v"), -XS_ENOMEM);
    xt_alloc_fail_from(2);
    EXPECT_EQ(xt_rm(p, 0, "/a"), -XS_ENOMEM);
    xt_alloc_ok();
    EXPECT_EQ(xt_read(p, 0, "/c", rd, sizeof(rd)), -XS_ENOENT);
    EXPECT_EQ(xt_read(p, 0, "/a/b", rd, sizeof(rd)), 1);
    EXPECT_EQ(xs_store_node_count(s), 3);
    free(m);
    xt_done(s);
}

TEST(connection_creation_rejects_duplicates_and_reserved_domids)
{
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *c = NULL;
    struct xs_config cfg;

    EXPECT_EQ(xs_conn_create(s, 1, 0, &c), 0);
    EXPECT_EQ(xs_conn_domid(c), 1);
    xs_conn_set_priv(c, s);
    EXPECT_TRUE(xs_conn_priv(c) == s);
    EXPECT_EQ(xs_conn_create(s, 1, XS_CONN_PRIVILEGED, &c), -XS_EEXIST);
    EXPECT_EQ(xs_conn_create(s, DOMID_SELF, 0, &c), -XS_EINVAL);
    EXPECT_EQ(xs_conn_create(s, 2, 0x80, &c), -XS_EINVAL);
    xt_alloc_fail_at(1);
    EXPECT_EQ(xs_conn_create(s, 2, 0, &c), -XS_ENOMEM);
    EXPECT_TRUE(xs_conn_find(s, 2) == NULL);
    xt_done(s);
    xs_config_default(&cfg);
    cfg.limits.watches = 0;
    EXPECT_EQ(xs_store_create(&cfg, &s), -XS_EINVAL);
    xs_config_default(&cfg);
    cfg.limits.path_len = XENSTORE_REL_PATH_MAX + 1;
    EXPECT_EQ(xs_store_create(&cfg, &s), -XS_EINVAL);
}

const struct test xenstore_proto_tests[] = {
    TEST_ENTRY(messages_may_be_split_across_calls_and_several_may_come_in_one),
    TEST_ENTRY(a_payload_over_4096_breaks_only_that_connection),
    TEST_ENTRY(malformed_messages_get_einval_and_the_connection_keeps_working),
    TEST_ENTRY(unknown_types_are_enosys_with_the_ids_echoed),
    TEST_ENTRY(privileged_only_requests_are_eacces_for_the_others),
    TEST_ENTRY(error_names_are_xen_s),
    TEST_ENTRY(introduce_creates_a_connection_and_release_destroys_it),
    TEST_ENTRY(a_shutdown_fires_release_once_until_resume),
    TEST_ENTRY(the_output_hook_fires_when_a_queue_becomes_non_empty),
    TEST_ENTRY(an_allocation_failure_is_enomem_or_a_retry_and_never_a_half_change),
    TEST_ENTRY(connection_creation_rejects_duplicates_and_reserved_domids),
    TEST_END,
};
