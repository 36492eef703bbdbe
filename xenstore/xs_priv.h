/* SPDX-License-Identifier: MIT */
/*
 * The library's internals, shared by its files: the node tree, the
 * transaction shadow trees laid over it, connections, watches and the
 * helpers every request handler uses. Nothing here is visible to the host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenstore/xenstore.h"

/* Fallible internal functions: their result must be looked at (STYLE 5). */
#define XS_MUST_CHECK __attribute__((warn_unused_result))

/* Permission bits: n = 0, r = READ, w = WRITE, b = both; OWNER is computed. */
#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u

/* One entry of a node's permissions; entry 0 is the owner and everyone's default. */
struct xs_perm {
    uint32_t domid;
    uint32_t mode; /* XS_PERM_READ | XS_PERM_WRITE */
};

/* Xen's record header (generation u64, three u32 counts, padded) and perm size. */
#define XS_ENTRY_HDR  24u
#define XS_ENTRY_PERM 8u

/* A generation never handed out: "the node did not exist". */
#define XS_GEN_ABSENT 0u

/*
 * Shadow node flags. A transaction lays a sparse tree of shadow nodes over
 * the live tree. A shadow without MODIFIED is transparent (the view is the
 * live node); with MODIFIED its own PRESENT/value/perms are the view, and
 * with DETACHED the live subtree below it is hidden too. Invariant: every
 * shadow below a DETACHED or removed one is MODIFIED, and every shadow below
 * a removed one is removed. A shadow's value and perms mean nothing unless
 * it is PRESENT (a request may have prepared them before failing).
 */
#define XS_SH_ACCESSED 0x01u /* base_gen holds the live gen at first access: checked at commit */
#define XS_SH_SUBTREE  0x02u /* base_tgen holds the live subtree gen: checked at commit */
#define XS_SH_MODIFIED 0x04u
#define XS_SH_PRESENT  0x08u
#define XS_SH_DETACHED 0x10u
#define XS_SH_EVENT    0x20u /* fire watches on commit */

/* A node of the live tree or of a shadow tree. Children keep creation order. */
struct xs_node {
    struct xs_node *parent;
    struct xs_node *first_child, *last_child;
    struct xs_node *prev, *next;
    uint8_t *value;        /* live: NULL when len is 0 */
    struct xs_perm *perms; /* live: nperms >= 1; shadows: only meaningful when PRESENT */
    uint32_t len, nperms;
    uint32_t nchildren;   /* linked children */
    uint32_t childlen;    /* bytes of their names, each with its NUL */
    uint64_t gen;         /* live: last change; shadow: view gen once MODIFIED */
    uint64_t tgen;        /* live: last change in the subtree */
    uint64_t base_gen;    /* shadow: see XS_SH_ACCESSED */
    uint64_t base_tgen;   /* shadow: see XS_SH_SUBTREE */
    struct xs_node *peer; /* shadow: the live node at its path, during a commit walk */
    uint32_t flags;       /* shadow: XS_SH_* */
    uint32_t namelen;
    char name[]; /* the last path component; "" for "/" */
};

/* What a request sees of one path: the live node or a transaction's shadow. */
struct xs_view {
    bool exists;
    bool hidden; /* absent because the transaction removed or created an ancestor */
    const uint8_t *value;
    const struct xs_perm *perms;
    uint32_t len, nperms;
    uint64_t gen;
    struct xs_node *live;   /* the live node at the path, unless hidden */
    struct xs_node *shadow; /* the shadow at the path, if there is one */
};

struct xs_txn {
    struct xs_txn *next; /* conn->txns */
    struct xs_conn *conn;
    struct xs_node *root; /* shadow of "/" */
    uint32_t id;
    uint32_t nshadow; /* shadow nodes, txn_nodes quota */
    bool implicit;    /* wraps one request outside a transaction */
};

struct xs_watch {
    struct xs_watch *next;
    char *path; /* canonical, or "@..." */
    char *token;
    bool relative; /* events carry the path relative to the home */
};

/* A queued outgoing message: header and payload, as on the wire. */
struct xs_msg {
    struct xs_msg *next;
    uint32_t size; /* sizeof(hdr) + hdr.len */
    bool reply;    /* counts as outstanding until drained */
    struct xsd_sockmsg hdr;
    uint8_t payload[];
};

/* The error reply reserved before a request is handled (longest name "ENOTEMPTY"). */
#define XS_ERR_RESERVE 16u

