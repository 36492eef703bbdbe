/* SPDX-License-Identifier: MIT */
/*
 * The control domain's requests (idl/control.idl): one whole message in,
 * its answer out. Today the only request is CONTROL_MSG_VERSION; the
 * management verbs are added here, each a decode of its body and an
 * answer. Pure C (host-tested and fuzzed with the frame decoder): the
 * connection layer (conn.c) hands it messages and sends what it answers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/control.h"

/* What the server calls itself in the version answer. */
#define MSG_SERVER_NAME "mosaic-control 1"
/* The largest answer msg_handle writes. */
#define MSG_ANSWER_MAX sizeof(struct control_version_answer)

/* msg_handle: answer the request of len bytes at req into out (cap bytes,
 * at least MSG_ANSWER_MAX), *out_len its length. 0: an answer to send
 * (a CONTROL_MSG_ERROR one for a request that failed: a version request
 * with a body, a type we do not know); -XEN_EBADMSG: the message is not
 * one to answer (shorter than a header, another protocol version, an
 * answer's type): the caller drops the connection; -XEN_ENOSPC: cap is
 * too small. */
int msg_handle(const uint8_t *req, size_t len, uint8_t *out, size_t cap, size_t *out_len)
    __attribute__((warn_unused_result));
