/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: what a client sends the control domain after its TLS
 * handshake, and the key file the boot hands it (domains/control). The
 * input's first byte seeds how the stream is cut (as TCP may cut it);
 * the rest is the stream, fed to the frame decoder (wire.c) piece by
 * piece, every whole frame to msg_handle (msg.c), whose verbs (verbs.c)
 * act on the model of the core of the unit tests (control_fake.c), set
 * up afresh for each input. A plain framing of the same bytes predicts
 * each frame and where the stream breaks; every answer is checked
 * against the request it answers and decoded as the tool decodes it;
 * the core never sees a call it would refuse for its fields; the seed
 * byte's top bits take control's capabilities away; frames ending in an
 * odd byte are followed by the watch's reap of shut-down domains; console
 * requests reach the model of the console domain (consctl_fake.c). Every
 * frame is also handed to the tool's answer decoders (wire.c), whose
 * acceptances must encode back to the same bytes. The same bytes are
 * also a key file for key_parse (key.c). Uploads and creates
 * (images.c, create.c) build on the model's build service; each input
 * starts with no image and no created domain.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "consctl_fake.h"
#include "control_fake.h"
#include "create.h"
#include "fuzz.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"
#include "images.h"
#include "key.h"
#include "msg.h"
#include "wire.h"

static struct wire_rx rx;
static struct fake_core core;
static struct verbs_env env;

/* control_fake.h's scene, control holding caps, and a log with bytes a
 * guest may write. */
static void scene(uint64_t caps)
{
    fake_scene(&core, caps);
    fake_log(&core, "[cpu0] core: Mosaic\n\x1b[1mguest bytes\n");
    fake_find(&core, 4)->pv_shutdown = true; /* never obeys: a waiting shutdown times out */
    fake_find(&core, 5)->pv_shutdown = true;
    fake_find(&core, 5)->obey = 3;
    fake_find(&core, 7)->store_open = false; /* the builder did not open its nodes */
    env = fake_env(&core);
    create_forget_all();
    images_init(256 * 1024); /* small: the limit is reached */
    /* The console domain's model behind the console channel: spinner's
     * console and the builder's domain's (never control's to ask for). */
    consfake_reset();
    env.console = consfake_exchange;
    consfake_write(consfake_add(4), "login: \x1b[1m\r\n", 13);
    consfake_write(consfake_add(6), "not control's\n", 14);
}

/* Whether type is a request the server knows (idl/control.idl). */
FUZZ_ORACLE static bool known_type(uint16_t type)
{
    return (type >= CONTROL_MSG_VERSION && type <= CONTROL_MSG_DEVICE_LIST);
}

/* Whether status is one the request type lists (idl/control.idl). */
FUZZ_ORACLE static bool listed_error(uint16_t type, int32_t status)
{
    bool console = type == CONTROL_MSG_CONSOLE;
    bool store = type == CONTROL_MSG_SHUTDOWN || type == CONTROL_MSG_MEM_SET;
    bool dev = type >= CONTROL_MSG_BLOCK_ATTACH && type <= CONTROL_MSG_NET_DETACH;
    bool list = type == CONTROL_MSG_DEVICE_LIST;

    switch (-status) {
    case XEN_EINVAL: return known_type(type);
    case XEN_ENOSYS: return !known_type(type);
    case XEN_EPERM:
        return (type >= CONTROL_MSG_LIST && type <= CONTROL_MSG_SCHED_CREDIT) || type == CONTROL_MSG_UPLOAD ||
               console || store || dev || list;
    case XEN_E2BIG: return type == CONTROL_MSG_UPLOAD || list;
    case XEN_ENOMEM: return type == CONTROL_MSG_UPLOAD || type == CONTROL_MSG_MEM_SET;
    case XEN_EILSEQ: return type == CONTROL_MSG_UPLOAD_DATA;
    case XEN_ESRCH:
    case XEN_EEXIST:
        return console || store || dev || list || (type >= CONTROL_MSG_PAUSE && type <= CONTROL_MSG_SCHED_CREDIT);
    case XEN_ENOENT: /* console: a controlled domain whose console the model does not serve */
        return console || type == CONTROL_MSG_UPLOAD_DATA;
    case XEN_EBUSY: return type == CONTROL_MSG_PAUSE || type == CONTROL_MSG_SHUTDOWN;
    case XEN_ETIMEDOUT: return type == CONTROL_MSG_DESTROY || type == CONTROL_MSG_SHUTDOWN;
    case XEN_EOPNOTSUPP: return type == CONTROL_MSG_SHUTDOWN;
    case XEN_EACCES:
    case XEN_ENODEV: return store || list;
    default: return false;
    }
}

