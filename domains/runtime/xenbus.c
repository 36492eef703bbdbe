/* SPDX-License-Identifier: MIT */
/*
 * The XenStore client (mosaic/xenbus.h). One request at a time: the
 * header and payload go onto the request ring as room allows, then
 * messages are read off the reply ring until the one with our req_id;
 * watch events met on the way are queued. Everything from the store is
 * checked: ring indices (bytering), payload lengths (at most
 * XENSTORE_PAYLOAD_MAX) and error names. It does not parse paths or
 * permissions: the store does.
 */
#include <stdlib.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "idl/xenstore.h"
#include "mosaic/hvm.h"
#include "mosaic/time.h"
#include "mosaic/xenbus.h"
#include "runtime_priv.h"

/* Xen's errno names with their values (idl/xen_errno.idl): an XS_ERROR
 * payload names one of them ("XEN_EINVAL" without its "XEN_"). */
#define XS_ERROR_ENTRY(name, value) { &#name[sizeof("XEN_") - 1], value },
static const struct {
    const char *name;
    int value;
} xs_errors[] = { XEN_ERRNO_VALUES(XS_ERROR_ENTRY) };

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg; /* the waits below look at the ring themselves */
}

void xenbus_connect(struct xenbus *xb, void *page, evtchn_port_t port)
{
    struct xenstore_domain_interface *intf = page;

    memset(xb, 0, sizeof(*xb));
    xb->req = (struct bytering){ intf->req, XENSTORE_RING_SIZE, &intf->req_prod, &intf->req_cons };
    xb->rsp = (struct bytering){ intf->rsp, XENSTORE_RING_SIZE, &intf->rsp_prod, &intf->rsp_cons };
    xb->port = port;
    xb->next_id = 1;
    evtchn_set_handler(port, on_event, xb);
}

long xenbus_connect_own(struct xenbus *xb)
{
    uint64_t pfn = 0, port = 0;
    long r;

    if (!evtchn_ready())
        return -XEN_ENOSYS;
    if ((r = hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_PFN, &pfn)) != 0 ||
        (r = hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &port)) != 0)
        return r;
    if (!pfn || !port || port >= EVTCHN_PORTS_2L || pfn >= RUNTIME_MAPPED_END / RUNTIME_PAGE_SIZE)
        return -XEN_ENOENT;
    xenbus_connect(xb, (void *)(uintptr_t)(pfn * RUNTIME_PAGE_SIZE), (evtchn_port_t)port);
    return 0;
}

/* Sleep until the store says something (or the deadline): -ETIMEDOUT.
 * The caller looked at the ring after its last arm_events(): an event
 * that came since is still flagged, so the sleep ends at once. */
static long wait_store(uint64_t deadline_ns)
{
    if (runtime_time_ns() >= deadline_ns)
        return -XEN_ETIMEDOUT;
    evtchn_wait(deadline_ns);
    return 0;
}

/* Takes the events seen so far: what comes after this wakes wait_store. */
static void arm_events(void)
{
    evtchn_dispatch();
}

static long broken(struct xenbus *xb)
{
    xb->broken = true;
    return -XEN_EIO;
}

static long put_bytes(struct xenbus *xb, const void *src, size_t len, uint64_t deadline_ns)
{
    const char *s = src;

    while (len) {
        long n;
        arm_events(); /* before looking at the ring: see wait_store */
        n = bytering_write(&xb->req, s, len);
        if (n == BYTERING_BROKEN)
            return broken(xb);
        s += n, len -= (size_t)n;
        if (n)
            (void)evtchn_send(xb->port);
        if (len && wait_store(deadline_ns))
            return -XEN_ETIMEDOUT;
    }
    return 0;
}

long xenbus_send_raw(struct xenbus *xb, const void *bytes, size_t len)
{
    return xb->broken ? -XEN_EIO : put_bytes(xb, bytes, len, runtime_time_ns() + XENBUS_TIMEOUT_NS);
}

