/* SPDX-License-Identifier: MIT */
/*
 * Writes the starting corpus of every fuzz target into <dir>/<target>/:
 * inputs shaped like what real firmware and loaders produce (a GRUB-like
 * Multiboot2 block, a QEMU q35-like memory map and ACPI tables with a DMAR,
 * a minimal PVH ELF, boot options) so the fuzzer starts deep in each
 * parser instead of rediscovering every magic number.
 *
 * Usage: make_seeds DIR
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/acpi.h"
#include "core/dmar.h"
#include "core/elf.h"
#include "core/guest_walk.h"
#include "core/mb2.h"
#include "core/memmap.h"
#include "core/mgmt_decode.h"
#include "core/npt.h"
#include "fuzz.h"
#include "idl/build.h"
#include "idl/xenstore.h"

struct buf {
    uint8_t b[8192];
    size_t n;
};

static const char *out_dir;

static void put(struct buf *b, const void *p, size_t n)
{
    if (b->n + n > sizeof(b->b)) {
        fprintf(stderr, "make_seeds: seed too large\n");
        exit(1);
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void put_le(struct buf *b, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        uint8_t c = (uint8_t)(v >> (8 * i));

        put(b, &c, 1);
    }
}

static void put8(struct buf *b, uint64_t v)
{
    put_le(b, v, 1);
}

static void put16(struct buf *b, uint64_t v)
{
    put_le(b, v, 2);
}

static void put32(struct buf *b, uint64_t v)
{
    put_le(b, v, 4);
}

static void put64(struct buf *b, uint64_t v)
{
    put_le(b, v, 8);
}

static void put_str(struct buf *b, const char *s)
{
    put(b, s, strlen(s) + 1);
}

static void set32(struct buf *b, size_t off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        b->b[off + i] = (uint8_t)(v >> (8 * i));
}

static void pad_to(struct buf *b, size_t align)
{
    while (b->n % align)
        put8(b, 0);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

static void save(const char *target, const char *name, const struct buf *b)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", out_dir, target);
    make_dir(path);
    snprintf(path, sizeof(path), "%s/%s/%s", out_dir, target, name);
    f = fopen(path, "wb");
    if (!f || fwrite(b->b, 1, b->n, f) != b->n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* ---- Multiboot2 ---- */

static size_t mb2_tag(struct buf *b, uint32_t type)
{
    size_t at = b->n;

    put32(b, type);
    put32(b, 0); /* size, set by mb2_tag_end */
    return at;
}

static void mb2_tag_end(struct buf *b, size_t at)
{
    set32(b, at + 4, (uint32_t)(b->n - at));
    pad_to(b, MB2_TAG_ALIGN);
}

struct e820 {
    uint64_t base, len;
    uint32_t type;
};

/* What SeaBIOS reports for a 128 MiB q35 machine, plus RAM above 4 GiB. */
static const struct e820 q35_map[] = {
    { 0x0, 0x9fc00, 1 },        { 0x9fc00, 0x400, 2 },      { 0xf0000, 0x10000, 2 },
    { 0x100000, 0x7ee0000, 1 }, { 0x7fe0000, 0x20000, 2 },  { 0xb0000000, 0x10000000, 2 },
    { 0xfed1c000, 0x4000, 2 },  { 0xfffc0000, 0x40000, 2 }, { 0x100000000, 0x40000000, 1 },
};

static void mb2_mmap(struct buf *b, const struct e820 *e, size_t n)
{
    size_t at = mb2_tag(b, MB2_TAG_MMAP);

    put32(b, MB2_MMAP_ENTRY_MIN);
    put32(b, 0);
    for (size_t i = 0; i < n; i++) {
        put64(b, e[i].base);
        put64(b, e[i].len);
        put32(b, e[i].type);
        put32(b, 0);
    }
    mb2_tag_end(b, at);
}

static void mb2_string(struct buf *b, uint32_t type, const char *s)
{
    size_t at = mb2_tag(b, type);

    put_str(b, s);
    mb2_tag_end(b, at);
}

static void mb2_module(struct buf *b, uint32_t start, uint32_t end, const char *cmdline)
{
    size_t at = mb2_tag(b, MB2_TAG_MODULE);

    put32(b, start);
    put32(b, end);
    put_str(b, cmdline);
    mb2_tag_end(b, at);
}

static void rsdp_v1(struct buf *b, uint32_t rsdt, uint8_t revision);
static void rsdp_v2(struct buf *b, uint32_t rsdt, uint64_t xsdt);

