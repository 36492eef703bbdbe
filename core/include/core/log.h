/* SPDX-License-Identifier: MIT */
/*
 * The core log: structured lines "[cpuN] subsys: fact" on COM1. The level
 * is chosen on the command line (loglevel=0..3); errors always print.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum log_level {
    LOG_ERR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

/*
 * log_printf: print one log line at lvl (a trailing newline is added).
 * fmt is printf-like: %d %i %u %x %X %p %s %c %%, with l/ll/z modifiers,
 * width and zero padding. Safe in any context, including exceptions;
 * takes the console lock (re-entrant on the same CPU after a panic).
 */
void log_printf(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* log_set_level: print lines up to lvl from now on. Boot CPU, at boot. */
void log_set_level(enum log_level lvl);
/* log_force_console: panic only: never wait long for the console lock. */
void log_force_console(void);

/* One register for log_regs: its name, value and hex digits (4, 8 or 16). */
struct log_reg {
    const char *name;
    unsigned long long value;
    unsigned digits;
};

/* log_regs: n registers at error level, four to a line, "name=value"
 * (core fault dumps and dead guests' state). Same context rules as
 * log_printf. */
void log_regs(const struct log_reg *regs, unsigned n);

/* The ring that keeps the newest lines for log_read (idl/mgmt.idl's
 * MGMT_LOG_RING). */
#define LOG_RING_BYTES 32768u

/*
 * log_read: up to len bytes of the kept log from byte number *index on
 * (bytes are numbered from the core's start) into out. An index older
 * than the oldest byte kept starts there instead, and *lost counts the
 * bytes skipped; *index ends after the last byte given. Returns the
 * bytes given (0 when nothing newer exists). Any context but a panic.
 */
size_t log_read(uint64_t *index, char *out, size_t len, uint64_t *lost);

#define log_err(...)   log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
