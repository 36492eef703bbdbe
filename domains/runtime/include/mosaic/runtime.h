/* SPDX-License-Identifier: MIT */
/*
 * What the runtime learnt at start, for domain programs: the validated
 * start_info, the command line and the boot modules. The runtime calls the
 * program's `int main(int argc, char **argv)` with argv[0] = "domain" and
 * the command line split at spaces and tabs (no quoting), and exits with
 * its status (platform_exit). Memory layout and start-up order:
 * domains/runtime/README.md.
 */
#pragma once

#include <stddef.h>

#include "mosaic/start_info.h"

struct runtime_module {
    const void *data; /* identity-mapped, size bytes; may be read-only (the core lends modules so) */
    size_t size;
    const char *cmdline; /* the module's string, "" if none */
};

/* runtime_start_info: a copy of the start_info the domain was booted with,
 * checked (magic, version >= 1, every address it names inside the mapped
 * 4 GiB). Its memory map, module list and command line addresses lead to
 * the runtime's copies of those; module contents are where the builder
 * put them. */
const struct hvm_start_info *runtime_start_info(void);

/* runtime_ram_end: the highest end of any memory map entry (the domain's
 * RAM and what the builder put at its top), not rounded. */
uint64_t runtime_ram_end(void);

/* runtime_cmdline: the whole command line as given, "" if none. */
const char *runtime_cmdline(void);

/* runtime_errno_name: Xen's name of errno value e, positive ("EINVAL",
 * without "XEN_"), "ok" for 0, "?" for one Xen does not have. */
const char *runtime_errno_name(long e);

/* runtime_module_count: how many boot modules start_info listed. */
size_t runtime_module_count(void);

/* runtime_module: module index, or NULL when index >= runtime_module_count(). */
const struct runtime_module *runtime_module(size_t index);
