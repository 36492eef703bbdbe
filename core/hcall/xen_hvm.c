/* SPDX-License-Identifier: MIT */
/*
 * hvm_op (public/hvm/hvm_op.h): the operations a PVH guest makes on its
 * own HVM state (params, the time, per-vCPU upcall vectors), and the params a toolstack sets for a domain it builds
 * (where its XenStore and console rings are). Only what Mosaic's guests
 * need is here; everything else is -ENOSYS, as on a Xen without the
 * feature. The core never uses the store and console params itself.
 * decode_xen.c decodes; this file looks the target up and performs.
 */
#include "core/arch.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/log.h"
#include "core/nospec.h"
#include "core/vcpu.h"
#include "core/vtime.h"
#include "hcall_priv.h"
#include "idl/hvm.h"
#include "idl/xen.h"

#define CALLBACK_TYPE_VECTOR ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT)

/* The domain a decoded param op names: the caller's own, or (Xen's
 * toolstack power, here a capability) one it controls with
 * CAP_DOMAIN_BUILD, whatever its state: Xen's toolstack may change them
 * at any time. */
static int param_target(struct vcpu *v, const struct hcall_hvm_op *op, struct domain **d)
{
    int r = 0;

    *d = v->dom;
    if (op->foreign)
        r = hcall_controlled(v, op->target, CAP_DOMAIN_BUILD, d);
    return r ? r : op->after_lookup; /* Xen's order: the checks after the lookup */
}

/* HVMOP_set_param and _get_param, decoded. */
static int64_t hvm_param(struct vcpu *v, const uint64_t *a, struct hcall_hvm_op *op)
{
    uint32_t *vector;
    uint64_t *slot, f;
    struct domain *d;
    int r = param_target(v, op, &d);

    if (r)
        return r;
    vector = &d->evtchn.upcall_vector;
    slot = &d->hvm_param[index_nospec(op->slot, DOMAIN_HVM_PARAMS)];
    if (op->cmd == HVMOP_set_param && op->slot == HCALL_HVM_CALLBACK) {
        f = evtchn_lock_all();
        __atomic_store_n(vector, (uint32_t)op->value, __ATOMIC_RELAXED);
        evtchn_unlock_all(f);
        return 0;
    }
    if (op->cmd == HVMOP_set_param) {
        /* Stored as given, as Xen does: only the guest reads them back. */
        __atomic_store_n(slot, op->value, __ATOMIC_RELAXED);
        return 0;
    }
    if (op->slot == HCALL_HVM_CALLBACK) {
        op->param.value = __atomic_load_n(vector, __ATOMIC_RELAXED);
        op->param.value = op->param.value ? CALLBACK_TYPE_VECTOR | op->param.value : 0;
    } else {
        op->param.value = __atomic_load_n(slot, __ATOMIC_RELAXED);
    }
    return vcpu_copy_to_guest(v, a[1], &op->param, sizeof(op->param)) ? -ERR_FAULT : 0;
}

int64_t hcall_hvm_op(struct vcpu *v, const uint64_t *a)
{
    struct xen_hvm_get_time t;
    struct hcall_hvm_op op;
    struct hcall_ctx ctx;
    union hcall_arg buf;
    int r = hcall_decode_hvm_op(&ctx, a, hcall_in(v, __HYPERVISOR_hvm_op, a, &buf, &ctx), &op);

    if (r) {
        log_debug("hcall: d%u hvm_op %llu refused: %s", v->dom->id, (unsigned long long)a[0], err_name(r));
        return r;
    }
    if (op.cmd == HVMOP_set_evtchn_upcall_vector) {
        struct vcpu *u = &v->dom->vcpus[index_nospec(op.slot, v->dom->nr_vcpus)];
        __atomic_store_n(&u->lapic.upcall_vector, (uint32_t)op.value, __ATOMIC_SEQ_CST);
        if (evtchn_upcall_pending(&v->dom->evtchn, u->id)) { /* Xen asserts it at once */
            vlapic_set_irr(&u->lapic, (unsigned)op.value);
            vtime_kick(u);
        }
        return 0;
    }
    if (op.cmd != HVMOP_get_time)
        return hvm_param(v, a, &op);
    t.now = arch_time_ns();
    return vcpu_copy_to_guest(v, a[1], &t, sizeof(t)) ? -ERR_FAULT : 0;
}
