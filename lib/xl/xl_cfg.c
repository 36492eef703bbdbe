/* SPDX-License-Identifier: MIT */
/*
 * An xl config file (xl_cfg.h): libxlu's grammar over xl_lex's tokens,
 * one setting at a time, each value handed to its key (xl_cfg_keys.c)
 * as it is read; then the defaults and checks that span keys, in xl's
 * terms; and the check against a machine. The text is untrusted: every
 * loop is bounded by it, nesting by XL_NEST_MAX.
 */
#include "xl_cfg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "xl_cfg_priv.h"
#include "xl_list.h"

#define XL_NEST_MAX 8   /* lists in lists (xl allows them; no key of Mosaic's takes one) */
#define FILE_SHOWN  100 /* the file name's last bytes a message gives */
#define SYNTAX      "syntax"

/* ---- messages ---- */

/* "FILE:LINE: FIELD: " then fmt into dst: the file name's last FILE_SHOWN
 * bytes, unprintable ones as '?'. */
__attribute__((format(printf, 6, 0))) static void message(char *dst, size_t cap, const char *file, unsigned line,
                                                          const char *field, const char *fmt, va_list ap)
{
    char shown[FILE_SHOWN + 4];
    size_t n = strlen(file), k = 0, at;

    if (!cap)
        return;
    if (n > FILE_SHOWN) {
        memcpy(shown, "...", 3);
        k = 3;
        file += n - FILE_SHOWN;
    }
    for (; *file; file++)
        shown[k++] = *file >= 0x20 && *file < 0x7f ? *file : '?';
    shown[k] = '\0';
    snprintf(dst, cap, "%s:%u: %s: ", shown, line, field);
    at = strlen(dst);
    if (at < cap)
        vsnprintf(dst + at, cap - at, fmt, ap);
}

int xl_cfg_fail(struct xl_parse *p, unsigned line, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!p->msgs->error[0]) {
        va_start(ap, fmt);
        message(p->msgs->error, sizeof(p->msgs->error), p->file, line, field, fmt, ap);
        va_end(ap);
    }
    return -XEN_EINVAL;
}

void xl_cfg_warn(struct xl_parse *p, unsigned line, const char *field, const char *fmt, ...)
{
    struct xl_cfg_msgs *m = p->msgs;
    va_list ap;

    if (m->nr_warnings == XL_CFG_WARNINGS_MAX) {
        m->warnings_dropped++;
        return;
    }
    va_start(ap, fmt);
    message(m->warnings[m->nr_warnings++], sizeof(m->warnings[0]), p->file, line, field, fmt, ap);
    va_end(ap);
}

/* What a token is, for "expected X, found Y". */
static const char *found(const struct xl_parse *p, enum xl_tok t, char *buf, size_t cap)
{
    static const char *const names[] = {
        [XL_TOK_END] = "the end of the file",
        [XL_TOK_NEWLINE] = "the end of the line",
        [XL_TOK_SEMI] = "';'",
        [XL_TOK_COMMA] = "','",
        [XL_TOK_OPEN] = "'['",
        [XL_TOK_CLOSE] = "']'",
        [XL_TOK_EQ] = "'='",
        [XL_TOK_ADD] = "'+='",
    };
    char shown[XL_VALUE_SHOWN_MAX];

    if (t < XL_TOK_WORD)
        return names[t];
    xl_value_shown(shown, sizeof(shown), p->lex.tok);
    snprintf(buf, cap, t == XL_TOK_STRING ? "the string '%s'" : "'%s'", shown);
    return buf;
}

/* The error for token t where want was expected; the lexer's own reason
 * for XL_TOK_ERROR. */
static int unexpected(struct xl_parse *p, enum xl_tok t, const char *want)
{
    char buf[XL_VALUE_SHOWN_MAX + 16];

    if (t == XL_TOK_ERROR)
        return xl_cfg_fail(p, p->lex.tok_line, p->field, "%s", p->lex.why);
    return xl_cfg_fail(p, p->lex.tok_line, p->field, "expected %s, found %s", want, found(p, t, buf, sizeof(buf)));
}

/* ---- values ---- */

