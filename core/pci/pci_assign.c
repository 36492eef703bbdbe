/* SPDX-License-Identifier: MIT */
/*
 * Which domain holds which PCI function: assignment (BARs and the
 * configuration page mapped at their machine addresses, the IOMMU context
 * attached), what a domain may learn of and write to its own functions,
 * and the release of all of them, quiesced, when it is destroyed. One
 * lock, pci_lock, over every function's assignment: assignments are rare
 * and short. Whom a function is given to is the caller's decision.
 */
#include "core/arch.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include "core/string.h"
#include "idl/mgmt.h"
#include "pci_filter.h"
#include "pci_priv.h"

_Static_assert(PCI_MAX_BARS == MGMT_PCI_MAX_BARS, "idl/mgmt.idl's BAR count");

#define PCI_FLR_WAIT_NS 100000000ull /* PCI Express 5.0, 6.6.2: 100 ms before the function is touched */

/* Every pci_fn's assignment fields. Taken with interrupts on (no handler
 * takes it): a release holds it through a function-level reset's wait. */
static struct spinlock pci_lock = SPINLOCK_INIT;
static uint64_t assign_seq; /* protected by pci_lock */

#define BDF_FMT      "%02x:%02x.%x"
#define BDF_ARGS(s_) PCI_SBDF_BUS(s_), PCI_SBDF_DEV(s_), PCI_SBDF_FN(s_)

static struct pci_fn *fn_find(uint32_t sbdf)
{
    unsigned n;
    struct pci_fn *fns = pci_functions(&n);

    for (unsigned i = 0; i < n; i++)
        if (fns[i].sbdf == sbdf)
            return &fns[i];
    return NULL;
}

void pci_lock_take(void)
{
    spin_lock(&pci_lock);
}

void pci_lock_drop(void)
{
    spin_unlock(&pci_lock);
}

struct pci_fn *pci_fn_of(const struct domain *d, uint32_t sbdf)
{
    struct pci_fn *f = fn_find(sbdf);

    ASSERT(spin_held_by_me(&pci_lock));
    return f && f->owner == d->id ? f : NULL;
}

/* Does the page at offset off of BAR bar hold MSI-X table or PBA bytes? */
static bool msix_page(const struct pci_fn *f, unsigned bar, uint64_t off)
{
    uint64_t table_end = f->msix_off + (uint64_t)f->nr_msix * PCI_MSIX_ENTRY_SIZE;
    uint64_t pba_end = f->pba_off + ALIGN_UP((uint64_t)f->nr_msix, 64) / 8;

    if (!f->nr_msix)
        return false;
    return (bar == f->msix_bir && off < table_end && off + PAGE_SIZE > f->msix_off) ||
           (bar == f->pba_bir && off < pba_end && off + PAGE_SIZE > f->pba_off);
}

/* A memory BAR the domain gets: whole pages. A BAR smaller than a page,
 * or not page-aligned, is not mapped at all: its page would hold another
 * function's registers too (MGMT_PCI_INFO then says address 0). */
static bool bar_mappable(const struct pci_info *in, unsigned i)
{
    return (in->bar_flags[i] & MGMT_PCI_BAR_MEM) && in->bar_addr[i] && in->bar_size[i] >= PAGE_SIZE &&
           IS_ALIGNED(in->bar_addr[i], PAGE_SIZE) && IS_ALIGNED(in->bar_size[i], PAGE_SIZE);
}

/* One walk over a function's pages: fn is called for each; d is the
 * domain; stop is where a failed mapping stopped (undo stops there). */
struct pages_walk {
    struct domain *d;
    int (*fn)(struct pages_walk *w, uint64_t gpa, unsigned flags);
    uint64_t stop;
};

/*
 * Each page the domain gets, in order: the configuration page (read-only),
 * then every page of every memory BAR but the MSI-X ones. w->fn stops the
 * walk with its nonzero return.
 */
static int pages_walk(struct pci_fn *f, struct pages_walk *w)
{
    int r = w->fn(w, pci_cfg_page(f->sbdf), NPT_MMIO);

    for (unsigned i = 0; r == 0 && i < PCI_MAX_BARS; i++) {
        uint64_t a = f->info.bar_addr[i], n = f->info.bar_size[i];

        if (!bar_mappable(&f->info, i))
            continue;
        for (uint64_t off = 0; r == 0 && off < n; off += PAGE_SIZE)
            if (!msix_page(f, i, off))
                r = w->fn(w, a + off, NPT_W | NPT_MMIO);
    }
    return r;
}

