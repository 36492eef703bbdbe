/* SPDX-License-Identifier: MIT */
/*
 * The request engine's environment in the domain: grant copies through
 * GNTTABOP_copy (one hypercall per batch the engine hands over), bounce
 * buffers from DMA memory (our own RAM: the only memory the IOMMU lets
 * the device reach), each step one virtio-blk request on one contiguous
 * buffer, and log lines on the console.
 */
#include <stdio.h>
#include <string.h>

#include "blkdrv.h"
#include "idl/gnttab.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "mosaic/gnttab.h"

#define PAGE 4096u

static void io_copy(void *ctx, uint16_t domid, struct blkback_copy *c, unsigned n)
{
    static struct gnttab_copy ops[2 * BLKREQ_MAX_SEGS + 2];
    long r;

    (void)ctx;
    if (n > sizeof(ops) / sizeof(ops[0])) {
        for (unsigned i = 0; i < n; i++)
            c[i].status = GNTST_general_error;
        return;
    }
    for (unsigned i = 0; i < n; i++)
        gnttab_copy_with(&ops[i], domid, c[i].gref, c[i].offset, c[i].local, c[i].len, c[i].to_guest);
    r = gnttab_copy_batch(ops, n);
    for (unsigned i = 0; i < n; i++)
        c[i].status = r ? (int16_t)GNTST_general_error : ops[i].status;
}

static int io_submit(void *ctx, void *disk, enum blkback_io io, uint64_t sector, void *buf, uint32_t bytes,
                     void *cookie)
{
    static struct vblk_req req; /* large (VBLK_MAX_SEGS segments): not on the stack */
    struct disk *d = disk;
    int r;

    (void)ctx;
    memset(&req, 0, sizeof(req));
    req.op = io == BLKBACK_IO_READ ? VBLK_READ : io == BLKBACK_IO_WRITE ? VBLK_WRITE : VBLK_FLUSH;
    req.sector = io == BLKBACK_IO_FLUSH ? 0 : sector;
    req.nsegs = io == BLKBACK_IO_FLUSH ? 0 : 1;
    req.seg[0] = (struct vblk_seg){ buf ? dma_bus_addr(buf) : 0, bytes };
    req.cookie = cookie;
    r = vblk_submit(d->dev, &req);
    if (r == 0)
        d->submitted = true;
    return r == -XEN_EAGAIN ? -XEN_EAGAIN : r ? -XEN_EIO : 0;
}

static void *io_buf_alloc(void *ctx, size_t size)
{
    uint64_t bus;

    (void)ctx;
    return dma_alloc(size, PAGE, &bus);
}

static void io_buf_free(void *ctx, void *buf)
{
    (void)ctx;
    dma_free(buf);
}

static void io_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

const struct blkback_env io_env = {
    .copy = io_copy,
    .submit = io_submit,
    .buf_alloc = io_buf_alloc,
    .buf_free = io_buf_free,
    .log = io_log,
};
