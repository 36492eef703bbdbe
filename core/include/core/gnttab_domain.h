/* SPDX-License-Identifier: MIT */
/*
 * Grant tables attached to domains (gnttab_domain.c): the lock every
 * table operation runs under, table and maptrack frames, the table frames
 * a guest places in its physical space, and teardown. The grant
 * bookkeeping itself is gnttab.h.
 */
#pragma once

#include "core/domain.h"
#include "core/gnttab.h"

/* gnttab_lock_all / gnttab_unlock_all: the one lock over all tables.
 * Lock order: gnttab lock, then any domain's d->lock. */
uint64_t gnttab_lock_all(void);
void gnttab_unlock_all(uint64_t flags);

/* gnttab_domain_create: d's empty table. */
void gnttab_domain_create(struct domain *d);

/* gnttab_domain_grow: at least nr table frames (lock held). 0, -ERR_INVAL
 * past GNTTAB_MAX_FRAMES, -ERR_NOMEM. */
int gnttab_domain_grow(struct domain *d, unsigned nr) __attribute__((warn_unused_result));

/* gnttab_domain_maptrack_reserve: room for one more mapping (lock held).
 * 0 or -ERR_NOMEM. */
int gnttab_domain_maptrack_reserve(struct domain *d) __attribute__((warn_unused_result));

/* gnttab_domain_frame: table frame idx of d (lock held, idx < nr_frames). */
paddr_t gnttab_domain_frame(struct domain *d, unsigned idx);

/* gnttab_domain_seed: entry ref of d grants its RAM frame gfn to grantee
 * (read-only when ro), for d's toolstack (gnttab_seed); d's first table
 * frame is made if it has none. Takes the lock. 0, or before anything
 * changes: -ERR_SRCH (d is being destroyed), -ERR_FAULT (gfn is not d's
 * RAM), -ERR_NOMEM, -ERR_INVAL (ref beyond the table), -ERR_BUSY (the
 * ref is pinned). */
int gnttab_domain_seed(struct domain *d, grant_ref_t ref, uint16_t grantee, uint64_t gfn, bool ro)
    __attribute__((warn_unused_result));

/* gnttab_domain_destroy: unmap what d mapped, orphan what others map of
 * its grants, free its table frames. Returns the frames it freed or
 * handed on; *orphaned gets the RAM frames others still map. */
size_t gnttab_domain_destroy(struct domain *d, size_t *orphaned);
