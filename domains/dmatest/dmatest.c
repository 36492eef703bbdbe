/* SPDX-License-Identifier: MIT */
/*
 * dmatest's start: the command line, the store client, the rendezvous
 * node's helpers; the roles are in attacker.c and victim.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmatest.h"
#include "mosaic/test.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

static struct xenbus xb;

struct xenbus *dmat_xenbus(void)
{
    return &xb;
}

void dmat_node_path(uint16_t victim, char *buf, unsigned cap)
{
    snprintf(buf, cap, "/local/domain/%u/" DMAT_NODE, victim);
}

bool dmat_wait_node(const char *path, const char *prefix, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    char value[64];

    for (;;) {
        long r = xenbus_read(&xb, 0, path, value, sizeof(value));
        if (r >= 0 && !strncmp(value, prefix, strlen(prefix)))
            return true;
        if (runtime_time_ns() >= end)
            return false;
        thread_sleep_ns(20 * DMAT_MS);
    }
}

static bool parse(int argc, char **argv, struct dmat_args *a)
{
    *a = (struct dmat_args){ .step_mib = 1, .limit_mib = 2048, .wait_ms = 20 };
    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        const char *v = eq ? eq + 1 : "";
        size_t klen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (klen == 4 && !strncmp(argv[i], "role", 4) && (!strcmp(v, "attacker") || !strcmp(v, "victim")))
            a->attacker = !strcmp(v, "attacker");
        else if (klen == 4 && !strncmp(argv[i], "peer", 4))
            a->peer = (uint16_t)strtoul(v, NULL, 0);
        else if (klen == 4 && !strncmp(argv[i], "step", 4) && strtoull(v, NULL, 0) > 0)
            a->step_mib = strtoull(v, NULL, 0);
        else if (klen == 5 && !strncmp(argv[i], "limit", 5))
            a->limit_mib = strtoull(v, NULL, 0);
        else if (klen == 4 && !strncmp(argv[i], "wait", 4))
            a->wait_ms = strtoull(v, NULL, 0);
        else {
            printf("dmatest: unknown argument '%s'\n", argv[i]);
            return false;
        }
    }
    if (!a->peer || a->peer >= DOMID_FIRST_RESERVED) {
        printf("dmatest: need role=attacker|victim and peer=<the other domain's id>\n");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct dmat_args a;
    long r;
    int status;

    if (!parse(argc, argv, &a))
        return 2;
    r = xenbus_connect_own(&xb);
    if (!test_check(r == 0, a.attacker ? "dma-store" : "dma-victim-store", "XenStore ring: %ld", r))
        return 1;
    status = a.attacker ? dmat_attacker(&a) : dmat_victim(&a);
    printf("dmatest: %s done, %u failed\n", a.attacker ? "attacker" : "victim", test_failures());
    return status || test_failures() ? 1 : 0;
}
