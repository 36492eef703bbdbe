/* SPDX-License-Identifier: MIT */
/*
 * Interfaces between the runtime's own files, in start-up order, plus the
 * symbols the linker script and boot.S define. Not for domain programs:
 * they see include/mosaic/ only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mosaic/start_info.h"

/* The boot page tables identity-map [0, 4 GiB); runtime.c unmaps page 0
 * once it has copied start_info. */
#define RUNTIME_MAPPED_END ((uint64_t)1 << 32)
#define RUNTIME_PAGE_SIZE  4096u

/*
 * RUNTIME_STATE: for zero-initialised state the crash path needs (page
 * tables, IDT, run queue, platform). domain.ld places it first in .bss,
 * then the boot stack, then all other .bss: the farthest from the heap, so
 * a thread stack overflowing down out of the heap reaches it last.
 */
#define RUNTIME_STATE __attribute__((section(".bss.runtime")))

/* Linker script (domain.ld) and boot.S. */
struct runtime_cpu;
extern char __image_start[], __image_end[];
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
extern void (*__fini_array_start[])(void), (*__fini_array_end[])(void);
extern char boot_stack_bottom[], boot_stack_top[];
extern uint64_t boot_pt0[512];  /* maps [0, 2 MiB) in 4 KiB pages */
extern uint64_t boot_pml4[512]; /* the page tables' root, shared by every vCPU */

/* boot_vcpu_entry: where a started vCPU begins (boot.S): 64-bit mode on
 * boot_pml4, %rsp its stack's top, %rdi its struct runtime_cpu. Loads the
 * GDT and segments, resets x87 and MXCSR, calls runtime_vcpu_entry. */
void boot_vcpu_entry(void);

/* runtime_phys_ok: [paddr, paddr + len) lies in the boot mapping, so the
 * runtime may read it through an identity pointer during start-up. */
static inline bool runtime_phys_ok(uint64_t paddr, uint64_t len)
{
    return len <= RUNTIME_MAPPED_END && paddr <= RUNTIME_MAPPED_END - len;
}

/* runtime_entry: the C entry, called once by boot.S on the boot stack in
 * 64-bit mode with paging, SSE and a zeroed .bss. */
_Noreturn void runtime_entry(uint64_t start_info_paddr);

/* runtime_fatal: print "runtime: <msg>" on the console and crash the
 * domain. For start-up failures and broken runtime invariants. */
_Noreturn void runtime_fatal(const char *msg);

/* platform_init: detect the platform; before any console output. */
void platform_init(void);

/* platform_console_lock: hold the console for the calling vCPU (taken
 * again by it at no cost) so that a fault report is not interleaved with
 * another vCPU's lines. There is no unlock: a report ends the domain. */
void platform_console_lock(void);

/* runtime_vcpu_init: on vCPU 0, after platform_init and before anything
 * else: point the GS base at vCPU 0's block (runtime_vcpu_id works from
 * then on) and count the domain's vCPUs. */
void runtime_vcpu_init(void);

/* runtime_vcpu_entry: a started vCPU's C entry, from boot_vcpu_entry. */
_Noreturn void runtime_vcpu_entry(struct runtime_cpu *cpu);

/* runtime_vcpu_stop: the last thread on a vCPU other than 0 has ended:
 * mark it stopped and take it down. */
_Noreturn void runtime_vcpu_stop(void);

/* trap_init: build the IDT and load it; every exception is then reported
 * and fatal. On vCPU 0, once. trap_load: load that IDT on another vCPU. */
void trap_init(void);
void trap_load(void);

/* trap_set_irq: vector (32..255) runs entry, an interrupt gate (IF off on
 * entry) whose code saves what it uses and ends with iretq. Every vCPU
 * shares the IDT. */
void trap_set_irq(uint8_t vector, void (*entry)(void));

/* runtime_shared_info: the shared-info page (event-channel bitmaps,
 * vcpu_info records), or NULL when the hypervisor gave none. */
volatile uint8_t *runtime_shared_info(void);

/* evtchn_upcall_entry: the upcall interrupt's entry (evtchn_entry.S). */
void evtchn_upcall_entry(void);

/*
 * A spinlock that its holder may take again (lock.c): held by one owner,
 * a token the caller chooses (a thread, a vCPU), depth times. May be taken
 * from any vCPU; with may_switch a waiter also lets the other threads of
 * its vCPU run, where the holder may be. Zero-initialised means free.
 */
struct lock_recursive {
    uint32_t held;     /* 1 while held; taken by an atomic exchange */
    uint32_t depth;    /* the holder's count; written by the holder only */
    const void *owner; /* the holder's token; NULL while free */
};

/* lock_try_acquire: take l for owner if it is free or owner holds it.
 * Returns whether it did. */
bool lock_try_acquire(struct lock_recursive *l, const void *owner);

/* lock_acquire: take l for owner, waiting as long as it takes. */
void lock_acquire(struct lock_recursive *l, const void *owner, bool may_switch);

/* lock_release: give up one hold of l; by its holder only. */
void lock_release(struct lock_recursive *l);

/* A range of guest memory the heap must not cover: start_info and what it
 * points to. */
struct heap_busy {
    uint64_t start, end; /* [start, end) */
};

/*
 * heap_init: place the heap in the RAM entry of map[0..n) holding the
 * image: from the image's end up to the first busy range or the end of
 * that entry (at most the mapped 4 GiB). Returns NULL or a message saying
 * why there is no heap.
 */
const char *heap_init(const struct hvm_memmap_table_entry *map, size_t n, const struct heap_busy *busy, size_t nbusy);

/* thread_init_vcpu: make the calling context the calling vCPU's first
 * thread, called name, running on the stack whose lowest word is
 * stack_bottom (the canary goes there). Once per vCPU, before its first
 * thread or lock call; on vCPU 0, "main" on the boot stack. */
void thread_init_vcpu(const char *name, void *stack_bottom);

/* runtime_time_init: under the Xen ABI, ask the hypervisor for its
 * shared-info page and start the clock (mosaic/time.h); on a refusal,
 * print why and leave the domain without a clock. Needs stdio (so the
 * heap); before any other time call. */
void runtime_time_init(void);

/* runtime_time_init_vcpu: the per-vCPU part of runtime_time_init (stop
 * the periodic timer), for a started vCPU; runtime_time_init does it for
 * vCPU 0. */
void runtime_time_init_vcpu(void);

/* runtime_block_until_ns: block the vCPU until the clock reaches deadline
 * (ns since the hypervisor started); returns at once if it already has.
 * Returns 0, or -ENOSYS when there is no clock. */
int runtime_block_until_ns(uint64_t deadline);
