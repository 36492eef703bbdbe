/* SPDX-License-Identifier: MIT */
/*
 * Platform detection and the raw console and shutdown paths: Xen
 * hypercalls under Mosaic, QEMU's debug ports on bare QEMU. Detection runs
 * once, before any output; nothing here allocates or buffers, so the trap
 * handler may use it. One lock, held per vCPU and only around a write (or
 * a whole fault report), keeps two vCPUs' bytes apart: the hypervisor
 * assembles a domain's console lines in one buffer for all its vCPUs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"

#define CPUID_HYPERVISOR_BASE 0x40000000u

static bool platform_xen RUNTIME_STATE; /* written once by platform_init */
static struct lock_recursive console_lock RUNTIME_STATE;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(leaf), "2"(0u));
}

static void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

void platform_init(void)
{
    uint32_t eax, sig[3];

    cpuid(CPUID_HYPERVISOR_BASE, &eax, &sig[0], &sig[1], &sig[2]);
    platform_xen = memcmp(sig, "XenVMMXenVMM", sizeof(sig)) == 0;
}

bool platform_is_xen(void)
{
    return platform_xen;
}

/* The console's owner is a vCPU, never a thread: nothing switches
 * threads while holding it. */
static const void *console_owner(void)
{
    return (const void *)(uintptr_t)(runtime_vcpu_id() + 1);
}

void platform_console_lock(void)
{
    lock_acquire(&console_lock, console_owner(), false);
}

void platform_console_write(const char *buf, size_t len)
{
    lock_acquire(&console_lock, console_owner(), false);
    if (platform_xen)
        (void)hypercall_console_write(buf, len); /* nowhere to report a failure */
    else
        for (size_t i = 0; i < len; i++)
            outb(PLATFORM_DEBUGCON_PORT, (uint8_t)buf[i]);
    lock_release(&console_lock);
}

static _Noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void platform_shutdown(unsigned reason)
{
    if (platform_xen)
        (void)hypercall_sched_shutdown(reason);
    else
        outb(PLATFORM_DEBUGEXIT_PORT, reason == SHUTDOWN_poweroff ? 0 : PLATFORM_DEBUGEXIT_CRASH);
    halt_forever();
}

void platform_exit(int status)
{
    if (platform_xen)
        platform_shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
    if (status >= 0 && status < PLATFORM_DEBUGEXIT_CRASH)
        outb(PLATFORM_DEBUGEXIT_PORT, (uint8_t)status);
    else
        outb(PLATFORM_DEBUGEXIT_PORT, PLATFORM_DEBUGEXIT_CRASH);
    halt_forever();
}
