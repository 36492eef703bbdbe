/* SPDX-License-Identifier: MIT */
/*
 * A whole xl domain config file (xl.cfg(5)), held in memory, into one
 * fixed-size struct: the keys Mosaic carries out for a PVH guest, each
 * with the line it was given on. Every error is one line "FILE:LINE:
 * FIELD: what is wrong" and ends the parse; an unknown key, or one xl
 * has that Mosaic does not carry out, is a warning of the same form and
 * the parse goes on. No file or console I/O and no allocation: the
 * operator's tool reads the file, the control domain gets its bytes from
 * the network; both parse it with this (lib/xl/README.md says what is
 * taken and what is refused, and why). Host-tested
 * (tests/unit/xl_cfg_test.c) and fuzzed (tests/fuzz/xl_cfg_fuzz.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"
#include "xl_disk.h"
#include "xl_vif.h"

#define XL_CFG_TEXT_MAX     (1u << 20)    /* a config file's bytes */
#define XL_CFG_NAME_MAX     MGMT_NAME_MAX /* with the NUL: a domain name as MGMT_DOMAIN_CREATE takes it */
#define XL_CFG_PATH_MAX     256           /* kernel, ramdisk: a path on the operator's machine, with the NUL */
#define XL_CFG_CMDLINE_MAX  2048          /* cmdline, extra: Linux's x86 COMMAND_LINE_SIZE, with the NUL */
#define XL_CFG_ROOT_MAX     256           /* root, with the NUL */
#define XL_CFG_MAX_VCPUS    8             /* MGMT_DOMAIN_CREATE's nr_vcpus limit (idl/mgmt.idl) */
#define XL_CFG_MEMORY_MAX   (1u << 20)    /* MiB: 1 TiB, as the builder's manifest */
#define XL_CFG_MEMORY_DEF   32            /* MiB, libxl's default when neither memory nor maxmem is given */
#define XL_CFG_WEIGHT_DEF   256           /* xl.cfg(5)'s cpu_weight default */
#define XL_CFG_WEIGHT_MAX   65535
#define XL_CFG_MSG_MAX      320 /* an error or warning line, with the NUL (values in it are cut) */
#define XL_CFG_WARNINGS_MAX 8   /* warnings kept; more are only counted */

/* The keys, in the order of the struct's line[] (xl_cfg_field_name: the key). */
enum xl_cfg_field {
    XL_CFG_NAME,
    XL_CFG_TYPE,
    XL_CFG_BUILDER,
    XL_CFG_MEMORY,
    XL_CFG_MAXMEM,
    XL_CFG_VCPUS,
    XL_CFG_MAXVCPUS,
    XL_CFG_CPUS,
    XL_CFG_CPU_WEIGHT,
    XL_CFG_CAP,
    XL_CFG_KERNEL,
    XL_CFG_RAMDISK,
    XL_CFG_CMDLINE,
    XL_CFG_ROOT,
    XL_CFG_EXTRA,
    XL_CFG_DISK,
    XL_CFG_VIF,
    XL_CFG_ON_POWEROFF,
    XL_CFG_ON_REBOOT,
    XL_CFG_ON_CRASH,
    XL_CFG_FIELDS
};

/* What is done with a domain that shut down: the xl actions Mosaic carries out. */
enum xl_action { XL_ACTION_DESTROY, XL_ACTION_RESTART, XL_ACTION_PRESERVE };

