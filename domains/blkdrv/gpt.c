/* SPDX-License-Identifier: MIT */
/*
 * GPT parsing (gpt.h). Every field comes from the disk, which a guest may
 * have written: each is read once from a private copy, checked against
 * the disk's size before use, and no value read sizes an allocation
 * beyond GPT_MAX_ARRAY. x86 is little-endian, as GPT is.
 */
#include "gpt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen_errno.h"

/* The GPT header (UEFI 2.10, table 5.21), at LBA 1 and at the last LBA. */
struct gpt_header {
    uint8_t signature[8];      /* 0x00: "EFI PART" */
    uint32_t revision;         /* 0x08: 0x00010000 */
    uint32_t header_size;      /* 0x0c: 92 ..block size */
    uint32_t header_crc32;     /* 0x10: over header_size bytes, this field 0 */
    uint32_t reserved;         /* 0x14: 0 */
    uint64_t my_lba;           /* 0x18: where this header is */
    uint64_t alternate_lba;    /* 0x20: the other header */
    uint64_t first_usable_lba; /* 0x28 */
    uint64_t last_usable_lba;  /* 0x30: inclusive */
    uint8_t disk_guid[16];     /* 0x38 */
    uint64_t entries_lba;      /* 0x48: first block of the entry array */
    uint32_t nr_entries;       /* 0x50 */
    uint32_t entry_size;       /* 0x54: 128 * 2^n */
    uint32_t entries_crc32;    /* 0x58: over nr_entries * entry_size bytes */
};
_Static_assert(offsetof(struct gpt_header, signature) == 0x00, "gpt");
_Static_assert(offsetof(struct gpt_header, revision) == 0x08, "gpt");
_Static_assert(offsetof(struct gpt_header, header_size) == 0x0c, "gpt");
_Static_assert(offsetof(struct gpt_header, header_crc32) == 0x10, "gpt");
_Static_assert(offsetof(struct gpt_header, reserved) == 0x14, "gpt");
_Static_assert(offsetof(struct gpt_header, my_lba) == 0x18, "gpt");
_Static_assert(offsetof(struct gpt_header, alternate_lba) == 0x20, "gpt");
_Static_assert(offsetof(struct gpt_header, first_usable_lba) == 0x28, "gpt");
_Static_assert(offsetof(struct gpt_header, last_usable_lba) == 0x30, "gpt");
_Static_assert(offsetof(struct gpt_header, disk_guid) == 0x38, "gpt");
_Static_assert(offsetof(struct gpt_header, entries_lba) == 0x48, "gpt");
_Static_assert(offsetof(struct gpt_header, nr_entries) == 0x50, "gpt");
_Static_assert(offsetof(struct gpt_header, entry_size) == 0x54, "gpt");
_Static_assert(offsetof(struct gpt_header, entries_crc32) == 0x58, "gpt");
_Static_assert(sizeof(struct gpt_header) == 0x60, "gpt: 92 bytes and tail padding");

#define GPT_HEADER_MIN 92u /* the defined fields; the struct's tail padding is not read */

/* A partition entry (UEFI 2.10, table 5.22): the first 128 bytes of each slot. */
struct gpt_entry {
    uint8_t type_guid[16];   /* 0x00: all zero: unused */
    uint8_t unique_guid[16]; /* 0x10 */
    uint64_t first_lba;      /* 0x20 */
    uint64_t last_lba;       /* 0x28: inclusive */
    uint64_t attributes;     /* 0x30 */
    uint16_t name[36];       /* 0x38: UTF-16LE */
};
_Static_assert(offsetof(struct gpt_entry, type_guid) == 0x00, "gpt");
_Static_assert(offsetof(struct gpt_entry, unique_guid) == 0x10, "gpt");
_Static_assert(offsetof(struct gpt_entry, first_lba) == 0x20, "gpt");
_Static_assert(offsetof(struct gpt_entry, last_lba) == 0x28, "gpt");
_Static_assert(offsetof(struct gpt_entry, attributes) == 0x30, "gpt");
_Static_assert(offsetof(struct gpt_entry, name) == 0x38, "gpt");
_Static_assert(sizeof(struct gpt_entry) == 128, "gpt");

