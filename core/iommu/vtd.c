/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d remapping units: set-up at boot (root table, queued
 * invalidation, interrupt remapping, then translation with no device
 * present), context entries for assigned functions, and the hooks that
 * keep a domain's DMA tables (vtd_space.c) in step with its memory. Which
 * function goes to which domain is core/pci's business, checked there.
 */
#include "core/arch.h"
#include "core/domain.h"
#include "core/errno.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/panic.h"
#include "core/vtd_space.h"
#include "vtd_priv.h"

#define VTD_TIMEOUT_NS 100000000ull /* QEMU answers at once; hardware within microseconds */

struct vtd_unit vtd_units[DMAR_MAX_UNITS];
unsigned vtd_nunits;
struct spinlock vtd_lock;
static unsigned levels;  /* second-level depth every unit supports: 3 or 4 */
static bool caching;     /* some unit caches not-present entries (CAP.CM) */
static bool noncoherent; /* some unit does not snoop table writes (ECAP.C clear) */

void vtd_env_flush(const void *p, size_t n)
{
    if (noncoherent)
        arch_cache_flush(p, n);
}

static void vtd_wait(const struct vtd_unit *u, const volatile uint32_t *p, uint32_t mask, uint32_t want,
                     const char *what)
{
    uint64_t start = arch_time_ns();

    while ((*p & mask) != want) {
        if (arch_time_ns() - start > VTD_TIMEOUT_NS)
            panic("iommu: unit %u: %s not done after 100 ms (FSTS 0x%x)", (unsigned)(u - vtd_units), what,
                  vtd_read32(u, VTD_FSTS));
        arch_cpu_relax();
    }
}

void vtd_command(struct vtd_unit *u, uint32_t bit, bool on)
{
    uint32_t keep = vtd_read32(u, VTD_GSTS) & VTD_GCMD_PERSISTENT;

    /* GCMD is write-only: each write restates every persistent bit. */
    vtd_write32(u, VTD_GCMD, on ? keep | bit : keep & ~bit);
    vtd_wait(u, (const volatile uint32_t *)(volatile void *)(u->regs + VTD_GSTS), bit, on ? bit : 0, "global command");
}

