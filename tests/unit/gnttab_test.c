/* SPDX-License-Identifier: MIT */
/*
 * Host tests of grant tables v1 (core/gnttab/gnttab.c). The environment is
 * faked: four domains, each with fake RAM (gfn -> mfn, every frame a real
 * 4 KiB allocation so copies can be checked and ASan sees any access past
 * a frame) and a fake nested page table holding that RAM and the grant
 * mappings, and a frame ledger that fails the test when a frame is freed
 * twice, freed while some fake NPT still maps it, freed while still some
 * domain's RAM, touched after it was freed, or never freed at the end.
 * Besides the examples, a randomized run (well-behaved and hostile
 * granters, mappers with garbage arguments, deaths) checks each result
 * against the documented rules and the pin, flag and frame invariants
 * after every operation.
 */
#include "core/gnttab.h"

#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"

#define NDOMS      4
#define PAGE       4096
#define RAM_GFNS   16      /* a new domain's RAM: gfns 0..15 */
#define MAP_GFN    100     /* where the tests map grants */
#define GFN_LIMIT  0x10000 /* the fake NPT refuses gfns from here on */
#define NPT_MAX    640     /* entries per fake NPT, RAM included */
#define NFRAMES    1024    /* frames in the ledger */
#define MFN_BASE   0x5000  /* mfn of ledger frame 0 */
#define MAX_FRAMES 4       /* table frames a fake domain may have */
#define MAX_REFS   (MAX_FRAMES * GNTTAB_ENTRIES_PER_FRAME)

/* Domain ids: any below DOMID_SELF (the core's rotate); one far past the
 * number of domains, since gnttab.c must walk the live tables
 * (gnttab_env_next), never scan a range of ids. */
#define ID_G    2 /* usually the granter */
#define ID_M    5 /* usually the mapper */
#define ID_X    9
#define ID_Z    4000
#define ID_NONE 33 /* no such domain */
#define G       0  /* their indexes */
#define M       1
#define X       2
#define Z       3

#define HOST_RW (GNTMAP_HOST_MAP)
#define HOST_RO (GNTMAP_HOST_MAP | GNTMAP_READONLY)

struct npt_entry {
    uint32_t gfn, mfn;
    bool ro;
    bool owned; /* the domain's RAM, not a grant mapping */
};

struct fake_dom {
    uint16_t id;
    bool live;
    struct gnttab_table t;
    struct npt_entry npt[NPT_MAX];
    unsigned nr_npt;
    uint16_t where[GFN_LIMIT]; /* gfn -> index in npt + 1, 0: nothing there */
    void *shared[MAX_FRAMES], *active[MAX_FRAMES];
    void *maptrack[GNTTAB_MAPTRACK_FRAMES];
};

enum frame_state { FR_FREE, FR_RAM, FR_DETACHED };

struct frame {
    uint8_t state; /* enum frame_state */
    uint16_t owner;
    uint8_t *buf;
};

static const uint16_t dom_ids[NDOMS] = { ID_G, ID_M, ID_X, ID_Z };
static struct fake_dom doms[NDOMS];
static struct frame frames[NFRAMES];
static unsigned frame_cursor;
static unsigned long long nr_detached, nr_orphans_freed;
static uint8_t scratch[PAGE]; /* handed out for a bad gnttab_env_frame */

/* ------------------------------------------------------------ the ledger */

static struct frame *frame_of(uint64_t mfn)
{
    if (mfn < MFN_BASE || mfn >= MFN_BASE + NFRAMES)
        return NULL;
    return &frames[mfn - MFN_BASE];
}

static uint32_t frame_alloc(uint16_t owner)
{
    for (unsigned k = 0; k < NFRAMES; k++) {
        unsigned i = (frame_cursor + k) % NFRAMES; /* late reuse: ASan's quarantine sees stale use */
        struct frame *f = &frames[i];

        if (f->state != FR_FREE)
            continue;
        f->buf = malloc(PAGE);
        if (!f->buf)
            abort();
        for (unsigned b = 0; b < PAGE; b++)
            f->buf[b] = (uint8_t)(i * 7 + b * 13 + 1);
        f->state = FR_RAM;
        f->owner = owner;
        frame_cursor = i + 1;
        return MFN_BASE + i;
    }
    test_fail(__FILE__, __LINE__, "the frame ledger is full");
    return 0;
}

/* Where some fake NPT, of a live domain or not, maps mfn. */
static bool frame_mapped(uint64_t mfn, uint16_t *who, uint32_t *gfn)
{
    for (unsigned i = 0; i < NDOMS; i++)
        for (unsigned k = 0; k < doms[i].nr_npt; k++)
            if (doms[i].npt[k].mfn == mfn) {
                *who = doms[i].id;
                *gfn = doms[i].npt[k].gfn;
                return true;
            }
    return false;
}

static void frame_release(struct frame *f)
{
    free(f->buf);
    f->buf = NULL;
    f->state = FR_FREE;
    f->owner = 0;
}

/* ------------------------------------------------------------ fake NPTs */

static struct npt_entry *npt_find(struct fake_dom *d, uint64_t gfn)
{
    return gfn < GFN_LIMIT && d->where[gfn] ? &d->npt[d->where[gfn] - 1] : NULL;
}

static void npt_remove(struct fake_dom *d, struct npt_entry *e)
{
    unsigned k = (unsigned)(e - d->npt);

    d->where[e->gfn] = 0;
    if (k != --d->nr_npt) {
        *e = d->npt[d->nr_npt];
        d->where[e->gfn] = (uint16_t)(k + 1);
    }
}

static bool npt_add(struct fake_dom *d, uint32_t gfn, uint32_t mfn, bool ro, bool owned)
{
    if (d->nr_npt == NPT_MAX || gfn >= GFN_LIMIT || d->where[gfn])
        return false;
    d->npt[d->nr_npt++] = (struct npt_entry){ gfn, mfn, ro, owned };
    d->where[gfn] = (uint16_t)d->nr_npt;
    return true;
}

/* The RAM frame of domain i at gfn, 0 if none. */
static uint32_t ram_mfn(unsigned i, uint64_t gfn)
{
    struct npt_entry *e = npt_find(&doms[i], gfn);

    return e && e->owned ? e->mfn : 0;
}

static uint8_t *frame_buf(uint64_t mfn)
{
    struct frame *f = frame_of(mfn);

    return f && f->state != FR_FREE ? f->buf : scratch;
}

static bool ram_add(unsigned i, uint32_t gfn)
{
    uint32_t mfn = frame_alloc(doms[i].id);

    if (!mfn)
        return false;
    if (!npt_add(&doms[i], gfn, mfn, false, true)) {
        frame_release(frame_of(mfn));
        return false;
    }
    return true;
}

/* The domain gives back its RAM frame at e (balloon or death): it must not
 * be mapped anywhere else, and must be this domain's RAM. */
static void ram_free(struct fake_dom *d, struct npt_entry *e)
{
    struct frame *f = frame_of(e->mfn);
    uint32_t mfn = e->mfn, gfn;
    uint16_t who;

    npt_remove(d, e);
    if (!f || f->state != FR_RAM || f->owner != d->id) {
        test_fail(__FILE__, __LINE__, "d%u frees RAM frame 0x%x that is not its RAM", d->id, mfn);
        return;
    }
    if (frame_mapped(mfn, &who, &gfn)) {
        test_fail(__FILE__, __LINE__, "d%u's RAM frame 0x%x freed while d%u maps it at gfn 0x%x", d->id, mfn, who, gfn);
        return;
    }
    frame_release(f);
}

/* ----------------------------------------------------------- environment */

static struct fake_dom *fake_of(const struct gnttab_table *t)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (&doms[i].t == t)
            return &doms[i];
    test_fail(__FILE__, __LINE__, "a hook got a table that is no fake domain's");
    return NULL;
}

struct gnttab_table *gnttab_env_table(uint16_t dom)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (doms[i].live && doms[i].id == dom)
            return &doms[i].t;
    return NULL;
}

struct gnttab_table *gnttab_env_next(const struct gnttab_table *prev)
{
    unsigned i = 0;

    while (prev && i < NDOMS && &doms[i].t != prev)
        i++;
    for (i = prev ? i + 1 : 0; i < NDOMS; i++)
        if (doms[i].live)
            return &doms[i].t;
    return NULL;
}

int gnttab_env_ram(struct gnttab_table *t, uint64_t gfn, uint64_t *mfn)
{
    struct fake_dom *d = fake_of(t);
    struct npt_entry *e = d ? npt_find(d, gfn) : NULL;

    if (!e || !e->owned)
        return -ERR_FAULT;
    *mfn = e->mfn;
    return 0;
}

int gnttab_env_map(struct gnttab_table *t, uint64_t gfn, uint64_t mfn, bool ro)
{
    struct fake_dom *d = fake_of(t);
    struct frame *f = frame_of(mfn);

    if (!d)
        return -ERR_NOMEM;
    if (!f || f->state == FR_FREE) {
        test_fail(__FILE__, __LINE__, "d%u maps mfn 0x%llx, which is no allocated frame", d->id,
                  (unsigned long long)mfn);
        return -ERR_NOMEM;
    }
    if (gfn >= GFN_LIMIT)
        return -ERR_INVAL;
    if (npt_find(d, gfn))
        return -ERR_EXIST;
    return npt_add(d, (uint32_t)gfn, (uint32_t)mfn, ro, false) ? 0 : -ERR_NOMEM;
}

void gnttab_env_unmap(struct gnttab_table *t, uint64_t gfn)
{
    struct fake_dom *d = fake_of(t);
    struct npt_entry *e = d ? npt_find(d, gfn) : NULL;

    if (!e || e->owned) {
        test_fail(__FILE__, __LINE__, "unmap of gfn 0x%llx, where d%u has no grant mapping", (unsigned long long)gfn,
                  d ? d->id : 0);
        return;
    }
    npt_remove(d, e);
}

void gnttab_env_detach(struct gnttab_table *t, uint64_t gfn)
{
    struct fake_dom *d = fake_of(t);
    struct npt_entry *e = d ? npt_find(d, gfn) : NULL;
    struct frame *f;

    /* As the kernel's: only a RAM frame is taken out; a second call for
     * the same gfn finds nothing. */
    if (!e || !e->owned)
        return;
    f = frame_of(e->mfn);
    if (!f || f->state != FR_RAM || f->owner != d->id) {
        test_fail(__FILE__, __LINE__, "d%u detaches frame 0x%x, not its RAM", d->id, e->mfn);
        return;
    }
    f->state = FR_DETACHED;
    f->owner = 0;
    npt_remove(d, e);
    nr_detached++;
}

void *gnttab_env_frame(uint64_t mfn)
{
    struct frame *f = frame_of(mfn);

    if (!f || f->state == FR_FREE) {
        test_fail(__FILE__, __LINE__, "frame 0x%llx used while free or unknown", (unsigned long long)mfn);
        return scratch;
    }
    return f->buf;
}

void gnttab_env_free(uint64_t mfn)
{
    struct frame *f = frame_of(mfn);
    uint32_t gfn;
    uint16_t who;

    if (!f || f->state == FR_FREE) {
        test_fail(__FILE__, __LINE__, "frame 0x%llx freed twice (or unknown)", (unsigned long long)mfn);
        return;
    }
    if (f->state != FR_DETACHED) {
        test_fail(__FILE__, __LINE__, "frame 0x%llx freed while RAM of d%u", (unsigned long long)mfn, f->owner);
        return;
    }
    if (frame_mapped(mfn, &who, &gfn)) {
        test_fail(__FILE__, __LINE__, "orphan frame 0x%llx freed while d%u maps it at gfn 0x%x",
                  (unsigned long long)mfn, who, gfn);
        return;
    }
    frame_release(f);
    nr_orphans_freed++;
}

/* ------------------------------------------------------- fake domains */

static int dom_add_maptrack(unsigned i)
{
    struct fake_dom *d = &doms[i];
    void *frame = calloc(1, PAGE);
    unsigned n = d->t.nr_maptrack_frames;
    int r;

    if (!frame)
        abort();
    r = gnttab_add_maptrack(&d->t, frame);
    if (r == 0)
        d->maptrack[n] = frame;
    else
        free(frame);
    return r;
}

static void dom_create(unsigned i, unsigned nr_frames, unsigned nr_maptrack)
{
    struct fake_dom *d = &doms[i];

    d->id = dom_ids[i];
    d->nr_npt = 0;
    memset(d->where, 0, sizeof(d->where));
    gnttab_table_init(&d->t, d->id);
    for (unsigned k = 0; k < nr_frames; k++) {
        d->shared[k] = calloc(1, PAGE);
        d->active[k] = calloc(1, PAGE);
        if (!d->shared[k] || !d->active[k])
            abort();
        EXPECT_EQ(gnttab_add_frame(&d->t, d->shared[k], d->active[k]), 0);
    }
    for (unsigned k = 0; k < nr_maptrack; k++)
        EXPECT_EQ(dom_add_maptrack(i), 0);
    for (uint32_t gfn = 0; gfn < RAM_GFNS; gfn++)
        ram_add(i, gfn);
    d->live = true;
}

