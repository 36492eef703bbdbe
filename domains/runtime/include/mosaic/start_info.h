/* SPDX-License-Identifier: MIT */
/*
 * The Xen PVH start-of-day structures (Xen public ABI,
 * arch-x86/hvm/start_info.h): what the domain builder leaves in memory and
 * passes in %ebx at the PVH entry. Layouts only; the runtime validates a
 * start_info before anything else reads it (runtime.c). Hand-written
 * until idl/ generates these headers; the asserts pin every field.
 */
#pragma once

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define HVM_START_MAGIC          0x336ec578u
#define HVM_MEMMAP_TYPE_RAM      1u /* E820 types: only RAM is used by the runtime */
#define HVM_MEMMAP_TYPE_RESERVED 2u

/* Written by the domain builder before the first instruction; read-only after. */
struct hvm_start_info {
    uint32_t magic;          /* 0x00: HVM_START_MAGIC */
    uint32_t version;        /* 0x04: 0, or 1 with the memory map fields */
    uint32_t flags;          /* 0x08: SIF_* (none used yet) */
    uint32_t nr_modules;     /* 0x0c */
    uint64_t modlist_paddr;  /* 0x10: struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;  /* 0x18: NUL-terminated, 0 if none */
    uint64_t rsdp_paddr;     /* 0x20: ACPI RSDP, 0 if none */
    uint64_t memmap_paddr;   /* 0x28: version >= 1 */
    uint32_t memmap_entries; /* 0x30: version >= 1 */
    uint32_t reserved;       /* 0x34 */
};
static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, magic) == 0x00, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, version) == 0x04, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, flags) == 0x08, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, nr_modules) == 0x0c, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 0x10, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 0x18, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 0x20, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 0x28, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, memmap_entries) == 0x30, "hvm_start_info");
static_assert(offsetof(struct hvm_start_info, reserved) == 0x34, "hvm_start_info");

struct hvm_modlist_entry {
    uint64_t paddr;         /* 0x00 */
    uint64_t size;          /* 0x08 */
    uint64_t cmdline_paddr; /* 0x10: NUL-terminated, 0 if none */
    uint64_t reserved;      /* 0x18 */
};
static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
static_assert(offsetof(struct hvm_modlist_entry, paddr) == 0x00, "hvm_modlist_entry");
static_assert(offsetof(struct hvm_modlist_entry, size) == 0x08, "hvm_modlist_entry");
static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 0x10, "hvm_modlist_entry");
static_assert(offsetof(struct hvm_modlist_entry, reserved) == 0x18, "hvm_modlist_entry");

struct hvm_memmap_table_entry {
    uint64_t addr;     /* 0x00 */
    uint64_t size;     /* 0x08 */
    uint32_t type;     /* 0x10: HVM_MEMMAP_TYPE_* */
    uint32_t reserved; /* 0x14 */
};
static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry");
static_assert(offsetof(struct hvm_memmap_table_entry, addr) == 0x00, "hvm_memmap_table_entry");
static_assert(offsetof(struct hvm_memmap_table_entry, size) == 0x08, "hvm_memmap_table_entry");
static_assert(offsetof(struct hvm_memmap_table_entry, type) == 0x10, "hvm_memmap_table_entry");
static_assert(offsetof(struct hvm_memmap_table_entry, reserved) == 0x14, "hvm_memmap_table_entry");
