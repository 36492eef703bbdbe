/* SPDX-License-Identifier: MIT */
/*
 * The credit scheduler's policy (model and contract: core/credit.h):
 * run queues, priorities, charging, per-period credit and caps, CPU
 * choice on wake and stealing between queues. It does not switch
 * contexts, arm timers or send IPIs; the run loop does, as told.
 */
#include "core/credit.h"

#include "core/env.h"
#include "core/errno.h"

/* Eligibility of a queued vCPU, lowest first. NONE: parked, or no vCPU. */
enum { PRIO_NONE, PRIO_OVER, PRIO_UNDER, PRIO_BOOST };

#define LINK_ENTRY(l, type, member) ((type *)(void *)((char *)(l)-offsetof(type, member)))
#define FOR_EACH_LINK(pos, head)    for (struct credit_link *pos = (head)->next; pos != (head); pos = pos->next)

static void link_init(struct credit_link *l)
{
    l->next = l;
    l->prev = l;
}

static void link_add_tail(struct credit_link *head, struct credit_link *l)
{
    l->prev = head->prev;
    l->next = head;
    head->prev->next = l;
    head->prev = l;
}

static void link_del(struct credit_link *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
    link_init(l);
}

static bool mask_has(uint64_t mask, unsigned cpu)
{
    return cpu < CREDIT_MAX_CPUS && ((mask >> cpu) & 1);
}

static unsigned mask_count(uint64_t mask)
{
    unsigned n = 0;

    for (; mask; mask &= mask - 1)
        n++;
    return n;
}

static unsigned mask_first(uint64_t mask)
{
    unsigned cpu = 0;

    ASSERT(mask);
    while (!((mask >> cpu) & 1))
        cpu++;
    return cpu;
}

static bool dom_params_valid(uint32_t weight, uint32_t cap)
{
    return weight >= 1 && weight <= CREDIT_WEIGHT_MAX && cap <= CREDIT_CAP_MAX;
}

/* CPU time a capped domain may use per period (cap% of one CPU). */
static uint64_t cap_budget(const struct credit_dom *d)
{
    return (uint64_t)d->cap * CREDIT_PERIOD_NS / 100;
}

static bool is_current(const struct credit_vcpu *v)
{
    return v->state == CREDIT_VCPU_RUNNING || v->state == CREDIT_VCPU_BLOCKING;
}

static int vcpu_prio(const struct credit_vcpu *v)
{
    if (v->dom->parked)
        return PRIO_NONE;
    if (v->boost)
        return PRIO_BOOST;
    return v->credit > 0 ? PRIO_UNDER : PRIO_OVER;
}

/* Charge a current vCPU for its time since it was last charged. */
static void vcpu_charge(struct credit_vcpu *v, uint64_t now)
{
    struct credit_dom *d = v->dom;
    uint64_t ran = now > v->charged_to ? now - v->charged_to : 0;

    ASSERT(is_current(v));
    v->charged_to = now;
    v->credit -= (int64_t)MIN(ran, (uint64_t)INT64_MAX / 2);
    d->runtime_ns += ran;
    d->cap_used_ns += ran;
    if (d->cap && d->cap_used_ns >= cap_budget(d))
        d->parked = true;
}

static void enqueue(struct credit_sched *cs, struct credit_vcpu *v, unsigned cpu)
{
    ASSERT(mask_has(cs->online & v->affinity, cpu));
    link_add_tail(&cs->cpus[cpu].queue, &v->q_link);
    cs->cpus[cpu].nr_queued++;
    v->cpu = cpu;
    v->state = CREDIT_VCPU_QUEUED;
    v->active = true;
}

static void dequeue(struct credit_sched *cs, struct credit_vcpu *v)
{
    ASSERT(v->state == CREDIT_VCPU_QUEUED && cs->cpus[v->cpu].nr_queued > 0);
    link_del(&v->q_link);
    cs->cpus[v->cpu].nr_queued--;
}

/* ---- Choosing a CPU for a vCPU that becomes runnable ---- */

