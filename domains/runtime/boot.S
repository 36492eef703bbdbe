/* SPDX-License-Identifier: MIT */
/*
 * The PVH entry (Xen public ABI, arch-x86/hvm/start_info.h and
 * elfnote.h): entered in 32-bit flat protected mode, paging off, %ebx =
 * physical address of struct hvm_start_info. Zeroes .bss, identity-maps
 * [0, 4 GiB) (page 0 in its own page table: runtime.c unmaps it later, so
 * a NULL access faults), enters long mode with SSE enabled and calls
 * runtime_entry(start_info) on the boot stack.
 * It reads nothing from start_info: runtime.c validates it.
 * boot_vcpu_entry is where the other vCPUs start (runtime_vcpu.c), already
 * in 64-bit mode on these page tables: it loads the GDT and the segments
 * and resets x87 and SSE, as vCPU 0 did here.
 *
 * Every mapping is present, writable and executable (no NX bit set): a
 * domain is one protection domain, isolated by the core's nested paging.
 * The ELF segment flags say what each part should be; honouring them here
 * is a later hardening step. Caching is write-back everywhere: device
 * memory wants its own mappings once a domain drives hardware.
 */

#define PTE_P  0x001
#define PTE_W  0x002
#define PTE_PS 0x080 /* 2 MiB page in a page directory */

#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_EM 0x00000004
#define CR0_TS 0x00000008
#define CR0_PG 0x80000000
#define CR4_PAE        0x00000020
#define CR4_OSFXSR     0x00000200
#define CR4_OSXMMEXCPT 0x00000400

#define MSR_EFER  0xc0000080
#define EFER_LME  0x00000100
#define EFER_NXE  0x00000800
#define CPUID_EXT_NX (1 << 20) /* CPUID 0x80000001 EDX */

#define GDT_CODE64 0x08
#define GDT_DATA   0x10

#define BOOT_STACK_SIZE 0x10000
#define MXCSR_DEFAULT   0x1f80 /* all SSE exceptions masked, round to nearest */

/* XEN_ELFNOTE_PHYS32_ENTRY (18), owner "Xen". The descriptor is 8 bytes
 * and the note 4-aligned: QEMU's PVH loader reads 8 bytes at the
 * descriptor and computes its offset with the segment's p_align. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 /* namesz: "Xen\0" */
    .long 8                 /* descsz */
    .long 18                /* type */
    .asciz "Xen"
    .quad pvh_start

    .section .text.boot, "ax", @progbits
    .code32
    .global pvh_start
pvh_start:
    cli
    cld
    /* Zero .bss first: it holds the page tables and the stack we are
     * about to use. %ebx (start_info) survives: rep stos uses eax/ecx/edi. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
    mov $(boot_pdpt + PTE_P + PTE_W), %eax
    mov %eax, boot_pml4
    mov $(boot_pd + PTE_P + PTE_W), %eax
    xor %ecx, %ecx
1:  mov %eax, boot_pdpt(, %ecx, 8)
    add $0x1000, %eax
    inc %ecx
    cmp $4, %ecx
    jb 1b

    /* 2048 2 MiB pages; the first 2 MiB are replaced just below. */
    mov $(PTE_P + PTE_W + PTE_PS), %eax
    xor %ecx, %ecx
2:  mov %eax, boot_pd(, %ecx, 8)
    add $0x200000, %eax
    inc %ecx
    cmp $2048, %ecx
    jb 2b

    /* [0, 2 MiB) in 4 KiB pages, so that runtime.c can take page 0 away
     * once it has copied start_info (QEMU leaves the memory map there). */
    mov $(boot_pt0 + PTE_P + PTE_W), %eax
    mov %eax, boot_pd
    mov $(PTE_P + PTE_W), %eax
    xor %ecx, %ecx
3:  mov %eax, boot_pt0(, %ecx, 8)
    add $0x1000, %eax
    inc %ecx
    cmp $512, %ecx
    jb 3b

    /* PAE and SSE (newlib is compiled with SSE), then the page tables. */
    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3

    /* EFER: long mode, and NX where the CPU has it. cpuid clobbers %ebx. */
    mov %ebx, %ebp
    mov $0x80000001, %eax
    cpuid
    mov $EFER_LME, %esi
    test $CPUID_EXT_NX, %edx
    jz 4f
    or $EFER_NXE, %esi
4:  mov $MSR_EFER, %ecx
    rdmsr
    or %esi, %eax
    wrmsr

    /* Paging on (long mode becomes active); x87/SSE usable without traps. */
    mov %cr0, %eax
    and $~(CR0_EM | CR0_TS), %eax
    or $(CR0_PG | CR0_PE | CR0_MP), %eax
    mov %eax, %cr0

    lgdt boot_gdt_desc
    ljmp $GDT_CODE64, $start64

    .code64
start64:
    mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    lgdt boot_gdt_desc      /* again, now with the 64-bit base */
    mov $boot_stack_top, %rsp
    mov %ebp, %edi          /* start_info, zero-extended */
    xor %ebp, %ebp          /* the end of every backtrace */
    fninit
    ldmxcsr boot_mxcsr
    call runtime_entry
5:  cli                     /* runtime_entry does not return */
    hlt
    jmp 5b

/* A started vCPU: %rsp = the top of its stack, %rdi = its struct
 * runtime_cpu; paging, PAE, SSE and long mode set by its start context.
 * The hypervisor gave it no GDT (base 0, limit 0): load the runtime's
 * before anything can reload a segment (an exception does). */
    .global boot_vcpu_entry
boot_vcpu_entry:
    lgdt boot_gdt_desc
    mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs           /* runtime_vcpu_entry sets the GS base after this */
    pushq $GDT_CODE64       /* CS from the GDT too, by a far return */
    lea 6f(%rip), %rax
    pushq %rax
    lretq
6:  xor %ebp, %ebp          /* the end of every backtrace */
    fninit
    ldmxcsr boot_mxcsr
    call runtime_vcpu_entry
7:  cli                     /* runtime_vcpu_entry does not return */
    hlt
    jmp 7b

    .section .rodata
    .balign 4
boot_mxcsr:
    .long MXCSR_DEFAULT

    /* A flat GDT: null, 64-bit code, data. Accessed bits preset so the
     * CPU never writes here. */
    .section .data
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9b000000ffff /* GDT_CODE64: L=1, present, DPL 0, execute/read */
    .quad 0x00cf93000000ffff /* GDT_DATA: present, DPL 0, read/write */
boot_gdt_end:
    .balign 8
    .word 0
boot_gdt_desc: /* limit, base; 32-bit lgdt reads the low half of the base */
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .bss.runtime, "aw", @nobits
    .balign 4096
    .global boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .global boot_pt0
boot_pt0:
    .skip 4096

    .section .bss.boot_stack, "aw", @nobits
    .balign 16
    .global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
