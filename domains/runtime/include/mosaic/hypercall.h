/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls as Mosaic serves them to every domain (Xen public ABI,
 * from idl/: xen, sched, xen_version, memory, vcpu, hvm, xen_errno). Issued with VMMCALL directly, in the x86_64
 * register convention: the number in %rax, arguments in %rdi, %rsi, %rdx,
 * %r10, %r8, the result in %rax (0 or a negative Xen errno). Buffers are
 * guest addresses; the runtime identity-maps, so a pointer is one.
 *
 * Only valid when platform_is_xen() (mosaic/platform.h): on a machine with
 * no hypervisor VMMCALL raises #UD. No hypercall page: AMD's instruction is
 * what Mosaic runs on; a VT-x port would switch to the page Xen guests get.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Numbers and argument structs: the generated headers of idl/. */
#include "idl/hvm.h"
#include "idl/memory.h"
#include "idl/sched.h"
#include "idl/vcpu.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "idl/xen_version.h"

/*
 * hypercall3: the raw call. Every argument register is an in/out operand
 * because the hypervisor may clobber argument registers it did not use
 * (Xen's debug builds do so on purpose).
 */
static inline long hypercall3(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
    register unsigned long r10 __asm__("r10") = 0;
    register unsigned long r8 __asm__("r8") = 0;
    long ret;

    __asm__ volatile("vmmcall" : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8) : "0"(nr) : "memory");
    return ret;
}

/* hypercall_console_write: len bytes of buf to the hypervisor's console.
 * Returns 0 or a negative Xen errno. */
static inline long hypercall_console_write(const char *buf, size_t len)
{
    return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, (unsigned long)buf);
}

/* hypercall_sched_yield: give up the CPU to another runnable vCPU. */
static inline long hypercall_sched_yield(void)
{
    return hypercall3(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

/* hypercall_sched_block: sleep until an event is pending for this vCPU.
 * With no event channels yet, that is its single-shot timer having fired
 * since it was set (at once if it already has). */
static inline long hypercall_sched_block(void)
{
    return hypercall3(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

/* hypercall_sched_shutdown: end the domain with reason SHUTDOWN_*.
 * Returns only if the hypervisor refused (a negative Xen errno). */
static inline long hypercall_sched_shutdown(unsigned reason)
{
    struct sched_shutdown arg = { .reason = reason };

    return hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&arg, 0);
}

/* hypercall_xen_version: the ABI version as major << 16 | minor. */
static inline long hypercall_xen_version(void)
{
    return hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
}

/* hypercall_add_to_physmap: memory_op XENMEM_add_to_physmap. Returns 0 or
 * a negative Xen errno (-XEN_ENOSYS: the hypervisor has no memory_op). */
static inline long hypercall_add_to_physmap(const struct xen_add_to_physmap *arg)
{
    return hypercall3(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)arg, 0);
}

/* hypercall_set_singleshot_timer: arm vCPU vcpu's timer for system time
 * deadline_ns, replacing any armed one. Returns 0, -XEN_ETIME when flags
 * hold VCPU_SSHOTTMR_future and the deadline has passed, or another
 * negative Xen errno. */
static inline long hypercall_set_singleshot_timer(unsigned vcpu, uint64_t deadline_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer arg = { .timeout_abs_ns = deadline_ns, .flags = flags };

    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, vcpu, (unsigned long)&arg);
}

/* hypercall_stop_singleshot_timer: disarm vCPU vcpu's single-shot timer.
 * Returns 0 or a negative Xen errno. */
static inline long hypercall_stop_singleshot_timer(unsigned vcpu)
{
    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, vcpu, 0);
}

/* hypercall_stop_periodic_timer: stop vCPU vcpu's periodic timer, so that
 * only its single-shot timer ends a block. Returns 0 or a negative Xen
 * errno. */
static inline long hypercall_stop_periodic_timer(unsigned vcpu)
{
    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, vcpu, 0);
}

/* hypercall_vcpu_initialise: give vCPU vcpu of this domain its first
 * state. Returns 0, -XEN_EEXIST if it had one already, -XEN_ENOENT for no
 * such vCPU, or another negative Xen errno (-EINVAL: a state refused). */
static inline long hypercall_vcpu_initialise(unsigned vcpu, const struct vcpu_hvm_context *ctx)
{
    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_initialise, vcpu, (unsigned long)ctx);
}

/* hypercall_vcpu_up: make an initialised vCPU run. Returns 0 or a
 * negative Xen errno. */
static inline long hypercall_vcpu_up(unsigned vcpu)
{
    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, vcpu, 0);
}

/* hypercall_vcpu_down: stop vCPU vcpu (the caller itself included: it
 * stops on return). Returns 0 or a negative Xen errno. */
static inline long hypercall_vcpu_down(unsigned vcpu)
{
    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_down, vcpu, 0);
}

/* hypercall_vcpu_is_up: 1 if vCPU vcpu runs, 0 if it is down, -XEN_ENOENT
 * past the domain's last vCPU. */
static inline long hypercall_vcpu_is_up(unsigned vcpu)
{
    return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, vcpu, 0);
}

/* hypercall_hvm_get_time: *now = the hypervisor's clock in ns, the clock
 * the shared-info time records describe. Returns 0 or a negative Xen
 * errno (-XEN_ENOSYS: no hvm_op). */
static inline long hypercall_hvm_get_time(uint64_t *now)
{
    struct xen_hvm_get_time t = { 0 };
    long rc = hypercall3(__HYPERVISOR_hvm_op, HVMOP_get_time, (unsigned long)&t, 0);

    *now = t.now;
    return rc;
}
