/* SPDX-License-Identifier: MIT */
/*
 * Decode of xen_version, console_io, sched_op, memory_op, vcpu_op,
 * vm_assist and hvm_op, and the argument sizes of every Xen family (hcall_decode.h).
 * Plain C on generated headers only: no core state, no side effects; a
 * refused call leaves *out untouched. Performing is hcall.c's and
 * xen_hvm.c's.
 */
#include "core/hcall_decode.h"
#include "idl/xen_errno.h"

static size_t evtchn_arg_size(uint64_t cmd)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain: return sizeof(struct evtchn_bind_interdomain);
    case EVTCHNOP_bind_virq: return sizeof(struct evtchn_bind_virq);
    case EVTCHNOP_close: return sizeof(struct evtchn_close);
    case EVTCHNOP_send: return sizeof(struct evtchn_send);
    case EVTCHNOP_status: return sizeof(struct evtchn_status);
    case EVTCHNOP_alloc_unbound: return sizeof(struct evtchn_alloc_unbound);
    case EVTCHNOP_bind_ipi: return sizeof(struct evtchn_bind_ipi);
    case EVTCHNOP_bind_vcpu: return sizeof(struct evtchn_bind_vcpu);
    case EVTCHNOP_unmask: return sizeof(struct evtchn_unmask);
    default: return 0; /* the FIFO ABI, pirqs, reset: not provided */
    }
}

static size_t gnttab_arg_size(uint64_t cmd)
{
    switch (cmd) {
    case GNTTABOP_setup_table: return sizeof(struct gnttab_setup_table);
    case GNTTABOP_query_size: return sizeof(struct gnttab_query_size);
    case GNTTABOP_set_version: return sizeof(struct gnttab_set_version);
    case GNTTABOP_get_version: return sizeof(struct gnttab_get_version);
    default: return 0; /* the batches are read element by element */
    }
}

/* The reservation commands carry a restart extent in cmd's high bits. */
static bool memory_reservation(uint64_t cmd)
{
    uint64_t op = cmd & ((1u << HCALL_MEMOP_EXTENT_SHIFT) - 1);

    return op == XENMEM_decrease_reservation || op == XENMEM_populate_physmap;
}

static size_t memory_arg_size(uint64_t cmd)
{
    uint64_t op = cmd & ((1u << HCALL_MEMOP_EXTENT_SHIFT) - 1);

    if (memory_reservation(cmd))
        return sizeof(struct xen_memory_reservation);
    if (op == XENMEM_current_reservation || op == XENMEM_maximum_reservation)
        return sizeof(uint16_t);
    return cmd == XENMEM_add_to_physmap ? sizeof(struct xen_add_to_physmap)
           : cmd == XENMEM_memory_map   ? sizeof(struct xen_memory_map)
                                        : 0;
}

size_t hcall_decode_arg(uint64_t nr, const uint64_t *a, uint64_t *gva)
{
    *gva = a[1];
    switch (nr) {
    case __HYPERVISOR_xen_version: return a[0] == XENVER_get_features ? sizeof(struct xen_feature_info) : 0;
    case __HYPERVISOR_sched_op:
        return a[0] == SCHEDOP_shutdown ? sizeof(uint32_t) : a[0] == SCHEDOP_poll ? sizeof(struct sched_poll) : 0;
    case __HYPERVISOR_memory_op: return memory_arg_size(a[0]);
    case __HYPERVISOR_vcpu_op:
        *gva = a[2];
        return a[0] == VCPUOP_initialise                      ? sizeof(struct vcpu_hvm_context)
               : a[0] == VCPUOP_set_singleshot_timer          ? sizeof(struct vcpu_set_singleshot_timer)
               : a[0] == VCPUOP_register_vcpu_info            ? sizeof(struct vcpu_register_vcpu_info)
               : a[0] == VCPUOP_register_runstate_memory_area ? sizeof(struct vcpu_register_runstate_memory_area)
                                                              : 0;
    case __HYPERVISOR_hvm_op:
        return a[0] == HVMOP_set_param || a[0] == HVMOP_get_param ? sizeof(struct xen_hvm_param)
               : a[0] == HVMOP_set_evtchn_upcall_vector           ? sizeof(struct xen_hvm_evtchn_upcall_vector)
                                                                  : 0;
    case __HYPERVISOR_event_channel_op: return evtchn_arg_size(a[0]);
    case __HYPERVISOR_grant_table_op: return gnttab_arg_size(a[0]);
    default: return 0;
    }
}

