/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the credit scheduler policy. A deterministic simulator
 * drives the API as the core's run loop would (per-CPU current vCPU,
 * time advancing by the returned slices, ticks at period boundaries,
 * reschedule pokes honoured at once, wake/block from each vCPU's script)
 * and checks the scheduler's invariants after every step; the tests then
 * check shares, caps, pinning, balancing and wake latency over 10 s.
 */
#include "core/credit.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"

#define US    1000ull
#define MS    1000000ull
#define SEC   1000000000ull
#define NEVER UINT64_MAX

#define SIM_CPUS  4
#define SIM_DOMS  8
#define SIM_VCPUS 16

/* A simulated vCPU: from first_wake on it alternates between running
 * burst_ns of CPU time and sleeping sleep_ns (NEVER: a spinner, or a
 * vCPU that never wakes again). */
struct sim_vcpu {
    struct credit_vcpu cv; /* first: the scheduler's pointers convert back */
    uint64_t burst_ns, sleep_ns;
    uint64_t left;        /* CPU time left in the current burst */
    uint64_t wake_at;     /* next wake-up, NEVER if none is due */
    uint64_t woke_at;     /* last wake not yet followed by a pick, else NEVER */
    uint64_t max_latency; /* longest wake-to-pick delay */
    uint64_t runtime;     /* CPU time, measured by the simulator */
    uint64_t runtime_on[SIM_CPUS];
    unsigned wakes;
    bool runnable;
};

struct sim_cpu {
    struct sim_vcpu *curr;
    uint64_t since; /* when curr (or idleness) started being accounted */
    uint64_t until; /* end of the slice or idle timer */
    uint64_t idle;  /* time spent idle */
    bool resched;
};

static struct sim {
    struct credit_sched cs;
    struct credit_dom doms[SIM_DOMS];
    struct sim_vcpu v[SIM_VCPUS];
    struct sim_cpu cpu[SIM_CPUS];
    unsigned ndoms, nvcpus, ncpus;
    uint64_t now, next_tick, steps;
    bool broken; /* an invariant failed: stop the run */
    void (*on_step)(void);
} sim;

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

static void sim_start(unsigned ncpus)
{
    memset(&sim, 0, sizeof(sim));
    sim.ncpus = ncpus;
    sim.next_tick = CREDIT_PERIOD_NS;
    EXPECT_EQ(credit_init(&sim.cs, (1ull << ncpus) - 1, 0), 0);
    for (unsigned c = 0; c < ncpus; c++)
        sim.cpu[c].until = 0; /* every CPU picks at time 0 */
}

static struct credit_dom *sim_dom(uint32_t weight, uint32_t cap)
{
    struct credit_dom *d = &sim.doms[sim.ndoms++];

    EXPECT_EQ(credit_dom_init(d, weight, cap), 0);
    return d;
}

static struct sim_vcpu *sim_vcpu(struct credit_dom *d, uint64_t affinity, uint64_t first_wake, uint64_t burst_ns,
                                 uint64_t sleep_ns)
{
    struct sim_vcpu *v = &sim.v[sim.nvcpus++];

    v->cv.dom = d;
    v->cv.affinity = affinity;
    v->burst_ns = burst_ns;
    v->sleep_ns = sleep_ns;
    v->wake_at = first_wake;
    v->woke_at = NEVER;
    EXPECT_EQ(credit_vcpu_add(&sim.cs, &v->cv, 0), 0);
    return v;
}

static struct sim_vcpu *spinner(struct credit_dom *d, uint64_t affinity)
{
    return sim_vcpu(d, affinity, 0, NEVER, NEVER);
}

static struct sim_vcpu *to_sim(struct credit_vcpu *cv)
{
    struct sim_vcpu *v = (struct sim_vcpu *)cv;

    if (cv && (v < sim.v || v >= sim.v + sim.nvcpus)) {
        test_fail(__FILE__, __LINE__, "scheduler returned a foreign vCPU %p", (void *)cv);
        sim.broken = true;
        return NULL;
    }
    return v;
}

static void broken(const char *what, unsigned index)
{
    test_fail(__FILE__, __LINE__, "t=%llu ns step %llu: %s (%u)", (unsigned long long)sim.now,
              (unsigned long long)sim.steps, what, index);
    sim.broken = true;
}

