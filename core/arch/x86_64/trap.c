/* SPDX-License-Identifier: MIT */
/*
 * What happens on each vector. Interrupts go to their registered handler
 * and are acknowledged. An exception in the core is a core bug: it is
 * dumped (vector, error code, registers, control registers, backtrace)
 * and the machine stops cleanly. NMIs are only used to stop CPUs.
 */
#include "arch_priv.h"
#include "core/arch.h"
#include "core/panic.h"
#include "trap.h"
#include "x86.h"

extern irq_handler_fn idt_handlers[256];

static const char *const exception_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
};

static void dump_page_fault(const struct trap_frame *f)
{
    uint64_t e = f->error;

    log_err("  page fault at 0x%016llx: %s, %s, %s%s", (unsigned long long)read_cr2(),
            e & 1 ? "protection violation" : "not present", e & 2 ? "write" : "read", e & 4 ? "user" : "supervisor",
            e & 16 ? ", instruction fetch" : "");
}

static void dump_frame(const struct trap_frame *f)
{
    const struct log_reg regs[] = {
        { "rax", f->rax, 16 },     { "rbx", f->rbx, 16 },     { "rcx", f->rcx, 16 },      { "rdx", f->rdx, 16 },
        { "rsi", f->rsi, 16 },     { "rdi", f->rdi, 16 },     { "rbp", f->rbp, 16 },      { "rsp", f->rsp, 16 },
        { "r8 ", f->r8, 16 },      { "r9 ", f->r9, 16 },      { "r10", f->r10, 16 },      { "r11", f->r11, 16 },
        { "r12", f->r12, 16 },     { "r13", f->r13, 16 },     { "r14", f->r14, 16 },      { "r15", f->r15, 16 },
        { "rip", f->rip, 16 },     { "cs", f->cs, 4 },        { "rflags", f->rflags, 8 }, { "ss", f->ss, 4 },
        { "cr0", read_cr0(), 16 }, { "cr2", read_cr2(), 16 }, { "cr3", read_cr3(), 16 },  { "cr4", read_cr4(), 16 },
    };

    log_regs(regs, sizeof(regs) / sizeof(regs[0]));
}

static void core_exception(const struct trap_frame *f)
{
    if (!panic_begin())
        arch_halt_forever();
    log_err("PANIC: core fault: %s (vector %llu), error code 0x%llx, at rip 0x%016llx", exception_names[f->vector & 31],
            (unsigned long long)f->vector, (unsigned long long)f->error, (unsigned long long)f->rip);
    if (f->vector == 14)
        dump_page_fault(f);
    dump_frame(f);
    /* The faulting instruction first, then its callers. */
    arch_backtrace(f->rip, f->rbp);
    panic_end(PLATFORM_EXIT_PANIC);
}

/* Set when a panic stops the other CPUs (smp.c reads it). */
extern volatile int arch_cpus_stopping;

void trap_dispatch(struct trap_frame *f)
{
    unsigned vec = (unsigned)f->vector;

    if (vec == 2) {
        if (arch_cpus_stopping)
            arch_halt_forever();
        log_warn("trap: unexpected NMI at rip 0x%016llx ignored", (unsigned long long)f->rip);
        return;
    }
    if (vec < 32) {
        core_exception(f);
        return;
    }
    if (vec == VEC_SPURIOUS)
        return;
    if (vec == VEC_KICK) { /* leave the guest and look at the work again */
        this_cpu()->resched = 1;
        lapic_eoi();
        return;
    }
    if (idt_handlers[vec])
        idt_handlers[vec](f);
    else
        log_warn("trap: interrupt on unused vector %u ignored", vec);
    lapic_eoi();
}
