/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the ELF64 image validator: a minimal PVH image built in
 * memory must parse; each corruption must be rejected with one precise log
 * line; truncation at every length and random corruption, in exact-size
 * heap copies, must never read outside the image.
 */
#include "core/elf.h"

#include "harness.h"

#include "core/env.h"
#include "core/errno.h"

/* Layout of the base image (see build_image). */
#define PH_OFF       64
#define PH(i)        (PH_OFF + ELF_PHDR_SIZE * (i))
#define NOTE_OFF     232
#define NOTE_LEN     44
#define XEN_DESC_OFF (NOTE_OFF + 24 + 16)
#define DATA_OFF     512
#define BASE_SIZE    528
#define TEXT_PADDR   0x100000
#define DATA_PADDR   0x200000
#define PVH_ENTRY    0x100100
#define KERNEL_VBASE 0xffffffff80000000ull

static _Alignas(8) uint8_t img[4096];
static size_t img_size;
static struct elf_image out;

static void w16(size_t off, uint16_t v)
{
    img[off] = (uint8_t)v;
    img[off + 1] = (uint8_t)(v >> 8);
}

static void w32(size_t off, uint32_t v)
{
    w16(off, (uint16_t)v);
    w16(off + 2, (uint16_t)(v >> 16));
}

static void w64(size_t off, uint64_t v)
{
    w32(off, (uint32_t)v);
    w32(off + 4, (uint32_t)(v >> 32));
}

static void write_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t offset, uint64_t paddr, uint64_t filesz,
                       uint64_t memsz, uint64_t align)
{
    size_t p = PH(i);

    w32(p, type);
    w32(p + 4, flags);
    w64(p + 8, offset);
    w64(p + 16, paddr == 0 ? 0 : KERNEL_VBASE + paddr);
    w64(p + 24, paddr);
    w64(p + 32, filesz);
    w64(p + 40, memsz);
    w64(p + 48, align);
}

/* Writes one note at p: desc and the note's end aligned to align (gABI); returns its length. */
static size_t write_note(size_t p, uint32_t namesz, const char *name, uint32_t descsz, uint32_t type, uint64_t desc,
                         size_t align)
{
    size_t desc_off = ALIGN_UP(12 + namesz, align), total = ALIGN_UP(desc_off + descsz, align);

    w32(p, namesz);
    w32(p + 4, descsz);
    w32(p + 8, type);
    memset(img + p + 12, 0, total - 12);
    memcpy(img + p + 12, name, MIN(namesz, strlen(name) + 1));
    for (size_t i = 0; i < descsz && i < 8; i++)
        img[p + desc_off + i] = (uint8_t)(desc >> (8 * i));
    return total;
}

static void write_ehdr(uint16_t phnum)
{
    static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

    memcpy(img, ident, sizeof(ident));
    w16(16, ELF_ET_EXEC);
    w16(18, ELF_EM_X86_64);
    w32(20, 1);
    w64(24, KERNEL_VBASE + TEXT_PADDR + 0x200);
    w64(32, PH_OFF);
    w16(52, ELF_EHDR_SIZE);
    w16(54, ELF_PHDR_SIZE);
    w16(56, phnum);
}

/* A text segment (R+X, covering the whole file head), a data segment with bss, and a note segment. */
static void build_image(void)
{
    size_t n;

    memset(img, 0xcc, sizeof(img));
    write_ehdr(3);
    write_phdr(0, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, TEXT_PADDR, DATA_OFF, DATA_OFF, 0x1000);
    write_phdr(1, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, DATA_OFF, DATA_PADDR, 16, 0x2000, 0x1000);
    write_phdr(2, ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, TEXT_PADDR + NOTE_OFF, NOTE_LEN, NOTE_LEN, 4);
    n = write_note(NOTE_OFF, 4, "GNU", 8, 3, 0x1122334455667788ull, 4);
    n += write_note(NOTE_OFF + n, 4, "Xen", 4, ELF_XEN_NOTE_PHYS32_ENTRY, PVH_ENTRY, 4);
    ASSERT(n == NOTE_LEN);
    img_size = BASE_SIZE;
}

