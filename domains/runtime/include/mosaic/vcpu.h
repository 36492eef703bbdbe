/* SPDX-License-Identifier: MIT */
/*
 * A domain's vCPUs. vCPU 0 runs main; the runtime starts any other vCPU
 * on request (Xen's VCPUOP_initialise with a 64-bit context, then
 * VCPUOP_up) on its own 64 KiB stack, with the runtime's page tables, GDT,
 * IDT and SSE set up as on vCPU 0, and runs a function there. Threads stay
 * on the vCPU that created them (mosaic/thread.h): each vCPU has its own
 * run queue and its own time record. newlib's locks are spinlocks, so
 * malloc and stdio are safe from every vCPU; errno and the rest of
 * newlib's per-thread state are shared (domains/runtime/README.md, "vCPUs").
 */
#pragma once

#include <stdbool.h>

/* The most vCPUs the runtime drives: the time records in the shared-info
 * page (Xen's XEN_LEGACY_MAX_VCPUS). vCPUs past it are never started. */
#define RUNTIME_MAX_VCPUS 32

/* The stack a started vCPU's first thread runs on. */
#define RUNTIME_VCPU_STACK_SIZE (64 * 1024)

/* runtime_vcpu_id: the calling vCPU's id, 0 for the one that runs main. */
unsigned runtime_vcpu_id(void);

/* runtime_nr_vcpus: how many vCPUs the domain has (at most
 * RUNTIME_MAX_VCPUS), found at start-up by asking the hypervisor
 * (VCPUOP_is_up until it answers -ENOENT). 1 on bare QEMU. */
unsigned runtime_nr_vcpus(void);

/*
 * runtime_vcpu_start: start vCPU vcpu running fn(arg) as its first thread
 * (named "vcpuN"), which may create more threads there. When the last
 * thread on that vCPU has ended, the vCPU stops (VCPUOP_down); it cannot
 * be started again. Any vCPU may start another. Returns 0, or -EINVAL (vcpu
 * is 0, not below runtime_nr_vcpus(), or fn is NULL), -EBUSY (already
 * started, by this runtime or before it), -ENOSYS (no hypervisor: bare
 * QEMU), -ENOMEM (no stack), or -EIO (the hypervisor refused the start
 * state or VCPUOP_up).
 */
int runtime_vcpu_start(unsigned vcpu, void (*fn)(void *), void *arg);

/* runtime_vcpu_running: for a vCPU other than 0, true from
 * runtime_vcpu_start until the last thread on it has ended (what it wrote
 * before is then visible to the caller); always true for vCPU 0, whose
 * last thread ends the domain; false for ids past the last vCPU. */
bool runtime_vcpu_running(unsigned vcpu);

/* runtime_vcpu_join: wait, sleeping the calling thread in 1 ms steps
 * (yielding without a clock), until runtime_vcpu_running(vcpu) is false.
 * Returns 0, or -EINVAL for the calling vCPU itself or vCPU 0. */
int runtime_vcpu_join(unsigned vcpu);
