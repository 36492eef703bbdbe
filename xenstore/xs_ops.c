/* SPDX-License-Identifier: MIT */
/*
 * The store operations behind READ, WRITE, MKDIR, RM, DIRECTORY and
 * SET_PERMS: permission checks, quotas and Xen's error choices, then the
 * change recorded in a transaction (the request's own, or an implicit one
 * committed at once). Each change first makes every allocation it needs
 * and only then alters state, so a failure leaves nothing behind. Wire
 * parsing is xs_proto.c's job.
 */
#include <string.h>

#include "xs_priv.h"

/* Length of the parent of the first len bytes of path ("/" has length 1). */
static size_t xs_prefix_parent(const char *path, size_t len)
{
    while (len > 1 && path[len - 1] != '/')
        len--;
    return len > 1 ? len - 1 : 1;
}

/* The nearest existing ancestor of path in the view: *av, its path length. */
static int xs_nearest(struct xs_req *r, const char *path, struct xs_view *av, size_t *alen)
{
    struct xs_store *s = r->s;
    size_t len = strlen(path);
    int err;

    do {
        len = xs_prefix_parent(path, len);
        memcpy(s->ancbuf, path, len);
        s->ancbuf[len] = '\0';
        err = xs_view_get(r, r->t, s->ancbuf, av);
        if (err)
            return err;
    } while (!av->exists && len > 1);
    *alen = len;
    return av->exists ? 0 : -XS_EIO; /* "/" always exists */
}

/* Xen does not tell a domain that a node is missing when it may not look
 * at the nearest existing ancestor: err unless perm overlaps the rights
 * there, else EACCES. */
static int xs_err_from_parents(struct xs_req *r, const char *path, uint32_t perm, int err)
{
    struct xs_view av;
    size_t alen;
    int e = xs_nearest(r, path, &av, &alen);

    if (e)
        return e;
    return (xs_perm_for(r->c, av.perms, av.nperms) & perm) ? err : -XS_EACCES;
}

/* The node at path if it exists and c has all of perm there, else
 * Xen's error: EACCES or ENOENT (see xs_err_from_parents). */
int xs_op_get(struct xs_req *r, const char *path, uint32_t perm, struct xs_view *v)
{
    int err = xs_view_get(r, r->t, path, v);

    if (err)
        return err;
    if (!v->exists)
        return xs_err_from_parents(r, path, perm, -XS_ENOENT);
    if ((xs_perm_for(r->c, v->perms, v->nperms) & perm) != perm)
        return -XS_EACCES;
    return 0;
}

static bool xs_add_len(void *arg, const char *name, uint32_t namelen, struct xs_node *live, struct xs_node *sh)
{
    (void)name;
    (void)live;
    (void)sh;
    *(uint32_t *)arg += namelen + 1;
    return true;
}

static uint32_t xs_view_childlen(struct xs_req *r, const struct xs_view *v)
{
    uint32_t len = 0;

    xs_view_children(r->t, v->live, v->shadow, xs_add_len, &len);
    return len;
}

struct xs_list {
    char *buf;
    size_t used;
};

static bool xs_add_name(void *arg, const char *name, uint32_t namelen, struct xs_node *live, struct xs_node *sh)
{
    struct xs_list *l = arg;

    (void)live;
    (void)sh;
    memcpy(l->buf + l->used, name, namelen + 1);
    l->used += namelen + 1;
    return true;
}

/* The children's names of the existing node v, each NUL-terminated, in a
 * new buffer (NULL when there are none). -XS_ENOMEM. */
int xs_op_list(struct xs_req *r, const struct xs_view *v, char **out, size_t *len)
{
    struct xs_list l = { NULL, 0 };
    uint32_t total = xs_view_childlen(r, v);

    *out = NULL;
    *len = 0;
    if (!total)
        return 0;
    l.buf = xs_alloc(r->s, total);
    if (!l.buf)
        return -XS_ENOMEM;
    xs_view_children(r->t, v->live, v->shadow, xs_add_name, &l);
    *out = l.buf;
    *len = l.used;
    return 0;
}

/* Runs op in r's transaction, or in an implicit one committed at once. */
static int xs_in_txn(struct xs_req *r, int (*op)(struct xs_req *r, void *arg), void *arg)
{
    struct xs_txn *implicit = NULL;
    int err;

    if (!r->t) {
        err = xs_txn_create(r->c, true, &implicit);
        if (err)
            return err;
        r->t = implicit;
    }
    err = op(r, arg);
    if (implicit) {
        if (!err)
            err = xs_txn_commit(r, implicit);
        xs_txn_destroy(r->s, implicit);
        r->t = NULL;
    }
    return err;
}

