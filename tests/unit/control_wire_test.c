/* SPDX-License-Identifier: MIT */
/*
 * The control protocol's pure pieces (domains/control): the frame decoder
 * and encodings (wire.c: every layout, every decoder's refusals), the
 * request handler's framing of answers (msg.c) and the management key
 * file (key.c), as the control domain and tools/mosaic share them. The
 * verbs behind the requests are control_verbs_test.c's.
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#include "control_fake.h"
#include "harness.h"
#include "idl/xen_errno.h"
#include "key.h"
#include "msg.h"

static struct wire_rx rx;
static struct fake_core core;
static struct verbs_env env = { .ctx = &core }; /* set up in main */

/* Feed all of data in pieces of at most step bytes; returns the number
 * of whole frames seen (each checked against want[i] of want_len[i]
 * bytes), or a negative error. */
static int feed_all(const uint8_t *data, size_t n, size_t step, const uint8_t *const *want, const uint32_t *want_len)
{
    int frames = 0;

    while (n) {
        size_t piece = n < step ? n : step, used, off = 0;
        while (off < piece) {
            int r = wire_rx_feed(&rx, data + off, piece - off, &used);
            if (r < 0)
                return r;
            EXPECT_TRUE(used > 0 || r == 1);
            off += used;
            if (r == 1) {
                EXPECT_EQ(rx.len, want_len[frames]);
                EXPECT_TRUE(!memcmp(rx.buf, want[frames], rx.len));
                frames++;
            }
        }
        data += piece;
        n -= piece;
    }
    return frames;
}

static size_t frame(uint8_t *out, const uint8_t *msg, uint32_t len)
{
    wire_put_len(out, len);
    memcpy(out + CONTROL_FRAME_HDR, msg, len);
    return CONTROL_FRAME_HDR + len;
}

TEST(frames_whole_and_split)
{
    static uint8_t stream[3 * (CONTROL_FRAME_HDR + 300)];
    uint8_t a[1] = { 7 }, b[300], c[17];
    const uint8_t *want[] = { a, b, c };
    const uint32_t want_len[] = { 1, 300, 17 };
    size_t n = 0;

    memset(b, 0xab, sizeof(b));
    memset(c, 0x5a, sizeof(c));
    n += frame(stream + n, a, 1);
    n += frame(stream + n, b, 300);
    n += frame(stream + n, c, 17);
    for (size_t step = 1; step <= n; step += (step < 8 ? 1 : 61)) {
        wire_rx_init(&rx);
        EXPECT_EQ(feed_all(stream, n, step, want, want_len), 3);
        EXPECT_FALSE(wire_rx_mid_frame(&rx));
    }
}

TEST(frame_largest_taken)
{
    static uint8_t stream[CONTROL_FRAME_HDR + CONTROL_FRAME_MAX];
    static uint8_t msg[CONTROL_FRAME_MAX];
    const uint8_t *want[] = { msg };
    const uint32_t want_len[] = { CONTROL_FRAME_MAX };

    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7);
    size_t n = frame(stream, msg, CONTROL_FRAME_MAX);
    wire_rx_init(&rx);
    EXPECT_EQ(feed_all(stream, n, 1000, want, want_len), 1);
}

TEST(frame_length_zero_breaks_for_good)
{
    uint8_t zero[CONTROL_FRAME_HDR + 2] = { 0, 0, 0, 0, 1, 2 };
    size_t used;

    wire_rx_init(&rx);
    EXPECT_EQ(wire_rx_feed(&rx, zero, sizeof(zero), &used), -XEN_EBADMSG);
    EXPECT_EQ(used, CONTROL_FRAME_HDR);
    EXPECT_EQ(wire_rx_feed(&rx, zero + used, 2, &used), -XEN_EBADMSG);
}

TEST(frame_too_long_refused_at_its_prefix)
{
    uint8_t big[CONTROL_FRAME_HDR];
    size_t used;

    wire_put_len(big, CONTROL_FRAME_MAX + 1);
    wire_rx_init(&rx);
    EXPECT_EQ(wire_rx_feed(&rx, big, 3, &used), 0);
    EXPECT_TRUE(wire_rx_mid_frame(&rx));
    EXPECT_EQ(wire_rx_feed(&rx, big + 3, 1, &used), -XEN_EMSGSIZE);
    EXPECT_EQ(rx.len, CONTROL_FRAME_MAX + 1);
    wire_put_len(big, 0xffffffffu);
    wire_rx_init(&rx);
    EXPECT_EQ(wire_rx_feed(&rx, big, 4, &used), -XEN_EMSGSIZE);
}

