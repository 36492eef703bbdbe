/* SPDX-License-Identifier: MIT */
/*
 * Node permissions as Xen defines them: a list whose first entry names the
 * owner and the rights of everyone not listed, followed by ACL entries
 * (docs/misc/xenstore.txt, GET_PERMS/SET_PERMS). Parses and formats the
 * wire form ("n0", "r1", "w2", "b3") and keeps the permissions of the two
 * special watch paths. Which node a check applies to is xs_ops.c's job.
 */
#include <string.h>

#include "xs_priv.h"

/*
 * The rights of c under permissions p: privileged connections and the
 * owner get everything (OWNER included); otherwise the first ACL entry
 * naming c's domain, else the owner entry's mode, applies.
 */
uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_perm *p, uint32_t n)
{
    if (c->privileged || p[0].domid == c->domid)
        return XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    for (uint32_t i = 1; i < n; i++)
        if (p[i].domid == c->domid)
            return p[i].mode;
    return p[0].mode;
}

static bool xs_perm_parse_one(const char *str, struct xs_perm *out)
{
    uint64_t domid;

    switch (str[0]) {
    case 'n': out->mode = XS_PERM_NONE; break;
    case 'r': out->mode = XS_PERM_READ; break;
    case 'w': out->mode = XS_PERM_WRITE; break;
    case 'b': out->mode = XS_PERM_READ | XS_PERM_WRITE; break;
    default: return false;
    }
    /* Xen reads the domid with strtol(base 0); Mosaic wants plain decimal. */
    if (!xs_parse_uint(str + 1, UINT16_MAX, &domid))
        return false;
    out->domid = (uint32_t)domid;
    return true;
}

/*
 * Parses n NUL-terminated permission strings laid out back to back in the
 * len bytes at str into a new array. -XS_EINVAL (a malformed entry),
 * -XS_ENOMEM.
 */
int xs_perms_parse(struct xs_store *s, const char *str, size_t len, uint32_t n, struct xs_perm **out)
{
    struct xs_perm *p = xs_alloc(s, n * sizeof(*p));
    const char *end = str + len;

    if (!p)
        return -XS_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        const char *nul = str < end ? memchr(str, '\0', (size_t)(end - str)) : NULL;

        if (!nul || !xs_perm_parse_one(str, &p[i])) {
            xs_free(s, p);
            return -XS_EINVAL;
        }
        str = nul + 1;
    }
    *out = p;
    return 0;
}

/* Writes the wire form of p (each entry NUL-terminated) to buf; returns its
 * length, or 0 if it does not fit in cap bytes. */
size_t xs_perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t cap)
{
    static const char modes[] = "nrwb";
    size_t used = 0;

    for (uint32_t i = 0; i < n; i++) {
        char tmp[24];
        size_t l;

        tmp[0] = modes[p[i].mode & 3u];
        l = 1 + xs_format_uint(tmp + 1, p[i].domid) + 1;
        if (used + l > cap)
            return 0;
        memcpy(buf + used, tmp, l);
        used += l;
    }
    return used;
}

struct xs_perm *xs_perms_dup(struct xs_store *s, const struct xs_perm *p, uint32_t n)
{
    return xs_memdup(s, p, n * sizeof(*p));
}

/* XS_SPECIAL_* for the special watch paths Xen defines, else -1. */
int xs_special_index(const char *path)
{
    if (strcmp(path, "@introduceDomain") == 0)
        return XS_SPECIAL_INTRODUCE;
    if (strcmp(path, "@releaseDomain") == 0)
        return XS_SPECIAL_RELEASE;
    return -1;
}

/*
 * SET_PERMS on a special path: who may watch it. Takes p on success.
 * -XS_EINVAL (not a special path), -XS_EACCES (not owner or privileged).
 */
int xs_special_set_perms(struct xs_req *r, const char *path, struct xs_perm *p, uint32_t n)
{
    struct xs_store *s = r->s;
    int i = xs_special_index(path);
    uint32_t need = XS_PERM_WRITE | XS_PERM_OWNER;

    if (i < 0)
        return -XS_EINVAL;
    if ((xs_perm_for(r->c, s->special_perms[i], s->special_nperms[i]) & need) != need)
        return -XS_EACCES;
    xs_free(s, s->special_perms[i]);
    s->special_perms[i] = p;
    s->special_nperms[i] = n;
    return 0;
}

/*
 * A domain is gone: a later domain with the same domid must not inherit
 * its rights (XSA-322). Its ownerships pass to admin and its ACL entries go.
 * Returns true if p changed.
 */
bool xs_perms_forget(struct xs_perm *p, uint32_t *n, uint32_t domid, uint32_t admin)
{
    bool changed = false;
    uint32_t keep = 1;

    if (p[0].domid == domid) {
        p[0].domid = admin;
        changed = true;
    }
    for (uint32_t i = 1; i < *n; i++) {
        if (p[i].domid == domid) {
            changed = true;
            continue;
        }
        p[keep++] = p[i];
    }
    *n = keep;
    return changed;
}
