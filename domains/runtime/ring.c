/* SPDX-License-Identifier: MIT */
/*
 * Ring connections (mosaic/ring.h): the grant and the event channel two
 * ends of a ring share, set up and torn down in Xen's order. Protocol
 * helpers (idl/<protocol>.h) then run on c->page.
 */
#include <stddef.h>

#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "mosaic/ring.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"

#define POLL_NS 1000000ull /* 1 ms between looks while waiting for the other end */

static long from_gntst(int st)
{
    switch (st) {
    case GNTST_okay: return 0;
    case GNTST_permission_denied: return -XEN_EPERM;
    case GNTST_no_space: return -XEN_ENOSPC;
    default: return -XEN_EINVAL;
    }
}

long ring_front_open(struct ring_conn *c, uint16_t peer, void *page, grant_ref_t ref)
{
    long r;

    *c = (struct ring_conn){ .page = page, .peer = peer, .front = 1 };
    if (ref == RING_ANY_REF)
        r = gnttab_grant_access(peer, page, false, &c->ref);
    else
        r = gnttab_grant_access_ref(c->ref = ref, peer, page, false);
    if (r)
        return r;
    r = evtchn_alloc_unbound(peer, &c->port);
    if (r)
        (void)gnttab_end_access(c->ref);
    return r;
}

long ring_front_wait(struct ring_conn *c, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    struct evtchn_info info;

    for (;;) {
        long r = evtchn_status(DOMID_SELF, c->port, &info);
        if (r)
            return r;
        if (info.status == EVTCHN_INTERDOMAIN)
            return 0;
        if (runtime_time_ns() >= end)
            return -XEN_ETIMEDOUT;
        thread_sleep_ns(POLL_NS);
    }
}

long ring_back_open(struct ring_conn *c, uint16_t peer, grant_ref_t ref, evtchn_port_t port, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    int st;
    long r;

    *c = (struct ring_conn){ .peer = peer, .ref = ref };
    /* Not offered yet (-EINVAL) or the peer not created yet (-ESRCH): wait. */
    while ((r = evtchn_bind_interdomain(peer, port, &c->port)) == -XEN_EINVAL || r == -XEN_ESRCH) {
        if (runtime_time_ns() >= end)
            return -XEN_ETIMEDOUT;
        thread_sleep_ns(POLL_NS);
    }
    if (r)
        return r;
    st = gnttab_map(peer, ref, false, &c->page, &c->handle);
    if (st != GNTST_okay) {
        (void)evtchn_close(c->port);
        return from_gntst(st);
    }
    return 0;
}

long ring_notify(const struct ring_conn *c)
{
    return evtchn_send(c->port);
}

long ring_close(struct ring_conn *c, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    long r, rc;

    if (!c->front) {
        r = from_gntst(gnttab_unmap(c->page, c->handle));
        rc = evtchn_close(c->port);
        return r ? r : rc;
    }
    rc = evtchn_close(c->port);
    while ((r = gnttab_end_access(c->ref)) == -XEN_EBUSY && runtime_time_ns() < end)
        thread_sleep_ns(POLL_NS); /* the back end still maps it */
    return r ? r : rc;
}
