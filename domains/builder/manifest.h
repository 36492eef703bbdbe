/* SPDX-License-Identifier: MIT */
/*
 * The boot manifest: which image becomes which domain. Text, one section
 * per domain:
 *
 *   # comment
 *   [hello]
 *   image = hello.elf      # a boot module, by its name: a PVH ELF64 or
 *                          # ELF32 image, or a Linux bzImage (xz payload)
 *   kernel = vmlinuz       # xl's name for the same key
 *   ramdisk = initrd.img   # a boot module, given as module 0 (the initrd)
 *   memory = 16            # MiB
 *   vcpus = 2
 *   weight = 256           # credit scheduler weight, 1..65535
 *   cap = 0                # percent of one CPU, 0 = none
 *   cpus = 0-1             # where the vCPUs may run: N, N-M, ^N, several of
 *                          # those comma-separated, or all (lib/xl's
 *                          # xl_cpus.h; quotes optional), for every vCPU;
 *                          # or xl's list with
 *                          # one entry per vCPU, cpus = ["0", "1"]: vCPU 0
 *                          # on CPU 0, vCPU 1 on CPU 1 (vCPUs past the end
 *                          # of the list run anywhere)
 *   cmdline = text to pass
 *   extra = more text      # appended to cmdline after a space, as xl does
 *   on_poweroff = destroy  # what the builder does when the domain shuts
 *   on_reboot = restart    # down for that reason (xl's keys and defaults):
 *   on_crash = destroy     # destroy, restart (rebuild it from its image) or
 *                          # preserve (leave it shut down for inspection)
 *   caps = create, build   # capabilities the builder grants it (MGMT_CAP_GRANT,
 *                          # so only a subset of the builder's own): none
 *                          # (default), or some of create, build, control,
 *                          # grant, ioport, pci and log (idl/mgmt.idl), separated
 *                          # by commas
 *   service = xenstore     # this domain is the XenStore (domains/xenstored):
 *                          # built first, whatever its place; every other
 *                          # domain gets a store ring and is introduced to it
 *   watch_release = yes    # it may watch XenStore's @releaseDomain (as Xen's
 *                          # toolstack allows a driver domain); default no
 *   build_service = yes    # it may ask the builder to build domains from
 *                          # images it uploads (idl/build.idl, service.c);
 *                          # it gets nothing else by it: to receive them it
 *                          # needs caps = control. Default no. Needs a
 *                          # service = xenstore domain (the ring is set up
 *                          # through the store)
 *   service = console      # this domain is the console domain (domains/console):
 *                          # built right after the XenStore; every domain
 *                          # built after it gets a console ring it serves
 *   ioports = 2f8-2ff      # I/O ports its vCPUs reach directly (xl's form,
 *                          # hex: FIRST-LAST or one port; several comma-
 *                          # separated, or xl's list ["2f8-2ff", "3e8"]);
 *                          # only ports the builder may reach (not the core's)
 *   disk = ['phy:vdb,xvda,w,backend=blkdrv', 'vdev=xvdb, access=r, backend=blkdrv, target=vdb2']
 *                          # xl's disks (xl_disk.h): the guest's vdev served
 *                          # by the driver domain backend= names, which is an
 *                          # earlier section (built before it); target is the
 *                          # disk in that domain's terms; raw and phy only;
 *                          # at most MANIFEST_MAX_DISKS, no vdev twice
 *   vif = ['mac=00:16:3e:01:02:03, bridge=xenbr0, backend=netdrv', 'script=vif-route, ip=10.0.0.2, backend=netdrv']
 *                          # xl's network interfaces (xl_vif.h): vif N (its
 *                          # handle) is the list's item N, served by the
 *                          # driver domain backend= names, an earlier
 *                          # section; a MAC left out is drawn at boot in
 *                          # Xen's 00:16:3e range and kept across restarts;
 *                          # at most MANIFEST_MAX_VIFS, no MAC twice; model=
 *                          # and accel= are ignored with a warning line
 *   handover = control     # once it runs, the builder hands it to the domain
 *                          # of that earlier section (MGMT_DOMAIN_HANDOVER),
 *                          # which must hold the control capability (caps =
 *                          # control): that domain controls it from then on
 *                          # and acts on its shutdowns, and the builder no
 *                          # longer watches it (its on_* keys then do not
 *                          # apply: the control domain destroys it whenever
 *                          # it shuts down). Not for a service; the XenStore
 *                          # nodes of its disks and vifs stay the builder's
 *                          # to remove once it is gone
 *   pci = 0000:00:04.0     # PCI functions given to it before it runs (xl's
 *                          # BDF, [SSSS:]BB:DD.F, segment 0; several comma-
 *                          # separated, or xl's list ['0000:00:04.0', ...])
 *
 * Every error names the line and the key; a domain with an error is not
 * built, the others are. The keys under a refused section header (bad,
 * or one domain too many) belong to no domain and are skipped.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xl_disk.h"
#include "xl_vif.h"

#define MANIFEST_MAX_DOMAINS 16
#define MANIFEST_NAME_MAX    32
#define MANIFEST_TEXT_MAX    256
#define MANIFEST_MAX_VCPUS   8
#define MANIFEST_MAX_IOPORTS 4
#define MANIFEST_MAX_DISKS   XL_DISKS_MAX
#define MANIFEST_MAX_PCI     4
#define MANIFEST_MAX_VIFS    XL_VIFS_MAX

enum manifest_action { ACTION_DESTROY, ACTION_RESTART, ACTION_PRESERVE };

struct manifest_domain {
    char name[MANIFEST_NAME_MAX];
    char image[MANIFEST_TEXT_MAX];
    char ramdisk[MANIFEST_TEXT_MAX]; /* "" if none */
    char cmdline[MANIFEST_TEXT_MAX];
    char extra[MANIFEST_TEXT_MAX];
    uint64_t memory_mib;
    uint64_t maxmem_mib; /* what it may grow to; 0: memory_mib (the manifest has no maxmem key) */
    unsigned vcpus;
    unsigned weight;
    unsigned cap;
    uint64_t cpumask;                          /* every vCPU's, unless a cpus list names it */
    uint64_t vcpu_cpumask[MANIFEST_MAX_VCPUS]; /* from a cpus list: vCPU i's */
    unsigned nr_vcpu_cpumasks;                 /* entries in that list; 0 without one */
    enum manifest_action on_poweroff, on_reboot, on_crash;
    uint64_t caps;                            /* MGMT_CAP_* bits to grant; 0 = none */
    struct xl_disk disks[MANIFEST_MAX_DISKS]; /* from the disk key */
    unsigned nr_disks;
    unsigned disk_line;                    /* where the disk key is */
    struct xl_vif vifs[MANIFEST_MAX_VIFS]; /* from the vif key: vif i's handle is i */
    unsigned nr_vifs;
    unsigned vif_line;      /* where the vif key is */
    uint16_t device_reader; /* a domain that may read its device nodes (the client it is built for), 0: none */
    enum { SERVICE_NONE, SERVICE_XENSTORE, SERVICE_CONSOLE } service;
    bool build_service; /* offered the build service */
    struct {
        uint16_t first;
        uint32_t nr;
    } ioports[MANIFEST_MAX_IOPORTS]; /* from the ioports key */
    unsigned nr_ioports;
    uint32_t pci[MANIFEST_MAX_PCI]; /* from the pci key: sbdf, segment 0 */
    unsigned nr_pci;
    bool watch_release;               /* may see @releaseDomain events */
    char handover[MANIFEST_NAME_MAX]; /* the section that controls it once it runs; "" for the builder */
    unsigned handover_line;           /* where the handover key is */
    unsigned line;                    /* where its section starts */
    bool valid;                       /* no error was found in its section */
};

