/* SPDX-License-Identifier: MIT */
/*
 * Interfaces between the x86_64 files of the core. Nothing outside
 * core/arch/x86_64/ and core/boot/main.c includes this.
 */
#pragma once

#include "core/types.h"
#include "percpu.h"

struct trap_frame;
struct acpi_info;

/* Interrupt vectors the core uses. */
#define VEC_TIMER    0xef
#define VEC_CALL     0xf0 /* cross-CPU call */
#define VEC_KICK     0xf1 /* leave the guest, nothing else */
#define VEC_SPURIOUS 0xff

/* serial.c: program COM1. Boot CPU, before any log line. */
void serial_init(void);

/* gdt.c: build and load this CPU's GDT and TSS (IST stacks from pc). */
void gdt_init_cpu(struct percpu *pc, vaddr_t ist_tops[3]);

/* idt.c: build the IDT once (boot CPU), load it on each CPU. */
void idt_init(void);
void idt_load(void);
typedef void (*irq_handler_fn)(struct trap_frame *f);
/* idt_set_handler: route vector (>= 32) to fn. Boot time only. */
void idt_set_handler(unsigned vector, irq_handler_fn fn);

/* trap.c: C entry for every vector (from isr.S). */
void trap_dispatch(struct trap_frame *f);

/* lapic.c */
int lapic_init_boot(const struct acpi_info *acpi); /* boot CPU: map, enable, calibrate */
void lapic_init_ap(void);                          /* each AP */
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low); /* fixed vector, NMI, INIT, SIPI */
void lapic_send_nmi_others(void);
bool lapic_x2apic(void);
int lapic_timer_selftest(uint64_t us); /* 0 or -ERR_IO; logs the result */
#define ICR_FIXED         0x00000
#define ICR_NMI           0x00400
#define ICR_INIT          0x00500
#define ICR_STARTUP       0x00600
#define ICR_LEVEL_ASSERT  0x04000
#define ICR_TRIGGER_LEVEL 0x08000

/* pit.c: busy-wait with the PIT channel 2 (calibration only). Returns the
 * TSC ticks that elapsed. */
uint64_t pit_wait_us(uint32_t us, uint32_t *lapic_ticks);
/* time.c: time_mark_start first thing at boot; the TSC rate is set once by
 * calibration. */
void time_mark_start(void);
void time_set_tsc_khz(uint64_t khz);
uint64_t time_tsc_khz(void);
void time_delay_us(uint64_t us);

/* paging.c */
void paging_init(paddr_t direct_map_top);
void paging_load(void); /* load the core's CR3 on this CPU */
paddr_t paging_root(void);
vaddr_t paging_map_stack(unsigned cpu, vaddr_t ist_tops[3]); /* returns stack top */
void *paging_map_mmio(paddr_t pa, size_t size);
int paging_check_wx(void);                          /* 0 when no mapping is W and X */
paddr_t paging_trampoline_root(paddr_t tramp_page); /* low PML4 for APs */
void paging_drop_trampoline_root(paddr_t root);

/* arch.c: continue on a fresh stack; fn must not return. */
void arch_switch_stack(vaddr_t top, void (*fn)(void)) __attribute__((noreturn));

/* smp.c */
void smp_boot_aps(const struct acpi_info *acpi, unsigned max_cpus, int hang_cpu);
unsigned smp_online_count(void);
int smp_call(unsigned cpu, void (*fn)(void *), void *arg);
void smp_call_handler(struct trap_frame *f);
void smp_ap_main(struct percpu *pc) __attribute__((noreturn));
void arch_idle_loop(void) __attribute__((noreturn));
