/* SPDX-License-Identifier: MIT */
/*
 * A very small host test harness. Each test binary lists its tests
 * explicitly (no discovery that could silently find none):
 *
 *   TEST(frame_alloc_basic) { EXPECT_EQ(1, 1); }
 *   int main(void) { return test_run((const struct test[]){
 *       TEST_ENTRY(frame_alloc_basic), TEST_END }); }
 *
 * It prints "PASS name" / "FAIL name: why" per test and ends with
 * "N passed, N failed"; the exit status is 1 when anything failed.
 * Core log lines (log_printf) are captured per test: log_contains()
 * asserts on them. panic() inside a test longjmps back: EXPECT_PANIC.
 */
#pragma once

#include <setjmp.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

struct test {
    const char *name;
    void (*fn)(void);
};

#define TEST(name) static void test_##name(void)
#define TEST_ENTRY(name)   \
    {                      \
#name, test_##name \
    }
#define TEST_END \
    {            \
        0, 0     \
    }

int test_run(const struct test *tests);

/* Records a failure of the running test (the test goes on). */
void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* True when some log line captured during the current test contains needle. */
bool log_contains(const char *needle);
/* Number of log lines captured during the current test. */
unsigned log_count(void);
/* Forget the lines captured so far in this test. */
void log_clear(void);

/* panic() support: while armed, panic longjmps here instead of aborting. */
extern jmp_buf *test_panic_jmp;
extern char test_panic_msg[256];

#define EXPECT_TRUE(c)                                              \
    do {                                                            \
        if (!(c))                                                   \
            test_fail(__FILE__, __LINE__, "expected true: %s", #c); \
    } while (0)
#define EXPECT_FALSE(c) EXPECT_TRUE(!(c))
#define EXPECT_EQ(a, b)                                                                  \
    do {                                                                                 \
        unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b);   \
        if (_a != _b)                                                                    \
            test_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, _a, _b); \
    } while (0)
#define EXPECT_NE(a, b)                                                                \
    do {                                                                               \
        unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
        if (_a == _b)                                                                  \
            test_fail(__FILE__, __LINE__, "%s != %s: both 0x%llx", #a, #b, _a);        \
    } while (0)
#define EXPECT_LOG(needle)                                                        \
    do {                                                                          \
        if (!log_contains(needle))                                                \
            test_fail(__FILE__, __LINE__, "no log line contains \"%s\"", needle); \
    } while (0)
/* EXPECT_LOG with a printf-formatted needle. */
#define EXPECT_LOGF(...)                                 \
    do {                                                 \
        char _needle[200];                               \
        snprintf(_needle, sizeof(_needle), __VA_ARGS__); \
        EXPECT_LOG(_needle);                             \
    } while (0)

/* Expects call (run after the captured log is cleared) to return err and
 * to log exactly one line, containing the formatted needle: the "one
 * clear line per defect" rule. */
#define EXPECT_ONE_ERROR(call, err, ...) \
    do {                                 \
        log_clear();                     \
        EXPECT_EQ((call), (err));        \
        EXPECT_EQ(log_count(), 1);       \
        EXPECT_LOGF(__VA_ARGS__);        \
    } while (0)

/* Evaluates stmt and expects it to call panic(). It uses setjmp: locals
 * of the calling function that change between setjmp and the panic may be
 * clobbered (gcc -Wclobbered at -O2), so keep such calls in a small helper
 * function of their own. */
#define EXPECT_PANIC(stmt)                                                     \
    do {                                                                       \
        jmp_buf _jb;                                                           \
        test_panic_jmp = &_jb;                                                 \
        if (setjmp(_jb) == 0) {                                                \
            stmt;                                                              \
            test_panic_jmp = 0;                                                \
            test_fail(__FILE__, __LINE__, "expected a panic from: %s", #stmt); \
        }                                                                      \
        test_panic_jmp = 0;                                                    \
    } while (0)

/*
 * A seeded xorshift generator for randomized tests. test_random_init seeds
 * it and returns how many steps to run; the environment variables
 * UNIT_SEED and UNIT_STEPS override both, for soak runs by hand (the
 * default run is always the same).
 */
unsigned long long test_random_init(uint64_t seed, unsigned long long steps);
uint64_t test_rng_next(void);
uint32_t test_rng_below(uint32_t n);