/* What the kernel does when a domain dies: release its grants (it is
 * still found while that runs), forget it, give its RAM back, free its
 * table frames. */
static void dom_destroy(unsigned i)
{
    struct fake_dom *d = &doms[i];

    gnttab_release(&d->t);
    d->live = false;
    for (unsigned k = 0; k < d->nr_npt; k++)
        if (!d->npt[k].owned)
            test_fail(__FILE__, __LINE__, "d%u died still mapping a grant at gfn 0x%x", d->id, d->npt[k].gfn);
    while (d->nr_npt) {
        struct npt_entry *e = &d->npt[d->nr_npt - 1];

        if (e->owned)
            ram_free(d, e);
        else
            npt_remove(d, e);
    }
    for (unsigned k = 0; k < MAX_FRAMES; k++) {
        free(d->shared[k]);
        free(d->active[k]);
        d->shared[k] = d->active[k] = NULL;
    }
    for (unsigned k = 0; k < GNTTAB_MAPTRACK_FRAMES; k++) {
        free(d->maptrack[k]);
        d->maptrack[k] = NULL;
    }
}

/* Four live domains with one table frame (refs 0..511) and one maptrack
 * frame (256 handles) each. */
static void setup(void)
{
    memset(frames, 0, sizeof(frames));
    frame_cursor = 0;
    nr_detached = nr_orphans_freed = 0;
    for (unsigned i = 0; i < NDOMS; i++)
        dom_create(i, 1, 1);
}

/* Every domain dies; then every frame must be back in the ledger. */
static void teardown(void)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (doms[i].live)
            dom_destroy(i);
    for (unsigned k = 0; k < NFRAMES; k++)
        if (frames[k].state != FR_FREE) {
            test_fail(__FILE__, __LINE__, "frame 0x%x never freed (%s)", MFN_BASE + k,
                      frames[k].state == FR_RAM ? "RAM" : "detached");
            frame_release(&frames[k]);
        }
}

/* --------------------------------------------------------------- helpers */

static struct gnttab_table *tbl(unsigned i)
{
    return &doms[i].t;
}

static uint8_t *entry_at(unsigned i, grant_ref_t ref)
{
    return (uint8_t *)doms[i].shared[ref / GNTTAB_ENTRIES_PER_FRAME] + (ref % GNTTAB_ENTRIES_PER_FRAME) * 8;
}

/* The granter's guest writes grant entry ref. */
static void grant(unsigned i, grant_ref_t ref, uint16_t to, uint32_t gfn, uint32_t flags)
{
    uint32_t w = (flags & 0xffff) | (uint32_t)to << 16;

    memcpy(entry_at(i, ref), &w, 4);
    memcpy(entry_at(i, ref) + 4, &gfn, 4);
}

static uint32_t entry_word(unsigned i, grant_ref_t ref)
{
    uint32_t w;

    memcpy(&w, entry_at(i, ref), 4);
    return w;
}

static uint16_t gflags(unsigned i, grant_ref_t ref)
{
    return (uint16_t)entry_word(i, ref);
}

static uint32_t entry_frame(unsigned i, grant_ref_t ref)
{
    uint32_t f;

    memcpy(&f, entry_at(i, ref) + 4, 4);
    return f;
}

/* Linux's gnttab_end_foreign_access_ref: only when nobody has it pinned. */
static bool end_access(unsigned i, grant_ref_t ref)
{
    if (gflags(i, ref) & (GTF_READING | GTF_WRITING))
        return false;
    grant(i, ref, 0, 0, 0);
    return true;
}

static const struct gnttab_active *act(unsigned i, grant_ref_t ref)
{
    return (const struct gnttab_active *)doms[i].active[ref / GNTTAB_ENTRIES_PER_FRAME] +
           ref % GNTTAB_ENTRIES_PER_FRAME;
}

static struct gnttab_map *map_at(unsigned i, grant_handle_t h)
{
    return (struct gnttab_map *)doms[i].maptrack[h / GNTTAB_MAPS_PER_FRAME] + h % GNTTAB_MAPS_PER_FRAME;
}

static int map(unsigned mi, uint16_t granter, grant_ref_t ref, uint32_t flags, uint64_t gfn, grant_handle_t *h)
{
    return gnttab_map(tbl(mi), granter, ref, flags, gfn, h);
}

static int unmap(unsigned mi, grant_handle_t h, uint64_t gfn)
{
    return gnttab_unmap(tbl(mi), h, gfn);
}

static struct gnttab_copy_side gref_side(uint16_t dom, grant_ref_t ref, uint16_t offset)
{
    return (struct gnttab_copy_side){ .gref = true, .dom = dom, .ref_or_gfn = ref, .offset = offset };
}

static struct gnttab_copy_side local_side(uint64_t gfn, uint16_t offset)
{
    return (struct gnttab_copy_side){ .gref = false, .dom = GNTTAB_DOMID_SELF, .ref_or_gfn = gfn, .offset = offset };
}

static int copy(unsigned i, struct gnttab_copy_side src, struct gnttab_copy_side dst, uint16_t len)
{
    return gnttab_copy(tbl(i), &src, &dst, len);
}

static unsigned grant_maps(unsigned i)
{
    unsigned n = 0;

    for (unsigned k = 0; k < doms[i].nr_npt; k++)
        n += !doms[i].npt[k].owned;
    return n;
}

#define EXPECT_PINS(i, ref, ro, rw)               \
    do {                                          \
        EXPECT_EQ(act((i), (ref))->pin_ro, (ro)); \
        EXPECT_EQ(act((i), (ref))->pin_rw, (rw)); \
    } while (0)

#define EXPECT_FLAGS(i, ref, f) EXPECT_EQ(gflags((i), (ref)) & (GTF_READING | GTF_WRITING), (f))

/* No ref of domain i pinned, no GTF_reading or GTF_writing up. */
#define EXPECT_QUIET(i)                                                                                          \
    do {                                                                                                         \
        EXPECT_EQ(tbl(i)->nr_pinned, 0);                                                                         \
        for (grant_ref_t _r = 0; _r < tbl(i)->nr_frames * GNTTAB_ENTRIES_PER_FRAME; _r++)                        \
            if (act((i), _r)->pin_ro || act((i), _r)->pin_rw || (gflags((i), _r) & (GTF_READING | GTF_WRITING))) \
                test_fail(__FILE__, __LINE__, "d%u ref %u still pinned", doms[i].id, _r);                        \
    } while (0)

/* ----------------------------------------------------------- invariants */

static uint16_t cnt_ro[NDOMS][MAX_REFS], cnt_rw[NDOMS][MAX_REFS];
static uint16_t fr_owned[NFRAMES], fr_mapped[NFRAMES], fr_orphans[NFRAMES];

static int live_index(uint16_t id)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (doms[i].live && doms[i].id == id)
            return (int)i;
    return -1;
}

#define BAD(...)                                    \
    do {                                            \
        test_fail(__FILE__, __LINE__, __VA_ARGS__); \
        return false;                               \
    } while (0)

/* Every mapping against its NPT entry and its granter's active entry;
 * pins and flags against the mappings; frames against the ledger. Returns
 * false (after reporting) at the first violation. */
static bool check_world(void)
{
    static const struct gnttab_active zero_active[GNTTAB_ENTRIES_PER_FRAME];

    memset(cnt_ro, 0, sizeof(cnt_ro));
    memset(cnt_rw, 0, sizeof(cnt_rw));
    memset(fr_owned, 0, sizeof(fr_owned));
    memset(fr_mapped, 0, sizeof(fr_mapped));
    memset(fr_orphans, 0, sizeof(fr_orphans));

    for (unsigned i = 0; i < NDOMS; i++) {
        struct fake_dom *d = &doms[i];

        if (!d->live) {
            if (d->nr_npt)
                BAD("dead d%u still has %u NPT entries", d->id, d->nr_npt);
            continue;
        }
        if (d->t.dom != d->id || d->t.nr_frames > MAX_FRAMES || d->t.nr_maptrack_frames > GNTTAB_MAPTRACK_FRAMES)
            BAD("d%u: table header", d->id);
        for (unsigned k = 0; k < d->nr_npt; k++) {
            const struct npt_entry *e = &d->npt[k];
            const struct frame *f = frame_of(e->mfn);

            if (!f || f->state == FR_FREE)
                BAD("d%u gfn 0x%x maps frame 0x%x, which is free", d->id, e->gfn, e->mfn);
            if (e->owned)
                fr_owned[e->mfn - MFN_BASE]++;
            else
                fr_mapped[e->mfn - MFN_BASE]++;
            if (e->owned && (f->state != FR_RAM || f->owner != d->id))
                BAD("d%u gfn 0x%x: RAM frame 0x%x not owned by it", d->id, e->gfn, e->mfn);
        }
    }

    /* Mappings. */
    for (unsigned i = 0; i < NDOMS; i++) {
        struct fake_dom *d = &doms[i];
        uint32_t used = 0;

        if (!d->live)
            continue;
        for (grant_handle_t h = 0; h < d->t.nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME; h++) {
            const struct gnttab_map *m =
                (const struct gnttab_map *)d->maptrack[h / GNTTAB_MAPS_PER_FRAME] + h % GNTTAB_MAPS_PER_FRAME;
            const struct npt_entry *e;
            int gi;

            if (!(m->flags & GNTTAB_MAP_USED)) {
                if (m->flags || m->granter || m->ref || m->gfn || m->mfn)
                    BAD("d%u handle %u: unused but not cleared", d->id, h);
                continue;
            }
            used++;
            if (m->flags & ~(GNTTAB_MAP_USED | GNTTAB_MAP_READONLY | GNTTAB_MAP_ORPHAN))
                BAD("d%u handle %u: flags 0x%x", d->id, h, m->flags);
            e = npt_find(d, m->gfn);
            if (!e || e->owned || e->mfn != m->mfn || e->ro != !!(m->flags & GNTTAB_MAP_READONLY))
                BAD("d%u handle %u: gfn 0x%x not mapped to 0x%x as recorded", d->id, h, m->gfn, m->mfn);
            if (m->flags & GNTTAB_MAP_ORPHAN) {
                if (frame_of(m->mfn)->state != FR_DETACHED)
                    BAD("d%u handle %u: orphan of frame 0x%x, which is not detached", d->id, h, m->mfn);
                fr_orphans[m->mfn - MFN_BASE]++;
                continue;
            }
            gi = live_index(m->granter);
            if (gi < 0)
                BAD("d%u handle %u: granter d%u is gone but the mapping is no orphan", d->id, h, m->granter);
            if (m->ref >= doms[gi].t.nr_frames * GNTTAB_ENTRIES_PER_FRAME)
                BAD("d%u handle %u: ref %u beyond d%u's table", d->id, h, m->ref, m->granter);
            if (m->flags & GNTTAB_MAP_READONLY)
                cnt_ro[gi][m->ref]++;
            else
                cnt_rw[gi][m->ref]++;
            if (ram_mfn((unsigned)gi, act((unsigned)gi, m->ref)->gfn) != m->mfn)
                BAD("d%u handle %u: frame 0x%x is not d%u's RAM at the pinned gfn 0x%x", d->id, h, m->mfn, m->granter,
                    act((unsigned)gi, m->ref)->gfn);
        }
        if (used != d->t.nr_maps || used != grant_maps(i))
            BAD("d%u: %u handles used, nr_maps %u, %u grant mappings in its NPT", d->id, used, d->t.nr_maps,
                grant_maps(i));
    }

    /* Pins and flags (through plain pointers: this runs after every step). */
    for (unsigned i = 0; i < NDOMS; i++) {
        struct fake_dom *d = &doms[i];
        uint32_t pinned = 0;

        if (!d->live)
            continue;
        for (unsigned f = 0; f < d->t.nr_frames; f++) {
            const struct gnttab_active *af = d->active[f];
            const uint8_t *sf = d->shared[f];
            const uint16_t *ro = &cnt_ro[i][f * GNTTAB_ENTRIES_PER_FRAME];
            const uint16_t *rw = &cnt_rw[i][f * GNTTAB_ENTRIES_PER_FRAME];
            bool none = !memcmp(af, zero_active, sizeof(zero_active)); /* a frame of refs never pinned */

            for (unsigned k = 0; k < GNTTAB_ENTRIES_PER_FRAME; k++) {
                grant_ref_t r = f * GNTTAB_ENTRIES_PER_FRAME + k;
                const struct gnttab_active *a = &af[k];
                uint16_t fl = (uint16_t)(sf[k * 8] | sf[k * 8 + 1] << 8);
                unsigned pins = none ? 0 : a->pin_ro + a->pin_rw;

                if (none ? ro[k] || rw[k] : a->pin_ro != ro[k] || a->pin_rw != rw[k])
                    BAD("d%u ref %u: pins %u ro + %u rw, but %u + %u live mappings", d->id, r, a->pin_ro, a->pin_rw,
                        ro[k], rw[k]);
                if (!!(fl & GTF_READING) != (pins > 0) || !!(fl & GTF_WRITING) != (!none && a->pin_rw > 0))
                    BAD("d%u ref %u: flags 0x%x with pins %u ro + %u rw", d->id, r, fl, a->pin_ro, a->pin_rw);
                if (pins == 0)
                    continue;
                pinned++;
                if (!ram_mfn(i, a->gfn))
                    BAD("d%u ref %u: pinned gfn 0x%x is not its RAM", d->id, r, a->gfn);
            }
        }
        if (pinned != d->t.nr_pinned)
            BAD("d%u: nr_pinned %u, %u refs pinned", d->id, d->t.nr_pinned, pinned);
    }

    /* The ledger. */
    for (unsigned k = 0; k < NFRAMES; k++) {
        const struct frame *f = &frames[k];

        switch (f->state) {
        case FR_FREE:
            if (fr_owned[k] || fr_mapped[k])
                BAD("free frame 0x%x is mapped", MFN_BASE + k);
            break;
        case FR_RAM:
            if (fr_owned[k] != 1)
                BAD("RAM frame 0x%x is RAM in %u NPTs", MFN_BASE + k, fr_owned[k]);
            break;
        case FR_DETACHED:
            if (fr_owned[k])
                BAD("detached frame 0x%x is still RAM", MFN_BASE + k);
            if (fr_orphans[k] == 0)
                BAD("detached frame 0x%x has no orphan mapping left: leaked", MFN_BASE + k);
            if (fr_mapped[k] != fr_orphans[k])
                BAD("detached frame 0x%x: %u mappings, %u orphans", MFN_BASE + k, fr_mapped[k], fr_orphans[k]);
            break;
        default: BAD("frame 0x%x: state %u", MFN_BASE + k, f->state);
        }
    }
    return true;
}

