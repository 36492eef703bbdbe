/* SPDX-License-Identifier: MIT */
/*
 * The drivers' environment in a Mosaic domain (built into libdrivers.a
 * for domains only): assigned functions from MGMT_PCI_INFO, configuration
 * writes and MSI-X binding through the management hypercall, DMA memory
 * from the heap, log lines on the console. The runtime maps guest-physical
 * memory 1:1 below 4 GiB and the IOMMU maps a domain's DMA exactly as its
 * nested paging, so a heap pointer is its own bus address.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/env.h"
#include "drivers/pci.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "mosaic/mgmt.h"

/* The runtime's page tables map [0, 4 GiB) (domains/runtime/README.md). */
#define DOMAIN_MAPPED_END (4ull << 30)

void drivers_log(const char *fmt, ...)
{
    char line[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%s\n", line);
}

static int domain_cfg_write(struct pci_func *f, unsigned off, unsigned size, uint32_t value)
{
    struct mgmt_pci_cfg_write a = { .sbdf = f->sbdf, .offset = (uint16_t)off, .size = (uint8_t)size, .value = value };

    if (off > UINT16_MAX || size > UINT8_MAX)
        return -XEN_EINVAL;
    return (int)mgmt_call(MGMT_PCI_CFG_WRITE, &a, sizeof(a));
}

static int domain_msix_bind(struct pci_func *f, unsigned entry, uint32_t *port)
{
    struct mgmt_pci_msi_bind a = { .sbdf = f->sbdf, .entry = (uint16_t)entry };

    if (entry > UINT16_MAX)
        return -XEN_EINVAL;
    int rc = (int)mgmt_call(MGMT_PCI_MSI_BIND, &a, sizeof(a));
    if (rc == 0)
        *port = a.port;
    return rc;
}

static const struct pci_func_ops domain_pci_ops = {
    .cfg_write = domain_cfg_write,
    .msix_bind = domain_msix_bind,
};

static bool mapped(uint64_t addr, uint64_t size)
{
    return addr < DOMAIN_MAPPED_END && size <= DOMAIN_MAPPED_END - addr;
}

int pci_func_open(unsigned index, struct pci_func *f)
{
    struct mgmt_pci_info info = { .index = index };
    int rc = (int)mgmt_call(MGMT_PCI_INFO, &info, sizeof(info));

    if (rc)
        return rc;
    memset(f, 0, sizeof(*f));
    f->sbdf = info.sbdf;
    f->nr_msix = info.nr_msix;
    f->ops = &domain_pci_ops;
    if (!mapped(info.cfg_gpa, 4096)) {
        drivers_log("pci %04x: configuration page at 0x%llx is out of reach", info.sbdf,
                    (unsigned long long)info.cfg_gpa);
        return -XEN_ERANGE;
    }
    f->cfg = (const volatile uint8_t *)(uintptr_t)info.cfg_gpa;
    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        if (!(info.bar_flags[i] & MGMT_PCI_BAR_MEM) || info.bar_addr[i] == 0)
            continue;
        if (!mapped(info.bar_addr[i], info.bar_size[i])) {
            /* Left out: a driver needing it finds no window there. */
            drivers_log("pci %04x: BAR %u at 0x%llx is out of reach", info.sbdf, i,
                        (unsigned long long)info.bar_addr[i]);
            continue;
        }
        f->bar[i] = (volatile uint8_t *)(uintptr_t)info.bar_addr[i];
        f->bar_size[i] = info.bar_size[i];
    }
    return 0;
}

void *dma_alloc(size_t size, size_t align, uint64_t *bus)
{
    if (size == 0 || align == 0 || (align & (align - 1)) != 0 || align > 4096)
        return NULL;
    void *p = memalign(align, size);
    if (!p)
        return NULL;
    memset(p, 0, size);
    *bus = (uint64_t)(uintptr_t)p;
    return p;
}

void dma_free(void *p)
{
    free(p);
}

uint64_t dma_bus_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}
