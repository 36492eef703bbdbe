/* SPDX-License-Identifier: MIT */
/*
 * The unit-test harness (tests/unit/harness.h) for fuzz targets that run
 * a unit test's randomized model check with the input as its random
 * stream: every failed expectation aborts, and test_rng_below takes its
 * values from the input (zeros once it is used up), so libFuzzer chooses
 * each operation and argument the model check makes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "harness.h"

jmp_buf *test_panic_jmp;
char test_panic_msg[256];
static struct fuzz_in rng;

void fuzz_rng_feed(const uint8_t *data, size_t size)
{
    rng = (struct fuzz_in){ data, size };
}

unsigned long long test_random_init(uint64_t seed, unsigned long long steps)
{
    (void)seed;
    return steps;
}

uint64_t test_rng_next(void)
{
    return fuzz_u64(&rng);
}

uint32_t test_rng_below(uint32_t n)
{
    unsigned bytes = n <= 0x100u ? 1 : n <= 0x10000u ? 2 : 4;

    return n ? (uint32_t)(fuzz_uint(&rng, bytes) % n) : 0;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%d: %s\n", file, line, msg);
    fuzz_fail(file, line, "a check of the unit test's model failed");
}

bool log_contains(const char *needle)
{
    (void)needle;
    return false; /* lines are not captured here */
}

unsigned log_count(void)
{
    return 0;
}

void log_clear(void) {}

int test_run(const struct test *tests)
{
    (void)tests;
    return 0;
}
