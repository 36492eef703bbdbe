/* SPDX-License-Identifier: MIT */
/*
 * How tools/mosaic shows answers (tools/mosaic/show.c): xl's state
 * letters, CPU lists (read back with lib/xl's parser), uptimes, and text
 * from the network made safe to print.
 */
#include "show.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "idl/control.h"
#include "xl_cpus.h"
#include "xl_mem.h"

static const char *state(uint16_t flags)
{
    static char s[7];

    show_domain_state(flags, s);
    return s;
}

TEST(domain_states)
{
    EXPECT_TRUE(!strcmp(state(0), "------"));
    EXPECT_TRUE(!strcmp(state(CONTROL_DOMF_RUNNING), "r-----"));
    EXPECT_TRUE(!strcmp(state(CONTROL_DOMF_BLOCKED), "-b----"));
    EXPECT_TRUE(!strcmp(state(CONTROL_DOMF_PAUSED), "--p---"));
    EXPECT_TRUE(!strcmp(state(CONTROL_DOMF_SHUTDOWN), "---s--"));
    EXPECT_TRUE(!strcmp(state(CONTROL_DOMF_SHUTDOWN | CONTROL_DOMF_CRASHED), "---sc-"));
    EXPECT_TRUE(!strcmp(state(CONTROL_DOMF_RUNNING | CONTROL_DOMF_SELF), "r-----"));
    EXPECT_TRUE(!strcmp(state(0xffff), "rbpsc-"));
}

TEST(vcpu_states)
{
    EXPECT_TRUE(!strcmp(show_vcpu_state(CONTROL_VCPU_RUNNING), "r--"));
    EXPECT_TRUE(!strcmp(show_vcpu_state(CONTROL_VCPU_BLOCKED), "-b-"));
    EXPECT_TRUE(!strcmp(show_vcpu_state(CONTROL_VCPU_RUNNABLE), "---"));
    EXPECT_TRUE(!strcmp(show_vcpu_state(CONTROL_VCPU_DOWN), "--p"));
}

static const char *cpus(uint64_t mask, uint64_t online)
{
    static char buf[SHOW_CPUS_MAX];

    show_cpus(mask, online, buf, sizeof(buf));
    return buf;
}

TEST(cpu_lists)
{
    EXPECT_TRUE(!strcmp(cpus(0x3, 0x3), "all"));
    EXPECT_TRUE(!strcmp(cpus(~0ull, 0x3), "all"));
    EXPECT_TRUE(!strcmp(cpus(0x2, 0x3), "1"));
    EXPECT_TRUE(!strcmp(cpus(0x27, 0xff), "0-2,5"));
    EXPECT_TRUE(!strcmp(cpus(0x27, 0), "0-2,5"));
    EXPECT_TRUE(!strcmp(cpus(0, 0x3), "none"));
    EXPECT_TRUE(!strcmp(cpus(1ull << 63 | 1, 0), "0,63"));
}

/* Every mask comes back from its text through lib/xl's parser; the
 * longest texts fit. */
TEST(cpu_lists_read_back)
{
    static const uint64_t worst[] = { 0x5555555555555555ull, 0x6db6db6db6db6db6ull, ~0ull, 1 };
    unsigned long long steps = test_random_init(0x5eed, 20000);
    char why[XL_CPUS_WHY_MAX];

    for (unsigned long long s = 0; s < steps + 4; s++) {
        uint64_t m = s < 4 ? worst[s] : test_rng_next() & test_rng_next(), back = 0, named;
        const char *text = cpus(m, 0);
        if (!m)
            continue;
        EXPECT_TRUE(strlen(text) < SHOW_CPUS_MAX - 1);
        EXPECT_EQ(xl_cpus_parse(text, &back, &named, why, sizeof(why)), 0);
        EXPECT_EQ(back, m);
    }
}

static const char *uptime(uint64_t s)
{
    static char b[48];

    show_uptime(s, b, sizeof(b));
    return b;
}

TEST(uptimes)
{
    EXPECT_TRUE(!strcmp(uptime(0), "0:00:00"));
    EXPECT_TRUE(!strcmp(uptime(61), "0:01:01"));
    EXPECT_TRUE(!strcmp(uptime(3600 * 23 + 59 * 60 + 59), "23:59:59"));
    EXPECT_TRUE(!strcmp(uptime(86400), "1 day, 0:00:00"));
    EXPECT_TRUE(!strcmp(uptime(86400 * 3 + 3723), "3 days, 1:02:03"));
}