/* A single value for the setting's key (none: a key not taken). */
static int atom(struct xl_parse *p)
{
    const struct xl_cfg_key *k = p->key;
    const char *v = p->lex.tok;
    size_t old, add;

    if (!k)
        return 0;
    if (k->kind == XL_KIND_LIST)
        return xl_cfg_fail(p, p->lex.tok_line, p->field, "want a list [ 'spec', ... ], even of one");
    if (p->append && k->kind == XL_KIND_NUMBER)
        return xl_cfg_fail(p, p->lex.tok_line, p->field, "+= does not add to a number (nor in xl)");
    if (p->append && k->kind == XL_KIND_CPUS && p->cpus_list)
        return xl_cfg_fail(p, p->lex.tok_line, p->field, "+= cannot add a string to a list (nor in xl)");
    if (p->append && k->kind != XL_KIND_TEXT)
        return xl_cfg_fail(p, p->lex.tok_line, p->field, "+= is taken for text keys and lists: give the whole value");
    if (p->append) {
        /* xl joins the two strings: the key checks the result */
        old = strlen((const char *)p->cfg + k->offset);
        add = p->lex.tok_len;
        if (old + add >= sizeof(p->joined))
            return xl_cfg_fail(p, p->lex.tok_line, p->field, "longer than %zu bytes with what += adds",
                               sizeof(p->joined) - 1);
        memcpy(p->joined, (const char *)p->cfg + k->offset, old);
        memcpy(p->joined + old, v, add + 1);
        v = p->joined;
    }
    return k->value(p, v);
}

/* The next token that is not a line end (lists go on over lines). */
static enum xl_tok next_in_list(struct xl_parse *p)
{
    enum xl_tok t;

    while ((t = xl_lex_next(&p->lex)) == XL_TOK_NEWLINE)
        continue;
    return t;
}

/* A list, after its '[': items of the setting's key at depth 1, nested
 * lists (for keys not taken) read and dropped. */
static int list(struct xl_parse *p, unsigned depth)
{
    const struct xl_cfg_key *k = depth == 1 ? p->key : NULL;
    unsigned opened = p->lex.tok_line;
    char want[96];
    enum xl_tok t;
    int r;

    if (depth > XL_NEST_MAX)
        return xl_cfg_fail(p, opened, p->field, "lists nested deeper than %d", XL_NEST_MAX);
    if (k && k->kind != XL_KIND_LIST && k->kind != XL_KIND_CPUS)
        return xl_cfg_fail(p, opened, p->field, "want a single value, not a list");
    if (k && p->append && k->kind == XL_KIND_CPUS && !p->cpus_list)
        return xl_cfg_fail(p, opened, p->field, "+= cannot add a list to a string (nor in xl)");
    if (k && !p->append)
        k->reset(p);
    for (unsigned n = 1;; n++) {
        if ((t = next_in_list(p)) == XL_TOK_CLOSE)
            return 0;
        snprintf(want, sizeof(want), "item %u or ']' (the list opened on line %u)", n, opened);
        if (t == XL_TOK_OPEN && !k)
            r = list(p, depth + 1);
        else if (t == XL_TOK_OPEN)
            r = xl_cfg_fail(p, p->lex.tok_line, p->field, "item %u is a list: want a string", n);
        else if (t == XL_TOK_STRING || t == XL_TOK_NUMBER)
            r = k ? k->item(p, p->lex.tok) : 0;
        else
            r = unexpected(p, t, want);
        if (r)
            return r;
        if ((t = next_in_list(p)) == XL_TOK_CLOSE)
            return 0;
        snprintf(want, sizeof(want), "',' or ']' after item %u (the list opened on line %u)", n, opened);
        if (t != XL_TOK_COMMA)
            return unexpected(p, t, want);
    }
}

/* The key (one taken, in p->key) and its operator are read. */
static void begin(struct xl_parse *p, unsigned line, bool append)
{
    unsigned *last = &p->cfg->line[p->key->field];

    if (*last && !append)
        xl_cfg_warn(p, line, p->field, "given again (line %u before): the last one counts, as in xl", *last);
    p->append = append && *last; /* += onto nothing is = */
    *last = line;
}

/* xl's key syntax: [a-z][._0-9a-z]* */
static bool key_ok(const char *s)
{
    if (*s < 'a' || *s > 'z')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return false;
    return true;
}

