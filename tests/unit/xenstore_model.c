/* SPDX-License-Identifier: MIT */
/*
 * Randomized runs against a plain reference model (a flat list of paths
 * and values): random requests outside transactions, random transactions
 * racing a second writer (commit or EAGAIN, never a partial effect), and
 * every allocation of a request failed in turn (ENOMEM and no change, or
 * the request done in full). Seeded; UNIT_SEED/UNIT_STEPS override.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore_client.h"

#define XM_MAX 64

/* The model: nodes other than "/", each with a value. */
struct xm {
    unsigned n;
    char path[XM_MAX][16];
    char val[XM_MAX][8];
};

static int xm_find(const struct xm *m, const char *path)
{
    for (unsigned i = 0; i < m->n; i++)
        if (strcmp(m->path[i], path) == 0)
            return (int)i;
    return -1;
}

static bool xm_exists(const struct xm *m, const char *path)
{
    return strcmp(path, "/") == 0 || xm_find(m, path) >= 0;
}

static void xm_parent(const char *path, char *out)
{
    size_t n = (size_t)(strrchr(path, '/') - path);

    memcpy(out, path, n ? n : 1);
    out[n ? n : 1] = '\0';
}

/* WRITE (or MKDIR): missing ancestors are created empty. */
static void xm_write(struct xm *m, const char *path, const char *val, bool mkdir)
{
    char parent[16];
    int i;

    if (strcmp(path, "/") == 0)
        return;
    xm_parent(path, parent);
    if (!xm_exists(m, parent))
        xm_write(m, parent, "", true);
    i = xm_find(m, path);
    if (i < 0) {
        i = (int)m->n++;
        snprintf(m->path[i], sizeof(m->path[i]), "%s", path);
        m->val[i][0] = '\0';
    }
    if (!mkdir)
        snprintf(m->val[i], sizeof(m->val[i]), "%s", val);
}

static int xm_rm(struct xm *m, const char *path)
{
    char parent[16];
    size_t len = strlen(path);

    if (strcmp(path, "/") == 0)
        return -XS_EINVAL;
    if (!xm_exists(m, path)) {
        xm_parent(path, parent);
        return xm_exists(m, parent) ? 0 : -XS_ENOENT;
    }
    for (unsigned i = 0; i < m->n;) {
        if (strncmp(m->path[i], path, len) == 0 && (m->path[i][len] == '\0' || m->path[i][len] == '/')) {
            m->n--;
            memcpy(m->path[i], m->path[m->n], sizeof(m->path[i]));
            memcpy(m->val[i], m->val[m->n], sizeof(m->val[i]));
        } else {
            i++;
        }
    }
    return 0;
}

static int xm_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted children joined with ' ', as xt_dir gives them. */
static void xm_dir(const struct xm *m, const char *path, char *out, size_t cap)
{
    const char *names[XM_MAX];
    size_t n = 0, len = strlen(path), used = 0;

    for (unsigned i = 0; i < m->n; i++) {
        const char *p = m->path[i];
        size_t base = strcmp(path, "/") == 0 ? 0 : len;

        if (strncmp(p, path, base) == 0 && p[base] == '/' && !strchr(p + base + 1, '/'))
            names[n++] = p + base + 1;
    }
    qsort(names, n, sizeof(names[0]), xm_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? " " : "", names[i]);
}

/* A random path of depth 1 to 3 over a, b, c: 39 possible. */
static void xm_rand_path(char *out)
{
    static const char comps[] = "abc";
    unsigned depth = 1 + test_rng_below(3);

    for (unsigned i = 0; i < depth; i++) {
        out[2 * i] = '/';
        out[2 * i + 1] = comps[test_rng_below(3)];
    }
    out[2 * depth] = '\0';
}

/* Every possible path agrees between the store (seen in tx) and the model. */
static void xm_compare(struct xs_conn *c, uint32_t tx, const struct xm *m, unsigned long step)
{
    static const char comps[] = "abc";
    char path[16], buf[64], want[256];

    for (unsigned i = 0; i < 39; i++) {
        unsigned v = i, depth = v < 3 ? 1 : v < 12 ? 2 : 3;
        int idx, got;

        v -= depth == 1 ? 0 : depth == 2 ? 3 : 12;
        path[0] = '\0';
        for (unsigned d = 0; d < depth; d++, v /= 3)
            snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%c", comps[v % 3]);
        idx = xm_find(m, path);
        got = xt_read(c, tx, path, buf, sizeof(buf));
        if ((idx < 0) != (got == -XS_ENOENT) || (idx >= 0 && strcmp(buf, m->val[idx]) != 0))
            test_fail(__FILE__, __LINE__, "step %lu: %s reads %d \"%s\"", step, path, got, got >= 0 ? buf : "");
        if (idx >= 0) {
            xm_dir(m, path, want, sizeof(want));
            if (xt_dir(c, tx, path, buf, sizeof(buf)) != 0 || strcmp(buf, want) != 0)
                test_fail(__FILE__, __LINE__, "step %lu: DIRECTORY %s is \"%s\", want \"%s\"", step, path, buf, want);
        }
    }
}

/* A request that may change the store: 'w'rite, 'm'kdir or 'r'm. */
struct xm_op {
    char kind, path[16], val[8];
};

/* One random request by c (in tx) checked against model m; true if it
 * changed m. The request is left in *op (kind 0 if it only reads). */
