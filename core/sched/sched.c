/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop around the credit scheduler's policy (credit.c):
 * pick under the scheduler lock, arm the slice timer, run the vCPU until
 * an interrupt ends its turn, and tell the policy when it blocked. The
 * boot CPU also reaps stopped domains once no CPU holds their vCPUs. The
 * top of the loop is each CPU's quiescent point for the deferred free
 * (docs/deferred-free.md): nothing found there before is held past it.
 */
#include "core/arch.h"
#include "core/errno.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/retire.h"
#include "core/sched.h"
#include "core/spinlock.h"
#include "core/vcpu.h"
#include "core/vtime.h"

static struct credit_sched cs;                     /* protected by sched_lock */
static struct spinlock sched_lock = SPINLOCK_INIT; /* the credit state, vcpu.sched, domain.sched */
static bool sched_ready;                           /* set once by sched_init */
static uint64_t sched_start_ns;                    /* set once by sched_init */
static bool repick[64]; /* a wake on this CPU came from this CPU: pick again before sleeping (own slot) */

#define VCPU_OF(cv) ((struct vcpu *)(void *)((char *)(cv)-offsetof(struct vcpu, sched)))

void sched_init(void)
{
    sched_start_ns = arch_time_ns();
    if (credit_init(&cs, arch_online_cpu_mask(), sched_start_ns) != 0)
        panic("sched: no online CPU to schedule on");
    __atomic_store_n(&sched_ready, true, __ATOMIC_RELEASE);
    for (unsigned cpu = 1; cpu < 64; cpu++)
        if (arch_online_cpu_mask() & (1ull << cpu))
            arch_kick_cpu(cpu);
}

int sched_domain_add(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);
    int r = credit_dom_init(&d->sched, CREDIT_WEIGHT_DEFAULT, 0);

    for (unsigned i = 0; r == 0 && i < d->nr_vcpus; i++) {
        struct vcpu *v = &d->vcpus[i];
        v->sched.dom = &d->sched;
        v->sched.affinity = cs.online;
        r = credit_vcpu_add(&cs, &v->sched, arch_time_ns());
        v->in_sched = r == 0;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    return r;
}

int sched_domain_remove(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);
    int r = 0;

    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = &d->vcpus[i];
        if (!v->in_sched)
            continue;
        if (credit_vcpu_remove(&cs, &v->sched) == 0)
            v->in_sched = false;
        else
            r = -ERR_BUSY;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    return r;
}

void sched_wake(struct vcpu *v)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);
    int cpu = v->in_sched ? credit_vcpu_wake(&cs, &v->sched, arch_time_ns()) : -1;

    spin_unlock_irqrestore(&sched_lock, f);
    if (cpu >= 0 && (unsigned)cpu != arch_cpu_index())
        arch_kick_cpu((unsigned)cpu);
    else if (cpu >= 0)
        repick[cpu] = true; /* no interrupt will tell this CPU: it must look again */
}

int sched_set_affinity(struct vcpu *v, uint64_t mask)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);
    int r = credit_set_affinity(&cs, &v->sched, mask & cs.online), cpu = credit_vcpu_cpu(&v->sched);

    spin_unlock_irqrestore(&sched_lock, f);
    if (r == 0 && cpu >= 0 && !(mask & (1ull << cpu)))
        arch_kick_cpu((unsigned)cpu); /* it is running where it may no longer be */
    return r;
}

int sched_set_params(struct domain *d, uint32_t weight, uint32_t cap)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);
    int r = credit_dom_set(&cs, &d->sched, weight, cap);

    spin_unlock_irqrestore(&sched_lock, f);
    return r;
}

void sched_get_params(struct domain *d, uint32_t *weight, uint32_t *cap)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);

    *weight = d->sched.weight;
    *cap = d->sched.cap;
    spin_unlock_irqrestore(&sched_lock, f);
}

uint64_t sched_runtime_ns(struct domain *d)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);
    uint64_t ns = credit_dom_runtime_ns(&d->sched);

    spin_unlock_irqrestore(&sched_lock, f);
    return ns;
}

