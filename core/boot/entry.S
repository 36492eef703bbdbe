/* SPDX-License-Identifier: MIT */
/*
 * First instructions of the core: the Multiboot2 header, then 32-bit
 * protected mode as the loader leaves it. Checks the loader magic and the
 * CPU's long mode and NX, builds temporary page tables (identity and
 * direct map of the first 4 GiB, the core image at -2 GiB), enters long
 * mode and calls core_main(magic, info_paddr) on the boot stack. Nothing
 * else: the real page tables are built in C (core/arch/x86_64/paging.c).
 */
#include "core/layout.h"

#define MB2_MAGIC      0xe85250d6
#define MB2_ARCH_I386  0
#define MB2_LOADER_MAGIC 0x36d76289

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* module alignment tag: modules start on page boundaries */
    .balign 8
    .word 6, 0
    .long 8
    /* end tag */
    .balign 8
    .word 0, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .global boot_entry32
boot_entry32:
    cli
    cld
    movl $boot_stack32_top, %esp
    movl %eax, boot_saved_magic     /* core_main arg 1, checked in C */
    movl %ebx, boot_saved_info      /* core_main arg 2 */

    movl $msg_no_lm, %ebp
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb early_fail
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx          /* long mode */
    jz early_fail
    movl $msg_no_nx, %ebp
    testl $(1 << 20), %edx          /* NX */
    jz early_fail

    /* Zero the early tables, then fill them. */
    movl $boot_tables_start, %edi
    movl $((boot_tables_end - boot_tables_start) / 4), %ecx
    xorl %eax, %eax
    rep stosl

    movl $(boot_pdpt_low + 3), boot_pml4              /* identity */
    movl $(boot_pdpt_low + 3), boot_pml4 + 8 * 256    /* direct map */
    movl $(boot_pdpt_high + 3), boot_pml4 + 8 * 511   /* core image */
    movl $(boot_pd + 3), boot_pdpt_high + 8 * 510     /* -2 GiB -> 0 */
    movl $(boot_pd + 0x0000 + 3), boot_pdpt_low + 0
    movl $(boot_pd + 0x1000 + 3), boot_pdpt_low + 8
    movl $(boot_pd + 0x2000 + 3), boot_pdpt_low + 16
    movl $(boot_pd + 0x3000 + 3), boot_pdpt_low + 24
    /* 4 page directories: 2048 entries of 2 MiB = the first 4 GiB */
    movl $boot_pd, %edx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax                 /* present, writable, 2 MiB */
    movl %eax, (%edx, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                  /* bits 32+ of the address */
    movl %eax, 4(%edx, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b

    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx          /* EFER: long mode, NX enable */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $entry64_low

/* Print the message at %ebp on COM1, tell QEMU's debug-exit device
 * "refused" (2), then halt for good. */
early_fail:
    movb (%ebp), %al
    testb %al, %al
    jz 2f
    movw $0x3fd, %dx
1:  inb %dx, %al
    testb $0x20, %al
    jz 1b
    movb (%ebp), %al
    movw $0x3f8, %dx
    outb %al, %dx
    incl %ebp
    jmp early_fail
2:  movl $2, %eax
    movw $0xf4, %dx
    outl %eax, %dx
3:  cli
    hlt
    jmp 3b

    .code64
entry64_low:
    movl boot_saved_magic, %edi     /* zero-extends into %rdi */
    movl boot_saved_info, %esi
    movabsq $entry64_high, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 8
boot_saved_magic:
    .long 0
boot_saved_info:
    .long 0
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_ptr:
    .word boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt
msg_no_lm:
    .asciz "mosaic: refusing to boot: this CPU has no 64-bit long mode\r\n"
msg_no_nx:
    .asciz "mosaic: refusing to boot: this CPU has no NX (no-execute) support\r\n"

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_tables_start:
    .global boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4
boot_tables_end:
boot_stack32:   .skip 1024
boot_stack32_top:

    .text
entry64_high:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    /* rdi = loader magic, rsi = info block physical address */
    call core_main
1:  cli
    hlt
    jmp 1b

    .bss
    .balign 4096
    .global boot_stack_top
boot_stack:
    .skip CORE_STACK_SIZE
boot_stack_top:
