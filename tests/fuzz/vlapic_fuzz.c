/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a guest's RDMSR/WRMSR of every x2APIC register, interrupts
 * arriving, the CPU taking them and the timer expiring, in any order
 * (core/vlapic/vlapic.c). The input is a list of records, an opcode byte
 * then its operands:
 *   0 read (msr low byte, now u32)     1 write (msr low byte, value u64, now u32)
 *   2 interrupt arrives (vector u8)    3 the CPU takes the pending vector
 *   4 the timer fires (now u32)
 * After every step the state keeps its invariants, and what the
 * functions return agrees with the registers.
 */
#include "core/errno.h"
#include "core/vlapic.h"
#include "fuzz.h"

FUZZ_ORACLE static bool bit(const uint32_t *reg, unsigned v)
{
    return (reg[v / 32] >> (v % 32)) & 1;
}

FUZZ_ORACLE static int highest(const uint32_t *reg)
{
    for (int v = 255; v >= 0; v--)
        if (bit(reg, (unsigned)v))
            return v;
    return -1;
}

FUZZ_ORACLE static void check_state(const struct vlapic *l)
{
    static const uint32_t writable[VLAPIC_LVTS] = { 0x300ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff };
    int p = vlapic_pending(l), isrv = highest(l->isr);
    uint32_t ppr = (l->tpr & 0xf0) >= (uint32_t)(isrv < 0 ? 0 : isrv & 0xf0) ? l->tpr : (uint32_t)isrv & 0xf0;

    FUZZ_CHECK(l->tpr <= 0xff && l->svr <= 0x3ff && (l->timer_divide & ~0xbu) == 0 && l->esr <= 0xff);
    for (unsigned i = 0; i < VLAPIC_LVTS; i++)
        FUZZ_CHECK((l->lvt[i] & ~writable[i]) == 0);
    for (unsigned v = 0; v < 16; v++)
        FUZZ_CHECK(!bit(l->irr, v) && !bit(l->isr, v));
    if (p >= 0) {
        FUZZ_CHECK(p >= 16 && p == highest(l->irr) && (l->svr & 0x100));
        FUZZ_CHECK(((unsigned)p & 0xf0) > (ppr & 0xf0));
    } else {
        int irrv = highest(l->irr);
        FUZZ_CHECK(irrv < 0 || !(l->svr & 0x100) || ((unsigned)irrv & 0xf0) <= (ppr & 0xf0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct vlapic l;
    struct vlapic_ipi ipi;
    uint64_t val;

    vlapic_reset(&l, fuzz_u8(&in));
    for (unsigned steps = 0; in.left && steps < 256; steps++) {
        uint8_t op = fuzz_u8(&in) % 5;
        uint32_t msr = 0x800u + fuzz_u8(&in);
        int r, p;

        switch (op) {
        case 0:
            val = 0x5a5a;
            r = vlapic_read(&l, msr, fuzz_u32(&in), &val);
            FUZZ_CHECK(r == 0 || (r == -ERR_INVAL && val == 0x5a5a));
            break;
        case 1:
            val = fuzz_u64(&in);
            r = vlapic_write(&l, msr, val, fuzz_u32(&in), &ipi);
            FUZZ_CHECK(r == 0 || r == VLAPIC_SEND || r == -ERR_INVAL);
            if (r == VLAPIC_SEND) {
                FUZZ_CHECK(ipi.mode == VLAPIC_DM_FIXED || ipi.mode == VLAPIC_DM_NMI || ipi.mode == VLAPIC_DM_INIT ||
                           ipi.mode == VLAPIC_DM_SIPI);
                FUZZ_CHECK(ipi.mode != VLAPIC_DM_FIXED || ipi.vector >= 16);
                FUZZ_CHECK(ipi.shorthand <= 3 && ipi.logical <= 1);
            }
            if (r == 0 && msr == 0x838)
                FUZZ_CHECK((l.timer_deadline != 0) == ((uint32_t)val != 0));
            break;
        case 2: vlapic_set_irr(&l, msr & 0xff); break;
        case 3:
            p = vlapic_pending(&l);
            if (p >= 0) {
                vlapic_ack(&l, (unsigned)p);
                FUZZ_CHECK(bit(l.isr, (unsigned)p) && !bit(l.irr, (unsigned)p));
            }
            break;
        default: {
            uint64_t now = fuzz_u32(&in) + l.timer_deadline, next = vlapic_timer_fire(&l, l.timer_deadline, now);
            FUZZ_CHECK(next == 0 || next > now);
            break;
        }
        }
        check_state(&l);
    }
    return 0;
}
