/* SPDX-License-Identifier: MIT */
/*
 * What the VT-d files of core/iommu share: the units that were set up,
 * their registers, the one lock over all of them, and queued invalidation.
 */
#pragma once

#include "core/dmar.h"
#include "core/spinlock.h"
#include "core/vtd.h"

struct vtd_unit {
    volatile uint8_t *regs;        /* its register page, uncached */
    uint64_t cap, ecap;            /* read once at boot */
    const struct dmar_unit *du;    /* what the DMAR says of it: segment, scope */
    bool ir;                       /* interrupt remapping on */
    paddr_t root;                  /* root table: protected by vtd_lock */
    struct vtd_inv_desc *iq;       /* invalidation queue, VTD_IQ_SLOTS: protected by vtd_lock */
    unsigned iq_tail;              /* next free slot: protected by vtd_lock */
    uint32_t wait_seq;             /* last wait descriptor's data: protected by vtd_lock */
    volatile uint32_t wait_status; /* written by the unit when a wait completes */
};

/* Units set up by vtd_setup (written once at boot, then read-only). */
extern struct vtd_unit vtd_units[DMAR_MAX_UNITS];
extern unsigned vtd_nunits;
/* Every unit's queue, context tables and the interrupt remapping table.
 * Lock order: a domain's lock, then this one. */
extern struct spinlock vtd_lock;

static inline uint32_t vtd_read32(const struct vtd_unit *u, unsigned off)
{
    return *(volatile uint32_t *)(volatile void *)(u->regs + off);
}
static inline uint64_t vtd_read64(const struct vtd_unit *u, unsigned off)
{
    return *(volatile uint64_t *)(volatile void *)(u->regs + off);
}
static inline void vtd_write32(struct vtd_unit *u, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(volatile void *)(u->regs + off) = v;
}
static inline void vtd_write64(struct vtd_unit *u, unsigned off, uint64_t v)
{
    *(volatile uint64_t *)(volatile void *)(u->regs + off) = v;
}

/* vtd_setup: set every unit of the DMAR up and turn it on; returns how
 * many are on. Boot CPU, once. */
unsigned vtd_setup(const struct dmar_info *dmar);

/* vtd_command: set (on) or clear a GCMD bit and wait until GSTS shows it;
 * panics after a timeout (the unit is broken). Boot or vtd_lock held. */
void vtd_command(struct vtd_unit *u, uint32_t bit, bool on);

/* vtd_invalidate: queue n descriptors and a wait, and return once the unit
 * has done them all (panics after a timeout). vtd_lock held, or boot. */
void vtd_invalidate(struct vtd_unit *u, const struct vtd_inv_desc *d, unsigned n);

/* vtd_context: the context entry for requester sid (bus << 8 | devfn) on
 * u; NULL when its bus has no context table (made when create, NULL
 * also when no frame is left). vtd_lock held. */
struct vtd_context_entry *vtd_context(struct vtd_unit *u, uint16_t sid, bool create);

/* vtd_ir_enable: point u at the shared interrupt remapping table and turn
 * remapping on; false (logged) when the table cannot be had. Boot CPU. */
bool vtd_ir_enable(struct vtd_unit *u);
