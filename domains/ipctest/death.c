/* SPDX-License-Identifier: MIT */
/*
 * Death while shared: mode=mapper_dies (the back end maps the front end's
 * page and crashes; the core unmaps it and closes its port, so the front
 * end can end the grant and reuse its page) and mode=granter_dies (the
 * front end grants a page and powers off; the page the back end maps must
 * keep its contents and not go back to the allocator until it unmaps).
 */
#include <stdio.h>
#include <string.h>

#include "ipctest.h"
#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

#define PATTERN_FRONT 0xa5
#define PATTERN_BACK  0x3c
#define SEEN          0x42 /* mapper_dies: the front end saw the mapper bound */

static uint8_t page[4096] __attribute__((aligned(4096)));

/* Waits until the local port is no longer bound to a live peer. */
static bool peer_gone(evtchn_port_t port)
{
    uint64_t end = runtime_time_ns() + IPC_TIMEOUT_NS;
    struct evtchn_info info = { 0 };

    while (evtchn_status(DOMID_SELF, port, &info) == 0 && info.status == EVTCHN_INTERDOMAIN && runtime_time_ns() < end)
        thread_sleep_ns(2000000);
    return info.status == EVTCHN_UNBOUND;
}

static bool all(const volatile uint8_t *p, uint8_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static int front(const struct ipc_args *a, bool mapper_dies)
{
    struct ring_conn c;
    long r;

    memset(page, PATTERN_FRONT, sizeof(page));
    if (gnttab_init(1) != 0 || ring_front_open(&c, a->peer, page, IPC_RING_REF) != 0 ||
        ring_front_wait(&c, IPC_TIMEOUT_NS) != 0)
        return test_check(false, "death_setup", "could not offer the page and port"), 1;
    if (!mapper_dies) {
        /* Wait until the back end has checked the page, then die with it mapped. */
        while (*(volatile uint8_t *)page != PATTERN_BACK)
            thread_sleep_ns(1000000);
        printf("ipctest: front: page granted and mapped; powering off with it mapped\n");
        return 0;
    }
    /* Tell the mapper we saw it connected: it dies only after that, or
     * its end could close before ring_front_wait ever saw it bound. */
    __atomic_store_n(&page[0], SEEN, __ATOMIC_SEQ_CST);
    test_check(peer_gone(c.port), "death_mapper_port", "the dead mapper's end closed: port %u unbound", c.port);
    test_check((gnttab_entry_flags(c.ref) & 0x18) == 0, "death_mapper_unmapped",
               "the core unmapped the dead domain's mapping (flags 0x%x)", gnttab_entry_flags(c.ref));
    r = gnttab_end_access(c.ref);
    test_check(r == 0, "death_end_access", "the grant ended: %ld", r);
    test_check(all(page, PATTERN_BACK, 4096), "death_page_written", "the page holds what the mapper wrote");
    memset(page, 0x11, sizeof(page));
    test_check(all(page, 0x11, 4096), "death_page_reused", "the page is ours again");
    test_check(evtchn_close(c.port) == 0, "death_port_closed", "port %u closed", c.port);
    return 0;
}

static int back(const struct ipc_args *a, bool mapper_dies)
{
    struct ring_conn c;
    volatile uint8_t *p;
    int st;

    if (gnttab_init(1) != 0 || ring_back_open(&c, a->peer, IPC_RING_REF, a->port, IPC_TIMEOUT_NS) != 0)
        return test_check(false, "death_setup", "could not bind and map"), 1;
    p = c.page;
    if (mapper_dies) {
        while (__atomic_load_n(&p[0], __ATOMIC_SEQ_CST) != SEEN)
            thread_sleep_ns(1000000);
        test_check(all(p + 1, PATTERN_FRONT, 4095), "death_mapped", "the granted page reads as the granter wrote it");
        memset(c.page, PATTERN_BACK, 4096);
        printf("ipctest: back: crashing with d%u's page mapped\n", a->peer);
        hypercall_sched_shutdown(SHUTDOWN_crash);
    }
    test_check(all(p, PATTERN_FRONT, 4096), "death_mapped", "the granted page reads as the granter wrote it");
    memset(c.page, PATTERN_BACK, 4096);
    test_check(peer_gone(c.port), "orphan_granter_gone", "the granter is gone: port %u unbound", c.port);
    /* Long enough for the builder and the core to hand out frames again. */
    thread_sleep_ns(200000000);
    test_check(all(p, PATTERN_BACK, 4096), "orphan_intact", "the dead granter's page still holds what was written");
    memset(c.page, 0x77, 4096);
    test_check(all(p, 0x77, 4096), "orphan_writable", "and is still this mapping's to use");
    st = gnttab_unmap(c.page, c.handle);
    test_check(st == GNTST_okay, "orphan_unmapped", "the last mapping is gone: %d", st);
    test_check(evtchn_close(c.port) == 0, "orphan_port_closed", "port %u closed", c.port);
    return 0;
}

int ipc_death(const struct ipc_args *a)
{
    bool mapper_dies = !strcmp(a->mode, "mapper_dies");

    if (!mapper_dies && strcmp(a->mode, "granter_dies")) {
        printf("ipctest: unknown mode '%s'\n", a->mode);
        return 2;
    }
    return a->front ? front(a, mapper_dies) : back(a, mapper_dies);
}