/* Every queued or current vCPU is one of ours, on exactly one queue or
 * CPU, consistent with its state and affinity; runnable ones are placed. */
static void check_invariants(void)
{
    unsigned places[SIM_VCPUS] = { 0 };

    for (unsigned c = 0; c < sim.ncpus; c++) {
        const struct credit_cpu *pc = &sim.cs.cpus[c];
        unsigned n = 0;

        for (struct credit_link *l = pc->queue.next; l != &pc->queue && !sim.broken; l = l->next, n++) {
            struct sim_vcpu *v =
                to_sim((struct credit_vcpu *)(void *)((char *)l - offsetof(struct credit_vcpu, q_link)));

            if (!v)
                return;
            places[v - sim.v]++;
            if (v->cv.state != CREDIT_VCPU_QUEUED || v->cv.cpu != c || !v->runnable)
                broken("queued vCPU in a wrong state", (unsigned)(v - sim.v));
            if (!((v->cv.affinity >> c) & 1))
                broken("queued on a CPU outside its affinity", (unsigned)(v - sim.v));
        }
        if (n != pc->nr_queued)
            broken("queue length differs from nr_queued", c);
        if (pc->curr != (sim.cpu[c].curr ? &sim.cpu[c].curr->cv : NULL))
            broken("scheduler and simulator disagree on the current vCPU", c);
        if (sim.cpu[c].curr) {
            struct sim_vcpu *v = sim.cpu[c].curr;

            places[v - sim.v]++;
            if (v->cv.state != CREDIT_VCPU_RUNNING || v->cv.cpu != c || !((v->cv.affinity >> c) & 1))
                broken("current vCPU in a wrong state or outside its affinity", c);
        }
    }
    for (unsigned i = 0; i < sim.nvcpus; i++) {
        if (places[i] > 1)
            broken("vCPU in two places", i);
        if (places[i] != (sim.v[i].runnable ? 1u : 0u))
            broken("runnable vCPU not placed, or blocked vCPU placed", i);
        if (!sim.v[i].runnable && sim.v[i].cv.state != CREDIT_VCPU_BLOCKED)
            broken("blocked vCPU not BLOCKED", i);
    }
}

/* After a tick every current vCPU has been charged up to now, so the
 * scheduler's runtime must equal the simulator's measurement exactly. */
static void check_runtime(void)
{
    for (unsigned d = 0; d < sim.ndoms; d++) {
        uint64_t measured = 0;

        for (unsigned i = 0; i < sim.nvcpus; i++)
            measured += sim.v[i].cv.dom == &sim.doms[d] ? sim.v[i].runtime : 0;
        if (credit_dom_runtime_ns(&sim.doms[d]) != measured)
            broken("charged runtime differs from the measured one", d);
    }
}

static void do_pick(unsigned c)
{
    uint64_t slice;
    struct sim_vcpu *v = to_sim(credit_pick(&sim.cs, c, sim.now, &slice));

    sim.cpu[c].curr = v;
    sim.cpu[c].resched = false;
    if (slice == 0 || slice > CREDIT_PERIOD_NS)
        broken("slice out of range", c);
    sim.cpu[c].until = sim.now + slice;
    if (!v)
        return;
    if (!((v->cv.affinity >> c) & 1))
        broken("picked on a CPU outside the affinity", c);
    if (v->woke_at != NEVER) {
        v->max_latency = MAX(v->max_latency, sim.now - v->woke_at);
        v->woke_at = NEVER;
    }
}

static uint64_t next_event(void)
{
    uint64_t t = sim.next_tick;

    for (unsigned c = 0; c < sim.ncpus; c++) {
        const struct sim_cpu *pc = &sim.cpu[c];

        t = MIN(t, pc->until);
        if (pc->curr && pc->curr->left != NEVER)
            t = MIN(t, pc->since + pc->curr->left);
    }
    for (unsigned i = 0; i < sim.nvcpus; i++)
        t = MIN(t, sim.v[i].wake_at);
    return t;
}

