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
#include "idl/gnttab.h"
#include "hcall_priv.h"

#define HCALL_GNTTAB_BATCH 1024
#define INVALID_GFN        (~0ull)

/* The bookkeeping's numbers are the ABI's (idl/gnttab.idl). */
_Static_assert(GNTST_OKAY == GNTST_okay && GNTST_BAD_GNTREF == GNTST_bad_gntref &&
                   GNTST_PERMISSION_DENIED == GNTST_permission_denied && GNTST_NO_SPACE == GNTST_no_space &&
                   GNTST_BAD_COPY_ARG == GNTST_bad_copy_arg && GNTST_BAD_HANDLE == GNTST_bad_handle,
               "gnttab.h status codes");
_Static_assert(GNTMAP_HOST_MAP == GNTMAP_host_map && GNTMAP_READONLY == GNTMAP_readonly && GTF_READING == GTF_reading &&
                   GTF_WRITING == GTF_writing && GTF_READONLY == GTF_readonly,
               "gnttab.h flags");

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

static int16_t do_copy(struct vcpu *v, const struct gnttab_copy *c)
{
    bool sg = c->flags & GNTCOPY_source_gref, dg = c->flags & GNTCOPY_dest_gref;
    struct gnttab_copy_side src = { sg, c->source.domid, sg ? c->source.u.ref : c->source.u.gmfn, c->source.offset };
    struct gnttab_copy_side dst = { dg, c->dest.domid, dg ? c->dest.u.ref : c->dest.u.gmfn, c->dest.offset };
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
        struct gnttab_copy copy;
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
    struct gnttab_get_version gv;
    struct gnttab_set_version sv;

    switch (a[0]) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_copy: return do_batch(v, (unsigned)a[0], a[1], a[2]);
    case GNTTABOP_setup_table: return a[2] == 1 ? do_setup_table(v, a[1]) : -ERR_INVAL;
    case GNTTABOP_query_size: return a[2] == 1 ? do_query_size(v, a[1]) : -ERR_INVAL;
    case GNTTABOP_set_version:
        if (vcpu_copy_from_guest(v, a[1], &sv, sizeof(sv)))
            return -ERR_FAULT;
        return sv.version == 1 ? 0 : -ERR_INVAL; /* version 2 is not provided */
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
