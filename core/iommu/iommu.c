/* SPDX-License-Identifier: MIT */
/*
 * IOMMU discovery at boot: parses the DMAR table and has the Intel VT-d
 * units set up (vtd.c), or notes an AMD IVRS table, which is not driven.
 */
#include "core/dmar.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/mm.h"
#include "vtd_priv.h"

static struct dmar_info dmar; /* written once at boot */

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
        return vtd_setup(&dmar);
    }
    if (acpi->ivrs) {
        log_warn("iommu: AMD-Vi (IVRS table at 0x%llx) found; Mosaic drives Intel VT-d only so far",
                 (unsigned long long)acpi->ivrs);
        return 0;
    }
    log_warn("iommu: no DMAR or IVRS table; DMA isolation of driver domains unavailable");
    return 0;
}
