/* SPDX-License-Identifier: MIT */
/*
 * The ACPI tables the builder writes for a PVH guest, field by field as
 * the ACPI 6.4 specification lays them out (section numbers below). Not a
 * Xen ABI, so not in idl/; packed because the specification puts 64-bit
 * fields at unaligned offsets. Every offset is asserted.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ACPI_PACKED __attribute__((packed))

/* 5.2.5.3 Root System Description Pointer, revision 2. */
struct acpi_rsdp {
    char signature[8];     /* 0x00 "RSD PTR " */
    uint8_t checksum;      /* 0x08 over the first 20 bytes */
    char oem_id[6];        /* 0x09 */
    uint8_t revision;      /* 0x0f 2 */
    uint32_t rsdt_address; /* 0x10 0: no RSDT */
    uint32_t length;       /* 0x14 36 */
    uint64_t xsdt_address; /* 0x18 */
    uint8_t ext_checksum;  /* 0x20 over all 36 bytes */
    uint8_t _rsvd_0x21[3]; /* 0x21 */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, checksum) == 0x08, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, oem_id) == 0x09, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, revision) == 0x0f, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 0x10, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, length) == 0x14, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 0x18, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, ext_checksum) == 0x20, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, _rsvd_0x21) == 0x21, "ACPI 5.2.5.3");

#define ACPI_RSDP_V1_LENGTH 20 /* the part the first checksum covers */

/* 5.2.6 System Description Table Header. */
struct acpi_header {
    char signature[4];         /* 0x00 */
    uint32_t length;           /* 0x04 the whole table */
    uint8_t revision;          /* 0x08 */
    uint8_t checksum;          /* 0x09 the whole table sums to 0 */
    char oem_id[6];            /* 0x0a */
    char oem_table_id[8];      /* 0x10 */
    uint32_t oem_revision;     /* 0x18 */
    char creator_id[4];        /* 0x1c */
    uint32_t creator_revision; /* 0x20 */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, length) == 0x04, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, revision) == 0x08, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, checksum) == 0x09, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, oem_id) == 0x0a, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, oem_table_id) == 0x10, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, oem_revision) == 0x18, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, creator_id) == 0x1c, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_header, creator_revision) == 0x20, "ACPI 5.2.6");

