/* SPDX-License-Identifier: MIT */
/*
 * AMD-V vCPUs: enabling SVM on each CPU, one VMCB per vCPU with the
 * intercepts Mosaic needs (deny by default: all I/O ports and all MSRs
 * but a short pass-through list), the PVH start state, and the run loop.
 * Exits are decoded in svm_exit.c.
 */
#include "../arch/x86_64/percpu.h"
#include "../arch/x86_64/x86.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "svm_priv.h"
#include "idl/platform.h"

#define MSR_VM_HSAVE_PA 0xc0010117u
#define IOPM_PAGES      3
#define MSRPM_PAGES     2
#define GUEST_PAT       0x0007040600070406ull /* the reset value */

static paddr_t iopm_pa, msrpm_pa;      /* shared by all vCPUs; set once */
static paddr_t host_area_pa[MAX_CPUS]; /* written by each CPU for itself */

uint64_t svm_host_area(void)
{
    return host_area_pa[this_cpu()->index];
}

/* MSRs guests may touch directly: their state is switched by VMLOAD/VMSAVE
 * or lives in the VMCB (APM vol. 2, 15.11). */
static const uint32_t msr_passthrough[] = {
    0xc0000100, 0xc0000101, 0xc0000102,             /* FS, GS, KernelGS base */
    0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
    0x174,      0x175,      0x176,                  /* SYSENTER */
    0x277,                                          /* PAT: the guest's own (VMCB G_PAT) under nested paging */
};

static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
    uint32_t base;

    if (msr < 0x2000)
        base = 0;
    else if (msr - 0xc0000000u < 0x2000)
        base = 0x800, msr -= 0xc0000000u;
    else
        return;
    /* Two bits per MSR: read, then write. */
    pm[base + msr / 4] &= (uint8_t) ~(3u << ((msr % 4) * 2));
}

static void svm_global_init(void)
{
    uint8_t *pm;

    if (frame_alloc_range(IOPM_PAGES, 1, 0, &iopm_pa) != 0 || frame_alloc_range(MSRPM_PAGES, 1, 0, &msrpm_pa) != 0)
        panic("svm: no memory for the I/O and MSR permission maps");
    memset(phys_to_virt(iopm_pa), 0xff, IOPM_PAGES * PAGE_SIZE);
    pm = phys_to_virt(msrpm_pa);
    memset(pm, 0xff, MSRPM_PAGES * PAGE_SIZE);
    for (unsigned i = 0; i < ARRAY_SIZE(msr_passthrough); i++)
        msrpm_allow(pm, msr_passthrough[i]);
}

/*
 * The ports the core drives itself, never given to a domain (each would
 * let a domain disturb the core or end the machine): the PICs (masked at
 * boot: unmasked they would raise legacy interrupts in the core), the PIT
 * and port 0x61 (its channel 2 gate: the clock calibration), the
 * isa-debug-exit port (test.exit ends QEMU through it), COM1 (the core's
 * log and console_io), PCI configuration (device BARs, bus mastering
 * and MSIs are the core's to confine with the IOMMU; 0xcf9 resets) and
 * the ACPI sleep and reset registers every domain has (idl/platform.idl).
 */
static const struct {
    uint16_t first, nr;
} core_ports[] = { { 0x20, 2 }, { 0x40, 4 },  { 0x61, 1 },  { 0xa0, 2 },
                   { 0xf4, 4 }, { 0x3f8, 8 }, { 0xcf8, 8 }, { PLATFORM_ACPI_SLEEP_CONTROL_PORT, PLATFORM_ACPI_PORTS } };

static bool core_port(uint32_t port)
{
    for (unsigned i = 0; i < ARRAY_SIZE(core_ports); i++)
        if (port - core_ports[i].first < core_ports[i].nr)
            return true;
    return false;
}

/* One bit per port, set: intercepted (APM vol. 2, 15.10.1). */
bool vcpu_ioports_held(const struct domain *d, uint32_t first, uint32_t nr)
{
    const uint8_t *pm = d->iopm ? phys_to_virt(d->iopm) : NULL;

    for (uint32_t p = first; p - first < nr; p++)
        if (!pm || p > 0xffff || (pm[p / 8] >> (p % 8)) & 1)
            return false;
    return true;
}

