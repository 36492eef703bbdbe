/* SPDX-License-Identifier: MIT */
/*
 * Ending the machine: panic (a core bug or fault: dump, stop every CPU,
 * report) and refusing to boot (bad hardware or boot input: one line
 * naming the reason, then a clean stop).
 */
#pragma once

#include "core/arch.h"
#include "core/env.h"

/*
 * panic_begin: claim the panic. Returns false when another CPU is already
 * panicking: the caller should then just halt. Disables interrupts and
 * forces the console lock open for the lines that follow.
 */
bool panic_begin(void);

/* panic_end: stop the other CPUs, log the stop, exit with code. */
void panic_end(enum platform_exit code) __attribute__((noreturn));

/* panic_refuse: "core: refusing to boot: <reason>", then a clean stop. */
void panic_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
