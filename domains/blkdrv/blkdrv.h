/* SPDX-License-Identifier: MIT */
/*
 * The block driver domain's own pieces, between main.c's event loop, the
 * disks (disks.c: virtio-blk devices and their GPT partitions), the
 * device-facing environment of the request engine (io.c) and the
 * XenStore side of each virtual block device (vbd.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "blkback.h"
#include "blkreq.h"
#include "drivers/env.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "gpt.h"
#include "mosaic/evtchn.h"
#include "mosaic/xenbus.h"

#define DISKS_MAX    16u /* PCI functions looked at */
#define VOLUMES_MAX  64u /* disks and partitions */
#define VOLUME_NAME  16u
#define DISK_QUEUE   128u /* virtqueue entries asked for */
#define MAX_INDIRECT BLKREQ_MAX_INDIRECT_SEGS

/* A virtio-blk device: vda, vdb, ... in the order of the functions given. */
struct disk {
    char name[VOLUME_NAME];
    struct pci_func *func;
    struct vblk *dev;
    uint64_t sectors;
    unsigned logical, physical; /* block sizes */
    bool read_only, can_flush;
    bool irq; /* completions come by event; else polled */
    evtchn_port_t port;
    bool submitted; /* requests queued since the last kick */
    bool broken;    /* reported broken (logged once) */
};

/* What a vbd's params names: a whole disk (vdb) or a partition (vdb2). */
struct volume {
    char name[VOLUME_NAME];
    struct disk *disk;
    struct blkreq_disk geometry; /* first_sector 0 for a whole disk */
};

/* disks_init: open every virtio-blk function given to the domain, read
 * their partition tables, log each disk and partition. Returns how many
 * disks. */
unsigned disks_init(void);
const struct volume *disks_find(const char *name);
/* disks_reap: completions of every disk to the request engine. */
void disks_reap(void);
/* disks_kick: tell every disk with new requests. */
void disks_kick(void);
/* disks_polled: some disk has no completion event (the loop polls). */
bool disks_polled(void);

/* The engine's environment over the runtime and virtio-blk (io.c). */
extern const struct blkback_env io_env;

/* The XenStore side (vbd.c). vbd_init: watch our backend/vbd directory
 * (0, or a negative errno). vbd_scan: bring every vbd in line with the
 * store (after a watch event). vbd_poll: serve every connection; true
 * when something moved. */
int vbd_init(struct xenbus *xb, uint16_t self);
void vbd_scan(void);
bool vbd_poll(void);
/* vbd_busy: some connection has steps with a disk. */
bool vbd_busy(void);
/* vbd_count: the vbd entries known (connected or not). */
unsigned vbd_count(void);
