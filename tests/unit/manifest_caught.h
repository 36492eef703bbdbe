/* SPDX-License-Identifier: MIT */
/*
 * The builder's manifest parsed on the host with what it prints caught,
 * for the tests of its keys (xl_disk_test.c, xl_vif_test.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

/* manifest_caught: manifest_parse(text) into *m, then, when bits is not
 * NULL, manifest_draw_macs(m, bits, ctx); what they print goes to out
 * (cap bytes, NUL-terminated), not to stdout. */
void manifest_caught(const char *text, struct manifest *m, uint64_t (*bits)(void *ctx), void *ctx, char *out,
                     size_t cap);

/* manifest_refuses: head (two sections) then key_line must give exactly
 * one error, printed as one line containing needle, with the second
 * section not built and the first built; else a test failure at
 * file:line. */
void manifest_refuses(const char *head, const char *key_line, const char *needle, const char *file, int line);
