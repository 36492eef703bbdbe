/* SPDX-License-Identifier: MIT */
/*
 * Reading kernel images for the builder as Xen's libelf and libxc's
 * bzImage loader do: an ELF64 (x86-64) or ELF32 (i386) executable with
 * the Xen note XEN_ELFNOTE_PHYS32_ENTRY naming a 32-bit entry inside an
 * executable segment, or a Linux bzImage (boot protocol 2.08 or later,
 * "HdrS") whose payload is such an ELF compressed with xz. The ELF is a
 * stream of windows (the whole file, or one decompressed chunk after
 * another): headers come from the first window, segments and notes are
 * taken as they pass. Images are operator input: every offset and size is
 * checked, with overflow-safe arithmetic, before it is used.
 */
#include "image.h"

#include <string.h>

#include "idl/elfnote.h"
#include "image_xz.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X    1

#define ET_EXEC   2
#define EM_386    3
#define EM_X86_64 62

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header (System V gABI, 'ELF Header')");

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

struct elf32_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");

/* The Linux x86 boot protocol header (Documentation/x86/boot.rst), by
 * offset from the start of the bzImage. */
#define BZ_SETUP_SECTS    0x1f1 /* u8: 512-byte setup sectors after the boot sector; 0 means 4 */
#define BZ_HEADER         0x202 /* "HdrS" */
#define BZ_VERSION        0x206 /* u16 */
#define BZ_PAYLOAD_OFFSET 0x248 /* u32: from the protected-mode code (2.08+) */
#define BZ_PAYLOAD_LENGTH 0x24c /* u32 */
#define BZ_HEADER_END     0x250
#define BZ_MIN_VERSION    0x0208

/* Guest-physical addresses end at 2^36 (MGMT_DOMAIN_POPULATE's limit). */
#define PADDR_LIMIT (1ull << 36)

static int fail(struct image *img, const char *why)
{
    img->why = why;
    return -1;
}

static int within(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

const char *image_format_name(enum image_format f)
{
    switch (f) {
    case IMAGE_ELF64: return "ELF64";
    case IMAGE_ELF32: return "ELF32";
    case IMAGE_BZIMAGE: return "bzImage (xz)";
    }
    return "unknown";
}

/* One PT_LOAD or PT_NOTE, whatever the class, checked against the ELF. */
static int add_phdr(struct image *img, uint32_t type, uint32_t flags, uint64_t offset, uint64_t paddr, uint64_t filesz,
                    uint64_t memsz)
{
    if (type == PT_NOTE) {
        uint64_t at = img->nnotes ? img->note[img->nnotes - 1].at + img->note[img->nnotes - 1].size : 0;
        if (!within(offset, filesz, img->elf_size))
            return fail(img, "a note segment lies outside the ELF");
        if (img->nnotes == IMAGE_MAX_NOTES || !within(at, filesz, IMAGE_NOTES_MAX))
            return fail(img, "too many or too large note segments");
        img->note[img->nnotes++] = (struct image_note){ .offset = offset, .size = filesz, .at = at };
        return 0;
    }
    if (type != PT_LOAD || memsz == 0)
        return 0;
    if (img->nsegments == IMAGE_MAX_SEGMENTS)
        return fail(img, "too many loadable segments");
    if (!within(offset, filesz, img->elf_size) || filesz > memsz)
        return fail(img, "a loadable segment lies outside the ELF");
    if (!within(paddr, memsz, PADDR_LIMIT))
        return fail(img, "a loadable segment lies above 64 GiB or wraps");
    for (unsigned i = 0; i < img->nsegments; i++)
        if (paddr < img->seg[i].paddr + img->seg[i].memsz && img->seg[i].paddr < paddr + memsz)
            return fail(img, "two loadable segments overlap");
    img->seg[img->nsegments++] =
        (struct image_segment){ .offset = offset, .filesz = filesz, .memsz = memsz, .paddr = paddr, .flags = flags };
    if (img->nsegments == 1 || paddr < img->paddr_start)
        img->paddr_start = paddr;
    if (paddr + memsz > img->paddr_end)
        img->paddr_end = paddr + memsz;
    return 0;
}

/* The headers of an ELF whose first head_len bytes are at head. */
static int parse_elf(struct image *img, const uint8_t *head, size_t head_len)
{
    uint64_t phoff, phentsize, phnum;

    if (head_len < sizeof(struct elf32_ehdr) || memcmp(head, "\177ELF", 4) || head[5] != 1 || head[6] != 1)
        return fail(img, "not a little-endian ELF image");
    if (head[4] == 2) {
        struct elf64_ehdr eh;
        if (head_len < sizeof(eh))
            return fail(img, "truncated ELF header");
        memcpy(&eh, head, sizeof(eh));
        if (eh.type != ET_EXEC || eh.machine != EM_X86_64)
            return fail(img, "not an x86-64 executable");
        img->format = img->format ? img->format : IMAGE_ELF64;
        phoff = eh.phoff, phentsize = eh.phentsize, phnum = eh.phnum;
        if (phentsize != sizeof(struct elf64_phdr))
            return fail(img, "unexpected program header size");
    } else if (head[4] == 1) {
        struct elf32_ehdr eh;
        memcpy(&eh, head, sizeof(eh));
        if (eh.type != ET_EXEC || eh.machine != EM_386)
            return fail(img, "not an i386 executable");
        img->format = img->format ? img->format : IMAGE_ELF32;
        phoff = eh.phoff, phentsize = eh.phentsize, phnum = eh.phnum;
        if (phentsize != sizeof(struct elf32_phdr))
            return fail(img, "unexpected program header size");
    } else {
        return fail(img, "neither ELF32 nor ELF64");
    }
    if (!within(phoff, phnum * phentsize, head_len))
        return fail(img, img->xz ? "program headers lie past the first decompressed MiB"
                                 : "program headers lie "
                                   "outside the file");
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *p = head + phoff + i * phentsize;
        int r;
        if (head[4] == 2) {
            struct elf64_phdr ph;
            memcpy(&ph, p, sizeof(ph));
            r = add_phdr(img, ph.type, ph.flags, ph.offset, ph.paddr, ph.filesz, ph.memsz);
        } else {
            struct elf32_phdr ph;
            memcpy(&ph, p, sizeof(ph));
            r = add_phdr(img, ph.type, ph.flags, ph.offset, ph.paddr, ph.filesz, ph.memsz);
        }
        if (r)
            return r;
    }
    if (!img->nsegments)
        return fail(img, "no loadable segment");
    return 0;
}