static void advance(uint64_t t)
{
    for (unsigned c = 0; c < sim.ncpus; c++) {
        struct sim_cpu *pc = &sim.cpu[c];
        uint64_t ran = t - pc->since;

        if (pc->curr) {
            pc->curr->runtime += ran;
            pc->curr->runtime_on[c] += ran;
            if (pc->curr->left != NEVER)
                pc->curr->left -= ran;
        } else {
            pc->idle += ran;
        }
        pc->since = t;
    }
    sim.now = t;
}

static void wake_due(void)
{
    for (unsigned i = 0; i < sim.nvcpus; i++) {
        struct sim_vcpu *v = &sim.v[i];
        int c;

        if (v->wake_at > sim.now)
            continue;
        v->wake_at = NEVER;
        v->left = v->burst_ns;
        v->runnable = true;
        v->woke_at = sim.now;
        v->wakes++;
        c = credit_vcpu_wake(&sim.cs, &v->cv, sim.now);
        if (c >= (int)sim.ncpus)
            broken("wake named an offline CPU", (unsigned)c);
        else if (c >= 0)
            sim.cpu[c].resched = true;
    }
}

static void block_finished(void)
{
    for (unsigned c = 0; c < sim.ncpus; c++) {
        struct sim_vcpu *v = sim.cpu[c].curr;

        if (!v || v->left != 0)
            continue;
        credit_vcpu_block(&sim.cs, &v->cv);
        v->runnable = false;
        v->wake_at = v->sleep_ns == NEVER ? NEVER : sim.now + v->sleep_ns;
        sim.cpu[c].resched = true;
    }
}

static void sim_step(void)
{
    advance(next_event());
    sim.steps++;
    if (sim.now >= sim.next_tick) {
        credit_tick(&sim.cs, sim.now);
        sim.next_tick += CREDIT_PERIOD_NS;
        check_runtime();
    }
    wake_due();
    block_finished();
    if (sim.on_step)
        sim.on_step();
    for (unsigned c = 0; c < sim.ncpus; c++)
        if (sim.cpu[c].resched || sim.now >= sim.cpu[c].until)
            do_pick(c);
    check_invariants();
}

static void sim_run(uint64_t duration)
{
    while (!sim.broken && next_event() < duration)
        sim_step();
    if (!sim.broken)
        advance(duration);
}

/* Whether got is within pct percent of want. */
static bool near(uint64_t got, uint64_t want, unsigned pct)
{
    return got * 100 >= want * (100 - pct) && got * 100 <= want * (100 + pct);
}

static void report(const char *name, const struct sim_vcpu *v, uint64_t total)
{
    if (getenv("UNIT_VERBOSE"))
        fprintf(stderr, "  %-12s %6.2f%% of one CPU, max wake latency %llu us\n", name,
                100.0 * (double)v->runtime / (double)total, (unsigned long long)(v->max_latency / US));
}

TEST(weight_256_vs_512_one_cpu)
{
    struct sim_vcpu *a, *b;

    sim_start(1);
    a = spinner(sim_dom(256, 0), 1);
    b = spinner(sim_dom(512, 0), 1);
    sim_run(10 * SEC);
    report("weight 256", a, 10 * SEC);
    report("weight 512", b, 10 * SEC);
    EXPECT_TRUE(near(b->runtime, 2 * a->runtime, 5));
    EXPECT_EQ(sim.cpu[0].idle, 0);
}

TEST(cap_50_vs_uncapped_spinner)
{
    struct sim_vcpu *capped, *other;

    sim_start(1);
    capped = spinner(sim_dom(256, 50), 1);
    other = spinner(sim_dom(256, 0), 1);
    sim_run(10 * SEC);
    report("cap 50", capped, 10 * SEC);
    report("uncapped", other, 10 * SEC);
    EXPECT_TRUE(capped->runtime * 100 <= 52 * 10 * SEC);
    EXPECT_TRUE(capped->runtime * 100 >= 45 * 10 * SEC); /* its fair share is 50% */
    EXPECT_EQ(sim.cpu[0].idle, 0);
    EXPECT_EQ(capped->runtime + other->runtime, 10 * SEC);
}

