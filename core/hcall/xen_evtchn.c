/* SPDX-License-Identifier: MIT */
/*
 * event_channel_op (public/event_channel.h): decodes the guest's argument
 * struct once, runs the operation under the event-channel lock on the
 * caller's own table (alloc_unbound and status also on the table of a
 * domain it builds: Xen's toolstack power, here a capability), and copies
 * the result back. Only the 2-level ABI: the FIFO ABI's init_control is
 * -ENOSYS, so guests stay on 2-level.
 */
#include "core/cap.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/log.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "idl/evtchn.h"
#include "hcall_priv.h"

/* One buffer for every command's struct (idl/evtchn.idl: Xen's layouts). */
union evtchn_arg {
    struct evtchn_alloc_unbound alloc_unbound;
    struct evtchn_bind_interdomain bind_interdomain;
    struct evtchn_bind_virq bind_virq;
    struct evtchn_bind_ipi bind_ipi;
    struct evtchn_close close;
    struct evtchn_send send;
    struct evtchn_unmask unmask;
    struct evtchn_status status;
    struct evtchn_bind_vcpu bind_vcpu;
};

static const uint8_t arg_size[] = {
    [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
    [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
    [EVTCHNOP_close] = sizeof(struct evtchn_close),
    [EVTCHNOP_send] = sizeof(struct evtchn_send),
    [EVTCHNOP_status] = sizeof(struct evtchn_status),
    [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
    [EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
    [EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
    [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
};

/* The bookkeeping's numbers are the ABI's. */
_Static_assert(EVTCHN_STAT_INTERDOMAIN == EVTCHNSTAT_interdomain && EVTCHN_STAT_IPI == EVTCHNSTAT_ipi &&
                   EVTCHN_STAT_VIRQ == EVTCHNSTAT_virq && EVTCHN_STAT_UNBOUND == EVTCHNSTAT_unbound,
               "evtchn.h status numbers (idl/evtchn.idl)");

static bool is_self(const struct vcpu *v, uint16_t dom)
{
    return dom == EVTCHN_DOMID_SELF || dom == v->dom->id;
}

/* The table dom names for alloc_unbound and status (lock held): the
 * caller's own, or, as Xen lets a privileged toolstack, that of a domain
 * the caller controls with CAP_DOMAIN_BUILD (so that a new domain's store
 * and console ports exist before it runs; its state does not matter).
 * Unlike Xen, -EPERM comes before -ESRCH (hcall_controlled): a domain
 * without the capability learns nothing about which domains exist. */
static int target_table(struct vcpu *v, uint16_t dom, struct evtchn_table **t)
{
    struct domain *d;
    int r;

    *t = &v->dom->evtchn;
    if (is_self(v, dom))
        return 0;
    if ((r = hcall_controlled(v, dom, CAP_DOMAIN_BUILD, &d)) != 0)
        return r;
    *t = evtchn_env_table(d->id);
    return *t ? 0 : -ERR_SRCH; /* being destroyed: its table is gone */
}

/* Runs cmd with the lock held. Returns 0 or -ERR_*; fills the out fields
 * of x. */
static int perform(struct vcpu *v, unsigned cmd, union evtchn_arg *x)
{
    struct evtchn_table *t = &v->dom->evtchn;
    struct evtchn_info info;
    uint16_t remote;
    int r;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        if ((r = target_table(v, x->alloc_unbound.dom, &t)) != 0)
            return r;
        /* remote_dom DOMID_SELF is the caller, not the table's owner (Xen
         * resolves it to current->domain): a toolstack offers the new
         * domain's port to itself this way. */
        remote = x->alloc_unbound.remote_dom == EVTCHN_DOMID_SELF ? v->dom->id : x->alloc_unbound.remote_dom;
        return evtchn_alloc_unbound(t, remote, &x->alloc_unbound.port);
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(t, x->bind_interdomain.remote_dom, x->bind_interdomain.remote_port,
                                       &x->bind_interdomain.local_port);
    case EVTCHNOP_bind_virq: return evtchn_bind_virq(t, x->bind_virq.virq, x->bind_virq.vcpu, &x->bind_virq.port);
    case EVTCHNOP_bind_ipi: return evtchn_bind_ipi(t, x->bind_ipi.vcpu, &x->bind_ipi.port);
    case EVTCHNOP_close: return evtchn_close(t, x->close.port);
    case EVTCHNOP_send: return evtchn_send(t, x->send.port);
    case EVTCHNOP_unmask: return evtchn_unmask(t, x->unmask.port);
    case EVTCHNOP_bind_vcpu: return evtchn_bind_vcpu(t, x->bind_vcpu.port, x->bind_vcpu.vcpu);
    case EVTCHNOP_status:
        if ((r = target_table(v, x->status.dom, &t)) != 0)
            return r;
        r = evtchn_status(t, x->status.port, &info);
        if (r == 0) {
            x->status.status = info.status;
            x->status.vcpu = info.vcpu;
            memset(&x->status.u, 0, sizeof(x->status.u));
            if (info.status == EVTCHNSTAT_virq) {
                x->status.u.virq = info.remote_or_virq;
            } else {
                x->status.u.interdomain.dom = info.remote_dom; /* unbound.dom is the same field */
                x->status.u.interdomain.port = info.remote_or_virq;
            }
        }
        return r;
    default: return -ERR_NOSYS;
    }
}

int64_t hcall_event_channel_op(struct vcpu *v, const uint64_t *a)
{
    union evtchn_arg x;
    size_t size;
    uint64_t f;
    int r;

    if (a[0] >= ARRAY_SIZE(arg_size) || !arg_size[a[0]])
        return -ERR_NOSYS; /* the FIFO ABI, pirqs, reset: not provided */
    size = arg_size[a[0]];
    if (vcpu_copy_from_guest(v, a[1], &x, size))
        return -ERR_FAULT;
    f = evtchn_lock_all();
    r = perform(v, (unsigned)a[0], &x);
    evtchn_unlock_all(f);
    if (r != 0) {
        log_debug("hcall: d%u event_channel_op %llu refused: %s", v->dom->id, (unsigned long long)a[0], err_name(-r));
        return r;
    }
    /* Only commands with out fields write back (send, close, unmask and
     * bind_vcpu have none: a send from a read-only buffer succeeds, as
     * on Xen, and the hot path does no second guest copy). A guest that
     * made its buffer unwritable sees -EFAULT and the operation stands. */
    if (a[0] == EVTCHNOP_send || a[0] == EVTCHNOP_close || a[0] == EVTCHNOP_unmask || a[0] == EVTCHNOP_bind_vcpu)
        return 0;
    return vcpu_copy_to_guest(v, a[1], &x, size) ? -ERR_FAULT : 0;
}
