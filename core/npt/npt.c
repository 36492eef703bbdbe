/* SPDX-License-Identifier: MIT */
/*
 * Nested page tables. A leaf remembers, in a bit the hardware ignores,
 * whether the domain owns the frame (its RAM) or only maps it (a boot
 * module lent read-only), so destroying the domain returns exactly the
 * frames that were its own. Portable: frames come and go through the
 * npt_env_* hooks (npt.h); no lock and no TLB flush here.
 */
#include "core/npt.h"
#include "core/env.h"
#include "core/errno.h"

#define E_P     (1ull << 0)
#define E_W     (1ull << 1)
#define E_U     (1ull << 2)
#define E_PWT   (1ull << 3)
#define E_PCD   (1ull << 4)
#define E_OWNED (1ull << 9)  /* available to software */
#define E_MMIO  (1ull << 10) /* available to software: NPT_MMIO */
#define E_NX    (1ull << 63)
#define E_ADDR  0x000ffffffffff000ull

static unsigned npt_index(uint64_t gpa, unsigned level)
{
    return (unsigned)(gpa >> (12 + 9 * (level - 1))) & 511;
}

int npt_create(struct npt *n)
{
    memset(n, 0, sizeof(*n));
    if (npt_env_alloc(&n->root) != 0) {
        n->root = 0;
        return -ERR_NOMEM;
    }
    n->tables = 1;
    return 0;
}

static uint64_t *npt_leaf_slot(struct npt *n, uint64_t gpa, bool create)
{
    uint64_t *t = npt_env_table(n->root);

    for (unsigned level = 4; level > 1; level--) {
        uint64_t *e = &t[npt_index(gpa, level)];
        if (!(*e & E_P)) {
            paddr_t pa;
            if (!create || npt_env_alloc(&pa) != 0)
                return NULL;
            n->tables++;
            *e = pa | E_P | E_W | E_U; /* leaves decide the rights */
        }
        t = npt_env_table(*e & E_ADDR);
    }
    return &t[npt_index(gpa, 1)];
}

int npt_map(struct npt *n, uint64_t gpa, paddr_t mpa, unsigned flags)
{
    uint64_t *e;

    if (gpa >> 48)
        return -ERR_RANGE;
    if (!n->root)
        return -ERR_INVAL;
    e = npt_leaf_slot(n, gpa, true);
    if (!e)
        return -ERR_NOMEM;
    if (*e & E_P)
        return -ERR_EXIST;
    *e = (mpa & E_ADDR) | E_P | E_U | (flags & NPT_W ? E_W : 0) | (flags & NPT_X ? 0 : E_NX) |
         (flags & NPT_OWNED ? E_OWNED : 0) | (flags & NPT_MMIO ? E_MMIO | E_PCD | E_PWT : 0);
    if (flags & NPT_OWNED)
        n->owned++;
    return 0;
}

int npt_unmap(struct npt *n, uint64_t gpa, paddr_t *mpa)
{
    uint64_t *e = (gpa >> 48) || !n->root ? NULL : npt_leaf_slot(n, gpa, false);

    if (!e || !(*e & E_P))
        return -ERR_NOENT;
    *mpa = *e & E_ADDR;
    if (*e & E_OWNED)
        n->owned--;
    *e = 0;
    /* The caller flushes guest TLBs (every VMRUN flushes for now). */
    return 0;
}

static unsigned npt_flags(uint64_t e)
{
    return (e & E_W ? NPT_W : 0) | (e & E_NX ? 0 : NPT_X) | (e & E_OWNED ? NPT_OWNED : 0) | (e & E_MMIO ? NPT_MMIO : 0);
}

int npt_lookup(const struct npt *n, uint64_t gpa, paddr_t *mpa, unsigned *flags)
{
    const uint64_t *t;
    uint64_t e;

    if ((gpa >> 48) || !n->root)
        return -ERR_NOENT;
    t = npt_env_table(n->root);
    for (unsigned level = 4; level > 1; level--) {
        e = t[npt_index(gpa, level)];
        if (!(e & E_P))
            return -ERR_NOENT;
        t = npt_env_table(e & E_ADDR);
    }
    e = t[npt_index(gpa, 1)];
    if (!(e & E_P))
        return -ERR_NOENT;
    *mpa = (e & E_ADDR) | (gpa & (PAGE_SIZE - 1));
    *flags = npt_flags(e);
    return 0;
}

static int npt_walk_table(paddr_t table, unsigned level, uint64_t base, npt_walk_fn fn, void *arg)
{
    const uint64_t *t = npt_env_table(table);
    int r = 0;

    for (unsigned i = 0; r == 0 && i < 512; i++) {
        uint64_t gpa = base | (uint64_t)i << (12 + 9 * (level - 1));
        if (!(t[i] & E_P))
            continue;
        r = level > 1 ? npt_walk_table(t[i] & E_ADDR, level - 1, gpa, fn, arg)
                      : fn(arg, gpa, t[i] & E_ADDR, npt_flags(t[i]));
    }
    return r;
}

int npt_walk(const struct npt *n, npt_walk_fn fn, void *arg)
{
    return n->root ? npt_walk_table(n->root, 4, 0, fn, arg) : 0;
}

static size_t npt_free_table(struct npt *n, paddr_t table, unsigned level)
{
    uint64_t *t = npt_env_table(table);
    size_t freed = 1;

    for (unsigned i = 0; i < 512; i++) {
        if (!(t[i] & E_P))
            continue;
        if (level > 1) {
            freed += npt_free_table(n, t[i] & E_ADDR, level - 1);
        } else if (t[i] & E_OWNED) {
            npt_env_free(t[i] & E_ADDR);
            n->owned--;
            freed++;
        }
    }
    npt_env_free(table);
    n->tables--;
    return freed;
}

size_t npt_destroy(struct npt *n)
{
    size_t freed = n->root ? npt_free_table(n, n->root, 4) : 0;

    n->root = 0;
    return freed;
}
