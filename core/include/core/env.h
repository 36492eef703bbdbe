/* SPDX-License-Identifier: MIT */
/*
 * The environment that portable core code (parsers, allocators, state
 * machines) may rely on, kernel flavour. Host unit tests supply their own
 * env.h with the same names (tests/unit/include/core/env.h).
 */
#pragma once

#include "core/log.h"
#include "core/string.h"

void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define ASSERT(cond)                                                            \
    do {                                                                        \
        if (!(cond))                                                            \
            panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)
