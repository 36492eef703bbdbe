/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a domain image, checked by elf_parse and
 * elf_require_pvh in an exact-size heap copy. An accepted image must
 * satisfy everything elf.h promises about it, and every byte it describes
 * as segment contents is read back to prove it lies inside the image.
 */
#include <stdlib.h>
#include <string.h>

#include "core/elf.h"
#include "core/errno.h"
#include "fuzz.h"

FUZZ_ORACLE static void check_image(const struct elf_image *img, const uint8_t *b, size_t size)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    volatile uint8_t sink = 0;
    bool pvh_in_x = false;

    FUZZ_CHECK(img->nsegments >= 1 && img->nsegments <= ELF_MAX_SEGMENTS);
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->seg[i];

        FUZZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz);
        FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset);
        FUZZ_CHECK(s->memsz <= UINT64_MAX - s->paddr);
        for (uint64_t k = 0; k < s->filesz; k++)
            sink ^= b[s->offset + k];
        for (unsigned j = 0; j < i; j++) {
            const struct elf_segment *t = &img->seg[j];

            FUZZ_CHECK(s->paddr >= t->paddr + t->memsz || t->paddr >= s->paddr + s->memsz);
        }
        lo = MIN(lo, s->paddr);
        hi = MAX(hi, s->paddr + s->memsz);
        if ((s->flags & ELF_PF_X) && img->pvh_entry >= s->paddr && img->pvh_entry - s->paddr < s->memsz)
            pvh_in_x = true;
    }
    (void)sink;
    FUZZ_CHECK(img->paddr_lowest == lo && img->paddr_highest == hi);
    if (img->has_pvh_entry)
        FUZZ_CHECK(pvh_in_x);
    FUZZ_CHECK(elf_require_pvh(img) == (img->has_pvh_entry ? 0 : -ERR_INVAL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf_image img;
    uint8_t *b = malloc(size ? size : 1);
    int rc;

    FUZZ_CHECK(b != NULL);
    if (size)
        memcpy(b, data, size);
    rc = elf_parse(b, size, &img);
    FUZZ_CHECK(rc == 0 || rc == -ERR_INVAL);
    if (rc == 0)
        check_image(&img, b, size);
    free(b);
    return 0;
}
