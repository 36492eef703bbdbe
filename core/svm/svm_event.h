/* SPDX-License-Identifier: MIT */
/*
 * Events cut short by a #VMEXIT (AMD APM vol. 2, 15.7.2, "EXITINTINFO"):
 * which of them the next VMRUN must deliver again through EVENTINJ.
 * Pure arithmetic on the two fields' shared format, so a host test can
 * hold every case; the VMCB itself is touched by svm_exit.c.
 */
#pragma once

#include <stdint.h>

#define SVM_EVENT_VECTOR(e)   ((unsigned)((e)&0xff))
#define SVM_EVENT_TYPE(e)     ((unsigned)(((e) >> 8) & 7))
#define SVM_EVENT_VALID       (1ull << 31)
#define SVM_EVENT_TYPE_INTR   0u /* external or virtual interrupt */
#define SVM_EVENT_TYPE_NMI    2u
#define SVM_EVENT_TYPE_EXCEPT 3u
#define SVM_EVENT_TYPE_SOFT   4u /* INTn */
#define SVM_EVENT_VECTOR_BP   3u
#define SVM_EVENT_VECTOR_OF   4u

/*
 * svm_event_is_interrupt: EXITINTINFO names an interrupt whose delivery
 * the exit cut short: an external or virtual one, or, as QEMU's emulated
 * SVM records a virtual interrupt, an "exception" with a vector no
 * exception has (32 and up).
 */
static inline int svm_event_is_interrupt(uint64_t e)
{
    unsigned type = SVM_EVENT_TYPE(e);

    return (e & SVM_EVENT_VALID) &&
           (type == SVM_EVENT_TYPE_INTR || (type == SVM_EVENT_TYPE_EXCEPT && SVM_EVENT_VECTOR(e) >= 32));
}

/*
 * svm_event_reinject: the EVENTINJ value that delivers again the event
 * EXITINTINFO says was being delivered when the guest exited, or 0 when
 * there is none or its source raises it again itself. NMIs and hardware
 * exceptions (with their error code) go again, or they would be lost.
 * Interrupts do not: the core offers every interrupt as V_IRQ (never
 * through EVENTINJ: svm_lapic.c says why), and offers it again from
 * where it waits (the LAPIC's IRR, the upcall flag). INTn, INT3 and INTO
 * do not either: without next-RIP the guest's RIP still points at the
 * instruction, which raises them again when it runs again (delivering
 * them too would raise them twice). Reserved bits are dropped, so nothing
 * the exit left there reaches the guest's next entry.
 */
static inline uint64_t svm_event_reinject(uint64_t exitintinfo)
{
    const uint64_t keep = 0xffffffff00000000ull | SVM_EVENT_VALID | (1ull << 11) /* EV */ | 0x7ffull;
    unsigned type = SVM_EVENT_TYPE(exitintinfo), vector = SVM_EVENT_VECTOR(exitintinfo);

    if (!(exitintinfo & SVM_EVENT_VALID) || svm_event_is_interrupt(exitintinfo))
        return 0;
    if (type == SVM_EVENT_TYPE_SOFT ||
        (type == SVM_EVENT_TYPE_EXCEPT && (vector == SVM_EVENT_VECTOR_BP || vector == SVM_EVENT_VECTOR_OF)))
        return 0;
    if (type != SVM_EVENT_TYPE_NMI && type != SVM_EVENT_TYPE_EXCEPT)
        return 0; /* no other type exists */
    if (!(exitintinfo & (1ull << 11)))
        return exitintinfo & (SVM_EVENT_VALID | 0x7ffull); /* no error code: none is passed on */
    return exitintinfo & keep;
}
