/* SPDX-License-Identifier: MIT */
/*
 * The NPT reference model (npt_model.h): a fake frame pool implementing
 * the npt_env_* hooks, and a list of mappings with the set of table
 * prefixes the real tables must have allocated. The rules it predicts are
 * npt.h's, restated plainly: no code is shared with core/npt/npt.c.
 */
#include "npt_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/errno.h"

#define FRAME_BASE 0x100u /* pa of pool frame i: (FRAME_BASE + i) << 12, never 0 */
#define ADDR_BITS  0x000ffffffffff000ull
#define GPA_LIMIT  (1ull << 48)

enum frame_kind { FRAME_FREE, FRAME_TABLE, FRAME_DATA };

struct frame {
    uint8_t kind; /* enum frame_kind */
    uint64_t *buf;
};

struct mapping {
    uint64_t gfn;
    paddr_t pa; /* as npt_map stored it: page-aligned, 52 bits */
    unsigned flags;
};

static struct frame frames[NPT_MODEL_FRAMES];
static size_t limit, allocated;
static struct mapping maps[NPT_MODEL_MAPS];
static size_t nmaps;
/* Table prefixes that exist: gpa >> 39 (a PDPT), >> 30 (a PD), >> 21 (a PT). */
static uint64_t prefixes[3][NPT_MODEL_FRAMES];
static size_t nprefixes[3];
static bool live;
static const char *violation; /* the first misuse the hooks saw */
static char why[160];
static uint64_t scratch[512];

static struct frame *frame_at(paddr_t pa)
{
    uint64_t i = (pa >> 12) - FRAME_BASE;

    if ((pa & 0xfff) || (pa >> 12) < FRAME_BASE || i >= NPT_MODEL_FRAMES)
        return NULL;
    return &frames[i];
}

static bool pool_take(enum frame_kind kind, paddr_t *pa)
{
    if (allocated >= limit)
        return false;
    for (size_t i = 0; i < NPT_MODEL_FRAMES; i++) {
        if (frames[i].kind != FRAME_FREE)
            continue;
        frames[i].buf = calloc(512, sizeof(uint64_t));
        if (!frames[i].buf)
            abort();
        frames[i].kind = (uint8_t)kind;
        allocated++;
        *pa = (FRAME_BASE + i) << 12;
        return true;
    }
    return false;
}

static void pool_give(struct frame *f)
{
    free(f->buf);
    f->buf = NULL;
    f->kind = FRAME_FREE;
    allocated--;
}

int npt_env_alloc(paddr_t *pa)
{
    return pool_take(FRAME_TABLE, pa) ? 0 : -ERR_NOMEM;
}

void npt_env_free(paddr_t pa)
{
    struct frame *f = frame_at(pa);

    if (!f || f->kind == FRAME_FREE) {
        violation = violation ? violation : "npt_env_free: a frame that is not allocated (double free?)";
        return;
    }
    pool_give(f);
}

uint64_t *npt_env_table(paddr_t pa)
{
    struct frame *f = frame_at(pa);

    if (!f || f->kind != FRAME_TABLE) {
        violation = violation ? violation : "npt_env_table: not an allocated table frame";
        return scratch;
    }
    return f->buf;
}

static size_t count_kind(enum frame_kind kind)
{
    size_t c = 0;

    for (size_t i = 0; i < NPT_MODEL_FRAMES; i++)
        c += frames[i].kind == kind;
    return c;
}

static struct mapping *model_find(uint64_t gpa)
{
    for (size_t i = 0; i < nmaps; i++)
        if (maps[i].gfn == gpa >> 12)
            return &maps[i];
    return NULL;
}

static bool prefix_has(unsigned lvl, uint64_t p)
{
    for (size_t i = 0; i < nprefixes[lvl]; i++)
        if (prefixes[lvl][i] == p)
            return true;
    return false;
}

static size_t owned_maps(void)
{
    size_t c = 0;

    for (size_t i = 0; i < nmaps; i++)
        c += (maps[i].flags & NPT_OWNED) != 0;
    return c;
}