int vcpu_ioports_permit(struct domain *d, uint32_t first, uint32_t nr)
{
    uint8_t *pm;

    if (!d->iopm) {
        if (frame_alloc_range(IOPM_PAGES, 1, 0, &d->iopm) != 0)
            return -ERR_NOMEM;
        d->arch_frames = IOPM_PAGES;
        memset(phys_to_virt(d->iopm), 0xff, IOPM_PAGES * PAGE_SIZE);
        for (unsigned i = 0; i < d->nr_vcpus; i++)
            svm_vcpu(&d->vcpus[i])->vmcb->control.iopm_base = d->iopm;
    }
    pm = phys_to_virt(d->iopm);
    for (uint32_t p = first; p - first < nr && p <= 0xffff; p++)
        if (!core_port(p))
            pm[p / 8] &= (uint8_t) ~(1u << (p % 8));
    return 0;
}

size_t vcpu_ioports_destroy(struct domain *d)
{
    if (!d->iopm)
        return 0;
    frame_free_range(d->iopm, IOPM_PAGES);
    d->iopm = 0;
    return IOPM_PAGES;
}

void vcpu_cpu_init(void)
{
    struct percpu *pc = this_cpu();
    paddr_t hsave, host;

    if (pc->index == 0)
        svm_global_init();
    if (frame_alloc_zeroed(&hsave) != 0 || frame_alloc_zeroed(&host) != 0)
        panic_refuse("svm: no memory for cpu%u's host save areas", pc->index);
    write_cr4(read_cr4() | CR4_OSFXSR | (1ul << 10) /* OSXMMEXCPT */);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, hsave);
    /* The host's FS/GS/TR/syscall state, restored after every #VMEXIT. */
    __asm__ volatile("vmsave %0" ::"a"(host) : "memory");
    host_area_pa[pc->index] = host;
}

/*
 * What a guest cannot do without the core seeing it (compared with Xen's
 * and KVM's SVM intercept sets; APM vol. 2, 15.9-15.14):
 * - interrupts, NMI, SMI, INIT: the host's, taken when the guest exits;
 * - #DB and #AC: reflected to the guest; intercepted so that a guest
 *   cannot hang the CPU delivering them (Xen's XSA-156);
 * - CPUID, MSRs (all but msr_passthrough), I/O ports (all): emulated or
 *   denied (svm_exit.c);
 * - HLT: the vCPU blocks; VMMCALL: hypercalls;
 * - INVD, WBINVD: no-ops (the caches are the host's; INVD would drop
 *   other domains' dirty lines); RDPMC: #GP (no counters are offered);
 * - RSM, RDPRU, RDTSCP (QEMU ignores this one: PLATFORM.md), the SVM
 *   instructions, MONITOR/MWAIT, XSETBV, ICEBP (#DB), INVLPGA: #UD or
 *   emulated, never run natively: they reach host state;
 * - task switches and shutdown (triple fault): the domain is stopped.
 * Not intercepted, as on Xen and KVM with nested paging: CR and DR
 * accesses, INVLPG, PAUSE, RDTSC, IRET, INTn, descriptor-table accesses.
 */
int vcpu_arch_init(struct vcpu *v)
{
    struct svm_vcpu *a = svm_vcpu(v);
    struct vmcb_control *c;

    if (frame_alloc_zeroed(&a->vmcb_pa) != 0)
        return -ERR_NOMEM;
    a->vmcb = phys_to_virt(a->vmcb_pa);
    c = &a->vmcb->control;
    c->intercept_exc = (1u << 1) /* #DB */ | (1u << 17) /* #AC */;
    c->intercept_misc1 = VMCB_I1_INTR | VMCB_I1_NMI | VMCB_I1_SMI | VMCB_I1_INIT | VMCB_I1_RDPMC | VMCB_I1_CPUID |
                         VMCB_I1_RSM | VMCB_I1_INVD | VMCB_I1_HLT | VMCB_I1_INVLPGA | VMCB_I1_IOIO | VMCB_I1_MSR |
                         VMCB_I1_TASKSW | VMCB_I1_SHUTDOWN;
    c->intercept_misc2 = VMCB_I2_VMRUN | VMCB_I2_VMMCALL | VMCB_I2_VMLOAD | VMCB_I2_VMSAVE | VMCB_I2_STGI |
                         VMCB_I2_CLGI | VMCB_I2_SKINIT | VMCB_I2_RDTSCP | VMCB_I2_ICEBP | VMCB_I2_WBINVD |
                         VMCB_I2_MONITOR | VMCB_I2_MWAIT | VMCB_I2_XSETBV | VMCB_I2_RDPRU;
    c->iopm_base = iopm_pa;
    c->msrpm_base = msrpm_pa;
    c->asid = 1;
    c->int_control = VMCB_INT_V_INTR_MASKING;
    c->np_control = 1;
    c->ncr3 = v->dom->npt.root;
    vlapic_reset(&v->lapic, v->id);
    a->offered = -1;
    a->vmcb->state.g_pat = GUEST_PAT;
    /* FXSAVE image at reset: x87 control word 0x37f, MXCSR 0x1f80. */
    memset(a->fpu, 0, sizeof(a->fpu));
    a->fpu[0] = 0x7f;
    a->fpu[1] = 0x03;
    a->fpu[24] = 0x80;
    a->fpu[25] = 0x1f;
    return 0;
}

