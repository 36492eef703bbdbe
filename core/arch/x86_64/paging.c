/* SPDX-License-Identifier: MIT */
/*
 * The core's own page tables (docs/memory-layout.md): the image with text
 * RX, rodata R and data RW+NX; a RW+NX direct map of physical memory;
 * per-CPU stacks between unmapped guard pages; uncached MMIO windows.
 * No mapping is ever both writable and executable (paging_check_wx).
 * Guest memory is not here: domains get nested page tables of their own.
 */
#include "arch_priv.h"
#include "core/errno.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/spinlock.h"
#include "core/string.h"
#include "x86.h"

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define FLAGS_TEXT   (PTE_P | PTE_G)
#define FLAGS_RODATA (PTE_P | PTE_G | PTE_NX)
#define FLAGS_DATA   (PTE_P | PTE_W | PTE_G | PTE_NX)
#define FLAGS_MMIO   (PTE_P | PTE_W | PTE_G | PTE_NX | PTE_PCD | PTE_PWT)

extern const char core_text_start[], core_text_end[], core_rodata_start[], core_rodata_end[];
extern const char core_data_start[], core_data_end[];

static paddr_t kernel_root;                         /* set once by paging_init */
static struct spinlock paging_lock = SPINLOCK_INIT; /* guards table updates */
static vaddr_t mmio_next = MMIO_AREA_BASE;          /* protected by paging_lock */
/* Until paging_load, tables are written through the boot direct map,
 * which covers only the first 4 GiB. */
static paddr_t table_limit = GIB(4);

