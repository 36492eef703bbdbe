/* SPDX-License-Identifier: MIT */
/*
 * xl's disk syntax (xl-disk-configuration(5)) and its virtual device
 * names (xen-vbd-interface(7)), as far as Mosaic carries them out: raw
 * disks that a driver domain's blkback serves ("phy"). What xl accepts
 * and Mosaic does not do (other formats, scripts and their prefixes,
 * cdroms, qdisk and tap backends, discard, COLO and the like) is refused
 * with a reason, never silently dropped. Pure string work on bounded
 * input: it builds on the host unchanged (tests/unit/xl_disk_test.c) and
 * is fuzzed (tests/fuzz/xl_disk_fuzz.c). It knows nothing of domains.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_DISK_SPEC_MAX    256 /* a DISKSPEC's bytes, without the NUL */
#define XL_DISK_TARGET_MAX  64  /* sizes with the NUL */
#define XL_DISK_VDEV_MAX    16
#define XL_DISK_BACKEND_MAX 32
#define XL_DISK_WHY_MAX     160 /* a reason always fits (the value in it is cut) */
#define XL_DISKS_MAX        4   /* disks one domain may have (the builder's manifest, xl_cfg) */

/* One disk as xl's DISKSPEC names it. */
struct xl_disk {
    char target[XL_DISK_TARGET_MAX];   /* the disk in the backend's terms ("vdb", "vdb2"): XenStore's params */
    char vdev[XL_DISK_VDEV_MAX];       /* the guest's name for it, as written ("xvda") */
    uint32_t devid;                    /* vdev as Xen's number: the vbd's id in XenStore */
    bool readonly;                     /* access r or ro */
    char backend[XL_DISK_BACKEND_MAX]; /* backend=NAME, the driver domain; "" when not given */
};

/*
 * xl_disk_parse: one DISKSPEC (spec, NUL-terminated, any bytes) into
 * *out: positional target, format, vdev, access (format skipped after a
 * deprecated prefix such as "phy:", as in 'phy:vdb,xvda,w'), or named
 * target=, format=, vdev=, access=, backend=, backendtype=, devtype=, in
 * any mix. Each is given at most once; target= takes the rest of the
 * string. Returns 0, or -XEN_EINVAL with a one-line reason in why (cap
 * bytes, NUL-terminated; XL_DISK_WHY_MAX holds any), *out then undefined.
 */
int xl_disk_parse(const char *spec, struct xl_disk *out, char *why, size_t cap);

/*
 * xl_vdev_devid: Xen's number for a virtual device name, as libxl
 * computes it (xen-vbd-interface(7)): xvd<letters>[<partition>] (disk
 * from bijective base-26 letters, a=0, z=25, aa=26; 202 << 8 | disk << 4
 * | partition up to disk 15 and partition 15, else 1 << 28 | disk << 8 |
 * partition, disk below 2^20, partition up to 255); d<disk>[p<partition>]
 * in the same scheme; hd[a-d] (partition up to 63) and sd[a-p] (up to
 * 15); or the number itself (decimal, 0x hex or 0 octal) when it is one
 * of those encodings. Partition numbers have no leading zero. Returns 0
 * or -XEN_EINVAL.
 */
int xl_vdev_devid(const char *vdev, uint32_t *devid);
