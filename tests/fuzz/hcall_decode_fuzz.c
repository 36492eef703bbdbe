/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the decode step of every Xen hypercall family
 * (hcall_decode.h). The input picks a family, the caller's context, the
 * argument registers and the argument struct (layout in fuzz.h). Each
 * decode runs twice into differently filled outputs: the same answer, a
 * refusal writes nothing, the answer equals that of plain reference rules
 * below, a success keeps the header's ranges, and bytes past the struct
 * size hcall_decode_arg gives never change the answer.
 */
#include <string.h>

#include "core/hcall_decode.h"
#include "idl/xen_errno.h"
#include "fuzz.h"

enum family {
    F_VERSION,
    F_CONSOLE,
    F_SCHED,
    F_MEMORY,
    F_VCPU,
    F_HVM,
    F_EVTCHN,
    F_GNTTAB,
    F_GNTCOPY,
    F_VMASST,
    F_COUNT
};

static const uint64_t family_nr[] = {
    __HYPERVISOR_xen_version,    __HYPERVISOR_console_io, __HYPERVISOR_sched_op,         __HYPERVISOR_memory_op,
    __HYPERVISOR_vcpu_op,        __HYPERVISOR_hvm_op,     __HYPERVISOR_event_channel_op, __HYPERVISOR_grant_table_op,
    __HYPERVISOR_grant_table_op, __HYPERVISOR_vm_assist,
};

struct input {
    struct hcall_ctx ctx;
    uint64_t a[3];
    bool fault;          /* the copy-in failed: the decoder gets NULL */
    union hcall_arg arg; /* the struct, zero past the input */
    union hcall_arg alt; /* the same, bytes past the struct's size flipped */
};

FUZZ_ORACLE static bool self(const struct hcall_ctx *c, uint16_t dom)
{
    return dom == DOMID_SELF || dom == c->domid;
}

/* Runs decode twice (outputs filled with 0xa5, then 0x5a) and once on the
 * flipped struct; checks what every decoder promises. */
#define RUN(type, r, o, call)                                         \
    do {                                                              \
        type o2, o3;                                                  \
        int r2, r3;                                                   \
        memset(&o, 0xa5, sizeof(o));                                  \
        memset(&o2, 0x5a, sizeof(o2));                                \
        memset(&o3, 0x5a, sizeof(o3));                                \
        {                                                             \
            type *out = &o;                                           \
            const union hcall_arg *arg = in->fault ? NULL : &in->arg; \
            r = call;                                                 \
            out = &o2;                                                \
            r2 = call;                                                \
            out = &o3;                                                \
            arg = in->fault ? NULL : &in->alt;                        \
            r3 = call;                                                \
            (void)arg;                                                \
        }                                                             \
        FUZZ_CHECK(r == r2 && r == r3);                               \
        FUZZ_CHECK(r <= 0);                                           \
        if (r) {                                                      \
            FUZZ_CHECK(fuzz_filled(&o, sizeof(o), 0xa5));             \
            FUZZ_CHECK(fuzz_filled(&o2, sizeof(o2), 0x5a));           \
        }                                                             \
    } while (0)

FUZZ_ORACLE static void check_version(const struct input *in)
{
    struct hcall_xen_version o;
    const uint64_t *a = in->a;
    int r, want;

    RUN(struct hcall_xen_version, r, o, hcall_decode_xen_version(a, arg, out));
    want = a[0] > XENVER_build_id                                           ? -XEN_ENOSYS
           : a[0] == XENVER_get_features && in->fault                       ? -XEN_EFAULT
           : a[0] == XENVER_get_features && in->arg.feature.submap_idx != 0 ? -XEN_EINVAL
           : a[0] == XENVER_pagesize && a[1]                                ? -XEN_EINVAL
           : a[0] == XENVER_build_id                                        ? -XEN_EPERM
                                                                            : 0;
    FUZZ_CHECK(r == want);
    if (r == 0)
        FUZZ_CHECK(o.cmd == a[0]);
    if (r == 0 && a[0] == XENVER_get_features) /* pvclock and the vector always; nothing PV-only or dom0 */
        FUZZ_CHECK((o.submap & (1u << XENFEAT_hvm_safe_pvclock)) && (o.submap & (1u << XENFEAT_hvm_callback_vector)) &&
                   !(o.submap & ((1u << XENFEAT_dom0) | (1u << XENFEAT_mmu_pt_update_preserve_ad))));
}