/* One setting, from its key (the word just read) to its end. */
static int setting(struct xl_parse *p)
{
    static const char key_form[] = "lower-case letters, digits, '_' and '.', from a letter";
    unsigned line = p->lex.tok_line;
    enum xl_tok t;
    int r;

    memcpy(p->key_text, p->lex.tok, p->lex.tok_len + 1);
    p->field = p->key_text;
    if (!key_ok(p->key_text))
        return xl_cfg_fail(p, line, p->field, "not a key: xl's are %s", key_form);
    if ((t = xl_lex_next(&p->lex)) != XL_TOK_EQ && t != XL_TOK_ADD)
        return unexpected(p, t, "'=' or '+=' after the key");
    p->key = xl_cfg_key_find(p->key_text);
    if (!p->key)
        xl_cfg_warn(p, line, p->field,
                    xl_cfg_key_of_xl(p->key_text) ? "xl's key, not carried out by Mosaic, ignored"
                                                  : "unknown key, ignored");
    else
        begin(p, line, t == XL_TOK_ADD);
    t = xl_lex_next(&p->lex);
    if (t == XL_TOK_STRING || t == XL_TOK_NUMBER)
        r = atom(p);
    else if (t == XL_TOK_OPEN)
        r = list(p, 1);
    else if (t == XL_TOK_WORD) /* xl takes no bare word as a value */
        r = xl_cfg_fail(p, p->lex.tok_line, p->field, "the value must be quoted: write \"%s\"", p->lex.tok);
    else
        r = unexpected(p, t, "a value: a quoted string, a number or a list [ ... ]");
    if (r)
        return r;
    if ((t = xl_lex_next(&p->lex)) != XL_TOK_NEWLINE && t != XL_TOK_SEMI && t != XL_TOK_END)
        return unexpected(p, t, "the end of the line or ';' after the value");
    return 0;
}

static int settings(struct xl_parse *p)
{
    enum xl_tok t;
    int r;

    for (;;) {
        p->key = NULL;
        p->key_text[0] = '\0';
        p->field = SYNTAX;
        t = xl_lex_next(&p->lex);
        if (t == XL_TOK_END)
            return 0;
        if (t == XL_TOK_NEWLINE || t == XL_TOK_SEMI)
            continue;
        if (t != XL_TOK_WORD)
            return unexpected(p, t, "a key");
        if ((r = setting(p)) != 0)
            return r;
    }
}

/* ---- after the file: defaults and checks across keys ---- */

/* A key's line, or the file's end for one not given. */
static unsigned line_of(const struct xl_cfg *cfg, enum xl_cfg_field f)
{
    return cfg->line[f] ? cfg->line[f] : cfg->end_line;
}

/* memory and maxmem default to each other (32 MiB both, as libxl, when
 * neither is given); memory may not exceed maxmem (xl.cfg(5)). */
static int memory_checks(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;
    unsigned lm = c->line[XL_CFG_MEMORY], lx = c->line[XL_CFG_MAXMEM];

    if (!lm && !lx)
        c->memory_mib = c->maxmem_mib = XL_CFG_MEMORY_DEF;
    else if (!lm)
        c->memory_mib = c->maxmem_mib;
    else if (!lx)
        c->maxmem_mib = c->memory_mib;
    if (c->memory_mib <= c->maxmem_mib)
        return 0;
    if (lx > lm)
        return xl_cfg_fail(p, lx, "maxmem", "%llu MiB is less than memory's %llu MiB (line %u)",
                           (unsigned long long)c->maxmem_mib, (unsigned long long)c->memory_mib, lm);
    return xl_cfg_fail(p, lm, "memory", "%llu MiB is more than maxmem's %llu MiB (line %u)",
                       (unsigned long long)c->memory_mib, (unsigned long long)c->maxmem_mib, lx);
}

/* vcpus defaults to 1 and maxvcpus to vcpus; vcpus may not exceed
 * maxvcpus (xl: "maxvcpus < vcpus"). */
static int vcpu_checks(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;
    unsigned lv = c->line[XL_CFG_VCPUS], lx = c->line[XL_CFG_MAXVCPUS];

    if (!lv)
        c->vcpus = 1;
    if (!lx)
        c->maxvcpus = c->vcpus;
    if (c->vcpus <= c->maxvcpus)
        return 0;
    if (lx > lv)
        return xl_cfg_fail(p, lx, "maxvcpus", "%u is less than vcpus' %u (line %u)", c->maxvcpus, c->vcpus, lv);
    return xl_cfg_fail(p, lv, "vcpus", "%u is more than maxvcpus' %u (line %u)", c->vcpus, c->maxvcpus, lx);
}

