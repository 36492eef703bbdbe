/* SPDX-License-Identifier: MIT */
/*
 * Ring declarations: reads `ring NAME { header H; request Q; response P;
 * bytes B; entries N; }`, checks that the header has Xen's four indices,
 * computes the entry count as Xen does (the largest power of two that
 * fits) and builds the items the emitter turns into C: the size consts,
 * the entry union and the shared page struct. Also the final check that
 * nothing a ring or errors block derives collides with another name.
 */
#include "parse.h"

#include <string.h>

/* The indices the helpers use, which the header struct must have. */
static const char *const ring_indices[] = { "req_prod", "req_event", "rsp_prod", "rsp_event" };

const char *ring_name(char *buf, const char *ring, const char *suffix)
{
    snprintf(buf, IDL_NAME_MAX, "%s%s", ring, suffix);
    return buf;
}

static const char *upper_name(char *buf, const char *name, const char *suffix)
{
    size_t i;

    for (i = 0; name[i] && i + 1 < IDL_NAME_MAX; i++)
        buf[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
    snprintf(buf + i, IDL_NAME_MAX - i, "%s", suffix);
    return buf;
}

const char *ring_size_macro(char *buf, const char *ring)
{
    return upper_name(buf, ring, "_RING_SIZE");
}

const char *errors_macro(char *buf, const char *op)
{
    snprintf(buf, IDL_NAME_MAX, "%s_ERRORS", op);
    return buf;
}

const char *enum_values_macro(char *buf, const char *enum_name)
{
    return upper_name(buf, enum_name, "_VALUES");
}

static const struct idl_item *find_field(const struct idl_item *s, const char *name)
{
    for (const struct idl_item *f = s->first; f; f = f->next)
        if (f->kind == ITEM_FIELD && strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* The header: a struct (it may be imported: its fields are copied) of primitive fields with the four indices. */
static struct idl_item *ring_header(struct parser *p, const struct idl_item *ring)
{
    struct token t = parse_next(p);
    struct idl_item *h;

    if (t.kind != TOK_IDENT)
        idl_error_at(t.line, t.col, "expected the ring header's struct, found %s", parse_describe(&t));
    h = parse_find_global(p, t.text);
    if (!h || h->kind != ITEM_STRUCT)
        idl_error_at(t.line, t.col, "ring %s: unknown struct '%s'", ring->name, t.text);
    for (size_t i = 0; i < sizeof(ring_indices) / sizeof(ring_indices[0]); i++) {
        const struct idl_item *f = find_field(h, ring_indices[i]);
        if (!f || f->type != TYPE_U32 || f->is_array)
            idl_error_at(t.line, t.col, "ring %s: header %s needs a field 'u32 %s;'", ring->name, h->name,
                         ring_indices[i]);
    }
    for (const struct idl_item *f = h->first; f; f = f->next)
        if (f->kind == ITEM_FIELD && f->type == TYPE_STRUCT)
            idl_error_at(t.line, t.col, "ring %s: header field %s.%s is a struct; a header has primitive fields only",
                         ring->name, h->name, f->name);
    return h;
}

/* A derived item: named, placed where the ring is declared, carrying the ring's flags. */
static struct idl_item *derived(struct parser *p, const struct idl_item *ring, enum idl_kind kind, const char *name)
{
    struct idl_item *it = parse_new_item(p, kind, name, ring->line, ring->col);

    it->end_line = ring->line;
    return it;
}

/* Links a field into a derived aggregate, laid out as the parser lays out declared ones. */
static struct idl_item *link_field(struct idl_item *s, struct idl_item *f)
{
    parse_lay_out_field(s, f);
    if (s->last)
        s->last->next = f;
    else
        s->first = f;
    s->last = f;
    return f;
}

/* A copy of a header field for the shared page struct. */
static void copy_field(struct parser *p, struct idl_item *s, const struct idl_item *model)
{
    struct idl_item *f = parse_new_item(p, ITEM_FIELD, model->name, model->line, model->col);

    f->doc = model->doc;
    f->note = model->note;
    f->type = model->type;
    f->is_array = model->is_array;
    f->value = model->value;
    /* The page's header is written out here, not named: a const it names is not defined in this header. */
    f->value.ref = NULL;
    f->value.target = NULL;
    link_field(s, f);
}

/* "request Q;" or "response P;": member name of the entry union, with the line's comments. */
static struct idl_item *member(struct parser *p, struct idl_item *ring, const char *word, const char *name,
                               const char *what)
{
    struct token t = parse_expect_word(p, word, "in the ring body (header, request, response, bytes, entries)");
    struct idl_item *f = parse_new_item(p, ITEM_FIELD, name, t.line, t.col);

    f->doc = parse_take_doc(p, t.line);
    f->type = TYPE_STRUCT;
    f->sub = parse_aggregate_ref(p, what);
    parse_set_trail(p, f, parse_expect_punct(p, ';', "after the ring's struct").line);
    link_field(ring->entry, f);
    return f->sub;
}

/* The entry count Xen's __CONST_RING_SIZE gives: the largest power of two that fits. */
static uint64_t ring_entries(uint64_t bytes, uint64_t header, uint64_t entry)
{
    uint64_t n = bytes > header ? (bytes - header) / entry : 0, pow = 1;

    if (n == 0)
        return 0;
    while (pow * 2 <= n)
        pow *= 2;
    return pow;
}

/* "bytes B;" or "entries N;": the value, as a const item named by the ring. */
static struct idl_item *size_line(struct parser *p, struct idl_item *ring, const char *word, const char *name)
{
    struct idl_item *c = derived(p, ring, ITEM_CONST, name);
    struct token t = parse_expect_word(p, word, "in the ring body (header, request, response, bytes, entries)");
    const struct token *at = parse_peek(p);

    c->doc = parse_take_doc(p, t.line);
    c->line = at->line;
    c->col = at->col;
    c->value = parse_value(p, word[0] == 'b' ? "the ring's bytes" : "the ring's entries", NEG_NONE);
    if (c->value.value == 0 || c->value.value > 0xffffffffu)
        idl_error_at(c->line, c->col, "ring %s: %s must be 1 to 0xffffffff", ring->name, word);
    parse_set_trail(p, c, parse_expect_punct(p, ';', "after the value").line);
    return c;
}

/* The page struct's comment: what it is, then the header line's own comment. */
static const char *page_doc(const struct idl_item *r, const char *doc)
{
    size_t len = strlen(r->name) + (doc ? strlen(doc) : 0) + 160;
    char *text = idl_alloc(len);

    snprintf(text, len, "The shared page of ring %s: the header fields, then the slots.%s%s", r->name, doc ? "\n" : "",
             doc ? doc : "");
    return text;
}

void parse_ring(struct parser *p, const char *doc)
{
    char name[IDL_NAME_MAX];
    struct token t;
    struct idl_item *r, *e, *s, *ring_field;
    uint64_t n;

    parse_next(p); /* ring */
    t = parse_expect_global_name(p, "a ring");
    r = parse_new_item(p, ITEM_RING, t.text, t.line, t.col);
    r->doc = doc;
    parse_append(p, r);
    p->container = r;
    parse_set_trail(p, r, parse_expect_punct(p, '{', "to open the ring").line);
    e = r->entry = derived(p, r, ITEM_UNION, idl_strndup(name, strlen(ring_name(name, r->name, "_sring_entry"))));
    s = r->sring = derived(p, r, ITEM_STRUCT, idl_strndup(name, strlen(ring_name(name, r->name, "_sring"))));

    e->doc = "A slot of the ring: the front end's request, then the back end's response.";
    /* Comments on the header line describe the page struct. */
    t = parse_expect_word(p, "header", "to start the ring body (header, request, response, bytes, entries)");
    s->doc = page_doc(r, parse_take_doc(p, t.line));
    r->header = ring_header(p, r);
    parse_set_trail(p, s, parse_expect_punct(p, ';', "after the ring's header").line);
    r->request = member(p, r, "request", "req", "the request struct");
    r->response = member(p, r, "response", "rsp", "the response struct");
    e->end_line = parse_peek(p)->line;
    parse_finish_aggregate(e);
    r->bytes_const = size_line(p, r, "bytes", idl_strndup(name, strlen(upper_name(name, r->name, "_RING_BYTES"))));
    r->size_const = size_line(p, r, "entries", idl_strndup(name, strlen(ring_size_macro(name, r->name))));
    r->bytes_const->next = r->size_const; /* emitted as one group */
    parse_flush_pending(p);
    r->end_line = parse_expect_punct(p, '}', "to close the ring (after 'entries')").line;
    p->container = NULL;

    /* The page: the header's fields, then the entries. */
    for (const struct idl_item *f = r->header->first; f; f = f->next)
        if (f->kind == ITEM_FIELD)
            copy_field(p, s, f);
    if (s->size % e->align)
        idl_error_at(r->line, r->col, "ring %s: entries of alignment %llu cannot follow the %llu-byte header %s",
                     r->name, (unsigned long long)e->align, (unsigned long long)s->size, r->header->name);
    n = ring_entries(r->bytes_const->value.value, s->size, e->size);
    if (n == 0)
        idl_error_at(r->bytes_const->line, r->bytes_const->col,
                     "ring %s: %llu bytes leave no room for one %llu-byte entry after the %llu-byte header", r->name,
                     (unsigned long long)r->bytes_const->value.value, (unsigned long long)e->size,
                     (unsigned long long)s->size);
    if (r->size_const->value.value != n)
        idl_error_at(r->size_const->line, r->size_const->col,
                     "ring %s: %llu bytes hold %llu entries of %llu bytes after the %llu-byte header, not %llu",
                     r->name, (unsigned long long)r->bytes_const->value.value, (unsigned long long)n,
                     (unsigned long long)e->size, (unsigned long long)s->size,
                     (unsigned long long)r->size_const->value.value);
    ring_field = parse_new_item(p, ITEM_FIELD, "ring", r->end_line, 1);
    ring_field->type = TYPE_STRUCT;
    ring_field->sub = e;
    ring_field->is_array = true;
    ring_field->value.value = n;
    ring_field->value.ref = r->size_const->name;
    link_field(s, ring_field);
    s->end_line = r->end_line;
    parse_finish_aggregate(s);
}

/* ---- Names the generator derives ---- */

static const char *const ring_functions[] = {
    "_front",
    "_back",
    "_front_init",
    "_front_init_at",
    "_back_init",
    "_back_init_at",
    "_front_free_slots",
    "_front_req_slot",
    "_front_push_requests",
    "_front_pending",
    "_front_get_response",
    "_front_final_check",
    "_back_pending",
    "_back_get_request",
    "_back_rsp_slot",
    "_back_push_responses",
    "_back_final_check",
    "_sring_entry",
    "_sring",
    NULL,
};

static void refuse(const struct idl_item *it, const char *name, const char *what, const struct idl_item *by)
{
    idl_error_at(it->line, it->col, "%s '%s' collides with %s of %s %s (%s)", parse_kind_name(it->kind), name, what,
                 parse_kind_name(by->kind), by->kind == ITEM_ERRORS ? by->op->name : by->name, parse_where(by));
}

/* Every named thing of the file: top-level items, enum values, fields. */
static void check_against(const struct idl_file *file, const struct idl_item *by, const char *name, const char *what,
                          bool macro)
{
    for (const struct idl_item *it = file->first; it; it = it->next) {
        if (it->kind == ITEM_COMMENT || it->kind == ITEM_IMPORT || it->kind == ITEM_ERRORS || it->imported)
            continue;
        if (strcmp(it->name, name) == 0 && it != by)
            refuse(it, name, what, by);
        for (const struct idl_item *m = it->first; m && (macro || it->kind == ITEM_ENUM); m = m->next)
            if ((m->kind == ITEM_FIELD || m->kind == ITEM_ENUM_VALUE) && strcmp(m->name, name) == 0)
                refuse(m, name, what, by);
    }
}

void parse_check_derived_names(const struct idl_file *file)
{
    char name[IDL_NAME_MAX];

    for (const struct idl_item *it = file->first; it; it = it->next) {
        if (it->imported)
            continue;
        if (it->kind == ITEM_ERRORS)
            check_against(file, it, errors_macro(name, it->op->name), "the macro", true);
        if (it->kind == ITEM_ENUM)
            check_against(file, it, enum_values_macro(name, it->name), "the macro", true);
        if (it->kind != ITEM_RING)
            continue;
        for (size_t i = 0; ring_functions[i]; i++)
            check_against(file, it, ring_name(name, it->name, ring_functions[i]), "a name", false);
        check_against(file, it, it->size_const->name, "the macro", true);
        check_against(file, it, it->bytes_const->name, "the macro", true);
        /* Macros are upper case: rings "a" and "A" would both define A_RING_SIZE. */
        for (const struct idl_item *o = file->first; o != it; o = o->next)
            if (o->kind == ITEM_RING && !o->imported && strcmp(o->size_const->name, it->size_const->name) == 0)
                idl_error_at(it->line, it->col, "ring %s: its macro %s is also ring %s's (%s)", it->name,
                             it->size_const->name, o->name, parse_where(o));
    }
    /* A macro named like a word of the helpers' code would rewrite it. */
    for (const struct idl_item *r = file->first; r; r = r->next) {
        if (r->kind != ITEM_RING || r->imported)
            continue;
        for (size_t i = 0; ring_helper_words[i]; i++)
            for (const struct idl_item *it = file->first; it; it = it->next) {
                if (it->imported)
                    continue;
                if (it->kind == ITEM_CONST && strcmp(it->name, ring_helper_words[i]) == 0)
                    refuse(it, it->name, "a word of the helpers", r);
                for (const struct idl_item *v = it->kind == ITEM_ENUM ? it->first : NULL; v; v = v->next)
                    if (v->kind == ITEM_ENUM_VALUE && strcmp(v->name, ring_helper_words[i]) == 0)
                        refuse(v, v->name, "a word of the helpers", r);
            }
    }
}
