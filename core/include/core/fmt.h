/* SPDX-License-Identifier: MIT */
/*
 * The core's printf-style formatter. Portable: host tests build it as is.
 * Conversions: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a decimal
 * width, and the length modifiers l, ll, z. Anything else is copied out
 * literally, so a bad format string can never read past its arguments
 * more than the conversions it names.
 */
#pragma once

#include <stdarg.h>

#include "core/types.h"

/*
 * fmt_vsnprintf: format into buf (n bytes, always NUL-terminated when
 * n > 0). Returns the length the whole output would have had.
 */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
