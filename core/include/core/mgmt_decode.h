/* SPDX-License-Identifier: MIT */
/*
 * The decode step of Mosaic's management hypercall (idl/mgmt.idl, STYLE
 * 4): a plain function of the argument registers, the struct the caller
 * copied in once and two plain values about the machine. It checks every
 * field that needs no core state and changes nothing; the capability and
 * target lookup, the target's state and performing are mgmt.c's. Only
 * generated IDL headers here: it builds on the host (unit test, fuzz).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"

#define HCALL_MGMT_COPY_MAX   (16ull << 20) /* bytes one MGMT_DOMAIN_COPY moves */
#define HCALL_MGMT_GPFN_LIMIT (1ull << 36)  /* frames a domain's RAM may reach */

/* What a decision may depend on besides the caller's input. */
struct hcall_mgmt_ctx {
    uint32_t max_vcpus;   /* vCPUs a domain may have: create's range, sched's cap */
    uint64_t online_cpus; /* bit n: CPU n is online */
};

/* Every argument struct, so one buffer takes any of them. */
union hcall_mgmt_arg {
    struct mgmt_domain_create create;
    struct mgmt_domain_populate populate;
    struct mgmt_domain_copy copy;
    struct mgmt_vcpu_set_pvh set_pvh;
    struct mgmt_domain_sched sched;
    struct mgmt_vcpu_affinity affinity;
    struct mgmt_cap_grant cap_grant;
    struct mgmt_domain_unpause unpause;
    struct mgmt_domain_destroy destroy;
    struct mgmt_domain_info info;
    struct mgmt_gnttab_seed gnttab_seed;
    struct mgmt_ioport_permit ioport;
    struct mgmt_pci_assign pci_assign;
    struct mgmt_pci_info pci_info;
    struct mgmt_pci_cfg_write pci_cfg_write;
    struct mgmt_pci_msi_bind pci_msi_bind;
    struct mgmt_domain_pause pause;
    struct mgmt_domain_handover handover;
    struct mgmt_domain_list list;
    struct mgmt_vcpu_info vcpu_info;
    struct mgmt_phys_info phys_info;
    struct mgmt_log_read log_read;
    struct mgmt_domain_sched_get sched_get;
    struct mgmt_domain_set_maxmem set_maxmem;
};

/* What the caller is checked for before the fields' verdict is given. */
#define HCALL_MGMT_CHECK_CAP     0 /* create, list, phys_info, log_read: the capability need, no target */
#define HCALL_MGMT_CHECK_CONTROL 1 /* need, then that the caller controls domid */
#define HCALL_MGMT_CHECK_NONE \
    2 /* info, vcpu_info and sched_get on MGMT_DOMID_SELF, the PCI calls on one's own functions: nothing */

struct hcall_mgmt_op {
    uint32_t cmd;             /* enum mgmt_cmd */
    uint8_t check;            /* HCALL_MGMT_CHECK_* */
    uint16_t domid;           /* CHECK_CONTROL: the target as given */
    uint64_t need;            /* the MGMT_CAP_* bit the command needs */
    int after_lookup;         /* the fields' error once need (and control) is checked, 0 for none */
    int after_state;          /* populate, copy, set_pvh: the fields' error once the target is found building */
    union hcall_mgmt_arg arg; /* as given; perform fills the out fields */
};

/* hcall_mgmt_arg_size: the size of cmd's argument struct, 0 for an
 * unknown cmd. The caller copies that many bytes into a union
 * hcall_mgmt_arg only when a[2] (the size given) equals it. */
size_t hcall_mgmt_arg_size(uint64_t cmd);

/* hcall_decode_mgmt(ctx, a, arg, out): a = (cmd, address, size); arg is
 * the struct copied in, or NULL when it was not (wrong size) or the copy
 * faulted. Returns -ENOSYS for an unknown cmd, -EINVAL for a size other
 * than the struct's, -EFAULT for no struct, and leaves *out untouched;
 * otherwise 0 and *out, whose after_lookup and after_state hold the
 * errors of idl/mgmt.idl that come after the lookup, in its order:
 * create: name empty, unterminated or not printable, nr_vcpus not
 * 1..max_vcpus, reserved0 not 0, max_pages 0 (all -EINVAL);
 * populate: reserved, then after the state -EOVERFLOW for nr_pages 0 or
 * a range that wraps or passes HCALL_MGMT_GPFN_LIMIT; copy: reserved,
 * then after the state len past HCALL_MGMT_COPY_MAX or a wrapping range;
 * set_pvh: reserved0 after the state; sched: weight 0, cap above 100 per
 * vCPU a domain may have; affinity: reserved0, no online CPU in cpumask;
 * cap_grant, unpause, destroy, info: reserved; gnttab_seed: ref not below
 * MGMT_GNTTAB_SEED_REFS, an unknown flag, reserved0, a grantee from
 * MGMT_DOMID_SELF up, a gfn above 32 bits; ioport_permit: nr_ports 0 or
 * a range past port 65535; pci_assign: reserved0, a segment other than 0;
 * pci_cfg_write: size not 1, 2 or 4, offset not aligned to it or past
 * 4 KiB, reserved0; pci_msi_bind: reserved; pause, list, vcpu_info:
 * reserved; handover: reserved, to equal to domid or from
 * MGMT_DOMID_SELF up; log_read: len 0 or past MGMT_LOG_RING; set_maxmem:
 * reserved, max_pages 0. pci_info, pci_cfg_write and
 * pci_msi_bind need no capability and name no target (HCALL_MGMT_CHECK_
 * NONE): they reach only the caller's own functions. All -EINVAL unless
 * said. */
int hcall_decode_mgmt(const struct hcall_mgmt_ctx *ctx, const uint64_t *a, const union hcall_mgmt_arg *arg,
                      struct hcall_mgmt_op *out) __attribute__((warn_unused_result));