#undef BAD

/* ------------------------------------------------------------------ tests */

TEST(map_unmap_writable_grant)
{
    grant_handle_t h = 99;
    const struct npt_entry *e;
    const struct gnttab_map *m;
    uint32_t mfn;

    setup();
    mfn = ram_mfn(G, 5);
    grant(G, 3, ID_M, 5, GTF_PERMIT_ACCESS);
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_EQ(map(M, ID_G, 3, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(h, 0);
    EXPECT_EQ(gflags(G, 3), GTF_PERMIT_ACCESS | GTF_READING | GTF_WRITING);
    EXPECT_PINS(G, 3, 0, 1);
    EXPECT_EQ(act(G, 3)->gfn, 5);
    EXPECT_EQ(tbl(G)->nr_pinned, 1);
    EXPECT_EQ(tbl(M)->nr_maps, 1);
    e = npt_find(&doms[M], MAP_GFN);
    EXPECT_TRUE(e && !e->owned && !e->ro && e->mfn == mfn);
    m = map_at(M, h);
    EXPECT_EQ(m->flags, GNTTAB_MAP_USED);
    EXPECT_EQ(m->granter, ID_G);
    EXPECT_EQ(m->ref, 3);
    EXPECT_EQ(m->gfn, MAP_GFN);
    EXPECT_EQ(m->mfn, mfn);
    EXPECT_TRUE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 6));
    EXPECT_FALSE(end_access(G, 3)); /* the granter cannot take it back under the mapping */
    EXPECT_TRUE(check_world());

    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(gflags(G, 3), GTF_PERMIT_ACCESS);
    EXPECT_PINS(G, 3, 0, 0);
    EXPECT_EQ(tbl(G)->nr_pinned, 0);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_TRUE(npt_find(&doms[M], MAP_GFN) == NULL);
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_EQ(ram_mfn(G, 5), mfn);
    EXPECT_TRUE(end_access(G, 3));
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(readonly_grant_maps_only_readonly)
{
    grant_handle_t h = 7, h2 = 7;
    const struct npt_entry *e;

    setup();
    grant(G, 4, ID_M, 6, GTF_PERMIT_ACCESS | GTF_READONLY);
    /* Xen's _set_status_v1: a writable pin of a read-only entry is a
     * general error. */
    EXPECT_EQ(map(M, ID_G, 4, HOST_RW, MAP_GFN, &h), GNTST_GENERAL_ERROR);
    EXPECT_EQ(h, 7);
    EXPECT_EQ(gflags(G, 4), GTF_PERMIT_ACCESS | GTF_READONLY);
    EXPECT_QUIET(G);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_EQ(grant_maps(M), 0);

    EXPECT_EQ(map(M, ID_G, 4, HOST_RO, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(gflags(G, 4), GTF_PERMIT_ACCESS | GTF_READONLY | GTF_READING);
    EXPECT_PINS(G, 4, 1, 0);
    e = npt_find(&doms[M], MAP_GFN);
    EXPECT_TRUE(e && e->ro && e->mfn == ram_mfn(G, 6));
    EXPECT_EQ(map_at(M, h)->flags, GNTTAB_MAP_USED | GNTTAB_MAP_READONLY);
    /* Still no writable mapping beside it, and no write by copy. */
    EXPECT_EQ(map(M, ID_G, 4, HOST_RW, MAP_GFN + 1, &h2), GNTST_GENERAL_ERROR);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 4, 0), 8), GNTST_GENERAL_ERROR);
    EXPECT_EQ(gflags(G, 4), GTF_PERMIT_ACCESS | GTF_READONLY | GTF_READING);
    EXPECT_PINS(G, 4, 1, 0);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    EXPECT_QUIET(G);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(map_refuses_bad_refs_and_entries)
{
    grant_handle_t h = 0;
    void *shared, *active;

    setup();
    grant(G, 1, ID_X, 5, GTF_PERMIT_ACCESS);              /* for another domain */
    grant(G, 2, ID_M, 5, 0);                              /* GTF_invalid */
    grant(G, 3, ID_M, 5, 2);                              /* GTF_accept_transfer */
    grant(G, 4, ID_M, 5, 3);                              /* GTF_transfer_completed */
    grant(G, 5, GNTTAB_DOMID_SELF, 5, GTF_PERMIT_ACCESS); /* "self" is no domain in an entry */
    grant(G, 6, ID_M, 5, GTF_READONLY);                   /* read-only, but not a grant */
    EXPECT_EQ(map(M, ID_G, GNTTAB_ENTRIES_PER_FRAME, HOST_RW, MAP_GFN, &h), GNTST_BAD_GNTREF);
    EXPECT_EQ(map(M, ID_G, 0x7fffffffu, HOST_RW, MAP_GFN, &h), GNTST_BAD_GNTREF);
    EXPECT_EQ(map(M, ID_G, UINT32_MAX, HOST_RO, MAP_GFN, &h), GNTST_BAD_GNTREF);
    /* Xen's _set_status_v1: wrong type or domain is a general error. */
    for (grant_ref_t r = 1; r <= 6; r++) {
        EXPECT_EQ(map(M, ID_G, r, HOST_RW, MAP_GFN, &h), GNTST_GENERAL_ERROR);
        EXPECT_EQ(map(M, ID_G, r, HOST_RO, MAP_GFN, &h), GNTST_GENERAL_ERROR);
    }
    EXPECT_EQ(map(M, ID_G, 0, HOST_RO, MAP_GFN, &h), GNTST_GENERAL_ERROR); /* never written */
    EXPECT_QUIET(G);
    EXPECT_EQ(gflags(G, 1), GTF_PERMIT_ACCESS);
    EXPECT_EQ(gflags(G, 6), GTF_READONLY);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_EQ(grant_maps(M), 0);

    /* A second table frame makes the next 512 refs real. */
    shared = doms[G].shared[1] = calloc(1, PAGE);
    active = doms[G].active[1] = calloc(1, PAGE);
    EXPECT_EQ(gnttab_add_frame(tbl(G), shared, active), 0);
    grant(G, GNTTAB_ENTRIES_PER_FRAME + 9, ID_M, 7, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, GNTTAB_ENTRIES_PER_FRAME + 9, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 2 * GNTTAB_ENTRIES_PER_FRAME, HOST_RW, MAP_GFN + 1, &h), GNTST_BAD_GNTREF);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(map_refuses_missing_granter)
{
    grant_handle_t h = 0;

    setup();
    grant(X, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    dom_destroy(X);
    EXPECT_EQ(map(M, ID_X, 0, HOST_RW, MAP_GFN, &h), GNTST_BAD_DOMAIN); /* dead */
    EXPECT_EQ(map(M, ID_NONE, 0, HOST_RW, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(map(M, 0, 0, HOST_RW, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(map(M, 64, 0, HOST_RW, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(map(M, DOMID_IO, 0, HOST_RO, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(map(M, 0xffff, 0, HOST_RO, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_EQ(grant_maps(M), 0);
    EXPECT_TRUE(check_world());
    teardown();
}

/* Xen's map_grant_ref looks the granter up by id only (not "any id"), so
 * DOMID_SELF is no domain there, even for a ref the mapper granted itself;
 * its own numeric id works. */
TEST(map_refuses_domid_self)
{
    grant_handle_t h = 42;

    setup();
    grant(M, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, GNTTAB_DOMID_SELF, 0, HOST_RW, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(map(M, GNTTAB_DOMID_SELF, 0, HOST_RO, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(map(M, GNTTAB_DOMID_SELF, GNTTAB_ENTRIES_PER_FRAME, HOST_RO, MAP_GFN, &h), GNTST_BAD_DOMAIN);
    EXPECT_EQ(h, 42);
    EXPECT_QUIET(M);
    EXPECT_EQ(gflags(M, 0), GTF_PERMIT_ACCESS);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_EQ(grant_maps(M), 0);
    EXPECT_EQ(map(M, ID_M, 0, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_PINS(M, 0, 0, 1);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    EXPECT_QUIET(M);
    teardown();
}

TEST(map_refuses_frame_not_granter_ram)
{
    grant_handle_t h = 0, hg = 0;

    setup();
    grant(G, 0, ID_M, 40, GTF_PERMIT_ACCESS); /* no RAM there */
    grant(G, 1, ID_M, UINT32_MAX, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h), GNTST_BAD_PAGE);
    EXPECT_EQ(map(M, ID_G, 1, HOST_RO, MAP_GFN, &h), GNTST_BAD_PAGE);
    EXPECT_EQ(gflags(G, 0), GTF_PERMIT_ACCESS); /* the flags went back down */
    EXPECT_EQ(gflags(G, 1), GTF_PERMIT_ACCESS);
    EXPECT_QUIET(G);

    /* A frame G maps from X is not G's to grant on. */
    grant(X, 0, ID_G, 3, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(G, ID_X, 0, HOST_RW, 200, &hg), GNTST_OKAY);
    grant(G, 2, ID_M, 200, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, 2, HOST_RW, MAP_GFN, &h), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, gref_side(ID_G, 2, 0), local_side(3, 0), 16), GNTST_BAD_PAGE);
    EXPECT_QUIET(G);
    EXPECT_PINS(X, 0, 0, 1);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(G, hg, 200), GNTST_OKAY);
    EXPECT_QUIET(X);
    teardown();
}

TEST(map_refuses_occupied_host_gfn)
{
    grant_handle_t h = 0, h2 = 0;
    uint32_t mine = 0;

    setup();
    mine = ram_mfn(M, 3);
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_M, 6, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, 3, &h), GNTST_BAD_VIRT_ADDR); /* M's own RAM */
    EXPECT_EQ(ram_mfn(M, 3), mine);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, 1ull << 32, &h), GNTST_BAD_VIRT_ADDR);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, UINT64_MAX, &h), GNTST_BAD_VIRT_ADDR);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, GFN_LIMIT, &h), GNTST_BAD_VIRT_ADDR); /* the NPT refuses it */
    EXPECT_QUIET(G);
    EXPECT_EQ(gflags(G, 0), GTF_PERMIT_ACCESS);
    EXPECT_EQ(tbl(M)->nr_maps, 0);

    /* Over a live mapping: refused, and the first mapping keeps its pins. */
    EXPECT_EQ(map(M, ID_G, 0, HOST_RO, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h2), GNTST_BAD_VIRT_ADDR);
    EXPECT_PINS(G, 0, 1, 0);
    EXPECT_FLAGS(G, 0, GTF_READING);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RO, MAP_GFN, &h2), GNTST_BAD_VIRT_ADDR);
    EXPECT_PINS(G, 0, 1, 0);
    EXPECT_EQ(map(M, ID_G, 1, HOST_RW, MAP_GFN, &h2), GNTST_BAD_VIRT_ADDR);
    EXPECT_PINS(G, 1, 0, 0);
    EXPECT_FLAGS(G, 1, 0);
    EXPECT_EQ(tbl(G)->nr_pinned, 1);
    EXPECT_EQ(tbl(M)->nr_maps, 1);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    EXPECT_QUIET(G);
    teardown();
}

/* Xen's map_grant_ref for a translated (PVH) mapper: no host_map and no
 * device_map is GNTST_bad_gntref; device_map (even with host_map),
 * application_map and contains_pte are GNTST_general_error. Both before
 * the granter is looked up. */
TEST(map_refuses_bad_flags)
{
    static const struct {
        uint32_t flags;
        int st;
    } bad[] = {
        { 0, GNTST_BAD_GNTREF },
        { GNTMAP_READONLY, GNTST_BAD_GNTREF },
        { GNTMAP_APPLICATION_MAP, GNTST_BAD_GNTREF },
        { GNTMAP_CONTAINS_PTE, GNTST_BAD_GNTREF },
        { GNTMAP_APPLICATION_MAP | GNTMAP_CONTAINS_PTE | GNTMAP_READONLY, GNTST_BAD_GNTREF },
        { 0xffffffe0u, GNTST_BAD_GNTREF }, /* only bits no GNTMAP_* names */
        { GNTMAP_DEVICE_MAP, GNTST_GENERAL_ERROR },
        { GNTMAP_DEVICE_MAP | GNTMAP_READONLY, GNTST_GENERAL_ERROR },
        { GNTMAP_DEVICE_MAP | GNTMAP_HOST_MAP, GNTST_GENERAL_ERROR },
        { GNTMAP_DEVICE_MAP | GNTMAP_HOST_MAP | GNTMAP_READONLY, GNTST_GENERAL_ERROR },
        { GNTMAP_DEVICE_MAP | GNTMAP_APPLICATION_MAP, GNTST_GENERAL_ERROR },
        { GNTMAP_HOST_MAP | GNTMAP_CONTAINS_PTE, GNTST_GENERAL_ERROR },
        { GNTMAP_HOST_MAP | GNTMAP_READONLY | GNTMAP_CONTAINS_PTE, GNTST_GENERAL_ERROR },
        { GNTMAP_HOST_MAP | GNTMAP_APPLICATION_MAP, GNTST_GENERAL_ERROR },
        { GNTMAP_HOST_MAP | GNTMAP_APPLICATION_MAP | GNTMAP_CONTAINS_PTE, GNTST_GENERAL_ERROR },
    };
    grant_handle_t h = 0;

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    for (unsigned k = 0; k < ARRAY_SIZE(bad); k++) {
        EXPECT_EQ(map(M, ID_G, 0, bad[k].flags, MAP_GFN, &h), bad[k].st);
        /* the flags first: before the domain, the address and the ref */
        EXPECT_EQ(map(M, ID_NONE, 0, bad[k].flags, MAP_GFN, &h), bad[k].st);
        EXPECT_EQ(map(M, GNTTAB_DOMID_SELF, 0, bad[k].flags, MAP_GFN, &h), bad[k].st);
        EXPECT_EQ(map(M, ID_G, UINT32_MAX, bad[k].flags, UINT64_MAX, &h), bad[k].st);
    }
    EXPECT_QUIET(G);
    EXPECT_EQ(gflags(G, 0), GTF_PERMIT_ACCESS);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_EQ(grant_maps(M), 0);
    teardown();
}

TEST(unmap_refuses_bad_handles_and_gfns)
{
    grant_handle_t h = 0;

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(unmap(M, h, MAP_GFN + 1), GNTST_GENERAL_ERROR);
    EXPECT_EQ(unmap(M, h, MAP_GFN + (1ull << 32)), GNTST_GENERAL_ERROR);
    EXPECT_EQ(unmap(M, h + 1, MAP_GFN), GNTST_BAD_HANDLE); /* never used */
    EXPECT_EQ(unmap(M, GNTTAB_MAPS_PER_FRAME, MAP_GFN), GNTST_BAD_HANDLE);
    EXPECT_EQ(unmap(M, GNTTAB_MAX_MAPS, MAP_GFN), GNTST_BAD_HANDLE);
    EXPECT_EQ(unmap(M, UINT32_MAX, MAP_GFN), GNTST_BAD_HANDLE);
    EXPECT_EQ(unmap(X, h, MAP_GFN), GNTST_BAD_HANDLE); /* handles are per mapper */
    EXPECT_PINS(G, 0, 0, 1);
    EXPECT_EQ(tbl(M)->nr_maps, 1);
    EXPECT_TRUE(npt_find(&doms[M], MAP_GFN) != NULL);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_BAD_HANDLE);
    EXPECT_QUIET(G);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(copy_between_grants_and_frames)
{
    static uint8_t want[PAGE];
    uint8_t *g5, *g6, *m3, *m4, *x2;

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_M, 6, GTF_PERMIT_ACCESS | GTF_READONLY);
    grant(X, 7, ID_M, 2, GTF_PERMIT_ACCESS);
    g5 = frame_buf(ram_mfn(G, 5));
    g6 = frame_buf(ram_mfn(G, 6));
    m3 = frame_buf(ram_mfn(M, 3));
    m4 = frame_buf(ram_mfn(M, 4));
    x2 = frame_buf(ram_mfn(X, 2));

    /* From a read-only grant to a frame of the copier's own. */
    memset(g6 + 100, 0xab, 50);
    memcpy(want, m3, PAGE);
    memset(want + 10, 0xab, 50);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 100), local_side(3, 10), 50), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(m3, want, PAGE));
    EXPECT_QUIET(G);

    /* From its own frame into a writable grant, up to the page's end. */
    memcpy(want, g5, PAGE);
    memcpy(want + 4000, m4, 96);
    EXPECT_EQ(copy(M, local_side(4, 0), gref_side(ID_G, 0, 4000), 96), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(g5, want, PAGE));

    /* Grant to grant, across granters, a whole page. */
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), gref_side(ID_X, 7, 0), PAGE), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(x2, g6, PAGE));

    /* One grant onto itself, overlapping: memmove semantics. */
    memcpy(want, g5, PAGE);
    memmove(want + 1, want, 100);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 0), gref_side(ID_G, 0, 1), 100), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(g5, want, PAGE));

    /* Frame to frame of the copier itself; and nothing at all. */
    memcpy(want, m4, PAGE);
    memcpy(want + 7, m3 + 3, 33);
    EXPECT_EQ(copy(M, local_side(3, 3), local_side(4, 7), 33), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(m4, want, PAGE));
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 0), local_side(4, 0), 0), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(m4, want, PAGE));

    /* A granter copying from its own grant, by DOMID_SELF. */
    grant(G, 2, ID_G, 7, GTF_PERMIT_ACCESS);
    EXPECT_EQ(copy(G, gref_side(GNTTAB_DOMID_SELF, 2, 0), local_side(8, 0), 64), GNTST_OKAY);
    EXPECT_TRUE(!memcmp(frame_buf(ram_mfn(G, 8)), frame_buf(ram_mfn(G, 7)), 64));

    EXPECT_QUIET(G);
    EXPECT_QUIET(X);
    EXPECT_EQ(tbl(M)->nr_maps, 0);
    EXPECT_TRUE(check_world());
    teardown();
}

