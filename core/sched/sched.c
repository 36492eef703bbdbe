/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop: run every runnable vCPU placed on this CPU in
 * turn; reap domains that have shut down (the boot CPU does it, while no
 * vCPU of theirs runs); idle with interrupts on when nothing is runnable.
 */
#include "core/arch.h"
#include "core/log.h"
#include "core/sched.h"
#include "core/vcpu.h"

/* A vCPU belongs to one CPU (v->cpu), so no two CPUs run the same vCPU. */
static bool run_one_round(unsigned cpu)
{
    bool ran = false;

    for (unsigned i = 1; i < DOMAIN_MAX; i++) {
        struct domain *d = domain_slot(i);
        if (!d || d->state != DOMAIN_RUNNING)
            continue;
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct vcpu *v = &d->vcpus[j];
            if (v->cpu == cpu && v->state == VCPU_RUNNABLE) {
                vcpu_run(v);
                ran = true;
            }
        }
    }
    return ran;
}

static void reap(void)
{
    for (unsigned i = 1; i < DOMAIN_MAX; i++) {
        struct domain *d = domain_slot(i);
        if (d && d->state == DOMAIN_SHUTDOWN)
            domain_destroy(d);
    }
}

void sched_start(bool exit_when_empty)
{
    unsigned cpu = arch_cpu_index();

    for (;;) {
        bool ran = run_one_round(cpu);
        if (cpu == 0) {
            reap();
            if (exit_when_empty && domain_count() == 0) {
                log_info("core: no domains left; test.exit: ending the run");
                arch_platform_exit(PLATFORM_EXIT_DONE);
            }
        }
        if (!ran)
            arch_wait_for_interrupt();
    }
}
