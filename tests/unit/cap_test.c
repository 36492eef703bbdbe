/* SPDX-License-Identifier: MIT */
/* Capability delegation: a grant can only narrow, checked exhaustively
 * over every pair of capability sets. */
#include "core/cap.h"

#include "core/errno.h"
#include "harness.h"

TEST(grant_is_allowed_exactly_for_subsets_when_granter_may_grant)
{
    for (cap_t g = 0; g <= CAP_ALL; g++) {
        for (cap_t w = 0; w <= CAP_ALL; w++) {
            int r = cap_check_grant(g, w);
            bool ok = (g & CAP_CAP_GRANT) && (w & ~g) == 0;
            if ((r == 0) != ok || (r != 0 && r != -ERR_PERM))
                test_fail(__FILE__, __LINE__, "granter 0x%llx wanted 0x%llx: got %d", (unsigned long long)g,
                          (unsigned long long)w, r);
        }
    }
}

TEST(unknown_bits_are_invalid_even_for_the_all_powerful)
{
    EXPECT_EQ(cap_check_grant(CAP_ALL, 1ull << 40), -ERR_INVAL);
    EXPECT_EQ(cap_check_grant(CAP_ALL, CAP_ALL | (1ull << 63)), -ERR_INVAL);
}

TEST(a_chain_of_grants_never_widens)
{
    /* Each step grants a subset of what the previous one held. */
    cap_t held = CAP_ALL;
    cap_t steps[] = { CAP_ALL & ~CAP_DOMAIN_CREATE, CAP_CAP_GRANT | CAP_DOMAIN_CONTROL, CAP_DOMAIN_CONTROL };

    for (unsigned i = 0; i < 3; i++) {
        EXPECT_EQ(cap_check_grant(held, steps[i]), 0);
        held = steps[i];
    }
    /* Without CAP_CAP_GRANT the last holder can give nothing away, not even nothing new. */
    EXPECT_EQ(cap_check_grant(held, CAP_DOMAIN_CONTROL), -ERR_PERM);
    EXPECT_EQ(cap_check_grant(held, CAP_DOMAIN_CREATE), -ERR_PERM);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(grant_is_allowed_exactly_for_subsets_when_granter_may_grant),
        TEST_ENTRY(unknown_bits_are_invalid_even_for_the_all_powerful),
        TEST_ENTRY(a_chain_of_grants_never_widens),
        TEST_END,
    });
}