TEST(cap_alone_idles_the_rest)
{
    struct sim_vcpu *capped;

    sim_start(1);
    capped = spinner(sim_dom(256, 50), 1);
    sim_run(10 * SEC);
    report("cap 50 alone", capped, 10 * SEC);
    EXPECT_TRUE(capped->runtime * 100 <= 52 * 10 * SEC);
    EXPECT_TRUE(capped->runtime * 100 >= 48 * 10 * SEC);
    EXPECT_EQ(sim.cpu[0].idle + capped->runtime, 10 * SEC);
}

TEST(cap_above_100_on_two_cpus)
{
    struct credit_dom *d;
    struct sim_vcpu *a, *b;

    sim_start(2);
    d = sim_dom(256, 150);
    a = spinner(d, 3);
    b = spinner(d, 3);
    sim_run(10 * SEC);
    EXPECT_TRUE((a->runtime + b->runtime) * 100 <= 152 * 10 * SEC);
    EXPECT_TRUE((a->runtime + b->runtime) * 100 >= 145 * 10 * SEC);
}

TEST(pinned_vcpu_stays_on_its_cpu)
{
    struct sim_vcpu *pinned, *u1, *u2;

    sim_start(2);
    pinned = spinner(sim_dom(256, 0), 1u << 1);
    u1 = spinner(sim_dom(256, 0), 3);
    u2 = spinner(sim_dom(256, 0), 3);
    sim_run(10 * SEC); /* do_pick checks the affinity of every slice */
    report("pinned", pinned, 10 * SEC);
    report("unpinned 1", u1, 10 * SEC);
    report("unpinned 2", u2, 10 * SEC);
    EXPECT_EQ(pinned->runtime_on[0], 0);
    /* Three equal vCPUs on two CPUs: 2/3 of a CPU each. */
    EXPECT_TRUE(near(pinned->runtime, 20 * SEC / 3, 5));
    EXPECT_TRUE(near(u1->runtime, 20 * SEC / 3, 5));
    EXPECT_TRUE(near(u2->runtime, 20 * SEC / 3, 5));
    EXPECT_EQ(sim.cpu[0].idle + sim.cpu[1].idle, 0);
}

TEST(idle_cpu_steals_queued_work)
{
    struct sim_vcpu *s1, *s2;

    sim_start(2);
    /* Busy on CPU 1 for 100 ms, so both spinners start queued on CPU 0. */
    sim_vcpu(sim_dom(256, 0), 1u << 1, 0, 100 * MS, NEVER);
    s1 = spinner(sim_dom(256, 0), 3);
    s2 = spinner(sim_dom(256, 0), 3);
    sim_run(10 * SEC);
    report("spinner 1", s1, 10 * SEC);
    report("spinner 2", s2, 10 * SEC);
    EXPECT_TRUE(s1->runtime * 100 > 45 * 10 * SEC);
    EXPECT_TRUE(s2->runtime * 100 > 45 * 10 * SEC);
    EXPECT_TRUE(s1->runtime_on[1] + s2->runtime_on[1] > 0);
}

TEST(blocked_uses_nothing_and_wakers_are_boosted)
{
    struct sim_vcpu *sleeper, *waker, *hog;

    sim_start(1);
    /* Two hogs keep each other near zero credit, so the one running is
     * often UNDER: only a boost lets the waker preempt it. */
    hog = spinner(sim_dom(256, 0), 1);
    spinner(sim_dom(256, 0), 1);
    sleeper = sim_vcpu(sim_dom(256, 0), 1, NEVER, NEVER, NEVER);
    /* 0.1 ms of work, then 10 ms asleep, over and over. */
    waker = sim_vcpu(sim_dom(256, 0), 1, 5 * MS, 100 * US, 10 * MS);
    /* A new vCPU has no credit, so no boost, until its first period ends. */
    sim_run(2 * CREDIT_PERIOD_NS);
    waker->max_latency = 0;
    sim_run(10 * SEC);
    report("waker", waker, 10 * SEC);
    report("hog", hog, 10 * SEC);
    EXPECT_EQ(sleeper->runtime, 0);
    EXPECT_EQ(credit_dom_runtime_ns(sleeper->cv.dom), 0);
    EXPECT_TRUE(waker->wakes > 900);
    EXPECT_TRUE(waker->runtime * 100 < 10 * SEC);
    EXPECT_TRUE(waker->runtime <= (uint64_t)waker->wakes * 100 * US);
    /* Within one slice as required; boost preempts the hog at once. */
    EXPECT_TRUE(waker->max_latency <= CREDIT_SLICE_NS);
    EXPECT_EQ(waker->max_latency, 0);
    EXPECT_EQ(sim.cpu[0].idle, 0);
}

