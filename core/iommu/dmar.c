/* SPDX-License-Identifier: MIT */
/*
 * Decodes the Intel VT-d DMAR table into a dmar_info: the remapping units,
 * the PCI endpoints each one lists, and the platform flags, after checking
 * every length against the table. It counts reserved-memory and ATS
 * structures but does not decode them, nor scopes of bridges or other
 * devices, and it never touches the remapping hardware.
 */
#include "core/dmar.h"

#include "core/env.h"
#include "core/errno.h"

#define DMAR_TABLE_LEN ((uint32_t)sizeof(struct dmar_table))

/* Address widths a real platform can report (VT-d 8.1: bits - 1). */
#define DMAR_MIN_ADDR_BITS 32u
#define DMAR_MAX_ADDR_BITS 64u

/* What one walk carries between the remapping structures. */
struct dmar_walk {
    struct dmar_info *out;
    unsigned units_dropped; /* DRHDs beyond DMAR_MAX_UNITS */
};

/* Check the fixed part; on success *len is the table's own length. */
static int dmar_table_check(const uint8_t *t, size_t avail, struct dmar_table *hdr, uint32_t *len)
{
    uint8_t sum;

    if (!t || avail < DMAR_TABLE_LEN) {
        log_err("dmar: table is %zu bytes, below %u", t ? avail : 0, DMAR_TABLE_LEN);
        return -ERR_INVAL;
    }
    memcpy(hdr, t, sizeof(*hdr));
    if (memcmp(hdr->header.signature, "DMAR", 4) != 0) {
        log_err("dmar: signature is not \"DMAR\"");
        return -ERR_INVAL;
    }
    if (hdr->header.length < DMAR_TABLE_LEN || hdr->header.length > avail) {
        log_err("dmar: length %u is outside %u..%zu", hdr->header.length, DMAR_TABLE_LEN, avail);
        return -ERR_INVAL;
    }
    sum = acpi_checksum(t, hdr->header.length);
    if (sum != 0) {
        log_err("dmar: checksum: %u bytes sum to 0x%02x, not 0", hdr->header.length, (unsigned)sum);
        return -ERR_INVAL;
    }
    *len = hdr->header.length;
    return 0;
}

static int dmar_flags_decode(const struct dmar_table *hdr, struct dmar_info *out)
{
    unsigned bits = hdr->host_addr_width + 1u;

    if (bits < DMAR_MIN_ADDR_BITS || bits > DMAR_MAX_ADDR_BITS) {
        log_err("dmar: host address width %u bits is outside %u..%u", bits, DMAR_MIN_ADDR_BITS, DMAR_MAX_ADDR_BITS);
        return -ERR_INVAL;
    }
    out->host_addr_width = (uint8_t)bits;
    out->intr_remap = (hdr->flags & DMAR_FLAG_INTR_REMAP) != 0;
    out->x2apic_opt_out = (hdr->flags & DMAR_FLAG_X2APIC_OPT_OUT) != 0;
    return 0;
}

/* Fixed-part sizes by type; unknown types need only their header. */
static uint32_t dmar_struct_min(uint16_t type)
{
    switch (type) {
    case DMAR_TYPE_DRHD: return sizeof(struct dmar_drhd);
    case DMAR_TYPE_RMRR: return DMAR_RMRR_MIN_LEN;
    case DMAR_TYPE_ATSR: return DMAR_ATSR_MIN_LEN;
    default: return sizeof(struct dmar_struct_header);
    }
}

