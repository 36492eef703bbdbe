/* SPDX-License-Identifier: MIT */
/*
 * xl's list of strings, the form of a config's disk = [...], vif = [...]
 * and pci = [...] values: [ 'one', "two", ... ], strings in single or
 * double quotes with no escapes, separated by commas, a trailing comma
 * allowed, blanks anywhere between. Pure string work on bounded input;
 * host-tested with xl_disk (tests/unit/xl_disk_test.c) and fuzzed with it.
 */
#pragma once

#include <stddef.h>

#define XL_LIST_ITEM_MAX 256 /* an item's bytes, without the NUL */

/*
 * xl_list_parse: calls item(ctx, s) for each string of the list v (s a
 * NUL-terminated copy), in order, and stops at the first nonzero value it
 * returns, which it returns. A list that is not xl's form, or an item
 * longer than XL_LIST_ITEM_MAX or with a backslash in it, is
 * -XEN_EINVAL with a one-line reason in why (cap bytes, NUL-terminated),
 * found before any item is handed over.
 */
int xl_list_parse(const char *v, int (*item)(void *ctx, const char *s), void *ctx, char *why, size_t cap);
