/* SPDX-License-Identifier: MIT */
/*
 * Placement check of the Multiboot2 modules before the core trusts their
 * bytes: each must be non-empty, lie in RAM, and collide with nothing the
 * core already uses. It does not look inside the modules.
 */
#pragma once

#include "core/mb2.h"
#include "core/memmap.h"
#include "core/types.h"

/* A physical range the core occupies, named for log lines. */
struct boot_region {
    paddr_t start;
    paddr_t end;      /* exclusive */
    const char *name; /* e.g. "core image", "boot info" */
};

/*
 * boot_modules_check: check every module in mbi. Each must be non-empty,
 * lie entirely inside one range of ram (the usable map before the core,
 * the info block and the modules were removed from it), and overlap
 * neither any of the nreserved regions nor another module.
 *
 * Returns 0, or -ERR_INVAL after logging one line about the first
 * offending module, e.g. "boot: module 2 'initrd.img' [0x200000,
 * 0x5fffffffff) lies outside usable RAM". Long command lines are
 * shortened in the message.
 */
int boot_modules_check(const struct mb2_info *mbi, const struct memmap *ram, const struct boot_region *reserved,
                       unsigned nreserved) __attribute__((warn_unused_result));
