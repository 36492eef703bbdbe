/* SPDX-License-Identifier: MIT */
/*
 * The part of Xen's shared-info page the runtime reads (Xen public ABI,
 * xen.h: struct shared_info, struct vcpu_info, struct vcpu_time_info for
 * x86_64): the per-vCPU records at its start. Layouts only; the page is
 * mapped and read by runtime_time.c. The event-channel bitmaps and the
 * wall clock that follow the records come with event channels.
 */
#pragma once

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define SHARED_INFO_VCPUS 32 /* XEN_LEGACY_MAX_VCPUS: records in the page */

/*
 * The pvclock of one vCPU, written by the hypervisor only: version is odd
 * while it updates the other fields. Time in ns = system_time + the TSC
 * ticks since tsc_timestamp, scaled by tsc_to_system_mul and tsc_shift.
 */
struct vcpu_time_info {
    uint32_t version;           /* 0x00 [CORE] */
    uint32_t _pad0;             /* 0x04 */
    uint64_t tsc_timestamp;     /* 0x08 [CORE] TSC when system_time was taken */
    uint64_t system_time;       /* 0x10 [CORE] ns since the hypervisor started */
    uint32_t tsc_to_system_mul; /* 0x18 [CORE] a 32.32 fixed-point factor */
    int8_t tsc_shift;           /* 0x1c [CORE] applied to the TSC delta first */
    uint8_t flags;              /* 0x1d [CORE] XEN_PVCLOCK_*: not used */
    uint8_t _pad1[2];           /* 0x1e */
};
static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, version) == 0x00, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, _pad0) == 0x04, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, tsc_timestamp) == 0x08, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, system_time) == 0x10, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 0x18, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, tsc_shift) == 0x1c, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, flags) == 0x1d, "vcpu_time_info");
static_assert(offsetof(struct vcpu_time_info, _pad1) == 0x1e, "vcpu_time_info");

/* One vCPU's record. The event fields are unused until event channels. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* 0x00 [CORE] */
    uint8_t evtchn_upcall_mask;    /* 0x01 [GUEST] */
    uint8_t _pad0[6];              /* 0x02 */
    uint64_t evtchn_pending_sel;   /* 0x08 [CORE] */
    uint64_t arch_cr2;             /* 0x10: arch_vcpu_info, unused on PVH */
    uint64_t arch_pad;             /* 0x18 */
    struct vcpu_time_info time;    /* 0x20 */
};
static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) == 0x00, "vcpu_info");
static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) == 0x01, "vcpu_info");
static_assert(offsetof(struct vcpu_info, _pad0) == 0x02, "vcpu_info");
static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 0x08, "vcpu_info");
static_assert(offsetof(struct vcpu_info, arch_cr2) == 0x10, "vcpu_info");
static_assert(offsetof(struct vcpu_info, arch_pad) == 0x18, "vcpu_info");
static_assert(offsetof(struct vcpu_info, time) == 0x20, "vcpu_info");

/* The start of the page: the records of vCPUs 0..31. */
struct shared_info_vcpus {
    struct vcpu_info vcpu_info[SHARED_INFO_VCPUS]; /* 0x000 */
};
static_assert(sizeof(struct shared_info_vcpus) == 0x800, "shared_info");
