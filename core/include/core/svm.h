/* SPDX-License-Identifier: MIT */
/* AMD-V (SVM) support as found on this machine. */
#pragma once

#include "core/types.h"

struct svm_caps {
    uint32_t revision; /* CPUID 8000_000A EAX */
    uint32_t nasids;   /* EBX: number of ASIDs */
    bool npt;          /* EDX bit 0: nested paging */
    bool nrips;        /* EDX bit 3: next-RIP saved on exits */
    bool decode;       /* EDX bit 7: decode assists */
};

/*
 * svm_detect: fill caps and log one line. Refuses to boot (panic_refuse)
 * when SVM or nested paging is missing or firmware disabled SVM.
 */
void svm_detect(struct svm_caps *caps);
