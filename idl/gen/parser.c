/* SPDX-License-Identifier: MIT */
/*
 * The IDL parser: builds the item tree, checks names and types, attaches
 * comments, and lays structs out as it reads them, refusing any layout
 * that would need implicit padding. The first error ends the program, so
 * nothing here recovers. The grammar is in idl/README.md.
 */
#include "idlgen.h"

#include <string.h>

/* Structs larger than this are certainly a mistake in a boundary description. */
#define STRUCT_SIZE_MAX 0xffffffffu

struct parser {
    struct lexer lx;
    struct token tok; /* the lookahead, when has_tok */
    bool has_tok;
    struct idl_file *file;
    struct idl_item *container; /* the struct or enum being read, or NULL at top level */
    /* Own-line comments seen but not yet attached to anything. */
    char *pending;
    int pending_first, pending_last;
    /* The item a comment later on trail_line is a note of. */
    struct idl_item *trail;
    int trail_line;
};

static const struct {
    const char *name;
    enum idl_type type;
} primitive_types[] = {
    { "u8", TYPE_U8 },   { "u16", TYPE_U16 }, { "u32", TYPE_U32 }, { "u64", TYPE_U64 },   { "i8", TYPE_I8 },
    { "i16", TYPE_I16 }, { "i32", TYPE_I32 }, { "i64", TYPE_I64 }, { "char", TYPE_CHAR },
};

/* Words a name may not be: the IDL's own, and C's (the header must compile). */
static const char *const idl_words[] = { "const", "enum", "struct" };
static const char *const c_keywords[] = {
    "auto",       "break",     "case",           "char",          "const",    "continue", "default",  "do",
    "double",     "else",      "enum",           "extern",        "float",    "for",      "goto",     "if",
    "inline",     "int",       "long",           "register",      "restrict", "return",   "short",    "signed",
    "sizeof",     "static",    "struct",         "switch",        "typedef",  "union",    "unsigned", "void",
    "volatile",   "while",     "_Alignas",       "_Alignof",      "_Atomic",  "_Bool",    "_Complex", "_Generic",
    "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local", "bool",     "true",     "false",    "offsetof",
};

uint64_t idl_type_size(enum idl_type type)
{
    switch (type) {
    case TYPE_U8:
    case TYPE_I8:
    case TYPE_CHAR: return 1;
    case TYPE_U16:
    case TYPE_I16: return 2;
    case TYPE_U32:
    case TYPE_I32: return 4;
    case TYPE_U64:
    case TYPE_I64: return 8;
    case TYPE_NONE:
    case TYPE_STRUCT: break;
    }
    return 0;
}

const char *idl_type_idl_name(enum idl_type type)
{
    for (size_t i = 0; i < sizeof(primitive_types) / sizeof(primitive_types[0]); i++)
        if (primitive_types[i].type == type)
            return primitive_types[i].name;
    return "?";
}

/* ---- Tokens ---- */

static char *concat(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *s = idl_alloc(la + ls + lb + 1);

    memcpy(s, a, la);
    memcpy(s + la, sep, ls);
    memcpy(s + la + ls, b, lb);
    return s;
}

static void append_item(struct parser *p, struct idl_item *item)
{
    struct idl_item **first = p->container ? &p->container->first : &p->file->first;
    struct idl_item **last = p->container ? &p->container->last : &p->file->last;

    if (*last)
        (*last)->next = item;
    else
        *first = item;
    *last = item;
}

static struct idl_item *new_item(enum idl_kind kind, const char *name, int line, int col)
{
    struct idl_item *item = idl_alloc(sizeof(*item));

    item->kind = kind;
    item->name = name;
    item->line = line;
    item->col = col;
    return item;
}

/* Turns the pending comment block into a free-standing comment item. */
static void flush_pending(struct parser *p)
{
    struct idl_item *c;

    if (!p->pending)
        return;
    c = new_item(ITEM_COMMENT, NULL, p->pending_first, 1);
    c->doc = p->pending;
    p->pending = NULL;
    append_item(p, c);
}

static void take_comment(struct parser *p, const struct token *t)
{
    if (!t->own_line) {
        if (p->trail && t->line == p->trail_line) {
            p->trail->note = t->text;
            p->trail = NULL;
            return;
        }
        /* A comment after code that carries no note: keep it where it is. */
        flush_pending(p);
        p->pending = (char *)t->text;
        p->pending_first = p->pending_last = t->line;
        flush_pending(p);
        return;
    }
    if (p->pending && t->line != p->pending_last + 1)
        flush_pending(p);
    if (p->pending) {
        p->pending = concat(p->pending, "\n", t->text);
    } else {
        p->pending = (char *)t->text;
        p->pending_first = t->line;
    }
    p->pending_last = t->line;
}

