/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop: run every runnable vCPU placed on this CPU in
 * turn; reap domains that have shut down (the boot CPU does it, while no
 * vCPU of theirs runs); idle with interrupts on when nothing is runnable.
 */
#include "core/arch.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/sched.h"
#include "core/vcpu.h"

/* A vCPU belongs to one CPU (v->cpu), so no two CPUs run the same vCPU. */
static bool run_one_round(unsigned cpu)
{
    bool ran = false;

    for (unsigned i = 1; i < DOMAIN_MAX; i++) {
        struct domain *d = domain_slot(i);
        if (!d || __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_RUNNING)
            continue;
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct vcpu *v = &d->vcpus[j];
            if (v->cpu != cpu || v->state != VCPU_RUNNABLE)
                continue;
            /* Announce first, then look: the reaper on CPU 0 marks the
             * domain stopped first, then looks at running_on, so one of
             * the two always sees the other (both sequentially consistent). */
            __atomic_store_n(&v->running_on, (int)cpu, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&d->state, __ATOMIC_SEQ_CST) == DOMAIN_RUNNING) {
                vcpu_run(v);
                ran = true;
            }
            __atomic_store_n(&v->running_on, -1, __ATOMIC_SEQ_CST);
            if (cpu != 0 && __atomic_load_n(&d->state, __ATOMIC_SEQ_CST) == DOMAIN_SHUTDOWN)
                arch_kick_cpu(0); /* the boot CPU reaps stopped domains */
        }
    }
    return ran;
}

static bool vcpus_stopped(const struct domain *d)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (__atomic_load_n(&d->vcpus[i].running_on, __ATOMIC_SEQ_CST) >= 0)
            return false;
    return true;
}

/* Destroys stopped domains that nobody controls (the root) or whose
 * controller asked for it; others wait for their controller's word. */
static void reap(void)
{
    for (unsigned i = 1; i < DOMAIN_MAX; i++) {
        struct domain *d = domain_slot(i);
        if (d && d->state == DOMAIN_SHUTDOWN && (d->controller == DOMID_NONE || d->destroy_requested) &&
            vcpus_stopped(d))
            domain_destroy(d);
    }
}

static bool any_domain_active(void)
{
    for (unsigned i = 1; i < DOMAIN_MAX; i++) {
        struct domain *d = domain_slot(i);
        if (d && d->state != DOMAIN_SHUTDOWN)
            return true;
    }
    return false;
}

int sched_set_affinity(struct vcpu *v, uint64_t mask)
{
    mask &= arch_online_cpu_mask();
    if (!mask)
        return -ERR_INVAL;
    v->cpu = (unsigned)__builtin_ctzll(mask);
    if (v->running_on >= 0)
        arch_kick_cpu((unsigned)v->running_on);
    return 0;
}

void sched_start(bool exit_when_idle)
{
    unsigned cpu = arch_cpu_index();

    for (;;) {
        bool ran = run_one_round(cpu);
        if (cpu == 0) {
            reap();
            if (exit_when_idle && !any_domain_active()) {
                log_info("core: no domains left running; test.exit: ending the run");
                arch_platform_exit(PLATFORM_EXIT_DONE);
            }
        }
        if (!ran)
            arch_wait_for_interrupt();
    }
}