/* Moves the note segment to the end of the image and gives it len bytes of the caller's notes. */
static size_t notes_begin(void)
{
    build_image();
    return BASE_SIZE;
}

static void notes_end(size_t len, uint64_t align)
{
    write_phdr(2, ELF_PT_NOTE, ELF_PF_R, BASE_SIZE, 0, len, len, align);
    img_size = BASE_SIZE + len;
}

static int parse(void)
{
    return elf_parse(img, img_size, &out);
}

/* Expects rejection with exactly one log line containing the formatted text. */
#define EXPECT_REJECT(...) EXPECT_ONE_ERROR(parse(), -ERR_INVAL, __VA_ARGS__)

TEST(valid_image_parses)
{
    build_image();
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(log_count(), 0);
    EXPECT_EQ(out.entry, KERNEL_VBASE + TEXT_PADDR + 0x200);
    EXPECT_TRUE(out.has_pvh_entry);
    EXPECT_EQ(out.pvh_entry, PVH_ENTRY);
    EXPECT_EQ(elf_require_pvh(&out), 0);
    EXPECT_EQ(out.nsegments, 2);
    EXPECT_EQ(out.seg[0].offset, 0);
    EXPECT_EQ(out.seg[0].filesz, DATA_OFF);
    EXPECT_EQ(out.seg[0].paddr, TEXT_PADDR);
    EXPECT_EQ(out.seg[0].vaddr, KERNEL_VBASE + TEXT_PADDR);
    EXPECT_EQ(out.seg[0].flags, ELF_PF_R | ELF_PF_X);
    EXPECT_EQ(out.seg[1].offset, DATA_OFF);
    EXPECT_EQ(out.seg[1].filesz, 16);
    EXPECT_EQ(out.seg[1].memsz, 0x2000);
    EXPECT_EQ(out.paddr_lowest, TEXT_PADDR);
    EXPECT_EQ(out.paddr_highest, DATA_PADDR + 0x2000);
}

TEST(identification_checks)
{
    build_image();
    EXPECT_EQ(elf_parse(img, 63, &out), -ERR_INVAL);
    EXPECT_LOG("elf: image of 63 bytes is smaller than the 64-byte ELF header");
    img[1] = 'e';
    EXPECT_REJECT("elf: bad magic 7f 65 4c 46");
    build_image();
    img[4] = 1;
    EXPECT_REJECT("elf: EI_CLASS 1 is not ELFCLASS64 (2)");
    build_image();
    img[5] = 2;
    EXPECT_REJECT("elf: EI_DATA 2 is not ELFDATA2LSB (1)");
    build_image();
    img[6] = 0;
    EXPECT_REJECT("elf: EI_VERSION 0 is not 1");
}

TEST(header_field_checks)
{
    build_image();
    w16(16, 3);
    EXPECT_REJECT("elf: e_type 3 is not ET_EXEC (2)");
    build_image();
    w16(18, 3);
    EXPECT_REJECT("elf: e_machine 3 is not x86_64 (62)");
    build_image();
    w32(20, 0);
    EXPECT_REJECT("elf: e_version 0 is not 1");
    build_image();
    w16(54, 64);
    EXPECT_REJECT("elf: e_phentsize 64 is not 56");
    build_image();
    w16(56, 0xffff);
    EXPECT_REJECT("elf: e_phnum 0xffff (extended numbering) is not supported");
}

TEST(program_header_table_bounds)
{
    build_image();
    w64(32, BASE_SIZE - 3 * ELF_PHDR_SIZE + 1);
    EXPECT_REJECT("elf: program header table at 0x%x (3 entries) runs past the image end 0x%x",
                  BASE_SIZE - 3 * ELF_PHDR_SIZE + 1, BASE_SIZE);
    w64(32, 0xfffffffffffffff0ull); /* phoff + table size would wrap */
    EXPECT_REJECT("elf: program header table at 0xfffffffffffffff0 (3 entries) runs past");
    w64(32, BASE_SIZE - 3 * ELF_PHDR_SIZE);
    EXPECT_NE(parse(), 0); /* in bounds now: the table reads file bytes, not program headers */
    build_image();
    w16(56, 0);
    EXPECT_REJECT("elf: no non-empty PT_LOAD segment among 0 program headers");
}

