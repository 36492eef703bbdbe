/* SPDX-License-Identifier: MIT */
/*
 * A build service client's pages copied in (upload.h). Each batch is one
 * GNTTABOP_copy of up to UPLOAD_BATCH pages; the first element that
 * failed names the page. Copies land in page-aligned memory of ours, a
 * page each, as a grant copy may not cross a page of either side.
 */
#include "upload.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/gnttab.h"
#include "idl/xen_errno.h"
#include "mosaic/gnttab.h"

#define PAGE_SIZE 4096u

/* A grant copy status as its name. */
static const char *gntst_name(int16_t st)
{
#define GNTST_CASE(name, value) \
    case value: return #name;
    switch (st) {
        GNTTAB_STATUS_VALUES(GNTST_CASE)
    }
#undef GNTST_CASE
    return "GNTST_unknown";
}

/* Pages [first, first + n) of an image (page i named by refs[i]) into
 * dst, a page each: 0, or the failed page in *bad and its status in *st
 * (the hypercall's own failure as GNTST_general_error). */
static int copy_pages(uint16_t client, const struct buildreq_image *img, const uint32_t *refs, uint32_t first,
                      uint32_t n, uint8_t *dst, uint32_t *bad, int16_t *st)
{
    static struct gnttab_copy ops[UPLOAD_BATCH];
    long r;

    for (uint32_t i = 0; i < n; i++)
        gnttab_copy_with(&ops[i], client, refs[first + i], 0, dst + (size_t)i * PAGE_SIZE,
                         (uint16_t)buildreq_page_len(img, first + i), false);
    r = gnttab_copy_batch(ops, n);
    for (uint32_t i = 0; i < n; i++)
        if (r || ops[i].status != GNTST_okay) {
            *bad = first + i;
            *st = r ? (int16_t)GNTST_general_error : ops[i].status;
            return -1;
        }
    return 0;
}

/* The error for page `page` of what (the image's field) at ref. */
static long page_fault(struct construct_failure *err, uint16_t field, const char *what, uint32_t page, uint32_t ref,
                       int16_t st)
{
    err->err = -XEN_EFAULT;
    err->field = field;
    err->index = page;
    snprintf(err->why, sizeof(err->why), "%s: %s %u: grant ref %u cannot be copied (%s)", buildreq_field_name(field),
             what, page, ref, gntst_name(st));
    return err->err;
}

long upload_spec(uint16_t client, uint32_t ref, struct build_spec *spec, struct construct_failure *err)
{
    const struct buildreq_image one = { .size = PAGE_SIZE, .pages = 1 };
    uint32_t bad;
    int16_t st;

    if (copy_pages(client, &one, &ref, 0, 1, (uint8_t *)spec, &bad, &st) != 0)
        return page_fault(err, BUILD_FIELD_SPEC, "page", 0, ref, st);
    return 0;
}

long upload_index(uint16_t client, uint16_t field, const struct buildreq_image *img, uint32_t *refs,
                  struct construct_failure *err)
{
    const struct buildreq_image pages = { .size = (uint64_t)img->index_pages * PAGE_SIZE, .pages = img->index_pages };
    uint32_t bad;
    int16_t st;

    if (img->index_pages &&
        copy_pages(client, &pages, img->index, 0, img->index_pages, (uint8_t *)refs, &bad, &st) != 0)
        return page_fault(err, field, "index page", bad, img->index[bad], st);
    return 0;
}

uint8_t *upload_kernel(uint16_t client, const struct buildreq_image *img, const uint32_t *refs,
                       struct construct_failure *err)
{
    uint8_t *buf = memalign(PAGE_SIZE, (size_t)img->pages * PAGE_SIZE);

    if (!buf) {
        err->err = -XEN_ENOMEM;
        err->field = BUILD_FIELD_KERNEL;
        err->index = 0;
        snprintf(err->why, sizeof(err->why), "kernel: no room for its %llu bytes in the builder",
                 (unsigned long long)img->size);
        return NULL;
    }
    for (uint32_t first = 0; first < img->pages; first += UPLOAD_BATCH) {
        uint32_t n = img->pages - first < UPLOAD_BATCH ? img->pages - first : UPLOAD_BATCH, bad;
        int16_t st;
        if (copy_pages(client, img, refs, first, n, buf + (size_t)first * PAGE_SIZE, &bad, &st) != 0) {
            page_fault(err, BUILD_FIELD_KERNEL, "page", bad, refs[bad], st);
            free(buf);
            return NULL;
        }
    }
    return buf;
}

void upload_free(uint8_t *kernel)
{
    free(kernel);
}

long upload_ramdisk(void *ctx, uint16_t domid, uint64_t gpa, struct construct_failure *f)
{
    static uint8_t bounce[UPLOAD_BATCH * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    const struct upload_stream *s = ctx;
    const struct buildreq_image *img = s->img;

    for (uint32_t first = 0; first < img->pages; first += UPLOAD_BATCH) {
        uint32_t n = img->pages - first < UPLOAD_BATCH ? img->pages - first : UPLOAD_BATCH, bad;
        uint64_t off = (uint64_t)first * PAGE_SIZE,
                 len = img->size - off < sizeof(bounce) ? img->size - off : sizeof(bounce);
        int16_t st;
        long r;
        if (copy_pages(s->client, img, s->refs, first, n, bounce, &bad, &st) != 0) {
            return page_fault(f, BUILD_FIELD_RAMDISK, "page", bad, s->refs[bad], st);
        }
        if ((r = construct_copy(domid, gpa + off, bounce, (size_t)len)) != 0)
            return r;
    }
    return 0;
}
