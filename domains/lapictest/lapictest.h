/* SPDX-License-Identifier: MIT */
/* What lapictest's C and assembly halves share (entry.S). */
#pragma once

#define LAPICTEST_MAX_VCPUS  8      /* counters per APIC id; a power of two */
#define LAPICTEST_TRAMP_BASE 0x8000 /* the STARTUP page: vector 0x08 */

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Interrupts taken, by the APIC id of the vCPU that took them. */
extern volatile uint32_t lapictest_oneshot_count[LAPICTEST_MAX_VCPUS];
extern volatile uint32_t lapictest_periodic_count[LAPICTEST_MAX_VCPUS];
extern volatile uint32_t lapictest_ipi_count[LAPICTEST_MAX_VCPUS];
extern volatile uint32_t lapictest_low_count[LAPICTEST_MAX_VCPUS];
extern volatile uint32_t lapictest_noeoi_count[LAPICTEST_MAX_VCPUS];
extern volatile uint32_t lapictest_upcall_count[LAPICTEST_MAX_VCPUS];
extern volatile uint32_t lapictest_gp_count;

/* Handlers (entry.S). */
void lapictest_irq_oneshot(void);
void lapictest_irq_periodic(void);
void lapictest_irq_ipi(void);
void lapictest_irq_low(void);
void lapictest_irq_noeoi(void);
void lapictest_irq_upcall(void);
void lapictest_gp(void);

/* The trampoline, and the fields the C side fills in its copy. */
extern const char lapictest_tramp[], lapictest_tramp_end[];
extern const char lapictest_tramp_cr3[], lapictest_tramp_stack[], lapictest_tramp_entry[];
extern const char lapictest_tramp_entered[];

/* Where a vCPU started by STARTUP goes in 64-bit mode. */
_Noreturn void lapictest_ap_main(void);
#endif
