/* SPDX-License-Identifier: MIT */
/*
 * ACPI table discovery at boot: checks the RSDP copy from the loader, walks
 * the XSDT or RSDT, decodes the MADT, the FADT's PM timer port and the
 * MCFG's ECAM window of PCI segment 0, and records where the DMAR and IVRS
 * tables are. Every byte comes from firmware
 * and is checked before use; memory is reached only through the caller's
 * map callback. It does not run AML or decode the IOMMU tables' contents.
 */
#include "core/acpi.h"

#include "core/env.h"
#include "core/errno.h"

#define ACPI_HDR_LEN    ((uint32_t)sizeof(struct acpi_table_header))
#define ACPI_MADT_LEN   ((uint32_t)sizeof(struct acpi_madt))
#define ACPI_CPU_USABLE (ACPI_MADT_CPU_ENABLED | ACPI_MADT_CPU_ONLINE_CAPABLE)

/* What one walk carries between the tables. */
struct acpi_walk {
    acpi_map_fn map;
    void *ctx;
    struct acpi_info *out;
    const char *root_name;    /* "RSDT" or "XSDT", for messages */
    unsigned seen;            /* bit i: acpi_kinds[i] already decoded */
    unsigned cpus_dropped;    /* usable CPUs beyond ACPI_MAX_CPUS */
    unsigned ioapics_dropped; /* I/O APICs beyond ACPI_MAX_IOAPICS */
};

/* A table the walk knows how to check; decode runs on a validated copy. */
struct acpi_kind {
    const char *sig;  /* 4-byte signature */
    const char *name; /* for messages */
    bool required;    /* failures are errors, not warnings */
    int (*decode)(struct acpi_walk *w, paddr_t pa, const uint8_t *t, uint32_t len);
};

/*
 * One line about a table that failed a check: an error when the core needs
 * the table, otherwise a warning that says the table is dropped.
 */
#define ACPI_REPORT(required, fmt, ...) \
    log_printf((required) ? LOG_ERR : LOG_WARN, "acpi: " fmt "%s", __VA_ARGS__, (required) ? "" : ", table ignored")

static const uint8_t *acpi_map(const struct acpi_walk *w, paddr_t pa, size_t len)
{
    /* A range that wraps past the top of the address space is never valid. */
    if (len == 0 || pa > UINT64_MAX - len)
        return NULL;
    return w->map(pa, len, w->ctx);
}

static uint32_t acpi_sig_value(const uint8_t *sig)
{
    uint32_t v;

    memcpy(&v, sig, sizeof(v));
    return v;
}

/* Length checks that need only the header. */
static int acpi_header_check(const struct acpi_kind *k, paddr_t pa, const struct acpi_table_header *hdr)
{
    unsigned long long a = pa;

    if (memcmp(hdr->signature, k->sig, 4) != 0) {
        ACPI_REPORT(k->required, "%s at 0x%llx: signature 0x%08x is not \"%s\"", k->name, a,
                    acpi_sig_value(hdr->signature), k->sig);
        return -ERR_INVAL;
    }
    if (hdr->length < ACPI_HDR_LEN) {
        ACPI_REPORT(k->required, "%s at 0x%llx: length %u is below %u", k->name, a, hdr->length, ACPI_HDR_LEN);
        return -ERR_INVAL;
    }
    if (hdr->length > ACPI_TABLE_MAX_LEN) {
        ACPI_REPORT(k->required, "%s at 0x%llx: length %u is above the %u-byte limit", k->name, a, hdr->length,
                    (unsigned)ACPI_TABLE_MAX_LEN);
        return -ERR_INVAL;
    }
    return 0;
}

/*
 * Map a table of kind k: the header first, then as many bytes as it claims.
 * On success *table points at `*len` checksummed bytes.
 */