void sched_vcpu_where(struct vcpu *v, uint32_t *cpu, uint64_t *affinity)
{
    uint64_t f = spin_lock_irqsave(&sched_lock);

    *cpu = v->sched.cpu;
    *affinity = v->sched.affinity;
    spin_unlock_irqrestore(&sched_lock, f);
}

/* Runs v for one slice on this CPU and tells the policy if it blocked. */
static void run_slice(struct vcpu *v, unsigned cpu, uint64_t slice_ns)
{
    struct domain *d = v->dom;
    bool stopped;

    /* Announce first, then look: the reaper marks the domain stopped
     * first, then looks at running_on (both sequentially consistent). */
    if (!(v->sched.affinity & (1ull << cpu)))
        panic("sched: d%u vCPU %u picked on cpu%u outside its affinity 0x%llx", d->id, v->id, cpu,
              (unsigned long long)v->sched.affinity);
    __atomic_store_n(&v->running_on, (int)cpu, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&d->state, __ATOMIC_SEQ_CST) == DOMAIN_RUNNING && v->state == VCPU_RUNNABLE) {
        arch_take_resched(); /* what came before this turn is handled by picking it */
        vtime_enter(v);      /* runstate, pvclock */
        arch_timer_oneshot(slice_ns);
        vcpu_run(v);
        arch_timer_oneshot(0);
        vtime_leave(v);
    }
    v->yielded = false;
    /* Look at the state under the lock a wake takes: a waker moves the
     * state to runnable first and then tells the policy under this lock,
     * so either we see it runnable here, or its wake finds the vCPU
     * blocking and keeps it current. Reading the state before taking the
     * lock lost wake-ups (policy blocked, state runnable: never run again). */
    uint64_t f = spin_lock_irqsave(&sched_lock);
    stopped = __atomic_load_n(&v->state, __ATOMIC_SEQ_CST) != VCPU_RUNNABLE ||
              __atomic_load_n(&d->state, __ATOMIC_SEQ_CST) != DOMAIN_RUNNING;
    if (stopped)
        credit_vcpu_block(&cs, &v->sched);
    spin_unlock_irqrestore(&sched_lock, f);
    __atomic_store_n(&v->running_on, -1, __ATOMIC_SEQ_CST);
    if (stopped && cpu != 0 && __atomic_load_n(&d->state, __ATOMIC_SEQ_CST) == DOMAIN_SHUTDOWN)
        arch_kick_cpu(0); /* the boot CPU reaps stopped domains */
}

/* Destroys stopped domains that nobody controls (the root) or whose
 * controller asked for it, once no CPU holds their vCPUs. */
static bool reapable(const struct domain *d)
{
    return d->state == DOMAIN_SHUTDOWN && (d->controller == DOMID_NONE || d->destroy_requested);
}

static void reap(void)
{
    for (struct domain *d = domain_first(); d; d = domain_next(d)) {
        if (!reapable(d))
            continue;
        if (!domain_claim_destroy(d)) {
            log_debug("domain: d%u's destruction waits for a hypercall of another domain", d->id);
            continue; /* the next pass tries again */
        }
        if (sched_domain_remove(d) == 0)
            domain_destroy(d); /* its vCPUs are out of the scheduler now */
        else
            domain_unclaim(d);
    }
}

/* Something is still running, being built, or waiting to be reaped, or
 * a reaped domain's frames have not gone back yet. */
static bool any_domain_busy(void)
{
    for (struct domain *d = domain_first(); d; d = domain_next(d))
        if (d->state != DOMAIN_SHUTDOWN || reapable(d))
            return true;
    return retire_pending() != 0;
}

/* test.sched_report: CPU time charged per domain between a mark taken a
 * quarter of the way in (so start-up is left out) and the end. Boot CPU. */
static uint64_t mark_ns, mark_idle[64]; /* and each domain's sched_mark_ns */
static uint64_t idle_ns[64];            /* time each CPU slept with nothing to run: its own slot */

