/* SPDX-License-Identifier: MIT */
/*
 * The time checks of the test domain: the clock never goes backwards, a
 * sleep lasts as long as asked and not ten times more, a single-shot timer
 * never wakes the vCPU early, sleeping threads let the others run, and
 * newlib's gettimeofday, time and usleep agree with the runtime's clock,
 * and the runtime's clock agrees with the hypervisor's (hvm_op
 * HVMOP_get_time) within 1 ms, read after read, while the vCPU yields so
 * that the scheduler may move it. The figures are printed on
 * `hello: time:` lines for the scenario to judge.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "hello.h"
#include "mosaic/hypercall.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"

#define MONOTONIC_READS 10000
#define READS_PER_YIELD 100 /* a yield to the core now and then: a chance to move to another CPU */
#define SLEEP_NS        (20 * TIME_NS_PER_MS)
#define SLEEP_MAX_NS    (200 * TIME_NS_PER_MS)
#define TIMER_NS        (10 * TIME_NS_PER_MS)
#define USLEEP_US       5000u
#define THREAD_EARLY_NS (10 * TIME_NS_PER_MS)
#define THREAD_LATE_NS  (30 * TIME_NS_PER_MS)
#define THREAD_MAIN_NS  (50 * TIME_NS_PER_MS)
#define AGREE_READS     2000
#define AGREE_YIELD     10  /* reads between two exits to the hypervisor, each a chance to move */
#define AGREE_PROGRESS  400 /* reads between two progress lines */
#define AGREE_LIMIT_NS  TIME_NS_PER_MS
#define AGREE_NARROW_NS (200 * TIME_NS_PER_US) /* a window this narrow bounds the offset tightly */

/* What the checks measured, for hello_time_report (ns unless named). */
static struct {
    uint64_t monotonic_span, sleep, timer_late, usleep, busy_rounds;
} measured;

static char why_buf[96];

/* fail: a reason with numbers in it (one check at a time uses the buffer). */
__attribute__((format(printf, 1, 2))) static const char *fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

const char *hello_test_time_monotonic(void)
{
    uint64_t first = runtime_time_ns(), last = first;

    for (int i = 0; i < MONOTONIC_READS; i++) {
        uint64_t now = runtime_time_ns();

        if (now < last)
            return fail("the clock went back %lld ns", (long long)(last - now));
        last = now;
        if (i % READS_PER_YIELD == 0)
            (void)hypercall_sched_yield();
    }
    measured.monotonic_span = last - first;
    return last > first ? NULL : "the clock did not move in 10000 reads";
}

const char *hello_test_time_sleep(void)
{
    uint64_t start = runtime_time_ns(), elapsed;
    int rc = runtime_sleep_ns(SLEEP_NS);

    elapsed = runtime_time_ns() - start;
    measured.sleep = elapsed;
    if (rc != 0)
        return fail("runtime_sleep_ns returned %d", rc);
    if (elapsed < SLEEP_NS)
        return fail("a 20 ms sleep ended after %lld ns", (long long)elapsed);
    return elapsed < SLEEP_MAX_NS ? NULL : fail("a 20 ms sleep took %lld ns", (long long)elapsed);
}

/* Straight on the hypercalls, with no retry loop that would hide an early
 * wake-up: one timer, one block, then the clock must have reached it.
 * Before that, a deadline in the past must be refused with -ETIME. */
const char *hello_test_time_timer(void)
{
    uint64_t now = runtime_time_ns(), deadline = now + TIMER_NS, woke;
    long rc;

    /* A millisecond ago is in the past by any CPU's reckoning. */
    rc = hypercall_set_singleshot_timer(0, now - TIME_NS_PER_MS, VCPU_SSHOTTMR_future);
    if (now > TIME_NS_PER_MS && rc != -XEN_ETIME)
        return fail("a timer in the past was not refused with -ETIME: %ld", rc);
    rc = hypercall_set_singleshot_timer(0, deadline, VCPU_SSHOTTMR_future);
    if (rc != 0)
        return fail("set_singleshot_timer returned %ld", rc);
    rc = hypercall_sched_block();
    woke = runtime_time_ns();
    if (rc != 0)
        return fail("sched_op block returned %ld", rc);
    if (woke < deadline)
        return fail("woke %lld ns before the deadline", (long long)(deadline - woke));
    measured.timer_late = woke - deadline;
    rc = hypercall_stop_singleshot_timer(0);
    return rc == 0 ? NULL : fail("stop_singleshot_timer returned %ld", rc);
}

