/* SPDX-License-Identifier: MIT */
/*
 * The local APIC on AMD-V vCPUs: APIC_BASE (always enabled, in x2APIC
 * mode) and the x2APIC MSRs (core/vlapic/vlapic.c), IPIs to the vCPUs of
 * the sender's domain (fixed, INIT, STARTUP), and injection: the highest
 * pending vector goes in EVENTINJ when the guest can take it, otherwise
 * a virtual-interrupt intercept exits as soon as it can. NMI IPIs are
 * dropped (no NMI blocking is tracked).
 */
#include "core/arch.h"
#include "core/sched.h"
#include "core/vtime.h"
#include "svm_priv.h"

#define MSR_APIC_BASE 0x1b
#define RFLAGS_IF     (1ull << 9)

/* APIC_BASE: the default base, enabled (bit 11), x2APIC (bit 10), BSP
 * (bit 8) on vCPU 0. */
static uint64_t apic_base(const struct vcpu *v)
{
    return 0xfee00000u | (1u << 11) | (1u << 10) | (v->id == 0 ? 1u << 8 : 0);
}

/* INIT takes a vCPU that is down or halted (blocked in HLT or
 * SCHEDOP_block) down, waiting for STARTUP, as INIT resets a halted CPU
 * (Linux re-onlines a vCPU it parked in HLT so); STARTUP starts a vCPU
 * that waits, once no CPU holds it. A vCPU executing ignores both. */
static void init_or_startup(struct vcpu *t, const struct vlapic_ipi *ipi)
{
    uint64_t f = spin_lock_irqsave(&t->dom->lock);
    uint32_t upcall = __atomic_load_n(&t->lapic.upcall_vector, __ATOMIC_SEQ_CST);
    enum vcpu_state blocked = VCPU_BLOCKED;
    bool down = __atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == VCPU_DOWN, start = false;

    if (ipi->mode == VLAPIC_DM_INIT && (down || __atomic_compare_exchange_n(&t->state, &blocked, VCPU_DOWN, false,
                                                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))) {
        vlapic_reset(&t->lapic, t->id);
        __atomic_store_n(&t->lapic.upcall_vector, upcall, __ATOMIC_SEQ_CST); /* Xen's, not the APIC's */
        __atomic_store_n(&t->lapic.wait_sipi, 1, __ATOMIC_SEQ_CST);
    } else if (ipi->mode == VLAPIC_DM_SIPI && down && __atomic_load_n(&t->running_on, __ATOMIC_SEQ_CST) < 0 &&
               __atomic_exchange_n(&t->lapic.wait_sipi, 0, __ATOMIC_SEQ_CST)) {
        svm_set_sipi_state(t, ipi->vector);
        __atomic_store_n(&t->initialised, true, __ATOMIC_RELEASE);
        __atomic_store_n(&t->state, VCPU_RUNNABLE, __ATOMIC_RELEASE);
        start = true;
    }
    spin_unlock_irqrestore(&t->dom->lock, f);
    if (start && upcall && evtchn_upcall_pending(&t->dom->evtchn, t->id))
        vlapic_set_irr(&t->lapic, upcall); /* an edge INIT dropped */
    if (start)
        sched_wake(t);
}

static void send_ipi(struct vcpu *v, const struct vlapic_ipi *ipi)
{
    struct domain *d = v->dom;

    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = &d->vcpus[i];
        if (!vlapic_ipi_targets(ipi, v->lapic.id, t->lapic.id))
            continue;
        if (ipi->mode == VLAPIC_DM_FIXED) {
            vlapic_set_irr(&t->lapic, ipi->vector);
            vtime_kick(t);
        } else if (ipi->mode != VLAPIC_DM_NMI && t != v) {
            init_or_startup(t, ipi);
        }
    }
}

bool svm_lapic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
    struct vlapic_ipi ipi;
    int r;

    if (msr == MSR_APIC_BASE) { /* a write may only keep the state */
        if (!write)
            *val = apic_base(v);
        return !write || *val == apic_base(v);
    }
    if (!write)
        return vlapic_read(&v->lapic, msr, arch_time_ns(), val) == 0;
    r = vlapic_write(&v->lapic, msr, *val, arch_time_ns(), &ipi);
    if (r == VLAPIC_SEND)
        send_ipi(v, &ipi);
    /* The guest's CR8 is V_TPR: keep it the TPR's class. */
    svm_vcpu(v)->vmcb->control.int_control = (svm_vcpu(v)->vmcb->control.int_control & ~0xfull) | (v->lapic.tpr >> 4);
    return r >= 0;
}

void svm_lapic_inject(struct vcpu *v)
{
    struct vmcb_control *c = &svm_vcpu(v)->vmcb->control;
    uint32_t v_tpr = c->int_control & 0xf;
    int vector;

    if (v_tpr != v->lapic.tpr >> 4) /* the guest wrote CR8 */
        v->lapic.tpr = v_tpr << 4;
    c->intercept_misc1 &= ~VMCB_I1_VINTR;
    vector = vlapic_pending(&v->lapic);
    if (vector < 0)
        return;
    if ((svm_vcpu(v)->vmcb->state.rflags & RFLAGS_IF) && !(c->int_state & 1) && !(c->eventinj & VMCB_EVENT_VALID)) {
        c->eventinj = (unsigned)vector | VMCB_EVENT_VALID; /* type 0: an external interrupt */
        vlapic_ack(&v->lapic, (unsigned)vector);
        return;
    }
    /* Exit once the guest can take one (a pending upcall's V_IRQ will do). */
    if (!(c->int_control & VMCB_INT_V_IRQ))
        c->int_control |=
            VMCB_INT_V_IRQ | VMCB_INT_V_INTR_PRIO(0xf) | VMCB_INT_V_IGN_TPR | VMCB_INT_V_INTR_VECTOR((unsigned)vector);
    c->intercept_misc1 |= VMCB_I1_VINTR;
}
