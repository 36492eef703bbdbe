/* SPDX-License-Identifier: MIT */
/*
 * The checks of hello with two vCPUs (command line word `smp`): vCPU 0
 * starts vCPU 1 through the runtime, then both at once print formatted
 * lines, malloc, realloc and free in a loop (newlib's locks), create a
 * thread that must stay on their vCPU, and compare their clock with the
 * hypervisor's. vCPU 0 then waits for vCPU 1 to stop and judges both.
 * Which CPU ran each vCPU is for the scenario to see in the core's log.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hello.h"
#include "mosaic/hypercall.h"
#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"

#define SMP_VCPUS     2
#define PRINT_EVERY   500 /* malloc rounds between two printed lines */
#define MALLOC_ROUNDS 3000
#define MALLOC_SLOTS  32
#define MALLOC_MAX    4096
#define AGREE_READS   1000
#define BARRIER_NS    (5 * TIME_NS_PER_S)
#define STOP_WAIT_NS  (1 * TIME_NS_PER_S)

/* What one vCPU's run found; written by that vCPU, read by vCPU 0 after
 * runtime_vcpu_join. */
struct worker {
    unsigned vcpu;        /* runtime_vcpu_id() where it ran */
    uintptr_t local;      /* the address of a local on its stack */
    unsigned helper_vcpu; /* where the thread it created ran */
    volatile int helper_done;
    const char *error; /* NULL, or what went wrong (a literal or why) */
    struct hello_clock_agreement clock;
};

static struct worker workers[SMP_VCPUS];
static unsigned arrived; /* how many vCPUs reached the barrier (atomics) */

/* barrier: wait (up to 5 s) until both vCPUs are here, so that what
 * follows runs on both at once. */
static void barrier(void)
{
    uint64_t deadline = runtime_time_ns() + BARRIER_NS;

    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < SMP_VCPUS && runtime_time_ns() < deadline)
        __asm__ volatile("pause");
}

static uint32_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33);
}

static int intact(const unsigned char *p, size_t size, unsigned char tag)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != tag)
            return 0;
    }
    return 1;
}

/* The heap from both vCPUs at once: blocks tagged with a byte unique to
 * the vCPU and slot must keep their contents until freed. Prints a line
 * now and then, so stdio runs at the same time too. */
static const char *heap_and_printf(struct worker *w)
{
    unsigned char *slot[MALLOC_SLOTS] = { 0 };
    size_t size[MALLOC_SLOTS] = { 0 };
    uint64_t rng = 0x9e3779b97f4a7c15ull * (w->vcpu + 1);
    const char *error = NULL;
    int line = 0;

    for (unsigned r = 0; r < MALLOC_ROUNDS && error == NULL; r++) {
        unsigned i = next_random(&rng) % MALLOC_SLOTS;
        unsigned char tag = (unsigned char)(w->vcpu * MALLOC_SLOTS + i + 1);
        size_t want = 1 + next_random(&rng) % MALLOC_MAX;
        unsigned char *p;

        if (r % PRINT_EVERY == 0) {
            printf("hello: vcpu %u on its own stack, %d + %d = %d\n", w->vcpu, line, (int)w->vcpu * 10,
                   line + (int)w->vcpu * 10);
            line++;
        }
        if (slot[i] != NULL && !intact(slot[i], size[i], tag)) {
            error = "a heap block changed under its owner";
            break;
        }
        /* realloc keeps the contents it moves: check them afterwards. */
        p = r % 7 == 0 && slot[i] != NULL ? realloc(slot[i], want) : NULL;
        if (p != NULL && !intact(p, want < size[i] ? want : size[i], tag))
            error = "realloc lost a block's contents";
        if (p == NULL) {
            free(slot[i]);
            p = malloc(want);
        }
        slot[i] = p;
        size[i] = want;
        if (p == NULL)
            error = "malloc returned NULL";
        else
            memset(p, tag, want);
    }
    for (unsigned i = 0; i < MALLOC_SLOTS; i++)
        free(slot[i]);
    return error;
}

static void helper_run(void *arg)
{
    struct worker *w = arg;

    w->helper_vcpu = runtime_vcpu_id();
    thread_yield();
    if (runtime_vcpu_id() != w->helper_vcpu)
        w->helper_vcpu = ~0u; /* it moved */
    w->helper_done = 1;
}