struct xs_conn {
    struct xs_conn *prev, *next; /* s->conns */
    struct xs_store *s;
    void *priv;
    uint32_t domid;
    bool privileged;
    bool broken;
    bool shutdown;   /* @releaseDomain fired for a shutdown */
    bool introduced; /* created by INTRODUCE */
    char home[24];   /* "/local/domain/<domid>" */
    uint32_t homelen;
    /* Input: the message being assembled. */
    uint8_t hdr_raw[sizeof(struct xsd_sockmsg)];
    uint32_t hdr_used, payload_used;
    bool have_hdr;
    struct xsd_sockmsg hdr;
    uint8_t payload[XENSTORE_PAYLOAD_MAX + 1]; /* + 1: a NUL sentinel */
    /* Output. */
    struct xs_msg *out_head, *out_tail;
    uint32_t out_off;       /* bytes of out_head already copied */
    struct xs_msg *reserve; /* error reply for the request being handled */
    uint32_t outstanding, events;
    uint64_t dropped;
    /* State. */
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns, next_txid;
    uint32_t nodes; /* live nodes whose owner is domid */
};

/* Special watch paths; each has permissions like a node's. */
#define XS_SPECIAL_INTRODUCE 0
#define XS_SPECIAL_RELEASE   1
#define XS_SPECIALS          2

struct xs_store {
    struct xs_config cfg;
    struct xs_node *root;
    uint64_t gen; /* last generation handed out */
    uint32_t nnodes;
    struct xs_conn *conns;
    struct xs_perm *special_perms[XS_SPECIALS];
    uint32_t special_nperms[XS_SPECIALS];
    char pathbuf[XENSTORE_ABS_PATH_MAX + 1]; /* canonical form of a relative path */
    char ancbuf[XENSTORE_ABS_PATH_MAX + 1];  /* an ancestor's path (xs_ops.c) */
    char reply[XENSTORE_PAYLOAD_MAX];        /* a reply being built (xs_proto.c) */
    char evpath[XENSTORE_ABS_PATH_MAX + 2];  /* path of the node a walk is at */
    uint32_t evlen;
};

/* One request: who asks, in which transaction (NULL: none). */
struct xs_req {
    struct xs_store *s;
    struct xs_conn *c;
    struct xs_txn *t;
};

/* xs_util.c: memory, numbers, paths. */
void *xs_alloc(struct xs_store *s, size_t size);
void xs_free(struct xs_store *s, void *ptr);
void *xs_memdup(struct xs_store *s, const void *src, size_t size);
uint64_t xs_gen_next(struct xs_store *s);
bool xs_parse_uint(const char *str, uint64_t max, uint64_t *out);
bool xs_parse_gfn(const char *str, uint64_t *out);
size_t xs_format_uint(char *buf, uint64_t v);
XS_MUST_CHECK int xs_path_canon(struct xs_conn *c, const char *path, const char **out, bool *relative);
const char *xs_path_event(const struct xs_conn *c, const struct xs_watch *w, const char *path);
bool xs_path_is_child(const char *child, const char *parent);
const char *xs_path_next(const char *p, size_t *len);

/* xs_perms.c. */
uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_perm *p, uint32_t n);
XS_MUST_CHECK int xs_perms_parse(struct xs_store *s, const char *str, size_t len, uint32_t n, struct xs_perm **out);
size_t xs_perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t cap);
struct xs_perm *xs_perms_dup(struct xs_store *s, const struct xs_perm *p, uint32_t n);
int xs_special_index(const char *path);
XS_MUST_CHECK int xs_special_set_perms(struct xs_req *r, const char *path, struct xs_perm *p, uint32_t n);
bool xs_perms_forget(struct xs_perm *p, uint32_t *n, uint32_t domid, uint32_t admin);

/* xs_tree.c: the live tree. */
struct xs_node *xs_node_new(struct xs_store *s, const char *name, size_t namelen);
void xs_node_free(struct xs_store *s, struct xs_node *n);
void xs_node_free_tree(struct xs_store *s, struct xs_node *n);
struct xs_node *xs_node_child(const struct xs_node *n, const char *name, size_t len);
void xs_node_link(struct xs_node *parent, struct xs_node *child);
void xs_node_unlink(struct xs_node *child);
struct xs_node *xs_tree_lookup(struct xs_store *s, const char *path);
void xs_tree_touch(struct xs_store *s, struct xs_node *n);
void xs_tree_account(struct xs_store *s, uint32_t owner, int delta);
uint32_t xs_entry_size(uint32_t nperms, uint32_t len, uint32_t childlen);
void xs_tree_forget_domid(struct xs_store *s, uint32_t domid);
uint32_t xs_tree_count_owned(struct xs_node *n, uint32_t domid);
void xs_tree_remove(struct xs_store *s, struct xs_node *n, bool exact);
/* Iterative pre-order walks inside top (trees can be ~1500 deep and domain
 * stacks are 64 KiB). With track, s->evpath follows the current node. */
