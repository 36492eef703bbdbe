/* SPDX-License-Identifier: MIT */
/*
 * The control domain's requests (msg.h): decode the header (wire.c), then
 * the body its type says, every field checked again whatever the client
 * checked (its length, reserved fields, ranges, the domain's qualifier),
 * then perform (verbs.c) and answer. Nothing here knows about TLS or TCP.
 */
#include "msg.h"

#include <stdio.h>
#include <string.h>

#include "create.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "images.h"
#include "wire.h"

/* One request as decoded: its header, its body's struct. */
struct request {
    struct control_msg_header hdr;
    union {
        struct control_list_request list;
        struct control_dmesg_request dmesg;
        struct control_domain_request dom;
        struct control_vcpu_pin_request pin;
        struct control_sched_request sched;
        struct control_upload_request upload;
        struct control_upload_data_request data;
        struct control_create_request create;
        struct control_console_request cons;
        struct control_shutdown_request shutdown;
        struct control_mem_request mem;
        struct control_device_request dev;
        struct control_device_list_request devlist;
    } u;
    const uint8_t *tail; /* the bytes after an upload-data or create struct */
    const uint8_t *in;   /* a console request's input, inside the message */
};

static struct control_msg_header answer_hdr(const struct request *q)
{
    return (struct control_msg_header){ .version = CONTROL_PROTO_VERSION,
                                        .type = (uint16_t)(q->hdr.type | CONTROL_MSG_ANSWER),
                                        .id = q->hdr.id };
}

static size_t answer_error(const struct control_msg_header *req, int status, uint8_t *out)
{
    struct control_error e = {
        .hdr = { .version = CONTROL_PROTO_VERSION, .type = CONTROL_MSG_ERROR, .id = req->id },
        .status = status,
        .request_type = req->type,
    };

    wire_error_put(out, &e);
    return sizeof(e);
}

static size_t answer_version(const struct request *q, uint8_t *out)
{
    struct control_version_answer a = {
        .hdr = answer_hdr(q),
        .proto_min = CONTROL_PROTO_VERSION,
        .proto_max = CONTROL_PROTO_VERSION,
        .max_frame = CONTROL_FRAME_MAX,
    };

    _Static_assert(sizeof(MSG_SERVER_NAME) <= sizeof(a.server), "the server's name fits its field");
    memcpy(a.server, MSG_SERVER_NAME, sizeof(MSG_SERVER_NAME));
    wire_version_answer_put(out, &a);
    return sizeof(a);
}

/* ---- decode: nothing is done for a request refused here ---- */

/* The body's struct: exactly its length, reserved fields zero, text
 * fields NUL-padded. */
static int body(const uint8_t *m, size_t len, const struct wire_layout *l, void *s)
{
    return len == l->size && wire_get(m, s, l) == 0 ? 0 : -XEN_EINVAL;
}

/* A struct followed by exactly n bytes (n read from the struct). */
static int body_and_tail(const uint8_t *m, size_t len, const struct wire_layout *l, void *s, const uint32_t *n,
                         struct request *q)
{
    if (len < l->size || wire_get(m, s, l) != 0 || len - l->size != *n)
        return -XEN_EINVAL;
    q->tail = m + l->size;
    return 0;
}

static const uint8_t zero_sha[CONTROL_SHA256_SIZE];

/* A text field (NUL-terminated by wire_get) of 1 or more printable bytes:
 * it is logged and shown. */
static bool printable_text(const char *t)
{
    if (!t[0])
        return false;
    for (; *t; t++)
        if (*t < ' ' || *t > '~')
            return false;
    return true;
}