TEST(frame_prefix_is_little_endian)
{
    uint8_t p[4];

    wire_put_len(p, 0x00010203u);
    EXPECT_EQ(p[0], 3);
    EXPECT_EQ(p[1], 2);
    EXPECT_EQ(p[2], 1);
    EXPECT_EQ(p[3], 0);
}

/* Random frames in random pieces: every frame comes out whole and in order. */
TEST(frames_randomized)
{
    static uint8_t stream[1 << 20];
    static uint8_t *msgs[64];
    static uint32_t lens[64];
    unsigned long long steps = test_random_init(0xc0ffee, 200);

    for (unsigned long long s = 0; s < steps; s++) {
        size_t n = 0;
        unsigned count = 1 + test_rng_below(16);
        for (unsigned i = 0; i < count; i++) {
            lens[i] = 1 + test_rng_below(test_rng_below(4) ? 64 : 40000);
            msgs[i] = malloc(lens[i]);
            for (uint32_t k = 0; k < lens[i]; k++)
                msgs[i][k] = (uint8_t)test_rng_next();
            n += frame(stream + n, msgs[i], lens[i]);
        }
        wire_rx_init(&rx);
        EXPECT_EQ(feed_all(stream, n, 1 + test_rng_below(5000), (const uint8_t *const *)msgs, lens), (int)count);
        for (unsigned i = 0; i < count; i++)
            free(msgs[i]);
    }
}

static size_t request(uint8_t *out, uint16_t version, uint16_t type, uint32_t id)
{
    struct control_msg_header h = { .version = version, .type = type, .id = id };

    wire_hdr_put(out, &h);
    return sizeof(h);
}

TEST(version_answered)
{
    uint8_t req[8], out[MSG_ANSWER_MAX];
    struct control_version_answer a;
    size_t len;

    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_VERSION, 0xdeadbeef);
    EXPECT_EQ(msg_handle(&env, req, sizeof(req), out, sizeof(out), &len), 0);
    EXPECT_EQ(len, sizeof(a));
    EXPECT_EQ(wire_version_answer_get(out, len, &a), 0);
    EXPECT_EQ(a.hdr.id, 0xdeadbeef);
    EXPECT_EQ(a.proto_min, CONTROL_PROTO_VERSION);
    EXPECT_EQ(a.proto_max, CONTROL_PROTO_VERSION);
    EXPECT_EQ(a.max_frame, CONTROL_FRAME_MAX);
    EXPECT_TRUE(!strcmp(a.server, MSG_SERVER_NAME));
    /* The bytes themselves: little-endian, the IDL's offsets. */
    EXPECT_EQ(out[2], CONTROL_MSG_VERSION);
    EXPECT_EQ(out[3], 0x80);
    EXPECT_EQ(out[4], 0xef);
    EXPECT_EQ(out[7], 0xde);
}

static int32_t error_of(const uint8_t *req, size_t n, uint32_t id)
{
    uint8_t out[MSG_ANSWER_MAX];
    struct control_error e;
    size_t len;

    EXPECT_EQ(msg_handle(&env, req, n, out, sizeof(out), &len), 0);
    EXPECT_EQ(wire_error_get(out, len, &e), 0);
    EXPECT_EQ(e.hdr.id, id);
    return e.status;
}

TEST(requests_refused_with_an_error_answer)
{
    uint8_t req[32] = { 0 };

    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_VERSION, 5);
    EXPECT_EQ(error_of(req, 9, 5), -XEN_EINVAL); /* a version request with a body */
    request(req, CONTROL_PROTO_VERSION, 42, 6);
    EXPECT_EQ(error_of(req, 8, 6), -XEN_ENOSYS);
    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_ERROR, 7);
    EXPECT_EQ(error_of(req, 8, 7), -XEN_ENOSYS); /* an error is no request */
}