int hcall_decode_xen_version(const uint64_t *a, const union hcall_arg *arg, struct hcall_xen_version *out)
{
    struct hcall_xen_version o = { (uint32_t)a[0], 0 };

    if (a[0] > XENVER_build_id)
        return -XEN_ENOSYS;
    if (a[0] == XENVER_get_features) {
        if (!arg)
            return -XEN_EFAULT;
        if (arg->feature.submap_idx != 0)
            return -XEN_EINVAL;
        o.submap = HCALL_XENFEAT_PVH;
    }
    if (a[0] == XENVER_pagesize && a[1])
        return -XEN_EINVAL;
    if (a[0] == XENVER_build_id)
        return -XEN_EPERM; /* XSM's default for a domU */
    *out = o;
    return 0;
}

int hcall_decode_console_io(const uint64_t *a, struct hcall_console_io *out)
{
    if (a[0] != CONSOLEIO_write && a[0] != CONSOLEIO_read)
        return -XEN_ENOSYS;
    if (a[0] == CONSOLEIO_write && a[1] > 0x7fffffff)
        return -XEN_EINVAL;
    *out = (struct hcall_console_io){ (uint32_t)a[0], a[0] == CONSOLEIO_write ? (uint32_t)a[1] : 0, a[2] };
    return 0;
}

int hcall_decode_sched_op(const uint64_t *a, const union hcall_arg *arg, struct hcall_sched_op *out)
{
    struct hcall_sched_op o = { .cmd = (uint32_t)a[0] };

    if (a[0] != SCHEDOP_yield && a[0] != SCHEDOP_block && a[0] != SCHEDOP_shutdown && a[0] != SCHEDOP_poll)
        return -XEN_ENOSYS;
    if (a[0] == SCHEDOP_poll) {
        if (!arg)
            return -XEN_EFAULT;
        if (arg->poll.nr_ports > HCALL_POLL_PORTS)
            return -XEN_EINVAL;
        o.nr_ports = arg->poll.nr_ports;
        o.ports = arg->poll.ports;
        o.timeout = arg->poll.timeout;
    }
    if (a[0] == SCHEDOP_shutdown) {
        if (!arg)
            return -XEN_EFAULT;
        if (arg->shutdown_reason > SHUTDOWN_watchdog)
            return -XEN_EINVAL;
        o.reason = arg->shutdown_reason;
    }
    *out = o;
    return 0;
}

static int decode_physmap(const struct hcall_ctx *ctx, const struct xen_add_to_physmap *x, struct hcall_memory_op *o)
{
    if (x->domid != DOMID_SELF && x->domid != ctx->domid)
        return -XEN_EINVAL;
    if (x->space == XENMAPSPACE_grant_table) {
        if (x->idx >= ctx->gnttab_max_frames)
            return -XEN_EINVAL; /* also a version-2 status frame (bit 31) */
    } else if (x->space != XENMAPSPACE_shared_info || x->idx) {
        return -XEN_EINVAL;
    }
    if (x->gpfn >= HCALL_GPFN_LIMIT)
        return -XEN_EINVAL;
    o->space = x->space;
    o->idx = x->idx;
    o->gpfn = x->gpfn;
    return 0;
}

/* Xen's checks of a reservation, each answered with the count done so far
 * (do_memory_op, construct_memop_from_reservation, then the operation). */
static void decode_reservation(const struct hcall_ctx *ctx, const struct xen_memory_reservation *x,
                               struct hcall_memory_op *o)
{
    uint32_t address_bits = x->mem_flags & 0xff; /* XENMEMF_get_address_bits */

    o->nr_extents = x->nr_extents;
    o->order = x->extent_order;
    o->buffer = x->extent_start;
    /* Node and address-width hints are taken and ignored: frames are
     * machine memory only the core sees, so no guest can tell. */
    o->none = x->nr_extents > (0xffffffffu >> HCALL_MEMOP_EXTENT_SHIFT) || o->start >= x->nr_extents ||
              (address_bits && address_bits <= 12) || (x->domid != DOMID_SELF && x->domid != ctx->domid) ||
              x->extent_order > HCALL_MEMOP_MAX_ORDER;
}

int hcall_decode_memory_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                           struct hcall_memory_op *out)
{
    struct hcall_memory_op o = { .cmd = (uint32_t)a[0] };
    uint64_t op = a[0] & ((1u << HCALL_MEMOP_EXTENT_SHIFT) - 1);
    int r = 0;

    if (memory_reservation(a[0])) {
        o.cmd = (uint32_t)op;
        o.start = a[0] >> HCALL_MEMOP_EXTENT_SHIFT;
        o.none = true;
        if (arg)
            decode_reservation(ctx, &arg->reservation, &o);
        *out = o;
        return 0;
    }
    if (op == XENMEM_current_reservation || op == XENMEM_maximum_reservation) {
        if (a[0] != op)
            return -XEN_EINVAL; /* a restart extent */
        if (!arg)
            return -XEN_EFAULT;
        o.foreign = arg->domid != DOMID_SELF && arg->domid != ctx->domid;
        o.target = o.foreign ? arg->domid : ctx->domid;
        *out = o;
        return 0;
    }
    if (a[0] != XENMEM_add_to_physmap && a[0] != XENMEM_memory_map)
        return -XEN_ENOSYS;
    if (!arg)
        return -XEN_EFAULT;
    if (a[0] == XENMEM_add_to_physmap)
        r = decode_physmap(ctx, &arg->physmap, &o);
    else if (arg->memory_map.nr_entries < 1)
        r = -XEN_EINVAL;
    else
        o.buffer = arg->memory_map.buffer;
    if (r == 0)
        *out = o;
    return r;
}

