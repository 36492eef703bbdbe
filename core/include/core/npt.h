/* SPDX-License-Identifier: MIT */
/*
 * Nested page tables: a domain's guest-physical to machine mapping
 * (AMD-V NPT, 4 levels, the long-mode page-table format with every level
 * user-accessible, as APM vol. 2, 15.25.5 requires). 4 KiB mappings.
 * Portable (STYLE 18): frames are reached only through the npt_env_*
 * hooks, which the kernel implements in core/npt/npt_env.c and host tests
 * with a fake pool. No lock: the caller serialises every call on one npt.
 */
#pragma once

#include "core/types.h"

#define NPT_R     0u        /* every mapping is readable */
#define NPT_W     (1u << 0) /* writable */
#define NPT_X     (1u << 1) /* executable */
#define NPT_OWNED (1u << 2) /* the frame belongs to the domain: freed with it */
/* Device memory (an assigned function's BAR or configuration page):
 * uncached (PCD|PWT, the host PAT's UC entry, which wins over whatever
 * type the guest picks), never NPT_OWNED, and never read or written by
 * the core on the domain's behalf (domain_copy refuses it). */
#define NPT_MMIO (1u << 3)

struct npt {
    paddr_t root;  /* PML4; 0 when not created */
    size_t tables; /* frames used by the tables themselves */
    size_t owned;  /* leaf mappings with NPT_OWNED */
};

/* What the environment provides. */
/* npt_env_alloc: a zeroed frame for a table; 0 or -ERR_NOMEM. */
int npt_env_alloc(paddr_t *pa);
/* npt_env_free: give back a table frame or an NPT_OWNED frame. */
void npt_env_free(paddr_t pa);
/* npt_env_table: the core's pointer to the table frame at pa. */
uint64_t *npt_env_table(paddr_t pa);

/* npt_create: allocate an empty root. 0 or -ERR_NOMEM (then n has no root). */
int npt_create(struct npt *n);

/* npt_map: map the 4 KiB page holding gpa to the frame holding mpa (the
 * offsets within the page are ignored) with flags. Replaces nothing:
 * -ERR_EXIST if gpa is mapped, -ERR_RANGE if gpa is beyond 2^48,
 * -ERR_NOMEM if a table cannot be allocated (the tables allocated before
 * it stay, counted in tables), -ERR_INVAL if n has no root. An NPT_OWNED
 * frame must be mapped at one gpa only: npt_destroy frees it. */
int npt_map(struct npt *n, uint64_t gpa, paddr_t mpa, unsigned flags);

/* npt_unmap: remove gpa's mapping; *mpa gets the frame (page-aligned),
 * which the caller now owns even if it was NPT_OWNED. -ERR_NOENT if
 * unmapped (or n has no root). Tables are kept until npt_destroy. */
int npt_unmap(struct npt *n, uint64_t gpa, paddr_t *mpa);

/* npt_lookup: the machine address of gpa (its page's frame plus gpa's
 * offset) and the page's flags; -ERR_NOENT if unmapped (or n has no root). */
int npt_lookup(const struct npt *n, uint64_t gpa, paddr_t *mpa, unsigned *flags);

/* npt_walk: fn(arg, gpa, mpa, flags) for every mapping, in gpa order
 * (both page-aligned); stops at fn's first nonzero return and returns it,
 * else 0. fn must not change n. */
typedef int (*npt_walk_fn)(void *arg, uint64_t gpa, paddr_t mpa, unsigned flags);
int npt_walk(const struct npt *n, npt_walk_fn fn, void *arg);

/* npt_destroy: free every NPT_OWNED frame and every table; returns how
 * many frames that was (tables plus owned, both then 0). n has no root
 * afterwards; destroying it again frees nothing. */
size_t npt_destroy(struct npt *n);
