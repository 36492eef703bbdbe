/* SPDX-License-Identifier: MIT */
/* Checking and reading PVH ELF images for the builder (image.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define IMAGE_MAX_SEGMENTS 16

struct image_segment {
    uint64_t offset, filesz, memsz, paddr;
    uint32_t flags; /* PF_X, PF_W, PF_R */
};

struct image {
    uint32_t pvh_entry;
    unsigned nsegments;
    struct image_segment seg[IMAGE_MAX_SEGMENTS];
    uint64_t paddr_end; /* end of the highest segment */
};

/* image_parse: validate an ELF64 x86-64 executable with the Xen PVH entry
 * note, the entry inside an executable loadable segment. 0, or -1 with one
 * line "builder: NAME: why" printed (NAME as given: it says which domain
 * and image). */
int image_parse(const char *name, const uint8_t *data, size_t size, struct image *out);
