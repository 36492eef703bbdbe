/* SPDX-License-Identifier: MIT */
/* The checks of the test domain that live outside hello.c. */
#pragma once

/* hello_test_threads: run three threads that interleave through
 * thread_yield; NULL if they ran in the expected order with their own
 * stacks and SSE control state, else what went wrong. */
const char *hello_test_threads(void);