FUZZ_ORACLE static void check_console(const struct input *in)
{
    struct hcall_console_io o;
    const uint64_t *a = in->a;
    int r;

    RUN(struct hcall_console_io, r, o, hcall_decode_console_io(a, out));
    FUZZ_CHECK(r == (a[0] > CONSOLEIO_read                           ? -XEN_ENOSYS
                     : a[0] == CONSOLEIO_write && a[1] >= 1ull << 31 ? -XEN_EINVAL
                                                                     : 0));
    if (r == 0)
        FUZZ_CHECK(o.cmd == a[0] && o.buffer == a[2] && o.count == (a[0] == CONSOLEIO_write ? a[1] : 0));
}

FUZZ_ORACLE static void check_sched(const struct input *in)
{
    struct hcall_sched_op o;
    const uint64_t *a = in->a;
    int r, want = 0;

    RUN(struct hcall_sched_op, r, o, hcall_decode_sched_op(a, arg, out));
    if (a[0] > SCHEDOP_poll)
        want = -XEN_ENOSYS;
    else if (a[0] == SCHEDOP_shutdown)
        want = in->fault ? -XEN_EFAULT : in->arg.shutdown_reason > SHUTDOWN_watchdog ? -XEN_EINVAL : 0;
    else if (a[0] == SCHEDOP_poll)
        want = in->fault ? -XEN_EFAULT : in->arg.poll.nr_ports > 128 ? -XEN_EINVAL : 0;
    FUZZ_CHECK(r == want);
    if (r == 0)
        FUZZ_CHECK(o.cmd == a[0] && o.reason <= SHUTDOWN_watchdog);
    if (r == 0 && a[0] == SCHEDOP_poll)
        FUZZ_CHECK(o.nr_ports == in->arg.poll.nr_ports && o.nr_ports <= HCALL_POLL_PORTS &&
                   o.ports == in->arg.poll.ports && o.timeout == in->arg.poll.timeout);
}

FUZZ_ORACLE static int ref_physmap(const struct hcall_ctx *c, const struct xen_add_to_physmap *x)
{
    if (!self(c, x->domid))
        return -XEN_EINVAL;
    if (x->space == XENMAPSPACE_grant_table && x->idx < c->gnttab_max_frames && x->gpfn < (1ull << 36))
        return 0;
    if (x->space == XENMAPSPACE_shared_info && x->idx == 0 && x->gpfn < (1ull << 36))
        return 0;
    return -XEN_EINVAL;
}

FUZZ_ORACLE static void check_memory(const struct input *in)
{
    struct hcall_memory_op o;
    const struct hcall_ctx *c = &in->ctx;
    const uint64_t *a = in->a;
    int r, want;

    uint64_t op = a[0] & 63;

    RUN(struct hcall_memory_op, r, o, hcall_decode_memory_op(c, a, arg, out));
    if (op == XENMEM_decrease_reservation || op == XENMEM_populate_physmap) {
        const struct xen_memory_reservation *x = &in->arg.reservation;
        uint32_t bits = x->mem_flags & 0xff;
        bool none = in->fault || x->nr_extents > (0xffffffffu >> 6) || (a[0] >> 6) >= x->nr_extents ||
                    (bits && bits <= 12) || !self(c, x->domid) || x->extent_order > 9;
        FUZZ_CHECK(r == 0 && o.cmd == op && o.start == a[0] >> 6 && o.none == none);
        if (!none)
            FUZZ_CHECK(o.start < o.nr_extents && o.nr_extents == x->nr_extents && o.order <= HCALL_MEMOP_MAX_ORDER &&
                       o.buffer == x->extent_start);
        return;
    }
    if (op == XENMEM_current_reservation || op == XENMEM_maximum_reservation) {
        want = a[0] != op ? -XEN_EINVAL : in->fault ? -XEN_EFAULT : 0;
        FUZZ_CHECK(r == want);
        if (r == 0)
            FUZZ_CHECK(o.cmd == op && o.foreign == !self(c, in->arg.domid) &&
                       o.target == (o.foreign ? in->arg.domid : c->domid));
        return;
    }
    if (a[0] != XENMEM_add_to_physmap && a[0] != XENMEM_memory_map)
        want = -XEN_ENOSYS;
    else if (in->fault)
        want = -XEN_EFAULT;
    else if (a[0] == XENMEM_add_to_physmap)
        want = ref_physmap(c, &in->arg.physmap);
    else
        want = in->arg.memory_map.nr_entries ? 0 : -XEN_EINVAL;
    FUZZ_CHECK(r == want);
    if (r == 0 && a[0] == XENMEM_add_to_physmap)
        FUZZ_CHECK(o.gpfn == in->arg.physmap.gpfn && o.idx == in->arg.physmap.idx &&
                   (o.space == XENMAPSPACE_shared_info ? o.idx == 0 : o.idx < c->gnttab_max_frames));
    if (r == 0 && a[0] == XENMEM_memory_map)
        FUZZ_CHECK(o.buffer == in->arg.memory_map.buffer);
}

