/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for a PVH guest, as Xen's toolstack builds them for a PVH
 * domU (acpi.c): RSDP -> XSDT -> FADT (hardware-reduced) -> DSDT (one
 * Processor object per vCPU), and a MADT with one local APIC per vCPU and
 * no IOAPIC. Pure: it fills a buffer; the builder copies it into the guest.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_VCPUS  128  /* far above MGMT_DOMAIN_CREATE's 8; one page holds them */
#define ACPI_TABLES_MAX 4096 /* enough for ACPI_MAX_VCPUS: one page */

/* acpi_build: write the tables for nr_vcpus vCPUs (1..ACPI_MAX_VCPUS),
 * as they will sit at guest-physical base (16-byte aligned), into buf
 * (cap bytes). Returns the bytes used, the RSDP first (so it is at base),
 * or 0 if nr_vcpus is out of range, base is misaligned, or cap too small. */
size_t acpi_build(uint8_t *buf, size_t cap, uint64_t base, unsigned nr_vcpus);