static void gather_notes(struct image *img);
static int find_entry(struct image *img);

/* The xz payload of a bzImage, and the ELF size Linux's build appends to
 * it (scripts/Makefile.lib, size_append: 4 bytes, little-endian). */
static int open_bzimage(struct image *img, const uint8_t *data, size_t size)
{
    /* The caller saw "HdrS" in a file of at least BZ_HEADER_END bytes. */
    static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    uint64_t setup_sects, start, off, len;

    if (rd16(data + BZ_VERSION) < BZ_MIN_VERSION)
        return fail(img, "bzImage boot protocol older than 2.08 (no payload fields)");
    setup_sects = data[BZ_SETUP_SECTS] ? data[BZ_SETUP_SECTS] : 4;
    start = (setup_sects + 1) * 512;
    off = rd32(data + BZ_PAYLOAD_OFFSET);
    len = rd32(data + BZ_PAYLOAD_LENGTH);
    if (!within(start, 0, size) || !within(start + off, len, size))
        return fail(img, "the bzImage payload lies outside the file");
    if (len < sizeof(xz_magic) + 4)
        return fail(img, "the bzImage payload is too short");
    if (memcmp(data + start + off, xz_magic, sizeof(xz_magic)))
        return fail(img, "the bzImage payload is not xz-compressed (only xz is supported)");
    img->format = IMAGE_BZIMAGE;
    img->data = data + start + off;
    img->size = (size_t)len - 4;
    img->elf_size = rd32(img->data + img->size);
    if (image_xz_open(&img->xz, img->data, img->size, IMAGE_CHUNK, IMAGE_XZ_MEMLIMIT, &img->why) != 0)
        return -1;
    if (image_xz_read(img->xz, &img->window, &img->window_len, &img->why) != 0)
        return -1;
    if (img->window_len > img->elf_size)
        return fail(img, "the bzImage payload is longer than the size it declares");
    return 0;
}

int image_open(struct image *img, const uint8_t *data, size_t size)
{
    memset(img, 0, sizeof(*img));
    if (size >= BZ_HEADER_END && !memcmp(data + BZ_HEADER, "HdrS", 4)) {
        if (open_bzimage(img, data, size) != 0)
            return -1;
    } else {
        img->data = data;
        img->size = size;
        img->elf_size = size;
        img->window = data;
        img->window_len = size;
        if (size < sizeof(struct elf32_ehdr))
            return fail(img, "too small to be an ELF image");
    }
    if (parse_elf(img, img->window, img->window_len) != 0)
        return -1;
    if (img->xz)
        return 0;
    /* The whole ELF is at hand: refuse a wrong entry before any domain
     * exists. image_load finds it again, as it must for a bzImage. */
    gather_notes(img);
    return find_entry(img);
}

