/* SPDX-License-Identifier: MIT */
/*
 * Host flavour of the core environment for unit tests: the same names as
 * core/include/core/env.h, backed by libc. Log lines are kept in a buffer
 * (see harness.h: log_contains) so tests can assert on the messages.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define ASSERT(cond)                                                            \
    do {                                                                        \
        if (!(cond))                                                            \
            panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)
