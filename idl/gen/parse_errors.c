/* SPDX-License-Identifier: MIT */
/*
 * Errors blocks: `errors OP { EPERM, EINVAL, ... }` lists what operation
 * OP (a const or enum value declared earlier) can return, by Xen's errno
 * names. The table below is Xen's public errno list (the values a guest
 * sees), without the two that Xen keeps internal (EINTR, ERESTART); the
 * Xen ABI test checks it against xen/errno.h.
 */
#include "parse.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned value;
} xen_errnos[] = {
    { "EPERM", 1 },          { "ENOENT", 2 },      { "ESRCH", 3 },         { "EIO", 5 },
    { "ENXIO", 6 },          { "E2BIG", 7 },       { "ENOEXEC", 8 },       { "EBADF", 9 },
    { "ECHILD", 10 },        { "EAGAIN", 11 },     { "EWOULDBLOCK", 11 },  { "ENOMEM", 12 },
    { "EACCES", 13 },        { "EFAULT", 14 },     { "EBUSY", 16 },        { "EEXIST", 17 },
    { "EXDEV", 18 },         { "ENODEV", 19 },     { "ENOTDIR", 20 },      { "EISDIR", 21 },
    { "EINVAL", 22 },        { "ENFILE", 23 },     { "EMFILE", 24 },       { "ENOSPC", 28 },
    { "EROFS", 30 },         { "EMLINK", 31 },     { "EDOM", 33 },         { "ERANGE", 34 },
    { "EDEADLK", 35 },       { "EDEADLOCK", 35 },  { "ENAMETOOLONG", 36 }, { "ENOLCK", 37 },
    { "ENOSYS", 38 },        { "ENOTEMPTY", 39 },  { "ENODATA", 61 },      { "ETIME", 62 },
    { "EBADMSG", 74 },       { "EOVERFLOW", 75 },  { "EILSEQ", 84 },       { "ENOTSOCK", 88 },
    { "EMSGSIZE", 90 },      { "EOPNOTSUPP", 95 }, { "EADDRINUSE", 98 },   { "EADDRNOTAVAIL", 99 },
    { "ENOBUFS", 105 },      { "EISCONN", 106 },   { "ENOTCONN", 107 },    { "ETIMEDOUT", 110 },
    { "ECONNREFUSED", 111 },
};

unsigned idl_errno_value(const char *name)
{
    for (size_t i = 0; i < sizeof(xen_errnos) / sizeof(xen_errnos[0]); i++)
        if (strcmp(name, xen_errnos[i].name) == 0)
            return xen_errnos[i].value;
    return 0;
}

static void parse_error_entry(struct parser *p, struct idl_item *block, const char *doc)
{
    struct token t = parse_next(p);
    struct idl_item *e;

    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected an error name (EPERM, EINVAL, ...), found %s", parse_describe(&t));
    if (idl_errno_value(t.text) == 0)
        idl_error_at(t.line, t.col, "'%s' is not one of Xen's errno names", t.text);
    for (const struct idl_item *o = block->first; o; o = o->next)
        if (o->kind == ITEM_ERROR && strcmp(o->name, t.text) == 0)
            idl_error_at(t.line, t.col, "errors %s: %s is already listed (line %d)", block->op->name, t.text, o->line);
    e = parse_new_item(p, ITEM_ERROR, t.text, t.line, t.col);
    e->doc = doc;
    e->value.value = idl_errno_value(t.text);
    parse_append(p, e);
    parse_set_trail(p, e, t.line);
}

void parse_errors(struct parser *p, const char *doc)
{
    struct token t;
    struct idl_item *b;
    const struct idl_item *op;

    parse_next(p); /* errors */
    t = parse_next(p);
    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected the operation after 'errors', found %s", parse_describe(&t));
    op = parse_find_global(p, t.text);
    if (!op || (op->kind != ITEM_CONST && op->kind != ITEM_ENUM_VALUE))
        idl_error_at(t.line, t.col, "errors: '%s' is not a const or enum value declared above", t.text);
    for (const struct idl_item *it = p->file->first; it; it = it->next)
        if (it->kind == ITEM_ERRORS && it->op == op)
            idl_error_at(t.line, t.col, "errors %s: already listed at %s", t.text, parse_where(it));
    b = parse_new_item(p, ITEM_ERRORS, op->name, t.line, t.col);
    b->doc = doc;
    b->op = op;
    parse_append(p, b);
    p->container = b;
    parse_set_trail(p, b, parse_expect_punct(p, '{', "to open the error list").line);
    while (!parse_peek_punct(p, '}')) {
        parse_error_entry(p, b, parse_take_doc(p, parse_peek(p)->line));
        if (parse_peek_punct(p, ','))
            parse_next(p);
        else if (!parse_peek_punct(p, '}'))
            idl_error_at(parse_peek(p)->line, parse_peek(p)->col, "expected ',' or '}' after an error, found %s",
                         parse_describe(parse_peek(p)));
    }
    parse_flush_pending(p);
    b->end_line = parse_next(p).line;
    p->container = NULL;
    for (const struct idl_item *e = b->first; e; e = e->next)
        if (e->kind == ITEM_ERROR)
            return;
    idl_error_at(b->line, b->col, "errors %s lists no error", b->op->name);
}