/* The comment block ending on the line above line, if any; detaches older ones. */
static const char *take_doc(struct parser *p, int line)
{
    const char *doc = p->pending;

    if (!doc)
        return NULL;
    if (p->pending_last + 1 != line) {
        flush_pending(p);
        return NULL;
    }
    p->pending = NULL;
    return doc;
}

static const struct token *peek(struct parser *p)
{
    while (!p->has_tok) {
        struct token t = lex_next(&p->lx);
        if (t.kind != TOK_COMMENT) {
            p->tok = t;
            p->has_tok = true;
        } else {
            take_comment(p, &t);
        }
    }
    return &p->tok;
}

static struct token next(struct parser *p)
{
    peek(p);
    p->has_tok = false;
    return p->tok;
}

static bool peek_punct(struct parser *p, char c)
{
    const struct token *t = peek(p);
    return t->kind == TOK_PUNCT && t->punct == c;
}

static const char *describe(const struct token *t)
{
    static char buf[96];

    switch (t->kind) {
    case TOK_EOF: return "end of file";
    case TOK_IDENT: snprintf(buf, sizeof(buf), "'%.80s'", t->text); return buf;
    case TOK_NUMBER: snprintf(buf, sizeof(buf), "number %llu", (unsigned long long)t->value); return buf;
    case TOK_PUNCT: snprintf(buf, sizeof(buf), "'%c'", t->punct); return buf;
    case TOK_COMMENT: break;
    }
    return "a comment";
}

static struct token expect_punct(struct parser *p, char c, const char *where)
{
    const struct token *t = peek(p);

    if (t->kind != TOK_PUNCT || t->punct != c)
        idl_error_at(t->line, t->col, "expected '%c' %s, found %s", c, where, describe(t));
    return next(p);
}

/* ---- Names ---- */

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

static enum idl_type primitive_type(const char *name)
{
    for (size_t i = 0; i < sizeof(primitive_types) / sizeof(primitive_types[0]); i++)
        if (strcmp(name, primitive_types[i].name) == 0)
            return primitive_types[i].type;
    return TYPE_NONE;
}

/* A const, enum, enum value or struct named name, declared so far. */
static struct idl_item *find_global(const struct parser *p, const char *name)
{
    for (struct idl_item *it = p->file->first; it; it = it->next) {
        if (it->kind != ITEM_COMMENT && strcmp(it->name, name) == 0)
            return it;
        if (it->kind == ITEM_ENUM)
            for (struct idl_item *v = it->first; v; v = v->next)
                if (v->kind == ITEM_ENUM_VALUE && strcmp(v->name, name) == 0)
                    return v;
    }
    return NULL;
}

static const char *kind_name(enum idl_kind kind)
{
    switch (kind) {
    case ITEM_CONST: return "const";
    case ITEM_ENUM: return "enum";
    case ITEM_ENUM_VALUE: return "enum value";
    case ITEM_STRUCT: return "struct";
    case ITEM_FIELD: return "field";
    case ITEM_COMMENT: break;
    }
    return "comment";
}

/* Reads a name for a new item and rejects reserved words. */
static struct token expect_name(struct parser *p, const char *what)
{
    const struct token *t = peek(p);

    if (t->kind != TOK_IDENT)
        idl_error_at(t->line, t->col, "expected the name of %s, found %s", what, describe(t));
    if (in_list(t->text, idl_words, sizeof(idl_words) / sizeof(idl_words[0])) || primitive_type(t->text))
        idl_error_at(t->line, t->col, "'%s' is a reserved word", t->text);
    if (in_list(t->text, c_keywords, sizeof(c_keywords) / sizeof(c_keywords[0])))
        idl_error_at(t->line, t->col, "'%s' is a C keyword", t->text);
    return next(p);
}

static struct token expect_global_name(struct parser *p, const char *what)
{
    struct token t = expect_name(p, what);
    const struct idl_item *old = find_global(p, t.text);

    if (old)
        idl_error_at(t.line, t.col, "duplicate name '%s' (%s at line %d)", t.text, kind_name(old->kind), old->line);
    return t;
}

/* ---- Values and types ---- */

static struct idl_value parse_value(struct parser *p, const char *what)
{
    struct token t = next(p);
    struct idl_value v = { 0 };
    const struct idl_item *c;

    if (t.kind == TOK_NUMBER) {
        v.value = t.value;
        v.hex = t.hex;
        return v;
    }
    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected %s (a number or a const), found %s", what, describe(&t));
    c = find_global(p, t.text);
    if (!c || c->kind != ITEM_CONST)
        idl_error_at(t.line, t.col, "unknown const '%s'", t.text);
    v.value = c->value.value;
    v.ref = c->name;
    return v;
}

