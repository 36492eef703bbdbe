/* SPDX-License-Identifier: MIT */
/*
 * The credit scheduler's policy: which vCPU each CPU runs next and for
 * how long, with proportional share by domain weight, per-domain caps,
 * vCPU affinity and load balancing between per-CPU run queues. Pure
 * bookkeeping: it takes no lock, touches no hardware, allocates nothing
 * and reads no clock. The run loop holds one scheduler lock around every
 * call and passes the time (ns, one clock for all CPUs, never decreasing).
 *
 * Credit is CPU time in ns. A running vCPU is charged one credit per ns.
 * Every accounting period (CREDIT_PERIOD_NS) the time of one period on
 * every online CPU is shared among the active domains (those with a vCPU
 * that ran or was runnable in the period) in proportion to their weight,
 * and each domain's share is split evenly over its active vCPUs. No
 * domain gets more than its cap allows, than one period per active vCPU,
 * or than its vCPUs can hold; what it cannot take is shared again among
 * the others by weight, so a mostly idle domain does not skew the ratios
 * of the busy ones. Credit stays within [-CREDIT_PERIOD_NS,
 * CREDIT_PERIOD_NS]: an idle vCPU cannot hoard, a busy one cannot sink for
 * ever. A new vCPU starts with no credit.
 *
 * A queued vCPU's priority is BOOST (woken with credit left, until it has
 * run once), UNDER (credit > 0) or OVER (credit <= 0). A CPU runs its best
 * queued vCPU, first come first served within a priority; when it has
 * nothing better than OVER it takes a better vCPU waiting on another CPU
 * whose affinity allows it. A capped domain that has used cap% of one CPU
 * in the current period (summed over its vCPUs) is parked: its vCPUs stay
 * queued but are not chosen until the next period. Blocked vCPUs use
 * nothing and get no credit.
 *
 * vCPU states (enum credit_vcpu_state):
 *   BLOCKED  -wake->  QUEUED  -pick->  RUNNING  -pick->  QUEUED
 *   RUNNING  -block-> BLOCKING (still current) -pick-> BLOCKED
 *
 * Run-loop contract, on each CPU:
 *  - call credit_pick when the timer armed from the last slice_ns fires,
 *    when poked, and right after credit_vcpu_block of the current vCPU;
 *    run the result for slice_ns, or idle with a timer at slice_ns;
 *  - after credit_vcpu_wake, send a reschedule IPI to the CPU it returns
 *    (or pick at once if that is the local CPU); after
 *    credit_set_affinity, poke credit_vcpu_cpu(v) if the move should be
 *    immediate.
 * An idle CPU's timer (slice_ns from a NULL pick) ends at the next period
 * boundary: that is when parked vCPUs resume and when it looks for work
 * queued on busy CPUs. credit_pick and credit_vcpu_wake do a due
 * accounting tick themselves; credit_tick is for time that passes without
 * those calls (e.g. a periodic timer).
 *
 * All functions: scheduler lock held; any context where it may be taken.
 */
#pragma once

#include "core/types.h"

#define CREDIT_MAX_CPUS       64
#define CREDIT_PERIOD_NS      30000000u /* accounting period: 30 ms */
#define CREDIT_SLICE_NS       10000000u /* longest slice: 10 ms */
#define CREDIT_MIN_SLICE_NS   100000u   /* shortest slice (overshoot is charged) */
#define CREDIT_WEIGHT_DEFAULT 256u
#define CREDIT_WEIGHT_MAX     65535u
#define CREDIT_CAP_MAX        (100u * CREDIT_MAX_CPUS) /* percent of one CPU */
#define CREDIT_CREDIT_MAX     ((int64_t)CREDIT_PERIOD_NS)
#define CREDIT_CREDIT_MIN     (-(int64_t)CREDIT_PERIOD_NS)

/* Intrusive doubly linked list: a head is a link whose next/prev are itself. */
struct credit_link {
    struct credit_link *next, *prev;
};

/* A domain's share. [CALLER] fields are written only through
 * credit_dom_init/credit_dom_set; the rest is the scheduler's. */
struct credit_dom {
    uint32_t weight;          /* [CALLER] 1..CREDIT_WEIGHT_MAX */
    uint32_t cap;             /* [CALLER] % of one CPU per period, 0: none */
    struct credit_link link;  /* in credit_sched.doms while it has vCPUs */
    struct credit_link vcpus; /* its added vCPUs, by credit_vcpu.dom_link */
    unsigned nr_vcpus;        /* length of vcpus */
    bool parked;              /* cap reached in this period */
    uint64_t cap_used_ns;     /* charged in this period, plus overshoot carried */
    uint64_t runtime_ns;      /* charged in total */
    uint64_t share_ns;        /* while accounting: credit limit, then share */
    bool share_filled;        /* while accounting: share_ns is final */
};

enum credit_vcpu_state {
    CREDIT_VCPU_UNUSED = 0, /* not added (or removed) */
    CREDIT_VCPU_BLOCKED,    /* not runnable, on no queue, on no CPU */
    CREDIT_VCPU_QUEUED,     /* runnable, on the queue of CPU cpu */
    CREDIT_VCPU_RUNNING,    /* runnable, current on CPU cpu */
    CREDIT_VCPU_BLOCKING,   /* blocked but still current on CPU cpu until its next pick */
};

