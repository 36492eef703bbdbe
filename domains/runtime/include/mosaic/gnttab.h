/* SPDX-License-Identifier: MIT */
/*
 * Grant tables for domain programs (Xen's version 1: public/
 * grant_table.h). gnttab_init places the domain's table frames in its
 * physical space just above its RAM, followed by a window of free frames
 * where the grants of other domains get mapped. Pages are given by
 * pointer (the runtime identity-maps, so a pointer's page is its frame).
 * Statuses are Xen's GNTST_* codes (GNTST_okay is 0, failures negative).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/gnttab.h" /* the ABI: struct gnttab_copy, GNTST_*, GNTCOPY_* */

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

#define GNTTAB_RESERVED_REFS 8    /* refs 0-7 are left for the toolstack, as on Xen */
#define GNTTAB_MAP_SLOTS     1024 /* frames in the mapping window */

/* gnttab_init: set up nr_frames table frames (512 refs each). 0 or a
 * negative Xen errno. */
long gnttab_init(unsigned nr_frames);

/* gnttab_grant_access: let domid read (or, unless readonly, write) the
 * page holding addr; *ref names the grant. 0, or -XEN_ENOSPC (-28). */
long gnttab_grant_access(uint16_t domid, const void *addr, bool readonly, grant_ref_t *ref);
/* gnttab_grant_access_ref: the same with a ref chosen by the caller
 * (below GNTTAB_RESERVED_REFS, for fixed rendezvous). */
long gnttab_grant_access_ref(grant_ref_t ref, uint16_t domid, const void *addr, bool readonly);
/* gnttab_end_access: withdraw ref. -XEN_EBUSY (-16) while the grantee
 * maps it (nothing changes then); the ref is free again on success. */
long gnttab_end_access(grant_ref_t ref);
/* gnttab_entry_flags: the entry's GTF flags (GTF_reading 8, GTF_writing 16). */
uint16_t gnttab_entry_flags(grant_ref_t ref);

/* gnttab_map: map domid's grant ref into the mapping window; *addr is
 * where it appears. Returns a GNTST_* status. */
int gnttab_map(uint16_t domid, grant_ref_t ref, bool readonly, void **addr, grant_handle_t *handle);
/* gnttab_map_at: the same at a chosen address (any frame in the window
 * or elsewhere, for tests of bad addresses). */
int gnttab_map_at(uint16_t domid, grant_ref_t ref, bool readonly, uint64_t gpa, grant_handle_t *handle);
/* gnttab_unmap: undo a mapping made at addr. A GNTST_* status. */
int gnttab_unmap(void *addr, grant_handle_t handle);

/* gnttab_copy_batch: run n copies; each gets its status. 0 or a
 * negative Xen errno for the call as a whole. */
long gnttab_copy_batch(struct gnttab_copy *ops, unsigned n);

/* gnttab_copy_with: set op up to copy len bytes between our memory at
 * local (inside one page of ours) and [offset, offset + len) of domid's
 * grant ref: to the guest's page when to_guest, else from it. */
void gnttab_copy_with(struct gnttab_copy *op, uint16_t domid, grant_ref_t ref, uint16_t offset, const void *local,
                      uint16_t len, bool to_guest);

/* gnttab_op: the raw hypercall, for tests (cmd, argument, count). */
long gnttab_op(unsigned cmd, void *arg, unsigned count);
