/* SPDX-License-Identifier: MIT */
/*
 * The core's virtual memory layout (docs/memory-layout.md). Shared by C and
 * assembly, so only plain constants live here.
 */
#pragma once

/* The core image: linked at -2 GiB, loaded at 1 MiB physical. */
#define CORE_VIRT_BASE 0xffffffff80000000
/* All of physical memory, 1:1 (PML4 slot 256, up to 512 GiB). */
#define DIRECT_MAP_BASE 0xffff800000000000
#define DIRECT_MAP_SIZE 0x0000008000000000
/* Per-CPU stacks with unmapped guard pages (PML4 slot 510). */
#define STACK_AREA_BASE 0xffffff0000000000
/* Uncached device MMIO mappings (PML4 slot 510, above the stacks). */
#define MMIO_AREA_BASE 0xffffff4000000000
#define MMIO_AREA_SIZE 0x0000000040000000

#define CORE_STACK_SIZE 0x4000  /* 16 KiB per CPU */
#define CORE_IST_SIZE   0x1000  /* 4 KiB per exception stack */
#define STACK_SLOT_SIZE 0x10000 /* per CPU: guard, stack, guard, IST stacks */

/* The AP start-up trampoline lives in this page below 1 MiB. */
#define TRAMPOLINE_PADDR 0x8000

#define MAX_CPUS 64
