/* SPDX-License-Identifier: MIT */
/*
 * The hypercall table and the Xen hypercalls every domain has:
 * xen_version, console_io and sched_op. Numbers, commands and structures
 * are Xen's public ABI (public/xen.h, version.h, sched.h). Every Xen
 * family copies its argument in once (hcall_in), decodes it (decode_*.c)
 * and only then performs.
 */
#include "core/env.h"
#include "core/errno.h"
#include "core/hcall.h"
#include "core/iommu.h"
#include "core/arch.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/nospec.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "core/vtime.h"
#include "core/gnttab_domain.h"
#include "core/evtchn_domain.h"
#include "hcall_priv.h"
#include "idl/xen.h"
#include "idl/xen_version.h"
#include "idl/memory.h"
#include "idl/vcpu.h"
#include "idl/sched.h"
#include "idl/start_info.h"
#include "idl/mgmt.h"

#define CONSOLE_CHUNK    128
#define CONSOLE_PER_CALL (32 * CONSOLE_CHUNK)

typedef int64_t (*hcall_fn)(struct vcpu *v, const uint64_t *a);

/* A NUL-terminated string into a guest buffer of len bytes, the rest
 * zeroed, as Xen fills its fixed-size answers. */
static int copy_string(struct vcpu *v, uint64_t gva, const char *str, size_t len)
{
    static const char zeros[64];
    size_t n = MIN(strlen(str) + 1, len);

    if (vcpu_copy_to_guest(v, gva, str, n))
        return -ERR_FAULT;
    for (size_t done = n; done < len; done += MIN(len - done, sizeof(zeros)))
        if (vcpu_copy_to_guest(v, gva + done, zeros, MIN(len - done, sizeof(zeros))))
            return -ERR_FAULT;
    return 0;
}

static int64_t do_xen_version(struct vcpu *v, const uint64_t *a)
{
    static const struct xen_compile_info info = { .compiler = __VERSION__, .compile_by = "mosaic" };
    static const struct xen_platform_parameters hvm = { 0 }; /* virt_start: none for HVM, as on Xen */
    static const uint8_t handle[16];                         /* no toolstack handle */
    struct hcall_xen_version op;
    struct xen_feature_info f;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_xen_version(a, hcall_in(v, __HYPERVISOR_xen_version, a, &buf, &ctx), &op);

    if (r)
        return r;
    switch (op.cmd) {
    case XENVER_version: return (MOSAIC_XEN_VERSION_MAJOR << 16) | MOSAIC_XEN_VERSION_MINOR;
    case XENVER_extraversion: return copy_string(v, a[1], ".0-mosaic", XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info: return vcpu_copy_to_guest(v, a[1], &info, sizeof(info)) ? -ERR_FAULT : 0;
    case XENVER_capabilities:
        /* The guest kinds served, in Xen's words (arch_get_xen_caps): HVM
         * containers only, no PV. */
        return copy_string(v, a[1], "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64", XEN_CAPABILITIES_INFO_LEN);
    case XENVER_changeset: return copy_string(v, a[1], "unavailable", XEN_CHANGESET_INFO_LEN);
    case XENVER_platform_parameters: return vcpu_copy_to_guest(v, a[1], &hvm, sizeof(hvm)) ? -ERR_FAULT : 0;
    case XENVER_pagesize: return PAGE_SIZE;
    case XENVER_guest_handle: return vcpu_copy_to_guest(v, a[1], handle, sizeof(handle)) ? -ERR_FAULT : 0;
    case XENVER_commandline: return copy_string(v, a[1], "<denied>", 9); /* XSM's default for a domU */
    default:
        f = (struct xen_feature_info){ buf.feature.submap_idx, op.submap };
        return vcpu_copy_to_guest(v, a[1], &f, sizeof(f)) ? -ERR_FAULT : 0;
    }
}

/* Appends guest console bytes to the domain's line; whole lines go to the
 * core log prefixed with the domain. Control bytes become '?' so a guest
 * cannot drive the operator's terminal. */
static void console_put(struct domain *d, const char *buf, size_t n)
{
    uint64_t f = spin_lock_irqsave(&d->con_lock); /* vCPUs of d may write at once */

    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n' || d->con_len >= DOMAIN_CON_LINE - 1) {
            d->con_line[d->con_len] = '\0';
            log_printf(LOG_ERR, "d%u %s: %s", d->id, d->name, d->con_line);
            d->con_len = 0;
            if (c == '\n')
                continue;
        }
        if (c == '\r')
            continue;
        d->con_line[d->con_len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
    }
    spin_unlock_irqrestore(&d->con_lock, f);
}

