/* SPDX-License-Identifier: MIT */
/*
 * One request to the control domain's msg_handle, as the unit tests of
 * its requests send it (control_verbs_test.c, control_create_test.c):
 * the answer's header checked (the request's id, the request's type or
 * an error answer about it).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "verbs.h"

/* control_ask: len bytes of a request at req answered into out
 * (MSG_ANSWER_MAX bytes), *out_len its length: 0 with an answer of the
 * request's type, or the error answer's status. */
int control_ask(const struct verbs_env *env, const uint8_t *req, size_t len, uint8_t *out, size_t *out_len);