TEST(load_segment_checks)
{
    build_image();
    w64(PH(1) + 32, 0x2001);
    EXPECT_REJECT("elf: program header 1 (PT_LOAD): filesz 0x2001 exceeds memsz 0x2000");
    build_image();
    w64(PH(1) + 32, 17);
    EXPECT_REJECT("elf: program header 1: file bytes at 0x200 size 0x11 run past the image end 0x210");
    build_image();
    w64(PH(1) + 8, 0xfffffffffffffff8ull); /* offset + filesz would wrap */
    EXPECT_REJECT("elf: program header 1: file bytes at 0xfffffffffffffff8 size 0x10 run past");
    build_image();
    w64(PH(1) + 24, 0xfffffffffffff000ull);
    EXPECT_REJECT("elf: program header 1 (PT_LOAD): paddr 0xfffffffffffff000 + memsz 0x2000 overflows");
    w64(PH(1) + 24, 0xffffffffffffe000ull); /* ends exactly at 2^64: still rejected */
    EXPECT_REJECT("elf: program header 1 (PT_LOAD): paddr 0xffffffffffffe000 + memsz 0x2000 overflows");
    w64(PH(1) + 24, 0xffffffffffffdfffull);
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(out.paddr_highest, 0xffffffffffffffffull);
}

TEST(overlapping_loads_rejected)
{
    build_image();
    w64(PH(1) + 24, TEXT_PADDR + DATA_OFF - 1);
    EXPECT_REJECT("elf: program header 1: PT_LOAD paddr [0x1001ff, 0x1021ff) overlaps [0x100000, 0x100200)");
    w64(PH(1) + 24, TEXT_PADDR + DATA_OFF); /* adjacent is fine */
    EXPECT_EQ(parse(), 0);
    w64(PH(1) + 24, TEXT_PADDR - 0x2000 + 1);
    EXPECT_REJECT("overlaps [0x100000, 0x100200)");
}

TEST(no_load_and_empty_loads)
{
    build_image();
    w32(PH(0), 6);
    w32(PH(1), 6);
    EXPECT_REJECT("elf: no non-empty PT_LOAD segment among 3 program headers");
    build_image();
    w64(PH(1) + 32, 0);
    w64(PH(1) + 40, 0);
    w64(PH(1) + 24, TEXT_PADDR); /* empty: ignored, so no overlap */
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(out.nsegments, 1);
    EXPECT_EQ(out.paddr_highest, TEXT_PADDR + DATA_OFF);
}

