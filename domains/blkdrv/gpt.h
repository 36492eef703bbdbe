/* SPDX-License-Identifier: MIT */
/*
 * GUID partition tables (UEFI 2.x, chapter 5.3) on a disk whose contents
 * are untrusted: the header's and the entry array's CRC32s, the header's
 * size and place, the entry count and size, and every partition inside
 * the disk's usable range are checked before a partition is named. The
 * backup header (at the disk's last block) is used when the primary is
 * bad, as Linux does. Pure C: the disk is read through a callback, so the
 * parser runs on the host (tests/unit/blkback_gpt_test.c, fuzzed by
 * tests/fuzz/gpt_fuzz.c). It does not read MBR partitions.
 */
#pragma once

#include <stdint.h>

#define GPT_MAX_PARTS   128u         /* partitions named per disk (entry slots looked at) */
#define GPT_MAX_ENTRIES 1024u        /* a header claiming more entries is refused */
#define GPT_MAX_ARRAY   (256u << 10) /* bytes of entry array read at most */

/* One partition: its number (the entry's index + 1, as Linux numbers
 * them, so vdb2 is the second entry even when the first is empty) and its
 * extent in 512-byte sectors. */
struct gpt_part {
    unsigned number;
    uint64_t first_sector;
    uint64_t nr_sectors;
};

/* gpt_read_fn: read count blocks of the parser's block size at lba into
 * buf; 0 or a negative errno. */
typedef int (*gpt_read_fn)(void *ctx, uint64_t lba, unsigned count, void *buf);

/*
 * gpt_parse: the partitions of a disk of disk_sectors 512-byte sectors
 * with block_size-byte logical blocks (512 or 4096), in entry order, at
 * most max into out (*n of them). Returns 0 (a valid GPT, *n may be 0),
 * -XEN_ENOENT (no GPT signature in either header), -XEN_EINVAL (a
 * signature but neither header valid), -XEN_ENOMEM, or a read's error.
 * Entries that overlap the headers or leave the usable range are skipped
 * and counted in *rejected (may be NULL).
 */
int gpt_parse(uint64_t disk_sectors, unsigned block_size, gpt_read_fn read, void *ctx, struct gpt_part *out,
              unsigned max, unsigned *n, unsigned *rejected) __attribute__((warn_unused_result));

/* gpt_crc32: the IEEE 802.3 CRC32 (reflected, 0xedb88320) that GPT uses. */
uint32_t gpt_crc32(const void *data, uint64_t len);
