/* SPDX-License-Identifier: MIT */
/*
 * The disks: every PCI function the domain was given (MGMT_PCI_INFO
 * index 0, 1, ...) that is a virtio-blk device becomes vda, vdb, ... in
 * that order, and each partition of a GPT on it vdb1, vdb2, ... (the
 * entry's number, as Linux names them). Completions come as an event
 * (the queue's MSI-X through the core) or, where that cannot be bound,
 * by polling, said once in the log. A disk's contents are untrusted: the
 * partition table is read with gpt.c's checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdrv.h"
#include "idl/xen_errno.h"
#include "mosaic/time.h"

#define PCI_VENDOR_VIRTIO      0x1af4u
#define PCI_DEVICE_VIRTIO_BLK  0x1042u /* modern (virtio 1.x, 4.1.2.1: 0x1040 + device id 2) */
#define PCI_DEVICE_VIRTIO_BLKT 0x1001u /* transitional */
#define SYNC_TIMEOUT_NS        (5 * TIME_NS_PER_S)

static struct disk disks[DISKS_MAX];
static unsigned ndisks;
static unsigned letters; /* virtio-blk functions seen: a device that fails keeps its name */
static struct volume volumes[VOLUMES_MAX];
static unsigned nvolumes;

static void on_irq(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg; /* the loop reaps every disk after each wake-up */
}

static void sync_done(void *cookie, int status, void *arg)
{
    (void)arg;
    *(int *)cookie = status;
}

/* One read at start-up, waited for (polling: no event yet). */
static int sync_read(void *ctx, uint64_t lba, unsigned count, void *buf)
{
    struct disk *d = ctx;
    static struct vblk_req req;
    uint64_t bus, deadline;
    size_t bytes = (size_t)count * d->logical;
    void *dma = dma_alloc(bytes, 4096, &bus);
    int status = 1, r;

    if (!dma)
        return -XEN_ENOMEM;
    memset(&req, 0, sizeof(req));
    req.op = VBLK_READ;
    req.sector = lba * (d->logical / VBLK_SECTOR_SIZE);
    req.nsegs = 1;
    req.seg[0] = (struct vblk_seg){ bus, (uint32_t)bytes };
    req.cookie = &status;
    if ((r = vblk_submit(d->dev, &req)) != 0) {
        dma_free(dma);
        return r < 0 ? r : -XEN_EIO;
    }
    vblk_kick(d->dev);
    deadline = runtime_time_ns() + SYNC_TIMEOUT_NS;
    while (status == 1 && runtime_time_ns() < deadline)
        if (!vblk_reap(d->dev, sync_done, NULL))
            __builtin_ia32_pause();
    if (status == 0)
        memcpy(buf, dma, bytes);
    if (status != 1) /* a request the device still holds keeps its buffer */
        dma_free(dma);
    return status == 1 ? -XEN_ETIMEDOUT : status ? -XEN_EIO : 0;
}

static void add_volume(struct disk *d, const char *name, uint64_t first, uint64_t sectors)
{
    struct volume *v;

    if (nvolumes == VOLUMES_MAX) {
        printf("blkdrv: %s: more than %u disks and partitions: not served\n", name, VOLUMES_MAX);
        return;
    }
    v = &volumes[nvolumes++];
    snprintf(v->name, sizeof(v->name), "%s", name);
    v->disk = d;
    v->geometry = (struct blkreq_disk){ first, sectors, d->read_only, d->can_flush && !d->read_only };
}

static void partitions(struct disk *d)
{
    static struct gpt_part parts[GPT_MAX_PARTS];
    unsigned n = 0, rejected = 0;
    int r = gpt_parse(d->sectors, d->logical, sync_read, d, parts, GPT_MAX_PARTS, &n, &rejected);

    if (r == -XEN_ENOENT)
        return; /* no GPT: the whole disk only */
    if (r) {
        printf("blkdrv: %s: partition table refused (%d): the whole disk only\n", d->name, r);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        char name[VOLUME_NAME];
        snprintf(name, sizeof(name), "%s%u", d->name, parts[i].number);
        add_volume(d, name, parts[i].first_sector, parts[i].nr_sectors);
        printf("blkdrv: %s: sectors %llu..%llu\n", name, (unsigned long long)parts[i].first_sector,
               (unsigned long long)(parts[i].first_sector + parts[i].nr_sectors - 1));
    }
    if (rejected)
        printf("blkdrv: %s: %u partition entries outside the disk's usable range ignored\n", d->name, rejected);
}

