/* SPDX-License-Identifier: MIT */
/*
 * Decode of event_channel_op and grant_table_op (hcall_decode.h): which
 * commands exist, whose table they name, the counts and the grant-copy
 * flags. Plain C on generated headers only. The port, reference, vCPU and
 * virq rules need the tables' state: evtchn.c and gnttab.c check those
 * before they change anything.
 */
#include "core/hcall_decode.h"
#include "idl/xen_errno.h"

int hcall_decode_evtchn_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                           struct hcall_evtchn_op *out)
{
    struct hcall_evtchn_op o = { .cmd = (uint32_t)a[0], .target = ctx->domid };
    uint64_t gva;
    uint16_t dom = DOMID_SELF;

    if (hcall_decode_arg(__HYPERVISOR_event_channel_op, a, &gva) == 0)
        return -XEN_ENOSYS; /* the FIFO ABI, pirqs, reset: not provided */
    if (!arg)
        return -XEN_EFAULT;
    o.arg = *arg;
    if (a[0] == EVTCHNOP_alloc_unbound) {
        dom = arg->alloc_unbound.dom;
        /* remote_dom DOMID_SELF is the caller, not the table's owner (as
         * Xen): a toolstack offers a new domain's port to itself so. */
        o.remote_dom = arg->alloc_unbound.remote_dom == DOMID_SELF ? ctx->domid : arg->alloc_unbound.remote_dom;
    } else if (a[0] == EVTCHNOP_status) {
        dom = arg->status.dom;
    }
    o.foreign = dom != DOMID_SELF && dom != ctx->domid;
    if (o.foreign)
        o.target = dom;
    *out = o;
    return 0;
}

static int decode_gnttab_one(const struct hcall_ctx *ctx, const union hcall_arg *arg, struct hcall_gnttab_op *o)
{
    uint16_t dom = o->cmd == GNTTABOP_setup_table ? arg->setup_table.dom : arg->query_size.dom;

    o->status = GNTST_okay;
    if (dom != DOMID_SELF && dom != ctx->domid) {
        o->status = GNTST_permission_denied;
    } else if (o->cmd == GNTTABOP_setup_table) {
        if (arg->setup_table.nr_frames > ctx->gnttab_max_frames)
            o->status = GNTST_general_error;
        else
            o->nr_frames = arg->setup_table.nr_frames;
        o->frame_list = arg->setup_table.frame_list;
    }
    return 0;
}

int hcall_decode_gnttab_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                           struct hcall_gnttab_op *out)
{
    struct hcall_gnttab_op o = { .cmd = (uint32_t)a[0], .gva = a[1] };
    int r = 0;

    switch (a[0]) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_copy:
        if (a[2] > HCALL_GNTTAB_BATCH)
            return -XEN_EINVAL;
        o.count = (uint32_t)a[2];
        break;
    case GNTTABOP_setup_table:
    case GNTTABOP_query_size: r = a[2] != 1 ? -XEN_EINVAL : !arg ? -XEN_EFAULT : decode_gnttab_one(ctx, arg, &o); break;
    case GNTTABOP_set_version:
        r = !arg ? -XEN_EFAULT : arg->set_version.version != 1 ? -XEN_EINVAL : 0; /* no version 2 */
        break;
    case GNTTABOP_get_version:
        r = !arg                                                                       ? -XEN_EFAULT
            : arg->get_version.dom != DOMID_SELF && arg->get_version.dom != ctx->domid ? -XEN_EPERM
                                                                                       : 0;
        break;
    default: return -XEN_ENOSYS;
    }
    if (r == 0)
        *out = o;
    return r;
}

int16_t hcall_decode_gnttab_copy(const struct gnttab_copy *c, struct hcall_gnttab_side *src,
                                 struct hcall_gnttab_side *dst)
{
    bool sg = c->flags & GNTCOPY_source_gref, dg = c->flags & GNTCOPY_dest_gref;

    if (c->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_bad_copy_arg;
    *src = (struct hcall_gnttab_side){ sg, c->source.domid, c->source.offset, sg ? c->source.u.ref : c->source.u.gmfn };
    *dst = (struct hcall_gnttab_side){ dg, c->dest.domid, c->dest.offset, dg ? c->dest.u.ref : c->dest.u.gmfn };
    return GNTST_okay;
}
