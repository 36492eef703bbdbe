/* SPDX-License-Identifier: MIT */
/*
 * Cooperative threads: one vCPU, a round-robin run queue, a switch only in
 * thread_yield(), thread_sleep_ns() or thread_exit(). While every thread
 * sleeps, the vCPU blocks until the earliest deadline. No preemption, so
 * no locks are needed
 * between threads; newlib's state (errno, stdio) is shared, so read errno
 * before yielding. Each thread has a malloc'd stack whose lowest word holds
 * a canary, checked at every switch; a broken canary crashes the domain.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define THREAD_STACK_SIZE (32 * 1024)
#define THREAD_NAME_MAX   16 /* including the NUL; longer names are cut */

struct thread;

/* thread_create: a new runnable thread running fn(arg), queued behind every
 * existing thread. Returns it, or NULL with errno ENOMEM. When fn returns
 * the thread exits. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);

/* thread_yield: let every other runnable thread run once, in queue order,
 * then return. Returns at once if no other thread is runnable. */
void thread_yield(void);

/* thread_sleep_ns: suspend the calling thread until at least ns from now
 * (mosaic/time.h's clock) while the other threads run; then it is queued
 * behind every runnable thread. With no thread runnable, the vCPU blocks
 * until the earliest sleeper's deadline. Returns 0, or -ENOSYS when there
 * is no clock (bare QEMU; nothing slept). */
int thread_sleep_ns(uint64_t ns);

/* thread_exit: end the calling thread; its stack is freed by the next one
 * to run. When the last thread exits and none sleeps, the domain exits
 * with status 0. */
_Noreturn void thread_exit(void);

/* thread_current: the running thread (main runs as thread "main"). */
struct thread *thread_current(void);

/* thread_name: the thread's name as given to thread_create. */
const char *thread_name(const struct thread *t);