struct sleeper {
    uint64_t ns, woke; /* how long it sleeps; when it woke */
    int rc;
};

static int early_awake;

static void sleeper_run(void *arg)
{
    struct sleeper *s = arg;

    s->rc = thread_sleep_ns(s->ns);
    s->woke = runtime_time_ns();
    if (s->ns == THREAD_EARLY_NS)
        early_awake = 1;
}

/* Yields until the early sleeper wakes: it must get the vCPU meanwhile. */
static void busy_run(void *arg)
{
    (void)arg;
    while (!early_awake) {
        measured.busy_rounds++;
        thread_yield();
    }
}

/*
 * Two sleepers and a busy thread: the busy one runs while they sleep, then
 * exits; with every thread asleep the vCPU blocks. Each wakes no earlier
 * than its deadline, in deadline order.
 */
const char *hello_test_time_threads(void)
{
    static struct sleeper early = { THREAD_EARLY_NS, 0, -1 }, late = { THREAD_LATE_NS, 0, -1 };
    uint64_t start = runtime_time_ns(), main_woke;
    int rc;

    if (thread_create("early", sleeper_run, &early) == NULL || thread_create("late", sleeper_run, &late) == NULL ||
        thread_create("busy", busy_run, NULL) == NULL)
        return "thread_create failed";
    rc = thread_sleep_ns(THREAD_MAIN_NS);
    main_woke = runtime_time_ns();
    if (rc != 0 || early.rc != 0 || late.rc != 0)
        return "thread_sleep_ns failed";
    if (early.woke < start + THREAD_EARLY_NS || late.woke < start + THREAD_LATE_NS ||
        main_woke < start + THREAD_MAIN_NS)
        return "a thread woke before its deadline";
    if (!(early.woke <= late.woke && late.woke <= main_woke))
        return "threads woke out of deadline order";
    return measured.busy_rounds > 0 ? NULL : "no other thread ran while one slept";
}

/* gettimeofday lies between two reads of the runtime's clock (to the
 * microsecond), time() agrees with it, and usleep sleeps. */