/* Embedded by the caller in its vCPU. */
struct credit_vcpu {
    struct credit_dom *dom;       /* [CALLER] before credit_vcpu_add, then fixed */
    uint64_t affinity;            /* [CALLER] before credit_vcpu_add, then credit_set_affinity */
    enum credit_vcpu_state state; /* the rest: [CREDIT] */
    unsigned cpu;                 /* queue or CPU it is on; else where it last was */
    struct credit_link q_link;    /* in cpus[cpu].queue while QUEUED */
    struct credit_link dom_link;  /* in dom->vcpus while added */
    int64_t credit;               /* ns */
    uint64_t charged_to;          /* while current: time it has been charged up to */
    bool boost;                   /* woken with credit and has not run since */
    bool active;                  /* ran or was runnable in this period */
};

struct credit_cpu {
    struct credit_link queue; /* QUEUED vCPUs waiting for this CPU, oldest first */
    unsigned nr_queued;       /* length of queue */
    struct credit_vcpu *curr; /* RUNNING or BLOCKING vCPU last picked here; NULL: idle */
};

/* Every field of these structs is protected by the caller's scheduler lock. */
struct credit_sched {
    uint64_t online;         /* CPUs that run vCPUs (bit n: CPU n) */
    uint64_t period_start;   /* start of the current accounting period */
    struct credit_link doms; /* domains with at least one added vCPU */
    struct credit_cpu cpus[CREDIT_MAX_CPUS];
};

/* credit_init: empty scheduler over the CPUs in online_cpu_mask, the first
 * period starting at now. 0, or -ERR_INVAL (nothing changed) if the mask is empty. */
int credit_init(struct credit_sched *cs, uint64_t online_cpu_mask, uint64_t now) __attribute__((warn_unused_result));

/* credit_dom_init: a domain with no vCPUs, weight 1..CREDIT_WEIGHT_MAX and
 * cap 0..CREDIT_CAP_MAX. 0, or -ERR_INVAL with dom unchanged. */
int credit_dom_init(struct credit_dom *dom, uint32_t weight, uint32_t cap) __attribute__((warn_unused_result));

/* credit_dom_set: change weight and cap (ranges as credit_dom_init). The
 * weight counts from the next period; the cap at once (it may park or
 * unpark the domain). 0, or -ERR_INVAL with nothing changed. */
int credit_dom_set(struct credit_sched *cs, struct credit_dom *dom, uint32_t weight, uint32_t cap)
    __attribute__((warn_unused_result));

/* credit_dom_runtime_ns: total CPU time charged to dom's vCPUs. */
uint64_t credit_dom_runtime_ns(const struct credit_dom *dom);

/*
 * credit_vcpu_add: start scheduling v, BLOCKED, with no credit (so OVER,
 * and not boosted, until its first period hands it some). v->dom (an
 * initialised domain) and v->affinity must be set; the internal fields
 * need no initialisation, but v must not be added already. 0, or
 * -ERR_INVAL (nothing changed) if v->dom is NULL or invalid or the
 * affinity holds no online CPU.
 */
int credit_vcpu_add(struct credit_sched *cs, struct credit_vcpu *v, uint64_t now) __attribute__((warn_unused_result));

/* credit_vcpu_remove: stop scheduling v (then UNUSED). 0; -ERR_BUSY if v
 * is current on a CPU (block it and pick on that CPU first); -ERR_INVAL if
 * v is not added. Nothing changes on error. */
int credit_vcpu_remove(struct credit_sched *cs, struct credit_vcpu *v) __attribute__((warn_unused_result));

/*
 * credit_vcpu_wake: make v runnable. A BLOCKED v is boosted if it has
 * credit and queued on the best CPU it may use (its last CPU if idle, else
 * any idle CPU, else the least loaded). Returns that CPU when it must be
 * poked (idle, about to reschedule, or running something of lower
 * priority than v), else -1; -1 also when v was runnable already.
 */
int credit_vcpu_wake(struct credit_sched *cs, struct credit_vcpu *v, uint64_t now);

/* credit_vcpu_block: v stops being runnable. If v is current on a CPU it
 * becomes BLOCKING and the caller must credit_pick on that CPU next; if it
 * is queued it leaves its queue. No effect on a blocked vCPU. */
void credit_vcpu_block(struct credit_sched *cs, struct credit_vcpu *v);

/*
 * credit_set_affinity: v may run only on the CPUs in mask. A queued v on a
 * CPU the mask excludes moves to the best allowed CPU; a current one
 * moves at its CPU's next pick (within a slice). To act at once, poke
 * credit_vcpu_cpu(v) afterwards. 0, or -ERR_INVAL (nothing changed) if
 * mask holds no online CPU.
 */
int credit_set_affinity(struct credit_sched *cs, struct credit_vcpu *v, uint64_t mask)
    __attribute__((warn_unused_result));

/* credit_vcpu_cpu: the CPU whose queue holds v or that runs v; -1 if v is
 * blocked or not added. */
int credit_vcpu_cpu(const struct credit_vcpu *v);

/*
 * credit_pick: reschedule the online CPU cpu at time now. Charges the
 * vCPU that was current there for its time since it was last charged and
 * requeues it if still runnable, runs a due accounting tick, then returns
 * the vCPU to run next (now RUNNING and current on cpu), or NULL to idle.
 * *slice_ns: for a vCPU, min(CREDIT_SLICE_NS, time left under its cap,
 * time to the period's end), at least CREDIT_MIN_SLICE_NS; for NULL, the
 * time to the period's end (arm the timer: parked or remote vCPUs may
 * become runnable here then).
 */
struct credit_vcpu *credit_pick(struct credit_sched *cs, unsigned cpu, uint64_t now, uint64_t *slice_ns);

/* credit_tick: if the current period has ended by now, charge the current
 * vCPUs up to now, hand out the period's credit and unpark capped domains.
 * Cheap when no period has ended; call it as often as convenient. */
void credit_tick(struct credit_sched *cs, uint64_t now);
