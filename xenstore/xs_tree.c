/* SPDX-License-Identifier: MIT */
/*
 * The node tree: allocation, lookup by path, child lists in creation
 * order, generations, per-owner node accounting and iterative walks. Used
 * for the live store and for transaction shadows alike. Permission and
 * quota checks happen before anything here is called (xs_ops.c).
 */
#include <string.h>

#include "xs_priv.h"

struct xs_node *xs_node_new(struct xs_store *s, const char *name, size_t namelen)
{
    struct xs_node *n = xs_alloc(s, sizeof(*n) + namelen + 1);

    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    memcpy(n->name, name, namelen);
    n->name[namelen] = '\0';
    n->namelen = (uint32_t)namelen;
    return n;
}

/* Frees one unlinked node and what it owns, not its children. */
void xs_node_free(struct xs_store *s, struct xs_node *n)
{
    xs_free(s, n->value);
    xs_free(s, n->perms);
    xs_free(s, n);
}

/* Frees an unlinked node and its whole subtree, leaves first. */
void xs_node_free_tree(struct xs_store *s, struct xs_node *n)
{
    struct xs_node *cur = n;

    while (cur) {
        struct xs_node *up;

        if (cur->first_child) {
            cur = cur->first_child;
            continue;
        }
        up = cur == n ? NULL : cur->parent;
        if (up)
            xs_node_unlink(cur);
        xs_node_free(s, cur);
        cur = up;
    }
}

struct xs_node *xs_node_child(const struct xs_node *n, const char *name, size_t len)
{
    for (struct xs_node *c = n->first_child; c; c = c->next)
        if (c->namelen == len && memcmp(c->name, name, len) == 0)
            return c;
    return NULL;
}

/* Appends child to parent's children (DIRECTORY lists them in this order). */
void xs_node_link(struct xs_node *parent, struct xs_node *child)
{
    child->parent = parent;
    child->next = NULL;
    child->prev = parent->last_child;
    if (parent->last_child)
        parent->last_child->next = child;
    else
        parent->first_child = child;
    parent->last_child = child;
    parent->nchildren++;
    parent->childlen += child->namelen + 1;
}

void xs_node_unlink(struct xs_node *child)
{
    struct xs_node *parent = child->parent;

    if (child->prev)
        child->prev->next = child->next;
    else
        parent->first_child = child->next;
    if (child->next)
        child->next->prev = child->prev;
    else
        parent->last_child = child->prev;
    parent->nchildren--;
    parent->childlen -= child->namelen + 1;
    child->parent = child->prev = child->next = NULL;
}

/* The live node at an absolute path, or NULL. */
struct xs_node *xs_tree_lookup(struct xs_store *s, const char *path)
{
    struct xs_node *n = s->root;
    const char *p = path;
    size_t len;

    while (n && (p = xs_path_next(p, &len))) {
        n = xs_node_child(n, p, len);
        p += len;
    }
    return n;
}

/* n changed: a new generation for it, and for the subtree gen of it and
 * every ancestor (what a transaction that removed a subtree checks). */
void xs_tree_touch(struct xs_store *s, struct xs_node *n)
{
    uint64_t g = xs_gen_next(s);

    n->gen = g;
    for (; n; n = n->parent)
        n->tgen = g;
}

/* One more (or fewer) live node owned by owner. */
void xs_tree_account(struct xs_store *s, uint32_t owner, int delta)
{
    struct xs_conn *c = xs_conn_find(s, owner);

    if (c)
        c->nodes = (uint32_t)((int64_t)c->nodes + delta);
    s->nnodes = (uint32_t)((int64_t)s->nnodes + delta);
}

/* The size Xen's C xenstored charges a node record against entry_size. */
uint32_t xs_entry_size(uint32_t nperms, uint32_t len, uint32_t childlen)
{
    uint64_t size = XS_ENTRY_HDR + (uint64_t)XS_ENTRY_PERM * nperms + len + childlen;

    return size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
}

void xs_path_push(struct xs_store *s, const struct xs_node *n)
{
    uint32_t at = s->evlen;

    s->evlen += 1 + n->namelen;
    /* Live and shadow paths were validated, so this always fits. */
    if (s->evlen <= XENSTORE_ABS_PATH_MAX) {
        s->evpath[at] = '/';
        memcpy(s->evpath + at + 1, n->name, n->namelen);
        s->evpath[s->evlen] = '\0';
    }
}

void xs_path_pop(struct xs_store *s, const struct xs_node *n)
{
    s->evlen -= 1 + n->namelen;
    if (s->evlen <= XENSTORE_ABS_PATH_MAX)
        s->evpath[s->evlen] = '\0';
}

/* The path s->evpath tracks ("/" for the root). */
const char *xs_path_cur(struct xs_store *s)
{
    return s->evlen ? s->evpath : "/";
}

/* Next node after n in pre-order within top, not entering n's subtree. */
struct xs_node *xs_walk_skip(struct xs_store *s, bool track, struct xs_node *top, struct xs_node *n)
{
    while (n != top) {
        struct xs_node *next = n->next, *parent = n->parent;

        if (track)
            xs_path_pop(s, n);
        if (next) {
            if (track)
                xs_path_push(s, next);
            return next;
        }
        n = parent;
    }
    return NULL;
}

/* Next node after n in pre-order within top. */
struct xs_node *xs_walk_next(struct xs_store *s, bool track, struct xs_node *top, struct xs_node *n)
{
    if (n->first_child) {
        if (track)
            xs_path_push(s, n->first_child);
        return n->first_child;
    }
    return xs_walk_skip(s, track, top, n);
}

/*
 * Removes live node n (not the root) and its subtree. s->evpath holds n's
 * path. As in Xen, watches fire first, while every node still has its
 * permissions: on n (exact if it is itself inside a removed subtree), then
 * exactly on each descendant.
 */
void xs_tree_remove(struct xs_store *s, struct xs_node *n, bool exact)
{
    struct xs_node *parent = n->parent;

    xs_watch_fire(s, xs_path_cur(s), n, NULL, 0, exact);
    for (struct xs_node *c = xs_walk_next(s, true, n, n); c; c = xs_walk_next(s, true, n, c))
        xs_watch_fire(s, xs_path_cur(s), c, NULL, 0, true);
    for (struct xs_node *c = n; c; c = xs_walk_next(s, false, n, c))
        xs_tree_account(s, c->perms[0].domid, -1);
    xs_node_unlink(n);
    xs_tree_touch(s, parent);
    xs_node_free_tree(s, n);
}

uint32_t xs_tree_count_owned(struct xs_node *n, uint32_t domid)
{
    uint32_t count = 0;

    for (struct xs_node *c = n; c; c = xs_walk_next(NULL, false, n, c))
        count += c->perms[0].domid == domid;
    return count;
}

/* Domain domid is gone: no live node keeps rights for it (xs_perms_forget). */
void xs_tree_forget_domid(struct xs_store *s, uint32_t domid)
{
    uint32_t admin = s->cfg.admin_domid;

    for (struct xs_node *n = s->root; n; n = xs_walk_next(NULL, false, s->root, n)) {
        uint32_t owner = n->perms[0].domid;

        if (!xs_perms_forget(n->perms, &n->nperms, domid, admin))
            continue;
        if (owner != n->perms[0].domid) {
            xs_tree_account(s, owner, -1);
            xs_tree_account(s, n->perms[0].domid, 1);
        }
        xs_tree_touch(s, n);
    }
}
