/* SPDX-License-Identifier: MIT */
/*
 * MSI-X of assigned functions as event channels: each bound entry has a
 * host vector of its own (ARCH_DEVICE_VECTORS of them), an interrupt-
 * remapping entry that names that vector and checks the requester, and a
 * device port in its domain's table. The interrupt raises the port. Every
 * binding is written with evtchn_lock held, which the interrupt handler
 * takes too, so it sees each binding whole; closing the port (evtchn.c's
 * hook) masks the entry and frees what the binding held.
 */
#include "core/arch.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/evtchn_domain.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/nospec.h"
#include "pci_priv.h"

#define MSIX_VECTOR_CTRL_MASKED 1u /* the entry's vector control (PCI 3.0, 6.8.2.9) */

/* One host vector's binding. Protected by evtchn_lock. */
struct pci_msi_binding {
    bool used;
    domid_t dom;             /* whose port it raises */
    evtchn_port_t port;      /* that port */
    uint32_t sbdf;           /* the function ... */
    uint16_t entry;          /* ... and its MSI-X entry */
    unsigned irte;           /* the remapping entry naming the vector */
    volatile uint32_t *slot; /* the core's mapping of the MSI-X entry */
};

static struct pci_msi_binding bindings[ARCH_DEVICE_VECTORS]; /* index: vector - ARCH_DEVICE_VECTOR_FIRST */
static uint32_t irq_apic_id; /* where every device interrupt goes: the boot CPU (set once at boot) */

/* The interrupt: raise the binding's port, if it is still bound. */
static void pci_msi_irq(unsigned index)
{
    uint64_t f = evtchn_lock_all();
    struct pci_msi_binding *b = &bindings[index_nospec(index, ARCH_DEVICE_VECTORS)];
    struct evtchn_table *t = b->used ? evtchn_env_table(b->dom) : NULL;

    if (t)
        evtchn_raise_device(t, b->port, index);
    evtchn_unlock_all(f);
}

void pci_msi_init(void)
{
    irq_apic_id = arch_device_irq_init(pci_msi_irq);
}

/* Mask the entry and let go of the vector and the remapping entry. Under
 * evtchn_lock. The mask write is lost if the domain turned its function's
 * memory decoding off; the entry then still names the cleared remapping
 * entry, so a message from it only faults (an entry reused later checks
 * another requester id or vector), and the release masks every entry with
 * decoding on (pci_assign.c). */
static void unbind(struct pci_msi_binding *b)
{
    b->slot[3] |= MSIX_VECTOR_CTRL_MASKED;
    iommu_irte_free(b->irte);
    *b = (struct pci_msi_binding){ 0 };
}

void pci_msi_port_closed(uint16_t dom, evtchn_port_t port, unsigned binding)
{
    struct pci_msi_binding *b = &bindings[index_nospec(binding, ARCH_DEVICE_VECTORS)];

    /* A port an entry was moved away from, or one the release unbound
     * already, closes with nothing more to undo. */
    if (binding < ARCH_DEVICE_VECTORS && b->used && b->dom == dom && b->port == port)
        unbind(b);
}

void pci_msi_unbind_all(const struct pci_fn *f)
{
    uint64_t fl = evtchn_lock_all();

    for (unsigned i = 0; i < ARCH_DEVICE_VECTORS; i++)
        if (bindings[i].used && bindings[i].sbdf == f->sbdf)
            unbind(&bindings[i]);
    evtchn_unlock_all(fl);
}

/* The binding of (sbdf, entry), else a free one (*fresh), else NULL. */
static struct pci_msi_binding *binding_for(uint32_t sbdf, uint16_t entry, bool *fresh)
{
    struct pci_msi_binding *free = NULL;

    for (unsigned i = 0; i < ARCH_DEVICE_VECTORS; i++) {
        if (bindings[i].used && bindings[i].sbdf == sbdf && bindings[i].entry == entry) {
            *fresh = false;
            return &bindings[i];
        }
        if (!bindings[i].used && !free)
            free = &bindings[i];
    }
    *fresh = true;
    return free;
}

/* Under evtchn_lock: reserve a port (and for a new binding a remapping
 * entry), then bind; nothing changes on failure. */
static int bind_locked(struct domain *d, struct pci_fn *f, uint16_t entry, evtchn_port_t *port)
{
    struct evtchn_table *t = evtchn_env_table(d->id);
    bool fresh;
    struct pci_msi_binding *b = binding_for(f->sbdf, entry, &fresh);
    unsigned index = b ? (unsigned)(b - bindings) : 0, irte;
    evtchn_port_t old;
    int r;

    if (!t)
        return -ERR_SRCH; /* being destroyed: the caller holds it, so never */
    if (!b)
        return -ERR_NOSPC;
    if ((r = evtchn_bind_device(t, index, port)) != 0)
        return r;
    if (!fresh) { /* moves: the entry and its vector stay as they are */
        old = b->port;
        b->port = *port;
        r = evtchn_close(t, old);
        ASSERT(r == 0); /* the old port of a binding is open */
        return 0;
    }
    if ((r = iommu_irte_alloc(&irte)) != 0) {
        /* b is not used yet: closing the port undoes nothing else */
        int closed = evtchn_close(t, *port);
        ASSERT(closed == 0); /* a port just made closes */
        (void)closed;
        return r;
    }
    /* entry was checked below nr_msix by the caller; clamped all the same */
    entry = (uint16_t)index_nospec(entry, f->nr_msix);
    *b = (struct pci_msi_binding){ true, d->id, *port, f->sbdf, entry, irte, pci_msix_entry(f, entry) };
    iommu_irte_set(irte, f->sbdf, (uint8_t)(ARCH_DEVICE_VECTOR_FIRST + index), irq_apic_id);
    /* Written while masked, then unmasked (PCI 3.0, 6.8.3.5). */
    b->slot[3] |= MSIX_VECTOR_CTRL_MASKED;
    b->slot[0] = (uint32_t)iommu_msi_address(irte);
    b->slot[1] = (uint32_t)(iommu_msi_address(irte) >> 32);
    b->slot[2] = iommu_msi_data(irte);
    b->slot[3] &= ~MSIX_VECTOR_CTRL_MASKED;
    return 0;
}

int pci_msi_bind(struct domain *d, uint32_t sbdf, uint16_t entry, evtchn_port_t *port)
{
    struct pci_fn *f;
    uint64_t fl;
    int r;

    pci_lock_take();
    f = pci_fn_of(d, sbdf);
    r = !f ? -ERR_NODEV : entry >= f->nr_msix ? -ERR_INVAL : 0;
    if (r == 0) {
        fl = evtchn_lock_all();
        r = bind_locked(d, f, entry, port);
        evtchn_unlock_all(fl);
    }
    pci_lock_drop();
    if (r == 0)
        log_info("pci: %02x:%02x.%x MSI-X entry %u raises d%u port %u", PCI_SBDF_BUS(sbdf), PCI_SBDF_DEV(sbdf),
                 PCI_SBDF_FN(sbdf), entry, d->id, *port);
    return r;
}
