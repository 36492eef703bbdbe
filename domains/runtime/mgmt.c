/* SPDX-License-Identifier: MIT */
/* Management hypercall wrappers (mosaic/mgmt.h). */
#include "mosaic/mgmt.h"

#include "mosaic/hypercall.h"

long mgmt_call(uint32_t cmd, void *arg, size_t size)
{
    return hypercall3(MOSAIC_HYPERCALL_MGMT, cmd, (unsigned long)(uintptr_t)arg, size);
}

long mgmt_gnttab_seed(uint16_t domid, uint32_t ref, uint16_t grantee, uint64_t gfn, bool readonly)
{
    struct mgmt_gnttab_seed s = {
        .domid = domid, .grantee = grantee, .ref = ref, .flags = readonly ? MGMT_GNTTAB_SEED_READONLY : 0, .gfn = gfn
    };

    return mgmt_call(MGMT_GNTTAB_SEED, &s, sizeof(s));
}
