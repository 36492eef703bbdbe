/* SPDX-License-Identifier: MIT */
/*
 * Parsing the boot manifest (format in manifest.h). Input comes from a
 * boot module: bounded, never trusted to be NUL-terminated or sane.
 */
#include "manifest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 512

static void trim(char *s)
{
    size_t n = strlen(s);
    char *start = s;

    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (*start && isspace((unsigned char)*start))
        start++;
    memmove(s, start, strlen(start) + 1);
}

static bool parse_uint(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long n;

    if (!isdigit((unsigned char)*v))
        return false;
    n = strtoull(v, &end, 10);
    if (*end || n > max)
        return false;
    *out = n;
    return true;
}

/* "all", "N" or "N-M" (CPU indexes below 64). */
static bool parse_cpus(const char *v, uint64_t *mask)
{
    uint64_t lo, hi;
    char a[16], b[16];
    const char *dash = strchr(v, '-');

    if (!strcmp(v, "all")) {
        *mask = ~0ull;
        return true;
    }
    if (!dash)
        return parse_uint(v, 63, &lo) && (*mask = 1ull << lo, true);
    if ((size_t)(dash - v) >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
        return false;
    memcpy(a, v, (size_t)(dash - v));
    a[dash - v] = '\0';
    strcpy(b, dash + 1);
    if (!parse_uint(a, 63, &lo) || !parse_uint(b, 63, &hi) || lo > hi)
        return false;
    *mask = (hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1) & ~((1ull << lo) - 1);
    return true;
}

static void report(struct manifest *m, unsigned line, const char *what, const char *detail)
{
    printf("builder: manifest:%u: %s%s%s\n", line, what, *detail ? ": " : "", detail);
    m->errors++;
}

/* An error inside the current section: that domain will not be built. */
static void error(struct manifest *m, unsigned line, const char *what, const char *detail)
{
    report(m, line, what, detail);
    if (m->count)
        m->dom[m->count - 1].valid = false;
}

static bool copy_text(char *dst, size_t n, const char *v)
{
    if (strlen(v) >= n)
        return false;
    strcpy(dst, v);
    return true;
}

/* One "key = value" line inside a section. */
static void parse_key(struct manifest *m, unsigned line, const char *key, const char *val)
{
    struct manifest_domain *d = &m->dom[m->count - 1];
    uint64_t n = 0;
    bool ok;

    if (!strcmp(key, "image"))
        ok = *val && copy_text(d->image, sizeof(d->image), val);
    else if (!strcmp(key, "cmdline"))
        ok = copy_text(d->cmdline, sizeof(d->cmdline), val);
    else if (!strcmp(key, "memory"))
        ok = parse_uint(val, 1u << 20, &n) && n >= 1 && (d->memory_mib = n, true);
    else if (!strcmp(key, "vcpus"))
        ok = parse_uint(val, 8, &n) && n >= 1 && (d->vcpus = (unsigned)n, true);
    else if (!strcmp(key, "weight"))
        ok = parse_uint(val, 65535, &n) && n >= 1 && (d->weight = (unsigned)n, true);
    else if (!strcmp(key, "cap"))
        ok = parse_uint(val, 800, &n) && (d->cap = (unsigned)n, true);
    else if (!strcmp(key, "cpus"))
        ok = parse_cpus(val, &d->cpumask);
    else if (!strcmp(key, "on_crash")) {
        ok = true;
        if (!strcmp(val, "destroy"))
            d->on_crash = ON_CRASH_DESTROY;
        else if (!strcmp(val, "restart"))
            d->on_crash = ON_CRASH_RESTART;
        else if (!strcmp(val, "preserve"))
            d->on_crash = ON_CRASH_PRESERVE;
        else
            ok = false;
    } else {
        error(m, line, "unknown key", key);
        return;
    }
    if (!ok) {
        char what[64];
        snprintf(what, sizeof(what), "bad value for '%s'", key);
        error(m, line, what, val);
    }
}

static void start_section(struct manifest *m, unsigned line, char *s)
{
    size_t n = strlen(s);
    struct manifest_domain *d;

    /* A refused header starts no domain: the keys below it must not reach
     * the previous one, nor a refusal mark that one invalid. */
    m->skipping = true;
    if (n < 3 || s[n - 1] != ']' || n - 2 >= MANIFEST_NAME_MAX) {
        report(m, line, "bad section header (want [name], name under 32 characters), section skipped", s);
        return;
    }
    if (m->count == MANIFEST_MAX_DOMAINS) {
        report(m, line, "too many domains, section skipped", s);
        return;
    }
    m->skipping = false;
    d = &m->dom[m->count++];
    memset(d, 0, sizeof(*d));
    memcpy(d->name, s + 1, n - 2);
    d->vcpus = 1;
    d->weight = 256;
    d->cpumask = ~0ull;
    d->line = line;
    d->valid = true;
    for (const char *p = d->name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            error(m, line, "domain names use letters, digits, '-' and '_'", d->name);
}

static void parse_line(struct manifest *m, unsigned line, char *s)
{
    char *hash = strchr(s, '#'), *eq;

    if (hash)
        *hash = '\0';
    trim(s);
    if (!*s)
        return;
    if (*s == '[') {
        start_section(m, line, s);
        return;
    }
    if (m->skipping)
        return;
    if (!m->count) {
        report(m, line, "a key outside any [domain] section", s);
        return;
    }
    eq = strchr(s, '=');
    if (!eq) {
        error(m, line, "expected 'key = value'", s);
        return;
    }
    *eq = '\0';
    trim(s);
    trim(eq + 1);
    parse_key(m, line, s, eq + 1);
}

static void check_complete(struct manifest *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        struct manifest_domain *d = &m->dom[i];
        if (d->valid && !d->image[0]) {
            report(m, d->line, "domain has no 'image'", d->name);
            d->valid = false;
        }
        if (d->valid && !d->memory_mib) {
            report(m, d->line, "domain has no 'memory'", d->name);
            d->valid = false;
        }
    }
}

void manifest_parse(const char *text, size_t len, struct manifest *m)
{
    char line[LINE_MAX_LEN];
    unsigned lineno = 1;
    size_t pos = 0;

    memset(m, 0, sizeof(*m));
    while (pos < len) {
        size_t n = 0;
        bool too_long = false;
        while (pos < len && text[pos] != '\n') {
            if (n + 1 < sizeof(line))
                line[n++] = text[pos];
            else
                too_long = true;
            pos++;
        }
        pos++; /* the newline */
        line[n] = '\0';
        if (too_long || memchr(line, '\0', n))
            report(m, lineno, "line too long or not text", "");
        else
            parse_line(m, lineno, line);
        lineno++;
    }
    check_complete(m);
}
