/* SPDX-License-Identifier: MIT */
/*
 * Building a PVH guest's ACPI tables (layouts in acpi_tables.h). There is
 * no chipset behind them: the FADT is hardware-reduced (no SCI, no PM or
 * GPE blocks, no FACS), the MADT lists local APICs only, and the DSDT
 * holds nothing but the Processor objects the MADT's entries name, as
 * libxl's PVH DSDT does. Every table's checksum makes it sum to zero.
 */
#include "acpi.h"

#include <string.h>

#include "acpi_tables.h"
#include "idl/platform.h"

#define OEM_ID       "MOSAIC"
#define OEM_TABLE_ID "MOSAICVM"
#define CREATOR_ID   "MOSA"

static uint8_t checksum(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (n--)
        sum = (uint8_t)(sum + *b++);
    return (uint8_t)(0 - sum);
}

static void header(struct acpi_header *h, const char *sig, uint32_t len, uint8_t revision)
{
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = revision;
    memcpy(h->oem_id, OEM_ID, 6);
    memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
    h->oem_revision = 1;
    memcpy(h->creator_id, CREATOR_ID, 4);
    h->creator_revision = 1;
}

/* AML PkgLength (ACPI 20.2.4): the length counts its own bytes. */
static size_t pkg_length(uint8_t *p, size_t body)
{
    if (body + 1 < 64) {
        p[0] = (uint8_t)(body + 1);
        return 1;
    }
    body += 2; /* two bytes reach 4095, far above what 255 vCPUs need */
    p[0] = (uint8_t)(0x40 | (body & 0xf));
    p[1] = (uint8_t)(body >> 4);
    return 2;
}

/* Name (_S5, Package () { S5_TYPE, 0, 0, 0 }): the SLP_TYP a power-off
 * writes to the sleep control register (idl/platform.idl). */
static size_t dsdt_s5(uint8_t *p)
{
    static const uint8_t s5[] = { AML_NAME_OP,
                                  '_',
                                  'S',
                                  '5',
                                  '_',
                                  AML_PACKAGE_OP,
                                  7 /* PkgLength */,
                                  4 /* elements */,
                                  AML_BYTE_PREFIX,
                                  PLATFORM_ACPI_S5_TYPE,
                                  AML_ZERO_OP,
                                  AML_ZERO_OP,
                                  AML_ZERO_OP };

    memcpy(p, s5, sizeof(s5));
    return sizeof(s5);
}

/* _S5, then Scope (\_SB) { Processor (PRxx, i, 0, 0) {} for each vCPU }. */
static size_t dsdt_aml(uint8_t *p, unsigned nr_vcpus)
{
    const size_t proc_body = 4 + 1 + 4 + 1; /* name, id, P_BLK address, P_BLK length */
    size_t body = 5 + nr_vcpus * (2 + 1 + proc_body), n = dsdt_s5(p);

    p[n++] = AML_SCOPE_OP;
    n += pkg_length(p + n, body);
    memcpy(p + n, "\\_SB_", 5);
    n += 5;
    for (unsigned i = 0; i < nr_vcpus; i++) {
        static const char hex[] = "0123456789ABCDEF";
        p[n++] = AML_EXT_OP_PREFIX;
        p[n++] = AML_PROCESSOR_OP;
        n += pkg_length(p + n, proc_body);
        p[n++] = 'P';
        p[n++] = 'R';
        p[n++] = (uint8_t)hex[i >> 4];
        p[n++] = (uint8_t)hex[i & 15];
        p[n++] = (uint8_t)i; /* the MADT entry's processor UID */
        memset(p + n, 0, 5); /* no P_BLK: no processor control block exists */
        n += 5;
    }
    return n;
}

static size_t build_dsdt(uint8_t *p, unsigned nr_vcpus)
{
    struct acpi_header h = { 0 };
    size_t len = sizeof(h) + dsdt_aml(p + sizeof(h), nr_vcpus);

    header(&h, "DSDT", (uint32_t)len, ACPI_DSDT_REVISION);
    memcpy(p, &h, sizeof(h));
    p[offsetof(struct acpi_header, checksum)] = checksum(p, len);
    return len;
}

static size_t build_madt(uint8_t *p, unsigned nr_vcpus)
{
    struct acpi_madt m = { .lapic_address = ACPI_LAPIC_ADDRESS, .flags = 0 };
    size_t len = sizeof(m) + nr_vcpus * sizeof(struct acpi_madt_lapic);

    header(&m.header, "APIC", (uint32_t)len, ACPI_MADT_REVISION);
    memcpy(p, &m, sizeof(m));
    for (unsigned i = 0; i < nr_vcpus; i++) {
        struct acpi_madt_lapic l = { .type = ACPI_MADT_TYPE_LAPIC,
                                     .length = sizeof(l),
                                     .processor_uid = (uint8_t)i,
                                     .apic_id = (uint8_t)i,
                                     .flags = ACPI_MADT_LAPIC_ENABLED };
        memcpy(p + sizeof(m) + i * sizeof(l), &l, sizeof(l));
    }
    p[offsetof(struct acpi_header, checksum)] = checksum(p, len);
    return len;
}

