/* SPDX-License-Identifier: MIT */
/*
 * control, the control domain (README.md): serves the operator's
 * `mosaic` tool over TLS on a management NIC of its own: the NIC and
 * lwIP (mgmtnet.c), TLS and the connections (conn.c), the frames and
 * requests (wire.c, msg.c), the management verbs on the domains it
 * controls (verbs.c), whose shutdowns it watches (verbs_domain.c), and
 * the console channel to the console domain (conschan.c).
 *
 * One event loop on one vCPU, no threads, as in netdrv: the NIC's
 * interrupt, lwIP's timers and VIRQ_DOM_EXC are the only sources of
 * work, and every TLS handshake and request runs to its end inside
 * lwIP's callbacks.
 *
 * Boot module 0 (the manifest's `ramdisk = ...`) is the management key
 * file (key.h). Arguments: port=N (default CONTROL_PORT_DEFAULT),
 * ip=dhcp (default) or ip=A.B.C.D/N with gw=A.B.C.D, and for test runs
 * exit=idle: end once every domain it was given is gone (for
 * IDLE_EXIT_NS) and no client is connected, so that a scenario can end
 * with every domain gone and count the frames, as xenstored's does.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_domain.h"
#include "conn.h"
#include "conschan.h"
#include "crash.h"
#include "entropy.h"
#include "images.h"
#include "idl/control.h"
#include "key.h"
#include "mgmtnet.h"
#include "mosaic/evtchn.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"
#include "verbs_domain.h"

#define IDLE_EXIT_NS (10 * TIME_NS_PER_S)

static bool exit_idle;      /* exit=idle */
static unsigned images_mib; /* images=MiB: what uploaded images may take (0: images.h's default) */

static int parse_args(int argc, char **argv, struct mgmtnet_cfg *net, uint16_t *port)
{
    for (int i = 1; i < argc; i++) {
        int r = mgmtnet_parse_arg(argv[i], net);
        if (r < 0)
            return r; /* mgmtnet_parse_arg said why */
        if (r > 0)
            continue;
        if (!strncmp(argv[i], "port=", 5)) {
            char *end;
            unsigned long v = strtoul(argv[i] + 5, &end, 10);
            if (*end || end == argv[i] + 5 || v == 0 || v > 65535) {
                printf("control: %s: expected port=1..65535\n", argv[i]);
                return -1;
            }
            *port = (uint16_t)v;
        } else if (!strncmp(argv[i], "images=", 7)) {
            char *end;
            unsigned long v = strtoul(argv[i] + 7, &end, 10);
            if (*end || end == argv[i] + 7 || v == 0 || v > 4096) {
                printf("control: %s: expected images=1..4096 (MiB)\n", argv[i]);
                return -1;
            }
            images_mib = (unsigned)v;
        } else if (!strcmp(argv[i], "exit=idle")) {
            exit_idle = true;
        } else {
            printf("control: unknown argument '%s' ignored\n", argv[i]);
        }
    }
    return 0;
}

/* The management key from boot module 0. */
static int key_load(struct key *key)
{
    const struct runtime_module *m = runtime_module(0);
    char why[128];

    if (!m) {
        printf("control: no key module (the manifest's ramdisk = the key file): refusing to serve without one\n");
        return -1;
    }
    if (key_parse(m->data, m->size, key, why, sizeof(why)) != 0) {
        printf("control: the key module: %s\n", why);
        return -1;
    }
    return 0;
}

static int setup(int argc, char **argv, uint16_t *port)
{
    struct mgmtnet_cfg net;
    struct key key;
    unsigned seed;
    long r;

    memset(&net, 0, sizeof(net));
    if (parse_args(argc, argv, &net, port) != 0 || key_load(&key) != 0)
        return -1;
    if (entropy_init() != 0 || entropy_get(&seed, sizeof(seed)) != 0) {
        printf("control: the CPU offers no RDSEED or RDRAND that works: no TLS without randomness\n");
        return -1;
    }
    printf("control: entropy from %s\n", entropy_source());
    srand(seed); /* lwIP's DHCP ids, TCP ports and sequence numbers (LWIP_RAND) */
    /* The grant table and the store before the NIC; one connection to the
     * store for the build service and the console channel alike. */
    if ((r = build_domain_init()) != 0)
        printf("control: no grant table or XenStore (error %ld): create is refused\n", r);
    (void)conschan_init(build_domain_store()); /* without it, mosaic console is refused (-ENODEV) */
    if (mgmtnet_init(&net) != 0 || conn_init(*port, &key, verbs_domain_env()) != 0)
        return -1;
    (void)verbs_domain_watch_init(); /* a failure is logged; the periodic look remains */
    images_init((uint64_t)images_mib << 20);
    (void)verbs_domain_store_init(
        build_domain_store()); /* a failure is logged; the verbs through the store answer -ENODEV */
    memset(&key, 0, sizeof(key));
    return 0;
}

int main(int argc, char **argv)
{
    uint16_t port = CONTROL_PORT_DEFAULT;

    if (setup(argc, argv, &port) != 0)
        return 1;
    printf("control: serving TLS on port %u\n", port);
    for (;;) {
        uint64_t now, deadline;

        evtchn_dispatch(); /* the NIC's handler only clears its port: it is polled below */
        now = runtime_time_ns();
        verbs_domain_watch_poll(now);
        if (exit_idle && conn_count() == 0 && verbs_domain_idle(now, IDLE_EXIT_NS)) {
            printf("control: no domain left to control and no client: exiting (exit=idle)\n");
            return 0;
        }
        if (mgmtnet_poll(now))
            continue;
        deadline = mgmtnet_deadline_ns(now);
        if (verbs_domain_watch_deadline() < deadline)
            deadline = verbs_domain_watch_deadline();
        if (crash_poll(now, conn_count()) < deadline) /* after the answer went out */
            deadline = crash_poll(now, conn_count());
        if (deadline > now)
            evtchn_wait(deadline);
    }
}
