/* SPDX-License-Identifier: MIT */
/*
 * IOMMU discovery at boot: parses the DMAR table (Intel VT-d) and reads
 * each remapping unit's version and capability registers, or notes an
 * AMD IVRS table. Nothing is programmed yet.
 */
#include "core/arch.h"
#include "core/dmar.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/mm.h"

#define VTD_VER_REG  0x00
#define VTD_CAP_REG  0x08
#define VTD_ECAP_REG 0x10

static struct dmar_info dmar; /* written once at boot */

static void vtd_report_unit(unsigned i, const struct dmar_unit *u)
{
    /* Registers are naturally aligned 32/64-bit words (VT-d spec 10.4). */
    const volatile uint64_t *regs = arch_map_mmio(u->base, PAGE_SIZE);
    uint32_t ver = ((const volatile uint32_t *)regs)[VTD_VER_REG / 4];
    uint64_t cap = regs[VTD_CAP_REG / 8];
    uint64_t ecap = regs[VTD_ECAP_REG / 8];

    log_info("iommu: unit %u at 0x%llx: VT-d version %u.%u, cap 0x%016llx, ecap 0x%016llx", i,
             (unsigned long long)u->base, (ver >> 4) & 0xf, ver & 0xf, (unsigned long long)cap,
             (unsigned long long)ecap);
}

unsigned iommu_detect(const struct acpi_info *acpi)
{
    char desc[160];

    if (acpi->dmar) {
        if (dmar_parse(phys_to_virt(acpi->dmar), acpi->dmar_len, &dmar) != 0) {
            log_warn("iommu: DMAR table unusable; DMA isolation of driver domains unavailable");
            return 0;
        }
        dmar_describe(&dmar, desc, sizeof(desc));
        log_info("iommu: Intel VT-d: %s", desc);
        for (unsigned i = 0; i < dmar.nunits; i++)
            vtd_report_unit(i, &dmar.units[i]);
        return dmar.nunits;
    }
    if (acpi->ivrs) {
        log_warn("iommu: AMD-Vi (IVRS table at 0x%llx) found; Mosaic drives Intel VT-d only so far",
                 (unsigned long long)acpi->ivrs);
        return 0;
    }
    log_warn("iommu: no DMAR or IVRS table; DMA isolation of driver domains unavailable");
    return 0;
}