static bool cpu_idle(const struct credit_cpu *pc)
{
    return (!pc->curr || pc->curr->state == CREDIT_VCPU_BLOCKING) && pc->nr_queued == 0;
}

/* Lower is better: idle CPUs first, then fewer runnable vCPUs, then a
 * current vCPU of lower priority (a boosted waker preempts OVER work). */
static uint64_t cpu_cost(const struct credit_sched *cs, unsigned cpu)
{
    const struct credit_cpu *pc = &cs->cpus[cpu];
    bool running = pc->curr && pc->curr->state == CREDIT_VCPU_RUNNING;
    uint64_t load = pc->nr_queued + (running ? 1u : 0u);
    uint64_t curr_prio = running ? (uint64_t)vcpu_prio(pc->curr) : 0;

    if (cpu_idle(pc))
        return 0;
    return ((uint64_t)1 << 40) | load << 8 | curr_prio;
}

/* Best allowed CPU for v; its last CPU wins ties (warm caches). */
static unsigned choose_cpu(const struct credit_sched *cs, const struct credit_vcpu *v)
{
    uint64_t allowed = v->affinity & cs->online;
    unsigned best = mask_has(allowed, v->cpu) ? v->cpu : mask_first(allowed);
    uint64_t best_cost = cpu_cost(cs, best);

    for (unsigned cpu = 0; cpu < CREDIT_MAX_CPUS && best_cost; cpu++) {
        uint64_t cost;

        if (!mask_has(allowed, cpu))
            continue;
        cost = cpu_cost(cs, cpu);
        if (cost < best_cost) {
            best = cpu;
            best_cost = cost;
        }
    }
    return best;
}

/* Whether cpu must be poked to notice v, just queued there. */
static bool needs_poke(const struct credit_sched *cs, const struct credit_vcpu *v, unsigned cpu)
{
    const struct credit_vcpu *curr = cs->cpus[cpu].curr;

    return !curr || curr->state == CREDIT_VCPU_BLOCKING || vcpu_prio(v) > vcpu_prio(curr);
}

/* ---- Accounting ---- */

/* Credit v can take before the upper clamp. */
static uint64_t vcpu_room(const struct credit_vcpu *v)
{
    return v->credit < CREDIT_CREDIT_MAX ? (uint64_t)(CREDIT_CREDIT_MAX - v->credit) : 0;
}

/* The most credit d can use this period: its active vCPUs' room, at most
 * a period each, at most its cap. 0 for a domain with no active vCPU. */
static uint64_t dom_limit(const struct credit_dom *d)
{
    uint64_t room = 0, cpus = 0;

    FOR_EACH_LINK(l, &d->vcpus)
    {
        const struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, dom_link);

        if (v->active) {
            room += vcpu_room(v);
            cpus += CREDIT_PERIOD_NS;
        }
    }
    room = MIN(room, cpus);
    return d->cap ? MIN(room, cap_budget(d)) : room;
}

/*
 * Share pool among the domains by weight, water-filling: a domain whose
 * weighted part of what is left exceeds its limit gets its limit, and
 * the rest is shared again among the others. So idle, capped or
 * few-vCPU domains do not skew the ratios between the busy ones.
 * Leaves each domain's share in share_ns.
 */
static void share_out(struct credit_sched *cs, uint64_t pool)
{
    uint64_t weight = 0;
    bool filled = true;

    FOR_EACH_LINK(l, &cs->doms)
    {
        struct credit_dom *d = LINK_ENTRY(l, struct credit_dom, link);

        d->share_ns = dom_limit(d);
        d->share_filled = d->share_ns == 0;
        weight += d->share_filled ? 0 : d->weight;
    }
    while (filled && weight) {
        filled = false;
        FOR_EACH_LINK(l, &cs->doms)
        {
            struct credit_dom *d = LINK_ENTRY(l, struct credit_dom, link);

            if (d->share_filled || pool * d->weight / weight < d->share_ns)
                continue;
            /* share_ns <= pool * weight / total <= pool: no wrap. */
            d->share_filled = filled = true;
            pool -= d->share_ns;
            weight -= d->weight;
        }
    }
    FOR_EACH_LINK(l, &cs->doms)
    {
        struct credit_dom *d = LINK_ENTRY(l, struct credit_dom, link);

        if (!d->share_filled)
            d->share_ns = pool * d->weight / weight;
    }
}

