/* SPDX-License-Identifier: MIT */
/*
 * Committing a transaction: the conflict check (every node the transaction
 * looked at still has the generation it saw, else EAGAIN), the node quota
 * on the result, then the changes applied to the live tree with their
 * watch events. Applying allocates nothing and cannot fail: changed values
 * and permissions are swapped in and new nodes are moved over from the
 * shadow tree, so a commit is all or nothing.
 */
#include "xs_priv.h"

/* The live node at the path of shadow sh, whose parent's peer is set. */
static struct xs_node *xs_peer_of(struct xs_store *s, struct xs_txn *t, struct xs_node *sh)
{
    if (sh == t->root)
        return s->root;
    return sh->parent->peer ? xs_node_child(sh->parent->peer, sh->name, sh->namelen) : NULL;
}

/* Sets every shadow's peer. With check, returns true as soon as a node the
 * transaction looked at (or a subtree it removed) changed since. */
static bool xs_commit_peers(struct xs_store *s, struct xs_txn *t, bool check)
{
    for (struct xs_node *sh = t->root; sh; sh = xs_walk_next(NULL, false, t->root, sh)) {
        struct xs_node *live = sh->peer = xs_peer_of(s, t, sh);

        if (!check)
            continue;
        if ((sh->flags & XS_SH_ACCESSED) && (live ? live->gen : XS_GEN_ABSENT) != sh->base_gen)
            return true;
        if ((sh->flags & XS_SH_SUBTREE) && (live ? live->tgen : XS_GEN_ABSENT) != sh->base_tgen)
            return true;
    }
    return false;
}

/* Present shadows owned by domid in sh's subtree. */
static uint32_t xs_count_present(struct xs_node *sh, uint32_t domid)
{
    uint32_t count = 0;
    struct xs_node *n = sh;

    while (n) {
        if (!(n->flags & XS_SH_PRESENT)) {
            n = xs_walk_skip(NULL, false, sh, n);
            continue;
        }
        count += n->perms[0].domid == domid;
        n = xs_walk_next(NULL, false, sh, n);
    }
    return count;
}

/* The change in the number of live nodes owned by domid that committing t
 * would make now. Mirrors xs_commit_perform. */
int64_t xs_txn_owned_delta(struct xs_txn *t, uint32_t domid)
{
    struct xs_node *sh = t->root;
    int64_t delta = 0;

    xs_commit_peers(t->conn->s, t, false);
    while (sh) {
        struct xs_node *live = sh->peer;
        uint32_t f = sh->flags;

        if (!(f & XS_SH_MODIFIED)) {
            sh = xs_walk_next(NULL, false, t->root, sh);
            continue;
        }
        if (!(f & XS_SH_PRESENT) || (f & XS_SH_DETACHED) || !live) {
            delta -= live ? xs_tree_count_owned(live, domid) : 0;
            delta += (f & XS_SH_PRESENT) ? xs_count_present(sh, domid) : 0;
            sh = xs_walk_skip(NULL, false, t->root, sh);
            continue;
        }
        delta += (int64_t)(sh->perms[0].domid == domid) - (int64_t)(live->perms[0].domid == domid);
        sh = xs_walk_next(NULL, false, t->root, sh);
    }
    return delta;
}

/* Gives live node the value and permissions of shadow sh (sh keeps the
 * old ones, freed with the transaction) and fires its watches. */
static void xs_swap_in(struct xs_store *s, struct xs_node *sh, struct xs_node *live)
{
    struct xs_perm *old = live->perms;
    uint32_t nold = live->nperms;
    uint8_t *oldv = live->value;

    if (old[0].domid != sh->perms[0].domid) {
        xs_tree_account(s, old[0].domid, -1);
        xs_tree_account(s, sh->perms[0].domid, 1);
    }
    live->value = sh->value;
    live->len = sh->len;
    live->perms = sh->perms;
    live->nperms = sh->nperms;
    sh->value = oldv;
    sh->perms = old;
    sh->nperms = nold;
    xs_tree_touch(s, live);
    /* Old permissions too: a watcher losing access still hears of it. */
    if (sh->flags & XS_SH_EVENT)
        xs_watch_fire(s, xs_path_cur(s), live, old, nold, false);
}

