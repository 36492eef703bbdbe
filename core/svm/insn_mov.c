/* SPDX-License-Identifier: MIT */
/*
 * The MOV forms of insn_mov.h: prefixes, the opcode, then the length of
 * the ModRM, SIB and displacement bytes and of an immediate. Every read
 * of b is checked against n first.
 */
#include "core/insn_mov.h"
#include "core/errno.h"

/* Bytes of the memory operand after the opcode (ModRM, SIB, displacement),
 * or 0 for a register operand or bytes past n. */
static size_t modrm_len(const uint8_t *b, size_t n, size_t at)
{
    uint8_t modrm, mod, rm;
    size_t len = 1;

    if (at >= n)
        return 0;
    modrm = b[at];
    mod = modrm >> 6;
    rm = modrm & 7;
    if (mod == 3)
        return 0; /* a register: no memory was touched */
    if (rm == 4) {
        if (at + 1 >= n)
            return 0;
        len++; /* SIB; its base 5 with mod 0 means a disp32 */
        if (mod == 0 && (b[at + 1] & 7) == 5)
            len += 4;
    } else if (mod == 0 && rm == 5) {
        len += 4; /* RIP-relative (64-bit) or absolute (32-bit) */
    }
    len += mod == 1 ? 1 : mod == 2 ? 4 : 0;
    return at + len <= n ? len : 0;
}

int insn_mov_decode(const uint8_t *b, size_t n, bool long64, struct insn_mov *out)
{
    struct insn_mov m = { 0 };
    bool opsize = false, addrsize = false;
    uint8_t rex = 0, op;
    size_t at = 0, len;

    n = MIN(n, (size_t)INSN_MOV_MAX);
    for (; at < n; at++) {
        uint8_t p = b[at];
        if (p == 0x66)
            opsize = true;
        else if (p == 0x67)
            addrsize = true;
        else if (p != 0x26 && p != 0x2e && p != 0x36 && p != 0x3e && p != 0x64 && p != 0x65)
            break; /* segments only shift the address, which the exit gave */
    }
    if (at < n && long64 && (b[at] & 0xf0) == 0x40)
        rex = b[at++]; /* REX counts only right before the opcode */
    if (at >= n || (addrsize && !long64))
        return -ERR_INVAL;
    op = b[at++];
    m.size = (op & 1) == 0 ? 1 : (rex & 8) ? 8 : opsize ? 2 : 4;
    m.write = op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7 || op == 0xa2 || op == 0xa3;
    if (op >= 0xa0 && op <= 0xa3) { /* accumulator and an absolute address */
        len = long64 && !addrsize ? 8 : 4;
        m.reg = 0;
    } else if (op == 0x88 || op == 0x89 || op == 0x8a || op == 0x8b || op == 0xc6 || op == 0xc7) {
        len = modrm_len(b, n, at);
        if (len == 0 || ((op & 0xfe) == 0xc6 && (b[at] & 0x38) != 0))
            return -ERR_INVAL; /* C6/C7 with a reg field other than 0 is another instruction */
        m.reg = (uint8_t)(((b[at] >> 3) & 7) | ((rex & 4) << 1));
        m.imm = (op & 0xfe) == 0xc6;
        if (m.imm)
            len += m.size == 1 ? 1 : m.size == 2 ? 2 : 4; /* imm32 sign-extended for a 64-bit move */
    } else {
        return -ERR_INVAL;
    }
    if (at + len > n)
        return -ERR_INVAL;
    m.len = (uint8_t)(at + len);
    m.high_byte = m.size == 1 && !rex && m.reg >= 4 && !m.imm;
    *out = m;
    return 0;
}
