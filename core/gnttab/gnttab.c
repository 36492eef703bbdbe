/* SPDX-License-Identifier: MIT */
/*
 * Grant-table bookkeeping (gnttab.h): validating and pinning a granter's
 * entries, the maptrack handles of mappers, copies between granted
 * frames, and what happens to mappings when either side dies. Guest
 * memory, frames and nested page tables are reached through the
 * gnttab_env_* hooks only; no lock is taken here.
 */
#include "core/gnttab.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/nospec.h"

#define GNT_PAGE_SIZE 4096u
#define ACQUIRE_TRIES 4 /* a granter that keeps changing its entry loses, as on Xen */

static uint32_t *entry_word(const struct gnttab_table *t, grant_ref_t ref)
{
    /* flags (16 bits) and domid (16 bits) as one word, so both change together */
    return (uint32_t *)(void *)(t->shared[ref / GNTTAB_ENTRIES_PER_FRAME] + (ref % GNTTAB_ENTRIES_PER_FRAME) * 8);
}

static struct gnttab_active *active_of(const struct gnttab_table *t, grant_ref_t ref)
{
    return &t->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

void gnttab_table_init(struct gnttab_table *t, uint16_t dom)
{
    memset(t, 0, sizeof(*t));
    t->dom = dom;
}

int gnttab_add_frame(struct gnttab_table *t, void *shared, void *active)
{
    if (t->nr_frames >= GNTTAB_MAX_FRAMES)
        return -ERR_NOSPC;
    t->shared[t->nr_frames] = shared;
    t->active[t->nr_frames] = active;
    t->nr_frames++;
    return 0;
}

int gnttab_add_maptrack(struct gnttab_table *t, void *frame)
{
    if (t->nr_maptrack_frames >= GNTTAB_MAPTRACK_FRAMES)
        return -ERR_NOSPC;
    t->maptrack[t->nr_maptrack_frames++] = frame;
    return 0;
}

bool gnttab_maptrack_full(const struct gnttab_table *t)
{
    return t->nr_maps >= (uint32_t)t->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME;
}

static struct gnttab_map *map_of(const struct gnttab_table *t, grant_handle_t h)
{
    return &t->maptrack[h / GNTTAB_MAPS_PER_FRAME][h % GNTTAB_MAPS_PER_FRAME];
}

/*
 * Pins ref of granter gt for domain mapper: the entry must permit access
 * to mapper (and writing unless ro); GTF_reading (and GTF_writing) go up
 * in the same compare-and-swap that checks it. The frame is read once, at
 * the first pin. GNTST_*; on success *mfn is the machine frame. An entry
 * of another type or for another domain, a writable pin of a read-only
 * one, and an entry that keeps changing are GNTST_general_error, as Xen's
 * _set_status_v1 has them (for mapping and copying alike).
 */
static int acquire(struct gnttab_table *gt, uint16_t mapper, grant_ref_t ref, bool ro, uint64_t *mfn)
{
    struct gnttab_active *act;
    uint32_t *w, old, set = GTF_READING | (ro ? 0 : GTF_WRITING);
    unsigned tries = 0;

    if (ref >= (uint32_t)gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME)
        return GNTST_BAD_GNTREF;
    ref = (grant_ref_t)index_nospec(ref, (size_t)gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME);
    act = active_of(gt, ref);
    if (act->pin_ro == UINT16_MAX || act->pin_rw == UINT16_MAX)
        return GNTST_NO_SPACE;
    w = entry_word(gt, ref);
    for (;;) {
        old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        if ((old & GTF_TYPE_MASK) != GTF_PERMIT_ACCESS || (old >> 16) != mapper)
            return GNTST_GENERAL_ERROR;
        if (!ro && (old & GTF_READONLY))
            return GNTST_GENERAL_ERROR;
        if (__atomic_compare_exchange_n(w, &old, old | set, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
        if (++tries == ACQUIRE_TRIES)
            return GNTST_GENERAL_ERROR;
    }
    if (act->pin_ro + act->pin_rw == 0) {
        act->gfn = __atomic_load_n(w + 1, __ATOMIC_SEQ_CST);
        if (gnttab_env_ram(gt, act->gfn, mfn) != 0) {
            __atomic_fetch_and(w, ~set, __ATOMIC_SEQ_CST);
            return GNTST_BAD_PAGE;
        }
        gt->nr_pinned++;
    } else if (gnttab_env_ram(gt, act->gfn, mfn) != 0) {
        return GNTST_BAD_PAGE; /* cannot happen: a pinned frame stays (gnttab_frame_pinned) */
    }
    if (ro)
        act->pin_ro++;
    else
        act->pin_rw++;
    return GNTST_OKAY;
}

/* Drops one pin; the flags go down with the last pin of their kind. */
static void release(struct gnttab_table *gt, grant_ref_t ref, bool ro)
{
    struct gnttab_active *act = active_of(gt, ref);
    uint32_t *w = entry_word(gt, ref);

    if (ro) {
        ASSERT(act->pin_ro > 0);
        act->pin_ro--;
    } else {
        ASSERT(act->pin_rw > 0);
        act->pin_rw--;
    }
    if (act->pin_rw == 0)
        __atomic_fetch_and(w, ~GTF_WRITING, __ATOMIC_SEQ_CST);
    if (act->pin_ro + act->pin_rw == 0) {
        __atomic_fetch_and(w, ~GTF_READING, __ATOMIC_SEQ_CST);
        gt->nr_pinned--;
    }
}

static grant_handle_t free_handle(const struct gnttab_table *t)
{
    for (grant_handle_t h = 0; h < (uint32_t)t->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME; h++)
        if (!(map_of(t, h)->flags & GNTTAB_MAP_USED))
            return h;
    return UINT32_MAX;
}

int gnttab_map(struct gnttab_table *t, uint16_t dom, grant_ref_t ref, uint32_t flags, uint64_t gfn,
               grant_handle_t *handle)
{
    bool ro = flags & GNTMAP_READONLY;
    struct gnttab_table *gt;
    grant_handle_t h;
    uint64_t mfn;
    int st;

    /* Xen's checks for a translated (PVH) mapper: a request for neither a
     * host nor a device mapping is a bad ref; a device mapping (with
     * host_map or without), an application map or a PTE update (IOMMU and
     * PV forms, none of which exist here) is a general error. */
    if (!(flags & (GNTMAP_HOST_MAP | GNTMAP_DEVICE_MAP)))
        return GNTST_BAD_GNTREF;
    if (flags & (GNTMAP_DEVICE_MAP | GNTMAP_APPLICATION_MAP | GNTMAP_CONTAINS_PTE))
        return GNTST_GENERAL_ERROR;
    if (gfn > UINT32_MAX)
        return GNTST_BAD_VIRT_ADDR;
    /* Xen looks the granter up by id only: DOMID_SELF names no domain. */
    gt = dom == GNTTAB_DOMID_SELF ? NULL : gnttab_env_table(dom);
    if (!gt)
        return GNTST_BAD_DOMAIN;
    h = free_handle(t);
    if (h == UINT32_MAX)
        return GNTST_NO_SPACE;
    st = acquire(gt, t->dom, ref, ro, &mfn);
    if (st != GNTST_OKAY)
        return st;
    if (gnttab_env_map(t, gfn, mfn, ro) != 0) {
        release(gt, ref, ro);
        return GNTST_BAD_VIRT_ADDR; /* something is already there */
    }
    *map_of(t, h) = (struct gnttab_map){ .granter = gt->dom,
                                         .flags = (uint16_t)(GNTTAB_MAP_USED | (ro ? GNTTAB_MAP_READONLY : 0)),
                                         .ref = ref,
                                         .gfn = (uint32_t)gfn,
                                         .mfn = (uint32_t)mfn };
    t->nr_maps++;
    *handle = h;
    return GNTST_OKAY;
}

/* Another mapping, anywhere, of the orphan frame mfn. */
static bool orphan_still_mapped(uint64_t mfn)
{
    for (const struct gnttab_table *t = gnttab_env_next(NULL); t; t = gnttab_env_next(t)) {
        for (grant_handle_t h = 0; h < (uint32_t)t->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME; h++) {
            const struct gnttab_map *m = map_of(t, h);
            if ((m->flags & GNTTAB_MAP_USED) && (m->flags & GNTTAB_MAP_ORPHAN) && m->mfn == mfn)
                return true;
        }
    }
    return false;
}

int gnttab_unmap(struct gnttab_table *t, grant_handle_t handle, uint64_t gfn)
{
    struct gnttab_map *m, copy;

    if (handle >= (uint32_t)t->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME)
        return GNTST_BAD_HANDLE;
    m = map_of(t, (grant_handle_t)index_nospec(handle, (size_t)t->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME));
    if (!(m->flags & GNTTAB_MAP_USED))
        return GNTST_BAD_HANDLE;
    if (m->gfn != gfn)
        return GNTST_GENERAL_ERROR;
    copy = *m;
    gnttab_env_unmap(t, copy.gfn);
    *m = (struct gnttab_map){ 0 };
    t->nr_maps--;
    if (copy.flags & GNTTAB_MAP_ORPHAN) {
        if (!orphan_still_mapped(copy.mfn))
            gnttab_env_free(copy.mfn); /* the last mapping of a dead granter's frame */
    } else {
        struct gnttab_table *gt = gnttab_env_table(copy.granter);
        ASSERT(gt); /* a granter's death turns its mappings into orphans first */
        release(gt, copy.ref, copy.flags & GNTTAB_MAP_READONLY);
    }
    return GNTST_OKAY;
}

/* The domain of one side of a copy, as Xen locks it: a frame by number
 * (no gref) only by DOMID_SELF, the copier's own id included; a grant's
 * domain by id or DOMID_SELF. GNTST_*; *gt is the table to claim from. */
static int copy_domain(struct gnttab_table *t, const struct gnttab_copy_side *s, struct gnttab_table **gt)
{
    if (!s->gref) {
        *gt = t;
        return s->dom == GNTTAB_DOMID_SELF ? GNTST_OKAY : GNTST_PERMISSION_DENIED;
    }
    *gt = gnttab_env_table(s->dom == GNTTAB_DOMID_SELF ? t->dom : s->dom);
    return *gt ? GNTST_OKAY : GNTST_BAD_DOMAIN;
}

/* Claims one side of a copy in gt (from copy_domain): pins a grant, finds
 * a frame of t's own RAM. GNTST_*. */
static int copy_claim(struct gnttab_table *t, struct gnttab_table *gt, const struct gnttab_copy_side *s, bool ro,
                      uint64_t *mfn)
{
    if (!s->gref)
        return gnttab_env_ram(t, s->ref_or_gfn, mfn) == 0 ? GNTST_OKAY : GNTST_BAD_PAGE;
    if (s->ref_or_gfn > UINT32_MAX)
        return GNTST_BAD_GNTREF;
    return acquire(gt, t->dom, (grant_ref_t)s->ref_or_gfn, ro, mfn);
}

static void copy_unpin(struct gnttab_table *gt, const struct gnttab_copy_side *s, bool ro)
{
    if (s->gref)
        release(gt, (grant_ref_t)s->ref_or_gfn, ro);
}

int gnttab_copy(struct gnttab_table *t, const struct gnttab_copy_side *src, const struct gnttab_copy_side *dst,
                uint16_t len)
{
    struct gnttab_table *sgt, *dgt;
    uint64_t smfn, dmfn;
    int st;

    /* Xen's order (gnttab_copy_one): both domains, then the source, then
     * the destination, and the lengths last, with both sides claimed. */
    st = copy_domain(t, src, &sgt);
    if (st == GNTST_OKAY)
        st = copy_domain(t, dst, &dgt);
    if (st != GNTST_OKAY)
        return st;
    st = copy_claim(t, sgt, src, true, &smfn);
    if (st != GNTST_OKAY)
        return st;
    st = copy_claim(t, dgt, dst, false, &dmfn);
    if (st != GNTST_OKAY) {
        copy_unpin(sgt, src, true);
        return st;
    }
    if (src->offset > GNT_PAGE_SIZE || len > GNT_PAGE_SIZE - src->offset || dst->offset > GNT_PAGE_SIZE ||
        len > GNT_PAGE_SIZE - dst->offset)
        st = GNTST_BAD_COPY_ARG; /* crosses the end of a page */
    else
        memmove((uint8_t *)gnttab_env_frame(dmfn) + dst->offset, (const uint8_t *)gnttab_env_frame(smfn) + src->offset,
                len);
    copy_unpin(dgt, dst, false);
    copy_unpin(sgt, src, true);
    return st;
}

int gnttab_seed(struct gnttab_table *t, grant_ref_t ref, uint16_t grantee, uint32_t gfn, bool ro)
{
    const struct gnttab_active *act;
    uint32_t *w;

    if (ref >= (uint32_t)t->nr_frames * GNTTAB_ENTRIES_PER_FRAME)
        return -ERR_INVAL;
    ref = (grant_ref_t)index_nospec(ref, (size_t)t->nr_frames * GNTTAB_ENTRIES_PER_FRAME);
    act = active_of(t, ref);
    if (act->pin_ro + act->pin_rw)
        return -ERR_BUSY; /* its mapper keeps the entry it pinned */
    w = entry_word(t, ref);
    __atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(w + 1, gfn, __ATOMIC_SEQ_CST);
    __atomic_store_n(w, (uint32_t)grantee << 16 | GTF_PERMIT_ACCESS | (ro ? GTF_READONLY : 0), __ATOMIC_SEQ_CST);
    return 0;
}

bool gnttab_frame_pinned(const struct gnttab_table *t, uint64_t gfn)
{
    if (t->nr_pinned == 0)
        return false;
    for (grant_ref_t r = 0; r < (uint32_t)t->nr_frames * GNTTAB_ENTRIES_PER_FRAME; r++) {
        const struct gnttab_active *a = active_of(t, r);
        if (a->pin_ro + a->pin_rw && a->gfn == gfn)
            return true;
    }
    return false;
}

/* The dying granter t: every mapping of its grants ref becomes an orphan. */
static void orphan_maps_of(const struct gnttab_table *t, grant_ref_t ref)
{
    for (struct gnttab_table *mt = gnttab_env_next(NULL); mt; mt = gnttab_env_next(mt)) {
        for (grant_handle_t h = 0; h < (uint32_t)mt->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME; h++) {
            struct gnttab_map *m = map_of(mt, h);
            if ((m->flags & GNTTAB_MAP_USED) && !(m->flags & GNTTAB_MAP_ORPHAN) && m->granter == t->dom &&
                m->ref == ref)
                m->flags |= GNTTAB_MAP_ORPHAN;
        }
    }
}

void gnttab_release(struct gnttab_table *t)
{
    /* Its own mappings first: they may pin its own grants too. */
    for (grant_handle_t h = 0; h < (uint32_t)t->nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME; h++) {
        struct gnttab_map *m = map_of(t, h);
        if ((m->flags & GNTTAB_MAP_USED) && gnttab_unmap(t, h, m->gfn) != GNTST_OKAY)
            panic("a mapping in use refused to go");
    }
    for (grant_ref_t r = 0; t->nr_pinned && r < (uint32_t)t->nr_frames * GNTTAB_ENTRIES_PER_FRAME; r++) {
        struct gnttab_active *a = active_of(t, r);
        if (a->pin_ro + a->pin_rw == 0)
            continue;
        /* Taken out of the granter without being freed; the last mapping
         * frees it. A frame granted under two refs is detached once. */
        gnttab_env_detach(t, a->gfn);
        orphan_maps_of(t, r);
        *a = (struct gnttab_active){ 0 };
        t->nr_pinned--;
    }
}
