/* SPDX-License-Identifier: MIT */
/*
 * hvm_op (public/hvm/hvm_op.h): the operations a PVH guest makes on its
 * own HVM state. Only what Mosaic's guests need is here; everything else
 * is -ENOSYS, as on a Xen without the feature.
 */
#include "core/arch.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/log.h"
#include "core/vcpu.h"
#include "hcall_priv.h"

#define HVMOP_set_param        0
#define HVMOP_get_param        1
#define HVMOP_get_time         10
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_NR_PARAMS          40
/* HVM_PARAM_CALLBACK_IRQ value: type in bits 63:56; type 2 = a vector in
 * bits 7:0 (public/hvm/params.h). GSI and PCI INTx types need an
 * emulated IO-APIC, which Mosaic's PVH guests do not have. */
#define CALLBACK_TYPE_SHIFT  56
#define CALLBACK_TYPE_VECTOR 2ull

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param layout (Xen public ABI)");

/* Xen's struct xen_hvm_get_time: the core's clock (ns since boot), the
 * same clock the shared-info time records describe. */
struct xen_hvm_get_time {
    uint64_t now;
};
_Static_assert(sizeof(struct xen_hvm_get_time) == 8, "xen_hvm_get_time layout (Xen public ABI)");

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

static int64_t hvm_param(struct vcpu *v, bool set, uint64_t gva)
{
    struct xen_hvm_param p;
    uint32_t vector;

    if (vcpu_copy_from_guest(v, gva, &p, sizeof(p)))
        return -ERR_FAULT;
    if (p.domid != 0x7ff0 && p.domid != v->dom->id)
        return -ERR_PERM; /* another domain's params: a toolstack power not given yet */
    if (p.index >= HVM_NR_PARAMS)
        return -ERR_INVAL;
    if (p.index != HVM_PARAM_CALLBACK_IRQ)
        return -ERR_INVAL; /* the store and console params come with XenStore */
    if (set)
        return set_callback(v->dom, p.value);
    vector = __atomic_load_n(&v->dom->evtchn.upcall_vector, __ATOMIC_RELAXED);
    p.value = vector ? CALLBACK_TYPE_VECTOR << CALLBACK_TYPE_SHIFT | vector : 0;
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
