/* SPDX-License-Identifier: MIT */
/*
 * ACPI static tables as the core needs them at boot: the CPUs and interrupt
 * controllers (MADT), the PM timer port (FADT), the PCI Express
 * configuration window (MCFG) and where the IOMMU tables (DMAR, IVRS) live. The parser is portable and reaches firmware
 * memory only through a caller-supplied map callback. It does not run AML, and it does not decode the IOMMU tables
 * themselves (core/dmar.h does the DMAR).
 */
#pragma once

#include "core/types.h"

/*
 * Firmware layouts, ACPI 6.5 section 5.2. All fields are little-endian and
 * may sit at any alignment in memory, so the parser copies them into these
 * structs with memcpy and never casts a firmware pointer.
 */

/* Root System Description Pointer (5.2.5.3). Revision 0 has only the first
 * 20 bytes; revision 2 and later have all 36. Packed: the spec's size, 36,
 * is not a multiple of the 64-bit field's alignment. */
struct __attribute__((packed)) acpi_rsdp {
    uint8_t signature[8];      /* 0x00 "RSD PTR " */
    uint8_t checksum;          /* 0x08 covers bytes 0..19 */
    uint8_t oem_id[6];         /* 0x09 */
    uint8_t revision;          /* 0x0f */
    uint32_t rsdt_address;     /* 0x10 */
    uint32_t length;           /* 0x14 revision >= 2 only */
    uint64_t xsdt_address;     /* 0x18 revision >= 2 only */
    uint8_t extended_checksum; /* 0x20 covers `length` bytes */
    uint8_t _rsvd_0x21[3];     /* 0x21 */
};
_Static_assert(offsetof(struct acpi_rsdp, signature) == 0x00, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, checksum) == 0x08, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, oem_id) == 0x09, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, revision) == 0x0f, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 0x10, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, length) == 0x14, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 0x18, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, extended_checksum) == 0x20, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, _rsvd_0x21) == 0x21, "ACPI 5.2.5.3");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 5.2.5.3");

#define ACPI_RSDP_V1_LEN 20u /* bytes covered by the first checksum */
#define ACPI_RSDP_V2_LEN 36u

/* System Description Table header shared by every table (5.2.6). */
struct acpi_table_header {
    uint8_t signature[4];      /* 0x00 */
    uint32_t length;           /* 0x04 whole table, header included */
    uint8_t revision;          /* 0x08 */
    uint8_t checksum;          /* 0x09 all `length` bytes sum to 0 */
    uint8_t oem_id[6];         /* 0x0a */
    uint8_t oem_table_id[8];   /* 0x10 */
    uint32_t oem_revision;     /* 0x18 */
    uint32_t creator_id;       /* 0x1c */
    uint32_t creator_revision; /* 0x20 */
};
_Static_assert(offsetof(struct acpi_table_header, signature) == 0x00, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, length) == 0x04, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, revision) == 0x08, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, checksum) == 0x09, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, oem_id) == 0x0a, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, oem_table_id) == 0x10, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, oem_revision) == 0x18, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, creator_id) == 0x1c, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_table_header, creator_revision) == 0x20, "ACPI 5.2.6");
_Static_assert(sizeof(struct acpi_table_header) == 36, "ACPI 5.2.6");

#define ACPI_TABLE_MAX_LEN MIB(1) /* larger tables are rejected */

/* Multiple APIC Description Table, fixed part (5.2.12). */
struct acpi_madt {
    struct acpi_table_header header; /* 0x00 signature "APIC" */
    uint32_t lapic_address;          /* 0x24 */
    uint32_t flags;                  /* 0x28 ACPI_MADT_PCAT_COMPAT */
};
_Static_assert(offsetof(struct acpi_madt, lapic_address) == 0x24, "ACPI 5.2.12");
_Static_assert(offsetof(struct acpi_madt, flags) == 0x28, "ACPI 5.2.12");
_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 5.2.12");

#define ACPI_MADT_PCAT_COMPAT (1u << 0) /* legacy 8259 PICs present */

/* Interrupt controller structure header: every MADT entry starts so. */
struct acpi_madt_entry {
    uint8_t type;   /* 0x00 ACPI_MADT_TYPE_* */
    uint8_t length; /* 0x01 whole entry */
};
_Static_assert(sizeof(struct acpi_madt_entry) == 2, "ACPI 5.2.12");