static int acpi_table_get(const struct acpi_walk *w, const struct acpi_kind *k, paddr_t pa, const uint8_t **table,
                          uint32_t *len)
{
    struct acpi_table_header hdr;
    const uint8_t *p = acpi_map(w, pa, ACPI_HDR_LEN);
    unsigned long long a = pa;
    uint8_t sum;
    int rc;

    if (!p) {
        ACPI_REPORT(k->required, "%s at 0x%llx: header is not accessible", k->name, a);
        return -ERR_INVAL;
    }
    memcpy(&hdr, p, sizeof(hdr));
    rc = acpi_header_check(k, pa, &hdr);
    if (rc)
        return rc;
    p = acpi_map(w, pa, hdr.length);
    if (!p) {
        ACPI_REPORT(k->required, "%s at 0x%llx: %u bytes are not accessible", k->name, a, hdr.length);
        return -ERR_INVAL;
    }
    /* Everything below reads the second mapping; it must agree with the
     * header the length came from. */
    if (memcmp(p, &hdr, 8) != 0) {
        ACPI_REPORT(k->required, "%s at 0x%llx: header changed between two reads", k->name, a);
        return -ERR_INVAL;
    }
    sum = acpi_checksum(p, hdr.length);
    if (sum != 0) {
        ACPI_REPORT(k->required, "%s at 0x%llx: checksum: %u bytes sum to 0x%02x, not 0", k->name, a, hdr.length,
                    (unsigned)sum);
        return -ERR_INVAL;
    }
    *table = p;
    *len = hdr.length;
    return 0;
}

/* MADT entry sizes by type (ACPI 6.5, 5.2.12); unknown types need only the
 * type and length bytes. */
static uint32_t acpi_madt_entry_min(uint8_t type)
{
    switch (type) {
    case ACPI_MADT_TYPE_LAPIC: return sizeof(struct acpi_madt_lapic);
    case ACPI_MADT_TYPE_IOAPIC: return sizeof(struct acpi_madt_ioapic);
    case ACPI_MADT_TYPE_LAPIC_OVERRIDE: return sizeof(struct acpi_madt_lapic_override);
    case ACPI_MADT_TYPE_X2APIC: return sizeof(struct acpi_madt_x2apic);
    default: return sizeof(struct acpi_madt_entry);
    }
}

/* Check that the entry at off fits its type and the table; copy its header. */
static int acpi_madt_entry_check(const uint8_t *t, uint32_t len, uint32_t off, struct acpi_madt_entry *e)
{
    uint32_t need;

    if (len - off < sizeof(*e)) {
        log_err("acpi: MADT entry at offset 0x%x: %u byte left, an entry header needs %u", off, len - off,
                (unsigned)sizeof(*e));
        return -ERR_INVAL;
    }
    memcpy(e, t + off, sizeof(*e));
    need = acpi_madt_entry_min(e->type);
    if (e->length < need) {
        log_err("acpi: MADT entry at offset 0x%x: length %u is below %u for type %u", off, e->length, need, e->type);
        return -ERR_INVAL;
    }
    if (e->length > len - off) {
        log_err("acpi: MADT entry at offset 0x%x: length %u runs past the table end at 0x%x", off, e->length, len);
        return -ERR_INVAL;
    }
    return 0;
}

static int acpi_cpu_add(struct acpi_walk *w, uint32_t apic_id, uint32_t uid, uint32_t flags, uint32_t off)
{
    struct acpi_info *out = w->out;

    /* Neither enabled nor online capable: the processor can never run. */
    if (!(flags & ACPI_CPU_USABLE))
        return 0;
    for (unsigned i = 0; i < out->ncpus; i++) {
        if (out->cpus[i].apic_id == apic_id) {
            log_err("acpi: MADT entry at offset 0x%x: APIC id %u is listed twice", off, apic_id);
            return -ERR_INVAL;
        }
    }
    if (out->ncpus == ACPI_MAX_CPUS) {
        w->cpus_dropped++;
        return 0;
    }
    out->cpus[out->ncpus].apic_id = apic_id;
    out->cpus[out->ncpus].uid = uid;
    out->ncpus++;
    return 0;
}

static void acpi_ioapic_add(struct acpi_walk *w, const struct acpi_madt_ioapic *e)
{
    struct acpi_info *out = w->out;

    if (out->nioapics == ACPI_MAX_IOAPICS) {
        w->ioapics_dropped++;
        return;
    }
    out->ioapics[out->nioapics].id = e->id;
    out->ioapics[out->nioapics].base = e->address;
    out->ioapics[out->nioapics].gsi_base = e->gsi_base;
    out->nioapics++;
}

