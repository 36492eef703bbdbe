/* SPDX-License-Identifier: MIT */
/*
 * The management key file (key.h): parse and write. Strict on purpose:
 * a key file that is not exactly what key_format writes (comments and
 * blank lines aside) is refused with the line and the reason, never
 * half-read.
 */
#include "key.h"

#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

int key_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool identity_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '@' || c == '-';
}

bool key_identity_ok(const char *id, size_t n)
{
    if (n == 0 || n > KEY_IDENTITY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!identity_char(id[i]))
            return false;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One line, without its newline: a word, blanks, a value, optional blanks
 * and comment. 0, or -XEN_EINVAL with why filled. */
static int parse_line(const char *s, size_t n, unsigned lineno, struct key *out, bool *have_id, bool *have_key,
                      char *why, size_t why_cap)
{
    size_t i = 0, w, v, ve;

    while (i < n && is_blank(s[i]))
        i++;
    if (i == n || s[i] == '#')
        return 0;
    for (w = i; i < n && !is_blank(s[i]) && s[i] != '#'; i++)
        ;
    size_t wlen = i - w;
    while (i < n && is_blank(s[i]))
        i++;
    for (v = i; i < n && !is_blank(s[i]) && s[i] != '#'; i++)
        ;
    ve = i;
    while (i < n && is_blank(s[i]))
        i++;
    if (i < n && s[i] != '#') {
        snprintf(why, why_cap, "line %u: more than one value", lineno);
        return -XEN_EINVAL;
    }
    if (wlen == 8 && !memcmp(s + w, "identity", 8)) {
        if (*have_id) {
            snprintf(why, why_cap, "line %u: a second identity", lineno);
            return -XEN_EINVAL;
        }
        if (!key_identity_ok(s + v, ve - v)) {
            snprintf(why, why_cap, "line %u: the identity must be 1 to %u of A-Z a-z 0-9 . _ @ -", lineno,
                     KEY_IDENTITY_MAX);
            return -XEN_EINVAL;
        }
        memcpy(out->identity, s + v, ve - v);
        out->identity[ve - v] = '\0';
        *have_id = true;
        return 0;
    }
    if (wlen == 3 && !memcmp(s + w, "key", 3)) {
        if (*have_key) {
            snprintf(why, why_cap, "line %u: a second key", lineno);
            return -XEN_EINVAL;
        }
        if (ve - v != 2 * KEY_BYTES) {
            snprintf(why, why_cap, "line %u: the key must be %u hex digits", lineno, 2 * KEY_BYTES);
            return -XEN_EINVAL;
        }
        for (size_t k = 0; k < KEY_BYTES; k++) {
            int hi = key_hex_value(s[v + 2 * k]), lo = key_hex_value(s[v + 2 * k + 1]);
            if (hi < 0 || lo < 0) {
                snprintf(why, why_cap, "line %u: the key must be %u hex digits", lineno, 2 * KEY_BYTES);
                return -XEN_EINVAL;
            }
            out->secret[k] = (uint8_t)(hi << 4 | lo);
        }
        *have_key = true;
        return 0;
    }
    snprintf(why, why_cap, "line %u: unknown word (expected 'identity' or 'key')", lineno);
    return -XEN_EINVAL;
}

static int refuse(struct key *out, int r)
{
    memset(out, 0, sizeof(*out));
    return r;
}

int key_parse(const char *text, size_t len, struct key *out, char *why, size_t why_cap)
{
    bool have_id = false, have_key = false;
    unsigned lineno = 1;
    size_t start = 0;

    memset(out, 0, sizeof(*out));
    why[0] = '\0';
    if (len > KEY_TEXT_MAX) {
        snprintf(why, why_cap, "longer than %u bytes", KEY_TEXT_MAX);
        return refuse(out, -XEN_EINVAL);
    }
    if (memchr(text, '\0', len)) {
        snprintf(why, why_cap, "a NUL byte: not a key file");
        return refuse(out, -XEN_EINVAL);
    }
    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        int r = parse_line(text + start, end - start, lineno, out, &have_id, &have_key, why, why_cap);
        if (r)
            return refuse(out, r);
        start = end + 1;
        lineno++;
    }
    if (!have_id || !have_key) {
        snprintf(why, why_cap, "no %s line", have_id ? "key" : "identity");
        return refuse(out, -XEN_EINVAL);
    }
    return 0;
}

int key_format(const struct key *k, char *out, size_t cap)
{
    char hex[2 * KEY_BYTES + 1];
    int n;

    if (!key_identity_ok(k->identity, strnlen(k->identity, sizeof(k->identity))))
        return -XEN_EINVAL;
    for (size_t i = 0; i < KEY_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", k->secret[i]);
    n = snprintf(out, cap,
                 "# Mosaic's management key: mosaic authenticates to the control domain with it.\n"
                 "# Keep it secret (mode 0600); the boot hands the same file to the control domain.\n"
                 "identity %s\n"
                 "key %s\n",
                 k->identity, hex);
    if (n < 0 || (size_t)n >= cap)
        return -XEN_ENOSPC;
    return n;
}
