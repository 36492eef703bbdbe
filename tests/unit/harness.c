/* SPDX-License-Identifier: MIT */
/*
 * Host test harness and the host flavour of the core environment:
 * log_printf captures lines for log_contains(), panic() longjmps into
 * EXPECT_PANIC or aborts the binary.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"

#define LOG_LINES    256
#define LOG_LINE_LEN 256

static char log_lines[LOG_LINES][LOG_LINE_LEN];
static unsigned log_lines_used;
static unsigned failures_in_test;
static const char *current_test;

jmp_buf *test_panic_jmp;
char test_panic_msg[256];

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    char line[LOG_LINE_LEN];

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (log_lines_used < LOG_LINES)
        memcpy(log_lines[log_lines_used++], line, sizeof(line));
    if (getenv("UNIT_VERBOSE"))
        fprintf(stderr, "  log[%d] %s\n", (int)lvl, line);
}

bool log_contains(const char *needle)
{
    for (unsigned i = 0; i < log_lines_used; i++)
        if (strstr(log_lines[i], needle))
            return true;
    return false;
}

unsigned log_count(void)
{
    return log_lines_used;
}

void log_clear(void)
{
    log_lines_used = 0;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(test_panic_msg, sizeof(test_panic_msg), fmt, ap);
    va_end(ap);
    if (test_panic_jmp)
        longjmp(*test_panic_jmp, 1);
    fprintf(stderr, "PANIC in test %s: %s\n", current_test ? current_test : "?", test_panic_msg);
    abort();
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    if (failures_in_test++ == 0)
        printf("FAIL %s: ", current_test);
    else
        printf("     %s: ", current_test);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" (%s:%d)\n", file, line);
}

int test_run(const struct test *tests)
{
    unsigned passed = 0, failed = 0;

    for (const struct test *t = tests; t->name; t++) {
        current_test = t->name;
        failures_in_test = 0;
        log_clear();
        t->fn();
        if (failures_in_test) {
            failed++;
        } else {
            passed++;
            printf("PASS %s\n", t->name);
        }
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}

static uint64_t rng_state = 1;

unsigned long long test_random_init(uint64_t seed, unsigned long long steps)
{
    const char *e = getenv("UNIT_SEED");

    rng_state = e ? strtoull(e, NULL, 0) : seed;
    rng_state = rng_state ? rng_state : 1; /* xorshift stays at 0 */
    e = getenv("UNIT_STEPS");
    return e ? strtoull(e, NULL, 0) : steps;
}

uint64_t test_rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

uint32_t test_rng_below(uint32_t n)
{
    return (uint32_t)(test_rng_next() % n);
}
