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

/* service_device: carry out req (BUILD_OP_ATTACH or BUILD_OP_DETACH) of
 * client (domid, section name): copy and decode its device page, find
 * the domain, write or remove the device's nodes (a detach waits up to
 * BUILD_DETACH_WAIT_MS for the guest); *rsp is the answer. One line in
 * the log either way. */
void service_device(uint16_t client, const char *name, const struct build_request *req, struct build_response *rsp);

/* service_handed_find: the devices of domid, a domain built for a client
 * of the section named client and still running (service.c's table, to
 * change in place), or NULL. */
struct manifest_domain *service_handed_find(uint16_t domid, const char *client);