struct xl_cfg {
    char name[XL_CFG_NAME_MAX];
    char kernel[XL_CFG_PATH_MAX];
    char ramdisk[XL_CFG_PATH_MAX];           /* "" if none */
    char cmdline[XL_CFG_CMDLINE_MAX];        /* the kernel's: cmdline, or from root and extra as xl makes it */
    char root[XL_CFG_ROOT_MAX];              /* as given ("" if not): cmdline has it unless cmdline was given */
    char extra[XL_CFG_CMDLINE_MAX];          /* likewise */
    uint64_t memory_mib;                     /* 1..XL_CFG_MEMORY_MAX, at most maxmem_mib */
    uint64_t maxmem_mib;                     /* default: memory (and both XL_CFG_MEMORY_DEF when neither is given) */
    unsigned vcpus;                          /* online at start: 1..maxvcpus, default 1 */
    unsigned maxvcpus;                       /* created: 1..XL_CFG_MAX_VCPUS, default vcpus */
    uint64_t cpumask;                        /* every vCPU's CPUs, unless the cpus list names it; default all */
    uint64_t cpus_named;                     /* the CPUs cpus names by number (xl_cpus_parse): of the entries kept */
    uint64_t vcpu_cpumask[XL_CFG_MAX_VCPUS]; /* from a cpus list: vCPU i's */
    unsigned nr_vcpu_cpumasks;               /* entries kept from that list (at most maxvcpus); 0 without one */
    unsigned weight;                         /* cpu_weight: 1..XL_CFG_WEIGHT_MAX, default XL_CFG_WEIGHT_DEF */
    unsigned cap;                            /* percent of one CPU, 0 (default) for none; at most 100 * maxvcpus */
    enum xl_action on_poweroff, on_reboot, on_crash; /* defaults destroy, restart, destroy (xl's) */
    struct xl_disk disks[XL_DISKS_MAX];              /* no two the same device */
    unsigned nr_disks;
    struct xl_vif vifs[XL_VIFS_MAX]; /* vif i's handle is i; no MAC given twice */
    unsigned nr_vifs;
    unsigned line[XL_CFG_FIELDS]; /* where each key was last given; 0 when it was not */
    unsigned end_line;            /* the file's last line: where a missing key is reported */
};

/* The messages of a parse: its error, or its warnings. */
struct xl_cfg_msgs {
    char error[XL_CFG_MSG_MAX]; /* "" when there was none */
    unsigned nr_warnings;       /* kept in warnings[] */
    unsigned warnings_dropped;  /* given after XL_CFG_WARNINGS_MAX were kept */
    char warnings[XL_CFG_WARNINGS_MAX][XL_CFG_MSG_MAX];
};

/*
 * xl_cfg_parse: the config text (len bytes, any bytes, need not be
 * NUL-terminated) of the file named file (a string, for messages only;
 * its last 100 bytes are shown, unprintable ones as '?') into *cfg,
 * with xl's syntax: KEY = VALUE or KEY += VALUE settings ending at a line
 * end or ';', VALUE a string in single or double quotes, a number or a
 * list [ VALUE, ... ] over any lines (a trailing comma allowed), '#'
 * comments; a key given again replaces the earlier value (as in xl, with
 * a warning). Keys: name and kernel (both needed), type ("pvh" only),
 * memory, maxmem, vcpus, maxvcpus, cpus, cpu_weight, cap, ramdisk,
 * cmdline, root, extra, disk, vif, on_poweroff, on_reboot, on_crash,
 * then the checks between them. Returns 0 with *cfg complete and
 * msgs->warnings filled, or -XEN_EINVAL with the first error in
 * msgs->error (*cfg then partial). Every message is one printable line,
 * "FILE:LINE: FIELD: what", FIELD the key (or "syntax" before one, or
 * "file" for a text over XL_CFG_TEXT_MAX).
 */
int xl_cfg_parse(const char *file, const char *text, size_t len, struct xl_cfg *cfg, struct xl_cfg_msgs *msgs);

/*
 * xl_cfg_check_machine: whether a parsed cfg fits a machine with
 * memory_mib MiB for domains and nr_cpus CPUs (0..nr_cpus-1). Returns 0,
 * -XEN_ENOMEM when memory or maxmem is more than memory_mib, or
 * -XEN_EINVAL when cpus names a CPU beyond the machine's or leaves a
 * vCPU none of them; with one line "FILE:LINE: FIELD: what" in error
 * (cap bytes, NUL-terminated; XL_CFG_MSG_MAX holds any), LINE the key's
 * (or the file's end for a default).
 */
int xl_cfg_check_machine(const char *file, const struct xl_cfg *cfg, uint64_t memory_mib, unsigned nr_cpus, char *error,
                         size_t cap);

/* xl_cfg_vcpu_cpus: the CPUs vCPU vcpu of cfg may run on: its entry in a
 * cpus list, else cfg->cpumask. */
uint64_t xl_cfg_vcpu_cpus(const struct xl_cfg *cfg, unsigned vcpu);

/* xl_cfg_field_name: the key of field ("memory"), or "?" for none. */
const char *xl_cfg_field_name(enum xl_cfg_field field);

/* xl_action_name: "destroy", "restart" or "preserve". */
const char *xl_action_name(enum xl_action action);