/* Split share evenly over d's active vCPUs, water-filling again: a vCPU
 * with less room than its part is filled and the rest split again. */
static void dom_split(struct credit_dom *d, uint64_t share)
{
    for (;;) {
        unsigned open = 0;
        bool filled = false;
        uint64_t part;

        FOR_EACH_LINK(l, &d->vcpus)
        {
            const struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, dom_link);

            open += v->active && vcpu_room(v) > 0;
        }
        if (!open || !share)
            return;
        part = share / open;
        FOR_EACH_LINK(l, &d->vcpus)
        {
            struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, dom_link);
            uint64_t room = vcpu_room(v);

            if (v->active && room > 0 && room <= part) {
                v->credit = CREDIT_CREDIT_MAX;
                share -= room;
                filled = true;
            }
        }
        if (filled)
            continue;
        FOR_EACH_LINK(l, &d->vcpus)
        {
            struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, dom_link);

            if (v->active && vcpu_room(v) > 0)
                v->credit += (int64_t)part;
        }
        return;
    }
}

/* Start d's new period: lower credit clamp, activity as of now, and the
 * cap budget. Overshoot past the budget (slices are not cut finer than
 * CREDIT_MIN_SLICE_NS) is carried, so caps hold in the long run. */
static void dom_new_period(struct credit_dom *d)
{
    uint64_t budget = cap_budget(d);

    FOR_EACH_LINK(l, &d->vcpus)
    {
        struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, dom_link);

        v->credit = MAX(v->credit, CREDIT_CREDIT_MIN);
        v->active = v->state == CREDIT_VCPU_QUEUED || v->state == CREDIT_VCPU_RUNNING;
    }
    d->cap_used_ns = d->cap && d->cap_used_ns > budget ? d->cap_used_ns - budget : 0;
    d->parked = d->cap && d->cap_used_ns >= budget;
}

static void account_period(struct credit_sched *cs, uint64_t now)
{
    /* Time run so far belongs to the period that is ending. */
    for (unsigned cpu = 0; cpu < CREDIT_MAX_CPUS; cpu++)
        if (cs->cpus[cpu].curr)
            vcpu_charge(cs->cpus[cpu].curr, now);
    share_out(cs, (uint64_t)CREDIT_PERIOD_NS * mask_count(cs->online));
    FOR_EACH_LINK(l, &cs->doms)
    {
        struct credit_dom *d = LINK_ENTRY(l, struct credit_dom, link);

        dom_split(d, d->share_ns);
        dom_new_period(d);
    }
    /* Periods stay aligned to the first one, however late the tick. */
    cs->period_start += (now - cs->period_start) / CREDIT_PERIOD_NS * CREDIT_PERIOD_NS;
}

void credit_tick(struct credit_sched *cs, uint64_t now)
{
    if (now >= cs->period_start && now - cs->period_start >= CREDIT_PERIOD_NS)
        account_period(cs, now);
}

static uint64_t period_left(const struct credit_sched *cs, uint64_t now)
{
    uint64_t end = cs->period_start + CREDIT_PERIOD_NS;

    return end > now ? end - now : CREDIT_MIN_SLICE_NS;
}

/* Time left under d's cap, shared among its vCPUs current on CPUs now
 * (v included), counting what they have run but not been charged yet. */
static uint64_t cap_left(const struct credit_dom *d, uint64_t now)
{
    uint64_t used = d->cap_used_ns, budget = cap_budget(d);
    unsigned running = 0;

    FOR_EACH_LINK(l, &d->vcpus)
    {
        const struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, dom_link);

        if (is_current(v)) {
            running++;
            used += now > v->charged_to ? now - v->charged_to : 0;
        }
    }
    ASSERT(running > 0);
    return used < budget ? (budget - used) / running : 0;
}

