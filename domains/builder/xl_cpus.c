/* SPDX-License-Identifier: MIT */
/*
 * xl's CPU lists (xl_cpus.h): parsing and showing a 64-bit mask.
 */
#include "xl_cpus.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A CPU number at *p (below XL_CPUS_MAX), *p moved past it. */
static bool cpu_number(const char **p, unsigned *out)
{
    unsigned v = 0;
    const char *s = *p;

    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned)(*s++ - '0');
        if (v >= XL_CPUS_MAX)
            return false;
    }
    *p = s;
    *out = v;
    return true;
}

/* CPUs lo..hi, both below XL_CPUS_MAX, as a mask. */
static uint64_t range_mask(unsigned lo, unsigned hi)
{
    uint64_t upto_hi = hi == XL_CPUS_MAX - 1 ? ~0ull : (1ull << (hi + 1)) - 1;

    return upto_hi & ~((1ull << lo) - 1);
}

int xl_cpus_parse(const char *text, uint64_t *mask)
{
    const char *p = skip_blanks(text);
    uint64_t m = 0;

    if (!strncmp(p, "all", 3) && !*skip_blanks(p + 3)) {
        *mask = ~0ull;
        return 0;
    }
    for (;;) {
        unsigned lo, hi;
        if (!cpu_number(&p, &lo))
            return -XEN_EINVAL;
        hi = lo;
        p = skip_blanks(p);
        if (*p == '-') {
            p = skip_blanks(p + 1);
            if (!cpu_number(&p, &hi) || hi < lo)
                return -XEN_EINVAL;
            p = skip_blanks(p);
        }
        m |= range_mask(lo, hi);
        if (!*p)
            break;
        if (*p != ',')
            return -XEN_EINVAL;
        p = skip_blanks(p + 1);
    }
    *mask = m;
    return 0;
}

void xl_cpus_format(uint64_t mask, uint64_t online, char *buf, size_t cap)
{
    size_t n = 0;

    if (online && (mask & online) == online) {
        snprintf(buf, cap, "all");
        return;
    }
    if (!mask) {
        snprintf(buf, cap, "none");
        return;
    }
    buf[0] = '\0';
    for (unsigned lo = 0; lo < XL_CPUS_MAX; lo++) {
        unsigned hi = lo;
        int w;
        if (!(mask & (1ull << lo)))
            continue;
        while (hi + 1 < XL_CPUS_MAX && (mask & (1ull << (hi + 1))))
            hi++;
        w = hi == lo ? snprintf(buf + n, cap - n, "%s%u", n ? "," : "", lo)
                     : snprintf(buf + n, cap - n, "%s%u-%u", n ? "," : "", lo, hi);
        if (w < 0 || (size_t)w >= cap - n)
            return; /* cap below XL_CPUS_TEXT_MAX: cut short */
        n += (size_t)w;
        lo = hi;
    }
}
