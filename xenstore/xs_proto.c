/* SPDX-License-Identifier: MIT */
/*
 * The wire protocol (docs/misc/xenstore.txt): decodes each request's
 * payload (NUL-terminated strings, counted as Xen counts them), looks up
 * its transaction, checks privilege, runs the operation and queues the
 * reply. Dispatch is a const table indexed by the bounds-checked type.
 * Every request gets exactly one reply, an XS_ERROR one if it failed.
 */
#include <string.h>

#include "xs_priv.h"

/* A decoded payload: its NUL-terminated strings and whether bytes follow
 * the last NUL. */
struct xs_args {
    const char *argv[3];
    uint32_t argc;
    bool trailing;
};

static void xs_split(const uint8_t *payload, uint32_t len, struct xs_args *a)
{
    uint32_t start = 0;

    a->argc = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (payload[i] != '\0')
            continue;
        if (a->argc < 3)
            a->argv[a->argc] = (const char *)payload + start;
        a->argc++;
        start = i + 1;
    }
    a->trailing = start < len;
}

/* Exactly n strings and nothing after them (Xen's onearg() when n is 1). */
static bool xs_exact(const struct xs_args *a, uint32_t n)
{
    return a->argc == n && !a->trailing;
}

typedef int (*xs_handler)(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a,
                          const uint8_t *payload);

static int xs_canon_arg(struct xs_req *r, const struct xs_args *a, const char **path)
{
    bool relative;

    if (!xs_exact(a, 1))
        return -XS_EINVAL;
    return xs_path_canon(r->c, a->argv[0], path, &relative);
}

static int xs_do_read(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    struct xs_view v;
    const char *path;
    int err = xs_canon_arg(r, a, &path);

    (void)pl;
    if (!err)
        err = xs_op_get(r, path, XS_PERM_READ, &v);
    return err ? err : xs_reply(r->c, h, v.value, v.len);
}

static int xs_do_get_perms(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    struct xs_view v;
    const char *path;
    size_t len;
    int err = xs_canon_arg(r, a, &path);

    (void)pl;
    if (!err)
        err = xs_op_get(r, path, XS_PERM_READ, &v);
    if (err)
        return err;
    len = xs_perms_format(v.perms, v.nperms, r->s->reply, sizeof(r->s->reply));
    return len ? xs_reply(r->c, h, r->s->reply, len) : -XS_E2BIG;
}

static int xs_do_directory(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    struct xs_view v;
    const char *path;
    char *list;
    size_t len;
    int err = xs_canon_arg(r, a, &path);

    (void)pl;
    if (!err)
        err = xs_op_get(r, path, XS_PERM_READ, &v);
    if (!err)
        err = xs_op_list(r, &v, &list, &len);
    if (err)
        return err;
    err = xs_reply(r->c, h, list, len); /* E2BIG: the client goes on with DIRECTORY_PART */
    xs_free(r->s, list);
    return err;
}

/* Reply: the node's generation, then the children's names from byte
 * offset on while they fit, then an empty string if the list ended. */
static int xs_do_directory_part(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a,
                                const uint8_t *pl)
{
    char *out = r->s->reply, *list;
    uint64_t off;
    struct xs_view v;
    const char *path;
    size_t len, pos, used;
    bool relative;
    int err;

    (void)pl;
    if (!xs_exact(a, 2) || !xs_parse_uint(a->argv[1], UINT32_MAX, &off))
        return -XS_EINVAL;
    err = xs_path_canon(r->c, a->argv[0], &path, &relative);
    if (!err)
        err = xs_op_get(r, path, XS_PERM_READ, &v);
    if (!err)
        err = xs_op_list(r, &v, &list, &len);
    if (err)
        return err;
    used = xs_format_uint(out, v.gen) + 1;
    for (pos = off; pos < len;) {
        size_t sl = strlen(list + pos) + 1;

        if (used + sl + 1 > XENSTORE_PAYLOAD_MAX)
            break;
        memcpy(out + used, list + pos, sl);
        used += sl;
        pos += sl;
    }
    if (pos >= len)
        out[used++] = '\0';
    xs_free(r->s, list);
    return xs_reply(r->c, h, out, used);
}

static int xs_do_write(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    const char *path;
    size_t off;
    bool relative;
    int err;

    if (a->argc < 1)
        return -XS_EINVAL;
    off = strlen(a->argv[0]) + 1;
    err = xs_path_canon(r->c, a->argv[0], &path, &relative);
    if (!err)
        err = xs_op_write(r, path, pl + off, (uint32_t)(h->len - off), false);
    return err ? err : xs_reply_ok(r->c, h);
}

