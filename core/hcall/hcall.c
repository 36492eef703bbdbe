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
#include "core/arch.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/nospec.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "core/vtime.h"
#include "core/gnttab_domain.h"
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

static int64_t do_xen_version(struct vcpu *v, const uint64_t *a)
{
    static const char extra[XEN_EXTRAVERSION_LEN] = ".0-mosaic";
    struct hcall_xen_version op;
    struct xen_feature_info f;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_xen_version(a, hcall_in(v, __HYPERVISOR_xen_version, a, &buf, &ctx), &op);

    if (r)
        return r;
    switch (op.cmd) {
    case XENVER_version: return (MOSAIC_XEN_VERSION_MAJOR << 16) | MOSAIC_XEN_VERSION_MINOR;
    case XENVER_extraversion: return vcpu_copy_to_guest(v, a[1], extra, sizeof(extra)) ? -ERR_FAULT : 0;
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

static int64_t do_sched_op(struct vcpu *v, const uint64_t *a)
{
    struct hcall_sched_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_sched_op(a, hcall_in(v, __HYPERVISOR_sched_op, a, &buf, &ctx), &op);

    if (r)
        return r;
    if (op.cmd == SCHEDOP_block)
        vtime_block(v); /* until its timer fires (event channels come later) */
    else if (op.cmd == SCHEDOP_shutdown)
        domain_shutdown(v->dom, (enum shutdown_reason)op.reason);
    return 0;
}

/* Puts a core-owned frame (shared info, a grant-table frame) at gpfn in
 * place of what was there, as Xen does: RAM there is given back, unless a
 * grant pins it (-EBUSY); a foreign mapping or another core frame is
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
        else if (!(flags & NPT_OWNED) || gnttab_frame_pinned(&d->gnttab, gpfn))
            r = -ERR_BUSY;
    }
    if (r == 0 && *where != ~0ull && npt_unmap(&d->npt, *where << PAGE_SHIFT, &old) == 0)
        *where = ~0ull;
    if (r == 0 && npt_lookup(&d->npt, gpfn << PAGE_SHIFT, &old, &flags) == 0 &&
        npt_unmap(&d->npt, gpfn << PAGE_SHIFT, &old) == 0) {
        ram = old; /* owned RAM, checked above: freed once no TLB holds it */
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

static int64_t do_memory_op(struct vcpu *v, const uint64_t *a)
{
    struct hcall_memory_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_memory_op(&ctx, a, hcall_in(v, __HYPERVISOR_memory_op, a, &buf, &ctx), &op);

    if (r)
        return r;
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
    /* the timers of the calling vCPU */
    vtime_set_timer(v, op.cmd == VCPUOP_set_singleshot_timer ? op.timeout_ns : 0);
    return 0;
}

static const hcall_fn hcall_table[] = {
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
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
