/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: what a client sends the control domain after its TLS
 * handshake, and the key file the boot hands it (domains/control). The
 * input's first byte seeds how the stream is cut (as TCP may cut it);
 * the rest is the stream, fed to the frame decoder (wire.c) piece by
 * piece, every whole frame to msg_handle (msg.c). A plain framing of
 * the same bytes predicts each frame and where the stream breaks; every
 * answer is checked against the request it answers. The same bytes are
 * also a key file for key_parse (key.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idl/xen_errno.h"
#include "key.h"
#include "msg.h"
#include "wire.h"

static struct wire_rx rx;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The answer to a message of len bytes at m, against the protocol. */
FUZZ_ORACLE static void check_answer(const uint8_t *m, size_t len)
{
    uint8_t out[MSG_ANSWER_MAX];
    struct control_version_answer a;
    struct control_error e;
    size_t out_len = 12345;
    int r = msg_handle(m, len, out, sizeof(out), &out_len);
    bool malformed = len < 8 || (m[0] | m[1] << 8) != CONTROL_PROTO_VERSION || (m[3] & 0x80);
    uint16_t type = malformed ? 0 : (uint16_t)(m[2] | m[3] << 8);
    uint32_t id = len >= 8 ? le32(m + 4) : 0;

    if (malformed) {
        FUZZ_CHECK(r == -XEN_EBADMSG && out_len == 0);
        return;
    }
    FUZZ_CHECK(r == 0 && out_len <= sizeof(out));
    if (type == CONTROL_MSG_VERSION && len == 8) {
        FUZZ_CHECK(wire_version_answer_get(out, out_len, &a) == 0);
        FUZZ_CHECK(a.hdr.id == id && a.max_frame == CONTROL_FRAME_MAX);
        return;
    }
    FUZZ_CHECK(wire_error_get(out, out_len, &e) == 0);
    FUZZ_CHECK(e.hdr.id == id && e.request_type == type);
    FUZZ_CHECK(e.status == (type == CONTROL_MSG_VERSION ? -XEN_EINVAL : -XEN_ENOSYS));
}

/* The stream fed in pieces; each frame and the error point predicted. */
FUZZ_ORACLE static void check_stream(const uint8_t *s, size_t n, uint8_t seed)
{
    size_t off = 0, expect_at = 0; /* where the plain framing's next frame starts */
    uint32_t rng = seed * 2654435761u + 1;

    wire_rx_init(&rx);
    while (off < n) {
        rng = rng * 1103515245u + 12345u;
        size_t piece = 1 + (rng >> 16) % (seed & 1 ? 7 : 9000), used;
        if (piece > n - off)
            piece = n - off;
        size_t end = off + piece;
        while (off < end) {
            int r = wire_rx_feed(&rx, s + off, end - off, &used);
            FUZZ_CHECK(used <= end - off);
            off += used;
            if (r < 0) {
                /* The plain framing's prefix is here, and bad. */
                FUZZ_CHECK(expect_at + CONTROL_FRAME_HDR <= n);
                uint32_t len = le32(s + expect_at);
                FUZZ_CHECK(r == (len == 0 ? -XEN_EBADMSG : -XEN_EMSGSIZE));
                FUZZ_CHECK(len == 0 || len > CONTROL_FRAME_MAX);
                FUZZ_CHECK(off == expect_at + CONTROL_FRAME_HDR);
                return;
            }
            if (r == 1) {
                uint32_t len = le32(s + expect_at);
                FUZZ_CHECK(len >= 1 && len <= CONTROL_FRAME_MAX && rx.len == len);
                FUZZ_CHECK(off == expect_at + CONTROL_FRAME_HDR + len);
                FUZZ_CHECK(!memcmp(rx.buf, s + expect_at + CONTROL_FRAME_HDR, len));
                check_answer(rx.buf, rx.len);
                expect_at = off;
            } else {
                FUZZ_CHECK(off == end);
            }
        }
    }
    /* Ended: inside a frame exactly when bytes past the last frame came. */
    FUZZ_CHECK(wire_rx_mid_frame(&rx) == (expect_at < n));
}

FUZZ_ORACLE static void check_key(const uint8_t *data, size_t n)
{
    char why[96], text[KEY_TEXT_MAX];
    struct key k, back;
    int r = key_parse((const char *)data, n, &k, why, sizeof(why));
    size_t wl = strnlen(why, sizeof(why));

    FUZZ_CHECK(wl < sizeof(why));
    for (size_t i = 0; i < wl; i++)
        FUZZ_CHECK(why[i] >= 0x20 && why[i] < 0x7f);
    if (r != 0) {
        FUZZ_CHECK(r == -XEN_EINVAL && wl > 0 && fuzz_filled(&k, sizeof(k), 0));
        return;
    }
    FUZZ_CHECK(key_identity_ok(k.identity, strlen(k.identity)));
    int len = key_format(&k, text, sizeof(text));
    FUZZ_CHECK(len > 0 && key_parse(text, (size_t)len, &back, why, sizeof(why)) == 0);
    FUZZ_CHECK(!memcmp(&k, &back, sizeof(k)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;

    if (size < 1)
        return 0;
    copy = malloc(size - 1 ? size - 1 : 1); /* exact size: a read past the end is caught */
    memcpy(copy, data + 1, size - 1);
    check_stream(copy, size - 1, data[0]);
    check_key(copy, size - 1);
    free(copy);
    return 0;
}