size_t vcpu_arch_destroy(struct vcpu *v)
{
    size_t freed = 0;

    if (svm_vcpu(v)->vmcb_pa) {
        frame_free(svm_vcpu(v)->vmcb_pa);
        freed = 1;
    }
    svm_vcpu(v)->vmcb_pa = 0;
    svm_vcpu(v)->vmcb = NULL;
    return freed;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit)
{
    s->selector = sel;
    s->attrib = attrib;
    s->limit = limit;
    s->base = 0;
}

/* The PVH start state (Xen's docs/misc/pvh.pandoc) in v's VMCB and
 * registers; v's run state is left alone. */
static void pvh_state(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;

    /* Flat 4 GiB segments: code 32-bit RX, data RW (attrib = descriptor
     * type/S/DPL/P in bits 0-7, AVL/L/DB/G in bits 8-11). */
    set_seg(&s->cs, 0x08, 0xc9b, 0xffffffff);
    set_seg(&s->ds, 0x10, 0xc93, 0xffffffff);
    set_seg(&s->es, 0x10, 0xc93, 0xffffffff);
    set_seg(&s->ss, 0x10, 0xc93, 0xffffffff);
    set_seg(&s->fs, 0x10, 0xc93, 0xffffffff);
    set_seg(&s->gs, 0x10, 0xc93, 0xffffffff);
    set_seg(&s->tr, 0x18, 0x08b, 0x67); /* busy 32-bit TSS, as PVH specifies */
    set_seg(&s->ldtr, 0, 0x082, 0);
    set_seg(&s->gdtr, 0, 0, 0);
    set_seg(&s->idtr, 0, 0, 0);
    s->cr0 = 0x11; /* PE, ET */
    s->cr3 = 0;
    s->cr4 = 0;
    s->efer = EFER_SVME; /* required by VMRUN; hidden from the guest */
    s->rflags = 0x2;
    s->rip = entry;
    s->rsp = 0;
    s->rax = 0;
    s->dr6 = 0xffff0ff0;
    s->dr7 = 0x400;
    memset(&svm_vcpu(v)->regs, 0, sizeof(svm_vcpu(v)->regs));
    svm_vcpu(v)->regs.rbx = start_info;
}

void vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
    pvh_state(v, entry, start_info);
    /* Published after the state it starts from. */
    __atomic_store_n(&v->initialised, true, __ATOMIC_RELEASE);
    __atomic_store_n(&v->state, VCPU_RUNNABLE, __ATOMIC_RELEASE);
}

void svm_set_sipi_state(struct vcpu *v, uint8_t vector)
{
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    struct vmcb_seg *data[] = { &s->ds, &s->es, &s->ss, &s->fs, &s->gs };

    pvh_state(v, 0, 0);
    set_seg(&s->cs, (uint16_t)(vector << 8), 0x9b, 0xffff);
    s->cs.base = (uint64_t)vector << 12;
    for (unsigned i = 0; i < ARRAY_SIZE(data); i++)
        set_seg(data[i], 0, 0x93, 0xffff);
    set_seg(&s->tr, 0, 0x83, 0xffff); /* busy 16-bit TSS, as SVM wants a TR */
    s->gdtr.limit = s->idtr.limit = 0xffff;
    s->cr0 = 0x60000010; /* CD, NW, ET */
    s->cpl = 0;
    svm_vcpu(v)->vmcb->control.eventinj = 0; /* nothing left from before it went down */
}

#define CR0_PE       (1ull << 0)
#define CR0_PG       (1ull << 31)
#define CR4_PAE      (1ull << 5)
#define EFER_LME_LMA ((1ull << 8) | (1ull << 10))