FUZZ_ORACLE static int ref_vcpu(const struct input *in)
{
    const struct hcall_ctx *c = &in->ctx;
    const uint64_t *a = in->a;
    bool init = a[1] < 32 && ((c->vcpus_initialised >> a[1]) & 1);

    if (a[1] >= c->nr_vcpus)
        return -XEN_ENOENT;
    if (a[0] == VCPUOP_initialise)
        return init ? -XEN_EEXIST : in->fault ? -XEN_EFAULT : 0;
    if (a[0] == VCPUOP_up)
        return init ? 0 : -XEN_EINVAL;
    if (a[0] == VCPUOP_down || a[0] == VCPUOP_is_up || a[0] == VCPUOP_get_runstate_info)
        return 0;
    if (a[0] == VCPUOP_register_runstate_memory_area)
        return in->fault ? -XEN_EFAULT : 0;
    if (a[0] == VCPUOP_register_vcpu_info)
        return in->fault                                                                     ? -XEN_EFAULT
               : in->arg.vcpu_info.offset > 4096 - 64 || (in->arg.vcpu_info.offset & 7) != 0 ? -XEN_ENXIO
               : in->arg.vcpu_info.mfn >= (1ull << 36)                                       ? -XEN_EINVAL
                                                                                             : 0;
    if (a[1] != c->vcpu)
        return -XEN_EINVAL;
    if (a[0] == VCPUOP_stop_periodic_timer || a[0] == VCPUOP_stop_singleshot_timer)
        return 0;
    if (a[0] != VCPUOP_set_singleshot_timer)
        return -XEN_ENOSYS;
    if (in->fault)
        return -XEN_EFAULT;
    return (in->arg.timer.flags & 1) && in->arg.timer.timeout_abs_ns < c->now_ns ? -XEN_ETIME : 0;
}

FUZZ_ORACLE static void check_vcpu(const struct input *in)
{
    struct hcall_vcpu_op o;
    const struct hcall_ctx *c = &in->ctx;
    const uint64_t *a = in->a;
    int r;

    RUN(struct hcall_vcpu_op, r, o, hcall_decode_vcpu_op(c, a, arg, out));
    FUZZ_CHECK(r == ref_vcpu(in));
    if (r)
        return;
    FUZZ_CHECK(o.cmd == a[0] && o.vcpu == a[1] && o.vcpu < c->nr_vcpus);
    if (o.cmd > VCPUOP_is_up && o.cmd != VCPUOP_get_runstate_info && o.cmd != VCPUOP_register_runstate_memory_area &&
        o.cmd != VCPUOP_register_vcpu_info)
        FUZZ_CHECK(o.vcpu == c->vcpu);
    if (o.cmd == VCPUOP_register_vcpu_info)
        FUZZ_CHECK(o.gfn == in->arg.vcpu_info.mfn && o.offset == in->arg.vcpu_info.offset && o.offset + 64 <= 4096);
    if (o.cmd == VCPUOP_register_runstate_memory_area)
        FUZZ_CHECK(o.addr == in->arg.runstate.addr);
    if (o.cmd == VCPUOP_get_runstate_info)
        FUZZ_CHECK(o.addr == a[2]);
    if (o.cmd == VCPUOP_set_singleshot_timer)
        FUZZ_CHECK(o.timeout_ns != 0 &&
                   (in->arg.timer.timeout_abs_ns == 0 || o.timeout_ns == in->arg.timer.timeout_abs_ns));
    if (o.cmd == VCPUOP_initialise)
        FUZZ_CHECK(memcmp(&o.context, &in->arg.hvm_context, sizeof(o.context)) == 0);
}

