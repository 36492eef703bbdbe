/* SPDX-License-Identifier: MIT */
/*
 * Deliberate core faults (option test.fault=KIND[, test.fault_cpu=N]),
 * so boot scenarios can prove that a core fault on any CPU is dumped and
 * stops the machine cleanly instead of hanging or rebooting. 'stack'
 * overflows the kernel stack into its guard page: the page fault cannot
 * be delivered on that stack, so the CPU raises a double fault, which runs
 * on its own IST stack.
 */
#include "core/arch.h"
#include "core/cmdline.h"
#include "core/log.h"
#include "core/panic.h"
#include "arch_priv.h"
#include "x86.h"

static char fault_kind[8]; /* written before the fault is raised */
static volatile unsigned overflow_limit = ~0u;

/* Recurses until the stack runs into its guard page. */
static unsigned overflow_stack(unsigned depth)
{
    volatile uint8_t pad[256];

    pad[0] = (uint8_t)depth;
    if (depth >= overflow_limit)
        return pad[0];
    return overflow_stack(depth + 1) + pad[0];
}

static void raise_fault(void *arg)
{
    volatile uint64_t zero = 0;

    (void)arg;
    log_info("test: raising a deliberate core fault '%s'", fault_kind);
    if (!strcmp(fault_kind, "pf"))
        *(volatile uint64_t *)0x1000 = 1; /* lower half: never mapped */
    else if (!strcmp(fault_kind, "gp"))
        (void)*(volatile uint64_t *)0x8000000000000000ull; /* non-canonical */
    else if (!strcmp(fault_kind, "ud"))
        __asm__ volatile("ud2");
    else if (!strcmp(fault_kind, "de"))
        log_info("test: %llu", (unsigned long long)(1 / zero));
    else if (!strcmp(fault_kind, "stack"))
        log_info("test: %u", overflow_stack(0));
    else if (!strcmp(fault_kind, "panic"))
        panic("test: deliberate panic");
    log_err("test: fault '%s' did not fault", fault_kind);
}

void arch_test_fault_maybe(const char *cmdline)
{
    const char *v;
    size_t len;
    uint64_t cpu = 0;

    if (!cmdline_find(cmdline, "test.fault", &v, &len))
        return;
    len = MIN(len, sizeof(fault_kind) - 1);
    memcpy(fault_kind, v, len);
    fault_kind[len] = '\0';
    cmdline_uint(cmdline, "test.fault_cpu", &cpu);
    if (cpu == 0) {
        raise_fault(NULL);
        return;
    }
    if (smp_call((unsigned)cpu, raise_fault, NULL) != 0)
        log_err("test: cpu%llu is not online; no fault raised", (unsigned long long)cpu);
    /* The faulting CPU stops this one with an NMI. */
    for (;;)
        cpu_idle_wait();
}
