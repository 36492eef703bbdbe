/* SPDX-License-Identifier: MIT */
/*
 * The victim: creates the rendezvous node (the attacker may write it),
 * fills all the heap it can get with the address pattern (pattern.c),
 * says "ready", waits for the attacker's "done" and checks every word.
 */
#include <stdio.h>
#include <string.h>

#include "dmatest.h"
#include "mosaic/test.h"
#include "mosaic/time.h"

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
    unsigned filled;
    long r;

    r = make_node(a->peer);
    if (!test_check(r == 0, "dma-victim-node", DMAT_NODE " in its home, writable by d%u: %ld", a->peer, r))
        return 1;
    t0 = runtime_time_ns();
    filled = dmat_pattern_fill(2);
    if (!test_check(filled > 0, "dma-victim-filled", "%u MiB of its RAM hold the pattern (%llu ms)", filled,
                    (unsigned long long)((runtime_time_ns() - t0) / DMAT_MS)))
        return 1;
    if ((r = xenbus_write(dmat_xenbus(), 0, DMAT_NODE, "ready")) != 0)
        return test_check(false, "dma-victim-ready", "writing ready: %ld", r), 1;
    if (!test_check(dmat_wait_node(DMAT_NODE, "done", 4 * DMAT_RENDEZVOUS_NS), "dma-victim-told",
                    "the attacker wrote done"))
        return 1;
    (void)xenbus_read(dmat_xenbus(), 0, DMAT_NODE, value, sizeof(value));
    changed = dmat_pattern_changed(&first);
    test_check(changed == 0, "dma-victim-intact", "%u MiB checked word by word after the attack (%s): %llu changed%s",
               filled, value, (unsigned long long)changed, changed ? ", the first shown below" : "");
    if (changed)
        printf("dmatest: victim: first changed word at %p: %#llx\n", (const void *)first, (unsigned long long)*first);
    return 0;
}
