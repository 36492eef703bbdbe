/* SPDX-License-Identifier: MIT */
/* Capability delegation rules: narrowing only. */
#include "core/cap.h"
#include "core/errno.h"

int cap_check_grant(cap_t granter, cap_t wanted)
{
    if (wanted & ~CAP_ALL)
        return -ERR_INVAL;
    if (!cap_has(granter, CAP_CAP_GRANT) || !cap_has(granter, wanted))
        return -ERR_PERM;
    return 0;
}
