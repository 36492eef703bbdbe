/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space through PCI Express ECAM (the MCFG's window of
 * segment 0, mapped uncached into the core at boot), the list of functions
 * found then with their capabilities, each endpoint's MSI-X table mapped
 * into the core, and BAR sizing. The legacy ports 0xcf8/0xcfc are not
 * used and stay the core's. No decision about who owns what: pci_assign.c.
 */
#include "core/arch.h"
#include "core/env.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/string.h"
#include "idl/mgmt.h"
#include "pci_filter.h"
#include "pci_priv.h"

static volatile uint8_t *ecam;           /* the window's mapping: written once at boot */
static paddr_t ecam_base;                /* its machine address (of bus 0) */
static uint8_t bus_start, bus_end;       /* the buses it covers */
static struct pci_fn fns[PCI_MAX_FUNCS]; /* found at boot (pci_priv.h says who writes what) */
static unsigned nr_fns;                  /* written once at boot */

static volatile uint8_t *cfg_at(uint32_t sbdf, uint16_t offset)
{
    uint32_t bus = PCI_SBDF_BUS(sbdf);

    ASSERT(ecam && bus >= bus_start && bus <= bus_end && offset < PCI_CFG_SIZE);
    return ecam + ((uint64_t)(bus - bus_start) << 20 | (uint64_t)(sbdf & 0xffu) << 12 | offset);
}

/* ECAM accesses must be single naturally aligned loads and stores of the
 * size asked (PCI Express 5.0, 7.2.2.1). */
uint32_t pci_cfg_read(uint32_t sbdf, uint16_t offset, uint8_t size)
{
    volatile uint8_t *p = cfg_at(sbdf, offset);

    ASSERT((offset & (size - 1u)) == 0);
    switch (size) {
    case 1: return *p;
    case 2: return *(volatile uint16_t *)(volatile void *)p;
    default: return *(volatile uint32_t *)(volatile void *)p;
    }
}

void pci_cfg_write_raw(uint32_t sbdf, uint16_t offset, uint8_t size, uint32_t value)
{
    volatile uint8_t *p = cfg_at(sbdf, offset);

    ASSERT((offset & (size - 1u)) == 0);
    switch (size) {
    case 1: *p = (uint8_t)value; break;
    case 2: *(volatile uint16_t *)(volatile void *)p = (uint16_t)value; break;
    default: *(volatile uint32_t *)(volatile void *)p = value; break;
    }
}

paddr_t pci_cfg_page(uint32_t sbdf)
{
    return ecam_base + ((uint64_t)PCI_SBDF_BUS(sbdf) << 20 | (uint64_t)(sbdf & 0xffu) << 12);
}

struct pci_fn *pci_functions(unsigned *count)
{
    *count = nr_fns;
    return fns;
}

volatile uint32_t *pci_msix_entry(const struct pci_fn *f, unsigned i)
{
    ASSERT(f->msix_table && i < f->nr_msix);
    return f->msix_table + i * (PCI_MSIX_ENTRY_SIZE / 4);
}