/* Decode one entry already checked to hold at least its type's size. */
static int acpi_madt_entry_decode(struct acpi_walk *w, const uint8_t *p, uint8_t type, uint32_t off)
{
    struct acpi_madt_lapic lapic;
    struct acpi_madt_ioapic ioapic;
    struct acpi_madt_lapic_override ovr;
    struct acpi_madt_x2apic x2apic;

    switch (type) {
    case ACPI_MADT_TYPE_LAPIC:
        memcpy(&lapic, p, sizeof(lapic));
        return acpi_cpu_add(w, lapic.apic_id, lapic.uid, lapic.flags, off);
    case ACPI_MADT_TYPE_X2APIC:
        memcpy(&x2apic, p, sizeof(x2apic));
        return acpi_cpu_add(w, x2apic.x2apic_id, x2apic.uid, x2apic.flags, off);
    case ACPI_MADT_TYPE_IOAPIC:
        memcpy(&ioapic, p, sizeof(ioapic));
        acpi_ioapic_add(w, &ioapic);
        return 0;
    case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
        /* Replaces the 32-bit field wherever in the table it appears. */
        memcpy(&ovr, p, sizeof(ovr));
        w->out->lapic_base = ovr.address;
        return 0;
    default: return 0;
    }
}

/* Whole-table conclusions, once every entry has been seen. */
static int acpi_madt_finish(struct acpi_walk *w, paddr_t pa)
{
    struct acpi_info *out = w->out;
    unsigned long long a = pa;

    if (out->ncpus == 0) {
        log_err("acpi: MADT at 0x%llx lists no enabled or online-capable CPU", a);
        return -ERR_INVAL;
    }
    if (out->lapic_base == 0 || !IS_ALIGNED(out->lapic_base, PAGE_SIZE)) {
        log_err("acpi: MADT at 0x%llx: local APIC base 0x%llx is not a nonzero 4 KiB "
                "aligned address",
                a, (unsigned long long)out->lapic_base);
        return -ERR_INVAL;
    }
    if (w->cpus_dropped)
        log_warn("acpi: MADT lists %u usable CPUs, keeping the first %u", ACPI_MAX_CPUS + w->cpus_dropped,
                 ACPI_MAX_CPUS);
    if (w->ioapics_dropped)
        log_warn("acpi: MADT lists %u I/O APICs, keeping the first %u", ACPI_MAX_IOAPICS + w->ioapics_dropped,
                 ACPI_MAX_IOAPICS);
    return 0;
}

static int acpi_madt_decode(struct acpi_walk *w, paddr_t pa, const uint8_t *t, uint32_t len)
{
    struct acpi_madt madt;
    struct acpi_madt_entry e;
    int rc;

    if (len < ACPI_MADT_LEN) {
        log_err("acpi: MADT at 0x%llx: length %u is below %u", (unsigned long long)pa, len, ACPI_MADT_LEN);
        return -ERR_INVAL;
    }
    memcpy(&madt, t, sizeof(madt));
    w->out->lapic_base = madt.lapic_address;
    w->out->pcat_compat = (madt.flags & ACPI_MADT_PCAT_COMPAT) != 0;
    /* Each entry is at least 2 bytes long, so the walk always advances. */
    for (uint32_t off = ACPI_MADT_LEN; off < len; off += e.length) {
        rc = acpi_madt_entry_check(t, len, off, &e);
        if (rc == 0)
            rc = acpi_madt_entry_decode(w, t + off, e.type, off);
        if (rc)
            return rc;
    }
    return acpi_madt_finish(w, pa);
}

static int acpi_fadt_decode(struct acpi_walk *w, paddr_t pa, const uint8_t *t, uint32_t len)
{
    uint32_t port = 0;

    w->out->fadt = pa;
    /* PM_TMR_BLK is absent from very short (ACPI 1.0-era or broken) FADTs. */
    if (len >= ACPI_FADT_PM_TMR_BLK_OFF + sizeof(port))
        memcpy(&port, t + ACPI_FADT_PM_TMR_BLK_OFF, sizeof(port));
    if (port > 0xffff) {
        log_warn("acpi: FADT at 0x%llx: PM timer port 0x%x is not an I/O port, ignored", (unsigned long long)pa, port);
        port = 0;
    }
    w->out->pm_timer_port = port;
    return 0;
}

/* Segment 0's window (the only segment Mosaic assigns from): the first
 * allocation for it that is sane; others cost a warning each. A window
 * must be 1 MiB aligned (a bus's space) and must not wrap. */
