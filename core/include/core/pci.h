/* SPDX-License-Identifier: MIT */
/*
 * PCI functions as the core sees them (core/pci/): configuration space
 * through PCI Express ECAM (the MCFG's window; the legacy ports 0xcf8/0xcfc
 * stay the core's and are never given out), assignment of endpoint
 * functions to domains (their BARs and configuration page mapped at their
 * machine addresses, their DMA confined by the IOMMU), the filter on
 * configuration writes, MSI-X entries routed to event channels, and the
 * release of every function when its domain goes. Who gets which function
 * is not decided here: callers check MGMT_CAP_PCI.
 * Lock order: pci_lock (pci_assign.c), then a domain's lock, then
 * evtchn_lock (which also guards every MSI-X binding, pci_msi.c).
 */
#pragma once

#include "core/acpi.h"
#include "core/evtchn.h"
#include "core/types.h"

struct domain;

#define PCI_MAX_BARS 6

/* sbdf: segment << 16 | bus << 8 | device << 3 | function. */
#define PCI_SBDF_SEG(s) ((s) >> 16)
#define PCI_SBDF_BUS(s) (((s) >> 8) & 0xffu)
#define PCI_SBDF_DEV(s) (((s) >> 3) & 0x1fu)
#define PCI_SBDF_FN(s)  ((s)&7u)

/* What MGMT_PCI_INFO reports about one assigned function (idl/mgmt.idl). */
struct pci_info {
    uint32_t sbdf;
    uint64_t cfg_gpa;
    uint32_t nr_msix;
    uint64_t bar_addr[PCI_MAX_BARS];
    uint64_t bar_size[PCI_MAX_BARS];
    uint32_t bar_flags[PCI_MAX_BARS]; /* MGMT_PCI_BAR_* */
};

/* pci_init: map segment 0's ECAM window (acpi->ecam_base; none: PCI
 * assignment is unavailable, one warning says so), list every function
 * under it, map the MSI-X table of each endpoint into the core, and route
 * the device-interrupt vectors. Boot CPU, once, before any domain. */
void pci_init(const struct acpi_info *acpi);

/*
 * pci_assign: give function sbdf to the building domain d. Checks, in
 * this order, changing nothing on failure: -ERR_BUSY (assigned already),
 * -ERR_NODEV (no such function, or a bridge), -ERR_NOTSUPP (no IOMMU
 * unit translates its DMA, or the core has no ECAM), -ERR_EXIST (a BAR
 * or its configuration page would cover a page d already has mapped, its
 * RAM above all: one log line names the address), -ERR_NOMEM (tables or
 * the machine-wide list of assigned functions are full). Then maps the
 * memory BARs (but the MSI-X table and PBA pages) and the configuration
 * page (read-only) at their machine addresses and attaches the function
 * to d's IOMMU context. The caller holds no lock; d is held and building.
 */
int pci_assign(struct domain *d, uint32_t sbdf) __attribute__((warn_unused_result));

/* pci_info_get: d's index-th function (in order of assignment); 0, or
 * -ERR_NOENT when d has fewer. Takes pci_lock. */
int pci_info_get(struct domain *d, uint32_t index, struct pci_info *out) __attribute__((warn_unused_result));

/* pci_cfg_write: write size bytes of value at offset of d's function
 * sbdf, through the filter (pci_filter.h): 0, -ERR_NODEV (d has no
 * function sbdf), -ERR_ACCES (the filter refuses). The argument checks
 * (size, alignment, range) are the decoder's. Takes pci_lock. */
int pci_cfg_write(struct domain *d, uint32_t sbdf, uint16_t offset, uint8_t size, uint32_t value)
    __attribute__((warn_unused_result));

/*
 * pci_msi_bind: route MSI-X entry `entry` of d's function sbdf to a new
 * event-channel port of d (*port): a host vector, an interrupt-remapping
 * entry naming it, the table entry written and unmasked. An entry bound
 * already moves to the new port (its old port is closed). 0, or in this
 * order -ERR_NODEV (no function sbdf of d's), -ERR_INVAL (entry not below
 * its MSI-X count), -ERR_NOSPC (no free port, vector or remapping entry),
 * -ERR_NOTSUPP (no interrupt remapping); nothing changes on failure.
 * Takes pci_lock, then evtchn_lock.
 */
int pci_msi_bind(struct domain *d, uint32_t sbdf, uint16_t entry, evtchn_port_t *port)
    __attribute__((warn_unused_result));

/* pci_msi_port_closed: domain dom closed device port `port` of binding
 * `binding` (evtchn.c's hook, with evtchn_lock held): the entry is masked
 * and the binding undone, unless it has moved to another port. */
void pci_msi_port_closed(uint16_t dom, evtchn_port_t port, unsigned binding);

/* pci_domain_release: for a domain being destroyed (no vCPU of it runs):
 * each of its functions is quiesced (bus mastering, decoding and MSI-X
 * off; a function-level reset where it has one), its interrupts unbound,
 * its DMA detached and its mappings taken out; it may be assigned again.
 * Before the domain's event channels and NPT go. Takes pci_lock. */
void pci_domain_release(struct domain *d);
