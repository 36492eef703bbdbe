/* SPDX-License-Identifier: MIT */
/*
 * The two machines a domain runs on, chosen once at start: under Mosaic
 * (or Xen) the Xen hypercalls serve the console and shutdown; on a bare
 * QEMU, used to test the runtime itself, the QEMU debug console (port
 * 0xe9) and isa-debug-exit (port 0xf4) do. Nothing here buffers: these are
 * the raw paths under stdio and the crash reporter.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define PLATFORM_DEBUGCON_PORT  0xe9
#define PLATFORM_DEBUGEXIT_PORT 0xf4
/* isa-debug-exit ends QEMU with status (code << 1) | 1: a crash exits 255. */
#define PLATFORM_DEBUGEXIT_CRASH 0x7f

/* platform_is_xen: true when CPUID leaf 0x40000000 carries the signature
 * "XenVMMXenVMM", i.e. the Xen hypercalls of mosaic/hypercall.h work. */
bool platform_is_xen(void);

/* platform_console_write: len bytes of buf to the console, unbuffered.
 * Callable from any context, including the trap handler. */
void platform_console_write(const char *buf, size_t len);

/* platform_shutdown: end the domain with a SHUTDOWN_* reason
 * (mosaic/hypercall.h). On bare QEMU a poweroff exits with status 1 and
 * anything else with 255. Never returns: if nothing ends the machine, the
 * CPU halts with interrupts off. */
_Noreturn void platform_shutdown(unsigned reason);

/* platform_exit: end the domain as a program exits: status 0 is a
 * poweroff, any other status a crash. On bare QEMU, status 0..126 becomes
 * QEMU's exit status 2 * status + 1 (so 0 gives 1); others give 255. */
_Noreturn void platform_exit(int status);