/* Runs as vCPU 1's first thread, and on vCPU 0 called from hello_smp. */
static void worker_run(void *arg)
{
    struct worker *w = arg;
    volatile int local = 0;

    w->vcpu = runtime_vcpu_id();
    w->local = (uintptr_t)&local;
    barrier();
    w->error = heap_and_printf(w);
    if (thread_create("helper", helper_run, w) == NULL && w->error == NULL)
        w->error = "thread_create failed";
    while (!w->helper_done)
        thread_yield();
    hello_clock_agreement(&w->clock, AGREE_READS);
    hello_clock_agreement_print(&w->clock);
}

/* Refusals that change nothing. */
static const char *test_start_refused(void)
{
    if (runtime_vcpu_start(0, worker_run, NULL) != -EINVAL)
        return "starting vCPU 0 was not refused with EINVAL";
    if (runtime_vcpu_start(runtime_nr_vcpus(), worker_run, NULL) != -EINVAL)
        return "starting a vCPU past the last was not refused with EINVAL";
    if (runtime_vcpu_start(1, NULL, NULL) != -EINVAL)
        return "starting without a function was not refused with EINVAL";
    return runtime_vcpu_running(1) ? "vCPU 1 runs after refusals" : NULL;
}

/* After join: the hypervisor must report vCPU 1 down soon. */
static const char *test_stopped(void)
{
    uint64_t deadline = runtime_time_ns() + STOP_WAIT_NS;
    long up;

    while ((up = hypercall_vcpu_is_up(1)) == 1 && runtime_time_ns() < deadline)
        (void)thread_sleep_ns(TIME_NS_PER_MS);
    if (up != 0)
        return "vCPU 1 is not down after its last thread ended";
    return runtime_vcpu_start(1, worker_run, NULL) == -EBUSY ? NULL : "a stopped vCPU could be started again";
}

static const char *test_workers(void)
{
    for (unsigned v = 0; v < SMP_VCPUS; v++) {
        if (workers[v].vcpu != v)
            return "a worker ran on the wrong vCPU";
        if (workers[v].error != NULL)
            return workers[v].error;
    }
    return NULL;
}

static const char *test_stacks(void)
{
    uintptr_t a = workers[0].local, b = workers[1].local;

    return (a > b ? a - b : b - a) >= RUNTIME_VCPU_STACK_SIZE / 2 ? NULL : "both vCPUs ran on one stack";
}

static const char *test_threads_stay(void)
{
    for (unsigned v = 0; v < SMP_VCPUS; v++) {
        if (workers[v].helper_vcpu != v)
            return "a thread ran on another vCPU than the one that created it";
    }
    return NULL;
}

int hello_smp(void)
{
    static char why[2][96];
    unsigned n = runtime_nr_vcpus();
    int rc;

    printf("hello: smp: %u vcpus, this is vcpu %u\n", n, runtime_vcpu_id());
    hello_check("smp_vcpus", n == SMP_VCPUS && runtime_vcpu_id() == 0 ? NULL : "want 2 vCPUs, main on vCPU 0");
    if (n < SMP_VCPUS)
        return hello_failures();
    hello_check("smp_start_refused", test_start_refused());
    rc = runtime_vcpu_start(1, worker_run, &workers[1]);
    hello_check("smp_start", rc == 0 ? NULL : "runtime_vcpu_start(1) failed");
    if (rc != 0)
        return hello_failures();
    hello_check("smp_start_twice", runtime_vcpu_start(1, worker_run, NULL) == -EBUSY ? NULL : "not refused with EBUSY");
    worker_run(&workers[0]);
    hello_check("smp_join", runtime_vcpu_join(1) == 0 && !runtime_vcpu_running(1) ? NULL : "join failed");
    hello_check("smp_vcpu_stopped", test_stopped());
    hello_check("smp_workers", test_workers());
    hello_check("smp_own_stacks", test_stacks());
    hello_check("smp_threads_stay", test_threads_stay());
    hello_check("time_agrees_core_vcpu0", hello_clock_agreement_check(&workers[0].clock, why[0], sizeof(why[0])));
    hello_check("time_agrees_core_vcpu1", hello_clock_agreement_check(&workers[1].clock, why[1], sizeof(why[1])));
    return hello_failures();
}