static uint64_t slice_for(const struct credit_sched *cs, const struct credit_vcpu *v, uint64_t now)
{
    uint64_t slice = MIN((uint64_t)CREDIT_SLICE_NS, period_left(cs, now));

    if (v->dom->cap)
        slice = MIN(slice, cap_left(v->dom, now));
    return MAX(slice, (uint64_t)CREDIT_MIN_SLICE_NS);
}

/* ---- Picking ---- */

/* Best vCPU on pc's queue that may run on cpu, oldest first among equals. */
static struct credit_vcpu *queue_best(const struct credit_cpu *pc, unsigned cpu, int *prio)
{
    struct credit_vcpu *best = NULL;

    *prio = PRIO_NONE;
    FOR_EACH_LINK(l, &pc->queue)
    {
        struct credit_vcpu *v = LINK_ENTRY(l, struct credit_vcpu, q_link);
        int p = vcpu_prio(v);

        if (p > *prio && mask_has(v->affinity, cpu)) {
            best = v;
            *prio = p;
        }
    }
    return best;
}

/* Load balancing: the best vCPU waiting on another CPU that may run on
 * cpu and beats local_prio. Pinned vCPUs never qualify. */
static struct credit_vcpu *steal(const struct credit_sched *cs, unsigned cpu, int local_prio)
{
    struct credit_vcpu *best = NULL;
    int best_prio = local_prio;

    for (unsigned i = 1; i < CREDIT_MAX_CPUS; i++) {
        unsigned other = (cpu + i) % CREDIT_MAX_CPUS;
        struct credit_vcpu *v;
        int p;

        if (!mask_has(cs->online, other))
            continue;
        v = queue_best(&cs->cpus[other], cpu, &p);
        if (v && p > best_prio) {
            best = v;
            best_prio = p;
        }
    }
    return best;
}

/* Take the current vCPU off cpu: charge it, end its boost, requeue it if
 * it is still runnable (elsewhere if its affinity changed). */
static void deschedule(struct credit_sched *cs, unsigned cpu, uint64_t now)
{
    struct credit_vcpu *v = cs->cpus[cpu].curr;

    vcpu_charge(v, now);
    v->boost = false;
    cs->cpus[cpu].curr = NULL;
    if (v->state == CREDIT_VCPU_BLOCKING) {
        v->state = CREDIT_VCPU_BLOCKED;
        return;
    }
    enqueue(cs, v, mask_has(v->affinity, cpu) ? cpu : choose_cpu(cs, v));
}

struct credit_vcpu *credit_pick(struct credit_sched *cs, unsigned cpu, uint64_t now, uint64_t *slice_ns)
{
    struct credit_vcpu *v;
    int prio;

    ASSERT(mask_has(cs->online, cpu));
    if (cs->cpus[cpu].curr)
        deschedule(cs, cpu, now);
    credit_tick(cs, now);
    v = queue_best(&cs->cpus[cpu], cpu, &prio);
    if (prio <= PRIO_OVER) {
        struct credit_vcpu *remote = steal(cs, cpu, prio);

        v = remote ? remote : v;
    }
    if (!v) {
        *slice_ns = period_left(cs, now);
        return NULL;
    }
    dequeue(cs, v);
    v->state = CREDIT_VCPU_RUNNING;
    v->cpu = cpu;
    v->charged_to = now;
    cs->cpus[cpu].curr = v;
    *slice_ns = slice_for(cs, v, now);
    return v;
}

/* ---- Set-up and state changes ---- */

int credit_init(struct credit_sched *cs, uint64_t online_cpu_mask, uint64_t now)
{
    if (!online_cpu_mask)
        return -ERR_INVAL;
    cs->online = online_cpu_mask;
    cs->period_start = now;
    link_init(&cs->doms);
    for (unsigned cpu = 0; cpu < CREDIT_MAX_CPUS; cpu++) {
        link_init(&cs->cpus[cpu].queue);
        cs->cpus[cpu].nr_queued = 0;
        cs->cpus[cpu].curr = NULL;
    }
    return 0;
}