static int acpi_mcfg_decode(struct acpi_walk *w, paddr_t pa, const uint8_t *t, uint32_t len)
{
    unsigned long long a = pa;
    struct acpi_mcfg_alloc e;
    uint32_t n;

    if (len < sizeof(struct acpi_mcfg)) {
        log_warn("acpi: MCFG at 0x%llx: length %u is below %u, table ignored", a, len,
                 (unsigned)sizeof(struct acpi_mcfg));
        return 0;
    }
    n = (len - (uint32_t)sizeof(struct acpi_mcfg)) / (uint32_t)sizeof(e);
    for (uint32_t i = 0; i < n; i++) {
        memcpy(&e, t + sizeof(struct acpi_mcfg) + i * sizeof(e), sizeof(e));
        if (e.segment != 0 || w->out->ecam_base != 0) {
            log_warn("acpi: MCFG at 0x%llx: window %u (segment %u) ignored", a, i, (unsigned)e.segment);
            continue;
        }
        if (e.base == 0 || !IS_ALIGNED(e.base, MIB(1)) || e.end_bus < e.start_bus ||
            e.base > UINT64_MAX - ((uint64_t)e.end_bus + 1) * MIB(1)) {
            log_warn("acpi: MCFG at 0x%llx: window %u at 0x%llx for buses %u-%u is not usable, ignored", a, i,
                     (unsigned long long)e.base, (unsigned)e.start_bus, (unsigned)e.end_bus);
            continue;
        }
        w->out->ecam_base = e.base;
        w->out->ecam_bus_start = e.start_bus;
        w->out->ecam_bus_end = e.end_bus;
    }
    return 0;
}

static int acpi_dmar_record(struct acpi_walk *w, paddr_t pa, const uint8_t *t, uint32_t len)
{
    (void)t;
    w->out->dmar = pa;
    w->out->dmar_len = len;
    return 0;
}

static int acpi_ivrs_record(struct acpi_walk *w, paddr_t pa, const uint8_t *t, uint32_t len)
{
    (void)t;
    w->out->ivrs = pa;
    w->out->ivrs_len = len;
    return 0;
}

static const struct acpi_kind acpi_kinds[] = {
    { "APIC", "MADT", true, acpi_madt_decode },  { "FACP", "FADT", false, acpi_fadt_decode },
    { "MCFG", "MCFG", false, acpi_mcfg_decode }, { "DMAR", "DMAR", false, acpi_dmar_record },
    { "IVRS", "IVRS", false, acpi_ivrs_record },
};
#define ACPI_KIND_MADT 0u /* index in acpi_kinds */

static const struct acpi_kind acpi_rsdt_kind = { "RSDT", "RSDT", true, NULL };
static const struct acpi_kind acpi_xsdt_kind = { "XSDT", "XSDT", true, NULL };

/* Look at the table one root entry points to; decode it if the core uses it. */
static int acpi_root_entry(struct acpi_walk *w, paddr_t pa, uint32_t index)
{
    const uint8_t *p, *t;
    uint32_t len;
    unsigned i;
    int rc;

    if (pa == 0) {
        log_warn("acpi: %s entry %u is 0, skipped", w->root_name, index);
        return 0;
    }
    p = acpi_map(w, pa, ACPI_HDR_LEN);
    if (!p) {
        log_warn("acpi: %s entry %u: table at 0x%llx is not accessible, skipped", w->root_name, index,
                 (unsigned long long)pa);
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(acpi_kinds); i++)
        if (memcmp(p, acpi_kinds[i].sig, 4) == 0)
            break;
    if (i == ARRAY_SIZE(acpi_kinds))
        return 0; /* a table the core has no use for */
    if (w->seen & (1u << i)) {
        log_warn("acpi: %s entry %u: second %s at 0x%llx ignored", w->root_name, index, acpi_kinds[i].name,
                 (unsigned long long)pa);
        return 0;
    }
    rc = acpi_table_get(w, &acpi_kinds[i], pa, &t, &len);
    if (rc)
        return acpi_kinds[i].required ? rc : 0;
    w->seen |= 1u << i;
    return acpi_kinds[i].decode(w, pa, t, len);
}

