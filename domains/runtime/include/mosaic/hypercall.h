/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls as Mosaic serves them to every domain (Xen public ABI:
 * xen.h, sched.h, version.h, memory.h, vcpu.h, hvm/hvm_op.h,
 * hvm/hvm_vcpu.h, errno.h). Issued with VMMCALL directly, in the x86_64
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

/* Hypercall numbers (xen.h: __HYPERVISOR_*). */
#define HYPERCALL_MEMORY_OP        12
#define HYPERCALL_GRANT_TABLE_OP   20
#define HYPERCALL_XEN_VERSION      17
#define HYPERCALL_CONSOLE_IO       18
#define HYPERCALL_VCPU_OP          24
#define HYPERCALL_SCHED_OP         29
#define HYPERCALL_EVENT_CHANNEL_OP 32
#define HYPERCALL_HVM_OP           34

/* The errors a domain acts on (errno.h: Xen's numbers, not newlib's). */
#define XEN_ENOENT 2  /* vcpu_op: no vCPU with that id */
#define XEN_EEXIST 17 /* vcpu_op initialise: the vCPU was initialised before */
#define XEN_ENOSYS 38 /* the hypervisor has no such operation */
#define XEN_ETIME  62 /* a timer's deadline has already passed */

#define DOMID_SELF 0x7ff0u /* xen.h: the calling domain */

#define CONSOLEIO_WRITE 0 /* (cmd, count, buffer) */

#define SCHEDOP_YIELD    0
#define SCHEDOP_BLOCK    1
#define SCHEDOP_SHUTDOWN 2 /* argument: struct sched_shutdown * */

/* Shutdown reasons (sched.h: SHUTDOWN_*). */
#define SHUTDOWN_POWEROFF 0
#define SHUTDOWN_REBOOT   1
#define SHUTDOWN_SUSPEND  2
#define SHUTDOWN_CRASH    3

#define XENVER_VERSION 0 /* returns major << 16 | minor */

#define XENMEM_ADD_TO_PHYSMAP   7 /* argument: struct xen_add_to_physmap * */
#define XENMAPSPACE_SHARED_INFO 0
#define XENMAPSPACE_GRANT_TABLE 1 /* idx: the table frame */

/* vcpu_op commands (vcpu.h: VCPUOP_*), called with (cmd, vcpu id, arg). */
#define VCPUOP_INITIALISE            0 /* arg: struct vcpu_hvm_context * */
#define VCPUOP_UP                    1 /* arg NULL */
#define VCPUOP_DOWN                  2 /* arg NULL */
#define VCPUOP_IS_UP                 3 /* arg NULL; returns 1 or 0 */
#define VCPUOP_STOP_PERIODIC_TIMER   7 /* arg NULL */
#define VCPUOP_SET_SINGLESHOT_TIMER  8 /* arg: struct vcpu_set_singleshot_timer * */
#define VCPUOP_STOP_SINGLESHOT_TIMER 9 /* arg NULL */

/* vcpu_set_singleshot_timer.flags: fail with -XEN_ETIME, arming nothing,
 * when the deadline has already passed. */
#define VCPU_SSHOTTMR_FUTURE 0x1u

/* vcpu_hvm_context.mode (hvm/hvm_vcpu.h: VCPU_HVM_MODE_*). */
#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1

#define HVMOP_GET_TIME 10 /* hvm_op: argument struct xen_hvm_get_time * */

struct sched_shutdown {
    uint32_t reason; /* 0x00: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");

/* Put a hypervisor-owned frame at a frame of the caller's memory; the RAM
 * that was at gpfn is gone. Read by the hypervisor only. */
struct xen_add_to_physmap {
    uint16_t domid; /* 0x00: DOMID_SELF */
    uint16_t size;  /* 0x02: 0 (only for the gmfn_range space) */
    uint32_t space; /* 0x04: XENMAPSPACE_* */
    uint64_t idx;   /* 0x08: which frame of the space: 0 for shared info */
    uint64_t gpfn;  /* 0x10: guest frame number to put it at */
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, domid) == 0x00, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, size) == 0x02, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, space) == 0x04, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 0x08, "xen_add_to_physmap");
_Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 0x10, "xen_add_to_physmap");

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* 0x00: system time (ns since the hypervisor started) */
    uint32_t flags;          /* 0x08: VCPU_SSHOTTMR_* */
    uint32_t _pad0;          /* 0x0c */
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer");
_Static_assert(offsetof(struct vcpu_set_singleshot_timer, timeout_abs_ns) == 0x00, "vcpu_set_singleshot_timer");
_Static_assert(offsetof(struct vcpu_set_singleshot_timer, flags) == 0x08, "vcpu_set_singleshot_timer");
_Static_assert(offsetof(struct vcpu_set_singleshot_timer, _pad0) == 0x0c, "vcpu_set_singleshot_timer");