/* Nothing of the domain's may be where a page goes: its RAM above all. */
static int page_free(struct pages_walk *w, uint64_t gpa, unsigned flags)
{
    paddr_t pa;
    unsigned have;

    (void)flags;
    if (npt_lookup(&w->d->npt, gpa, &pa, &have) != 0)
        return 0;
    log_warn("pci: d%u '%s' has memory at 0x%llx where a page of the function would go: not assigned", w->d->id,
             w->d->name, (unsigned long long)gpa);
    return -ERR_EXIST;
}

/* At the machine address: the domain's driver finds the BARs where the
 * function's own registers say they are. */
static int page_map(struct pages_walk *w, uint64_t gpa, unsigned flags)
{
    int r = npt_map(&w->d->npt, gpa, gpa, flags);

    if (r)
        w->stop = gpa;
    return r;
}

/* Unmaps up to w->stop (~0: every page). */
static int page_unmap(struct pages_walk *w, uint64_t gpa, unsigned flags)
{
    paddr_t pa;

    (void)flags;
    if (gpa == w->stop)
        return 1;
    if (npt_unmap(&w->d->npt, gpa, &pa) == 0)
        ASSERT(pa == gpa);
    return 0;
}

/* Every MSI-X entry masked: none fires until the core binds it. The
 * table is device memory: its writes are dropped while the function's
 * memory decoding is off (as a domain or a release may have left it), so
 * decoding is on for the writes, bus mastering as it was, and the command
 * register is put back. Under pci_lock, which every command-register
 * write of a domain takes too. */
