/* SPDX-License-Identifier: MIT */
/*
 * In-guest checks of test domains, in the one-line form the boot
 * scenarios count (tests/boot/README.md): `TEST PASS <name>[: <why>]` or
 * `TEST FAIL <name>: <why>`, and how many failed so far (for the exit
 * status). Safe from every vCPU: each line is one printf.
 */
#pragma once

#include <stdbool.h>

/* test_check: print the line for ok and name (why from fmt); count a
 * failure. Returns ok. */
bool test_check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* test_failures: TEST FAIL lines printed so far. */
unsigned test_failures(void);

/* test_checks: TEST PASS and TEST FAIL lines printed so far. */
unsigned test_checks(void);
