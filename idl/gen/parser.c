/* SPDX-License-Identifier: MIT */
/*
 * The IDL parser: builds the item tree, checks names and types, attaches
 * comments, reads imported files, and lays structs and unions out as it
 * reads them, refusing any layout that would need implicit padding. The
 * first error ends the program, so nothing here recovers. Rings and
 * errors blocks are read by parse_ring.c and parse_errors.c. The grammar
 * is in idl/README.md.
 */
#include "parse.h"

#include <string.h>

/* Structs larger than this are certainly a mistake in a boundary description. */
#define STRUCT_SIZE_MAX 0xffffffffu

static const struct {
    const char *name;
    enum idl_type type;
} primitive_types[] = {
    { "u8", TYPE_U8 },   { "u16", TYPE_U16 }, { "u32", TYPE_U32 }, { "u64", TYPE_U64 },   { "i8", TYPE_I8 },
    { "i16", TYPE_I16 }, { "i32", TYPE_I32 }, { "i64", TYPE_I64 }, { "char", TYPE_CHAR },
};

/* Words a top-level name may not be: the IDL's own, and C's (the header must compile). */
static const char *const idl_words[] = { "const", "enum", "struct", "union", "import", "ring", "errors" };
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

void parse_append(struct parser *p, struct idl_item *item)
{
    struct idl_item **first = p->container ? &p->container->first : &p->file->first;
    struct idl_item **last = p->container ? &p->container->last : &p->file->last;

    if (*last)
        (*last)->next = item;
    else
        *first = item;
    *last = item;
}

struct idl_item *parse_new_item(struct parser *p, enum idl_kind kind, const char *name, int line, int col)
{
    struct idl_item *item = idl_alloc(sizeof(*item));

    item->kind = kind;
    item->name = name;
    item->line = line;
    item->col = col;
    item->imported = p->imported;
    item->path = idl_path;
    return item;
}

void parse_flush_pending(struct parser *p)
{
    struct idl_item *c;

    if (!p->pending)
        return;
    c = parse_new_item(p, ITEM_COMMENT, NULL, p->pending_first, 1);
    c->doc = p->pending;
    p->pending = NULL;
    parse_append(p, c);
}

void parse_set_trail(struct parser *p, struct idl_item *item, int line)
{
    p->trail = item;
    p->trail_line = line;
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
        parse_flush_pending(p);
        p->pending = (char *)t->text;
        p->pending_first = p->pending_last = t->line;
        parse_flush_pending(p);
        return;
    }
    if (p->pending && t->line != p->pending_last + 1)
        parse_flush_pending(p);
    if (p->pending) {
        p->pending = concat(p->pending, "\n", t->text);
    } else {
        p->pending = (char *)t->text;
        p->pending_first = t->line;
    }
    p->pending_last = t->line;
}

const char *parse_take_doc(struct parser *p, int line)
{
    const char *doc = p->pending;

    if (!doc)
        return NULL;
    if (p->pending_last + 1 != line) {
        parse_flush_pending(p);
        return NULL;
    }
    p->pending = NULL;
    return doc;
}

const struct token *parse_peek(struct parser *p)
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

struct token parse_next(struct parser *p)
{
    parse_peek(p);
    p->has_tok = false;
    return p->tok;
}

bool parse_peek_punct(struct parser *p, char c)
{
    const struct token *t = parse_peek(p);
    return t->kind == TOK_PUNCT && t->punct == c;
}

bool parse_peek_word(struct parser *p, const char *word)
{
    const struct token *t = parse_peek(p);
    return t->kind == TOK_IDENT && strcmp(t->text, word) == 0;
}

const char *parse_describe(const struct token *t)
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

struct token parse_expect_punct(struct parser *p, char c, const char *where)
{
    const struct token *t = parse_peek(p);

    if (t->kind != TOK_PUNCT || t->punct != c)
        idl_error_at(t->line, t->col, "expected '%c' %s, found %s", c, where, parse_describe(t));
    return parse_next(p);
}

struct token parse_expect_word(struct parser *p, const char *word, const char *where)
{
    const struct token *t = parse_peek(p);

