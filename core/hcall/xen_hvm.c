/* SPDX-License-Identifier: MIT */
/*
 * hvm_op (public/hvm/hvm_op.h): the operations a PVH guest makes on its
 * own HVM state, and the params a toolstack sets for a domain it builds
 * (where its XenStore and console rings are). Only what Mosaic's guests
 * need is here; everything else is -ENOSYS, as on a Xen without the
 * feature. The core never uses the store and console params itself.
 */
#include "core/arch.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/log.h"
#include "core/nospec.h"
#include "core/vcpu.h"
#include "hcall_priv.h"
#include "idl/hvm.h"
#include "idl/xen.h"

/* HVM_PARAM_CALLBACK_IRQ's vector type: the others need an emulated
 * IO-APIC or PCI, which Mosaic's PVH guests do not have. */
#define CALLBACK_TYPE_SHIFT  HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT
#define CALLBACK_TYPE_VECTOR ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR)

/* The callback vector: 0 turns it off; otherwise a vector type with a
 * vector the guest can take as an external interrupt (0x20..0xff). */
static int set_callback(struct domain *d, uint64_t value)
{
    uint64_t type = value >> CALLBACK_TYPE_SHIFT, vector = value & 0xff;
    uint64_t f;

    if (value != 0 &&
        (type != CALLBACK_TYPE_VECTOR || (value & ~(0xffull << CALLBACK_TYPE_SHIFT) & ~0xffull) || vector < 0x20)) {
        log_debug("hcall: d%u HVM_PARAM_CALLBACK_IRQ 0x%llx refused: only a vector >= 0x20", d->id,
                  (unsigned long long)value);
        return -ERR_INVAL;
    }
    f = evtchn_lock_all();
    __atomic_store_n(&d->evtchn.upcall_vector, (uint32_t)vector, __ATOMIC_RELAXED);
    evtchn_unlock_all(f);
    return 0;
}

/* The slot of d->hvm_param an index uses, or -1 for an index without one.
 * Which of them a guest may set on itself is Xen's rule (hvm.c,
 * hvm_allow_set_param): the ports yes, the frames no; it may read all. */
static int param_slot(uint32_t index, bool *self_may_set)
{
    *self_may_set = index == HVM_PARAM_STORE_EVTCHN || index == HVM_PARAM_CONSOLE_EVTCHN;
    switch (index) {
    case HVM_PARAM_STORE_PFN: return 0;
    case HVM_PARAM_STORE_EVTCHN: return 1;
    case HVM_PARAM_CONSOLE_PFN: return 2;
    case HVM_PARAM_CONSOLE_EVTCHN: return 3;
    default: return -1;
    }
}

/* The domain whose params domid names: the caller's own, or (Xen's
 * toolstack power, here a capability) one it controls with
 * CAP_DOMAIN_BUILD, whatever its state: Xen's toolstack may change them
 * at any time. */
static int param_target(struct vcpu *v, uint16_t domid, struct domain **d)
{
    *d = v->dom;
    if (domid == DOMID_SELF || domid == v->dom->id)
        return 0;
    return hcall_controlled(v, domid, CAP_DOMAIN_BUILD, d);
}

/* HVMOP_set_param and _get_param. Errors, in Xen's order: -EFAULT, an
 * index past the bound (-EINVAL), another domain's params (param_target:
 * -EPERM, -ESRCH), an index without a value here (-EINVAL), a domain
 * setting its own frames (-EPERM), a callback set_callback refuses. */
static int64_t hvm_param(struct vcpu *v, bool set, uint64_t gva)
{
    struct xen_hvm_param p;
    struct domain *d;
    uint32_t vector;
    bool self_may_set;
    int slot, r;

    if (vcpu_copy_from_guest(v, gva, &p, sizeof(p)))
        return -ERR_FAULT;
    if (p.index >= HVM_NR_PARAMS)
        return -ERR_INVAL;
    if ((r = param_target(v, p.domid, &d)) != 0)
        return r;
    slot = param_slot(p.index, &self_may_set);
    if (p.index == HVM_PARAM_CALLBACK_IRQ) {
        if (set)
            return set_callback(d, p.value);
        vector = __atomic_load_n(&d->evtchn.upcall_vector, __ATOMIC_RELAXED);
        p.value = vector ? CALLBACK_TYPE_VECTOR << CALLBACK_TYPE_SHIFT | vector : 0;
    } else if (slot < 0) {
        return -ERR_INVAL; /* not provided */
    } else if (set && d == v->dom && !self_may_set) {
        return -ERR_PERM; /* where its rings are is the toolstack's to say */
    } else if (set) {
        /* Stored as given, as Xen does: only the guest reads them back. */
        __atomic_store_n(&d->hvm_param[index_nospec((size_t)slot, DOMAIN_HVM_PARAMS)], p.value, __ATOMIC_RELAXED);
        return 0;
    } else {
        p.value = __atomic_load_n(&d->hvm_param[index_nospec((size_t)slot, DOMAIN_HVM_PARAMS)], __ATOMIC_RELAXED);
    }
    return vcpu_copy_to_guest(v, gva, &p, sizeof(p)) ? -ERR_FAULT : 0;
}

int64_t hcall_hvm_op(struct vcpu *v, const uint64_t *a)
{
    struct xen_hvm_get_time t;

    switch (a[0]) {
    case HVMOP_set_param: return hvm_param(v, true, a[1]);
    case HVMOP_get_param: return hvm_param(v, false, a[1]);
    case HVMOP_get_time: t.now = arch_time_ns(); return vcpu_copy_to_guest(v, a[1], &t, sizeof(t)) ? -ERR_FAULT : 0;
    default: return -ERR_NOSYS;
    }
}
