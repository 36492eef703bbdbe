/* SPDX-License-Identifier: MIT */
/*
 * Virtual network interfaces: the XenStore side of Xen's netback for
 * Linux's xen-netfront (Xen's public io/netif.h), one entry per
 * backend/vif/<front end id>/<handle> directory the toolstack writes
 * under our home; each connected vif is a switch port (switch.h) whose
 * rings netback.c serves.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "mosaic/xenbus.h"
#include "netback.h"

/* vif_init: watch our backend/vif directory (0, or a negative errno). */
int vif_init(struct xenbus *xb, uint16_t self) __attribute__((warn_unused_result));
/* vif_scan: bring every vif in line with the store (after a watch event,
 * and now and then in case one was dropped). */
void vif_scan(void);
/* vif_poll: serve every connected vif's rings (after an event, and after
 * the switch queued frames for a vif); true when any ring moved. */
bool vif_poll(void);
/* vif_tick: once a second: each connected vif's stall watch (netback_watch_tick). */
void vif_tick(void);

/* vif_count: the vif entries known (connected or not). */
unsigned vif_count(void);
/* vif_counters: a connected vif's counters; false when there is none. */
bool vif_counters(uint16_t fe_domid, uint32_t handle, struct netback_counters *out);
