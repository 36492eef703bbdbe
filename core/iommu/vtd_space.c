/* SPDX-License-Identifier: MIT */
/*
 * VT-d second-level page tables (vtd_space.h): the walk, map, unmap and
 * teardown of a domain's DMA address space, built from its nested page
 * table. Knows nothing of units, invalidation or locks.
 */
#include "core/vtd_space.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/vtd.h"

static unsigned space_index(uint64_t gfn, unsigned level)
{
    return (unsigned)(gfn >> (9 * (level - 1))) & 511;
}

int vtd_space_create(struct vtd_space *s, unsigned levels)
{
    ASSERT(levels == 3 || levels == 4);
    memset(s, 0, sizeof(*s));
    if (npt_env_alloc(&s->root) != 0) {
        s->root = 0;
        return -ERR_NOMEM;
    }
    s->tables = 1;
    s->levels = levels;
    return 0;
}

/* The leaf entry for gfn, making tables on the way when create. */
static uint64_t *space_leaf(struct vtd_space *s, uint64_t gfn, bool create)
{
    uint64_t *t = npt_env_table(s->root);

    for (unsigned level = s->levels; level > 1; level--) {
        uint64_t *e = &t[space_index(gfn, level)];
        if (!(*e & (VTD_SL_R | VTD_SL_W))) {
            paddr_t pa;
            if (!create || npt_env_alloc(&pa) != 0)
                return NULL;
            s->tables++;
            *e = pa | VTD_SL_R | VTD_SL_W; /* leaves decide the rights */
            vtd_env_flush(e, sizeof(*e));
        }
        t = npt_env_table(*e & VTD_ADDR_MASK);
    }
    return &t[space_index(gfn, 1)];
}

int vtd_space_map(struct vtd_space *s, uint64_t gfn, mfn_t mfn, bool writable)
{
    uint64_t *e;

    ASSERT(s->root != 0);
    if (gfn >> (9 * s->levels))
        return -ERR_RANGE;
    e = space_leaf(s, gfn, true);
    if (!e)
        return -ERR_NOMEM;
    if (*e)
        return -ERR_EXIST;
    *e = ((mfn << PAGE_SHIFT) & VTD_ADDR_MASK) | VTD_SL_R | (writable ? VTD_SL_W : 0);
    vtd_env_flush(e, sizeof(*e));
    return 0;
}

bool vtd_space_unmap(struct vtd_space *s, uint64_t gfn)
{
    uint64_t *e = (gfn >> (9 * s->levels)) || !s->root ? NULL : space_leaf(s, gfn, false);

    if (!e || !*e)
        return false;
    *e = 0;
    vtd_env_flush(e, sizeof(*e));
    return true;
}

static int space_build_one(void *arg, uint64_t gpa, paddr_t mpa, unsigned flags)
{
    struct vtd_space *s = arg;
    int r = flags & NPT_OWNED ? vtd_space_map(s, gpa >> PAGE_SHIFT, mpa >> PAGE_SHIFT, flags & NPT_W) : 0;

    return r == -ERR_RANGE ? 0 : r; /* a device cannot address it: nothing to map */
}

int vtd_space_build(struct vtd_space *s, const struct npt *n)
{
    return npt_walk(n, space_build_one, s);
}

static size_t space_free_table(paddr_t table, unsigned level)
{
    uint64_t *t = npt_env_table(table);
    size_t freed = 1;

    for (unsigned i = 0; level > 1 && i < 512; i++)
        if (t[i])
            freed += space_free_table(t[i] & VTD_ADDR_MASK, level - 1);
    npt_env_free(table);
    return freed;
}

size_t vtd_space_destroy(struct vtd_space *s)
{
    size_t freed = s->root ? space_free_table(s->root, s->levels) : 0;

    s->root = 0;
    s->tables = 0;
    return freed;
}