struct xs_node *xs_walk_next(struct xs_store *s, bool track, struct xs_node *top, struct xs_node *n);
struct xs_node *xs_walk_skip(struct xs_store *s, bool track, struct xs_node *top, struct xs_node *n);
void xs_path_push(struct xs_store *s, const struct xs_node *n);
void xs_path_pop(struct xs_store *s, const struct xs_node *n);
const char *xs_path_cur(struct xs_store *s);

/* xs_txn.c: transactions and the views they give. */
XS_MUST_CHECK int xs_txn_create(struct xs_conn *c, bool implicit, struct xs_txn **out);
void xs_txn_destroy(struct xs_store *s, struct xs_txn *t);
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
void xs_txn_end(struct xs_conn *c, struct xs_txn *t);
XS_MUST_CHECK int xs_view_get(struct xs_req *r, struct xs_txn *t, const char *path, struct xs_view *v);
typedef bool (*xs_child_fn)(void *arg, const char *name, uint32_t namelen, struct xs_node *live,
                            struct xs_node *shadow);
void xs_view_children(struct xs_txn *t, struct xs_node *live, struct xs_node *shadow, xs_child_fn fn, void *arg);
struct xs_node *xs_shadow_path(struct xs_req *r, struct xs_txn *t, const char *path, int *err);
void xs_shadow_hide_below(struct xs_node *sh);
void xs_shadow_set(struct xs_store *s, struct xs_node *sh, uint32_t flags, uint8_t *value, uint32_t len,
                   struct xs_perm *perms, uint32_t nperms);
void xs_txn_forget_domid(struct xs_store *s, uint32_t domid);

/* xs_commit.c. */
XS_MUST_CHECK int xs_txn_commit(struct xs_req *r, struct xs_txn *t);
int64_t xs_txn_owned_delta(struct xs_txn *t, uint32_t domid);

/* xs_ops.c: the store operations, permission and quota checks included. */
XS_MUST_CHECK int xs_op_get(struct xs_req *r, const char *path, uint32_t perm, struct xs_view *v);
XS_MUST_CHECK int xs_op_write(struct xs_req *r, const char *path, const uint8_t *value, uint32_t len, bool mkdir);
XS_MUST_CHECK int xs_op_rm(struct xs_req *r, const char *path);
XS_MUST_CHECK int xs_op_set_perms(struct xs_req *r, const char *path, struct xs_perm *p, uint32_t n);
XS_MUST_CHECK int xs_op_list(struct xs_req *r, const struct xs_view *v, char **out, size_t *len);

/* xs_watch.c. */
XS_MUST_CHECK int xs_watch_add(struct xs_conn *c, const char *path, const char *token, bool relative);
XS_MUST_CHECK int xs_watch_remove(struct xs_conn *c, const char *path, const char *token);
void xs_watch_clear(struct xs_conn *c);
void xs_watch_fire(struct xs_store *s, const char *path, const struct xs_node *node, const struct xs_perm *old,
                   uint32_t nold, bool exact);
void xs_watch_fire_special(struct xs_store *s, int which);
void xs_watch_event(struct xs_conn *c, const char *path, const char *token);

/* xs_conn.c: messages. */
struct xs_msg *xs_msg_new(struct xs_store *s, uint32_t type, const struct xsd_sockmsg *req, size_t len);
void xs_conn_queue(struct xs_conn *c, struct xs_msg *m);
int xs_reply(struct xs_conn *c, const struct xsd_sockmsg *req, const void *data, size_t len);
int xs_reply_ok(struct xs_conn *c, const struct xsd_sockmsg *req);
void xs_reply_error(struct xs_conn *c, const struct xsd_sockmsg *req, int err);
void xs_conn_drop_state(struct xs_conn *c);
void xs_conn_free(struct xs_conn *c);

/* xs_proto.c. */
void xs_proto_handle(struct xs_conn *c, const struct xsd_sockmsg *hdr, const uint8_t *payload);

/* xs_domain.c: the domain-management requests. */
int xs_do_introduce(struct xs_req *r, const struct xsd_sockmsg *h, const char *const *argv);
int xs_do_release(struct xs_req *r, const struct xsd_sockmsg *h, const char *domid);
int xs_do_resume(struct xs_req *r, const struct xsd_sockmsg *h, const char *domid);
int xs_do_is_introduced(struct xs_req *r, const struct xsd_sockmsg *h, const char *domid);
int xs_do_get_domain_path(struct xs_req *r, const struct xsd_sockmsg *h, const char *domid);
