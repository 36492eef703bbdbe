/* SPDX-License-Identifier: MIT */
/*
 * A client of the builder's build service (idl/build.idl), shared by the
 * control domain and the service's test client (domains/buildtest): the
 * connection through XenStore and the ring (conn.c), and what a request
 * names, granted to the builder (grants.c: an image's pages with their
 * index pages, the spec page).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/build.h"
#include "mosaic/gnttab.h"
#include "mosaic/ring.h"
#include "mosaic/xenbus.h"

#define BC_PAGE     4096u
#define BC_WAIT_NS  (10ull * 1000000000ull) /* the longest one step of the connection may take */
#define BC_BUILD_NS (60ull * 1000000000ull) /* a build may decompress and copy a kernel */

/* The connection to the builder. The caller fills xb and self. */
struct bc_conn {
    struct xenbus xb;
    uint16_t self, builder;
    char dir[48];     /* /local/domain/<self>/builder */
    char backend[56]; /* dir/backend */
    struct ring_conn ring;
    struct build_front front;
    void *page; /* the ring page, ours */
    uint64_t next_id;
};

/* bc_connect: wait (up to timeout_ns) for the builder's offer, give it a
 * ring and a port, and wait for it to connect. 0, -ETIMEDOUT when no
 * offer or connection came, or another negative errno. */
long bc_connect(struct bc_conn *c, uint64_t timeout_ns);

/* bc_disconnect: our state Closed, the builder's to follow, the ring's
 * grant and port given back (the builder no longer maps it). */
void bc_disconnect(struct bc_conn *c);

/* bc_send: put a request (op, spec_ref, reserved bytes as given) on the
 * ring and notify; its id in *id. bc_receive: the next response, within
 * timeout_ns: 1, 0 on timeout, or IDL_RING_BROKEN. */
long bc_send(struct bc_conn *c, uint32_t op, uint32_t spec_ref, uint8_t reserved0, uint64_t *id);
int bc_receive(struct bc_conn *c, struct build_response *rsp, uint64_t timeout_ns);

/* bc_call: send one request and wait (BC_BUILD_NS) for its answer,
 * checking its id and that its why is terminated. 0, or -1 with a line
 * in why. */
int bc_call(struct bc_conn *c, uint32_t op, uint32_t spec_ref, struct build_response *rsp, char *why, size_t cap);

/* An image granted to the builder page by page, with its index pages. */
struct bc_image {
    const uint8_t *data; /* page-aligned */
    uint64_t size;
    uint32_t pages, index_pages;
    uint32_t *index; /* index_pages pages of refs, page-aligned */
    grant_ref_t iref[BUILD_RAMDISK_INDEX_MAX];
    bool granted;
};

/* bc_image_grant: grant every page of data (page-aligned, size bytes)
 * and its index pages to the builder, read-only. 0, -ENOMEM, or -ENOSPC
 * (the grant table is full: nothing is left granted). */
long bc_image_grant(struct bc_image *img, uint16_t builder, const uint8_t *data, uint64_t size);
/* bc_image_end: take every grant of img back. */
void bc_image_end(struct bc_image *img);

/* A spec page granted to the builder. */
struct bc_spec {
    struct build_spec *spec; /* page-aligned, ours */
    grant_ref_t ref;
};

/* bc_spec_new: a zeroed spec page, version set, granted read-only. */
long bc_spec_new(struct bc_spec *s, uint16_t builder);
/* bc_spec_end: its grant taken back, the page kept for the next. */
void bc_spec_end(struct bc_spec *s);
/* bc_spec_images: the spec's kernel and ramdisk (NULL: none) fields
 * from granted images. */
void bc_spec_images(struct build_spec *spec, const struct bc_image *kernel, const struct bc_image *ramdisk);
