/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a kernel image as an operator would hand the
 * builder (ELF64, ELF32, or a bzImage with an xz payload), in an
 * exact-size heap copy, read by image_open and streamed by image_load
 * into a checking copy callback. Every copy must lie inside the segment it
 * belongs to, follow the previous one, and stay under IMAGE_COPY_MAX; an
 * accepted image must have handed over every file byte of every segment
 * and have its entry inside an executable one.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "image.h"

static struct image img;
static uint64_t next_at[IMAGE_MAX_SEGMENTS]; /* bytes of each segment handed over */

FUZZ_ORACLE static long check_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    volatile uint8_t sink = 0;
    unsigned i;

    (void)ctx;
    FUZZ_CHECK(len > 0 && len <= IMAGE_COPY_MAX);
    for (i = 0; i < img.nsegments; i++)
        if (gpa >= img.seg[i].paddr && gpa - img.seg[i].paddr < img.seg[i].memsz)
            break;
    FUZZ_CHECK(i < img.nsegments);
    FUZZ_CHECK(gpa - img.seg[i].paddr == next_at[i]);
    FUZZ_CHECK(len <= img.seg[i].filesz - next_at[i]);
    next_at[i] += len;
    for (size_t k = 0; k < len; k += 512) /* the source is readable */
        sink ^= ((const uint8_t *)src)[k];
    (void)sink;
    return 0;
}

FUZZ_ORACLE static void check_image(void)
{
    uint64_t end = 0;
    int entry_ok = 0;

    FUZZ_CHECK(img.nsegments >= 1 && img.nsegments <= IMAGE_MAX_SEGMENTS);
    for (unsigned i = 0; i < img.nsegments; i++) {
        const struct image_segment *s = &img.seg[i];
        FUZZ_CHECK(next_at[i] == s->filesz);
        FUZZ_CHECK(s->filesz <= s->memsz && s->offset <= img.elf_size && s->filesz <= img.elf_size - s->offset);
        FUZZ_CHECK(s->paddr + s->memsz <= (1ull << 36));
        for (unsigned j = 0; j < i; j++)
            FUZZ_CHECK(s->paddr >= img.seg[j].paddr + img.seg[j].memsz || img.seg[j].paddr >= s->paddr + s->memsz);
        end = s->paddr + s->memsz > end ? s->paddr + s->memsz : end;
        if ((s->flags & 1) && img.pvh_entry >= s->paddr && img.pvh_entry - s->paddr < s->memsz)
            entry_ok = 1;
    }
    FUZZ_CHECK(img.paddr_end == end);
    FUZZ_CHECK(entry_ok);
    FUZZ_CHECK(img.window_pos == img.elf_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *b = malloc(size ? size : 1);
    long r;

    memcpy(b, data, size);
    memset(next_at, 0, sizeof(next_at));
    r = image_open(&img, b, size);
    if (r == 0)
        r = image_load(&img, check_copy, NULL);
    if (r == 0)
        check_image();
    else
        FUZZ_CHECK(r == -1 && img.why != NULL);
    image_close(&img);
    free(b);
    return 0;
}