/* A cap above 100 per vCPU the domain has could never bind (and
 * MGMT_DOMAIN_SCHED refuses one above 800, 100 per vCPU a domain may
 * have). */
static int cap_check(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;
    enum xl_cfg_field by = c->line[XL_CFG_MAXVCPUS] ? XL_CFG_MAXVCPUS : XL_CFG_VCPUS;
    unsigned lc = c->line[XL_CFG_CAP], lb = c->line[by];

    if (c->cap <= 100 * c->maxvcpus)
        return 0;
    if (lb > lc)
        return xl_cfg_fail(p, lb, xl_cfg_field_name(by), "%u vCPUs allow a cap of at most %u, and cap is %u (line %u)",
                           c->maxvcpus, 100 * c->maxvcpus, c->cap, lc);
    if (!lb)
        return xl_cfg_fail(p, lc, "cap", "%u is more than 100 per vCPU, and the domain has 1 (by default)", c->cap);
    return xl_cfg_fail(p, lc, "cap", "%u is more than 100 per vCPU, and the domain has %u (%s, line %u)", c->cap,
                       c->maxvcpus, xl_cfg_field_name(by), lb);
}

/* A cpus list's entries past the domain's vCPUs are dropped, as xl does
 * (with a warning here); the CPUs it names are those of the rest. */
static void cpus_list_check(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;

    if (!p->cpus_list)
        return;
    if (p->cpus_entries > c->maxvcpus) {
        xl_cfg_warn(p, c->line[XL_CFG_CPUS], "cpus", "%u entries for %u vCPUs: the last %u ignored, as in xl",
                    p->cpus_entries, c->maxvcpus, p->cpus_entries - c->maxvcpus);
        c->nr_vcpu_cpumasks = c->maxvcpus;
    }
    c->cpus_named = 0;
    for (unsigned v = 0; v < c->nr_vcpu_cpumasks; v++)
        c->cpus_named |= p->cpus_entry_named[v];
}

/* The kernel's command line as xl makes it: cmdline if given (root and
 * extra then ignored), else "root=ROOT EXTRA", "root=ROOT" or EXTRA. */
static int cmdline(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;
    unsigned lr = c->line[XL_CFG_ROOT], le = c->line[XL_CFG_EXTRA];
    int n;

    if (c->line[XL_CFG_CMDLINE]) {
        if (lr || le)
            xl_cfg_warn(p, c->line[XL_CFG_CMDLINE], "cmdline", "root and extra ignored in favour of cmdline, as in xl");
        return 0;
    }
    if (lr)
        n = snprintf(c->cmdline, sizeof(c->cmdline), "root=%s%s%s", c->root, le ? " " : "", le ? c->extra : "");
    else
        n = snprintf(c->cmdline, sizeof(c->cmdline), "%s", c->extra);
    if (n >= 0 && (size_t)n < sizeof(c->cmdline))
        return 0;
    c->cmdline[0] = '\0';
    return xl_cfg_fail(p, lr > le ? lr : le, lr > le ? "root" : "extra",
                       "root= and extra make a command line longer than %zu bytes", sizeof(c->cmdline) - 1);
}

/* No domain serves its own devices. */
static int backend_checks(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;

    for (unsigned i = 0; i < c->nr_disks; i++)
        if (!strcmp(c->disks[i].backend, c->name))
            return xl_cfg_fail(p, c->line[XL_CFG_DISK], "disk", "%s: backend=%s is the domain itself", c->disks[i].vdev,
                               c->name);
    for (unsigned i = 0; i < c->nr_vifs; i++)
        if (!strcmp(c->vifs[i].backend, c->name))
            return xl_cfg_fail(p, c->line[XL_CFG_VIF], "vif", "vif %u: backend=%s is the domain itself", i, c->name);
    return 0;
}

