/* SPDX-License-Identifier: MIT */
/*
 * Building the root domain (the builder) from boot module 0: a domain of
 * root.mem MiB, the PVH ELF image's segments copied in, the other boot
 * modules lent read-only above its RAM, and an hvm_start_info (Xen's PVH
 * ABI, public/arch-x86/hvm/start_info.h) describing its command line,
 * modules and memory map. Everything after that is the builder's job.
 */
#include "core/boot_modules.h"
#include "core/cmdline.h"
#include "core/elf.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "root_domain.h"
#include "idl/start_info.h"

#define START_INFO_GPA  0x1000u /* start_info, memory map, module list */
#define STRINGS_GPA     0x2000u /* command lines */
#define IMAGE_MIN_GPA   0x100000u
#define DEFAULT_MEM_MIB 64

/* The name a domain gets from its module string: the first word's base name
 * without extension ("/boot/builder.elf x=1" gives "builder"). */
static void module_name(const char *s, char *out, size_t n)
{
    const char *start = s, *end;

    for (const char *p = s; *p && *p != ' '; p++)
        if (*p == '/')
            start = p + 1;
    end = start;
    while (*end && *end != ' ' && *end != '.')
        end++;
    snprintf(out, n, "%s", "root");
    if (end > start && (size_t)(end - start) < n) {
        memcpy(out, start, (size_t)(end - start));
        out[end - start] = '\0';
    }
}

static int load_segments(struct domain *d, const struct elf_image *img, const uint8_t *file)
{
    static const uint8_t zeros[256];

    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->paddr < IMAGE_MIN_GPA || s->paddr + s->memsz > (d->nr_pages << PAGE_SHIFT)) {
            log_err("boot: root image segment %u [0x%llx, 0x%llx) lies outside [1 MiB, %llu MiB)", i,
                    (unsigned long long)s->paddr, (unsigned long long)(s->paddr + s->memsz),
                    (unsigned long long)((d->nr_pages << PAGE_SHIFT) >> 20));
            return -ERR_RANGE;
        }
        if (domain_copy_to_phys(d, s->paddr, file + s->offset, s->filesz) != 0)
            return -ERR_FAULT;
        for (uint64_t z = s->filesz; z < s->memsz; z += sizeof(zeros))
            if (domain_copy_to_phys(d, s->paddr + z, zeros, (size_t)MIN(sizeof(zeros), s->memsz - z)) != 0)
                return -ERR_FAULT;
    }
    return 0;
}

/* Lends modules 1.. read-only above the domain's RAM and describes them. */
static int lend_modules(struct domain *d, const struct mb2_info *mbi, struct hvm_start_info *si, uint64_t *strings,
                        uint64_t *top)
{
    struct hvm_modlist_entry ml[MB2_MAX_MODULES];
    uint64_t gpa = ALIGN_UP((d->nr_pages << PAGE_SHIFT), MIB(2));

    si->nr_modules = 0;
    for (unsigned i = 1; i < mbi->module_count; i++) {
        const struct mb2_module *m = &mbi->modules[i];
        size_t len = strlen(m->cmdline) + 1;
        struct hvm_modlist_entry *e = &ml[si->nr_modules++];
        e->paddr = gpa + (m->start & (PAGE_SIZE - 1));
        e->size = m->end - m->start;
        e->cmdline_paddr = *strings;
        e->reserved = 0;
        if (*strings + len > STRINGS_GPA + PAGE_SIZE || domain_copy_to_phys(d, *strings, m->cmdline, len) != 0)
            return -ERR_NOSPC;
        *strings += len;
        for (paddr_t pa = ALIGN_DOWN(m->start, PAGE_SIZE); pa < m->end; pa += PAGE_SIZE, gpa += PAGE_SIZE)
            if (npt_map(&d->npt, gpa, pa, NPT_R) != 0)
                return -ERR_NOMEM;
    }
    *top = gpa;
    si->modlist_paddr = START_INFO_GPA + 512;
    return domain_copy_to_phys(d, si->modlist_paddr, ml, si->nr_modules * sizeof(ml[0]));
}

