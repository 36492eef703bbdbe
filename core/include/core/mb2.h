/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot information: the parsed form the rest of the core uses,
 * and the parser that builds it from the loader's info block (Multiboot2
 * specification 1.0, section 3.6). The parser trusts nothing in the block;
 * it does not judge the memory map (memmap.h) or module placement
 * (boot_modules.h).
 */
#pragma once

#include "core/types.h"

/* Tag types (Multiboot2 spec 1.0, section 3.6.x). */
#define MB2_TAG_END           0
#define MB2_TAG_CMDLINE       1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE        3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV       5
#define MB2_TAG_MMAP          6
#define MB2_TAG_FRAMEBUFFER   8
#define MB2_TAG_ACPI_OLD      14
#define MB2_TAG_ACPI_NEW      15
#define MB2_TAG_EFI_MMAP      17

/* Memory map entry types (section 3.6.8). */
#define MB2_MMAP_AVAILABLE        1
#define MB2_MMAP_RESERVED         2
#define MB2_MMAP_ACPI_RECLAIMABLE 3
#define MB2_MMAP_NVS              4
#define MB2_MMAP_BAD              5

/* Fixed layout sizes in bytes. */
#define MB2_INFO_HEADER_SIZE   8  /* total_size, reserved */
#define MB2_TAG_HEADER_SIZE    8  /* type, size */
#define MB2_TAG_ALIGN          8  /* every tag starts 8-byte aligned */
#define MB2_MMAP_HEADER_SIZE   16 /* type, size, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN     24 /* base_addr, length, type, reserved */
#define MB2_MODULE_HEADER_SIZE 16 /* type, size, mod_start, mod_end */
#define MB2_RSDP_OLD_LEN       20 /* ACPI 1.0 RSDP */
#define MB2_RSDP_NEW_LEN       36 /* ACPI 2.0+ XSDP */

#define MB2_MAX_MMAP    128
#define MB2_MAX_MODULES 16

struct mb2_mmap_entry {
    uint64_t base;
    uint64_t len;  /* base + len never overflows (checked by mb2_parse) */
    uint32_t type; /* MB2_MMAP_*; any other value means reserved */
};

struct mb2_module {
    paddr_t start;       /* mod_start */
    paddr_t end;         /* mod_end, exclusive; start <= end */
    const char *cmdline; /* points into the info block, NUL-terminated */
};

struct mb2_info {
    const char *cmdline;     /* "" when the loader gave none */
    const char *loader_name; /* "" when the loader gave none */
    struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
    unsigned mmap_count;
    struct mb2_module modules[MB2_MAX_MODULES];
    unsigned module_count; /* in the order the loader listed them */
    /*
     * Copy of the RSDP the loader found: the ACPI 2.0+ one (tag 15, 36
     * bytes) when present, else the ACPI 1.0 one (tag 14, 20 bytes).
     * rsdp_len is 0 when neither tag was given. Not checksummed here.
     */
    uint8_t rsdp[MB2_RSDP_NEW_LEN];
    unsigned rsdp_len;
    bool has_basic_meminfo;
    uint32_t mem_lower_kib, mem_upper_kib; /* valid if has_basic_meminfo */
};

/*
 * mb2_parse: decode the Multiboot2 info block at mbi into *out.
 *
 * avail is how many bytes the caller can safely read at mbi; nothing past
 * min(avail, total_size) is read. Rules enforced: mbi is 8-byte aligned
 * (the spec places the block so); 16 <= total_size <= avail and total_size
 * is a multiple of 8; each tag has size >= 8 and lies inside total_size,
 * and the next one starts at the following 8-byte boundary; an end tag
 * (type 0, size 8) terminates the list (bytes after it are ignored with a
 * warning); strings are NUL-terminated inside their tag; the memory map is
 * well-formed and present exactly once; at most MB2_MAX_MODULES modules,
 * none with mod_end < mod_start; the command line, loader name, basic
 * memory info, memory map and each ACPI tag appear at most once. Unknown
 * tag types are skipped.
 *
 * Returns 0, or -ERR_INVAL after logging one line naming the fault. *out
 * is meaningless after an error. Pointers in *out point into the block,
 * which must stay mapped while they are used.
 */
int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out) __attribute__((warn_unused_result));
