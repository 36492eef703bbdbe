/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's framing and encodings (wire.h). Every multi-byte
 * integer is little-endian on the wire whatever the host's order, so the
 * structs of idl/control.h are filled field by field, never copied whole.
 */
#include "wire.h"

#include <string.h>

#include "idl/xen.h"
#include "idl/xen_errno.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

void wire_rx_init(struct wire_rx *rx)
{
    rx->len_have = 0;
    rx->len = 0;
    rx->have = 0;
    rx->ready = false;
}

int wire_rx_feed(struct wire_rx *rx, const uint8_t *data, size_t n, size_t *used)
{
    size_t i = 0;

    *used = 0;
    if (rx->ready)
        wire_rx_init(rx);
    while (rx->len_have < CONTROL_FRAME_HDR && i < n)
        rx->len_bytes[rx->len_have++] = data[i++];
    *used = i;
    if (rx->len_have < CONTROL_FRAME_HDR)
        return 0;
    rx->len = get32(rx->len_bytes);
    if (rx->len == 0) {
        rx->len_have = CONTROL_FRAME_HDR; /* stays broken */
        return -XEN_EBADMSG;
    }
    if (rx->len > CONTROL_FRAME_MAX)
        return -XEN_EMSGSIZE;
    size_t take = n - i;
    if (take > rx->len - rx->have)
        take = rx->len - rx->have;
    memcpy(rx->buf + rx->have, data + i, take);
    rx->have += (uint32_t)take;
    *used = i + take;
    if (rx->have < rx->len)
        return 0;
    rx->ready = true;
    return 1;
}

bool wire_rx_mid_frame(const struct wire_rx *rx)
{
    return !rx->ready && rx->len_have > 0;
}

void wire_put_len(uint8_t out[CONTROL_FRAME_HDR], uint32_t len)
{
    put32(out, len);
}

int wire_hdr_get(const uint8_t *msg, size_t len, struct control_msg_header *hdr)
{
    if (len < sizeof(*hdr))
        return -XEN_EBADMSG;
    hdr->version = get16(msg + offsetof(struct control_msg_header, version));
    hdr->type = get16(msg + offsetof(struct control_msg_header, type));
    hdr->id = get32(msg + offsetof(struct control_msg_header, id));
    return hdr->version == CONTROL_PROTO_VERSION ? 0 : -XEN_EBADMSG;
}

void wire_hdr_put(uint8_t *out, const struct control_msg_header *hdr)
{
    put16(out + offsetof(struct control_msg_header, version), hdr->version);
    put16(out + offsetof(struct control_msg_header, type), hdr->type);
    put32(out + offsetof(struct control_msg_header, id), hdr->id);
}

/* ---- layouts ---- */

#define INT(s, f)                                                   \
    {                                                               \
        offsetof(struct s, f), sizeof(((struct s *)0)->f), WIRE_INT \
    }
#define TEXT(s, f)                                                   \
    {                                                                \
        offsetof(struct s, f), sizeof(((struct s *)0)->f), WIRE_TEXT \
    }
#define PAD(s, f)                                                   \
    {                                                               \
        offsetof(struct s, f), sizeof(((struct s *)0)->f), WIRE_PAD \
    }
#define BYTES(s, f)                                                   \
    {                                                                 \
        offsetof(struct s, f), sizeof(((struct s *)0)->f), WIRE_BYTES \
    }
