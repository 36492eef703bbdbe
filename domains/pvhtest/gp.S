/* SPDX-License-Identifier: MIT */
/*
 * A #GP handler for pvhtest's MSR probes only: counts the fault and
 * resumes after the two-byte RDMSR or WRMSR that raised it. Installed in
 * a copy of the runtime's IDT while the probes run (pvhtest.c).
 */
    .text
    .globl pvhtest_gp_entry
pvhtest_gp_entry:
    addq $8, %rsp               /* the error code */
    addq $2, (%rsp)             /* RIP past rdmsr/wrmsr */
    lock incl pvhtest_gp_count(%rip)
    iretq

    .section .note.GNU-stack, "", @progbits