static void seeds_mb2(void)
{
    struct buf b = { .n = 0 };
    size_t at;

    /* GRUB on SeaBIOS: the tags in the order GRUB 2.06 emits them. */
    put32(&b, 0);
    put32(&b, 0);
    mb2_string(&b, MB2_TAG_CMDLINE, "loglevel=3 maxcpus=4 test.exit");
    mb2_string(&b, MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
    mb2_module(&b, 0x300000, 0x302000, "root.elf console=hvc0");
    mb2_module(&b, 0x302000, 0x310800, "initrd.img");
    at = mb2_tag(&b, MB2_TAG_BASIC_MEMINFO);
    put32(&b, 639);
    put32(&b, 130944);
    mb2_tag_end(&b, at);
    at = mb2_tag(&b, MB2_TAG_BOOTDEV);
    put32(&b, 0xe0);
    put32(&b, 0xffffffff);
    put32(&b, 0xffffffff);
    mb2_tag_end(&b, at);
    mb2_mmap(&b, q35_map, ARRAY_SIZE(q35_map));
    at = mb2_tag(&b, MB2_TAG_FRAMEBUFFER);
    put64(&b, 0xb8000);
    put32(&b, 160);
    put32(&b, 80);
    put32(&b, 25);
    put8(&b, 16);
    put8(&b, 2);
    put16(&b, 0);
    mb2_tag_end(&b, at);
    at = mb2_tag(&b, MB2_TAG_ACPI_OLD);
    rsdp_v1(&b, 0x7fe14d2, 0);
    mb2_tag_end(&b, at);
    at = mb2_tag(&b, MB2_TAG_ACPI_NEW);
    rsdp_v2(&b, 0x7fe14d2, 0x7fe1500);
    mb2_tag_end(&b, at);
    mb2_tag(&b, MB2_TAG_END);
    mb2_tag_end(&b, b.n - 8);
    set32(&b, 0, (uint32_t)b.n);
    save("mb2", "grub_q35", &b);

    /* The least a valid block can be: one memory map entry. */
    b.n = 0;
    put32(&b, 0);
    put32(&b, 0);
    mb2_mmap(&b, &q35_map[3], 1);
    mb2_tag(&b, MB2_TAG_END);
    mb2_tag_end(&b, b.n - 8);
    set32(&b, 0, (uint32_t)b.n);
    save("mb2", "minimal", &b);

    /* As many modules and memory map entries as mb2_info holds, then one module more. */
    for (unsigned nmod = MB2_MAX_MODULES; nmod <= MB2_MAX_MODULES + 1; nmod++) {
        static struct e820 big[MB2_MAX_MMAP];

        b.n = 0;
        put32(&b, 0);
        put32(&b, 0);
        for (unsigned i = 0; i < nmod; i++)
            mb2_module(&b, 0x400000 + 0x1000 * i, 0x400800 + 0x1000 * i, "m");
        memcpy(big, q35_map, sizeof(q35_map));
        for (size_t i = ARRAY_SIZE(q35_map); i < MB2_MAX_MMAP; i++)
            big[i] = (struct e820){ 0x200000000 + 0x200000 * i, 0x100000, i % 3 ? 1 : 2 };
        mb2_mmap(&b, big, MB2_MAX_MMAP);
        mb2_tag(&b, MB2_TAG_END);
        mb2_tag_end(&b, b.n - 8);
        set32(&b, 0, (uint32_t)b.n);
        save("mb2", nmod > MB2_MAX_MODULES ? "too_many_modules" : "full_tables", &b);
    }
}

/* ---- ELF ---- */

struct phdr {
    uint32_t type, flags;
    uint64_t offset, paddr, filesz, memsz, align;
};

static void elf_header(struct buf *b, uint64_t entry, unsigned phnum)
{
    static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

    put(b, ident, sizeof(ident));
    put16(b, ELF_ET_EXEC);
    put16(b, ELF_EM_X86_64);
    put32(b, 1);
    put64(b, entry);
    put64(b, ELF_EHDR_SIZE); /* e_phoff */
    put64(b, 0);             /* e_shoff */
    put32(b, 0);             /* e_flags */
    put16(b, ELF_EHDR_SIZE);
    put16(b, ELF_PHDR_SIZE);
    put16(b, (uint16_t)phnum);
    put16(b, 64); /* e_shentsize */
    put16(b, 0);
    put16(b, 0);
}

static void elf_phdr(struct buf *b, const struct phdr *p)
{
    put32(b, p->type);
    put32(b, p->flags);
    put64(b, p->offset);
    put64(b, p->paddr); /* p_vaddr: identity, as PVH images link */
    put64(b, p->paddr);
    put64(b, p->filesz);
    put64(b, p->memsz);
    put64(b, p->align);
}

static void elf_note(struct buf *b, const char *name, uint32_t type, const void *desc, uint32_t descsz, size_t align)
{
    put32(b, (uint32_t)strlen(name) + 1);
    put32(b, descsz);
    put32(b, type);
    put_str(b, name);
    pad_to(b, align);
    put(b, desc, descsz);
    pad_to(b, align);
}

/* The ELF in elf wrapped as Linux's build does: a boot protocol 2.15
 * header (one setup sector), an xz payload (x86 BCJ, LZMA2, CRC32) and
 * the ELF's size after it. For the builder's image parser. */
static void bzimage_seed(const char *name, const struct buf *elf)
{
    lzma_options_lzma opt;
    lzma_filter filters[3];
    struct buf b = { .n = 0 };
    size_t out = 0;
    uint8_t xz[4096];

    lzma_lzma_preset(&opt, 0);
    opt.dict_size = 4096; /* small: each run of the target allocates it */
    filters[0] = (lzma_filter){ .id = LZMA_FILTER_X86, .options = NULL };
    filters[1] = (lzma_filter){ .id = LZMA_FILTER_LZMA2, .options = &opt };
    filters[2] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN, .options = NULL };
    if (lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, elf->b, elf->n, xz, &out, sizeof(xz)) != LZMA_OK) {
        fprintf(stderr, "make_seeds: xz encoding failed\n");
        exit(1);
    }
    while (b.n < 0x1f1)
        put8(&b, 0);
    put8(&b, 1); /* setup_sects */
    while (b.n < 0x1fe)
        put8(&b, 0);
    put16(&b, 0xaa55);
    put(&b, "\xeb\x00HdrS", 6); /* jump, then the header magic at 0x202 */
    put16(&b, 0x020f);
    while (b.n < 0x248)
        put8(&b, 0);
    put32(&b, 0x10);              /* payload_offset, from the protected-mode code */
    put32(&b, (uint32_t)out + 4); /* payload_length */
    while (b.n < 2 * 512 + 0x10)
        put8(&b, 0);
    put(&b, xz, out);
    put32(&b, (uint32_t)elf->n);
    save("builder_image", name, &b);
}

/* An ELF32 i386 PVH image: one RX segment with the note (4-byte desc). */
static void elf32_seed(void)
{
    static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
    struct buf b = { .n = 0 };
    uint32_t entry = 0x100000 + 0x80;

    put(&b, ident, sizeof(ident));
    put16(&b, 2); /* ET_EXEC */
    put16(&b, 3); /* EM_386 */
    put32(&b, 1);
    put32(&b, entry);
    put32(&b, 52); /* e_phoff */
    put32(&b, 0);
    put32(&b, 0);
    put16(&b, 52);
    put16(&b, 32);
    put16(&b, 2);
    put16(&b, 40);
    put16(&b, 0);
    put16(&b, 0);
    /* PT_LOAD: the whole file at 1 MiB, RX; PT_NOTE at 0x74. */
    put32(&b, 1), put32(&b, 0), put32(&b, 0x100000), put32(&b, 0x100000);
    put32(&b, 0x84), put32(&b, 0x2000), put32(&b, 5), put32(&b, 0x1000);
    put32(&b, 4), put32(&b, 0x74), put32(&b, 0), put32(&b, 0), put32(&b, 20), put32(&b, 20), put32(&b, 4), put32(&b, 4);
    elf_note(&b, "Xen", ELF_XEN_NOTE_PHYS32_ENTRY, &entry, 4, 4);
    while (b.n < 0x80)
        put8(&b, 0);
    put32(&b, 0xfdebf4fa); /* cli; hlt; jmp .-1 */
    save("builder_image", "elf32_minimal", &b);
}

/* n one-page PT_LOADs in a row, the first executable, and the PVH note. */
static void elf_many_segments(const char *name, unsigned n)
{
    static const uint8_t code[] = { 0xf4, 0xeb, 0xfd }; /* hlt; jmp .-1 */
    struct buf b = { .n = 0 };
    const uint64_t load = 0x100000;
    const size_t note_off = ELF_EHDR_SIZE + (n + 1) * ELF_PHDR_SIZE, code_off = note_off + 20;
    uint32_t entry = (uint32_t)(load + code_off);

    elf_header(&b, entry, n + 1);
    elf_phdr(&b, &(struct phdr){ ELF_PT_NOTE, ELF_PF_R, note_off, 0, 20, 20, 4 });
    elf_phdr(&b, &(struct phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, load, code_off + sizeof(code), 0x1000, 0x1000 });
    for (unsigned i = 1; i < n; i++)
        elf_phdr(&b,
                 &(struct phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0, load + 0x1000 * (uint64_t)i, 0, 0x1000, 0x1000 });
    elf_note(&b, "Xen", ELF_XEN_NOTE_PHYS32_ENTRY, &entry, 4, 4);
    put(&b, code, sizeof(code));
    save("elf", name, &b);
}