int credit_dom_init(struct credit_dom *dom, uint32_t weight, uint32_t cap)
{
    if (!dom_params_valid(weight, cap))
        return -ERR_INVAL;
    dom->weight = weight;
    dom->cap = cap;
    link_init(&dom->link);
    link_init(&dom->vcpus);
    dom->nr_vcpus = 0;
    dom->parked = false;
    dom->cap_used_ns = 0;
    dom->runtime_ns = 0;
    dom->share_ns = 0;
    dom->share_filled = false;
    return 0;
}

int credit_dom_set(struct credit_sched *cs, struct credit_dom *dom, uint32_t weight, uint32_t cap)
{
    (void)cs; /* the domain's state is all in dom; cs names the lock held */
    if (!dom_params_valid(weight, cap))
        return -ERR_INVAL;
    dom->weight = weight;
    dom->cap = cap;
    dom->parked = cap && dom->cap_used_ns >= cap_budget(dom);
    return 0;
}

uint64_t credit_dom_runtime_ns(const struct credit_dom *dom)
{
    return dom->runtime_ns;
}

int credit_vcpu_add(struct credit_sched *cs, struct credit_vcpu *v, uint64_t now)
{
    struct credit_dom *d = v->dom;

    if (!d || !dom_params_valid(d->weight, d->cap) || !(v->affinity & cs->online))
        return -ERR_INVAL;
    credit_tick(cs, now);
    v->state = CREDIT_VCPU_BLOCKED;
    v->cpu = mask_first(v->affinity & cs->online);
    link_init(&v->q_link);
    v->credit = 0;
    v->charged_to = now;
    v->boost = false;
    v->active = false;
    link_add_tail(&d->vcpus, &v->dom_link);
    if (d->nr_vcpus++ == 0)
        link_add_tail(&cs->doms, &d->link);
    return 0;
}

int credit_vcpu_remove(struct credit_sched *cs, struct credit_vcpu *v)
{
    struct credit_dom *d = v->dom;

    if (is_current(v))
        return -ERR_BUSY;
    if (v->state != CREDIT_VCPU_BLOCKED && v->state != CREDIT_VCPU_QUEUED)
        return -ERR_INVAL;
    if (v->state == CREDIT_VCPU_QUEUED)
        dequeue(cs, v);
    v->state = CREDIT_VCPU_UNUSED;
    link_del(&v->dom_link);
    if (--d->nr_vcpus == 0)
        link_del(&d->link);
    return 0;
}

int credit_vcpu_wake(struct credit_sched *cs, struct credit_vcpu *v, uint64_t now)
{
    unsigned cpu;

    credit_tick(cs, now);
    if (v->state == CREDIT_VCPU_BLOCKING) {
        /* Woken before its CPU rescheduled: it simply stays current. */
        v->state = CREDIT_VCPU_RUNNING;
        v->active = true;
        return -1;
    }
    if (v->state != CREDIT_VCPU_BLOCKED)
        return -1;
    /* Waking with credit left: likely latency-sensitive, run it soon. */
    v->boost = v->credit > 0;
    cpu = choose_cpu(cs, v);
    enqueue(cs, v, cpu);
    return needs_poke(cs, v, cpu) ? (int)cpu : -1;
}

void credit_vcpu_block(struct credit_sched *cs, struct credit_vcpu *v)
{
    if (v->state == CREDIT_VCPU_RUNNING) {
        v->state = CREDIT_VCPU_BLOCKING;
    } else if (v->state == CREDIT_VCPU_QUEUED) {
        dequeue(cs, v);
        v->state = CREDIT_VCPU_BLOCKED;
        v->boost = false;
    }
}

int credit_set_affinity(struct credit_sched *cs, struct credit_vcpu *v, uint64_t mask)
{
    if (!(mask & cs->online))
        return -ERR_INVAL;
    v->affinity = mask;
    if (v->state == CREDIT_VCPU_QUEUED && !mask_has(mask, v->cpu)) {
        dequeue(cs, v);
        enqueue(cs, v, choose_cpu(cs, v));
    }
    return 0;
}

int credit_vcpu_cpu(const struct credit_vcpu *v)
{
    bool placed = v->state == CREDIT_VCPU_QUEUED || is_current(v);

    return placed ? (int)v->cpu : -1;
}
