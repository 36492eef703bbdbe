/* SPDX-License-Identifier: MIT */
/*
 * xl create in the control domain (domains/control/images.c, create.c,
 * msg.c's upload, upload-data and create) as a client reaches it:
 * request bytes into msg_handle, answer bytes out, against the model of
 * the core and its build service (control_fake.c). Uploads checked by
 * SHA-256 and shared, malformed requests refused before anything is
 * done, broken configs answered with their one line, shutdowns acted on
 * as the config says.
 */
#include <stdio.h>
#include <string.h>

#include "control_ask.h"
#include "control_fake.h"
#include "create.h"
#include "harness.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"
#include "images.h"
#include "mbedtls/sha256.h"
#include "msg.h"
#include "wire.h"

static struct fake_core core;
static struct verbs_env env;
static uint8_t req[CONTROL_FRAME_MAX], out[MSG_ANSWER_MAX];
static size_t out_len;
static uint32_t next_id;
static uint8_t kernel[20000], ramdisk[5000];
static uint8_t ksha[32], rsha[32];

static void setup(void)
{
    fake_init(&core, 3, MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_LOG);
    env = fake_env(&core);
    create_forget_all(); /* what an earlier test created is gone with its model */
    images_init(64 * 1024);
    for (size_t i = 0; i < sizeof(kernel); i++)
        kernel[i] = (uint8_t)(i * 13 + 1);
    for (size_t i = 0; i < sizeof(ramdisk); i++)
        ramdisk[i] = (uint8_t)(i * 7 + 5);
    (void)mbedtls_sha256_ret(kernel, sizeof(kernel), ksha, 0);
    (void)mbedtls_sha256_ret(ramdisk, sizeof(ramdisk), rsha, 0);
}

/* The request of len bytes in req answered: 0 (an answer of its type in
 * out) or the error answer's status. */
static int ask(size_t len)
{
    return control_ask(&env, req, len, out, &out_len);
}

static struct control_msg_header hdr(uint16_t type)
{
    return (struct control_msg_header){ CONTROL_PROTO_VERSION, type, ++next_id };
}

static int upload_begin(uint32_t kind, uint64_t size, const uint8_t *sha, struct control_upload_answer *a)
{
    struct control_upload_request q = { .hdr = hdr(CONTROL_MSG_UPLOAD), .kind = kind, .size = size };
    int r;

    memcpy(q.sha256, sha, 32);
    wire_put(req, &q, &wire_upload_request_layout);
    if ((r = ask(sizeof(q))) == 0)
        EXPECT_EQ(wire_msg_get(out, out_len, CONTROL_MSG_UPLOAD | CONTROL_MSG_ANSWER, &wire_upload_answer_layout, a),
                  0);
    return r;
}

static int upload_data(uint32_t handle, uint64_t offset, const uint8_t *bytes, uint32_t len,
                       struct control_upload_data_answer *a)
{
    struct control_upload_data_request q = {
        .hdr = hdr(CONTROL_MSG_UPLOAD_DATA), .handle = handle, .len = len, .offset = offset
    };
    int r;

    wire_put(req, &q, &wire_upload_data_request_layout);
    memcpy(req + sizeof(q), bytes, len);
    if ((r = ask(sizeof(q) + len)) == 0)
        EXPECT_EQ(wire_msg_get(out, out_len, CONTROL_MSG_UPLOAD_DATA | CONTROL_MSG_ANSWER,
                               &wire_upload_data_answer_layout, a),
                  0);
    return r;
}

/* A whole image uploaded in chunks of chunk bytes: 0 or the first error. */
static int upload(uint32_t kind, const uint8_t *bytes, uint32_t size, const uint8_t *sha, uint32_t chunk)
{
    struct control_upload_answer a;
    struct control_upload_data_answer d;
    int r = upload_begin(kind, size, sha, &a);

    if (r || a.have == CONTROL_UPLOAD_HELD)
        return r;
    for (uint32_t off = 0; off < size; off += chunk) {
        uint32_t n = size - off < chunk ? size - off : chunk;
        if ((r = upload_data(a.handle, off, bytes + off, n, &d)) != 0)
            return r;
        EXPECT_EQ(d.received, off + n);
        EXPECT_EQ(d.complete, off + n == size);
    }
    return 0;
}