/* Frames of every domain, to show a refused copy wrote nothing. */
static uint8_t *snap_frames(void)
{
    uint8_t *s = malloc((size_t)NFRAMES * PAGE);

    if (!s)
        abort();
    for (unsigned k = 0; k < NFRAMES; k++)
        if (frames[k].state != FR_FREE)
            memcpy(s + (size_t)k * PAGE, frames[k].buf, PAGE);
    return s;
}

static bool frames_same(const uint8_t *s)
{
    for (unsigned k = 0; k < NFRAMES; k++)
        if (frames[k].state != FR_FREE && memcmp(s + (size_t)k * PAGE, frames[k].buf, PAGE))
            return false;
    return true;
}

TEST(copy_refuses_crossing_page_end)
{
    uint8_t *snap;

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    snap = snap_frames();
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, PAGE), local_side(3, 0), 1), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 4000), local_side(3, 0), 97), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 0), local_side(3, 4001), 96), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 0, 1), PAGE), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 0), local_side(3, 0), PAGE + 1), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, UINT16_MAX), local_side(3, 0), 0), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 0, UINT16_MAX), 1), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 0, 0), UINT16_MAX), GNTST_BAD_COPY_ARG);
    EXPECT_EQ(copy(M, local_side(3, 4000), local_side(4, 0), 97), GNTST_BAD_COPY_ARG);
    /* Checked last, as Xen's gnttab_copy_buf does once both sides are
     * claimed: a side that fails comes first. */
    EXPECT_EQ(copy(M, gref_side(ID_NONE, 0, 4095), local_side(3, 0), 2), GNTST_BAD_DOMAIN);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 4095), local_side(40, 0), 2), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 4095), local_side(3, 0), 2), GNTST_GENERAL_ERROR); /* not granted */
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 4095), (struct gnttab_copy_side){ .dom = ID_M, .ref_or_gfn = 3 }, 2),
              GNTST_PERMISSION_DENIED);
    EXPECT_TRUE(frames_same(snap));
    free(snap);
    EXPECT_QUIET(G);
    /* Right up to the end is fine. */
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 4000), local_side(3, 4000), 96), GNTST_OKAY);
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, PAGE), local_side(3, PAGE), 0), GNTST_OKAY);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 0, 0), PAGE), GNTST_OKAY);
    EXPECT_QUIET(G);
    teardown();
}

TEST(copy_refuses_bad_sides_and_leaves_no_pin)
{
    grant_handle_t h = 0;
    uint8_t *snap;
    struct gnttab_copy_side foreign = local_side(5, 0);

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS | GTF_READONLY);
    grant(G, 1, ID_M, 6, GTF_PERMIT_ACCESS);
    grant(G, 2, ID_X, 7, GTF_PERMIT_ACCESS);
    grant(G, 3, ID_M, 40, GTF_PERMIT_ACCESS); /* no RAM there */
    grant(X, 0, ID_M, 2, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_X, 0, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    foreign.dom = ID_G;
    snap = snap_frames();
    /* Into a read-only grant: refused after the source was pinned; a
     * general error, as Xen's _set_status_v1 has it. */
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), gref_side(ID_G, 0, 0), 8), GNTST_GENERAL_ERROR);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 0, 0), 8), GNTST_GENERAL_ERROR);
    /* Granted to someone else: a general error too. */
    EXPECT_EQ(copy(M, gref_side(ID_G, 2, 0), local_side(3, 0), 8), GNTST_GENERAL_ERROR);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 2, 0), 8), GNTST_GENERAL_ERROR);
    /* A foreign frame by number needs a grant. */
    EXPECT_EQ(copy(M, foreign, local_side(3, 0), 8), GNTST_PERMISSION_DENIED);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), foreign, 8), GNTST_PERMISSION_DENIED);
    /* So does its own, named by its id rather than DOMID_SELF (Xen's
     * gnttab_copy_lock_domain); a grant may name either. */
    foreign.dom = ID_M;
    EXPECT_EQ(copy(M, foreign, local_side(3, 0), 8), GNTST_PERMISSION_DENIED);
    EXPECT_EQ(copy(M, local_side(3, 0), foreign, 8), GNTST_PERMISSION_DENIED);
    foreign.dom = ID_G;
    /* Both domains are checked before either side is claimed (Xen's
     * gnttab_copy_one): the destination's domain before the source's entry. */
    EXPECT_EQ(copy(M, gref_side(ID_G, 2, 0), foreign, 8), GNTST_PERMISSION_DENIED);
    EXPECT_EQ(copy(M, gref_side(ID_G, 2, 0), gref_side(ID_NONE, 0, 0), 8), GNTST_BAD_DOMAIN);
    EXPECT_EQ(copy(M, local_side(40, 0), gref_side(ID_NONE, 0, 0), 8), GNTST_BAD_DOMAIN);
    EXPECT_EQ(copy(M, foreign, gref_side(ID_NONE, 0, 0), 8), GNTST_PERMISSION_DENIED); /* the source's first */
    /* Then the source's claim before the destination's. */
    EXPECT_EQ(copy(M, gref_side(ID_G, 2, 0), gref_side(ID_G, 0, 0), 8), GNTST_GENERAL_ERROR);
    EXPECT_EQ(copy(M, local_side(40, 0), gref_side(ID_G, GNTTAB_ENTRIES_PER_FRAME, 0), 8), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, gref_side(ID_G, GNTTAB_ENTRIES_PER_FRAME, 0), local_side(40, 0), 8), GNTST_BAD_GNTREF);
    /* No such granter, no such ref. */
    EXPECT_EQ(copy(M, gref_side(ID_NONE, 1, 0), local_side(3, 0), 8), GNTST_BAD_DOMAIN);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), gref_side(ID_NONE, 1, 0), 8), GNTST_BAD_DOMAIN);
    EXPECT_EQ(copy(M, gref_side(ID_G, GNTTAB_ENTRIES_PER_FRAME, 0), local_side(3, 0), 8), GNTST_BAD_GNTREF);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), gref_side(ID_G, UINT32_MAX, 0), 8), GNTST_BAD_GNTREF);
    EXPECT_EQ(copy(M, (struct gnttab_copy_side){ .gref = true, .dom = ID_G, .ref_or_gfn = (1ull << 32) | 1 },
                   local_side(3, 0), 8),
              GNTST_BAD_GNTREF);
    /* Frames that are not RAM: a hole, a grant mapping, a granted hole. */
    EXPECT_EQ(copy(M, local_side(40, 0), local_side(3, 0), 8), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), local_side(40, 0), 8), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, gref_side(ID_G, 1, 0), local_side(MAP_GFN, 0), 8), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, gref_side(ID_G, 3, 0), local_side(3, 0), 8), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, local_side(3, 0), gref_side(ID_G, 3, 0), 8), GNTST_BAD_PAGE);
    EXPECT_EQ(copy(M, local_side(UINT64_MAX, 0), local_side(3, 0), 8), GNTST_BAD_PAGE);
    EXPECT_TRUE(frames_same(snap));
    free(snap);
    EXPECT_QUIET(G);
    EXPECT_EQ(gflags(G, 0), GTF_PERMIT_ACCESS | GTF_READONLY);
    EXPECT_EQ(gflags(G, 1), GTF_PERMIT_ACCESS);
    EXPECT_PINS(X, 0, 0, 1); /* the mapping's pin, no more */
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    teardown();
}