struct xs_write {
    const char *path;
    const uint8_t *value;
    uint32_t len;
    bool mkdir;
};

/* WRITE or MKDIR of an existing node. */
static int xs_write_existing(struct xs_req *r, const struct xs_write *w, const struct xs_view *v)
{
    struct xs_store *s = r->s;
    struct xs_node *sh;
    uint8_t *value = NULL;
    struct xs_perm *perms;
    int err = 0;

    if (!(xs_perm_for(r->c, v->perms, v->nperms) & XS_PERM_WRITE))
        return -XS_EACCES;
    if (w->mkdir)
        return 0; /* exists: nothing changes, nothing fires */
    if (!r->c->privileged && xs_entry_size(v->nperms, w->len, xs_view_childlen(r, v)) >= s->cfg.limits.entry_size)
        return -XS_ENOSPC;
    sh = xs_shadow_path(r, r->t, w->path, &err);
    if (!sh)
        return err;
    if (w->len && !(value = xs_memdup(s, w->value, w->len)))
        return -XS_ENOMEM;
    perms = (sh->flags & XS_SH_MODIFIED) ? sh->perms : xs_perms_dup(s, v->perms, v->nperms);
    if (!perms) {
        xs_free(s, value);
        return -XS_ENOMEM;
    }
    xs_shadow_set(s, sh, XS_SH_PRESENT | XS_SH_EVENT | (sh->flags & XS_SH_DETACHED), value, w->len, perms, v->nperms);
    return 0;
}

/* Quota checks for creating the missing nodes of path below the existing
 * ancestor av (path length alen): Xen's node count and entry sizes. */
static int xs_create_quota(struct xs_req *r, const struct xs_write *w, const struct xs_view *av, size_t alen)
{
    const struct xs_limits *lim = &r->s->cfg.limits;
    const char *p = w->path + alen;
    uint32_t count = 0, first = 0, nperms = av->nperms;
    size_t len;

    if (r->c->privileged)
        return 0;
    for (; (p = xs_path_next(p, &len)); p += len) {
        const char *after = p + len;
        size_t next_len = 0;
        bool last = !xs_path_next(after, &next_len);

        if (!count++)
            first = (uint32_t)len;
        if (xs_entry_size(nperms, last ? w->len : 0, last ? 0 : (uint32_t)next_len + 1) >= lim->entry_size)
            return -XS_ENOSPC;
    }
    if (xs_entry_size(av->nperms, av->len, xs_view_childlen(r, av) + first + 1) >= lim->entry_size)
        return -XS_ENOSPC;
    if ((int64_t)r->c->nodes + xs_txn_owned_delta(r->t, r->c->domid) + count > lim->nodes)
        return -XS_ENOSPC;
    return 0;
}

/*
 * WRITE or MKDIR of a missing node: it and its missing ancestors are
 * created with the permissions of the nearest existing ancestor, except
 * that an unprivileged creator owns them (Xen's construct_node). Only the
 * requested path fires watches.
 */
static int xs_write_create(struct xs_req *r, const struct xs_write *w)
{
    struct xs_store *s = r->s;
    struct xs_node *last, *first = NULL, *sh;
    struct xs_view av;
    uint32_t k = 0, i;
    size_t alen, len;
    int err = xs_nearest(r, w->path, &av, &alen);

    if (err)
        return err;
    if (!(xs_perm_for(r->c, av.perms, av.nperms) & XS_PERM_WRITE))
        return -XS_EACCES;
    err = xs_create_quota(r, w, &av, alen);
    if (err)
        return err;
    for (const char *p = w->path + alen; (p = xs_path_next(p, &len)); p += len)
        k++;
    last = xs_shadow_path(r, r->t, w->path, &err);
    if (!last)
        return err;
    /* Allocate everything on the k (still invisible) new shadows first. */
    for (i = 0, sh = last; i < k; i++, sh = sh->parent) {
        first = sh;
        xs_free(s, sh->value);
        xs_free(s, sh->perms);
        sh->value = NULL;
        sh->perms = xs_perms_dup(s, av.perms, av.nperms);
        if (!sh->perms)
            return -XS_ENOMEM;
        if (!r->c->privileged)
            sh->perms[0].domid = r->c->domid;
        if (sh == last && w->len && !(sh->value = xs_memdup(s, w->value, w->len)))
            return -XS_ENOMEM;
    }
    xs_shadow_hide_below(first);
    for (i = 0, sh = last; i < k; i++, sh = sh->parent)
        xs_shadow_set(s, sh, XS_SH_PRESENT | XS_SH_DETACHED | (sh == last ? XS_SH_EVENT : 0), sh->value,
                      sh == last ? w->len : 0, sh->perms, av.nperms);
    return 0;
}