/* 5.2.3.2 Generic Address Structure. */
struct acpi_gas {
    uint8_t space_id;    /* 0x00 */
    uint8_t bit_width;   /* 0x01 */
    uint8_t bit_offset;  /* 0x02 */
    uint8_t access_size; /* 0x03 */
    uint64_t address;    /* 0x04 */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI 5.2.3.2");
_Static_assert(offsetof(struct acpi_gas, bit_width) == 0x01, "ACPI 5.2.3.2");
_Static_assert(offsetof(struct acpi_gas, bit_offset) == 0x02, "ACPI 5.2.3.2");
_Static_assert(offsetof(struct acpi_gas, access_size) == 0x03, "ACPI 5.2.3.2");
_Static_assert(offsetof(struct acpi_gas, address) == 0x04, "ACPI 5.2.3.2");

/* 5.2.9 Fixed ACPI Description Table, revision 6. */
struct acpi_fadt {
    struct acpi_header header;         /* 0x00 "FACP" */
    uint32_t firmware_ctrl;            /* 0x24 FACS; 0: none (optional when hardware-reduced) */
    uint32_t dsdt;                     /* 0x28 */
    uint8_t _rsvd_0x2c;                /* 0x2c */
    uint8_t preferred_pm_profile;      /* 0x2d */
    uint16_t sci_int;                  /* 0x2e */
    uint32_t smi_cmd;                  /* 0x30 */
    uint8_t acpi_enable;               /* 0x34 */
    uint8_t acpi_disable;              /* 0x35 */
    uint8_t s4bios_req;                /* 0x36 */
    uint8_t pstate_cnt;                /* 0x37 */
    uint32_t pm1a_evt_blk;             /* 0x38 */
    uint32_t pm1b_evt_blk;             /* 0x3c */
    uint32_t pm1a_cnt_blk;             /* 0x40 */
    uint32_t pm1b_cnt_blk;             /* 0x44 */
    uint32_t pm2_cnt_blk;              /* 0x48 */
    uint32_t pm_tmr_blk;               /* 0x4c */
    uint32_t gpe0_blk;                 /* 0x50 */
    uint32_t gpe1_blk;                 /* 0x54 */
    uint8_t pm1_evt_len;               /* 0x58 */
    uint8_t pm1_cnt_len;               /* 0x59 */
    uint8_t pm2_cnt_len;               /* 0x5a */
    uint8_t pm_tmr_len;                /* 0x5b */
    uint8_t gpe0_blk_len;              /* 0x5c */
    uint8_t gpe1_blk_len;              /* 0x5d */
    uint8_t gpe1_base;                 /* 0x5e */
    uint8_t cst_cnt;                   /* 0x5f */
    uint16_t p_lvl2_lat;               /* 0x60 */
    uint16_t p_lvl3_lat;               /* 0x62 */
    uint16_t flush_size;               /* 0x64 */
    uint16_t flush_stride;             /* 0x66 */
    uint8_t duty_offset;               /* 0x68 */
    uint8_t duty_width;                /* 0x69 */
    uint8_t day_alrm;                  /* 0x6a */
    uint8_t mon_alrm;                  /* 0x6b */
    uint8_t century;                   /* 0x6c */
    uint16_t iapc_boot_arch;           /* 0x6d ACPI_FADT_BOOT_* */
    uint8_t _rsvd_0x6f;                /* 0x6f */
    uint32_t flags;                    /* 0x70 ACPI_FADT_* */
    struct acpi_gas reset_reg;         /* 0x74 */
    uint8_t reset_value;               /* 0x80 */
    uint16_t arm_boot_arch;            /* 0x81 */
    uint8_t minor_version;             /* 0x83 */
    uint64_t x_firmware_ctrl;          /* 0x84 */
    uint64_t x_dsdt;                   /* 0x8c */
    struct acpi_gas x_pm1a_evt_blk;    /* 0x94 */
    struct acpi_gas x_pm1b_evt_blk;    /* 0xa0 */
    struct acpi_gas x_pm1a_cnt_blk;    /* 0xac */
    struct acpi_gas x_pm1b_cnt_blk;    /* 0xb8 */
    struct acpi_gas x_pm2_cnt_blk;     /* 0xc4 */
    struct acpi_gas x_pm_tmr_blk;      /* 0xd0 */
    struct acpi_gas x_gpe0_blk;        /* 0xdc */
    struct acpi_gas x_gpe1_blk;        /* 0xe8 */
    struct acpi_gas sleep_control_reg; /* 0xf4 */
    struct acpi_gas sleep_status_reg;  /* 0x100 */
    uint64_t hypervisor_vendor_id;     /* 0x10c */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, firmware_ctrl) == 0x24, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, dsdt) == 0x28, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, _rsvd_0x2c) == 0x2c, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, preferred_pm_profile) == 0x2d, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, sci_int) == 0x2e, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, smi_cmd) == 0x30, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, acpi_enable) == 0x34, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, acpi_disable) == 0x35, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, s4bios_req) == 0x36, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pstate_cnt) == 0x37, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm1a_evt_blk) == 0x38, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm1b_evt_blk) == 0x3c, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 0x40, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm1b_cnt_blk) == 0x44, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm2_cnt_blk) == 0x48, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 0x4c, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, gpe0_blk) == 0x50, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, gpe1_blk) == 0x54, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm1_evt_len) == 0x58, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm1_cnt_len) == 0x59, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm2_cnt_len) == 0x5a, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_len) == 0x5b, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, gpe0_blk_len) == 0x5c, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, gpe1_blk_len) == 0x5d, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, gpe1_base) == 0x5e, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, cst_cnt) == 0x5f, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, p_lvl2_lat) == 0x60, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, p_lvl3_lat) == 0x62, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, flush_size) == 0x64, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, flush_stride) == 0x66, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, duty_offset) == 0x68, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, duty_width) == 0x69, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, day_alrm) == 0x6a, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, mon_alrm) == 0x6b, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, century) == 0x6c, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 0x6d, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, _rsvd_0x6f) == 0x6f, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, flags) == 0x70, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 0x74, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 0x80, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, arm_boot_arch) == 0x81, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, minor_version) == 0x83, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_firmware_ctrl) == 0x84, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 0x8c, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_evt_blk) == 0x94, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm1b_evt_blk) == 0xa0, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 0xac, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm1b_cnt_blk) == 0xb8, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm2_cnt_blk) == 0xc4, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 0xd0, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_gpe0_blk) == 0xdc, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_gpe1_blk) == 0xe8, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 0xf4, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, sleep_status_reg) == 0x100, "ACPI 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, hypervisor_vendor_id) == 0x10c, "ACPI 5.2.9");

