/* SPDX-License-Identifier: MIT */
/*
 * Transactions and the view a request has of the store. A transaction is
 * a sparse shadow tree over the live tree (see XS_SH_* in xs_priv.h): it
 * records the generation of every node it looks at, and holds the nodes
 * it changes, so nothing live changes before commit (xs_commit.c). A
 * request outside any transaction runs in an "implicit" one that records
 * nothing and commits at once, so every change goes through one path.
 */
#include <string.h>

#include "xs_priv.h"

int xs_txn_create(struct xs_conn *c, bool implicit, struct xs_txn **out)
{
    struct xs_store *s = c->s;
    struct xs_txn *t = xs_alloc(s, sizeof(*t));
    struct xs_node *root = xs_node_new(s, "", 0);

    if (!t || !root) {
        xs_free(s, t);
        xs_free(s, root);
        return -XS_ENOMEM;
    }
    memset(t, 0, sizeof(*t));
    t->conn = c;
    t->root = root;
    t->implicit = implicit;
    if (!implicit) {
        /* Ids are per connection; 0 means "no transaction" on the wire. */
        do
            t->id = c->next_txid++;
        while (t->id == 0 || xs_txn_find(c, t->id));
        t->next = c->txns;
        c->txns = t;
        c->ntxns++;
    }
    *out = t;
    return 0;
}