TEST(messages_not_answered)
{
    uint8_t req[8], out[MSG_ANSWER_MAX];
    size_t len = 99;

    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_VERSION, 1);
    EXPECT_EQ(msg_handle(&env, req, 7, out, sizeof(out), &len), -XEN_EBADMSG);
    EXPECT_EQ(len, 0);
    request(req, CONTROL_PROTO_VERSION + 1, CONTROL_MSG_VERSION, 1);
    EXPECT_EQ(msg_handle(&env, req, 8, out, sizeof(out), &len), -XEN_EBADMSG);
    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_VERSION | CONTROL_MSG_ANSWER, 1);
    EXPECT_EQ(msg_handle(&env, req, 8, out, sizeof(out), &len), -XEN_EBADMSG);
    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_VERSION, 1);
    EXPECT_EQ(msg_handle(&env, req, 8, out, MSG_ANSWER_MAX - 1, &len), -XEN_ENOSPC);
}

TEST(answers_checked_by_the_client)
{
    uint8_t req[8], out[MSG_ANSWER_MAX];
    struct control_version_answer a;
    struct control_error e;
    size_t len;

    request(req, CONTROL_PROTO_VERSION, CONTROL_MSG_VERSION, 1);
    EXPECT_EQ(msg_handle(&env, req, 8, out, sizeof(out), &len), 0);
    EXPECT_EQ(wire_version_answer_get(out, len - 1, &a), -XEN_EBADMSG);
    EXPECT_EQ(wire_error_get(out, len, &e), -XEN_EBADMSG);
    memset(out + offsetof(struct control_version_answer, server), 'x', sizeof(a.server));
    EXPECT_EQ(wire_version_answer_get(out, len, &a), -XEN_EBADMSG); /* no NUL in the name */
    e = (struct control_error){ .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_ERROR, 3 }, .status = 5 };
    wire_error_put(out, &e);
    EXPECT_EQ(wire_error_get(out, sizeof(e), &e), -XEN_EBADMSG); /* not a negative errno */
}

/* Every layout covers its struct's bytes exactly once, in order. */
TEST(layouts_cover_every_byte)
{
    const struct wire_layout *all[] = {
        &wire_error_layout,
        &wire_version_answer_layout,
        &wire_domain_request_layout,
        &wire_domain_answer_layout,
        &wire_list_request_layout,
        &wire_domain_layout,
        &wire_list_answer_layout,
        &wire_info_answer_layout,
        &wire_dmesg_request_layout,
        &wire_dmesg_answer_layout,
        &wire_vcpu_layout,
        &wire_vcpu_list_answer_layout,
        &wire_vcpu_pin_request_layout,
        &wire_sched_request_layout,
        &wire_sched_answer_layout,
        &wire_upload_request_layout,
        &wire_upload_answer_layout,
        &wire_upload_data_request_layout,
        &wire_upload_data_answer_layout,
        &wire_create_request_layout,
        &wire_create_answer_layout,
        &wire_console_request_layout,
        &wire_console_answer_layout,
        &wire_shutdown_request_layout,
        &wire_shutdown_answer_layout,
        &wire_mem_request_layout,
        &wire_mem_answer_layout,
        &wire_device_request_layout,
        &wire_device_answer_layout,
        &wire_device_list_request_layout,
        &wire_device_layout,
        &wire_device_list_answer_layout,
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        unsigned at = 0;
        for (unsigned k = 0; k < all[i]->nr; k++) {
            const struct wire_field *f = &all[i]->fields[k];
            if (f->off != at)
                test_fail(__FILE__, __LINE__, "layout %zu field %u at %u, want %u", i, k, f->off, at);
            if (f->kind != WIRE_TEXT && f->kind != WIRE_BYTES && f->size != 1 && f->size != 2 && f->size != 4 &&
                f->size != 8)
                test_fail(__FILE__, __LINE__, "layout %zu field %u: an integer of %u bytes", i, k, f->size);
            at = f->off + f->size;
        }
        EXPECT_EQ(at, all[i]->size);
    }
}

/* Little-endian on the wire, reserved fields written as zero and refused
 * when not, text that is not NUL-padded refused. */
