/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's framing and encodings (wire.h). Every multi-byte
 * integer is little-endian on the wire whatever the host's order, so the
 * structs of idl/control.h are filled field by field, never copied whole.
 */
#include "wire.h"

#include <string.h>

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

void wire_version_answer_put(uint8_t *out, const struct control_version_answer *a)
{
    wire_hdr_put(out, &a->hdr);
    put16(out + offsetof(struct control_version_answer, proto_min), a->proto_min);
    put16(out + offsetof(struct control_version_answer, proto_max), a->proto_max);
    put32(out + offsetof(struct control_version_answer, max_frame), a->max_frame);
    memcpy(out + offsetof(struct control_version_answer, server), a->server, sizeof(a->server));
}

int wire_version_answer_get(const uint8_t *msg, size_t len, struct control_version_answer *a)
{
    if (len != sizeof(*a) || wire_hdr_get(msg, len, &a->hdr) != 0 ||
        a->hdr.type != (CONTROL_MSG_VERSION | CONTROL_MSG_ANSWER))
        return -XEN_EBADMSG;
    a->proto_min = get16(msg + offsetof(struct control_version_answer, proto_min));
    a->proto_max = get16(msg + offsetof(struct control_version_answer, proto_max));
    a->max_frame = get32(msg + offsetof(struct control_version_answer, max_frame));
    memcpy(a->server, msg + offsetof(struct control_version_answer, server), sizeof(a->server));
    return memchr(a->server, '\0', sizeof(a->server)) ? 0 : -XEN_EBADMSG;
}

void wire_error_put(uint8_t *out, const struct control_error *e)
{
    wire_hdr_put(out, &e->hdr);
    put32(out + offsetof(struct control_error, status), (uint32_t)e->status);
    put16(out + offsetof(struct control_error, request_type), e->request_type);
    put16(out + offsetof(struct control_error, _pad0), 0);
}

int wire_error_get(const uint8_t *msg, size_t len, struct control_error *e)
{
    if (len != sizeof(*e) || wire_hdr_get(msg, len, &e->hdr) != 0 || e->hdr.type != CONTROL_MSG_ERROR)
        return -XEN_EBADMSG;
    e->status = (int32_t)get32(msg + offsetof(struct control_error, status));
    e->request_type = get16(msg + offsetof(struct control_error, request_type));
    e->_pad0 = 0;
    return e->status < 0 ? 0 : -XEN_EBADMSG;
}
