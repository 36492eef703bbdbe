/* SPDX-License-Identifier: MIT */
/*
 * The IDT: one table shared by all CPUs, every vector pointing at its
 * stub in isr.S. Double fault, NMI and machine check use IST stacks.
 */
#include "arch_priv.h"
#include "trap.h"

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate (AMD APM vol. 2, 4.8.4)");

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const uint8_t isr_stubs[];

static struct idt_gate idt[256];  /* written once by the boot CPU */
irq_handler_fn idt_handlers[256]; /* written at boot, read by trap.c */

static void idt_set_gate(unsigned vec, uint8_t ist)
{
    uint64_t addr = (uint64_t)(isr_stubs + vec * 16);

    idt[vec].offset_lo = (uint16_t)addr;
    idt[vec].selector = 0x08;
    idt[vec].ist = ist;
    idt[vec].type_attr = 0x8e; /* present, DPL 0, interrupt gate */
    idt[vec].offset_mid = (uint16_t)(addr >> 16);
    idt[vec].offset_hi = (uint32_t)(addr >> 32);
    idt[vec].reserved = 0;
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, 0);
    idt_set_gate(8, 1);  /* #DF on IST1 */
    idt_set_gate(2, 2);  /* NMI on IST2 */
    idt_set_gate(18, 3); /* #MC on IST3 */
}

void idt_load(void)
{
    struct idt_ptr ptr = { sizeof(idt) - 1, (uint64_t)idt };

    __asm__ volatile("lidt %0" ::"m"(ptr));
}

void idt_set_handler(unsigned vector, irq_handler_fn fn)
{
    if (vector >= 32 && vector < 256)
        idt_handlers[vector] = fn;
}
