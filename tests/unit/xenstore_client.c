/* SPDX-License-Identifier: MIT */
/*
 * The xenstore tests' store factory, failing allocator, recording hooks
 * and wire client (see xenstore_client.h).
 */
#include "xenstore_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocator ---- */

static unsigned long alloc_calls, fail_at;
static bool fail_on;

void xt_alloc_fail_at(unsigned long n)
{
    fail_at = alloc_calls + n;
    fail_on = false;
}

void xt_alloc_fail_from(unsigned long n)
{
    fail_at = alloc_calls + n;
    fail_on = true;
}

void xt_alloc_ok(void)
{
    fail_at = 0;
    fail_on = false;
}

unsigned long xt_alloc_calls(void)
{
    return alloc_calls;
}

static void *xt_malloc(void *ctx, size_t size)
{
    (void)ctx;
    alloc_calls++;
    if (fail_at && (alloc_calls == fail_at || (fail_on && alloc_calls > fail_at)))
        return NULL;
    return malloc(size);
}

static void xt_freefn(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* ---- hooks ---- */

struct xt_hooks_log xt_log;

static int xt_introduce_hook(void *ctx, struct xs_conn *c, uint64_t gfn, uint32_t port, bool again)
{
    (void)ctx;
    if (xt_log.introduce_result)
        return xt_log.introduce_result;
    if (again)
        xt_log.reintroduced++;
    else
        xt_log.introduced++;
    xt_log.last_domid = xs_conn_domid(c);
    xt_log.last_gfn = gfn;
    xt_log.last_port = port;
    return 0;
}

static void xt_release_hook(void *ctx, struct xs_conn *c)
{
    (void)ctx;
    xt_log.released++;
    xt_log.last_domid = xs_conn_domid(c);
}

static void xt_output_hook(void *ctx, struct xs_conn *c)
{
    (void)ctx;
    (void)c;
    xt_log.outputs++;
}

/* ---- client state: waiting events per connection ---- */

struct xt_client {
    struct xs_conn *c;
    char **events; /* "path\0token\0" */
    unsigned n, cap;
};

static struct xt_client clients[64];
static uint32_t next_req_id = 1;

static struct xt_client *xt_client(struct xs_conn *c)
{
    struct xt_client *free_slot = NULL;

    for (unsigned i = 0; i < 64; i++) {
        if (clients[i].c == c)
            return &clients[i];
        if (!clients[i].c && !free_slot)
            free_slot = &clients[i];
    }
    if (!free_slot) {
        test_fail(__FILE__, __LINE__, "too many client connections");
        abort();
    }
    free_slot->c = c;
    return free_slot;
}

static void xt_drain_events(struct xs_conn *c);

void xt_events_clear(struct xs_conn *c)
{
    struct xt_client *cl = xt_client(c);

    xt_drain_events(c);

    for (unsigned i = 0; i < cl->n; i++)
        free(cl->events[i]);
    cl->n = 0;
}

static void xt_clients_reset(void)
{
    for (unsigned i = 0; i < 64; i++) {
        for (unsigned e = 0; e < clients[i].n; e++)
            free(clients[i].events[e]);
        free(clients[i].events);
        memset(&clients[i], 0, sizeof(clients[i]));
    }
}

struct xs_store *xt_store(const struct xs_limits *lim)
{
    struct xs_config cfg;
    struct xs_store *s = NULL;

    xt_clients_reset();
    xt_alloc_ok();
    memset(&xt_log, 0, sizeof(xt_log));
    xs_config_default(&cfg);
    if (lim)
        cfg.limits = *lim;
    cfg.hooks.alloc = xt_malloc;
    cfg.hooks.free = xt_freefn;
    cfg.hooks.introduce = xt_introduce_hook;
    cfg.hooks.release = xt_release_hook;
    cfg.hooks.output = xt_output_hook;
    if (xs_store_create(&cfg, &s) != 0) {
        test_fail(__FILE__, __LINE__, "xs_store_create failed");
        abort();
    }
    return s;
}

void xt_done(struct xs_store *s)
{
    XT_CHECK(s);
    xt_alloc_ok();
    xt_clients_reset();
    xs_store_destroy(s);
}

struct xs_conn *xt_conn(struct xs_store *s, uint32_t domid, bool privileged)
{
    struct xs_conn *c = NULL;

    if (xs_conn_create(s, domid, privileged ? XS_CONN_PRIVILEGED : 0, &c) != 0) {
        test_fail(__FILE__, __LINE__, "xs_conn_create(%u) failed", domid);
        abort();
    }
    return c;
}

/* ---- the wire ---- */

size_t xt_frame(uint8_t *out, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *payload, size_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)len };

    memcpy(out, &h, sizeof(h));
    if (len)
        memcpy(out + sizeof(h), payload, len);
    return sizeof(h) + len;
}

