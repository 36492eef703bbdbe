/* SPDX-License-Identifier: MIT */
/*
 * mosaic create (create.h). The images are sent in chunks of
 * CONTROL_UPLOAD_CHUNK_MAX, several in flight before their answers are
 * read (the control domain answers in order), with a progress bar on a
 * terminal.
 */
#include "create.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "mbedtls/sha256.h"
#include "session.h"
#include "show.h"
#include "wire.h"
#include "xl_cfg.h"

#define IN_FLIGHT 8 /* upload chunks sent before the first answer is read */
#define BAR_WIDTH 30

enum progress { PROGRESS_BAR, PROGRESS_LINES, PROGRESS_QUIET };

/* An image read from the operator's machine. */
struct upload {
    const char *what; /* "kernel", "ramdisk" */
    uint32_t kind;    /* CONTROL_IMAGE_* */
    char path[4096];
    uint8_t *data;
    uint64_t size;
    uint8_t sha256[CONTROL_SHA256_SIZE];
};

/* The whole file at path, at most max bytes: 0, or an errno (EFBIG above max). */
static int read_file(const char *path, uint64_t max, uint8_t **data, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int err = 0;

    if (!f)
        return errno;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *more = realloc(buf, cap);
            if (!more) {
                err = ENOMEM;
                break;
            }
            buf = more;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            err = EFBIG;
            break;
        }
        if (got == 0) {
            err = ferror(f) ? EIO : 0;
            break;
        }
    }
    fclose(f);
    if (err) {
        free(buf);
        return err;
    }
    *data = buf;
    *size = n;
    return 0;
}

/* A path of the config: relative ones are relative to the config's folder. */
static void resolve(const char *cfg, const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(cfg, '/');

    if (path[0] == '/' || !slash)
        snprintf(out, cap, "%s", path);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - cfg), cfg, path);
}

/* The image at the config's key: read, its size checked, hashed. */
static int load(const char *verb, const char *cfg, const struct xl_cfg *c, enum xl_cfg_field key, const char *value,
                uint64_t max, struct upload *u)
{
    int err;

    resolve(cfg, value, u->path, sizeof(u->path));
    if ((err = read_file(u->path, max, &u->data, &u->size)) != 0 || u->size == 0) {
        fprintf(stderr, "%s:%u: %s: '%s': %s\n", cfg, c->line[key], xl_cfg_field_name(key), u->path,
                err == EFBIG ? "larger than the builder takes"
                : err        ? strerror(err)
                             : "empty");
        (void)verb;
        return MOSAIC_LOCAL;
    }
    (void)mbedtls_sha256_ret(u->data, u->size, u->sha256, 0);
    return MOSAIC_OK;
}

static void progress(enum progress p, const struct upload *u, uint64_t done, int *shown)
{
    int pct = u->size ? (int)(done * 100 / u->size) : 100;

    if (p == PROGRESS_QUIET)
        return;
    if (p == PROGRESS_LINES) {
        /* A line at every quarter, and at the end. */
        if (pct / 25 > *shown / 25 || (pct == 100 && *shown != 100)) {
            fprintf(stderr, "mosaic: create: %s %d%%\n", u->what, pct);
            *shown = pct;
        }
        return;
    }
    if (pct == *shown)
        return;
    *shown = pct;
    int fill = pct * BAR_WIDTH / 100;
    fprintf(stderr, "\r%-8s [%.*s%*s] %3d%% %6.1f MiB", u->what, fill, "##############################",
            BAR_WIDTH - fill, "", pct, (double)u->size / (1024 * 1024));
    if (pct == 100)
        fputc('\n', stderr);
    fflush(stderr);
}

/* One request's answer, of its type and id, into s->c.rx: MOSAIC_OK, or
 * the error answer explained, or a transport failure's status. */
static int answer_of(struct session *s, uint16_t type, uint32_t id)
{
    static const struct {
        int status;
        const char *what;
    } why[] = {
        { -XEN_ENOMEM, "the control domain has no room for the image (its images= limit, or its memory)" },
        { -XEN_E2BIG, "the image is larger than the builder takes" },
        { -XEN_EPERM, "the control domain cannot build domains (no build_service = yes in its manifest section)" },
        { -XEN_ENOENT, "the control domain dropped the upload (room was needed for another): try again" },
        { -XEN_EILSEQ, "the image's bytes arrived with another SHA-256: try again" },
        { -XEN_ENOSYS, "the control domain does not know this request (an older one)" },
    };
    struct control_msg_header h;
    struct control_error e;
    char line[256];
    enum client_status st;

    if ((st = client_recv(&s->c, line, sizeof(line))) != CLIENT_OK)
        return session_fail((int)st, s->verb, "%s", line);
    if (wire_hdr_get(s->c.rx.buf, s->c.rx.len, &h) != 0 || h.id != id)
        return session_fail(MOSAIC_PROTOCOL, s->verb, "%s", "the control domain's answer is not to our request");
    if (wire_error_get(s->c.rx.buf, s->c.rx.len, &e) == 0 && e.request_type == type) {
        for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++)
            if (why[i].status == e.status)
                return session_fail(MOSAIC_DENIED, s->verb, "%s", why[i].what);
        return session_fail(MOSAIC_DENIED, s->verb, "the control domain refused the request (error %d)", e.status);
    }
    if (h.type != (type | CONTROL_MSG_ANSWER))
        return session_fail(MOSAIC_PROTOCOL, s->verb, "%s", "the control domain's answer is of another type");
    return MOSAIC_OK;
}