static void msix_mask_all(const struct pci_fn *f)
{
    uint32_t cmd = pci_cfg_read(f->sbdf, PCI_CFG_COMMAND, 2);

    if (!f->nr_msix)
        return;
    pci_cfg_write_raw(f->sbdf, PCI_CFG_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
    for (unsigned i = 0; i < f->nr_msix; i++)
        pci_msix_entry(f, i)[3] = 1;
    (void)pci_msix_entry(f, 0)[3]; /* a read: the writes have reached the function */
    pci_cfg_write_raw(f->sbdf, PCI_CFG_COMMAND, 2, cmd);
}

static int assign_check(uint32_t sbdf, struct pci_fn **out)
{
    struct pci_fn *f = fn_find(sbdf);

    if (f && f->owner != DOMID_NONE)
        return -ERR_BUSY;
    if (!f || f->bridge)
        return -ERR_NODEV;
    if (!iommu_translates(sbdf))
        return -ERR_NOTSUPP;
    pci_bars_probe(f);
    *out = f;
    return 0;
}

/* The BARs the domain does not get, said once. */
static void bars_unmapped_report(struct pci_fn *f)
{
    for (unsigned i = 0; i < PCI_MAX_BARS; i++)
        if ((f->info.bar_flags[i] & MGMT_PCI_BAR_MEM) && !bar_mappable(&f->info, i) && f->info.bar_size[i]) {
            log_info("pci: " BDF_FMT " BAR%u (%llu bytes at 0x%llx) is not whole pages: not mapped", BDF_ARGS(f->sbdf),
                     i, (unsigned long long)f->info.bar_size[i], (unsigned long long)f->info.bar_addr[i]);
            f->info.bar_addr[i] = 0;
        }
}

int pci_assign(struct domain *d, uint32_t sbdf)
{
    struct pages_walk w = { d, page_map, ~0ull };
    struct pci_fn *f = NULL;
    uint64_t dl;
    int r;

    spin_lock(&pci_lock);
    if ((r = assign_check(sbdf, &f)) != 0) {
        spin_unlock(&pci_lock);
        return r;
    }
    /* Checked and mapped under d->lock: a populate of its controller's
     * other vCPU cannot slip in between. */
    dl = spin_lock_irqsave(&d->lock);
    r = pages_walk(f, &(struct pages_walk){ d, page_free, 0 });
    if (r == 0 && (r = pages_walk(f, &w)) == 0)
        r = iommu_attach(d, sbdf); /* under d->lock: it mirrors d's memory */
    if (r && r != -ERR_EXIST) {
        w.fn = page_unmap;
        (void)pages_walk(f, &w);
        r = r == -ERR_NOTSUPP ? r : -ERR_NOMEM;
    }
    spin_unlock_irqrestore(&d->lock, dl);
    if (r == 0) {
        bars_unmapped_report(f);
        msix_mask_all(f);
        f->owner = d->id;
        f->seq = ++assign_seq;
        f->info.sbdf = sbdf;
        f->info.cfg_gpa = pci_cfg_page(sbdf);
        f->info.nr_msix = f->nr_msix;
        log_info("pci: " BDF_FMT " (%04x:%04x) assigned to d%u '%s'", BDF_ARGS(sbdf), f->vendor, f->device, d->id,
                 d->name);
    }
    spin_unlock(&pci_lock);
    return r;
}

int pci_info_get(struct domain *d, uint32_t index, struct pci_info *out)
{
    unsigned n;
    struct pci_fn *fns = pci_functions(&n);
    int r = -ERR_NOENT;

    spin_lock(&pci_lock);

    /* The index-th by assignment order: the one with index earlier ones. */
    for (unsigned i = 0; i < n && r; i++) {
        uint32_t before = 0;
        if (fns[i].owner != d->id)
            continue;
        for (unsigned j = 0; j < n; j++)
            before += fns[j].owner == d->id && fns[j].seq < fns[i].seq;
        if (before == index) {
            *out = fns[i].info;
            r = 0;
        }
    }
    spin_unlock(&pci_lock);
    return r;
}

int pci_cfg_write(struct domain *d, uint32_t sbdf, uint16_t offset, uint8_t size, uint32_t value)
{
    struct pci_fn *f;
    int r;

    spin_lock(&pci_lock);
    f = pci_fn_of(d, sbdf);
    r = f ? 0 : -ERR_NODEV;

    if (r == 0)
        r = pci_cfg_filter(f->msix_cap, offset, size, value, pci_cfg_read(sbdf, offset, size));
    if (r == 0)
        pci_cfg_write_raw(sbdf, offset, size, value);
    spin_unlock(&pci_lock);
    return r;
}

/* The function stops: no DMA, no decoding, no interrupt; then a reset
 * where it has one, after which its BARs are put back where they were
 * (a reset clears them; the core owns their placement) with decoding
 * still off. */
static bool quiesce(struct pci_fn *f)
{
    uint32_t cmd = pci_cfg_read(f->sbdf, PCI_CFG_COMMAND, 2);

    pci_cfg_write_raw(f->sbdf, PCI_CFG_COMMAND, 2,
                      (cmd & ~(PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY | PCI_COMMAND_IO)) | PCI_COMMAND_INTX_DISABLE);
    if (f->msix_cap) {
        uint16_t at = (uint16_t)(f->msix_cap + PCI_MSIX_CTRL);
        pci_cfg_write_raw(f->sbdf, at, 2, pci_cfg_read(f->sbdf, at, 2) & ~PCI_MSIX_CTRL_ENABLE);
    }
    if (f->msi_cap) {
        uint16_t at = (uint16_t)(f->msi_cap + 2);
        pci_cfg_write_raw(f->sbdf, at, 2, pci_cfg_read(f->sbdf, at, 2) & ~PCI_MSI_CTRL_ENABLE);
    }
    if (!f->flr)
        return false;
    uint16_t ctl = (uint16_t)(f->exp_cap + PCI_EXP_DEVCTL);
    pci_cfg_write_raw(f->sbdf, ctl, 2, pci_cfg_read(f->sbdf, ctl, 2) | PCI_EXP_DEVCTL_FLR);
    for (uint64_t t0 = arch_time_ns(); arch_time_ns() - t0 < PCI_FLR_WAIT_NS;)
        arch_cpu_relax();
    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        uint16_t at = (uint16_t)(PCI_CFG_BAR0 + 4 * i);
        uint32_t now;
        pci_cfg_write_raw(f->sbdf, at, 4, f->bar_raw[i]);
        if ((now = pci_cfg_read(f->sbdf, at, 4)) != f->bar_raw[i])
            log_warn("pci: " BDF_FMT " BAR%u reads 0x%08x after the reset, not 0x%08x", BDF_ARGS(f->sbdf), i, now,
                     f->bar_raw[i]);
    }
    pci_cfg_write_raw(f->sbdf, PCI_CFG_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    return true;
}

void pci_domain_release(struct domain *d)
{
    struct pages_walk w = { d, page_unmap, ~0ull };
    unsigned n;
    struct pci_fn *fns = pci_functions(&n);
    uint64_t dl;

    spin_lock(&pci_lock);
    for (unsigned i = 0; i < n; i++) {
        struct pci_fn *f = &fns[i];
        bool reset;
        if (f->owner != d->id)
            continue;
        /* Its interrupts first, while its table still decodes; then it stops. */
        pci_msi_unbind_all(f);
        msix_mask_all(f);
        reset = quiesce(f);
        dl = spin_lock_irqsave(&d->lock);
        iommu_detach(d, f->sbdf);
        (void)pages_walk(f, &w);
        spin_unlock_irqrestore(&d->lock, dl);
        f->owner = DOMID_NONE;
        memset(&f->info, 0, sizeof(f->info));
        log_info("pci: " BDF_FMT " released by d%u '%s': quiesced%s", BDF_ARGS(f->sbdf), d->id, d->name,
                 reset ? " and reset" : "");
    }
    spin_unlock(&pci_lock);
}