/*
 * A vCPU's first state in 64-bit mode (hvm/hvm_vcpu.h: vcpu_hvm_x86_64):
 * paging on with cr3, CS a flat 64-bit code segment (selector 0x08), the
 * data segments flat (0x10), no GDT or IDT loaded yet. Read by the
 * hypervisor only.
 */
struct vcpu_hvm_x86_64 {
    uint64_t rax;    /* 0x00 */
    uint64_t rcx;    /* 0x08 */
    uint64_t rdx;    /* 0x10 */
    uint64_t rbx;    /* 0x18 */
    uint64_t rsp;    /* 0x20 */
    uint64_t rbp;    /* 0x28 */
    uint64_t rsi;    /* 0x30 */
    uint64_t rdi;    /* 0x38 */
    uint64_t rip;    /* 0x40 */
    uint64_t rflags; /* 0x48 */
    uint64_t cr0;    /* 0x50 */
    uint64_t cr3;    /* 0x58 */
    uint64_t cr4;    /* 0x60 */
    uint64_t efer;   /* 0x68: LME and LMA set */
};
_Static_assert(sizeof(struct vcpu_hvm_x86_64) == 0x70, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rax) == 0x00, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rcx) == 0x08, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rdx) == 0x10, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rbx) == 0x18, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rsp) == 0x20, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rbp) == 0x28, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rsi) == 0x30, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rdi) == 0x38, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rip) == 0x40, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rflags) == 0x48, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, cr0) == 0x50, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, cr3) == 0x58, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, cr4) == 0x60, "vcpu_hvm_x86_64");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, efer) == 0x68, "vcpu_hvm_x86_64");

/* VCPUOP_initialise's argument (hvm/hvm_vcpu.h: vcpu_hvm_context). Only
 * the 64-bit form is declared: the 32-bit one shares the 128-byte union. */
struct vcpu_hvm_context {
    uint32_t mode;                 /* 0x00: VCPU_HVM_MODE_* */
    uint32_t _pad0;                /* 0x04 */
    struct vcpu_hvm_x86_64 x86_64; /* 0x08 */
    uint8_t _pad1[8];              /* 0x78: the 32-bit form is 8 bytes longer */
};
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "vcpu_hvm_context");
_Static_assert(offsetof(struct vcpu_hvm_context, mode) == 0x00, "vcpu_hvm_context");
_Static_assert(offsetof(struct vcpu_hvm_context, _pad0) == 0x04, "vcpu_hvm_context");
_Static_assert(offsetof(struct vcpu_hvm_context, x86_64) == 0x08, "vcpu_hvm_context");
_Static_assert(offsetof(struct vcpu_hvm_context, _pad1) == 0x78, "vcpu_hvm_context");

/* hvm_op HVMOP_get_time: the hypervisor's clock, written by it. */
struct xen_hvm_get_time {
    uint64_t now; /* 0x00: ns since the hypervisor started */
};
_Static_assert(sizeof(struct xen_hvm_get_time) == 8, "xen_hvm_get_time");
_Static_assert(offsetof(struct xen_hvm_get_time, now) == 0x00, "xen_hvm_get_time");

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
    return hypercall3(HYPERCALL_CONSOLE_IO, CONSOLEIO_WRITE, len, (unsigned long)buf);
}

/* hypercall_sched_yield: give up the CPU to another runnable vCPU. */
static inline long hypercall_sched_yield(void)
{
    return hypercall3(HYPERCALL_SCHED_OP, SCHEDOP_YIELD, 0, 0);
}

/* hypercall_sched_block: sleep until an event is pending for this vCPU.
 * With no event channels yet, that is its single-shot timer having fired
 * since it was set (at once if it already has). */
