/* SPDX-License-Identifier: MIT */
/*
 * The core's boot options: a space-separated line of "key" and "key=value"
 * from the loader. Portable (host-tested). The core reads only its own
 * operational and test options; domain configuration is the builder's.
 */
#pragma once

#include "core/types.h"

/* cmdline_find: true when key is present; *val and *len give its value
 * (length 0 for a bare key). The last occurrence wins. */
bool cmdline_find(const char *cmdline, const char *key, const char **val, size_t *len);

/* cmdline_uint: 0 and *out set when key=<decimal> is present; -ERR_NOENT
 * when absent; -ERR_INVAL (one log line) when the value is not a number. */
int cmdline_uint(const char *cmdline, const char *key, uint64_t *out);

/* cmdline_is: true when key is present with exactly this value. */
bool cmdline_is(const char *cmdline, const char *key, const char *value);

/* cmdline_warn_unknown: log one warning per key not in known[]; returns
 * how many there were. */
unsigned cmdline_warn_unknown(const char *cmdline, const char *const *known, size_t nknown);