#define ACPI_FADT_REVISION      6
#define ACPI_FADT_MINOR_VERSION 4
/* Table 5.10, IA-PC boot architecture flags. */
#define ACPI_FADT_BOOT_VGA_NOT_PRESENT (1u << 2)
#define ACPI_FADT_BOOT_NO_CMOS_RTC     (1u << 5)
/* Table 5.9, fixed feature flags. */
#define ACPI_FADT_PWR_BUTTON      (1u << 4)  /* no fixed power button */
#define ACPI_FADT_SLP_BUTTON      (1u << 5)  /* no fixed sleep button */
#define ACPI_FADT_HW_REDUCED_ACPI (1u << 20) /* no SCI, PM blocks, GPEs: none exist here */
#define ACPI_FADT_RESET_REG_SUP   (1u << 10) /* RESET_REG works */
#define ACPI_GAS_SPACE_IO         1          /* ACPI 5.2.3.2: system I/O */
#define ACPI_GAS_ACCESS_BYTE      1

/* 5.2.12 Multiple APIC Description Table. */
struct acpi_madt {
    struct acpi_header header; /* 0x00 "APIC" */
    uint32_t lapic_address;    /* 0x24 */
    uint32_t flags;            /* 0x28 0: no PCAT_COMPAT, there is no 8259 */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 5.2.12");
_Static_assert(offsetof(struct acpi_madt, lapic_address) == 0x24, "ACPI 5.2.12");
_Static_assert(offsetof(struct acpi_madt, flags) == 0x28, "ACPI 5.2.12");

#define ACPI_MADT_REVISION   5
#define ACPI_LAPIC_ADDRESS   0xfee00000u
#define ACPI_MADT_TYPE_LAPIC 0

/* 5.2.12.2 Processor Local APIC structure. */
struct acpi_madt_lapic {
    uint8_t type;          /* 0x00 ACPI_MADT_TYPE_LAPIC */
    uint8_t length;        /* 0x01 8 */
    uint8_t processor_uid; /* 0x02 the DSDT Processor object's id */
    uint8_t apic_id;       /* 0x03 */
    uint32_t flags;        /* 0x04 ACPI_MADT_LAPIC_ENABLED */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "ACPI 5.2.12.2");
_Static_assert(offsetof(struct acpi_madt_lapic, length) == 0x01, "ACPI 5.2.12.2");
_Static_assert(offsetof(struct acpi_madt_lapic, processor_uid) == 0x02, "ACPI 5.2.12.2");
_Static_assert(offsetof(struct acpi_madt_lapic, apic_id) == 0x03, "ACPI 5.2.12.2");
_Static_assert(offsetof(struct acpi_madt_lapic, flags) == 0x04, "ACPI 5.2.12.2");

#define ACPI_MADT_LAPIC_ENABLED (1u << 0)

#define ACPI_XSDT_REVISION 1
#define ACPI_DSDT_REVISION 2 /* 64-bit AML integers */
/* 20.2 AML encoding: the few opcodes the DSDT uses. */
#define AML_SCOPE_OP      0x10
#define AML_EXT_OP_PREFIX 0x5b
#define AML_PROCESSOR_OP  0x83 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR     0x5c /* '\' */
#define AML_NAME_OP       0x08
#define AML_PACKAGE_OP    0x12
#define AML_BYTE_PREFIX   0x0a
#define AML_ZERO_OP       0x00