TEST(layout_bytes_and_refusals)
{
    struct control_vcpu_pin_request q = { .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_VCPU_PIN, 0x01020304 },
                                          .domain = "guest",
                                          .vcpu = 0xa1b2c3d4,
                                          ._pad0 = 7,
                                          .cpumask = 0x1122334455667788ull },
                                    back;
    uint8_t b[sizeof(q)];

    wire_put(b, &q, &wire_vcpu_pin_request_layout);
    EXPECT_EQ(b[4], 0x04);
    EXPECT_EQ(b[8], 'g');
    EXPECT_EQ(b[offsetof(struct control_vcpu_pin_request, vcpu)], 0xd4);
    EXPECT_EQ(b[offsetof(struct control_vcpu_pin_request, _pad0)], 0); /* written as zero */
    EXPECT_EQ(b[offsetof(struct control_vcpu_pin_request, cpumask) + 7], 0x11);
    EXPECT_EQ(wire_get(b, &back, &wire_vcpu_pin_request_layout), 0);
    EXPECT_EQ(back.cpumask, q.cpumask);
    EXPECT_EQ(back.vcpu, q.vcpu);
    EXPECT_EQ(wire_msg_get(b, sizeof(b), CONTROL_MSG_VCPU_PIN, &wire_vcpu_pin_request_layout, &back), 0);
    EXPECT_EQ(wire_msg_get(b, sizeof(b) - 1, CONTROL_MSG_VCPU_PIN, &wire_vcpu_pin_request_layout, &back), -XEN_EBADMSG);
    EXPECT_EQ(wire_msg_get(b, sizeof(b), CONTROL_MSG_PAUSE, &wire_vcpu_pin_request_layout, &back), -XEN_EBADMSG);
    b[offsetof(struct control_vcpu_pin_request, _pad0) + 3] = 1;
    EXPECT_EQ(wire_get(b, &back, &wire_vcpu_pin_request_layout), -XEN_EINVAL);
    b[offsetof(struct control_vcpu_pin_request, _pad0) + 3] = 0;
    b[offsetof(struct control_vcpu_pin_request, domain) + 20] = 'x'; /* after the NUL */
    EXPECT_EQ(wire_get(b, &back, &wire_vcpu_pin_request_layout), -XEN_EINVAL);
    memset(b + offsetof(struct control_vcpu_pin_request, domain), 'x', 32); /* no NUL */
    EXPECT_EQ(wire_get(b, &back, &wire_vcpu_pin_request_layout), -XEN_EINVAL);
}

TEST(qualifiers)
{
    EXPECT_TRUE(wire_qualifier_ok("guest-1"));
    EXPECT_TRUE(wire_qualifier_ok("0"));
    EXPECT_TRUE(wire_qualifier_ok("32751"));
    EXPECT_TRUE(wire_qualifier_ok("007"));
    EXPECT_FALSE(wire_qualifier_ok("1234567890123456789012345678901")); /* all digits: an id, far too big */
    EXPECT_TRUE(wire_qualifier_ok("123456789012345678901234567890x"));  /* 31 bytes: a name */
    EXPECT_FALSE(wire_qualifier_ok("32752"));                           /* DOMID_SELF */
    EXPECT_FALSE(wire_qualifier_ok("99999999999999999999"));
    EXPECT_FALSE(wire_qualifier_ok(""));
    EXPECT_FALSE(wire_qualifier_ok("a b"));
    EXPECT_FALSE(wire_qualifier_ok("tab\there"));
    EXPECT_FALSE(wire_qualifier_ok("\x7f"));
    EXPECT_FALSE(wire_qualifier_ok("\xc3\xa9"));
    EXPECT_FALSE(wire_qualifier_ok("0123456789012345678901234567890x")); /* 32 bytes: no room for its NUL */
}

static size_t list_answer(uint8_t *out, uint16_t nr, const struct control_domain *d)
{
    struct control_list_answer a = { .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_LIST | CONTROL_MSG_ANSWER, 9 },
                                     .now_ns = 5,
                                     .nr = nr };

    wire_put(out, &a, &wire_list_answer_layout);
    for (unsigned i = 0; i < nr; i++)
        wire_put(out + sizeof(a) + i * sizeof(*d), &d[i], &wire_domain_layout);
    return sizeof(a) + nr * sizeof(*d);
}