static void seeds_elf(void)
{
    static const uint8_t code[] = { 0xfa, 0xf4, 0xeb, 0xfd }; /* cli; hlt; jmp .-1 */
    struct buf b = { .n = 0 };
    const uint64_t load = 0x100000;
    const size_t note_off = ELF_EHDR_SIZE + 2 * ELF_PHDR_SIZE, note_len = 20;
    const size_t code_off = note_off + note_len;
    uint32_t entry32 = (uint32_t)(load + code_off);
    uint64_t entry64 = entry32;
    uint32_t gnu_prop[4] = { 0xc0000002, 4, 3, 0 }; /* x86 ISA used: baseline */

    /* One RX segment holding everything, and the PHYS32_ENTRY note. */
    elf_header(&b, load + code_off, 2);
    elf_phdr(&b, &(struct phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, load, code_off + sizeof(code),
                                 code_off + sizeof(code) + 0x1000, 0x1000 });
    elf_phdr(&b, &(struct phdr){ ELF_PT_NOTE, ELF_PF_R, note_off, load + note_off, note_len, note_len, 4 });
    elf_note(&b, "Xen", ELF_XEN_NOTE_PHYS32_ENTRY, &entry32, 4, 4);
    put(&b, code, sizeof(code));
    save("elf", "pvh_minimal", &b);
    save("builder_image", "elf64_minimal", &b);

    /* Text, read-only data and data+bss; notes padded to 8, an 8-byte desc. */
    b.n = 0;
    entry64 = 0x200000;
    elf_header(&b, entry64, 5);
    elf_phdr(&b, &(struct phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x200, 0x200000, 0x40, 0x40, 0x1000 });
    elf_phdr(&b, &(struct phdr){ ELF_PT_LOAD, ELF_PF_R, 0x240, 0x201000, 0x40, 0x40, 0x1000 });
    elf_phdr(&b, &(struct phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x280, 0x202000, 0x20, 0x3000, 0x1000 });
    elf_phdr(&b, &(struct phdr){ ELF_PT_NOTE, ELF_PF_R, 0x180, 0, 0x38, 0x38, 8 });
    elf_phdr(&b, &(struct phdr){ ELF_PT_LOAD, ELF_PF_R, 0x2a0, 0x210000, 0, 0, 0x1000 }); /* empty: ignored */
    while (b.n < 0x180)
        put8(&b, 0);
    elf_note(&b, "GNU", 5, gnu_prop, sizeof(gnu_prop), 8);
    elf_note(&b, "Xen", ELF_XEN_NOTE_PHYS32_ENTRY, &entry64, 8, 8);
    while (b.n < 0x200)
        put8(&b, 0);
    for (size_t i = 0; i < 0xc0; i++)
        put8(&b, i < sizeof(code) ? code[i] : 0x90);
    save("elf", "pvh_segments", &b);
    save("builder_image", "elf64_segments", &b);
    bzimage_seed("bzimage_segments", &b);

    elf_many_segments("sixteen_segments", ELF_MAX_SEGMENTS);
    elf_many_segments("seventeen_segments", ELF_MAX_SEGMENTS + 1);
    elf32_seed();
}

/* ---- ACPI ---- */

static void sum_fix(uint8_t *p, size_t n, size_t at)
{
    uint8_t s = 0;

    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    p[at] = (uint8_t)-s;
}

static void rsdp_v1(struct buf *b, uint32_t rsdt, uint8_t revision)
{
    size_t at = b->n;

    put(b, "RSD PTR ", 8);
    put8(b, 0);
    put(b, "BOCHS ", 6);
    put8(b, revision);
    put32(b, rsdt);
    sum_fix(b->b + at, ACPI_RSDP_V1_LEN, 8);
}

static void rsdp_v2(struct buf *b, uint32_t rsdt, uint64_t xsdt)
{
    size_t at = b->n;

    rsdp_v1(b, rsdt, 2);
    put32(b, ACPI_RSDP_V2_LEN);
    put64(b, xsdt);
    put8(b, 0);
    put8(b, 0);
    put16(b, 0);
    sum_fix(b->b + at, ACPI_RSDP_V2_LEN, 32);
}

static void tbl_begin(struct buf *t, const char *sig, uint8_t revision)
{
    t->n = 0;
    put(t, sig, 4);
    put32(t, 0);
    put8(t, revision);
    put8(t, 0);
    put(t, "BOCHS ", 6);
    put(t, "BXPC    ", 8);
    put32(t, 1);
    put(t, "BXPC", 4);
    put32(t, 1);
}

/* Sets the length and checksum of table t. */
static void tbl_seal(struct buf *t)
{
    set32(t, 4, (uint32_t)t->n);
    sum_fix(t->b, t->n, 9);
}

/* Seals table t and copies it to mem at off. */
static void tbl_place(struct buf *mem, size_t off, struct buf *t)
{
    tbl_seal(t);
    while (mem->n < off)
        put8(mem, 0);
    if (mem->n != off) {
        fprintf(stderr, "make_seeds: ACPI tables overlap at 0x%zx\n", off);
        exit(1);
    }
    put(mem, t->b, t->n);
}

/* The root tables come first; the others follow, 16-byte aligned. */
#define ACPI_OFF_RSDT   0x00
#define ACPI_OFF_XSDT   0x40
#define ACPI_OFF_TABLES 0xa0

struct acpi_shape {
    bool xsdt, x2apic;
    unsigned ncpus, nioapics;
    const char *iommu; /* "DMAR" or "IVRS" */
};

static void dmar_q35(struct buf *t, bool extras)
{
    tbl_begin(t, "DMAR", 1);
    put8(t, 38); /* 39-bit host addresses */
    put8(t, DMAR_FLAG_INTR_REMAP);
    for (int i = 0; i < 10; i++)
        put8(t, 0);
    if (extras) {
        /* A unit for one graphics device, listed before the catch-all. */
        put16(t, DMAR_TYPE_DRHD);
        put16(t, 24);
        put8(t, 0);
        put8(t, 0);
        put16(t, 0);
        put64(t, 0xfed91000);
        put8(t, 1); /* scope: PCI endpoint */
        put8(t, 8);
        put16(t, 0);
        put8(t, 0);
        put8(t, 0); /* start bus */
        put8(t, 2); /* device */
        put8(t, 0); /* function */
    }
    /* QEMU intel-iommu: one catch-all unit with the I/O APIC in its scope. */
    put16(t, DMAR_TYPE_DRHD);
    put16(t, 24);
    put8(t, DMAR_DRHD_INCLUDE_PCI_ALL);
    put8(t, 0);
    put16(t, 0);
    put64(t, 0xfed90000);
    put8(t, 3); /* scope: I/O APIC */
    put8(t, 8);
    put16(t, 0);
    put8(t, 0);    /* enumeration id */
    put8(t, 0xff); /* start bus */
    put8(t, 0);
    put8(t, 0);
    if (extras) {
        put16(t, DMAR_TYPE_RMRR); /* USB controller's legacy buffer */
        put16(t, 32);
        put16(t, 0);
        put16(t, 0);
        put64(t, 0x7fe00000);
        put64(t, 0x7fe1ffff);
        put8(t, 1);
        put8(t, 8);
        put16(t, 0);
        put8(t, 0);
        put8(t, 0);
        put8(t, 0x1d);
        put8(t, 0);
        put16(t, DMAR_TYPE_ATSR); /* ATS on every root port */
        put16(t, 8);
        put8(t, 1);
        put8(t, 0);
        put16(t, 0);
        put16(t, 5); /* SATC, a type the core skips */
        put16(t, 8);
        put8(t, 0);
        put8(t, 0);
        put16(t, 0);
    }
}

static void madt(struct buf *t, unsigned ncpus, unsigned nioapics, bool x2apic)
{
    static const uint8_t irqs[] = { 5, 9, 10, 11 };

    tbl_begin(t, "APIC", 3);
    put32(t, 0xfee00000);
    put32(t, ACPI_MADT_PCAT_COMPAT);
    for (unsigned i = 0; i < ncpus; i++) {
        if (x2apic) {
            put8(t, ACPI_MADT_TYPE_X2APIC);
            put8(t, 16);
            put16(t, 0);
            put32(t, i);
            put32(t, i == ncpus - 1 ? ACPI_MADT_CPU_ONLINE_CAPABLE : ACPI_MADT_CPU_ENABLED);
            put32(t, i);
        } else {
            put8(t, ACPI_MADT_TYPE_LAPIC);
            put8(t, 8);
            put8(t, (uint8_t)i);
            put8(t, (uint8_t)i);
            put32(t, ACPI_MADT_CPU_ENABLED);
        }
    }
    for (unsigned i = 0; i < nioapics; i++) {
        put8(t, ACPI_MADT_TYPE_IOAPIC);
        put8(t, 12);
        put8(t, (uint8_t)i);
        put8(t, 0);
        put32(t, 0xfec00000 + 0x1000 * i);
        put32(t, 24 * i);
    }
    put8(t, 2); /* interrupt source override: IRQ0 -> GSI2 */
    put8(t, 10);
    put8(t, 0);
    put8(t, 0);
    put32(t, 2);
    put16(t, 0);
    for (size_t i = 0; i < sizeof(irqs); i++) {
        put8(t, 2);
        put8(t, 10);
        put8(t, 0);
        put8(t, irqs[i]);
        put32(t, irqs[i]);
        put16(t, 0xd); /* active high, level */
    }
    put8(t, 4); /* local APIC NMI on LINT1 of every CPU */
    put8(t, 6);
    put8(t, 0xff);
    put16(t, 0);
    put8(t, 1);
    if (x2apic) {
        put8(t, ACPI_MADT_TYPE_LAPIC_OVERRIDE);
        put8(t, 12);
        put16(t, 0);
        put64(t, 0xfee00000);
    }
}

