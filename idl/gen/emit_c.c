/* SPDX-License-Identifier: MIT */
/*
 * The C emitter: turns a parsed, laid-out file into a header that needs
 * only <stddef.h> and <stdint.h>. Consts and enum values become #defines,
 * structs become plain C structs (the parser made every byte explicit, so
 * no packing) followed by asserts on size, alignment and every offset.
 * It checks nothing: the parser already has.
 */
#include "idlgen.h"

#include <string.h>

static const char *c_type(enum idl_type type)
{
    switch (type) {
    case TYPE_U8: return "uint8_t";
    case TYPE_U16: return "uint16_t";
    case TYPE_U32: return "uint32_t";
    case TYPE_U64: return "uint64_t";
    case TYPE_I8: return "int8_t";
    case TYPE_I16: return "int16_t";
    case TYPE_I32: return "int32_t";
    case TYPE_I64: return "int64_t";
    case TYPE_CHAR: return "char";
    case TYPE_NONE:
    case TYPE_STRUCT: break;
    }
    return "?";
}

/* Writes one comment line, keeping the text from closing or nesting the C comment. */
static void put_comment_text(FILE *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char next = i + 1 < len ? s[i + 1] : '\0';
        fputc(s[i], out);
        /* "*" "/" would end the comment, "/" "*" nests, "??" starts a trigraph. */
        if ((s[i] == '*' && next == '/') || (s[i] == '/' && next == '*') || (s[i] == '?' && next == '?'))
            fputc(' ', out);
    }
}

/* A comment on lines of its own: head (if any) as its first line, then text. */
static void put_block_comment(FILE *out, const char *indent, const char *head, const char *text)
{
    const char *nl = text ? strchr(text, '\n') : NULL;

    if (!nl && !(head && text)) {
        const char *only = head ? head : text;
        fprintf(out, "%s/* ", indent);
        put_comment_text(out, only, strlen(only));
        fputs(" */\n", out);
        return;
    }
    fprintf(out, "%s/*\n", indent);
    if (head) {
        fprintf(out, "%s * ", indent);
        put_comment_text(out, head, strlen(head));
        fputc('\n', out);
    }
    for (const char *line = text; line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        fprintf(out, "%s *%s", indent, len ? " " : "");
        put_comment_text(out, line, len);
        fputc('\n', out);
        line = end ? end + 1 : NULL;
    }
    fprintf(out, "%s */\n", indent);
}

/* A comment after code that filled used columns, starting at column. */
static void put_note(FILE *out, int used, int column, const char *prefix, const char *note)
{
    fprintf(out, "%*s/* ", column > used ? column - used : 0, "");
    if (prefix)
        fputs(prefix, out);
    if (prefix && note)
        fputs(": ", out);
    if (note)
        put_comment_text(out, note, strlen(note));
    fputs(" */", out);
}

/* A value as C source: the const's name, or the literal in its own base. */
static const char *value_text(const struct idl_value *v, bool suffix)
{
    static char buf[48];
    const char *sfx = !suffix ? "" : v->value > 0xffffffffu ? "ull" : "u";

    if (v->ref)
        return v->ref;
    if (v->hex)
        snprintf(buf, sizeof(buf), "0x%llx%s", (unsigned long long)v->value, sfx);
    else
        snprintf(buf, sizeof(buf), "%llu%s", (unsigned long long)v->value, sfx);
    return buf;
}

/* Consecutive consts with no comment between them: one aligned group. */
static const struct idl_item *emit_const_group(FILE *out, const struct idl_item *first)
{
    const struct idl_item *end = first->next;
    int width = (int)strlen(first->name);

    while (end && end->kind == ITEM_CONST && !end->doc) {
        if ((int)strlen(end->name) > width)
            width = (int)strlen(end->name);
        end = end->next;
    }
    if (first->doc)
        put_block_comment(out, "", NULL, first->doc);
    for (const struct idl_item *c = first; c != end; c = c->next) {
        int used = fprintf(out, "#define %-*s %s", width, c->name, value_text(&c->value, true));
        if (c->note)
            put_note(out, used, used + 1, NULL, c->note);
        fputc('\n', out);
    }
    return end;
}