TEST(answers_with_entries_checked)
{
    static uint8_t b[CONTROL_FRAME_MAX + 64];
    static struct control_domain d[CONTROL_LIST_MAX + 1], got[CONTROL_LIST_MAX];
    static struct control_vcpu v[CONTROL_VCPUS_MAX];
    struct control_vcpu_list_answer va = {
        .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_VCPU_LIST | CONTROL_MSG_ANSWER, 1 }, .nr = 2
    };
    struct control_dmesg_answer da = { .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_DMESG | CONTROL_MSG_ANSWER, 1 },
                                       .len = 3 };
    struct control_list_answer a;
    const uint8_t *text;
    size_t n;

    for (unsigned i = 0; i <= CONTROL_LIST_MAX; i++)
        d[i] = (struct control_domain){ .domid = (uint16_t)(i + 2), .flags = CONTROL_DOMF_RUNNING, .name = "x" };
    n = list_answer(b, 2, d);
    EXPECT_EQ(wire_list_answer_get(b, n, &a, got), 0);
    EXPECT_EQ(a.nr, 2);
    EXPECT_EQ(got[1].domid, 3);
    EXPECT_EQ(wire_list_answer_get(b, n - 1, &a, got), -XEN_EBADMSG);
    n = list_answer(b, CONTROL_LIST_MAX, d);
    EXPECT_EQ(wire_list_answer_get(b, n, &a, got), 0);
    n = list_answer(b, CONTROL_LIST_MAX + 1, d); /* one too many */
    EXPECT_EQ(wire_list_answer_get(b, n, &a, got), -XEN_EBADMSG);
    d[1].domid = 2; /* not ascending */
    n = list_answer(b, 2, d);
    EXPECT_EQ(wire_list_answer_get(b, n, &a, got), -XEN_EBADMSG);
    d[1].domid = 3;
    d[1].flags = 0x40; /* no such flag */
    n = list_answer(b, 2, d);
    EXPECT_EQ(wire_list_answer_get(b, n, &a, got), -XEN_EBADMSG);

    v[0] = (struct control_vcpu){ .vcpu = 0, .state = CONTROL_VCPU_BLOCKED };
    v[1] = (struct control_vcpu){ .vcpu = 1, .state = CONTROL_VCPU_DOWN };
    wire_put(b, &va, &wire_vcpu_list_answer_layout);
    wire_put(b + sizeof(va), &v[0], &wire_vcpu_layout);
    wire_put(b + sizeof(va) + sizeof(v[0]), &v[1], &wire_vcpu_layout);
    EXPECT_EQ(wire_vcpu_list_answer_get(b, sizeof(va) + 2 * sizeof(v[0]), &va, v), 0);
    EXPECT_EQ(wire_vcpu_list_answer_get(b, sizeof(va) + 1 * sizeof(v[0]), &va, v), -XEN_EBADMSG);
    v[1].vcpu = 0; /* out of place */
    wire_put(b + sizeof(va) + sizeof(v[0]), &v[1], &wire_vcpu_layout);
    EXPECT_EQ(wire_vcpu_list_answer_get(b, sizeof(va) + 2 * sizeof(v[0]), &va, v), -XEN_EBADMSG);

    wire_put(b, &da, &wire_dmesg_answer_layout);
    memcpy(b + sizeof(da), "abc", 3);
    EXPECT_EQ(wire_dmesg_answer_get(b, sizeof(da) + 3, &da, &text), 0);
    EXPECT_TRUE(!memcmp(text, "abc", 3));
    EXPECT_EQ(wire_dmesg_answer_get(b, sizeof(da) + 4, &da, &text), -XEN_EBADMSG);
    da.len = CONTROL_DMESG_MAX + 1;
    wire_put(b, &da, &wire_dmesg_answer_layout);
    EXPECT_EQ(wire_dmesg_answer_get(b, sizeof(da) + CONTROL_DMESG_MAX + 1, &da, &text), -XEN_EBADMSG);

    struct control_console_answer ca = { .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_CONSOLE | CONTROL_MSG_ANSWER, 1 },
                                         .len = 3,
                                         .next = 9 };
    wire_put(b, &ca, &wire_console_answer_layout);
    memcpy(b + sizeof(ca), "xyz", 3);
    EXPECT_EQ(wire_console_answer_get(b, sizeof(ca) + 3, &ca, &text), 0);
    EXPECT_TRUE(!memcmp(text, "xyz", 3));
    EXPECT_EQ(ca.next, 9);
    EXPECT_EQ(wire_console_answer_get(b, sizeof(ca) + 2, &ca, &text), -XEN_EBADMSG);
    ca.next = 2; /* fewer bytes ever than this answer holds */
    wire_put(b, &ca, &wire_console_answer_layout);
    EXPECT_EQ(wire_console_answer_get(b, sizeof(ca) + 3, &ca, &text), -XEN_EBADMSG);
    ca.next = 1ull << 40;
    ca.len = CONTROL_CONSOLE_OUT_MAX + 1;
    wire_put(b, &ca, &wire_console_answer_layout);
    EXPECT_EQ(wire_console_answer_get(b, sizeof(ca) + CONTROL_CONSOLE_OUT_MAX + 1, &ca, &text), -XEN_EBADMSG);
    ca.len = 0;
    ca.hdr.type = CONTROL_MSG_DMESG | CONTROL_MSG_ANSWER; /* another answer's type */
    wire_put(b, &ca, &wire_console_answer_layout);
    EXPECT_EQ(wire_console_answer_get(b, sizeof(ca), &ca, &text), -XEN_EBADMSG);
    ca.hdr.type = CONTROL_MSG_CONSOLE | CONTROL_MSG_ANSWER;
    wire_put(b, &ca, &wire_console_answer_layout);
    b[offsetof(struct control_console_answer, _pad0)] = 1;
    EXPECT_EQ(wire_console_answer_get(b, sizeof(ca), &ca, &text), -XEN_EBADMSG);
}