int xt_feed(struct xs_conn *c, const void *bytes, size_t len, size_t *consumed)
{
    size_t got = 0;
    int err = xs_conn_input(c, bytes, len, &got);

    if (consumed)
        *consumed = got;
    return err;
}

bool xt_recv(struct xs_conn *c, struct xt_msg *m)
{
    if (xs_conn_output_pending(c) < sizeof(m->hdr))
        return false;
    if (xs_conn_output(c, &m->hdr, sizeof(m->hdr)) != sizeof(m->hdr) || m->hdr.len > XENSTORE_PAYLOAD_MAX ||
        xs_conn_output(c, m->payload, m->hdr.len) != m->hdr.len) {
        test_fail(__FILE__, __LINE__, "malformed output message");
        return false;
    }
    m->payload[m->hdr.len] = '\0';
    return true;
}

static void xt_keep_event(struct xs_conn *c, const struct xt_msg *m)
{
    struct xt_client *cl = xt_client(c);
    char *e = malloc(m->hdr.len + 2);

    if (m->hdr.req_id || m->hdr.tx_id)
        test_fail(__FILE__, __LINE__, "watch event with ids %u/%u", m->hdr.req_id, m->hdr.tx_id);
    memcpy(e, m->payload, m->hdr.len);
    e[m->hdr.len] = e[m->hdr.len + 1] = '\0';
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? 2 * cl->cap : 16;
        cl->events = realloc(cl->events, cl->cap * sizeof(*cl->events));
    }
    cl->events[cl->n++] = e;
}

static void xt_drain_events(struct xs_conn *c)
{
    struct xt_msg *m = malloc(sizeof(*m));

    while (xt_recv(c, m)) {
        if (m->hdr.type == XS_WATCH_EVENT)
            xt_keep_event(c, m);
        else
            test_fail(__FILE__, __LINE__, "unexpected reply type %u req %u", m->hdr.type, m->hdr.req_id);
    }
    free(m);
}

int xt_errno(const char *name)
{
    for (int e = 1; e < 200; e++) {
        const char *n = xs_error_name(e);

        if (n && strcmp(n, name) == 0)
            return -e;
    }
    return 1;
}

int xt_req_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *payload, size_t len, struct xt_msg *reply)
{
    uint8_t *buf = malloc(sizeof(struct xsd_sockmsg) + len);
    struct xt_msg *m = reply ? reply : malloc(sizeof(*m));
    uint32_t id = next_req_id++;
    size_t n = xt_frame(buf, type, id, tx, payload, len), used = 0;
    int err = xt_feed(c, buf, n, &used), result = 1;

    free(buf);
    if (err || used != n)
        test_fail(__FILE__, __LINE__, "request not taken: err %d, %zu of %zu bytes", err, used, n);
    while (xt_recv(c, m)) {
        if (m->hdr.type == XS_WATCH_EVENT) {
            xt_keep_event(c, m);
            continue;
        }
        if (m->hdr.req_id != id || m->hdr.tx_id != tx)
            test_fail(__FILE__, __LINE__, "reply ids %u/%u, want %u/%u", m->hdr.req_id, m->hdr.tx_id, id, tx);
        if (m->hdr.type == XS_ERROR)
            result = xt_errno(m->payload);
        else if (m->hdr.type == type)
            result = 0;
        else
            test_fail(__FILE__, __LINE__, "reply type %u to request type %u", m->hdr.type, type);
        break;
    }
    if (result == 1)
        test_fail(__FILE__, __LINE__, "no reply to request type %u", type);
    if (!reply)
        free(m);
    return result;
}

int xt_req(struct xs_conn *c, uint32_t type, uint32_t tx, const char *const *args, unsigned nargs, struct xt_msg *reply)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    size_t len = 0;

    for (unsigned i = 0; i < nargs; i++) {
        size_t l = strlen(args[i]) + 1;

        memcpy(buf + len, args[i], l);
        len += l;
    }
    return xt_req_raw(c, type, tx, buf, len, reply);
}

int xt_write(struct xs_conn *c, uint32_t tx, const char *path, const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    return xt_req_raw(c, XS_WRITE, tx, buf, pl + vl, NULL);
}

int xt_mkdir(struct xs_conn *c, uint32_t tx, const char *path)
{
    return xt_req(c, XS_MKDIR, tx, &path, 1, NULL);
}

int xt_rm(struct xs_conn *c, uint32_t tx, const char *path)
{
    return xt_req(c, XS_RM, tx, &path, 1, NULL);
}

int xt_read(struct xs_conn *c, uint32_t tx, const char *path, char *out, size_t cap)
{
    struct xt_msg *m = malloc(sizeof(*m));
    int err = xt_req(c, XS_READ, tx, &path, 1, m);

    if (!err) {
        snprintf(out, cap, "%s", m->payload);
        err = (int)m->hdr.len;
    }
    free(m);
    return err;
}