static int decode(const uint8_t *m, size_t len, struct request *q)
{
    const struct control_upload_request *up = &q->u.upload;
    const struct control_create_request *cr = &q->u.create;
    const struct control_sched_request *s = &q->u.sched;
    int r;

    switch (q->hdr.type) {
    case CONTROL_MSG_VERSION:
    case CONTROL_MSG_INFO:
    case CONTROL_MSG_DEBUG_CRASH: return len == sizeof(q->hdr) ? 0 : -XEN_EINVAL;
    case CONTROL_MSG_LIST:
        r = body(m, len, &wire_list_request_layout, &q->u.list);
        return r ? r : q->u.list.first < DOMID_SELF ? 0 : -XEN_EINVAL;
    case CONTROL_MSG_DMESG:
        r = body(m, len, &wire_dmesg_request_layout, &q->u.dmesg);
        return r ? r : q->u.dmesg.max_len == 0 || q->u.dmesg.max_len > CONTROL_DMESG_MAX ? -XEN_EINVAL : 0;
    case CONTROL_MSG_PAUSE:
    case CONTROL_MSG_UNPAUSE:
    case CONTROL_MSG_DESTROY:
    case CONTROL_MSG_VCPU_LIST:
        r = body(m, len, &wire_domain_request_layout, &q->u.dom);
        return r ? r : wire_qualifier_ok(q->u.dom.domain) ? 0 : -XEN_EINVAL;
    case CONTROL_MSG_VCPU_PIN:
        r = body(m, len, &wire_vcpu_pin_request_layout, &q->u.pin);
        return r ? r : wire_qualifier_ok(q->u.pin.domain) && q->u.pin.cpumask ? 0 : -XEN_EINVAL;
    case CONTROL_MSG_SCHED_CREDIT:
        if ((r = body(m, len, &wire_sched_request_layout, &q->u.sched)) != 0)
            return r;
        if (!wire_qualifier_ok(s->domain) || (s->flags & ~(CONTROL_SCHED_SET_WEIGHT | CONTROL_SCHED_SET_CAP)))
            return -XEN_EINVAL;
        /* A value is given exactly with its flag, and in range. */
        if ((s->flags & CONTROL_SCHED_SET_WEIGHT) ? s->weight == 0 : s->weight != 0)
            return -XEN_EINVAL;
        if ((s->flags & CONTROL_SCHED_SET_CAP) ? s->cap > CONTROL_SCHED_CAP_MAX : s->cap != 0)
            return -XEN_EINVAL;
        return 0;
    case CONTROL_MSG_UPLOAD:
        if ((r = body(m, len, &wire_upload_request_layout, &q->u.upload)) != 0)
            return r;
        if ((up->kind != CONTROL_IMAGE_KERNEL && up->kind != CONTROL_IMAGE_RAMDISK) || up->size == 0)
            return -XEN_EINVAL;
        return up->size > (up->kind == CONTROL_IMAGE_KERNEL ? CONTROL_KERNEL_MAX : CONTROL_RAMDISK_MAX) ? -XEN_E2BIG
                                                                                                        : 0;
    case CONTROL_MSG_UPLOAD_DATA:
        if ((r = body_and_tail(m, len, &wire_upload_data_request_layout, &q->u.data, &q->u.data.len, q)) != 0)
            return r;
        return q->u.data.len == 0 || q->u.data.len > CONTROL_UPLOAD_CHUNK_MAX ? -XEN_EINVAL : 0;
    case CONTROL_MSG_CREATE:
        if ((r = body_and_tail(m, len, &wire_create_request_layout, &q->u.create, &q->u.create.text_len, q)) != 0)
            return r;
        if (cr->text_len == 0 || cr->text_len > CONTROL_CFG_TEXT_MAX || cr->has_ramdisk > 1 || !cr->file[0])
            return -XEN_EINVAL;
        if (!printable_text(cr->file))
            return -XEN_EINVAL;
        return !cr->has_ramdisk && memcmp(cr->ramdisk_sha256, zero_sha, sizeof(zero_sha)) ? -XEN_EINVAL : 0;
    case CONTROL_MSG_CONSOLE: return wire_console_request_get(m, len, &q->u.cons, &q->in);
    case CONTROL_MSG_SHUTDOWN:
        r = body(m, len, &wire_shutdown_request_layout, &q->u.shutdown);
        return r                                                     ? r
               : !wire_qualifier_ok(q->u.shutdown.domain)            ? -XEN_EINVAL
               : q->u.shutdown.reason > CONTROL_SHUTDOWN_REBOOT      ? -XEN_EINVAL
               : (q->u.shutdown.flags & ~CONTROL_SHUTDOWN_WAIT) != 0 ? -XEN_EINVAL
                                                                     : 0;
    case CONTROL_MSG_MEM_SET:
        r = body(m, len, &wire_mem_request_layout, &q->u.mem);
        return r                                                         ? r
               : !wire_qualifier_ok(q->u.mem.domain)                     ? -XEN_EINVAL
               : q->u.mem.kib == 0 || q->u.mem.kib > CONTROL_MEM_KIB_MAX ? -XEN_EINVAL
               : (q->u.mem.flags & ~CONTROL_MEM_MAX) != 0                ? -XEN_EINVAL
                                                                         : 0;
    case CONTROL_MSG_BLOCK_ATTACH:
    case CONTROL_MSG_BLOCK_DETACH:
    case CONTROL_MSG_NET_ATTACH:
    case CONTROL_MSG_NET_DETACH:
        r = body(m, len, &wire_device_request_layout, &q->u.dev);
        return r ? r : wire_qualifier_ok(q->u.dev.domain) && printable_text(q->u.dev.spec) ? 0 : -XEN_EINVAL;
    case CONTROL_MSG_DEVICE_LIST:
        r = body(m, len, &wire_device_list_request_layout, &q->u.devlist);
        return r                                                                                     ? r
               : !wire_qualifier_ok(q->u.devlist.domain)                                             ? -XEN_EINVAL
               : q->u.devlist.kind != CONTROL_DEVICE_DISK && q->u.devlist.kind != CONTROL_DEVICE_VIF ? -XEN_EINVAL
                                                                                                     : 0;
    default: return -XEN_ENOSYS;
    }
}