static long get_bytes(struct xenbus *xb, void *dst, size_t len, uint64_t deadline_ns)
{
    char *d = dst;

    while (len) {
        long n;
        arm_events();
        n = bytering_read(&xb->rsp, d, len);
        if (n == BYTERING_BROKEN)
            return broken(xb);
        d += n, len -= (size_t)n;
        if (n)
            (void)evtchn_send(xb->port); /* room for the store's next reply */
        if (len && wait_store(deadline_ns))
            return -XEN_ETIMEDOUT;
    }
    return 0;
}

/* Copies the NUL-terminated string at *at (within end) to dst, cut to cap. */
static bool take_string(const char **at, const char *end, char *dst, size_t cap)
{
    size_t n = strnlen(*at, (size_t)(end - *at));
    bool cut = n >= cap;

    memcpy(dst, *at, cut ? cap - 1 : n);
    dst[cut ? cap - 1 : n] = '\0';
    *at += n + (*at + n < end);
    return cut;
}

static void queue_event(struct xenbus *xb, const char *payload, uint32_t len)
{
    struct xenbus_event *e;
    const char *at = payload;

    if (xb->ev_count == XENBUS_EVENTS) {
        xb->ev_dropped++;
        return;
    }
    e = &xb->events[(xb->ev_head + xb->ev_count++) % XENBUS_EVENTS];
    e->cut = take_string(&at, payload + len, e->path, sizeof(e->path));
    e->cut |= take_string(&at, payload + len, e->token, sizeof(e->token));
}

static long error_value(const char *payload, uint32_t len)
{
    for (unsigned i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
        if (strnlen(payload, len) == strlen(xs_errors[i].name) &&
            !memcmp(payload, xs_errors[i].name, strlen(xs_errors[i].name)))
            return -xs_errors[i].value;
    return -XEN_EINVAL; /* a name Xen does not have */
}

/* Reads one message: its header into *h, its payload (NUL-terminated)
 * into payload; a watch event is queued. */
static long read_message(struct xenbus *xb, struct xsd_sockmsg *h, char *payload, uint64_t deadline_ns)
{
    long r;

    if ((r = get_bytes(xb, h, sizeof(*h), deadline_ns)) != 0)
        return r;
    if (h->len > XENSTORE_PAYLOAD_MAX)
        return broken(xb);
    if ((r = get_bytes(xb, payload, h->len, deadline_ns)) != 0)
        return r;
    payload[h->len] = '\0';
    if (h->type == XS_WATCH_EVENT)
        queue_event(xb, payload, h->len);
    return 0;
}

static char payload_buf[XENSTORE_PAYLOAD_MAX + 1];

/* Reads messages until the reply to id; events are queued on the way. */
static long await_reply(struct xenbus *xb, uint32_t id, char *reply, uint32_t cap, uint32_t *reply_len,
                        uint64_t deadline_ns)
{
    struct xsd_sockmsg h;
    long r;

    for (;;) {
        if ((r = read_message(xb, &h, payload_buf, deadline_ns)) != 0)
            return r;
        if (h.type == XS_WATCH_EVENT || h.req_id != id)
            continue; /* an event, or a stale reply to a request that timed out */
        if (h.type == XS_ERROR)
            return error_value(payload_buf, h.len);
        if (reply)
            memcpy(reply, payload_buf, h.len < cap ? h.len : cap);
        if (reply_len)
            *reply_len = h.len;
        return 0;
    }
}

long xenbus_request(struct xenbus *xb, uint32_t type, uint32_t tx, const void *payload, uint32_t len, char *reply,
                    uint32_t cap, uint32_t *reply_len)
{
    uint64_t deadline = runtime_time_ns() + XENBUS_TIMEOUT_NS;
    struct xsd_sockmsg h = { type, xb->next_id++, tx, len };
    long r;

    if (xb->broken)
        return -XEN_EIO;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_EINVAL;
    if ((r = put_bytes(xb, &h, sizeof(h), deadline)) != 0 || (r = put_bytes(xb, payload, len, deadline)) != 0)
        return r;
    return await_reply(xb, h.req_id, reply, cap, reply_len, deadline);
}

/* A request whose payload is la bytes of a, then lb bytes of b. */
static long request_parts(struct xenbus *xb, uint32_t type, uint32_t tx, const void *a, size_t la, const void *b,
                          size_t lb, char *reply, uint32_t cap, uint32_t *reply_len)
{
    static char buf[XENSTORE_PAYLOAD_MAX];

    if (la + lb > sizeof(buf))
        return -XEN_EINVAL;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    return xenbus_request(xb, type, tx, buf, (uint32_t)(la + lb), reply, cap, reply_len);
}

/* A request whose payload is the given strings, each with its NUL. */
static long request_strings(struct xenbus *xb, uint32_t type, uint32_t tx, const char *a, const char *b, char *reply,
                            uint32_t cap, uint32_t *reply_len)
{
    return request_parts(xb, type, tx, a, strlen(a) + 1, b ? b : "", b ? strlen(b) + 1 : 0, reply, cap, reply_len);
}

/* Replies with text: NUL-terminated into buf (cut at cap - 1); their full length. */
static long text_reply(struct xenbus *xb, uint32_t type, uint32_t tx, const char *path, char *buf, size_t cap)
{
    uint32_t n = 0;
    long r;

    if (cap == 0)
        return -XEN_EINVAL;
    r = request_strings(xb, type, tx, path, NULL, buf, (uint32_t)cap - 1, &n);
    if (r)
        return r;
    buf[n < cap - 1 ? n : cap - 1] = '\0';
    return n;
}

long xenbus_read(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t cap)
{
    return text_reply(xb, XS_READ, tx, path, buf, cap);
}

long xenbus_directory(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t cap)
{
    return text_reply(xb, XS_DIRECTORY, tx, path, buf, cap);
}

long xenbus_get_perms(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t cap)
{
    return text_reply(xb, XS_GET_PERMS, tx, path, buf, cap);
}

long xenbus_write(struct xenbus *xb, uint32_t tx, const char *path, const char *value)
{
    /* The value has no NUL on the wire. */
    return request_parts(xb, XS_WRITE, tx, path, strlen(path) + 1, value, strlen(value), NULL, 0, NULL);
}

long xenbus_set_perms(struct xenbus *xb, uint32_t tx, const char *path, const char *perms, size_t perms_len)
{
    return request_parts(xb, XS_SET_PERMS, tx, path, strlen(path) + 1, perms, perms_len, NULL, 0, NULL);
}

long xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path)
{
    return request_strings(xb, XS_MKDIR, tx, path, NULL, NULL, 0, NULL);
}

