/* SPDX-License-Identifier: MIT */
/*
 * xl's CPULIST (xl_cpus.h), read item by item as xl's parse_cpurange
 * does, without copying the list: an item is the bytes up to the next
 * comma.
 */
#include "xl_cpus.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "xl_list.h"

#define ITEM_SHOWN_MAX 40 /* an item's bytes quoted in a reason */

/* The reason for a bad item: "ITEM: HINT", the item cut and made printable. */
static int bad_item(char *why, size_t cap, const char *item, size_t len, const char *hint)
{
    char shown[ITEM_SHOWN_MAX + 1];

    if (len > ITEM_SHOWN_MAX)
        len = ITEM_SHOWN_MAX;
    memcpy(shown, item, len);
    shown[len] = '\0';
    return xl_fail(why, cap, "item", shown, hint);
}

/* Decimal digits at *s (len bytes left), a CPU number below
 * XL_CPUS_MAX; *s and *len move past them. */
static bool cpu_number(const char **s, size_t *len, unsigned *cpu)
{
    unsigned n = 0;
    size_t i = 0;

    for (; i < *len && (*s)[i] >= '0' && (*s)[i] <= '9'; i++) {
        n = n * 10 + (unsigned)((*s)[i] - '0');
        if (n >= XL_CPUS_MAX)
            return false;
    }
    if (i == 0)
        return false;
    *cpu = n;
    *s += i;
    *len -= i;
    return true;
}

/* CPUs first..last as a mask (first <= last < XL_CPUS_MAX). */
static uint64_t cpu_range(unsigned first, unsigned last)
{
    uint64_t upto = last == XL_CPUS_MAX - 1 ? ~0ull : (1ull << (last + 1)) - 1;

    return upto & ~((1ull << first) - 1);
}

/* One item (len bytes, blanks dropped) applied to *mask and *named. */
static int apply(const char *item, size_t len, uint64_t *mask, uint64_t *named, char *why, size_t cap)
{
    const char *s = item;
    size_t left = len;
    bool taken_out = left && *s == '^';
    unsigned first, last;
    uint64_t cpus;

    if (taken_out)
        s++, left--;
    if ((left >= 5 && !memcmp(s, "node:", 5)) || (left >= 6 && !memcmp(s, "nodes:", 6)))
        return bad_item(why, cap, item, len, "NUMA nodes are not taken: Mosaic places no memory by node; name CPUs");
    if (left == 3 && !memcmp(s, "all", 3)) {
        if (taken_out)
            return bad_item(why, cap, item, len, "'^' and 'all' do not combine (as in xl)");
        *mask = ~0ull;
        return 0;
    }
    if (!cpu_number(&s, &left, &first))
        return bad_item(why, cap, item, len, "want all, N or N-M with CPU numbers 0 to 63, maybe after '^'");
    last = first;
    if (left && *s == '-') {
        s++, left--;
        if (!cpu_number(&s, &left, &last) || last < first)
            return bad_item(why, cap, item, len, "want N-M with N <= M, CPU numbers 0 to 63");
    }
    if (left)
        return bad_item(why, cap, item, len, "want all, N or N-M with CPU numbers 0 to 63, maybe after '^'");
    cpus = cpu_range(first, last);
    if (taken_out) {
        *mask &= ~cpus;
    } else {
        *mask |= cpus;
        *named |= cpus;
    }
    return 0;
}

int xl_cpus_parse(const char *list, uint64_t *mask, uint64_t *named, char *why, size_t cap)
{
    const char *s = list;
    int r;

    if (cap)
        why[0] = '\0';
    *mask = *named = 0;
    for (;;) {
        size_t len = strcspn(s, ","), start = 0, end = len;

        while (start < end && (s[start] == ' ' || s[start] == '\t'))
            start++;
        while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        if (end > start && (r = apply(s + start, end - start, mask, named, why, cap)) != 0)
            return r;
        if (!s[len])
            break;
        s += len + 1;
    }
    if (!*mask)
        return xl_fail(why, cap, "list", list, "leaves no CPU to run on");
    return 0;
}