static inline long hypercall_sched_block(void)
{
    return hypercall3(HYPERCALL_SCHED_OP, SCHEDOP_BLOCK, 0, 0);
}

/* hypercall_sched_shutdown: end the domain with reason SHUTDOWN_*.
 * Returns only if the hypervisor refused (a negative Xen errno). */
static inline long hypercall_sched_shutdown(unsigned reason)
{
    struct sched_shutdown arg = { .reason = reason };

    return hypercall3(HYPERCALL_SCHED_OP, SCHEDOP_SHUTDOWN, (unsigned long)&arg, 0);
}

/* hypercall_xen_version: the ABI version as major << 16 | minor. */
static inline long hypercall_xen_version(void)
{
    return hypercall3(HYPERCALL_XEN_VERSION, XENVER_VERSION, 0, 0);
}

/* hypercall_add_to_physmap: memory_op XENMEM_add_to_physmap. Returns 0 or
 * a negative Xen errno (-XEN_ENOSYS: the hypervisor has no memory_op). */
static inline long hypercall_add_to_physmap(const struct xen_add_to_physmap *arg)
{
    return hypercall3(HYPERCALL_MEMORY_OP, XENMEM_ADD_TO_PHYSMAP, (unsigned long)arg, 0);
}

/* hypercall_set_singleshot_timer: arm vCPU vcpu's timer for system time
 * deadline_ns, replacing any armed one. Returns 0, -XEN_ETIME when flags
 * hold VCPU_SSHOTTMR_FUTURE and the deadline has passed, or another
 * negative Xen errno. */
static inline long hypercall_set_singleshot_timer(unsigned vcpu, uint64_t deadline_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer arg = { .timeout_abs_ns = deadline_ns, .flags = flags };

    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_SET_SINGLESHOT_TIMER, vcpu, (unsigned long)&arg);
}

/* hypercall_stop_singleshot_timer: disarm vCPU vcpu's single-shot timer.
 * Returns 0 or a negative Xen errno. */
static inline long hypercall_stop_singleshot_timer(unsigned vcpu)
{
    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_STOP_SINGLESHOT_TIMER, vcpu, 0);
}

/* hypercall_stop_periodic_timer: stop vCPU vcpu's periodic timer, so that
 * only its single-shot timer ends a block. Returns 0 or a negative Xen
 * errno. */
static inline long hypercall_stop_periodic_timer(unsigned vcpu)
{
    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_STOP_PERIODIC_TIMER, vcpu, 0);
}

/* hypercall_vcpu_initialise: give vCPU vcpu of this domain its first
 * state. Returns 0, -XEN_EEXIST if it had one already, -XEN_ENOENT for no
 * such vCPU, or another negative Xen errno (-EINVAL: a state refused). */
static inline long hypercall_vcpu_initialise(unsigned vcpu, const struct vcpu_hvm_context *ctx)
{
    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_INITIALISE, vcpu, (unsigned long)ctx);
}

/* hypercall_vcpu_up: make an initialised vCPU run. Returns 0 or a
 * negative Xen errno. */
static inline long hypercall_vcpu_up(unsigned vcpu)
{
    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_UP, vcpu, 0);
}

/* hypercall_vcpu_down: stop vCPU vcpu (the caller itself included: it
 * stops on return). Returns 0 or a negative Xen errno. */
static inline long hypercall_vcpu_down(unsigned vcpu)
{
    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_DOWN, vcpu, 0);
}

/* hypercall_vcpu_is_up: 1 if vCPU vcpu runs, 0 if it is down, -XEN_ENOENT
 * past the domain's last vCPU. */
static inline long hypercall_vcpu_is_up(unsigned vcpu)
{
    return hypercall3(HYPERCALL_VCPU_OP, VCPUOP_IS_UP, vcpu, 0);
}

/* hypercall_hvm_get_time: *now = the hypervisor's clock in ns, the clock
 * the shared-info time records describe. Returns 0 or a negative Xen
 * errno (-XEN_ENOSYS: no hvm_op). */
static inline long hypercall_hvm_get_time(uint64_t *now)
{
    struct xen_hvm_get_time t = { 0 };
    long rc = hypercall3(HYPERCALL_HVM_OP, HVMOP_GET_TIME, (unsigned long)&t, 0);

    *now = t.now;
    return rc;
}
