/* SPDX-License-Identifier: MIT */
/*
 * Decoding the guest instruction that touched guest-physical memory
 * nothing backs, so the core can finish it as Xen does (reads give all
 * ones, writes are dropped) without a full emulator: QEMU's SVM gives no
 * decode assists and no next RIP. Only the common MOV forms between a
 * register (or an immediate) and memory (AMD APM vol. 3, "MOV"): 88, 89,
 * 8A, 8B, C6 /0, C7 /0 and A0-A3, with the 66 and 67, segment and REX
 * prefixes. The faulting address comes from the exit, so the operand's
 * address is only measured, never computed. Portable (STYLE 18): plain C
 * on bytes the caller fetched; anything else is refused.
 */
#pragma once

#include "core/types.h"

#define INSN_MOV_MAX 15 /* the architectural limit of an instruction's length */

struct insn_mov {
    uint8_t len;    /* bytes, prefixes included */
    uint8_t size;   /* bytes moved: 1, 2, 4 or 8 */
    bool write;     /* memory is the destination */
    bool imm;       /* write: the source is an immediate, not a register */
    uint8_t reg;    /* the register written (reads) or read (writes): 0 rax .. 15 r15 */
    bool high_byte; /* size 1: reg 4-7 name AH, CH, DH, BH (no REX prefix) */
};

/*
 * insn_mov_decode: the instruction in b[0..n) (n <= INSN_MOV_MAX bytes
 * fetched at RIP), run in 64-bit mode (long64) or 32-bit protected mode.
 * 0 and *out, or -ERR_INVAL for anything else (another instruction, a
 * register operand, 16-bit addressing in 32-bit mode, LOCK or REP
 * prefixes, more bytes than n). Writes *out only on success.
 */
int insn_mov_decode(const uint8_t *b, size_t n, bool long64, struct insn_mov *out) __attribute__((warn_unused_result));