static int xs_do_mkdir(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    const char *path;
    int err = xs_canon_arg(r, a, &path);

    (void)pl;
    if (!err)
        err = xs_op_write(r, path, NULL, 0, true);
    return err ? err : xs_reply_ok(r->c, h);
}

static int xs_do_rm(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    const char *path;
    int err = xs_canon_arg(r, a, &path);

    (void)pl;
    if (!err)
        err = xs_op_rm(r, path);
    return err ? err : xs_reply_ok(r->c, h);
}

static int xs_do_set_perms(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    const char *path;
    struct xs_perm *p;
    uint32_t n = a->argc - 1;
    size_t off;
    bool relative;
    int err;

    if (a->argc < 2 || a->trailing)
        return -XS_EINVAL;
    if (!r->c->privileged && n > r->s->cfg.limits.perms)
        return -XS_ENOSPC;
    off = strlen(a->argv[0]) + 1;
    err = xs_perms_parse(r->s, (const char *)pl + off, h->len - off, n, &p);
    if (err)
        return err;
    if (a->argv[0][0] == '@') {
        err = xs_special_set_perms(r, a->argv[0], p, n);
    } else {
        err = xs_path_canon(r->c, a->argv[0], &path, &relative);
        if (!err)
            err = xs_op_set_perms(r, path, p, n);
    }
    if (err) {
        xs_free(r->s, p);
        return err;
    }
    return xs_reply_ok(r->c, h);
}

/* The path of a WATCH/UNWATCH: "@..." as it is, else canonical. */
static int xs_watch_path(struct xs_req *r, const char *arg, const char **path, bool *relative)
{
    if (arg[0] != '@')
        return xs_path_canon(r->c, arg, path, relative);
    *path = arg;
    *relative = false;
    return strlen(arg) <= XENSTORE_REL_PATH_MAX ? 0 : -XS_EINVAL;
}

static int xs_do_watch(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    const char *path;
    bool relative;
    int err;

    (void)pl;
    if (!xs_exact(a, 2))
        return -XS_EINVAL;
    err = xs_watch_path(r, a->argv[0], &path, &relative);
    if (!err)
        err = xs_watch_add(r->c, path, a->argv[1], relative);
    if (err)
        return err;
    (void)xs_reply_ok(r->c, h); /* the reserve: cannot fail */
    /* Fired once straight away, with the path as the watcher gave it. */
    xs_watch_event(r->c, relative ? a->argv[0] : path, a->argv[1]);
    return 0;
}

static int xs_do_unwatch(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    const char *path;
    bool relative;
    int err;

    (void)pl;
    if (!xs_exact(a, 2))
        return -XS_EINVAL;
    err = xs_watch_path(r, a->argv[0], &path, &relative);
    err = err ? -XS_ENOENT : xs_watch_remove(r->c, path, a->argv[1]);
    return err ? err : xs_reply_ok(r->c, h);
}

static int xs_do_txn_start(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    struct xs_txn *t;
    char id[12];
    int err;

    (void)a;
    (void)pl;
    if (r->t)
        return -XS_EBUSY; /* no nesting */
    if (!r->c->privileged && r->c->ntxns >= r->s->cfg.limits.transactions)
        return -XS_ENOSPC;
    err = xs_txn_create(r->c, false, &t);
    if (err)
        return err;
    return xs_reply(r->c, h, id, xs_format_uint(id, t->id) + 1);
}

static int xs_do_txn_end(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    bool commit;
    int err = 0;

    (void)pl;
    if (!xs_exact(a, 1) || (strcmp(a->argv[0], "T") != 0 && strcmp(a->argv[0], "F") != 0))
        return -XS_EINVAL;
    if (!r->t)
        return -XS_ENOENT;
    commit = a->argv[0][0] == 'T';
    if (commit)
        err = xs_txn_commit(r, r->t);
    xs_txn_end(r->c, r->t); /* gone whatever the outcome */
    r->t = NULL;
    return err ? err : xs_reply_ok(r->c, h);
}

static int xs_do_reset_watches(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a,
                               const uint8_t *pl)
{
    (void)a;
    (void)pl;
    xs_watch_clear(r->c);
    while (r->c->txns)
        xs_txn_end(r->c, r->c->txns);
    r->t = NULL;
    return xs_reply_ok(r->c, h);
}

