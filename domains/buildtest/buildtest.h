/* SPDX-License-Identifier: MIT */
/*
 * The build service's test client (domains/buildtest): the connection to
 * the builder (conn.c), the pages it grants for a request (grants.c),
 * and the checks (builds.c: good builds, devices, cycles; bad.c: requests
 * that must be refused). Shared state and helpers between them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buildclient.h"
#include "idl/build.h"

#define BT_PAGE      BC_PAGE
#define BT_WAIT_NS   BC_WAIT_NS /* the longest any one step may take */
#define BT_NEVER_REF 0x3fffu    /* a ref this domain never grants (past its table) */

/* The images every build uses: the kernel (boot module 0, the hello
 * domain's ELF), the ramdisk (a pattern of BT_RAMDISK_SIZE bytes) and
 * the ramdisk's FNV-1a hash, which the hello domain prints. */
#define BT_RAMDISK_SIZE (3 * BT_PAGE + 100)
extern struct bc_image bt_kernel, bt_ramdisk;

/* bt_fill: spec for a hello domain named name, 16 MiB, 1 vCPU, with the
 * kernel and ramdisk above and command line "built-by=buildtest notime". */
void bt_fill(struct build_spec *spec, const char *name);

/* bt_domain_gone: wait (up to timeout_ns) until domid no longer exists. */
bool bt_domain_gone(uint16_t domid, uint64_t timeout_ns);
/* bt_free_pages: the machine's free frames now (MGMT_PHYS_INFO), 0 on error. */
uint64_t bt_free_pages(void);
/* bt_wait_free: the free frames once they are want again, or after
 * BT_WAIT_NS: the last frames of a domain that is gone come back when
 * the XenStore and console domains let go of its rings, a little later. */
uint64_t bt_wait_free(uint64_t want);
/* bt_controlled: how many domains this one controls (MGMT_DOMAIN_LIST). */
unsigned bt_controlled(void);
/* bt_errno: "-22 (EINVAL)". */
const char *bt_errno(long r);

/* The check sequences. */
void bt_builds(struct bc_conn *c);
void bt_devices(struct bc_conn *c);
void bt_cycles(struct bc_conn *c, unsigned n);
void bt_bad(struct bc_conn *c);
void bt_ring_order(struct bc_conn *c);
void bt_broken_ring(struct bc_conn *c);
