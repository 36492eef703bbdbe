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

/* The bookkeeping's numbers are the ABI's. */
_Static_assert(EVTCHN_STAT_INTERDOMAIN == EVTCHNSTAT_interdomain && EVTCHN_STAT_IPI == EVTCHNSTAT_ipi &&
                   EVTCHN_STAT_VIRQ == EVTCHNSTAT_virq && EVTCHN_STAT_UNBOUND == EVTCHNSTAT_unbound,
               "evtchn.h status numbers (idl/evtchn.idl)");

/* The table a decoded op names (lock held): the caller's own, or, as Xen
 * lets a privileged toolstack, that of a domain the caller controls with
 * CAP_DOMAIN_BUILD (so that a new domain's store and console ports exist
 * before it runs; its state does not matter). Unlike Xen, -EPERM comes
 * before -ESRCH (hcall_controlled): a domain without the capability
 * learns nothing about which domains exist. */
static int target_table(struct vcpu *v, const struct hcall_evtchn_op *op, struct evtchn_table **t)
{
    struct domain *d;
    int r;

    *t = &v->dom->evtchn;
    if (!op->foreign)
        return 0;
    if ((r = hcall_controlled(v, op->target, CAP_DOMAIN_BUILD, &d)) != 0)
        return r;
    *t = evtchn_env_table(d->id);
    return *t ? 0 : -ERR_SRCH; /* being destroyed: its table is gone */
}

static int status(struct evtchn_table *t, struct evtchn_status *s)
{
    struct evtchn_info info;
    int r = evtchn_status(t, s->port, &info);

    if (r == 0) {
        s->status = info.status;
        s->vcpu = info.vcpu;
        memset(&s->u, 0, sizeof(s->u));
        if (info.status == EVTCHNSTAT_virq) {
            s->u.virq = info.remote_or_virq;
        } else if (info.status == EVTCHNSTAT_pirq) {
            s->u.pirq = info.remote_or_virq; /* a device port: the core's binding */
        } else {
            s->u.interdomain.dom = info.remote_dom; /* unbound.dom is the same field */
            s->u.interdomain.port = info.remote_or_virq;
        }
    }
    return r;
}

/* Runs the decoded op with the lock held. Returns 0 or -ERR_*; fills the
 * out fields of op->arg. */
static int perform(struct vcpu *v, struct hcall_evtchn_op *op)
{
    union hcall_arg *x = &op->arg;
    struct evtchn_table *t;
    int r = target_table(v, op, &t);

    if (r)
        return r;
    switch (op->cmd) {
    case EVTCHNOP_alloc_unbound: return evtchn_alloc_unbound(t, op->remote_dom, &x->alloc_unbound.port);
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(t, x->bind_interdomain.remote_dom, x->bind_interdomain.remote_port,
                                       &x->bind_interdomain.local_port);
    case EVTCHNOP_bind_virq: return evtchn_bind_virq(t, x->bind_virq.virq, x->bind_virq.vcpu, &x->bind_virq.port);
    case EVTCHNOP_bind_ipi: return evtchn_bind_ipi(t, x->bind_ipi.vcpu, &x->bind_ipi.port);
    case EVTCHNOP_close: return evtchn_close(t, x->close.port);
    case EVTCHNOP_send: return evtchn_send(t, x->send.port);
    case EVTCHNOP_unmask: return evtchn_unmask(t, x->unmask.port);
    case EVTCHNOP_bind_vcpu: return evtchn_bind_vcpu(t, x->bind_vcpu.port, x->bind_vcpu.vcpu);
    default: return status(t, &x->status); /* EVTCHNOP_status */
    }
}

int64_t hcall_event_channel_op(struct vcpu *v, const uint64_t *a)
{
    struct hcall_evtchn_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    uint64_t f, gva;
    int r = hcall_decode_evtchn_op(&ctx, a, hcall_in(v, __HYPERVISOR_event_channel_op, a, &buf, &ctx), &op);

    if (r == 0) {
        f = evtchn_lock_all();
        r = perform(v, &op);
        evtchn_unlock_all(f);
    }
    if (r != 0) {
        log_debug("hcall: d%u event_channel_op %llu refused: %s", v->dom->id, (unsigned long long)a[0], err_name(-r));
        return r;
    }
    /* Only commands with out fields write back (send, close, unmask and
     * bind_vcpu have none: a send from a read-only buffer succeeds, as
     * on Xen, and the hot path does no second guest copy). A guest that
     * made its buffer unwritable sees -EFAULT and the operation stands. */
    if (op.cmd == EVTCHNOP_send || op.cmd == EVTCHNOP_close || op.cmd == EVTCHNOP_unmask ||
        op.cmd == EVTCHNOP_bind_vcpu)
        return 0;
    return vcpu_copy_to_guest(v, a[1], &op.arg, hcall_decode_arg(__HYPERVISOR_event_channel_op, a, &gva)) ? -ERR_FAULT
                                                                                                          : 0;
}