/* Sends msg (len bytes), its header's id set: the id in *id. */
static int send_one(struct session *s, uint8_t *msg, size_t len, uint32_t *id)
{
    struct control_msg_header h;
    enum client_status st;
    char why[256];

    if (wire_hdr_get(msg, len, &h) != 0)
        return session_fail(MOSAIC_LOCAL, s->verb, "%s", "a request without its header");
    h.id = *id = s->next_id++;
    wire_hdr_put(msg, &h);
    if ((st = client_send(&s->c, msg, len, why, sizeof(why))) != CLIENT_OK)
        return session_fail((int)st, s->verb, "%s", why);
    return MOSAIC_OK;
}

/* The image uploaded unless the control domain holds it already. */
static int upload(struct session *s, struct upload *u, enum progress p)
{
    static uint8_t msg[CONTROL_FRAME_MAX];
    struct control_upload_request q = { .hdr = session_request_hdr(CONTROL_MSG_UPLOAD),
                                        .kind = u->kind,
                                        .size = u->size };
    struct control_upload_answer a;
    uint32_t ids[IN_FLIGHT], first, id;
    uint64_t sent = 0, acked = 0;
    unsigned head = 0, tail = 0;
    int r, shown = -1;

    memcpy(q.sha256, u->sha256, sizeof(q.sha256));
    wire_put(msg, &q, &wire_upload_request_layout);
    if ((r = send_one(s, msg, sizeof(q), &first)) != 0 || (r = answer_of(s, CONTROL_MSG_UPLOAD, first)) != 0)
        return r;
    if (wire_msg_get(s->c.rx.buf, s->c.rx.len, CONTROL_MSG_UPLOAD | CONTROL_MSG_ANSWER, &wire_upload_answer_layout,
                     &a) != 0 ||
        a.have > CONTROL_UPLOAD_HELD || (a.have == CONTROL_UPLOAD_NEEDED) != (a.handle != 0))
        return session_broken(s);
    if (a.have == CONTROL_UPLOAD_HELD) {
        if (p != PROGRESS_QUIET)
            fprintf(stderr, "mosaic: create: %s held by the control domain already (%llu bytes)\n", u->what,
                    (unsigned long long)u->size);
        return MOSAIC_OK;
    }
    progress(p, u, 0, &shown);
    while (acked < u->size) {
        /* Fill the window, then take the oldest answer. */
        while (sent < u->size && head - tail < IN_FLIGHT) {
            uint64_t left = u->size - sent;
            struct control_upload_data_request d = {
                .hdr = session_request_hdr(CONTROL_MSG_UPLOAD_DATA),
                .handle = a.handle,
                .len = left < CONTROL_UPLOAD_CHUNK_MAX ? (uint32_t)left : CONTROL_UPLOAD_CHUNK_MAX,
                .offset = sent,
            };
            wire_put(msg, &d, &wire_upload_data_request_layout);
            memcpy(msg + sizeof(d), u->data + sent, d.len);
            if ((r = send_one(s, msg, sizeof(d) + d.len, &id)) != 0)
                return r;
            ids[head++ % IN_FLIGHT] = id;
            sent += d.len;
        }
        struct control_upload_data_answer da;
        if ((r = answer_of(s, CONTROL_MSG_UPLOAD_DATA, ids[tail++ % IN_FLIGHT])) != 0)
            return r;
        if (wire_msg_get(s->c.rx.buf, s->c.rx.len, CONTROL_MSG_UPLOAD_DATA | CONTROL_MSG_ANSWER,
                         &wire_upload_data_answer_layout, &da) != 0 ||
            da.received <= acked || da.received > u->size || da.complete != (da.received == u->size))
            return session_broken(s);
        acked = da.received;
        progress(p, u, acked, &shown);
    }
    return MOSAIC_OK;
}

