/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls as Mosaic serves them to every domain (Xen public ABI:
 * xen.h, sched.h, version.h). Issued with VMMCALL directly, in the x86_64
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
#define HYPERCALL_XEN_VERSION 17
#define HYPERCALL_CONSOLE_IO  18
#define HYPERCALL_SCHED_OP    29

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

struct sched_shutdown {
    uint32_t reason; /* 0x00: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");

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

/* hypercall_sched_block: sleep until an event is pending for this vCPU. */
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