/* A write takes at most CONSOLE_PER_CALL bytes in one go, then continues
 * as a new call (Xen bounds and continues the same way), so a guest
 * writing 2 GiB keeps its CPU no longer than any other hypercall. */
static int64_t do_console_io(struct vcpu *v, const uint64_t *a)
{
    char chunk[CONSOLE_CHUNK];
    struct hcall_console_io op;
    uint64_t done = 0;
    int r = hcall_decode_console_io(a, &op);

    if (r || op.cmd == CONSOLEIO_read)
        return r; /* no console input yet */
    while (done < op.count) {
        size_t n = (size_t)MIN(op.count - done, sizeof(chunk));
        if (done == CONSOLE_PER_CALL) {
            hcall_continue(v, 1, op.count - done);
            hcall_continue(v, 2, op.buffer + done);
            return 0;
        }
        if (vcpu_copy_from_guest(v, op.buffer + done, chunk, n))
            return -ERR_FAULT;
        console_put(v->dom, chunk, n);
        done += n;
    }
    return 0;
}

/* The ports are read one by one, as Xen does: a fault after a pending port
 * is no error, a fault before the wait is. */
static int64_t sched_poll(struct vcpu *v, const struct hcall_sched_op *op)
{
    uint32_t ports[HCALL_POLL_PORTS];
    unsigned n = 0;

    while (n < op->nr_ports && vcpu_copy_from_guest(v, op->ports + n * sizeof(uint32_t), &ports[n], 4) == 0)
        n++;
    return vtime_poll(v, ports, n, n < op->nr_ports, op->timeout);
}

static int64_t do_sched_op(struct vcpu *v, const uint64_t *a)
{
    struct hcall_sched_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_sched_op(a, hcall_in(v, __HYPERVISOR_sched_op, a, &buf, &ctx), &op);

    if (r)
        return r;
    if (op.cmd == SCHEDOP_block)
        vtime_block(v); /* until an event or its timer */
    else if (op.cmd == SCHEDOP_shutdown)
        domain_shutdown(v->dom, (enum shutdown_reason)op.reason);
    else if (op.cmd == SCHEDOP_poll)
        return sched_poll(v, &op);
    return 0;
}

/* Whether a vCPU of d registered its vcpu_info in the frame at gfn: such
 * a frame stays where it is while d lives (Xen holds a reference on it).
 * d->lock held. */
static bool vcpu_info_frame(const struct domain *d, uint64_t gfn)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i].vcpu_info_gfn == gfn)
            return true;
    return false;
}

/* Puts a core-owned frame (shared info, a grant-table frame) at gpfn in
 * place of what was there, as Xen does: RAM there is given back, unless a
 * grant or a registered vcpu_info pins it (-EBUSY); a foreign mapping or another core frame is
 * never replaced (-EBUSY). *where tracks the frame; a second call moves
 * it. Lock order: the grant lock, then d->lock. */
