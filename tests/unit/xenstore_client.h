/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the xenstore unit tests: a store with an allocator that can
 * be told to fail, recording hooks, and a tiny client that speaks the wire
 * protocol to a connection through xs_conn_input/xs_conn_output only, as
 * domains/xenstored will. Requests return 0 or the -XS_E* of the XS_ERROR
 * reply; watch events that arrive meanwhile are kept per connection.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "xenstore/xenstore.h"

/* The allocator hook: xt_alloc_fail_at(n) makes the n-th next allocation
 * fail (n = 1: the very next), xt_alloc_fail_from(n) that and every later. */
void xt_alloc_fail_at(unsigned long n);
void xt_alloc_fail_from(unsigned long n);
void xt_alloc_ok(void);
unsigned long xt_alloc_calls(void);

/* What the hooks saw. */
struct xt_hooks_log {
    unsigned introduced, reintroduced, released, outputs;
    uint32_t last_domid, last_port;
    uint64_t last_gfn;
    int introduce_result; /* returned by the introduce hook */
};
extern struct xt_hooks_log xt_log;

/* A store with lim (NULL: defaults) and the hooks above; admin domid 0. */
struct xs_store *xt_store(const struct xs_limits *lim);
/* Checks xs_store_check, then destroys the store and the client state. */
void xt_done(struct xs_store *s);
/* xs_store_check as a test expectation. */
#define XT_CHECK(s)                                                            \
    do {                                                                       \
        const char *_why = NULL;                                               \
        if (xs_store_check((s), &_why))                                        \
            test_fail(__FILE__, __LINE__, "store invariant broken: %s", _why); \
    } while (0)

struct xs_conn *xt_conn(struct xs_store *s, uint32_t domid, bool privileged);

/* A message read back from a connection. */
struct xt_msg {
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1]; /* NUL added after hdr.len bytes */
};

/* Raw stream access. xt_feed returns xs_conn_input's result; *consumed optional. */
int xt_feed(struct xs_conn *c, const void *bytes, size_t len, size_t *consumed);
size_t xt_frame(uint8_t *out, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *payload, size_t len);
/* Reads the next whole message off c's output; false if none is queued. */
bool xt_recv(struct xs_conn *c, struct xt_msg *m);

/* One request: payload is args joined with NULs (each NUL-terminated).
 * The reply goes to *reply if non-NULL. */
int xt_req(struct xs_conn *c, uint32_t type, uint32_t tx, const char *const *args, unsigned nargs,
           struct xt_msg *reply);
int xt_req_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *payload, size_t len, struct xt_msg *reply);

int xt_write(struct xs_conn *c, uint32_t tx, const char *path, const char *value);
int xt_mkdir(struct xs_conn *c, uint32_t tx, const char *path);
int xt_rm(struct xs_conn *c, uint32_t tx, const char *path);
/* Value into out (NUL-terminated); returns its length or -err. */
int xt_read(struct xs_conn *c, uint32_t tx, const char *path, char *out, size_t cap);
/* Children, sorted and joined with ' ' ("" if none); 0 or -err. */
int xt_dir(struct xs_conn *c, uint32_t tx, const char *path, char *out, size_t cap);
/* Permissions joined with ',' ("b0,r3"); 0 or -err. */
int xt_get_perms(struct xs_conn *c, uint32_t tx, const char *path, char *out, size_t cap);
int xt_set_perms(struct xs_conn *c, uint32_t tx, const char *path, const char *perms);
int xt_watch(struct xs_conn *c, const char *path, const char *token);
int xt_unwatch(struct xs_conn *c, const char *path, const char *token);
/* Transaction id, or -err. */
int64_t xt_txn_start(struct xs_conn *c);
int xt_txn_end(struct xs_conn *c, uint32_t tx, bool commit);
int xt_introduce(struct xs_conn *c, uint32_t domid, const char *gfn, uint32_t port);
int xt_domain_req(struct xs_conn *c, uint32_t type, uint32_t domid, char *out, size_t cap);

/* Drains c and returns the next watch event (path, token), or false. */
bool xt_event(struct xs_conn *c, char *path, size_t pcap, char *token, size_t tcap);
/* Events waiting for c (drains its output first). */
unsigned xt_events(struct xs_conn *c);
/* Forgets c's waiting events. */
void xt_events_clear(struct xs_conn *c);
/* True if an event (path, token) is waiting for c; it is consumed. */
bool xt_has_event(struct xs_conn *c, const char *path, const char *token);

/* The name -> -XS_E* of an XS_ERROR payload; 1 if unknown. */
int xt_errno(const char *name);

/* Test lists of each file, joined by xenstore_test.c. */
extern const struct test xenstore_store_tests[];
extern const struct test xenstore_watch_tests[];
extern const struct test xenstore_txn_tests[];
extern const struct test xenstore_quota_tests[];
extern const struct test xenstore_proto_tests[];
extern const struct test xenstore_model_tests[];
extern const struct test xenstore_fail_tests[];
/* Xen's own xsd_errors table, when its headers are installed (xenstore_xen.c). */
bool xt_xen_errors(unsigned i, int *err, const char **name);