TEST(weights_100_200_300_two_cpus)
{
    static const uint32_t weights[3] = { 100, 200, 300 };
    struct credit_dom *doms[3];
    struct sim_vcpu *v[6];

    sim_start(2);
    for (unsigned d = 0; d < 3; d++)
        doms[d] = sim_dom(weights[d], 0);
    for (unsigned i = 0; i < 6; i++)
        v[i] = spinner(doms[i / 2], 3);
    sim_run(10 * SEC);
    for (unsigned d = 0; d < 3; d++) {
        uint64_t want = 2 * 10 * SEC * weights[d] / 600;

        report(d == 0 ? "weight 100" : d == 1 ? "weight 200" : "weight 300", v[2 * d], 10 * SEC);
        report("  2nd vCPU", v[2 * d + 1], 10 * SEC);
        EXPECT_TRUE(near(credit_dom_runtime_ns(doms[d]), want, 5));
    }
}

TEST(idle_domain_does_not_skew_weights)
{
    struct sim_vcpu *a, *b;

    sim_start(1);
    a = spinner(sim_dom(256, 0), 1);
    b = spinner(sim_dom(512, 0), 1);
    /* Mostly asleep: its unused share goes to the others by weight. */
    sim_vcpu(sim_dom(256, 0), 1, 5 * MS, 100 * US, 10 * MS);
    sim_run(10 * SEC);
    report("weight 256", a, 10 * SEC);
    report("weight 512", b, 10 * SEC);
    EXPECT_TRUE(near(b->runtime, 2 * a->runtime, 5));
}

TEST(unusable_share_goes_to_the_others)
{
    struct sim_vcpu *heavy, *b, *c;

    sim_start(2);
    /* One vCPU cannot use the two CPUs its weight would give it. */
    heavy = spinner(sim_dom(1000, 0), 3);
    b = spinner(sim_dom(100, 0), 3);
    c = spinner(sim_dom(200, 0), 3);
    sim_run(10 * SEC);
    report("weight 1000", heavy, 10 * SEC);
    report("weight 100", b, 10 * SEC);
    report("weight 200", c, 10 * SEC);
    EXPECT_TRUE(heavy->runtime * 100 >= 95 * 10 * SEC);
    EXPECT_TRUE(near(c->runtime, 2 * b->runtime, 5));
}

/* Random scripts, caps and affinity changes on 4 CPUs; the simulator
 * checks the invariants after every step. */
static void random_affinity_change(void)
{
    struct sim_vcpu *v;
    int c;

    if (rng_below(50))
        return;
    v = &sim.v[rng_below(sim.nvcpus)];
    EXPECT_EQ(credit_set_affinity(&sim.cs, &v->cv, 1 + rng_below(15)), 0);
    c = credit_vcpu_cpu(&v->cv);
    if (c < 0 || ((v->cv.affinity >> c) & 1))
        return;
    if (v->cv.state == CREDIT_VCPU_QUEUED)
        broken("queued vCPU left on a CPU outside its new affinity", (unsigned)c);
    else
        sim.cpu[c].resched = true; /* running there: the core pokes its CPU */
}

TEST(random_mix_keeps_invariants_and_caps)
{
    static const uint32_t caps[4] = { 0, 30, 120, 0 };

    rng_state = 0x1234567;
    sim_start(4);
    for (unsigned d = 0; d < 4; d++)
        sim_dom((uint32_t)(1 + rng_below(1000)), caps[d]);
    for (unsigned i = 0; i < 12; i++) {
        uint64_t burst = rng_below(3) ? (1 + rng_below(20)) * MS : NEVER;
        sim_vcpu(&sim.doms[i % 4], 1 + rng_below(15), rng_below(50) * MS, burst, (1 + rng_below(30)) * MS);
    }
    sim.on_step = random_affinity_change;
    sim_run(10 * SEC);
    for (unsigned d = 0; d < 4; d++)
        if (caps[d])
            EXPECT_TRUE(credit_dom_runtime_ns(&sim.doms[d]) * 100 <= (caps[d] + 2) * 10 * SEC);
    EXPECT_TRUE(sim.steps > 1000);
}

