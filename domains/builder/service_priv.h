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
