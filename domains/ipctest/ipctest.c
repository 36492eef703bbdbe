/* SPDX-License-Identifier: MIT */
/*
 * ipctest's start: the command line and the helpers both ends share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipctest.h"
#include "mosaic/hypercall.h"

unsigned ipc_ports_in_use(void)
{
    unsigned n = 0;

    for (evtchn_port_t p = 1; p < 1024; p++) {
        struct evtchn_info info;
        if (evtchn_status(DOMID_SELF, p, &info) == 0 && info.status != EVTCHN_CLOSED)
            n++;
    }
    return n;
}

uint64_t ipc_checksum(const void *page)
{
    const volatile uint64_t *w = page;
    uint64_t s = 0;

    for (unsigned i = 0; i < 512; i++)
        s = s * 31 + w[i];
    return s;
}

uint64_t ipc_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

static bool parse(int argc, char **argv, struct ipc_args *a)
{
    *a = (struct ipc_args){ .count = 1000000, .rounds = 2000, .mode = "" };
    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        const char *v = eq ? eq + 1 : "";
        size_t klen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (klen == 4 && !strncmp(argv[i], "role", 4))
            a->front = !strcmp(v, "front");
        else if (klen == 4 && !strncmp(argv[i], "peer", 4))
            a->peer = (uint16_t)strtoul(v, NULL, 0);
        else if (klen == 4 && !strncmp(argv[i], "self", 4))
            a->self = (uint16_t)strtoul(v, NULL, 0);
        else if (klen == 4 && !strncmp(argv[i], "port", 4))
            a->port = (evtchn_port_t)strtoul(v, NULL, 0);
        else if (klen == 5 && !strncmp(argv[i], "count", 5))
            a->count = strtoull(v, NULL, 0);
        else if (klen == 6 && !strncmp(argv[i], "rounds", 6))
            a->rounds = strtoull(v, NULL, 0);
        else if (klen == 6 && !strncmp(argv[i], "upcall", 6))
            a->upcall = strcmp(v, "0") != 0;
        else if (klen == 4 && !strncmp(argv[i], "mode", 4))
            a->mode = v;
        else {
            printf("ipctest: unknown argument '%s'\n", argv[i]);
            return false;
        }
    }
    if (!a->self || !a->peer || !a->port) {
        printf("ipctest: need self=<own domid>, peer=<domid> and port=<the front end's ring port>\n");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct ipc_args a;
    int r;

    if (!parse(argc, argv, &a))
        return 2;
    if (!evtchn_ready()) {
        printf("ipctest: no event channels here (no Xen ABI or no shared info)\n");
        return 2;
    }
    if (a.mode[0])
        r = ipc_death(&a);
    else
        r = a.front ? ipc_front(&a) : ipc_back(&a);
    printf("ipctest: %s done, %u failed\n", a.front ? "front" : "back", test_failures());
    return r || test_failures() ? 1 : 0;
}