TEST(invalid_inputs_change_nothing)
{
    struct credit_dom d, before;
    struct credit_vcpu v;
    uint64_t affinity;

    sim_start(2);
    EXPECT_EQ(credit_init(&sim.cs, 0, 0), -ERR_INVAL);
    EXPECT_EQ(sim.cs.online, 3);
    memset(&d, 0xa5, sizeof(d));
    memcpy(&before, &d, sizeof(d));
    EXPECT_EQ(credit_dom_init(&d, 0, 0), -ERR_INVAL);
    EXPECT_EQ(credit_dom_init(&d, 65536, 0), -ERR_INVAL);
    EXPECT_EQ(credit_dom_init(&d, 256, CREDIT_CAP_MAX + 1), -ERR_INVAL);
    EXPECT_EQ(memcmp(&d, &before, sizeof(d)), 0);
    EXPECT_EQ(credit_dom_init(&d, CREDIT_WEIGHT_MAX, CREDIT_CAP_MAX), 0);
    memcpy(&before, &d, sizeof(d));
    EXPECT_EQ(credit_dom_set(&sim.cs, &d, 0, 10), -ERR_INVAL);
    EXPECT_EQ(credit_dom_set(&sim.cs, &d, 65536, 10), -ERR_INVAL);
    EXPECT_EQ(credit_dom_set(&sim.cs, &d, 1, CREDIT_CAP_MAX + 1), -ERR_INVAL);
    EXPECT_EQ(memcmp(&d, &before, sizeof(d)), 0);

    memset(&v, 0, sizeof(v));
    v.dom = &d;
    v.affinity = 1u << 5; /* CPU 5 is not online */
    EXPECT_EQ(credit_vcpu_add(&sim.cs, &v, 0), -ERR_INVAL);
    EXPECT_EQ(v.state, CREDIT_VCPU_UNUSED);
    EXPECT_EQ(d.nr_vcpus, 0);
    v.dom = NULL;
    v.affinity = 1;
    EXPECT_EQ(credit_vcpu_add(&sim.cs, &v, 0), -ERR_INVAL);
    v.dom = &d;
    EXPECT_EQ(credit_vcpu_add(&sim.cs, &v, 0), 0);
    affinity = v.affinity;
    EXPECT_EQ(credit_set_affinity(&sim.cs, &v, 0), -ERR_INVAL);
    EXPECT_EQ(credit_set_affinity(&sim.cs, &v, 0xf0), -ERR_INVAL);
    EXPECT_EQ(v.affinity, affinity);
    EXPECT_EQ(credit_vcpu_cpu(&v), -1);
}

TEST(affinity_change_migrates_queued_vcpu)
{
    struct credit_dom *d;
    struct sim_vcpu *a, *b;
    uint64_t slice;

    sim_start(2);
    d = sim_dom(256, 0);
    a = spinner(d, 1);
    b = spinner(d, 1);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &a->cv, 0), 0); /* CPU 0 idle: poke it */
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &b->cv, 0), 0); /* it has not picked yet */
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 0, &slice) == &a->cv);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &b->cv, 0), -1); /* runnable already */
    EXPECT_EQ(slice, CREDIT_SLICE_NS);
    EXPECT_EQ(credit_vcpu_cpu(&b->cv), 0);
    EXPECT_TRUE(credit_pick(&sim.cs, 1, 0, &slice) == NULL); /* pinned to 0: not stolen */
    EXPECT_EQ(credit_set_affinity(&sim.cs, &b->cv, 2), 0);
    EXPECT_EQ(credit_vcpu_cpu(&b->cv), 1);
    EXPECT_TRUE(credit_pick(&sim.cs, 1, 1 * MS, &slice) == &b->cv);
    /* A running vCPU moves at its CPU's next pick. */
    EXPECT_EQ(credit_set_affinity(&sim.cs, &a->cv, 2), 0);
    EXPECT_EQ(credit_vcpu_cpu(&a->cv), 0);
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 2 * MS, &slice) == NULL);
    EXPECT_EQ(credit_vcpu_cpu(&a->cv), 1);
    EXPECT_EQ(a->cv.state, CREDIT_VCPU_QUEUED);
}

