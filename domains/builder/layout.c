/* SPDX-License-Identifier: MIT */
/*
 * The guest-physical layout of a new domain (layout.h) and its start_info
 * block (Xen's arch-x86/hvm/start_info.h, generated as idl/start_info.h).
 * Sizes come from operator input (the manifest, the kernel, the ramdisk):
 * every sum is checked against the RAM before anything is placed.
 */
#include "layout.h"

#include <string.h>

#define PAGE 0x1000ull

static uint64_t page_up(uint64_t x)
{
    return (x + PAGE - 1) & ~(PAGE - 1);
}

int layout_plan(uint64_t mem, uint64_t kstart, uint64_t kend, uint64_t ramdisk_size, struct layout *out,
                const char **why)
{
    memset(out, 0, sizeof(*out));
    if (mem < LAYOUT_LOW_END + LAYOUT_ACPI_SIZE || mem % PAGE) {
        *why = "too little memory for start_info and ACPI";
        return -1;
    }
    out->mem = mem;
    out->acpi_base = mem - LAYOUT_ACPI_SIZE;
    if (kstart < LAYOUT_LOW_END) {
        *why = "the kernel loads below 12 KiB, over start_info and the command line";
        return -1;
    }
    if (kend > out->acpi_base || kstart > kend) {
        *why = "the kernel does not fit below the ACPI page at the top of the domain's memory";
        return -1;
    }
    if (ramdisk_size) {
        out->ramdisk_base = page_up(kend);
        if (ramdisk_size > out->acpi_base - out->ramdisk_base || out->ramdisk_base > out->acpi_base) {
            *why = "the ramdisk does not fit between the kernel and the ACPI page";
            return -1;
        }
        out->ramdisk_size = ramdisk_size;
    }
    return 0;
}

size_t layout_start_info(const struct layout *l, struct layout_start_info *out)
{
    memset(out, 0, sizeof(*out));
    out->si.magic = XEN_HVM_START_MAGIC_VALUE;
    out->si.version = 1;
    out->si.cmdline_paddr = LAYOUT_CMDLINE_GPA;
    out->si.rsdp_paddr = l->acpi_base;
    if (l->ramdisk_size) {
        out->si.nr_modules = 1;
        out->si.modlist_paddr = LAYOUT_START_INFO_GPA + offsetof(struct layout_start_info, mod);
        out->mod[0].paddr = l->ramdisk_base;
        out->mod[0].size = l->ramdisk_size;
    }
    out->si.memmap_paddr = LAYOUT_START_INFO_GPA + offsetof(struct layout_start_info, map);
    out->si.memmap_entries = 2;
    out->map[0] = (struct hvm_memmap_table_entry){ .addr = 0, .size = l->acpi_base, .type = XEN_HVM_MEMMAP_TYPE_RAM };
    out->map[1] = (struct hvm_memmap_table_entry){ .addr = l->acpi_base,
                                                   .size = LAYOUT_ACPI_SIZE,
                                                   .type = XEN_HVM_MEMMAP_TYPE_ACPI };
    return sizeof(*out);
}