/* Check that the structure at off fits its type and the table. */
static int dmar_struct_check(const uint8_t *t, uint32_t len, uint32_t off, struct dmar_struct_header *s)
{
    uint32_t need;

    if (len - off < sizeof(*s)) {
        log_err("dmar: structure at offset 0x%x: %u bytes left, a header needs %u", off, len - off,
                (unsigned)sizeof(*s));
        return -ERR_INVAL;
    }
    memcpy(s, t + off, sizeof(*s));
    need = dmar_struct_min(s->type);
    if (s->length < need) {
        log_err("dmar: structure at offset 0x%x: length %u is below %u for type %u", off, s->length, need, s->type);
        return -ERR_INVAL;
    }
    if (s->length > len - off) {
        log_err("dmar: structure at offset 0x%x: length %u runs past the table end at 0x%x", off, s->length, len);
        return -ERR_INVAL;
    }
    return 0;
}

/* Keeps the unit's one-step PCI endpoint scopes, after checking that every
 * scope entry fits the DRHD. */
static int dmar_scopes_decode(struct dmar_unit *u, const uint8_t *p, uint16_t len, uint32_t off)
{
    struct dmar_scope sc;

    for (uint32_t at = sizeof(struct dmar_drhd); at < len; at += sc.length) {
        if (len - at < sizeof(sc)) {
            log_err("dmar: DRHD at offset 0x%x: %u bytes left at +0x%x, a device scope needs %u", off, len - at, at,
                    (unsigned)sizeof(sc));
            return -ERR_INVAL;
        }
        memcpy(&sc, p + at, sizeof(sc));
        if (sc.length < sizeof(sc) || sc.length > len - at) {
            log_err("dmar: DRHD at offset 0x%x: device scope at +0x%x: length %u is outside %u..%u", off, at, sc.length,
                    (unsigned)sizeof(sc), len - at);
            return -ERR_INVAL;
        }
        if (sc.type == DMAR_SCOPE_ENDPOINT && sc.length == sizeof(sc) + 2 && u->nendpoints < DMAR_MAX_ENDPOINTS)
            u->endpoints[u->nendpoints++] = (uint16_t)(sc.start_bus << 8 | (p[at + 6] & 0x1f) << 3 | (p[at + 7] & 7));
    }
    return 0;
}

static int dmar_drhd_decode(struct dmar_walk *w, const uint8_t *p, uint32_t off)
{
    struct dmar_drhd drhd;
    struct dmar_unit *u;

    memcpy(&drhd, p, sizeof(drhd));
    /* The core maps this page uncached; it must be a real, whole page. */
    if (drhd.register_base == 0 || !IS_ALIGNED(drhd.register_base, PAGE_SIZE)) {
        log_err("dmar: DRHD at offset 0x%x: register base 0x%llx is not a nonzero 4 KiB "
                "aligned address",
                off, (unsigned long long)drhd.register_base);
        return -ERR_INVAL;
    }
    if (w->out->nunits == DMAR_MAX_UNITS) {
        w->units_dropped++;
        return 0;
    }
    u = &w->out->units[w->out->nunits++];
    u->base = drhd.register_base;
    u->segment = drhd.segment;
    u->include_pci_all = (drhd.flags & DMAR_DRHD_INCLUDE_PCI_ALL) != 0;
    return dmar_scopes_decode(u, p, drhd.length, off);
}

static int dmar_struct_decode(struct dmar_walk *w, const uint8_t *p, uint16_t type, uint32_t off)
{
    switch (type) {
    case DMAR_TYPE_DRHD: return dmar_drhd_decode(w, p, off);
    case DMAR_TYPE_RMRR: w->out->nrmrr++; return 0;
    case DMAR_TYPE_ATSR: w->out->natsr++; return 0;
    default: return 0; /* SATC, RHSA, ANDD, SIDP...: nothing the core uses yet */
    }
}

static int dmar_structs_walk(struct dmar_walk *w, const uint8_t *t, uint32_t len)
{
    struct dmar_struct_header s;
    int rc;

    /* Each structure is at least 4 bytes long, so the walk always advances. */
    for (uint32_t off = DMAR_TABLE_LEN; off < len; off += s.length) {
        rc = dmar_struct_check(t, len, off, &s);
        if (rc == 0)
            rc = dmar_struct_decode(w, t + off, s.type, off);
        if (rc)
            return rc;
    }
    if (w->out->nunits == 0) {
        log_err("dmar: table lists no DRHD unit");
        return -ERR_INVAL;
    }
    if (w->units_dropped)
        log_warn("dmar: table lists %u DRHD units, keeping the first %u", DMAR_MAX_UNITS + w->units_dropped,
                 DMAR_MAX_UNITS);
    return 0;
}

