/* SPDX-License-Identifier: MIT */
/*
 * What each #VMEXIT means. Deny by default: unknown MSRs give the guest
 * #GP, port reads return all ones and writes are dropped (as Xen does for
 * ports nobody emulates), SVM instructions give #UD; a MOV from or to
 * guest-physical memory nothing backs reads all ones or is dropped (as on
 * Xen); another nested page fault, a triple fault or an exit nobody
 * expects stops the domain, never the core. QEMU's SVM saves no next-RIP, so RIP advances by known lengths.
 */
#include "../arch/x86_64/x86.h"
#include "core/errno.h"
#include "core/hcall.h"
#include "core/insn_mov.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "core/vtime.h"
#include "svm_event.h"
#include "svm_priv.h"
#include "idl/platform.h"

#define MSR_XEN_HYPERCALL 0x40000000u
#define EXC_DB            1
#define EXC_UD            6
#define EXC_GP            13
#define EXC_AC            17
#define NPF_FINAL_GPA     (1ull << 32) /* EXITINFO1 of a nested page fault (APM vol. 2, 15.25.6) */

static void advance(struct vcpu *v, unsigned len)
{
    svm_vcpu(v)->vmcb->state.rip += len;
    svm_vcpu(v)->vmcb->control.int_state &= ~1ull; /* the instruction retired */
}

static void exit_cpuid(struct vcpu *v)
{
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    uint32_t out[4];

    svm_cpuid_guest(v, (uint32_t)s->rax, (uint32_t)svm_vcpu(v)->regs.rcx, out);
    s->rax = out[0];
    svm_vcpu(v)->regs.rbx = out[1];
    svm_vcpu(v)->regs.rcx = out[2];
    svm_vcpu(v)->regs.rdx = out[3];
    advance(v, 2);
}

static void exit_vmmcall(struct vcpu *v)
{
    struct vcpu_regs *r = &svm_vcpu(v)->regs;
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    uint64_t args[HCALL_ARGS];
    int64_t ret;

    if (svm_vcpu(v)->vmcb->state.cpl != 0) {
        /* Xen refuses hypercalls from guest user mode. */
        s->rax = (uint64_t)-ERR_PERM;
        advance(v, 3);
        return;
    }
    /* The argument registers of each mode, in Xen's order. */
    uint64_t *const regs64[HCALL_ARGS] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8 };
    uint64_t *const regs32[HCALL_ARGS] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi };
    bool long_mode = svm_guest_long_mode(v), again;

    for (unsigned i = 0; i < HCALL_ARGS; i++)
        args[i] = long_mode ? *regs64[i] : (uint32_t)*regs32[i];
    ret = hcall_dispatch(v, long_mode ? s->rax : (uint32_t)s->rax, args, &again);
    if (again) {
        /* Continued: the guest runs the same VMMCALL again, with the
         * arguments the handler left (RIP not advanced, rax kept). */
        for (unsigned i = 0; i < HCALL_ARGS; i++)
            *(long_mode ? regs64[i] : regs32[i]) = long_mode ? args[i] : (uint32_t)args[i];
        return;
    }
    advance(v, 3);
    s->rax = long_mode ? (uint64_t)ret : (uint32_t)ret;
}

/* The ACPI sleep and reset registers every domain's FADT names
 * (idl/platform.idl): the power-off or reset a guest's ACPI asks for ends
 * the domain as the matching SCHEDOP_shutdown would. */
static void platform_port_write(struct vcpu *v, uint16_t port, uint32_t val)
{
    uint32_t type = (val & PLATFORM_ACPI_SLP_TYP_MASK) >> PLATFORM_ACPI_SLP_TYP_SHIFT;

    if (port == PLATFORM_ACPI_SLEEP_CONTROL_PORT && (val & PLATFORM_ACPI_SLP_EN) && type == PLATFORM_ACPI_S5_TYPE)
        domain_shutdown(v->dom, SHUTDOWN_poweroff);
    else if (port == PLATFORM_ACPI_RESET_PORT && val == PLATFORM_ACPI_RESET_VALUE)
        domain_shutdown(v->dom, SHUTDOWN_reboot);
}

static void exit_ioio(struct vcpu *v)
{
    struct vmcb_control *c = &svm_vcpu(v)->vmcb->control;
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    bool in = c->exitinfo1 & 1, string = c->exitinfo1 & 4;
    unsigned size = (c->exitinfo1 >> 4) & 7; /* one-hot: 1, 2 or 4 bytes */
    uint16_t port = (uint16_t)(c->exitinfo1 >> 16);
    uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;

    if (string) {
        svm_inject_exception(v, EXC_GP, true, 0);
        return;
    }
    if (in) /* nobody's port: all ones; the sleep status: never woken */
        s->rax = port == PLATFORM_ACPI_SLEEP_STATUS_PORT ? s->rax & ~mask : s->rax | mask;
    else
        platform_port_write(v, port, (uint32_t)(s->rax & mask));
    s->rip = c->exitinfo2; /* next RIP: given for IOIO exits */
}