TEST(remove_and_block_states)
{
    struct credit_dom *d;
    struct sim_vcpu *a, *b;
    uint64_t slice;

    sim_start(1);
    d = sim_dom(256, 0);
    a = spinner(d, 1);
    b = spinner(d, 1);
    EXPECT_EQ(sim.cs.doms.next, &d->link);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &a->cv, 0), 0);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &a->cv, 0), -1); /* already runnable */
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 0, &slice) == &a->cv);
    EXPECT_EQ(credit_vcpu_remove(&sim.cs, &a->cv), -ERR_BUSY);
    credit_vcpu_block(&sim.cs, &a->cv);
    EXPECT_EQ(a->cv.state, CREDIT_VCPU_BLOCKING);
    EXPECT_EQ(credit_vcpu_remove(&sim.cs, &a->cv), -ERR_BUSY);
    /* Woken before the reschedule: it stays current. */
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &a->cv, 1 * MS), -1);
    EXPECT_EQ(a->cv.state, CREDIT_VCPU_RUNNING);
    credit_vcpu_block(&sim.cs, &a->cv);
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 2 * MS, &slice) == NULL);
    EXPECT_EQ(a->cv.state, CREDIT_VCPU_BLOCKED);
    EXPECT_EQ(credit_dom_runtime_ns(d), 2 * MS);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &b->cv, 3 * MS), 0);
    credit_vcpu_block(&sim.cs, &b->cv); /* queued: leaves the queue */
    EXPECT_EQ(sim.cs.cpus[0].nr_queued, 0);
    EXPECT_EQ(credit_vcpu_remove(&sim.cs, &a->cv), 0);
    EXPECT_EQ(credit_vcpu_remove(&sim.cs, &a->cv), -ERR_INVAL);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &b->cv, 3 * MS), 0);
    EXPECT_EQ(credit_vcpu_remove(&sim.cs, &b->cv), 0);
    EXPECT_EQ(sim.cs.cpus[0].nr_queued, 0);
    EXPECT_EQ(d->nr_vcpus, 0);
    EXPECT_EQ(sim.cs.doms.next, &sim.cs.doms);
}

TEST(cap_parks_and_set_unparks)
{
    struct credit_dom *d;
    struct sim_vcpu *a;
    uint64_t slice;

    sim_start(1);
    d = sim_dom(256, 10); /* 3 ms per period */
    a = spinner(d, 1);
    EXPECT_EQ(credit_vcpu_wake(&sim.cs, &a->cv, 0), 0);
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 0, &slice) == &a->cv);
    EXPECT_EQ(slice, 3 * MS);
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 3 * MS, &slice) == NULL);
    EXPECT_TRUE(d->parked);
    EXPECT_EQ(slice, CREDIT_PERIOD_NS - 3 * MS);
    EXPECT_EQ(credit_dom_set(&sim.cs, d, 256, 0), 0);
    EXPECT_FALSE(d->parked);
    EXPECT_TRUE(credit_pick(&sim.cs, 0, 4 * MS, &slice) == &a->cv);
    EXPECT_EQ(slice, CREDIT_SLICE_NS);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(weight_256_vs_512_one_cpu),
        TEST_ENTRY(cap_50_vs_uncapped_spinner),
        TEST_ENTRY(cap_alone_idles_the_rest),
        TEST_ENTRY(cap_above_100_on_two_cpus),
        TEST_ENTRY(pinned_vcpu_stays_on_its_cpu),
        TEST_ENTRY(idle_cpu_steals_queued_work),
        TEST_ENTRY(blocked_uses_nothing_and_wakers_are_boosted),
        TEST_ENTRY(weights_100_200_300_two_cpus),
        TEST_ENTRY(idle_domain_does_not_skew_weights),
        TEST_ENTRY(unusable_share_goes_to_the_others),
        TEST_ENTRY(random_mix_keeps_invariants_and_caps),
        TEST_ENTRY(invalid_inputs_change_nothing),
        TEST_ENTRY(affinity_change_migrates_queued_vcpu),
        TEST_ENTRY(remove_and_block_states),
        TEST_ENTRY(cap_parks_and_set_unparks),
        TEST_END,
    });
}