    if (t->kind != TOK_IDENT || strcmp(t->text, word) != 0)
        idl_error_at(t->line, t->col, "expected '%s' %s, found %s", word, where, parse_describe(t));
    return parse_next(p);
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

struct idl_item *parse_find_global(const struct parser *p, const char *name)
{
    for (struct idl_item *it = p->file->first; it; it = it->next) {
        if (it->kind != ITEM_COMMENT && it->kind != ITEM_IMPORT && it->kind != ITEM_ERRORS &&
            strcmp(it->name, name) == 0)
            return it;
        if (it->kind == ITEM_ENUM)
            for (struct idl_item *v = it->first; v; v = v->next)
                if (v->kind == ITEM_ENUM_VALUE && strcmp(v->name, name) == 0)
                    return v;
    }
    return NULL;
}

const char *parse_kind_name(enum idl_kind kind)
{
    switch (kind) {
    case ITEM_CONST: return "const";
    case ITEM_ENUM: return "enum";
    case ITEM_ENUM_VALUE: return "enum value";
    case ITEM_STRUCT: return "struct";
    case ITEM_UNION: return "union";
    case ITEM_RING: return "ring";
    case ITEM_FIELD: return "field";
    case ITEM_ERRORS: return "errors";
    case ITEM_ERROR: return "error";
    case ITEM_IMPORT: return "import";
    case ITEM_COMMENT: break;
    }
    return "comment";
}

/* Reads a name for a new item and rejects reserved words (top-level ones only when global). */
static struct token expect_name(struct parser *p, const char *what, bool global)
{
    const struct token *t = parse_peek(p);

    if (t->kind != TOK_IDENT)
        idl_error_at(t->line, t->col, "expected the name of %s, found %s", what, parse_describe(t));
    if ((global && in_list(t->text, idl_words, sizeof(idl_words) / sizeof(idl_words[0]))) || primitive_type(t->text))
        idl_error_at(t->line, t->col, "'%s' is a reserved word", t->text);
    if (in_list(t->text, c_keywords, sizeof(c_keywords) / sizeof(c_keywords[0])))
        idl_error_at(t->line, t->col, "'%s' is a C keyword", t->text);
    return parse_next(p);
}

const char *parse_where(const struct idl_item *it)
{
    static char buf[2][160];
    static int which;
    char *b = buf[which ^= 1];

    if (it->imported)
        snprintf(b, sizeof(buf[0]), "line %d of %.120s", it->line, it->path);
    else
        snprintf(b, sizeof(buf[0]), "line %d", it->line);
    return b;
}

struct token parse_expect_global_name(struct parser *p, const char *what)
{
    struct token t = expect_name(p, what, true);
    const struct idl_item *old = parse_find_global(p, t.text);

    if (old)
        idl_error_at(t.line, t.col, "duplicate name '%s' (%s at %s)", t.text, parse_kind_name(old->kind),
                     parse_where(old));
    return t;
}

/* ---- Values and types ---- */

struct idl_value parse_value(struct parser *p, const char *what, enum negatives neg)
{
    struct token t = parse_next(p);
    struct idl_value v = { 0 };
    const struct idl_item *c;