/* CREATE with text; the transport's error, or 0 with the answer in *a. */
static int create(const char *file, const char *text, bool with_ramdisk, struct control_create_answer *a)
{
    struct control_create_request q = { .hdr = hdr(CONTROL_MSG_CREATE), .text_len = (uint32_t)strlen(text) };
    int r;

    snprintf(q.file, sizeof(q.file), "%s", file);
    memcpy(q.kernel_sha256, ksha, 32);
    if (with_ramdisk) {
        q.has_ramdisk = 1;
        memcpy(q.ramdisk_sha256, rsha, 32);
    }
    wire_put(req, &q, &wire_create_request_layout);
    memcpy(req + sizeof(q), text, q.text_len);
    if ((r = ask(sizeof(q) + q.text_len)) == 0)
        EXPECT_EQ(wire_msg_get(out, out_len, CONTROL_MSG_CREATE | CONTROL_MSG_ANSWER, &wire_create_answer_layout, a),
                  0);
    return r;
}

static const char good[] = "name = \"one\"\nkernel = \"k\"\nramdisk = \"r\"\nmemory = 16\n"
                           "on_reboot = \"restart\"\non_crash = \"preserve\"\n";

TEST(upload_checked_and_shared)
{
    struct control_upload_answer a;
    struct control_upload_data_answer d;
    uint8_t wrong[32];

    setup();
    EXPECT_EQ(upload(CONTROL_IMAGE_KERNEL, kernel, sizeof(kernel), ksha, 4096), 0);
    /* Held now: a second upload sends nothing. */
    EXPECT_EQ(upload_begin(CONTROL_IMAGE_KERNEL, sizeof(kernel), ksha, &a), 0);
    EXPECT_EQ(a.have, CONTROL_UPLOAD_HELD);
    EXPECT_EQ(a.handle, 0);
    /* Bytes that do not have the hash announced are dropped at the end. */
    memcpy(wrong, rsha, 32);
    wrong[0] ^= 1;
    EXPECT_EQ(upload(CONTROL_IMAGE_RAMDISK, ramdisk, sizeof(ramdisk), wrong, 1000), -XEN_EILSEQ);
    EXPECT_EQ(upload_begin(CONTROL_IMAGE_RAMDISK, sizeof(ramdisk), wrong, &a), 0);
    EXPECT_EQ(a.have, CONTROL_UPLOAD_NEEDED);
    /* Out of order, past the end, an unknown handle. */
    EXPECT_EQ(upload_data(a.handle, 10, ramdisk, 10, &d), -XEN_EINVAL);
    EXPECT_EQ(upload_data(a.handle + 100, 0, ramdisk, 10, &d), -XEN_ENOENT);
    EXPECT_EQ(upload_data(a.handle, 0, ramdisk, 4000, &d), 0);
    EXPECT_EQ(upload_data(a.handle, 4000, ramdisk, 2000, &d), -XEN_EINVAL);
    /* Sizes: 0, above the limits, above what control holds. */
    EXPECT_EQ(upload_begin(CONTROL_IMAGE_KERNEL, 0, ksha, &a), -XEN_EINVAL);
    EXPECT_EQ(upload_begin(CONTROL_IMAGE_KERNEL, CONTROL_KERNEL_MAX + 1, ksha, &a), -XEN_E2BIG);
    EXPECT_EQ(upload_begin(CONTROL_IMAGE_RAMDISK, CONTROL_RAMDISK_MAX + 1, ksha, &a), -XEN_E2BIG);
    EXPECT_EQ(upload_begin(3, 10, ksha, &a), -XEN_EINVAL);
    EXPECT_EQ(upload_begin(CONTROL_IMAGE_RAMDISK, 1024 * 1024, rsha, &a), -XEN_ENOMEM);
    EXPECT_EQ(core.bad_calls, 0);
}

