/* SPDX-License-Identifier: MIT */
/*
 * The C emitter: turns a parsed, laid-out file into a header that needs
 * only <stddef.h> and <stdint.h>. Consts and enum values become #defines,
 * structs and unions become plain C ones (the parser made every byte
 * explicit, so no packing) followed by asserts on size, alignment and
 * every offset; errors blocks become a comment and an X-macro list. Rings
 * are emitted by emit_ring.c. Imported declarations are not emitted. It
 * checks nothing: the parser already has.
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
void emit_comment_text(FILE *out, const char *s, size_t len)
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
void emit_block_comment(FILE *out, const char *indent, const char *head, const char *text)
{
    const char *nl = text ? strchr(text, '\n') : NULL;

    if (!nl && !(head && text)) {
        const char *only = head ? head : text;
        fprintf(out, "%s/* ", indent);
        emit_comment_text(out, only, strlen(only));
        fputs(" */\n", out);
        return;
    }
    fprintf(out, "%s/*\n", indent);
    if (head) {
        fprintf(out, "%s * ", indent);
        emit_comment_text(out, head, strlen(head));
        fputc('\n', out);
    }
    for (const char *line = text; line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        fprintf(out, "%s *%s", indent, len ? " " : "");
        emit_comment_text(out, line, len);
        fputc('\n', out);
        line = end ? end + 1 : NULL;
    }
    fprintf(out, "%s */\n", indent);
}

/* A comment after code that filled used columns, starting at column. */
void emit_note(FILE *out, int used, int column, const char *prefix, const char *note)
{
    fprintf(out, "%*s/* ", column > used ? column - used : 0, "");
    if (prefix)
        fputs(prefix, out);
    if (prefix && note)
        fputs(": ", out);
    if (note)
        emit_comment_text(out, note, strlen(note));
    fputs(" */", out);
}

/* A value of a signed enum as C source: int, or long long past 32 bits;
 * negative ones in parentheses (-2147483648 is not a C int literal). */
static const char *signed_text(char *buf, size_t size, const struct idl_value *v)
{
    const char *sfx = v->value > (v->negative ? 0x80000000u : 0x7fffffffu) ? "ll" : "";

    if (!v->negative)
        snprintf(buf, size, v->hex ? "0x%llx%s" : "%llu%s", (unsigned long long)v->value, sfx);
    else if (v->value == 0x80000000u || v->value == UINT64_C(0x8000000000000000))
        snprintf(buf, size, "(-%llu%s - 1)", (unsigned long long)(v->value - 1), sfx);
    else
        snprintf(buf, size, "(-%llu%s)", (unsigned long long)v->value, sfx);
    return buf;
}

/* A value as C source: the const's name, or the literal in its own base
 * (also for a const of an imported file, which this header does not define). */
const char *emit_value_text(const struct idl_value *v, bool suffix)
{
    static char buf[48];
    const char *sfx = !suffix ? "" : v->value > 0xffffffffu ? "ull" : "u";

    if (v->ref && !(v->target && v->target->imported))
        return v->ref;
    if (v->is_signed)
        return signed_text(buf, sizeof(buf), v);
    if (v->hex)
        snprintf(buf, sizeof(buf), "0x%llx%s", (unsigned long long)v->value, sfx);
    else
        snprintf(buf, sizeof(buf), "%llu%s", (unsigned long long)v->value, sfx);
    return buf;
}

/* Consecutive consts with no comment between them: one aligned group. */
const struct idl_item *emit_const_group(FILE *out, const struct idl_item *first)
{
    const struct idl_item *end = first->next;
    int width = (int)strlen(first->name);

    while (end && end->kind == ITEM_CONST && !end->doc) {
        if ((int)strlen(end->name) > width)
            width = (int)strlen(end->name);
        end = end->next;
    }
    if (first->doc)
        emit_block_comment(out, "", NULL, first->doc);
    for (const struct idl_item *c = first; c != end; c = c->next) {
        int used = fprintf(out, "#define %-*s %s", width, c->name, emit_value_text(&c->value, true));
        if (c->note)
            emit_note(out, used, used + 1, NULL, c->note);
        fputc('\n', out);
    }
    return end;
}

/* After an enum's values: NAME_VALUES(X), which applies X(VALUE, number)
 * to each in order (for tables of names built from the one list). */
static void emit_enum_values_macro(FILE *out, const struct idl_item *e)
{
    char macro[IDL_NAME_MAX];

    fprintf(out, "#define %s(X)", enum_values_macro(macro, e->name));
    for (const struct idl_item *v = e->first; v; v = v->next)
        if (v->kind == ITEM_ENUM_VALUE)
            fprintf(out, " X(%s, %s)", v->name, emit_value_text(&v->value, true));
    fputc('\n', out);
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
    emit_block_comment(out, "", head, e->doc);
    for (const struct idl_item *v = e->first; v; v = v->next) {
        if (v->kind != ITEM_ENUM_VALUE)
            continue;
        if ((int)strlen(v->name) > width)
            width = (int)strlen(v->name);
        if ((int)strlen(emit_value_text(&v->value, true)) > vwidth)
            vwidth = (int)strlen(emit_value_text(&v->value, true));
    }
    for (const struct idl_item *v = e->first; v; v = v->next) {
        if (v->kind == ITEM_COMMENT || v->doc)
            emit_block_comment(out, "", NULL, v->doc);
        if (v->kind == ITEM_COMMENT)
            continue;
        int used = fprintf(out, "#define %-*s %s", width, v->name, emit_value_text(&v->value, true));
        if (v->note)
            emit_note(out, used, 8 + width + 1 + vwidth + 1, NULL, v->note);
        fputc('\n', out);
    }
    emit_enum_values_macro(out, e);
}

