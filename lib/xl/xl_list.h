/* SPDX-License-Identifier: MIT */
/*
 * xl's list of strings, the form of a config's disk = [...], vif = [...]
 * and pci = [...] values: [ 'one', "two", ... ], strings in single or
 * double quotes with no escapes, separated by commas, a trailing comma
 * allowed, blanks anywhere between; and the one-line reasons the parsers
 * of its items (xl_disk.c, xl_vif.c) give. Pure string work on bounded
 * input; host-tested with xl_disk (tests/unit/xl_disk_test.c) and fuzzed
 * with it.
 */
#pragma once

#include <stdbool.h>
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

/*
 * xl_fail: "WHAT 'VALUE': HINT" (": HINT" only when hint is not empty)
 * into why (cap bytes, NUL-terminated), the value cut to 40 bytes and
 * its unprintable bytes shown as '?'. Returns -XEN_EINVAL.
 */
int xl_fail(char *why, size_t cap, const char *what, const char *value, const char *hint);

/* xl_value_shown: v (NUL-terminated, any bytes) for a message, into dst
 * (cap bytes, at least 1): at most its first 40 bytes, unprintable ones
 * as '?', "..." after them when v is longer and cap has room (a cap of
 * XL_VALUE_SHOWN_MAX has), NUL-terminated. */
#define XL_VALUE_SHOWN_MAX 48 /* holds any, with the NUL */
void xl_value_shown(char *dst, size_t cap, const char *v);

/* xl_domain_name_ok: name is made of letters, digits, '-' and '_' (a
 * domain name as the manifest allows it; "" passes). */
bool xl_domain_name_ok(const char *name);

/* xl_spec_copy: a spec (NUL-terminated, any bytes) into buf (size
 * bytes) for its parser to cut up, and why (cap bytes) emptied; a spec
 * that does not fit is -XEN_EINVAL with "WHAT '...': longer than N
 * bytes" in why. */
int xl_spec_copy(const char *spec, char *buf, size_t size, const char *what, char *why, size_t cap);