/* ---- perform and answer ---- */

/* An answer of a struct (layout al) and nr entries (layout el, each
 * el->size bytes) after it; its length. */
static size_t put_entries(uint8_t *out, const void *a, const struct wire_layout *al, const void *entries,
                          const struct wire_layout *el, unsigned nr)
{
    wire_put(out, a, al);
    for (unsigned i = 0; i < nr; i++)
        wire_put(out + al->size + (size_t)i * el->size, (const uint8_t *)entries + (size_t)i * el->size, el);
    return al->size + (size_t)nr * el->size;
}

static int do_list(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    static struct control_domain d[CONTROL_LIST_MAX];
    struct control_list_answer a = { .hdr = answer_hdr(q) };
    int r = verbs_list(env, q->u.list.first, &a, d);

    if (r)
        return r;
    *n = put_entries(out, &a, &wire_list_answer_layout, d, &wire_domain_layout, a.nr);
    return 0;
}

static int do_info(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    struct control_info_answer a = { .hdr = answer_hdr(q) };
    int r = verbs_info(env, &a);

    if (r)
        return r;
    wire_put(out, &a, &wire_info_answer_layout);
    *n = sizeof(a);
    return 0;
}

static int do_dmesg(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    struct control_dmesg_answer a = { .hdr = answer_hdr(q) };
    int r = verbs_dmesg(env, q->u.dmesg.index, q->u.dmesg.max_len, &a, out + sizeof(a));

    if (r)
        return r;
    wire_put(out, &a, &wire_dmesg_answer_layout);
    *n = sizeof(a) + a.len;
    return 0;
}

/* Shutdown and reboot, mem-set and mem-max: answers of their own. */
static int do_xs_verb(const struct verbs_env *env, const struct request *q, uint16_t domid, const char *name,
                      uint8_t *out, size_t *n)
{
    struct control_shutdown_answer s = { .hdr = answer_hdr(q), .domid = domid };
    struct control_mem_answer m = { .hdr = answer_hdr(q), .domid = domid };
    int r;

    if (q->hdr.type == CONTROL_MSG_SHUTDOWN) {
        if ((r = verbs_shutdown(env, domid, q->u.shutdown.reason, q->u.shutdown.flags, &s)) != 0)
            return r;
        memcpy(s.name, name, sizeof(s.name));
        wire_put(out, &s, &wire_shutdown_answer_layout);
        *n = sizeof(s);
        return 0;
    }
    if ((r = verbs_mem(env, domid, q->u.mem.kib, q->u.mem.flags, &m)) != 0)
        return r;
    memcpy(m.name, name, sizeof(m.name));
    wire_put(out, &m, &wire_mem_answer_layout);
    *n = sizeof(m);
    return 0;
}

/* Hot-plug: the answer carries the outcome (and a line for the log). */
static int do_device(const struct verbs_env *env, const struct request *q, uint16_t domid, const char *name,
                     uint8_t *out, size_t *n)
{
    static const char *const verb[] = { [CONTROL_MSG_BLOCK_ATTACH - CONTROL_MSG_BLOCK_ATTACH] = "block-attach",
                                        [CONTROL_MSG_BLOCK_DETACH - CONTROL_MSG_BLOCK_ATTACH] = "block-detach",
                                        [CONTROL_MSG_NET_ATTACH - CONTROL_MSG_BLOCK_ATTACH] = "network-attach",
                                        [CONTROL_MSG_NET_DETACH - CONTROL_MSG_BLOCK_ATTACH] = "network-detach" };
    struct control_device_answer a = { .hdr = answer_hdr(q) };
    char line[CONTROL_WHY_MAX + 192];
    int r = verbs_device(env, q->hdr.type, domid, q->u.dev.spec, &a);

    if (r)
        return r;
    memcpy(a.name, name, sizeof(a.name));
    snprintf(line, sizeof(line), "control: %s d%u '%.31s' '%.100s': %s%s", verb[q->hdr.type - CONTROL_MSG_BLOCK_ATTACH],
             domid, name, q->u.dev.spec, a.status ? "refused: " : "done", a.why);
    env->log(env->ctx, line);
    wire_put(out, &a, &wire_device_answer_layout);
    *n = sizeof(a);
    return 0;
}

