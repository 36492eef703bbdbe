/* SPDX-License-Identifier: MIT */
/*
 * Connecting the two ends of a shared ring (any protocol from idl/: the
 * typed producer/consumer helpers of the generated header work on the
 * page this sets up). The front end owns the page: it grants it to the
 * back end and offers it an event channel; the back end binds that port
 * and maps the page. How each learns the other's grant ref and port is
 * up to the caller (later XenStore; fixed values in tests). Every
 * function returns 0 or a negative Xen errno (GNTST codes are turned
 * into -EINVAL, -EPERM, -ENOSPC, as mapping failures).
 */
#pragma once

#include <stdint.h>

#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"

#define RING_ANY_REF 0xffffffffu

struct ring_conn {
    void *page;            /* the ring page: the front end's own, or the back end's mapping */
    uint16_t peer;         /* the other end's domain */
    grant_ref_t ref;       /* the grant of page */
    grant_handle_t handle; /* back end: the mapping */
    evtchn_port_t port;    /* the local port */
    int front;             /* this end is the front end */
};

/* ring_front_open: grant page (4 KiB, page-aligned) to peer, at ref or at
 * any free ref (RING_ANY_REF), and offer peer an unbound port. */
long ring_front_open(struct ring_conn *c, uint16_t peer, void *page, grant_ref_t ref);

/* ring_front_wait: wait until the back end has bound the port (or
 * timeout_ns passes: -ETIMEDOUT, -110). */
long ring_front_wait(struct ring_conn *c, uint64_t timeout_ns);

/* ring_back_open: bind peer's port and map its grant ref, retrying while
 * the port is not yet offered (until timeout_ns). */
long ring_back_open(struct ring_conn *c, uint16_t peer, grant_ref_t ref, evtchn_port_t port, uint64_t timeout_ns);

/* ring_notify: an event to the other end. */
long ring_notify(const struct ring_conn *c);

/* ring_close: back end: unmap and close; front end: close the port and
 * end the grant, waiting (until timeout_ns) while the back end maps it. */
long ring_close(struct ring_conn *c, uint64_t timeout_ns);