/* Hands the part of [seg_off, seg_off + seg_len) of the ELF that the
 * window holds to copy, at most IMAGE_COPY_MAX at a time. */
static long copy_part(struct image *img, const struct image_segment *s, image_copy_fn copy, void *ctx)
{
    uint64_t wend = img->window_pos + img->window_len;
    uint64_t lo = s->offset > img->window_pos ? s->offset : img->window_pos;
    uint64_t hi = s->offset + s->filesz < wend ? s->offset + s->filesz : wend;

    for (uint64_t at = lo; at < hi;) {
        uint64_t n = hi - at < IMAGE_COPY_MAX ? hi - at : IMAGE_COPY_MAX;
        long r = copy(ctx, s->paddr + (at - s->offset), img->window + (at - img->window_pos), (size_t)n);
        if (r)
            return r;
        at += n;
    }
    return 0;
}

/* The window's bytes of every note segment, into notes[]. */
static void gather_notes(struct image *img)
{
    uint64_t wend = img->window_pos + img->window_len;

    for (unsigned i = 0; i < img->nnotes; i++) {
        uint64_t off = img->note[i].offset, end = off + img->note[i].size;
        uint64_t lo = off > img->window_pos ? off : img->window_pos, hi = end < wend ? end : wend;
        if (lo < hi)
            memcpy(img->notes + img->note[i].at + (lo - off), img->window + (lo - img->window_pos), (size_t)(hi - lo));
    }
}

/* The PVH entry from one note segment's bytes (Xen's elfnote.h layout:
 * namesz, descsz, type, name and desc each padded to 4 bytes). */
static int scan_notes(struct image *img, const uint8_t *p, uint64_t len, int *found)
{
    uint64_t pos = 0;

    while (len - pos >= 12) {
        uint64_t namesz = rd32(p + pos), descsz = rd32(p + pos + 4), type = rd32(p + pos + 8);
        uint64_t name_pad = (namesz + 3) & ~3ull, desc_pad = (descsz + 3) & ~3ull;
        if (name_pad + desc_pad > len - pos - 12)
            return fail(img, "malformed ELF note");
        if (namesz == 4 && !memcmp(p + pos + 12, "Xen", 4) && type == XEN_ELFNOTE_PHYS32_ENTRY) {
            if (descsz != 4 && descsz != 8)
                return fail(img, "malformed PVH entry note");
            img->pvh_entry = rd32(p + pos + 12 + name_pad);
            *found = 1;
        }
        pos += 12 + name_pad + desc_pad;
    }
    return 0;
}

/* The entry is a guest-physical address: PVH starts with paging off. */
static int find_entry(struct image *img)
{
    int found = 0;

    for (unsigned i = 0; i < img->nnotes; i++)
        if (scan_notes(img, img->notes + img->note[i].at, img->note[i].size, &found) != 0)
            return -1;
    if (!found)
        return fail(img, "no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): not a PVH image");
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct image_segment *s = &img->seg[i];
        if ((s->flags & PF_X) && img->pvh_entry >= s->paddr && img->pvh_entry - s->paddr < s->memsz)
            return 0;
    }
    return fail(img, "the PVH entry is not inside an executable loadable segment");
}

long image_load(struct image *img, image_copy_fn copy, void *ctx)
{
    for (;;) {
        for (unsigned i = 0; i < img->nsegments; i++) {
            long r = copy_part(img, &img->seg[i], copy, ctx);
            if (r)
                return r;
        }
        gather_notes(img);
        img->window_pos += img->window_len;
        if (!img->xz || !img->window_len)
            break;
        if (image_xz_read(img->xz, &img->window, &img->window_len, &img->why) != 0)
            return -1;
        if (img->window_len > img->elf_size - img->window_pos)
            return fail(img, "the bzImage payload is longer than the size it declares");
    }
    if (img->window_pos != img->elf_size)
        return fail(img, "the bzImage payload is shorter than the size it declares");
    return find_entry(img);
}

void image_close(struct image *img)
{
    image_xz_close(img->xz);
    img->xz = NULL;
}
