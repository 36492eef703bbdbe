/* SPDX-License-Identifier: MIT */
/*
 * Parsing the core's boot options. Tokens are split on spaces; a key is
 * everything before the first '='. Values are never copied: callers get
 * pointers into the loader's string, whose length was validated by mb2.
 */
#include "core/cmdline.h"
#include "core/env.h"
#include "core/errno.h"

struct token {
    const char *key;
    size_t key_len;
    const char *val;
    size_t val_len;
};

/* Reads the token at *p (skipping spaces); false at the end of the line. */
static bool next_token(const char **p, struct token *t)
{
    const char *s = *p, *eq = NULL;

    while (*s == ' ')
        s++;
    if (!*s)
        return false;
    t->key = s;
    while (*s && *s != ' ') {
        if (*s == '=' && !eq)
            eq = s;
        s++;
    }
    t->key_len = (size_t)((eq ? eq : s) - t->key);
    t->val = eq ? eq + 1 : s;
    t->val_len = (size_t)(s - t->val);
    *p = s;
    return true;
}

bool cmdline_find(const char *cmdline, const char *key, const char **val, size_t *len)
{
    size_t klen = strlen(key);
    struct token t;
    bool found = false;

    for (const char *p = cmdline; next_token(&p, &t);) {
        if (t.key_len == klen && memcmp(t.key, key, klen) == 0) {
            *val = t.val;
            *len = t.val_len;
            found = true;
        }
    }
    return found;
}

/* Copies a token into buf (truncated) for log lines. */
static const char *token_str(char *buf, size_t n, const char *s, size_t len)
{
    size_t k = MIN(len, n - 1);

    memcpy(buf, s, k);
    buf[k] = '\0';
    return buf;
}

int cmdline_uint(const char *cmdline, const char *key, uint64_t *out)
{
    const char *v;
    size_t len;
    uint64_t n = 0;

    if (!cmdline_find(cmdline, key, &v, &len))
        return -ERR_NOENT;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(v[i] - '0');
        if (d > 9 || n > (UINT64_MAX - d) / 10) {
            char tmp[32];
            log_err("boot: option %s: '%s' is not a number", key, token_str(tmp, sizeof(tmp), v, len));
            return -ERR_INVAL;
        }
        n = n * 10 + d;
    }
    if (!len) {
        log_err("boot: option %s needs a number", key);
        return -ERR_INVAL;
    }
    *out = n;
    return 0;
}

bool cmdline_is(const char *cmdline, const char *key, const char *value)
{
    const char *v;
    size_t len;

    return cmdline_find(cmdline, key, &v, &len) && len == strlen(value) && memcmp(v, value, len) == 0;
}

unsigned cmdline_warn_unknown(const char *cmdline, const char *const *known, size_t nknown)
{
    struct token t;
    unsigned unknown = 0;

    for (const char *p = cmdline; next_token(&p, &t);) {
        bool ok = false;
        for (size_t i = 0; i < nknown && !ok; i++)
            ok = strlen(known[i]) == t.key_len && memcmp(known[i], t.key, t.key_len) == 0;
        if (!ok) {
            char name[48];
            log_warn("boot: unknown option '%s' ignored", token_str(name, sizeof(name), t.key, t.key_len));
            unknown++;
        }
    }
    return unknown;
}
