/* SPDX-License-Identifier: MIT */
/*
 * The assembly half of lapictest: interrupt handlers that count per APIC
 * id (and EOI, but for one vector that leaves its EOI to the test), a #GP
 * handler that counts and skips the 2-byte RDMSR/WRMSR, and the
 * trampoline a STARTUP message runs: real mode at TRAMP_BASE, then
 * protected mode, then long mode on vCPU 0's page tables, then
 * lapictest_ap_main on the stack the C side left in the trampoline.
 */
#include "lapictest.h"

    .text
    .code64

/* count: one more in counter[APIC id]; clobbers rax, rcx, rdx. */
.macro count counter
    mov $0x802, %ecx
    rdmsr
    and $(LAPICTEST_MAX_VCPUS - 1), %eax
    lock incl \counter(, %rax, 4)
.endm

.macro handler name, counter, eoi
    .global \name
    .balign 16
\name:
    push %rax
    push %rcx
    push %rdx
    count \counter
    .if \eoi
    mov $0x80b, %ecx
    xor %eax, %eax
    xor %edx, %edx
    wrmsr
    .endif
    pop %rdx
    pop %rcx
    pop %rax
    iretq
.endm

    handler lapictest_irq_oneshot, lapictest_oneshot_count, 1
    handler lapictest_irq_periodic, lapictest_periodic_count, 1
    handler lapictest_irq_ipi, lapictest_ipi_count, 1
    handler lapictest_irq_low, lapictest_low_count, 1
    handler lapictest_irq_noeoi, lapictest_noeoi_count, 0
    handler lapictest_irq_upcall, lapictest_upcall_count, 1

/* #GP from RDMSR or WRMSR (both 2 bytes): counted, skipped. */
    .global lapictest_gp
    .balign 16
lapictest_gp:
    lock incl lapictest_gp_count
    addq $2, 8(%rsp)        /* RIP, above the error code */
    add $8, %rsp            /* the error code */
    iretq

/* The STARTUP trampoline, copied to TRAMP_BASE (a 4 KiB page below
 * 1 MiB). Entered at CS = TRAMP_BASE >> 4, IP 0. */
#define T(sym) (LAPICTEST_TRAMP_BASE + (sym) - lapictest_tramp)
    .section .rodata
    .global lapictest_tramp, lapictest_tramp_end
    .global lapictest_tramp_cr3, lapictest_tramp_stack, lapictest_tramp_entry
    .balign 16
    .code16
lapictest_tramp:
    cli
    mov %cs, %ax
    mov %ax, %ds
    lock incl (tramp_entered - lapictest_tramp)
    lgdtl (tramp_gdtr - lapictest_tramp)
    mov %cr0, %eax
    or $1, %eax             /* PE */
    mov %eax, %cr0
    ljmpl $0x18, $T(tramp32)
    .code32
tramp32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $0x620, %eax         /* PAE, OSFXSR, OSXMMEXCPT */
    mov %eax, %cr4
    mov T(lapictest_tramp_cr3), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx   /* EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    and $0x9ffffffb, %eax   /* CD, NW and EM off */
    or $0x80000002, %eax    /* PG, MP */
    mov %eax, %cr0
    ljmpl $0x08, $T(tramp64)
    .code64
tramp64:
    mov T(lapictest_tramp_stack), %rsp
    mov T(lapictest_tramp_entry), %rax
    call *%rax              /* does not return */
1:  hlt
    jmp 1b
    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00af9a000000ffff /* 0x08: 64-bit code (the runtime's selector) */
    .quad 0x00cf92000000ffff /* 0x10: data */
    .quad 0x00cf9a000000ffff /* 0x18: 32-bit code */
tramp_gdtr:
    .word 31
    .long T(tramp_gdt)
    .balign 8
lapictest_tramp_cr3:    .quad 0
lapictest_tramp_stack:  .quad 0
lapictest_tramp_entry:  .quad 0
    .global lapictest_tramp_entered
lapictest_tramp_entered:
tramp_entered:          .long 0
lapictest_tramp_end:

    .section .note.GNU-stack, "", @progbits