static bool xm_step(struct xs_conn *c, uint32_t tx, struct xm *m, bool check, unsigned long step, struct xm_op *op)
{
    char *path = op->path, *val = op->val, buf[256], want[256];
    int got, exp;
    int idx;

    xm_rand_path(path);
    snprintf(val, sizeof(op->val), "v%u", test_rng_below(100));
    op->kind = 0;
    switch (test_rng_below(5)) {
    case 0:
    case 1:
        op->kind = 'w';
        got = xt_write(c, tx, path, val);
        xm_write(m, path, val, false);
        exp = 0;
        break;
    case 2:
        op->kind = 'm';
        idx = xm_find(m, path);
        got = xt_mkdir(c, tx, path);
        xm_write(m, path, "", true);
        exp = 0;
        if (check && got != exp)
            test_fail(__FILE__, __LINE__, "step %lu: MKDIR %s: %d", step, path, got);
        return idx < 0;
    case 3: {
        unsigned before = m->n;

        op->kind = 'r';
        got = xt_rm(c, tx, path);
        exp = xm_rm(m, path);
        if (check && got != exp)
            test_fail(__FILE__, __LINE__, "step %lu: RM %s: %d, want %d", step, path, got, exp);
        return m->n != before;
    }
    default:
        if (test_rng_below(2)) {
            got = xt_read(c, tx, path, buf, sizeof(buf));
            idx = xm_find(m, path);
            exp = idx < 0 ? -XS_ENOENT : (int)strlen(m->val[idx]);
            if (check && (got != exp || (idx >= 0 && strcmp(buf, m->val[idx]) != 0)))
                test_fail(__FILE__, __LINE__, "step %lu: READ %s: %d", step, path, got);
        } else {
            got = xt_dir(c, tx, path, buf, sizeof(buf));
            exp = xm_exists(m, path) ? 0 : -XS_ENOENT;
            xm_dir(m, path, want, sizeof(want));
            if (check && (got != exp || (!got && strcmp(buf, want) != 0)))
                test_fail(__FILE__, __LINE__, "step %lu: DIRECTORY %s: %d \"%s\"", step, path, got, buf);
        }
        return false;
    }
    if (check && got != exp)
        test_fail(__FILE__, __LINE__, "step %lu: WRITE %s: %d", step, path, got);
    return true;
}

TEST(random_requests_match_a_flat_model)
{
    unsigned long steps = test_random_init(0x5eed1, 4000);
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true);
    struct xm *m = calloc(1, sizeof(*m));

    for (unsigned long i = 0; i < steps; i++) {
        struct xm_op op;

        xm_step(p, 0, m, true, i, &op);
        if (xs_store_node_count(s) != m->n + 1)
            test_fail(__FILE__, __LINE__, "step %lu: %u nodes, model %u", i, xs_store_node_count(s), m->n + 1);
        if (i % 97 == 0) {
            xm_compare(p, 0, m, i);
            XT_CHECK(s);
        }
    }
    xm_compare(p, 0, m, steps);
    free(m);
    xt_done(s);
}

/* Applies the requests a transaction made to the model: once the commit
 * succeeded, nothing they depended on changed since they ran. */
static void xm_replay(struct xm *m, const struct xm_op *ops, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (ops[i].kind == 'r')
            (void)xm_rm(m, ops[i].path);
        else
            xm_write(m, ops[i].path, ops[i].val, ops[i].kind == 'm');
    }
}

/* One transaction of p raced by q's requests; returns 1 if it committed.
 * While q changed nothing, p's view is checked against its own model tm. */
static unsigned xm_txn_round(struct xs_conn *p, struct xs_conn *q, struct xm *m, unsigned long round)
{
    struct xm *tm = malloc(sizeof(*tm));
    struct xm_op ops[8], op;
    unsigned nops = 0, len = 1 + test_rng_below(8), ok = 0;
    bool raced = false;
    int64_t tx = xt_txn_start(p);
    int end;

    *tm = *m;
    for (unsigned k = 0; k < len; k++) {
        if (test_rng_below(4) == 0) {
            raced |= xm_step(q, 0, m, true, round, &op); /* outside any transaction */
            continue;
        }
        xm_step(p, (uint32_t)tx, tm, !raced, round, &op);
        if (op.kind)
            ops[nops++] = op;
    }
    if (test_rng_below(5) == 0) {
        EXPECT_EQ(xt_txn_end(p, (uint32_t)tx, false), 0);
    } else {
        end = xt_txn_end(p, (uint32_t)tx, true);
        if (!raced && end != 0)
            test_fail(__FILE__, __LINE__, "round %lu: an unraced commit failed: %d", round, end);
        if (end == 0) {
            xm_replay(m, ops, nops);
            ok++;
        } else if (end != -XS_EAGAIN) {
            test_fail(__FILE__, __LINE__, "round %lu: commit: %d", round, end);
        }
    }
    free(tm);
    return ok;
}

TEST(random_transactions_commit_whole_or_fail_with_eagain)
{
    unsigned long rounds = test_random_init(0x7a11, 600);
    struct xs_store *s = xt_store(NULL);
    struct xs_conn *p = xt_conn(s, 0, true), *q = xt_conn(s, 1, true);
    struct xm *m = calloc(1, sizeof(*m));
    unsigned ok = 0;

    for (unsigned long r = 0; r < rounds; r++) {
        ok += xm_txn_round(p, q, m, r);
        xm_compare(p, 0, m, r);
        if (xs_store_node_count(s) != m->n + 1)
            test_fail(__FILE__, __LINE__, "round %lu: %u nodes, model %u", r, xs_store_node_count(s), m->n + 1);
        XT_CHECK(s);
    }
    EXPECT_TRUE(ok > rounds / 3); /* the run really commits things */
    free(m);
    xt_done(s);
}

const struct test xenstore_model_tests[] = {
    TEST_ENTRY(random_requests_match_a_flat_model),
    TEST_ENTRY(random_transactions_commit_whole_or_fail_with_eagain),
    TEST_END,
};