static int64_t place_frame(struct domain *d, paddr_t pa, uint64_t *where, uint64_t gpfn)
{
    uint64_t fg, f;
    paddr_t old, ram = 0;
    unsigned flags;
    int r = 0;

    ASSERT(gpfn < HCALL_GPFN_LIMIT); /* decoded */
    fg = gnttab_lock_all();
    f = spin_lock_irqsave(&d->lock);
    if (npt_lookup(&d->npt, gpfn << PAGE_SHIFT, &old, &flags) == 0) {
        if (old == pa)
            r = 1; /* already there */
        else if (!(flags & NPT_OWNED) || gnttab_frame_pinned(&d->gnttab, gpfn) || vcpu_info_frame(d, gpfn))
            r = -ERR_BUSY;
    }
    if (r == 0 && *where != ~0ull && npt_unmap(&d->npt, *where << PAGE_SHIFT, &old) == 0)
        *where = ~0ull;
    if (r == 0 && npt_lookup(&d->npt, gpfn << PAGE_SHIFT, &old, &flags) == 0 &&
        npt_unmap(&d->npt, gpfn << PAGE_SHIFT, &old) == 0) {
        ram = old; /* owned RAM, checked above: freed once no TLB holds it */
        iommu_unmap(d, gpfn);
        d->nr_pages--;
    }
    if (r == 0)
        r = npt_map(&d->npt, gpfn << PAGE_SHIFT, pa, NPT_W);
    if (r >= 0)
        *where = gpfn;
    spin_unlock_irqrestore(&d->lock, f);
    gnttab_unlock_all(fg);
    /* Sibling vCPUs in the guest may still write the old page through
     * their TLBs: it goes back to the allocator only after they exit. */
    domain_flush_guest_tlb(d);
    if (ram)
        frame_free(ram);
    return r > 0 ? 0 : r;
}

static int64_t map_shared_info(struct vcpu *v, uint64_t gpfn)
{
    struct domain *d = v->dom;
    int64_t r = place_frame(d, d->shared_info, &d->shared_info_gfn, gpfn);

    for (unsigned i = 0; r == 0 && i < d->nr_vcpus; i++)
        vtime_update(&d->vcpus[i]);
    return r;
}

/* Grant-table frame idx (decoded: < GNTTAB_MAX_FRAMES) at gpfn; the
 * table grows to idx + 1 frames. */
static int64_t map_grant_frame(struct vcpu *v, uint64_t idx, uint64_t gpfn)
{
    struct domain *d = v->dom;
    unsigned i = (unsigned)index_nospec((size_t)idx, GNTTAB_MAX_FRAMES);
    uint64_t f = gnttab_lock_all();
    paddr_t pa = 0;
    int r = gnttab_domain_grow(d, i + 1);

    if (r == 0)
        pa = gnttab_domain_frame(d, i);
    gnttab_unlock_all(f);
    return r ? r : place_frame(d, pa, &d->gnttab_gfn[i], gpfn);
}

static int64_t memory_map(struct vcpu *v, const uint64_t *a, const struct hcall_memory_op *op, struct xen_memory_map m)
{
    struct e820_entry ram = { 0 };
    uint64_t bytes = v->dom->nr_pages << PAGE_SHIFT;

    ram.size[0] = (uint32_t)bytes;
    ram.size[1] = (uint32_t)(bytes >> 32);
    ram.type = XEN_HVM_MEMMAP_TYPE_RAM;
    m.nr_entries = 1;
    if (vcpu_copy_to_guest(v, op->buffer, &ram, sizeof(ram)) || vcpu_copy_to_guest(v, a[1], &m, sizeof(m)))
        return -ERR_FAULT;
    return 0;
}

/* Takes d's RAM frame at gfn out of its physical space: 0 and *pa (to free
 * after a TLB shootdown), -ERR_INVAL where it has no RAM of its own
 * (a hole, a core frame, a foreign mapping), -ERR_BUSY where a grant or
 * a registered vcpu_info pins it. d->lock and the grant lock held. */