TEST(create_builds_and_remembers)
{
    struct control_create_answer a;
    struct fake_domain *d;
    unsigned left;

    setup();
    EXPECT_EQ(upload(CONTROL_IMAGE_KERNEL, kernel, sizeof(kernel), ksha, 8000), 0);
    EXPECT_EQ(upload(CONTROL_IMAGE_RAMDISK, ramdisk, sizeof(ramdisk), rsha, 8000), 0);
    EXPECT_EQ(create("one.cfg", good, true, &a), 0);
    EXPECT_EQ(a.status, 0);
    EXPECT_TRUE(!strcmp(a.name, "one") && a.why[0] == '\0');
    EXPECT_TRUE((d = fake_find(&core, a.domid)) != NULL);
    EXPECT_EQ(core.builds, 1);
    EXPECT_EQ(create_count(), 1);
    /* The same name again: refused, nothing built. */
    EXPECT_EQ(create("one.cfg", good, true, &a), 0);
    EXPECT_EQ(a.status, -XEN_EEXIST);
    EXPECT_TRUE(strstr(a.why, "one.cfg:1: name: ") == a.why);
    EXPECT_EQ(core.builds, 1);
    /* It reboots: built again under a new id from the same images. */
    uint16_t old = d->id;
    d->state = MGMT_STATE_SHUTDOWN;
    d->reason = SHUTDOWN_reboot;
    EXPECT_EQ(verbs_reap(&env, &left), 1);
    EXPECT_EQ(core.builds, 2);
    EXPECT_EQ(left, 1);
    EXPECT_TRUE(strstr(core.lines, "rebooted (shutdown reason 1); destroyed; restarted as d") != NULL);
    /* It crashes: preserved (on_crash), logged once. */
    for (unsigned i = 0; i < FAKE_DOMAINS; i++)
        if (core.dom[i].exists && !strcmp(core.dom[i].name, "one"))
            d = &core.dom[i];
    d->state = MGMT_STATE_SHUTDOWN;
    d->reason = SHUTDOWN_crash;
    EXPECT_EQ(verbs_reap(&env, &left), 0);
    EXPECT_EQ(verbs_reap(&env, &left), 0);
    EXPECT_TRUE(strstr(core.lines, "crashed (shutdown reason 3); preserved\n") != NULL);
    EXPECT_TRUE(fake_find(&core, d->id) != NULL);
    /* Powered off: destroyed, forgotten, its images freed. */
    d->reason = SHUTDOWN_poweroff;
    core.dom[0].state = MGMT_STATE_RUNNING;
    create_forget(0);
    EXPECT_EQ(create_count(), 1);
    EXPECT_EQ(create_action(d->id, SHUTDOWN_poweroff), XL_ACTION_DESTROY);
    old = 999; /* no domain control created */
    EXPECT_EQ(create_restart(&env, &old, a.why, sizeof(a.why)), -XEN_ESRCH);
    create_forget(d->id);
    EXPECT_EQ(create_count(), 0);
    EXPECT_EQ(images_bytes(), 0);
    EXPECT_EQ(core.bad_calls, 0);
}

TEST(create_refusals_name_file_line_field)
{
    struct control_create_answer a;

    setup();
    EXPECT_EQ(upload(CONTROL_IMAGE_KERNEL, kernel, sizeof(kernel), ksha, 60000), 0);
    EXPECT_EQ(create("bad.cfg", "name = \"x\"\nkernel = \"k\n", false, &a), 0);
    EXPECT_EQ(a.status, -XEN_EINVAL);
    EXPECT_TRUE(strstr(a.why, "bad.cfg:2: kernel: ") == a.why);
    EXPECT_EQ(create("bad.cfg", "name = \"x\"\nkernel = \"k\"\non_crash = \"explode\"\n", false, &a), 0);
    EXPECT_TRUE(strstr(a.why, "bad.cfg:3: on_crash: ") == a.why);
    EXPECT_EQ(create("big.cfg", "name = \"x\"\nkernel = \"k\"\nmemory = 9000\n", false, &a), 0);
    EXPECT_EQ(a.status, -XEN_ENOMEM);
    EXPECT_TRUE(strstr(a.why, "big.cfg:3: memory: ") == a.why);
    /* The config names a ramdisk that was not sent; a ramdisk not held. */
    EXPECT_EQ(create("r.cfg", "name = \"x\"\nkernel = \"k\"\nramdisk = \"r\"\n", false, &a), 0);
    EXPECT_TRUE(strstr(a.why, "r.cfg:3: ramdisk: ") == a.why);
    EXPECT_EQ(create("r.cfg", "name = \"x\"\nkernel = \"k\"\nramdisk = \"r\"\n", true, &a), 0);
    EXPECT_EQ(a.status, -XEN_ENOENT);
    /* The builder refuses a field: its line in the file. */
    EXPECT_EQ(create("b.cfg", "kernel = \"k\"\nname = \"refuse-me\"\n", false, &a), 0);
    EXPECT_EQ(a.status, -XEN_EINVAL);
    EXPECT_TRUE(strstr(a.why, "b.cfg:2: name: the builder refused it: refused by the model") == a.why);
    EXPECT_EQ(core.builds, 1);
    EXPECT_EQ(create_count(), 0);
    EXPECT_EQ(core.bad_calls, 0);
}

