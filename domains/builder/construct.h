/* SPDX-License-Identifier: MIT */
/*
 * Building one domain (construct.c): create it, populate its RAM, load
 * the kernel, the ramdisk and the ACPI tables, write start_info, give it
 * its XenStore and console rings, its scheduling and CPUs, its PCI
 * functions and capabilities, its vbd and vif nodes, then unpause it.
 * The one path for the domains of the boot manifest (builder.c, images
 * from boot modules) and those of the build service (service.c, images
 * a client uploaded): where the images come from is the caller's, what
 * the domain is comes from a struct manifest_domain either way. Not
 * here: what happens to the domain once it runs.
 */
#pragma once

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"

#define CONSTRUCT_WHY_MAX 104 /* build_response.why */

/* Why a build failed, for the log and for a build service client. */
struct construct_failure {
    long err;       /* a negative Xen errno */
    uint16_t field; /* BUILD_FIELD_* (idl/build.idl): the part of the description at fault */
    uint32_t index; /* which disk, vif, vCPU or image page, as the field says */
    char why[CONSTRUCT_WHY_MAX];
};

/* Where a domain's kernel and ramdisk come from, and its command line. */
struct construct_source {
    const char *kernel_name; /* for log lines: the module's name, or "upload" */
    const uint8_t *kernel;   /* the whole kernel image, read in place */
    size_t kernel_size;
    uint64_t ramdisk_size; /* 0: none */
    /* Put the ramdisk's ramdisk_size bytes at gpa of domid: 0, or a
     * negative errno with f filled when the source is at fault (f->field
     * 0 when the copy into domid failed). */
    long (*ramdisk_copy)(void *ctx, uint16_t domid, uint64_t gpa, struct construct_failure *f);
    void *ramdisk_ctx;
    const char *cmdline; /* the kernel's, at most LAYOUT_CMDLINE_MAX bytes with the NUL */
};

/* construct_init: before the first build. backend_domid gives the id of
 * the running manifest domain named name (a disk's or vif's backend=), or
 * -1; the builder's heap is measured from the break at this call. */
void construct_init(int (*backend_domid)(const char *name));

/*
 * construct_domain: build and start the domain md describes from src.
 * Returns its id, or -1 with f filled and one line printed naming the
 * domain and the reason; nothing of a failed build is left (the domain
 * is destroyed, its device nodes removed).
 */
int construct_domain(const struct manifest_domain *md, const struct construct_source *src, struct construct_failure *f);

/* construct_copy: len bytes from the builder's src to gpa of the
 * building domain domid, MGMT_DOMAIN_COPY_MAX at a time: 0 or its error. */
long construct_copy(uint16_t domid, uint64_t gpa, const void *src, size_t len);

/* construct_detach_devices: the vbd and vif nodes of md's disks and vifs
 * for domid removed as libxl removes them when a domain goes, waiting up
 * to wait_ns for each backend; one line per device. */
void construct_detach_devices(uint16_t domid, const struct manifest_domain *md, uint64_t wait_ns);

/* construct_attach_device: the nodes of disk i (disk) or vif i of md for
 * the running domain domid, as a build writes them (one line). 0, or the
 * error with *f filled as a build's: -ESRCH when the backend is not
 * running, or the store's error. */
long construct_attach_device(uint16_t domid, const struct manifest_domain *md, bool disk, unsigned i,
                             struct construct_failure *f);

/* construct_detach_device: the nodes of disk i (disk) or vif i of md
 * removed (devnodes_remove: a guest's detach with detach, else the
 * forced removal), one line. 0, -ETIMEDOUT (removed all the same),
 * -ESRCH when its backend is not running, or the store's error. */
long construct_detach_device(uint16_t domid, const struct manifest_domain *md, bool disk, unsigned i, uint64_t wait_ns,
                             bool detach);

/* construct_errname: a negative Xen errno as a short text ("ENOMEM (out
 * of memory or quota)"). */
const char *construct_errname(long r);
