/* SPDX-License-Identifier: MIT */
/*
 * mosaic top: xentop's live view of the domains (top.c).
 */
#pragma once

#include <stdint.h>

#include "commands.h"

/* top_run: the verb (argv[0] is "top"): -d SECS between frames (3),
 * -i N frames (0: until interrupted), -b batch (no screen clearing; the
 * default when stdout is not a terminal). */
int top_run(const struct opts *o, int argc, char **argv);

/* top_cpu_percent: the CPU used between two looks as a percentage of
 * one CPU over the time between them; 0 when no time passed or the CPU
 * time went down (not the same domain). */
double top_cpu_percent(uint64_t cpu_ns, uint64_t prev_cpu_ns, uint64_t now_ns, uint64_t prev_now_ns);
