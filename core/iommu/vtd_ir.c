/* SPDX-License-Identifier: MIT */
/*
 * VT-d interrupt remapping (VT-d 5.1): one interrupt remapping table that
 * every unit uses, its entries handed out to assigned functions' MSI-X
 * vectors. Which vector and CPU a function gets is decided by core/pci.
 */
#include "core/iommu.h"

#include "core/env.h"
#include "core/errno.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/vtd_space.h"
#include "vtd_priv.h"

#define IRT_ORDER   8u /* 2^8 entries: one page */
#define IRT_ENTRIES (1u << IRT_ORDER)
_Static_assert(IRT_ENTRIES * sizeof(struct vtd_irte) == PAGE_SIZE, "one frame");

static struct vtd_irte *irt;                /* set once at boot; entries protected by vtd_lock */
static uint64_t irt_used[IRT_ENTRIES / 64]; /* protected by vtd_lock */

bool vtd_ir_enable(struct vtd_unit *u)
{
    paddr_t pa;

    if (!irt && frame_alloc_zeroed(&pa) != 0) {
        log_warn("iommu: no frame for the interrupt remapping table");
        return false;
    }
    if (!irt)
        irt = phys_to_virt(pa);
    vtd_env_flush(irt, PAGE_SIZE);
    /* EIME clear: destinations are xAPIC ids (see iommu_irte_set). */
    vtd_write64(u, VTD_IRTA, virt_to_phys(irt) | VTD_IRTA_S(IRT_ORDER));
    vtd_command(u, VTD_GCMD_SIRTP, true);
    vtd_invalidate(u, &(const struct vtd_inv_desc){ VTD_INV_IEC | VTD_INV_IEC_GLOBAL, 0 }, 1);
    /* GCMD.CFI stays clear: compatibility-format interrupts, which name
     * their destination directly, are blocked (units that honour it). */
    vtd_command(u, VTD_GCMD_IRE, true);
    return true;
}

/* Every unit that remaps forgets its cached copy of entry index. */
static void irte_invalidate(unsigned index)
{
    struct vtd_inv_desc d = { VTD_INV_IEC | VTD_INV_IEC_INDEX(index), 0 };

    vtd_env_flush(&irt[index], sizeof(irt[index]));
    for (unsigned i = 0; i < vtd_nunits; i++)
        if (vtd_units[i].ir)
            vtd_invalidate(&vtd_units[i], &d, 1);
}

int iommu_irte_alloc(unsigned *index)
{
    uint64_t f;
    int r = -ERR_NOSPC;

    if (!irt)
        return -ERR_NOTSUPP;
    f = spin_lock_irqsave(&vtd_lock);
    for (unsigned i = 0; r && i < IRT_ENTRIES; i++) {
        if (!(irt_used[i / 64] & (1ull << (i % 64)))) {
            irt_used[i / 64] |= 1ull << (i % 64);
            *index = i;
            r = 0;
        }
    }
    spin_unlock_irqrestore(&vtd_lock, f);
    return r;
}

void iommu_irte_set(unsigned index, uint32_t sbdf, uint8_t vector, uint32_t dest_apic_id)
{
    /*
     * Without EIM (QEMU offers none without KVM) the unit reads DST in
     * xAPIC format, an 8-bit APIC id in bits 15:8. That is right whether
     * core/arch/x86_64/lapic.c runs the LAPICs in xAPIC or x2APIC mode:
     * lapic_id() gives the initial APIC id in both, and an x2APIC id
     * below 256 is that same number, which the interrupt is delivered to.
     */
    struct vtd_irte e = vtd_irte_make((uint16_t)sbdf, vector, dest_apic_id);
    uint64_t f;

    ASSERT(index < IRT_ENTRIES && dest_apic_id < 256);
    f = spin_lock_irqsave(&vtd_lock);
    ASSERT(irt_used[index / 64] & (1ull << (index % 64)));
    /* The requester check first, the present bit with the vector last. */
    irt[index].hi = e.hi;
    __atomic_store_n(&irt[index].lo, e.lo, __ATOMIC_SEQ_CST);
    irte_invalidate(index);
    spin_unlock_irqrestore(&vtd_lock, f);
}

void iommu_irte_free(unsigned index)
{
    uint64_t f;

    ASSERT(index < IRT_ENTRIES);
    f = spin_lock_irqsave(&vtd_lock);
    __atomic_store_n(&irt[index].lo, 0, __ATOMIC_SEQ_CST); /* not present first */
    irt[index].hi = 0;
    irte_invalidate(index);
    irt_used[index / 64] &= ~(1ull << (index % 64));
    spin_unlock_irqrestore(&vtd_lock, f);
}

uint64_t iommu_msi_address(unsigned index)
{
    return vtd_msi_address(index);
}

uint32_t iommu_msi_data(unsigned index)
{
    (void)index; /* SHV 0: the handle is all in the address */
    return 0;
}
