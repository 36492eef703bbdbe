/* SPDX-License-Identifier: MIT */
/* Clamping guest-chosen indexes so mispredicted bounds checks cannot
 * read out of range (STYLE 12). */
#pragma once

#include "core/types.h"

/* index_nospec: idx when idx < size, else 0, computed without a branch. */
static inline size_t index_nospec(size_t idx, size_t size)
{
    /* All ones when idx < size (both differences non-negative), else 0. */
    size_t mask = (size_t)(~(int64_t)(idx | (size - 1 - idx)) >> 63);

    __asm__("" : "+r"(mask)); /* keep the compiler from turning it into a branch */
    return idx & mask;
}