static size_t model_tables(void)
{
    return live ? 1 + nprefixes[0] + nprefixes[1] + nprefixes[2] : 0;
}

__attribute__((format(printf, 1, 2))) static const char *fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return why;
}

static const char *hooks_ok(void)
{
    const char *v = violation;

    violation = NULL;
    return v;
}

void npt_model_reset(struct npt *n, size_t new_limit)
{
    for (size_t i = 0; i < NPT_MODEL_FRAMES; i++) {
        free(frames[i].buf);
        frames[i].buf = NULL;
        frames[i].kind = FRAME_FREE;
    }
    allocated = nmaps = 0;
    nprefixes[0] = nprefixes[1] = nprefixes[2] = 0;
    live = false;
    violation = NULL;
    limit = new_limit;
    n->root = 0;
    n->tables = n->owned = 0;
}

void npt_model_set_limit(size_t new_limit)
{
    limit = new_limit;
}

const char *npt_model_create(struct npt *n)
{
    bool room = allocated < limit;
    int rc;

    if (live)
        return NULL; /* a live table is only recreated after npt_destroy */
    rc = npt_create(n);
    live = rc == 0;
    if (rc != (room ? 0 : -ERR_NOMEM))
        return fail("npt_create returned %d with room %d", rc, room);
    return hooks_ok();
}

const char *npt_model_destroy(struct npt *n)
{
    size_t expect = model_tables() + owned_maps();
    size_t freed = npt_destroy(n);

    live = false;
    nmaps = 0;
    nprefixes[0] = nprefixes[1] = nprefixes[2] = 0;
    if (freed != expect)
        return fail("npt_destroy freed %zu frames, the model says %zu", freed, expect);
    if (n->root || n->tables || n->owned || allocated)
        return fail("npt_destroy left %zu tables, %zu frames allocated", n->tables, allocated);
    return hooks_ok();
}

/* What npt_map must return; adds the tables it would allocate on the way. */
static int predict_map(uint64_t gpa)
{
    if (gpa >= GPA_LIMIT)
        return -ERR_RANGE;
    if (!live)
        return -ERR_INVAL;
    for (unsigned lvl = 0; lvl < 3; lvl++) {
        uint64_t p = gpa >> (39 - 9 * lvl);

        if (prefix_has(lvl, p))
            continue;
        if (allocated + 1 > limit || allocated + 1 > NPT_MODEL_FRAMES)
            return -ERR_NOMEM;
        prefixes[lvl][nprefixes[lvl]++] = p;
        allocated++; /* counted here; the real allocation below matches it */
    }
    return model_find(gpa) ? -ERR_EXIST : 0;
}

const char *npt_model_map(struct npt *n, uint64_t gpa, paddr_t mpa, unsigned flags)
{
    size_t before;
    int expect, rc;

    if (nmaps == NPT_MODEL_MAPS)
        return NULL;
    if ((flags & NPT_OWNED) && !pool_take(FRAME_DATA, &mpa))
        return NULL;
    before = allocated;
    expect = predict_map(gpa);
    allocated = before; /* npt_env_alloc counts the tables for real */
    rc = npt_map(n, gpa, mpa, flags);
    if (rc != expect)
        return fail("npt_map(0x%llx) returned %d, the model %d", (unsigned long long)gpa, rc, expect);
    if (rc == 0)
        maps[nmaps++] = (struct mapping){ gpa >> 12, mpa & ADDR_BITS, flags & (NPT_W | NPT_X | NPT_OWNED | NPT_MMIO) };
    else if (flags & NPT_OWNED)
        pool_give(frame_at(mpa));
    return hooks_ok();
}

