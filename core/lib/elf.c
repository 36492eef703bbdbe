/* SPDX-License-Identifier: MIT */
/*
 * ELF64 domain image validator: checks the header, program headers and
 * notes of an untrusted image, then describes its PT_LOAD segments and the
 * Xen PVH entry point. Every field is decoded byte by byte after a bounds
 * check. It ignores section headers and never copies or loads segments.
 */
#include "core/elf.h"

#include "core/env.h"
#include "core/errno.h"

#define ELF_PN_XNUM 0xffff /* e_phnum escape for extended numbering */

/* ELF-64 file header field offsets (gABI "ELF Header"). */
#define ELF_OFF_TYPE      16
#define ELF_OFF_MACHINE   18
#define ELF_OFF_VERSION   20
#define ELF_OFF_ENTRY     24
#define ELF_OFF_PHOFF     32
#define ELF_OFF_PHENTSIZE 54
#define ELF_OFF_PHNUM     56

/* e_ident bytes and the values a domain image must carry. */
#define ELF_EI_CLASS        4
#define ELF_EI_DATA         5
#define ELF_EI_VERSION      6
#define ELF_CLASS64         2
#define ELF_DATA2LSB        1
#define ELF_VERSION_CURRENT 1

/* Decoded program header (gABI "Program Header", ELF-64 layout). */
struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static uint16_t elf_read16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t elf_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t elf_read64(const uint8_t *p)
{
    return (uint64_t)elf_read32(p) | (uint64_t)elf_read32(p + 4) << 32;
}

static void elf_read_phdr(const uint8_t *p, struct elf_phdr *ph)
{
    /* Elf64_Phdr: p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align. */
    ph->type = elf_read32(p + 0);
    ph->flags = elf_read32(p + 4);
    ph->offset = elf_read64(p + 8);
    ph->vaddr = elf_read64(p + 16);
    ph->paddr = elf_read64(p + 24);
    ph->filesz = elf_read64(p + 32);
    ph->memsz = elf_read64(p + 40);
    ph->align = elf_read64(p + 48);
}

static int elf_check_ident(const uint8_t *b)
{
    if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
        log_err("elf: bad magic %02x %02x %02x %02x", b[0], b[1], b[2], b[3]);
        return -ERR_INVAL;
    }
    if (b[ELF_EI_CLASS] != ELF_CLASS64) {
        log_err("elf: EI_CLASS %u is not ELFCLASS64 (2)", b[ELF_EI_CLASS]);
        return -ERR_INVAL;
    }
    if (b[ELF_EI_DATA] != ELF_DATA2LSB) {
        log_err("elf: EI_DATA %u is not ELFDATA2LSB (1)", b[ELF_EI_DATA]);
        return -ERR_INVAL;
    }
    if (b[ELF_EI_VERSION] != ELF_VERSION_CURRENT) {
        log_err("elf: EI_VERSION %u is not 1", b[ELF_EI_VERSION]);
        return -ERR_INVAL;
    }
    return 0;
}

static int elf_check_type(const uint8_t *b)
{
    uint16_t type = elf_read16(b + ELF_OFF_TYPE), machine = elf_read16(b + ELF_OFF_MACHINE);
    uint32_t version = elf_read32(b + ELF_OFF_VERSION);

    if (type != ELF_ET_EXEC) {
        log_err("elf: e_type %u is not ET_EXEC (2)", type);
        return -ERR_INVAL;
    }
    if (machine != ELF_EM_X86_64) {
        log_err("elf: e_machine %u is not x86_64 (62)", machine);
        return -ERR_INVAL;
    }
    if (version != ELF_VERSION_CURRENT) {
        log_err("elf: e_version %u is not 1", version);
        return -ERR_INVAL;
    }
    return 0;
}

/* Checks the file header; on success the program header table is in bounds. */
static int elf_check_header(const uint8_t *b, size_t size, uint64_t *phoff, unsigned *phnum)
{
    uint16_t phentsize;
    int err;

    if (size < ELF_EHDR_SIZE) {
        log_err("elf: image of %zu bytes is smaller than the 64-byte ELF header", size);
        return -ERR_INVAL;
    }
    err = elf_check_ident(b);
    if (!err)
        err = elf_check_type(b);
    if (err)
        return err;
    phentsize = elf_read16(b + ELF_OFF_PHENTSIZE);
    *phoff = elf_read64(b + ELF_OFF_PHOFF);
    *phnum = elf_read16(b + ELF_OFF_PHNUM);
    if (phentsize != ELF_PHDR_SIZE) {
        log_err("elf: e_phentsize %u is not 56", phentsize);
        return -ERR_INVAL;
    }
    if (*phnum == ELF_PN_XNUM) {
        log_err("elf: e_phnum 0xffff (extended numbering) is not supported");
        return -ERR_INVAL;
    }
    /* phnum * 56 < 2^22, so only phoff needs care. */
    if (*phoff > size || (uint64_t)*phnum * ELF_PHDR_SIZE > size - *phoff) {
        log_err("elf: program header table at 0x%llx (%u entries) runs past the image end 0x%zx",
                (unsigned long long)*phoff, *phnum, size);
        return -ERR_INVAL;
    }
    return 0;
}