FUZZ_ORACLE static int ref_hvm(const struct input *in)
{
    const struct xen_hvm_param *p = &in->arg.hvm_param;
    uint64_t v = p->value;
    bool set = in->a[0] == HVMOP_set_param;

    if (in->a[0] == HVMOP_set_evtchn_upcall_vector)
        return in->fault                                        ? -XEN_EFAULT
               : in->arg.upcall_vector.vector < 0x10            ? -XEN_EINVAL
               : in->arg.upcall_vector.vcpu >= in->ctx.nr_vcpus ? -XEN_ENOENT
                                                                : 0;
    if (in->a[0] != HVMOP_set_param && in->a[0] != HVMOP_get_param)
        return in->a[0] == HVMOP_get_time ? 0 : -XEN_ENOSYS;
    if (in->fault)
        return -XEN_EFAULT;
    if (p->index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (p->index == HVM_PARAM_CALLBACK_IRQ)
        return !set || v >> 56 == 0 || (v >> 56 == 2 && (v & 0x00ffffffffffff00ull) == 0 && (v & 0xff) >= 0x20)
                   ? 0
                   : -XEN_EINVAL;
    if (p->index != HVM_PARAM_STORE_PFN && p->index != HVM_PARAM_STORE_EVTCHN && p->index != HVM_PARAM_CONSOLE_PFN &&
        p->index != HVM_PARAM_CONSOLE_EVTCHN)
        return -XEN_EINVAL;
    if (set && self(&in->ctx, p->domid) && (p->index == HVM_PARAM_STORE_PFN || p->index == HVM_PARAM_CONSOLE_PFN))
        return -XEN_EPERM;
    return 0;
}

FUZZ_ORACLE static void check_hvm(const struct input *in)
{
    struct hcall_hvm_op o;
    const struct hcall_ctx *c = &in->ctx;
    const struct xen_hvm_param *p = &in->arg.hvm_param;
    int r, want;

    RUN(struct hcall_hvm_op, r, o, hcall_decode_hvm_op(c, in->a, arg, out));
    want = ref_hvm(in);
    /* Another domain's: refusals past the index bound wait for the lookup. */
    if (want && want != -XEN_ENOSYS && want != -XEN_EFAULT && in->a[0] != HVMOP_set_evtchn_upcall_vector &&
        p->index < HVM_NR_PARAMS && !self(c, p->domid)) {
        FUZZ_CHECK(r == 0 && o.foreign && o.after_lookup == want);
        return;
    }
    FUZZ_CHECK(r == want);
    if (r || o.cmd == HVMOP_get_time)
        return;
    if (o.cmd == HVMOP_set_evtchn_upcall_vector) {
        FUZZ_CHECK(o.slot == in->arg.upcall_vector.vcpu && o.value == in->arg.upcall_vector.vector);
        return;
    }
    FUZZ_CHECK(o.after_lookup == 0);
    FUZZ_CHECK(o.slot <= HCALL_HVM_CALLBACK && o.foreign == !self(c, p->domid));
    FUZZ_CHECK(o.target == (o.foreign ? p->domid : c->domid));
    FUZZ_CHECK((o.slot == HCALL_HVM_CALLBACK) == (p->index == HVM_PARAM_CALLBACK_IRQ));
    if (o.cmd == HVMOP_set_param && o.slot == HCALL_HVM_CALLBACK)
        FUZZ_CHECK(o.value == 0 || (o.value >= 0x20 && o.value <= 0xff && p->value >> 56 == 2));
}

FUZZ_ORACLE static void check_evtchn(const struct input *in)
{
    struct hcall_evtchn_op o;
    const struct hcall_ctx *c = &in->ctx;
    const uint64_t *a = in->a;
    uint64_t gva;
    size_t size = hcall_decode_arg(__HYPERVISOR_event_channel_op, a, &gva);
    bool known = a[0] <= EVTCHNOP_unmask && a[0] != EVTCHNOP_bind_pirq;
    uint16_t dom;
    int r;

    RUN(struct hcall_evtchn_op, r, o, hcall_decode_evtchn_op(c, a, arg, out));
    FUZZ_CHECK(known == (size != 0));
    FUZZ_CHECK(r == (!known ? -XEN_ENOSYS : in->fault ? -XEN_EFAULT : 0));
    if (r)
        return;
    FUZZ_CHECK(o.cmd == a[0] && memcmp(&o.arg, &in->arg, size) == 0);
    dom = a[0] == EVTCHNOP_alloc_unbound ? in->arg.alloc_unbound.dom
          : a[0] == EVTCHNOP_status      ? in->arg.status.dom
                                         : DOMID_SELF;
    FUZZ_CHECK(o.foreign == !self(c, dom) && o.target == (o.foreign ? dom : c->domid));
    if (a[0] == EVTCHNOP_alloc_unbound)
        FUZZ_CHECK(o.remote_dom ==
                   (in->arg.alloc_unbound.remote_dom == DOMID_SELF ? c->domid : in->arg.alloc_unbound.remote_dom));
}

FUZZ_ORACLE static int ref_gnttab(const struct input *in)
{
    const struct hcall_ctx *c = &in->ctx;
    const uint64_t *a = in->a;

    switch (a[0]) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_copy: return a[2] > 1024 ? -XEN_EINVAL : 0;
    case GNTTABOP_setup_table:
    case GNTTABOP_query_size: return a[2] != 1 ? -XEN_EINVAL : in->fault ? -XEN_EFAULT : 0;
    case GNTTABOP_set_version: return in->fault ? -XEN_EFAULT : in->arg.set_version.version != 1 ? -XEN_EINVAL : 0;
    case GNTTABOP_get_version: return in->fault ? -XEN_EFAULT : self(c, in->arg.get_version.dom) ? 0 : -XEN_EPERM;
    default: return -XEN_ENOSYS;
    }
}

