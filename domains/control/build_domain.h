/* SPDX-License-Identifier: MIT */
/*
 * The verbs' build (verbs.h's struct verbs_env.build) inside the control
 * domain: the builder's build service through domains/buildclient, the
 * images granted to the builder for one request and taken back after.
 */
#pragma once

#include <stdint.h>

#include "idl/build.h"

struct xenbus;

/* build_domain_init: set up the grant table for the images (a kernel
 * and a ramdisk at their largest at once) and the connection to
 * XenStore. 0 or the runtime's error (builds are then refused). */
long build_domain_init(void);

/* build_domain_store: control's one XenStore connection (made by
 * build_domain_init; the console channel uses it too), or NULL. */
struct xenbus *build_domain_store(void);

/* build_domain: struct verbs_env.build (ctx unused). The connection is
 * made at the first build and kept; one that broke is made again. */
long build_domain(void *ctx, const struct build_spec *spec, const uint8_t *kernel, uint64_t kernel_size,
                  const uint8_t *ramdisk, uint64_t ramdisk_size, struct build_response *rsp);

/* build_domain_device: struct verbs_env.device (ctx unused): dev on a
 * page granted to the builder for op, over the same connection. */
long build_domain_device(void *ctx, uint32_t op, const struct build_device *dev, struct build_response *rsp);
