/* SPDX-License-Identifier: MIT */
/*
 * The build service (idl/build.idl, service.c): the builder builds
 * domains for the client domains the manifest names (build_service =
 * yes) from kernels and ramdisks they upload, and hands each to the
 * client that asked. The service is offered through XenStore; its work is
 * done in the builder's event loop (builder.c, supervise), one request
 * per client per turn, never waiting for a client. The builder also
 * removes the vbd and vif nodes of such a domain once it is gone, as it
 * does for its own. Not here: the build itself (construct.c), checking a
 * request (buildreq.c), copying the client's pages (upload.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct manifest_domain;

/* The clients served at once (a client restarted is a new one). */
#define SERVICE_CLIENTS_MAX 16

/* service_offer: offer the build service to domid (built, running), the
 * manifest's section name: its XenStore nodes, and a watch on its state.
 * Without a XenStore domain, or with the table full, one line says why
 * and nothing is offered. */
void service_offer(uint16_t domid, const char *name);

/* service_poll: one turn of the service: clients that are gone let go;
 * each client's XenStore state acted on (connect, close, offer again);
 * one request of each connected client taken and answered; the device
 * nodes of built domains that are gone removed. Returns true when a
 * client has more requests waiting (the caller should not wait for an
 * event before the next turn). */
bool service_poll(void);

/* service_pending: clients and built domains the service still looks
 * after; the builder runs on while this is not 0. */
unsigned service_pending(void);

/* service_forget: domid (about to be destroyed by the builder) is no
 * longer a client: its ring, if connected, is unmapped and its port
 * closed, so that nothing of the builder's holds its frames. */
void service_forget(uint16_t domid);

/* service_handed_room: the table of built domains has a free slot, or
 * can grow one (it grows with the domains built, as memory allows: a
 * build that finds no room gets -ENOSPC).
 * service_handed_add: remember domid (built from md, handed to a client
 * of the section named client, or a manifest's handover) until it is
 * gone, to remove its device nodes then; the client's section may attach
 * and detach its devices meanwhile. */
bool service_handed_room(void);
void service_handed_add(uint16_t domid, const struct manifest_domain *md, const char *client);
