/* SPDX-License-Identifier: MIT */
/*
 * The control domain's requests (msg.h): decode the header (wire.c), then
 * the body its type says, then answer. Nothing here trusts the length or
 * any field of a request; nothing here knows about TLS or TCP.
 */
#include "msg.h"

#include <string.h>

#include "idl/xen_errno.h"
#include "wire.h"

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

static size_t answer_version(const struct control_msg_header *req, uint8_t *out)
{
    struct control_version_answer a = {
        .hdr = { .version = CONTROL_PROTO_VERSION, .type = CONTROL_MSG_VERSION | CONTROL_MSG_ANSWER, .id = req->id },
        .proto_min = CONTROL_PROTO_VERSION,
        .proto_max = CONTROL_PROTO_VERSION,
        .max_frame = CONTROL_FRAME_MAX,
    };

    _Static_assert(sizeof(MSG_SERVER_NAME) <= sizeof(a.server), "the server's name fits its field");
    memcpy(a.server, MSG_SERVER_NAME, sizeof(MSG_SERVER_NAME));
    wire_version_answer_put(out, &a);
    return sizeof(a);
}

int msg_handle(const uint8_t *req, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    struct control_msg_header hdr;

    *out_len = 0;
    if (cap < MSG_ANSWER_MAX)
        return -XEN_ENOSPC;
    if (wire_hdr_get(req, len, &hdr) != 0 || (hdr.type & CONTROL_MSG_ANSWER))
        return -XEN_EBADMSG;
    switch (hdr.type) {
    case CONTROL_MSG_VERSION:
        *out_len = len == sizeof(hdr) ? answer_version(&hdr, out) : answer_error(&hdr, -XEN_EINVAL, out);
        return 0;
    default: *out_len = answer_error(&hdr, -XEN_ENOSYS, out); return 0;
    }
}
