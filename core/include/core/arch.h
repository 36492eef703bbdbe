/* SPDX-License-Identifier: MIT */
/*
 * What generic core code may ask of the architecture: which CPU it runs
 * on, interrupt masking, halting, the serial console and the platform's
 * exit device. Implemented in core/arch/x86_64/.
 */
#pragma once

#include "core/types.h"

/* arch_cpu_index: index of the running CPU (0 = boot CPU). Any context. */
unsigned arch_cpu_index(void);

/* Interrupt masking on the running CPU; save/restore nest. */
uint64_t arch_irq_save(void);
void arch_irq_restore(uint64_t flags);
void arch_cpu_relax(void);

/* arch_wait_for_interrupt: sleep until the next interrupt, which is
 * handled before this returns. */
void arch_wait_for_interrupt(void);

/* arch_clock_snapshot: a TSC reading, the core time (ns) it stands for,
 * and Xen pvclock scale factors turning TSC deltas into ns:
 * ns = (shift >= 0 ? d << shift : d >> -shift) * mul >> 32. */
struct arch_clock {
    uint64_t tsc;
    uint64_t ns;
    uint32_t mul;
    int8_t shift;
};
void arch_clock_snapshot(struct arch_clock *c);

/* arch_timer_oneshot: interrupt this CPU once, ns from now (0: cancel). */
void arch_timer_oneshot(uint64_t ns);

/* arch_take_resched: whether a timer interrupt or a kick reached this CPU
 * since the last call (and forget it). Interrupts off or on. */
bool arch_take_resched(void);

/* arch_online_cpu_mask: bit i set for every CPU index i that is online. */
uint64_t arch_online_cpu_mask(void);

/* arch_kick_cpu: interrupt CPU cpu so that it leaves any guest it runs
 * and looks at its work again. Any context. */
void arch_kick_cpu(unsigned cpu);

/* arch_halt_forever: interrupts off, halt this CPU for good. */
void arch_halt_forever(void) __attribute__((noreturn));

/* arch_console_write: raw bytes to the core's serial port (COM1). No lock:
 * log.c serialises callers. */
void arch_console_write(const char *s, size_t n);

/*
 * arch_platform_exit: end the machine with a status for the test harness
 * (QEMU's isa-debug-exit device; a no-op on hardware without one). Codes:
 * PLATFORM_EXIT_DONE after a test run, _PANIC after a fault dump,
 * _REFUSED when the core refused to boot.
 */
enum platform_exit {
    PLATFORM_EXIT_DONE = 0,
    PLATFORM_EXIT_PANIC = 1,
    PLATFORM_EXIT_REFUSED = 2,
};
void arch_platform_exit(enum platform_exit code);

/* arch_stop_other_cpus: make every other online CPU halt for good (NMI).
 * Used on panic only. */
void arch_stop_other_cpus(void);

/* arch_backtrace: log one line: pc (when nonzero), then the return
 * addresses of the call chain from frame pointer fp (0 = the caller's). */
void arch_backtrace(uint64_t pc, uint64_t fp);

/* arch_time_ns: nanoseconds since the core entered C (TSC-based; 0 until
 * the TSC is calibrated). */
uint64_t arch_time_ns(void);

/*
 * The boot CPU's start-up steps, called by core_main in this order (the
 * sequence and every check of the loader's input stay generic):
 * arch_boot_early: per-CPU data, the console, descriptor tables; first.
 * arch_boot_paging: the core's own page tables with a direct map of
 *   [0, direct_map_top), loaded and checked W^X (panics otherwise).
 * arch_boot_switch_stack: continue in late on a guarded stack; no return.
 * arch_boot_report_cpu: log the CPU's vendor and model.
 * arch_boot_timer: the interrupt controller and its timer, calibrated and
 *   checked (refuses to boot when the timer interrupt does not arrive).
 * arch_boot_cpus: start up to max_cpus CPUs (hang_cpu >= 0: a test makes
 *   that one hang); returns how many are online.
 * arch_boot_check_cpus: every other online CPU must answer a cross-CPU
 *   call (panics otherwise); logs the answers.
 */
struct acpi_info;
void arch_boot_early(void);
void arch_boot_paging(paddr_t direct_map_top);
void arch_boot_switch_stack(void (*late)(void)) __attribute__((noreturn));
void arch_boot_report_cpu(void);
void arch_boot_timer(const struct acpi_info *acpi);
unsigned arch_boot_cpus(const struct acpi_info *acpi, unsigned max_cpus, int hang_cpu);
void arch_boot_check_cpus(void);

/*
 * Device interrupts: the MSI-X entries of assigned PCI functions (core/pci)
 * name host vectors ARCH_DEVICE_VECTOR_FIRST + i for i below
 * ARCH_DEVICE_VECTORS. arch_device_irq_init routes them all to fn(i), run
 * with interrupts off on the CPU that takes the interrupt; the core sends
 * the EOI after fn returns. Boot CPU, boot time, once. Returns the boot
 * CPU's local APIC id, where the interrupts are to be sent.
 */
#define ARCH_DEVICE_VECTOR_FIRST 0x40u
#define ARCH_DEVICE_VECTORS      64u
uint32_t arch_device_irq_init(void (*fn)(unsigned index));

/* arch_map_mmio: an uncached core mapping of device registers
 * [pa, pa + size); boot time only. */
void *arch_map_mmio(paddr_t pa, size_t size);

/* arch_cache_flush: write the cache lines holding [p, p + n) back to memory,
 * for devices that read it without snooping the CPU caches. Any context. */
void arch_cache_flush(const void *p, size_t n);

/*
 * arch_test_fault_maybe: with test.fault=KIND on cmdline (pf, gp, ud, de,
 * stack, panic; test.fault_cpu=N picks the CPU), raise that fault in the
 * core on purpose, so boot scenarios prove a core fault on any CPU is
 * dumped and stops the machine. Does nothing otherwise.
 */
void arch_test_fault_maybe(const char *cmdline);
