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

#define VCPU_INFO_SIZE   64
#define VCPU_TIME_OFFSET 32
#define SHARED_VCPUS     32 /* vcpu_info slots in shared_info */

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info layout (Xen public ABI)");

void vtime_update(struct vcpu *v)
{
    struct domain *d = v->dom;
    volatile struct vcpu_time_info *t;
    struct arch_clock c;

    if (d->shared_info_gfn == ~0ull || v->id >= SHARED_VCPUS)
        return;
    /* 64-byte slots at a page boundary: the record is 32-byte aligned. */
    t = (volatile struct vcpu_time_info *)(void *)((uint8_t *)phys_to_virt(d->shared_info) + v->id * VCPU_INFO_SIZE +
                                                   VCPU_TIME_OFFSET);
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
    if (__atomic_exchange_n(&v->timer_fired, 0, __ATOMIC_SEQ_CST) || evtchn_upcall_pending(&v->dom->evtchn, v->id)) {
        enum vcpu_state blocked = VCPU_BLOCKED;
        __atomic_compare_exchange_n(&v->state, &blocked, VCPU_RUNNABLE, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
}

void vtime_set_timer(struct vcpu *v, uint64_t deadline_ns)
{
    __atomic_store_n(&v->timer_fired, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->timer_deadline, deadline_ns, __ATOMIC_SEQ_CST);
}

uint64_t vtime_expire(uint64_t now)
{
    uint64_t earliest = 0;

    for (struct domain *d = domain_first(); d; d = domain_next(d)) {
        if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_RUNNING)
            continue;
        for (unsigned j = 0; j < d->nr_vcpus; j++) {
            struct vcpu *v = &d->vcpus[j];
            uint64_t dl = __atomic_load_n(&v->timer_deadline, __ATOMIC_SEQ_CST);
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
