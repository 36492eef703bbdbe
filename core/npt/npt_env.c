/* SPDX-License-Identifier: MIT */
/*
 * The kernel's npt_env_* hooks (npt.h): table frames from the global frame
 * allocator, reached through the direct map. Host tests supply their own.
 */
#include "core/mm.h"
#include "core/npt.h"

int npt_env_alloc(paddr_t *pa)
{
    return frame_alloc_zeroed(pa);
}

void npt_env_free(paddr_t pa)
{
    frame_free(pa);
}

uint64_t *npt_env_table(paddr_t pa)
{
    return phys_to_virt(pa);
}