static struct acpi_gas io_register(uint16_t port)
{
    return (struct acpi_gas){
        .space_id = ACPI_GAS_SPACE_IO, .bit_width = 8, .access_size = ACPI_GAS_ACCESS_BYTE, .address = port
    };
}

static size_t build_fadt(uint8_t *p, uint64_t dsdt)
{
    struct acpi_fadt f = { 0 };

    header(&f.header, "FACP", sizeof(f), ACPI_FADT_REVISION);
    f.minor_version = ACPI_FADT_MINOR_VERSION;
    f.dsdt = (uint32_t)dsdt; /* the tables sit below 4 GiB (acpi_build) */
    f.x_dsdt = dsdt;
    f.iapc_boot_arch = ACPI_FADT_BOOT_VGA_NOT_PRESENT | ACPI_FADT_BOOT_NO_CMOS_RTC;
    f.flags = ACPI_FADT_HW_REDUCED_ACPI | ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON | ACPI_FADT_RESET_REG_SUP;
    /* The platform's power-off and reset registers (idl/platform.idl),
     * which the core carries out. */
    f.sleep_control_reg = io_register(PLATFORM_ACPI_SLEEP_CONTROL_PORT);
    f.sleep_status_reg = io_register(PLATFORM_ACPI_SLEEP_STATUS_PORT);
    f.reset_reg = io_register(PLATFORM_ACPI_RESET_PORT);
    f.reset_value = PLATFORM_ACPI_RESET_VALUE;
    memcpy(&f.hypervisor_vendor_id, "Mosaic\0\0", 8);
    f.header.checksum = checksum(&f, sizeof(f));
    memcpy(p, &f, sizeof(f));
    return sizeof(f);
}

static size_t build_xsdt(uint8_t *p, const uint64_t *entries, unsigned n)
{
    struct acpi_header h = { 0 };
    size_t len = sizeof(h) + n * sizeof(uint64_t);

    header(&h, "XSDT", (uint32_t)len, ACPI_XSDT_REVISION);
    memcpy(p, &h, sizeof(h));
    memcpy(p + sizeof(h), entries, n * sizeof(uint64_t));
    p[offsetof(struct acpi_header, checksum)] = checksum(p, len);
    return len;
}

static void build_rsdp(uint8_t *p, uint64_t xsdt)
{
    struct acpi_rsdp r = { .revision = 2, .length = sizeof(r), .xsdt_address = xsdt };

    memcpy(r.signature, "RSD PTR ", 8);
    memcpy(r.oem_id, OEM_ID, 6);
    r.checksum = checksum(&r, ACPI_RSDP_V1_LENGTH);
    r.ext_checksum = checksum(&r, sizeof(r));
    memcpy(p, &r, sizeof(r));
}

/* Each table's size, each 16-byte aligned: RSDP, XSDT with two
 * entries, FADT, DSDT (header, Scope with a 2-byte PkgLength and \_SB_,
 * 13 bytes per Processor), MADT. */
#define ALIGN16(n) (((n) + 15) & ~(size_t)15)
#define TABLES_SIZE(n)                                                                                \
    (ALIGN16(sizeof(struct acpi_rsdp)) + ALIGN16(sizeof(struct acpi_header) + 2 * sizeof(uint64_t)) + \
     ALIGN16(sizeof(struct acpi_fadt)) + ALIGN16(sizeof(struct acpi_header) + 8 + (size_t)(n)*13) +   \
     ALIGN16(sizeof(struct acpi_madt) + (size_t)(n) * sizeof(struct acpi_madt_lapic)))
_Static_assert(TABLES_SIZE(ACPI_MAX_VCPUS) <= ACPI_TABLES_MAX, "the tables for ACPI_MAX_VCPUS fit ACPI_TABLES_MAX");

size_t acpi_build(uint8_t *buf, size_t cap, uint64_t base, unsigned nr_vcpus)
{
    size_t xsdt, fadt, dsdt, madt, end;
    uint64_t entries[2];

    if (nr_vcpus < 1 || nr_vcpus > ACPI_MAX_VCPUS || base % 16 || cap < TABLES_SIZE(nr_vcpus) ||
        base + TABLES_SIZE(nr_vcpus) > (1ull << 32))
        return 0;
    memset(buf, 0, TABLES_SIZE(nr_vcpus));
    xsdt = ALIGN16(sizeof(struct acpi_rsdp));
    fadt = xsdt + ALIGN16(sizeof(struct acpi_header) + sizeof(entries));
    dsdt = fadt + ALIGN16(sizeof(struct acpi_fadt));
    madt = dsdt + ALIGN16(build_dsdt(buf + dsdt, nr_vcpus));
    end = madt + build_madt(buf + madt, nr_vcpus);
    build_fadt(buf + fadt, base + dsdt);
    entries[0] = base + fadt;
    entries[1] = base + madt;
    build_xsdt(buf + xsdt, entries, 2);
    build_rsdp(buf, base + xsdt);
    return end;
}
