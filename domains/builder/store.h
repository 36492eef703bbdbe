/* SPDX-License-Identifier: MIT */
/*
 * The builder's side of XenStore, done as Xen's toolstack does it: the
 * builder is the store's first, privileged client (its own ring, named on
 * xenstored's command line), and it gives every domain it builds a store
 * ring and introduces it. Each call returns 0 or a negative Xen errno.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct xenbus;

/* The store page of every domain the builder makes, and its grant ref. */
#define STORE_GFN 3 /* 0x3000: after start_info (0x1000) and the command line (0x2000) */
#define STORE_REF 1 /* GNTTAB_RESERVED_XENSTORE */

/* store_service_args: xenstored (domain xs_domid, just created) will serve
 * the builder: grant it our ring page and offer it a port; writes the
 * "priv=..." argument that tells xenstored so into args. */
long store_service_args(uint16_t xs_domid, char *args, size_t cap);

/* store_service_started: xenstored runs; from now on domains are introduced. */
void store_service_started(void);

/* store_active: a store is being served (domains get rings). */
int store_active(void);

/* store_prepare: domid (building, its RAM populated) gets its store ring
 * at STORE_GFN: grant ref 1 to the store, a port offered to the store,
 * and HVM_PARAM_STORE_PFN/EVTCHN pointing at both. */
long store_prepare(uint16_t domid);

/* store_introduce: tell the store about domid (after store_prepare) and
 * make its home /local/domain/<domid>, owned by it, with its name. */
long store_introduce(uint16_t domid, const char *name);

/* store_allow_release_watch: domid may see @releaseDomain events (the
 * special node's permissions grow by "r<domid>"). */
long store_allow_release_watch(uint16_t domid);

/* store_grant_controller: domid was handed to controller ctl, which
 * asks it to shut down and sets its memory target (xl shutdown, reboot,
 * mem-set, mem-max) through its own store connection, with no more of
 * the store than that: control/shutdown stays the domain's (it writes ""
 * back after reading it, as Linux does) and ctl may read and write it;
 * ctl may read control/feature-poweroff and -reboot (whether it listens);
 * memory/target and memory/static-max become ctl's, the domain reading
 * them (as libxl keeps them read-only to the guest). 0 with no store. */
long store_grant_controller(uint16_t domid, uint16_t ctl);

/* store_xenbus: the builder's connection to the store once it runs, or NULL. */
struct xenbus *store_xenbus(void);

/* store_domain_nodes: after store_introduce, the nodes libxl writes for
 * every domU and Linux's xenbus expects: domid, vm, device/, control/
 * (with the platform features), memory/target and static-max (KiB: what
 * it starts with, what it may grow to), cpu/N/availability = online for
 * each of its vcpus, store/port and store/ring-ref. */
long store_domain_nodes(uint16_t domid, unsigned vcpus, uint64_t target_kib, uint64_t max_kib);
