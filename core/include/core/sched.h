/* SPDX-License-Identifier: MIT */
/*
 * Running vCPUs. For now a per-CPU round robin over the vCPUs placed on
 * each CPU, without time slices; the credit scheduler (weights, caps,
 * affinity, load balancing, timer preemption) replaces it.
 */
#pragma once

#include "core/domain.h"

/* sched_set_affinity: where v may run (a mask of online CPUs, nonzero).
 * For now v is pinned to the lowest CPU of the mask. 0 or -ERR_INVAL. */
int sched_set_affinity(struct vcpu *v, uint64_t mask);

/* sched_start: run vCPUs on this CPU forever. exit_when_empty: end the
 * machine (test runs) once no domain is left. */
void sched_start(bool exit_when_idle) __attribute__((noreturn));
