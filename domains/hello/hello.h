/* SPDX-License-Identifier: MIT */
/* The checks of the test domain that live outside hello.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* hello_test_threads: run three threads that interleave through
 * thread_yield; NULL if they ran in the expected order with their own
 * stacks and SSE control state, else what went wrong. */
const char *hello_test_threads(void);

/* The time checks (time.c), for a domain with a clock
 * (runtime_time_available()); each returns NULL or what went wrong. */
const char *hello_test_time_monotonic(void); /* 10,000 reads never go backwards */
const char *hello_test_time_sleep(void);     /* runtime_sleep_ns(20 ms) takes 20..200 ms */
const char *hello_test_time_timer(void);     /* a timer never wakes the vCPU early; past ones fail */
const char *hello_test_time_threads(void);   /* sleeping threads let others run, wake in order */
const char *hello_test_time_libc(void);      /* gettimeofday, time and usleep */

const char *hello_test_time_agrees_core(void); /* guest and core clocks within 1 ms (prints the figures) */

/* hello_time_report: one line with what the time checks measured. */
void hello_time_report(void);

/* The guest's clock against the hypervisor's, on the calling vCPU. */
struct hello_clock_agreement {
    unsigned vcpu;             /* where it ran */
    unsigned reads;            /* comparisons made */
    uint64_t worst_ns;         /* farthest the core's reading fell outside [t0, t1] */
    uint64_t widest_ns;        /* the widest t1 - t0 */
    unsigned narrow_reads;     /* reads whose t1 - t0 was at most 200 us */
    uint64_t narrow_offset_ns; /* the largest |core - the middle of [t0, t1]| among those */
    long rc;                   /* a failed hvm_op's result, 0 if none failed */
};

/* hello_clock_agreement: reads times: t0 = runtime_time_ns(), core =
 * hvm_op HVMOP_get_time, t1 = runtime_time_ns(), yielding to the
 * hypervisor every 10 reads, where the scheduler may move the vCPU. */
void hello_clock_agreement(struct hello_clock_agreement *a, unsigned reads);

/* hello_clock_agreement_check: NULL when every core reading lay within
 * 1 ms of [t0, t1]; else why, written into why[len]. */
const char *hello_clock_agreement_check(const struct hello_clock_agreement *a, char *why, size_t len);

/* hello_clock_agreement_print: one `hello: time: core clock ...` line. */
void hello_clock_agreement_print(const struct hello_clock_agreement *a);

/* hello_smp: the checks of a domain with two vCPUs (command line word
 * `smp`, smp.c); prints their TEST lines and returns how many failed. */
int hello_smp(void);

/* hello_check: one TEST line, PASS when why is NULL, else FAIL with why. */
void hello_check(const char *name, const char *why);
/* hello_failures: TEST FAIL lines printed so far. */
int hello_failures(void);
