/* SPDX-License-Identifier: MIT */
/*
 * Grant tables in a domain (mosaic/gnttab.h): table frames placed with
 * add_to_physmap, a free list of refs, v1 entries written in Xen's order
 * (frame and domid first, then the flags that make the entry live), the
 * map/unmap/copy hypercalls and a bitmap of mapping-window frames.
 */
#include <stddef.h>
#include <string.h>

#include "mosaic/gnttab.h"
#include "mosaic/hypercall.h"
#include "mosaic/runtime.h"
#include "runtime_priv.h"
#include "idl/gnttab.h"

#define MAX_FRAMES     32
#define REFS_PER_FRAME (RUNTIME_PAGE_SIZE / sizeof(struct grant_entry_v1))

static volatile struct grant_entry_v1 *entries;
static unsigned nr_refs;
static uint8_t ref_used[MAX_FRAMES * REFS_PER_FRAME];
static uint64_t window; /* first frame of the mapping window */
static uint8_t slot_used[GNTTAB_MAP_SLOTS];

long gnttab_op(unsigned cmd, void *arg, unsigned count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, (unsigned long)(uintptr_t)arg, count);
}

/* The end of RAM from the memory map, rounded up to 2 MiB. */
static uint64_t ram_end(void)
{
    return (runtime_ram_end() + 0x1fffff) & ~0x1fffffull;
}

long gnttab_init(unsigned nr_frames)
{
    uint64_t base = ram_end() / RUNTIME_PAGE_SIZE;

    if (entries || nr_frames == 0 || nr_frames > MAX_FRAMES)
        return -XEN_EINVAL;
    if ((base + MAX_FRAMES + GNTTAB_MAP_SLOTS) * RUNTIME_PAGE_SIZE > RUNTIME_MAPPED_END)
        return -XEN_ENOSPC; /* no room below 4 GiB */
    for (unsigned i = 0; i < nr_frames; i++) {
        struct xen_add_to_physmap a = {
            .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = i, .gpfn = base + i
        };
        long r = hypercall_add_to_physmap(&a);
        if (r)
            return r;
    }
    entries = (volatile struct grant_entry_v1 *)(uintptr_t)(base * RUNTIME_PAGE_SIZE);
    nr_refs = nr_frames * REFS_PER_FRAME;
    window = base + MAX_FRAMES;
    return 0;
}

long gnttab_grant_access_ref(grant_ref_t ref, uint16_t domid, const void *addr, bool readonly)
{
    if (!entries || ref >= nr_refs)
        return -XEN_EINVAL;
    entries[ref].frame = (uint32_t)((uintptr_t)addr / RUNTIME_PAGE_SIZE);
    entries[ref].domid = domid;
    /* The core reads flags and domid together: the entry goes live last. */
    __atomic_store_n(&entries[ref].flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    ref_used[ref] = 1;
    return 0;
}

long gnttab_grant_access(uint16_t domid, const void *addr, bool readonly, grant_ref_t *ref)
{
    for (grant_ref_t r = GNTTAB_RESERVED_REFS; r < nr_refs; r++) {
        if (!ref_used[r]) {
            *ref = r;
            return gnttab_grant_access_ref(r, domid, addr, readonly);
        }
    }
    return -XEN_ENOSPC;
}

long gnttab_end_access(grant_ref_t ref)
{
    uint16_t flags;

    if (!entries || ref >= nr_refs)
        return -XEN_EINVAL;
    flags = __atomic_load_n(&entries[ref].flags, __ATOMIC_SEQ_CST);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -XEN_EBUSY; /* mapped or being copied: the grantee still uses it */
    } while (!__atomic_compare_exchange_n(&entries[ref].flags, &flags, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    ref_used[ref] = 0;
    return 0;
}

uint16_t gnttab_entry_flags(grant_ref_t ref)
{
    return entries && ref < nr_refs ? __atomic_load_n(&entries[ref].flags, __ATOMIC_SEQ_CST) : 0;
}

int gnttab_map_at(uint16_t domid, grant_ref_t ref, bool readonly, uint64_t gpa, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = { gpa, GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0), ref, domid, 0, 0, 0 };

    if (gnttab_op(GNTTABOP_map_grant_ref, &m, 1) != 0)
        return GNTST_general_error;
    if (m.status == GNTST_okay)
        *handle = m.handle;
    return m.status;
}

int gnttab_map(uint16_t domid, grant_ref_t ref, bool readonly, void **addr, grant_handle_t *handle)
{
    for (unsigned s = 0; s < GNTTAB_MAP_SLOTS && window; s++) {
        int st;
        if (slot_used[s])
            continue;
        st = gnttab_map_at(domid, ref, readonly, (window + s) * RUNTIME_PAGE_SIZE, handle);
        if (st == GNTST_okay) {
            slot_used[s] = 1;
            *addr = (void *)(uintptr_t)((window + s) * RUNTIME_PAGE_SIZE);
        }
        return st;
    }
    return GNTST_no_space;
}

int gnttab_unmap(void *addr, grant_handle_t handle)
{
    uint64_t gpa = (uint64_t)(uintptr_t)addr;
    struct gnttab_unmap_grant_ref u = { gpa, 0, handle, 0, 0 };

    if (gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1) != 0)
        return GNTST_general_error;
    if (u.status == GNTST_okay && gpa / RUNTIME_PAGE_SIZE >= window &&
        gpa / RUNTIME_PAGE_SIZE < window + GNTTAB_MAP_SLOTS)
        slot_used[gpa / RUNTIME_PAGE_SIZE - window] = 0;
    return u.status;
}

long gnttab_copy_batch(struct gnttab_copy *ops, unsigned n)
{
    return gnttab_op(GNTTABOP_copy, ops, n);
}

void gnttab_copy_with(struct gnttab_copy *op, uint16_t domid, grant_ref_t ref, uint16_t offset, const void *local,
                      uint16_t len, bool to_guest)
{
    /* Ours by frame (the runtime maps 1:1: a pointer's page is its frame), theirs by grant. */
    struct gnttab_copy_ptr mine = { .domid = DOMID_SELF, .offset = (uint16_t)((uintptr_t)local & 4095u) };
    struct gnttab_copy_ptr theirs = { .domid = domid, .offset = offset };

    mine.u.gmfn = (uintptr_t)local / 4096u;
    theirs.u.ref = ref;
    memset(op, 0, sizeof(*op));
    op->source = to_guest ? mine : theirs;
    op->dest = to_guest ? theirs : mine;
    op->len = len;
    op->flags = to_guest ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
}