/* q35-like tables for a memory image at base. */
static void acpi_memory(struct buf *mem, uint64_t base, const struct acpi_shape *sh)
{
    enum { FACP, APIC, HPET, MCFG, IOMMU, WAET, NTABLES };
    static struct buf t[NTABLES], root;
    size_t off[NTABLES], at = ACPI_OFF_TABLES;

    tbl_begin(&t[FACP], "FACP", 3);
    while (t[FACP].n < 244)
        put8(&t[FACP], 0);
    set32(&t[FACP], 46, 9);     /* SCI_INT (16 bits, the high half stays 0) */
    set32(&t[FACP], 56, 0x600); /* PM1a_EVT_BLK */
    set32(&t[FACP], 64, 0x604); /* PM1a_CNT_BLK */
    set32(&t[FACP], ACPI_FADT_PM_TMR_BLK_OFF, 0x608);
    madt(&t[APIC], sh->ncpus, sh->nioapics, sh->x2apic);
    tbl_begin(&t[HPET], "HPET", 1);
    put32(&t[HPET], 0x8086a201);
    put32(&t[HPET], 0); /* address space, bit width, offset, access size */
    put64(&t[HPET], 0xfed00000);
    put8(&t[HPET], 0);
    put16(&t[HPET], 0);
    put8(&t[HPET], 0);
    tbl_begin(&t[MCFG], "MCFG", 1);
    put64(&t[MCFG], 0);
    put64(&t[MCFG], 0xb0000000);
    put16(&t[MCFG], 0);
    put8(&t[MCFG], 0);
    put8(&t[MCFG], 0xff);
    put32(&t[MCFG], 0);
    if (strcmp(sh->iommu, "DMAR") == 0) {
        dmar_q35(&t[IOMMU], false);
    } else {
        tbl_begin(&t[IOMMU], "IVRS", 2);
        put32(&t[IOMMU], 0x00203040); /* IVinfo */
        put64(&t[IOMMU], 0);
        put8(&t[IOMMU], 0x10); /* IVHD for the IOMMU at 00:00.2 */
        put8(&t[IOMMU], 0xb0);
        put16(&t[IOMMU], 24);
        put16(&t[IOMMU], 0x0002);
        put16(&t[IOMMU], 0x40);
        put64(&t[IOMMU], 0xfeb80000);
        put16(&t[IOMMU], 0);
        put16(&t[IOMMU], 0);
        put32(&t[IOMMU], 0);
    }
    tbl_begin(&t[WAET], "WAET", 1);
    put32(&t[WAET], 2);
    for (unsigned i = 0; i < NTABLES; i++) {
        at = (at + 15) & ~(size_t)15;
        off[i] = at;
        at += t[i].n;
    }

    mem->n = 0;
    tbl_begin(&root, "RSDT", 1);
    for (unsigned i = 0; i < NTABLES; i++)
        put32(&root, (uint32_t)(base + off[i]));
    tbl_place(mem, ACPI_OFF_RSDT, &root);
    if (sh->xsdt) {
        tbl_begin(&root, "XSDT", 1);
        for (unsigned i = 0; i < NTABLES; i++)
            put64(&root, base + off[i]);
        tbl_place(mem, ACPI_OFF_XSDT, &root);
    }
    for (unsigned i = 0; i < NTABLES; i++)
        tbl_place(mem, off[i], &t[i]);
    pad_to(mem, 16);
}

static void acpi_seed(const char *name, uint8_t flags, const struct acpi_shape *sh)
{
    uint64_t base = (flags & FUZZ_ACPI_HIGH_BASE) ? FUZZ_ACPI_HIGH : FUZZ_ACPI_LOW_BASE;
    static struct buf b, mem;

    acpi_memory(&mem, base, sh);
    b.n = 0;
    put8(&b, flags);
    if (flags & FUZZ_ACPI_RSDP_V2)
        rsdp_v2(&b, base > UINT32_MAX ? 0 : (uint32_t)(base + ACPI_OFF_RSDT), sh->xsdt ? base + ACPI_OFF_XSDT : 0);
    else
        rsdp_v1(&b, (uint32_t)(base + ACPI_OFF_RSDT), 0);
    put(&b, mem.b, mem.n);
    save("acpi", name, &b);
}

static void seeds_acpi(void)
{
    acpi_seed("q35_rsdt", 0, &(struct acpi_shape){ false, false, 4, 1, "DMAR" });
    acpi_seed("q35_xsdt_x2apic", FUZZ_ACPI_RSDP_V2, &(struct acpi_shape){ true, true, 4, 1, "DMAR" });
    acpi_seed("amd_high_fixsums", FUZZ_ACPI_RSDP_V2 | FUZZ_ACPI_HIGH_BASE | FUZZ_ACPI_FIX_SUMS,
              &(struct acpi_shape){ true, false, 2, 1, "IVRS" });
    acpi_seed("q35_unstable", FUZZ_ACPI_FIX_SUMS | FUZZ_ACPI_UNSTABLE,
              &(struct acpi_shape){ false, false, 4, 1, "DMAR" });
    /* More CPUs and I/O APICs than acpi_info keeps. */
    acpi_seed("many_cpus", FUZZ_ACPI_FIX_SUMS,
              &(struct acpi_shape){ false, false, ACPI_MAX_CPUS + 6, ACPI_MAX_IOAPICS + 1, "DMAR" });
}

static void seeds_dmar(void)
{
    struct buf b, t;

    dmar_q35(&t, false);
    tbl_seal(&t);
    b.n = 0;
    put8(&b, 100 << 1);
    put(&b, t.b, t.n);
    save("dmar", "q35_intremap", &b);

    dmar_q35(&t, true);
    tbl_seal(&t);
    b.n = 0;
    put8(&b, 20 << 1 | FUZZ_DMAR_FIX_SUM);
    put(&b, t.b, t.n);
    save("dmar", "units_rmrr_atsr", &b);

    /* One unit more than dmar_parse keeps. */
    dmar_q35(&t, false);
    for (unsigned i = 1; i <= DMAR_MAX_UNITS; i++) {
        put16(&t, DMAR_TYPE_DRHD);
        put16(&t, 16);
        put8(&t, 0);
        put8(&t, 0);
        put16(&t, (uint16_t)i);
        put64(&t, 0xfed90000 + 0x1000 * (uint64_t)i);
    }
    tbl_seal(&t);
    b.n = 0;
    put8(&b, 127 << 1 | FUZZ_DMAR_FIX_SUM);
    put(&b, t.b, t.n);
    save("dmar", "nine_units", &b);
}

/* ---- memory map ---- */

