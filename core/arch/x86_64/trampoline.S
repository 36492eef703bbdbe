/* SPDX-License-Identifier: MIT */
/*
 * Application-processor start-up code. smp.c copies the bytes between
 * trampoline_start and trampoline_end to TRAMPOLINE_PADDR and fills in the
 * parameter block at its end; a STARTUP IPI starts the AP here in real
 * mode. It goes to protected mode, enables PAE paging with a temporary
 * root (identity-maps only this page, shares the core's upper half) and
 * long mode, then jumps to trampoline_ap_entry in the core on its own stack.
 * Kept in .rodata: these bytes are copied, never run where they link.
 */
#include "core/layout.h"

#define TADDR(sym) (TRAMPOLINE_PADDR + ((sym) - trampoline_start))

    .section .rodata
    .balign 16
    .global trampoline_start, trampoline_end, trampoline_params
    .code16
trampoline_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl TADDR(tramp_gdt_ptr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $TADDR(tramp_32)

    .code32
tramp_32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $(1 << 5), %eax                 /* PAE */
    movl %eax, %cr4
    movl TADDR(tp_cr3), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx              /* EFER: LME, NXE */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax  /* PG, WP */
    movl %eax, %cr0
    ljmpl $0x18, $TADDR(tramp_64)

    .code64
tramp_64:
    movq TADDR(tp_stack), %rsp
    movq TADDR(tp_percpu), %rdi
    movq TADDR(tp_entry), %rax
    jmp *%rax

    .balign 16
tramp_gdt:
    .quad 0
    .quad 0x00cf9b000000ffff            /* 0x08: 32-bit code */
    .quad 0x00cf93000000ffff            /* 0x10: data */
    .quad 0x00af9b000000ffff            /* 0x18: 64-bit code */
tramp_gdt_ptr:
    .word tramp_gdt_ptr - tramp_gdt - 1
    .long TADDR(tramp_gdt)

    .balign 8
trampoline_params:                      /* struct trampoline_params */
tp_cr3:     .quad 0
tp_entry:   .quad 0
tp_stack:   .quad 0
tp_percpu:  .quad 0
trampoline_end:

    .text
    .global trampoline_ap_entry
/* First core code on an AP: switch to the core's own page tables (the
 * stack and percpu pointer are valid in both) and enter C. */
trampoline_ap_entry:
    movq smp_kernel_cr3(%rip), %rax
    movq %rax, %cr3
    xorl %ebp, %ebp
    call smp_ap_main
1:  cli
    hlt
    jmp 1b
