/* SPDX-License-Identifier: MIT */
/*
 * Grant tables in the running core: one lock over all of them (as for
 * event channels: short operations, few CPUs), their frames, the
 * gnttab_env_* hooks onto nested page tables and frames, and the TLB
 * shootdown an unmapping needs before the frame can be trusted again.
 * Lock order: gnttab lock, then a domain's d->lock, then the frame lock.
 */
#include "core/gnttab_domain.h"
#include "core/arch.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/iommu.h"
#include "core/mm.h"
#include "core/spinlock.h"

static struct spinlock gnttab_lock = SPINLOCK_INIT; /* every domain's grant table */

#define DOM_OF(t) ((struct domain *)(void *)((const char *)(t)-offsetof(struct domain, gnttab)))

uint64_t gnttab_lock_all(void)
{
    return spin_lock_irqsave(&gnttab_lock);
}

void gnttab_unlock_all(uint64_t flags)
{
    spin_unlock_irqrestore(&gnttab_lock, flags);
}

struct gnttab_table *gnttab_env_table(uint16_t dom)
{
    struct domain *d = domain_find(dom);

    ASSERT(spin_held_by_me(&gnttab_lock));
    return d && d->gnttab_live ? &d->gnttab : NULL;
}

struct gnttab_table *gnttab_env_next(const struct gnttab_table *prev)
{
    struct domain *d = prev ? domain_next(DOM_OF(prev)) : domain_first();

    ASSERT(spin_held_by_me(&gnttab_lock));
    while (d && !d->gnttab_live)
        d = domain_next(d);
    return d ? &d->gnttab : NULL;
}

int gnttab_env_ram(struct gnttab_table *t, uint64_t gfn, uint64_t *mfn)
{
    struct domain *d = DOM_OF(t);
    uint64_t f = spin_lock_irqsave(&d->lock);
    paddr_t pa;
    unsigned flags;
    int r = gfn < (1ull << 36) && npt_lookup(&d->npt, gfn << PAGE_SHIFT, &pa, &flags) == 0 && (flags & NPT_OWNED)
                ? 0
                : -ERR_FAULT;

    spin_unlock_irqrestore(&d->lock, f);
    if (r == 0)
        *mfn = pa >> PAGE_SHIFT;
    return r;
}

int gnttab_env_map(struct gnttab_table *t, uint64_t gfn, uint64_t mfn, bool ro)
{
    struct domain *d = DOM_OF(t);
    uint64_t f;
    int r;

    if (gfn >= (1ull << 36))
        return -ERR_INVAL;
    f = spin_lock_irqsave(&d->lock);
    r = npt_map(&d->npt, gfn << PAGE_SHIFT, mfn << PAGE_SHIFT, ro ? 0 : NPT_W);
    spin_unlock_irqrestore(&d->lock, f);
    return r;
}

void gnttab_env_unmap(struct gnttab_table *t, uint64_t gfn)
{
    struct domain *d = DOM_OF(t);
    uint64_t f = spin_lock_irqsave(&d->lock);
    paddr_t pa;

    if (npt_unmap(&d->npt, gfn << PAGE_SHIFT, &pa) != 0)
        panic("a grant mapping vanished from the nested page tables");
    spin_unlock_irqrestore(&d->lock, f);
    /* No vCPU of d may keep the old translation once this returns: the
     * frame goes back to its granter, who may reuse it. */
    domain_flush_guest_tlb(d);
}

void gnttab_env_detach(struct gnttab_table *t, uint64_t gfn)
{
    struct domain *d = DOM_OF(t);
    uint64_t f = spin_lock_irqsave(&d->lock);
    paddr_t pa;
    unsigned flags;

    if (npt_lookup(&d->npt, gfn << PAGE_SHIFT, &pa, &flags) == 0 && (flags & NPT_OWNED) &&
        npt_unmap(&d->npt, gfn << PAGE_SHIFT, &pa) == 0) {
        iommu_unmap(d, gfn); /* the frame outlives d: no function of d may reach it */
        d->nr_pages--;
        d->gnttab_orphaned++;
    }
    spin_unlock_irqrestore(&d->lock, f);
}

