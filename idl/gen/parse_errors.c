/* SPDX-License-Identifier: MIT */
/*
 * Errors blocks: `errors OP { EPERM, EINVAL, ... }` lists what operation
 * OP (a const or enum value declared earlier) can return, by Xen's errno
 * names. The numbers are not the generator's: each name E is the value
 * XEN_E of the enum xen_errno the file declares or imports (Mosaic's is
 * idl/xen_errno.idl, checked against xen/errno.h by the Xen ABI test).
 */
#include "parse.h"

#include <string.h>

/* The enum xen_errno in scope, or NULL. */
static const struct idl_item *errno_enum(const struct parser *p)
{
    for (const struct idl_item *it = p->file->first; it; it = it->next)
        if (it->kind == ITEM_ENUM && strcmp(it->name, "xen_errno") == 0)
            return it;
    return NULL;
}

/* The value XEN_<name> of enum xen_errno, or NULL. */
static const struct idl_item *errno_value(const struct idl_item *errnos, const char *name)
{
    for (const struct idl_item *v = errnos->first; v; v = v->next)
        if (v->kind == ITEM_ENUM_VALUE && strncmp(v->name, "XEN_", 4) == 0 && strcmp(v->name + 4, name) == 0)
            return v;
    return NULL;
}

static void parse_error_entry(struct parser *p, struct idl_item *block, const struct idl_item *errnos, const char *doc)
{
    struct token t = parse_next(p);
    const struct idl_item *v;
    struct idl_item *e;

    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected an error name (EPERM, EINVAL, ...), found %s", parse_describe(&t));
    v = errno_value(errnos, t.text);
    if (!v || v->value.negative || v->value.value == 0)
        idl_error_at(t.line, t.col, "'%s' is not one of Xen's errno names (no positive XEN_%s in enum xen_errno, %s)",
                     t.text, t.text, parse_where(errnos));
    for (const struct idl_item *o = block->first; o; o = o->next)
        if (o->kind == ITEM_ERROR && strcmp(o->name, t.text) == 0)
            idl_error_at(t.line, t.col, "errors %s: %s is already listed (line %d)", block->op->name, t.text, o->line);
    e = parse_new_item(p, ITEM_ERROR, t.text, t.line, t.col);
    e->doc = doc;
    e->value.value = v->value.value;
    parse_append(p, e);
    parse_set_trail(p, e, t.line);
}

void parse_errors(struct parser *p, const char *doc)
{
    struct token t;
    struct idl_item *b;
    const struct idl_item *op, *errnos = errno_enum(p);
    struct token kw = parse_next(p); /* errors */

    if (!errnos)
        idl_error_at(kw.line, kw.col, "errors blocks need Xen's errno values: declare or import enum xen_errno");
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
        parse_error_entry(p, b, errnos, parse_take_doc(p, parse_peek(p)->line));
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