struct manifest {
    unsigned count;
    struct manifest_domain dom[MANIFEST_MAX_DOMAINS];
    unsigned errors;
    bool skipping; /* while parsing: after a section header that was refused */
};

/* manifest_parse: parse text (len bytes, need not be NUL-terminated).
 * Errors are printed as "builder: manifest:LINE: ..." and counted; the
 * sections they occur in are marked invalid. */
void manifest_parse(const char *text, size_t len, struct manifest *m);

/*
 * manifest_draw_macs: every vif of a valid domain that was given no MAC
 * gets one in Xen's range (xl_vif_random_mac) from bits(ctx), drawn
 * again while it is any other vif's in the manifest. A domain for which
 * no unique MAC comes in MANIFEST_MAC_TRIES draws is named and marked
 * invalid. Called once after manifest_parse, so that a restarted domain
 * keeps its MACs as xl keeps them.
 */
#define MANIFEST_MAC_TRIES 32
void manifest_draw_macs(struct manifest *m, uint64_t (*bits)(void *ctx), void *ctx);

/* manifest_kernel_cmdline: the command line d's kernel gets, cmdline
 * then extra (with a space between when both are given), into buf (cap
 * bytes, at least 1; cut short to fit, NUL-terminated). */
void manifest_kernel_cmdline(const struct manifest_domain *d, char *buf, size_t cap);

/* manifest_vcpu_cpus: the CPUs vCPU vcpu of d may run on: its entry in a
 * cpus list, else the domain's cpumask. */
uint64_t manifest_vcpu_cpus(const struct manifest_domain *d, unsigned vcpu);