void vtd_invalidate(struct vtd_unit *u, const struct vtd_inv_desc *d, unsigned n)
{
    /* Every call waits for its own descriptors, so the queue holds at most
     * n + 1 at a time and never fills. */
    for (unsigned i = 0; i <= n; i++) {
        u->iq[u->iq_tail] = i < n ? d[i]
                                  : (struct vtd_inv_desc){ VTD_INV_WAIT | VTD_INV_WAIT_SW | VTD_INV_WAIT_FN |
                                                               VTD_INV_WAIT_DATA(++u->wait_seq),
                                                           virt_to_phys((const void *)&u->wait_status) };
        vtd_env_flush(&u->iq[u->iq_tail], sizeof(*d));
        u->iq_tail = (u->iq_tail + 1) % VTD_IQ_SLOTS;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* descriptors before the tail moves */
    vtd_write64(u, VTD_IQT, (uint64_t)u->iq_tail << 4);
    vtd_wait(u, &u->wait_status, ~0u, u->wait_seq, "invalidation");
}

/* Drain bits for an IOTLB invalidation: in-flight DMA is done with. */
static uint64_t vtd_drain(const struct vtd_unit *u)
{
    return (u->cap & VTD_CAP_DWD ? VTD_INV_IOTLB_DW : 0) | (u->cap & VTD_CAP_DRD ? VTD_INV_IOTLB_DR : 0);
}

struct vtd_context_entry *vtd_context(struct vtd_unit *u, uint16_t sid, bool create)
{
    struct vtd_root_entry *root = (struct vtd_root_entry *)phys_to_virt(u->root) + (sid >> 8);
    paddr_t pa;

    if (!(root->lo & VTD_ENTRY_P)) {
        if (!create || frame_alloc_zeroed(&pa) != 0)
            return NULL;
        vtd_env_flush(phys_to_virt(pa), PAGE_SIZE);
        root->lo = pa | VTD_ENTRY_P;
        vtd_env_flush(root, sizeof(*root));
    }
    return (struct vtd_context_entry *)phys_to_virt(root->lo & VTD_ADDR_MASK) + (sid & 0xff);
}

/* The unit that translates sbdf's requests: the one whose scope lists it,
 * else the all-PCI unit of its segment (VT-d 8.3). Scopes of bridges are
 * not decoded: functions behind one are not known to be translated. */
static struct vtd_unit *vtd_unit_of(uint32_t sbdf)
{
    struct vtd_unit *all = NULL;

    for (unsigned i = 0; i < vtd_nunits; i++) {
        const struct dmar_unit *du = vtd_units[i].du;
        if (du->segment != sbdf >> 16)
            continue;
        for (unsigned e = 0; e < du->nendpoints; e++)
            if (du->endpoints[e] == (uint16_t)sbdf)
                return &vtd_units[i];
        if (du->include_pci_all)
            all = &vtd_units[i];
    }
    return all;
}

bool iommu_translates(uint32_t sbdf)
{
    return vtd_unit_of(sbdf) != NULL;
}

int iommu_attach(struct domain *d, uint32_t sbdf)
{
    struct vtd_unit *u = vtd_unit_of(sbdf);
    uint16_t sid = (uint16_t)sbdf;
    struct vtd_context_entry *ce;
    uint64_t f;
    int r = 0;

    ASSERT(spin_held_by_me(&d->lock));
    if (!u || d->id >> (4 + 2 * VTD_CAP_ND(u->cap)))
        return -ERR_NOTSUPP;
    if (!d->dma.root && (r = vtd_space_create(&d->dma, levels)) == 0 && (r = vtd_space_build(&d->dma, &d->npt)) != 0)
        vtd_space_destroy(&d->dma); /* nothing can use it yet */
    if (r)
        return -ERR_NOMEM;
    f = spin_lock_irqsave(&vtd_lock);
    ce = vtd_context(u, sid, true);
    if (ce) {
        ASSERT(!(ce->lo & VTD_ENTRY_P)); /* core/pci assigns a function once */
        ce->hi = VTD_CTX_AW(levels) | VTD_CTX_DID(d->id);
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* present last */
        ce->lo = d->dma.root | VTD_ENTRY_P;      /* TT 0: untranslated requests only */
        vtd_env_flush(ce, sizeof(*ce));
        vtd_invalidate(u,
                       (const struct vtd_inv_desc[]){
                           { VTD_INV_CC | VTD_INV_CC_DEVICE | VTD_INV_CC_DID(d->id) | VTD_INV_CC_SID(sid), 0 },
                           { VTD_INV_IOTLB | VTD_INV_IOTLB_DOMAIN | VTD_INV_IOTLB_DID(d->id), 0 } },
                       2);
    }
    spin_unlock_irqrestore(&vtd_lock, f);
    return ce ? 0 : -ERR_NOMEM;
}

/* When no entry is left in the context table of sid's bus, takes it out
 * of the root table into *table (to free after a global context-cache
 * invalidation) and returns true. */
static bool vtd_context_empty(struct vtd_unit *u, uint16_t sid, paddr_t *table)
{
    struct vtd_root_entry *root = (struct vtd_root_entry *)phys_to_virt(u->root) + (sid >> 8);
    const struct vtd_context_entry *ce = phys_to_virt(root->lo & VTD_ADDR_MASK);

    for (unsigned i = 0; i < 256; i++)
        if (ce[i].lo & VTD_ENTRY_P)
            return false;
    *table = root->lo & VTD_ADDR_MASK;
    root->lo = 0;
    vtd_env_flush(root, sizeof(*root));
    return true;
}

void iommu_detach(struct domain *d, uint32_t sbdf)
{
    struct vtd_unit *u = vtd_unit_of(sbdf);
    uint16_t sid = (uint16_t)sbdf;
    struct vtd_context_entry *ce;
    paddr_t table = 0;
    uint64_t f, cc;

    if (!u)
        return;
    f = spin_lock_irqsave(&vtd_lock);
    ce = vtd_context(u, sid, false);
    if (ce && (ce->lo & VTD_ENTRY_P)) {
        ASSERT(VTD_CTX_DID_OF(ce->hi) == d->id);
        ce->lo = 0;
        ce->hi = 0;
        vtd_env_flush(ce, sizeof(*ce));
        /* With the bus's table gone the root entry changed: every context
         * entry cached from it must go too. The drain makes sure no DMA of
         * sid is in flight once the wait completes. */
        cc = vtd_context_empty(u, sid, &table) ? VTD_INV_CC_GLOBAL : VTD_INV_CC_DEVICE;
        vtd_invalidate(u,
                       (const struct vtd_inv_desc[]){
                           { VTD_INV_CC | cc | VTD_INV_CC_DID(d->id) | VTD_INV_CC_SID(sid), 0 },
                           { VTD_INV_IOTLB | VTD_INV_IOTLB_DOMAIN | VTD_INV_IOTLB_DID(d->id) | vtd_drain(u), 0 } },
                       2);
    }
    spin_unlock_irqrestore(&vtd_lock, f);
    if (table)
        frame_free(table);
}

/* Every unit forgets its cached translation of d's gfn (all of d's where
 * it cannot select a page). */
static void vtd_flush_domain(const struct domain *d, uint64_t gfn)
{
    uint64_t f = spin_lock_irqsave(&vtd_lock);

    for (unsigned i = 0; i < vtd_nunits; i++) {
        struct vtd_unit *u = &vtd_units[i];
        bool page = (u->cap & VTD_CAP_PSI) != 0;
        struct vtd_inv_desc desc = { VTD_INV_IOTLB | VTD_INV_IOTLB_DID(d->id) | vtd_drain(u) |
                                         (page ? VTD_INV_IOTLB_PAGE : VTD_INV_IOTLB_DOMAIN),
                                     page ? gfn << PAGE_SHIFT : 0 };
        vtd_invalidate(u, &desc, 1);
    }
    spin_unlock_irqrestore(&vtd_lock, f);
}

int iommu_map(struct domain *d, uint64_t gfn, paddr_t mfn, bool writable)
{
    int r;

    ASSERT(spin_held_by_me(&d->lock));
    if (!d->dma.root)
        return 0;
    r = vtd_space_map(&d->dma, gfn, mfn, writable);
    if (r == 0 && caching)
        vtd_flush_domain(d, gfn);   /* the unit may hold "not present" for it */
    return r == -ERR_RANGE ? 0 : r; /* beyond what a device can address */
}

void iommu_unmap(struct domain *d, uint64_t gfn)
{
    ASSERT(spin_held_by_me(&d->lock));
    if (d->dma.root && vtd_space_unmap(&d->dma, gfn))
        vtd_flush_domain(d, gfn);
}

size_t iommu_domain_destroy(struct domain *d)
{
    /* Every function was detached, and each detach flushed the domain's
     * IOTLB entries: nothing cached can point into these tables. */
    return vtd_space_destroy(&d->dma);
}

/* The second-level depth every unit supports, preferring 4 levels; 0 when
 * there is none. */
static unsigned vtd_pick_levels(const struct dmar_info *dmar)
{
    unsigned common = 0x6; /* SAGAW bits 1 (3 levels) and 2 (4 levels) */

    for (unsigned i = 0; i < dmar->nunits; i++) {
        const volatile uint64_t *regs = arch_map_mmio(dmar->units[i].base, PAGE_SIZE);
        common &= VTD_CAP_SAGAW(regs[VTD_CAP / 8]);
    }
    return common & 0x4 ? 4 : common & 0x2 ? 3 : 0;
}

/* Root table and queued invalidation, then the caches emptied (VT-d 6.5). */
static int vtd_unit_start(struct vtd_unit *u)
{
    paddr_t iq;

    if (frame_alloc_zeroed(&u->root) != 0 || frame_alloc_zeroed(&iq) != 0)
        return -ERR_NOMEM;
    u->iq = phys_to_virt(iq);
    vtd_env_flush(phys_to_virt(u->root), PAGE_SIZE);
    vtd_write64(u, VTD_RTADDR, u->root); /* TTM 0: legacy root and context entries */
    vtd_command(u, VTD_GCMD_SRTP, true);
    vtd_write32(u, VTD_FECTL, VTD_FECTL_IM); /* faults are polled: iommu_poll_faults */
    vtd_write64(u, VTD_IQT, 0);
    vtd_write64(u, VTD_IQA, iq | VTD_IQA_QS_4K); /* DW 0: 128-bit descriptors */
    vtd_command(u, VTD_GCMD_QIE, true);
    vtd_invalidate(u,
                   (const struct vtd_inv_desc[]){ { VTD_INV_CC | VTD_INV_CC_GLOBAL, 0 },
                                                  { VTD_INV_IOTLB | VTD_INV_IOTLB_GLOBAL | vtd_drain(u), 0 } },
                   2);
    return 0;
}

static void vtd_unit_setup(unsigned i, const struct dmar_unit *du, bool intr_remap)
{
    struct vtd_unit *u = &vtd_units[vtd_nunits];
    uint32_t ver;

    u->regs = arch_map_mmio(du->base, PAGE_SIZE);
    u->cap = vtd_read64(u, VTD_CAP);
    u->ecap = vtd_read64(u, VTD_ECAP);
    u->du = du;
    ver = vtd_read32(u, VTD_VER);
    if (!(u->ecap & VTD_ECAP_QI) || VTD_CAP_MGAW(u->cap) + 1 < 12 + 9 * levels) {
        log_warn("iommu: unit %u at 0x%llx: cap 0x%llx, ecap 0x%llx: no queued invalidation or too narrow; "
                 "left off, no DMA isolation on segment %u",
                 i, (unsigned long long)du->base, (unsigned long long)u->cap, (unsigned long long)u->ecap, du->segment);
        return;
    }
    noncoherent |= !(u->ecap & VTD_ECAP_C);
    caching |= (u->cap & VTD_CAP_CM) != 0;
    if (vtd_unit_start(u) != 0)
        panic("iommu: no frame for unit %u's tables at boot", i);
    u->ir = intr_remap && (u->ecap & VTD_ECAP_IR) && vtd_ir_enable(u);
    vtd_command(u, VTD_GCMD_TE, true); /* empty root table: every DMA faults */
    vtd_nunits++;
    log_info("iommu: unit %u at 0x%llx: VT-d %u.%u, cap 0x%016llx, ecap 0x%016llx: translation on (%u levels, "
             "%u-bit), interrupt remapping %s, %u fault record%s",
             i, (unsigned long long)du->base, (ver >> 4) & 0xf, ver & 0xf, (unsigned long long)u->cap,
             (unsigned long long)u->ecap, levels, 12 + 9 * levels, u->ir ? "on" : "off", VTD_CAP_NFR(u->cap) + 1,
             VTD_CAP_NFR(u->cap) ? "s" : "");
}

unsigned vtd_setup(const struct dmar_info *dmar)
{
    levels = vtd_pick_levels(dmar);
    if (!levels) {
        log_warn("iommu: no second-level depth (3 or 4 levels) common to every unit; DMA isolation unavailable");
        return 0;
    }
    for (unsigned i = 0; i < dmar->nunits; i++)
        vtd_unit_setup(i, &dmar->units[i], dmar->intr_remap);
    return vtd_nunits;
}
