/* SPDX-License-Identifier: MIT */
/*
 * Guest time: the pvclock record Xen guests read (version odd while it
 * changes, then even; guests retry on a change) and single-shot timers.
 * A vCPU blocking and its timer expiring on another CPU may race; both
 * sides publish first and look second (sequentially consistent), and a
 * compare-and-swap makes sure exactly one of them makes it runnable.
 */
#include "core/arch.h"
#include "core/evtchn_domain.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/vtime.h"
#include "idl/xen.h"

void vtime_update(struct vcpu *v)
{
    struct domain *d = v->dom;
    volatile struct vcpu_time_info *t;
    struct arch_clock c;

    if (d->shared_info_gfn == ~0ull || v->id >= XEN_LEGACY_MAX_VCPUS)
        return;
    t = &((volatile struct shared_info *)phys_to_virt(d->shared_info))->vcpu_info[v->id].time;
    arch_clock_snapshot(&c);
    t->version = t->version + 1; /* odd: being written */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = c.tsc;
    t->system_time = c.ns;
    t->tsc_to_system_mul = c.mul;
    t->tsc_shift = c.shift;
    t->flags = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version = t->version + 1; /* even: stable */
}

/* Moves v from blocked to runnable once, whoever gets there first. */
static void wake_if_blocked(struct vcpu *v)
{
    enum vcpu_state blocked = VCPU_BLOCKED;

    if (__atomic_compare_exchange_n(&v->state, &blocked, VCPU_RUNNABLE, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&v->timer_fired, 0, __ATOMIC_SEQ_CST); /* this wake consumed it */
        sched_wake(v);
    }
}

void vtime_kick(struct vcpu *v)
{
    int cpu;

    wake_if_blocked(v);
    cpu = __atomic_load_n(&v->running_on, __ATOMIC_SEQ_CST);
    if (cpu >= 0 && (unsigned)cpu != arch_cpu_index())
        arch_kick_cpu((unsigned)cpu);
}

void vtime_block(struct vcpu *v)
{
    __atomic_store_n(&v->state, VCPU_BLOCKED, __ATOMIC_SEQ_CST);
    /* The sender raises the upcall flag before it looks at the state. */
    if (__atomic_exchange_n(&v->timer_fired, 0, __ATOMIC_SEQ_CST) || evtchn_upcall_pending(&v->dom->evtchn, v->id) ||
        vlapic_pending(&v->lapic) >= 0) {
        enum vcpu_state blocked = VCPU_BLOCKED;
        __atomic_compare_exchange_n(&v->state, &blocked, VCPU_RUNNABLE, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
}

void vtime_set_timer(struct vcpu *v, uint64_t deadline_ns)
{
    __atomic_store_n(&v->timer_fired, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->timer_deadline, deadline_ns, __ATOMIC_SEQ_CST);
}

/* v's LAPIC timer, if due: claimed by one CPU, its vector raised and the
 * next period armed (unless the guest armed it again meanwhile). Returns
 * the deadline still pending, 0 = none. */
static uint64_t expire_lapic(struct vcpu *v, uint64_t now)
{
    uint64_t dl = __atomic_load_n(&v->lapic.timer_deadline, __ATOMIC_SEQ_CST), none = 0;

    if (!dl || dl > now ||
        !__atomic_compare_exchange_n(&v->lapic.timer_deadline, &dl, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return dl > now ? dl : 0;
    dl = vlapic_timer_fire(&v->lapic, dl, now);
    if (dl)
        __atomic_compare_exchange_n(&v->lapic.timer_deadline, &none, dl, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    vtime_kick(v);
    return dl;
}

uint64_t vtime_slice(struct vcpu *v, uint64_t slice_ns)
{
    uint64_t a = __atomic_load_n(&v->timer_deadline, __ATOMIC_SEQ_CST);
    uint64_t b = __atomic_load_n(&v->lapic.timer_deadline, __ATOMIC_SEQ_CST);
    uint64_t next = a && (!b || a < b) ? a : b, now = arch_time_ns();

    if (!next || next >= now + slice_ns)
        return slice_ns;
    return next > now + 1000 ? next - now : 1000;
}

uint64_t vtime_expire(uint64_t now)
{
    uint64_t earliest = 0;

    for (struct domain *d = domain_first(); d; d = domain_next(d)) {
        if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_RUNNING)
            continue;
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct vcpu *v = &d->vcpus[j];
            uint64_t lapic = expire_lapic(v, now), dl = __atomic_load_n(&v->timer_deadline, __ATOMIC_SEQ_CST);
            if (lapic)
                earliest = earliest && earliest < lapic ? earliest : lapic;
            if (!dl)
                continue;
            if (dl > now) {
                earliest = earliest && earliest < dl ? earliest : dl;
                continue;
            }
            /* Claim this expiry: only one CPU fires a given deadline. */
            if (!__atomic_compare_exchange_n(&v->timer_deadline, &dl, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                continue;
            __atomic_store_n(&v->timer_fired, 1, __ATOMIC_SEQ_CST);
            wake_if_blocked(v);
            evtchn_domain_virq(d, j, EVTCHN_VIRQ_TIMER);
        }
    }
    return earliest;
}
