/* SPDX-License-Identifier: MIT */
/*
 * The control domain's end of the console channel (idl/consctl.idl): the
 * front end the builder offered under our home, connected to the console
 * domain at start, and one exchange at a time on it for `mosaic
 * console` (verbs_console). Not there without a console domain: the
 * verb then says so (-ENODEV).
 */
#pragma once

#include "idl/consctl.h"

/* How long one exchange waits for the console domain's answer. */
#define CONSCHAN_ANSWER_NS (1000 * 1000 * 1000ull)

struct xenbus;

/* conschan_init: through xb (control's store connection, its grant
 * table set up: build_domain_init), if the builder offered the channel,
 * give the console domain a ring page and a port. 0 when connected; a
 * negative errno otherwise (one line said why, unless it was simply not
 * offered: -XEN_ENOENT); xb NULL: -XEN_ENODEV. */
int conschan_init(struct xenbus *xb);

/* conschan_exchange: the environment's console call (verbs.h): q sent
 * with a fresh id, rsp its response. */
int conschan_exchange(void *ctx, struct consctl_request *q, struct consctl_response *rsp);
