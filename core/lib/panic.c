/* SPDX-License-Identifier: MIT */
/*
 * panic() and the refusal path. One CPU wins the panic; every other CPU
 * is stopped by NMI, so nothing runs on after the core is known broken.
 */
#include "core/arch.h"
#include "core/panic.h"

static int panic_owner = -1; /* CPU index that won the panic */

bool panic_begin(void)
{
    int expected = -1;

    arch_irq_save();
    if (!__atomic_compare_exchange_n(&panic_owner, &expected, (int)arch_cpu_index(), false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        if (expected == (int)arch_cpu_index()) {
            /* A fault while dumping a fault: stop here, still reported. */
            arch_platform_exit(PLATFORM_EXIT_PANIC);
            arch_halt_forever();
        }
        return false;
    }
    log_force_console();
    return true;
}

void panic_end(enum platform_exit code)
{
    arch_stop_other_cpus();
    log_err("core: stopped (all CPUs halted)");
    arch_platform_exit(code);
    arch_halt_forever();
}

/* Claims the panic and logs "<prefix><formatted message>" once. */
static void claim_and_say(const char *prefix, const char *fmt, va_list ap)
{
    char msg[200];

    if (!panic_begin())
        arch_halt_forever();
    vsnprintf(msg, sizeof(msg), fmt, ap);
    log_err("%s%s", prefix, msg);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    claim_and_say("PANIC: ", fmt, ap);
    va_end(ap);
    arch_backtrace(0, 0);
    panic_end(PLATFORM_EXIT_PANIC);
}

void panic_refuse(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    claim_and_say("core: refusing to boot: ", fmt, ap);
    va_end(ap);
    arch_stop_other_cpus();
    arch_platform_exit(PLATFORM_EXIT_REFUSED);
    arch_halt_forever();
}
