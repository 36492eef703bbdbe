/* SPDX-License-Identifier: MIT */
/*
 * grant_table_op (public/grant_table.h), version 1: setup_table,
 * query_size, map_grant_ref, unmap_grant_ref, copy, get/set_version.
 * Each element of a batch is copied in once, performed under the grant
 * lock, and its status written back; the hypercall itself fails only for
 * an unreadable or unwritable batch, an unknown command, or a batch
 * larger than HCALL_GNTTAB_BATCH (Xen would continue the call instead).
 */
#include "core/errno.h"
#include "core/gnttab_domain.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/vcpu.h"
#include "hcall_priv.h"

#define GNTTABOP_map_grant_ref   0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table     2
#define GNTTABOP_copy            5
#define GNTTABOP_query_size      6
#define GNTTABOP_set_version     8
#define GNTTABOP_get_version     10
#define GNTCOPY_source_gref      1u
#define GNTCOPY_dest_gref        2u
#define HCALL_GNTTAB_BATCH       1024
#define INVALID_GFN              (~0ull)

struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;
    uint32_t ref;
    uint16_t dom;
    int16_t status;
    uint32_t handle;
    uint64_t dev_bus_addr;
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref layout (Xen public ABI)");

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    uint32_t handle;
    int16_t status;
    uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref layout (Xen public ABI)");

