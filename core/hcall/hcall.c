/* SPDX-License-Identifier: MIT */
/*
 * The hypercall table and the Xen hypercalls every domain has:
 * xen_version, console_io and sched_op. Numbers, commands and structures
 * are Xen's public ABI (public/xen.h, version.h, sched.h).
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
    struct xen_feature_info f;

    switch (a[0]) {
    case XENVER_version: return (MOSAIC_XEN_VERSION_MAJOR << 16) | MOSAIC_XEN_VERSION_MINOR;
    case XENVER_extraversion: return vcpu_copy_to_guest(v, a[1], extra, sizeof(extra)) ? -ERR_FAULT : 0;
    case XENVER_get_features:
        if (vcpu_copy_from_guest(v, a[1], &f, sizeof(f)))
            return -ERR_FAULT;
        /* Submap 0: XENFEAT_hvm_callback_vector (8): events arrive as an
         * interrupt at the vector set with HVM_PARAM_CALLBACK_IRQ. */
        f.submap = f.submap_idx == 0 ? 1u << XENFEAT_hvm_callback_vector : 0;
        return vcpu_copy_to_guest(v, a[1], &f, sizeof(f)) ? -ERR_FAULT : 0;
    default: return -ERR_NOSYS;
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
    uint64_t count = a[1], done = 0;

    if (a[0] == CONSOLEIO_read)
        return 0; /* no console input yet */
    if (a[0] != CONSOLEIO_write)
        return -ERR_NOSYS;
    if (count > 0x7fffffff)
        return -ERR_INVAL;
    while (done < count) {
        size_t n = (size_t)MIN(count - done, sizeof(chunk));
        if (done == CONSOLE_PER_CALL) {
            hcall_continue(v, 1, count - done);
            hcall_continue(v, 2, a[2] + done);
            return 0;
        }
        if (vcpu_copy_from_guest(v, a[2] + done, chunk, n))
            return -ERR_FAULT;
        console_put(v->dom, chunk, n);
        done += n;
    }
    return 0;
}

static int64_t do_sched_op(struct vcpu *v, const uint64_t *a)
{
    uint32_t reason;

    switch (a[0]) {
    case SCHEDOP_yield: return 0;
    case SCHEDOP_block:
        vtime_block(v); /* until its timer fires (event channels come later) */
        return 0;
    case SCHEDOP_shutdown:
        if (vcpu_copy_from_guest(v, a[1], &reason, sizeof(reason)))
            return -ERR_FAULT;
        if (reason > SHUTDOWN_watchdog)
            return -ERR_INVAL;
        domain_shutdown(v->dom, (enum shutdown_reason)reason);
        return 0;
    default: return -ERR_NOSYS;
    }
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

    if (gpfn >= (1ull << 36))
        return -ERR_INVAL;
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

/* Grant-table frame idx at gpfn; the table grows to idx + 1 frames. */
static int64_t map_grant_frame(struct vcpu *v, uint64_t idx, uint64_t gpfn)
{
    struct domain *d = v->dom;
    uint64_t f;
    paddr_t pa = 0;
    int r;

    if (idx >= GNTTAB_MAX_FRAMES)
        return -ERR_INVAL; /* also a version-2 status frame (bit 31) */
    f = gnttab_lock_all();
    r = gnttab_domain_grow(d, (unsigned)idx + 1);
    if (r == 0)
        pa = gnttab_domain_frame(d, (unsigned)idx);
    gnttab_unlock_all(f);
    return r ? r : place_frame(d, pa, &d->gnttab_gfn[idx], gpfn);
}

static int64_t do_memory_op(struct vcpu *v, const uint64_t *a)
{
    struct xen_add_to_physmap x;
    struct xen_memory_map m;
    struct e820_entry ram = { 0 };
    uint64_t bytes = v->dom->nr_pages << PAGE_SHIFT;

    switch (a[0]) {
    case XENMEM_add_to_physmap:
        if (vcpu_copy_from_guest(v, a[1], &x, sizeof(x)))
            return -ERR_FAULT;
        if (x.domid != DOMID_SELF && x.domid != v->dom->id)
            return -ERR_INVAL;
        if (x.space == XENMAPSPACE_grant_table)
            return map_grant_frame(v, x.idx, x.gpfn);
        if (x.space != XENMAPSPACE_shared_info || x.idx)
            return -ERR_INVAL;
        return map_shared_info(v, x.gpfn);
    case XENMEM_memory_map:
        if (vcpu_copy_from_guest(v, a[1], &m, sizeof(m)))
            return -ERR_FAULT;
        if (m.nr_entries < 1)
            return -ERR_INVAL;
        ram.size[0] = (uint32_t)bytes;
        ram.size[1] = (uint32_t)(bytes >> 32);
        ram.type = XEN_HVM_MEMMAP_TYPE_RAM;
        m.nr_entries = 1;
        if (vcpu_copy_to_guest(v, m.buffer, &ram, sizeof(ram)) || vcpu_copy_to_guest(v, a[1], &m, sizeof(m)))
            return -ERR_FAULT;
        return 0;
    default: return -ERR_NOSYS;
    }
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
static int64_t vcpu_op_sibling(struct vcpu *v, unsigned cmd, struct vcpu *t, uint64_t arg)
{
    struct vcpu_hvm_context ctx;

    switch (cmd) {
    case VCPUOP_initialise:
        if (__atomic_load_n(&t->initialised, __ATOMIC_ACQUIRE))
            return -ERR_EXIST;
        if (vcpu_copy_from_guest(v, arg, &ctx, sizeof(ctx)))
            return -ERR_FAULT;
        return vcpu_initialise(t, &ctx);
    case VCPUOP_up:
        if (!__atomic_load_n(&t->initialised, __ATOMIC_ACQUIRE))
            return -ERR_INVAL;
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
    case VCPUOP_is_up: return t->state != VCPU_DOWN;
    default: return -ERR_NOSYS;
    }
}

static int64_t do_vcpu_op(struct vcpu *v, const uint64_t *a)
{
    struct domain *d = v->dom;
    struct vcpu_set_singleshot_timer t;

    if (a[1] >= d->nr_vcpus)
        return -ERR_NOENT;
    if (a[0] <= VCPUOP_is_up)
        return vcpu_op_sibling(v, (unsigned)a[0], &d->vcpus[index_nospec((size_t)a[1], d->nr_vcpus)], a[2]);
    if (a[1] != v->id) /* timers of the calling vCPU only */
        return -ERR_INVAL;
    switch (a[0]) {
    case VCPUOP_set_singleshot_timer:
        if (vcpu_copy_from_guest(v, a[2], &t, sizeof(t)))
            return -ERR_FAULT;
        if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < arch_time_ns())
            return -ERR_TIME;
        vtime_set_timer(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);
        return 0;
    case VCPUOP_stop_singleshot_timer: vtime_set_timer(v, 0); return 0;
    case VCPUOP_stop_periodic_timer: return 0; /* there is no periodic timer to stop */
    default: return -ERR_NOSYS;
    }
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
