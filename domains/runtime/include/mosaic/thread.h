/* SPDX-License-Identifier: MIT */
/*
 * Cooperative threads, per vCPU: each vCPU has a round-robin run queue,
 * a switch only in thread_yield(), thread_sleep_ns() or thread_exit(). A
 * thread runs on the vCPU that created it, never elsewhere (other vCPUs:
 * mosaic/vcpu.h). While every thread of a vCPU sleeps, that vCPU blocks
 * until the earliest deadline. No preemption, so threads of one vCPU need
 * no locks among themselves; threads of different vCPUs run at once and
 * do. newlib's locks make malloc and stdio safe everywhere, but errno is
 * one variable for all: read it before yielding. Each thread has a
 * malloc'd stack whose lowest word holds a canary, checked at every
 * switch; a broken canary crashes the domain.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define THREAD_STACK_SIZE (32 * 1024)
#define THREAD_NAME_MAX   16 /* including the NUL; longer names are cut */

struct thread;

/* thread_create: a new runnable thread running fn(arg) on the calling
 * vCPU, queued behind every thread there. Returns it, or NULL with errno
 * ENOMEM. When fn returns the thread exits. */
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
 * to run on its vCPU. When the last thread of vCPU 0 exits and none sleeps
 * there, the domain exits with status 0; on another vCPU, that vCPU stops
 * (mosaic/vcpu.h). */
_Noreturn void thread_exit(void);

/* thread_current: the calling vCPU's running thread (main runs as thread
 * "main", a started vCPU's first thread as "vcpuN"). */
struct thread *thread_current(void);

/* thread_name: the thread's name as given to thread_create. */
const char *thread_name(const struct thread *t);