uint32_t gpt_crc32(const void *data, uint64_t len)
{
    const uint8_t *p = data;
    uint32_t crc = 0xffffffffu;

    for (uint64_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* The disk's geometry in its own blocks. */
struct geometry {
    unsigned block_size;
    uint64_t blocks; /* the last LBA is blocks - 1 */
};

/*
 * Reads and checks the header at lba (1 or the last block): signature,
 * revision's major number, size, CRC, reserved field, its own place, a
 * usable range inside the disk and clear of both headers and the array,
 * an entry array of sane shape inside the disk. 0, -XEN_ENOENT (no
 * signature), -XEN_EINVAL, or a read error.
 */
static int header_read(const struct geometry *g, gpt_read_fn read, void *ctx, uint64_t lba, uint8_t *block,
                       struct gpt_header *h)
{
    int r = read(ctx, lba, 1, block);
    uint64_t array_bytes, array_blocks;

    if (r)
        return r;
    memcpy(h, block, sizeof(*h)); /* read once; block_size >= sizeof */
    if (memcmp(h->signature, "EFI PART", 8) != 0)
        return -XEN_ENOENT;
    if ((h->revision >> 16) != 1 || h->header_size < GPT_HEADER_MIN || h->header_size > g->block_size ||
        h->reserved != 0 || h->my_lba != lba)
        return -XEN_EINVAL;
    uint32_t want = h->header_crc32;
    memset(block + offsetof(struct gpt_header, header_crc32), 0, sizeof(uint32_t));
    if (gpt_crc32(block, h->header_size) != want)
        return -XEN_EINVAL;
    if (h->entry_size < sizeof(struct gpt_entry) || h->entry_size % sizeof(struct gpt_entry) != 0 ||
        (h->entry_size & (h->entry_size - 1)) != 0 || h->nr_entries == 0 || h->nr_entries > GPT_MAX_ENTRIES)
        return -XEN_EINVAL;
    array_bytes = (uint64_t)h->nr_entries * h->entry_size; /* at most 2^10 * 2^32: no overflow */
    if (array_bytes > GPT_MAX_ARRAY)
        return -XEN_EINVAL;
    array_blocks = (array_bytes + g->block_size - 1) / g->block_size;
    /* Both headers, the arrays and the usable range inside the disk; the
     * usable range clear of LBA 0..1, of this header and of its array. */
    if (h->alternate_lba >= g->blocks || h->first_usable_lba > h->last_usable_lba ||
        h->last_usable_lba >= g->blocks - 1 || h->first_usable_lba < 2 || h->entries_lba < 2 ||
        h->entries_lba >= g->blocks || array_blocks > g->blocks - h->entries_lba)
        return -XEN_EINVAL;
    uint64_t array_last = h->entries_lba + array_blocks - 1;
    if (!(array_last < h->first_usable_lba || h->entries_lba > h->last_usable_lba))
        return -XEN_EINVAL;
    if (lba >= h->first_usable_lba && lba <= h->last_usable_lba)
        return -XEN_EINVAL;
    return 0;
}

/* Reads the header's entry array and checks its CRC: 0, -XEN_EINVAL,
 * -XEN_ENOMEM or a read error; *array is malloc'd on success. */
static int array_read(const struct geometry *g, gpt_read_fn read, void *ctx, const struct gpt_header *h,
                      uint8_t **array)
{
    uint64_t bytes = (uint64_t)h->nr_entries * h->entry_size;
    unsigned blocks = (unsigned)((bytes + g->block_size - 1) / g->block_size);
    uint8_t *buf = malloc((size_t)blocks * g->block_size);
    int r;

    if (!buf)
        return -XEN_ENOMEM;
    if ((r = read(ctx, h->entries_lba, blocks, buf)) != 0 ||
        (r = gpt_crc32(buf, bytes) == h->entries_crc32 ? 0 : -XEN_EINVAL)) {
        free(buf);
        return r;
    }
    *array = buf;
    return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int gpt_parse(uint64_t disk_sectors, unsigned block_size, gpt_read_fn read, void *ctx, struct gpt_part *out,
              unsigned max, unsigned *n, unsigned *rejected)
{
    struct geometry g = { block_size, 0 };
    struct gpt_header h;
    uint8_t *block, *array = NULL;
    unsigned found = 0, bad = 0, sectors_per_block;
    int r, r_backup;

    *n = 0;
    if (rejected)
        *rejected = 0;
    if (block_size != 512 && block_size != 4096)
        return -XEN_EINVAL;
    sectors_per_block = block_size / 512;
    g.blocks = disk_sectors / sectors_per_block;
    if (g.blocks < 4) /* MBR, header, an array block, a backup header at least */
        return -XEN_ENOENT;
    if (!(block = malloc(block_size)))
        return -XEN_ENOMEM;
    r = header_read(&g, read, ctx, 1, block, &h);
    if (r == 0)
        r = array_read(&g, read, ctx, &h, &array);
    if (r != 0 && r != -XEN_ENOMEM) {
        /* The primary is bad or missing: the backup at the last block. */
        r_backup = header_read(&g, read, ctx, g.blocks - 1, block, &h);
        if (r_backup == 0)
            r_backup = array_read(&g, read, ctx, &h, &array);
        if (r_backup == 0)
            r = 0;
        else if (r == -XEN_ENOENT && r_backup != -XEN_ENOENT)
            r = r_backup == -XEN_ENOMEM ? r_backup : -XEN_EINVAL; /* a backup signature, but broken */
    }
    free(block);
    if (r)
        return r;
    for (uint32_t i = 0; i < h.nr_entries && i < GPT_MAX_PARTS && found < max; i++) {
        struct gpt_entry e;
        memcpy(&e, array + (size_t)i * h.entry_size, sizeof(e));
        if (all_zero(e.type_guid, sizeof(e.type_guid)))
            continue;
        if (e.first_lba > e.last_lba || e.first_lba < h.first_usable_lba || e.last_lba > h.last_usable_lba) {
            bad++;
            continue;
        }
        out[found].number = i + 1;
        out[found].first_sector = e.first_lba * sectors_per_block;
        out[found].nr_sectors = (e.last_lba - e.first_lba + 1) * sectors_per_block;
        found++;
    }
    free(array);
    *n = found;
    if (rejected)
        *rejected = bad;
    return 0;
}