static int remove_frame(struct domain *d, uint64_t gfn, paddr_t *pa)
{
    unsigned flags;

    if (gfn >= HCALL_GPFN_LIMIT || npt_lookup(&d->npt, gfn << PAGE_SHIFT, pa, &flags) != 0 || !(flags & NPT_OWNED))
        return -ERR_INVAL;
    if (gnttab_frame_pinned(&d->gnttab, gfn) || vcpu_info_frame(d, gfn))
        return -ERR_BUSY;
    if (npt_unmap(&d->npt, gfn << PAGE_SHIFT, pa) != 0)
        return -ERR_INVAL;
    iommu_unmap(d, gfn);
    d->nr_pages--;
    return 0;
}

#define MEMOP_BATCH    64u  /* frames unmapped before one TLB shootdown frees them */
#define MEMOP_PER_CALL 512u /* frames a call handles before it continues */

/* Frames [gfn, gfn + n) of an extent go back: false once one cannot. */
static bool decrease_extent(struct domain *d, uint64_t gfn, uint64_t n)
{
    paddr_t freed[MEMOP_BATCH];
    bool ok = true;

    for (uint64_t j = 0; ok && j < n;) {
        unsigned k = 0;
        uint64_t fg = gnttab_lock_all(), f = spin_lock_irqsave(&d->lock);

        while (k < MEMOP_BATCH && j < n && (ok = remove_frame(d, gfn + j, &freed[k]) == 0)) {
            k++;
            j++;
        }
        spin_unlock_irqrestore(&d->lock, f);
        gnttab_unlock_all(fg);
        /* As in place_frame: no vCPU of d may still reach them. */
        domain_flush_guest_tlb(d);
        for (unsigned i = 0; i < k; i++)
            frame_free(freed[i]);
    }
    return ok;
}

/* XENMEM_decrease_reservation and _populate_physmap on the caller's own
 * domain: extent by extent from the guest's list, stopping at the first
 * that fails (Xen's answer is the count done); a call continues after
 * MEMOP_PER_CALL frames. New frames are zeroed and charged to max_pages. */
static int64_t memory_reservation(struct vcpu *v, const struct hcall_memory_op *op)
{
    struct domain *d = v->dom;
    uint64_t i = op->start, n = 1ull << op->order, frames = 0, gfn;

    for (; i < op->nr_extents; i++, frames += n) {
        if (frames >= MEMOP_PER_CALL) {
            hcall_continue(v, 0, op->cmd | (i << HCALL_MEMOP_EXTENT_SHIFT));
            return 0;
        }
        if (vcpu_copy_from_guest(v, op->buffer + i * sizeof(gfn), &gfn, sizeof(gfn)))
            break;
        if (op->cmd == XENMEM_populate_physmap ? gfn >= HCALL_GPFN_LIMIT || domain_populate(d, gfn, n) != 0
                                               : !decrease_extent(d, gfn, n))
            break;
    }
    return (int64_t)i;
}

/* XENMEM_current_reservation / _maximum_reservation: frames d has, or may. */
static int64_t reservation_of(struct vcpu *v, const struct hcall_memory_op *op)
{
    struct domain *d = v->dom;
    int r = op->foreign ? hcall_controlled(v, op->target, CAP_DOMAIN_BUILD, &d) : 0;

    if (r)
        return r;
    return (int64_t)(op->cmd == XENMEM_current_reservation ? __atomic_load_n(&d->nr_pages, __ATOMIC_RELAXED)
                                                           : d->max_pages);
}

static int64_t do_memory_op(struct vcpu *v, const uint64_t *a)
{
    struct hcall_memory_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_memory_op(&ctx, a, hcall_in(v, __HYPERVISOR_memory_op, a, &buf, &ctx), &op);

    if (r)
        return r;
    if (op.cmd == XENMEM_decrease_reservation || op.cmd == XENMEM_populate_physmap)
        return op.none ? (int64_t)op.start : memory_reservation(v, &op);
    if (op.cmd == XENMEM_current_reservation || op.cmd == XENMEM_maximum_reservation)
        return reservation_of(v, &op);
    if (op.cmd == XENMEM_memory_map)
        return memory_map(v, a, &op, buf.memory_map);
    if (op.space == XENMAPSPACE_grant_table)
        return map_grant_frame(v, op.idx, op.gpfn);
    return map_shared_info(v, op.gpfn);
}

