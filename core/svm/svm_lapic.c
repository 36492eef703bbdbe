/* SPDX-License-Identifier: MIT */
/*
 * The local APIC on AMD-V vCPUs: APIC_BASE (always enabled, in x2APIC
 * mode) and the x2APIC MSRs (core/vlapic/vlapic.c), IPIs to the vCPUs of
 * the sender's domain (fixed, INIT, STARTUP), and delivery: the highest
 * pending vector is offered as the virtual interrupt (V_IRQ) on each
 * entry and moves to ISR once the guest took it. NMI IPIs are dropped
 * (no NMI blocking is tracked).
 */
#include "core/arch.h"
#include "core/sched.h"
#include "core/vtime.h"
#include "svm_event.h"
#include "svm_priv.h"

#define MSR_APIC_BASE 0x1b

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

/*
 * The highest deliverable vector goes in V_IRQ with its priority class,
 * and the CPU delivers it once the guest's RFLAGS.IF, interrupt shadow
 * and V_TPR (its CR8) allow; svm_lapic_taken then sees V_IRQ clear and
 * moves it from IRR to ISR. Not EVENTINJ: QEMU's emulated VMRUN leaves
 * an injected interrupt as the CPU's pending exception, and a QEMU exit
 * request (its round-robin kick, a monitor or I/O event) arriving before
 * the guest's next exit delivers it a second time, whatever RFLAGS.IF
 * says: Linux then took its upcall vector again on the handler's first
 * instruction, entered the kernel as from kernel mode without SWAPGS,
 * and faulted on its per-CPU data until the stack ran out.
 * A domain-wide callback already in V_IRQ (svm_set_upcall) stays there
 * unless this vector is higher; the other waits for the next exit.
 */
void svm_lapic_offer(struct vcpu *v)
{
    struct svm_vcpu *a = svm_vcpu(v);
    struct vmcb_control *c = &a->vmcb->control;
    uint64_t ic = c->int_control;
    int vector;

    if ((ic & 0xf) != v->lapic.tpr >> 4) /* the guest wrote CR8 */
        v->lapic.tpr = (uint32_t)(ic & 0xf) << 4;
    a->offered = -1;
    vector = vlapic_pending(&v->lapic);
    if (vector < 0 || ((ic & VMCB_INT_V_IRQ) && ((ic >> 32) & 0xff) >= (unsigned)vector))
        return;
    ic &= ~(VMCB_INT_V_IRQ | VMCB_INT_V_INTR_PRIO(0xf) | VMCB_INT_V_IGN_TPR | VMCB_INT_V_INTR_VECTOR(0xff));
    c->int_control =
        ic | VMCB_INT_V_IRQ | VMCB_INT_V_INTR_PRIO((unsigned)vector >> 4) | VMCB_INT_V_INTR_VECTOR((unsigned)vector);
    a->offered = (int16_t)vector;
}

/* After #VMEXIT: the offered vector was taken if the CPU cleared V_IRQ
 * and did not stop while delivering it (EXITINTINFO; svm_event.h drops
 * such an interrupt, and it is offered again from IRR). */
void svm_lapic_taken(struct vcpu *v)
{
    struct svm_vcpu *a = svm_vcpu(v);
    const struct vmcb_control *c = &a->vmcb->control;
    int vector = a->offered;

    a->offered = -1;
    if (vector < 0 || (c->int_control & VMCB_INT_V_IRQ))
        return;
    if (svm_event_is_interrupt(c->exitintinfo) && SVM_EVENT_VECTOR(c->exitintinfo) == (unsigned)vector)
        return;
    vlapic_ack(&v->lapic, (unsigned)vector);
}
