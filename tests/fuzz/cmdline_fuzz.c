/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input, NUL-terminated, is the core's command line. Each
 * cmdline_* call is compared with a second, deliberately plain reading of
 * cmdline.h: tokens split on spaces, the key before the first '=', the
 * last occurrence winning.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/errno.h"
#include "fuzz.h"

#define MAX_KEY     64
#define MAX_CHECKED 6 /* tokens looked up one by one: keeps long lines fast */

static const char *const known[] = {
    "loglevel", "maxcpus", "test.exit", "test.fault", "test.fault_cpu", "test.ap_hang", "test.mbi",
};

/* The keys the core looks up, and some it never could find. */
static const char *const probe_keys[] = {
    "loglevel", "maxcpus", "test.fault_cpu", "test.ap_hang", "test.exit", "", "a=b", "loglevel ",
};

/* Reference lookup: value of the last token whose key is key. */
FUZZ_ORACLE static bool ref_find(const char *s, const char *key, const char **val, size_t *len)
{
    size_t klen = strlen(key);
    bool found = false;

    while (*s) {
        const char *tok = s, *eq;
        size_t tlen = 0;

        if (*s == ' ') {
            s++;
            continue;
        }
        while (tok[tlen] && tok[tlen] != ' ')
            tlen++;
        eq = memchr(tok, '=', tlen);
        if ((size_t)((eq ? eq : tok + tlen) - tok) == klen && strncmp(tok, key, klen) == 0) {
            *val = eq ? eq + 1 : tok + tlen;
            *len = (size_t)(tok + tlen - *val);
            found = true;
        }
        s = tok + tlen;
    }
    return found;
}

FUZZ_ORACLE static void check_find(const char *s, const char *key)
{
    const char *v = NULL, *rv = NULL;
    size_t len = 0, rlen = 0;
    bool got = cmdline_find(s, key, &v, &len);

    FUZZ_CHECK(got == ref_find(s, key, &rv, &rlen));
    if (got)
        FUZZ_CHECK(v == rv && len == rlen);
}

FUZZ_ORACLE static void check_uint(const char *s, const char *key)
{
    const char *v;
    size_t len;
    uint64_t n = 0, got = 0;
    int want = 0, rc;
    bool ok = true;

    if (!ref_find(s, key, &v, &len)) {
        want = -ERR_NOENT;
    } else {
        for (size_t i = 0; i < len && ok; i++)
            ok = v[i] >= '0' && v[i] <= '9' && !__builtin_mul_overflow(n, 10, &n) &&
                 !__builtin_add_overflow(n, (uint64_t)(v[i] - '0'), &n);
        want = ok && len ? 0 : -ERR_INVAL;
    }
    rc = cmdline_uint(s, key, &got);
    FUZZ_CHECK(rc == want);
    if (rc == 0)
        FUZZ_CHECK(got == n);
}

FUZZ_ORACLE static void check_is(const char *s, const char *key, const char *value)
{
    const char *v;
    size_t len;
    bool want = ref_find(s, key, &v, &len) && len == strlen(value) && memcmp(v, value, len) == 0;

    FUZZ_CHECK(cmdline_is(s, key, value) == want);
}

/*
 * Walks the tokens of line: the first MAX_CHECKED keys must be found with
 * their last value. Returns the number of tokens; *unknown counts those
 * whose key is not in known[].
 */
FUZZ_ORACLE static unsigned check_tokens(const char *line, unsigned *unknown)
{
    char key[MAX_KEY + 1];
    unsigned ntok = 0;

    *unknown = 0;
    for (const char *s = line; *s;) {
        size_t klen = 0, tlen = 0;
        bool is_known = false;

        if (*s == ' ') {
            s++;
            continue;
        }
        while (s[tlen] && s[tlen] != ' ')
            tlen++;
        while (klen < tlen && s[klen] != '=')
            klen++;
        for (size_t i = 0; i < ARRAY_SIZE(known); i++)
            is_known |= strlen(known[i]) == klen && memcmp(known[i], s, klen) == 0;
        *unknown += !is_known;
        if (ntok++ < MAX_CHECKED && klen <= MAX_KEY) {
            memcpy(key, s, klen);
            key[klen] = '\0';
            check_find(line, key);
            check_uint(line, key);
            check_is(line, key, "1");
        }
        s += tlen;
    }
    return ntok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    unsigned ntok, unknown;

    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(probe_keys); i++) {
        check_find(s, probe_keys[i]);
        check_uint(s, probe_keys[i]);
    }
    check_is(s, "test.mbi", "mmap");
    check_is(s, "test.fault", "");
    ntok = check_tokens(s, &unknown);
    FUZZ_CHECK(cmdline_warn_unknown(s, known, ARRAY_SIZE(known)) == unknown);
    FUZZ_CHECK(unknown <= ntok);
    free(s);
    return 0;
}