static void memmap_entries(struct buf *b, const struct e820 *e, size_t n)
{
    put8(b, n);
    for (size_t i = 0; i < n; i++) {
        put64(b, e[i].base);
        put64(b, e[i].len);
        put8(b, e[i].type);
    }
}

static void op_abs(struct buf *b, uint8_t op, uint64_t start, uint64_t end)
{
    put8(b, op);
    put64(b, start);
    put64(b, end);
}

static void op_rel(struct buf *b, uint8_t op, uint8_t k, int32_t off, uint32_t len)
{
    put8(b, op | 2);
    put8(b, k);
    put32(b, (uint32_t)off);
    put32(b, len);
}

static void seeds_memmap(void)
{
    static const struct e820 messy[] = {
        { 0x0, 0x9f800, 1 },        { 0x9f000, 0x1000, 2 },      { 0x100123, 0x3fffedd, 1 },
        { 0x2000000, 0x100000, 1 }, { 0x3000000, 0, 2 },         { 0x3ff0000, 0x20000, 3 },
        { 0x4100000, 0x800, 4 },    { 0x4200000, 0x1000000, 7 }, { 0xfffffffffffff000, 0xfff, 1 },
    };
    struct buf b = { .n = 0 };

    /* The boot path: drop low memory, the core, the boot info and modules. */
    memmap_entries(&b, q35_map, ARRAY_SIZE(q35_map));
    op_abs(&b, 0, 0, 0x100000);
    op_abs(&b, 0, 0x100000, 0x2a3456);
    op_abs(&b, 1, 0x300000, 0x310800);
    op_abs(&b, 0, 0x300000, 0x310800);
    op_abs(&b, 1, 0x300000, 0x301000);
    op_rel(&b, 0, 1, 0x1000, 0x800);
    op_rel(&b, 1, 1, 0, 0x1000);
    op_abs(&b, 0, 0x100000000, 0x140000000);
    save("memmap", "q35_boot", &b);

    b.n = 0;
    memmap_entries(&b, messy, ARRAY_SIZE(messy));
    op_rel(&b, 0, 0, -0x800, 0x2000);
    op_abs(&b, 0, 0x5000, 0x4000);
    op_abs(&b, 1, 0, UINT64_MAX);
    save("memmap", "overlaps_unaligned", &b);

    /* 64 separate ranges, then cuts that split them until the map is full. */
    b.n = 0;
    put8(&b, 64);
    for (uint64_t i = 0; i < 64; i++) {
        put64(&b, 0x1000000 + i * 0x100000);
        put64(&b, 0x80000);
        put8(&b, 1);
    }
    for (uint8_t i = 0; i < 70; i++)
        op_rel(&b, 0, i, 0x10000, 0x1000);
    save("memmap", "fragmented", &b);

    /* MEMMAP_MAX ranges: a split fails until a whole range is removed. */
    b.n = 0;
    put8(&b, MEMMAP_MAX);
    for (uint64_t i = 0; i < MEMMAP_MAX; i++) {
        put64(&b, 0x1000000 + i * 0x200000);
        put64(&b, 0x100000);
        put8(&b, 1);
    }
    op_rel(&b, 0, 5, 0x10000, 0x1000);
    op_rel(&b, 0, 0, 0, 0x100000);
    op_rel(&b, 0, 5, 0x10000, 0x1000);
    op_rel(&b, 0, 9, 0x10000, 0x1000);
    save("memmap", "full_then_split", &b);
}

/* ---- boot options and module placement ---- */

static void seed_text(const char *target, const char *name, const char *s)
{
    struct buf b = { .n = 0 };

    put(&b, s, strlen(s));
    save(target, name, &b);
}

static void seeds_cmdline(void)
{
    seed_text("cmdline", "typical", "loglevel=3 maxcpus=4 test.exit");
    seed_text("cmdline", "faults", "  test.fault=core test.fault_cpu=1 test.fault_cpu=2 console=com1  ");
    seed_text("cmdline", "odd",
              "=x loglevel= maxcpus=18446744073709551615 test.ap_hang=18446744073709551616 "
              "a=b=c test.mbi=mmap");
}

static void bm_module(struct buf *b, uint64_t start, uint64_t end, const char *name)
{
    put64(b, start);
    put64(b, end);
    put8(b, strlen(name));
    put(b, name, strlen(name));
}

static void seeds_boot_modules(void)
{
    struct buf b = { .n = 0 };
    const char *long_name = "root.elf console=hvc0 loglevel=3 earlyprintk=xen root=/dev/ram0";

    put8(&b, 2);
    bm_module(&b, 0x300000, 0x302000, "root.elf");
    bm_module(&b, 0x302000, 0x310800, "initrd.img");
    memmap_entries(&b, q35_map, ARRAY_SIZE(q35_map));
    put8(&b, 3);
    put64(&b, 0x100000);
    put64(&b, 0x2a3456);
    put64(&b, 0x10000);
    put64(&b, 0x10400);
    put64(&b, 0);
    put64(&b, 0x1000);
    save("boot_modules", "q35_two_modules", &b);

    b.n = 0;
    put8(&b, 3);
    bm_module(&b, 0x300000, 0x400000, long_name);
    bm_module(&b, 0x3ff000, 0x500000, long_name);
    bm_module(&b, 0x600000, 0x600000, "");
    memmap_entries(&b, q35_map, 4);
    put8(&b, 0);
    save("boot_modules", "overlapping_long_names", &b);
}

/* ---- XenStore: records as xenstore_fuzz.c reads them ---- */

/* Op byte: connection | action << 2 (actions of xenstore_fuzz.c). */
#define XSF_FEED    0u
#define XSF_TRICKLE 1u
#define XSF_DRAIN   4u

/* One wire message to connection conn, cut into feed records of at most 255 bytes. */
static void xsf_msg(struct buf *b, unsigned conn, unsigned action, uint32_t type, uint32_t req, uint32_t tx,
                    const char *payload, size_t len)
{
    struct buf m = { .n = 0 };

    put32(&m, type);
    put32(&m, req);
    put32(&m, tx);
    put32(&m, len);
    put(&m, payload, len);
    for (size_t off = 0; off < m.n; off += 255) {
        size_t n = m.n - off < 255 ? m.n - off : 255;

        put8(b, conn | action << 2);
        put8(b, n);
        put(b, m.b + off, n);
    }
}

/* A request whose payload is a C string literal with embedded NULs (its last NUL included). */
#define XSF(b, conn, type, req, tx, lit) xsf_msg((b), (conn), XSF_FEED, (type), (req), (tx), (lit), sizeof(lit))

static void xsf_drain(struct buf *b, unsigned conn)
{
    put8(b, conn | XSF_DRAIN << 2);
}