/* One entry of the hypercall page, as Xen lays it out for an AMD HVM
 * guest (32 bytes per hypercall number): mov $nr, %eax; vmmcall; ret,
 * then int3 padding. */
#define HCALL_STUB_SIZE 32

static void hcall_page_entry(uint8_t out[HCALL_STUB_SIZE], unsigned nr)
{
    memset(out, 0xcc, HCALL_STUB_SIZE);
    out[0] = 0xb8; /* mov $nr, %eax */
    memcpy(&out[1], &nr, 4);
    out[5] = 0x0f; /* vmmcall */
    out[6] = 0x01;
    out[7] = 0xd9;
    out[8] = 0xc3; /* ret */
}

static bool msr_write_hypercall_page(struct vcpu *v, uint64_t value)
{
    uint8_t stub[HCALL_STUB_SIZE];

    if (value & 0xfff) /* only page index 0 exists */
        return false;
    for (unsigned nr = 0; nr < PAGE_SIZE / HCALL_STUB_SIZE; nr++) {
        hcall_page_entry(stub, nr);
        if (domain_guest_write(v->dom, (value & ~0xfffull) + nr * HCALL_STUB_SIZE, stub, sizeof(stub)) != 0)
            return false;
    }
    return true;
}

/* APIC_BASE and the x2APIC range: the local APIC's (svm_lapic.c). */
#define MSR_IS_APIC(msr) ((msr) == 0x1b || ((msr) >> 8) == 8)

static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    if (MSR_IS_APIC(msr))
        return svm_lapic_msr(v, msr, false, val);
    switch (msr) {
    case MSR_EFER: *val = svm_vcpu(v)->vmcb->state.efer & ~(uint64_t)EFER_SVME; return true;
    case 0x10: /* TSC */ *val = rdtsc() + svm_vcpu(v)->vmcb->control.tsc_offset; return true;
    case 0xfe: /* MTRR capabilities: none */
    case 0x2ff: /* MTRR default type */ *val = 0; return true;
    default: return svm_msr_platform(msr, false, val);
    }
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;

    if (MSR_IS_APIC(msr))
        return svm_lapic_msr(v, msr, true, &val);
    switch (msr) {
    case MSR_EFER:
        if (val & ~EFER_GUEST_BITS)
            return false;
        s->efer = (val & ~(1ull << 10)) | (s->efer & (1ull << 10)) | EFER_SVME;
        return true;
    case MSR_XEN_HYPERCALL: return msr_write_hypercall_page(v, val);
    default: return svm_msr_platform(msr, true, &val);
    }
}

static void exit_msr(struct vcpu *v)
{
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    uint32_t msr = (uint32_t)svm_vcpu(v)->regs.rcx;
    bool write = svm_vcpu(v)->vmcb->control.exitinfo1 & 1, ok;

    if (write) {
        ok = msr_write(v, msr, (s->rax & 0xffffffffu) | (svm_vcpu(v)->regs.rdx << 32));
    } else {
        uint64_t val = 0;
        ok = msr_read(v, msr, &val);
        if (ok) {
            s->rax = (uint32_t)val;
            svm_vcpu(v)->regs.rdx = val >> 32;
        }
    }
    if (!ok) {
        log_debug("svm: d%u vCPU %u: %s of MSR 0x%x refused with #GP", v->dom->id, v->id, write ? "write" : "read",
                  msr);
        svm_inject_exception(v, EXC_GP, true, 0);
        return;
    }
    advance(v, 2);
}

/* A MOV's read of memory nothing backs: all ones in its register, as
 * the CPU would write it (a 32-bit move clears the upper half). */
static void mov_read_ones(struct vcpu *v, const struct insn_mov *m)
{
    struct vcpu_regs *r = &svm_vcpu(v)->regs;
    struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    uint64_t *const regs[16] = { &s->rax, &r->rcx, &r->rdx, &r->rbx, &s->rsp, &r->rbp, &r->rsi, &r->rdi,
                                 &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15 };
    uint64_t *reg = regs[m->high_byte ? m->reg - 4 : m->reg & 15];

    if (m->size >= 4)
        *reg = m->size == 8 ? ~0ull : 0xffffffffu;
    else
        *reg |= m->high_byte ? 0xff00u : m->size == 2 ? 0xffffu : 0xffu;
}

/* Guest-physical addresses where nothing is (no RAM, no frame of the
 * core) read as all ones and drop writes, as on Xen (guests probe for
 * devices, an HPET at 0xfed00000, this way): the MOV that touched one is
 * finished here (insn_mov.h). False for anything else. */
