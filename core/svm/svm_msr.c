/* SPDX-License-Identifier: MIT */
/*
 * Model-specific registers of the platform that guests probe, answered as
 * Xen 4.17 answers a PVH domU on AMD with its vPMU off (its guest_rdmsr,
 * guest_wrmsr and SVM intercepts). The core's own MSRs (EFER, TSC, the
 * hypercall page, the APIC) are svm_exit.c's; every MSR in neither place
 * gives #GP, as on Xen.
 */
#include "svm_priv.h"

enum msr_write {
    MSR_WRITE_GP,   /* read-only: #GP */
    MSR_WRITE_DROP, /* accepted, ignored */
    MSR_WRITE_ZERO, /* 0 accepted, anything else #GP */
};

struct msr_rule {
    uint32_t first, last; /* the range it covers */
    uint64_t read;        /* what a read gives */
    enum msr_write write;
};

/* Linux 6.1 probes 0x8b, 0xc0011020, 0xc0010010, 0xc0011028, 0xc0011029,
 * 0xc0010000, 0x179 and 0xc001001f (PLATFORM.md). Not here, so #GP as on
 * Xen: 0xc0011020 (LS_CFG), 0xc0010010 (SYSCFG: a domU's reads fault),
 * 0xc0011028; and 0x179-0x17b (MCG_*), which Xen backs with a virtual
 * machine-check architecture Mosaic does not offer (CPUID hides MCE/MCA). */
static const struct msr_rule msr_rules[] = {
    { 0x8b, 0x8b, 0, MSR_WRITE_GP },                     /* PATCHLEVEL: no microcode revision to show */
    { 0x1d9, 0x1d9, 0, MSR_WRITE_ZERO },                 /* DEBUGCTL: no LBR or BTF offered */
    { 0xc0010000, 0xc0010007, 0, MSR_WRITE_DROP },       /* K7 PERFEVTSEL0-3, PERFCTR0-3: vPMU off */
    { 0xc0010200, 0xc001020b, 0, MSR_WRITE_DROP },       /* family 15h counters: vPMU off */
    { 0xc001001f, 0xc001001f, 0, MSR_WRITE_DROP },       /* NB_CFG: reads 0 on HVM */
    { 0xc0011029, 0xc0011029, 1u << 1, MSR_WRITE_DROP }, /* DE_CFG: LFENCE serialising; writes dropped */
};

bool svm_msr_platform(uint32_t msr, bool write, uint64_t *val)
{
    for (unsigned i = 0; i < sizeof(msr_rules) / sizeof(msr_rules[0]); i++) {
        const struct msr_rule *r = &msr_rules[i];
        if (msr < r->first || msr > r->last)
            continue;
        if (!write)
            *val = r->read;
        return !write || r->write == MSR_WRITE_DROP || (r->write == MSR_WRITE_ZERO && *val == 0);
    }
    return false;
}
