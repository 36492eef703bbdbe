/* SPDX-License-Identifier: MIT */
/*
 * The builder's manifest: the handover key (a domain given to a
 * toolstack once it runs) with each of its refusals, and the cpus key in
 * xl's CPU-list forms (lib/xl's xl_cpus.c, tested there in full).
 */
#include "manifest.h"

#include <string.h>

#include "harness.h"
#include "idl/mgmt.h"
#include "manifest_caught.h"

TEST(manifest_cpus_list_form)
{
    static struct manifest m;
    char out[1024];

    manifest_caught("[a]\nimage = x\nmemory = 1\ncpus = \"0,2-3\"\n[b]\nimage = x\nmemory = 1\ncpus = 1-0\n"
                    "[c]\nimage = x\nmemory = 1\ncpus = 0-3,^1\n[d]\nimage = x\nmemory = 1\ncpus = all\n",
                    &m, NULL, NULL, out, sizeof(out));
    EXPECT_EQ(m.count, 4);
    EXPECT_TRUE(m.dom[0].valid);
    EXPECT_EQ(m.dom[0].cpumask, 0xd);
    EXPECT_FALSE(m.dom[1].valid);
    EXPECT_TRUE(strstr(out, "manifest:8: bad value for 'cpus': 1-0") != NULL);
    EXPECT_EQ(m.dom[2].cpumask, 0xd);
    EXPECT_EQ(m.dom[3].cpumask, ~0ull);
    EXPECT_EQ(m.errors, 1);
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

TEST(manifest_handover_with_devices)
{
    static struct manifest m;
    char out[1024];

    manifest_caught(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\nvif = ['backend=control']\nhandover = control\n",
                    &m, NULL, NULL, out, sizeof(out));
    EXPECT_EQ(m.errors, 0);
    EXPECT_TRUE(m.dom[1].valid);
    EXPECT_EQ(m.dom[1].nr_vifs, 1);
    EXPECT_TRUE(!strcmp(m.dom[1].handover, "control"));
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
    manifest_refuses(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\nservice = console\n", "handover = control",
                     "manifest:9: [guest] bad value for 'handover': a service domain stays with the builder", __FILE__,
                     __LINE__);
    manifest_refuses(CONTROL_SECTION "[guest]\nimage = g\nmemory = 1\n",
                     "handover = 0123456789012345678901234567890123456789", "bad value for 'handover'", __FILE__,
                     __LINE__);
}

int main(void)
{
    return test_run((const struct test[]){ TEST_ENTRY(manifest_cpus_list_form), TEST_ENTRY(manifest_handover),
                                           TEST_ENTRY(manifest_handover_with_devices),
                                           TEST_ENTRY(manifest_handover_refused), TEST_END });
}