static void seeds_xenstore(void)
{
    struct buf b = { .n = 0 };

    /* A Linux guest coming up: reads, writes, a watch, a transaction. */
    XSF(&b, 1, XS_READ, 1, 0, "name");
    XSF(&b, 1, XS_WRITE, 2, 0, "data/x\0001");
    XSF(&b, 1, XS_DIRECTORY, 3, 0, "/local/domain/1");
    XSF(&b, 1, XS_WATCH, 4, 0, "device\0tok");
    xsf_drain(&b, 1);
    XSF(&b, 1, XS_TRANSACTION_START, 5, 0, "");
    XSF(&b, 1, XS_WRITE, 6, 1, "device/vif/0/state\0004");
    XSF(&b, 1, XS_READ, 7, 1, "device/vif/0/state");
    XSF(&b, 1, XS_TRANSACTION_END, 8, 1, "T");
    xsf_drain(&b, 1);
    XSF(&b, 1, XS_RM, 9, 0, "device");
    XSF(&b, 1, XS_UNWATCH, 10, 0, "device\0tok");
    xsf_drain(&b, 1);
    save("xenstore", "guest", &b);

    /* The toolstack: a home, permissions, introduce and release. */
    b.n = 0;
    XSF(&b, 0, XS_WATCH, 1, 0, "@releaseDomain\0r");
    XSF(&b, 0, XS_WATCH, 2, 0, "@introduceDomain\0i");
    XSF(&b, 0, XS_MKDIR, 3, 0, "/local/domain/5");
    XSF(&b, 0, XS_SET_PERMS, 4, 0, "/local/domain/5\0n0\0b5");
    XSF(&b, 0, XS_INTRODUCE, 5, 0, "5\0004096\0007");
    XSF(&b, 0, XS_IS_DOMAIN_INTRODUCED, 6, 0, "5");
    XSF(&b, 0, XS_GET_DOMAIN_PATH, 7, 0, "5");
    XSF(&b, 0, XS_GET_PERMS, 8, 0, "/local/domain/5");
    XSF(&b, 0, XS_RESUME, 9, 0, "5");
    XSF(&b, 0, XS_RELEASE, 10, 0, "5");
    XSF(&b, 0, XS_RM, 11, 0, "/local/domain/5");
    xsf_drain(&b, 0);
    save("xenstore", "toolstack", &b);

    /* Permissions changing under a watcher. */
    b.n = 0;
    XSF(&b, 0, XS_WRITE, 1, 0, "/p\0v");
    XSF(&b, 0, XS_SET_PERMS, 2, 0, "/p\0n0\0r2");
    XSF(&b, 2, XS_WATCH, 3, 0, "/p\0w");
    XSF(&b, 0, XS_WRITE, 4, 0, "/p/q\0v");
    XSF(&b, 0, XS_SET_PERMS, 5, 0, "/p\0n0");
    XSF(&b, 0, XS_WRITE, 6, 0, "/p\0w");
    xsf_drain(&b, 2);
    XSF(&b, 2, XS_SET_PERMS, 7, 0, "/p\0b2");
    XSF(&b, 2, XS_DIRECTORY_PART, 8, 0, "/local/domain/2\0000");
    xsf_drain(&b, 2);
    save("xenstore", "perms", &b);

    /* Racing transactions, one removing what the other writes. */
    b.n = 0;
    XSF(&b, 1, XS_TRANSACTION_START, 1, 0, "");
    XSF(&b, 2, XS_TRANSACTION_START, 1, 0, "");
    XSF(&b, 1, XS_WRITE, 2, 1, "/local/domain/1/n/x\0001");
    XSF(&b, 0, XS_RM, 2, 0, "/local/domain/1/n");
    XSF(&b, 1, XS_TRANSACTION_END, 3, 1, "T");
    XSF(&b, 2, XS_MKDIR, 2, 1, "a/b/c");
    XSF(&b, 2, XS_RM, 3, 1, "a");
    XSF(&b, 2, XS_TRANSACTION_END, 4, 1, "T");
    xsf_drain(&b, 1);
    xsf_drain(&b, 2);
    save("xenstore", "transactions", &b);

    /* Broken framing: a message trickled in, bad types, then an over-long header. */
    b.n = 0;
    xsf_msg(&b, 3, XSF_TRICKLE, XS_WRITE, 1, 0, "/x\0v", 4);
    xsf_msg(&b, 3, XSF_FEED, 20, 2, 0, "", 0);
    xsf_msg(&b, 3, XSF_FEED, XS_READ, 3, 0, "no-nul", 6);
    xsf_drain(&b, 3);
    put8(&b, 3 | XSF_FEED << 2);
    put8(&b, 16);
    put32(&b, XS_READ);
    put32(&b, 4);
    put32(&b, 0);
    put32(&b, XENSTORE_PAYLOAD_MAX + 1);
    save("xenstore", "broken", &b);
}

/* ---- Guest page walk ---- */

static void walk_head(struct buf *b, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer, uint32_t base)
{
    b->n = 0;
    put64(b, cr0);
    put64(b, cr3);
    put64(b, cr4);
    put64(b, efer);
    put64(b, 0); /* RFLAGS */
    put32(b, base);
}

static void walk_rec(struct buf *b, uint8_t access, uint64_t gva, uint16_t len)
{
    put8(b, access);
    put64(b, gva);
    put16(b, len);
}

/* An image at base (up to its last entry) of entries at chosen offsets:
 * its two pages serve as each other's tables. */
static void walk_image(struct buf *b, const uint64_t (*e)[2], size_t n)
{
    size_t at = b->n, end = 0;

    for (size_t i = 0; i < n; i++)
        end = MAX(end, e[i][0] + 8);
    for (size_t i = 0; i < end / 8; i++)
        put64(b, 0);
    for (size_t i = 0; i < n; i++)
        memcpy(b->b + at + e[i][0], &e[i][1], 8);
}

static void seeds_guest_walk(void)
{
    const uint64_t pg = GUEST_WALK_CR0_PG | GUEST_WALK_CR0_WP | 1, base = 0x10000;
    const uint64_t pwu = 7, ps = 0x80, nx = 1ull << 63;
    /* Long mode: PML4 in page 0, PDPT in page 1, PD in page 0, PT in page 1. */
    const uint64_t lm[][2] = {
        { 0, (base + 0x1000) | pwu },           /* PML4[0] */
        { 0x1000 + 1 * 8, base | pwu },         /* PDPT[1] */
        { 2 * 8, (base + 0x1000) | pwu },       /* PD[2] */
        { 0x1000 + 3 * 8, 0x30000 | pwu },      /* PT[3] */
        { 0x1000 + 4 * 8, 0x31000 | 3 | nx },   /* PT[4]: supervisor, no execute */
        { 5 * 8, 0x400000 | ps | pwu },         /* PD[5]: 2 MiB */
        { 0x1000 + 6 * 8, 0x40000000 | ps | 5 } /* PDPT[6]: 1 GiB, read-only */
    };
    const uint64_t gva = (1ull << 30) | (2ull << 21) | (3ull << 12);
    /* PAE: PDPTEs at base + 0x20, PD in page 1, PT in page 0 (its slot 0x45). */
    const uint64_t pae[][2] = { { 0x20 + 3 * 8, (base + 0x1000) | 1 },
                                { 0x1000 + 1 * 8, base | pwu },
                                { 0x45 * 8, 0x30000 | pwu | nx },
                                { 0x1000 + 2 * 8, 0x600000 | ps | 3 } };
    /* 32-bit: PD in page 0, PT in page 1 (4-byte entries packed in pairs). */
    const uint64_t legacy[][2] = { { 0x300 * 4, (base + 0x1000) | pwu },
                                   { 0x1000 + 2 * 4, (0x30000ull | pwu) | ((0x31000ull | 1) << 32) },
                                   { 0x10 * 4, 0x800000 | (0x5aull << 13) | ps | pwu } };
    struct buf b;

    walk_head(&b, pg, base, GUEST_WALK_CR4_PAE, GUEST_WALK_EFER_LMA | GUEST_WALK_EFER_NXE | (1u << 8), base);
    put8(&b, 8);
    walk_rec(&b, 0, gva | 0x123, 0);
    walk_rec(&b, GUEST_WALK_WRITE | GUEST_WALK_USER, gva, 0);
    walk_rec(&b, GUEST_WALK_FETCH, gva + 0x1000, 0);
    walk_rec(&b, 0, (1ull << 30) | (5ull << 21) | 0x12345, 0);
    walk_rec(&b, GUEST_WALK_WRITE, 6ull << 30, 0);
    walk_rec(&b, FUZZ_WALK_COPY, gva | 0xff0, 0x20);
    walk_rec(&b, FUZZ_WALK_COPY | GUEST_WALK_WRITE, gva, 0x3000);
    walk_rec(&b, 0, 0xffff800000000000ull | gva, 0);
    walk_image(&b, lm, sizeof(lm) / sizeof(lm[0]));
    save("guest_walk", "long_mode", &b);

    walk_head(&b, pg, base + 0x20, GUEST_WALK_CR4_PAE, GUEST_WALK_EFER_NXE, base);
    put8(&b, 4);
    walk_rec(&b, GUEST_WALK_USER, 0xc0245abc, 0);
    walk_rec(&b, GUEST_WALK_FETCH, 0xc0245abc, 0);
    walk_rec(&b, GUEST_WALK_WRITE, 0xc0412345, 0);
    walk_rec(&b, FUZZ_WALK_COPY, 0xc0245ff8, 0x10);
    walk_image(&b, pae, sizeof(pae) / sizeof(pae[0]));
    save("guest_walk", "pae", &b);

    walk_head(&b, pg, base, GUEST_WALK_CR4_PSE | GUEST_WALK_CR4_SMEP, 0, base);
    put8(&b, 4);
    walk_rec(&b, 0, 0xc0002123, 0);
    walk_rec(&b, GUEST_WALK_USER | GUEST_WALK_WRITE, 0xc0003123, 0);
    walk_rec(&b, 0, 0x04123456, 0);
    walk_rec(&b, FUZZ_WALK_COPY, 0xc0002ff0, 0x20);
    walk_image(&b, legacy, sizeof(legacy) / sizeof(legacy[0]));
    save("guest_walk", "legacy_32bit", &b);

    walk_head(&b, 1, 0, 0, 0, 0);
    put8(&b, 2);
    walk_rec(&b, GUEST_WALK_WRITE, 0x123456789abcull, 0);
    walk_rec(&b, FUZZ_WALK_COPY, 0xfffffff0ull, 0x20);
    save("guest_walk", "paging_off", &b);
}

