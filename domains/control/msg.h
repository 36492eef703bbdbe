/* SPDX-License-Identifier: MIT */
/*
 * The control domain's requests (idl/control.idl): one whole message in,
 * its answer out. Each request is decoded in full first (its length, its
 * reserved fields, every field's range, the domain it names), then
 * performed by the verbs (verbs.h) through the environment given, then
 * answered. Pure C (host-tested and fuzzed with the frame decoder): the
 * connection layer (conn.c) hands it messages and sends what it answers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/control.h"
#include "verbs.h"

/* What the server calls itself in the version answer. */
#define MSG_SERVER_NAME "mosaic-control 1"
/* The largest answer msg_handle writes: a whole frame. */
#define MSG_ANSWER_MAX CONTROL_FRAME_MAX

/* msg_handle: answer the request of len bytes at req into out (cap bytes,
 * at least MSG_ANSWER_MAX), *out_len its length, performing it through
 * env. 0: an answer to send (a CONTROL_MSG_ERROR one for a request that
 * failed: a malformed body, a domain not found, a refusal of the core, a
 * type we do not know); -XEN_EBADMSG: the message is not one to answer
 * (shorter than a header, another protocol version, an answer's type):
 * the caller drops the connection; -XEN_ENOSPC: cap is too small. */
int msg_handle(const struct verbs_env *env, const uint8_t *req, size_t len, uint8_t *out, size_t cap, size_t *out_len)
    __attribute__((warn_unused_result));