/* Two siblings may initialise t at once: one wins, the other gets
 * -EEXIST, and nobody starts t before its winner has written it all. */
static int64_t vcpu_initialise(struct vcpu *t, const struct vcpu_hvm_context *ctx)
{
    uint64_t f = spin_lock_irqsave(&t->dom->lock);
    int r = t->initialised ? -ERR_EXIST : vcpu_set_hvm_context(t, ctx);

    spin_unlock_irqrestore(&t->dom->lock, f);
    return r;
}

/* Commands on any vCPU of the caller's domain: start, stop, query. */
static int64_t vcpu_op_sibling(const struct hcall_vcpu_op *op, struct vcpu *t)
{
    switch (op->cmd) {
    case VCPUOP_initialise: return vcpu_initialise(t, &op->context);
    case VCPUOP_up:
        if (t->state == VCPU_DOWN) {
            t->state = VCPU_RUNNABLE;
            vtime_runstate_wake(t);
            sched_wake(t);
        }
        return 0;
    case VCPUOP_down:
        t->state = VCPU_DOWN; /* it stops at its next exit */
        if (t->running_on >= 0 && (unsigned)t->running_on != arch_cpu_index())
            arch_kick_cpu((unsigned)t->running_on);
        return 0;
    default: return t->state != VCPU_DOWN; /* VCPUOP_is_up */
    }
}

/* VCPUOP_register_vcpu_info: t's record moves to gfn + offset, a frame
 * of the domain's RAM that stays put from now on (vcpu_info_frame). As
 * Xen: once per vCPU, on itself or a sibling that is down (-EINVAL). */
static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t gfn, uint32_t offset)
{
    struct domain *d = v->dom;
    uint64_t f = spin_lock_irqsave(&d->lock), fe;
    unsigned flags;
    paddr_t pa;
    int r = 0;

    if (t->vcpu_info_gfn != ~0ull || (t != v && __atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != VCPU_DOWN) ||
        npt_lookup(&d->npt, gfn << PAGE_SHIFT, &pa, &flags) != 0 ||
        (flags & (NPT_OWNED | NPT_W)) != (NPT_OWNED | NPT_W))
        r = -ERR_INVAL;
    else
        __atomic_store_n(&t->vcpu_info_gfn, gfn, __ATOMIC_RELEASE); /* pinned before the lock goes */
    spin_unlock_irqrestore(&d->lock, f);
    if (r)
        return r;
    fe = evtchn_lock_all();
    evtchn_move_vcpu_info(&d->evtchn, t->id, (uint8_t *)phys_to_virt(pa) + offset);
    evtchn_unlock_all(fe);
    vtime_update(t);
    return 0;
}

/* The records of any vCPU of the domain the core keeps for the guest. */
static int64_t vcpu_op_record(struct vcpu *v, const struct hcall_vcpu_op *op, struct vcpu *t)
{
    struct vcpu_runstate_info r;

    switch (op->cmd) {
    case VCPUOP_get_runstate_info:
        vtime_runstate_get(t, &r);
        return vcpu_copy_to_guest(v, op->addr, &r, sizeof(r)) ? -ERR_FAULT : 0;
    case VCPUOP_register_runstate_memory_area: vtime_runstate_register(v, t, op->addr); return 0;
    default: return register_vcpu_info(v, t, op->gfn, op->offset);
    }
}