/* Commands on any vCPU of the caller's domain: start, stop, query. */
static int decode_vcpu_sibling(const struct hcall_ctx *ctx, const union hcall_arg *arg, struct hcall_vcpu_op *o)
{
    bool initialised = (ctx->vcpus_initialised >> o->vcpu) & 1;

    if (o->cmd == VCPUOP_initialise) {
        if (initialised)
            return -XEN_EEXIST;
        if (!arg)
            return -XEN_EFAULT;
        o->context = arg->hvm_context;
    }
    return o->cmd == VCPUOP_up && !initialised ? -XEN_EINVAL : 0;
}

/* The timers of the calling vCPU. */
static int decode_vcpu_timer(const struct hcall_ctx *ctx, uint64_t cmd, const union hcall_arg *arg,
                             struct hcall_vcpu_op *o)
{
    if (o->vcpu != ctx->vcpu)
        return -XEN_EINVAL;
    if (cmd == VCPUOP_stop_singleshot_timer || cmd == VCPUOP_stop_periodic_timer)
        return 0;
    if (cmd != VCPUOP_set_singleshot_timer)
        return -XEN_ENOSYS;
    if (!arg)
        return -XEN_EFAULT;
    if ((arg->timer.flags & VCPU_SSHOTTMR_future) && arg->timer.timeout_abs_ns < ctx->now_ns)
        return -XEN_ETIME;
    o->timeout_ns = arg->timer.timeout_abs_ns ? arg->timer.timeout_abs_ns : 1;
    return 0;
}

/* Records of any vCPU of the caller's domain the core keeps for the guest. */
static int decode_vcpu_record(uint64_t cmd, uint64_t addr, const union hcall_arg *arg, struct hcall_vcpu_op *o)
{
    if (cmd == VCPUOP_get_runstate_info) {
        o->addr = addr;
        return 0;
    }
    if (!arg)
        return -XEN_EFAULT;
    if (cmd == VCPUOP_register_runstate_memory_area) {
        o->addr = arg->runstate.addr;
        return 0;
    }
    /* register_vcpu_info: the record within the page, 8-aligned (Xen's
     * map_vcpu_info); rsvd is not looked at, as on Xen. */
    if (arg->vcpu_info.offset > 4096 - sizeof(struct vcpu_info) || (arg->vcpu_info.offset & 7))
        return -XEN_ENXIO;
    if (arg->vcpu_info.mfn >= HCALL_GPFN_LIMIT)
        return -XEN_EINVAL; /* no RAM there */
    o->gfn = arg->vcpu_info.mfn;
    o->offset = arg->vcpu_info.offset;
    return 0;
}

int hcall_decode_vcpu_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                         struct hcall_vcpu_op *out)
{
    struct hcall_vcpu_op o = { .cmd = (uint32_t)a[0], .vcpu = (uint32_t)a[1] };
    int r;

    if (a[1] >= ctx->nr_vcpus)
        return -XEN_ENOENT;
    if (a[0] <= VCPUOP_is_up)
        r = decode_vcpu_sibling(ctx, arg, &o);
    else if (a[0] == VCPUOP_get_runstate_info || a[0] == VCPUOP_register_runstate_memory_area ||
             a[0] == VCPUOP_register_vcpu_info)
        r = decode_vcpu_record(a[0], a[2], arg, &o);
    else
        r = decode_vcpu_timer(ctx, a[0], arg, &o); /* all of a[0]: no truncated command */
    if (r == 0)
        *out = o;
    return r;
}

int hcall_decode_vm_assist(const uint64_t *a, uint32_t *mask, bool *on)
{
    /* Both arguments are unsigned int in Xen's handler. */
    if ((uint32_t)a[1] != VMASST_TYPE_runstate_update_flag)
        return -XEN_EINVAL;
    if ((uint32_t)a[0] != VMASST_CMD_enable && (uint32_t)a[0] != VMASST_CMD_disable)
        return -XEN_ENOSYS;
    *mask = 1u << VMASST_TYPE_runstate_update_flag;
    *on = (uint32_t)a[0] == VMASST_CMD_enable;
    return 0;
}