static unsigned level_index(vaddr_t va, unsigned level)
{
    return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static paddr_t alloc_table(void)
{
    paddr_t pa;

    if (frame_alloc_range(1, 1, table_limit, &pa) != 0)
        panic("paging: out of frames for page tables");
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/* Walks from the root to the table at `level`, creating tables as needed. */
static uint64_t *walk_create(paddr_t root, vaddr_t va, unsigned level)
{
    uint64_t *table = phys_to_virt(root);

    for (unsigned l = 4; l > level; l--) {
        uint64_t *e = &table[level_index(va, l)];
        if (!(*e & PTE_P))
            *e = alloc_table() | PTE_P | PTE_W; /* leaves decide rights */
        if (*e & PTE_PS)
            panic("paging: 0x%llx already covered by a large page", (unsigned long long)va);
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return table;
}

/* Maps one page of size 4 KiB (level 1) or 2 MiB (level 2). */
static void map_one(paddr_t root, vaddr_t va, paddr_t pa, uint64_t flags, unsigned level)
{
    uint64_t *table = walk_create(root, va, level);

    table[level_index(va, level)] = pa | flags | (level == 2 ? PTE_PS : 0);
}

static void map_image_range(const char *start, const char *end, uint64_t flags)
{
    for (vaddr_t va = (vaddr_t)start; va < (vaddr_t)end; va += PAGE_SIZE)
        map_one(kernel_root, va, va - CORE_VIRT_BASE, flags, 1);
}

void paging_init(paddr_t direct_map_top)
{
    static const unsigned core_slots[] = { 256, 510, 511 };
    uint64_t *root;

    kernel_root = alloc_table();
    root = phys_to_virt(kernel_root);
    /* Populate every top-level slot the core uses now, so the trampoline
     * copy of the upper half (and every CPU) sees later additions. */
    for (unsigned i = 0; i < ARRAY_SIZE(core_slots); i++)
        root[core_slots[i]] = alloc_table() | PTE_P | PTE_W;

    map_image_range(core_text_start, core_text_end, FLAGS_TEXT);
    map_image_range(core_rodata_start, core_rodata_end, FLAGS_RODATA);
    map_image_range(core_data_start, core_data_end, FLAGS_DATA);
    for (paddr_t pa = 0; pa < direct_map_top; pa += MIB(2))
        map_one(kernel_root, DIRECT_MAP_BASE + pa, pa, FLAGS_DATA, 2);
}

void paging_load(void)
{
    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(kernel_root);
    table_limit = 0;
}

paddr_t paging_root(void)
{
    return kernel_root;
}

static vaddr_t map_fresh_pages(vaddr_t va, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++)
        map_one(kernel_root, va + i * PAGE_SIZE, alloc_table(), FLAGS_DATA, 1);
    return va + pages * PAGE_SIZE;
}

/*
 * Slot layout, 4 KiB units: guard | stack x4 | guard | IST1 | guard |
 * IST2 | guard | IST3 | unmapped. Returns the kernel stack top.
 */
vaddr_t paging_map_stack(unsigned cpu, vaddr_t ist_tops[3])
{
    vaddr_t slot = STACK_AREA_BASE + (vaddr_t)cpu * STACK_SLOT_SIZE;
    uint64_t f = spin_lock_irqsave(&paging_lock);
    vaddr_t top = map_fresh_pages(slot + PAGE_SIZE, CORE_STACK_SIZE / PAGE_SIZE);

    for (unsigned i = 0; i < 3; i++)
        ist_tops[i] = map_fresh_pages(top + PAGE_SIZE + i * 2 * PAGE_SIZE, 1);
    spin_unlock_irqrestore(&paging_lock, f);
    return top;
}

void *paging_map_mmio(paddr_t pa, size_t size)
{
    paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    size_t pages = (size_t)((ALIGN_UP(pa + size, PAGE_SIZE) - base) >> PAGE_SHIFT);
    uint64_t f = spin_lock_irqsave(&paging_lock);
    vaddr_t va = mmio_next;

    if (va + pages * PAGE_SIZE > MMIO_AREA_BASE + MMIO_AREA_SIZE)
        panic("paging: MMIO window exhausted mapping 0x%llx", (unsigned long long)pa);
    for (size_t i = 0; i < pages; i++)
        map_one(kernel_root, va + i * PAGE_SIZE, base + i * PAGE_SIZE, FLAGS_MMIO, 1);
    mmio_next = va + pages * PAGE_SIZE;
    spin_unlock_irqrestore(&paging_lock, f);
    return (void *)(uintptr_t)(va + (pa - base));
}

struct wx_walk {
    unsigned leaves;
    unsigned violations;
};

static void wx_walk_table(const uint64_t *table, unsigned level, vaddr_t base, struct wx_walk *w)
{
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = table[i];
        vaddr_t va = base | ((vaddr_t)i << (12 + 9 * (level - 1)));
        if (!(e & PTE_P))
            continue;
        if (level > 1 && !(e & PTE_PS)) {
            wx_walk_table(phys_to_virt(e & PTE_ADDR), level - 1, va, w);
            continue;
        }
        w->leaves++;
        if ((e & PTE_W) && !(e & PTE_NX)) {
            if (w->violations++ < 4)
                log_err("mm: mapping at 0x%016llx is writable and executable", (unsigned long long)va);
        }
    }
}

int paging_check_wx(void)
{
    const uint64_t *root = phys_to_virt(kernel_root);
    struct wx_walk w = { 0, 0 };

    for (unsigned i = 256; i < 512; i++) {
        if (!(root[i] & PTE_P))
            continue;
        wx_walk_table(phys_to_virt(root[i] & PTE_ADDR), 3, 0xffff000000000000ull | ((vaddr_t)i << 39), &w);
    }
    for (unsigned i = 0; i < 256; i++)
        if (root[i] & PTE_P)
            w.violations++, log_err("mm: lower-half PML4 slot %u is mapped", i);
    if (w.violations)
        return -ERR_INVAL;
    log_info("mm: W^X holds: %u core mappings, none both writable and executable; lower half unmapped", w.leaves);
    return 0;
}

/* Tables of the trampoline's identity mapping, freed after bring-up. */
static paddr_t tramp_tables[4];

paddr_t paging_trampoline_root(paddr_t tramp_page)
{
    paddr_t root;
    uint64_t *r, *k = phys_to_virt(kernel_root);

    /* CR3 is loaded in 32-bit mode: the root must lie below 4 GiB. */
    if (frame_alloc_range(1, 1, GIB(4), &root) != 0)
        panic("paging: no frame below 4 GiB for the AP trampoline");
    r = phys_to_virt(root);
    for (unsigned i = 0; i < 512; i++)
        r[i] = i >= 256 ? k[i] : 0;
    map_one(root, tramp_page, tramp_page, PTE_P, 1); /* R+X, not W */
    tramp_tables[0] = root;
    tramp_tables[1] = r[0] & PTE_ADDR;
    tramp_tables[2] = ((uint64_t *)phys_to_virt(tramp_tables[1]))[0] & PTE_ADDR;
    tramp_tables[3] = ((uint64_t *)phys_to_virt(tramp_tables[2]))[0] & PTE_ADDR;
    return root;
}

void paging_drop_trampoline_root(paddr_t root)
{
    if (root != tramp_tables[0])
        panic("paging: dropping an unknown trampoline root");
    for (unsigned i = 0; i < ARRAY_SIZE(tramp_tables); i++) {
        frame_free(tramp_tables[i]);
        tramp_tables[i] = 0;
    }
}
