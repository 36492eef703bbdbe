/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU (Intel VT-d on QEMU's q35 intel-iommu; core/iommu/): DMA
 * remapping that confines an assigned PCI function to its domain's own
 * RAM, interrupt remapping for the MSI-X of assigned functions, and fault
 * reporting with the domain named. Device policy (which function goes to
 * whom) is not here: core/pci decides nothing either, it checks the
 * caller's MGMT_CAP_PCI.
 *
 * Once iommu_detect has found units it turns translation on with an empty
 * root table: from then on every function's DMA faults until it is
 * assigned (the core itself does no DMA).
 */
#pragma once

#include "core/acpi.h"
#include "core/types.h"

struct domain;

/* iommu_detect: find the IOMMU from ACPI (DMAR or IVRS), read each unit's
 * version and capabilities, log what was found, and set every VT-d unit up
 * (root table, invalidation queue, interrupt remapping table, fault
 * reporting; translation and interrupt remapping on). Returns the number of
 * units (0: DMA isolation unavailable, a warning is logged). Boot CPU. */
unsigned iommu_detect(const struct acpi_info *acpi);

/* iommu_translates: a unit translates the DMA of function sbdf (segment <<
 * 16 | bus << 8 | devfn). */
bool iommu_translates(uint32_t sbdf);

/*
 * The domain's DMA address space: second-level tables that map exactly the
 * guest frames the domain owns (NPT_OWNED mappings) to the same machine
 * frames its nested page table does; grant mappings, MMIO and the
 * shared-info page are not in it. Made on the first attach from the
 * domain's current memory, then kept in step by iommu_map/iommu_unmap,
 * which domain.c and hcall.c call wherever an NPT_OWNED mapping is made
 * or taken away (no-ops for a domain without one). Under d->lock.
 */
__attribute__((warn_unused_result)) int iommu_attach(struct domain *d, uint32_t sbdf); /* 0, -ERR_NOMEM, -ERR_NOTSUPP */
void iommu_detach(struct domain *d, uint32_t sbdf); /* context cleared and invalidated: no DMA from sbdf after return */
/* iommu_map: guest frame gfn to machine frame mfn (a frame number);
 * 0 or -ERR_NOMEM, and 0 without mapping anything for a gfn beyond the
 * address width devices can use. */
__attribute__((warn_unused_result)) int iommu_map(struct domain *d, uint64_t gfn, paddr_t mfn, bool writable);
/* The IOTLB is invalidated before iommu_unmap returns, so the caller may
 * free the frame afterwards. */
void iommu_unmap(struct domain *d, uint64_t gfn);
/* iommu_domain_destroy: free the domain's DMA tables (every function is
 * detached by then); returns how many frames that was, for its books. */
size_t iommu_domain_destroy(struct domain *d);

/*
 * Interrupt remapping entries: an assigned function's MSI-X entry names
 * an IRTE (remappable format); the IRTE names the host vector and the
 * destination CPU, and checks the requester id is sbdf, so a function
 * cannot raise another's interrupts. -ERR_NOSPC when all are taken,
 * -ERR_NOTSUPP without interrupt remapping.
 */
__attribute__((warn_unused_result)) int iommu_irte_alloc(unsigned *index);
void iommu_irte_set(unsigned index, uint32_t sbdf, uint8_t vector, uint32_t dest_apic_id); /* and invalidated */
void iommu_irte_free(unsigned index);                                                      /* cleared and invalidated */
/* iommu_msi_address/data: what to write in the MSI-X entry for IRTE index. */
uint64_t iommu_msi_address(unsigned index);
uint32_t iommu_msi_data(unsigned index);

/* iommu_poll_faults: log every recorded DMA or interrupt-remapping fault
 * once (at most 10 lines a second), naming the function and the domain it
 * is assigned to, then clear them. The fault-event interrupt stays masked:
 * CPU 0's scheduler loop calls this, and only it. */
void iommu_poll_faults(void);