#define HDR(s) INT(s, hdr.version), INT(s, hdr.type), INT(s, hdr.id)
#define LAYOUT(name, s, ...)                                                                              \
    static const struct wire_field name##_fields[] = { __VA_ARGS__ };                                     \
    const struct wire_layout name = { sizeof(struct s), sizeof(name##_fields) / sizeof(name##_fields[0]), \
                                      name##_fields }

LAYOUT(wire_error_layout, control_error, HDR(control_error), INT(control_error, status),
       INT(control_error, request_type), PAD(control_error, _pad0));
LAYOUT(wire_version_answer_layout, control_version_answer, HDR(control_version_answer),
       INT(control_version_answer, proto_min), INT(control_version_answer, proto_max),
       INT(control_version_answer, max_frame), TEXT(control_version_answer, server));
LAYOUT(wire_domain_request_layout, control_domain_request, HDR(control_domain_request),
       TEXT(control_domain_request, domain));
LAYOUT(wire_domain_answer_layout, control_domain_answer, HDR(control_domain_answer), INT(control_domain_answer, domid),
       PAD(control_domain_answer, _pad0), PAD(control_domain_answer, _pad1), TEXT(control_domain_answer, name));
LAYOUT(wire_list_request_layout, control_list_request, HDR(control_list_request), INT(control_list_request, first),
       PAD(control_list_request, _pad0), PAD(control_list_request, _pad1));
LAYOUT(wire_domain_layout, control_domain, INT(control_domain, domid), INT(control_domain, flags),
       INT(control_domain, nr_vcpus), INT(control_domain, shutdown_reason), PAD(control_domain, _pad0),
       INT(control_domain, mem_kib), INT(control_domain, max_mem_kib), INT(control_domain, cpu_time_ns),
       INT(control_domain, started_ns), TEXT(control_domain, name));
LAYOUT(wire_list_answer_layout, control_list_answer, HDR(control_list_answer), INT(control_list_answer, now_ns),
       INT(control_list_answer, nr), PAD(control_list_answer, _pad0), PAD(control_list_answer, _pad1));
LAYOUT(wire_info_answer_layout, control_info_answer, HDR(control_info_answer), INT(control_info_answer, nr_cpus),
       INT(control_info_answer, abi_version), INT(control_info_answer, online_cpus),
       INT(control_info_answer, total_kib), INT(control_info_answer, free_kib), INT(control_info_answer, now_ns));
LAYOUT(wire_dmesg_request_layout, control_dmesg_request, HDR(control_dmesg_request), INT(control_dmesg_request, index),
       INT(control_dmesg_request, max_len), PAD(control_dmesg_request, _pad0));
LAYOUT(wire_dmesg_answer_layout, control_dmesg_answer, HDR(control_dmesg_answer), INT(control_dmesg_answer, next),
       INT(control_dmesg_answer, lost), INT(control_dmesg_answer, len));
LAYOUT(wire_vcpu_layout, control_vcpu, INT(control_vcpu, vcpu), INT(control_vcpu, state), INT(control_vcpu, cpu),
       PAD(control_vcpu, _pad0), INT(control_vcpu, affinity), INT(control_vcpu, time_ns));
LAYOUT(wire_vcpu_list_answer_layout, control_vcpu_list_answer, HDR(control_vcpu_list_answer),
       INT(control_vcpu_list_answer, online_cpus), INT(control_vcpu_list_answer, domid),
       INT(control_vcpu_list_answer, nr), PAD(control_vcpu_list_answer, _pad0), TEXT(control_vcpu_list_answer, name));
LAYOUT(wire_vcpu_pin_request_layout, control_vcpu_pin_request, HDR(control_vcpu_pin_request),
       TEXT(control_vcpu_pin_request, domain), INT(control_vcpu_pin_request, vcpu),
       PAD(control_vcpu_pin_request, _pad0), INT(control_vcpu_pin_request, cpumask));
LAYOUT(wire_sched_request_layout, control_sched_request, HDR(control_sched_request),
       TEXT(control_sched_request, domain), INT(control_sched_request, flags), INT(control_sched_request, weight),
       INT(control_sched_request, cap));
LAYOUT(wire_sched_answer_layout, control_sched_answer, HDR(control_sched_answer), INT(control_sched_answer, domid),
       INT(control_sched_answer, weight), INT(control_sched_answer, cap), TEXT(control_sched_answer, name));
LAYOUT(wire_shutdown_request_layout, control_shutdown_request, HDR(control_shutdown_request),
       TEXT(control_shutdown_request, domain), INT(control_shutdown_request, reason),
       INT(control_shutdown_request, flags), PAD(control_shutdown_request, _pad0));
LAYOUT(wire_shutdown_answer_layout, control_shutdown_answer, HDR(control_shutdown_answer),
       INT(control_shutdown_answer, domid), INT(control_shutdown_answer, flags),
       INT(control_shutdown_answer, shutdown_reason), TEXT(control_shutdown_answer, name));
LAYOUT(wire_mem_request_layout, control_mem_request, HDR(control_mem_request), TEXT(control_mem_request, domain),
       INT(control_mem_request, kib), INT(control_mem_request, flags), PAD(control_mem_request, _pad0),
       PAD(control_mem_request, _pad1));
LAYOUT(wire_mem_answer_layout, control_mem_answer, HDR(control_mem_answer), INT(control_mem_answer, domid),
       PAD(control_mem_answer, _pad0), PAD(control_mem_answer, _pad1), INT(control_mem_answer, target_kib),
       INT(control_mem_answer, max_kib), INT(control_mem_answer, mem_kib), TEXT(control_mem_answer, name));

LAYOUT(wire_upload_request_layout, control_upload_request, HDR(control_upload_request),
       INT(control_upload_request, kind), PAD(control_upload_request, _pad0), INT(control_upload_request, size),
       BYTES(control_upload_request, sha256));
LAYOUT(wire_upload_answer_layout, control_upload_answer, HDR(control_upload_answer), INT(control_upload_answer, have),
       INT(control_upload_answer, handle));
LAYOUT(wire_upload_data_request_layout, control_upload_data_request, HDR(control_upload_data_request),
       INT(control_upload_data_request, handle), INT(control_upload_data_request, len),
       INT(control_upload_data_request, offset));
LAYOUT(wire_upload_data_answer_layout, control_upload_data_answer, HDR(control_upload_data_answer),
       INT(control_upload_data_answer, received), INT(control_upload_data_answer, complete),
       PAD(control_upload_data_answer, _pad0));
LAYOUT(wire_create_request_layout, control_create_request, HDR(control_create_request),
       INT(control_create_request, text_len), INT(control_create_request, has_ramdisk),
       TEXT(control_create_request, file), BYTES(control_create_request, kernel_sha256),
       BYTES(control_create_request, ramdisk_sha256));
LAYOUT(wire_create_answer_layout, control_create_answer, HDR(control_create_answer), INT(control_create_answer, status),
       INT(control_create_answer, domid), PAD(control_create_answer, _pad0), TEXT(control_create_answer, name),
       TEXT(control_create_answer, why));
LAYOUT(wire_console_request_layout, control_console_request, HDR(control_console_request),
       TEXT(control_console_request, domain), INT(control_console_request, pos), INT(control_console_request, in_len),
       PAD(control_console_request, _pad0));
LAYOUT(wire_console_answer_layout, control_console_answer, HDR(control_console_answer),
       INT(control_console_answer, next), INT(control_console_answer, lost), INT(control_console_answer, len),
       INT(control_console_answer, domid), INT(control_console_answer, in_taken), PAD(control_console_answer, _pad0));

LAYOUT(wire_device_request_layout, control_device_request, HDR(control_device_request),
       TEXT(control_device_request, domain), TEXT(control_device_request, spec));
LAYOUT(wire_device_answer_layout, control_device_answer, HDR(control_device_answer), INT(control_device_answer, status),
       INT(control_device_answer, domid), PAD(control_device_answer, _pad0), INT(control_device_answer, devid),
       PAD(control_device_answer, _pad1), TEXT(control_device_answer, name), TEXT(control_device_answer, why));
LAYOUT(wire_device_list_request_layout, control_device_list_request, HDR(control_device_list_request),
       TEXT(control_device_list_request, domain), INT(control_device_list_request, kind),
       PAD(control_device_list_request, _pad0));
LAYOUT(wire_device_layout, control_device, INT(control_device, devid), INT(control_device, backend_id),
       INT(control_device, state), INT(control_device, evtch), INT(control_device, ring_ref),
       INT(control_device, rx_ring_ref), TEXT(control_device, mac), TEXT(control_device, backend));
LAYOUT(wire_device_list_answer_layout, control_device_list_answer, HDR(control_device_list_answer),
       INT(control_device_list_answer, domid), PAD(control_device_list_answer, _pad0),
       INT(control_device_list_answer, nr));

/* ---- the codec ---- */

static uint64_t int_get(const uint8_t *p, unsigned size)
{
    return size == 1 ? p[0] : size == 2 ? get16(p) : size == 4 ? get32(p) : get64(p);
}

static void int_put(uint8_t *p, unsigned size, uint64_t v)
{
    if (size == 1)
        p[0] = (uint8_t)v;
    else if (size == 2)
        put16(p, (uint16_t)v);
    else if (size == 4)
        put32(p, (uint32_t)v);
    else
        put64(p, v);
}

/* The integer of size bytes in host order at p (a field of a struct). */
static uint64_t host_get(const uint8_t *p, unsigned size)
{
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (size) {
    case 1: memcpy(&u8, p, 1); return u8;
    case 2: memcpy(&u16, p, 2); return u16;
    case 4: memcpy(&u32, p, 4); return u32;
    default: memcpy(&u64, p, 8); return u64;
    }
}

static void host_put(uint8_t *p, unsigned size, uint64_t v)
{
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;

    switch (size) {
    case 1: memcpy(p, &u8, 1); break;
    case 2: memcpy(p, &u16, 2); break;
    case 4: memcpy(p, &u32, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

/* A NUL inside the field, and only NULs after the first. */
static bool text_ok(const uint8_t *p, size_t n)
{
    const uint8_t *nul = memchr(p, 0, n);

    if (!nul)
        return false;
    for (; nul < p + n; nul++)
        if (*nul)
            return false;
    return true;
}

void wire_put(uint8_t *out, const void *s, const struct wire_layout *l)
{
    const uint8_t *src = s;

    for (unsigned i = 0; i < l->nr; i++) {
        const struct wire_field *f = &l->fields[i];
        if (f->kind == WIRE_TEXT || f->kind == WIRE_BYTES)
            memcpy(out + f->off, src + f->off, f->size);
        else
            int_put(out + f->off, f->size, f->kind == WIRE_PAD ? 0 : host_get(src + f->off, f->size));
    }
}

int wire_get(const uint8_t *in, void *s, const struct wire_layout *l)
{
    uint8_t *dst = s;
    int r = 0;

    for (unsigned i = 0; i < l->nr; i++) {
        const struct wire_field *f = &l->fields[i];
        if (f->kind == WIRE_TEXT) {
            memcpy(dst + f->off, in + f->off, f->size);
            if (!text_ok(in + f->off, f->size))
                r = -XEN_EINVAL;
            continue;
        }
        if (f->kind == WIRE_BYTES) {
            memcpy(dst + f->off, in + f->off, f->size);
            continue;
        }
        uint64_t v = int_get(in + f->off, f->size);
        host_put(dst + f->off, f->size, v);
        if (f->kind == WIRE_PAD && v)
            r = -XEN_EINVAL;
    }
    return r;
}

int wire_msg_get(const uint8_t *msg, size_t len, uint16_t type, const struct wire_layout *l, void *s)
{
    struct control_msg_header h;

    if (len != l->size || wire_hdr_get(msg, len, &h) != 0 || h.type != type || wire_get(msg, s, l) != 0)
        return -XEN_EBADMSG;
    return 0;
}

/* The fixed part of an answer of type type, then room for entries of
 * entry_size bytes each: *nr of them (read from the fixed part at
 * nr_off, nr_size bytes), at most max. */
static int answer_head(const uint8_t *msg, size_t len, uint16_t type, const struct wire_layout *l, void *s,
                       size_t nr_off, unsigned nr_size, size_t entry_size, unsigned max, unsigned *nr)
{
    struct control_msg_header h;

    if (len < l->size || wire_hdr_get(msg, len, &h) != 0 || h.type != (type | CONTROL_MSG_ANSWER) ||
        wire_get(msg, s, l) != 0)
        return -XEN_EBADMSG;
    *nr = (unsigned)int_get(msg + nr_off, nr_size);
    if (*nr > max || len != l->size + (size_t)*nr * entry_size)
        return -XEN_EBADMSG;
    return 0;
}

int wire_list_answer_get(const uint8_t *msg, size_t len, struct control_list_answer *a, struct control_domain *d)
{
    unsigned nr;

    if (answer_head(msg, len, CONTROL_MSG_LIST, &wire_list_answer_layout, a, offsetof(struct control_list_answer, nr),
                    sizeof(a->nr), sizeof(*d), CONTROL_LIST_MAX, &nr))
        return -XEN_EBADMSG;
    for (unsigned i = 0; i < nr; i++) {
        if (wire_get(msg + sizeof(*a) + i * sizeof(*d), &d[i], &wire_domain_layout) != 0 ||
            (d[i].flags & ~CONTROL_DOMF_ALL) || (i && d[i].domid <= d[i - 1].domid))
            return -XEN_EBADMSG;
    }
    return 0;
}

/* Whether text (NUL-terminated) is printable. */
static bool printable(const char *text)
{
    for (; *text; text++)
        if (*text < ' ' || *text > '~')
            return false;
    return true;
}

int wire_device_list_answer_get(const uint8_t *msg, size_t len, struct control_device_list_answer *a,
                                struct control_device *d)
{
    unsigned nr;

    if (answer_head(msg, len, CONTROL_MSG_DEVICE_LIST, &wire_device_list_answer_layout, a,
                    offsetof(struct control_device_list_answer, nr), sizeof(a->nr), sizeof(*d), CONTROL_DEVICES_MAX,
                    &nr))
        return -XEN_EBADMSG;
    for (unsigned i = 0; i < nr; i++) {
        if (wire_get(msg + sizeof(*a) + i * sizeof(*d), &d[i], &wire_device_layout) != 0 || !printable(d[i].mac) ||
            !printable(d[i].backend) || (i && d[i].devid <= d[i - 1].devid))
            return -XEN_EBADMSG;
    }
    return 0;
}

int wire_vcpu_list_answer_get(const uint8_t *msg, size_t len, struct control_vcpu_list_answer *a,
                              struct control_vcpu *v)
{
    unsigned nr;

    if (answer_head(msg, len, CONTROL_MSG_VCPU_LIST, &wire_vcpu_list_answer_layout, a,
                    offsetof(struct control_vcpu_list_answer, nr), sizeof(a->nr), sizeof(*v), CONTROL_VCPUS_MAX, &nr) ||
        nr == 0)
        return -XEN_EBADMSG;
    for (unsigned i = 0; i < nr; i++) {
        if (wire_get(msg + sizeof(*a) + i * sizeof(*v), &v[i], &wire_vcpu_layout) != 0 || v[i].vcpu != i ||
            v[i].state < CONTROL_VCPU_RUNNING || v[i].state > CONTROL_VCPU_DOWN)
            return -XEN_EBADMSG;
    }
    return 0;
}

int wire_dmesg_answer_get(const uint8_t *msg, size_t len, struct control_dmesg_answer *a, const uint8_t **text)
{
    unsigned nr;

    if (answer_head(msg, len, CONTROL_MSG_DMESG, &wire_dmesg_answer_layout, a,
                    offsetof(struct control_dmesg_answer, len), sizeof(a->len), 1, CONTROL_DMESG_MAX, &nr))
        return -XEN_EBADMSG;
    *text = msg + sizeof(*a);
    return 0;
}

int wire_console_answer_get(const uint8_t *msg, size_t len, struct control_console_answer *a, const uint8_t **text)
{
    unsigned nr;

    if (answer_head(msg, len, CONTROL_MSG_CONSOLE, &wire_console_answer_layout, a,
                    offsetof(struct control_console_answer, len), sizeof(a->len), 1, CONTROL_CONSOLE_OUT_MAX, &nr) ||
        a->next < a->len)
        return -XEN_EBADMSG;
    *text = msg + sizeof(*a);
    return 0;
}

int wire_console_request_get(const uint8_t *msg, size_t len, struct control_console_request *q, const uint8_t **in)
{
    if (len < sizeof(*q) || wire_get(msg, q, &wire_console_request_layout) != 0 || q->in_len > CONTROL_CONSOLE_IN_MAX ||
        len != sizeof(*q) + q->in_len || !wire_qualifier_ok(q->domain))
        return -XEN_EINVAL;
    *in = msg + sizeof(*q);
    return 0;
}

bool wire_qualifier_ok(const char *q)
{
    size_t n = strnlen(q, CONTROL_NAME_MAX);
    uint32_t id = 0;
    bool digits = true;

    if (n == 0 || n == CONTROL_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (q[i] <= ' ' || q[i] > '~')
            return false;
        digits &= q[i] >= '0' && q[i] <= '9';
        if (digits && id < DOMID_SELF)
            id = id * 10 + (uint32_t)(q[i] - '0');
    }
    return !digits || id < DOMID_SELF; /* DOMID_SELF and above name no domain */
}

void wire_version_answer_put(uint8_t *out, const struct control_version_answer *a)
{
    wire_put(out, a, &wire_version_answer_layout);
}

int wire_version_answer_get(const uint8_t *msg, size_t len, struct control_version_answer *a)
{
    return wire_msg_get(msg, len, CONTROL_MSG_VERSION | CONTROL_MSG_ANSWER, &wire_version_answer_layout, a);
}

void wire_error_put(uint8_t *out, const struct control_error *e)
{
    wire_put(out, e, &wire_error_layout);
}

int wire_error_get(const uint8_t *msg, size_t len, struct control_error *e)
{
    if (wire_msg_get(msg, len, CONTROL_MSG_ERROR, &wire_error_layout, e) != 0)
        return -XEN_EBADMSG;
    return e->status < 0 ? 0 : -XEN_EBADMSG;
}
