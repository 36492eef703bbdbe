/* SPDX-License-Identifier: MIT */
/* IOMMU discovery. Programming the IOMMU belongs to driver-domain work. */
#pragma once

#include "core/acpi.h"

/* iommu_detect: find the IOMMU from ACPI (DMAR or IVRS), read each unit's
 * version and capabilities, log what was found. Returns the number of
 * units (0: DMA isolation unavailable, a warning is logged). Boot CPU. */
unsigned iommu_detect(const struct acpi_info *acpi);