static int field_decl(char *buf, size_t size, const struct idl_item *f)
{
    char type[96];

    if (f->type == TYPE_STRUCT)
        snprintf(type, sizeof(type), "%s %s", f->sub->kind == ITEM_UNION ? "union" : "struct", f->sub->name);
    else
        snprintf(type, sizeof(type), "%s", c_type(f->type));
    if (f->is_array)
        return snprintf(buf, size, "    %s %s[%s];", type, f->name, emit_value_text(&f->value, false));
    return snprintf(buf, size, "    %s %s;", type, f->name);
}

void emit_aggregate(FILE *out, const struct idl_item *s)
{
    const char *kw = s->kind == ITEM_UNION ? "union" : "struct";
    char decl[256], off[32];
    int width = 0, digits = 2;

    for (uint64_t v = s->size > 0 ? s->size - 1 : 0; v > 0xff; v >>= 4)
        digits++;
    for (const struct idl_item *f = s->first; f; f = f->next) {
        if (f->kind == ITEM_FIELD && field_decl(decl, sizeof(decl), f) > width)
            width = field_decl(decl, sizeof(decl), f);
    }
    if (s->doc)
        emit_block_comment(out, "", NULL, s->doc);
    int used = fprintf(out, "%s %s {", kw, s->name);
    if (s->note)
        emit_note(out, used, used + 1, NULL, s->note);
    fputc('\n', out);
    for (const struct idl_item *f = s->first; f; f = f->next) {
        if (f->kind == ITEM_COMMENT || f->doc)
            emit_block_comment(out, "    ", NULL, f->doc);
        if (f->kind == ITEM_COMMENT)
            continue;
        used = field_decl(decl, sizeof(decl), f);
        fputs(decl, out);
        snprintf(off, sizeof(off), "0x%0*llx", digits, (unsigned long long)f->offset);
        emit_note(out, used, width + 1, off, f->note);
        fputc('\n', out);
    }
    fputs("};\n", out);
    fprintf(out, "_Static_assert(sizeof(%s %s) == %llu, \"%s %s: size\");\n", kw, s->name, (unsigned long long)s->size,
            kw, s->name);
    fprintf(out, "_Static_assert(_Alignof(%s %s) == %llu, \"%s %s: alignment\");\n", kw, s->name,
            (unsigned long long)s->align, kw, s->name);
    for (const struct idl_item *f = s->first; f; f = f->next) {
        if (f->kind != ITEM_FIELD)
            continue;
        fprintf(out, "_Static_assert(offsetof(%s %s, %s) == 0x%0*llx, \"%s %s: offset of %s\");\n", kw, s->name,
                f->name, digits, (unsigned long long)f->offset, kw, s->name, f->name);
    }
}

/* An errors block: a comment listing each error with its reason, and
 * OP_ERRORS(X), which applies X(NAME, value) to each in order. */
static void emit_errors(FILE *out, const struct idl_item *b)
{
    char macro[IDL_NAME_MAX];
    int width = 0;

    fputs("/*\n", out);
    if (b->doc) {
        for (const char *line = b->doc; line;) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            fprintf(out, " *%s", len ? " " : "");
            emit_comment_text(out, line, len);
            fputc('\n', out);
            line = end ? end + 1 : NULL;
        }
    }
    fprintf(out, " * %s returns 0 or one of these errors, negated (Xen's errno values):\n", b->op->name);
    for (const struct idl_item *e = b->first; e; e = e->next)
        if (e->kind == ITEM_ERROR && (int)strlen(e->name) > width)
            width = (int)strlen(e->name);
    for (const struct idl_item *e = b->first; e; e = e->next) {
        if (e->kind != ITEM_ERROR)
            continue;
        for (const char *line = e->doc; line;) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            fputs(" *     ", out);
            emit_comment_text(out, line, len);
            fputc('\n', out);
            line = end ? end + 1 : NULL;
        }
        fprintf(out, " *   %-*s %3llu%s", width, e->name, (unsigned long long)e->value.value, e->note ? "  " : "");
        if (e->note)
            emit_comment_text(out, e->note, strlen(e->note));
        fputc('\n', out);
    }
    fputs(" */\n", out);
    fprintf(out, "#define %s(X)", errors_macro(macro, b->op->name));
    for (const struct idl_item *e = b->first; e; e = e->next)
        if (e->kind == ITEM_ERROR)
            fprintf(out, " X(%s, %llu)", e->name, (unsigned long long)e->value.value);
    fputc('\n', out);
}

