/* SPDX-License-Identifier: MIT */
/*
 * Watches: registration per connection (path or special "@" name plus a
 * token), matching a changed path against every connection's watches, and
 * queueing XS_WATCH_EVENT messages. Events are best effort, as in Xen: one
 * that cannot be queued (queue full, no memory, too long) is dropped and
 * counted, and nobody is told.
 */
#include <string.h>

#include "xs_priv.h"

static const char *const xs_special_names[XS_SPECIALS] = {
    [XS_SPECIAL_INTRODUCE] = "@introduceDomain",
    [XS_SPECIAL_RELEASE] = "@releaseDomain",
};

static void xs_watch_free(struct xs_store *s, struct xs_watch *w)
{
    xs_free(s, w->path);
    xs_free(s, w->token);
    xs_free(s, w);
}

/*
 * Adds watch (path, token) to c; path is canonical or "@...". -XS_EEXIST
 * (the same pair is there), -XS_E2BIG (watch quota), -XS_ENOMEM.
 */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token, bool relative)
{
    struct xs_store *s = c->s;
    struct xs_watch **pp = &c->watches, *w;

    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->path, path) == 0 && strcmp((*pp)->token, token) == 0)
            return -XS_EEXIST;
    /* Xen lets a domain reach quota + 1 (it checks before counting); Mosaic stops at the quota. */
    if (!c->privileged && c->nwatches >= s->cfg.limits.watches)
        return -XS_E2BIG;
    w = xs_alloc(s, sizeof(*w));
    if (!w)
        return -XS_ENOMEM;
    w->next = NULL;
    w->relative = relative;
    w->path = xs_memdup(s, path, strlen(path) + 1);
    w->token = xs_memdup(s, token, strlen(token) + 1);
    if (!w->path || !w->token) {
        xs_watch_free(s, w);
        return -XS_ENOMEM;
    }
    *pp = w; /* events go out in registration order */
    c->nwatches++;
    return 0;
}

/* Removes watch (path, token) from c. -XS_ENOENT if there is none. */
int xs_watch_remove(struct xs_conn *c, const char *path, const char *token)
{
    for (struct xs_watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;

        if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
            *pp = w->next;
            xs_watch_free(c->s, w);
            c->nwatches--;
            return 0;
        }
    }
    return -XS_ENOENT;
}

void xs_watch_clear(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->next;
        xs_watch_free(c->s, w);
    }
    c->nwatches = 0;
}

/* Queues one event for c, or drops it (counted) when that cannot be done. */
void xs_watch_event(struct xs_conn *c, const char *path, const char *token)
{
    size_t plen = strlen(path), tlen = strlen(token), len = plen + 1 + tlen + 1;
    struct xs_msg *m;

    if (c->broken)
        return;
    if (c->events >= c->s->cfg.limits.queued_events || len > XENSTORE_PAYLOAD_MAX) {
        c->dropped++;
        return;
    }
    m = xs_msg_new(c->s, XS_WATCH_EVENT, NULL, len);
    if (!m) {
        c->dropped++;
        return;
    }
    memcpy(m->payload, path, plen + 1);
    memcpy(m->payload + plen + 1, token, tlen + 1);
    xs_conn_queue(c, m);
}

/* Xen's rule: c hears of a change to node if it could read it before (old)
 * or can read it or its parent now. */
static bool xs_watch_permitted(const struct xs_conn *c, const struct xs_node *node, const struct xs_perm *old,
                               uint32_t nold)
{
    if (old && (xs_perm_for(c, old, nold) & XS_PERM_READ))
        return true;
    if (xs_perm_for(c, node->perms, node->nperms) & XS_PERM_READ)
        return true;
    return node->parent && (xs_perm_for(c, node->parent->perms, node->parent->nperms) & XS_PERM_READ);
}

/*
 * Live node at path changed (old: its permissions before, if they
 * changed). Fires every watch on path or on an ancestor of it; with exact
 * (a node removed inside a removed subtree) only watches on path itself.
 */
void xs_watch_fire(struct xs_store *s, const char *path, const struct xs_node *node, const struct xs_perm *old,
                   uint32_t nold, bool exact)
{
    for (struct xs_conn *c = s->conns; c; c = c->next) {
        int allowed = -1; /* looked up once, when a watch first matches */

        for (struct xs_watch *w = c->watches; w; w = w->next) {
            bool match = exact ? strcmp(path, w->path) == 0 : xs_path_is_child(path, w->path);

            if (!match || w->path[0] == '@')
                continue;
            if (allowed < 0)
                allowed = xs_watch_permitted(c, node, old, nold);
            if (!allowed)
                break;
            xs_watch_event(c, xs_path_event(c, w, path), w->token);
        }
    }
}

/*
 * Fires @introduceDomain or @releaseDomain for every connection allowed to
 * read it. As in Xen, a watch on "/" matches these too.
 */
void xs_watch_fire_special(struct xs_store *s, int which)
{
    const char *name = xs_special_names[which];

    for (struct xs_conn *c = s->conns; c; c = c->next) {
        if (!(xs_perm_for(c, s->special_perms[which], s->special_nperms[which]) & XS_PERM_READ))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next)
            if (strcmp(w->path, name) == 0 || strcmp(w->path, "/") == 0)
                xs_watch_event(c, name, w->token);
    }
}
