/* SPDX-License-Identifier: MIT */
/* The checks of the test domain that live outside hello.c. */
#pragma once

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

/* hello_time_report: one line with what the time checks measured. */
void hello_time_report(void);
