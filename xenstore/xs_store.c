/* SPDX-License-Identifier: MIT */
/*
 * The store as a whole: configuration defaults, creation with the root
 * node and the special watch permissions, teardown, and the invariant
 * checker the tests and the fuzz target run after every step.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

/* Xen's C xenstored defaults (xenstored_core.c, 4.16 to 4.18), except
 * queued_events: oxenstored's maxwatchevent. */
void xs_config_default(struct xs_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->limits.nodes = 1000;
    cfg->limits.entry_size = 2048;
    cfg->limits.watches = 128;
    cfg->limits.transactions = 10;
    cfg->limits.outstanding = 20;
    cfg->limits.perms = 5;
    cfg->limits.path_len = XENSTORE_REL_PATH_MAX;
    cfg->limits.txn_nodes = 1024;
    cfg->limits.queued_events = 256;
}

static bool xs_limits_valid(const struct xs_limits *l)
{
    return l->nodes && l->entry_size && l->watches && l->transactions && l->outstanding && l->perms && l->path_len &&
           l->path_len <= XENSTORE_REL_PATH_MAX && l->txn_nodes && l->queued_events;
}

int xs_store_create(const struct xs_config *cfg, struct xs_store **out)
{
    struct xs_store *s;
    struct xs_node *root;

    if (!xs_limits_valid(&cfg->limits) || cfg->admin_domid >= XS_DOMID_FIRST_RESERVED)
        return -XS_EINVAL;
    s = cfg->hooks.alloc ? cfg->hooks.alloc(cfg->hooks.ctx, sizeof(*s)) : malloc(sizeof(*s));
    if (!s)
        return -XS_ENOMEM;
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    root = s->root = xs_node_new(s, "", 0);
    /* "/" and the special paths: the admin's, "n" to everyone else (Xen's manual_node). */
    for (int i = 0; root && i <= XS_SPECIALS; i++) {
        struct xs_perm *p = xs_alloc(s, sizeof(*p));

        if (!p) {
            xs_store_destroy(s);
            return -XS_ENOMEM;
        }
        p->domid = cfg->admin_domid;
        p->mode = XS_PERM_NONE;
        if (i < XS_SPECIALS) {
            s->special_perms[i] = p;
            s->special_nperms[i] = 1;
        } else {
            root->perms = p;
            root->nperms = 1;
        }
    }
    if (!root) {
        xs_store_destroy(s);
        return -XS_ENOMEM;
    }
    xs_tree_touch(s, root);
    s->nnodes = 1;
    *out = s;
    return 0;
}

void xs_store_destroy(struct xs_store *s)
{
    if (!s)
        return;
    while (s->conns)
        xs_conn_free(s->conns);
    if (s->root)
        xs_node_free_tree(s, s->root);
    for (int i = 0; i < XS_SPECIALS; i++)
        xs_free(s, s->special_perms[i]);
    xs_free(s, s);
}

uint32_t xs_store_node_count(const struct xs_store *s)
{
    return s->nnodes;
}

#define XS_CHECK(cond, text) \
    do {                     \
        if (!(cond)) {       \
            *why = text;     \
            return -XS_EIO;  \
        }                    \
    } while (0)

/* n's children list agrees with its counters, parents and names. */
static int xs_check_children(const struct xs_node *n, const char **why)
{
    uint32_t count = 0, bytes = 0;
    const struct xs_node *prev = NULL;

    for (const struct xs_node *c = n->first_child; c; prev = c, c = c->next) {
        XS_CHECK(c->parent == n && c->prev == prev, "child links");
        XS_CHECK(c->namelen && c->namelen == strlen(c->name) && !strchr(c->name, '/'), "child name");
        XS_CHECK(xs_node_child(n, c->name, c->namelen) == c, "duplicate child name");
        count++;
        bytes += c->namelen + 1;
    }
    XS_CHECK(n->last_child == prev, "last child");
    XS_CHECK(n->nchildren == count && n->childlen == bytes, "child counters");
    return 0;
}