static void parse_field_type(struct parser *p, struct idl_item *field)
{
    struct token t = next(p);
    struct idl_item *s;

    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected a field type, found %s", describe(&t));
    field->line = t.line;
    field->type = primitive_type(t.text);
    if (field->type != TYPE_NONE)
        return;
    s = find_global(p, t.text);
    if (s && s->kind == ITEM_STRUCT && s == p->container)
        idl_error_at(t.line, t.col, "struct '%s' cannot contain itself", t.text);
    if (s && s->kind == ITEM_ENUM)
        idl_error_at(t.line, t.col, "'%s' is an enum: declare the field with its storage type %s", t.text,
                     idl_type_idl_name(s->type));
    if (!s || s->kind != ITEM_STRUCT)
        idl_error_at(t.line, t.col, "unknown type '%s'", t.text);
    field->type = TYPE_STRUCT;
    field->sub = s;
}

/* ---- Declarations ---- */

static void parse_const(struct parser *p, const char *doc)
{
    struct token name;
    struct idl_item *c;

    next(p); /* const */
    name = expect_global_name(p, "a const");
    expect_punct(p, '=', "after the const name");
    c = new_item(ITEM_CONST, name.text, name.line, name.col);
    c->doc = doc;
    c->value = parse_value(p, "the const's value");
    p->trail_line = expect_punct(p, ';', "after the const's value").line;
    p->trail = c;
    append_item(p, c);
}

static uint64_t type_max(enum idl_type type)
{
    return type == TYPE_U64 ? UINT64_MAX : (UINT64_C(1) << (8 * idl_type_size(type))) - 1;
}

static void parse_enum_value(struct parser *p, struct idl_item *e, const char *doc)
{
    struct token name = expect_global_name(p, "an enum value");
    struct idl_item *v = new_item(ITEM_ENUM_VALUE, name.text, name.line, name.col);
    const struct token *at;

    v->doc = doc;
    expect_punct(p, '=', "after the enum value's name (every value is explicit)");
    at = peek(p);
    int line = at->line, col = at->col;
    v->value = parse_value(p, "the enum value");
    if (v->value.value > type_max(e->type))
        idl_error_at(line, col, "value 0x%llx of %s does not fit in enum %s's storage type %s",
                     (unsigned long long)v->value.value, v->name, e->name, idl_type_idl_name(e->type));
    for (const struct idl_item *o = e->first; o; o = o->next)
        if (o->kind == ITEM_ENUM_VALUE && o->value.value == v->value.value)
            idl_error_at(line, col, "enum %s: %s has the value %llu of %s (line %d); values must be unique", e->name,
                         v->name, (unsigned long long)v->value.value, o->name, o->line);
    append_item(p, v);
    p->trail = v;
    p->trail_line = line;
}

static void parse_enum(struct parser *p, const char *doc)
{
    struct token name, type;
    struct idl_item *e;

    next(p); /* enum */
    name = expect_global_name(p, "an enum");
    e = new_item(ITEM_ENUM, name.text, name.line, name.col);
    e->doc = doc;
    expect_punct(p, ':', "and the storage type after the enum name");
    type = next(p);
    e->type = type.kind == TOK_IDENT ? primitive_type(type.text) : TYPE_NONE;
    if (e->type != TYPE_U8 && e->type != TYPE_U16 && e->type != TYPE_U32 && e->type != TYPE_U64)
        idl_error_at(type.line, type.col, "enum storage type must be u8, u16, u32 or u64, found %s", describe(&type));
    append_item(p, e);
    p->container = e;
    p->trail_line = expect_punct(p, '{', "to open the enum").line;
    p->trail = e;
    while (!peek_punct(p, '}')) {
        parse_enum_value(p, e, take_doc(p, peek(p)->line));
        if (peek_punct(p, ','))
            next(p);
        else if (!peek_punct(p, '}'))
            idl_error_at(peek(p)->line, peek(p)->col, "expected ',' or '}' after an enum value, found %s",
                         describe(peek(p)));
    }
    flush_pending(p);
    e->end_line = next(p).line;
    p->container = NULL;
    for (const struct idl_item *v = e->first; v; v = v->next)
        if (v->kind == ITEM_ENUM_VALUE)
            return;
    idl_error_at(e->line, e->col, "enum %s has no values", e->name);
}

