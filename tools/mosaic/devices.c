/* SPDX-License-Identifier: MIT */
/*
 * mosaic's hot-plug verbs (devices.h): block-attach, block-detach,
 * network-attach, network-detach and block-list, network-list, with xl's
 * arguments and output. A spec is read here with lib/xl first, as the
 * control domain and the builder read it again: a spec xl would refuse
 * is one line and nothing is sent.
 */
#include "devices.h"

#include <stdio.h>
#include <string.h>

#include "devspec.h"
#include "idl/xen_errno.h"
#include "session.h"
#include "show.h"
#include "wire.h"

/* The request's spec from the arguments after the domain (xl joins an
 * attach's several arguments with commas); a spec xl would refuse is one
 * line here. */
static int spec_from_args(const char *verb, uint16_t type, int argc, char **argv, char *spec)
{
    char why[CONTROL_WHY_MAX];
    size_t n = 0;

    memset(spec, 0, CONTROL_DEVSPEC_MAX);
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (n + len + (i > 0) >= CONTROL_DEVSPEC_MAX)
            return session_fail(MOSAIC_LOCAL, verb, "the spec is longer than %u bytes", CONTROL_DEVSPEC_MAX - 1);
        if (i > 0)
            spec[n++] = ',';
        memcpy(spec + n, argv[i], len);
        n += len;
    }
    for (size_t i = 0; i < n; i++)
        if (spec[i] < ' ' || spec[i] > '~')
            return session_fail(MOSAIC_LOCAL, verb, "the spec has a byte that is not printable");
    if (devspec_check(type, spec, why, sizeof(why)) != 0)
        return session_fail(MOSAIC_LOCAL, verb, "%s", why);
    return MOSAIC_OK;
}

/* One hot-plug request; nothing printed when done, as xl. */
static int device_verb(const struct opts *o, int argc, char **argv, uint16_t type, const char *usage)
{
    struct control_device_request q = { .hdr = session_request_hdr(type) };
    struct control_device_answer a;
    uint8_t msg[sizeof(q)];
    struct session s;
    bool attach = type == CONTROL_MSG_BLOCK_ATTACH || type == CONTROL_MSG_NET_ATTACH;
    int min = type == CONTROL_MSG_NET_ATTACH ? 2 : 3;
    int r;

    if (argc < min || (!attach && argc != 3) || argv[1][0] == '-')
        return session_usage(argv[0], usage);
    /* A network-attach without a spec is a vif of every default but its
     * driver domain, which Mosaic must be told: backend= is required. */
    if ((r = session_qualifier(argv[0], argv[1], q.domain)) != 0 ||
        (r = spec_from_args(argv[0], type, argc - 2, argv + 2, q.spec)) != 0)
        return r;
    if ((r = session_open(&s, o, argv[0])) != 0)
        return r;
    wire_put(msg, &q, &wire_device_request_layout);
    /* A detach may wait for the guest (10 s): wait for its answer. */
    if ((r = session_exchange(&s, msg, sizeof(msg), argv[1], false)) == 0 &&
        wire_msg_get(s.c.rx.buf, s.c.rx.len, type | CONTROL_MSG_ANSWER, &wire_device_answer_layout, &a) != 0)
        r = session_broken(&s);
    session_close(&s);
    if (r)
        return r;
    if (a.status) {
        char line[CONTROL_WHY_MAX];
        show_text(a.why, sizeof(a.why), line, sizeof(line));
        return session_fail(a.status == -XEN_ESRCH ? MOSAIC_NO_DOMAIN : MOSAIC_DENIED, argv[0], "%s", line);
    }
    return MOSAIC_OK;
}

int devices_block_attach(const struct opts *o, int argc, char **argv)
{
    return device_verb(o, argc, argv, CONTROL_MSG_BLOCK_ATTACH, "takes a domain and a disk spec");
}

int devices_block_detach(const struct opts *o, int argc, char **argv)
{
    return device_verb(o, argc, argv, CONTROL_MSG_BLOCK_DETACH, "takes a domain and a virtual device (xvdb)");
}

int devices_network_attach(const struct opts *o, int argc, char **argv)
{
    return device_verb(o, argc, argv, CONTROL_MSG_NET_ATTACH, "takes a domain and a vif spec");
}

int devices_network_detach(const struct opts *o, int argc, char **argv)
{
    return device_verb(o, argc, argv, CONTROL_MSG_NET_DETACH, "takes a domain and a vif's devid or MAC");
}

/* A number of the list, as xl prints a value it could not read: -1. */
static long long num(uint32_t v)
{
    return v == CONTROL_DEVICE_NONE ? -1 : (long long)v;
}

static void print_devices(uint32_t kind, uint16_t domid, const struct control_device *d, unsigned nr)
{
    if (kind == CONTROL_DEVICE_DISK)
        printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref",
               "BE-path");
    else
        printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.", "handle", "state", "evt-ch",
               "tx-", "rx-ring-ref", "BE-path");
    for (unsigned i = 0; i < nr; i++) {
        char be[sizeof(d[i].backend)], mac[sizeof(d[i].mac)];
        show_text(d[i].backend, sizeof(d[i].backend), be, sizeof(be));
        show_text(d[i].mac, sizeof(d[i].mac), mac, sizeof(mac));
        if (kind == CONTROL_DEVICE_DISK)
            printf("%-5u %-3lld %-6u %-5lld %-6lld %-8lld %-30s\n", d[i].devid, num(d[i].backend_id), domid,
                   num(d[i].state), num(d[i].evtch), num(d[i].ring_ref), be);
        else
            printf("%-3u %-2lld %-17s %-6u %-5lld %-6lld %5lld/%-11lld %-30s\n", d[i].devid, num(d[i].backend_id), mac,
                   d[i].devid, num(d[i].state), num(d[i].evtch), num(d[i].ring_ref), num(d[i].rx_ring_ref), be);
    }
}

/* block-list, network-list: xl's columns, one line per device of each
 * domain named. */
static int list_verb(const struct opts *o, int argc, char **argv, uint32_t kind)
{
    static struct control_device d[CONTROL_DEVICES_MAX];
    struct control_device_list_request q = { .hdr = session_request_hdr(CONTROL_MSG_DEVICE_LIST), .kind = kind };
    struct control_device_list_answer a;
    uint8_t msg[sizeof(q)];
    struct session s;
    int r = MOSAIC_OK;

    if (argc < 2)
        return session_usage(argv[0], "takes one domain or more, by name or id");
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' || (r = session_qualifier(argv[0], argv[i], q.domain)) != 0)
            return r ? r : session_usage(argv[0], "takes one domain or more, by name or id");
    if ((r = session_open(&s, o, argv[0])) != 0)
        return r;
    for (int i = 1; i < argc && r == MOSAIC_OK; i++) {
        (void)session_qualifier(argv[0], argv[i], q.domain); /* checked above */
        wire_put(msg, &q, &wire_device_list_request_layout);
        if ((r = session_exchange(&s, msg, sizeof(msg), argv[i], false)) != 0)
            break;
        if (wire_device_list_answer_get(s.c.rx.buf, s.c.rx.len, &a, d) != 0) {
            r = session_broken(&s);
            break;
        }
        /* xl prints the header once per domain it lists. */
        print_devices(kind, a.domid, d, a.nr);
    }
    session_close(&s);
    return r;
}

int devices_block_list(const struct opts *o, int argc, char **argv)
{
    return list_verb(o, argc, argv, CONTROL_DEVICE_DISK);
}

int devices_network_list(const struct opts *o, int argc, char **argv)
{
    return list_verb(o, argc, argv, CONTROL_DEVICE_VIF);
}
