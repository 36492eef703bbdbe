/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY (branch pci only, dropped before merge): a stand-in for the
 * VT-d functions of core/include/core/iommu.h so core/pci can be built
 * and booted before branch vtd lands. NO DMA confinement: attach does
 * nothing; interrupts use the compatibility MSI format (the IOMMU's
 * interrupt remapping is left off by this stand-in).
 */
#include "core/errno.h"
#include "core/iommu.h"

static bool irte_used[64];

bool iommu_translates(uint32_t sbdf)
{
    (void)sbdf;
    return true;
}

int iommu_attach(struct domain *d, uint32_t sbdf)
{
    (void)d, (void)sbdf;
    return 0;
}

void iommu_detach(struct domain *d, uint32_t sbdf)
{
    (void)d, (void)sbdf;
}

static uint8_t irte_vector[64];
static uint32_t irte_dest[64];

int iommu_irte_alloc(unsigned *index)
{
    for (unsigned i = 0; i < 64; i++)
        if (!irte_used[i]) {
            irte_used[i] = true;
            *index = i;
            return 0;
        }
    return -ERR_NOSPC;
}

void iommu_irte_set(unsigned index, uint32_t sbdf, uint8_t vector, uint32_t dest_apic_id)
{
    (void)sbdf;
    irte_vector[index] = vector;
    irte_dest[index] = dest_apic_id;
}

void iommu_irte_free(unsigned index)
{
    irte_used[index] = false;
}

uint64_t iommu_msi_address(unsigned index)
{
    return 0xfee00000u | (uint64_t)(irte_dest[index] & 0xff) << 12;
}

uint32_t iommu_msi_data(unsigned index)
{
    return irte_vector[index];
}
