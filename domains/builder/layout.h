/* SPDX-License-Identifier: MIT */
/*
 * Where the builder puts things in a new PVH domain's memory (layout.c),
 * as Xen's toolstack does: start_info and the command line in low pages,
 * the kernel's segments where its ELF says, the ramdisk page-aligned above
 * the kernel, the ACPI tables in the top page of RAM (marked ACPI in the
 * memory map). Pure arithmetic and the start_info block; no hypercalls.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/start_info.h"

#define LAYOUT_START_INFO_GPA 0x1000u
#define LAYOUT_CMDLINE_GPA    0x2000u
#define LAYOUT_CMDLINE_MAX    0x1000u /* one page, NUL included */
#define LAYOUT_LOW_END        0x3000u /* kernels load above the builder's pages */
#define LAYOUT_ACPI_SIZE      0x1000u /* ACPI_TABLES_MAX, one page */

struct layout {
    uint64_t mem;                        /* the domain's RAM, bytes from 0 */
    uint64_t ramdisk_base, ramdisk_size; /* size 0: no ramdisk */
    uint64_t acpi_base;                  /* the top page of RAM */
};

/* The start_info page the builder writes at LAYOUT_START_INFO_GPA. */
struct layout_start_info {
    struct hvm_start_info si;
    struct hvm_modlist_entry mod[1];
    struct hvm_memmap_table_entry map[2];
};

/* layout_plan: place a kernel spanning [kstart, kend) and a ramdisk of
 * ramdisk_size bytes (0: none) in mem bytes of RAM. 0, or -1 with *why
 * set (the kernel overlaps the low pages or passes the ACPI page, or the
 * ramdisk does not fit between the kernel and the ACPI page). */
int layout_plan(uint64_t mem, uint64_t kstart, uint64_t kend, uint64_t ramdisk_size, struct layout *out,
                const char **why);

/* layout_start_info: the start_info block for l (version 1: command line
 * at LAYOUT_CMDLINE_GPA, the ramdisk as module 0, RAM and ACPI in the
 * memory map, the RSDP at the ACPI page's start). Returns its length. */
size_t layout_start_info(const struct layout *l, struct layout_start_info *out);