static int elf_check_file_range(const struct elf_phdr *ph, unsigned idx, size_t size)
{
    if (ph->offset > size || ph->filesz > size - ph->offset) {
        log_err("elf: program header %u: file bytes at 0x%llx size 0x%llx run past the image end 0x%zx", idx,
                (unsigned long long)ph->offset, (unsigned long long)ph->filesz, size);
        return -ERR_INVAL;
    }
    return 0;
}

static int elf_check_load(const struct elf_phdr *ph, unsigned idx, size_t size)
{
    if (ph->filesz > ph->memsz) {
        log_err("elf: program header %u (PT_LOAD): filesz 0x%llx exceeds memsz 0x%llx", idx,
                (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
        return -ERR_INVAL;
    }
    if (ph->memsz > UINT64_MAX - ph->paddr) {
        log_err("elf: program header %u (PT_LOAD): paddr 0x%llx + memsz 0x%llx overflows", idx,
                (unsigned long long)ph->paddr, (unsigned long long)ph->memsz);
        return -ERR_INVAL;
    }
    return elf_check_file_range(ph, idx, size);
}

/* Records a checked, non-empty PT_LOAD unless it overlaps an earlier one. */
static int elf_add_load(const struct elf_phdr *ph, unsigned idx, struct elf_image *out)
{
    uint64_t end = ph->paddr + ph->memsz;
    struct elf_segment *s;

    if (out->nsegments == ELF_MAX_SEGMENTS) {
        log_err("elf: program header %u: more than %u non-empty PT_LOAD segments", idx, ELF_MAX_SEGMENTS);
        return -ERR_INVAL;
    }
    for (unsigned i = 0; i < out->nsegments; i++) {
        s = &out->seg[i];
        if (ph->paddr < s->paddr + s->memsz && s->paddr < end) {
            log_err("elf: program header %u: PT_LOAD paddr [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx)", idx,
                    (unsigned long long)ph->paddr, (unsigned long long)end, (unsigned long long)s->paddr,
                    (unsigned long long)(s->paddr + s->memsz));
            return -ERR_INVAL;
        }
    }
    s = &out->seg[out->nsegments++];
    *s = (struct elf_segment){ ph->offset, ph->filesz, ph->memsz, ph->paddr, ph->vaddr, ph->flags };
    out->paddr_lowest = out->nsegments == 1 ? ph->paddr : MIN(out->paddr_lowest, ph->paddr);
    out->paddr_highest = out->nsegments == 1 ? end : MAX(out->paddr_highest, end);
    return 0;
}

static int elf_parse_loads(const uint8_t *b, size_t size, uint64_t phoff, unsigned phnum, struct elf_image *out)
{
    struct elf_phdr ph;
    int err;

    for (unsigned i = 0; i < phnum; i++) {
        elf_read_phdr(b + phoff + (size_t)i * ELF_PHDR_SIZE, &ph);
        if (ph.type != ELF_PT_LOAD)
            continue;
        err = elf_check_load(&ph, i, size);
        if (!err && ph.memsz != 0)
            err = elf_add_load(&ph, i, out);
        if (err)
            return err;
    }
    if (out->nsegments == 0) {
        log_err("elf: no non-empty PT_LOAD segment among %u program headers", phnum);
        return -ERR_INVAL;
    }
    return 0;
}

/* One note's header and where its name and desc lie in the segment. */
struct elf_note {
    uint32_t namesz, descsz, type;
    const uint8_t *name, *desc;
    uint64_t next; /* segment offset of the following note */
};

/*
 * Decodes the note at pos of the len-byte segment seg. The desc starts, and
 * the next note starts, at the next multiple of align (gABI "Note
 * Section"); for align 4 that is the familiar pad-name, pad-desc layout.
 */
static int elf_read_note(const uint8_t *seg, uint64_t len, uint64_t pos, uint64_t align, unsigned idx,
                         struct elf_note *n)
{
    uint64_t desc_off, next;

    if (len - pos < ELF_NHDR_SIZE) {
        log_err("elf: program header %u (PT_NOTE): %llu bytes at 0x%llx are too few for a note header", idx,
                (unsigned long long)(len - pos), (unsigned long long)pos);
        return -ERR_INVAL;
    }
    n->namesz = elf_read32(seg + pos);
    n->descsz = elf_read32(seg + pos + 4);
    n->type = elf_read32(seg + pos + 8);
    /* pos <= len <= size and both sizes are 32-bit: no 64-bit wrap here. */
    desc_off = pos + ALIGN_UP(ELF_NHDR_SIZE + (uint64_t)n->namesz, align);
    next = ALIGN_UP(desc_off + n->descsz, align);
    if (next > len) {
        log_err("elf: program header %u (PT_NOTE): note at 0x%llx with namesz %u descsz %u runs past the "
                "segment size 0x%llx",
                idx, (unsigned long long)pos, n->namesz, n->descsz, (unsigned long long)len);
        return -ERR_INVAL;
    }
    n->name = seg + pos + ELF_NHDR_SIZE;
    n->desc = seg + desc_off;
    n->next = next;
    return 0;
}

static int elf_take_pvh_note(const struct elf_note *n, unsigned idx, struct elf_image *out)
{
    if (n->descsz != 4 && n->descsz != 8) {
        log_err("elf: program header %u: Xen PHYS32_ENTRY note desc size %u is not 4 or 8", idx, n->descsz);
        return -ERR_INVAL;
    }
    if (out->has_pvh_entry) {
        log_err("elf: program header %u: duplicate Xen PHYS32_ENTRY note", idx);
        return -ERR_INVAL;
    }
    /* An 8-byte desc is a 64-bit value; the entry is 32-bit by definition. */
    out->pvh_entry = elf_read32(n->desc);
    out->has_pvh_entry = true;
    return 0;
}

static int elf_parse_note_segment(const uint8_t *b, const struct elf_phdr *ph, unsigned idx, struct elf_image *out)
{
    /* 8-byte padding only where the segment says so (as GNU property notes do). */
    uint64_t align = ph->align == 8 ? 8 : 4;
    struct elf_note n;
    int err;

    for (uint64_t pos = 0; pos < ph->filesz; pos = n.next) {
        err = elf_read_note(b + ph->offset, ph->filesz, pos, align, idx, &n);
        if (err)
            return err;
        if (n.type == ELF_XEN_NOTE_PHYS32_ENTRY && n.namesz == 4 && memcmp(n.name, "Xen", 4) == 0) {
            err = elf_take_pvh_note(&n, idx, out);
            if (err)
                return err;
        }
    }
    return 0;
}

static int elf_parse_notes(const uint8_t *b, size_t size, uint64_t phoff, unsigned phnum, struct elf_image *out)
{
    struct elf_phdr ph;
    int err;

    for (unsigned i = 0; i < phnum; i++) {
        elf_read_phdr(b + phoff + (size_t)i * ELF_PHDR_SIZE, &ph);
        if (ph.type != ELF_PT_NOTE)
            continue;
        err = elf_check_file_range(&ph, i, size);
        if (!err)
            err = elf_parse_note_segment(b, &ph, i, out);
        if (err)
            return err;
    }
    return 0;
}

static int elf_check_pvh_entry(const struct elf_image *img)
{
    if (!img->has_pvh_entry)
        return 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->seg[i];

        if ((s->flags & ELF_PF_X) && img->pvh_entry >= s->paddr && img->pvh_entry - s->paddr < s->memsz)
            return 0;
    }
    log_err("elf: PVH entry 0x%x lies in no executable PT_LOAD segment", img->pvh_entry);
    return -ERR_INVAL;
}

int elf_parse(const void *img, size_t size, struct elf_image *out)
{
    const uint8_t *b = img;
    uint64_t phoff;
    unsigned phnum;
    int err;

    ASSERT(out != NULL && (img != NULL || size == 0));
    memset(out, 0, sizeof(*out));
    err = elf_check_header(b, size, &phoff, &phnum);
    if (!err)
        err = elf_parse_loads(b, size, phoff, phnum, out);
    if (!err)
        err = elf_parse_notes(b, size, phoff, phnum, out);
    if (!err)
        err = elf_check_pvh_entry(out);
    if (err)
        return err;
    out->entry = elf_read64(b + ELF_OFF_ENTRY);
    return 0;
}

int elf_require_pvh(const struct elf_image *img)
{
    ASSERT(img != NULL);
    if (img->has_pvh_entry)
        return 0;
    log_err("elf: no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
    return -ERR_INVAL;
}