static int xt_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Joins the NUL-terminated strings of m (sorted if sort) with sep. */
static void xt_join(const struct xt_msg *m, bool sort, char sep, char *out, size_t cap)
{
    const char *names[2048];
    size_t n = 0, used = 0;

    for (size_t off = 0; off < m->hdr.len && n < 2048; off += strlen(m->payload + off) + 1)
        names[n++] = m->payload + off;
    if (sort)
        qsort(names, n, sizeof(names[0]), xt_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%s%c", names[i], sep);
    if (used && used <= cap)
        out[used - 1] = '\0';
}

int xt_dir(struct xs_conn *c, uint32_t tx, const char *path, char *out, size_t cap)
{
    struct xt_msg *m = malloc(sizeof(*m));
    int err = xt_req(c, XS_DIRECTORY, tx, &path, 1, m);

    if (!err)
        xt_join(m, true, ' ', out, cap);
    free(m);
    return err;
}

int xt_get_perms(struct xs_conn *c, uint32_t tx, const char *path, char *out, size_t cap)
{
    struct xt_msg *m = malloc(sizeof(*m));
    int err = xt_req(c, XS_GET_PERMS, tx, &path, 1, m);

    if (!err)
        xt_join(m, false, ',', out, cap);
    free(m);
    return err;
}

int xt_set_perms(struct xs_conn *c, uint32_t tx, const char *path, const char *perms)
{
    char buf[XENSTORE_PAYLOAD_MAX + 64];
    size_t pl = strlen(path) + 1, len = pl;

    memcpy(buf, path, pl);
    for (const char *p = perms; *p;) {
        size_t l = strcspn(p, ",");

        memcpy(buf + len, p, l);
        buf[len + l] = '\0';
        len += l + 1;
        p += l + (p[l] == ',');
    }
    return xt_req_raw(c, XS_SET_PERMS, tx, buf, len, NULL);
}

int xt_watch(struct xs_conn *c, const char *path, const char *token)
{
    const char *args[] = { path, token };

    return xt_req(c, XS_WATCH, 0, args, 2, NULL);
}

int xt_unwatch(struct xs_conn *c, const char *path, const char *token)
{
    const char *args[] = { path, token };

    return xt_req(c, XS_UNWATCH, 0, args, 2, NULL);
}

int64_t xt_txn_start(struct xs_conn *c)
{
    struct xt_msg *m = malloc(sizeof(*m));
    const char *empty = "";
    int err = xt_req(c, XS_TRANSACTION_START, 0, &empty, 1, m);
    int64_t id = err ? err : strtoll(m->payload, NULL, 10);

    free(m);
    return id;
}

int xt_txn_end(struct xs_conn *c, uint32_t tx, bool commit)
{
    const char *arg = commit ? "T" : "F";

    return xt_req(c, XS_TRANSACTION_END, tx, &arg, 1, NULL);
}

int xt_introduce(struct xs_conn *c, uint32_t domid, const char *gfn, uint32_t port)
{
    char d[16], p[16];
    const char *args[] = { d, gfn, p };

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(p, sizeof(p), "%u", port);
    return xt_req(c, XS_INTRODUCE, 0, args, 3, NULL);
}

int xt_domain_req(struct xs_conn *c, uint32_t type, uint32_t domid, char *out, size_t cap)
{
    struct xt_msg *m = malloc(sizeof(*m));
    char d[16];
    const char *arg = d;
    int err;

    snprintf(d, sizeof(d), "%u", domid);
    err = xt_req(c, type, 0, &arg, 1, m);
    if (!err && out)
        snprintf(out, cap, "%s", m->payload);
    free(m);
    return err;
}

unsigned xt_events(struct xs_conn *c)
{
    xt_drain_events(c);
    return xt_client(c)->n;
}

bool xt_event(struct xs_conn *c, char *path, size_t pcap, char *token, size_t tcap)
{
    struct xt_client *cl;
    char *e;

    xt_drain_events(c);
    cl = xt_client(c);
    if (!cl->n)
        return false;
    e = cl->events[0];
    snprintf(path, pcap, "%s", e);
    snprintf(token, tcap, "%s", e + strlen(e) + 1);
    free(e);
    memmove(cl->events, cl->events + 1, (cl->n - 1) * sizeof(*cl->events));
    cl->n--;
    return true;
}

bool xt_has_event(struct xs_conn *c, const char *path, const char *token)
{
    struct xt_client *cl;

    xt_drain_events(c);
    cl = xt_client(c);
    for (unsigned i = 0; i < cl->n; i++) {
        char *e = cl->events[i];

        if (strcmp(e, path) == 0 && strcmp(e + strlen(e) + 1, token) == 0) {
            free(e);
            memmove(cl->events + i, cl->events + i + 1, (cl->n - i - 1) * sizeof(*cl->events));
            cl->n--;
            return true;
        }
    }
    return false;
}