struct gnttab_setup_table {
    uint16_t dom;
    uint16_t pad0;
    uint32_t nr_frames;
    int16_t status;
    uint16_t pad1[3];
    uint64_t frame_list; /* guest address of nr_frames xen_pfn_t */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table layout (Xen public ABI)");

struct gnttab_query_size {
    uint16_t dom;
    uint16_t pad0;
    uint32_t nr_frames;
    uint32_t max_nr_frames;
    int16_t status;
    uint16_t pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size layout (Xen public ABI)");

struct gnttab_copy_ptr {
    uint64_t ref_or_gmfn;
    uint16_t domid;
    uint16_t offset;
    uint32_t pad;
};
struct gnttab_copy_op {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
    uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy_op) == 40, "gnttab_copy layout (Xen public ABI)");

static bool is_self(const struct vcpu *v, uint16_t dom)
{
    return dom == GNTTAB_DOMID_SELF || dom == v->dom->id;
}

static int16_t do_map(struct vcpu *v, const struct gnttab_map_grant_ref *m, uint32_t *handle)
{
    uint64_t f = gnttab_lock_all();
    int st = gnttab_domain_maptrack_reserve(v->dom) != 0
                 ? GNTST_NO_SPACE
                 : gnttab_map(&v->dom->gnttab, m->dom, m->ref, m->flags, m->host_addr >> PAGE_SHIFT, handle);

    gnttab_unlock_all(f);
    return (int16_t)st;
}

static int16_t do_unmap(struct vcpu *v, const struct gnttab_unmap_grant_ref *u)
{
    uint64_t f = gnttab_lock_all();
    int st = gnttab_unmap(&v->dom->gnttab, u->handle, u->host_addr >> PAGE_SHIFT);

    gnttab_unlock_all(f);
    return (int16_t)st;
}

static int16_t do_copy(struct vcpu *v, const struct gnttab_copy_op *c)
{
    struct gnttab_copy_side src = { c->flags & GNTCOPY_source_gref, c->source.domid, c->source.ref_or_gmfn,
                                    c->source.offset };
    struct gnttab_copy_side dst = { c->flags & GNTCOPY_dest_gref, c->dest.domid, c->dest.ref_or_gmfn, c->dest.offset };
    uint64_t f;
    int st;

    if (c->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_BAD_COPY_ARG;
    f = gnttab_lock_all();
    st = gnttab_copy(&v->dom->gnttab, &src, &dst, c->len);
    gnttab_unlock_all(f);
    return (int16_t)st;
}

/* Grows the caller's table to nr frames and lists where each one sits in
 * its physical space (INVALID_GFN until placed with add_to_physmap). */
static int64_t do_setup_table(struct vcpu *v, uint64_t gva)
{
    struct gnttab_setup_table s;
    uint64_t f, gfns[GNTTAB_MAX_FRAMES];
    int r = 0;

    if (vcpu_copy_from_guest(v, gva, &s, sizeof(s)))
        return -ERR_FAULT;
    if (!is_self(v, s.dom)) {
        s.status = GNTST_PERMISSION_DENIED;
    } else if (s.nr_frames > GNTTAB_MAX_FRAMES) {
        s.status = GNTST_GENERAL_ERROR;
    } else {
        f = gnttab_lock_all();
        r = gnttab_domain_grow(v->dom, s.nr_frames);
        for (unsigned i = 0; i < s.nr_frames; i++)
            gfns[i] = v->dom->gnttab_gfn[i];
        gnttab_unlock_all(f);
        s.status = r == 0 ? GNTST_OKAY : GNTST_GENERAL_ERROR;
        if (r == 0 && vcpu_copy_to_guest(v, s.frame_list, gfns, s.nr_frames * sizeof(gfns[0])))
            return -ERR_FAULT;
    }
    return vcpu_copy_to_guest(v, gva, &s, sizeof(s)) ? -ERR_FAULT : 0;
}

static int64_t do_query_size(struct vcpu *v, uint64_t gva)
{
    struct gnttab_query_size q;

    if (vcpu_copy_from_guest(v, gva, &q, sizeof(q)))
        return -ERR_FAULT;
    q.status = is_self(v, q.dom) ? GNTST_OKAY : GNTST_PERMISSION_DENIED;
    q.nr_frames = __atomic_load_n(&v->dom->gnttab.nr_frames, __ATOMIC_RELAXED);
    q.max_nr_frames = GNTTAB_MAX_FRAMES;
    return vcpu_copy_to_guest(v, gva, &q, sizeof(q)) ? -ERR_FAULT : 0;
}

/* The batch commands: each element in, performed, status out. */
static int64_t do_batch(struct vcpu *v, unsigned cmd, uint64_t gva, uint64_t count)
{
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_unmap_grant_ref unmap;
        struct gnttab_copy_op copy;
    } x;
    size_t size = cmd == GNTTABOP_map_grant_ref     ? sizeof(x.map)
                  : cmd == GNTTABOP_unmap_grant_ref ? sizeof(x.unmap)
                                                    : sizeof(x.copy);

    if (count > HCALL_GNTTAB_BATCH)
        return -ERR_INVAL;
    for (uint64_t i = 0; i < count; i++, gva += size) {
        if (vcpu_copy_from_guest(v, gva, &x, size))
            return -ERR_FAULT;
        if (cmd == GNTTABOP_map_grant_ref) {
            x.map.status = do_map(v, &x.map, &x.map.handle);
            x.map.dev_bus_addr = 0;
        } else if (cmd == GNTTABOP_unmap_grant_ref) {
            x.unmap.status = do_unmap(v, &x.unmap);
        } else {
            x.copy.status = do_copy(v, &x.copy);
        }
        /* A mapping made for a buffer the guest then cannot write stays,
         * as on Xen; its handle is lost to the guest, freed at death. */
        if (vcpu_copy_to_guest(v, gva, &x, size))
            return -ERR_FAULT;
    }
    return 0;
}

int64_t hcall_grant_table_op(struct vcpu *v, const uint64_t *a)
{
    struct {
        uint16_t dom, pad;
        uint32_t version;
    } gv;
    uint32_t version;

    switch (a[0]) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_copy: return do_batch(v, (unsigned)a[0], a[1], a[2]);
    case GNTTABOP_setup_table: return a[2] == 1 ? do_setup_table(v, a[1]) : -ERR_INVAL;
    case GNTTABOP_query_size: return a[2] == 1 ? do_query_size(v, a[1]) : -ERR_INVAL;
    case GNTTABOP_set_version:
        if (vcpu_copy_from_guest(v, a[1], &version, sizeof(version)))
            return -ERR_FAULT;
        return version == 1 ? 0 : -ERR_INVAL; /* version 2 is not provided */
    case GNTTABOP_get_version:
        if (vcpu_copy_from_guest(v, a[1], &gv, sizeof(gv)))
            return -ERR_FAULT;
        if (!is_self(v, gv.dom))
            return -ERR_PERM;
        gv.version = 1;
        return vcpu_copy_to_guest(v, a[1], &gv, sizeof(gv)) ? -ERR_FAULT : 0;
    default: return -ERR_NOSYS;
    }
}