/* Control registers a context may carry: no reserved bits, paging only
 * with protection, long mode only with PAE paging. */
static bool hvm_cr_ok(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
    if ((cr0 >> 32) || (cr4 >> 32) || !(cr0 & CR0_PE) || (efer & ~EFER_GUEST_BITS))
        return false;
    if ((efer & EFER_LME_LMA) && !((cr0 & CR0_PG) && (cr4 & CR4_PAE)))
        return false;
    return true;
}

static void set_seg32(struct vmcb_seg *s, uint32_t base, uint32_t limit, uint16_t ar, uint16_t sel)
{
    s->selector = sel;
    s->attrib = ar;
    s->limit = limit;
    s->base = base;
}

int vcpu_set_hvm_context(struct vcpu *v, const struct vcpu_hvm_context *c)
{
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    struct vcpu_regs *r = &svm_vcpu(v)->regs;

    if (c->mode == 0) {
        const struct vcpu_hvm_x86_32 *x = &c->regs.x86_32;
        if (!hvm_cr_ok(x->cr0, x->cr4, x->efer) || (x->efer & EFER_LME_LMA))
            return -ERR_INVAL;
        pvh_state(v, x->eip, x->ebx);
        set_seg32(&s->cs, x->cs_base, x->cs_limit, x->cs_ar, 0x08);
        set_seg32(&s->ds, x->ds_base, x->ds_limit, x->ds_ar, 0x10);
        set_seg32(&s->ss, x->ss_base, x->ss_limit, x->ss_ar, 0x10);
        set_seg32(&s->es, x->es_base, x->es_limit, x->es_ar, 0x10);
        set_seg32(&s->tr, x->tr_base, x->tr_limit, x->tr_ar, 0x18);
        s->cr0 = x->cr0 | 0x10; /* ET is fixed to 1 */
        s->cr3 = x->cr3;
        s->cr4 = x->cr4;
        s->efer = x->efer | EFER_SVME;
        s->rflags = (x->eflags & 0x3f7fd7u) | 0x2;
        s->rsp = x->esp;
        s->rax = x->eax;
        r->rcx = x->ecx, r->rdx = x->edx, r->rbp = x->ebp, r->rsi = x->esi, r->rdi = x->edi;
    } else if (c->mode == 1) {
        const struct vcpu_hvm_x86_64 *x = &c->regs.x86_64;
        if (!hvm_cr_ok(x->cr0, x->cr4, x->efer) || (x->efer & EFER_LME_LMA) != EFER_LME_LMA)
            return -ERR_INVAL;
        pvh_state(v, 0, (uint32_t)x->rbx);
        set_seg(&s->cs, 0x08, 0x29b, 0xffffffff); /* flat 64-bit code */
        s->cr0 = x->cr0 | 0x10;
        s->cr3 = x->cr3;
        s->cr4 = x->cr4;
        s->efer = x->efer | EFER_SVME;
        s->rflags = (x->rflags & 0x3f7fd7u) | 0x2;
        s->rip = x->rip;
        s->rsp = x->rsp;
        s->rax = x->rax;
        r->rbx = x->rbx, r->rcx = x->rcx, r->rdx = x->rdx, r->rbp = x->rbp, r->rsi = x->rsi, r->rdi = x->rdi;
    } else {
        return -ERR_INVAL;
    }
    /* Only now may VCPUOP_up start it: every register is written. It was
     * down and stays down; its state was never runnable meanwhile. */
    __atomic_store_n(&v->initialised, true, __ATOMIC_RELEASE);
    return 0;
}

bool svm_guest_long_mode(const struct vcpu *v)
{
    const struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;

    return (s->efer & (1u << 10)) && (s->cs.attrib & 0x200); /* LMA and CS.L */
}

void svm_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
    svm_vcpu(v)->vmcb->control.eventinj =
        vector | VMCB_EVENT_TYPE_EXC | VMCB_EVENT_VALID | (has_error ? VMCB_EVENT_ERR | ((uint64_t)error << 32) : 0);
}

/* The dead vCPU's state, for whoever debugs the guest (as Xen's domain
 * crash dump): general registers, then the control state from the VMCB. */
