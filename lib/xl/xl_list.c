/* SPDX-License-Identifier: MIT */
/*
 * xl's list of strings (xl_list.h). Two passes over the same scanner:
 * the first only checks, so that a bad list hands its caller nothing.
 * And the reasons its items' parsers give.
 */
#include "xl_list.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

static const char *blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* One pass: checks v, and hands each item to item() when it is given. */
static int scan(const char *v, int (*item)(void *ctx, const char *s), void *ctx, char *why, size_t cap)
{
    char buf[XL_LIST_ITEM_MAX + 1];
    const char *s = blanks(v);

    if (*s++ != '[') {
        snprintf(why, cap, "not a list: want [ 'item', ... ]");
        return -XEN_EINVAL;
    }
    for (unsigned n = 1;; n++) {
        const char *end;
        size_t len;
        int r;

        s = blanks(s);
        if (*s == ']')
            break;
        if (*s != '\'' && *s != '"') {
            snprintf(why, cap, "item %u of the list is not a quoted string", n);
            return -XEN_EINVAL;
        }
        end = strchr(s + 1, *s);
        if (!end) {
            snprintf(why, cap, "item %u of the list has no closing quote", n);
            return -XEN_EINVAL;
        }
        len = (size_t)(end - s - 1);
        if (len > XL_LIST_ITEM_MAX || memchr(s + 1, '\\', len)) {
            snprintf(why, cap, "item %u of the list is longer than %u bytes or has a backslash", n, XL_LIST_ITEM_MAX);
            return -XEN_EINVAL;
        }
        if (item) {
            memcpy(buf, s + 1, len);
            buf[len] = '\0';
            if ((r = item(ctx, buf)) != 0)
                return r;
        }
        s = blanks(end + 1);
        if (*s == ',')
            s++;
        else if (*s != ']') {
            snprintf(why, cap, "after item %u of the list: want ',' or ']'", n);
            return -XEN_EINVAL;
        }
    }
    if (*blanks(s + 1)) {
        snprintf(why, cap, "text after the list's ']'");
        return -XEN_EINVAL;
    }
    return 0;
}

int xl_list_parse(const char *v, int (*item)(void *ctx, const char *s), void *ctx, char *why, size_t cap)
{
    int r;

    if (cap)
        why[0] = '\0';
    if ((r = scan(v, NULL, NULL, why, cap)) != 0)
        return r;
    return scan(v, item, ctx, why, cap);
}

void xl_value_shown(char *dst, size_t cap, const char *v)
{
    size_t n = 0;

    for (; *v && n + 1 < cap && n < 40; v++)
        dst[n++] = *v >= 0x20 && *v < 0x7f ? *v : '?';
    if (*v && n + 4 < cap)
        memcpy(dst + n, "...", 3), n += 3;
    dst[n] = '\0';
}

int xl_fail(char *why, size_t cap, const char *what, const char *value, const char *hint)
{
    char v[48];

    xl_value_shown(v, sizeof(v), value);
    snprintf(why, cap, "%s '%s'%s%s", what, v, *hint ? ": " : "", hint);
    return -XEN_EINVAL;
}

bool xl_domain_name_ok(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_'))
            return false;
    return true;
}

int xl_spec_copy(const char *spec, char *buf, size_t size, const char *what, char *why, size_t cap)
{
    const char *end = memchr(spec, '\0', size); /* ISO C's strnlen */
    size_t n = end ? (size_t)(end - spec) : size;
    char hint[40];

    if (cap)
        why[0] = '\0';
    if (n == size) {
        snprintf(hint, sizeof(hint), "longer than %zu bytes", size - 1);
        return xl_fail(why, cap, what, spec, hint);
    }
    memcpy(buf, spec, n + 1);
    return 0;
}
