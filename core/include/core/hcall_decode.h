/* SPDX-License-Identifier: MIT */
/*
 * The decode step of the Xen hypercall families (STYLE 4): plain functions
 * of the argument registers, the argument struct the caller copied in
 * once, and a few plain values about the caller. They check everything
 * that needs no core state, in Xen's order, change nothing, and fill a
 * decoded op for the perform step. Only generated IDL headers here: the
 * same files build on the host (unit test, hcall_decode fuzz target).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/evtchn.h"
#include "idl/gnttab.h"
#include "idl/hvm.h"
#include "idl/memory.h"
#include "idl/sched.h"
#include "idl/vcpu.h"
#include "idl/xen.h"
#include "idl/xen_version.h"

/* What a decision may depend on besides the guest's input, read once by
 * the caller before decoding. */
struct hcall_ctx {
    uint16_t domid;             /* the caller's domain */
    uint16_t vcpu;              /* the calling vCPU, < nr_vcpus */
    uint32_t nr_vcpus;          /* of the caller's domain */
    uint32_t vcpus_initialised; /* bit n: vCPU n has its start state */
    uint32_t gnttab_max_frames; /* grant-table frames a domain may have */
    uint64_t now_ns;            /* system time, for VCPUOP_set_singleshot_timer */
};

/* Every argument struct, so one buffer takes any of them. */
union hcall_arg {
    struct xen_feature_info feature;
    uint32_t shutdown_reason;
    struct sched_poll poll;
    struct xen_add_to_physmap physmap;
    struct xen_memory_map memory_map;
    struct xen_memory_reservation reservation;
    uint16_t domid; /* XENMEM_current_reservation, _maximum_reservation */
    struct vcpu_hvm_context hvm_context;
    struct vcpu_set_singleshot_timer timer;
    struct vcpu_register_vcpu_info vcpu_info;
    struct vcpu_register_runstate_memory_area runstate;
    struct xen_hvm_param hvm_param;
    struct xen_hvm_evtchn_upcall_vector upcall_vector;
    struct evtchn_alloc_unbound alloc_unbound;
    struct evtchn_bind_interdomain bind_interdomain;
    struct evtchn_bind_virq bind_virq;
    struct evtchn_bind_ipi bind_ipi;
    struct evtchn_close close;
    struct evtchn_send send;
    struct evtchn_unmask unmask;
    struct evtchn_status status;
    struct evtchn_bind_vcpu bind_vcpu;
    struct gnttab_setup_table setup_table;
    struct gnttab_query_size query_size;
    struct gnttab_set_version set_version;
    struct gnttab_get_version get_version;
};

/* hcall_decode_arg: how many bytes of argument struct hypercall nr with
 * arguments a[0..2] reads, and from which guest address (*gva); 0 when it
 * reads none (or the command is unknown: its decoder says -ENOSYS). The
 * caller copies them into a union hcall_arg and passes its address to the
 * decoder, or NULL when the copy faulted (the decoder then returns
 * -EFAULT where Xen would). Grant batches are read element by element. */
size_t hcall_decode_arg(uint64_t nr, const uint64_t *a, uint64_t *gva);

/* xen_version(cmd, arg): what to answer. Every domain is unprivileged
 * (Mosaic has no control domain): commandline and build_id are denied as Xen's XSM default
 * denies them to a domU. */
struct hcall_xen_version {
    uint32_t cmd;    /* XENVER_version to _build_id */
    uint32_t submap; /* _get_features: the answer for word 0 */
};
/* The features a Xen 4.17 PVH domU gets (xen/common/kernel.c), less
 * memory_op_vnode_supported: Mosaic has no XENMEM_get_vnumainfo. */
#define HCALL_XENFEAT_PVH                                                             \
    ((1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) | \
     (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock) | (1u << XENFEAT_not_direct_mapped))
/* -ENOSYS for another command; get_features: -EFAULT without the
 * feature struct, -EINVAL for a word past 0; pagesize: -EINVAL for a
 * buffer given; build_id: -EPERM. */
int hcall_decode_xen_version(const uint64_t *a, const union hcall_arg *arg, struct hcall_xen_version *out)
    __attribute__((warn_unused_result));

/* console_io(cmd, count, buffer). */
struct hcall_console_io {
    uint32_t cmd;    /* CONSOLEIO_write or _read */
    uint32_t count;  /* bytes to write, <= 0x7fffffff */
    uint64_t buffer; /* guest address */
};
/* -ENOSYS for another command, -EINVAL for a count above 2^31 - 1. */
int hcall_decode_console_io(const uint64_t *a, struct hcall_console_io *out) __attribute__((warn_unused_result));

