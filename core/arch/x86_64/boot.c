/* SPDX-License-Identifier: MIT */
/*
 * The x86 steps of the boot CPU's start-up, called in order by core_main
 * (core/boot/main.c): descriptor tables and the console, the core's page
 * tables and its guarded stack, the CPU's identity, the local APIC timer,
 * and starting the other CPUs. The order and every decision about the
 * loader's input stay in core/boot; nothing here parses it.
 */
#include "core/acpi.h"
#include "core/arch.h"
#include "core/log.h"
#include "core/panic.h"
#include "core/string.h"
#include "arch_priv.h"
#include "trap.h"
#include "x86.h"

extern char boot_stack_top[];

static uint8_t bsp_ist[3][CORE_IST_SIZE] __attribute__((aligned(4096)));

void arch_boot_early(void)
{
    struct percpu *pc = &percpu_area[0];
    vaddr_t ist[3];

    time_mark_start();
    pc->index = 0;
    pc->state = CPU_ONLINE;
    pc->stack_top = (vaddr_t)boot_stack_top;
    pc->stack_base = pc->stack_top - CORE_STACK_SIZE;
    percpu_install(pc);
    serial_init();
    for (unsigned i = 0; i < 3; i++)
        ist[i] = (vaddr_t)bsp_ist[i] + CORE_IST_SIZE;
    gdt_init_cpu(pc, ist);
    idt_init();
    idt_load();
}

void arch_boot_paging(paddr_t direct_map_top)
{
    paging_init(direct_map_top);
    paging_load();
    if (paging_check_wx() != 0)
        panic("mm: the core's page tables break W^X");
}

void arch_boot_switch_stack(void (*late)(void))
{
    struct percpu *pc = &percpu_area[0];
    vaddr_t ist[3];

    /* Leave the unguarded boot stack for a guarded slot like every AP's. */
    pc->stack_top = paging_map_stack(0, ist);
    pc->stack_base = pc->stack_top - CORE_STACK_SIZE;
    gdt_init_cpu(pc, ist);
    arch_switch_stack(pc->stack_top, late);
}

void arch_boot_report_cpu(void)
{
    struct cpuid_regs v = cpuid(0, 0), b[3];
    char vendor[13], brand[49];

    memcpy(vendor, &v.ebx, 4);
    memcpy(vendor + 4, &v.edx, 4);
    memcpy(vendor + 8, &v.ecx, 4);
    vendor[12] = '\0';
    brand[0] = '\0';
    if (cpuid(0x80000000, 0).eax >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++)
            b[i] = cpuid(0x80000002 + i, 0);
        memcpy(brand, b, 48);
        brand[48] = '\0';
    }
    log_info("cpu: %s '%s'", vendor, brand);
}

void arch_boot_timer(const struct acpi_info *acpi)
{
    lapic_init_boot(acpi);
    if (lapic_timer_selftest(10000) != 0)
        panic_refuse("lapic: the boot CPU's timer interrupt does not arrive");
}

static void cross_call_probe(void *arg)
{
    uint32_t *seen = arg;

    __atomic_fetch_or(seen, 1u << arch_cpu_index(), __ATOMIC_RELAXED);
}

unsigned arch_boot_cpus(const struct acpi_info *acpi, unsigned max_cpus, int hang_cpu)
{
    idt_set_handler(VEC_CALL, smp_call_handler);
    smp_boot_aps(acpi, (unsigned)MIN(max_cpus, MAX_CPUS), hang_cpu);
    return smp_online_count();
}

void arch_boot_check_cpus(void)
{
    uint32_t seen = 0;
    unsigned n = smp_online_count();

    for (unsigned i = 1; i < MAX_CPUS; i++)
        if (percpu_area[i].state == CPU_ONLINE && smp_call(i, cross_call_probe, &seen) != 0)
            panic("smp: cross-CPU call to cpu%u failed", i);
    if (n > 1)
        log_info("smp: cross-CPU calls answered by all %u other CPUs (mask 0x%x)", n - 1, seen);
}

void *arch_map_mmio(paddr_t pa, size_t size)
{
    return paging_map_mmio(pa, size);
}

static void (*device_irq_fn)(unsigned index); /* set once at boot */

static void device_irq(struct trap_frame *f)
{
    device_irq_fn((unsigned)f->vector - ARCH_DEVICE_VECTOR_FIRST);
}

uint32_t arch_device_irq_init(void (*fn)(unsigned index))
{
    _Static_assert(ARCH_DEVICE_VECTOR_FIRST >= 32 && ARCH_DEVICE_VECTOR_FIRST + ARCH_DEVICE_VECTORS <= VEC_TIMER,
                   "device vectors lie between the exceptions and the core's own");
    device_irq_fn = fn;
    for (unsigned i = 0; i < ARCH_DEVICE_VECTORS; i++)
        idt_set_handler(ARCH_DEVICE_VECTOR_FIRST + i, device_irq);
    return lapic_id();
}
