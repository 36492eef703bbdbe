/* SPDX-License-Identifier: MIT */
/*
 * The narrow interface between generic code and the virtualisation
 * extension (AMD-V today, in core/svm/): set a vCPU up, give it a start
 * state, run it, and reach guest memory through its view of it.
 */
#pragma once

#include "core/domain.h"
#include "idl/hvm.h" /* struct vcpu_hvm_context: a vCPU's start state for VCPUOP_initialise */

/* vcpu_cpu_init: enable virtualisation on the running CPU. Each CPU,
 * once, before it runs a vCPU. Refuses to boot on failure. */
void vcpu_cpu_init(void);

/* vcpu_arch_init / vcpu_arch_destroy: the vCPU's control block; init
 * returns 0 or -ERR_NOMEM, destroy the number of frames it gave back. */
int vcpu_arch_init(struct vcpu *v);
size_t vcpu_arch_destroy(struct vcpu *v);

/*
 * I/O ports a domain's vCPUs reach directly; every other port reads as
 * all ones. vcpu_ioports_held: d may reach every port of [first, first +
 * nr). vcpu_ioports_permit: let d reach them, except the core's own
 * ports, which are skipped; d's own map is made on the first call
 * (counted in d->arch_frames): 0 or -ERR_NOMEM. No vCPU of d may be
 * running. vcpu_ioports_destroy: free d's map, returns the frames freed.
 */
bool vcpu_ioports_held(const struct domain *d, uint32_t first, uint32_t nr);
int vcpu_ioports_permit(struct domain *d, uint32_t first, uint32_t nr) __attribute__((warn_unused_result));
size_t vcpu_ioports_destroy(struct domain *d);

/* vcpu_set_pvh_entry: the PVH start state (Xen's PVH boot ABI): 32-bit
 * flat protected mode, paging off, %ebx = start_info. Makes v runnable. */
void vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info);

/* vcpu_set_hvm_context: v's start state from a guest-supplied context.
 * Checks it first: -ERR_INVAL for an unknown mode or control-register
 * values the guest may not have (nothing changes then). Leaves v down. */
int vcpu_set_hvm_context(struct vcpu *v, const struct vcpu_hvm_context *c);

/*
 * vcpu_run: run v on this CPU until it blocks, yields, or its domain
 * stops. Interrupts are taken between guest entries. Returns whether v
 * is still runnable.
 */
bool vcpu_run(struct vcpu *v);

/* Guest memory by guest-virtual address, through the vCPU's current
 * paging mode. 0, or -ERR_FAULT for an unmapped or non-canonical address. */
int vcpu_copy_from_guest(struct vcpu *v, uint64_t gva, void *dst, size_t n);
int vcpu_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t n);
/* vcpu_write_guest_kernel: as vcpu_copy_to_guest, but a supervisor write
 * whatever mode v is in (Xen's copies to a registered area, which may
 * come while the guest runs user code), and -ERR_FAULT for an address
 * past 4 GiB while v's paging is off (never truncated). */
int vcpu_write_guest_kernel(struct vcpu *v, uint64_t gva, const void *src, size_t n);
