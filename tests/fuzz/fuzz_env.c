/* SPDX-License-Identifier: MIT */
/*
 * The core environment for fuzz targets. log_printf formats every line
 * (so bad format arguments still trip the sanitizers) and drops it unless
 * FUZZ_LOG is set in the environment; panic aborts, because a panic that
 * untrusted input can reach is a bug.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/env.h"
#include "fuzz.h"

static int fuzz_log_mode = -1; /* -1: FUZZ_LOG not looked up yet */

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (fuzz_log_mode < 0)
        fuzz_log_mode = getenv("FUZZ_LOG") != NULL;
    if (fuzz_log_mode)
        fprintf(stderr, "log[%d] %s\n", (int)lvl, line);
}

void panic(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "PANIC: %s\n", msg);
    abort();
}

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "INVARIANT VIOLATED at %s:%d: %s\n", file, line, what);
    abort();
}

FUZZ_ORACLE bool fuzz_filled(const void *p, size_t n, uint8_t pattern)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern)
            return false;
    return true;
}
