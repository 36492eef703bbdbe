/* SPDX-License-Identifier: MIT */
/*
 * Small helpers every part of the library uses: allocation through the
 * host's hooks, strict decimal numbers, Xen's error names, and path rules
 * (validation, relative paths, the parent/child relation). No store state
 * changes here.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_priv.h"

void *xs_alloc(struct xs_store *s, size_t size)
{
    if (s->cfg.hooks.alloc)
        return s->cfg.hooks.alloc(s->cfg.hooks.ctx, size);
    return malloc(size);
}

void xs_free(struct xs_store *s, void *ptr)
{
    if (!ptr)
        return;
    if (s->cfg.hooks.free)
        s->cfg.hooks.free(s->cfg.hooks.ctx, ptr);
    else
        free(ptr);
}

void *xs_memdup(struct xs_store *s, const void *src, size_t size)
{
    void *p = xs_alloc(s, size);

    if (p)
        memcpy(p, src, size);
    return p;
}

uint64_t xs_gen_next(struct xs_store *s)
{
    return ++s->gen;
}

/* Decimal digits only, at least one, at most max. Xen's atoi/strtol accept
 * more (signs, garbage, base prefixes); Mosaic rejects them with EINVAL. */
bool xs_parse_uint(const char *str, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*str)
        return false;
    for (; *str; str++) {
        unsigned d = (unsigned)(*str - '0');

        if (d > 9 || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* INTRODUCE's frame number: docs/misc/xenstore.txt says it is sent in
 * signed decimal, so a leading '-' wraps as two's complement. */
bool xs_parse_gfn(const char *str, uint64_t *out)
{
    uint64_t v;

    if (*str != '-')
        return xs_parse_uint(str, UINT64_MAX, out);
    if (!xs_parse_uint(str + 1, (uint64_t)INT64_MAX + 1, &v))
        return false;
    *out = (uint64_t)0 - v;
    return true;
}

size_t xs_format_uint(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

/* The wire names, in the order of Xen's xsd_errors table (io/xs_wire.h). */
static const struct {
    int err;
    const char *name;
} xs_errors[] = {
    { XS_EINVAL, "EINVAL" },       { XS_EACCES, "EACCES" },   { XS_EEXIST, "EEXIST" }, { XS_EISDIR, "EISDIR" },
    { XS_ENOENT, "ENOENT" },       { XS_ENOMEM, "ENOMEM" },   { XS_ENOSPC, "ENOSPC" }, { XS_EIO, "EIO" },
    { XS_ENOTEMPTY, "ENOTEMPTY" }, { XS_ENOSYS, "ENOSYS" },   { XS_EROFS, "EROFS" },   { XS_EBUSY, "EBUSY" },
    { XS_EAGAIN, "EAGAIN" },       { XS_EISCONN, "EISCONN" }, { XS_E2BIG, "E2BIG" },   { XS_EPERM, "EPERM" },
};

const char *xs_error_name(int err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
        if (xs_errors[i].err == err)
            return xs_errors[i].name;
    return NULL;
}

/* Length of a "/local/domain/<1 to 5 digits>/" prefix, else 0 (Xen's rule). */
static size_t xs_local_prefix(const char *path)
{
    static const char pfx[] = "/local/domain/";
    size_t n = sizeof(pfx) - 1, digits = 0;

    if (strncmp(path, pfx, n) != 0)
        return 0;
    while (digits < 5 && path[n + digits] >= '0' && path[n + digits] <= '9')
        digits++;
    if (!digits || path[n + digits] != '/')
        return 0;
    return n + digits + 1;
}

/* docs/misc/xenstore.txt: absolute, [A-Za-z0-9-/_@] only, no "//", no
 * trailing '/' but for the root, at most ABS_PATH_MAX bytes; unprivileged
 * domains also have path_len after their "/local/domain/<id>/" prefix. */
static bool xs_path_valid(const struct xs_conn *c, const char *path, size_t len)
{
    if (path[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
        return false;
    if (len > 1 && path[len - 1] == '/')
        return false;
    if (!c->privileged && len - xs_local_prefix(path) > c->s->cfg.limits.path_len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = path[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || ch == '@' || ch == '/';

        if (!ok || (ch == '/' && path[i + 1] == '/'))
            return false;
    }
    return true;
}

/*
 * Canonical absolute form of a request's path: relative paths are under
 * the connection's home "/local/domain/<domid>" (written to s->pathbuf,
 * valid until the next call). -XS_EINVAL unless the result is valid.
 */
int xs_path_canon(struct xs_conn *c, const char *path, const char **out, bool *relative)
{
    struct xs_store *s = c->s;
    size_t len = strlen(path);

    /* "@..." names a special watch, never a node (Xen leaves it as it is). */
    *relative = path[0] != '/' && path[0] != '@';
    if (*relative) {
        if (c->homelen + 1 + len > XENSTORE_ABS_PATH_MAX)
            return -XS_EINVAL;
        memcpy(s->pathbuf, c->home, c->homelen);
        s->pathbuf[c->homelen] = '/';
        memcpy(s->pathbuf + c->homelen + 1, path, len + 1);
        path = s->pathbuf;
        len += c->homelen + 1;
    }
    *out = path;
    return xs_path_valid(c, path, len) ? 0 : -XS_EINVAL;
}

/* The path an event names for watch w: relative to the home if w was
 * registered relative (path is then below the home). */
const char *xs_path_event(const struct xs_conn *c, const struct xs_watch *w, const char *path)
{
    if (!w->relative)
        return path;
    path += c->homelen;
    return *path == '/' ? path + 1 : path;
}

/* docs/misc/xenstore.txt: child is a child of parent if they are equal,
 * parent is "/", or parent + "/" starts child. */
bool xs_path_is_child(const char *child, const char *parent)
{
    size_t n = strlen(parent);

    if (parent[0] == '/' && parent[1] == '\0')
        return child[0] == '/';
    return strncmp(child, parent, n) == 0 && (child[n] == '/' || child[n] == '\0');
}

/* The next component at or after p (skipping '/'), its length in *len, or
 * NULL at the end of the path. */
const char *xs_path_next(const char *p, size_t *len)
{
    while (*p == '/')
        p++;
    if (!*p)
        return NULL;
    *len = strcspn(p, "/");
    return p;
}
