/* SPDX-License-Identifier: MIT */
/*
 * ELF64 executable validation for domain images (System V gABI, ELF-64
 * Object File Format 1.5) and the Xen PVH entry note (Xen public
 * elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY). The parser checks an image held in
 * memory and describes its loadable segments; it copies nothing and loads
 * nothing.
 */
#pragma once

#include "core/types.h"

#define ELF_MAX_SEGMENTS 16

/* Program header constants (gABI). */
#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4
#define ELF_PF_X    1
#define ELF_PF_W    2
#define ELF_PF_R    4

/* Fixed sizes and the values a domain image must carry. */
#define ELF_EHDR_SIZE             64
#define ELF_PHDR_SIZE             56
#define ELF_NHDR_SIZE             12 /* namesz, descsz, type */
#define ELF_ET_EXEC               2
#define ELF_EM_X86_64             62
#define ELF_XEN_NOTE_PHYS32_ENTRY 18

struct elf_segment {
    uint64_t offset, filesz, memsz, paddr, vaddr;
    uint32_t flags; /* ELF_PF_* */
};

struct elf_image {
    uint64_t entry; /* e_entry, not checked against the segments */
    bool has_pvh_entry;
    uint32_t pvh_entry; /* physical; inside an executable segment */
    unsigned nsegments; /* PT_LOAD segments with memsz > 0, in file order */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    paddr_t paddr_lowest, paddr_highest; /* span of the segments, [lowest, highest) */
};

/*
 * elf_parse: validate the ELF64 image of size bytes at img and describe
 * it in *out. Nothing outside [img, img + size) is read.
 *
 * Checked: ELF identification (64-bit, little-endian, version 1),
 * ET_EXEC for x86_64, e_phentsize 56, the program header table inside the
 * image; each PT_LOAD has filesz <= memsz, its file bytes inside the image
 * and paddr + memsz without overflow; 1 to ELF_MAX_SEGMENTS non-empty
 * PT_LOADs (empty ones are ignored) that do not overlap in paddr; PT_NOTE
 * segments lie inside the image and hold well-formed notes (padded to 4
 * bytes, or 8 when the segment's p_align is 8); at most one Xen
 * PHYS32_ENTRY note, with a 4- or 8-byte desc (low 32 bits taken) that
 * lies inside an executable PT_LOAD's [paddr, paddr + memsz).
 *
 * Returns 0, or -ERR_INVAL after logging one line naming the fault.
 * *out is meaningless after an error.
 */
int elf_parse(const void *img, size_t size, struct elf_image *out) __attribute__((warn_unused_result));

/*
 * elf_require_pvh: returns 0 if img carries a Xen PVH entry note; else
 * logs "elf: no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)" and returns
 * -ERR_INVAL.
 */
int elf_require_pvh(const struct elf_image *img) __attribute__((warn_unused_result));