#define ACPI_MADT_TYPE_LAPIC          0
#define ACPI_MADT_TYPE_IOAPIC         1
#define ACPI_MADT_TYPE_LAPIC_OVERRIDE 5
#define ACPI_MADT_TYPE_X2APIC         9

/* Local APIC and x2APIC flags (5.2.12.2, table 5.40). */
#define ACPI_MADT_CPU_ENABLED        (1u << 0)
#define ACPI_MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* Processor Local APIC (5.2.12.2). */
struct acpi_madt_lapic {
    uint8_t type;    /* 0x00 ACPI_MADT_TYPE_LAPIC */
    uint8_t length;  /* 0x01 */
    uint8_t uid;     /* 0x02 ACPI processor UID */
    uint8_t apic_id; /* 0x03 */
    uint32_t flags;  /* 0x04 ACPI_MADT_CPU_* */
};
_Static_assert(offsetof(struct acpi_madt_lapic, uid) == 0x02, "ACPI 5.2.12.2");
_Static_assert(offsetof(struct acpi_madt_lapic, apic_id) == 0x03, "ACPI 5.2.12.2");
_Static_assert(offsetof(struct acpi_madt_lapic, flags) == 0x04, "ACPI 5.2.12.2");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "ACPI 5.2.12.2");

/* I/O APIC (5.2.12.3). */
struct acpi_madt_ioapic {
    uint8_t type;      /* 0x00 ACPI_MADT_TYPE_IOAPIC */
    uint8_t length;    /* 0x01 */
    uint8_t id;        /* 0x02 */
    uint8_t _rsvd_0x3; /* 0x03 */
    uint32_t address;  /* 0x04 */
    uint32_t gsi_base; /* 0x08 */
};
_Static_assert(offsetof(struct acpi_madt_ioapic, id) == 0x02, "ACPI 5.2.12.3");
_Static_assert(offsetof(struct acpi_madt_ioapic, _rsvd_0x3) == 0x03, "ACPI 5.2.12.3");
_Static_assert(offsetof(struct acpi_madt_ioapic, address) == 0x04, "ACPI 5.2.12.3");
_Static_assert(offsetof(struct acpi_madt_ioapic, gsi_base) == 0x08, "ACPI 5.2.12.3");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "ACPI 5.2.12.3");

/* Local APIC Address Override (5.2.12.8). The spec puts a 64-bit field at
 * offset 4, hence packed. */
struct __attribute__((packed)) acpi_madt_lapic_override {
    uint8_t type;       /* 0x00 ACPI_MADT_TYPE_LAPIC_OVERRIDE */
    uint8_t length;     /* 0x01 */
    uint16_t _rsvd_0x2; /* 0x02 */
    uint64_t address;   /* 0x04 */
};
_Static_assert(offsetof(struct acpi_madt_lapic_override, _rsvd_0x2) == 0x02, "ACPI 5.2.12.8");
_Static_assert(offsetof(struct acpi_madt_lapic_override, address) == 0x04, "ACPI 5.2.12.8");
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "ACPI 5.2.12.8");

/* Processor Local x2APIC (5.2.12.12). */
struct acpi_madt_x2apic {
    uint8_t type;       /* 0x00 ACPI_MADT_TYPE_X2APIC */
    uint8_t length;     /* 0x01 */
    uint16_t _rsvd_0x2; /* 0x02 */
    uint32_t x2apic_id; /* 0x04 */
    uint32_t flags;     /* 0x08 ACPI_MADT_CPU_* */
    uint32_t uid;       /* 0x0c ACPI processor UID */
};
_Static_assert(offsetof(struct acpi_madt_x2apic, _rsvd_0x2) == 0x02, "ACPI 5.2.12.12");
_Static_assert(offsetof(struct acpi_madt_x2apic, x2apic_id) == 0x04, "ACPI 5.2.12.12");
_Static_assert(offsetof(struct acpi_madt_x2apic, flags) == 0x08, "ACPI 5.2.12.12");
_Static_assert(offsetof(struct acpi_madt_x2apic, uid) == 0x0c, "ACPI 5.2.12.12");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "ACPI 5.2.12.12");

/* PCI Express memory-mapped configuration (MCFG, "PCI Firmware
 * Specification" 3.0, 4.1.2; listed in ACPI 6.5 table 5.6): the header,
 * 8 reserved bytes, then one allocation per segment and bus range. */
struct acpi_mcfg {
    struct acpi_table_header header; /* 0x00 signature "MCFG" */
    uint8_t _rsvd_0x24[8];           /* 0x24 */
};
_Static_assert(offsetof(struct acpi_mcfg, _rsvd_0x24) == 0x24, "PCI FW 4.1.2");
_Static_assert(sizeof(struct acpi_mcfg) == 44, "PCI FW 4.1.2");

