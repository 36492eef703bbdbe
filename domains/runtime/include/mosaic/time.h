/* SPDX-License-Identifier: MIT */
/*
 * Guest time: nanoseconds since the hypervisor started, read from the
 * calling vCPU's pvclock record in the Xen shared-info page, the same
 * clock for every vCPU and domain (and the one hvm_op HVMOP_get_time
 * reads, mosaic/hypercall.h). There is no wall clock yet, so newlib's gettimeofday()
 * and time() count from the hypervisor's start too. On bare QEMU there is
 * no hypervisor and so no clock: runtime_time_available() is false and the
 * calls below say so rather than guess a time from the TSC.
 * Sleeping whole threads, letting the others run: thread_sleep_ns()
 * (mosaic/thread.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define TIME_NS_PER_US 1000ull
#define TIME_NS_PER_MS 1000000ull
#define TIME_NS_PER_S  1000000000ull

/* runtime_time_available: true when the clock runs: under the Xen ABI,
 * once the hypervisor has put its shared-info page into the domain (at
 * start-up; a refusal prints one `runtime: no clock: ...` line). False on
 * bare QEMU. */
bool runtime_time_available(void);

/* runtime_time_ns: ns since the hypervisor started; never less than the
 * value it returned before on this vCPU (a backward step of the clock, as
 * a move to another CPU may show, is held at the last value). 0 when
 * there is no clock. */
uint64_t runtime_time_ns(void);

/* runtime_time_held_back: how many runtime_time_ns() calls on the calling
 * vCPU returned its last value because the clock read less: a measure of
 * the clock's backward steps, for tests. */
uint64_t runtime_time_held_back(void);

/* runtime_sleep_ns: block the vCPU, and so every thread on it, until at least
 * ns from now (a wake-up before that blocks again). Returns 0, or -ENOSYS
 * when there is no clock (nothing slept). A hypervisor that refuses a
 * timer in the future crashes the domain: it could never sleep. */
int runtime_sleep_ns(uint64_t ns);
