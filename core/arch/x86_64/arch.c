/* SPDX-License-Identifier: MIT */
/*
 * The x86_64 side of core/include/core/arch.h: CPU identity through the
 * per-CPU area, interrupt masking, halting, the debug-exit device,
 * stopping CPUs on panic and frame-pointer backtraces.
 */
#include "arch_priv.h"
#include "core/arch.h"
#include "core/log.h"
#include "core/string.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

volatile int arch_cpus_stopping; /* set once, by the panicking CPU */

unsigned arch_cpu_index(void)
{
    return this_cpu()->index;
}

uint64_t arch_irq_save(void)
{
    return irq_save();
}

void arch_irq_restore(uint64_t flags)
{
    irq_restore(flags);
}

void arch_cpu_relax(void)
{
    cpu_relax();
}

void arch_cache_flush(const void *p, size_t n)
{
    /* 64-byte lines on every x86-64 CPU the core runs on; the fence orders
     * the flushes before a later store that tells the device to look. */
    for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)63; a < (uintptr_t)p + n; a += 64)
        __asm__ volatile("clflush (%0)" ::"r"(a) : "memory");
    __asm__ volatile("mfence" ::: "memory");
}

void arch_wait_for_interrupt(void)
{
    cpu_idle_wait(); /* sti; hlt: no wakeup is lost between the two */
    irq_disable();
}

bool arch_take_resched(void)
{
    struct percpu *pc = this_cpu();
    bool pending = pc->resched != 0;

    pc->resched = 0;
    return pending;
}

void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_platform_exit(enum platform_exit code)
{
    /* QEMU's isa-debug-exit ends the emulator with status (code << 1) | 1;
     * without that device the write goes nowhere. */
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
}

void arch_stop_other_cpus(void)
{
    arch_cpus_stopping = 1;
    if (smp_online_count() > 1)
        lapic_send_nmi_others();
    time_delay_us(10000);
}

void arch_switch_stack(vaddr_t top, void (*fn)(void))
{
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "xorl %%ebp, %%ebp\n\t"
                     "callq *%1\n\t"
                     "ud2" ::"r"(top),
                     "r"(fn)
                     : "memory");
    __builtin_unreachable();
}

static bool on_this_stack(uint64_t fp)
{
    const struct percpu *pc = this_cpu();

    return fp >= pc->stack_base && fp + 16 <= pc->stack_top && (fp & 7) == 0;
}

void arch_backtrace(uint64_t pc, uint64_t fp)
{
    char line[200];
    int n = 0;

    if (!fp)
        fp = (uint64_t)__builtin_frame_address(0);
    n += snprintf(line + n, sizeof(line) - (size_t)n, "  backtrace:");
    if (pc)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " 0x%016llx", (unsigned long long)pc);
    for (unsigned depth = 0; depth < 8 && on_this_stack(fp); depth++) {
        const uint64_t *frame = (const uint64_t *)fp;
        n += snprintf(line + n, sizeof(line) - (size_t)n, " 0x%016llx", (unsigned long long)frame[1]);
        if (frame[0] <= fp) /* stacks grow down: callers sit higher */
            break;
        fp = frame[0];
    }
    log_err("%s", line);
}