void xs_txn_destroy(struct xs_store *s, struct xs_txn *t)
{
    xs_node_free_tree(s, t->root);
    xs_free(s, t);
}

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
    for (struct xs_txn *t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

/* Unlinks explicit transaction t from c and destroys it. */
void xs_txn_end(struct xs_conn *c, struct xs_txn *t)
{
    struct xs_txn **pp = &c->txns;

    while (*pp != t)
        pp = &(*pp)->next;
    *pp = t->next;
    c->ntxns--;
    xs_txn_destroy(c->s, t);
}

/* Below a removed or detached shadow, the live tree is not visible. */
static bool xs_shadow_hides(const struct xs_node *sh)
{
    return (sh->flags & XS_SH_MODIFIED) && (!(sh->flags & XS_SH_PRESENT) || (sh->flags & XS_SH_DETACHED));
}

/*
 * The shadow of path in t, created (with the structural shadows above it)
 * if missing. New shadows are transparent, or removed if they lie in a
 * hidden region, so creating them never changes the view. NULL with *err
 * -XS_ENOMEM, or -XS_ENOSPC past the txn_nodes quota.
 */
struct xs_node *xs_shadow_path(struct xs_req *r, struct xs_txn *t, const char *path, int *err)
{
    struct xs_store *s = r->s;
    struct xs_node *sh = t->root;
    const char *p = path;
    size_t len;

    while ((p = xs_path_next(p, &len))) {
        struct xs_node *child = xs_node_child(sh, p, len);

        if (!child) {
            if (!t->implicit && !r->c->privileged && t->nshadow >= s->cfg.limits.txn_nodes) {
                *err = -XS_ENOSPC;
                return NULL;
            }
            child = xs_node_new(s, p, len);
            if (!child) {
                *err = -XS_ENOMEM;
                return NULL;
            }
            if (xs_shadow_hides(sh))
                child->flags = XS_SH_MODIFIED | XS_SH_DETACHED;
            xs_node_link(sh, child);
            t->nshadow++;
        }
        sh = child;
        p += len;
    }
    return sh;
}

static void xs_view_from(struct xs_view *v, const uint8_t *value, uint32_t len, const struct xs_perm *perms,
                         uint32_t nperms, uint64_t gen)
{
    v->exists = true;
    v->value = value;
    v->len = len;
    v->perms = perms;
    v->nperms = nperms;
    v->gen = gen;
}

/*
 * What request r sees at absolute path in t (NULL: the live store). In an
 * explicit transaction the first look at a path records the live node's
 * generation for the commit check. 0, or -XS_ENOMEM/-XS_ENOSPC (recording).
 */
int xs_view_get(struct xs_req *r, struct xs_txn *t, const char *path, struct xs_view *v)
{
    struct xs_node *sh, *live;
    const char *p = path;
    bool full = true;
    size_t len;
    int err = 0;

    memset(v, 0, sizeof(*v));
    if (t) {
        for (sh = t->root; (p = xs_path_next(p, &len)); p += len) {
            struct xs_node *child = xs_node_child(sh, p, len);

            if (!child) {
                full = false;
                break;
            }
            sh = child;
        }
        if (full)
            v->shadow = sh;
        if (full && (sh->flags & XS_SH_MODIFIED)) {
            if (sh->flags & XS_SH_PRESENT)
                xs_view_from(v, sh->value, sh->len, sh->perms, sh->nperms, sh->gen);
            if (!(sh->flags & XS_SH_DETACHED))
                v->live = xs_tree_lookup(r->s, path);
            return 0;
        }
        if (xs_shadow_hides(sh)) {
            v->hidden = true;
            return 0;
        }
    }
    live = v->live = xs_tree_lookup(r->s, path);
    if (live)
        xs_view_from(v, live->value, live->len, live->perms, live->nperms, live->gen);
    if (!t || t->implicit || (v->shadow && (v->shadow->flags & XS_SH_ACCESSED)))
        return 0;
    sh = xs_shadow_path(r, t, path, &err);
    if (!sh)
        return err;
    sh->flags |= XS_SH_ACCESSED;
    sh->base_gen = live ? live->gen : XS_GEN_ABSENT;
    v->shadow = sh;
    return 0;
}

/*
 * Calls fn for each child of an existing viewed node (its live node and
 * shadow, either may be NULL) in DIRECTORY order: the visible live
 * children, then the ones the transaction created. Stops when fn returns
 * false.
 */
void xs_view_children(struct xs_txn *t, struct xs_node *live, struct xs_node *shadow, xs_child_fn fn, void *arg)
{
    (void)t;
    if (shadow && (shadow->flags & XS_SH_DETACHED))
        live = NULL;
    for (struct xs_node *lc = live ? live->first_child : NULL; lc; lc = lc->next) {
        struct xs_node *sc = shadow ? xs_node_child(shadow, lc->name, lc->namelen) : NULL;

        if (sc && (sc->flags & XS_SH_MODIFIED) && !(sc->flags & XS_SH_PRESENT))
            continue;
        if (!fn(arg, lc->name, lc->namelen, lc, sc))
            return;
    }
    for (struct xs_node *sc = shadow ? shadow->first_child : NULL; sc; sc = sc->next) {
        uint32_t want = XS_SH_MODIFIED | XS_SH_PRESENT;

        if ((sc->flags & want) != want || (live && xs_node_child(live, sc->name, sc->namelen)))
            continue;
        if (!fn(arg, sc->name, sc->namelen, NULL, sc))
            return;
    }
}

/*
 * Everything below sh becomes removed (sh was removed or created). Only
 * flags change: a removed shadow's buffers mean nothing (a caller may have
 * prepared them already) and go when replaced or with the transaction.
 */
void xs_shadow_hide_below(struct xs_node *sh)
{
    for (struct xs_node *d = xs_walk_next(NULL, false, sh, sh); d; d = xs_walk_next(NULL, false, sh, d))
        d->flags = (d->flags & (XS_SH_ACCESSED | XS_SH_SUBTREE)) | XS_SH_MODIFIED | XS_SH_DETACHED;
}

/*
 * Gives shadow sh its new state: flags (XS_SH_PRESENT, _DETACHED, _EVENT),
 * value and perms, which sh takes over; old buffers that are not
 * passed again are freed. Cannot fail.
 */
void xs_shadow_set(struct xs_store *s, struct xs_node *sh, uint32_t flags, uint8_t *value, uint32_t len,
                   struct xs_perm *perms, uint32_t nperms)
{
    if (sh->value != value)
        xs_free(s, sh->value);
    if (sh->perms != perms)
        xs_free(s, sh->perms);
    sh->value = value;
    sh->len = len;
    sh->perms = perms;
    sh->nperms = nperms;
    sh->flags = (sh->flags & (XS_SH_ACCESSED | XS_SH_SUBTREE)) | XS_SH_MODIFIED | flags;
    sh->gen = xs_gen_next(s);
}

/* Domain domid is gone: no open transaction may bring its rights back. */
void xs_txn_forget_domid(struct xs_store *s, uint32_t domid)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        for (struct xs_txn *t = c->txns; t; t = t->next) {
            for (struct xs_node *n = t->root; n; n = xs_walk_next(NULL, false, t->root, n))
                if (n->perms && (n->flags & XS_SH_PRESENT))
                    xs_perms_forget(n->perms, &n->nperms, domid, s->cfg.admin_domid);
        }
    }
}