TEST(maptrack_exhaustion_and_growth)
{
    static grant_handle_t hs[GNTTAB_MAPS_PER_FRAME + 1];
    grant_handle_t h = 0;

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    for (unsigned k = 0; k < GNTTAB_MAPS_PER_FRAME; k++) {
        EXPECT_FALSE(gnttab_maptrack_full(tbl(M)));
        EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN + k, &hs[k]), GNTST_OKAY);
        EXPECT_EQ(hs[k], k);
    }
    EXPECT_TRUE(gnttab_maptrack_full(tbl(M)));
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN + GNTTAB_MAPS_PER_FRAME, &h), GNTST_NO_SPACE);
    EXPECT_PINS(G, 0, 0, GNTTAB_MAPS_PER_FRAME);
    EXPECT_TRUE(npt_find(&doms[M], MAP_GFN + GNTTAB_MAPS_PER_FRAME) == NULL);
    EXPECT_TRUE(check_world());

    /* One more maptrack frame: mapping works again. */
    EXPECT_EQ(dom_add_maptrack(M), 0);
    EXPECT_FALSE(gnttab_maptrack_full(tbl(M)));
    EXPECT_EQ(map(M, ID_G, 0, HOST_RO, MAP_GFN + GNTTAB_MAPS_PER_FRAME, &hs[GNTTAB_MAPS_PER_FRAME]), GNTST_OKAY);
    EXPECT_EQ(hs[GNTTAB_MAPS_PER_FRAME], GNTTAB_MAPS_PER_FRAME);
    EXPECT_PINS(G, 0, 1, GNTTAB_MAPS_PER_FRAME);
    /* A freed handle is reused first. */
    EXPECT_EQ(unmap(M, hs[17], MAP_GFN + 17), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN + 17, &hs[17]), GNTST_OKAY);
    EXPECT_EQ(hs[17], 17);
    EXPECT_TRUE(check_world());

    /* Up to the limit of maptrack frames, and no further. */
    while (tbl(M)->nr_maptrack_frames < GNTTAB_MAPTRACK_FRAMES)
        EXPECT_EQ(dom_add_maptrack(M), 0);
    EXPECT_EQ(dom_add_maptrack(M), -ERR_NOSPC);
    for (unsigned k = 0; k <= GNTTAB_MAPS_PER_FRAME; k++)
        EXPECT_EQ(unmap(M, hs[k], MAP_GFN + k), GNTST_OKAY);
    EXPECT_QUIET(G);
    EXPECT_EQ(grant_maps(M), 0);

    /* A domain without maptrack frames maps nothing. */
    dom_destroy(X);
    dom_create(X, 1, 0);
    EXPECT_TRUE(gnttab_maptrack_full(tbl(X)));
    grant(G, 1, ID_X, 6, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(X, ID_G, 1, HOST_RW, MAP_GFN, &h), GNTST_NO_SPACE);
    EXPECT_EQ(unmap(X, 0, MAP_GFN), GNTST_BAD_HANDLE);
    EXPECT_QUIET(G);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(table_growth_stops_at_its_limits)
{
    static uint8_t dummy[PAGE];
    static struct gnttab_table t;

    gnttab_table_init(&t, 12);
    EXPECT_EQ(t.dom, 12);
    EXPECT_EQ(t.nr_frames, 0);
    EXPECT_TRUE(gnttab_maptrack_full(&t));
    EXPECT_FALSE(gnttab_frame_pinned(&t, 0));
    for (unsigned k = 0; k < GNTTAB_MAX_FRAMES; k++)
        EXPECT_EQ(gnttab_add_frame(&t, dummy, dummy), 0);
    EXPECT_EQ(gnttab_add_frame(&t, dummy, dummy), -ERR_NOSPC);
    EXPECT_EQ(t.nr_frames, GNTTAB_MAX_FRAMES);
    for (unsigned k = 0; k < GNTTAB_MAPTRACK_FRAMES; k++)
        EXPECT_EQ(gnttab_add_maptrack(&t, dummy), 0);
    EXPECT_EQ(gnttab_add_maptrack(&t, dummy), -ERR_NOSPC);
    EXPECT_EQ(t.nr_maptrack_frames, GNTTAB_MAPTRACK_FRAMES);
}

TEST(same_ref_mapped_twice_pins_twice)
{
    grant_handle_t h1 = 0, h2 = 0, h3 = 0;

    setup();
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h1), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN + 1, &h2), GNTST_OKAY);
    EXPECT_NE(h1, h2);
    EXPECT_PINS(G, 0, 0, 2);
    EXPECT_EQ(tbl(G)->nr_pinned, 1);
    EXPECT_EQ(npt_find(&doms[M], MAP_GFN)->mfn, npt_find(&doms[M], MAP_GFN + 1)->mfn);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RO, MAP_GFN + 2, &h3), GNTST_OKAY);
    EXPECT_PINS(G, 0, 1, 2);
    EXPECT_FLAGS(G, 0, GTF_READING | GTF_WRITING);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h1, MAP_GFN), GNTST_OKAY);
    EXPECT_PINS(G, 0, 1, 1);
    EXPECT_FLAGS(G, 0, GTF_READING | GTF_WRITING);
    EXPECT_EQ(unmap(M, h2, MAP_GFN + 1), GNTST_OKAY);
    EXPECT_PINS(G, 0, 1, 0);
    EXPECT_FLAGS(G, 0, GTF_READING); /* writing went down with the last writable pin */
    EXPECT_FALSE(end_access(G, 0));
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h3, MAP_GFN + 2), GNTST_OKAY);
    EXPECT_QUIET(G);
    EXPECT_TRUE(end_access(G, 0));
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(frame_pinned_follows_mappings)
{
    grant_handle_t hm = 0, hx = 0, h2 = 0;
    uint32_t mfn5;

    setup();
    mfn5 = ram_mfn(G, 5);
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_X, 5, GTF_PERMIT_ACCESS | GTF_READONLY); /* the same frame under two refs */
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_EQ(copy(M, gref_side(ID_G, 0, 0), local_side(3, 0), 10), GNTST_OKAY);
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 5)); /* a copy pins only while it runs */
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &hm), GNTST_OKAY);
    EXPECT_TRUE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_EQ(map(X, ID_G, 1, HOST_RO, MAP_GFN, &hx), GNTST_OKAY);
    EXPECT_EQ(tbl(G)->nr_pinned, 2);
    EXPECT_EQ(unmap(M, hm, MAP_GFN), GNTST_OKAY);
    EXPECT_TRUE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_EQ(unmap(X, hx, MAP_GFN), GNTST_OKAY);
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 5));

    /* The frame is the one read at the first pin: a granter rewriting the
     * entry under a mapping moves nothing. */
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &hm), GNTST_OKAY);
    grant(G, 0, ID_M, 6, GTF_PERMIT_ACCESS | GTF_READING | GTF_WRITING);
    EXPECT_TRUE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 6));
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN + 1, &h2), GNTST_OKAY);
    EXPECT_EQ(npt_find(&doms[M], MAP_GFN + 1)->mfn, mfn5);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, hm, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(unmap(M, h2, MAP_GFN + 1), GNTST_OKAY);
    EXPECT_FALSE(gnttab_frame_pinned(tbl(G), 5));
    EXPECT_QUIET(G);
    teardown();
}

