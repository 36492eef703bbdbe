/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 info block parser (Multiboot2 spec 1.0, section 3.6). Each
 * field is decoded byte by byte after its length was checked, so the block
 * may be hostile or truncated. This file only decodes: it does not judge
 * the memory map's contents or where modules lie, and never writes the block.
 */
#include "core/mb2.h"

#include "core/env.h"
#include "core/errno.h"

/* Field offsets within tags (spec sections 3.6.3, 3.6.6, 3.6.8). */
#define MB2_OFF_TAG_SIZE      4
#define MB2_OFF_MOD_START     8
#define MB2_OFF_MOD_END       12
#define MB2_OFF_MEM_LOWER     8
#define MB2_OFF_MEM_UPPER     12
#define MB2_OFF_MMAP_ESIZE    8
#define MB2_OFF_MMAP_EVERSION 12
#define MB2_OFF_ENTRY_BASE    0
#define MB2_OFF_ENTRY_LEN     8
#define MB2_OFF_ENTRY_TYPE    16

/* One tag under inspection: its bytes, header fields and offset in the block. */
struct mb2_tag {
    const uint8_t *p;
    uint32_t type;
    uint32_t size; /* without padding; 8 <= size <= bytes left in the block */
    size_t off;
};

/* Parser state beyond *out: which singleton tags were seen. */
struct mb2_state {
    uint32_t seen; /* bit n set: a singleton tag of type n was seen */
};

static uint32_t mb2_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t mb2_read64(const uint8_t *p)
{
    return (uint64_t)mb2_read32(p) | (uint64_t)mb2_read32(p + 4) << 32;
}

static const char *mb2_tag_name(uint32_t type)
{
    switch (type) {
    case MB2_TAG_CMDLINE: return "command line";
    case MB2_TAG_LOADER_NAME: return "loader name";
    case MB2_TAG_MODULE: return "module";
    case MB2_TAG_BASIC_MEMINFO: return "basic memory info";
    case MB2_TAG_MMAP: return "memory map";
    case MB2_TAG_ACPI_OLD: return "ACPI old RSDP";
    case MB2_TAG_ACPI_NEW: return "ACPI new RSDP";
    default: return "unknown";
    }
}

/* True for the tag types that may appear at most once. */
static bool mb2_is_singleton(uint32_t type)
{
    return type == MB2_TAG_CMDLINE || type == MB2_TAG_LOADER_NAME || type == MB2_TAG_BASIC_MEMINFO ||
           type == MB2_TAG_MMAP || type == MB2_TAG_ACPI_OLD || type == MB2_TAG_ACPI_NEW;
}

static int mb2_check_min_size(const struct mb2_tag *t, uint32_t min)
{
    if (t->size >= min)
        return 0;
    log_err("mb2: %s tag at offset 0x%zx: size %u is below %u", mb2_tag_name(t->type), t->off, t->size, min);
    return -ERR_INVAL;
}

/*
 * True when one of the n bytes at p is NUL. A local loop rather than
 * strnlen, which is POSIX and hidden from strict C11 host builds.
 */
static bool mb2_has_nul(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == 0)
            return true;
    return false;
}

/* The string at byte hdr of the tag must end with a NUL inside the tag. */
static int mb2_tag_string(const struct mb2_tag *t, uint32_t hdr, const char **str)
{
    if (t->size <= hdr || !mb2_has_nul(t->p + hdr, t->size - hdr)) {
        log_err("mb2: %s tag at offset 0x%zx: string is not NUL-terminated within size %u", mb2_tag_name(t->type),
                t->off, t->size);
        return -ERR_INVAL;
    }
    *str = (const char *)(t->p + hdr);
    return 0;
}

static int mb2_parse_module(const struct mb2_tag *t, struct mb2_info *out)
{
    struct mb2_module *m;
    uint32_t start, end;
    int err;

    err = mb2_check_min_size(t, MB2_MODULE_HEADER_SIZE);
    if (err)
        return err;
    if (out->module_count == MB2_MAX_MODULES) {
        log_err("mb2: module tag at offset 0x%zx: more than %u modules", t->off, MB2_MAX_MODULES);
        return -ERR_INVAL;
    }
    start = mb2_read32(t->p + MB2_OFF_MOD_START);
    end = mb2_read32(t->p + MB2_OFF_MOD_END);
    if (end < start) {
        log_err("mb2: module tag at offset 0x%zx: mod_end 0x%x is below mod_start 0x%x", t->off, end, start);
        return -ERR_INVAL;
    }
    m = &out->modules[out->module_count];
    err = mb2_tag_string(t, MB2_MODULE_HEADER_SIZE, &m->cmdline);
    if (err)
        return err;
    m->start = start;
    m->end = end;
    out->module_count++;
    return 0;
}

