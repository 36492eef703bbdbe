/* SPDX-License-Identifier: MIT */
/*
 * Decoding a build service request (idl/build.idl): the ring entry and
 * the spec page, both copies in the builder's memory, into what the
 * builder needs to build the domain: a struct manifest_domain (the form
 * construct.c builds from), the command line, and the pages of the
 * kernel and ramdisk to copy. Everything is checked here, and nothing
 * else is done: no hypercall, no allocation, no output, so the host's
 * unit test and fuzz target run it as the builder does. What only the
 * machine can tell (memory free, a backend running, a kernel's format)
 * is checked when the domain is built.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "construct.h" /* struct construct_failure: an error names the field as a failed build does */
#include "idl/build.h"
#include "manifest.h"

/* An image as pages of the client's, named by index pages. */
struct buildreq_image {
    uint64_t size;                           /* bytes; 0: none (a ramdisk only) */
    uint32_t pages;                          /* size in 4 KiB pages, rounded up */
    uint32_t index_pages;                    /* index pages that name them */
    uint32_t index[BUILD_RAMDISK_INDEX_MAX]; /* their refs: the first index_pages */
};

/* What a request asks for, once decoded. */
struct buildreq_plan {
    struct manifest_domain md;       /* name, memory, maxmem, vcpus, weight, cap, CPUs, disks, vifs */
    char cmdline[BUILD_CMDLINE_MAX]; /* the kernel's command line */
    struct buildreq_image kernel, ramdisk;
    char vif_warning[CONSTRUCT_WHY_MAX]; /* what xl would only warn about in a vif spec; "" if nothing */
};

/* buildreq_check_request: the ring entry: op BUILD_OP_BUILD (else
 * -ENOSYS, BUILD_FIELD_OP) and reserved zero (-EINVAL). 0, or the error
 * (a negative Xen errno, one of BUILD_OP_BUILD_ERRORS) in *err. */
int buildreq_check_request(const struct build_request *req, struct construct_failure *err);

/*
 * buildreq_decode: the spec page (a private copy) into *plan. Checked in
 * this order, the first error returned: version, reserved, name, vcpus,
 * memory, maxmem, weight, cap, cpus and vcpu_cpus, cmdline, kernel,
 * ramdisk, disks, vifs. A vif without a MAC gets the zero MAC (mac_given
 * false): the caller draws one. 0, or the error in *err (*plan then
 * partial).
 */
int buildreq_decode(const struct build_spec *spec, struct buildreq_plan *plan, struct construct_failure *err);

/* buildreq_page_len: bytes of page `page` of an image of size bytes that
 * are the image's (4096 but for the last page). */
uint32_t buildreq_page_len(const struct buildreq_image *img, uint32_t page);

/* buildreq_field_name: the spec's name for field ("memory"), "?" for none. */
const char *buildreq_field_name(uint16_t field);

/* A hot-plug request's device page, decoded. */
struct buildreq_device {
    uint16_t domid;
    uint32_t kind;                   /* BUILD_DEVICE_DISK or BUILD_DEVICE_VIF */
    struct xl_disk disk;             /* attach of a disk */
    struct xl_vif vif;               /* attach of a vif (its MAC zero unless given) */
    uint32_t devid;                  /* a disk's number (attach and detach); a vif's handle (detach, unless by_mac) */
    bool by_mac;                     /* detach of a vif named by its MAC */
    uint8_t mac[6];                  /* that MAC */
    char warning[CONSTRUCT_WHY_MAX]; /* what xl would only warn about in a vif spec; "" if nothing */
};

/*
 * buildreq_decode_device: the device page of op (BUILD_OP_ATTACH or
 * BUILD_OP_DETACH; a private copy) into *d. Checked in this order:
 * version, reserved, kind, the spec's text, then for an attach the spec
 * (lib/xl's parsers, the manifest's own), for a detach the device's name.
 * Nothing about the domain is checked here. 0, or the error in *err.
 */
int buildreq_decode_device(uint32_t op, const struct build_device *dev, struct buildreq_device *d,
                           struct construct_failure *err);

/* buildreq_device_fits: disk or vif i of md (kind BUILD_DEVICE_*) against
 * the first i: a backend named that is not md itself (-EINVAL), no vdev
 * twice, no MAC twice (-EEXIST). The build's checks, for a hot-plug. */
int buildreq_device_fits(const struct manifest_domain *md, uint32_t kind, unsigned i, struct construct_failure *err);
