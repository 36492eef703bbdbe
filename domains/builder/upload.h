/* SPDX-License-Identifier: MIT */
/*
 * Copying what a build service client names into the builder (upload.c):
 * the spec page, the index pages, the kernel (whole, into a buffer of
 * the builder's) and the ramdisk (streamed into the building domain a
 * batch at a time). Only GNTTABOP_copy from the client's grants: the
 * builder never maps them, so a client cannot change a byte after it was
 * read, and nothing is left mapped when it dies. A page that cannot be
 * copied is named (which image, which page) in a struct construct_failure.
 */
#pragma once

#include <stdint.h>

#include "buildreq.h"
#include "construct.h"
#include "idl/build.h"

#define UPLOAD_BATCH 64 /* pages per GNTTABOP_copy hypercall, and in the ramdisk's bounce buffer */

/* upload_spec: the spec page the client granted as ref, into *spec (a
 * page-aligned buffer of the builder's). 0, or -EFAULT in *err. */
long upload_spec(uint16_t client, uint32_t ref, struct build_spec *spec, struct construct_failure *err);

/* upload_index: the index pages of img (field BUILD_FIELD_KERNEL or
 * _RAMDISK) into refs (page-aligned, img->index_pages pages). 0, or
 * -EFAULT in *err (index: the index page). */
long upload_index(uint16_t client, uint16_t field, const struct buildreq_image *img, uint32_t *refs,
                  struct construct_failure *err);

/* upload_kernel: the kernel's pages (refs from upload_index) into a new
 * page-aligned buffer of img->size bytes (upload_free gives it back), or
 * NULL with *err filled: -ENOMEM (no room in the builder) or -EFAULT
 * (index: the page). */
uint8_t *upload_kernel(uint16_t client, const struct buildreq_image *img, const uint32_t *refs,
                       struct construct_failure *err);
void upload_free(uint8_t *kernel);

/* A ramdisk to stream (construct_source.ramdisk_ctx of upload_ramdisk). */
struct upload_stream {
    uint16_t client;
    const struct buildreq_image *img;
    const uint32_t *refs; /* from upload_index */
};

/* upload_ramdisk: construct_source.ramdisk_copy for a struct
 * upload_stream: its pages, UPLOAD_BATCH at a time, through a bounce
 * buffer into domid from gpa on. 0; -EFAULT with f naming the page
 * (BUILD_FIELD_RAMDISK); or the copy into domid's error (f->field 0). */
long upload_ramdisk(void *ctx, uint16_t domid, uint64_t gpa, struct construct_failure *f);
