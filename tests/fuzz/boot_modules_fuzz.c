/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: modules, a firmware memory map and reserved regions, all
 * from the input (layout in fuzz.h), go to boot_modules_check. Module
 * command lines are exact-size heap strings, so a read past one is caught.
 * The verdict is compared with boot_modules.h's rules applied directly.
 */
#include <stdlib.h>
#include <string.h>

#include "core/boot_modules.h"
#include "core/errno.h"
#include "fuzz.h"

#define MAX_ENTRIES  32
#define MAX_RESERVED 4

FUZZ_ORACLE static bool overlaps(paddr_t a, paddr_t b, paddr_t c, paddr_t d)
{
    return a < d && c < b;
}

FUZZ_ORACLE static bool ref_in_ram(const struct memmap *ram, paddr_t s, paddr_t e)
{
    for (unsigned i = 0; i < ram->count; i++)
        if (ram->r[i].start <= s && e <= ram->r[i].end)
            return true;
    return false;
}

FUZZ_ORACLE static bool ref_module_ok(const struct mb2_info *mbi, unsigned idx, const struct memmap *ram,
                                      const struct boot_region *res, unsigned nres)
{
    const struct mb2_module *m = &mbi->modules[idx];

    if (m->start >= m->end || !ref_in_ram(ram, m->start, m->end))
        return false;
    for (unsigned i = 0; i < nres; i++)
        if (overlaps(m->start, m->end, res[i].start, res[i].end))
            return false;
    for (unsigned i = 0; i < idx; i++)
        if (overlaps(m->start, m->end, mbi->modules[i].start, mbi->modules[i].end))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mb2_info mbi;
    static struct memmap ram;
    struct mb2_mmap_entry e[MAX_ENTRIES];
    struct boot_region res[MAX_RESERVED];
    char *names[MB2_MAX_MODULES] = { 0 };
    struct fuzz_in in = { data, size };
    unsigned nent, nres;
    bool want = true;
    int rc;

    memset(&mbi, 0, sizeof(mbi));
    mbi.module_count = fuzz_u8(&in) % (MB2_MAX_MODULES + 1);
    for (unsigned i = 0; i < mbi.module_count; i++) {
        struct mb2_module *m = &mbi.modules[i];
        uint8_t len;

        m->start = fuzz_u64(&in);
        m->end = fuzz_u64(&in);
        len = fuzz_u8(&in);
        if (len == 255)
            continue; /* no command line at all */
        names[i] = malloc((size_t)len + 1);
        FUZZ_CHECK(names[i] != NULL);
        for (unsigned k = 0; k < len; k++)
            names[i][k] = (char)fuzz_u8(&in);
        names[i][len] = '\0';
        m->cmdline = names[i];
    }
    nent = fuzz_u8(&in) % (MAX_ENTRIES + 1);
    for (unsigned i = 0; i < nent; i++) {
        e[i].base = fuzz_u64(&in);
        e[i].len = fuzz_u64(&in);
        e[i].type = fuzz_u8(&in);
    }
    if (memmap_build(e, nent, &ram) != 0)
        ram.count = 0;
    nres = fuzz_u8(&in) % (MAX_RESERVED + 1);
    for (unsigned i = 0; i < nres; i++) {
        res[i].start = fuzz_u64(&in);
        res[i].end = fuzz_u64(&in);
        res[i].name = i % 2 ? NULL : "core image";
    }

    for (unsigned i = 0; i < mbi.module_count && want; i++)
        want = ref_module_ok(&mbi, i, &ram, res, nres);
    rc = boot_modules_check(&mbi, &ram, nres ? res : NULL, nres);
    FUZZ_CHECK(rc == (want ? 0 : -ERR_INVAL));
    for (unsigned i = 0; i < MB2_MAX_MODULES; i++)
        free(names[i]);
    return 0;
}
