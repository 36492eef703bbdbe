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
extern char __image_start[], __image_end[];
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
extern void (*__fini_array_start[])(void), (*__fini_array_end[])(void);
extern char boot_stack_bottom[], boot_stack_top[];
extern uint64_t boot_pt0[512]; /* maps [0, 2 MiB) in 4 KiB pages */

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

/* trap_init: load the IDT; every exception is then reported and fatal. */
void trap_init(void);

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

/* thread_init: make the boot context the thread "main". */
void thread_init(void);

/* runtime_time_init: under the Xen ABI, ask the hypervisor for its
 * shared-info page and start the clock (mosaic/time.h); on a refusal,
 * print why and leave the domain without a clock. Needs stdio (so the
 * heap); before any other time call. */
void runtime_time_init(void);

/* runtime_block_until_ns: block the vCPU until the clock reaches deadline
 * (ns since the hypervisor started); returns at once if it already has.
 * Returns 0, or -ENOSYS when there is no clock. */
int runtime_block_until_ns(uint64_t deadline);