/* sched_op(cmd, arg). */
#define HCALL_POLL_PORTS 128u /* SCHEDOP_poll's limit (Xen's) */
struct hcall_sched_op {
    uint32_t cmd;      /* SCHEDOP_yield, _block, _shutdown or _poll */
    uint32_t reason;   /* _shutdown: <= SHUTDOWN_watchdog */
    uint32_t nr_ports; /* _poll: <= HCALL_POLL_PORTS */
    uint64_t ports;    /* _poll: guest address of the port list */
    uint64_t timeout;  /* _poll: deadline in system time, 0 for none */
};
/* -ENOSYS for another command; _shutdown: -EFAULT, then -EINVAL for a
 * reason past SHUTDOWN_watchdog; _poll: -EFAULT, -EINVAL for more than
 * HCALL_POLL_PORTS ports. */
int hcall_decode_sched_op(const uint64_t *a, const union hcall_arg *arg, struct hcall_sched_op *out)
    __attribute__((warn_unused_result));

/* memory_op(cmd, arg). */
#define HCALL_GPFN_LIMIT (1ull << 36) /* frames a guest-physical address space has */
/* Reservation commands carry the extent to restart from in cmd's bits
 * from 6 up (Xen's continuation encoding, MEMOP_EXTENT_SHIFT in Xen's
 * own headers, not its public ones). */
#define HCALL_MEMOP_EXTENT_SHIFT 6
#define HCALL_MEMOP_MAX_ORDER    9u /* extent_order limit of a domU (Xen's domu_max_order) */
struct hcall_memory_op {
    uint32_t cmd;    /* XENMEM_add_to_physmap, _memory_map, _decrease_reservation, _populate_physmap,
                        _current_reservation or _maximum_reservation */
    uint32_t space;  /* add_to_physmap: XENMAPSPACE_shared_info or _grant_table */
    uint64_t idx;    /* add_to_physmap: grant frame, < gnttab_max_frames */
    uint64_t gpfn;   /* add_to_physmap: < HCALL_GPFN_LIMIT */
    uint64_t buffer; /* memory_map: where the entries go (room for >= 1) */
    /* Reservations: extents [start, nr_extents) of 2^order frames from the
     * list at buffer remain. none: nothing is done and the call returns
     * start (Xen's answer to a bad reservation is the count done so far). */
    uint64_t start, nr_extents;
    uint32_t order; /* <= HCALL_MEMOP_MAX_ORDER */
    bool none;
    uint16_t target; /* current/maximum_reservation: the domain (own id for DOMID_SELF) */
    bool foreign;    /* ...another domain's: perform checks the caller controls it */
};
/* -ENOSYS for another command, then -EFAULT. add_to_physmap: -EINVAL for
 * another domain, a space other than shared info and grant table, a grant
 * frame past the limit (a version-2 status frame too), shared-info idx
 * not 0, a gpfn past HCALL_GPFN_LIMIT. memory_map: -EINVAL for no room.
 * decrease_reservation, populate_physmap: no error; `none` (returns start)
 * when the struct faulted, nr_extents does not fit the encoding, start >=
 * nr_extents, address bits are 1..12, another domain is named, or the
 * order passes HCALL_MEMOP_MAX_ORDER. current/maximum_reservation:
 * -EINVAL for a restart extent, -EFAULT. */
int hcall_decode_memory_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                           struct hcall_memory_op *out) __attribute__((warn_unused_result));

/* vcpu_op(cmd, vcpu, arg). */
struct hcall_vcpu_op {
    uint32_t cmd;                    /* VCPUOP_initialise to _is_up, a timer command, get_runstate_info,
                                        register_runstate_memory_area or register_vcpu_info */
    uint32_t vcpu;                   /* < nr_vcpus; the caller's own for timer commands */
    uint64_t timeout_ns;             /* set_singleshot_timer: deadline, never 0 */
    uint64_t gfn;                    /* register_vcpu_info: the frame, < HCALL_GPFN_LIMIT */
    uint32_t offset;                 /* register_vcpu_info: in the frame, 8-aligned, the record fits */
    uint64_t addr;                   /* register_runstate_memory_area: guest-virtual, 0 = none;
                                        get_runstate_info: where it goes */
    struct vcpu_hvm_context context; /* initialise: as given (vcpu_set_hvm_context checks it) */
};
/* -ENOENT for a vCPU past nr_vcpus. Then initialise: -EEXIST when it has
 * its state already, -EFAULT; up: -EINVAL before it has its state. Timer
 * commands: -EINVAL for another vCPU's, -ENOSYS for an unknown command,
 * -EFAULT, -ETIME for a deadline in the past with VCPU_SSHOTTMR_future.
 * register_runstate_memory_area: -EFAULT. register_vcpu_info: -EFAULT,
 * -ENXIO for an offset where the record would cross the page or is not
 * 8-aligned, -EINVAL for a frame past HCALL_GPFN_LIMIT (perform: -EINVAL
 * when registered already, for another vCPU that is up, or a frame that
 * is not the domain's RAM). */