static int do_device_list(const struct verbs_env *env, const struct request *q, uint16_t domid, uint8_t *out, size_t *n)
{
    static struct control_device d[CONTROL_DEVICES_MAX];
    struct control_device_list_answer a = { .hdr = answer_hdr(q) };
    int r = verbs_device_list(env, domid, q->u.devlist.kind, &a, d);

    if (r)
        return r;
    *n = put_entries(out, &a, &wire_device_list_answer_layout, d, &wire_device_layout, a.nr);
    return 0;
}

/* The verbs that name a domain: found first, then acted on. */
static int do_domain(const struct verbs_env *env, const struct request *q, const char *qualifier, uint8_t *out,
                     size_t *n)
{
    static struct control_vcpu v[CONTROL_VCPUS_MAX];
    struct control_domain_answer a = { .hdr = answer_hdr(q) };
    struct control_vcpu_list_answer vl = { .hdr = answer_hdr(q) };
    struct control_sched_answer s = { .hdr = answer_hdr(q) };
    int r = verbs_find(env, qualifier, &a.domid, a.name);

    if (r)
        return r;
    switch (q->hdr.type) {
    case CONTROL_MSG_PAUSE: r = verbs_pause(env, a.domid); break;
    case CONTROL_MSG_UNPAUSE: r = verbs_unpause(env, a.domid); break;
    case CONTROL_MSG_DESTROY:
        if ((r = verbs_destroy(env, a.domid)) == 0)
            create_forget(a.domid);
        break;
    case CONTROL_MSG_VCPU_PIN: r = verbs_vcpu_pin(env, a.domid, q->u.pin.vcpu, q->u.pin.cpumask); break;
    case CONTROL_MSG_SHUTDOWN:
    case CONTROL_MSG_MEM_SET: return do_xs_verb(env, q, a.domid, a.name, out, n);
    case CONTROL_MSG_VCPU_LIST:
        if ((r = verbs_vcpu_list(env, a.domid, &vl, v)) != 0)
            return r;
        *n = put_entries(out, &vl, &wire_vcpu_list_answer_layout, v, &wire_vcpu_layout, vl.nr);
        return 0;
    case CONTROL_MSG_CONSOLE: {
        struct control_console_answer c = { .hdr = answer_hdr(q) };
        if ((r = verbs_console(env, a.domid, q->u.cons.pos, q->in, q->u.cons.in_len, &c, out + sizeof(c))) != 0)
            return r;
        wire_put(out, &c, &wire_console_answer_layout);
        *n = sizeof(c) + c.len;
        return 0;
    }
    case CONTROL_MSG_BLOCK_ATTACH:
    case CONTROL_MSG_BLOCK_DETACH:
    case CONTROL_MSG_NET_ATTACH:
    case CONTROL_MSG_NET_DETACH: return do_device(env, q, a.domid, a.name, out, n);
    case CONTROL_MSG_DEVICE_LIST: return do_device_list(env, q, a.domid, out, n);
    default: /* CONTROL_MSG_SCHED_CREDIT */
        if ((r = verbs_sched(env, a.domid, q->u.sched.flags, q->u.sched.weight, q->u.sched.cap, &s)) != 0)
            return r;
        memcpy(s.name, a.name, sizeof(s.name));
        wire_put(out, &s, &wire_sched_answer_layout);
        *n = sizeof(s);
        return 0;
    }
    if (r)
        return r;
    wire_put(out, &a, &wire_domain_answer_layout);
    *n = sizeof(a);
    return 0;
}

/* The answer (a header alone) goes out first; the crash comes after it
 * (env->crash only asks for it). */
static int do_debug_crash(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    struct control_msg_header h = answer_hdr(q);

    if (!env->crash)
        return -XEN_ENOSYS;
    env->crash(env->ctx);
    wire_hdr_put(out, &h);
    *n = sizeof(h);
    return 0;
}

static int do_upload(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    struct control_upload_answer a = { .hdr = answer_hdr(q) };
    char why[128], line[160];
    bool held;
    int r;

    if (!env->build)
        return -XEN_EPERM;
    r = images_begin(q->u.upload.kind, q->u.upload.size, q->u.upload.sha256, &held, &a.handle, why, sizeof(why));
    if (r) {
        snprintf(line, sizeof(line), "control: upload refused: %s", why);
        env->log(env->ctx, line);
        return r;
    }
    a.have = held ? CONTROL_UPLOAD_HELD : CONTROL_UPLOAD_NEEDED;
    wire_put(out, &a, &wire_upload_answer_layout);
    *n = sizeof(a);
    return 0;
}