FUZZ_ORACLE static void check_gnttab(const struct input *in)
{
    struct hcall_gnttab_op o;
    const struct hcall_ctx *c = &in->ctx;
    const uint64_t *a = in->a;
    int r;

    RUN(struct hcall_gnttab_op, r, o, hcall_decode_gnttab_op(c, a, arg, out));
    FUZZ_CHECK(r == ref_gnttab(in));
    if (r)
        return;
    FUZZ_CHECK(o.cmd == a[0] && o.gva == a[1] && o.count <= HCALL_GNTTAB_BATCH);
    if (a[0] == GNTTABOP_setup_table) {
        const struct gnttab_setup_table *s = &in->arg.setup_table;
        int16_t want = !self(c, s->dom)                      ? GNTST_permission_denied
                       : s->nr_frames > c->gnttab_max_frames ? GNTST_general_error
                                                             : GNTST_okay;
        FUZZ_CHECK(o.status == want);
        if (want == GNTST_okay)
            FUZZ_CHECK(o.nr_frames == s->nr_frames && o.nr_frames <= c->gnttab_max_frames);
    }
    if (a[0] == GNTTABOP_query_size)
        FUZZ_CHECK(o.status == (self(c, in->arg.query_size.dom) ? GNTST_okay : GNTST_permission_denied));
}

FUZZ_ORACLE static void check_gntcopy(const struct gnttab_copy *cp)
{
    struct hcall_gnttab_side s, d;
    int16_t st;

    memset(&s, 0xa5, sizeof(s));
    memset(&d, 0xa5, sizeof(d));
    st = hcall_decode_gnttab_copy(cp, &s, &d);
    FUZZ_CHECK(st == (cp->flags & ~3u ? GNTST_bad_copy_arg : GNTST_okay));
    if (st != GNTST_okay) {
        FUZZ_CHECK(fuzz_filled(&s, sizeof(s), 0xa5) && fuzz_filled(&d, sizeof(d), 0xa5));
        return;
    }
    FUZZ_CHECK(s.gref == !!(cp->flags & GNTCOPY_source_gref) && d.gref == !!(cp->flags & GNTCOPY_dest_gref));
    FUZZ_CHECK(s.domid == cp->source.domid && s.offset == cp->source.offset && d.domid == cp->dest.domid &&
               d.offset == cp->dest.offset);
    FUZZ_CHECK(s.frame == (s.gref ? cp->source.u.ref : cp->source.u.gmfn));
    FUZZ_CHECK(d.frame == (d.gref ? cp->dest.u.ref : cp->dest.u.gmfn));
}