/* Walk the capability list (at most 48 links: a loop in it ends there). */
static void caps_find(struct pci_fn *f)
{
    uint16_t at;

    if (!(pci_cfg_read(f->sbdf, PCI_CFG_STATUS, 2) & PCI_STATUS_CAPS))
        return;
    at = (uint16_t)(pci_cfg_read(f->sbdf, PCI_CFG_CAPS, 1) & 0xfcu);
    for (unsigned n = 0; at >= 0x40 && n < 48; n++) {
        uint8_t id = (uint8_t)pci_cfg_read(f->sbdf, at, 1);
        if (id == PCI_CAP_MSIX && !f->msix_cap)
            f->msix_cap = at;
        else if (id == PCI_CAP_EXP && !f->exp_cap)
            f->exp_cap = at;
        else if (id == PCI_CAP_MSI && !f->msi_cap)
            f->msi_cap = at;
        at = (uint16_t)(pci_cfg_read(f->sbdf, (uint16_t)(at + 1), 1) & 0xfcu);
    }
    if (f->exp_cap)
        f->flr = (pci_cfg_read(f->sbdf, (uint16_t)(f->exp_cap + PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_FLR) != 0;
}

/* The machine address a memory BAR holds as firmware left it (0: none). */
static paddr_t bar_address(uint32_t sbdf, unsigned bar)
{
    uint32_t lo = pci_cfg_read(sbdf, (uint16_t)(PCI_CFG_BAR0 + 4 * bar), 4);
    paddr_t a = lo & ~0xfull;

    if (lo & PCI_BAR_IO)
        return 0;
    if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 && bar + 1 < PCI_MAX_BARS)
        a |= (paddr_t)pci_cfg_read(sbdf, (uint16_t)(PCI_CFG_BAR0 + 4 * (bar + 1)), 4) << 32;
    return a;
}

/* An endpoint's MSI-X table, mapped into the core once for good: BARs
 * never move (nobody may write them), so neither does the table. */
static void msix_map(struct pci_fn *f)
{
    uint32_t ctrl = pci_cfg_read(f->sbdf, (uint16_t)(f->msix_cap + PCI_MSIX_CTRL), 2);
    uint32_t table = pci_cfg_read(f->sbdf, (uint16_t)(f->msix_cap + PCI_MSIX_TABLE), 4);
    uint32_t pba = pci_cfg_read(f->sbdf, (uint16_t)(f->msix_cap + PCI_MSIX_PBA), 4);
    unsigned n = (ctrl & PCI_MSIX_SIZE_MASK) + 1;
    paddr_t base;

    f->msix_bir = (uint8_t)(table & PCI_MSIX_BIR_MASK);
    f->msix_off = table & ~PCI_MSIX_BIR_MASK;
    f->pba_bir = (uint8_t)(pba & PCI_MSIX_BIR_MASK);
    f->pba_off = pba & ~PCI_MSIX_BIR_MASK;
    if (f->msix_bir >= PCI_MAX_BARS || f->pba_bir >= PCI_MAX_BARS)
        return;
    base = bar_address(f->sbdf, f->msix_bir);
    if (!base)
        return;
    f->msix_table = arch_map_mmio(base + f->msix_off, n * PCI_MSIX_ENTRY_SIZE);
    f->nr_msix = (uint16_t)n;
}

static void fn_add(uint32_t sbdf)
{
    struct pci_fn *f;
    uint8_t type;

    if (nr_fns == PCI_MAX_FUNCS) {
        log_warn("pci: more than %u functions; %02x:%02x.%x and later are not listed", PCI_MAX_FUNCS,
                 PCI_SBDF_BUS(sbdf), PCI_SBDF_DEV(sbdf), PCI_SBDF_FN(sbdf));
        return;
    }
    f = &fns[nr_fns++];
    f->sbdf = sbdf;
    f->vendor = (uint16_t)pci_cfg_read(sbdf, PCI_CFG_VENDOR, 2);
    f->device = (uint16_t)pci_cfg_read(sbdf, PCI_CFG_DEVICE, 2);
    type = (uint8_t)(pci_cfg_read(sbdf, PCI_CFG_HEADER_TYPE, 1) & ~PCI_HEADER_MULTI);
    f->bridge = type != 0 || pci_cfg_read(sbdf, PCI_CFG_CLASS, 1) == PCI_CLASS_BRIDGE;
    f->owner = DOMID_NONE;
    if (f->bridge)
        return;
    caps_find(f);
    if (f->msix_cap)
        msix_map(f);
}

/* Every function of every bus the window covers (a function that is not
 * there reads as vendor 0xffff). */
static void scan(void)
{
    for (unsigned bus = bus_start; bus <= bus_end; bus++)
        for (unsigned dev = 0; dev < 32; dev++)
            for (unsigned fn = 0; fn < 8; fn++) {
                uint32_t sbdf = bus << 8 | dev << 3 | fn;
                if (pci_cfg_read(sbdf, PCI_CFG_VENDOR, 2) == 0xffff) {
                    if (fn == 0)
                        break; /* no function 0: no device */
                    continue;
                }
                fn_add(sbdf);
                if (fn == 0 && !(pci_cfg_read(sbdf, PCI_CFG_HEADER_TYPE, 1) & PCI_HEADER_MULTI))
                    break;
            }
}

void pci_init(const struct acpi_info *acpi)
{
    unsigned msix = 0;

    pci_msi_init();
    if (!acpi->ecam_base) {
        log_warn("pci: no ECAM window (ACPI MCFG); PCI device assignment unavailable");
        return;
    }
    ecam_base = acpi->ecam_base;
    bus_start = acpi->ecam_bus_start;
    bus_end = acpi->ecam_bus_end;
    ecam = arch_map_mmio(ecam_base + ((paddr_t)bus_start << 20), ((size_t)(bus_end - bus_start) + 1) << 20);
    scan();
    for (unsigned i = 0; i < nr_fns; i++)
        msix += fns[i].nr_msix ? 1 : 0;
    log_info("pci: ECAM at 0x%llx for buses %u-%u: %u functions, %u with MSI-X", (unsigned long long)ecam_base,
             bus_start, bus_end, nr_fns, msix);
}

/* One BAR's size with its decoding off (the caller turned it off): all
 * ones written, the read-back's writable bits give it, then put back. */
static uint64_t bar_size(uint32_t sbdf, unsigned bar, uint32_t raw, bool is64)
{
    uint16_t off = (uint16_t)(PCI_CFG_BAR0 + 4 * bar);
    uint32_t lo, hi = ~0u, raw_hi = 0;
    uint64_t mask;

    pci_cfg_write_raw(sbdf, off, 4, ~0u);
    lo = pci_cfg_read(sbdf, off, 4);
    pci_cfg_write_raw(sbdf, off, 4, raw);
    if (is64) {
        raw_hi = pci_cfg_read(sbdf, (uint16_t)(off + 4), 4);
        pci_cfg_write_raw(sbdf, (uint16_t)(off + 4), 4, ~0u);
        hi = pci_cfg_read(sbdf, (uint16_t)(off + 4), 4);
        pci_cfg_write_raw(sbdf, (uint16_t)(off + 4), 4, raw_hi);
    }
    /* No writable address bit: no BAR. An I/O BAR decodes 16 bits. */
    if (raw & PCI_BAR_IO)
        return (lo & ~3u) ? ~((uint64_t)~0u << 32 | 0xffff0000u | (lo & ~3u)) + 1 : 0;
    if (!(lo & ~0xfu) && !(is64 && hi))
        return 0;
    mask = (uint64_t)hi << 32 | (lo & ~0xfu);
    return ~mask + 1;
}

void pci_bars_probe(struct pci_fn *f)
{
    uint32_t cmd = pci_cfg_read(f->sbdf, PCI_CFG_COMMAND, 2);
    struct pci_info *in = &f->info;

    /* Decoding off while a BAR holds all ones, so it decodes nothing. */
    pci_cfg_write_raw(f->sbdf, PCI_CFG_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        uint32_t raw = pci_cfg_read(f->sbdf, (uint16_t)(PCI_CFG_BAR0 + 4 * i), 4);
        bool is64 = !(raw & PCI_BAR_IO) && (raw & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 && i + 1 < PCI_MAX_BARS;

        f->bar_raw[i] = raw;
        in->bar_addr[i] = in->bar_size[i] = 0;
        in->bar_flags[i] = 0;
        in->bar_size[i] = bar_size(f->sbdf, i, raw, is64);
        if (!in->bar_size[i]) {
            if (is64) { /* an unused 64-bit BAR: its upper half is no BAR either */
                i++;
                f->bar_raw[i] = pci_cfg_read(f->sbdf, (uint16_t)(PCI_CFG_BAR0 + 4 * i), 4);
            }
            continue;
        }
        if (raw & PCI_BAR_IO) {
            in->bar_flags[i] = MGMT_PCI_BAR_IO;
            continue;
        }
        in->bar_addr[i] = bar_address(f->sbdf, i);
        in->bar_flags[i] = MGMT_PCI_BAR_MEM | (is64 ? MGMT_PCI_BAR_64 : 0) |
                           (raw & PCI_BAR_PREFETCH ? MGMT_PCI_BAR_PREFETCH : 0) |
                           (f->nr_msix && (i == f->msix_bir || i == f->pba_bir) ? MGMT_PCI_BAR_MSIX : 0);
        if (is64) {
            f->bar_raw[i + 1] = pci_cfg_read(f->sbdf, (uint16_t)(PCI_CFG_BAR0 + 4 * (i + 1)), 4);
            in->bar_addr[i + 1] = in->bar_size[i + 1] = 0;
            in->bar_flags[i + 1] = 0;
            i++;
        }
    }
    pci_cfg_write_raw(f->sbdf, PCI_CFG_COMMAND, 2, cmd);
}
