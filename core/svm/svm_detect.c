/* SPDX-License-Identifier: MIT */
/*
 * Finding out whether this CPU can run Mosaic's domains: AMD-V with
 * nested paging. Only detection here; enabling SVM belongs to vCPU setup.
 */
#include "../arch/x86_64/x86.h"
#include "core/log.h"
#include "core/panic.h"
#include "core/svm.h"

#define CPUID_SVM_ECX (1u << 2)
#define VM_CR_SVMDIS  (1u << 4)

void svm_detect(struct svm_caps *caps)
{
    struct cpuid_regs r = cpuid(0x80000000, 0);

    if (r.eax < 0x8000000a || !(cpuid(0x80000001, 0).ecx & CPUID_SVM_ECX))
        panic_refuse("svm: this CPU has no AMD-V (CPUID 8000_0001 ECX.SVM=0); Mosaic needs SVM with nested paging");
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
        panic_refuse("svm: AMD-V is disabled by firmware (VM_CR.SVMDIS=1)");
    r = cpuid(0x8000000a, 0);
    caps->revision = r.eax & 0xff;
    caps->nasids = r.ebx;
    caps->npt = (r.edx & (1u << 0)) != 0;
    caps->nrips = (r.edx & (1u << 3)) != 0;
    caps->decode = (r.edx & (1u << 7)) != 0;
    if (!caps->npt)
        panic_refuse("svm: this CPU has AMD-V but no nested paging (CPUID 8000_000A EDX.NP=0)");
    log_info("svm: AMD-V revision %u, %u ASIDs, nested paging, next-RIP %s, decode assists %s", caps->revision,
             caps->nasids, caps->nrips ? "yes" : "no", caps->decode ? "yes" : "no");
}