static void report_mark(void)
{
    mark_ns = arch_time_ns();
    for (unsigned c = 0; c < 64; c++)
        mark_idle[c] = __atomic_load_n(&idle_ns[c], __ATOMIC_RELAXED);
    for (struct domain *d = domain_first(); d; d = domain_next(d))
        d->sched_mark_ns = sched_runtime_ns(d);
}

static void report_and_exit(void)
{
    uint64_t window_us = (arch_time_ns() - mark_ns) / 1000u;

    for (struct domain *d = domain_first(); d; d = domain_next(d)) {
        uint64_t us = (sched_runtime_ns(d) - d->sched_mark_ns) / 1000u; /* all of it for one made after the mark */
        log_info("sched: d%u '%s' ran %llu us of %llu us (%llu.%llu%% of one CPU)", d->id, d->name,
                 (unsigned long long)us, (unsigned long long)window_us, (unsigned long long)(us * 100 / window_us),
                 (unsigned long long)(us * 1000 / window_us % 10));
    }
    for (unsigned c = 0; c < 64; c++)
        if (arch_online_cpu_mask() & (1ull << c))
            log_info("sched: cpu%u idle %llu us of %llu us", c,
                     (unsigned long long)((__atomic_load_n(&idle_ns[c], __ATOMIC_RELAXED) - mark_idle[c]) / 1000u),
                     (unsigned long long)window_us);
    log_info("core: test.sched_report: ending the run");
    arch_platform_exit(PLATFORM_EXIT_DONE);
}

void sched_start(bool exit_when_idle, uint64_t report_at_ms)
{
    unsigned cpu = arch_cpu_index();

    while (!__atomic_load_n(&sched_ready, __ATOMIC_ACQUIRE))
        arch_wait_for_interrupt();
    for (;;) {
        uint64_t slice = 0, next_timer, f;
        struct credit_vcpu *cv;

        retire_quiescent();
        f = spin_lock_irqsave(&sched_lock);
        cv = credit_pick(&cs, cpu, arch_time_ns(), &slice);
        spin_unlock_irqrestore(&sched_lock, f);
        if (cv)
            run_slice(VCPU_OF(cv), cpu, vtime_slice(VCPU_OF(cv), slice)); /* ends at its next timer */
        if (cpu == 0) {
            if (report_at_ms && !mark_ns && arch_time_ns() - sched_start_ns >= report_at_ms * 250000u)
                report_mark();
            if (report_at_ms && arch_time_ns() - sched_start_ns >= report_at_ms * 1000000u)
                report_and_exit();
            reap();
            iommu_poll_faults();
            if (exit_when_idle && !any_domain_busy()) {
                log_info("core: no domains left running (free frames: %zu of %zu); test.exit: ending the run",
                         frame_free_count(), frame_total_count());
                arch_platform_exit(PLATFORM_EXIT_DONE);
            }
        }
        next_timer = vtime_expire(arch_time_ns());
        if (repick[cpu]) {
            repick[cpu] = false;
            continue;
        }
        if (!cv) {
            uint64_t sleep = slice ? slice : CREDIT_PERIOD_NS, now = arch_time_ns();
            if (next_timer && next_timer > now && next_timer - now < sleep)
                sleep = next_timer - now; /* wake for the next guest timer */
            /* Interrupts off from arming the timer to the halt (sti; hlt):
             * a timer taken in between would only set the resched flag,
             * and the CPU would halt with no timer left. A kick or timer
             * that already came means: pick again, do not sleep. */
            uint64_t irq = arch_irq_save();
            arch_timer_oneshot(sleep);
            if (!arch_take_resched()) {
                now = arch_time_ns();
                retire_idle(); /* until the top of the loop: it holds nothing */
                arch_wait_for_interrupt();
                __atomic_fetch_add(&idle_ns[cpu], arch_time_ns() - now, __ATOMIC_RELAXED);
            }
            arch_irq_restore(irq);
        }
    }
}