int hcall_decode_vcpu_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                         struct hcall_vcpu_op *out) __attribute__((warn_unused_result));

/* vm_assist(cmd, type): an HVM/PVH domain may turn runstate_update_flag
 * on or off (Xen's HVM_VM_ASSIST_MASK). -EINVAL for another type, then
 * -ENOSYS for another command. *mask is the type's bit, *on the command. */
int hcall_decode_vm_assist(const uint64_t *a, uint32_t *mask, bool *on) __attribute__((warn_unused_result));

/* hvm_op(cmd, arg). The params' slots in the domain (HCALL_HVM_*). */
#define HCALL_HVM_CALLBACK 4u /* HVM_PARAM_CALLBACK_IRQ: not a slot, the upcall vector */
struct hcall_hvm_op {
    uint32_t cmd;     /* HVMOP_set_param, _get_param, _get_time or _set_evtchn_upcall_vector */
    uint32_t slot;    /* params: 0 STORE_PFN, 1 STORE_EVTCHN, 2 CONSOLE_PFN, 3 CONSOLE_EVTCHN, or HCALL_HVM_CALLBACK;
                         upcall vector: the vCPU, < nr_vcpus */
    uint16_t target;  /* params: the domain, its own id for DOMID_SELF */
    bool foreign;     /* target is not the caller: perform checks it controls it */
    int after_lookup; /* foreign: the error once the target is found, 0 for none */
    uint64_t value;   /* set_param: the value; the callback's vector (0: off); upcall vector: it, >= 0x10 */
    struct xen_hvm_param param; /* params: as given, for the copy back */
};
/* -ENOSYS for another command. Params, in Xen's order: -EFAULT, -EINVAL
 * for an index past HVM_NR_PARAMS, (another domain: the lookup, then
 * after_lookup) -EINVAL for an index without a value here or a callback
 * other than a vector >= 0x20 or a GSI (taken as 0, off), -EPERM for a
 * domain setting its own ring frames. Upcall vector: -EFAULT, -EINVAL
 * for a vector below 0x10, -ENOENT for a vCPU past nr_vcpus. */
int hcall_decode_hvm_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                        struct hcall_hvm_op *out) __attribute__((warn_unused_result));

/* event_channel_op(cmd, arg): the 2-level ABI. The port, vCPU and virq
 * rules need the table's state: evtchn.c checks them before it changes
 * anything. */
struct hcall_evtchn_op {
    uint32_t cmd;        /* EVTCHNOP_* that Mosaic provides */
    uint16_t target;     /* alloc_unbound, status: the table's domain, own id for DOMID_SELF */
    bool foreign;        /* target is not the caller */
    uint16_t remote_dom; /* alloc_unbound: DOMID_SELF resolved to the caller */
    union hcall_arg arg; /* as given; the out fields are filled by perform */
};
/* -ENOSYS for a command not provided (FIFO ABI, pirqs, reset), -EFAULT. */
int hcall_decode_evtchn_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                           struct hcall_evtchn_op *out) __attribute__((warn_unused_result));

/* grant_table_op(cmd, arg, count), version 1. */
#define HCALL_GNTTAB_BATCH 1024u /* elements per call (Xen continues instead) */
struct hcall_gnttab_op {
    uint32_t cmd;        /* GNTTABOP_* that Mosaic provides */
    uint32_t count;      /* batch commands: elements, <= HCALL_GNTTAB_BATCH */
    uint64_t gva;        /* the argument (array) */
    int16_t status;      /* setup_table, query_size: GNTST_* decided here */
    uint32_t nr_frames;  /* setup_table: <= gnttab_max_frames when status is okay */
    uint64_t frame_list; /* setup_table: where the frame numbers go */
};
/* -ENOSYS for another command; batches: -EINVAL past HCALL_GNTTAB_BATCH.
 * setup_table, query_size: -EINVAL for a count other than 1, -EFAULT;
 * another domain is GNTST_permission_denied, too many frames
 * GNTST_general_error. set_version: -EFAULT, -EINVAL for a version
 * other than 1. get_version: -EFAULT, -EPERM for another domain. */
int hcall_decode_gnttab_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                           struct hcall_gnttab_op *out) __attribute__((warn_unused_result));

/* One side of a grant copy, decoded. */
struct hcall_gnttab_side {
    bool gref;       /* frame is a grant reference of domid, else a frame of the caller */
    uint16_t domid;  /* as given */
    uint16_t offset; /* as given */
    uint64_t frame;  /* the ref or the gmfn */
};
/* hcall_decode_gnttab_copy: one element of a copy batch: GNTST_okay and
 * *src, *dst, or GNTST_bad_copy_arg for unknown flags (nothing written). */
int16_t hcall_decode_gnttab_copy(const struct gnttab_copy *c, struct hcall_gnttab_side *src,
                                 struct hcall_gnttab_side *dst) __attribute__((warn_unused_result));