/* Moves shadow subtree top (present) under live node parent, dropping its
 * removed shadows; each new node fires if it was written. */
static void xs_adopt(struct xs_store *s, struct xs_node *top, struct xs_node *parent)
{
    struct xs_node *n = top;
    uint64_t gen = xs_gen_next(s); /* one for the new subtree, then a newer one for parent */

    xs_path_push(s, top);
    xs_node_unlink(top);
    xs_node_link(parent, top);
    while (n) {
        bool event = n->flags & XS_SH_EVENT;

        if (!(n->flags & XS_SH_PRESENT)) {
            struct xs_node *next = xs_walk_skip(s, true, top, n);

            xs_node_unlink(n);
            xs_node_free_tree(s, n);
            n = next;
            continue;
        }
        n->flags = 0;
        n->peer = NULL;
        n->base_gen = n->base_tgen = 0;
        n->gen = n->tgen = gen;
        xs_tree_account(s, n->perms[0].domid, 1);
        if (event)
            xs_watch_fire(s, xs_path_cur(s), n, NULL, 0, false);
        n = xs_walk_next(s, true, top, n);
    }
    xs_path_pop(s, top);
    xs_tree_touch(s, parent);
}

/* Moves the children sh created (present, no live twin) under live. */
static void xs_adopt_children(struct xs_store *s, struct xs_node *sh, struct xs_node *live)
{
    uint32_t want = XS_SH_MODIFIED | XS_SH_PRESENT;
    struct xs_node *c = sh->first_child, *next;

    for (; c; c = next) {
        next = c->next;
        if ((c->flags & want) == want && !xs_node_child(live, c->name, c->namelen))
            xs_adopt(s, c, live);
    }
}

/* Applies modified shadow sh to its live twin; true to go on below it. */
static bool xs_commit_node(struct xs_store *s, struct xs_node *sh, struct xs_node *live)
{
    if (!live)
        return false; /* nothing live to change: its parent adopted what it could */
    if (!(sh->flags & XS_SH_PRESENT)) {
        xs_tree_remove(s, live, false);
        sh->peer = NULL;
        return false;
    }
    if (sh->flags & XS_SH_DETACHED) {
        /* Removed and created again in the transaction: the old subtree goes. */
        uint32_t at = s->evlen;

        while (live->first_child) {
            xs_path_push(s, live->first_child);
            xs_tree_remove(s, live->first_child, true);
            s->evlen = at;
            s->evpath[at] = '\0';
        }
        xs_swap_in(s, sh, live);
        xs_adopt_children(s, sh, live);
        return false;
    }
    xs_swap_in(s, sh, live);
    return true;
}

/* Applies t to the live tree, parents before children. Cannot fail. */
static void xs_commit_perform(struct xs_store *s, struct xs_txn *t)
{
    struct xs_node *sh = t->root;

    s->evlen = 0;
    s->evpath[0] = '\0';
    while (sh) {
        struct xs_node *live = sh->peer = xs_peer_of(s, t, sh);
        bool descend = true;

        if (sh->flags & XS_SH_MODIFIED)
            descend = xs_commit_node(s, sh, live);
        if (descend && live)
            xs_adopt_children(s, sh, live);
        sh = descend ? xs_walk_next(s, true, t->root, sh) : xs_walk_skip(s, true, t->root, sh);
    }
}

/*
 * Commits t: -XS_EAGAIN if an explicit transaction lost a race (nothing
 * changes), -XS_ENOSPC if the result would take an unprivileged domain
 * past its node quota, else 0 with every change live and its watches
 * fired. t stays for the caller to destroy.
 */
int xs_txn_commit(struct xs_req *r, struct xs_txn *t)
{
    struct xs_store *s = r->s;
    struct xs_conn *c = t->conn;

    if (xs_commit_peers(s, t, !t->implicit))
        return -XS_EAGAIN;
    if (!c->privileged) {
        int64_t delta = xs_txn_owned_delta(t, c->domid);

        if (delta > 0 && (int64_t)c->nodes + delta > (int64_t)s->cfg.limits.nodes)
            return -XS_ENOSPC;
    }
    xs_commit_perform(s, t);
    return 0;
}
