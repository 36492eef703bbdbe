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

#define INVALID_GFN (~0ull)

/* The bookkeeping's numbers are the ABI's (idl/gnttab.idl). */
_Static_assert(GNTST_OKAY == GNTST_okay && GNTST_BAD_GNTREF == GNTST_bad_gntref &&
                   GNTST_PERMISSION_DENIED == GNTST_permission_denied && GNTST_NO_SPACE == GNTST_no_space &&
                   GNTST_BAD_COPY_ARG == GNTST_bad_copy_arg && GNTST_BAD_HANDLE == GNTST_bad_handle,
               "gnttab.h status codes");
_Static_assert(GNTMAP_HOST_MAP == GNTMAP_host_map && GNTMAP_READONLY == GNTMAP_readonly && GTF_READING == GTF_reading &&
                   GTF_WRITING == GTF_writing && GTF_READONLY == GTF_readonly,
               "gnttab.h flags");

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
    struct hcall_gnttab_side s, d;
    struct gnttab_copy_side src, dst;
    int16_t st = hcall_decode_gnttab_copy(c, &s, &d);
    uint64_t f;

    if (st != GNTST_okay)
        return st;
    src = (struct gnttab_copy_side){ s.gref, s.domid, s.frame, s.offset };
    dst = (struct gnttab_copy_side){ d.gref, d.domid, d.frame, d.offset };
    f = gnttab_lock_all();
    st = (int16_t)gnttab_copy(&v->dom->gnttab, &src, &dst, c->len);
    gnttab_unlock_all(f);
    return st;
}

/* Grows the caller's table to op->nr_frames and lists where each one sits
 * in its physical space (INVALID_GFN until placed with add_to_physmap). */
static int64_t do_setup_table(struct vcpu *v, const struct hcall_gnttab_op *op, struct gnttab_setup_table s)
{
    uint64_t f, gfns[GNTTAB_MAX_FRAMES];
    unsigned n = (unsigned)MIN(op->nr_frames, GNTTAB_MAX_FRAMES);
    int r;

    s.status = op->status;
    if (op->status == GNTST_OKAY) {
        f = gnttab_lock_all();
        r = gnttab_domain_grow(v->dom, n);
        for (unsigned i = 0; i < n; i++)
            gfns[i] = v->dom->gnttab_gfn[i];
        gnttab_unlock_all(f);
        s.status = r == 0 ? GNTST_OKAY : GNTST_GENERAL_ERROR;
        if (r == 0 && vcpu_copy_to_guest(v, op->frame_list, gfns, n * sizeof(gfns[0])))
            return -ERR_FAULT;
    }
    return vcpu_copy_to_guest(v, op->gva, &s, sizeof(s)) ? -ERR_FAULT : 0;
}

static int64_t do_query_size(struct vcpu *v, const struct hcall_gnttab_op *op, struct gnttab_query_size q)
{
    q.status = op->status;
    q.nr_frames = __atomic_load_n(&v->dom->gnttab.nr_frames, __ATOMIC_RELAXED);
    q.max_nr_frames = GNTTAB_MAX_FRAMES;
    return vcpu_copy_to_guest(v, op->gva, &q, sizeof(q)) ? -ERR_FAULT : 0;
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
    struct hcall_gnttab_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_gnttab_op(&ctx, a, hcall_in(v, __HYPERVISOR_grant_table_op, a, &buf, &ctx), &op);

    if (r)
        return r;
    switch (op.cmd) {
    case GNTTABOP_setup_table: return do_setup_table(v, &op, buf.setup_table);
    case GNTTABOP_query_size: return do_query_size(v, &op, buf.query_size);
    case GNTTABOP_set_version: return 0; /* version 1, the only one */
    case GNTTABOP_get_version:
        buf.get_version.version = 1;
        return vcpu_copy_to_guest(v, op.gva, &buf.get_version, sizeof(buf.get_version)) ? -ERR_FAULT : 0;
    default: return do_batch(v, op.cmd, op.gva, op.count);
    }
}
