/* SPDX-License-Identifier: MIT */
/*
 * The kernel and ramdisk images control holds for the domains it creates
 * (idl/control.idl's upload and create), keyed by their SHA-256: one
 * copy for every domain that uses the same image. An image is uploaded
 * in order, chunk by chunk, and checked against its SHA-256 with the
 * last byte; it is kept while a domain of control's uses it (a restart
 * builds from it again) and, once whole, until a create uses it or room
 * is needed for another upload (least recently used first); it is freed
 * when the last domain that used it goes. The total held is bounded
 * (images_init). Pure C over the C library and mbed TLS's SHA-256:
 * host-tested and fuzzed with the requests (msg.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/control.h"

#define IMAGES_MAX       16                  /* images held at once */
#define IMAGES_LIMIT_DEF (64u * 1024 * 1024) /* bytes held at most, unless told (control's images=MiB) */
#define IMAGES_PAGE      4096u               /* images are page-aligned: they are granted page by page */

struct image {
    uint8_t sha256[CONTROL_SHA256_SIZE];
    uint32_t kind;   /* CONTROL_IMAGE_* */
    uint32_t handle; /* the upload's, while it is under way; 0 once whole */
    uint64_t size;   /* bytes announced */
    uint64_t received;
    uint8_t *data;    /* page-aligned, size rounded up to pages, the rest zero */
    unsigned users;   /* domains of control's built from it */
    uint64_t touched; /* images_clock at its last use: least recent goes first */
    bool whole;       /* every byte came and the SHA-256 matched */
    void *hash;       /* the running SHA-256 while under way */
};

/* images_init: an empty store holding at most limit bytes (0:
 * IMAGES_LIMIT_DEF); frees what a previous store held. */
void images_init(uint64_t limit);

/* images_begin: an upload of size bytes (checked by the caller against
 * its kind's limit) with the given SHA-256. *held true when a whole
 * image with that hash and size is held already (nothing to send);
 * else a new upload and its handle in *handle (an earlier unfinished
 * upload of the same image is dropped). 0; -XEN_ENOMEM when no room can
 * be made (every image held is in use, or the limit is below size) or
 * the memory is not there, with a reason in why (cap bytes). */
int images_begin(uint32_t kind, uint64_t size, const uint8_t sha256[CONTROL_SHA256_SIZE], bool *held, uint32_t *handle,
                 char *why, size_t cap) __attribute__((warn_unused_result));

/* images_data: len bytes at offset of the upload handle names. 0 with
 * *received and *whole set; -XEN_ENOENT: no upload has that handle;
 * -XEN_EINVAL: offset is not the bytes received, or the bytes go past
 * the size; -XEN_EILSEQ: the last byte came and the SHA-256 differs (the
 * image is dropped). */
int images_data(uint32_t handle, uint64_t offset, const uint8_t *bytes, uint32_t len, uint64_t *received, bool *whole)
    __attribute__((warn_unused_result));

/* images_find: the whole image of that kind with that SHA-256, or NULL. */
struct image *images_find(uint32_t kind, const uint8_t sha256[CONTROL_SHA256_SIZE]);

/* images_hold: one more domain uses img. images_release: one fewer (NULL
 * is nothing); the last one gone frees it. */
void images_hold(struct image *img);
void images_release(struct image *img);

/* images_bytes: the bytes held now (each image's pages). */
uint64_t images_bytes(void);
