/* SPDX-License-Identifier: MIT */
/*
 * The core's own memory and string routines (core/lib/string.c). The core
 * links no libc; these are the few that portable code may use.
 */
#pragma once

#include <stdarg.h>

#include "core/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* snprintf/vsnprintf: format as log_printf does; always NUL-terminates when
 * n > 0; returns the length the full output would have had. */
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