long xenbus_rm(struct xenbus *xb, uint32_t tx, const char *path)
{
    return request_strings(xb, XS_RM, tx, path, NULL, NULL, 0, NULL);
}

long xenbus_watch(struct xenbus *xb, const char *path, const char *token)
{
    return request_strings(xb, XS_WATCH, 0, path, token, NULL, 0, NULL);
}

long xenbus_unwatch(struct xenbus *xb, const char *path, const char *token)
{
    return request_strings(xb, XS_UNWATCH, 0, path, token, NULL, 0, NULL);
}

long xenbus_transaction_start(struct xenbus *xb, uint32_t *tx)
{
    char id[16];
    long r = text_reply(xb, XS_TRANSACTION_START, 0, "", id, sizeof(id));
    char *end;
    unsigned long v;

    if (r < 0)
        return r;
    v = strtoul(id, &end, 10);
    if (end == id || *end || v == 0 || v > UINT32_MAX)
        return -XEN_EINVAL; /* the store must give a non-zero decimal id */
    *tx = (uint32_t)v;
    return 0;
}

long xenbus_transaction_end(struct xenbus *xb, uint32_t tx, bool commit)
{
    return request_strings(xb, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL, NULL, 0, NULL);
}

long xenbus_wait_event(struct xenbus *xb, struct xenbus_event *out, uint64_t deadline_ns)
{
    while (xb->ev_count == 0) {
        long r;
        arm_events();
        if (xb->broken)
            return -XEN_EIO;
        if (bytering_used(&xb->rsp) > 0) {
            struct xsd_sockmsg h;
            r = read_message(xb, &h, payload_buf, deadline_ns); /* a stray reply is dropped */
            if (r)
                return r;
            continue;
        }
        if (wait_store(deadline_ns))
            return -XEN_ETIMEDOUT;
    }
    *out = xb->events[xb->ev_head];
    xb->ev_head = (xb->ev_head + 1) % XENBUS_EVENTS;
    xb->ev_count--;
    return 0;
}