/* A create answer's status: one CONTROL_MSG_CREATE lists. */
FUZZ_ORACLE static bool create_status(int32_t status)
{
    switch (-status) {
    case 0:
    case XEN_EINVAL:
    case XEN_ENOENT:
    case XEN_ENOMEM:
    case XEN_EEXIST:
    case XEN_ENOSPC:
    case XEN_EPERM:
    case XEN_EIO: return true;
    default: return false;
    }
}

/* An answer of type t as the tool decodes it. */
FUZZ_ORACLE static void check_decodes(uint16_t t, const uint8_t *out, size_t n)
{
    static struct control_domain d[CONTROL_LIST_MAX];
    static struct control_vcpu v[CONTROL_VCPUS_MAX];
    union {
        struct control_list_answer list;
        struct control_vcpu_list_answer vl;
        struct control_dmesg_answer dmesg;
        struct control_info_answer info;
        struct control_domain_answer dom;
        struct control_sched_answer sched;
        struct control_upload_answer up;
        struct control_upload_data_answer data;
        struct control_create_answer create;
        struct control_console_answer cons;
        struct control_shutdown_answer shutdown;
        struct control_mem_answer mem;
        struct control_device_answer dev;
        struct control_device_list_answer dl;
    } a;
    static struct control_device dv[CONTROL_DEVICES_MAX];
    const uint8_t *text;
    uint16_t at = t | CONTROL_MSG_ANSWER;

    switch (t) {
    case CONTROL_MSG_LIST: FUZZ_CHECK(wire_list_answer_get(out, n, &a.list, d) == 0); break;
    case CONTROL_MSG_VCPU_LIST: FUZZ_CHECK(wire_vcpu_list_answer_get(out, n, &a.vl, v) == 0); break;
    case CONTROL_MSG_DMESG: FUZZ_CHECK(wire_dmesg_answer_get(out, n, &a.dmesg, &text) == 0); break;
    case CONTROL_MSG_INFO: FUZZ_CHECK(wire_msg_get(out, n, at, &wire_info_answer_layout, &a.info) == 0); break;
    case CONTROL_MSG_SCHED_CREDIT:
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_sched_answer_layout, &a.sched) == 0);
        break;
    case CONTROL_MSG_UPLOAD:
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_upload_answer_layout, &a.up) == 0);
        FUZZ_CHECK(a.up.have == CONTROL_UPLOAD_HELD ? a.up.handle == 0 : a.up.have == 0 && a.up.handle != 0);
        break;
    case CONTROL_MSG_UPLOAD_DATA:
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_upload_data_answer_layout, &a.data) == 0);
        FUZZ_CHECK(a.data.complete <= 1 && a.data.received > 0);
        break;
    case CONTROL_MSG_CREATE:
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_create_answer_layout, &a.create) == 0);
        FUZZ_CHECK(create_status(a.create.status) && (a.create.status == 0) == (a.create.domid != 0));
        FUZZ_CHECK((a.create.status == 0) == (a.create.why[0] == '\0'));
        for (size_t i = 0; a.create.why[i]; i++)
            FUZZ_CHECK(a.create.why[i] >= ' ' && a.create.why[i] <= '~');
        break;
    case CONTROL_MSG_CONSOLE: FUZZ_CHECK(wire_console_answer_get(out, n, &a.cons, &text) == 0); break;
    case CONTROL_MSG_SHUTDOWN:
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_shutdown_answer_layout, &a.shutdown) == 0);
        FUZZ_CHECK(a.shutdown.flags <= CONTROL_SHUTDOWN_GONE);
        break;
    case CONTROL_MSG_MEM_SET:
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_mem_answer_layout, &a.mem) == 0);
        FUZZ_CHECK(a.mem.target_kib >= 1 && a.mem.target_kib <= CONTROL_MEM_KIB_MAX);
        break;
    case CONTROL_MSG_BLOCK_ATTACH:
    case CONTROL_MSG_BLOCK_DETACH:
    case CONTROL_MSG_NET_ATTACH:
    case CONTROL_MSG_NET_DETACH:
        /* The outcome in the answer: an error the request lists, its line printable. */
        FUZZ_CHECK(wire_msg_get(out, n, at, &wire_device_answer_layout, &a.dev) == 0);
        FUZZ_CHECK(a.dev.status == 0 || a.dev.status == -XEN_EINVAL || a.dev.status == -XEN_ESRCH ||
                   a.dev.status == -XEN_EEXIST || a.dev.status == -XEN_EPERM || a.dev.status == -XEN_E2BIG ||
                   a.dev.status == -XEN_EIO || a.dev.status == -XEN_ENOENT || a.dev.status == -XEN_ETIMEDOUT);
        FUZZ_CHECK((a.dev.status == 0) == (a.dev.why[0] == '\0'));
        for (size_t i = 0; a.dev.why[i]; i++)
            FUZZ_CHECK(a.dev.why[i] >= ' ' && a.dev.why[i] <= '~');
        break;
    case CONTROL_MSG_DEVICE_LIST: FUZZ_CHECK(wire_device_list_answer_get(out, n, &a.dl, dv) == 0); break;
    default: FUZZ_CHECK(wire_msg_get(out, n, at, &wire_domain_answer_layout, &a.dom) == 0); break;
    }
}