static bool npf_unbacked(struct vcpu *v)
{
    const struct vmcb_state *s = &svm_vcpu(v)->vmcb->state;
    bool long64 = svm_guest_long_mode(v);
    uint64_t rip = long64 ? s->rip : (uint32_t)(s->cs.base + s->rip);
    size_t n = (size_t)MIN(INSN_MOV_MAX, PAGE_SIZE - (rip & (PAGE_SIZE - 1)));
    uint8_t b[INSN_MOV_MAX];
    struct insn_mov m;

    if (!long64 && (!(s->cr0 & 1) || !(s->cs.attrib & 0x400)))
        return false; /* real or 16-bit protected mode */
    if (vcpu_copy_from_guest(v, rip, b, n))
        return false;
    if (n < INSN_MOV_MAX && vcpu_copy_from_guest(v, rip + n, b + n, INSN_MOV_MAX - n) == 0)
        n = INSN_MOV_MAX; /* it may go on in the next page */
    if (insn_mov_decode(b, n, long64, &m) != 0)
        return false;
    if (!m.write)
        mov_read_ones(v, &m);
    advance(v, m.len);
    return true;
}

static bool exit_npf(struct vcpu *v)
{
    const struct vmcb_control *c = &svm_vcpu(v)->vmcb->control;
    uint64_t e = c->exitinfo1;

    /* Not present, not a fetch, at the access's own address (not a guest
     * page-table entry), and not while an event was being delivered: then
     * the instruction at RIP made it. */
    if (!(e & (1 | 16)) && (e & NPF_FINAL_GPA) && !(c->exitintinfo & (1u << 31)) && npf_unbacked(v))
        return true;
    svm_kill(v, "access outside its memory: guest-physical 0x%llx (%s, %s%s)", (unsigned long long)c->exitinfo2,
             e & 2 ? "write" : "read", e & 1 ? "protection" : "not mapped, not by a MOV the core finishes",
             e & 16 ? ", instruction fetch" : "");
    return false;
}

/* An exception the guest raised that the core intercepts only so that it
 * cannot hold the CPU in microcode (#AC, #DB: Xen's XSA-156): the guest
 * gets it as it would have. */
static void exit_reflect(struct vcpu *v, unsigned vector)
{
    if (vector == EXC_AC)
        svm_inject_exception(v, vector, true, (uint32_t)svm_vcpu(v)->vmcb->control.exitinfo1);
    else
        svm_inject_exception(v, vector, false, 0);
}

bool svm_exit_handle(struct vcpu *v)
{
    struct vmcb_control *c = &svm_vcpu(v)->vmcb->control;
    uint64_t code = c->exitcode;

    /* An event being delivered when the exit came goes again on the next
     * entry (an interrupt is offered again instead: svm_event.h); a
     * handler below that injects its own replaces it (none of those exits
     * can happen during a delivery). */
    c->eventinj = svm_event_reinject(c->exitintinfo);
    switch (code) {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
    case VMEXIT_SMI:
    case VMEXIT_INIT: return true; /* the host took it when interrupts came back on */
    case VMEXIT_CPUID: exit_cpuid(v); return true;
    case VMEXIT_VMMCALL: exit_vmmcall(v); return v->state == VCPU_RUNNABLE;
    case VMEXIT_HLT:
        advance(v, 1);
        vtime_block(v);
        return v->state == VCPU_RUNNABLE;
    case VMEXIT_IOIO: exit_ioio(v); return v->state == VCPU_RUNNABLE;
    case VMEXIT_MSR: exit_msr(v); return true;
    case VMEXIT_NPF: return exit_npf(v);
    case VMEXIT_SHUTDOWN: svm_kill(v, "triple fault"); return false;
    case VMEXIT_EXCP_BASE + EXC_DB:
    case VMEXIT_EXCP_BASE + EXC_AC: exit_reflect(v, (unsigned)(code - VMEXIT_EXCP_BASE)); return true;
    case VMEXIT_INVD:
    case VMEXIT_WBINVD: advance(v, 2); return true; /* caches are the core's: a no-op, as on Xen */
    case VMEXIT_RDPMC: svm_inject_exception(v, EXC_GP, true, 0); return true; /* no counters are offered */
    case VMEXIT_ICEBP:
        advance(v, 1); /* a trap: #DB after the instruction, as on hardware */
        svm_inject_exception(v, EXC_DB, false, 0);
        return true;
    case VMEXIT_RSM:
    case VMEXIT_RDPRU: svm_inject_exception(v, EXC_UD, false, 0); return true;
    default:
        if (code >= VMEXIT_VMRUN && code <= VMEXIT_XSETBV) { /* SVM and monitor instructions */
            svm_inject_exception(v, EXC_UD, false, 0);
            return true;
        }
        if ((uint32_t)code == (uint32_t)VMEXIT_INVALID) { /* QEMU 7.2 stores it as 32 bits */
            svm_kill(v, "the CPU refused its state (VMEXIT_INVALID)");
            return false;
        }
        svm_kill(v, "unexpected exit code 0x%llx (info1 0x%llx, info2 0x%llx)", (unsigned long long)code,
                 (unsigned long long)svm_vcpu(v)->vmcb->control.exitinfo1,
                 (unsigned long long)svm_vcpu(v)->vmcb->control.exitinfo2);
        return false;
    }
}
