/* SPDX-License-Identifier: MIT */
/*
 * The smallest valid PVH domain image: an ELF64 executable with the Xen
 * PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 18) whose 32-bit entry
 * halts. Boot scenarios pass it (whole, truncated, or replaced) as the
 * root-domain module to prove the core's module validation.
 */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 /* namesz: "Xen\0" */
    .long 4                 /* descsz */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_entry

    .text
    .code32
    .global pvh_entry
pvh_entry:
    cli
1:  hlt
    jmp 1b

    .data
    .balign 16
    .fill 1024, 4, 0x6d6f7361 /* some initialised data: a second segment */
