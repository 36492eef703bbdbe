/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's bytes (idl/control.idl), shared by the control
 * domain and the operator's tool (tools/mosaic): the frame decoder that
 * cuts the TLS stream into messages, and the little-endian encoding of
 * every message, each described field by field (struct wire_layout) and
 * checked on the way in: exact lengths, reserved fields zero, text
 * NUL-terminated, entry counts within their bounds. Pure C over the C
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

/* ---- messages ---- */

/* How a field lies on the wire: at its offset in the generated struct,
 * an integer of 1, 2, 4 or 8 bytes in little-endian order, text (bytes
 * copied; a NUL inside the field and only NULs after it), a reserved
 * integer that must be zero, or bytes copied as they are (a hash). */
enum wire_kind { WIRE_INT, WIRE_TEXT, WIRE_PAD, WIRE_BYTES };

struct wire_field {
    uint16_t off;
    uint16_t size;
    uint8_t kind; /* enum wire_kind */
};

/* A struct of idl/control.idl, field by field, every byte covered. */
struct wire_layout {
    uint16_t size; /* sizeof the struct, and its bytes on the wire */
    uint16_t nr;   /* entries in fields */
    const struct wire_field *fields;
};

/* The layouts of the messages (with their header) and of the entries
 * that follow some answers. */
extern const struct wire_layout wire_error_layout, wire_version_answer_layout, wire_domain_request_layout,
    wire_domain_answer_layout, wire_list_request_layout, wire_domain_layout, wire_list_answer_layout,
    wire_info_answer_layout, wire_dmesg_request_layout, wire_dmesg_answer_layout, wire_vcpu_layout,
    wire_vcpu_list_answer_layout, wire_vcpu_pin_request_layout, wire_sched_request_layout, wire_sched_answer_layout,
    wire_upload_request_layout, wire_upload_answer_layout, wire_upload_data_request_layout,
    wire_upload_data_answer_layout, wire_create_request_layout, wire_create_answer_layout, wire_console_request_layout,
    wire_console_answer_layout, wire_shutdown_request_layout, wire_shutdown_answer_layout, wire_mem_request_layout,
    wire_mem_answer_layout, wire_device_request_layout, wire_device_answer_layout, wire_device_list_request_layout,
    wire_device_layout, wire_device_list_answer_layout;

/* wire_put: the struct at s as l lays it out, into out (l->size bytes).
 * Reserved fields are written as zero whatever s holds. */
void wire_put(uint8_t *out, const void *s, const struct wire_layout *l);

/* wire_get: l->size bytes at in into the struct at s. 0, or -XEN_EINVAL
 * when a reserved field is not zero or a text field is not NUL-padded
 * (s is filled all the same). */
int wire_get(const uint8_t *in, void *s, const struct wire_layout *l) __attribute__((warn_unused_result));

/* wire_msg_get: a whole message of len bytes that must be exactly the
 * struct l describes, of type type, into s. 0, or -XEN_EBADMSG: another
 * length, a broken header, another type, a field wire_get refuses. */
int wire_msg_get(const uint8_t *msg, size_t len, uint16_t type, const struct wire_layout *l, void *s)
    __attribute__((warn_unused_result));

/* wire_list_answer_get: a list answer (the struct, then a->nr entries
 * into d, CONTROL_LIST_MAX of room): 0, or -XEN_EBADMSG when its length
 * is not that of nr entries, nr is above CONTROL_LIST_MAX, an entry has
 * a flag not in CONTROL_DOMF_ALL, or ids do not ascend. */
int wire_list_answer_get(const uint8_t *msg, size_t len, struct control_list_answer *a, struct control_domain *d)
    __attribute__((warn_unused_result));

/* wire_vcpu_list_answer_get: the same for a vcpu-list answer (v has
 * CONTROL_VCPUS_MAX of room): nr 1..CONTROL_VCPUS_MAX, each entry's vcpu
 * its place, its state one of CONTROL_VCPU_*. */
/* wire_device_list_answer_get: a CONTROL_MSG_DEVICE_LIST answer, its
 * entries (at most CONTROL_DEVICES_MAX) into d, their ids ascending and
 * their texts printable. 0 or -XEN_EBADMSG. */
int wire_device_list_answer_get(const uint8_t *msg, size_t len, struct control_device_list_answer *a,
                                struct control_device *d) __attribute__((warn_unused_result));
int wire_vcpu_list_answer_get(const uint8_t *msg, size_t len, struct control_vcpu_list_answer *a,
                              struct control_vcpu *v) __attribute__((warn_unused_result));

/* wire_dmesg_answer_get: a dmesg answer and where its a->len bytes of
 * text are (*text, inside msg): 0, or -XEN_EBADMSG when the length is
 * not the struct's plus a->len, or a->len is above CONTROL_DMESG_MAX. */
int wire_dmesg_answer_get(const uint8_t *msg, size_t len, struct control_dmesg_answer *a, const uint8_t **text)
    __attribute__((warn_unused_result));

/* wire_console_answer_get: a console answer and where its a->len bytes
 * of output are (*text, inside msg): 0, or -XEN_EBADMSG when the length
 * is not the struct's plus a->len, a->len is above
 * CONTROL_CONSOLE_OUT_MAX, or next is below len. */
int wire_console_answer_get(const uint8_t *msg, size_t len, struct control_console_answer *a, const uint8_t **text)
    __attribute__((warn_unused_result));

/* wire_console_request_get: a console request (the header already
 * checked) and where its q->in_len input bytes are (*in, inside msg): 0,
 * or -XEN_EINVAL when len is not the struct's plus in_len, in_len is
 * above CONTROL_CONSOLE_IN_MAX, _pad0 is not 0 or domain is no qualifier
 * (wire_qualifier_ok). */
int wire_console_request_get(const uint8_t *msg, size_t len, struct control_console_request *q, const uint8_t **in)
    __attribute__((warn_unused_result));

/* wire_qualifier_ok: whether the NUL-terminated q (at most
 * CONTROL_NAME_MAX bytes with its NUL) is a domain qualifier as
 * control_domain_request describes it: 1 to 31 bytes from '!' to '~';
 * all digits is an id, which must then be below DOMID_SELF. */
bool wire_qualifier_ok(const char *q);

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