/* ---- Nested page tables ---- */

static void npt_map_op(struct buf *b, uint64_t gpa, uint8_t flags, uint64_t mpa)
{
    put8(b, 0);
    put64(b, gpa);
    put8(b, flags);
    put64(b, mpa);
}

static void seeds_npt(void)
{
    struct buf b = { .n = 0 };

    /* A small guest: RAM in owned pages, a module lent read-only, lookups. */
    put16(&b, 64);
    for (unsigned i = 0; i < 8; i++)
        npt_map_op(&b, (uint64_t)i << 12, NPT_W | NPT_X | NPT_OWNED, 0);
    npt_map_op(&b, 0x100000, NPT_R, 0x7654000);
    npt_map_op(&b, 0x3000, NPT_W, 0x1000);
    for (unsigned k = 0; k < 4; k++) {
        put8(&b, 7);
        put8(&b, (uint8_t)k);
        put16(&b, 0x123);
    }
    put8(&b, 6);
    put8(&b, 2);
    put8(&b, 3);
    put8(&b, 5);
    put8(&b, 1);
    put8(&b, NPT_W);
    save("npt", "guest_ram", &b);

    /* Hostile addresses, a shrinking pool and a table destroyed with mappings. */
    b.n = 0;
    put16(&b, 6);
    npt_map_op(&b, 1ull << 48, NPT_W, 0x5000);
    npt_map_op(&b, 0xffffffffffffull, NPT_OWNED, 0);
    npt_map_op(&b, 0x7fffffe00123ull, NPT_W, 0xfff0000000005fffull);
    put8(&b, 0 | FUZZ_NPT_NEAR | 0x10);
    put16(&b, 3);
    put8(&b, NPT_OWNED);
    put64(&b, 0);
    put8(&b, 4);
    put16(&b, 1);
    npt_map_op(&b, 0x40000000000ull, NPT_W, 0x9000);
    put8(&b, 3);
    put8(&b, 2);
    put64(&b, 0xfffffffff000ull);
    save("npt", "hostile", &b);
}

/* One well-formed request per management command, so that runs start on
 * the path past the size and copy checks. */
static void seeds_mgmt_decode(void)
{
    static const char *const names[] = { "",      "create",      "populate",     "copy",    "set_pvh",
                                         "sched", "affinity",    "grant",        "unpause", "destroy",
                                         "info",  "gnttab_seed", "ioport_permit" };
    static const size_t sizes[] = {
        0,
        sizeof(struct mgmt_domain_create),
        sizeof(struct mgmt_domain_populate),
        sizeof(struct mgmt_domain_copy),
        sizeof(struct mgmt_vcpu_set_pvh),
        sizeof(struct mgmt_domain_sched),
        sizeof(struct mgmt_vcpu_affinity),
        sizeof(struct mgmt_cap_grant),
        sizeof(struct mgmt_domain_unpause),
        sizeof(struct mgmt_domain_destroy),
        sizeof(struct mgmt_domain_info),
        sizeof(struct mgmt_gnttab_seed),
        sizeof(struct mgmt_ioport_permit),
    };
    union hcall_mgmt_arg arg;
    struct buf b;

    for (uint32_t cmd = MGMT_DOMAIN_CREATE; cmd <= MGMT_IOPORT_PERMIT; cmd++) {
        memset(&arg, 0, sizeof(arg));
        arg.populate.domid = 2; /* every target's domid comes first */
        if (cmd == MGMT_DOMAIN_CREATE)
            arg.create = (struct mgmt_domain_create){ .name = "seed", .nr_vcpus = 1, .max_pages = 256 };
        if (cmd == MGMT_DOMAIN_POPULATE)
            arg.populate.nr_pages = 16;
        if (cmd == MGMT_DOMAIN_COPY)
            arg.copy.len = 4096;
        if (cmd == MGMT_DOMAIN_SCHED)
            arg.sched.weight = 256;
        if (cmd == MGMT_VCPU_AFFINITY)
            arg.affinity.cpumask = 1;
        if (cmd == MGMT_IOPORT_PERMIT)
            arg.ioport = (struct mgmt_ioport_permit){ 2, 0x2f8, 8 };
        if (cmd == MGMT_DOMAIN_INFO)
            arg.info.domid = MGMT_DOMID_SELF; /* the caller's own: no lookup */
        b.n = 0;
        put8(&b, 0);
        put8(&b, 8);   /* max_vcpus */
        put8(&b, 0x3); /* online CPUs */
        put8(&b, cmd);
        put64(&b, 0x10000);
        put(&b, &arg, sizes[cmd]);
        save("mgmt_decode", names[cmd], &b);
    }
}

/* The console page: a guest's output read in pieces across the 2^32 wrap,
 * input written back, then an impossible producer index. */
static void seeds_bytering(void)
{
    struct buf b;

    b.n = 0;
    put32(&b, 0xfffffc00u);
    put8(&b, 2), put16(&b, 100);
    for (unsigned i = 0; i < 100; i++)
        put8(&b, 'a' + i % 26);
    put8(&b, 3), put16(&b, 60);
    put8(&b, 4), put16(&b, 200);
    put8(&b, 5), put16(&b, 5), put(&b, "hello", 5);
    put8(&b, 0), put16(&b, 0), put32(&b, 0x7fffffffu);
    put8(&b, 3), put16(&b, 10);
    put8(&b, 1), put16(&b, 0), put32(&b, 0xfffffc10u);
    put8(&b, 5), put16(&b, 1), put8(&b, 'x');
    save("bytering", "exchange_then_broken", &b);
}

/* The split virtqueue: requests added, the device completing some
 * honestly (entry, then index), the driver consuming; then a used index
 * far ahead, and the drain. Event index and indirect tables on. */