TEST(mapper_death_unmaps_everything)
{
    grant_handle_t h = 0;
    uint32_t mfn5, mfn6;

    setup();
    mfn5 = ram_mfn(G, 5);
    mfn6 = ram_mfn(G, 6);
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_M, 6, GTF_PERMIT_ACCESS | GTF_READONLY);
    grant(X, 0, ID_M, 2, GTF_PERMIT_ACCESS);
    grant(M, 0, ID_M, 7, GTF_PERMIT_ACCESS); /* and one of its own */
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RO, MAP_GFN + 1, &h), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 1, HOST_RO, MAP_GFN + 2, &h), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_X, 0, HOST_RW, MAP_GFN + 3, &h), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_M, 0, HOST_RW, MAP_GFN + 4, &h), GNTST_OKAY);
    EXPECT_EQ(map(X, ID_G, 0, HOST_RW, MAP_GFN, &h), GNTST_GENERAL_ERROR);
    EXPECT_TRUE(check_world());

    dom_destroy(M);
    EXPECT_QUIET(G);
    EXPECT_QUIET(X);
    EXPECT_EQ(gflags(G, 0), GTF_PERMIT_ACCESS);
    EXPECT_EQ(gflags(G, 1), GTF_PERMIT_ACCESS | GTF_READONLY);
    EXPECT_EQ(gflags(X, 0), GTF_PERMIT_ACCESS);
    EXPECT_EQ(ram_mfn(G, 5), mfn5); /* the granters keep their frames */
    EXPECT_EQ(ram_mfn(G, 6), mfn6);
    EXPECT_EQ(nr_detached, 0);
    EXPECT_EQ(nr_orphans_freed, 0);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(granter_death_orphans_live_mappings)
{
    grant_handle_t h = 0;
    uint32_t mfn5;

    setup();
    mfn5 = ram_mfn(G, 5);
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_M, 6, GTF_PERMIT_ACCESS); /* granted, not mapped */
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    memset(frame_buf(mfn5), 0x5a, PAGE);

    dom_destroy(G);
    /* The mapped frame left G without being freed; the rest went back. */
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    EXPECT_EQ(nr_detached, 1);
    EXPECT_EQ(nr_orphans_freed, 0);
    for (unsigned k = 0; k < NFRAMES; k++)
        EXPECT_FALSE(frames[k].state == FR_RAM && frames[k].owner == ID_G);
    EXPECT_EQ(npt_find(&doms[M], MAP_GFN)->mfn, mfn5);
    EXPECT_EQ(map_at(M, h)->flags, GNTTAB_MAP_USED | GNTTAB_MAP_ORPHAN);
    EXPECT_EQ(frame_buf(mfn5)[PAGE - 1], 0x5a);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN + 1, &h), GNTST_BAD_DOMAIN);

    /* The last mapping gone, the frame is freed, once. */
    EXPECT_EQ(unmap(M, h, MAP_GFN + 1), GNTST_GENERAL_ERROR);
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(frame_of(mfn5)->state, FR_FREE);
    EXPECT_EQ(nr_orphans_freed, 1);
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_BAD_HANDLE);
    EXPECT_EQ(nr_orphans_freed, 1);
    EXPECT_TRUE(check_world());

    /* A mapper dying after its granter frees the orphans with it. */
    dom_create(G, 1, 1);
    mfn5 = ram_mfn(G, 5);
    grant(G, 0, ID_X, 5, GTF_PERMIT_ACCESS | GTF_READONLY);
    EXPECT_EQ(map(X, ID_G, 0, HOST_RO, MAP_GFN, &h), GNTST_OKAY);
    dom_destroy(G);
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    dom_destroy(X);
    EXPECT_EQ(frame_of(mfn5)->state, FR_FREE);
    EXPECT_EQ(nr_orphans_freed, 2);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(granter_death_same_frame_under_two_refs)
{
    grant_handle_t h1 = 0, h2 = 0, hx = 0;
    uint32_t mfn5;

    setup();
    mfn5 = ram_mfn(G, 5);
    grant(G, 0, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_X, 5, GTF_PERMIT_ACCESS | GTF_READONLY);
    grant(G, 2, ID_M, 5, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(M, ID_G, 0, HOST_RW, MAP_GFN, &h1), GNTST_OKAY);
    EXPECT_EQ(map(X, ID_G, 1, HOST_RO, MAP_GFN, &hx), GNTST_OKAY);
    EXPECT_EQ(map(M, ID_G, 2, HOST_RW, MAP_GFN + 1, &h2), GNTST_OKAY);
    dom_destroy(G);
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    EXPECT_EQ(nr_detached, 1);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h1, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    EXPECT_EQ(unmap(X, hx, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    EXPECT_EQ(nr_orphans_freed, 0);
    EXPECT_TRUE(check_world());
    dom_destroy(M); /* its release unmaps the last one */
    EXPECT_EQ(frame_of(mfn5)->state, FR_FREE);
    EXPECT_EQ(nr_orphans_freed, 1);
    EXPECT_TRUE(check_world());
    teardown();
}

TEST(granter_maps_own_grant_and_dies)
{
    grant_handle_t h = 0, hm = 0;
    uint32_t mfn5, mfn6;

    setup();
    mfn5 = ram_mfn(G, 5);
    mfn6 = ram_mfn(G, 6);
    grant(G, 0, ID_G, 5, GTF_PERMIT_ACCESS);
    grant(G, 1, ID_M, 5, GTF_PERMIT_ACCESS);
    grant(G, 2, ID_G, 6, GTF_PERMIT_ACCESS);
    EXPECT_EQ(map(G, ID_G, 0, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(map(G, ID_G, 2, HOST_RO, MAP_GFN + 1, &h), GNTST_OKAY);
    EXPECT_EQ(npt_find(&doms[G], MAP_GFN)->mfn, mfn5);
    EXPECT_EQ(map(M, ID_G, 1, HOST_RO, MAP_GFN, &hm), GNTST_OKAY);
    EXPECT_TRUE(check_world());
    dom_destroy(G);
    /* Its own mappings went first; frame 5 is M's orphan, frame 6 was
     * freed with the rest of G's RAM. */
    EXPECT_EQ(frame_of(mfn5)->state, FR_DETACHED);
    EXPECT_EQ(frame_of(mfn6)->state, FR_FREE);
    EXPECT_EQ(nr_detached, 1);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, hm, MAP_GFN), GNTST_OKAY);
    EXPECT_EQ(frame_of(mfn5)->state, FR_FREE);
    EXPECT_TRUE(check_world());
    teardown();
}

/* ---------------------------------------------------------- random run */

/*
 * Each step one random operation: a granter's guest writes, ends or (a
 * hostile one) rewrites a pinned entry; a mapper maps, unmaps or copies
 * with arguments that are mostly sensible and sometimes garbage; RAM is
 * ballooned out (only if gnttab_frame_pinned says the frame is free) or
 * in; domains die and come back. The expected status of every map, unmap
 * and copy is computed beforehand from the documented rules (except on an
 * entry a hostile granter rewrote while pinned, where only the invariants
 * are checked); a refused request must change nothing; a copy must move
 * exactly its bytes; and check_world runs after every step.
 */
enum gop {
    O_GRANT,
    O_END,
    O_HOSTILE,
    O_MAP,
    O_UNMAP,
    O_COPY,
    O_BALLOON_OUT,
    O_BALLOON_IN,
    O_ADD_MAPTRACK,
    O_PINNED,
    O_DIE,
    O_REVIVE,
    O_SEED,
    O_NR
};

static const char *const gop_name[O_NR] = { "grant", "end_access",  "hostile",    "map",          "unmap",
                                            "copy",  "balloon_out", "balloon_in", "add_maptrack", "pinned",
                                            "die",   "revive",      "seed" };

#define RANDOM_STEPS 40000
#define RND_REFS     48  /* refs the granters mostly use */
#define RND_GFNS     560 /* mappings go to MAP_GFN .. MAP_GFN + RND_GFNS - 1 */
#define FLOOD_EVERY  4000
#define FLOOD_STEPS  1200 /* enough to fill two maptrack frames */
#define FLOOD_FULL   8    /* a flood ends after this many GNTST_no_space */
#define NR_STATUS    14   /* GNTST_OKAY .. GNTST_NO_SPACE, negated */

static unsigned long long rstep, op_count[O_NR], status_seen[O_NR][NR_STATUS];
static bool rbroken;
static bool tampered[NDOMS][MAX_REFS];
static unsigned long long random_steps;

static void rbreak(enum gop op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rbreak(enum gop op, const char *fmt, ...)
{
    char msg[240];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    test_fail(__FILE__, __LINE__, "step %llu, %s: %s", rstep, gop_name[op], msg);
    rbroken = true;
}

static unsigned nr_live(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < NDOMS; i++)
        n += doms[i].live;
    return n;
}

static unsigned rand_live(void)
{
    unsigned i = test_rng_below(NDOMS);

    while (!doms[i].live)
        i = (i + 1) % NDOMS;
    return i;
}

static uint16_t rand_id(void)
{
    static const uint16_t garbage[] = { 0, ID_NONE, 64, DOMID_IO, 0xffff };
    uint32_t r = test_rng_below(100);

    if (r < 80)
        return dom_ids[test_rng_below(NDOMS)];
    if (r < 85)
        return GNTTAB_DOMID_SELF;
    return garbage[test_rng_below(ARRAY_SIZE(garbage))];
}

static uint32_t nr_refs(unsigned i)
{
    return doms[i].t.nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

static uint64_t rand_ref(unsigned i)
{
    static const uint64_t garbage[] = { 0x80000000u, UINT32_MAX, 1ull << 32, UINT64_MAX };
    uint32_t r = test_rng_below(100);

    if (r < 60)
        return test_rng_below(RND_REFS);
    if (r < 75)
        return test_rng_below(nr_refs(i));
    if (r < 85)
        return nr_refs(i) + test_rng_below(4);
    return garbage[test_rng_below(ARRAY_SIZE(garbage))];
}

/* Mostly a ref of granter gi that grants something to domain to. */
static uint64_t granted_ref(unsigned gi, uint16_t to)
{
    if (doms[gi].live && test_rng_below(100) < 75) {
        grant_ref_t start = test_rng_below(RND_REFS);

        for (grant_ref_t k = 0; k < RND_REFS; k++) {
            grant_ref_t r = (start + k) % RND_REFS;
            uint32_t w = entry_word(gi, r);
            if ((w & GTF_TYPE_MASK) == GTF_PERMIT_ACCESS && w >> 16 == to)
                return r;
        }
    }
    return rand_ref(gi);
}

static uint64_t rand_map_gfn(void)
{
    static const uint64_t garbage[] = { GFN_LIMIT, GFN_LIMIT + 5, 0xffffffffu, 1ull << 32, UINT64_MAX };
    uint32_t r = test_rng_below(100);

    if (r < 85)
        return MAP_GFN + test_rng_below(RND_GFNS);
    if (r < 92)
        return test_rng_below(RAM_GFNS);
    return garbage[test_rng_below(ARRAY_SIZE(garbage))];
}

static uint16_t rand_offset(void)
{
    static const uint16_t edge[] = { 0, 1, PAGE - 1, PAGE, PAGE + 1, UINT16_MAX };
    uint32_t r = test_rng_below(100);

    if (r < 50)
        return (uint16_t)test_rng_below(PAGE / 4);
    if (r < 75)
        return (uint16_t)test_rng_below(PAGE);
    if (r < 90)
        return edge[test_rng_below(ARRAY_SIZE(edge))];
    return (uint16_t)test_rng_next();
}

static int live_or_self(unsigned me, uint16_t id)
{
    return live_index(id == GNTTAB_DOMID_SELF ? doms[me].id : id);
}

/* What pinning ref of granter gi for domain me would answer (Xen's
 * _set_status_v1: wrong type or domain, or a writable pin of a read-only
 * entry, is GNTST_general_error); *mfn is the frame on GNTST_OKAY. */
static int expect_acquire(unsigned me, unsigned gi, uint64_t ref, bool ro, uint32_t *mfn)
{
    const struct gnttab_active *a;
    uint32_t w;

    if (ref >= nr_refs(gi))
        return GNTST_BAD_GNTREF;
    w = entry_word(gi, (grant_ref_t)ref);
    if ((w & GTF_TYPE_MASK) != GTF_PERMIT_ACCESS || w >> 16 != doms[me].id || (!ro && (w & GTF_READONLY)))
        return GNTST_GENERAL_ERROR;
    a = act(gi, (grant_ref_t)ref);
    *mfn = ram_mfn(gi, a->pin_ro + a->pin_rw ? a->gfn : entry_frame(gi, (grant_ref_t)ref));
    return *mfn ? GNTST_OKAY : GNTST_BAD_PAGE;
}

/* Whether the outcome for ref of granter gi is beyond the rules: a
 * hostile granter rewrote it while pinned, and it is still pinned. */
static bool unpredictable(int gi, uint64_t ref)
{
    const struct gnttab_active *a;

    if (gi < 0 || ref >= nr_refs((unsigned)gi))
        return false;
    a = act((unsigned)gi, (grant_ref_t)ref);
    if (a->pin_ro + a->pin_rw == 0)
        tampered[gi][ref] = false;
    return tampered[gi][ref];
}

static void note_status(enum gop op, int st)
{
    if (st <= 0 && st > -NR_STATUS)
        status_seen[op][-st]++;
}

/* A free gfn of domain mi where mappings go, or 0 if none. */
static uint64_t free_map_gfn(unsigned mi)
{
    uint32_t start = test_rng_below(RND_GFNS);

    for (uint32_t k = 0; k < RND_GFNS; k++) {
        uint64_t gfn = MAP_GFN + (start + k) % RND_GFNS;
        if (!npt_find(&doms[mi], gfn))
            return gfn;
    }
    return 0;
}

static struct {
    unsigned left; /* steps of the flood still to come */
    unsigned full; /* GNTST_no_space results it has had */
    unsigned mi, gi;
} flood;

/* A mapping request: random, or during a flood a sensible one from
 * flood.mi of one of flood.gi's grants to a free gfn. */
static void step_map(void)
{
    static const uint32_t bad_flags[] = { 0,
                                          GNTMAP_READONLY,
                                          GNTMAP_APPLICATION_MAP | GNTMAP_CONTAINS_PTE,
                                          GNTMAP_DEVICE_MAP,
                                          GNTMAP_DEVICE_MAP | GNTMAP_HOST_MAP,
                                          GNTMAP_DEVICE_MAP | GNTMAP_HOST_MAP | GNTMAP_READONLY,
                                          GNTMAP_HOST_MAP | GNTMAP_CONTAINS_PTE,
                                          GNTMAP_HOST_MAP | GNTMAP_APPLICATION_MAP };
    unsigned mi = flood.left ? flood.mi : rand_live();
    uint16_t id = flood.left ? doms[flood.gi].id : rand_id();
    int gi = id == GNTTAB_DOMID_SELF ? -1 : live_index(id); /* by id only, as Xen's map */
    grant_ref_t ref = (grant_ref_t)(gi >= 0 ? granted_ref((unsigned)gi, doms[mi].id) : rand_ref(mi));
    uint64_t gfn = flood.left ? free_map_gfn(mi) : rand_map_gfn();
    uint32_t flags = test_rng_below(100) < 90 ? (test_rng_below(10) < 4 ? HOST_RO : HOST_RW)
                                              : bad_flags[test_rng_below(ARRAY_SIZE(bad_flags))];
    bool ro;
    struct gnttab_active before_act = { 0, 0, 0 };
    uint32_t before_word = 0, mfn = 0, nr_maps = doms[mi].t.nr_maps, nr_npt = doms[mi].nr_npt;
    bool wild = unpredictable(gi, ref), ref_ok = gi >= 0 && ref < nr_refs((unsigned)gi);
    grant_handle_t h = UINT32_MAX;
    int want, st;

    if (flood.left)
        flags = ref < nr_refs((unsigned)gi) && (entry_word((unsigned)gi, ref) & GTF_READONLY) ? HOST_RO : HOST_RW;
    ro = flags & GNTMAP_READONLY;
    if (!(flags & (GNTMAP_HOST_MAP | GNTMAP_DEVICE_MAP)))
        want = GNTST_BAD_GNTREF;
    else if (flags & (GNTMAP_DEVICE_MAP | GNTMAP_APPLICATION_MAP | GNTMAP_CONTAINS_PTE))
        want = GNTST_GENERAL_ERROR;
    else if (gfn > UINT32_MAX)
        want = GNTST_BAD_VIRT_ADDR;
    else if (gi < 0)
        want = GNTST_BAD_DOMAIN;
    else if (doms[mi].t.nr_maps >= doms[mi].t.nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME)
        want = GNTST_NO_SPACE;
    else if ((want = expect_acquire(mi, (unsigned)gi, ref, ro, &mfn)) != GNTST_OKAY)
        ;
    else if (gfn >= GFN_LIMIT || npt_find(&doms[mi], gfn) || doms[mi].nr_npt == NPT_MAX)
        want = GNTST_BAD_VIRT_ADDR;
    if (ref_ok) {
        before_act = *act((unsigned)gi, (grant_ref_t)ref);
        before_word = entry_word((unsigned)gi, (grant_ref_t)ref);
    }
    st = map(mi, id, (grant_ref_t)ref, flags, gfn, &h);
    note_status(O_MAP, st);
    if (flood.left && st == GNTST_NO_SPACE && ++flood.full == FLOOD_FULL)
        flood.left = 0; /* the maptrack is full: done */
    if (!wild && st != want) {
        rbreak(O_MAP, "d%u maps d%u ref 0x%llx flags 0x%x at gfn 0x%llx: status %d, want %d", doms[mi].id, id,
               (unsigned long long)ref, flags, (unsigned long long)gfn, st, want);
        return;
    }
    if (st != GNTST_OKAY) {
        if (doms[mi].t.nr_maps != nr_maps || doms[mi].nr_npt != nr_npt ||
            (ref_ok && (act((unsigned)gi, (grant_ref_t)ref)->pin_ro != before_act.pin_ro ||
                        act((unsigned)gi, (grant_ref_t)ref)->pin_rw != before_act.pin_rw ||
                        entry_word((unsigned)gi, (grant_ref_t)ref) != before_word)))
            rbreak(O_MAP,
                   "refused (%d) but changed something: maps %u->%u npt %u->%u pins %u+%u->%u+%u word 0x%x->0x%x", st,
                   nr_maps, doms[mi].t.nr_maps, nr_npt, doms[mi].nr_npt, before_act.pin_ro, before_act.pin_rw,
                   ref_ok ? act((unsigned)gi, (grant_ref_t)ref)->pin_ro : 0,
                   ref_ok ? act((unsigned)gi, (grant_ref_t)ref)->pin_rw : 0, before_word,
                   ref_ok ? entry_word((unsigned)gi, (grant_ref_t)ref) : 0);
        return;
    }
    if (h >= doms[mi].t.nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME || doms[mi].t.nr_maps != nr_maps + 1) {
        rbreak(O_MAP, "handle %u, nr_maps %u after %u", h, doms[mi].t.nr_maps, nr_maps);
        return;
    }
    {
        const struct gnttab_map *m = map_at(mi, h);
        const struct gnttab_active *a = act((unsigned)gi, (grant_ref_t)ref);

        if (m->granter != doms[gi].id || m->ref != ref || m->gfn != gfn || (!wild && m->mfn != mfn) ||
            !!(m->flags & GNTTAB_MAP_READONLY) != ro || (m->flags & GNTTAB_MAP_ORPHAN))
            rbreak(O_MAP, "handle %u recorded wrongly", h);
        else if (a->pin_ro != before_act.pin_ro + ro || a->pin_rw != before_act.pin_rw + !ro)
            rbreak(O_MAP, "pins %u+%u after %u+%u", a->pin_ro, a->pin_rw, before_act.pin_ro, before_act.pin_rw);
    }
}

/* Mostly a handle of domain mi in use. */
static grant_handle_t used_handle(unsigned mi)
{
    uint32_t limit = doms[mi].t.nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME;

    if (limit && doms[mi].t.nr_maps && test_rng_below(100) < 85) {
        grant_handle_t start = test_rng_below(limit);

        for (grant_handle_t k = 0; k < limit; k++) {
            grant_handle_t h = (start + k) % limit;
            if (map_at(mi, h)->flags & GNTTAB_MAP_USED)
                return h;
        }
    }
    switch (test_rng_below(4)) {
    case 0: return limit;
    case 1: return UINT32_MAX;
    case 2: return (grant_handle_t)test_rng_next();
    default: return test_rng_below(limit + 1);
    }
}

static void step_unmap(void)
{
    unsigned mi = rand_live();
    grant_handle_t h = used_handle(mi);
    uint32_t limit = doms[mi].t.nr_maptrack_frames * GNTTAB_MAPS_PER_FRAME, nr_maps = doms[mi].t.nr_maps;
    struct gnttab_map m = { 0, 0, 0, 0, 0 };
    uint64_t gfn;
    int want, st, gi = -1;
    struct gnttab_active before_act = { 0, 0, 0 };

    if (h < limit)
        m = *map_at(mi, h);
    gfn = test_rng_below(100) < 90 ? m.gfn : rand_map_gfn();
    if (h >= limit || !(m.flags & GNTTAB_MAP_USED))
        want = GNTST_BAD_HANDLE;
    else if (gfn != m.gfn)
        want = GNTST_GENERAL_ERROR;
    else
        want = GNTST_OKAY;
    if (want == GNTST_OKAY && !(m.flags & GNTTAB_MAP_ORPHAN)) {
        gi = live_index(m.granter);
        if (gi >= 0)
            before_act = *act((unsigned)gi, m.ref);
    }
    st = unmap(mi, h, gfn);
    note_status(O_UNMAP, st);
    if (st != want) {
        rbreak(O_UNMAP, "d%u handle 0x%x gfn 0x%llx: status %d, want %d", doms[mi].id, h, (unsigned long long)gfn, st,
               want);
        return;
    }
    if (st != GNTST_OKAY) {
        if (doms[mi].t.nr_maps != nr_maps)
            rbreak(O_UNMAP, "refused (%d) but changed nr_maps", st);
        return;
    }
    if (doms[mi].t.nr_maps != nr_maps - 1 || npt_find(&doms[mi], m.gfn))
        rbreak(O_UNMAP, "mapping still there");
    else if (gi >= 0 && (act((unsigned)gi, m.ref)->pin_ro + !!(m.flags & GNTTAB_MAP_READONLY) != before_act.pin_ro ||
                         act((unsigned)gi, m.ref)->pin_rw + !(m.flags & GNTTAB_MAP_READONLY) != before_act.pin_rw))
        rbreak(O_UNMAP, "pins did not drop by one");
}

/* One random side of a copy by domain me; *gi is the granter (gref) or -1. */
static struct gnttab_copy_side rand_side(unsigned me)
{
    struct gnttab_copy_side s = { .offset = rand_offset() };

    if (test_rng_below(2)) {
        int gi;

        s.gref = true;
        s.dom = rand_id();
        gi = live_or_self(me, s.dom);
        s.ref_or_gfn = gi >= 0 ? granted_ref((unsigned)gi, doms[me].id) : rand_ref(me);
    } else {
        uint32_t r = test_rng_below(100);

        s.dom = r < 75 ? GNTTAB_DOMID_SELF : r < 85 ? doms[me].id : rand_id();
        s.ref_or_gfn = test_rng_below(100) < 85 ? test_rng_below(RAM_GFNS + 4) : rand_map_gfn();
    }
    return s;
}

/* Xen's gnttab_copy_lock_domain for one side: a frame by number only by
 * DOMID_SELF, a grant's domain by id or DOMID_SELF. *gi is the granter
 * (gref) or -1. */
static int expect_domain(unsigned me, const struct gnttab_copy_side *s, int *gi)
{
    *gi = -1;
    if (!s->gref)
        return s->dom == GNTTAB_DOMID_SELF ? GNTST_OKAY : GNTST_PERMISSION_DENIED;
    *gi = live_or_self(me, s->dom);
    return *gi < 0 ? GNTST_BAD_DOMAIN : GNTST_OKAY;
}

/* Xen's gnttab_copy_claim_buf for one side whose domain passed. */
static int expect_claim(unsigned me, const struct gnttab_copy_side *s, int gi, bool ro, uint32_t *mfn)
{
    if (!s->gref) {
        *mfn = ram_mfn(me, s->ref_or_gfn);
        return *mfn ? GNTST_OKAY : GNTST_BAD_PAGE;
    }
    return expect_acquire(me, (unsigned)gi, s->ref_or_gfn, ro, mfn);
}

static void step_copy(void)
{
    static uint8_t src_bytes[PAGE], dst_before[PAGE];
    unsigned mi = rand_live();
    struct gnttab_copy_side src = rand_side(mi), dst = rand_side(mi);
    uint16_t len = test_rng_below(100) < 75 ? (uint16_t)test_rng_below(PAGE / 4) : rand_offset();
    uint32_t smfn = 0, dmfn = 0;
    int want, st, sgi = -1, dgi = -1;
    bool wild,
        args_ok = src.offset <= PAGE && len <= PAGE - src.offset && dst.offset <= PAGE && len <= PAGE - dst.offset;

    /* Xen's gnttab_copy_one: both domains, the source (read-only), the
     * destination (writable), and the lengths last. */
    if ((want = expect_domain(mi, &src, &sgi)) != GNTST_OKAY || (want = expect_domain(mi, &dst, &dgi)) != GNTST_OKAY)
        ;
    else if ((want = expect_claim(mi, &src, sgi, true, &smfn)) != GNTST_OKAY)
        ;
    else if ((want = expect_claim(mi, &dst, dgi, false, &dmfn)) != GNTST_OKAY)
        ;
    else if (!args_ok)
        want = GNTST_BAD_COPY_ARG;
    wild = (src.gref && unpredictable(live_or_self(mi, src.dom), src.ref_or_gfn)) ||
           (dst.gref && unpredictable(live_or_self(mi, dst.dom), dst.ref_or_gfn));
    if (dmfn) {
        if (args_ok)
            memcpy(src_bytes, frame_buf(smfn) + src.offset, len);
        memcpy(dst_before, frame_buf(dmfn), PAGE);
    }
    st = copy(mi, src, dst, len);
    note_status(O_COPY, st);
    if (!wild && st != want) {
        rbreak(O_COPY, "d%u: %s d%u 0x%llx+%u -> %s d%u 0x%llx+%u len %u: status %d, want %d", doms[mi].id,
               src.gref ? "gref" : "gfn", src.dom, (unsigned long long)src.ref_or_gfn, src.offset,
               dst.gref ? "gref" : "gfn", dst.dom, (unsigned long long)dst.ref_or_gfn, dst.offset, len, st, want);
        return;
    }
    if (wild || !dmfn)
        return;
    if (st == GNTST_OKAY)
        memcpy(dst_before + dst.offset, src_bytes, len);
    if (memcmp(frame_buf(dmfn), dst_before, PAGE))
        rbreak(O_COPY, st == GNTST_OKAY ? "the destination frame is not the source's bytes over the old ones"
                                        : "a refused copy wrote to the destination frame");
}

static void step_grant(void)
{
    unsigned gi = rand_live();
    grant_ref_t ref = test_rng_below(100) < 90 ? test_rng_below(RND_REFS) : test_rng_below(nr_refs(gi));
    uint32_t r = test_rng_below(100), flags, frame;
    uint16_t to;

    if (gflags(gi, ref) & (GTF_READING | GTF_WRITING))
        return; /* in use: a well-behaved granter leaves it */
    to = r < 70 ? dom_ids[test_rng_below(NDOMS)] : r < 80 ? doms[gi].id : rand_id();
    r = test_rng_below(100);
    frame = r < 80   ? test_rng_below(RAM_GFNS + 4)
            : r < 90 ? MAP_GFN + test_rng_below(RND_GFNS)
                     : (uint32_t)test_rng_next();
    flags = GTF_PERMIT_ACCESS | (test_rng_below(10) < 3 ? GTF_READONLY : 0);
    if (test_rng_below(100) < 5)
        flags = (flags & ~GTF_TYPE_MASK) | test_rng_below(4); /* invalid, transfer, ... */
    grant(gi, ref, to, frame, flags);
}

/* A hostile granter rewrites a pinned entry (keeping the bits the core
 * set, so the flag invariant still speaks for the core). */
static void step_hostile(void)
{
    unsigned gi = rand_live();
    grant_ref_t start = test_rng_below(RND_REFS);

    for (grant_ref_t k = 0; k < RND_REFS; k++) {
        grant_ref_t r = (start + k) % RND_REFS;
        uint16_t keep = gflags(gi, r) & (GTF_READING | GTF_WRITING), to;
        uint32_t frame, ro;

        if (!keep)
            continue;
        /* One draw per statement: the order of arguments' evaluation is
         * the compiler's, and gcc and clang must run the same steps. */
        to = test_rng_below(2) ? dom_ids[test_rng_below(NDOMS)] : rand_id();
        frame = test_rng_below(RAM_GFNS + 4);
        ro = test_rng_below(2) ? GTF_READONLY : 0;
        grant(gi, r, to, frame, keep | GTF_PERMIT_ACCESS | ro);
        tampered[gi][r] = true;
        return;
    }
}

/* A toolstack seeds a ref (gnttab_seed): refused, writing nothing,
 * exactly when the ref is beyond the table or pinned; otherwise the entry
 * is what it asked for, whatever the granter had there. */
static void step_seed(void)
{
    unsigned gi = rand_live();
    uint32_t pick = test_rng_below(100);
    grant_ref_t ref = pick < 85   ? test_rng_below(RND_REFS)
                      : pick < 92 ? test_rng_below(nr_refs(gi))
                                  : nr_refs(gi) + test_rng_below(8);
    uint16_t to = dom_ids[test_rng_below(NDOMS)];
    uint32_t frame = test_rng_below(RAM_GFNS + 4);
    bool ro = test_rng_below(4) == 0;
    bool in = ref < nr_refs(gi), pinned = in && act(gi, ref)->pin_ro + act(gi, ref)->pin_rw;
    uint32_t word = in ? entry_word(gi, ref) : 0, old_frame = in ? entry_frame(gi, ref) : 0;
    int want = !in ? -ERR_INVAL : pinned ? -ERR_BUSY : 0, r = gnttab_seed(tbl(gi), ref, to, frame, ro);

    if (r != want)
        rbreak(O_SEED, "d%u ref %u: returned %d, want %d", doms[gi].id, ref, r, want);
    else if (r && in && (entry_word(gi, ref) != word || entry_frame(gi, ref) != old_frame))
        rbreak(O_SEED, "d%u ref %u: refused, yet the entry changed", doms[gi].id, ref);
    else if (!r && (entry_word(gi, ref) != (GTF_PERMIT_ACCESS | (ro ? GTF_READONLY : 0) | (uint32_t)to << 16) ||
                    entry_frame(gi, ref) != frame))
        rbreak(O_SEED, "d%u ref %u: entry 0x%08x frame 0x%x is not what was seeded", doms[gi].id, ref,
               entry_word(gi, ref), entry_frame(gi, ref));
    note_status(O_SEED, r == -ERR_BUSY ? -1 : r == -ERR_INVAL ? -2 : 0);
}

static bool pinned_truth(unsigned gi, uint64_t gfn)
{
    for (grant_ref_t r = 0; r < nr_refs(gi); r++)
        if (act(gi, r)->pin_ro + act(gi, r)->pin_rw && act(gi, r)->gfn == gfn)
            return true;
    return false;
}

/* A backend maps a frontend's grants one after another until its maptrack
 * is full: the frontend grants it every unused ref it mostly uses. */
static void flood_start(void)
{
    flood.mi = rand_live();
    flood.gi = rand_live();
    flood.left = FLOOD_STEPS;
    flood.full = 0;
    for (grant_ref_t r = 0; r < RND_REFS; r++)
        if (!(gflags(flood.gi, r) & (GTF_READING | GTF_WRITING))) {
            uint32_t frame = test_rng_below(RAM_GFNS); /* drawn before the flags, by either compiler */

            grant(flood.gi, r, doms[flood.mi].id, frame, GTF_PERMIT_ACCESS | (test_rng_below(4) ? 0 : GTF_READONLY));
        }
}

static void random_step(void)
{
    static const struct {
        enum gop op;
        unsigned weight;
    } mix[] = { { O_GRANT, 160 },       { O_END, 60 },    { O_HOSTILE, 10 },     { O_MAP, 280 },
                { O_UNMAP, 200 },       { O_COPY, 150 },  { O_BALLOON_OUT, 40 }, { O_BALLOON_IN, 40 },
                { O_ADD_MAPTRACK, 10 }, { O_PINNED, 25 }, { O_DIE, 5 },          { O_SEED, 20 } };
    uint32_t x = test_rng_below(1000);
    unsigned k = 0, i;
    enum gop op;

    while (x >= mix[k].weight) {
        x -= mix[k].weight;
        k++;
    }
    op = mix[k].op;
    if (nr_live() < NDOMS && test_rng_below(200) == 0)
        op = O_REVIVE;
    if (!flood.left && test_rng_below(FLOOD_EVERY) == 0)
        flood_start();
    if (flood.left) {
        flood.left--;
        op = O_MAP;
    }
    op_count[op]++;
    switch (op) {
    case O_GRANT: step_grant(); break;
    case O_END:
        i = rand_live();
        end_access(i, test_rng_below(RND_REFS));
        break;
    case O_HOSTILE: step_hostile(); break;
    case O_SEED: step_seed(); break;
    case O_MAP: step_map(); break;
    case O_UNMAP: step_unmap(); break;
    case O_COPY: step_copy(); break;
    case O_BALLOON_OUT:
    case O_PINNED: {
        uint64_t gfn = test_rng_below(100) < 90 ? test_rng_below(RAM_GFNS + 4) : test_rng_next();
        struct npt_entry *e;
        bool pinned;

        i = rand_live();
        pinned = gnttab_frame_pinned(tbl(i), gfn);
        if (pinned != pinned_truth(i, gfn)) {
            rbreak(op, "d%u gfn 0x%llx: gnttab_frame_pinned says %d", doms[i].id, (unsigned long long)gfn, pinned);
            break;
        }
        e = npt_find(&doms[i], gfn);
        if (op == O_BALLOON_OUT && e && e->owned && !pinned)
            ram_free(&doms[i], e); /* the ledger checks nobody maps it */
        break;
    }
    case O_BALLOON_IN: {
        uint32_t gfn = test_rng_below(RAM_GFNS + 4);

        i = rand_live();
        if (!npt_find(&doms[i], gfn))
            ram_add(i, gfn);
        break;
    }
    case O_ADD_MAPTRACK:
        i = rand_live();
        if (doms[i].t.nr_maptrack_frames < 2 && dom_add_maptrack(i) != 0)
            rbreak(op, "adding a maptrack frame failed");
        break;
    case O_DIE:
        if (nr_live() > 2) {
            i = rand_live();
            dom_destroy(i);
            memset(tampered[i], 0, sizeof(tampered[i]));
        }
        break;
    case O_REVIVE:
        for (i = 0; doms[i].live; i++)
            ;
        dom_create(i, 1 + test_rng_below(2), 1);
        break;
    default: break;
    }
    if (!rbroken && !check_world())
        rbroken = true;
}

static void random_run(void)
{
    for (rstep = 0; rstep < random_steps && !rbroken; rstep++)
        random_step();
}

TEST(random_operations_keep_invariants)
{
    static const int map_statuses[] = { GNTST_OKAY,          GNTST_GENERAL_ERROR, GNTST_BAD_DOMAIN, GNTST_BAD_GNTREF,
                                        GNTST_BAD_VIRT_ADDR, GNTST_BAD_PAGE,      GNTST_NO_SPACE };
    static const int copy_statuses[] = { GNTST_OKAY,        GNTST_GENERAL_ERROR,     GNTST_BAD_DOMAIN,
                                         GNTST_BAD_GNTREF,  GNTST_PERMISSION_DENIED, GNTST_BAD_PAGE,
                                         GNTST_BAD_COPY_ARG };
    static const int unmap_statuses[] = { GNTST_OKAY, GNTST_GENERAL_ERROR, GNTST_BAD_HANDLE };
    jmp_buf jb;

    setup();
    random_steps = test_random_init(0x6e7474616221ull, RANDOM_STEPS);
    rbroken = false;
    memset(op_count, 0, sizeof(op_count));
    memset(status_seen, 0, sizeof(status_seen));
    memset(tampered, 0, sizeof(tampered));
    memset(&flood, 0, sizeof(flood));
    test_panic_jmp = &jb;
    if (setjmp(jb) == 0)
        random_run();
    else
        test_fail(__FILE__, __LINE__, "step %llu: panic: %s", rstep, test_panic_msg);
    test_panic_jmp = NULL;
    if (getenv("UNIT_VERBOSE")) {
        for (unsigned k = 0; k < O_NR; k++)
            fprintf(stderr, "  %-13s %7llu\n", gop_name[k], op_count[k]);
        for (unsigned k = O_MAP; k <= O_COPY; k++)
            for (int s = 0; s < NR_STATUS; s++)
                if (status_seen[k][s])
                    fprintf(stderr, "  %-6s status %3d: %7llu\n", gop_name[k], -s, status_seen[k][s]);
        fprintf(stderr, "  frames detached %llu, orphans freed %llu\n", nr_detached, nr_orphans_freed);
    }
    /* The run reached every outcome it claims to check. */
    for (unsigned k = 0; k < ARRAY_SIZE(map_statuses); k++)
        if (status_seen[O_MAP][-map_statuses[k]] < 5)
            test_fail(__FILE__, __LINE__, "map gave %d only %llu times", map_statuses[k],
                      status_seen[O_MAP][-map_statuses[k]]);
    for (unsigned k = 0; k < ARRAY_SIZE(copy_statuses); k++)
        if (status_seen[O_COPY][-copy_statuses[k]] < 5)
            test_fail(__FILE__, __LINE__, "copy gave %d only %llu times", copy_statuses[k],
                      status_seen[O_COPY][-copy_statuses[k]]);
    for (unsigned k = 0; k < ARRAY_SIZE(unmap_statuses); k++)
        if (status_seen[O_UNMAP][-unmap_statuses[k]] < 5)
            test_fail(__FILE__, __LINE__, "unmap gave %d only %llu times", unmap_statuses[k],
                      status_seen[O_UNMAP][-unmap_statuses[k]]);
    for (int k = 0; k < 3; k++) /* seeded, refused as pinned, refused as beyond the table */
        if (status_seen[O_SEED][k] < 5)
            test_fail(__FILE__, __LINE__, "seed gave outcome %d only %llu times", k, status_seen[O_SEED][k]);
    if (nr_orphans_freed < 5)
        test_fail(__FILE__, __LINE__, "only %llu orphan frames freed", nr_orphans_freed);
    teardown();
}

/* A toolstack's seed (gnttab_seed): the v1 entry asked for, whatever was
 * there, which its grantee (only) maps as if the granter had written it;
 * refused while pinned or beyond the table, writing nothing; rewritten
 * once the pins are gone. */
TEST(seed_writes_entries_for_the_toolstack)
{
    grant_handle_t h = 0;

    setup();
    grant(G, 1, ID_X, 9, GTF_PERMIT_ACCESS | GTF_READONLY | GTF_READING); /* stale bits, no pins */
    EXPECT_EQ(gnttab_seed(tbl(G), 1, ID_M, 5, false), 0);
    EXPECT_EQ(entry_word(G, 1), GTF_PERMIT_ACCESS | (uint32_t)ID_M << 16);
    EXPECT_EQ(entry_frame(G, 1), 5);
    EXPECT_EQ(map(X, ID_G, 1, HOST_RO, MAP_GFN, &h), GNTST_GENERAL_ERROR); /* not X's */
    EXPECT_EQ(map(M, ID_G, 1, HOST_RW, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(npt_find(&doms[M], MAP_GFN)->mfn, ram_mfn(G, 5));

    /* Pinned: the mapper keeps the entry it pinned. */
    EXPECT_EQ(gnttab_seed(tbl(G), 1, ID_X, 6, true), -ERR_BUSY);
    EXPECT_EQ(entry_word(G, 1), GTF_PERMIT_ACCESS | GTF_READING | GTF_WRITING | (uint32_t)ID_M << 16);
    EXPECT_EQ(entry_frame(G, 1), 5);
    EXPECT_PINS(G, 1, 0, 1);
    EXPECT_TRUE(check_world());
    EXPECT_EQ(unmap(M, h, MAP_GFN), GNTST_OKAY);

    /* Unpinned: rewritten, read-only this time, for X. */
    EXPECT_EQ(gnttab_seed(tbl(G), 1, ID_X, 6, true), 0);
    EXPECT_EQ(entry_word(G, 1), GTF_PERMIT_ACCESS | GTF_READONLY | (uint32_t)ID_X << 16);
    EXPECT_EQ(entry_frame(G, 1), 6);
    EXPECT_EQ(map(M, ID_G, 1, HOST_RO, MAP_GFN, &h), GNTST_GENERAL_ERROR);
    EXPECT_EQ(map(X, ID_G, 1, HOST_RW, MAP_GFN, &h), GNTST_GENERAL_ERROR);
    EXPECT_EQ(map(X, ID_G, 1, HOST_RO, MAP_GFN, &h), GNTST_OKAY);
    EXPECT_EQ(npt_find(&doms[X], MAP_GFN)->mfn, ram_mfn(G, 6));
    EXPECT_EQ(unmap(X, h, MAP_GFN), GNTST_OKAY);

    /* Beyond the table (one frame), and a table with no frame at all. */
    EXPECT_EQ(gnttab_seed(tbl(G), GNTTAB_ENTRIES_PER_FRAME, ID_M, 5, false), -ERR_INVAL);
    EXPECT_EQ(gnttab_seed(tbl(G), UINT32_MAX, ID_M, 5, false), -ERR_INVAL);
    dom_destroy(Z);
    dom_create(Z, 0, 1);
    EXPECT_EQ(gnttab_seed(tbl(Z), 0, ID_M, 5, false), -ERR_INVAL);
    EXPECT_QUIET(G);
    EXPECT_TRUE(check_world());
    teardown();
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(map_unmap_writable_grant),
        TEST_ENTRY(readonly_grant_maps_only_readonly),
        TEST_ENTRY(map_refuses_bad_refs_and_entries),
        TEST_ENTRY(map_refuses_missing_granter),
        TEST_ENTRY(map_refuses_domid_self),
        TEST_ENTRY(map_refuses_frame_not_granter_ram),
        TEST_ENTRY(map_refuses_occupied_host_gfn),
        TEST_ENTRY(map_refuses_bad_flags),
        TEST_ENTRY(unmap_refuses_bad_handles_and_gfns),
        TEST_ENTRY(copy_between_grants_and_frames),
        TEST_ENTRY(copy_refuses_crossing_page_end),
        TEST_ENTRY(copy_refuses_bad_sides_and_leaves_no_pin),
        TEST_ENTRY(maptrack_exhaustion_and_growth),
        TEST_ENTRY(table_growth_stops_at_its_limits),
        TEST_ENTRY(same_ref_mapped_twice_pins_twice),
        TEST_ENTRY(frame_pinned_follows_mappings),
        TEST_ENTRY(mapper_death_unmaps_everything),
        TEST_ENTRY(granter_death_orphans_live_mappings),
        TEST_ENTRY(granter_death_same_frame_under_two_refs),
        TEST_ENTRY(granter_maps_own_grant_and_dies),
        TEST_ENTRY(seed_writes_entries_for_the_toolstack),
        TEST_ENTRY(random_operations_keep_invariants),
        TEST_END,
    });
}
