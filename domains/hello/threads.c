/* SPDX-License-Identifier: MIT */
/*
 * The thread check of the test domain: three threads of 3, 2 and 1
 * rounds, each yielding once a round, must run in round-robin order
 * (a0 b0 c0 a1 b1 a2), keep their locals and their own MXCSR across
 * switches, and be freed when they end.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hello.h"
#include "mosaic/thread.h"

#define MXCSR_DEFAULT    0x1f80u
#define MXCSR_ROUND_DOWN 0x3f80u /* RC = 01 */
#define MXCSR_FLAGS      0x003fu
#define WORKERS          3

struct worker {
    const char *name;
    int rounds;
    int done;
    const char *error;
};

static char order[64]; /* "a0 b0 ..." as the rounds ran */

/* mxcsr_get: the control bits only; the exception flags below them are
 * sticky and set by any inexact result. */
static uint32_t mxcsr_get(void)
{
    uint32_t v;

    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v & ~MXCSR_FLAGS;
}

static void mxcsr_set(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static void worker_run(void *arg)
{
    struct worker *w = arg;
    volatile int check = w->rounds * 1000; /* on this thread's stack */
    char step[8];

    /* Only the last worker changes its rounding mode: nobody else may see it. */
    if (w->rounds == 1)
        mxcsr_set(MXCSR_ROUND_DOWN);
    for (int r = 0; r < w->rounds; r++) {
        printf("hello: thread %s round %d\n", thread_name(thread_current()), r);
        snprintf(step, sizeof(step), "%s%d ", w->name, r);
        strncat(order, step, sizeof(order) - strlen(order) - 1);
        thread_yield();
        if (strcmp(thread_name(thread_current()), w->name) != 0)
            w->error = "thread_current changed across a yield";
        if (mxcsr_get() != (w->rounds == 1 ? MXCSR_ROUND_DOWN : MXCSR_DEFAULT))
            w->error = "MXCSR not kept per thread";
    }
    if (check != w->rounds * 1000)
        w->error = "a local variable changed";
    w->done = 1;
}

const char *hello_test_threads(void)
{
    static struct worker w[WORKERS] = { { "a", 3, 0, NULL }, { "b", 2, 0, NULL }, { "c", 1, 0, NULL } };
    int done;

    for (int i = 0; i < WORKERS; i++) {
        if (thread_create(w[i].name, worker_run, &w[i]) == NULL)
            return "thread_create failed";
    }
    do {
        thread_yield();
        if (mxcsr_get() != MXCSR_DEFAULT)
            return "MXCSR leaked into main";
        done = 0;
        for (int i = 0; i < WORKERS; i++)
            done += w[i].done;
    } while (done < WORKERS);

    for (int i = 0; i < WORKERS; i++) {
        if (w[i].error != NULL)
            return w[i].error;
    }
    if (strcmp(order, "a0 b0 c0 a1 b1 a2 ") != 0)
        return "wrong order";
    return strcmp(thread_name(thread_current()), "main") == 0 ? NULL : "main is not called main";
}
