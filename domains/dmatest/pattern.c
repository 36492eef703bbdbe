/* SPDX-License-Identifier: MIT */
/*
 * A domain's own RAM as a witness: as much heap as it can take, each
 * 64-bit word holding a pattern computed from its own address, so a
 * stray DMA write anywhere in it (disk data, or a page that landed at an
 * aliased address) shows as words that no longer name their address.
 */
#include <stdlib.h>

#include "dmatest.h"

#define CHUNK      (1024 * 1024)
#define MAX_CHUNKS 4096

static uint64_t *chunk[MAX_CHUNKS];
static unsigned nr_chunks;

static inline uint64_t pattern(const uint64_t *p)
{
    return (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull ^ 0x0123456789abcdefull;
}

unsigned dmat_pattern_fill(unsigned reserve_mib)
{
    while (nr_chunks < MAX_CHUNKS && (chunk[nr_chunks] = malloc(CHUNK)) != NULL)
        nr_chunks++;
    for (unsigned i = 0; i < reserve_mib && nr_chunks; i++)
        free(chunk[--nr_chunks]);
    for (unsigned c = 0; c < nr_chunks; c++)
        for (size_t i = 0; i < CHUNK / sizeof(uint64_t); i++)
            chunk[c][i] = pattern(&chunk[c][i]);
    return nr_chunks;
}

uint64_t dmat_pattern_changed(const uint64_t **first)
{
    uint64_t bad = 0;

    *first = NULL;
    for (unsigned c = 0; c < nr_chunks; c++)
        for (size_t i = 0; i < CHUNK / sizeof(uint64_t); i++)
            if (((volatile uint64_t *)chunk[c])[i] != pattern(&chunk[c][i]) && !bad++)
                *first = &chunk[c][i];
    return bad;
}