static int mb2_parse_mmap_entry(const struct mb2_tag *t, const uint8_t *p, unsigned i, struct mb2_info *out)
{
    struct mb2_mmap_entry *e = &out->mmap[i];

    e->base = mb2_read64(p + MB2_OFF_ENTRY_BASE);
    e->len = mb2_read64(p + MB2_OFF_ENTRY_LEN);
    e->type = mb2_read32(p + MB2_OFF_ENTRY_TYPE);
    /* An end of exactly 2^64 is not representable in paddr_t either. */
    if (e->len > UINT64_MAX - e->base) {
        log_err("mb2: memory map tag at offset 0x%zx: entry %u base 0x%llx len 0x%llx overflows 64 bits", t->off, i,
                (unsigned long long)e->base, (unsigned long long)e->len);
        return -ERR_INVAL;
    }
    return 0;
}

/* Checks the memory map tag's header; on success *count is its entry count. */
static int mb2_check_mmap_header(const struct mb2_tag *t, uint32_t *count)
{
    uint32_t entry_size, version, body;
    int err;

    err = mb2_check_min_size(t, MB2_MMAP_HEADER_SIZE);
    if (err)
        return err;
    entry_size = mb2_read32(t->p + MB2_OFF_MMAP_ESIZE);
    version = mb2_read32(t->p + MB2_OFF_MMAP_EVERSION);
    body = t->size - MB2_MMAP_HEADER_SIZE;
    if (entry_size < MB2_MMAP_ENTRY_MIN) {
        log_err("mb2: memory map tag at offset 0x%zx: entry_size %u is below %u", t->off, entry_size,
                MB2_MMAP_ENTRY_MIN);
        return -ERR_INVAL;
    }
    if (entry_size % 8 != 0) {
        log_err("mb2: memory map tag at offset 0x%zx: entry_size %u is not a multiple of 8", t->off, entry_size);
        return -ERR_INVAL;
    }
    if (version != 0) {
        log_err("mb2: memory map tag at offset 0x%zx: entry_version %u is not 0", t->off, version);
        return -ERR_INVAL;
    }
    if (body % entry_size != 0) {
        log_err("mb2: memory map tag at offset 0x%zx: %u bytes of entries is not a multiple of entry_size %u", t->off,
                body, entry_size);
        return -ERR_INVAL;
    }
    *count = body / entry_size;
    if (*count > MB2_MAX_MMAP) {
        log_err("mb2: memory map tag at offset 0x%zx: %u entries exceed the limit of %u", t->off, *count, MB2_MAX_MMAP);
        return -ERR_INVAL;
    }
    return 0;
}

static int mb2_parse_mmap(const struct mb2_tag *t, struct mb2_info *out)
{
    uint32_t count, entry_size;
    int err;

    err = mb2_check_mmap_header(t, &count);
    if (err)
        return err;
    entry_size = mb2_read32(t->p + MB2_OFF_MMAP_ESIZE);
    for (uint32_t i = 0; i < count; i++) {
        err = mb2_parse_mmap_entry(t, t->p + MB2_MMAP_HEADER_SIZE + (size_t)i * entry_size, i, out);
        if (err)
            return err;
    }
    out->mmap_count = count;
    return 0;
}

static int mb2_parse_meminfo(const struct mb2_tag *t, struct mb2_info *out)
{
    int err = mb2_check_min_size(t, MB2_OFF_MEM_UPPER + 4);

    if (err)
        return err;
    out->mem_lower_kib = mb2_read32(t->p + MB2_OFF_MEM_LOWER);
    out->mem_upper_kib = mb2_read32(t->p + MB2_OFF_MEM_UPPER);
    out->has_basic_meminfo = true;
    return 0;
}

static int mb2_parse_rsdp(const struct mb2_tag *t, struct mb2_info *out)
{
    unsigned len = t->type == MB2_TAG_ACPI_NEW ? MB2_RSDP_NEW_LEN : MB2_RSDP_OLD_LEN;
    int err = mb2_check_min_size(t, MB2_TAG_HEADER_SIZE + len);

    if (err)
        return err;
    /* The ACPI 2.0+ copy wins whichever order the two tags come in. */
    if (t->type == MB2_TAG_ACPI_OLD && out->rsdp_len == MB2_RSDP_NEW_LEN)
        return 0;
    memcpy(out->rsdp, t->p + MB2_TAG_HEADER_SIZE, len);
    out->rsdp_len = len;
    return 0;
}