static int finish(struct xl_parse *p)
{
    struct xl_cfg *c = p->cfg;
    int r;

    if (!c->line[XL_CFG_NAME])
        return xl_cfg_fail(p, c->end_line, "name", "missing: xl needs name = \"...\"");
    if (!c->line[XL_CFG_KERNEL])
        return xl_cfg_fail(p, c->end_line, "kernel", "missing: Mosaic boots the kernel it names (no bootloader)");
    if ((r = memory_checks(p)) != 0 || (r = vcpu_checks(p)) != 0 || (r = cap_check(p)) != 0)
        return r;
    cpus_list_check(p);
    if ((r = cmdline(p)) != 0 || (r = backend_checks(p)) != 0)
        return r;
    if (!c->line[XL_CFG_TYPE])
        xl_cfg_warn(p, c->end_line, "type", "not given: xl would build a PV guest, Mosaic builds a PVH one");
    return 0;
}

int xl_cfg_parse(const char *file, const char *text, size_t len, struct xl_cfg *cfg, struct xl_cfg_msgs *msgs)
{
    struct xl_parse p;
    int r;

    memset(&p, 0, sizeof(p));
    memset(msgs, 0, sizeof(*msgs));
    xl_cfg_defaults(cfg);
    p.file = file;
    p.cfg = cfg;
    p.msgs = msgs;
    p.field = SYNTAX;
    if (len > XL_CFG_TEXT_MAX)
        return xl_cfg_fail(&p, 1, "file", "%zu bytes, more than %u", len, XL_CFG_TEXT_MAX);
    xl_lex_init(&p.lex, text, len);
    if ((r = settings(&p)) != 0)
        return r;
    /* the last line is the one the last line end closes, if the text ends with one */
    cfg->end_line = p.lex.line - (len && text[len - 1] == '\n' && p.lex.line > 1 ? 1 : 0);
    return finish(&p);
}

/* ---- the machine ---- */

__attribute__((format(printf, 6, 7))) static void report(char *dst, size_t cap, const char *file, unsigned line,
                                                         const char *field, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    message(dst, cap, file, line, field, fmt, ap);
    va_end(ap);
}

int xl_cfg_check_machine(const char *file, const struct xl_cfg *cfg, uint64_t memory_mib, unsigned nr_cpus, char *error,
                         size_t cap)
{
    uint64_t cpus = nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
    enum xl_cfg_field f = !cfg->line[XL_CFG_MEMORY] && cfg->line[XL_CFG_MAXMEM] ? XL_CFG_MAXMEM : XL_CFG_MEMORY;

    if (cap)
        error[0] = '\0';
    if (cfg->memory_mib > memory_mib || cfg->maxmem_mib > memory_mib) {
        if (cfg->memory_mib <= memory_mib)
            f = XL_CFG_MAXMEM;
        report(error, cap, file, line_of(cfg, f), xl_cfg_field_name(f),
               "%s%llu MiB is more than the machine's %llu MiB", cfg->line[f] ? "" : "the default ",
               (unsigned long long)(f == XL_CFG_MEMORY ? cfg->memory_mib : cfg->maxmem_mib),
               (unsigned long long)memory_mib);
        return -XEN_ENOMEM;
    }
    if (!nr_cpus) {
        report(error, cap, file, line_of(cfg, XL_CFG_CPUS), "cpus", "the machine has no CPU to run on");
        return -XEN_EINVAL;
    }
    if (cfg->cpus_named & ~cpus) {
        report(error, cap, file, line_of(cfg, XL_CFG_CPUS), "cpus", "CPU %d is not one of the machine's %u (0 to %u)",
               __builtin_ctzll(cfg->cpus_named & ~cpus), nr_cpus, nr_cpus - 1);
        return -XEN_EINVAL;
    }
    for (unsigned v = 0; v < cfg->maxvcpus; v++)
        if (!(xl_cfg_vcpu_cpus(cfg, v) & cpus)) {
            report(error, cap, file, line_of(cfg, XL_CFG_CPUS), "cpus",
                   "vCPU %u may run on none of the machine's %u CPUs", v, nr_cpus);
            return -XEN_EINVAL;
        }
    return 0;
}

uint64_t xl_cfg_vcpu_cpus(const struct xl_cfg *cfg, unsigned vcpu)
{
    return vcpu < cfg->nr_vcpu_cpumasks ? cfg->vcpu_cpumask[vcpu] : cfg->cpumask;
}
