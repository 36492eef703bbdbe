/* SPDX-License-Identifier: MIT */
/*
 * TEST PASS/FAIL lines for test domains (mosaic/test.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "mosaic/test.h"

static unsigned failures, checks;

bool test_check(bool ok, const char *name, const char *fmt, ...)
{
    char why[240];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    __atomic_add_fetch(&checks, 1, __ATOMIC_RELAXED);
    if (ok) {
        printf("TEST PASS %s%s%s\n", name, why[0] ? ": " : "", why);
    } else {
        printf("TEST FAIL %s: %s\n", name, why);
        __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
    }
    return ok;
}

unsigned test_failures(void)
{
    return __atomic_load_n(&failures, __ATOMIC_RELAXED);
}

unsigned test_checks(void)
{
    return __atomic_load_n(&checks, __ATOMIC_RELAXED);
}