static bool is_virtio_blk(const struct pci_func *f)
{
    uint16_t vendor = pci_cfg_read16(f, 0), device = pci_cfg_read16(f, 2);

    return vendor == PCI_VENDOR_VIRTIO && (device == PCI_DEVICE_VIRTIO_BLK || device == PCI_DEVICE_VIRTIO_BLKT);
}

static void open_one(struct pci_func *f)
{
    struct disk *d = &disks[ndisks];
    unsigned bus = (f->sbdf >> 8) & 0xff, dev = (f->sbdf >> 3) & 0x1f, fn = f->sbdf & 7;
    int r;

    if (!is_virtio_blk(f)) {
        printf("blkdrv: PCI %02x:%02x.%u is not a virtio-blk device: not used\n", bus, dev, fn);
        return;
    }
    memset(d, 0, sizeof(*d));
    snprintf(d->name, sizeof(d->name), "vd%c", 'a' + letters++);
    d->func = f;
    if ((r = vblk_open(f, DISK_QUEUE, &d->dev)) != 0) {
        printf("blkdrv: %s (PCI %02x:%02x.%u): cannot start the device (%d)\n", d->name, bus, dev, fn, r);
        return;
    }
    ndisks++;
    d->sectors = vblk_capacity(d->dev);
    d->read_only = vblk_read_only(d->dev);
    d->can_flush = vblk_can_flush(d->dev);
    d->logical = vblk_logical_block_size(d->dev);
    d->physical = vblk_physical_block_size(d->dev);
    if (d->logical != 512 && d->logical != 4096)
        d->logical = 512;
    if (d->physical < d->logical)
        d->physical = d->logical;
    printf("blkdrv: %s: PCI %02x:%02x.%u, %llu sectors, %s%s\n", d->name, bus, dev, fn, (unsigned long long)d->sectors,
           d->read_only ? "read-only" : "read-write", d->can_flush ? ", write cache flushed on request" : "");
    add_volume(d, d->name, 0, d->sectors);
    partitions(d);
    if (vblk_irq_bind(d->dev, &d->port) == 0) {
        d->irq = true;
        evtchn_set_handler(d->port, on_irq, d);
    } else {
        printf("blkdrv: %s: no completion interrupt: polling the device\n", d->name);
    }
}

unsigned disks_init(void)
{
    for (unsigned i = 0; ndisks < DISKS_MAX && letters < 26 && i < 256; i++) {
        struct pci_func *f = calloc(1, sizeof(*f));
        int r = f ? pci_func_open(i, f) : -XEN_ENOMEM;
        if (r == 0) {
            open_one(f); /* keeps f when it serves a disk */
            continue;
        }
        free(f);
        if (r == -XEN_ENOENT)
            break;
        printf("blkdrv: PCI function %u: cannot open it (%d)\n", i, r);
    }
    return ndisks;
}

const struct volume *disks_find(const char *name)
{
    for (unsigned i = 0; i < nvolumes; i++)
        if (!strcmp(volumes[i].name, name))
            return &volumes[i];
    return NULL;
}

static void reaped(void *cookie, int status, void *arg)
{
    (void)arg;
    blkback_complete(cookie, status);
}

void disks_reap(void)
{
    for (unsigned i = 0; i < ndisks; i++) {
        struct disk *d = &disks[i];
        (void)vblk_reap(d->dev, reaped, NULL);
        /* Re-arm the interrupt; completions that came meanwhile may not raise one. */
        while (d->irq && vblk_irq_ack(d->dev))
            (void)vblk_reap(d->dev, reaped, NULL);
        if (!d->broken && vblk_broken(d->dev)) {
            d->broken = true; /* its requests fail from now on (-EIO, answered as errors) */
            printf("blkdrv: %s: the device broke its queue's protocol: every request to it fails\n", d->name);
        }
    }
}

void disks_kick(void)
{
    for (unsigned i = 0; i < ndisks; i++)
        if (disks[i].submitted) {
            disks[i].submitted = false;
            vblk_kick(disks[i].dev);
        }
}

bool disks_polled(void)
{
    for (unsigned i = 0; i < ndisks; i++)
        if (!disks[i].irq)
            return true;
    return false;
}