TEST(names_made_safe)
{
    char out[40];
    const char raw[4] = { 'a', 'b', 'c', 'd' }; /* no NUL */

    show_name("guest-1", 32, out, sizeof(out));
    EXPECT_TRUE(!strcmp(out, "guest-1"));
    show_name("a\x1b[2Jb c\x7f", 32, out, sizeof(out));
    EXPECT_TRUE(!strcmp(out, "a?[2Jb?c?"));
    show_name(raw, sizeof(raw), out, sizeof(out));
    EXPECT_TRUE(!strcmp(out, "abcd"));
    show_name("abcdef", 32, out, 4);
    EXPECT_TRUE(!strcmp(out, "abc"));
    show_text("mosaic-control 1\t\x1b", 32, out, sizeof(out));
    EXPECT_TRUE(!strcmp(out, "mosaic-control 1??"));
}

/* What f received, NUL-terminated (a static buffer). */
static const char *printed(void (*print)(FILE *f, const void *arg, size_t n), const void *arg, size_t n)
{
    static char buf[256];
    FILE *f = tmpfile();
    size_t got;

    print(f, arg, n);
    rewind(f);
    got = fread(buf, 1, sizeof(buf) - 1, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

static void print_json(FILE *f, const void *s, size_t n)
{
    show_json_string(f, s, n);
}

static void print_log(FILE *f, const void *p, size_t n)
{
    show_log(f, p, n);
}

TEST(json_strings)
{
    EXPECT_TRUE(!strcmp(printed(print_json, "plain", 32), "\"plain\""));
    EXPECT_TRUE(!strcmp(printed(print_json, "q\"b\\", 32), "\"q\\\"b\\\\\""));
    EXPECT_TRUE(!strcmp(printed(print_json, "\x01\xff", 32), "\"\\u0001\\u00ff\""));
    EXPECT_TRUE(!strcmp(printed(print_json, "abcdef", 3), "\"abc\""));
}

TEST(log_text_made_safe)
{
    static const uint8_t log[] = "line 1\r\n\tindented\x1b]0;title\x07\n\xc3\xa9";

    EXPECT_TRUE(!strcmp(printed(print_log, log, sizeof(log) - 1), "line 1\n\tindented\\x1b]0;title\\x07\n\\xc3\\xa9"));
}

/* xl's parse_mem_size_kb: MiB by default, one suffix, bytes round down. */
TEST(memory_sizes)
{
    static const struct {
        const char *s;
        uint64_t kib; /* 0: refused */
    } cases[] = {
        { "96", 96 * 1024 },
        { "96m", 96 * 1024 },
        { "96M", 96 * 1024 },
        { "3072k", 3072 },
        { "3072K", 3072 },
        { "1g", 1 << 20 },
        { "1t", 1ull << 30 },
        { "1T", 1ull << 30 },
        { "4096b", 4 },
        { "2047B", 1 },
        { "1023b", 0 },
        { "0", 0 },
        { "0k", 0 },
        { "", 0 },
        { "k", 0 },
        { "-5", 0 },
        { "+5", 0 },
        { "5 ", 0 },
        { " 5", 0 },
        { "5kb", 0 },
        { "5x", 0 },
        { "2t", 0 },
        { "1048577m", 0 },
        { "1048576m", 1ull << 30 },
        { "1073741824", 0 },
        { "1073741824k", 1ull << 30 },
        { "9999999999999", 0 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t kib = 12345;
        int r = xl_mem_size_kib(cases[i].s, &kib);
        if (cases[i].kib ? r != 0 || kib != cases[i].kib : r != -1 || kib != 12345)
            test_fail(__FILE__, __LINE__, "'%s': %d, %llu KiB", cases[i].s, r, (unsigned long long)kib);
    }
}

int main(void)
{
    return test_run((const struct test[]){ TEST_ENTRY(domain_states), TEST_ENTRY(vcpu_states), TEST_ENTRY(cpu_lists),
                                           TEST_ENTRY(cpu_lists_read_back), TEST_ENTRY(uptimes),
                                           TEST_ENTRY(names_made_safe), TEST_ENTRY(json_strings),
                                           TEST_ENTRY(log_text_made_safe), TEST_ENTRY(memory_sizes), TEST_END });
}
