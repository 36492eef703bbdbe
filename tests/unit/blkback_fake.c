/* SPDX-License-Identifier: MIT */
/* The block back end's host fakes (blkback_fake.h). */
#include "blkback_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpt.h"
#include "idl/gnttab.h"
#include "idl/xen_errno.h"

void fake_image_init(struct fake_image *img, uint64_t sectors)
{
    img->bytes = calloc(sectors, 512);
    if (!img->bytes)
        abort();
    img->sectors = sectors;
    img->reads = 0;
}

void fake_image_free(struct fake_image *img)
{
    free(img->bytes);
    img->bytes = NULL;
}

int fake_image_read(void *ctx, uint64_t lba, unsigned count, void *buf)
{
    struct fake_image *img = ctx;

    img->reads++;
    if (lba > img->sectors || count > img->sectors - lba)
        return -XEN_EIO;
    memcpy(buf, img->bytes + lba * 512, (size_t)count * 512);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

void fake_gpt_fix_header(struct fake_image *img, uint64_t lba, bool fix_array)
{
    uint8_t *h = img->bytes + lba * 512;
    uint32_t size, nr, esize;
    uint64_t entries;

    memcpy(&size, h + 12, 4);
    memcpy(&entries, h + 0x48, 8);
    memcpy(&nr, h + 0x50, 4);
    memcpy(&esize, h + 0x54, 4);
    if (fix_array && entries < img->sectors && (uint64_t)nr * esize <= (img->sectors - entries) * 512)
        put32(h + 0x58, gpt_crc32(img->bytes + entries * 512, (uint64_t)nr * esize));
    put32(h + 0x10, 0);
    if (size <= 512)
        put32(h + 0x10, gpt_crc32(h, size));
}

static void header(struct fake_image *img, uint64_t lba, uint64_t alt, uint64_t entries)
{
    uint8_t *h = img->bytes + lba * 512;
    uint64_t last = img->sectors - 1;

    memset(h, 0, 512);
    memcpy(h, "EFI PART", 8);
    put32(h + 0x08, 0x00010000);
    put32(h + 0x0c, 92);
    put64(h + 0x18, lba);
    put64(h + 0x20, alt);
    put64(h + 0x28, 34);
    put64(h + 0x30, last - 33);
    memset(h + 0x38, 0x42, 16);
    put64(h + 0x48, entries);
    put32(h + 0x50, 128);
    put32(h + 0x54, 128);
    fake_gpt_fix_header(img, lba, true);
}

void fake_gpt_write(struct fake_image *img, const struct fake_part *parts, unsigned n)
{
    uint64_t last = img->sectors - 1;

    /* A protective MBR: one 0xee partition. */
    img->bytes[446 + 4] = 0xee;
    img->bytes[510] = 0x55;
    img->bytes[511] = 0xaa;
    for (int copy = 0; copy < 2; copy++) {
        uint8_t *array = img->bytes + (copy ? last - 32 : 2) * 512;
        memset(array, 0, 128 * 128);
        for (unsigned i = 0; i < n; i++) {
            uint8_t *e = array + parts[i].index * 128;
            memset(e, 0x11, 16); /* a type */
            memset(e + 16, (int)(0x20 + i), 16);
            put64(e + 0x20, parts[i].first_lba);
            put64(e + 0x28, parts[i].last_lba);
        }
    }
    header(img, 1, last, 2);
    header(img, last, 1, last - 32);
}

/* The environment. */

static void env_copy(void *ctx, uint16_t domid, struct blkback_copy *c, unsigned n)
{
    struct fake_env *e = ctx;

    (void)domid;
    e->copy_calls++;
    for (unsigned i = 0; i < n; i++) {
        e->copies++;
        /* As the core checks a copy: a granted ref, inside the page, not
         * across one of ours, and writable when we write to it. */
        if (c[i].gref >= FAKE_GRANTS || !e->granted[c[i].gref]) {
            c[i].status = GNTST_bad_gntref;
            continue;
        }
        if ((unsigned)c[i].offset + c[i].len > 4096 || (((uintptr_t)c[i].local & 4095) + c[i].len) > 4096) {
            c[i].status = GNTST_bad_copy_arg;
            continue;
        }
        if (c[i].to_guest && e->readonly[c[i].gref]) {
            c[i].status = GNTST_permission_denied;
            continue;
        }
        if (c[i].to_guest)
            memcpy(e->page[c[i].gref] + c[i].offset, c[i].local, c[i].len);
        else
            memcpy(c[i].local, e->page[c[i].gref] + c[i].offset, c[i].len);
        c[i].status = GNTST_okay;
    }
}

static int env_submit(void *ctx, void *disk, enum blkback_io io, uint64_t sector, void *buf, uint32_t bytes,
                      void *cookie)
{
    struct fake_env *e = ctx;
    unsigned limit = e->limit ? e->limit : FAKE_DISK_MAX;

    (void)disk;
    if (e->ninflight >= limit)
        return -XEN_EAGAIN;
    if (io == BLKBACK_IO_FLUSH
            ? bytes != 0 || buf != NULL
            : bytes == 0 || bytes % 512 || !buf || sector > e->img->sectors || bytes / 512 > e->img->sectors - sector) {
        e->bad_submits++; /* the engine must never ask this */
        return -XEN_EINVAL;
    }
    e->inflight[e->ninflight++] = (struct fake_io){ cookie, io, sector, buf, bytes };
    return 0;
}

static void *env_buf_alloc(void *ctx, size_t size)
{
    struct fake_env *e = ctx;
    void *p = aligned_alloc(4096, size);

    if (p)
        e->bufs++;
    return p;
}

static void env_buf_free(void *ctx, void *buf)
{
    struct fake_env *e = ctx;

    e->bufs--;
    free(buf);
}

static void env_log(void *ctx, const char *line)
{
    struct fake_env *e = ctx;

    if (e->nlog < FAKE_LOG_LINES)
        snprintf(e->log[e->nlog++], sizeof(e->log[0]), "%s", line);
}

const struct blkback_env fake_blkback_env = {
    .copy = env_copy,
    .submit = env_submit,
    .buf_alloc = env_buf_alloc,
    .buf_free = env_buf_free,
    .log = env_log,
};

void fake_env_init(struct fake_env *e, struct fake_image *img)
{
    memset(e, 0, sizeof(*e));
    e->img = img;
}

void fake_grant(struct fake_env *e, uint32_t ref, bool readonly, uint8_t fill)
{
    e->granted[ref] = true;
    e->readonly[ref] = readonly;
    memset(e->page[ref], fill, 4096);
}

static void perform(struct fake_env *e, struct fake_io *io)
{
    int status = 0;

    if (e->fail_io)
        status = -XEN_EIO;
    else if (io->io == BLKBACK_IO_READ) {
        memcpy(io->buf, e->img->bytes + io->sector * 512, io->bytes);
        e->reads++;
    } else if (io->io == BLKBACK_IO_WRITE) {
        memcpy(e->img->bytes + io->sector * 512, io->buf, io->bytes);
        e->writes++;
    } else {
        e->flushes++;
        e->flushed_writes = e->writes;
    }
    blkback_complete(io->cookie, status);
}

unsigned fake_disk_run(struct fake_env *e, unsigned n, bool reverse)
{
    unsigned done = 0;

    if (n == 0 || n > e->ninflight)
        n = e->ninflight;
    while (done < n) {
        if (reverse) {
            perform(e, &e->inflight[--e->ninflight]);
        } else {
            perform(e, &e->inflight[0]);
            memmove(&e->inflight[0], &e->inflight[1], (--e->ninflight) * sizeof(e->inflight[0]));
        }
        done++;
    }
    return done;
}

bool fake_log_has(const struct fake_env *e, const char *needle)
{
    for (unsigned i = 0; i < e->nlog; i++)
        if (strstr(e->log[i], needle))
            return true;
    return false;
}
