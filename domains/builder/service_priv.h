/* SPDX-License-Identifier: MIT */
/*
 * Between the build service's two halves: service.c (clients, rings,
 * the loop) and service_build.c (one request carried out).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/build.h"
#include "manifest.h"

/* service_build: carry out req of client (domid, name): check it, copy
 * what it names, build the domain, hand it to the client; *rsp is the
 * answer (the caller puts it on the ring). One line in the log either
 * way. */
void service_build(uint16_t client, const char *name, const struct build_request *req, struct build_response *rsp);

/* service_handed_room: the table of built domains with devices has a
 * free slot. service_handed_add: remember domid (built from md, handed
 * to a client) until it is gone, to remove its device nodes then. */
bool service_handed_room(void);
void service_handed_add(uint16_t domid, const struct manifest_domain *md);
