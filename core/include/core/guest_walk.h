/* SPDX-License-Identifier: MIT */
/*
 * Translating a guest-virtual address through the guest's own page tables,
 * as the CPU would for the guest (AMD APM vol. 2, 5.3 to 5.6): paging off,
 * 32-bit two-level (with 4 MiB pages), PAE three-level and long-mode
 * four-level paging. Portable (STYLE 18): it reads the guest's tables only
 * through the caller's read hook and knows nothing of VMCBs or NPTs.
 *
 * The guest controls every input, so every failure is a plain -ERR_FAULT
 * and none is logged. What is deliberately not done: Accessed and Dirty
 * bits are not set; five-level paging (CR4.LA57) and long mode without
 * CR4.PAE are refused; the PAE PDPTEs are read from memory at each walk
 * (the CPU caches them at the CR3 load); protection keys are ignored;
 * address bits above the guest's MAXPHYADDR are not treated as reserved
 * (such an address lies beyond the guest's memory, so the read hook or
 * the data access fails on it instead).
 */
#pragma once

#include "core/types.h"

/* Access kinds, combined in guest_walk's access argument. */
#define GUEST_WALK_WRITE (1u << 0) /* a write (else a read or a fetch) */
#define GUEST_WALK_USER  (1u << 1) /* made at CPL 3 (else a supervisor access) */
#define GUEST_WALK_FETCH (1u << 2) /* an instruction fetch */

/* Architectural bits the walk looks at. */
#define GUEST_WALK_CR0_WP    (1ull << 16)
#define GUEST_WALK_CR0_PG    (1ull << 31)
#define GUEST_WALK_CR4_PSE   (1ull << 4)
#define GUEST_WALK_CR4_PAE   (1ull << 5)
#define GUEST_WALK_CR4_LA57  (1ull << 12)
#define GUEST_WALK_CR4_SMEP  (1ull << 20)
#define GUEST_WALK_CR4_SMAP  (1ull << 21)
#define GUEST_WALK_EFER_LMA  (1ull << 10)
#define GUEST_WALK_EFER_NXE  (1ull << 11)
#define GUEST_WALK_RFLAGS_AC (1ull << 18)

/* The guest's paging state and the hooks that reach its memory. */
struct guest_walk {
    uint64_t cr0, cr3, cr4, efer, rflags; /* the guest's values, as its VMCB holds them */
    /* read: the 8-byte word at guest-physical gpa (8-byte aligned) into
     * *word; 0, or nonzero when gpa is not the guest's readable memory. */
    int (*read)(void *ctx, uint64_t gpa, uint64_t *word);
    /* copy (guest_walk_copy only): len bytes at gpa, all in one page, to
     * or from byte offset of the caller's buffer; 0 or nonzero. */
    int (*copy)(void *ctx, uint64_t gpa, size_t offset, size_t len);
    void *ctx; /* passed to both hooks */
};

/*
 * guest_walk: the guest-physical address of gva for an access of the
 * given kind, into *gpa. Returns 0, or -ERR_FAULT where the CPU would
 * raise #PF (an entry not present, a reserved bit set, a right missing:
 * U/S, R/W with CR0.WP, NX, SMEP, SMAP unless RFLAGS.AC), where gva is not
 * canonical, where the read hook fails, or for an unsupported mode; *gpa
 * is then left alone. On success *gpa has gva's offset within its 4 KiB
 * page. A walk reads at most four entries, whatever the tables hold, so
 * tables that point to themselves end it like any others. Any context.
 */
int guest_walk(const struct guest_walk *w, uint64_t gva, unsigned access, uint64_t *gpa)
    __attribute__((warn_unused_result));

/*
 * guest_walk_copy: translates [gva, gva + n) page by page with guest_walk
 * and calls w->copy once per page, in order. 0, or -ERR_FAULT at the
 * first page that does not translate or whose copy fails (the pages
 * before it have been copied) and for a range that wraps past 2^64.
 */
int guest_walk_copy(const struct guest_walk *w, uint64_t gva, size_t n, unsigned access)
    __attribute__((warn_unused_result));
