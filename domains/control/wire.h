/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's bytes (idl/control.idl), shared by the control
 * domain and the operator's tool (tools/mosaic): the frame decoder that
 * cuts the TLS stream into messages, and the little-endian encoding of
 * the message header and of the version answer. Pure C over the C
 * library: no TLS, no sockets, no allocation; host-tested and fuzzed.
 * What a request means is msg.c's (the server) or the tool's.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/control.h"

/* The frame decoder of one connection: feed it bytes as they arrive. */
struct wire_rx {
    uint8_t len_bytes[CONTROL_FRAME_HDR]; /* the length prefix so far */
    uint32_t len_have;                    /* its bytes received, 0..CONTROL_FRAME_HDR */
    uint32_t len;                         /* the frame's length, once len_have is complete */
    uint32_t have;                        /* the frame's bytes received */
    bool ready;                           /* a whole frame is in buf: the next feed starts a new one */
    uint8_t buf[CONTROL_FRAME_MAX];
};

/* wire_rx_init: an empty decoder, at a frame's start. */
void wire_rx_init(struct wire_rx *rx);

/* wire_rx_feed: take bytes from data (n of them) until a frame is whole;
 * *used says how many were taken (the rest are for the next call). 1: a
 * frame of rx->len bytes is in rx->buf (valid until the next feed); 0:
 * every byte was taken and the frame is not whole yet; -XEN_EBADMSG: the
 * length prefix is 0; -XEN_EMSGSIZE: it is above CONTROL_FRAME_MAX. After
 * an error the stream cannot be resynchronised: the caller drops the
 * connection (the decoder stays in error, returning it again). */
int wire_rx_feed(struct wire_rx *rx, const uint8_t *data, size_t n, size_t *used) __attribute__((warn_unused_result));

/* wire_rx_mid_frame: true when some bytes of an unfinished frame were
 * taken (a connection that ends now ended inside a frame). */
bool wire_rx_mid_frame(const struct wire_rx *rx);

/* wire_put_len: a frame's length prefix for len (1..CONTROL_FRAME_MAX). */
void wire_put_len(uint8_t out[CONTROL_FRAME_HDR], uint32_t len);

/* wire_hdr_get: the header at the start of a message of len bytes.
 * 0, or -XEN_EBADMSG: shorter than a header, or of a protocol version
 * other than CONTROL_PROTO_VERSION (a stream that is not ours to answer). */
int wire_hdr_get(const uint8_t *msg, size_t len, struct control_msg_header *hdr) __attribute__((warn_unused_result));
/* wire_hdr_put: hdr's bytes (sizeof(struct control_msg_header)) at out. */
void wire_hdr_put(uint8_t *out, const struct control_msg_header *hdr);

/* wire_version_answer_put / _get: struct control_version_answer as
 * bytes (sizeof(struct control_version_answer) of them). _get: 0, or
 * -XEN_EBADMSG when len is not the answer's size, the header is not a
 * version answer, or server is not NUL-terminated inside its field. */
void wire_version_answer_put(uint8_t *out, const struct control_version_answer *a);
int wire_version_answer_get(const uint8_t *msg, size_t len, struct control_version_answer *a)
    __attribute__((warn_unused_result));

/* wire_error_put / _get: struct control_error as bytes. _get: 0, or
 * -XEN_EBADMSG when len is not its size, the type is not
 * CONTROL_MSG_ERROR or the status is not negative. */
void wire_error_put(uint8_t *out, const struct control_error *e);
int wire_error_get(const uint8_t *msg, size_t len, struct control_error *e) __attribute__((warn_unused_result));