void *gnttab_env_frame(uint64_t mfn)
{
    return phys_to_virt(mfn << PAGE_SHIFT);
}

void gnttab_env_free(uint64_t mfn)
{
    frame_free(mfn << PAGE_SHIFT);
    log_info("gnttab: orphaned frame 0x%llx freed: its last mapping is gone", (unsigned long long)mfn);
}

void gnttab_domain_create(struct domain *d)
{
    uint64_t f = gnttab_lock_all();

    gnttab_table_init(&d->gnttab, d->id);
    for (unsigned i = 0; i < GNTTAB_MAX_FRAMES; i++)
        d->gnttab_gfn[i] = ~0ull;
    d->gnttab_live = true;
    gnttab_unlock_all(f);
}

int gnttab_domain_grow(struct domain *d, unsigned nr)
{
    ASSERT(spin_held_by_me(&gnttab_lock));
    if (nr > GNTTAB_MAX_FRAMES)
        return -ERR_INVAL;
    while (d->gnttab.nr_frames < nr) {
        unsigned i = d->gnttab.nr_frames;
        if (frame_alloc_zeroed(&d->gnttab_frames[i]) != 0)
            return -ERR_NOMEM;
        if (frame_alloc_zeroed(&d->gnttab_active[i]) != 0) {
            frame_free(d->gnttab_frames[i]);
            d->gnttab_frames[i] = 0;
            return -ERR_NOMEM;
        }
        if (gnttab_add_frame(&d->gnttab, phys_to_virt(d->gnttab_frames[i]), phys_to_virt(d->gnttab_active[i])) != 0)
            panic("a table below its limit refused a frame");
    }
    return 0;
}

int gnttab_domain_maptrack_reserve(struct domain *d)
{
    paddr_t pa;

    ASSERT(spin_held_by_me(&gnttab_lock));
    if (!gnttab_maptrack_full(&d->gnttab))
        return 0;
    if (d->gnttab.nr_maptrack_frames >= GNTTAB_MAPTRACK_FRAMES || frame_alloc_zeroed(&pa) != 0)
        return -ERR_NOMEM;
    d->gnttab_maptrack[d->gnttab.nr_maptrack_frames] = pa;
    if (gnttab_add_maptrack(&d->gnttab, phys_to_virt(pa)) != 0)
        panic("a maptrack below its limit refused a frame");
    return 0;
}

paddr_t gnttab_domain_frame(struct domain *d, unsigned idx)
{
    ASSERT(idx < d->gnttab.nr_frames);
    return d->gnttab_frames[idx];
}

int gnttab_domain_seed(struct domain *d, grant_ref_t ref, uint16_t grantee, uint64_t gfn, bool ro)
{
    uint64_t f = gnttab_lock_all(), mfn;
    int r = !d->gnttab_live ? -ERR_SRCH : gnttab_env_ram(&d->gnttab, gfn, &mfn);

    /* Growing is the only change before the seed's own checks, and it
     * happens only to a table with no frame, hence no pins: a seed after
     * it is never refused, so a refusal leaves everything as it was. */
    if (r == 0)
        r = gnttab_domain_grow(d, 1);
    if (r == 0)
        r = gnttab_seed(&d->gnttab, ref, grantee, (uint32_t)gfn, ro);
    gnttab_unlock_all(f);
    return r;
}

size_t gnttab_domain_destroy(struct domain *d, size_t *orphaned)
{
    uint64_t f;
    size_t freed = 0;

    *orphaned = 0;
    if (!d->gnttab_live)
        return 0;
    f = gnttab_lock_all();
    gnttab_release(&d->gnttab);
    d->gnttab_live = false; /* from here on nobody finds it */
    gnttab_unlock_all(f);
    for (unsigned i = 0; i < d->gnttab.nr_frames; i++) {
        frame_free(d->gnttab_frames[i]);
        frame_free(d->gnttab_active[i]);
        freed += 2;
    }
    for (unsigned i = 0; i < d->gnttab.nr_maptrack_frames; i++, freed++)
        frame_free(d->gnttab_maptrack[i]);
    *orphaned = d->gnttab_orphaned;
    return freed + d->gnttab_orphaned;
}
