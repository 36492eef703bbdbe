/* SPDX-License-Identifier: MIT */
/*
 * The front end of a domain's PV console (Xen's io/console.h, laid out
 * in idl/console.idl): the page and port its toolstack named in
 * HVM_PARAM_CONSOLE_PFN and _EVTCHN, as Linux's hvc_xen uses them. Output
 * goes onto the out ring, input comes from the in ring; the console
 * domain's indices are checked (mosaic/bytering.h), and a broken ring
 * makes every later call fail with -EIO. Not the hypervisor's console
 * (console_io, the core's log): that is platform_console_write. One caller
 * at a time; every call returns a byte count or a negative Xen errno.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "idl/console.h"
#include "mosaic/bytering.h"
#include "mosaic/evtchn.h"

struct console {
    struct xencons_interface *page;
    struct bytering out, in; /* out: ours to produce; in: ours to consume */
    evtchn_port_t port;
    bool broken;
};

/* console_open: find and use the domain's own console ring. 0, or -ENODEV
 * (-19) when it has none (both params 0: no console domain runs). */
long console_open(struct console *c);

/* console_write: all len bytes of buf onto the out ring, waiting for room
 * (at most timeout_ns in all; 0: no limit), notifying the console domain.
 * Returns the bytes written (fewer on a timeout) or -EIO. */
long console_write(struct console *c, const void *buf, size_t len, uint64_t timeout_ns);

/* console_read: up to cap bytes of input that are there now (0 when none). */
long console_read(struct console *c, void *buf, size_t cap);

/* console_wait: block until the console domain notifies us or deadline_ns
 * (runtime time) passes. */
void console_wait(struct console *c, uint64_t deadline_ns);