int dmar_parse(const void *table, size_t len, struct dmar_info *out)
{
    struct dmar_walk w;
    struct dmar_table hdr;
    uint32_t table_len;
    int rc;

    ASSERT(out != NULL);
    memset(out, 0, sizeof(*out));
    w.out = out;
    w.units_dropped = 0;
    rc = dmar_table_check(table, len, &hdr, &table_len);
    if (rc == 0)
        rc = dmar_flags_decode(&hdr, out);
    if (rc == 0)
        rc = dmar_structs_walk(&w, table, table_len);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

/* A bounded text builder: appends until full, then keeps counting. */
struct dmar_text {
    char *buf;
    size_t n;
    size_t used;   /* length the full text would have */
    bool failed;   /* the formatter reported an error */
    char spill[1]; /* target once buf is full, so nothing is written past it */
};

static char *dmar_text_pos(struct dmar_text *t)
{
    return t->used < t->n ? t->buf + t->used : t->spill;
}

static size_t dmar_text_room(const struct dmar_text *t)
{
    return t->used < t->n ? t->n - t->used : sizeof(t->spill);
}

static void dmar_text_advance(struct dmar_text *t, int r)
{
    if (r < 0)
        t->failed = true;
    else
        t->used += (size_t)r;
}

#define DMAR_TEXT_ADD(t, ...) dmar_text_advance((t), snprintf(dmar_text_pos(t), dmar_text_room(t), __VA_ARGS__))

static void dmar_describe_units(struct dmar_text *t, const struct dmar_info *d)
{
    unsigned n = MIN(d->nunits, (unsigned)DMAR_MAX_UNITS);

    DMAR_TEXT_ADD(t, "%u unit%s", d->nunits, d->nunits == 1 ? "" : "s");
    for (unsigned i = 0; i < n; i++) {
        const struct dmar_unit *u = &d->units[i];

        DMAR_TEXT_ADD(t, "%s0x%llx segment %u%s", i == 0 ? " (" : ", ", (unsigned long long)u->base,
                      (unsigned)u->segment, u->include_pci_all ? " all-PCI" : "");
        if (u->nendpoints)
            DMAR_TEXT_ADD(t, " %u endpoint%s", u->nendpoints, u->nendpoints == 1 ? "" : "s");
    }
    if (n)
        DMAR_TEXT_ADD(t, ")");
}

int dmar_describe(const struct dmar_info *d, char *buf, size_t n)
{
    struct dmar_text t = { .buf = buf, .n = n };

    ASSERT(d != NULL && (buf != NULL || n == 0));
    if (n == 0)
        return -ERR_NOSPC;
    buf[0] = '\0';
    dmar_describe_units(&t, d);
    DMAR_TEXT_ADD(&t, ", %u-bit host addresses", (unsigned)d->host_addr_width);
    if (d->intr_remap)
        DMAR_TEXT_ADD(&t, ", interrupt remapping");
    if (d->x2apic_opt_out)
        DMAR_TEXT_ADD(&t, ", x2APIC opt-out");
    if (d->nrmrr)
        DMAR_TEXT_ADD(&t, ", %u RMRR%s", d->nrmrr, d->nrmrr == 1 ? "" : "s");
    if (d->natsr)
        DMAR_TEXT_ADD(&t, ", %u ATSR%s", d->natsr, d->natsr == 1 ? "" : "s");
    if (t.failed || t.used >= n)
        return -ERR_NOSPC;
    return (int)t.used;
}
