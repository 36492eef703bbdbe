/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the GPT parser (domains/blkdrv/gpt.c) on a disk whose
 * every byte is the input's. Control byte: bit 0 a 4096-byte logical
 * block (else 512); bit 1 repairs both headers' CRCs (and their arrays')
 * so the mutator reaches the field checks. The disk is the rest of the
 * input, cut to whole sectors. Checked: every partition returned lies in
 * the disk, past LBA 1 and before the backup header, and is not empty;
 * no read leaves the disk (ASan: the image is malloc'ed at its size).
 */
#include <stdlib.h>
#include <string.h>

#include "gpt.h"

#include "blkback_fake.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fake_image img;
    struct gpt_part parts[GPT_MAX_PARTS];
    unsigned n, bad, block;
    int r;

    if (size < 1)
        return 0;
    block = data[0] & 1 ? 4096 : 512;
    fake_image_init(&img, (size - 1) / 512 + 1);
    img.sectors = (size - 1) / 512;
    memcpy(img.bytes, data + 1, img.sectors * 512);
    if ((data[0] & 2) && img.sectors >= 2) {
        fake_gpt_fix_header(&img, 1, true);
        fake_gpt_fix_header(&img, img.sectors - 1, true);
    }
    r = gpt_parse(img.sectors, block, fake_image_read, &img, parts, GPT_MAX_PARTS, &n, &bad);
    FUZZ_CHECK(r == 0 || n == 0);
    for (unsigned i = 0; i < n; i++) {
        FUZZ_CHECK(parts[i].nr_sectors > 0 && parts[i].first_sector >= 2 * (block / 512));
        FUZZ_CHECK(parts[i].first_sector + parts[i].nr_sectors <= img.sectors - block / 512);
        FUZZ_CHECK(parts[i].number >= 1 && parts[i].number <= GPT_MAX_PARTS);
    }
    fake_image_free(&img);
    return 0;
}
