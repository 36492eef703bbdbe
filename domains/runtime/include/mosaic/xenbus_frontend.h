/* SPDX-License-Identifier: MIT */
/*
 * The XenStore side front ends share (the test domains' hostile front
 * ends): the back end's state as its directory holds it, waiting for one,
 * the close handshake with the grants and port given back, and waiting
 * for a ring to have something. Everything read from the back end is
 * checked; nothing here judges it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/xenbus.h"

/* xenbus_frontend_peer_state: back's state node (XenbusState*);
 * XenbusStateUnknown when it is missing or not a state. */
uint32_t xenbus_frontend_peer_state(struct xenbus *xb, const char *back);

/* xenbus_frontend_wait_state: back's state reaches want (true); false
 * when it passes to Closing or beyond while want is below, or timeout_ns
 * runs out (one line, prefixed by who). With want Closing or beyond, any
 * state from want on does. */
bool xenbus_frontend_wait_state(struct xenbus *xb, const char *who, const char *back, uint32_t want,
                                uint64_t timeout_ns);

/* xenbus_frontend_close: front to Closing, wait (up to timeout_ns) for
 * back to follow, front to Closed, then end the n grants once the back
 * end let go of them and close port. */
void xenbus_frontend_close(struct xenbus *xb, const char *front, const char *back, const grant_ref_t *refs, unsigned n,
                           evtchn_port_t port, uint64_t timeout_ns);

/* xenbus_frontend_wait: check(arg) until it is nonzero or timeout_ns
 * passes, waiting for events between (and looking at least every 10 ms).
 * check's last value (0 on timeout). */
int xenbus_frontend_wait(int (*check)(void *arg), void *arg, uint64_t timeout_ns);