static int xs_write_op(struct xs_req *r, void *arg)
{
    const struct xs_write *w = arg;
    struct xs_view v;
    int err = xs_view_get(r, r->t, w->path, &v);

    if (err)
        return err;
    if (v.exists)
        return xs_write_existing(r, w, &v);
    err = xs_err_from_parents(r, w->path, XS_PERM_WRITE, -XS_ENOENT);
    return err == -XS_ENOENT ? xs_write_create(r, w) : err;
}

/* WRITE (value) or MKDIR (mkdir: no value, an existing node is left alone). */
int xs_op_write(struct xs_req *r, const char *path, const uint8_t *value, uint32_t len, bool mkdir)
{
    struct xs_write w = { path, value, len, mkdir };

    return xs_in_txn(r, xs_write_op, &w);
}

static int xs_rm_op(struct xs_req *r, void *arg)
{
    const char *path = arg;
    struct xs_node *sh;
    struct xs_view v;
    int err = xs_op_get(r, path, XS_PERM_WRITE, &v);

    if (err == -XS_ENOENT) {
        /* Not there: fine if the parent is (docs/misc/xenstore.txt). */
        struct xs_view pv;
        size_t plen = xs_prefix_parent(path, strlen(path));

        memcpy(r->s->ancbuf, path, plen);
        r->s->ancbuf[plen] = '\0';
        err = xs_view_get(r, r->t, r->s->ancbuf, &pv);
        return err ? err : (pv.exists ? 0 : -XS_ENOENT);
    }
    if (err)
        return err;
    if (path[1] == '\0')
        return -XS_EINVAL; /* "/" stays */
    sh = xs_shadow_path(r, r->t, path, &err);
    if (!sh)
        return err;
    /* The commit fails if anything below changed meanwhile. */
    if (!r->t->implicit && v.live && !(sh->flags & XS_SH_SUBTREE)) {
        sh->flags |= XS_SH_SUBTREE;
        sh->base_tgen = v.live->tgen;
    }
    xs_shadow_hide_below(sh);
    xs_shadow_set(r->s, sh, XS_SH_DETACHED | XS_SH_EVENT, NULL, 0, NULL, 0);
    return 0;
}

/* RM: removes path and its subtree; missing is fine if the parent exists. */
int xs_op_rm(struct xs_req *r, const char *path)
{
    return xs_in_txn(r, xs_rm_op, (void *)(uintptr_t)path);
}

struct xs_setp {
    const char *path;
    struct xs_perm *p;
    uint32_t n;
};

static int xs_set_perms_op(struct xs_req *r, void *arg)
{
    const struct xs_setp *sp = arg;
    struct xs_store *s = r->s;
    struct xs_node *sh;
    uint8_t *value;
    struct xs_view v;
    int err = xs_op_get(r, sp->path, XS_PERM_WRITE | XS_PERM_OWNER, &v);

    if (err)
        return err;
    if (!r->c->privileged && sp->p[0].domid != v.perms[0].domid)
        return -XS_EPERM; /* only the privileged give nodes away */
    if (!r->c->privileged && xs_entry_size(sp->n, v.len, xs_view_childlen(r, &v)) >= s->cfg.limits.entry_size)
        return -XS_ENOSPC;
    sh = xs_shadow_path(r, r->t, sp->path, &err);
    if (!sh)
        return err;
    value = (sh->flags & XS_SH_MODIFIED) ? sh->value : NULL;
    if (!(sh->flags & XS_SH_MODIFIED) && v.len && !(value = xs_memdup(s, v.value, v.len)))
        return -XS_ENOMEM;
    xs_shadow_set(s, sh, XS_SH_PRESENT | XS_SH_EVENT | (sh->flags & XS_SH_DETACHED), value, v.len, sp->p, sp->n);
    return 0;
}

/* SET_PERMS on a node: owner or privileged only. Takes p on success. */
int xs_op_set_perms(struct xs_req *r, const char *path, struct xs_perm *p, uint32_t n)
{
    struct xs_setp sp = { path, p, n };

    return xs_in_txn(r, xs_set_perms_op, &sp);
}