static int mb2_parse_tag(const struct mb2_tag *t, struct mb2_state *st, struct mb2_info *out)
{
    if (mb2_is_singleton(t->type)) {
        if (st->seen & (1u << t->type)) {
            log_err("mb2: duplicate %s tag (type %u) at offset 0x%zx", mb2_tag_name(t->type), t->type, t->off);
            return -ERR_INVAL;
        }
        st->seen |= 1u << t->type;
    }
    switch (t->type) {
    case MB2_TAG_CMDLINE: return mb2_tag_string(t, MB2_TAG_HEADER_SIZE, &out->cmdline);
    case MB2_TAG_LOADER_NAME: return mb2_tag_string(t, MB2_TAG_HEADER_SIZE, &out->loader_name);
    case MB2_TAG_MODULE: return mb2_parse_module(t, out);
    case MB2_TAG_BASIC_MEMINFO: return mb2_parse_meminfo(t, out);
    case MB2_TAG_MMAP: return mb2_parse_mmap(t, out);
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW: return mb2_parse_rsdp(t, out);
    default: return 0; /* unknown or unused tag: skipped */
    }
}

/* Checks the block header; on success *total is the validated total_size. */
static int mb2_check_header(const void *mbi, size_t avail, uint32_t *total)
{
    if ((uintptr_t)mbi % MB2_TAG_ALIGN != 0) {
        log_err("mb2: info block at %p is not 8-byte aligned", mbi);
        return -ERR_INVAL;
    }
    if (avail < MB2_INFO_HEADER_SIZE) {
        log_err("mb2: only %zu bytes readable, below the 8-byte header", avail);
        return -ERR_INVAL;
    }
    *total = mb2_read32(mbi);
    if (*total < MB2_INFO_HEADER_SIZE + MB2_TAG_HEADER_SIZE) {
        log_err("mb2: total_size %u is below 16", *total);
        return -ERR_INVAL;
    }
    if (*total > avail) {
        log_err("mb2: total_size %u exceeds the %zu readable bytes", *total, avail);
        return -ERR_INVAL;
    }
    if (*total % MB2_TAG_ALIGN != 0) {
        log_err("mb2: total_size %u is not a multiple of 8", *total);
        return -ERR_INVAL;
    }
    return 0;
}

/* Reads the tag header at off; checks its size against the bytes left. */
static int mb2_read_tag(const uint8_t *base, size_t off, uint32_t total, struct mb2_tag *t)
{
    if (total - off < MB2_TAG_HEADER_SIZE) {
        log_err("mb2: tag list reaches total_size %u without an end tag", total);
        return -ERR_INVAL;
    }
    t->p = base + off;
    t->off = off;
    t->type = mb2_read32(t->p);
    t->size = mb2_read32(t->p + MB2_OFF_TAG_SIZE);
    if (t->size < MB2_TAG_HEADER_SIZE) {
        log_err("mb2: tag type %u at offset 0x%zx: size %u is below 8", t->type, off, t->size);
        return -ERR_INVAL;
    }
    if (t->size > total - off) {
        log_err("mb2: tag type %u at offset 0x%zx: size %u runs past total_size %u", t->type, off, t->size, total);
        return -ERR_INVAL;
    }
    return 0;
}

static int mb2_walk(const uint8_t *base, uint32_t total, struct mb2_info *out)
{
    struct mb2_state st = { 0 };
    struct mb2_tag t;
    size_t off = MB2_INFO_HEADER_SIZE;
    int err;

    for (;;) {
        err = mb2_read_tag(base, off, total, &t);
        if (err)
            return err;
        if (t.type == MB2_TAG_END)
            break;
        err = mb2_parse_tag(&t, &st, out);
        if (err)
            return err;
        /* off and total are multiples of 8, so this stays <= total. */
        off += ALIGN_UP(t.size, MB2_TAG_ALIGN);
    }
    if (t.size != MB2_TAG_HEADER_SIZE) {
        log_err("mb2: end tag at offset 0x%zx has size %u, not 8", off, t.size);
        return -ERR_INVAL;
    }
    if (off + MB2_TAG_HEADER_SIZE != total)
        log_warn("mb2: %zu bytes after the end tag at offset 0x%zx ignored", total - off - MB2_TAG_HEADER_SIZE, off);
    if (!(st.seen & (1u << MB2_TAG_MMAP))) {
        log_err("mb2: no memory map tag (type 6)");
        return -ERR_INVAL;
    }
    return 0;
}

int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out)
{
    uint32_t total;
    int err;

    ASSERT(mbi != NULL && out != NULL);
    err = mb2_check_header(mbi, avail, &total);
    if (err)
        return err;
    memset(out, 0, sizeof(*out));
    out->cmdline = "";
    out->loader_name = "";
    return mb2_walk(mbi, total, out);
}
