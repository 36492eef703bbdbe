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

#include "idl/build.h"
#include "mosaic/gnttab.h"
#include "mosaic/ring.h"
#include "mosaic/xenbus.h"

#define BT_PAGE      4096u
#define BT_WAIT_NS   (10ull * 1000000000ull) /* the longest any one step may take */
#define BT_NEVER_REF 0x3fffu                 /* a ref this domain never grants (past its table) */

/* The connection to the builder. */
struct bt_conn {
    struct xenbus xb;
    uint16_t self, builder;
    char dir[48];     /* /local/domain/<self>/builder */
    char backend[56]; /* dir/backend */
    struct ring_conn ring;
    struct build_front front;
    void *page; /* the ring page, ours */
    uint64_t next_id;
};

/* bt_connect: wait (up to timeout_ns) for the builder's offer, give it a
 * ring and a port, and wait for it to connect. 0, -ETIMEDOUT when no
 * offer or connection came, or another negative errno. */
long bt_connect(struct bt_conn *c, uint64_t timeout_ns);

/* bt_disconnect: our state Closed, the builder's to follow, the ring's
 * grant and port given back (the builder no longer maps it). */
void bt_disconnect(struct bt_conn *c);

/* bt_send: put a request (op, spec_ref, reserved bytes as given) on the
 * ring and notify; its id in *id. bt_receive: the next response, within
 * timeout_ns: 1, 0 on timeout, or IDL_RING_BROKEN. */
long bt_send(struct bt_conn *c, uint32_t op, uint32_t spec_ref, uint8_t reserved0, uint64_t *id);
int bt_receive(struct bt_conn *c, struct build_response *rsp, uint64_t timeout_ns);

/* bt_call: send one request and wait for its answer, checking its id. 0,
 * or a line in why. */
int bt_call(struct bt_conn *c, uint32_t op, uint32_t spec_ref, struct build_response *rsp, char *why, size_t cap);

/* An image granted to the builder page by page, with its index pages. */
struct bt_image {
    const uint8_t *data; /* page-aligned */
    uint64_t size;
    uint32_t pages, index_pages;
    uint32_t *index; /* index_pages pages of refs, page-aligned */
    grant_ref_t iref[BUILD_RAMDISK_INDEX_MAX];
    bool granted;
};

/* bt_image_grant: grant every page of data (page-aligned, size bytes)
 * and its index pages to the builder, read-only. 0, or -ENOSPC. */
long bt_image_grant(struct bt_image *img, uint16_t builder, const uint8_t *data, uint64_t size);
/* bt_image_end: take every grant of img back. */
void bt_image_end(struct bt_image *img);

/* A spec page granted to the builder. */
struct bt_spec {
    struct build_spec *spec; /* page-aligned, ours */
    grant_ref_t ref;
};

/* bt_spec_new: a zeroed spec page, version set, granted read-only. */
long bt_spec_new(struct bt_spec *s, uint16_t builder);
/* bt_spec_end: its grant taken back, the page kept for the next. */
void bt_spec_end(struct bt_spec *s);
/* bt_spec_images: the spec's kernel and ramdisk (NULL: none) fields
 * from granted images. */
void bt_spec_images(struct build_spec *spec, const struct bt_image *kernel, const struct bt_image *ramdisk);

/* The images every build uses: the kernel (boot module 0, the hello
 * domain's ELF), the ramdisk (a pattern of BT_RAMDISK_SIZE bytes) and
 * the ramdisk's FNV-1a hash, which the hello domain prints. */
#define BT_RAMDISK_SIZE (3 * BT_PAGE + 100)
extern struct bt_image bt_kernel, bt_ramdisk;

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
void bt_builds(struct bt_conn *c);
void bt_devices(struct bt_conn *c);
void bt_cycles(struct bt_conn *c, unsigned n);
void bt_bad(struct bt_conn *c);
void bt_ring_order(struct bt_conn *c);
void bt_broken_ring(struct bt_conn *c);
