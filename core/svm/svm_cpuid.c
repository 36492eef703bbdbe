/* SPDX-License-Identifier: MIT */
/*
 * The CPUID a guest sees: the host's, minus what Mosaic does not
 * virtualise (SVM, VMX, XSAVE and the AVX family that needs it,
 * MONITOR, RDTSCP, the TSC-deadline timer; machine checks, performance
 * counters and the power, speculation-control and debug MSRs behind
 * other bits), plus the hypervisor bit, the x2APIC (core/vlapic) and
 * Xen's leaves at 0x40000000 so PVH guests find the hypercall interface.
 */
#include "../arch/x86_64/x86.h"
#include "core/string.h"
#include "svm_priv.h"
#include "idl/cpuid.h"
#include "idl/xen_version.h"

#define XEN_MSR_HYPERCALL 0x40000000u

/* Leaf 1 */
#define C1_ECX_MONITOR (1u << 3)
#define C1_ECX_VMX     (1u << 5)
#define C1_ECX_X2APIC  (1u << 21)
#define C1_ECX_TSCDL   (1u << 24)
#define C1_ECX_XSAVE   (1u << 26)
#define C1_ECX_OSXSAVE (1u << 27)
#define C1_ECX_AVX     (1u << 28)
#define C1_ECX_HV      (1u << 31)
/* Leaf 1 EDX: no machine-check architecture (MCE, MCA: MCG_CAP,
 * MCG_STATUS, banks; AMD repeats both in 0x80000001 EDX, where the other
 * bits mean other things), and Intel's debug store, thermal and power
 * monitors. */
#define C1_EDX_MCE  ((1u << 7) | (1u << 14))
#define C1_EDX_HIDE (C1_EDX_MCE | (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31))
/* Leaf 1 ECX: the debug store and PDCM (the perf capabilities MSR). */
#define C1_ECX_HIDE ((1u << 2) | (1u << 4) | (1u << 15))
/* Leaf 7 EBX: what needs no state beyond FXSAVE's is kept. */
#define C7_EBX_KEEP                                                                                                  \
    ((1u << 0) | (1u << 3) | (1u << 7) | (1u << 8) | (1u << 9) | (1u << 18) | (1u << 19) | (1u << 20) | (1u << 23) | \
     (1u << 29))
/* Leaf 0x80000001 */
#define CE1_ECX_SVM    (1u << 2)
#define CE1_EDX_RDTSCP (1u << 27)
/* OSVW, IBS, SKINIT, the watchdog timer, lightweight profiling, the
 * extended core, northbridge and LLC counters, the data breakpoint
 * extension: MSRs none of which a guest has here; MONITORX/MWAITX, which
 * the MONITOR/MWAIT intercepts turn into #UD. */
#define CE1_ECX_HIDE                                                                                        \
    ((1u << 9) | (1u << 10) | (1u << 12) | (1u << 13) | (1u << 15) | (1u << 23) | (1u << 24) | (1u << 26) | \
     (1u << 28) | (1u << 29))
#define CE7_EDX_KEEP (1u << 8)               /* 0x80000007: invariant TSC only (no P-state or power MSRs) */
#define CE8_EBX_KEEP ((1u << 0) | (1u << 2)) /* 0x80000008: CLZERO, FP error pointers (no IBPB/IBRS/SSBD MSRs) */

static void xen_leaf(const struct vcpu *v, uint32_t leaf, uint32_t out[4])
{
    out[0] = out[1] = out[2] = out[3] = 0;
    switch (leaf) {
    case XEN_CPUID_FIRST_LEAF:
        out[0] = XEN_CPUID_FIRST_LEAF + 4; /* highest Xen leaf */
        out[1] = XEN_CPUID_SIGNATURE_EBX;
        out[2] = XEN_CPUID_SIGNATURE_ECX;
        out[3] = XEN_CPUID_SIGNATURE_EDX;
        break;
    case XEN_CPUID_FIRST_LEAF + 1: out[0] = (MOSAIC_XEN_VERSION_MAJOR << 16) | MOSAIC_XEN_VERSION_MINOR; break;
    case XEN_CPUID_FIRST_LEAF + 2:
        out[0] = 1; /* hypercall pages */
        out[1] = XEN_MSR_HYPERCALL;
        break;
    case XEN_CPUID_FIRST_LEAF + 4:
        out[0] = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_UPCALL_VECTOR;
        out[1] = v->id;
        break;
    default: break;
    }
}

void svm_cpuid_guest(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    struct cpuid_regs r;

    if ((leaf & 0xffffff00u) == XEN_CPUID_FIRST_LEAF) {
        xen_leaf(v, leaf, out);
        return;
    }
    r = cpuid(leaf, subleaf);
    switch (leaf) {
    case 0: r.eax = r.eax < 0xd ? r.eax : 0xd; break;
    case 1:
        r.ecx &= ~(C1_ECX_MONITOR | C1_ECX_VMX | C1_ECX_X2APIC | C1_ECX_XSAVE | C1_ECX_OSXSAVE | C1_ECX_AVX);
        r.ecx &= ~C1_ECX_HIDE;
        r.edx &= ~C1_EDX_HIDE;
        r.ecx |= C1_ECX_HV;
        r.ebx = (r.ebx & 0x0000ffffu) | (1u << 16) | (v->id << 24); /* one logical CPU, APIC id */
        r.ecx = (r.ecx & ~C1_ECX_TSCDL) | C1_ECX_X2APIC;            /* the emulated APIC: x2APIC, no TSC-deadline */
        break;
    case 7:
        if (subleaf == 0)
            r.ebx &= C7_EBX_KEEP;
        else
            r.ebx = 0;
        r.eax = r.ecx = r.edx = 0;
        break;
    case 6: /* ARAT only: no APERF/MPERF, no thermal MSRs */
        r.eax &= 1u << 2;
        r.ebx = r.ecx = r.edx = 0;
        break;
    case 0xa: /* architectural performance monitoring */
    case 0xb:
    case 0xd:
    case 0x8000000a:
    case 0x8000001b: /* IBS */
    case 0x8000001f: /* memory encryption: no SYSCFG to enable it */
    case 0x80000022: /* performance monitoring v2 */ r.eax = r.ebx = r.ecx = r.edx = 0; break;
    case 0x80000001:
        r.ecx &= ~(CE1_ECX_SVM | CE1_ECX_HIDE);
        r.edx &= ~(CE1_EDX_RDTSCP | C1_EDX_MCE);
        break;
    case 0x80000007: r.edx &= CE7_EDX_KEEP; break;
    case 0x80000008: r.ebx &= CE8_EBX_KEEP; break;
    default: break;
    }
    out[0] = r.eax;
    out[1] = r.ebx;
    out[2] = r.ecx;
    out[3] = r.edx;
}
