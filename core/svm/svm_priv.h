/* SPDX-License-Identifier: MIT */
/* Interfaces between the files of core/svm/. */
#pragma once

#include "core/domain.h"
#include "svm_vcpu.h"
#include "vmcb.h"

struct cpuid_regs;

/* EFER bits a guest may own: SCE, LME, LMA, NXE (SVME is the core's). */
#define EFER_GUEST_BITS ((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11))

/* svm_entry.S */
void svm_vmrun(struct vcpu_regs *regs, paddr_t vmcb, paddr_t host_area);

/* svm_cpuid.c: the CPUID a guest sees for leaf/subleaf. */
void svm_cpuid_guest(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* svm_msr.c: an access to one of the platform MSRs guests probe: true
 * and (a read) *val, or false for #GP. */
bool svm_msr_platform(uint32_t msr, bool write, uint64_t *val);

/* svm_exit.c: handle v's last #VMEXIT; false when v must stop running. */
bool svm_exit_handle(struct vcpu *v);

/* svm.c */
void svm_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);
void svm_kill(struct vcpu *v, const char *why_fmt, ...) __attribute__((format(printf, 2, 3)));
bool svm_guest_long_mode(const struct vcpu *v);
uint64_t svm_host_area(void);
/* svm_set_sipi_state: the state a STARTUP message with this vector
 * leaves (SDM 9.1.1, table 9-1): real mode at vector:0000, CS base
 * vector << 12, the rest as after INIT. v stays down. */
void svm_set_sipi_state(struct vcpu *v, uint8_t vector);

/* svm_lapic.c: APIC_BASE (0x1b) and the x2APIC MSRs (0x800-0x8ff;
 * false: #GP); svm_lapic_offer, before each VMRUN: the highest pending
 * vector as the virtual interrupt (V_IRQ); svm_lapic_taken, after each
 * #VMEXIT: whether the guest took it (IRR to ISR). */
bool svm_lapic_msr(struct vcpu *v, uint32_t msr, bool write, uint64_t *val);
void svm_lapic_offer(struct vcpu *v);
void svm_lapic_taken(struct vcpu *v);