/* An answer of a struct and nr entries, encoded again: the same n bytes as m. */
FUZZ_ORACLE static void check_encodes_back(const uint8_t *m, size_t n, const void *a, const struct wire_layout *al,
                                           const void *entries, const struct wire_layout *el, unsigned nr)
{
    static uint8_t back[CONTROL_FRAME_MAX];

    FUZZ_CHECK(n == al->size + (size_t)nr * el->size);
    wire_put(back, a, al);
    for (unsigned i = 0; i < nr; i++)
        wire_put(back + al->size + (size_t)i * el->size, (const uint8_t *)entries + (size_t)i * el->size, el);
    FUZZ_CHECK(!memcmp(back, m, n));
}

/* Any bytes as an answer: what the tool's decoders accept encodes back
 * to the same bytes (their checks are strict: nothing is taken that
 * could mean two things). */
FUZZ_ORACLE static void check_answer_decoders(const uint8_t *m, size_t n)
{
    static struct control_domain d[CONTROL_LIST_MAX];
    static struct control_vcpu v[CONTROL_VCPUS_MAX];
    static uint8_t back[CONTROL_FRAME_MAX];
    struct control_list_answer la;
    struct control_vcpu_list_answer va;
    struct control_dmesg_answer da;
    struct control_console_answer ca;
    struct control_device_list_answer dla;
    static struct control_device dv[CONTROL_DEVICES_MAX];
    const uint8_t *text;

    if (wire_list_answer_get(m, n, &la, d) == 0) {
        FUZZ_CHECK(la.nr <= CONTROL_LIST_MAX);
        check_encodes_back(m, n, &la, &wire_list_answer_layout, d, &wire_domain_layout, la.nr);
    }
    if (wire_vcpu_list_answer_get(m, n, &va, v) == 0) {
        FUZZ_CHECK(va.nr >= 1 && va.nr <= CONTROL_VCPUS_MAX);
        check_encodes_back(m, n, &va, &wire_vcpu_list_answer_layout, v, &wire_vcpu_layout, va.nr);
    }
    if (wire_dmesg_answer_get(m, n, &da, &text) == 0) {
        FUZZ_CHECK(da.len <= CONTROL_DMESG_MAX && n == sizeof(da) + da.len && text == m + sizeof(da));
        wire_put(back, &da, &wire_dmesg_answer_layout);
        FUZZ_CHECK(!memcmp(back, m, sizeof(da)));
    }
    if (wire_device_list_answer_get(m, n, &dla, dv) == 0) {
        FUZZ_CHECK(dla.nr <= CONTROL_DEVICES_MAX);
        check_encodes_back(m, n, &dla, &wire_device_list_answer_layout, dv, &wire_device_layout, dla.nr);
    }
    if (wire_console_answer_get(m, n, &ca, &text) == 0) {
        FUZZ_CHECK(ca.len <= CONTROL_CONSOLE_OUT_MAX && n == sizeof(ca) + ca.len && text == m + sizeof(ca) &&
                   ca.next >= ca.len);
        wire_put(back, &ca, &wire_console_answer_layout);
        FUZZ_CHECK(!memcmp(back, m, sizeof(ca)));
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The answer to a message of len bytes at m, against the protocol. */
FUZZ_ORACLE static void check_answer(const uint8_t *m, size_t len)
{
    static uint8_t out[MSG_ANSWER_MAX];
    struct control_version_answer a;
    struct control_error e;
    size_t out_len = 12345;
    int r = msg_handle(&env, m, len, out, sizeof(out), &out_len);
    bool malformed = len < 8 || (m[0] | m[1] << 8) != CONTROL_PROTO_VERSION || (m[3] & 0x80);
    uint16_t type = malformed ? 0 : (uint16_t)(m[2] | m[3] << 8);
    uint32_t id = len >= 8 ? le32(m + 4) : 0;

    FUZZ_CHECK(core.bad_calls == 0);
    if (malformed) {
        FUZZ_CHECK(r == -XEN_EBADMSG && out_len == 0);
        return;
    }
    FUZZ_CHECK(r == 0 && out_len <= sizeof(out));
    if (wire_error_get(out, out_len, &e) == 0) {
        FUZZ_CHECK(e.hdr.id == id && e.request_type == type);
        FUZZ_CHECK(listed_error(type, e.status));
        FUZZ_CHECK(type != CONTROL_MSG_VERSION || len != 8);
        return;
    }
    FUZZ_CHECK(known_type(type));
    if (type == CONTROL_MSG_DEBUG_CRASH) {
        unsigned asked = core.crashes;
        struct control_msg_header h;
        FUZZ_CHECK(len == 8 && out_len == sizeof(h) && wire_hdr_get(out, out_len, &h) == 0);
        FUZZ_CHECK(h.id == id && h.type == (CONTROL_MSG_DEBUG_CRASH | CONTROL_MSG_ANSWER) && asked > 0);
        return;
    }
    if (type == CONTROL_MSG_VERSION) {
        FUZZ_CHECK(len == 8 && wire_version_answer_get(out, out_len, &a) == 0);
        FUZZ_CHECK(a.hdr.id == id && a.max_frame == CONTROL_FRAME_MAX);
        return;
    }
    FUZZ_CHECK(le32(out + 4) == id);
    check_decodes(type, out, out_len);
}

/* Now and then (a frame whose last byte is odd) the watch's look at the
 * domains, as VIRQ_DOM_EXC brings it: with the control capability every
 * shut-down domain control controls is gone after it and the others are
 * counted; without it nothing changes and the count is unknown. */
FUZZ_ORACLE static void check_reap(const uint8_t *m, size_t len)
{
    unsigned left = 0, want = 0, before = core.destroyed, slept = core.sleeps;
    unsigned reaped;

    if (!(m[len - 1] & 1))
        return;
    reaped = verbs_reap(&env, &left);
    FUZZ_CHECK(core.bad_calls == 0 && core.destroyed == before + reaped);
    for (unsigned i = 0; i < FAKE_DOMAINS; i++) {
        const struct fake_domain *d = &core.dom[i];
        if (!d->exists || d->dying || d->controller != core.self)
            continue;
        /* One that obeyed control/shutdown while the reap waited for
         * another to go shut down after the reap looked at it. */
        FUZZ_CHECK(d->state != MGMT_STATE_SHUTDOWN || !(core.self_caps & MGMT_CAP_DOMAIN_CONTROL) ||
                   create_action(d->id, d->reason) == XL_ACTION_PRESERVE || d->obeyed_at > slept);
        want++;
    }
    FUZZ_CHECK(left == ((core.self_caps & MGMT_CAP_DOMAIN_CONTROL) ? want : UINT_MAX));
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
                check_answer_decoders(rx.buf, rx.len);
                check_reap(rx.buf, rx.len);
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
    /* The seed byte's top bits take capabilities away: the refusals then. */
    scene((data[0] & 0x80 ? 0 : MGMT_CAP_DOMAIN_CONTROL) | (data[0] & 0x40 ? 0 : MGMT_CAP_LOG));
    check_stream(copy, size - 1, data[0]);
    check_key(copy, size - 1);
    free(copy);
    return 0;
}