    if (t.kind == TOK_PUNCT && t.punct == '-' && neg == NEG_ANY) {
        struct token n = parse_next(p);
        if (n.kind != TOK_NUMBER)
            idl_error_at(n.line, n.col, "expected a number after '-', found %s", parse_describe(&n));
        if (n.value == 0)
            idl_error_at(t.line, t.col, "'-0' is not a negative value");
        v.value = n.value;
        v.hex = n.hex;
        v.negative = true;
        return v;
    }
    if (t.kind == TOK_PUNCT && t.punct == '-')
        idl_error_at(t.line, t.col, "%s cannot be negative (only a signed enum's values can)", what);
    if (t.kind == TOK_NUMBER) {
        v.value = t.value;
        v.hex = t.hex;
        return v;
    }
    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected %s (a number or a const), found %s", what, parse_describe(&t));
    c = parse_find_global(p, t.text);
    if (!c || (c->kind != ITEM_CONST && c->kind != ITEM_ENUM_VALUE))
        idl_error_at(t.line, t.col, "unknown const '%s'", t.text);
    if (c->value.negative && neg == NEG_NONE)
        idl_error_at(t.line, t.col, "%s cannot be negative (%s is)", what, c->name);
    v = c->value;
    v.ref = c->name;
    v.target = c;
    return v;
}

struct idl_item *parse_aggregate_ref(struct parser *p, const char *what)
{
    struct token t = parse_next(p);
    struct idl_item *s;

    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected %s, found %s", what, parse_describe(&t));
    s = parse_find_global(p, t.text);
    if (s && s == p->container)
        idl_error_at(t.line, t.col, "%s '%s' cannot contain itself", parse_kind_name(s->kind), t.text);
    if (s && s->kind == ITEM_ENUM)
        idl_error_at(t.line, t.col, "'%s' is an enum: declare the field with its storage type %s", t.text,
                     idl_type_idl_name(s->type));
    if (!s || (s->kind != ITEM_STRUCT && s->kind != ITEM_UNION))
        idl_error_at(t.line, t.col, "unknown type '%s'", t.text);
    /* The header does not define what another file declares. */
    if (s->imported && !p->imported)
        idl_error_at(t.line, t.col, "%s '%s' is declared in %s: only a ring header may use an imported struct",
                     parse_kind_name(s->kind), t.text, s->path);
    return s;
}

static void parse_field_type(struct parser *p, struct idl_item *field)
{
    const struct token *t = parse_peek(p);

    if (t->kind != TOK_IDENT)
        idl_error_at(t->line, t->col, "expected a field type, found %s", parse_describe(t));
    field->line = t->line;
    field->type = primitive_type(t->text);
    if (field->type != TYPE_NONE) {
        parse_next(p);
        return;
    }
    field->type = TYPE_STRUCT;
    field->sub = parse_aggregate_ref(p, "a field type");
}

/* ---- Declarations ---- */

static void parse_const(struct parser *p, const char *doc)
{
    struct token name;
    struct idl_item *c;

    parse_next(p); /* const */
    name = parse_expect_global_name(p, "a const");
    parse_expect_punct(p, '=', "after the const name");
    c = parse_new_item(p, ITEM_CONST, name.text, name.line, name.col);
    c->doc = doc;
    c->value = parse_value(p, "the const's value", NEG_REF);
    parse_set_trail(p, c, parse_expect_punct(p, ';', "after the const's value").line);
    parse_append(p, c);
}

static bool type_signed(enum idl_type type)
{
    return type == TYPE_I8 || type == TYPE_I16 || type == TYPE_I32 || type == TYPE_I64;
}

/* The largest value of a storage type, or the largest magnitude of a negative one. */
static uint64_t type_max(enum idl_type type, bool negative)
{
    unsigned bits = 8 * (unsigned)idl_type_size(type) - (type_signed(type) ? 1 : 0);

    if (negative)
        return type_signed(type) ? UINT64_C(1) << bits : 0;
    return bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

static void parse_enum_value(struct parser *p, struct idl_item *e, const char *doc)
{
    struct token name = parse_expect_global_name(p, "an enum value");
    struct idl_item *v = parse_new_item(p, ITEM_ENUM_VALUE, name.text, name.line, name.col);
    const struct token *at;

    v->doc = doc;
    parse_expect_punct(p, '=', "after the enum value's name (every value is explicit)");
    at = parse_peek(p);
    int line = at->line, col = at->col;
    v->value = parse_value(p, "the enum value", type_signed(e->type) ? NEG_ANY : NEG_NONE);
    v->value.is_signed = type_signed(e->type);
    if (v->value.value > type_max(e->type, v->value.negative))
        idl_error_at(line, col, "value %s0x%llx of %s does not fit in enum %s's storage type %s",
                     v->value.negative ? "-" : "", (unsigned long long)v->value.value, v->name, e->name,
                     idl_type_idl_name(e->type));
    for (const struct idl_item *o = e->first; o; o = o->next)
        if (o->kind == ITEM_ENUM_VALUE && o->value.value == v->value.value && o->value.negative == v->value.negative)
            idl_error_at(line, col, "enum %s: %s has the value %s%llu of %s (line %d); values must be unique", e->name,
                         v->name, v->value.negative ? "-" : "", (unsigned long long)v->value.value, o->name, o->line);
    parse_append(p, v);
    parse_set_trail(p, v, line);
}

static void parse_enum(struct parser *p, const char *doc)
{
    struct token name, type;
    struct idl_item *e;

    parse_next(p); /* enum */
    name = parse_expect_global_name(p, "an enum");
    e = parse_new_item(p, ITEM_ENUM, name.text, name.line, name.col);
    e->doc = doc;
    parse_expect_punct(p, ':', "and the storage type after the enum name");
    type = parse_next(p);
    e->type = type.kind == TOK_IDENT ? primitive_type(type.text) : TYPE_NONE;
    if (e->type == TYPE_NONE || e->type == TYPE_CHAR || e->type == TYPE_STRUCT)
        idl_error_at(type.line, type.col, "enum storage type must be u8, u16, u32, u64, i8, i16, i32 or i64, found %s",
                     parse_describe(&type));
    parse_append(p, e);
    p->container = e;
    parse_set_trail(p, e, parse_expect_punct(p, '{', "to open the enum").line);
    while (!parse_peek_punct(p, '}')) {
        parse_enum_value(p, e, parse_take_doc(p, parse_peek(p)->line));
        if (parse_peek_punct(p, ','))
            parse_next(p);
        else if (!parse_peek_punct(p, '}'))
            idl_error_at(parse_peek(p)->line, parse_peek(p)->col, "expected ',' or '}' after an enum value, found %s",
                         parse_describe(parse_peek(p)));
    }
    parse_flush_pending(p);
    e->end_line = parse_next(p).line;
    p->container = NULL;
    for (const struct idl_item *v = e->first; v; v = v->next)
        if (v->kind == ITEM_ENUM_VALUE)
            return;
    idl_error_at(e->line, e->col, "enum %s has no values", e->name);
}

void parse_lay_out_field(struct idl_item *s, struct idl_item *f)
{
    uint64_t elem_size = f->type == TYPE_STRUCT ? f->sub->size : idl_type_size(f->type);
    uint64_t count = f->is_array ? f->value.value : 1;
    uint64_t pad;

    f->align = f->type == TYPE_STRUCT ? f->sub->align : elem_size;
    f->offset = s->kind == ITEM_UNION ? 0 : s->size;
    pad = (f->align - f->offset % f->align) % f->align;
    if (pad)
        idl_error_line(f->line,
                       "struct %s: field %s at offset 0x%llx needs %llu byte%s of padding before it; add an "
                       "explicit reserved field",
                       s->name, f->name, (unsigned long long)f->offset, (unsigned long long)pad, pad == 1 ? "" : "s");
    if (count > (STRUCT_SIZE_MAX - f->offset) / elem_size)
        idl_error_at(f->line, f->col, "%s %s: field %s makes the %s larger than 0x%x bytes", parse_kind_name(s->kind),
                     s->name, f->name, parse_kind_name(s->kind), STRUCT_SIZE_MAX);
    f->size = elem_size * count;
    if (f->offset + f->size > s->size)
        s->size = f->offset + f->size;
    if (f->align > s->align)
        s->align = f->align;
}

static void parse_field(struct parser *p, struct idl_item *s, const char *doc)
{
    struct idl_item *f = parse_new_item(p, ITEM_FIELD, NULL, 0, 0);
    struct token name;

    f->doc = doc;
    parse_field_type(p, f);
    name = expect_name(p, "a field", false);
    f->name = name.text;
    f->col = name.col;
    for (const struct idl_item *o = s->first; o; o = o->next)
        if (o->kind == ITEM_FIELD && strcmp(o->name, f->name) == 0)
            idl_error_at(name.line, name.col, "duplicate field '%s' in %s %s (line %d)", f->name,
                         parse_kind_name(s->kind), s->name, o->line);
    const struct idl_item *g = parse_find_global(p, f->name);
    if (g && (g->kind == ITEM_CONST || g->kind == ITEM_ENUM_VALUE))
        idl_error_at(name.line, name.col, "field '%s' has the name of the %s at %s (a C macro)", f->name,
                     parse_kind_name(g->kind), parse_where(g));
    if (parse_peek_punct(p, '[')) {
        const struct token *at;
        parse_next(p);
        at = parse_peek(p);
        int line = at->line, col = at->col;
        f->is_array = true;
        f->value = parse_value(p, "the array length", NEG_NONE);
        if (f->value.value == 0)
            idl_error_at(line, col, "array %s has length 0", f->name);
        parse_expect_punct(p, ']', "after the array length");
    }
    parse_set_trail(p, f, parse_expect_punct(p, ';', "after the field").line);
    parse_lay_out_field(s, f);
    parse_append(p, f);
}

/* struct NAME { fields } or union NAME { members }. */
static void parse_aggregate(struct parser *p, const char *doc, enum idl_kind kind)
{
    const char *word = parse_kind_name(kind);
    struct token name;
    struct idl_item *s;

    parse_next(p); /* struct or union */
    name = parse_expect_global_name(p, kind == ITEM_STRUCT ? "a struct" : "a union");
    s = parse_new_item(p, kind, name.text, name.line, name.col);
    s->doc = doc;
    parse_append(p, s);
    p->container = s;
    parse_set_trail(p, s,
                    parse_expect_punct(p, '{', kind == ITEM_STRUCT ? "to open the struct" : "to open the union").line);
    while (!parse_peek_punct(p, '}')) {
        if (parse_peek(p)->kind == TOK_EOF)
            idl_error_at(parse_peek(p)->line, parse_peek(p)->col,
                         "expected '}' to close %s %s (line %d), found end of file", word, s->name, s->line);
        parse_field(p, s, parse_take_doc(p, parse_peek(p)->line));
    }
    parse_flush_pending(p);
    s->end_line = parse_next(p).line;
    p->container = NULL;
    parse_finish_aggregate(s);
}

void parse_finish_aggregate(const struct idl_item *s)
{
    const char *word = parse_kind_name(s->kind);
    uint64_t pad;

    if (s->align == 0)
        idl_error_at(s->line, s->col, "%s %s has no fields", word, s->name);
    pad = (s->align - s->size % s->align) % s->align;
    if (pad)
        idl_error_line(s->end_line,
                       "%s %s: size 0x%llx is not a multiple of its alignment %llu; add %llu byte%s of explicit "
                       "reserved fields at its end",
                       word, s->name, (unsigned long long)s->size, (unsigned long long)s->align,
                       (unsigned long long)pad, pad == 1 ? "" : "s");
}

static void parse_file(struct parser *p);

/* import NAME; reads NAME.idl from the importing file's directory. */
static void parse_import(struct parser *p, const char *doc)
{
    struct token kw = parse_next(p), name = parse_next(p);
    struct idl_item *imp;
    struct parser sub;
    const char *saved_path = idl_path;
    size_t dlen = strlen(p->dir), len;
    char *path, *src;

    if (p->imported)
        idl_error_at(kw.line, kw.col, "an imported file cannot import (imports do not chain)");
    if (name.kind != TOK_IDENT)
        idl_error_at(name.line, name.col, "expected the name of an IDL file after 'import', found %s",
                     parse_describe(&name));
    path = idl_alloc(dlen + strlen(name.text) + sizeof(".idl"));
    memcpy(path, p->dir, dlen);
    strcat(strcat(path, name.text), ".idl");
    if (strcmp(path, idl_path) == 0)
        idl_error_at(name.line, name.col, "a file cannot import itself");
    for (const struct idl_item *it = p->file->first; it; it = it->next)
        if (it->kind == ITEM_IMPORT && strcmp(it->name, path) == 0)
            idl_error_at(name.line, name.col, "%s is already imported (line %d)", name.text, it->line);
    FILE *f = fopen(path, "rb");
    if (!f)
        idl_error_at(name.line, name.col, "cannot open %s", path);
    fclose(f);
    imp = parse_new_item(p, ITEM_IMPORT, path, kw.line, kw.col);
    imp->doc = doc;
    parse_set_trail(p, imp, parse_expect_punct(p, ';', "after the imported file's name").line);
    parse_append(p, imp);

    src = idl_read_file(path, &len);
    memset(&sub, 0, sizeof(sub));
    lex_init(&sub.lx, src, len);
    sub.file = p->file;
    sub.imported = true;
    sub.dir = p->dir;
    idl_path = path;
    parse_file(&sub);
    idl_path = saved_path;
}

/* Top-level declarations until the end of the file. */
static void parse_file(struct parser *p)
{
    for (;;) {
        const struct token *t = parse_peek(p);
        const char *doc;

        if (t->kind == TOK_EOF)
            break;
        doc = parse_take_doc(p, t->line);
        if (parse_peek_word(p, "const"))
            parse_const(p, doc);
        else if (parse_peek_word(p, "enum"))
            parse_enum(p, doc);
        else if (parse_peek_word(p, "struct"))
            parse_aggregate(p, doc, ITEM_STRUCT);
        else if (parse_peek_word(p, "union"))
            parse_aggregate(p, doc, ITEM_UNION);
        else if (parse_peek_word(p, "ring"))
            parse_ring(p, doc);
        else if (parse_peek_word(p, "errors"))
            parse_errors(p, doc);
        else if (parse_peek_word(p, "import"))
            parse_import(p, doc);
        else
            idl_error_at(t->line, t->col,
                         "expected 'const', 'enum', 'struct', 'union', 'ring', 'errors' or 'import', found %s",
                         parse_describe(t));
    }
    parse_flush_pending(p);
}

void idl_parse(const char *src, size_t len, struct idl_file *file)
{
    struct parser p;
    const char *slash = strrchr(idl_path, '/');

    memset(&p, 0, sizeof(p));
    memset(file, 0, sizeof(*file));
    lex_init(&p.lx, src, len);
    p.file = file;
    p.dir = slash ? idl_strndup(idl_path, (size_t)(slash - idl_path + 1)) : "";
    parse_file(&p);
    parse_check_derived_names(file);
}