static void emit_enum(FILE *out, const struct idl_item *e)
{
    const char *note = e->note ? e->note : "";
    size_t size = strlen(e->name) + strlen(note) + 64;
    char *head = idl_alloc(size);
    int width = 0, vwidth = 0;

    /* "enum NAME, stored as TYPE", then the note, or a colon before the doc lines. */
    snprintf(head, size, "enum %s, stored as %s%s%s", e->name, c_type(e->type), e->note || e->doc ? ":" : "",
             e->note ? " " : "");
    strcat(head, note);
    put_block_comment(out, "", head, e->doc);
    for (const struct idl_item *v = e->first; v; v = v->next) {
        if (v->kind != ITEM_ENUM_VALUE)
            continue;
        if ((int)strlen(v->name) > width)
            width = (int)strlen(v->name);
        if ((int)strlen(value_text(&v->value, true)) > vwidth)
            vwidth = (int)strlen(value_text(&v->value, true));
    }
    for (const struct idl_item *v = e->first; v; v = v->next) {
        if (v->kind == ITEM_COMMENT || v->doc)
            put_block_comment(out, "", NULL, v->doc);
        if (v->kind == ITEM_COMMENT)
            continue;
        int used = fprintf(out, "#define %-*s %s", width, v->name, value_text(&v->value, true));
        if (v->note)
            put_note(out, used, 8 + width + 1 + vwidth + 1, NULL, v->note);
        fputc('\n', out);
    }
}

static int field_decl(char *buf, size_t size, const struct idl_item *f)
{
    char type[96];

    if (f->type == TYPE_STRUCT)
        snprintf(type, sizeof(type), "struct %s", f->sub->name);
    else
        snprintf(type, sizeof(type), "%s", c_type(f->type));
    if (f->is_array)
        return snprintf(buf, size, "    %s %s[%s];", type, f->name, value_text(&f->value, false));
    return snprintf(buf, size, "    %s %s;", type, f->name);
}

static void emit_struct(FILE *out, const struct idl_item *s)
{
    char decl[256], off[32];
    int width = 0, digits = 2;

    for (uint64_t v = s->size > 0 ? s->size - 1 : 0; v > 0xff; v >>= 4)
        digits++;
    for (const struct idl_item *f = s->first; f; f = f->next) {
        if (f->kind == ITEM_FIELD && field_decl(decl, sizeof(decl), f) > width)
            width = field_decl(decl, sizeof(decl), f);
    }
    if (s->doc)
        put_block_comment(out, "", NULL, s->doc);
    int used = fprintf(out, "struct %s {", s->name);
    if (s->note)
        put_note(out, used, used + 1, NULL, s->note);
    fputc('\n', out);
    for (const struct idl_item *f = s->first; f; f = f->next) {
        if (f->kind == ITEM_COMMENT || f->doc)
            put_block_comment(out, "    ", NULL, f->doc);
        if (f->kind == ITEM_COMMENT)
            continue;
        used = field_decl(decl, sizeof(decl), f);
        fputs(decl, out);
        snprintf(off, sizeof(off), "0x%0*llx", digits, (unsigned long long)f->offset);
        put_note(out, used, width + 1, off, f->note);
        fputc('\n', out);
    }
    fputs("};\n", out);
    fprintf(out, "_Static_assert(sizeof(struct %s) == %llu, \"struct %s: size\");\n", s->name,
            (unsigned long long)s->size, s->name);
    fprintf(out, "_Static_assert(_Alignof(struct %s) == %llu, \"struct %s: alignment\");\n", s->name,
            (unsigned long long)s->align, s->name);
    for (const struct idl_item *f = s->first; f; f = f->next) {
        if (f->kind != ITEM_FIELD)
            continue;
        fprintf(out, "_Static_assert(offsetof(struct %s, %s) == 0x%0*llx, \"struct %s: offset of %s\");\n", s->name,
                f->name, digits, (unsigned long long)f->offset, s->name, f->name);
    }
}

void emit_c_header(FILE *out, const struct idl_file *file, const char *src_name)
{
    fputs("/* Generated by idl/gen from ", out);
    put_comment_text(out, src_name, strlen(src_name));
    fputs(": do not edit. */\n", out);
    fputs("#pragma once\n\n#include <stddef.h>\n#include <stdint.h>\n", out);
    for (const struct idl_item *it = file->first; it;) {
        fputc('\n', out);
        switch (it->kind) {
        case ITEM_CONST: it = emit_const_group(out, it); continue;
        case ITEM_COMMENT: put_block_comment(out, "", NULL, it->doc); break;
        case ITEM_ENUM: emit_enum(out, it); break;
        case ITEM_STRUCT: emit_struct(out, it); break;
        case ITEM_ENUM_VALUE:
        case ITEM_FIELD: break;
        }
        it = it->next;
    }
}
