/* SPDX-License-Identifier: MIT */
/*
 * xl's CPU lists (domains/builder/xl_cpus.c), both ways, and the
 * manifest keys built on them or naming a controller: cpus in its
 * comma-separated form, handover with each of its refusals.
 */
#include "xl_cpus.h"

#include <string.h>

#include "harness.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "manifest_caught.h"

static uint64_t parsed(const char *text)
{
    uint64_t m = 0xdead;

    EXPECT_EQ(xl_cpus_parse(text, &m), 0);
    return m;
}

TEST(cpus_parsed)
{
    EXPECT_EQ(parsed("0"), 0x1);
    EXPECT_EQ(parsed("3"), 0x8);
    EXPECT_EQ(parsed("0-1"), 0x3);
    EXPECT_EQ(parsed("0-2,5"), 0x27);
    EXPECT_EQ(parsed(" 1 , 3 - 4 "), 0x1a);
    EXPECT_EQ(parsed("63"), 1ull << 63);
    EXPECT_EQ(parsed("0-63"), ~0ull);
    EXPECT_EQ(parsed("60-63"), 0xfull << 60);
    EXPECT_EQ(parsed("all"), ~0ull);
    EXPECT_EQ(parsed(" all "), ~0ull);
    EXPECT_EQ(parsed("2,2,1-2"), 0x6);
}

TEST(cpus_refused)
{
    static const char *const bad[] = { "",      " ",    "64", "0-64",    "3-1", "1,",
                                       ",1",    "1,,2", "a",  "1-",      "-1",  "1 2",
                                       "all,1", "alls", "^1", "nodes:0", "1.5", "99999999999999999999" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t m = 0x5a5a;
        if (xl_cpus_parse(bad[i], &m) != -XEN_EINVAL || m != 0x5a5a)
            test_fail(__FILE__, __LINE__, "'%s' was taken (0x%llx)", bad[i], (unsigned long long)m);
    }
}

static const char *formatted(uint64_t mask, uint64_t online)
{
    static char buf[XL_CPUS_TEXT_MAX];

    xl_cpus_format(mask, online, buf, sizeof(buf));
    return buf;
}

TEST(cpus_formatted)
{
    EXPECT_TRUE(!strcmp(formatted(0x3, 0x3), "all"));
    EXPECT_TRUE(!strcmp(formatted(~0ull, 0x3), "all"));
    EXPECT_TRUE(!strcmp(formatted(0x2, 0x3), "1"));
    EXPECT_TRUE(!strcmp(formatted(0x27, 0xff), "0-2,5"));
    EXPECT_TRUE(!strcmp(formatted(0x27, 0), "0-2,5"));
    EXPECT_TRUE(!strcmp(formatted(0, 0x3), "none"));
    EXPECT_TRUE(!strcmp(formatted(1ull << 63 | 1, 0), "0,63"));
}

/* Every mask comes back from its text; the longest text fits. */
TEST(cpus_round_trip)
{
    unsigned long long steps = test_random_init(0x5eed, 20000);
    char buf[XL_CPUS_TEXT_MAX];

    for (unsigned long long s = 0; s < steps; s++) {
        uint64_t m = test_rng_next() & test_rng_next(), back = 0;
        if (!m)
            continue;
        xl_cpus_format(m, 0, buf, sizeof(buf));
        EXPECT_TRUE(strlen(buf) < sizeof(buf) - 1);
        EXPECT_EQ(xl_cpus_parse(buf, &back), 0);
        EXPECT_EQ(back, m);
    }
    xl_cpus_format(0x5555555555555555ull, 0, buf, sizeof(buf));
    EXPECT_EQ(parsed(buf), 0x5555555555555555ull);
    xl_cpus_format(0x6db6db6db6db6db6ull, 0, buf, sizeof(buf));
    EXPECT_EQ(parsed(buf), 0x6db6db6db6db6db6ull);
}

TEST(manifest_cpus_list_form)
{
    static struct manifest m;
    char out[1024];

    manifest_caught("[a]\nimage = x\nmemory = 1\ncpus = \"0,2-3\"\n[b]\nimage = x\nmemory = 1\ncpus = 1-0\n", &m, NULL,
                    NULL, out, sizeof(out));
    EXPECT_EQ(m.count, 2);
    EXPECT_TRUE(m.dom[0].valid);
    EXPECT_EQ(m.dom[0].cpumask, 0xd);
    EXPECT_FALSE(m.dom[1].valid);
    EXPECT_TRUE(strstr(out, "manifest:8: bad value for 'cpus': 1-0") != NULL);
}

#define CONTROL_SECTION "[control]\nimage = c\nmemory = 1\ncaps = control, log\n"

TEST(manifest_handover)
{
    static struct manifest m;
    char out[1024];

    manifest_caught(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\nhandover = control\n", &m, NULL, NULL, out,
                    sizeof(out));
    EXPECT_EQ(m.errors, 0);
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_TRUE(!strcmp(m.dom[1].handover, "control"));
    EXPECT_EQ(m.dom[1].handover_line, 8);
    EXPECT_EQ(m.dom[0].caps, MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_LOG);
    EXPECT_TRUE(m.dom[0].handover[0] == '\0');
}

TEST(manifest_handover_refused)
{
    manifest_refuses(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\n", "handover = nobody",
                     "manifest:8: [guest] bad value for 'handover': no section before it is named so", __FILE__,
                     __LINE__);
    manifest_refuses(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\n", "handover = guest",
                     "manifest:8: [guest] bad value for 'handover': no section before it is named so", __FILE__,
                     __LINE__);
    manifest_refuses("[control]\nimage = c\nmemory = 1\ncaps = log\n[guest]\nimage = g\nmemory = 1\n",
                     "handover = control", "that domain lacks the control capability (caps = control)", __FILE__,
                     __LINE__);
    manifest_refuses(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\nvif = ['backend=control']\n",
                     "handover = control", "a domain with disks, vifs or a service stays with the builder", __FILE__,
                     __LINE__);
    manifest_refuses(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\n",
                     "handover = 0123456789012345678901234567890123456789", "bad value for 'handover'", __FILE__,
                     __LINE__);
}

int main(void)
{
    return test_run((const struct test[]){ TEST_ENTRY(cpus_parsed), TEST_ENTRY(cpus_refused),
                                           TEST_ENTRY(cpus_formatted), TEST_ENTRY(cpus_round_trip),
                                           TEST_ENTRY(manifest_cpus_list_form), TEST_ENTRY(manifest_handover),
                                           TEST_ENTRY(manifest_handover_refused), TEST_END });
}
