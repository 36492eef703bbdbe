/* SPDX-License-Identifier: MIT */
/*
 * mosaic, the operator's tool (tools/mosaic/README.md). For now the
 * connection layer and the commands that prove it: keygen (the install
 * step's key), version (one request, one answer) and debug-send (raw
 * bytes after the handshake, for the control domain's framing tests).
 * The xl-style verbs come on top of client.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "keyfile.h"

#define DEFAULT_HOST    "127.0.0.1"
#define DEFAULT_TIMEOUT 60u /* seconds per step: a handshake under emulation takes a while */

struct opts {
    const char *key, *host, *port, *identity;
    uint32_t timeout_ms;
    unsigned repeat, interval_ms;
    int verbose;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mosaic [OPTIONS] COMMAND [ARGS]\n"
            "\n"
            "Commands:\n"
            "  keygen               create the management key if it does not exist (mode 0600)\n"
            "  version              ask the control domain for its version and print it\n"
            "  debug-send HEX       after the handshake send these bytes as they are (no frame),\n"
            "                       then wait for one answer (a test of the server's framing)\n"
            "\n"
            "Options:\n"
            "  --key FILE           the key (default $MOSAIC_KEY, else\n"
            "                       ${XDG_CONFIG_HOME:-$HOME/.config}/mosaic/key)\n"
            "  --host ADDR          the control domain's address (default $MOSAIC_HOST, else %s)\n"
            "  --port N             its port (default $MOSAIC_PORT, else %u)\n"
            "  --timeout SECS       for connecting, the handshake and each answer (default %u)\n"
            "  --identity NAME      keygen: the key's identity (default operator)\n"
            "  --repeat N           version: ask N times on one connection (default 1)\n"
            "  --interval MS        version: wait MS between them (default 0)\n"
            "  -v                   also say how long the handshake took\n"
            "\n"
            "Exit status: 0 done; 1 a local problem (usage, the key file); 2 the control domain\n"
            "is unreachable; 3 it refused us (wrong key); 4 a broken or missing answer.\n",
            DEFAULT_HOST, CONTROL_PORT_DEFAULT, DEFAULT_TIMEOUT);
}

static int fail(enum client_status s, const char *why)
{
    fprintf(stderr, "mosaic: %s\n", why);
    return (int)s;
}

static int connect_with_key(const struct opts *o, struct client *c)
{
    char path[4096], why[512];
    struct key k;
    enum client_status s;

    if (keyfile_path(o->key, path, sizeof(path), why, sizeof(why)) != 0 || keyfile_load(path, &k, why, sizeof(why)))
        return fail(CLIENT_LOCAL, why);
    s = client_connect(c, o->host, o->port, &k, o->timeout_ms, why, sizeof(why));
    memset(&k, 0, sizeof(k));
    if (s != CLIENT_OK) {
        client_close(c);
        return fail(s, why);
    }
    if (o->verbose)
        fprintf(stderr, "mosaic: handshake with %s:%s took %llu ms\n", o->host, o->port,
                (unsigned long long)c->handshake_ms);
    return 0;
}

/* One version request and its answer, printed. */
static int ask_version(struct client *c, uint32_t id)
{
    uint8_t req[sizeof(struct control_msg_header)];
    struct control_msg_header h = { .version = CONTROL_PROTO_VERSION, .type = CONTROL_MSG_VERSION, .id = id };
    struct control_version_answer a;
    struct control_error e;
    enum client_status s;
    char why[256];

    wire_hdr_put(req, &h);
    if ((s = client_send(c, req, sizeof(req), why, sizeof(why))) != CLIENT_OK ||
        (s = client_recv(c, why, sizeof(why))) != CLIENT_OK)
        return fail(s, why);
    if (wire_error_get(c->rx.buf, c->rx.len, &e) == 0) {
        snprintf(why, sizeof(why), "the control domain answered error %d to the version request", e.status);
        return fail(CLIENT_PROTOCOL, why);
    }
    if (wire_version_answer_get(c->rx.buf, c->rx.len, &a) != 0 || a.hdr.id != id)
        return fail(CLIENT_PROTOCOL, "the control domain's answer is not a version answer to our request");
    printf("control domain: %s, protocol %u..%u, frames up to %u bytes\n", a.server, a.proto_min, a.proto_max,
           a.max_frame);
    fflush(stdout);
    return 0;
}

