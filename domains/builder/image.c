/* SPDX-License-Identifier: MIT */
/*
 * The builder's view of a domain image: an ELF64 executable for x86-64
 * whose PT_LOAD segments lie inside the file and whose Xen note
 * XEN_ELFNOTE_PHYS32_ENTRY (type 18) names a 32-bit entry inside an
 * executable segment. Images come from boot modules: every offset and
 * size is checked before use, with overflow-safe arithmetic.
 */
#include "image.h"

#include <stdio.h>
#include <string.h>

#include "idl/elfnote.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X    1

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int fail(const char *name, const char *why)
{
    printf("builder: %s: %s\n", name, why);
    return -1;
}

static int within(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

/* Scans one PT_NOTE segment for the PVH entry note. */
static int scan_notes(const uint8_t *p, uint64_t len, uint32_t *entry, int *found)
{
    uint64_t pos = 0;

    while (len - pos >= 12) {
        uint32_t namesz, descsz, type;
        uint64_t name_pad, desc_pad;
        memcpy(&namesz, p + pos, 4);
        memcpy(&descsz, p + pos + 4, 4);
        memcpy(&type, p + pos + 8, 4);
        name_pad = ((uint64_t)namesz + 3) & ~3ull;
        desc_pad = ((uint64_t)descsz + 3) & ~3ull;
        if (name_pad + desc_pad > len - pos - 12)
            return -1;
        if (namesz == 4 && !memcmp(p + pos + 12, "Xen", 4) && type == XEN_ELFNOTE_PHYS32_ENTRY) {
            if (descsz != 4 && descsz != 8)
                return -1;
            memcpy(entry, p + pos + 12 + name_pad, 4);
            *found = 1;
        }
        pos += 12 + name_pad + desc_pad;
    }
    return 0;
}

static int read_segments(const char *name, const uint8_t *data, size_t size, const struct elf64_ehdr *eh,
                         struct image *out, int *found)
{
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, data + eh->phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        if (ph.type == PT_NOTE && within(ph.offset, ph.filesz, size) &&
            scan_notes(data + ph.offset, ph.filesz, &out->pvh_entry, found) != 0)
            return fail(name, "malformed ELF note");
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (out->nsegments == IMAGE_MAX_SEGMENTS)
            return fail(name, "too many loadable segments");
        if (!within(ph.offset, ph.filesz, size) || ph.filesz > ph.memsz || ph.paddr + ph.memsz < ph.paddr)
            return fail(name, "a loadable segment lies outside the file or wraps");
        out->seg[out->nsegments++] = (struct image_segment){
            .offset = ph.offset, .filesz = ph.filesz, .memsz = ph.memsz, .paddr = ph.paddr, .flags = ph.flags
        };
        if (ph.paddr + ph.memsz > out->paddr_end)
            out->paddr_end = ph.paddr + ph.memsz;
    }
    return 0;
}

/* The entry is a guest-physical address: PVH starts with paging off. */
static int entry_executable(const struct image *img)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct image_segment *s = &img->seg[i];
        if ((s->flags & PF_X) && img->pvh_entry >= s->paddr && img->pvh_entry - s->paddr < s->memsz)
            return 1;
    }
    return 0;
}

int image_parse(const char *name, const uint8_t *data, size_t size, struct image *out)
{
    struct elf64_ehdr eh;
    int found = 0;

    memset(out, 0, sizeof(*out));
    if (size < sizeof(eh))
        return fail(name, "too small to be an ELF image");
    memcpy(&eh, data, sizeof(eh));
    if (memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 2 || eh.ident[5] != 1)
        return fail(name, "not an ELF64 little-endian image");
    if (eh.type != 2 || eh.machine != 62)
        return fail(name, "not an x86-64 executable");
    if (eh.phentsize != sizeof(struct elf64_phdr) || !within(eh.phoff, (uint64_t)eh.phnum * eh.phentsize, size))
        return fail(name, "program headers lie outside the file");
    if (read_segments(name, data, size, &eh, out, &found) != 0)
        return -1;
    if (!out->nsegments)
        return fail(name, "no loadable segment");
    if (!found)
        return fail(name, "no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): not a PVH image");
    if (!entry_executable(out))
        return fail(name, "the PVH entry is not inside an executable loadable segment");
    return 0;
}