TEST(malformed_create_refused)
{
    struct control_create_request q = { .hdr = hdr(CONTROL_MSG_CREATE), .text_len = 5 };
    struct control_create_answer a;

    setup();
    snprintf(q.file, sizeof(q.file), "x.cfg");
    wire_put(req, &q, &wire_create_request_layout);
    memcpy(req + sizeof(q), "name=", 5);
    EXPECT_EQ(ask(sizeof(q) + 4), -XEN_EINVAL); /* text_len says 5 */
    EXPECT_EQ(ask(sizeof(q) - 1), -XEN_EINVAL); /* shorter than the struct */
    q.has_ramdisk = 2;
    wire_put(req, &q, &wire_create_request_layout);
    EXPECT_EQ(ask(sizeof(q) + 5), -XEN_EINVAL);
    q.has_ramdisk = 0;
    q.ramdisk_sha256[3] = 1; /* a hash without its flag */
    wire_put(req, &q, &wire_create_request_layout);
    EXPECT_EQ(ask(sizeof(q) + 5), -XEN_EINVAL);
    q.ramdisk_sha256[3] = 0;
    memset(q.file, 'a', sizeof(q.file)); /* not NUL-terminated */
    wire_put(req, &q, &wire_create_request_layout);
    EXPECT_EQ(ask(sizeof(q) + 5), -XEN_EINVAL);
    snprintf(q.file, sizeof(q.file), "x\033[2J.cfg"); /* a byte a terminal acts on */
    wire_put(req, &q, &wire_create_request_layout);
    EXPECT_EQ(ask(sizeof(q) + 5), -XEN_EINVAL);
    memset(q.file, 0, sizeof(q.file)); /* empty */
    wire_put(req, &q, &wire_create_request_layout);
    EXPECT_EQ(ask(sizeof(q) + 5), -XEN_EINVAL);
    q.text_len = 0;
    snprintf(q.file, sizeof(q.file), "x.cfg");
    wire_put(req, &q, &wire_create_request_layout);
    EXPECT_EQ(ask(sizeof(q)), -XEN_EINVAL);
    /* The next good request on the same stream is answered. */
    EXPECT_EQ(create("x.cfg", "name = \"x\"\nkernel = \"k\"\n", false, &a), 0);
    EXPECT_EQ(a.status, -XEN_ENOENT);
    EXPECT_EQ(core.builds, 0);
    EXPECT_EQ(core.bad_calls, 0);
}

/* Room is made from images no domain uses, least recently used first;
 * an image a domain uses is never dropped, and freed with its last one. */
TEST(images_make_room_least_recent_first)
{
    uint8_t a[32], b[32], c[32], d[32];
    char why[128];
    bool held;
    uint32_t h;

    setup(); /* 64 KiB */
    memset(a, 1, 32);
    memset(b, 2, 32);
    memset(c, 3, 32);
    memset(d, 4, 32);
    EXPECT_EQ(images_begin(CONTROL_IMAGE_KERNEL, 20000, a, &held, &h, why, sizeof(why)), 0); /* 20 KiB of pages */
    EXPECT_EQ(images_begin(CONTROL_IMAGE_KERNEL, 20000, b, &held, &h, why, sizeof(why)), 0);
    EXPECT_EQ(images_begin(CONTROL_IMAGE_KERNEL, 20000, c, &held, &h, why, sizeof(why)), 0);
    EXPECT_EQ(images_bytes(), 3 * 20480);
    /* d needs a's room: a is the least recently used. */
    EXPECT_EQ(images_begin(CONTROL_IMAGE_KERNEL, 20000, d, &held, &h, why, sizeof(why)), 0);
    EXPECT_EQ(images_bytes(), 3 * 20480);
    EXPECT_EQ(images_begin(CONTROL_IMAGE_KERNEL, 20000, a, &held, &h, why, sizeof(why)), 0); /* b goes */
    EXPECT_TRUE(!held);
    /* A whole image in use stays: uploads then find no room. */
    EXPECT_EQ(upload(CONTROL_IMAGE_KERNEL, kernel, sizeof(kernel), ksha, 20000), 0); /* c goes */
    struct image *k = images_find(CONTROL_IMAGE_KERNEL, ksha);
    EXPECT_TRUE(k != NULL);
    images_hold(k);
    EXPECT_EQ(images_begin(CONTROL_IMAGE_RAMDISK, 60000, b, &held, &h, why, sizeof(why)), -XEN_ENOMEM);
    EXPECT_TRUE(strstr(why, "the images control's domains use fill its") != NULL);
    EXPECT_TRUE(images_find(CONTROL_IMAGE_KERNEL, ksha) == k);
    images_release(k);
    EXPECT_TRUE(images_find(CONTROL_IMAGE_KERNEL, ksha) == NULL);
    EXPECT_EQ(images_begin(CONTROL_IMAGE_RAMDISK, 60000, b, &held, &h, why, sizeof(why)), 0);
    EXPECT_EQ(images_bytes(), 61440);
}

int main(void)
{
    return test_run(
        (const struct test[]){ TEST_ENTRY(upload_checked_and_shared), TEST_ENTRY(create_builds_and_remembers),
                               TEST_ENTRY(create_refusals_name_file_line_field), TEST_ENTRY(malformed_create_refused),
                               TEST_ENTRY(images_make_room_least_recent_first), TEST_END });
}
