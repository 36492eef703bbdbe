/* SPDX-License-Identifier: MIT */
/*
 * Running vCPUs. For now a per-CPU round robin over the vCPUs placed on
 * each CPU, without time slices; the credit scheduler (weights, caps,
 * affinity, load balancing, timer preemption) replaces it.
 */
#pragma once

#include "core/domain.h"

/* sched_start: run vCPUs on this CPU forever. exit_when_empty: end the
 * machine (test runs) once no domain is left. */
void sched_start(bool exit_when_empty) __attribute__((noreturn));
