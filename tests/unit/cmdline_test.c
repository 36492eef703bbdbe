/* SPDX-License-Identifier: MIT */
/* Boot-option parsing: lookup, numbers, unknown keys. */
#include "core/cmdline.h"

#include <string.h>

#include "core/errno.h"
#include "harness.h"

TEST(find_bare_and_valued_keys)
{
    const char *v;
    size_t len;

    EXPECT_TRUE(cmdline_find("test.exit loglevel=3", "test.exit", &v, &len));
    EXPECT_EQ(len, 0);
    EXPECT_TRUE(cmdline_find("test.exit loglevel=3", "loglevel", &v, &len));
    EXPECT_EQ(len, 1);
    EXPECT_EQ(v[0], '3');
    EXPECT_FALSE(cmdline_find("loglevel=3", "log", &v, &len));
    EXPECT_FALSE(cmdline_find("xloglevel=3", "loglevel", &v, &len));
    EXPECT_FALSE(cmdline_find("", "loglevel", &v, &len));
    EXPECT_FALSE(cmdline_find("   ", "loglevel", &v, &len));
}

TEST(last_occurrence_wins_and_spaces_are_skipped)
{
    uint64_t n = 0;

    EXPECT_EQ(cmdline_uint("  maxcpus=2   maxcpus=4  ", "maxcpus", &n), 0);
    EXPECT_EQ(n, 4);
}

TEST(value_may_contain_equals)
{
    EXPECT_TRUE(cmdline_is("test.mbi=a=b", "test.mbi", "a=b"));
    EXPECT_FALSE(cmdline_is("test.mbi=a=b", "test.mbi", "a"));
}

TEST(numbers_are_checked)
{
    uint64_t n = 77;

    EXPECT_EQ(cmdline_uint("maxcpus=", "maxcpus", &n), -ERR_INVAL);
    EXPECT_LOG("needs a number");
    EXPECT_EQ(cmdline_uint("maxcpus=4x", "maxcpus", &n), -ERR_INVAL);
    EXPECT_LOG("'4x' is not a number");
    EXPECT_EQ(cmdline_uint("maxcpus=18446744073709551616", "maxcpus", &n), -ERR_INVAL);
    EXPECT_EQ(cmdline_uint("maxcpus=18446744073709551615", "maxcpus", &n), 0);
    EXPECT_EQ(n, 18446744073709551615ull);
    EXPECT_EQ(cmdline_uint("other=1", "maxcpus", &n), -ERR_NOENT);
}

TEST(unknown_keys_warn_once_each)
{
    static const char *const known[] = { "loglevel", "test.exit" };

    EXPECT_EQ(cmdline_warn_unknown("loglevel=2 bogus test.exit frob=1", known, 2), 2);
    EXPECT_LOG("unknown option 'bogus' ignored");
    EXPECT_LOG("unknown option 'frob' ignored");
    EXPECT_EQ(log_count(), 2);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(find_bare_and_valued_keys),
        TEST_ENTRY(last_occurrence_wins_and_spaces_are_skipped),
        TEST_ENTRY(value_may_contain_equals),
        TEST_ENTRY(numbers_are_checked),
        TEST_ENTRY(unknown_keys_warn_once_each),
        TEST_END,
    });
}
