/* SPDX-License-Identifier: MIT */
/*
 * ipctest: two domains talking over an echo ring (idl/echo.idl) on a
 * grant and an event channel, and the hostile uses of event channels and
 * grant tables, each refused with Xen's code. The front end (role=front)
 * owns the ring page and the bulk pages; the back end (role=back) maps
 * and answers. Rendezvous without XenStore: both sides get the front
 * end's ring ref and port on their command lines.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/ring.h"
#include "mosaic/test.h"

#define IPC_RING_REF   2 /* the ring page's grant */
#define IPC_NOT_YOURS  4 /* a ref granted to a domain that does not exist */
#define IPC_RO_REF     5 /* a ref granted read-only to the back end */
#define IPC_RO_PATTERN 0x5a
#define IPC_NOBODY     77 /* a domain id nobody has */
#define IPC_BULK_PAGES 16
#define IPC_TIMEOUT_NS (60ull * 1000000000ull)
#define IPC_WAIT_NS    20000000ull /* longest wait for one event before looking again */

struct ipc_args {
    bool front;
    uint16_t self; /* this domain's id (the builder's numbering) */
    uint16_t peer;
    evtchn_port_t port; /* the front end's ring port */
    uint64_t count;     /* requests to exchange */
    uint64_t rounds;    /* round trips to time */
    bool upcall;        /* back end: take events by interrupt */
    const char *mode;   /* "" or a death test */
};

/* ipc_ports_in_use: this domain's ports not closed (status scan). */
unsigned ipc_ports_in_use(void);

/* ipc_checksum: of one 4 KiB page, read once. */
uint64_t ipc_checksum(const void *page);

/* ipc_tsc: the time-stamp counter. */
uint64_t ipc_tsc(void);

int ipc_front(const struct ipc_args *a);
int ipc_back(const struct ipc_args *a);
/* ipc_hostile_front: the refusals a domain can provoke on its own. */
void ipc_hostile_front(uint16_t self);
/* ipc_hostile_back: the refusals of mapping a peer's grants. */
void ipc_hostile_back(uint16_t peer);
/* ipc_death: the death scenarios (mode=mapper_dies, granter_dies, ...). */
int ipc_death(const struct ipc_args *a);
