/* SPDX-License-Identifier: MIT */
/*
 * Guest time: the pvclock record Xen guests read (version odd while it
 * changes, then even; guests retry on a change), single-shot timers,
 * SCHEDOP_poll's wait, and each vCPU's runstate (Xen's time per state).
 * A vCPU blocking and its timer expiring on another CPU may race; both
 * sides publish first and look second (sequentially consistent), and a
 * compare-and-swap makes sure exactly one of them makes it runnable.
 */
#include "core/arch.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/vcpu.h"
#include "core/vtime.h"
#include "idl/xen.h"

void vtime_update(struct vcpu *v)
{
    struct domain *d = v->dom;
    volatile struct vcpu_time_info *t;
    struct arch_clock c;

    /* The record is in shared info until the guest registers one elsewhere. */
    if (__atomic_load_n(&d->shared_info_gfn, __ATOMIC_RELAXED) == ~0ull &&
        __atomic_load_n(&v->vcpu_info_gfn, __ATOMIC_ACQUIRE) == ~0ull)
        return;
    t = &((volatile struct vcpu_info *)(volatile void *)evtchn_vcpu_info(&d->evtchn, v->id))->time;
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
        vtime_runstate_wake(v);
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
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct vcpu *v = &d->vcpus[j];
            uint64_t dl = __atomic_load_n(&v->poll_deadline, __ATOMIC_SEQ_CST);
            if (dl && dl > now)
                earliest = earliest && earliest < dl ? earliest : dl;
            else if (dl &&
                     __atomic_compare_exchange_n(&v->poll_deadline, &dl, 0, false, __ATOMIC_SEQ_CST,
                                                 __ATOMIC_SEQ_CST) &&
                     __atomic_exchange_n(&v->poll_port, 0, __ATOMIC_SEQ_CST))
                wake_if_blocked(v); /* the poll timed out */
        }
    }
    return earliest;
}

void vtime_poll_port_raised(struct vcpu *v, uint32_t port)
{
    uint32_t want = __atomic_load_n(&v->poll_port, __ATOMIC_SEQ_CST);

    if ((want == VTIME_POLL_ANY || want == port + 1) &&
        __atomic_compare_exchange_n(&v->poll_port, &want, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        vtime_kick(v);
}

int vtime_poll(struct vcpu *v, const uint32_t *ports, unsigned n, bool fault_after, uint64_t deadline_ns)
{
    int r = 0;

    /* Publish first, then look, as a raise does the other way round: one
     * of the two sees the other (Xen's do_poll). */
    __atomic_store_n(&v->state, VCPU_BLOCKED, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->poll_port, n == 1 ? ports[0] + 1 : VTIME_POLL_ANY, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < n && r == 0; i++)
        r = evtchn_port_pending(&v->dom->evtchn, ports[i]);
    if (r == 0 && fault_after)
        r = -ERR_FAULT;
    if (r == 0 && deadline_ns)
        __atomic_store_n(&v->poll_deadline, deadline_ns, __ATOMIC_SEQ_CST); /* the run loop arms a timer */
    if (r == 0)
        return 0; /* blocked until a port is raised, an event arrives or the deadline */
    __atomic_store_n(&v->poll_port, 0, __ATOMIC_SEQ_CST);
    enum vcpu_state blocked = VCPU_BLOCKED; /* still on this CPU: nothing to wake, as in vtime_block */
    __atomic_compare_exchange_n(&v->state, &blocked, VCPU_RUNNABLE, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return r < 0 ? r : 0;
}

/* Adds the time since the last change to the old state's; protected by
 * v->runstate_lock. */
static void runstate_enter(struct vcpu *v, int32_t state, uint64_t now)
{
    struct vcpu_runstate_info *r = &v->runstate;

    if (now > r->state_entry_time && (uint32_t)r->state < 4)
        r->time[r->state] += now - r->state_entry_time;
    r->state = state;
    r->state_entry_time = now;
}

void vtime_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    uint64_t f = spin_lock_irqsave(&v->runstate_lock);

    *out = v->runstate;
    spin_unlock_irqrestore(&v->runstate_lock, f);
}

void vtime_runstate_wake(struct vcpu *v)
{
    uint64_t f = spin_lock_irqsave(&v->runstate_lock);

    if (v->runstate.state == RUNSTATE_blocked || v->runstate.state == RUNSTATE_offline)
        runstate_enter(v, RUNSTATE_runnable, arch_time_ns());
    spin_unlock_irqrestore(&v->runstate_lock, f);
}

/* Copies v's runstate to the area it registered, through v's own page
 * tables, as Xen's update_runstate_area does: with runstate_update_flag
 * on, state_entry_time carries XEN_RUNSTATE_UPDATE while the rest is
 * written. A fault is ignored, as on Xen. On the CPU running v. */
static void runstate_publish(struct vcpu *v)
{
    uint64_t gva = __atomic_load_n(&v->runstate_gva, __ATOMIC_SEQ_CST);
    uint64_t at = gva + offsetof(struct vcpu_runstate_info, state_entry_time);
    bool flag = __atomic_load_n(&v->dom->vm_assist, __ATOMIC_RELAXED) & (1u << VMASST_TYPE_runstate_update_flag);
    struct vcpu_runstate_info r;

    if (!gva)
        return;
    vtime_runstate_get(v, &r);
    r.state_entry_time |= flag ? XEN_RUNSTATE_UPDATE : 0;
    if (flag && vcpu_write_guest_kernel(v, at, &r.state_entry_time, sizeof(r.state_entry_time)))
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    (void)vcpu_write_guest_kernel(v, gva, &r, sizeof(r));
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    r.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
    if (flag)
        (void)vcpu_write_guest_kernel(v, at, &r.state_entry_time, sizeof(r.state_entry_time));
}

void vtime_enter(struct vcpu *v)
{
    uint64_t f = spin_lock_irqsave(&v->runstate_lock);

    runstate_enter(v, RUNSTATE_running, arch_time_ns());
    spin_unlock_irqrestore(&v->runstate_lock, f);
    /* Whatever woke it ended a poll it was in. */
    __atomic_store_n(&v->poll_port, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->poll_deadline, 0, __ATOMIC_SEQ_CST);
    vtime_update(v);
    runstate_publish(v);
}

void vtime_leave(struct vcpu *v)
{
    enum vcpu_state s = __atomic_load_n(&v->state, __ATOMIC_SEQ_CST);
    uint64_t f = spin_lock_irqsave(&v->runstate_lock);

    runstate_enter(v,
                   v->dom->state != DOMAIN_RUNNING ? RUNSTATE_offline
                   : s == VCPU_RUNNABLE            ? RUNSTATE_runnable
                   : s == VCPU_BLOCKED             ? RUNSTATE_blocked
                                                   : RUNSTATE_offline,
                   arch_time_ns());
    spin_unlock_irqrestore(&v->runstate_lock, f);
    runstate_publish(v);
}

void vtime_runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva)
{
    struct vcpu_runstate_info r;

    __atomic_store_n(&v->runstate_gva, gva, __ATOMIC_SEQ_CST);
    if (!gva)
        return;
    /* Now, through the caller's page tables, as Xen does; a fault is
     * ignored (Xen's registration cannot fail once the argument is read). */
    vtime_runstate_get(v, &r);
    (void)vcpu_write_guest_kernel(caller, gva, &r, sizeof(r));
}
