/* SPDX-License-Identifier: MIT */
/*
 * The victim: creates the rendezvous node (the attacker may write it),
 * fills all the heap it can get with a pattern that names each word's
 * address, says "ready", waits for the attacker's "done" and checks every
 * word. A stray DMA write anywhere in that memory shows as a word that no
 * longer names its address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmatest.h"
#include "mosaic/test.h"
#include "mosaic/time.h"

#define CHUNK      (1024 * 1024)
#define MAX_CHUNKS 4096
#define RESERVE    2 /* chunks given back, for stdio and the store client */

static uint64_t *chunk[MAX_CHUNKS];
static unsigned nr_chunks;

static inline uint64_t pattern(const uint64_t *p)
{
    return (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull ^ 0x0123456789abcdefull;
}

static void fill(void)
{
    while (nr_chunks < MAX_CHUNKS && (chunk[nr_chunks] = malloc(CHUNK)) != NULL)
        nr_chunks++;
    for (unsigned i = 0; i < RESERVE && nr_chunks; i++)
        free(chunk[--nr_chunks]);
    for (unsigned c = 0; c < nr_chunks; c++)
        for (size_t i = 0; i < CHUNK / sizeof(uint64_t); i++)
            chunk[c][i] = pattern(&chunk[c][i]);
}

/* Words that no longer hold their pattern; the first one's address. */
static uint64_t count_changed(const uint64_t **first)
{
    uint64_t bad = 0;

    *first = NULL;
    for (unsigned c = 0; c < nr_chunks; c++)
        for (size_t i = 0; i < CHUNK / sizeof(uint64_t); i++)
            if (((volatile uint64_t *)chunk[c])[i] != pattern(&chunk[c][i])) {
                if (!bad++)
                    *first = &chunk[c][i];
            }
    return bad;
}

/* The node, owned by this domain, readable and writable by the attacker. */
static long make_node(uint16_t attacker)
{
    char perms[32], domid[16];
    long r;
    int n;

    if ((r = xenbus_read(dmat_xenbus(), 0, "domid", domid, sizeof(domid))) <= 0)
        return r ? r : -XEN_ENOENT;
    if ((r = xenbus_write(dmat_xenbus(), 0, DMAT_NODE, "filling")) != 0)
        return r;
    n = snprintf(perms, sizeof(perms), "n%s", domid) + 1;
    n += snprintf(perms + n, sizeof(perms) - (size_t)n, "b%u", attacker) + 1;
    return xenbus_set_perms(dmat_xenbus(), 0, DMAT_NODE, perms, (size_t)n);
}

int dmat_victim(const struct dmat_args *a)
{
    char value[64];
    const uint64_t *first;
    uint64_t changed, t0;
    long r;

    r = make_node(a->peer);
    if (!test_check(r == 0, "dma-victim-node", DMAT_NODE " in its home, writable by d%u: %ld", a->peer, r))
        return 1;
    t0 = runtime_time_ns();
    fill();
    if (!test_check(nr_chunks > 0, "dma-victim-filled", "%u MiB of its RAM hold the pattern (%llu ms)", nr_chunks,
                    (unsigned long long)((runtime_time_ns() - t0) / DMAT_MS)))
        return 1;
    if ((r = xenbus_write(dmat_xenbus(), 0, DMAT_NODE, "ready")) != 0)
        return test_check(false, "dma-victim-ready", "writing ready: %ld", r), 1;
    if (!test_check(dmat_wait_node(DMAT_NODE, "done", 4 * DMAT_RENDEZVOUS_NS), "dma-victim-told",
                    "the attacker wrote done"))
        return 1;
    (void)xenbus_read(dmat_xenbus(), 0, DMAT_NODE, value, sizeof(value));
    changed = count_changed(&first);
    test_check(changed == 0, "dma-victim-intact", "%u MiB checked word by word after the attack (%s): %llu changed%s",
               nr_chunks, value, (unsigned long long)changed, changed ? ", the first shown below" : "");
    if (changed)
        printf("dmatest: victim: first changed word at %p: %#llx\n", (const void *)first, (unsigned long long)*first);
    return 0;
}