TEST(too_many_loads)
{
    unsigned n = ELF_MAX_SEGMENTS + 1;

    memset(img, 0, sizeof(img));
    write_ehdr((uint16_t)n);
    for (unsigned i = 0; i < n; i++)
        write_phdr(i, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, 0x100000 + 0x1000ull * i, 0, 0x1000, 0x1000);
    img_size = PH(n);
    EXPECT_REJECT("elf: program header 16: more than 16 non-empty PT_LOAD segments");
    w16(56, (uint16_t)(n - 1));
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(out.nsegments, ELF_MAX_SEGMENTS);
    EXPECT_FALSE(out.has_pvh_entry);
    EXPECT_EQ(elf_require_pvh(&out), -ERR_INVAL);
    EXPECT_LOG("elf: no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
}

TEST(pvh_entry_placement)
{
    build_image();
    w32(XEN_DESC_OFF, DATA_PADDR + 0x10); /* in a segment, but not executable */
    EXPECT_REJECT("elf: PVH entry 0x%x lies in no executable PT_LOAD segment", DATA_PADDR + 0x10);
    w32(XEN_DESC_OFF, TEXT_PADDR + DATA_OFF); /* one past the text segment */
    EXPECT_REJECT("elf: PVH entry 0x%x lies in no executable PT_LOAD segment", TEXT_PADDR + DATA_OFF);
    w32(XEN_DESC_OFF, TEXT_PADDR + DATA_OFF - 1);
    EXPECT_EQ(parse(), 0);
    w32(XEN_DESC_OFF, TEXT_PADDR);
    EXPECT_EQ(parse(), 0);
}

TEST(note_desc_sizes)
{
    size_t p = notes_begin();

    p += write_note(p, 4, "Xen", 8, ELF_XEN_NOTE_PHYS32_ENTRY, 0xdead000000000000ull | PVH_ENTRY, 4);
    notes_end(p - BASE_SIZE, 4);
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(out.pvh_entry, PVH_ENTRY); /* low 32 bits of an 8-byte desc */

    p = notes_begin();
    p += write_note(p, 4, "Xen", 3, ELF_XEN_NOTE_PHYS32_ENTRY, PVH_ENTRY, 4);
    notes_end(p - BASE_SIZE, 4);
    EXPECT_REJECT("elf: program header 2: Xen PHYS32_ENTRY note desc size 3 is not 4 or 8");

    p = notes_begin();
    p += write_note(p, 4, "Xen", 4, ELF_XEN_NOTE_PHYS32_ENTRY, PVH_ENTRY, 4);
    p += write_note(p, 4, "Xen", 4, ELF_XEN_NOTE_PHYS32_ENTRY, PVH_ENTRY, 4);
    notes_end(p - BASE_SIZE, 4);
    EXPECT_REJECT("elf: program header 2: duplicate Xen PHYS32_ENTRY note");
}

TEST(other_notes_are_ignored)
{
    size_t p = notes_begin();

    p += write_note(p, 4, "Xen", 4, 1, 0x12345678, 4);                  /* other Xen note type */
    p += write_note(p, 4, "Xe", 4, ELF_XEN_NOTE_PHYS32_ENTRY, 0x1, 4);  /* other owner */
    p += write_note(p, 3, "Xen", 4, ELF_XEN_NOTE_PHYS32_ENTRY, 0x1, 4); /* no NUL in name */
    p += write_note(p, 0, "", 0, 0, 0, 4);                              /* empty note */
    p += write_note(p, 5, "Linux", 1, 0x100, 0x1, 4);
    notes_end(p - BASE_SIZE, 4);
    EXPECT_EQ(parse(), 0);
    EXPECT_FALSE(out.has_pvh_entry);
    EXPECT_EQ(log_count(), 0);
}

TEST(malformed_notes_rejected)
{
    size_t p = notes_begin(), start;

    p += write_note(p, 4, "GNU", 4, 1, 0, 4);
    start = p;
    p += write_note(p, 4, "Xen", 4, ELF_XEN_NOTE_PHYS32_ENTRY, PVH_ENTRY, 4);
    notes_end(p - BASE_SIZE, 4);
    w32(start + 4, 8); /* desc runs past the segment */
    EXPECT_REJECT("elf: program header 2 (PT_NOTE): note at 0x%zx with namesz 4 descsz 8 runs past the segment "
                  "size 0x%zx",
                  start - BASE_SIZE, p - BASE_SIZE);
    w32(start + 4, 4);
    w32(start, 0xffffffff); /* namesz huge: padding must not wrap */
    EXPECT_REJECT("with namesz 4294967295 descsz 4 runs past");
    w32(start, 4);
    w32(start + 4, 0xfffffffd);
    EXPECT_REJECT("with namesz 4 descsz 4294967293 runs past");
    w32(start + 4, 4);
    EXPECT_EQ(parse(), 0);

    notes_end(p - BASE_SIZE + 4, 4); /* 4 stray bytes: too few for a header */
    EXPECT_REJECT("elf: program header 2 (PT_NOTE): 4 bytes at 0x%zx are too few for a note header", p - BASE_SIZE);
    notes_end(p - BASE_SIZE - 1, 4); /* last desc cut short */
    EXPECT_REJECT("runs past the segment size");
}

TEST(note_segment_bounds)
{
    build_image();
    w64(PH(2) + 32, BASE_SIZE - NOTE_OFF + 1);
    EXPECT_REJECT("elf: program header 2: file bytes at 0xe8 size 0x129 run past the image end 0x210");
    build_image();
    w64(PH(2) + 8, 0xffffffffffffff00ull);
    EXPECT_REJECT("elf: program header 2: file bytes at 0xffffffffffffff00 size 0x2c run past");
}

TEST(eight_byte_aligned_notes)
{
    size_t p = notes_begin();

    /* GNU property layout: desc at offset 16, each note 24 bytes. */
    p += write_note(p, 4, "GNU", 4, 5, 0x11, 8);
    p += write_note(p, 4, "Xen", 4, ELF_XEN_NOTE_PHYS32_ENTRY, PVH_ENTRY, 8);
    notes_end(p - BASE_SIZE, 8);
    EXPECT_EQ(parse(), 0);
    EXPECT_EQ(out.pvh_entry, PVH_ENTRY);
    notes_end(p - BASE_SIZE, 4); /* the same bytes read with 4-byte padding are garbage */
    EXPECT_NE(parse(), 0);
}

/* Parses the first n bytes of img from an exact-size heap copy. */
static int parse_exact_copy(size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    int err;

    memcpy(copy, img, n);
    err = elf_parse(copy, n, &out);
    free(copy);
    return err;
}

TEST(truncation_at_every_length)
{
    build_image();
    for (size_t n = 0; n < BASE_SIZE; n++) {
        log_clear();
        EXPECT_EQ(parse_exact_copy(n), -ERR_INVAL);
        EXPECT_EQ(log_count(), 1);
    }
    EXPECT_EQ(parse_exact_copy(BASE_SIZE), 0);
}

TEST(random_corruption_never_reads_out_of_bounds)
{
    static uint8_t pristine[BASE_SIZE];
    uint64_t rng = 0xb7e151628aed2a6bull;
    unsigned accepted = 0, rejected = 0;

    build_image();
    memcpy(pristine, img, BASE_SIZE);
    for (unsigned round = 0; round < 30000; round++) {
        unsigned flips = 1 + (unsigned)(rng % 3);
        int err;

        memcpy(img, pristine, BASE_SIZE);
        for (unsigned k = 0; k < flips; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            /* Aim at the header, program headers and notes, where the structure is. */
            img[(rng >> 33) % (NOTE_OFF + NOTE_LEN)] = (uint8_t)(rng >> 13);
        }
        log_clear();
        err = parse_exact_copy(BASE_SIZE);
        if (err == 0) {
            accepted++;
            EXPECT_TRUE(out.nsegments >= 1 && out.nsegments <= ELF_MAX_SEGMENTS);
            EXPECT_TRUE(out.paddr_lowest < out.paddr_highest);
            for (unsigned i = 0; i < out.nsegments; i++)
                EXPECT_TRUE(out.seg[i].offset + out.seg[i].filesz <= BASE_SIZE);
        } else {
            rejected++;
            EXPECT_EQ(err, -ERR_INVAL);
            EXPECT_EQ(log_count(), 1);
        }
    }
    EXPECT_TRUE(accepted > 1000 && rejected > 1000);
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(valid_image_parses),
        TEST_ENTRY(identification_checks),
        TEST_ENTRY(header_field_checks),
        TEST_ENTRY(program_header_table_bounds),
        TEST_ENTRY(load_segment_checks),
        TEST_ENTRY(overlapping_loads_rejected),
        TEST_ENTRY(no_load_and_empty_loads),
        TEST_ENTRY(too_many_loads),
        TEST_ENTRY(pvh_entry_placement),
        TEST_ENTRY(note_desc_sizes),
        TEST_ENTRY(other_notes_are_ignored),
        TEST_ENTRY(malformed_notes_rejected),
        TEST_ENTRY(note_segment_bounds),
        TEST_ENTRY(eight_byte_aligned_notes),
        TEST_ENTRY(truncation_at_every_length),
        TEST_ENTRY(random_corruption_never_reads_out_of_bounds),
        TEST_END,
    });
}