static int xs_check_live(const struct xs_store *s, const char **why)
{
    uint32_t total = 0;
    struct xs_node *root = s->root;

    XS_CHECK(root && !root->parent && root->namelen == 0, "root");
    for (struct xs_node *n = root; n; n = xs_walk_next(NULL, false, root, n)) {
        int err = xs_check_children(n, why);

        if (err)
            return err;
        XS_CHECK(n->perms && n->nperms >= 1, "live perms");
        XS_CHECK((n->value == NULL) == (n->len == 0), "live value");
        XS_CHECK(n->flags == 0 && n->gen != XS_GEN_ABSENT && n->gen <= n->tgen, "live flags or gens");
        XS_CHECK(!n->parent || n->parent->tgen >= n->tgen, "subtree gens");
        total++;
    }
    XS_CHECK(total == s->nnodes, "node total");
    for (const struct xs_conn *c = s->conns; c; c = c->next)
        XS_CHECK(c->nodes == xs_tree_count_owned(root, c->domid), "owned node count");
    return 0;
}

/* Shadow invariants: see XS_SH_* in xs_priv.h. */
static int xs_check_txn(const struct xs_txn *t, const char **why)
{
    uint32_t count = 0;

    XS_CHECK(t->root && t->root->namelen == 0 && !(t->root->flags & XS_SH_DETACHED), "shadow root");
    for (struct xs_node *n = t->root; n; n = xs_walk_next(NULL, false, t->root, n)) {
        const struct xs_node *p = n->parent;
        uint32_t f = n->flags;
        int err = xs_check_children(n, why);

        if (err)
            return err;
        XS_CHECK(!(f & (XS_SH_PRESENT | XS_SH_DETACHED)) || (f & XS_SH_MODIFIED), "shadow flags");
        XS_CHECK(!(f & XS_SH_PRESENT) || (n->perms && n->nperms >= 1), "shadow perms");
        if (p && (p->flags & XS_SH_MODIFIED) && (!(p->flags & XS_SH_PRESENT) || (p->flags & XS_SH_DETACHED)))
            XS_CHECK(f & XS_SH_MODIFIED, "transparent shadow in a hidden region");
        if (p && (p->flags & XS_SH_MODIFIED) && !(p->flags & XS_SH_PRESENT))
            XS_CHECK(!(f & XS_SH_PRESENT), "present shadow below a removed one");
        count++;
    }
    XS_CHECK(count == t->nshadow + 1, "shadow count");
    return 0;
}

static int xs_check_conn(const struct xs_conn *c, const char **why)
{
    uint32_t watches = 0, txns = 0, replies = 0, events = 0;

    for (const struct xs_watch *w = c->watches; w; w = w->next)
        watches++;
    XS_CHECK(watches == c->nwatches, "watch count");
    for (const struct xs_txn *t = c->txns; t; t = t->next) {
        int err = xs_check_txn(t, why);

        if (err)
            return err;
        XS_CHECK(t->id && !t->implicit && t->conn == c, "transaction id");
        txns++;
    }
    XS_CHECK(txns == c->ntxns, "transaction count");
    for (const struct xs_msg *m = c->out_head; m; m = m->next) {
        XS_CHECK(m->size == sizeof(m->hdr) + m->hdr.len && m->hdr.len <= XENSTORE_PAYLOAD_MAX, "message size");
        XS_CHECK(m->next || m == c->out_tail, "output tail");
        replies += m->reply;
        events += !m->reply;
    }
    XS_CHECK(replies == c->outstanding && events == c->events, "output counters");
    XS_CHECK(!c->out_head ? !c->out_off && !c->out_tail : c->out_off < c->out_head->size, "output offset");
    XS_CHECK(!c->broken || (!c->watches && !c->txns), "broken connection state");
    return 0;
}

int xs_store_check(const struct xs_store *s, const char **why)
{
    const struct xs_conn *prev = NULL;
    int err = xs_check_live(s, why);

    if (err)
        return err;
    for (int i = 0; i < XS_SPECIALS; i++)
        XS_CHECK(s->special_perms[i] && s->special_nperms[i] >= 1, "special perms");
    for (const struct xs_conn *c = s->conns; c; prev = c, c = c->next) {
        XS_CHECK(c->prev == prev && c->s == s, "connection links");
        XS_CHECK(xs_conn_find((struct xs_store *)s, c->domid) == c, "duplicate domid");
        err = xs_check_conn(c, why);
        if (err)
            return err;
    }
    *why = NULL;
    return 0;
}