static int acpi_root_walk(struct acpi_walk *w, paddr_t pa, bool xsdt)
{
    const struct acpi_kind *k = xsdt ? &acpi_xsdt_kind : &acpi_rsdt_kind;
    uint32_t width = xsdt ? 8 : 4;
    const uint8_t *t;
    uint32_t len, body;
    int rc;

    w->root_name = k->name;
    rc = acpi_table_get(w, k, pa, &t, &len);
    if (rc)
        return rc;
    body = len - ACPI_HDR_LEN;
    if (body % width)
        log_warn("acpi: %s at 0x%llx: %u trailing bytes after the last entry ignored", k->name, (unsigned long long)pa,
                 body % width);
    for (uint32_t i = 0; i < body / width; i++) {
        const uint8_t *entry = t + ACPI_HDR_LEN + i * width;
        uint64_t addr64;
        uint32_t addr32;

        if (xsdt) {
            memcpy(&addr64, entry, sizeof(addr64));
        } else {
            memcpy(&addr32, entry, sizeof(addr32));
            addr64 = addr32;
        }
        rc = acpi_root_entry(w, addr64, i);
        if (rc)
            return rc;
    }
    if (!(w->seen & (1u << ACPI_KIND_MADT))) {
        log_err("acpi: no usable MADT (\"APIC\") in the %s at 0x%llx", k->name, (unsigned long long)pa);
        return -ERR_INVAL;
    }
    return 0;
}

/* The extended part of a revision >= 2 RSDP, present in full in the copy. */
static int acpi_rsdp_v2_check(const uint8_t *rsdp, unsigned rsdp_len, const struct acpi_rsdp *r)
{
    uint8_t sum;

    if (r->length < ACPI_RSDP_V2_LEN || r->length > rsdp_len) {
        log_err("acpi: RSDP length %u is outside %u..%u", r->length, ACPI_RSDP_V2_LEN, rsdp_len);
        return -ERR_INVAL;
    }
    sum = acpi_checksum(rsdp, r->length);
    if (sum != 0) {
        log_err("acpi: RSDP extended checksum: %u bytes sum to 0x%02x, not 0", r->length, (unsigned)sum);
        return -ERR_INVAL;
    }
    return 0;
}

/* Check the RSDP copy and pick the root table: the XSDT if usable. */
static int acpi_rsdp_check(const uint8_t *rsdp, unsigned rsdp_len, paddr_t *root, bool *xsdt)
{
    struct acpi_rsdp r;
    uint8_t sum;
    int rc;

    if (!rsdp || rsdp_len < ACPI_RSDP_V1_LEN) {
        log_err("acpi: RSDP copy is %u bytes, below %u", rsdp ? rsdp_len : 0, ACPI_RSDP_V1_LEN);
        return -ERR_INVAL;
    }
    memset(&r, 0, sizeof(r));
    memcpy(&r, rsdp, MIN((size_t)rsdp_len, sizeof(r)));
    if (memcmp(r.signature, "RSD PTR ", sizeof(r.signature)) != 0) {
        log_err("acpi: RSDP signature is not \"RSD PTR \"");
        return -ERR_INVAL;
    }
    sum = acpi_checksum(rsdp, ACPI_RSDP_V1_LEN);
    if (sum != 0) {
        log_err("acpi: RSDP checksum: first %u bytes sum to 0x%02x, not 0", ACPI_RSDP_V1_LEN, (unsigned)sum);
        return -ERR_INVAL;
    }
    *xsdt = false;
    *root = r.rsdt_address;
    if (r.revision >= 2 && rsdp_len < ACPI_RSDP_V2_LEN) {
        log_warn("acpi: RSDP revision %u copy has only %u bytes, using the RSDT", (unsigned)r.revision, rsdp_len);
    } else if (r.revision >= 2) {
        rc = acpi_rsdp_v2_check(rsdp, rsdp_len, &r);
        if (rc)
            return rc;
        if (r.xsdt_address != 0) {
            *xsdt = true;
            *root = r.xsdt_address;
        }
    }
    if (*root == 0) {
        log_err("acpi: RSDP revision %u has no root table address", (unsigned)r.revision);
        return -ERR_INVAL;
    }
    return 0;
}

int acpi_parse(const uint8_t *rsdp, unsigned rsdp_len, acpi_map_fn map, void *ctx, struct acpi_info *out)
{
    struct acpi_walk w;
    paddr_t root;
    bool xsdt;
    int rc;

    ASSERT(map != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    memset(&w, 0, sizeof(w));
    w.map = map;
    w.ctx = ctx;
    w.out = out;
    rc = acpi_rsdp_check(rsdp, rsdp_len, &root, &xsdt);
    if (rc == 0)
        rc = acpi_root_walk(&w, root, xsdt);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}