static void lay_out_field(struct idl_item *s, struct idl_item *f)
{
    uint64_t elem_size = f->type == TYPE_STRUCT ? f->sub->size : idl_type_size(f->type);
    uint64_t count = f->is_array ? f->value.value : 1;
    uint64_t pad;

    f->align = f->type == TYPE_STRUCT ? f->sub->align : elem_size;
    f->offset = s->size;
    pad = (f->align - f->offset % f->align) % f->align;
    if (pad)
        idl_error_line(f->line,
                       "struct %s: field %s at offset 0x%llx needs %llu byte%s of padding before it; add an "
                       "explicit reserved field",
                       s->name, f->name, (unsigned long long)f->offset, (unsigned long long)pad, pad == 1 ? "" : "s");
    if (count > (STRUCT_SIZE_MAX - f->offset) / elem_size)
        idl_error_at(f->line, f->col, "struct %s: field %s makes the struct larger than 0x%x bytes", s->name, f->name,
                     STRUCT_SIZE_MAX);
    f->size = elem_size * count;
    s->size = f->offset + f->size;
    if (f->align > s->align)
        s->align = f->align;
}

static void parse_field(struct parser *p, struct idl_item *s, const char *doc)
{
    struct idl_item *f = new_item(ITEM_FIELD, NULL, 0, 0);
    struct token name;

    f->doc = doc;
    parse_field_type(p, f);
    name = expect_name(p, "a field");
    f->name = name.text;
    f->col = name.col;
    for (const struct idl_item *o = s->first; o; o = o->next)
        if (o->kind == ITEM_FIELD && strcmp(o->name, f->name) == 0)
            idl_error_at(name.line, name.col, "duplicate field '%s' in struct %s (line %d)", f->name, s->name, o->line);
    const struct idl_item *g = find_global(p, f->name);
    if (g && (g->kind == ITEM_CONST || g->kind == ITEM_ENUM_VALUE))
        idl_error_at(name.line, name.col, "field '%s' has the name of the %s at line %d (a C macro)", f->name,
                     kind_name(g->kind), g->line);
    if (peek_punct(p, '[')) {
        const struct token *at;
        next(p);
        at = peek(p);
        int line = at->line, col = at->col;
        f->is_array = true;
        f->value = parse_value(p, "the array length");
        if (f->value.value == 0)
            idl_error_at(line, col, "array %s has length 0", f->name);
        expect_punct(p, ']', "after the array length");
    }
    p->trail_line = expect_punct(p, ';', "after the field").line;
    lay_out_field(s, f);
    append_item(p, f);
    p->trail = f;
}

static void parse_struct(struct parser *p, const char *doc)
{
    struct token name;
    struct idl_item *s;
    uint64_t pad;

    next(p); /* struct */
    name = expect_global_name(p, "a struct");
    s = new_item(ITEM_STRUCT, name.text, name.line, name.col);
    s->doc = doc;
    append_item(p, s);
    p->container = s;
    p->trail_line = expect_punct(p, '{', "to open the struct").line;
    p->trail = s;
    while (!peek_punct(p, '}')) {
        if (peek(p)->kind == TOK_EOF)
            idl_error_at(peek(p)->line, peek(p)->col, "expected '}' to close struct %s (line %d), found end of file",
                         s->name, s->line);
        parse_field(p, s, take_doc(p, peek(p)->line));
    }
    flush_pending(p);
    s->end_line = next(p).line;
    p->container = NULL;
    if (s->align == 0)
        idl_error_at(s->line, s->col, "struct %s has no fields", s->name);
    pad = (s->align - s->size % s->align) % s->align;
    if (pad)
        idl_error_line(s->end_line,
                       "struct %s: size 0x%llx is not a multiple of its alignment %llu; add %llu byte%s of explicit "
                       "reserved fields at its end",
                       s->name, (unsigned long long)s->size, (unsigned long long)s->align, (unsigned long long)pad,
                       pad == 1 ? "" : "s");
}

void idl_parse(const char *src, size_t len, struct idl_file *file)
{
    struct parser p;

    memset(&p, 0, sizeof(p));
    memset(file, 0, sizeof(*file));
    lex_init(&p.lx, src, len);
    p.file = file;
    for (;;) {
        const struct token *t = peek(&p);
        const char *doc;

        if (t->kind == TOK_EOF)
            break;
        doc = take_doc(&p, t->line);
        if (t->kind == TOK_IDENT && strcmp(t->text, "const") == 0)
            parse_const(&p, doc);
        else if (t->kind == TOK_IDENT && strcmp(t->text, "enum") == 0)
            parse_enum(&p, doc);
        else if (t->kind == TOK_IDENT && strcmp(t->text, "struct") == 0)
            parse_struct(&p, doc);
        else
            idl_error_at(t->line, t->col, "expected 'const', 'enum' or 'struct', found %s", describe(t));
    }
    flush_pending(&p);
}