static int cmd_version(const struct opts *o)
{
    struct client c;
    int r = connect_with_key(o, &c);

    if (r)
        return r;
    for (unsigned i = 0; r == 0 && i < o->repeat; i++) {
        if (i && o->interval_ms)
            usleep(o->interval_ms * 1000u);
        r = ask_version(&c, i + 1);
    }
    client_close(&c);
    return r;
}

static int cmd_debug_send(const struct opts *o, const char *hex)
{
    uint8_t bytes[4096];
    size_t n = strlen(hex) / 2;
    struct client c;
    enum client_status s;
    char why[256];
    int r;

    if (strlen(hex) % 2 || n == 0 || n > sizeof(bytes))
        return fail(CLIENT_LOCAL, "debug-send takes 1 to 4096 bytes in hex");
    for (size_t i = 0; i < n; i++) {
        int hi = key_hex_value(hex[2 * i]), lo = key_hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return fail(CLIENT_LOCAL, "debug-send: not hex");
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    if ((r = connect_with_key(o, &c)) != 0)
        return r;
    s = client_send_raw(&c, bytes, n, why, sizeof(why));
    if (s == CLIENT_OK)
        s = client_recv(&c, why, sizeof(why));
    client_close(&c);
    if (s != CLIENT_OK)
        return fail(s, why);
    printf("mosaic: an answer of %u bytes\n", c.rx.len);
    return 0;
}

static int cmd_keygen(const struct opts *o)
{
    char path[4096], why[512];
    int r;

    if (keyfile_path(o->key, path, sizeof(path), why, sizeof(why)) != 0)
        return fail(CLIENT_LOCAL, why);
    r = keyfile_create(path, o->identity, why, sizeof(why));
    if (r < 0)
        return fail(CLIENT_LOCAL, why);
    printf("mosaic: %s %s\n", r ? "created the management key" : "the management key exists:", path);
    return 0;
}

static int number(const char *arg, const char *what, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);

    if (*end || end == arg || v > max) {
        fprintf(stderr, "mosaic: %s: '%s' is not a number up to %u\n", what, arg, max);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *cmd)
{
    unsigned secs = DEFAULT_TIMEOUT;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(opt, "-v")) {
            o->verbose = 1;
            continue;
        }
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!val) {
            fprintf(stderr, "mosaic: %s needs a value\n", opt);
            return -1;
        }
        i++;
        if (!strcmp(opt, "--key"))
            o->key = val;
        else if (!strcmp(opt, "--host"))
            o->host = val;
        else if (!strcmp(opt, "--port"))
            o->port = val;
        else if (!strcmp(opt, "--identity"))
            o->identity = val;
        else if (!strcmp(opt, "--timeout")    ? number(val, opt, 3600, &secs)
                 : !strcmp(opt, "--repeat")   ? number(val, opt, 100000, &o->repeat)
                 : !strcmp(opt, "--interval") ? number(val, opt, 3600000, &o->interval_ms)
                                              : (fprintf(stderr, "mosaic: unknown option %s\n", opt), -1))
            return -1;
    }
    o->timeout_ms = secs * 1000u;
    *cmd = i;
    return i < argc ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct opts o = {
        .host = getenv("MOSAIC_HOST"), .port = getenv("MOSAIC_PORT"), .identity = "operator", .repeat = 1
    };
    char port[8];
    int cmd;

    snprintf(port, sizeof(port), "%u", CONTROL_PORT_DEFAULT);
    if (!o.host || !*o.host)
        o.host = DEFAULT_HOST;
    if (!o.port || !*o.port)
        o.port = port;
    if (parse_opts(argc, argv, &o, &cmd) != 0) {
        usage(stderr);
        return CLIENT_LOCAL;
    }
    if (!strcmp(argv[cmd], "version") && cmd + 1 == argc)
        return cmd_version(&o);
    if (!strcmp(argv[cmd], "keygen") && cmd + 1 == argc)
        return cmd_keygen(&o);
    if (!strcmp(argv[cmd], "debug-send") && cmd + 2 == argc)
        return cmd_debug_send(&o, argv[cmd + 1]);
    fprintf(stderr, "mosaic: unknown command or arguments: %s\n", argv[cmd]);
    usage(stderr);
    return CLIENT_LOCAL;
}
