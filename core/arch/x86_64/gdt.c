/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU GDT and TSS. Long mode ignores segment bases and limits except
 * for the TSS, which holds the IST stacks: double fault, NMI and machine
 * check run on stacks of their own so a blown kernel stack still dumps.
 */
#include "arch_priv.h"
#include "core/string.h"

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS  0x18

/* Accessed bits are preset so the CPU never writes the GDT. */
#define GDT_CODE64 0x00af9b000000ffffull
#define GDT_DATA   0x00cf93000000ffffull

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss;
    uint64_t limit = sizeof(*tss) - 1;

    /* 16-byte system descriptor, type 9 (available 64-bit TSS), present. */
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[4] = base >> 32;
}

void gdt_init_cpu(struct percpu *pc, vaddr_t ist_tops[3])
{
    struct gdt_ptr ptr;

    memset(&pc->tss, 0, sizeof(pc->tss));
    for (unsigned i = 0; i < 3; i++)
        pc->tss.ist[i] = ist_tops[i];
    pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap */

    pc->gdt[0] = 0;
    pc->gdt[1] = GDT_CODE64;
    pc->gdt[2] = GDT_DATA;
    gdt_set_tss(pc->gdt, &pc->tss);

    ptr.limit = sizeof(pc->gdt) - 1;
    ptr.base = (uint64_t)pc->gdt;
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(ptr), "i"(SEL_CODE), "i"(SEL_DATA), "r"((uint16_t)SEL_TSS)
                     : "rax", "memory");
}