static void svm_dump_guest(const struct vcpu *v)
{
    const struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    const struct vmcb_control *c = &svm_vcpu(v)->vmcb->control;
    const struct vcpu_regs *r = &svm_vcpu(v)->regs;
    const struct log_reg regs[] = {
        { "rax", s->rax, 16 },         { "rbx", r->rbx, 16 },
        { "rcx", r->rcx, 16 },         { "rdx", r->rdx, 16 },
        { "rsi", r->rsi, 16 },         { "rdi", r->rdi, 16 },
        { "rbp", r->rbp, 16 },         { "rsp", s->rsp, 16 },
        { "r8 ", r->r8, 16 },          { "r9 ", r->r9, 16 },
        { "r10", r->r10, 16 },         { "r11", r->r11, 16 },
        { "r12", r->r12, 16 },         { "r13", r->r13, 16 },
        { "r14", r->r14, 16 },         { "r15", r->r15, 16 },
        { "rflags", s->rflags, 8 },    { "efer", s->efer, 8 },
        { "cr0", s->cr0, 8 },          { "cr4", s->cr4, 8 },
        { "cr2", s->cr2, 16 },         { "cr3", s->cr3, 16 },
        { "exit", c->exitcode, 8 },    { "info1", c->exitinfo1, 16 },
        { "info2", c->exitinfo2, 16 }, { "intinfo", c->exitintinfo, 16 },
    };

    log_regs(regs, sizeof(regs) / sizeof(regs[0]));
}

void svm_kill(struct vcpu *v, const char *why_fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, why_fmt);
    vsnprintf(why, sizeof(why), why_fmt, ap);
    va_end(ap);
    log_err("domain: d%u '%s' vCPU %u killed: %s (rip 0x%llx)", v->dom->id, v->dom->name, v->id, why,
            (unsigned long long)svm_vcpu(v)->vmcb->state.rip);
    svm_dump_guest(v);
    domain_shutdown(v->dom, SHUTDOWN_CRASH);
}

/* The event-channel upcall as a virtual interrupt: pending while the
 * vCPU's upcall flag is up (Xen's HVM callback vector is level-like);
 * the CPU delivers it once the guest's RFLAGS.IF allows. */
static void svm_set_upcall(struct vcpu *v)
{
    uint32_t vector = __atomic_load_n(&v->dom->evtchn.upcall_vector, __ATOMIC_RELAXED);
    uint64_t ic = svm_vcpu(v)->vmcb->control.int_control &
                  ~(VMCB_INT_V_IRQ | VMCB_INT_V_INTR_PRIO(0xf) | VMCB_INT_V_INTR_VECTOR(0xff) | VMCB_INT_V_IGN_TPR);

    if (vector && !__atomic_load_n(&v->lapic.upcall_vector, __ATOMIC_RELAXED) &&
        evtchn_upcall_pending(&v->dom->evtchn, v->id))
        ic |= VMCB_INT_V_IRQ | VMCB_INT_V_INTR_PRIO(0xf) | VMCB_INT_V_IGN_TPR | VMCB_INT_V_INTR_VECTOR(vector);
    svm_vcpu(v)->vmcb->control.int_control = ic;
}

bool vcpu_run(struct vcpu *v)
{
    struct svm_vcpu *a = svm_vcpu(v);
    paddr_t host = svm_host_area();

    while (v->state == VCPU_RUNNABLE && v->dom->state == DOMAIN_RUNNING) {
        irq_disable();
        /* A timer or kick taken in the host since the last exit ends the
         * turn; one arriving after this check exits the guest at once. */
        if (arch_take_resched()) {
            irq_enable();
            break;
        }
        __asm__ volatile("fxrstor64 %0" ::"m"(a->fpu));
        svm_set_upcall(v);
        svm_lapic_offer(v);
        /* Flush this ASID's TLB on every entry: vCPUs share ASIDs for now. */
        a->vmcb->control.tlb_control = 1;
        __atomic_store_n(&v->in_guest, 1, __ATOMIC_SEQ_CST); /* before VMRUN: see domain_flush_guest_tlb */
        svm_vmrun(&a->regs, a->vmcb_pa, host);
        svm_lapic_taken(v);
        __atomic_store_n(&v->exits, v->exits + 1, __ATOMIC_SEQ_CST);
        __atomic_store_n(&v->in_guest, 0, __ATOMIC_SEQ_CST);
        __asm__ volatile("fxsave64 %0" : "=m"(a->fpu));
        irq_enable(); /* take the interrupt that ended the guest, if any */
        if (!svm_exit_handle(v))
            break;
    }
    return v->state == VCPU_RUNNABLE && v->dom->state == DOMAIN_RUNNING;
}