const char *npt_model_unmap(struct npt *n, uint64_t gpa)
{
    struct mapping *m = gpa < GPA_LIMIT && live ? model_find(gpa) : NULL;
    paddr_t pa = 0;
    int rc = npt_unmap(n, gpa, &pa);

    if (rc != (m ? 0 : -ERR_NOENT))
        return fail("npt_unmap(0x%llx) returned %d", (unsigned long long)gpa, rc);
    if (!m)
        return hooks_ok();
    if (pa != m->pa)
        return fail("npt_unmap gave 0x%llx, the model 0x%llx", (unsigned long long)pa, (unsigned long long)m->pa);
    if (m->flags & NPT_OWNED)
        pool_give(frame_at(pa));
    *m = maps[--nmaps];
    return hooks_ok();
}

const char *npt_model_lookup(const struct npt *n, uint64_t gpa)
{
    const struct mapping *m = gpa < GPA_LIMIT && live ? model_find(gpa) : NULL;
    paddr_t pa = 0;
    unsigned flags = 0;
    int rc = npt_lookup(n, gpa, &pa, &flags);

    if (rc != (m ? 0 : -ERR_NOENT))
        return fail("npt_lookup(0x%llx) returned %d", (unsigned long long)gpa, rc);
    if (m && pa != (m->pa | (gpa & 0xfff)))
        return fail("npt_lookup(0x%llx) gave 0x%llx, the model 0x%llx", (unsigned long long)gpa, (unsigned long long)pa,
                    (unsigned long long)(m->pa | (gpa & 0xfff)));
    if (m && flags != m->flags)
        return fail("npt_lookup(0x%llx) gave flags %x, the model %x", (unsigned long long)gpa, flags, m->flags);
    return hooks_ok();
}

/* npt_walk's visit: in ascending gpa order, each a mapping of the model. */
struct walk_state {
    size_t seen;
    uint64_t next; /* lowest gpa the next visit may have */
    const char *bad;
};

static int walk_visit(void *arg, uint64_t gpa, paddr_t mpa, unsigned flags)
{
    struct walk_state *w = arg;
    size_t i = 0;

    while (i < nmaps && maps[i].gfn != gpa >> 12)
        i++;
    if (gpa < w->next || (gpa & 0xfff) || i == nmaps || maps[i].pa != mpa || maps[i].flags != flags)
        w->bad = fail("npt_walk visited 0x%llx -> 0x%llx flags %u out of order or not in the model",
                      (unsigned long long)gpa, (unsigned long long)mpa, flags);
    w->seen++;
    w->next = gpa + 0x1000;
    return w->bad ? 1 : 0;
}

static const char *walk_check(const struct npt *n)
{
    struct walk_state w = { 0, 0, NULL };
    int rc = npt_walk(n, walk_visit, &w);

    if (w.bad)
        return rc == 1 ? w.bad : fail("npt_walk returned %d after a stop", rc);
    if (rc != 0 || w.seen != nmaps)
        return fail("npt_walk returned %d after %zu visits, the model has %zu mappings", rc, w.seen, nmaps);
    return NULL;
}

const char *npt_model_check(const struct npt *n)
{
    size_t tables = count_kind(FRAME_TABLE), data = count_kind(FRAME_DATA);
    const char *r;

    if (n->tables != model_tables() || tables != model_tables())
        return fail("%zu tables counted, %zu allocated, the model %zu", n->tables, tables, model_tables());
    if (n->owned != owned_maps() || data != owned_maps())
        return fail("%zu owned counted, %zu owned frames allocated, the model %zu", n->owned, data, owned_maps());
    if ((n->root != 0) != live)
        return fail("root 0x%llx, the model %s", (unsigned long long)n->root, live ? "live" : "destroyed");
    for (size_t i = 0; i < nmaps; i++) {
        r = npt_model_lookup(n, maps[i].gfn << 12 | (i & 0xfff));

        if (r)
            return r;
    }
    r = live ? walk_check(n) : NULL;
    return r ? r : hooks_ok();
}

size_t npt_model_count(void)
{
    return nmaps;
}

uint64_t npt_model_gpa(size_t i)
{
    return nmaps ? maps[i % nmaps].gfn << 12 : 0;
}
