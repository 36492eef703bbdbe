/* SPDX-License-Identifier: MIT */
/* The core's formatter against the C library's for every supported
 * conversion, plus truncation and unknown conversions. */
#include "core/fmt.h"

#include <stdio.h>
#include <string.h>

#include "harness.h"

static char got[128], want[128];

/* No format attribute, so it can also be fed deliberately malformed
 * formats; SAME's libc side still checks every well-formed one. */
static int fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    int r;

    va_start(ap, f);
    r = fmt_vsnprintf(buf, n, f, ap);
    va_end(ap);
    return r;
}

#define SAME(...)                                                                                  \
    do {                                                                                           \
        int r1 = fmt(got, sizeof(got), __VA_ARGS__);                                               \
        int r2 = snprintf(want, sizeof(want), __VA_ARGS__);                                        \
        if (strcmp(got, want) != 0 || r1 != r2)                                                    \
            test_fail(__FILE__, __LINE__, "got \"%s\" (%d), libc \"%s\" (%d)", got, r1, want, r2); \
    } while (0)

TEST(integers_match_libc)
{
    SAME("%d %i %u", 0, -1, 4000000000u);
    SAME("%d", -2147483647 - 1);
    SAME("%lld %llu", -9223372036854775807ll - 1, 18446744073709551615ull);
    SAME("%ld %lu %zu", -5l, 7ul, (size_t)123456);
    SAME("%x %X %llx", 0xbeefu, 0xbeefu, 0x0123456789abcdefull);
}

TEST(width_and_flags_match_libc)
{
    SAME("[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
    SAME("[%016llx] [%08x] [%-8x]", 0xabcull, 0x1fu, 0x1fu);
    SAME("[%10s] [%-10s] [%s]", "core", "core", "");
    SAME("[%c%c] [%3c]", 'o', 'k', 'x');
    SAME("100%% sure");
}

TEST(pointer_is_hex_with_prefix)
{
    fmt(got, sizeof(got), "%p", (void *)0xffff800000001000ull);
    EXPECT_TRUE(strcmp(got, "0xffff800000001000") == 0);
}

TEST(truncation_terminates_and_reports_full_length)
{
    char small[8];
    int r = fmt(small, sizeof(small), "%s-%d", "abcdef", 12345);

    EXPECT_EQ(r, 12);
    EXPECT_TRUE(strcmp(small, "abcdef-") == 0);
    EXPECT_EQ(fmt(small, 0, "%d", 7), 1); /* n == 0 writes nothing */
    EXPECT_EQ(fmt(small, 1, "xyz"), 3);
    EXPECT_EQ(small[0], 0);
}

TEST(unknown_conversion_is_copied_and_consumes_nothing)
{
    /* %q is unknown: it must not eat the argument meant for %d. */
    fmt(got, sizeof(got), "a %q b %d", 5);
    EXPECT_TRUE(strcmp(got, "a %q b 5") == 0);
    fmt(got, sizeof(got), "end %");
    EXPECT_TRUE(strcmp(got, "end %") == 0);
}

TEST(null_string_prints_marker)
{
    const char *volatile nothing = NULL;

    fmt(got, sizeof(got), "[%s]", nothing);
    EXPECT_TRUE(strcmp(got, "[(null)]") == 0);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(integers_match_libc),
        TEST_ENTRY(width_and_flags_match_libc),
        TEST_ENTRY(pointer_is_hex_with_prefix),
        TEST_ENTRY(truncation_terminates_and_reports_full_length),
        TEST_ENTRY(unknown_conversion_is_copied_and_consumes_nothing),
        TEST_ENTRY(null_string_prints_marker),
        TEST_END,
    });
}
