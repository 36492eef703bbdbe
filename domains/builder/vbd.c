/* SPDX-License-Identifier: MIT */
/*
 * The vbd nodes of vbd.h: a disk's own keys, over devnodes.c.
 */
#include "vbd.h"

#include <stdio.h>

long vbd_add(uint16_t fe, uint16_t be, uint16_t reader, const struct xl_disk *disk)
{
    const struct devnodes dev = { "vbd", fe, be, disk->devid, reader };
    char devid_s[12];
    const char *const front[][2] = { { "virtual-device", devid_s }, { "device-type", "disk" } };
    const char *const back[][2] = {
        { "params", disk->target }, { "mode", disk->readonly ? "r" : "w" },
        { "dev", disk->vdev },      { "type", "phy" },
        { "removable", "0" },       { "bootable", "1" },
        { "device-type", "disk" },
    };

    snprintf(devid_s, sizeof(devid_s), "%u", disk->devid);
    return devnodes_add(&dev, front, sizeof(front) / sizeof(front[0]), back, sizeof(back) / sizeof(back[0]));
}

long vbd_remove(uint16_t fe, uint16_t be, const struct xl_disk *disk, uint64_t wait_ns, bool detach)
{
    const struct devnodes dev = { "vbd", fe, be, disk->devid, 0 };

    return devnodes_remove(&dev, wait_ns, detach);
}
