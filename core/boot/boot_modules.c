/* SPDX-License-Identifier: MIT */
/*
 * Checks where the loader put the boot modules: inside usable RAM, clear
 * of the core's own regions and of each other. Comparisons only, no
 * arithmetic on the untrusted addresses, so absurd values cannot wrap. It
 * neither moves modules nor removes them from the memory map.
 */
#include "core/boot_modules.h"

#include "core/env.h"
#include "core/errno.h"

/* Enough of a module's command line to recognise it in a log line. */
#define BOOT_NAME_MAX 48

/* Copies the start of a command line into buf, marking a cut with "...". */
static const char *boot_short_name(const char *cmdline, char *buf, size_t size)
{
    size_t len = 0;

    if (cmdline == NULL)
        return "";
    while (len < size && cmdline[len] != '\0')
        len++;
    if (len < size)
        return cmdline;
    memcpy(buf, cmdline, size - 4);
    memcpy(buf + size - 4, "...", 4);
    return buf;
}

static bool boot_overlaps(paddr_t a_start, paddr_t a_end, paddr_t b_start, paddr_t b_end)
{
    return a_start < b_end && b_start < a_end;
}

/* Returns the index of the first region m overlaps, or n if none. */
static unsigned boot_find_reserved(const struct mb2_module *m, const struct boot_region *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (boot_overlaps(m->start, m->end, r[i].start, r[i].end))
            return i;
    return n;
}

/* Returns the index of the first earlier module m overlaps, or idx if none. */
static unsigned boot_find_module(const struct mb2_info *mbi, unsigned idx)
{
    const struct mb2_module *m = &mbi->modules[idx];

    for (unsigned i = 0; i < idx; i++)
        if (boot_overlaps(m->start, m->end, mbi->modules[i].start, mbi->modules[i].end))
            return i;
    return idx;
}

static int boot_check_one(const struct mb2_info *mbi, unsigned idx, const struct memmap *ram,
                          const struct boot_region *reserved, unsigned nreserved)
{
    const struct mb2_module *m = &mbi->modules[idx];
    char buf[BOOT_NAME_MAX], other_buf[BOOT_NAME_MAX];
    const char *name = boot_short_name(m->cmdline, buf, sizeof(buf));
    unsigned long long start = m->start, end = m->end;
    unsigned hit;

    if (m->start >= m->end) {
        log_err("boot: module %u '%s' [0x%llx, 0x%llx) is empty", idx, name, start, end);
        return -ERR_INVAL;
    }
    if (!memmap_contains(ram, m->start, m->end)) {
        log_err("boot: module %u '%s' [0x%llx, 0x%llx) lies outside usable RAM", idx, name, start, end);
        return -ERR_INVAL;
    }
    hit = boot_find_reserved(m, reserved, nreserved);
    if (hit != nreserved) {
        log_err("boot: module %u '%s' [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)", idx, name, start, end,
                reserved[hit].name ? reserved[hit].name : "reserved region", (unsigned long long)reserved[hit].start,
                (unsigned long long)reserved[hit].end);
        return -ERR_INVAL;
    }
    hit = boot_find_module(mbi, idx);
    if (hit != idx) {
        log_err("boot: module %u '%s' [0x%llx, 0x%llx) overlaps module %u '%s'", idx, name, start, end, hit,
                boot_short_name(mbi->modules[hit].cmdline, other_buf, sizeof(other_buf)));
        return -ERR_INVAL;
    }
    return 0;
}

int boot_modules_check(const struct mb2_info *mbi, const struct memmap *ram, const struct boot_region *reserved,
                       unsigned nreserved)
{
    ASSERT(mbi != NULL && ram != NULL && (reserved != NULL || nreserved == 0));
    ASSERT(mbi->module_count <= MB2_MAX_MODULES);
    for (unsigned i = 0; i < mbi->module_count; i++) {
        int err = boot_check_one(mbi, i, ram, reserved, nreserved);

        if (err)
            return err;
    }
    return 0;
}