const char *hello_test_time_libc(void)
{
    struct timeval tv;
    uint64_t before, after, tv_ns;
    time_t t;
    int rc;

    before = runtime_time_ns();
    rc = gettimeofday(&tv, NULL);
    after = runtime_time_ns();
    if (rc != 0)
        return fail("gettimeofday failed, errno %d", errno);
    tv_ns = (uint64_t)tv.tv_sec * TIME_NS_PER_S + (uint64_t)tv.tv_usec * TIME_NS_PER_US;
    if (tv_ns + TIME_NS_PER_US <= before || tv_ns > after || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return "gettimeofday disagrees with runtime_time_ns";
    t = time(NULL);
    if (t < tv.tv_sec || t > tv.tv_sec + 1)
        return fail("time() is %lld, not gettimeofday's seconds", (long long)t);
    before = runtime_time_ns();
    if (usleep(USLEEP_US) != 0)
        return fail("usleep failed, errno %d", errno);
    measured.usleep = runtime_time_ns() - before;
    return measured.usleep >= USLEEP_US * TIME_NS_PER_US ? NULL : "usleep returned early";
}

/* One comparison: core read between guest reads t0 and t1. */
static void agreement_add(struct hello_clock_agreement *a, uint64_t t0, uint64_t core, uint64_t t1)
{
    uint64_t outside = core < t0 ? t0 - core : core > t1 ? core - t1 : 0;
    int64_t offset = (int64_t)(core - (t0 + (t1 - t0) / 2));

    if (outside > a->worst_ns)
        a->worst_ns = outside;
    if (t1 - t0 > a->widest_ns)
        a->widest_ns = t1 - t0;
    if (t1 - t0 <= AGREE_NARROW_NS) {
        uint64_t size = (uint64_t)(offset < 0 ? -offset : offset);

        if (size > a->narrow_offset_ns)
            a->narrow_offset_ns = size;
        a->narrow_reads++;
    }
    a->reads++;
}

void hello_clock_agreement(struct hello_clock_agreement *a, unsigned reads)
{
    *a = (struct hello_clock_agreement){ .vcpu = runtime_vcpu_id() };
    for (unsigned i = 0; i < reads; i++) {
        uint64_t t0, t1, core;
        long rc;

        t0 = runtime_time_ns();
        rc = hypercall_hvm_get_time(&core);
        t1 = runtime_time_ns();
        if (rc != 0) {
            a->rc = rc;
            return;
        }
        agreement_add(a, t0, core, t1);
        if (i % AGREE_YIELD == AGREE_YIELD - 1)
            (void)hypercall_sched_yield();
        /* The core tags each console line with the CPU that wrote it: a
         * few lines show where the vCPU ran (and whether it moved). */
        if (i % AGREE_PROGRESS == AGREE_PROGRESS - 1)
            printf("hello: time: core clock on vcpu %u: %u reads so far\n", a->vcpu, i + 1);
    }
}

const char *hello_clock_agreement_check(const struct hello_clock_agreement *a, char *why, size_t len)
{
    if (a->rc != 0)
        snprintf(why, len, "hvm_op get_time returned %ld", a->rc);
    else if (a->worst_ns > AGREE_LIMIT_NS)
        snprintf(why, len, "vcpu %u: the core's clock lay %llu ns outside the guest's reads", a->vcpu,
                 (unsigned long long)a->worst_ns);
    else
        return NULL;
    return why;
}

void hello_clock_agreement_print(const struct hello_clock_agreement *a)
{
    /* One line, under the core's 160-byte cut. */
    printf("hello: time: core clock on vcpu %u: %u reads, worst deviation %llu.%03llu us, "
           "%u narrow: |offset| <= %llu.%03llu us, widest %llu us\n",
           a->vcpu, a->reads, (unsigned long long)(a->worst_ns / TIME_NS_PER_US),
           (unsigned long long)(a->worst_ns % TIME_NS_PER_US), a->narrow_reads,
           (unsigned long long)(a->narrow_offset_ns / TIME_NS_PER_US),
           (unsigned long long)(a->narrow_offset_ns % TIME_NS_PER_US),
           (unsigned long long)(a->widest_ns / TIME_NS_PER_US));
}

/* Hello's own run, on vCPU 0, unpinned in the time scenario. */
const char *hello_test_time_agrees_core(void)
{
    static struct hello_clock_agreement a;
    const char *why;

    hello_clock_agreement(&a, AGREE_READS);
    why = hello_clock_agreement_check(&a, why_buf, sizeof(why_buf));
    hello_clock_agreement_print(&a);
    return why;
}

void hello_time_report(void)
{
    /* Two lines: the core cuts a console line at 160 bytes. */
    printf("hello: time: %d reads in %llu us, %llu held back; sleep 20 ms took %llu us; timer woke %llu us late\n",
           MONOTONIC_READS, (unsigned long long)(measured.monotonic_span / TIME_NS_PER_US),
           (unsigned long long)runtime_time_held_back(), (unsigned long long)(measured.sleep / TIME_NS_PER_US),
           (unsigned long long)(measured.timer_late / TIME_NS_PER_US));
    printf("hello: time: usleep 5 ms took %llu us; a busy thread ran %llu rounds while another slept\n",
           (unsigned long long)(measured.usleep / TIME_NS_PER_US), (unsigned long long)measured.busy_rounds);
}
