/* SPDX-License-Identifier: MIT */
/*
 * The Intel VT-d DMA Remapping Reporting table (DMAR): which remapping
 * units exist, where their registers are, and the platform-wide flags.
 * Parsing is portable and works on a copy or mapping of the table that the
 * caller found through core/acpi.h. It does not decode device scopes or
 * program any hardware.
 */
#pragma once

#include "core/acpi.h"
#include "core/types.h"

/*
 * Firmware layouts, Intel VT-d specification rev. 4.1, chapter 8. All
 * little-endian, copied out with memcpy since the table may be unaligned.
 */

/* DMAR fixed part (8.1). */
struct dmar_table {
    struct acpi_table_header header; /* 0x00 signature "DMAR" */
    uint8_t host_addr_width;         /* 0x24 address bits - 1 */
    uint8_t flags;                   /* 0x25 DMAR_FLAG_* */
    uint8_t _rsvd_0x26[10];          /* 0x26 */
};
_Static_assert(offsetof(struct dmar_table, host_addr_width) == 0x24, "VT-d 8.1");
_Static_assert(offsetof(struct dmar_table, flags) == 0x25, "VT-d 8.1");
_Static_assert(offsetof(struct dmar_table, _rsvd_0x26) == 0x26, "VT-d 8.1");
_Static_assert(sizeof(struct dmar_table) == 48, "VT-d 8.1");

#define DMAR_FLAG_INTR_REMAP     (1u << 0)
#define DMAR_FLAG_X2APIC_OPT_OUT (1u << 1)

/* Header of every remapping structure that follows the fixed part (8.2). */
struct dmar_struct_header {
    uint16_t type;   /* 0x00 DMAR_TYPE_* */
    uint16_t length; /* 0x02 whole structure */
};
_Static_assert(offsetof(struct dmar_struct_header, length) == 0x02, "VT-d 8.2");
_Static_assert(sizeof(struct dmar_struct_header) == 4, "VT-d 8.2");

#define DMAR_TYPE_DRHD 0 /* DMA remapping hardware unit */
#define DMAR_TYPE_RMRR 1 /* reserved memory region */
#define DMAR_TYPE_ATSR 2 /* root port ATS capability */

/* DMA Remapping Hardware Unit Definition, fixed part (8.3); device scope
 * entries follow up to `length`. */
struct dmar_drhd {
    uint16_t type;          /* 0x00 DMAR_TYPE_DRHD */
    uint16_t length;        /* 0x02 */
    uint8_t flags;          /* 0x04 DMAR_DRHD_INCLUDE_PCI_ALL */
    uint8_t size;           /* 0x05 register set size, 2^size pages */
    uint16_t segment;       /* 0x06 PCI segment number */
    uint64_t register_base; /* 0x08 4 KiB aligned */
};
_Static_assert(offsetof(struct dmar_drhd, flags) == 0x04, "VT-d 8.3");
_Static_assert(offsetof(struct dmar_drhd, size) == 0x05, "VT-d 8.3");
_Static_assert(offsetof(struct dmar_drhd, segment) == 0x06, "VT-d 8.3");
_Static_assert(offsetof(struct dmar_drhd, register_base) == 0x08, "VT-d 8.3");
_Static_assert(sizeof(struct dmar_drhd) == 16, "VT-d 8.3");

#define DMAR_DRHD_INCLUDE_PCI_ALL (1u << 0)

/* Device scope entry (8.3.1); a path of (device, function) byte pairs
 * follows, from start_bus down through bridges. */
struct dmar_scope {
    uint8_t type;       /* 0x00 DMAR_SCOPE_* */
    uint8_t length;     /* 0x01 whole entry, path included */
    uint8_t flags;      /* 0x02 */
    uint8_t _rsvd_0x03; /* 0x03 */
    uint8_t enum_id;    /* 0x04 I/O APIC, HPET or ACPI device id */
    uint8_t start_bus;  /* 0x05 */
};
_Static_assert(offsetof(struct dmar_scope, type) == 0x00, "VT-d 8.3.1");
_Static_assert(offsetof(struct dmar_scope, length) == 0x01, "VT-d 8.3.1");
_Static_assert(offsetof(struct dmar_scope, flags) == 0x02, "VT-d 8.3.1");
_Static_assert(offsetof(struct dmar_scope, _rsvd_0x03) == 0x03, "VT-d 8.3.1");
_Static_assert(offsetof(struct dmar_scope, enum_id) == 0x04, "VT-d 8.3.1");
_Static_assert(offsetof(struct dmar_scope, start_bus) == 0x05, "VT-d 8.3.1");
_Static_assert(sizeof(struct dmar_scope) == 6, "VT-d 8.3.1");

#define DMAR_SCOPE_ENDPOINT 1u /* a PCI endpoint function */

#define DMAR_RMRR_MIN_LEN 24u /* 8.4: fixed part before device scopes */
#define DMAR_ATSR_MIN_LEN 8u  /* 8.5: fixed part before device scopes */

/* What the core learns from the table. */

#define DMAR_MAX_UNITS     8
#define DMAR_MAX_ENDPOINTS 32 /* per unit; functions beyond are not known to be translated */

struct dmar_unit {
    paddr_t base;                           /* register window, 4 KiB aligned, nonzero */
    uint16_t segment;                       /* PCI segment */
    bool include_pci_all;                   /* covers every device of the segment not
                                               claimed by another unit */
    uint8_t nendpoints;                     /* endpoint scopes kept: those with a one-step path */
    uint16_t endpoints[DMAR_MAX_ENDPOINTS]; /* bus << 8 | devfn of each */
};

struct dmar_info {
    uint8_t host_addr_width;                /* DMA address width in bits (table value + 1) */
    bool intr_remap;                        /* interrupt remapping supported */
    bool x2apic_opt_out;                    /* firmware asks the OS not to enable x2APIC */
    unsigned nunits;                        /* 1..DMAR_MAX_UNITS after a successful parse */
    struct dmar_unit units[DMAR_MAX_UNITS]; /* table order */
    unsigned nrmrr;                         /* reserved memory region structures */
    unsigned natsr;                         /* root port ATS structures */
};

/*
 * dmar_parse: check and decode the DMAR table at table[0..len) (a copy or
 * mapping of what acpi_info.dmar/dmar_len locate). The header's length
 * must fit in len and its checksum must hold.
 *
 * Returns 0, or -ERR_INVAL for a malformed table (one log_err line says
 * why; *out is then zeroed). More than DMAR_MAX_UNITS units costs one
 * log_warn line; the first DMAR_MAX_UNITS are kept. No locks; any context.
 */
__attribute__((warn_unused_result)) int dmar_parse(const void *table, size_t len, struct dmar_info *out);

/*
 * dmar_describe: one boot-log summary of d into buf[0..n), for example
 * "1 unit (0xfed90000 segment 0 all-PCI), 39-bit host addresses,
 * interrupt remapping". Returns the length written (without the NUL), or
 * -ERR_NOSPC when it did not fit (buf then holds a NUL-terminated prefix
 * if n > 0). No locks; any context.
 */
int dmar_describe(const struct dmar_info *d, char *buf, size_t n);