static int64_t do_vcpu_op(struct vcpu *v, const uint64_t *a)
{
    struct domain *d = v->dom;
    struct hcall_vcpu_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_vcpu_op(&ctx, a, hcall_in(v, __HYPERVISOR_vcpu_op, a, &buf, &ctx), &op);

    if (r)
        return r;
    if (op.cmd <= VCPUOP_is_up)
        return vcpu_op_sibling(&op, &d->vcpus[index_nospec(op.vcpu, d->nr_vcpus)]);
    if (op.cmd == VCPUOP_get_runstate_info || op.cmd == VCPUOP_register_runstate_memory_area ||
        op.cmd == VCPUOP_register_vcpu_info)
        return vcpu_op_record(v, &op, &d->vcpus[index_nospec(op.vcpu, d->nr_vcpus)]);
    /* the timers of the calling vCPU */
    vtime_set_timer(v, op.cmd == VCPUOP_set_singleshot_timer ? op.timeout_ns : 0);
    return 0;
}

static int64_t do_vm_assist(struct vcpu *v, const uint64_t *a)
{
    uint32_t mask;
    bool on;
    int r = hcall_decode_vm_assist(a, &mask, &on);

    if (r)
        return r;
    if (on)
        __atomic_fetch_or(&v->dom->vm_assist, mask, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&v->dom->vm_assist, ~mask, __ATOMIC_SEQ_CST);
    return 0;
}

static const hcall_fn hcall_table[] = {
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_vm_assist] = do_vm_assist,
    [__HYPERVISOR_hvm_op] = hcall_hvm_op,
    [__HYPERVISOR_grant_table_op] = hcall_grant_table_op,
    [__HYPERVISOR_event_channel_op] = hcall_event_channel_op,
    [MOSAIC_HYPERCALL_MGMT] = hcall_mgmt,
};

const union hcall_arg *hcall_in(struct vcpu *v, uint64_t nr, const uint64_t *a, union hcall_arg *buf,
                                struct hcall_ctx *ctx)
{
    struct domain *d = v->dom;
    uint64_t gva;
    size_t size = hcall_decode_arg(nr, a, &gva);

    *ctx = (struct hcall_ctx){
        .domid = d->id,
        .vcpu = (uint16_t)v->id,
        .nr_vcpus = d->nr_vcpus,
        .gnttab_max_frames = GNTTAB_MAX_FRAMES,
        .now_ns = nr == __HYPERVISOR_vcpu_op ? arch_time_ns() : 0,
    };
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (__atomic_load_n(&d->vcpus[i].initialised, __ATOMIC_ACQUIRE))
            ctx->vcpus_initialised |= 1u << i;
    ASSERT(size <= sizeof(*buf));
    if (size && vcpu_copy_from_guest(v, gva, buf, size))
        return NULL;
    return buf;
}

void hcall_continue(struct vcpu *v, unsigned i, uint64_t value)
{
    ASSERT(v->hcall_args && i < HCALL_ARGS);
    v->hcall_args[i] = value;
    v->hcall_again = true;
}

int64_t hcall_dispatch(struct vcpu *v, uint64_t nr, uint64_t args[HCALL_ARGS], bool *again)
{
    *again = false;
    if (nr >= ARRAY_SIZE(hcall_table) || !hcall_table[nr]) {
        log_debug("hcall: d%u vCPU %u: hypercall %llu not implemented", v->dom->id, v->id, (unsigned long long)nr);
        return -ERR_NOSYS;
    }
    v->hcall_args = args;
    v->hcall_again = false;
    int64_t r = hcall_table[index_nospec((size_t)nr, ARRAY_SIZE(hcall_table))](v, args);

    *again = v->hcall_again;
    v->hcall_args = NULL;

    for (unsigned i = 0; i < ARRAY_SIZE(v->held); i++)
        if (v->held[i]) {
            domain_put(v->held[i]); /* taken by hcall_controlled */
            v->held[i] = NULL;
        }
    return r;
}
