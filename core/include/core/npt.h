/* SPDX-License-Identifier: MIT */
/*
 * Nested page tables: a domain's guest-physical to machine mapping
 * (AMD-V NPT, 4 levels, the long-mode page-table format with every level
 * user-accessible, as APM vol. 2, 15.25.5 requires). 4 KiB mappings.
 */
#pragma once

#include "core/types.h"

#define NPT_R     0u        /* every mapping is readable */
#define NPT_W     (1u << 0) /* writable */
#define NPT_X     (1u << 1) /* executable */
#define NPT_OWNED (1u << 2) /* the frame belongs to the domain: freed with it */

struct npt {
    paddr_t root;  /* PML4; 0 when not created */
    size_t tables; /* frames used by the tables themselves */
    size_t owned;  /* leaf mappings with NPT_OWNED */
};

/* npt_create: allocate an empty root. 0 or -ERR_NOMEM. */
int npt_create(struct npt *n);

/* npt_map: map the 4 KiB page at gpa to mpa with flags. Replaces nothing:
 * -ERR_EXIST if gpa is mapped, -ERR_RANGE if gpa is beyond 2^48,
 * -ERR_NOMEM if a table cannot be allocated. Caller serialises. */
int npt_map(struct npt *n, uint64_t gpa, paddr_t mpa, unsigned flags);

/* npt_unmap: remove gpa's mapping; *mpa gets the frame. -ERR_NOENT if unmapped. */
int npt_unmap(struct npt *n, uint64_t gpa, paddr_t *mpa);

/* npt_lookup: machine address and flags of gpa's page; -ERR_NOENT if unmapped. */
int npt_lookup(const struct npt *n, uint64_t gpa, paddr_t *mpa, unsigned *flags);

/* npt_destroy: free every NPT_OWNED frame and every table; returns how
 * many frames that was. */
size_t npt_destroy(struct npt *n);