/* The config sent: the new domain's id and name into a. */
static int send_create(struct session *s, const char *cfg, const uint8_t *text, size_t len, const struct upload *kernel,
                       const struct upload *ramdisk, struct control_create_answer *a)
{
    static uint8_t msg[CONTROL_FRAME_MAX];
    struct control_create_request q = { .hdr = session_request_hdr(CONTROL_MSG_CREATE), .text_len = (uint32_t)len };
    uint32_t id;
    int r;

    snprintf(q.file, sizeof(q.file), "%s", cfg);
    memcpy(q.kernel_sha256, kernel->sha256, sizeof(q.kernel_sha256));
    if (ramdisk) {
        q.has_ramdisk = 1;
        memcpy(q.ramdisk_sha256, ramdisk->sha256, sizeof(q.ramdisk_sha256));
    }
    wire_put(msg, &q, &wire_create_request_layout);
    memcpy(msg + sizeof(q), text, len);
    if ((r = send_one(s, msg, sizeof(q) + len, &id)) != 0 || (r = answer_of(s, CONTROL_MSG_CREATE, id)) != 0)
        return r;
    if (wire_msg_get(s->c.rx.buf, s->c.rx.len, CONTROL_MSG_CREATE | CONTROL_MSG_ANSWER, &wire_create_answer_layout,
                     a) != 0 ||
        a->status > 0 || (a->status == 0) != (a->domid != 0) || a->domid >= DOMID_FIRST_RESERVED)
        return session_broken(s);
    return MOSAIC_OK;
}

int create_run(const struct opts *o, int argc, char **argv)
{
    static struct xl_cfg c;
    static struct xl_cfg_msgs msgs;
    static struct upload kernel = { .what = "kernel", .kind = CONTROL_IMAGE_KERNEL };
    static struct upload ramdisk = { .what = "ramdisk", .kind = CONTROL_IMAGE_RAMDISK };
    struct control_create_answer a;
    enum progress p = isatty(STDERR_FILENO) ? PROGRESS_BAR : PROGRESS_LINES;
    const char *cfg = NULL;
    bool console = false;
    char dom[12];
    uint8_t *text = NULL;
    uint64_t len = 0;
    struct session s;
    int r, err;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c"))
            console = true;
        else if (!strcmp(argv[i], "-q"))
            p = PROGRESS_QUIET;
        else if (argv[i][0] == '-' || cfg)
            return session_usage(argv[0], "takes [-c] [-q] and one config file");
        else
            cfg = argv[i];
    }
    if (!cfg)
        return session_usage(argv[0], "takes a config file");
    if ((err = read_file(cfg, CONTROL_CFG_TEXT_MAX, &text, &len)) != 0)
        return session_fail(MOSAIC_LOCAL, argv[0], "%s: %s", cfg,
                            err == EFBIG ? "larger than a create request carries (65000 bytes)" : strerror(err));
    if (xl_cfg_parse(cfg, (const char *)text, len, &c, &msgs) != 0) {
        fprintf(stderr, "%s\n", msgs.error);
        free(text);
        return MOSAIC_LOCAL;
    }
    for (unsigned i = 0; i < msgs.nr_warnings; i++)
        fprintf(stderr, "%s\n", msgs.warnings[i]);
    if ((r = load(argv[0], cfg, &c, XL_CFG_KERNEL, c.kernel, CONTROL_KERNEL_MAX, &kernel)) != 0 ||
        (c.ramdisk[0] && (r = load(argv[0], cfg, &c, XL_CFG_RAMDISK, c.ramdisk, CONTROL_RAMDISK_MAX, &ramdisk)) != 0)) {
        free(text);
        return r;
    }
    if ((r = session_open(&s, o, argv[0])) == 0) {
        if ((r = upload(&s, &kernel, p)) == 0 && (!c.ramdisk[0] || (r = upload(&s, &ramdisk, p)) == 0))
            r = send_create(&s, cfg, text, len, &kernel, c.ramdisk[0] ? &ramdisk : NULL, &a);
        session_close(&s);
    }
    free(text);
    free(kernel.data);
    free(ramdisk.data);
    if (r)
        return r;
    if (a.status) {
        char line[CONTROL_WHY_MAX];
        show_text(a.why, sizeof(a.why), line, sizeof(line));
        fprintf(stderr, "%s\n", line); /* the control domain's one line: FILE:LINE: FIELD: what */
        return MOSAIC_DENIED;
    }
    printf("%u\n", a.domid);
    fflush(stdout);
    if (!console)
        return MOSAIC_OK;
    snprintf(dom, sizeof(dom), "%u", a.domid); /* by id: the name may be given again meanwhile */
    return console_attach(o, dom);
}
