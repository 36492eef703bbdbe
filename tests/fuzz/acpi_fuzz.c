/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a flags byte, a copy of the RSDP and a fake
 * physical memory image (layout in fuzz.h). acpi_parse reaches the memory
 * only through fuzz_map, which hands out exact-size heap copies, so reading
 * past what was mapped is caught, and refuses anything outside the image.
 * A DMAR table the walk finds is fed on to dmar_parse; the MCFG's window
 * must be one core/pci can use.
 */
#include <stdlib.h>
#include <string.h>

#include "core/acpi.h"
#include "core/dmar.h"
#include "core/errno.h"
#include "fuzz.h"

struct fuzz_mem {
    uint8_t *bytes; /* private copy: FUZZ_ACPI_UNSTABLE writes to it */
    size_t len;
    paddr_t base;
    unsigned flags;
    void **maps; /* every copy handed out, freed after the parse */
    size_t nmaps, cap;
};

static void fix_sum(uint8_t *p, size_t n, size_t at)
{
    p[at] = 0;
    p[at] = (uint8_t)-acpi_checksum(p, n);
}

static const void *fuzz_map(paddr_t pa, size_t len, void *ctx)
{
    struct fuzz_mem *m = ctx;
    uint8_t *copy;
    uint32_t hdr_len;

    if (pa < m->base || len > m->len || pa - m->base > m->len - len)
        return NULL;
    if (m->nmaps == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        void **maps = realloc(m->maps, cap * sizeof(*maps));

        FUZZ_CHECK(maps != NULL);
        m->maps = maps;
        m->cap = cap;
    }
    copy = malloc(len ? len : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, m->bytes + (pa - m->base), len);
    m->maps[m->nmaps++] = copy;
    if (len >= sizeof(struct acpi_table_header)) {
        memcpy(&hdr_len, copy + 4, sizeof(hdr_len));
        if ((m->flags & FUZZ_ACPI_FIX_SUMS) && hdr_len == len)
            fix_sum(copy, len, offsetof(struct acpi_table_header, checksum));
        if ((m->flags & FUZZ_ACPI_UNSTABLE) && len == sizeof(struct acpi_table_header)) {
            hdr_len++;
            memcpy(m->bytes + (pa - m->base) + 4, &hdr_len, sizeof(hdr_len));
        }
    }
    return copy;
}

FUZZ_ORACLE static void check_info(const struct acpi_info *a)
{
    FUZZ_CHECK(a->ncpus >= 1 && a->ncpus <= ACPI_MAX_CPUS);
    for (unsigned i = 0; i < a->ncpus; i++)
        for (unsigned j = 0; j < i; j++)
            FUZZ_CHECK(a->cpus[i].apic_id != a->cpus[j].apic_id);
    FUZZ_CHECK(a->lapic_base != 0 && IS_ALIGNED(a->lapic_base, PAGE_SIZE));
    FUZZ_CHECK(a->nioapics <= ACPI_MAX_IOAPICS);
    FUZZ_CHECK(a->pm_timer_port <= 0xffff);
    FUZZ_CHECK(a->fadt != 0 || a->pm_timer_port == 0);
    FUZZ_CHECK((a->dmar == 0) == (a->dmar_len == 0));
    FUZZ_CHECK(a->dmar == 0 || a->dmar_len >= sizeof(struct acpi_table_header));
    FUZZ_CHECK((a->ivrs == 0) == (a->ivrs_len == 0));
    /* An ECAM window core/pci can map: whole buses, in order, no wrap. */
    FUZZ_CHECK(a->ecam_base == 0 || (IS_ALIGNED(a->ecam_base, MIB(1)) && a->ecam_bus_start <= a->ecam_bus_end &&
                                     a->ecam_base + ((uint64_t)a->ecam_bus_end + 1) * MIB(1) > a->ecam_base));
}

/* What acpi_parse located is read the way iommu.c reads it. */
static void follow_dmar(const struct acpi_info *a, struct fuzz_mem *m)
{
    struct dmar_info d;
    const void *t = fuzz_map(a->dmar, a->dmar_len, m);
    char text[160];

    FUZZ_CHECK(t != NULL);
    if (dmar_parse(t, a->dmar_len, &d) == 0)
        (void)dmar_describe(&d, text, sizeof(text));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct acpi_info zero;
    static struct acpi_info info;
    struct fuzz_mem m = { 0 };
    uint8_t rsdp[ACPI_RSDP_V2_LEN];
    unsigned rsdp_len;
    int rc;

    if (size == 0) {
        FUZZ_CHECK(acpi_parse(NULL, 0, fuzz_map, &m, &info) == -ERR_INVAL);
        return 0;
    }
    m.flags = data[0];
    rsdp_len = (m.flags & FUZZ_ACPI_RSDP_V2) ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;
    rsdp_len = (unsigned)MIN(rsdp_len, size - 1);
    memcpy(rsdp, data + 1, rsdp_len);
    if ((m.flags & FUZZ_ACPI_FIX_SUMS) && rsdp_len >= ACPI_RSDP_V1_LEN) {
        fix_sum(rsdp, ACPI_RSDP_V1_LEN, offsetof(struct acpi_rsdp, checksum));
        if (rsdp_len == ACPI_RSDP_V2_LEN)
            fix_sum(rsdp, ACPI_RSDP_V2_LEN, offsetof(struct acpi_rsdp, extended_checksum));
    }
    m.len = size - 1 - rsdp_len;
    m.bytes = malloc(m.len ? m.len : 1);
    FUZZ_CHECK(m.bytes != NULL);
    memcpy(m.bytes, data + 1 + rsdp_len, m.len);
    m.base = (m.flags & FUZZ_ACPI_HIGH_BASE) ? FUZZ_ACPI_HIGH : FUZZ_ACPI_LOW_BASE;

    rc = acpi_parse(rsdp, rsdp_len, fuzz_map, &m, &info);
    FUZZ_CHECK(rc == 0 || rc == -ERR_INVAL);
    if (rc == 0) {
        check_info(&info);
        if (info.dmar)
            follow_dmar(&info, &m);
    } else {
        FUZZ_CHECK(memcmp(&info, &zero, sizeof(info)) == 0);
    }
    for (size_t i = 0; i < m.nmaps; i++)
        free(m.maps[i]);
    free(m.maps);
    free(m.bytes);
    return 0;
}