static int write_start_info(struct domain *d, const struct mb2_info *mbi)
{
    struct hvm_start_info si = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
    struct hvm_memmap_table_entry map[2];
    uint64_t strings = STRINGS_GPA, top = 0;
    size_t len = strlen(mbi->modules[0].cmdline) + 1;

    si.cmdline_paddr = strings;
    if (domain_copy_to_phys(d, strings, mbi->modules[0].cmdline, len) != 0)
        return -ERR_FAULT;
    strings += len;
    if (lend_modules(d, mbi, &si, &strings, &top) != 0)
        return -ERR_NOSPC;
    map[0] = (struct hvm_memmap_table_entry){ 0, (d->nr_pages << PAGE_SHIFT), XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    map[1] = (struct hvm_memmap_table_entry){ ALIGN_UP((d->nr_pages << PAGE_SHIFT), MIB(2)),
                                              top - ALIGN_UP((d->nr_pages << PAGE_SHIFT), MIB(2)),
                                              XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    si.memmap_paddr = START_INFO_GPA + sizeof(si);
    si.memmap_entries = top > ALIGN_UP((d->nr_pages << PAGE_SHIFT), MIB(2)) ? 2 : 1;
    if (domain_copy_to_phys(d, si.memmap_paddr, map, si.memmap_entries * sizeof(map[0])) != 0)
        return -ERR_FAULT;
    return domain_copy_to_phys(d, START_INFO_GPA, &si, sizeof(si));
}

struct domain *root_domain_build(const struct mb2_info *mbi, const char *core_cmdline)
{
    const struct mb2_module *m = &mbi->modules[0];
    const uint8_t *file = phys_to_virt(m->start);
    uint64_t mib = DEFAULT_MEM_MIB;
    struct elf_image img;
    struct domain *d;
    char name[DOMAIN_NAME_MAX];

    if (cmdline_uint(core_cmdline, "root.mem", &mib) == -ERR_INVAL || mib < 2 || mib > 4096)
        panic_refuse("boot: root.mem=%llu is not a size in MiB between 2 and 4096", (unsigned long long)mib);
    if (elf_parse(file, (size_t)(m->end - m->start), &img) != 0 || elf_require_pvh(&img) != 0)
        panic_refuse("boot: module 0 '%s' is not a valid root domain image (a PVH ELF)", m->cmdline);
    module_name(m->cmdline, name, sizeof(name));
    if (domain_create(name, 1, MIB(mib) >> PAGE_SHIFT, DOMID_NONE, &d) != 0)
        panic_refuse("boot: cannot create the root domain '%s'", name);
    if (domain_populate(d, 0, MIB(mib) >> PAGE_SHIFT) != 0)
        panic_refuse("boot: not enough memory for a %llu MiB root domain", (unsigned long long)mib);
    d->caps = CAP_ALL; /* the root of every delegation */
    /* Every port but the core's own: the root hands them on (idl/mgmt.idl). */
    if (vcpu_ioports_permit(d, 0, 0x10000) != 0)
        panic_refuse("boot: no memory for the root domain's I/O permission map");
    if (load_segments(d, &img, file) != 0 || write_start_info(d, mbi) != 0) {
        domain_destroy(d);
        panic_refuse("boot: module 0 '%s' does not fit a %llu MiB root domain", m->cmdline, (unsigned long long)mib);
    }
    vcpu_set_pvh_entry(&d->vcpus[0], img.pvh_entry, START_INFO_GPA);
    /* Said before it runs: another CPU may run it at once. */
    log_info("boot: root domain d%u '%s' built from '%s': entry 0x%x, %u module%s lent read-only", d->id, d->name,
             m->cmdline, img.pvh_entry, mbi->module_count - 1, mbi->module_count == 2 ? "" : "s");
    if (domain_unpause(d) != 0)
        panic("boot: the root domain did not start");
    return d;
}
