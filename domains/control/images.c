/* SPDX-License-Identifier: MIT */
/*
 * The images control holds (images.h): a small table, each image's
 * pages allocated at its upload's start, hashed as its chunks arrive.
 */
#include "images.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "mbedtls/sha256.h"

static struct {
    struct image slot[IMAGES_MAX];
    uint64_t limit, bytes;
    uint64_t clock;       /* counts uses, for least recently used */
    uint32_t next_handle; /* never 0 */
} st;

static uint64_t pages_of(uint64_t size)
{
    return (size + IMAGES_PAGE - 1) / IMAGES_PAGE * IMAGES_PAGE;
}

static void drop(struct image *img)
{
    if (img->hash) {
        mbedtls_sha256_free(img->hash);
        free(img->hash);
    }
    free(img->data);
    st.bytes -= pages_of(img->size);
    memset(img, 0, sizeof(*img));
}

void images_init(uint64_t limit)
{
    for (unsigned i = 0; i < IMAGES_MAX; i++)
        if (st.slot[i].data)
            drop(&st.slot[i]);
    memset(&st, 0, sizeof(st));
    st.limit = limit ? limit : IMAGES_LIMIT_DEF;
    st.next_handle = 1;
}

/* The least recently used image no domain uses (an upload under way
 * counts as one no domain uses), or NULL. */
static struct image *evictable(void)
{
    struct image *best = NULL;

    for (unsigned i = 0; i < IMAGES_MAX; i++) {
        struct image *img = &st.slot[i];
        if (img->data && !img->users && (!best || img->touched < best->touched))
            best = img;
    }
    return best;
}

static struct image *free_slot(void)
{
    for (unsigned i = 0; i < IMAGES_MAX; i++)
        if (!st.slot[i].data)
            return &st.slot[i];
    return NULL;
}

int images_begin(uint32_t kind, uint64_t size, const uint8_t sha256[CONTROL_SHA256_SIZE], bool *held, uint32_t *handle,
                 char *why, size_t cap)
{
    uint64_t need = pages_of(size);
    struct image *img;

    *held = false;
    *handle = 0;
    for (unsigned i = 0; i < IMAGES_MAX; i++) {
        img = &st.slot[i];
        if (!img->data || img->kind != kind || img->size != size || memcmp(img->sha256, sha256, CONTROL_SHA256_SIZE))
            continue;
        if (img->whole) {
            img->touched = ++st.clock;
            *held = true;
            return 0;
        }
        drop(img); /* an unfinished upload of the same image: begin again */
    }
    if (need > st.limit) {
        snprintf(why, cap, "%llu bytes: control holds %llu MiB of images at most", (unsigned long long)size,
                 (unsigned long long)(st.limit >> 20));
        return -XEN_ENOMEM;
    }
    while (st.bytes + need > st.limit || !free_slot()) {
        struct image *old = evictable();
        if (!old) {
            snprintf(why, cap, "%llu bytes: the images control's domains use fill its %llu MiB",
                     (unsigned long long)size, (unsigned long long)(st.limit >> 20));
            return -XEN_ENOMEM;
        }
        drop(old);
    }
    img = free_slot();
    img->data = memalign(IMAGES_PAGE, need);
    img->hash = malloc(sizeof(mbedtls_sha256_context));
    if (!img->data || !img->hash) {
        free(img->data);
        free(img->hash);
        memset(img, 0, sizeof(*img));
        snprintf(why, cap, "%llu bytes: control's memory is short", (unsigned long long)size);
        return -XEN_ENOMEM;
    }
    memset(img->data + size, 0, need - size);
    mbedtls_sha256_init(img->hash);
    (void)mbedtls_sha256_starts_ret(img->hash, 0);
    memcpy(img->sha256, sha256, CONTROL_SHA256_SIZE);
    img->kind = kind;
    img->size = size;
    img->handle = st.next_handle++;
    if (!st.next_handle)
        st.next_handle = 1;
    img->touched = ++st.clock;
    st.bytes += need;
    *handle = img->handle;
    return 0;
}

int images_data(uint32_t handle, uint64_t offset, const uint8_t *bytes, uint32_t len, uint64_t *received, bool *whole)
{
    uint8_t sum[CONTROL_SHA256_SIZE];
    struct image *img = NULL;

    for (unsigned i = 0; i < IMAGES_MAX && !img; i++)
        if (st.slot[i].data && !st.slot[i].whole && st.slot[i].handle == handle && handle)
            img = &st.slot[i];
    if (!img)
        return -XEN_ENOENT;
    if (offset != img->received || len > img->size - img->received)
        return -XEN_EINVAL;
    memcpy(img->data + offset, bytes, len);
    (void)mbedtls_sha256_update_ret(img->hash, bytes, len);
    img->received += len;
    img->touched = ++st.clock;
    *received = img->received;
    *whole = false;
    if (img->received < img->size)
        return 0;
    (void)mbedtls_sha256_finish_ret(img->hash, sum);
    mbedtls_sha256_free(img->hash);
    free(img->hash);
    img->hash = NULL;
    if (memcmp(sum, img->sha256, sizeof(sum))) {
        drop(img);
        return -XEN_EILSEQ;
    }
    img->whole = true;
    img->handle = 0;
    *whole = true;
    return 0;
}

struct image *images_find(uint32_t kind, const uint8_t sha256[CONTROL_SHA256_SIZE])
{
    for (unsigned i = 0; i < IMAGES_MAX; i++) {
        struct image *img = &st.slot[i];
        if (img->data && img->whole && img->kind == kind && !memcmp(img->sha256, sha256, CONTROL_SHA256_SIZE)) {
            img->touched = ++st.clock;
            return img;
        }
    }
    return NULL;
}

void images_hold(struct image *img)
{
    img->users++;
}

void images_release(struct image *img)
{
    if (img && img->users && --img->users == 0)
        drop(img);
}

uint64_t images_bytes(void)
{
    return st.bytes;
}