/* A device list answer of nr entries of d into b; its length. */
static size_t device_list(uint8_t *b, unsigned nr, const struct control_device *d)
{
    struct control_device_list_answer a = {
        .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_DEVICE_LIST | CONTROL_MSG_ANSWER, 1 }, .domid = 5, .nr = nr
    };

    wire_put(b, &a, &wire_device_list_answer_layout);
    for (unsigned i = 0; i < nr; i++)
        wire_put(b + sizeof(a) + i * sizeof(d[0]), &d[i], &wire_device_layout);
    return sizeof(a) + nr * sizeof(d[0]);
}

/* What the tool takes of a device list: ids ascending, texts printable,
 * at most CONTROL_DEVICES_MAX, its exact length. */
TEST(device_lists_checked)
{
    static uint8_t b[4096];
    static struct control_device d[CONTROL_DEVICES_MAX + 1], got[CONTROL_DEVICES_MAX];
    struct control_device_list_answer a;
    size_t n;

    for (unsigned i = 0; i <= CONTROL_DEVICES_MAX; i++)
        d[i] = (struct control_device){ .devid = 51712 + 16 * i,
                                        .backend_id = 1,
                                        .state = 4,
                                        .evtch = CONTROL_DEVICE_NONE,
                                        .backend = "/local/domain/1/backend/vbd/5/51712" };
    n = device_list(b, 2, d);
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), 0);
    EXPECT_EQ(a.nr, 2);
    EXPECT_EQ(a.domid, 5);
    EXPECT_EQ(got[1].devid, 51728);
    EXPECT_EQ(got[1].evtch, CONTROL_DEVICE_NONE);
    EXPECT_EQ(wire_device_list_answer_get(b, n - 1, &a, got), -XEN_EBADMSG);
    n = device_list(b, 0, d);
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), 0);
    n = device_list(b, CONTROL_DEVICES_MAX, d);
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), 0);
    n = device_list(b, CONTROL_DEVICES_MAX + 1, d); /* one too many */
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), -XEN_EBADMSG);
    d[1].devid = d[0].devid; /* twice */
    n = device_list(b, 2, d);
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), -XEN_EBADMSG);
    d[1].devid = 51728;
    d[1].mac[0] = '\x1b'; /* a terminal's escape */
    n = device_list(b, 2, d);
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), -XEN_EBADMSG);
    d[1].mac[0] = '\0';
    n = device_list(b, 2, d);
    b[sizeof(a) + sizeof(d[0]) + offsetof(struct control_device, backend) + sizeof(d[0].backend) - 1] = 'x';
    EXPECT_EQ(wire_device_list_answer_get(b, n, &a, got), -XEN_EBADMSG); /* not NUL-terminated */
}

static const char good_key[] = "# comment\n"
                               "\n"
                               "identity op.er_at@or-1\n"
                               "  key 000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F  # trailing\n";

TEST(key_parsed)
{
    struct key k;
    char why[128];

    EXPECT_EQ(key_parse(good_key, strlen(good_key), &k, why, sizeof(why)), 0);
    EXPECT_TRUE(!strcmp(k.identity, "op.er_at@or-1"));
    for (unsigned i = 0; i < KEY_BYTES; i++)
        EXPECT_EQ(k.secret[i], i);
}

