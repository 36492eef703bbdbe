/* SPDX-License-Identifier: MIT */
/* xl's memory size (xl_mem.h). */
#include "xl_mem.h"

#include <string.h>

int xl_mem_size_kib(const char *s, uint64_t *kib)
{
    size_t digits = strspn(s, "0123456789");
    uint64_t v = 0;
    unsigned shift;

    if (digits == 0 || digits > 12 || strlen(s) > digits + 1)
        return -1;
    for (size_t i = 0; i < digits; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    switch (s[digits] ? s[digits] | 0x20 : 'm') { /* lower case; none is MiB */
    case 'b': v >>= 10, shift = 0; break;
    case 'k': shift = 0; break;
    case 'm': shift = 10; break;
    case 'g': shift = 20; break;
    case 't': shift = 30; break;
    default: return -1;
    }
    if (v == 0 || v > XL_MEM_KIB_MAX >> shift)
        return -1;
    *kib = v << shift;
    return 0;
}