FUZZ_ORACLE static void check_vm_assist(const struct input *in)
{
    uint32_t mask = 0xa5a5a5a5u, mask2 = mask;
    bool on = false, on2 = true;
    int r = hcall_decode_vm_assist(in->a, &mask, &on), want;

    FUZZ_CHECK(r == hcall_decode_vm_assist(in->a, &mask2, &on2));
    want = (uint32_t)in->a[1] != VMASST_TYPE_runstate_update_flag ? -XEN_EINVAL
           : (uint32_t)in->a[0] > VMASST_CMD_disable              ? -XEN_ENOSYS
                                                                  : 0;
    FUZZ_CHECK(r == want);
    if (r)
        FUZZ_CHECK(mask == 0xa5a5a5a5u && !on && mask2 == mask && on2);
    else
        FUZZ_CHECK(mask == 1u << VMASST_TYPE_runstate_update_flag && on == ((uint32_t)in->a[0] == VMASST_CMD_enable) &&
                   mask2 == mask && on2 == on);
}

FUZZ_ORACLE static void read_input(struct fuzz_in *fin, struct input *in, enum family f)
{
    uint64_t gva;
    size_t size, n;
    uint8_t flags = fuzz_u8(fin);

    in->ctx.domid = (uint16_t)fuzz_uint(fin, 2);
    in->ctx.nr_vcpus = 1u + fuzz_u8(fin) % 32u;
    in->ctx.vcpu = (uint16_t)(fuzz_u8(fin) % in->ctx.nr_vcpus);
    in->ctx.vcpus_initialised = fuzz_u32(fin);
    in->ctx.gnttab_max_frames = fuzz_u8(fin);
    in->ctx.now_ns = fuzz_u64(fin);
    /* Small commands most of the time: flag bit 1 reads a whole u64. */
    in->a[0] = flags & 2 ? fuzz_u64(fin) : fuzz_u8(fin) % 16u;
    in->a[1] = flags & 4 ? fuzz_u64(fin) : fuzz_u8(fin);
    in->a[2] = flags & 8 ? fuzz_u64(fin) : fuzz_uint(fin, 2);
    in->fault = flags & 1;
    size = hcall_decode_arg(family_nr[f], in->a, &gva);
    FUZZ_CHECK(size <= sizeof(in->arg) && gva == in->a[f == F_VCPU ? 2 : 1]);
    n = fin->left < sizeof(in->arg) ? fin->left : sizeof(in->arg);
    memcpy(&in->arg, fin->p, n);
    in->alt = in->arg;
    for (size_t i = size; i < sizeof(in->alt); i++)
        ((uint8_t *)&in->alt)[i] ^= 0xff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in fin = { data, size };
    struct input in;
    enum family f = (enum family)(fuzz_u8(&fin) % F_COUNT);
    struct gnttab_copy cp;

    memset(&in, 0, sizeof(in));
    read_input(&fin, &in, f);
    switch (f) {
    case F_VERSION: check_version(&in); break;
    case F_CONSOLE: check_console(&in); break;
    case F_SCHED: check_sched(&in); break;
    case F_MEMORY: check_memory(&in); break;
    case F_VCPU: check_vcpu(&in); break;
    case F_HVM: check_hvm(&in); break;
    case F_EVTCHN: check_evtchn(&in); break;
    case F_GNTTAB: check_gnttab(&in); break;
    case F_VMASST: check_vm_assist(&in); break;
    default:
        memcpy(&cp, &in.arg, sizeof(cp));
        check_gntcopy(&cp);
        break;
    }
    return 0;
}
