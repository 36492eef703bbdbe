/* SPDX-License-Identifier: MIT */
/*
 * Kernel images for the builder (image.c), the formats Xen's toolstack
 * loads for a PVH guest: an ELF64 or ELF32 executable with the Xen PVH
 * entry note, or a Linux bzImage whose xz payload is such an ELF. The ELF
 * is read front to back once, its segments handed to a copy callback as
 * they pass: a compressed kernel is never held whole in the builder's
 * memory. Every offset and size in an image is checked before use.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"

#define IMAGE_MAX_SEGMENTS 16
#define IMAGE_MAX_NOTES    4
#define IMAGE_NOTES_MAX    4096 /* bytes of PT_NOTE kept to find the entry note */
/* Decompressed bytes handed on at a time; the ELF and program headers of
 * a compressed image must lie in the first of them. */
#define IMAGE_CHUNK (1u << 20)
/* A compressed image whose decoder needs more memory than this is refused
 * (Linux's xz uses a 32 MiB dictionary, the decoder 33 MiB in all). */
#define IMAGE_XZ_MEMLIMIT (48ull << 20)

enum image_format {
    IMAGE_ELF64 = 1,
    IMAGE_ELF32,
    IMAGE_BZIMAGE, /* Linux boot protocol 2.08+, xz payload */
};

struct image_segment {
    uint64_t offset, filesz, memsz, paddr;
    uint32_t flags; /* PF_X, PF_W, PF_R */
};

struct image_note {
    uint64_t offset, size; /* in the ELF */
    uint64_t at;           /* where in image.notes[] */
};

struct image_xz; /* image_xz.c */

struct image {
    enum image_format format;
    uint64_t elf_size;  /* the ELF's size: the module's, or what the bzImage declares */
    uint32_t pvh_entry; /* known after image_load */
    unsigned nsegments; /* PT_LOAD segments with memsz > 0, in header order */
    struct image_segment seg[IMAGE_MAX_SEGMENTS];
    uint64_t paddr_start, paddr_end; /* lowest and end of the highest segment */
    const char *why;                 /* after a failure: why, for the log */
    /* The ELF as a stream: the window [pos, pos + len) of it at hand. */
    const uint8_t *data; /* ELF: the module; bzImage: the xz payload */
    size_t size;
    struct image_xz *xz; /* NULL for an uncompressed ELF */
    const uint8_t *window;
    size_t window_len;
    uint64_t window_pos;
    unsigned nnotes; /* PT_NOTE segments, gathered in notes[] as they pass */
    struct image_note note[IMAGE_MAX_NOTES];
    uint8_t notes[IMAGE_NOTES_MAX];
};

/* image_copy_fn: put len bytes (at most IMAGE_COPY_MAX) at guest-physical
 * gpa; 0, or a negative error that image_load returns unchanged. */
typedef long (*image_copy_fn)(void *ctx, uint64_t gpa, const void *src, size_t len);
#define IMAGE_COPY_MAX MGMT_DOMAIN_COPY_MAX /* a copy callback makes one call of it */

/* image_open: recognise data (size bytes, a boot module) as an ELF64,
 * ELF32 or bzImage kernel and read its ELF and program headers: format,
 * elf_size, the segments and the physical span are then known. Needs
 * heap for a bzImage's decoder (IMAGE_XZ_MEMLIMIT at most). 0, or -1 with
 * why set; either way image_close must follow. */
int image_open(struct image *img, const uint8_t *data, size_t size);

/* image_load: stream the rest of the ELF, handing every byte of every
 * segment's file part to copy (in file order, each call within one
 * segment); memory past a segment's file part is left alone (the
 * domain's fresh frames are zero). Then find the PVH entry note. 0; -1
 * with why set (the image is wrong); or copy's error, why left NULL. */
long image_load(struct image *img, image_copy_fn copy, void *ctx);

/* image_close: free the decoder, if any. Safe to call twice. */
void image_close(struct image *img);

/* image_format_name: "ELF64", "ELF32" or "bzImage (xz)". */
const char *image_format_name(enum image_format f);
