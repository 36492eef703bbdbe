/* SPDX-License-Identifier: MIT */
/*
 * The emulated local APIC's registers in x2APIC mode (Intel SDM vol. 3,
 * 10.12, table 10-6): what each MSR reads and accepts, priorities, the
 * timer counted from core time. Interrupts are edge-triggered only (TMR
 * reads zero); the caller delivers IPIs and injects (vlapic.h).
 */
#include "core/vlapic.h"
#include "core/errno.h"
#include "core/string.h"

#define SVR_ENABLE   (1u << 8)
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_ERROR    5
#define ESR_SEND_ILL (1u << 5) /* send illegal vector */
#define ESR_RECV_ILL (1u << 6) /* receive illegal vector */
#define ICR_VALID    0xffffffff000ccfffull

/* Writable bits of each LVT (SDM 10.5.1): vector, delivery mode,
 * polarity, trigger, mask; the timer's mode has no TSC-deadline bit. */
static const uint32_t lvt_writable[VLAPIC_LVTS] = { 0x300ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff };

void vlapic_reset(struct vlapic *l, uint32_t id)
{
    memset(l, 0, sizeof(*l));
    l->id = id;
    l->svr = 0xff;
    for (unsigned i = 0; i < VLAPIC_LVTS; i++)
        l->lvt[i] = LVT_MASKED;
}

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const uint32_t *reg)
{
    for (int i = 7; i >= 0; i--) {
        uint32_t w = __atomic_load_n(&reg[i], __ATOMIC_ACQUIRE);
        if (w)
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

/* Processor priority (SDM 10.8.3.1): the task priority, or the class of
 * the highest vector in service if that is higher. */
static uint32_t ppr(const struct vlapic *l)
{
    int isrv = highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    return (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
}

static void set_error(struct vlapic *l, uint32_t bits)
{
    uint32_t lvt = __atomic_load_n(&l->lvt[LVT_ERROR], __ATOMIC_RELAXED);

    __atomic_fetch_or(&l->esr_next, bits, __ATOMIC_SEQ_CST);
    if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
        vlapic_set_irr(l, lvt & 0xff);
}

void vlapic_set_irr(struct vlapic *l, unsigned vector)
{
    if (vector < 16 || vector > 255) {
        set_error(l, ESR_RECV_ILL);
        return;
    }
    __atomic_fetch_or(&l->irr[vector / 32], 1u << (vector % 32), __ATOMIC_SEQ_CST);
}

int vlapic_pending(const struct vlapic *l)
{
    int irrv = highest(l->irr);

    if (!(l->svr & SVR_ENABLE))
        return -1; /* held until the APIC is enabled (SDM 10.4.7.2) */
    return irrv >= 0 && ((uint32_t)irrv & 0xf0) > (ppr(l) & 0xf0) ? irrv : -1;
}

void vlapic_ack(struct vlapic *l, unsigned vector)
{
    __atomic_fetch_and(&l->irr[vector / 32 % 8], ~(1u << (vector % 32)), __ATOMIC_SEQ_CST);
    l->isr[vector / 32 % 8] |= 1u << (vector % 32);
}

/* TDCR bits 0, 1 and 3 (SDM figure 10-10): 2^(n+1), 0b111 meaning 1. */
static uint64_t divisor(const struct vlapic *l)
{
    uint32_t n = (l->timer_divide & 3) | ((l->timer_divide >> 1) & 4);

    return 1ull << ((n + 1) & 7);
}

static uint64_t period_ns(const struct vlapic *l)
{
    return (uint64_t)l->timer_initial * divisor(l) * VLAPIC_NS_PER_TICK;
}

static uint32_t current_count(const struct vlapic *l, uint64_t now)
{
    uint64_t ticks = now > l->timer_start_ns ? (now - l->timer_start_ns) / (divisor(l) * VLAPIC_NS_PER_TICK) : 0;

    if (!l->timer_initial)
        return 0;
    if (l->lvt[0] & LVT_PERIODIC)
        return l->timer_initial - (uint32_t)(ticks % l->timer_initial);
    return ticks >= l->timer_initial ? 0 : l->timer_initial - (uint32_t)ticks;
}

uint64_t vlapic_timer_fire(struct vlapic *l, uint64_t due, uint64_t now)
{
    uint32_t lvt = __atomic_load_n(&l->lvt[0], __ATOMIC_RELAXED);
    uint64_t period = MAX(period_ns(l), VLAPIC_MIN_PERIOD_NS), next = due + period;

    if (!(lvt & LVT_MASKED))
        vlapic_set_irr(l, lvt & 0xff);
    if (!(lvt & LVT_PERIODIC) || !period)
        return 0;
    if (next <= now) /* behind by whole periods: one interrupt for them */
        next += ((now - next) / period + 1) * period;
    return next;
}

int vlapic_read(const struct vlapic *l, uint32_t msr, uint64_t now, uint64_t *val)
{
    uint32_t reg = msr - 0x800;

    if (reg >= 0x10 && reg < 0x28) { /* ISR, TMR (always 0: edge only), IRR */
        const uint32_t *r = reg < 0x18 ? l->isr : reg >= 0x20 ? l->irr : NULL;
        *val = r ? __atomic_load_n(&r[reg % 8], __ATOMIC_RELAXED) : 0;
        return 0;
    }
    if (reg >= 0x32 && reg < 0x32 + VLAPIC_LVTS) {
        *val = l->lvt[reg - 0x32];
        return 0;
    }
    switch (reg) {
    case 0x02: *val = l->id; return 0;
    case 0x03: *val = 0x14 | ((VLAPIC_LVTS - 1) << 16); return 0; /* integrated APIC, no EOI suppression */
    case 0x08: *val = l->tpr; return 0;
    case 0x0a: *val = ppr(l); return 0;
    case 0x0d: *val = ((l->id >> 4) << 16) | (1u << (l->id & 15)); return 0; /* cluster, bit (10.12.10.2) */
    case 0x0f: *val = l->svr; return 0;
    case 0x28: *val = l->esr; return 0;
    case 0x30: *val = l->icr; return 0;
    case 0x38: *val = l->timer_initial; return 0;
    case 0x39: *val = current_count(l, now); return 0;
    case 0x3e: *val = l->timer_divide; return 0;
    default: return -ERR_INVAL;
    }
}

/* An ICR value as an IPI to send (SDM 10.6.1); 0 when nothing goes. */
static int icr_write(struct vlapic *l, uint64_t val, struct vlapic_ipi *ipi)
{
    bool level = val & (1u << 15), assert = val & (1u << 14);

    l->icr = val & ICR_VALID;
    *ipi = (struct vlapic_ipi){
        .dest = (uint32_t)(val >> 32),
        .vector = (uint8_t)val,
        .mode = (val >> 8) & 7,
        .shorthand = (val >> 18) & 3,
        .logical = (val >> 11) & 1,
    };
    if (ipi->mode == 1)
        ipi->mode = VLAPIC_DM_FIXED; /* lowest priority: every target is as low as any */
    if (ipi->mode == VLAPIC_DM_FIXED && ipi->vector < 16) {
        set_error(l, ESR_SEND_ILL);
        return 0;
    }
    if (ipi->mode == VLAPIC_DM_INIT && level && !assert)
        return 0; /* INIT level de-assert: no effect since the Pentium 4 */
    return ipi->mode == VLAPIC_DM_FIXED || ipi->mode == VLAPIC_DM_INIT || ipi->mode == VLAPIC_DM_SIPI ||
                   ipi->mode == VLAPIC_DM_NMI
               ? VLAPIC_SEND
               : 0; /* SMI and the reserved modes are dropped */
}

static void eoi(struct vlapic *l)
{
    int v = highest(l->isr);

    if (v >= 0)
        l->isr[v / 32] &= ~(1u << (v % 32));
}

static void write_lvt(struct vlapic *l, unsigned i, uint32_t val)
{
    val &= lvt_writable[i];
    if (!(l->svr & SVR_ENABLE))
        val |= LVT_MASKED; /* cannot be unmasked while disabled (10.4.7.2) */
    __atomic_store_n(&l->lvt[i], val, __ATOMIC_RELAXED);
}

int vlapic_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now, struct vlapic_ipi *ipi)
{
    uint32_t reg = msr - 0x800;

    if (reg == 0x30)
        return icr_write(l, val, ipi);
    if (val >> 32)
        return -ERR_INVAL;
    if (reg >= 0x32 && reg < 0x32 + VLAPIC_LVTS) {
        write_lvt(l, reg - 0x32, (uint32_t)val);
        return 0;
    }
    switch (reg) {
    case 0x08: l->tpr = val & 0xff; return 0;
    case 0x0b: /* EOI */
        if (val)
            return -ERR_INVAL;
        eoi(l);
        return 0;
    case 0x0f:
        __atomic_store_n(&l->svr, val & 0x3ff, __ATOMIC_RELAXED);
        for (unsigned i = 0; !(val & SVR_ENABLE) && i < VLAPIC_LVTS; i++)
            l->lvt[i] |= LVT_MASKED;
        return 0;
    case 0x28: /* ESR: a write (of zero) latches the errors since the last */
        if (val)
            return -ERR_INVAL;
        l->esr = __atomic_exchange_n(&l->esr_next, 0, __ATOMIC_SEQ_CST);
        return 0;
    case 0x38:
        l->timer_initial = (uint32_t)val;
        l->timer_start_ns = now;
        __atomic_store_n(&l->timer_deadline, val ? now + period_ns(l) : 0, __ATOMIC_SEQ_CST);
        return 0;
    case 0x3e: l->timer_divide = val & 0xb; return 0;               /* applies from the next TMICT write */
    case 0x3f: return icr_write(l, (val & 0xff) | (1u << 18), ipi); /* SELF_IPI: fixed, to self */
    default: return -ERR_INVAL;
    }
}

bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t self, uint32_t id)
{
    switch (ipi->shorthand) {
    case 1: return id == self;
    case 2: return true;
    case 3: return id != self;
    default: break;
    }
    if (ipi->dest == 0xffffffffu) /* broadcast, in either mode */
        return true;
    if (!ipi->logical)
        return ipi->dest == id;
    return (ipi->dest >> 16) == (id >> 4) && (ipi->dest & (1u << (id & 15)));
}
