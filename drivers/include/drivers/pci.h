/* SPDX-License-Identifier: MIT */
/*
 * A PCI function as a driver domain sees it: its configuration page
 * (read-only, mapped by the core), its memory BARs (mapped by the core at
 * the addresses MGMT_PCI_INFO gives), and a filtered way to write its
 * configuration space. Drivers use only this, so the same driver runs in a
 * domain (drivers/domain_env.c, over the management hypercall) and
 * in a host test (a fake function in memory).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_MAX_BARS 6

/* Capability ids (PCI Local Bus 3.0, appendix H). */
#define PCI_CAP_ID_MSIX 0x11u
#define PCI_CAP_ID_VNDR 0x09u /* vendor-specific: virtio's windows */

struct pci_func;

/* What the environment provides for a function. */
struct pci_func_ops {
    /* Write size (1, 2, 4) bytes of configuration space at off; 0 or a
     * negative errno (the core refuses what would move the device or
     * redirect its interrupts). */
    int (*cfg_write)(struct pci_func *f, unsigned off, unsigned size, uint32_t value);
    /* Route MSI-X entry to a new event-channel port of the domain: 0 and
     * *port, or a negative errno. */
    int (*msix_bind)(struct pci_func *f, unsigned entry, uint32_t *port);
};

struct pci_func {
    uint32_t sbdf;                       /* segment << 16 | bus << 8 | devfn */
    const volatile uint8_t *cfg;         /* 4 KiB configuration page, read-only */
    volatile uint8_t *bar[PCI_MAX_BARS]; /* mapped memory BARs; NULL: none, I/O or withheld */
    uint64_t bar_size[PCI_MAX_BARS];
    unsigned nr_msix; /* MSI-X table entries (0: none) */
    const struct pci_func_ops *ops;
    void *env; /* the environment's own */
};

/* Configuration reads; an offset outside the page or not aligned to the
 * size reads as all ones, as an absent register does. */
uint8_t pci_cfg_read8(const struct pci_func *f, unsigned off);
uint16_t pci_cfg_read16(const struct pci_func *f, unsigned off);
uint32_t pci_cfg_read32(const struct pci_func *f, unsigned off);

/* pci_cap_next: the offset of the next capability with this id after
 * offset `after` (0: from the first), or 0. Walks at most 48 entries and
 * ignores pointers outside 0x40..0xfc, so a looping or broken list ends. */
unsigned pci_cap_next(const struct pci_func *f, uint8_t id, unsigned after);

/* pci_enable: memory decoding and bus mastering on, INTx off (the
 * drivers use MSI-X or poll). 0 or cfg_write's errno. */
int pci_enable(struct pci_func *f);
/* pci_msix_enable: MSI-X on (function mask off). 0, -XEN_ENODEV without
 * an MSI-X capability, or cfg_write's errno. */
int pci_msix_enable(struct pci_func *f);

/* A BAR window, bounds-checked: the pointer to [off, off + len) of BAR
 * bar, or NULL when the BAR is absent or too small. */
volatile void *pci_bar_window(const struct pci_func *f, unsigned bar, uint64_t off, uint64_t len);

/*
 * DMA memory. In a domain the IOMMU maps guest-physical to machine
 * addresses exactly as the domain's own nested paging does, so the bus
 * address of domain memory is its guest-physical address, which is its
 * virtual address (the runtime maps memory 1:1). dma_alloc returns zeroed,
 * align-aligned memory (align a power of two, at most 4096) and its bus
 * address; the host test's environment gives its own.
 */
void *dma_alloc(size_t size, size_t align, uint64_t *bus);
void dma_free(void *p);
uint64_t dma_bus_addr(const void *p); /* of memory from dma_alloc */
