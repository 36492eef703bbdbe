/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a Multiboot2 information block, handed to
 * mb2_parse in an exact-size heap copy so a read past it is caught. A block
 * that parses goes on through the rest of the boot path's untrusted-input
 * steps (memory map, module placement, boot options), as core_main does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/boot_modules.h"
#include "core/cmdline.h"
#include "core/errno.h"
#include "core/mb2.h"
#include "core/memmap.h"
#include "fuzz.h"

static const char *const fuzz_known[] = { "loglevel", "maxcpus", "test.exit", "test.mbi" };

/* A string the parser returned: inside the block with its NUL, or the "" default. */
FUZZ_ORACLE static void check_string(const char *s, const uint8_t *blk, size_t size)
{
    const uint8_t *p = (const uint8_t *)s;

    FUZZ_CHECK(s != NULL);
    if (p >= blk && p < blk + size)
        FUZZ_CHECK(memchr(p, 0, (size_t)(blk + size - p)) != NULL);
    else
        FUZZ_CHECK(s[0] == '\0');
}

FUZZ_ORACLE static void check_info(const struct mb2_info *info, const uint8_t *blk, size_t size)
{
    check_string(info->cmdline, blk, size);
    check_string(info->loader_name, blk, size);
    FUZZ_CHECK(info->mmap_count <= MB2_MAX_MMAP);
    for (unsigned i = 0; i < info->mmap_count; i++)
        FUZZ_CHECK(info->mmap[i].len <= UINT64_MAX - info->mmap[i].base);
    FUZZ_CHECK(info->module_count <= MB2_MAX_MODULES);
    for (unsigned i = 0; i < info->module_count; i++) {
        FUZZ_CHECK(info->modules[i].start <= info->modules[i].end);
        FUZZ_CHECK(info->modules[i].end <= UINT32_MAX);
        check_string(info->modules[i].cmdline, blk, size);
    }
    FUZZ_CHECK(info->rsdp_len == 0 || info->rsdp_len == MB2_RSDP_OLD_LEN || info->rsdp_len == MB2_RSDP_NEW_LEN);
}

static void boot_path(const struct mb2_info *info, size_t size)
{
    static struct memmap ram, usable;
    const struct boot_region reserved[] = {
        { 0x100000, 0x200000, "core image" },
        { 0x10000, 0x10000 + ALIGN_UP(size, 8), "boot information" },
        { 0, 0x1000, "low memory" },
    };
    uint64_t level;

    cmdline_uint(info->cmdline, "loglevel", &level);
    cmdline_warn_unknown(info->cmdline, fuzz_known, ARRAY_SIZE(fuzz_known));
    if (memmap_build(info->mmap, info->mmap_count, &ram) != 0)
        return;
    if (boot_modules_check(info, &ram, reserved, ARRAY_SIZE(reserved)) != 0)
        return;
    /* What setup_memory then takes out of the usable map. */
    usable = ram;
    for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++)
        if (memmap_remove(&usable, reserved[i].start, reserved[i].end) != 0)
            return;
    for (unsigned i = 0; i < info->module_count; i++) {
        const struct mb2_module *m = &info->modules[i];

        FUZZ_CHECK(memmap_contains(&ram, m->start, m->end));
        if (memmap_remove(&usable, m->start, m->end) != 0)
            return;
        FUZZ_CHECK(!memmap_contains(&usable, m->start, m->start + 1));
    }
    FUZZ_CHECK(memmap_bytes(&usable) <= memmap_bytes(&ram) && memmap_top(&usable) <= memmap_top(&ram));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mb2_info info;
    /* malloc(0) may return NULL; mb2_parse wants a real pointer. */
    uint8_t *blk = malloc(size ? size : 1);
    int rc;

    FUZZ_CHECK(blk != NULL);
    if (size)
        memcpy(blk, data, size);
    /* The block must be 8-byte aligned; this address never is. */
    if (size > 8)
        FUZZ_CHECK(mb2_parse(blk + 4, size - 4, &info) == -ERR_INVAL);
    rc = mb2_parse(blk, size, &info);
    FUZZ_CHECK(rc == 0 || rc == -ERR_INVAL);
    if (rc == 0) {
        check_info(&info, blk, size);
        boot_path(&info, size);
    }
    free(blk);
    return 0;
}