static void expect_bad_key(const char *text, const char *reason)
{
    struct key k;
    char why[128];

    memset(&k, 0x55, sizeof(k));
    EXPECT_EQ(key_parse(text, strlen(text), &k, why, sizeof(why)), -XEN_EINVAL);
    if (!strstr(why, reason))
        test_fail(__FILE__, __LINE__, "reason '%s' lacks '%s'", why, reason);
    for (size_t i = 0; i < sizeof(k.secret); i++)
        EXPECT_EQ(k.secret[i], 0); /* nothing of a refused key stays */
}

#define HEX64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

TEST(key_refused_with_its_line)
{
    expect_bad_key("key " HEX64 "\n", "no identity line");
    expect_bad_key("identity a\n", "no key line");
    expect_bad_key("identity a\nkey " HEX64 "0\n", "line 2: the key must be 64 hex digits");
    expect_bad_key("identity a\nkey " HEX64 "\nkey " HEX64 "\n", "line 3: a second key");
    expect_bad_key("identity a\nidentity b\n", "line 2: a second identity");
    expect_bad_key("identity a b\n", "line 1: more than one value");
    expect_bad_key("identity a/b\n", "line 1: the identity must be");
    expect_bad_key("identity\n", "line 1: the identity must be");
    expect_bad_key("secret x\n", "line 1: unknown word");
    expect_bad_key("identity a\nkey 0g112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
                   "line 2: the key must be 64 hex digits");
}

TEST(key_refuses_nul_and_size)
{
    static char big[KEY_TEXT_MAX + 1];
    const char nul[] = "identity a\0\nkey " HEX64 "\n";
    struct key k;
    char why[128];

    EXPECT_EQ(key_parse(nul, sizeof(nul) - 1, &k, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_TRUE(strstr(why, "NUL") != NULL);
    memset(big, '#', sizeof(big));
    EXPECT_EQ(key_parse(big, sizeof(big), &k, why, sizeof(why)), -XEN_EINVAL);
    EXPECT_TRUE(strstr(why, "longer than") != NULL);
}

TEST(key_format_round_trip)
{
    struct key k = { .identity = "operator" }, back;
    char text[KEY_TEXT_MAX], why[128];
    int n;

    for (unsigned i = 0; i < KEY_BYTES; i++)
        k.secret[i] = (uint8_t)(0xff - i);
    n = key_format(&k, text, sizeof(text));
    EXPECT_TRUE(n > 0);
    EXPECT_EQ(key_parse(text, (size_t)n, &back, why, sizeof(why)), 0);
    EXPECT_TRUE(!memcmp(&k, &back, sizeof(k)));
    EXPECT_EQ(key_format(&k, text, 40), -XEN_ENOSPC);
    strcpy(k.identity, "bad id");
    EXPECT_EQ(key_format(&k, text, sizeof(text)), -XEN_EINVAL);
}

int main(void)
{
    fake_init(&core, 3, MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_LOG);
    env = fake_env(&core);
    return test_run((const struct test[]){ TEST_ENTRY(frames_whole_and_split),
                                           TEST_ENTRY(frame_largest_taken),
                                           TEST_ENTRY(frame_length_zero_breaks_for_good),
                                           TEST_ENTRY(frame_too_long_refused_at_its_prefix),
                                           TEST_ENTRY(frame_prefix_is_little_endian),
                                           TEST_ENTRY(frames_randomized),
                                           TEST_ENTRY(version_answered),
                                           TEST_ENTRY(requests_refused_with_an_error_answer),
                                           TEST_ENTRY(messages_not_answered),
                                           TEST_ENTRY(answers_checked_by_the_client),
                                           TEST_ENTRY(key_parsed),
                                           TEST_ENTRY(key_refused_with_its_line),
                                           TEST_ENTRY(key_refuses_nul_and_size),
                                           TEST_ENTRY(key_format_round_trip),
                                           TEST_ENTRY(layouts_cover_every_byte),
                                           TEST_ENTRY(layout_bytes_and_refusals),
                                           TEST_ENTRY(qualifiers),
                                           TEST_ENTRY(answers_with_entries_checked),
                                           TEST_ENTRY(device_lists_checked),
                                           TEST_END });
}
