/* SPDX-License-Identifier: MIT */
/*
 * Between the files of core/pci: configuration access (pci.c), the
 * functions found at boot and their assignment (pci_assign.c), MSI-X
 * bindings (pci_msi.c).
 */
#pragma once

#include "core/domain.h"
#include "core/pci.h"

/* Configuration space (PCI Local Bus 3.0, 6.1; PCI Express 5.0, 7.5). */
#define PCI_CFG_VENDOR      0x00u
#define PCI_CFG_DEVICE      0x02u
#define PCI_CFG_STATUS      0x06u
#define PCI_STATUS_CAPS     (1u << 4)
#define PCI_CFG_HEADER_TYPE 0x0eu /* bits 6:0 the layout, bit 7 multi-function */
#define PCI_HEADER_MULTI    0x80u
#define PCI_CFG_CLASS       0x0bu /* the base class code */
#define PCI_CLASS_BRIDGE    0x06u
#define PCI_CFG_BAR0        0x10u
#define PCI_CFG_CAPS        0x34u
#define PCI_BAR_IO          (1u << 0)
#define PCI_BAR_MEM_64      (2u << 1)
#define PCI_BAR_MEM_TYPE    (3u << 1)
#define PCI_BAR_PREFETCH    (1u << 3)
#define PCI_CAP_MSI         0x05u
#define PCI_CAP_EXP         0x10u
#define PCI_CAP_MSIX        0x11u
#define PCI_MSI_CTRL_ENABLE (1u << 0) /* in the MSI capability's message control */
#define PCI_MSIX_TABLE      4u        /* table offset and BIR, in the MSI-X capability */
#define PCI_MSIX_PBA        8u
#define PCI_MSIX_SIZE_MASK  0x7ffu /* message control: entries - 1 */
#define PCI_MSIX_BIR_MASK   7u
#define PCI_MSIX_ENTRY_SIZE 16u
#define PCI_EXP_DEVCAP      4u /* Device Capabilities, in the PCI Express capability */
#define PCI_EXP_DEVCAP_FLR  (1u << 28)
#define PCI_EXP_DEVCTL      8u
#define PCI_EXP_DEVCTL_FLR  (1u << 15)
#define PCI_CFG_SIZE        0x1000u

#define PCI_MAX_FUNCS 64 /* functions the core lists at boot */

/* One function found at boot. The first block never changes after
 * pci_init; the rest is protected by pci_lock. */
struct pci_fn {
    uint32_t sbdf;
    uint16_t vendor, device;
    bool bridge;                   /* header type 1 or 2, or bridge class (host bridges too): never assigned */
    uint16_t msix_cap;             /* its MSI-X capability, 0 if none */
    uint16_t exp_cap;              /* its PCI Express capability, 0 if none */
    uint16_t msi_cap;              /* its MSI capability, 0 if none */
    bool flr;                      /* it offers a function-level reset */
    uint16_t nr_msix;              /* 0 without MSI-X or without a table mapping */
    uint8_t msix_bir, pba_bir;     /* the BARs holding the table and the PBA */
    uint32_t msix_off, pba_off;    /* their offsets in those BARs */
    volatile uint32_t *msix_table; /* the core's uncached mapping of the table */
    /* Assignment: protected by pci_lock. */
    domid_t owner;                  /* DOMID_NONE while free */
    uint64_t seq;                   /* when it was assigned: MGMT_PCI_INFO's order */
    uint32_t bar_raw[PCI_MAX_BARS]; /* the BARs as firmware left them: put back after a reset */
    struct pci_info info;           /* what MGMT_PCI_INFO says */
};

/* pci.c: configuration access to a listed function (offset below 4 KiB,
 * aligned to the size). Any context; no lock of their own. */
uint32_t pci_cfg_read(uint32_t sbdf, uint16_t offset, uint8_t size);
void pci_cfg_write_raw(uint32_t sbdf, uint16_t offset, uint8_t size, uint32_t value);
/* pci_cfg_page: the machine address of sbdf's 4 KiB configuration page. */
paddr_t pci_cfg_page(uint32_t sbdf);
/* pci_functions: the functions found at boot, and how many. */
struct pci_fn *pci_functions(unsigned *count);
/* pci_bars_probe: size every BAR of f with its decoding off, put every
 * register back as it was, and fill f->info's BARs and f->bar_raw. Under
 * pci_lock, on a function nobody uses. */
void pci_bars_probe(struct pci_fn *f);
/* pci_msix_entry: the core's mapping of f's MSI-X entry i (4 words). */
volatile uint32_t *pci_msix_entry(const struct pci_fn *f, unsigned i);

/* pci_assign.c: pci_lock, and d's function sbdf (NULL: none) under it. */
void pci_lock_take(void);
void pci_lock_drop(void);
struct pci_fn *pci_fn_of(const struct domain *d, uint32_t sbdf);

/* pci_msi.c */
void pci_msi_init(void);
/* pci_msi_unbind_all: undo every binding of f (its entries masked). Takes
 * evtchn_lock. */
void pci_msi_unbind_all(const struct pci_fn *f);