static int xs_do_onearg_domain(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a,
                               const uint8_t *pl)
{
    (void)pl;
    if (!xs_exact(a, 1))
        return -XS_EINVAL;
    switch (h->type) {
    case XS_RELEASE: return xs_do_release(r, h, a->argv[0]);
    case XS_RESUME: return xs_do_resume(r, h, a->argv[0]);
    case XS_IS_DOMAIN_INTRODUCED: return xs_do_is_introduced(r, h, a->argv[0]);
    default: return xs_do_get_domain_path(r, h, a->argv[0]);
    }
}

static int xs_do_introduce_msg(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a,
                               const uint8_t *pl)
{
    (void)pl;
    if (a->argc < 3)
        return -XS_EINVAL;
    return xs_do_introduce(r, h, a->argv);
}

/* CONTROL and SET_TARGET: Mosaic implements neither (privileged only, as in Xen). */
static int xs_do_unsupported(struct xs_req *r, const struct xsd_sockmsg *h, const struct xs_args *a, const uint8_t *pl)
{
    (void)r;
    (void)h;
    (void)a;
    (void)pl;
    return -XS_ENOSYS;
}

#define XS_FLAG_PRIV  0x1u /* privileged connections only (EACCES) */
#define XS_FLAG_NOTID 0x2u /* the tx_id is ignored */

static const struct {
    xs_handler fn;
    uint32_t flags;
} xs_handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = { xs_do_unsupported, XS_FLAG_PRIV },
    [XS_DIRECTORY] = { xs_do_directory, 0 },
    [XS_READ] = { xs_do_read, 0 },
    [XS_GET_PERMS] = { xs_do_get_perms, 0 },
    [XS_WATCH] = { xs_do_watch, XS_FLAG_NOTID },
    [XS_UNWATCH] = { xs_do_unwatch, XS_FLAG_NOTID },
    [XS_TRANSACTION_START] = { xs_do_txn_start, 0 },
    [XS_TRANSACTION_END] = { xs_do_txn_end, 0 },
    [XS_INTRODUCE] = { xs_do_introduce_msg, XS_FLAG_PRIV },
    [XS_RELEASE] = { xs_do_onearg_domain, XS_FLAG_PRIV },
    [XS_GET_DOMAIN_PATH] = { xs_do_onearg_domain, 0 },
    [XS_WRITE] = { xs_do_write, 0 },
    [XS_MKDIR] = { xs_do_mkdir, 0 },
    [XS_RM] = { xs_do_rm, 0 },
    [XS_SET_PERMS] = { xs_do_set_perms, 0 },
    [XS_IS_DOMAIN_INTRODUCED] = { xs_do_onearg_domain, XS_FLAG_PRIV },
    [XS_RESUME] = { xs_do_onearg_domain, XS_FLAG_PRIV },
    [XS_SET_TARGET] = { xs_do_unsupported, XS_FLAG_PRIV },
    [XS_RESET_WATCHES] = { xs_do_reset_watches, 0 },
    [XS_DIRECTORY_PART] = { xs_do_directory_part, 0 },
};

/* Handles one complete request; payload has a NUL at payload[hdr->len]. */
void xs_proto_handle(struct xs_conn *c, const struct xsd_sockmsg *hdr, const uint8_t *payload)
{
    struct xs_req r = { c->s, c, NULL };
    struct xs_args a;
    xs_handler fn;
    uint32_t flags;
    int err;

    /* Unknown types, and ones only the store sends (WATCH_EVENT, ERROR). */
    if (hdr->type >= XS_TYPE_COUNT || !xs_handlers[hdr->type].fn) {
        xs_reply_error(c, hdr, -XS_ENOSYS);
        return;
    }
    fn = xs_handlers[hdr->type].fn;
    flags = xs_handlers[hdr->type].flags;
    if ((flags & XS_FLAG_PRIV) && !c->privileged) {
        xs_reply_error(c, hdr, -XS_EACCES);
        return;
    }
    if (!(flags & XS_FLAG_NOTID) && hdr->tx_id) {
        r.t = xs_txn_find(c, hdr->tx_id);
        if (!r.t) {
            xs_reply_error(c, hdr, -XS_ENOENT);
            return;
        }
    }
    xs_split(payload, hdr->len, &a);
    err = fn(&r, hdr, &a, payload);
    if (err)
        xs_reply_error(c, hdr, err);
}
