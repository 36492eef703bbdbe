/* SPDX-License-Identifier: MIT */
/*
 * Running vCPUs: every CPU loops picking a vCPU from the credit scheduler
 * (core/sched/credit.c: weights, caps, affinity, load balancing), runs it
 * for its slice (a one-shot timer preempts it), and charges it. Blocked
 * vCPUs cost nothing; idle CPUs sleep.
 */
#pragma once

#include "core/domain.h"

/* sched_init: start scheduling on the online CPUs. Boot CPU, once, after
 * every CPU is up and before any domain is created. */
void sched_init(void);

/* sched_domain_add / sched_domain_remove: make d's vCPUs known (blocked)
 * to the scheduler, or forget them. remove returns -ERR_BUSY while a CPU
 * still holds one of them (try again later). */
int sched_domain_add(struct domain *d);
int sched_domain_remove(struct domain *d);

/* sched_wake: v became runnable; pokes the CPU that should run it. */
void sched_wake(struct vcpu *v);

/* sched_set_affinity: where v may run (a mask of online CPUs, nonzero).
 * 0 or -ERR_INVAL. */
int sched_set_affinity(struct vcpu *v, uint64_t mask);

/* sched_set_params: d's weight (1..65535) and cap (percent, 0 = none).
 * 0 or -ERR_INVAL. */
int sched_set_params(struct domain *d, uint32_t weight, uint32_t cap);

/* sched_get_params: d's weight and cap, as sched_set_params last set them
 * (or the defaults it was created with). */
void sched_get_params(struct domain *d, uint32_t *weight, uint32_t *cap);

/* sched_runtime_ns: CPU time d's vCPUs have been charged. */
uint64_t sched_runtime_ns(struct domain *d);

/* sched_vcpu_where: the CPU v runs or waits on (else where it last was),
 * and the CPUs it may run on. */
void sched_vcpu_where(struct vcpu *v, uint32_t *cpu, uint64_t *affinity);

/* sched_start: run vCPUs on this CPU forever. exit_when_empty: end the
 * machine (test runs) once no domain is left. */
void sched_start(bool exit_when_idle, uint64_t report_at_ms) __attribute__((noreturn));
