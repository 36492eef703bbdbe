/* SPDX-License-Identifier: MIT */
/*
 * One request through msg_handle, its answer's header checked (control_ask.h).
 */
#include "control_ask.h"

#include "harness.h"
#include "msg.h"
#include "wire.h"

int control_ask(const struct verbs_env *env, const uint8_t *req, size_t len, uint8_t *out, size_t *out_len)
{
    struct control_msg_header h, ah;
    struct control_error e;

    EXPECT_EQ(wire_hdr_get(req, len, &h), 0);
    EXPECT_EQ(msg_handle(env, req, len, out, MSG_ANSWER_MAX, out_len), 0);
    EXPECT_EQ(wire_hdr_get(out, *out_len, &ah), 0);
    EXPECT_EQ(ah.id, h.id);
    if (wire_error_get(out, *out_len, &e) == 0) {
        EXPECT_EQ(e.request_type, h.type);
        return e.status;
    }
    EXPECT_EQ(ah.type, h.type | CONTROL_MSG_ANSWER);
    return 0;
}
