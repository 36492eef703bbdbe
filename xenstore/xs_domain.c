/* SPDX-License-Identifier: MIT */
/*
 * The domain-management requests: INTRODUCE, RELEASE, RESUME,
 * IS_DOMAIN_INTRODUCED and GET_DOMAIN_PATH. The store side only: which
 * connections exist and the special watches; mapping rings and binding
 * event channels is the host's, reached through its hooks. Xen reserves
 * these (GET_DOMAIN_PATH aside) for dom0; here they need a privileged
 * connection, and no domid is special but the reserved DOMID_* range.
 */
#include <string.h>

#include "xs_priv.h"

/* DOMID_SELF: IS_DOMAIN_INTRODUCED answers "T" for it, as Xen does. */
#define XS_DOMID_SELF DOMID_SELF

static int xs_parse_domid(const char *str, uint32_t *domid)
{
    uint64_t v;

    if (!xs_parse_uint(str, UINT16_MAX, &v))
        return -XS_EINVAL;
    *domid = (uint32_t)v;
    return 0;
}

/* A connection INTRODUCE made, or -XS_ENOENT. Connections the host created
 * itself are not the protocol's to release or resume. */
static int xs_find_introduced(struct xs_req *r, const char *arg, struct xs_conn **out)
{
    uint32_t domid;
    int err = xs_parse_domid(arg, &domid);

    if (err)
        return err;
    *out = xs_conn_find(r->s, domid);
    if (!*out)
        return -XS_ENOENT;
    return (*out)->introduced && *out != r->c ? 0 : -XS_EINVAL;
}

/*
 * INTRODUCE <domid>|<gfn>|<evtchn>|...: creates the domain's connection and
 * fires @introduceDomain; for a domain introduced before, resets its
 * connection and asks the host to rebind (Xen does the same, silently).
 * Xen does not create /local/domain/<domid>: the toolstack does.
 */
int xs_do_introduce(struct xs_req *r, const struct xsd_sockmsg *h, const char *const *argv)
{
    struct xs_store *s = r->s;
    const struct xs_hooks *hk = &s->cfg.hooks;
    struct xs_conn *c;
    uint32_t domid;
    uint64_t gfn, port;
    int err;

    if (xs_parse_domid(argv[0], &domid) || domid >= XS_DOMID_FIRST_RESERVED || !xs_parse_gfn(argv[1], &gfn) ||
        !xs_parse_uint(argv[2], UINT32_MAX, &port) || port == 0)
        return -XS_EINVAL;
    c = xs_conn_find(s, domid);
    if (c == r->c)
        return -XS_EINVAL;
    if (c && !c->introduced)
        return -XS_EEXIST; /* the host's own connection for that domid */
    if (c) {
        xs_conn_reset(c);
        err = hk->introduce ? hk->introduce(hk->ctx, c, gfn, (uint32_t)port, true) : 0;
        return err ? err : xs_reply_ok(r->c, h);
    }
    err = xs_conn_create(s, domid, 0, &c);
    if (err)
        return err;
    c->introduced = true;
    err = hk->introduce ? hk->introduce(hk->ctx, c, gfn, (uint32_t)port, false) : 0;
    if (err) {
        xs_conn_free(c);
        return err;
    }
    xs_watch_fire_special(s, XS_SPECIAL_INTRODUCE);
    return xs_reply_ok(r->c, h);
}

/* RELEASE <domid>: the connection goes (xs_conn_destroy). */
int xs_do_release(struct xs_req *r, const struct xsd_sockmsg *h, const char *domid)
{
    struct xs_conn *c;
    int err = xs_find_introduced(r, domid, &c);

    if (err)
        return err;
    xs_conn_destroy(c);
    return xs_reply_ok(r->c, h);
}

/* RESUME <domid>: a later shutdown fires @releaseDomain again. */
int xs_do_resume(struct xs_req *r, const struct xsd_sockmsg *h, const char *domid)
{
    struct xs_conn *c;
    int err = xs_find_introduced(r, domid, &c);

    if (err)
        return err;
    c->shutdown = false;
    return xs_reply_ok(r->c, h);
}

/* IS_DOMAIN_INTRODUCED <domid>: "T" if it has a connection. */
int xs_do_is_introduced(struct xs_req *r, const struct xsd_sockmsg *h, const char *arg)
{
    uint32_t domid;
    int err = xs_parse_domid(arg, &domid);

    if (err)
        return err;
    return xs_reply(r->c, h, domid == XS_DOMID_SELF || xs_conn_find(r->s, domid) ? "T" : "F", 2);
}

/* GET_DOMAIN_PATH <domid>: "/local/domain/<domid>", introduced or not. */
int xs_do_get_domain_path(struct xs_req *r, const struct xsd_sockmsg *h, const char *arg)
{
    static const char prefix[] = "/local/domain/";
    char path[sizeof(prefix) + 12];
    uint32_t domid;
    size_t len;
    int err = xs_parse_domid(arg, &domid);

    if (err)
        return err;
    memcpy(path, prefix, sizeof(prefix) - 1);
    len = sizeof(prefix) - 1 + xs_format_uint(path + sizeof(prefix) - 1, domid);
    return xs_reply(r->c, h, path, len + 1);
}