static void seeds_virtq(void)
{
    struct buf b;

    b.n = 0;
    put8(&b, 0x18 | 3); /* 8 entries, indirect, event index */
    put8(&b, 0), put8(&b, 1), put8(&b, 2), put16(&b, 16), put16(&b, 512), put16(&b, 1);
    put8(&b, 0), put8(&b, 1), put8(&b, 1), put16(&b, 16), put16(&b, 1);
    put8(&b, 4), put16(&b, 0), put16(&b, 0);
    put8(&b, 2), put8(&b, 0), put32(&b, 0), put32(&b, 513);
    put8(&b, 1), put16(&b, 1);
    put8(&b, 3), put8(&b, 5);
    put8(&b, 2), put8(&b, 1), put32(&b, 1), put32(&b, 1);
    put8(&b, 1), put16(&b, 2);
    put8(&b, 3);
    save("virtq", "honest", &b);
    put8(&b, 0), put8(&b, 1), put8(&b, 1), put16(&b, 16), put16(&b, 1);
    put8(&b, 1), put16(&b, 40);
    put8(&b, 3), put8(&b, 7), put8(&b, 0), put8(&b, 1), put8(&b, 1), put16(&b, 16), put16(&b, 1);
    save("virtq", "honest_then_index_jump", &b);
}

/* A modern virtio-blk function as QEMU lays it out: MSI-X and the four
 * vendor capabilities, windows in BAR 4 (16 KiB). */
static void seeds_virtio_caps(void)
{
    static const struct {
        uint8_t at, next, len, type;
        uint32_t offset;
    } caps[] = {
        { 0x84, 0x70, 20, 2, 0x3000 },
        { 0x70, 0x60, 16, 4, 0x2000 },
        { 0x60, 0x50, 16, 3, 0x1000 },
        { 0x50, 0, 16, 1, 0 },
    };
    struct buf b;
    uint8_t page[0x100] = { 0 };

    b.n = 0;
    put8(&b, 1u << 4);
    for (unsigned i = 0; i < 6; i++)
        put16(&b, i == 4 ? 0x4000 / 16 : 0);
    page[0] = 0xf4, page[1] = 0x1a, page[2] = 0x42, page[3] = 0x10;
    page[6] = 0x10;
    page[0x34] = 0x98;
    page[0x98] = 0x11, page[0x99] = 0x84, page[0x9a] = 1; /* MSI-X, two entries */
    for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        uint8_t *c = &page[caps[i].at];
        c[0] = 0x09, c[1] = caps[i].next, c[2] = caps[i].len, c[3] = caps[i].type, c[4] = 4;
        memcpy(&c[8], &caps[i].offset, 4);
        c[13] = 0x10; /* length 0x1000 */
        if (caps[i].type == 2)
            c[16] = 4; /* notify_off_multiplier */
    }
    put(&b, page, sizeof(page));
    save("virtio_caps", "qemu_blk", &b);
}

/* virtio-net: a device offering checksums, TCPv4 segmentation both ways,
 * MAC, status, indirect tables and event index; two receive buffers
 * posted, two frames sent, the device honest about one received GSO
 * frame and both sent ones; then a copy that ends with a used entry
 * naming no chain with an impossible length. */
static void seeds_vnet(void)
{
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    struct buf b;

    b.n = 0;
    put8(&b, 4), put8(&b, 16);
    put32(&b, 1u << 0 | 1u << 1 | 1u << 5 | 1u << 7 | 1u << 11 | 1u << 16 | 1u << 28 | 1u << 29);
    put8(&b, 1);
    put(&b, mac, sizeof(mac));
    put16(&b, 1);
    put8(&b, 0x00), put16(&b, 0);
    put8(&b, 0x00), put16(&b, 100);
    put8(&b, 0x27);
    put8(&b, 0x01), put16(&b, 100), put8(&b, 1), put8(&b, 0), put16(&b, 0), put16(&b, 0), put16(&b, 34), put16(&b, 16);
    put8(&b, 0x41), put16(&b, 60);
    put8(&b, 0x16), put16(&b, 0), put16(&b, 0);
    put8(&b, 0x02), put8(&b, 1), put8(&b, 1), put16(&b, 54), put16(&b, 1448), put16(&b, 34), put16(&b, 16),
        put16(&b, 1);
    put8(&b, 0x03), put16(&b, 3000);
    put8(&b, 0x05);
    put8(&b, 0x13), put8(&b, 0x13), put8(&b, 0x15);
    put8(&b, 0x08), put16(&b, 1);
    save("vnet", "honest", &b);
    put8(&b, 0x63), put32(&b, 0x1234), put32(&b, 0xffffffffu);
    put8(&b, 0x05), put8(&b, 0x15);
    save("vnet", "honest_then_hostile", &b);
}

/* ---- the build service: a ring entry, then a spec page ---- */

static void buildreq_seed(const char *name, const struct build_spec *s)
{
    struct build_request req = { .id = 1, .op = BUILD_OP_BUILD, .spec_ref = 9 };
    struct buf b;

    b.n = 0;
    put(&b, &req, sizeof(req));
    put(&b, s, sizeof(*s));
    save("buildreq", name, &b);
}

static void seeds_buildreq(void)
{
    static struct build_spec s;

    memset(&s, 0, sizeof(s));
    s.version = BUILD_SPEC_VERSION;
    strcpy(s.name, "guest");
    s.vcpus = 1;
    s.memory_mib = 16;
    s.kernel_size = 260000;
    s.kernel_index[0] = 100;
    s.ramdisk_size = 12388;
    s.ramdisk_index[0] = 101;
    strcpy(s.cmdline, "console=hvc0 root=/dev/xvda ro");
    buildreq_seed("plain", &s);
    s.vcpus = 4;
    s.maxmem_mib = 64;
    s.weight = 512;
    s.cap = 200;
    s.cpus = 3;
    s.vcpu_cpus[2] = 4;
    s.nr_disks = 2;
    strcpy(s.disks[0].spec, "phy:vdb,xvda,w,backend=blkdrv");
    strcpy(s.disks[1].spec, "vdev=xvdb, access=r, backend=blkdrv, target=vdb2");
    s.nr_vifs = 2;
    strcpy(s.vifs[0].spec, "mac=00:16:3e:01:02:03, bridge=xenbr0, backend=netdrv");
    strcpy(s.vifs[1].spec, "script=vif-route, ip=10.0.0.2, backend=netdrv");
    buildreq_seed("devices", &s);
    strcpy(s.vifs[1].spec, "mac=00:16:3e:01:02:04, model=e1000, ip=10.0.0.2, script=vif-route, backend=netdrv");
    buildreq_seed("two_macs", &s);
    s.kernel_size = BUILD_KERNEL_MAX;
    for (unsigned i = 0; i < BUILD_KERNEL_INDEX_MAX; i++)
        s.kernel_index[i] = 200 + i;
    s.ramdisk_size = BUILD_RAMDISK_MAX;
    for (unsigned i = 0; i < BUILD_RAMDISK_INDEX_MAX; i++)
        s.ramdisk_index[i] = 300 + i;
    buildreq_seed("largest", &s);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    make_dir(out_dir);
    seeds_mb2();
    seeds_elf();
    seeds_acpi();
    seeds_dmar();
    seeds_memmap();
    seeds_cmdline();
    seeds_boot_modules();
    seeds_xenstore();
    seeds_guest_walk();
    seeds_npt();
    seeds_mgmt_decode();
    seeds_bytering();
    seeds_virtq();
    seeds_virtio_caps();
    seeds_vnet();
    seeds_buildreq();
    return 0;
}