/* The slot of a param, HCALL_HVM_CALLBACK, or -1 for an index without a
 * value here. Which of them a guest may set on itself is Xen's rule
 * (hvm_allow_set_param): the ports yes, the frames no; it may read all. */
static int hvm_slot(uint32_t index, bool *self_may_set)
{
    *self_may_set = index == HVM_PARAM_STORE_EVTCHN || index == HVM_PARAM_CONSOLE_EVTCHN;
    switch (index) {
    case HVM_PARAM_STORE_PFN: return 0;
    case HVM_PARAM_STORE_EVTCHN: return 1;
    case HVM_PARAM_CONSOLE_PFN: return 2;
    case HVM_PARAM_CONSOLE_EVTCHN: return 3;
    case HVM_PARAM_CALLBACK_IRQ: *self_may_set = true; return HCALL_HVM_CALLBACK;
    default: return -1;
    }
}

/* HVM_PARAM_CALLBACK_IRQ: 0 turns it off; otherwise the vector type with
 * a vector the guest can take as an external interrupt (0x20..0xff), or
 * a GSI, taken as off: it would need an emulated IO-APIC, which PVH
 * guests lack, so Xen never raises it either (Linux sets GSI 1 once its
 * per-vCPU upcall vectors are in place). PCI INTx is refused. */
static int hvm_callback(uint64_t value, uint64_t *vector)
{
    uint64_t type = value >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;

    *vector = type == HVM_PARAM_CALLBACK_TYPE_GSI ? 0 : value & 0xff;
    if (value == 0 || type == HVM_PARAM_CALLBACK_TYPE_GSI)
        return 0;
    if (type != HVM_PARAM_CALLBACK_TYPE_VECTOR || (value & ~HVM_PARAM_CALLBACK_IRQ_TYPE_MASK & ~0xffull) ||
        *vector < 0x20)
        return -XEN_EINVAL;
    return 0;
}

/* The checks Xen makes once it has looked the target up. */
static int decode_hvm_value(const struct xen_hvm_param *p, struct hcall_hvm_op *o)
{
    bool set = o->cmd == HVMOP_set_param, self_may_set;
    int slot = hvm_slot(p->index, &self_may_set);

    if (slot < 0)
        return -XEN_EINVAL; /* not provided */
    o->slot = (uint32_t)slot;
    if (set && slot == HCALL_HVM_CALLBACK)
        return hvm_callback(p->value, &o->value);
    if (set && !o->foreign && !self_may_set)
        return -XEN_EPERM; /* where its rings are is the toolstack's to say */
    return 0;
}

static int decode_hvm_param(const struct hcall_ctx *ctx, const struct xen_hvm_param *p, struct hcall_hvm_op *o)
{
    int r;

    if (p->index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    o->foreign = p->domid != DOMID_SELF && p->domid != ctx->domid;
    o->target = o->foreign ? p->domid : ctx->domid;
    o->param = *p;
    o->value = p->value;
    r = decode_hvm_value(p, o);
    if (!o->foreign || r == 0)
        return r;
    /* Xen's order: whether the caller controls the target comes first. */
    o->after_lookup = r;
    o->slot = 0;
    return 0;
}

/* HVMOP_set_evtchn_upcall_vector, in Xen's order. */
static int decode_upcall_vector(const struct hcall_ctx *ctx, const union hcall_arg *arg, struct hcall_hvm_op *out)
{
    if (!arg)
        return -XEN_EFAULT;
    if (arg->upcall_vector.vector < 0x10)
        return -XEN_EINVAL;
    if (arg->upcall_vector.vcpu >= ctx->nr_vcpus)
        return -XEN_ENOENT;
    *out = (struct hcall_hvm_op){ .cmd = HVMOP_set_evtchn_upcall_vector,
                                  .slot = arg->upcall_vector.vcpu,
                                  .target = ctx->domid,
                                  .value = arg->upcall_vector.vector };
    return 0;
}

int hcall_decode_hvm_op(const struct hcall_ctx *ctx, const uint64_t *a, const union hcall_arg *arg,
                        struct hcall_hvm_op *out)
{
    struct hcall_hvm_op o = { .cmd = (uint32_t)a[0] };
    int r = 0;

    if (a[0] == HVMOP_set_evtchn_upcall_vector)
        return decode_upcall_vector(ctx, arg, out);
    if (a[0] != HVMOP_set_param && a[0] != HVMOP_get_param && a[0] != HVMOP_get_time)
        return -XEN_ENOSYS;
    if (a[0] != HVMOP_get_time)
        r = arg ? decode_hvm_param(ctx, &arg->hvm_param, &o) : -XEN_EFAULT;
    if (r == 0)
        *out = o;
    return r;
}