static int do_upload_data(const struct request *q, uint8_t *out, size_t *n)
{
    struct control_upload_data_answer a = { .hdr = answer_hdr(q) };
    bool whole;
    int r = images_data(q->u.data.handle, q->u.data.offset, q->tail, q->u.data.len, &a.received, &whole);

    if (r)
        return r;
    a.complete = whole;
    wire_put(out, &a, &wire_upload_data_answer_layout);
    *n = sizeof(a);
    return 0;
}

static int do_create(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    struct control_create_answer a = { .hdr = answer_hdr(q) };
    const struct control_create_request *c = &q->u.create;
    char line[CONTROL_WHY_MAX + 64];

    a.status = create_domain(env, c->file, q->tail, c->text_len, c->kernel_sha256,
                             c->has_ramdisk ? c->ramdisk_sha256 : NULL, &a.domid, a.name, a.why, sizeof(a.why));
    if (a.status) {
        a.domid = 0;
        memset(a.name, 0, sizeof(a.name));
        /* One printable line, NUL-padded, whatever a message put in it. */
        for (size_t i = 0; i < sizeof(a.why) && a.why[i]; i++)
            if (a.why[i] < ' ' || a.why[i] > '~')
                a.why[i] = '?';
        a.why[sizeof(a.why) - 1] = '\0';
        memset(a.why + strlen(a.why), 0, sizeof(a.why) - strlen(a.why));
        snprintf(line, sizeof(line), "control: create refused (%d): %s", a.status, a.why);
    } else {
        memset(a.why, 0, sizeof(a.why));
        snprintf(line, sizeof(line), "control: created d%u '%.31s' from %.200s", a.domid, a.name, c->file);
    }
    env->log(env->ctx, line);
    wire_put(out, &a, &wire_create_answer_layout);
    *n = sizeof(a);
    return 0;
}

static int perform(const struct verbs_env *env, const struct request *q, uint8_t *out, size_t *n)
{
    switch (q->hdr.type) {
    case CONTROL_MSG_VERSION: *n = answer_version(q, out); return 0;
    case CONTROL_MSG_DEBUG_CRASH: return do_debug_crash(env, q, out, n);
    case CONTROL_MSG_LIST: return do_list(env, q, out, n);
    case CONTROL_MSG_INFO: return do_info(env, q, out, n);
    case CONTROL_MSG_DMESG: return do_dmesg(env, q, out, n);
    case CONTROL_MSG_UPLOAD: return do_upload(env, q, out, n);
    case CONTROL_MSG_UPLOAD_DATA: return do_upload_data(q, out, n);
    case CONTROL_MSG_CREATE: return do_create(env, q, out, n);
    case CONTROL_MSG_VCPU_PIN: return do_domain(env, q, q->u.pin.domain, out, n);
    case CONTROL_MSG_SCHED_CREDIT: return do_domain(env, q, q->u.sched.domain, out, n);
    case CONTROL_MSG_CONSOLE: return do_domain(env, q, q->u.cons.domain, out, n);
    case CONTROL_MSG_SHUTDOWN: return do_domain(env, q, q->u.shutdown.domain, out, n);
    case CONTROL_MSG_MEM_SET: return do_domain(env, q, q->u.mem.domain, out, n);
    case CONTROL_MSG_BLOCK_ATTACH:
    case CONTROL_MSG_BLOCK_DETACH:
    case CONTROL_MSG_NET_ATTACH:
    case CONTROL_MSG_NET_DETACH: return do_domain(env, q, q->u.dev.domain, out, n);
    case CONTROL_MSG_DEVICE_LIST: return do_domain(env, q, q->u.devlist.domain, out, n);
    default: return do_domain(env, q, q->u.dom.domain, out, n);
    }
}

int msg_handle(const struct verbs_env *env, const uint8_t *req, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    struct request q;
    int r;

    *out_len = 0;
    if (cap < MSG_ANSWER_MAX)
        return -XEN_ENOSPC;
    if (wire_hdr_get(req, len, &q.hdr) != 0 || (q.hdr.type & CONTROL_MSG_ANSWER))
        return -XEN_EBADMSG;
    r = decode(req, len, &q);
    if (r == 0)
        r = perform(env, &q, out, out_len);
    if (r) {
        /* Only errors of the protocol's own range reach the client. */
        *out_len = answer_error(&q.hdr, r < 0 && r > -4096 ? r : -XEN_EIO, out);
    }
    return 0;
}