/* An import: where the names this file uses come from (none is defined here). */
static void emit_import(FILE *out, const struct idl_item *imp)
{
    size_t len = strlen(imp->name) + 96;
    char *head = idl_alloc(len);

    snprintf(head, len, "Uses declarations of %s (written out here where used: this header includes no other).",
             imp->name);
    emit_block_comment(out, "", head, imp->doc);
}

/* The file's name without directory and ".idl", in upper case, as a C identifier. */
static const char *file_macro_name(char *buf, size_t size, const char *src_name)
{
    const char *base = strrchr(src_name, '/') ? strrchr(src_name, '/') + 1 : src_name;
    size_t n = strlen(base);

    if (n > 4 && strcmp(base + n - 4, ".idl") == 0)
        n -= 4;
    if (n > size - 1)
        n = size - 1;
    for (size_t i = 0; i < n; i++) {
        char c = base[i];
        buf[i] = c >= 'a' && c <= 'z'                               ? (char)(c - 'a' + 'A')
                 : (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c
                                                                    : '_';
    }
    buf[n] = '\0';
    return buf;
}

/*
 * IDL_<FILE>_DECLS(CONST, AGGREGATE, FIELD): every name the file declares
 * (not what a ring derives, nor what it imports), so that a test can
 * prove it checked each one: CONST(NAME) for each const and enum value,
 * AGGREGATE(struct, NAME) or AGGREGATE(union, NAME), FIELD(struct, NAME,
 * field) for each field.
 */
static void emit_decls_macro(FILE *out, const struct idl_file *file, const char *src_name)
{
    char name[IDL_NAME_MAX];

    fprintf(out, "\n/* Every name declared above, for tests that must cover each one. */\n");
    fprintf(out, "#define IDL_%s_DECLS(CONST, AGGREGATE, FIELD)", file_macro_name(name, sizeof(name), src_name));
    for (const struct idl_item *it = file->first; it; it = it->next) {
        const char *kw = it->kind == ITEM_UNION ? "union" : "struct";
        if (it->imported)
            continue;
        if (it->kind == ITEM_CONST)
            fprintf(out, " \\\n    CONST(%s)", it->name);
        for (const struct idl_item *v = it->kind == ITEM_ENUM ? it->first : NULL; v; v = v->next)
            if (v->kind == ITEM_ENUM_VALUE)
                fprintf(out, " \\\n    CONST(%s)", v->name);
        if (it->kind != ITEM_STRUCT && it->kind != ITEM_UNION)
            continue;
        fprintf(out, " \\\n    AGGREGATE(%s, %s)", kw, it->name);
        for (const struct idl_item *f = it->first; f; f = f->next)
            if (f->kind == ITEM_FIELD)
                fprintf(out, " \\\n    FIELD(%s, %s, %s)", kw, it->name, f->name);
    }
    fputc('\n', out);
}

/* The assembler's header: only the consts and enum values, without C's
 * integer suffixes, for .S files (no structs, no includes). */
static void emit_asm_header(FILE *out, const struct idl_file *file)
{
    for (const struct idl_item *it = file->first; it; it = it->next) {
        if (it->imported)
            continue;
        if (it->kind == ITEM_CONST)
            fprintf(out, "#define %s %s\n", it->name, emit_value_text(&it->value, false));
        for (const struct idl_item *v = it->kind == ITEM_ENUM ? it->first : NULL; v; v = v->next)
            if (v->kind == ITEM_ENUM_VALUE)
                fprintf(out, "#define %s %s\n", v->name, emit_value_text(&v->value, false));
    }
}

void emit_c_header(FILE *out, const struct idl_file *file, const char *src_name, bool for_asm)
{
    fputs("/* Generated by idl/gen from ", out);
    emit_comment_text(out, src_name, strlen(src_name));
    fputs(": do not edit. */\n", out);
    if (for_asm) {
        fputs("#pragma once\n\n", out);
        emit_asm_header(out, file);
        return;
    }
    fputs("#pragma once\n\n#include <stddef.h>\n#include <stdint.h>\n", out);
    for (const struct idl_item *it = file->first; it;) {
        if (it->imported) {
            it = it->next;
            continue;
        }
        fputc('\n', out);
        switch (it->kind) {
        case ITEM_CONST: it = emit_const_group(out, it); continue;
        case ITEM_COMMENT: emit_block_comment(out, "", NULL, it->doc); break;
        case ITEM_ENUM: emit_enum(out, it); break;
        case ITEM_STRUCT:
        case ITEM_UNION: emit_aggregate(out, it); break;
        case ITEM_ERRORS: emit_errors(out, it); break;
        case ITEM_RING: emit_ring(out, it); break;
        case ITEM_IMPORT: emit_import(out, it); break;
        case ITEM_ENUM_VALUE:
        case ITEM_ERROR:
        case ITEM_FIELD: break;
        }
        it = it->next;
    }
    emit_decls_macro(out, file, src_name);
}