/* One ECAM window: bus b's configuration space starts at base + (b << 20),
 * whatever start_bus is (PCI FW 4.1.2, table 4-3). */
struct acpi_mcfg_alloc {
    uint64_t base;       /* 0x00 */
    uint16_t segment;    /* 0x08 PCI segment group */
    uint8_t start_bus;   /* 0x0a */
    uint8_t end_bus;     /* 0x0b */
    uint32_t _rsvd_0x0c; /* 0x0c */
};
_Static_assert(offsetof(struct acpi_mcfg_alloc, base) == 0x00, "PCI FW 4.1.2");
_Static_assert(offsetof(struct acpi_mcfg_alloc, segment) == 0x08, "PCI FW 4.1.2");
_Static_assert(offsetof(struct acpi_mcfg_alloc, start_bus) == 0x0a, "PCI FW 4.1.2");
_Static_assert(offsetof(struct acpi_mcfg_alloc, end_bus) == 0x0b, "PCI FW 4.1.2");
_Static_assert(offsetof(struct acpi_mcfg_alloc, _rsvd_0x0c) == 0x0c, "PCI FW 4.1.2");
_Static_assert(sizeof(struct acpi_mcfg_alloc) == 16, "PCI FW 4.1.2");

/* FADT (5.2.9): only PM_TMR_BLK is read, a 32-bit I/O port number. */
#define ACPI_FADT_PM_TMR_BLK_OFF 76u

/*
 * acpi_checksum: the 8-bit sum of p[0..n); ACPI structures are valid when
 * it is 0. Shared with core/iommu/dmar.c, which checks its table too.
 */
static inline uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

/* What the core learns from the tables. */

#define ACPI_MAX_CPUS    64
#define ACPI_MAX_IOAPICS 8

struct acpi_cpu {
    uint32_t apic_id; /* xAPIC or x2APIC id */
    uint32_t uid;     /* ACPI processor UID */
};

struct acpi_ioapic {
    uint8_t id;
    paddr_t base;      /* register window */
    uint32_t gsi_base; /* first global system interrupt it serves */
};

struct acpi_info {
    /* Enabled or online-capable processors in MADT order; entries with
     * both flags clear are skipped. Never 0 after a successful parse. */
    unsigned ncpus;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    paddr_t lapic_base; /* MADT value, or a type-5 override; 4 KiB aligned */
    bool pcat_compat;   /* legacy 8259 PICs present */
    unsigned nioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    paddr_t dmar; /* Intel DMA remapping table, 0 if none */
    uint32_t dmar_len;
    paddr_t ivrs; /* AMD I/O virtualization table, 0 if none */
    uint32_t ivrs_len;
    paddr_t fadt;           /* 0 if none */
    uint32_t pm_timer_port; /* FADT PM_TMR_BLK, 0 if none */
    /* Segment 0's ECAM window from the MCFG: 0 if none. Bus b's 1 MiB is
     * at ecam_base + (b << 20), for b in ecam_bus_start..ecam_bus_end. */
    paddr_t ecam_base;
    uint8_t ecam_bus_start;
    uint8_t ecam_bus_end;
};

/*
 * acpi_map_fn: return a readable pointer to guest-physical [pa, pa + len),
 * or NULL if that range is not accessible. Pointers it returns must stay
 * valid until acpi_parse returns; the parser never writes through them and
 * may ask for the same range more than once.
 */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len, void *ctx);

/*
 * acpi_parse: validate the RSDP copy (rsdp_len bytes, as handed over by the
 * loader), walk the XSDT (revision >= 2 with a nonzero address) or else the
 * RSDT, and fill *out from the MADT, FADT, MCFG, DMAR and IVRS. Every table is
 * length- and checksum-checked before it is read.
 *
 * Returns 0, or -ERR_INVAL when the RSDP, the root table or the MADT is
 * malformed or missing (one log_err line says why; *out is then zeroed).
 * A broken optional table (FADT, MCFG, DMAR, IVRS) or an excess of CPUs or
 * I/O APICs costs one log_warn line and is otherwise ignored.
 * Boot time; keeps no state of its own between calls.
 */
__attribute__((warn_unused_result)) int acpi_parse(const uint8_t *rsdp, unsigned rsdp_len, acpi_map_fn map, void *ctx,
                                                   struct acpi_info *out);
