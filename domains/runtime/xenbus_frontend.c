/* SPDX-License-Identifier: MIT */
/*
 * The XenStore side front ends share (mosaic/xenbus_frontend.h).
 */
#include "mosaic/xenbus_frontend.h"

#include <stdio.h>

#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h"

#define POLL_NS (10 * 1000000ull)

uint32_t xenbus_frontend_peer_state(struct xenbus *xb, const char *back)
{
    unsigned long long s;

    return xenbus_node_read_uint(xb, back, "state", &s) == 0 && s <= XenbusStateReconfigured ? (uint32_t)s
                                                                                             : XenbusStateUnknown;
}

bool xenbus_frontend_wait_state(struct xenbus *xb, const char *who, const char *back, uint32_t want,
                                uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    uint32_t s;

    while ((s = xenbus_frontend_peer_state(xb, back)) != want && !(want >= XenbusStateClosing && s >= want)) {
        if ((want < XenbusStateClosing && s >= XenbusStateClosing) || runtime_time_ns() >= end) {
            printf("%s: %s: back end state %u, waited for %u\n", who, back, s, want);
            return false;
        }
        thread_sleep_ns(POLL_NS);
    }
    return true;
}

void xenbus_frontend_close(struct xenbus *xb, const char *front, const char *back, const grant_ref_t *refs, unsigned n,
                           evtchn_port_t port, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;

    (void)xenbus_node_write_uint(xb, 0, front, "state", XenbusStateClosing);
    while (xenbus_frontend_peer_state(xb, back) < XenbusStateClosing && runtime_time_ns() < end)
        thread_sleep_ns(POLL_NS);
    (void)xenbus_node_write_uint(xb, 0, front, "state", XenbusStateClosed);
    /* The back end unmaps the rings as it closes; until then the grants
     * stay (and so do the pages). */
    for (unsigned i = 0; i < n; i++)
        while (gnttab_end_access(refs[i]) == -XEN_EBUSY && runtime_time_ns() < end)
            thread_sleep_ns(POLL_NS);
    (void)evtchn_close(port);
}

int xenbus_frontend_wait(int (*check)(void *arg), void *arg, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    int r;

    while ((r = check(arg)) == 0) {
        uint64_t now = runtime_time_ns();
        if (now >= end)
            return 0;
        evtchn_wait(now + POLL_NS < end ? now + POLL_NS : end);
        (void)evtchn_dispatch();
    }
    return r;
}
