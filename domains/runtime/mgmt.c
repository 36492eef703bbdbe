/* SPDX-License-Identifier: MIT */
/* Management hypercall wrappers (mosaic/mgmt.h). */
#include "mosaic/mgmt.h"

#include "mosaic/hypercall.h"

long mgmt_call(uint32_t cmd, void *arg, size_t size)
{
    return hypercall3(MOSAIC_HYPERCALL_MGMT, cmd, (unsigned long)(uintptr_t)arg, size);
}

long mgmt_gnttab_seed(uint16_t domid, uint32_t ref, uint16_t grantee, uint64_t gfn, bool readonly)
{
    struct mgmt_gnttab_seed s = {
        .domid = domid, .grantee = grantee, .ref = ref, .flags = readonly ? MGMT_GNTTAB_SEED_READONLY : 0, .gfn = gfn
    };

    return mgmt_call(MGMT_GNTTAB_SEED, &s, sizeof(s));
}

long mgmt_pci_assign(uint16_t domid, uint32_t sbdf)
{
    struct mgmt_pci_assign a = { .domid = domid, .sbdf = sbdf };

    return mgmt_call(MGMT_PCI_ASSIGN, &a, sizeof(a));
}

long mgmt_pci_info(uint32_t index, struct mgmt_pci_info *out)
{
    *out = (struct mgmt_pci_info){ .index = index };
    return mgmt_call(MGMT_PCI_INFO, out, sizeof(*out));
}

long mgmt_pci_cfg_write(uint32_t sbdf, uint16_t offset, uint8_t size, uint32_t value)
{
    struct mgmt_pci_cfg_write w = { .sbdf = sbdf, .offset = offset, .size = size, .value = value };

    return mgmt_call(MGMT_PCI_CFG_WRITE, &w, sizeof(w));
}

long mgmt_pci_msi_bind(uint32_t sbdf, uint16_t entry, uint32_t *port)
{
    struct mgmt_pci_msi_bind b = { .sbdf = sbdf, .entry = entry };
    long r = mgmt_call(MGMT_PCI_MSI_BIND, &b, sizeof(b));

    if (r == 0)
        *port = b.port;
    return r;
}
