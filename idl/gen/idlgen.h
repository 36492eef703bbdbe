/* SPDX-License-Identifier: MIT */
/*
 * The IDL generator's shared types: tokens, the parsed file (a tree of
 * items), and the three stages that pass it along (lexer.c, parser.c,
 * emit_c.c). Everything is allocated from one arena that lives until the
 * program exits; every error ends the program with status 1.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Diagnostics and memory (idlgen.c) ---- */

/* The input path as given on the command line, for messages. */
extern const char *idl_path;

/* Prints "FILE:LINE:COL: message" and exits with status 1. */
_Noreturn void idl_error_at(int line, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prints "FILE:LINE: message" (no column) and exits with status 1. */
_Noreturn void idl_error_line(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "idlgen: message" and exits with status 1. */
_Noreturn void idl_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Zeroed memory that stays valid until exit. */
void *idl_alloc(size_t size);
char *idl_strndup(const char *s, size_t len);

/* ---- Tokens (lexer.c) ---- */

enum tok_kind {
    TOK_EOF,
    TOK_IDENT,
    TOK_NUMBER,
    TOK_PUNCT,   /* one of { } [ ] ; : = , */
    TOK_COMMENT, /* '#' to the end of the line */
};

struct token {
    enum tok_kind kind;
    int line, col;
    const char *text; /* IDENT, COMMENT: NUL-terminated copy; COMMENT without the '#' and one space */
    uint64_t value;   /* NUMBER */
    bool hex;         /* NUMBER written as 0x... */
    char punct;       /* PUNCT */
    bool own_line;    /* COMMENT: nothing but blanks before it on its line */
};

struct lexer {
    const char *src;
    size_t len, pos;
    int line, col;
};

void lex_init(struct lexer *lx, const char *src, size_t len);
/* The next token; reports bad characters and malformed numbers itself. */
struct token lex_next(struct lexer *lx);

/* ---- The parsed file (parser.c) ---- */

enum idl_type {
    TYPE_NONE,
    TYPE_U8,
    TYPE_U16,
    TYPE_U32,
    TYPE_U64,
    TYPE_I8,
    TYPE_I16,
    TYPE_I32,
    TYPE_I64,
    TYPE_CHAR,
    TYPE_STRUCT, /* a field whose type is an earlier struct (item->sub) */
};

enum idl_kind {
    ITEM_COMMENT,    /* a comment block attached to nothing */
    ITEM_CONST,      /* const NAME = value; */
    ITEM_ENUM,       /* enum NAME : type { values } */
    ITEM_ENUM_VALUE, /* NAME = value, inside an enum */
    ITEM_STRUCT,     /* struct NAME { fields } */
    ITEM_FIELD,      /* TYPE name; or TYPE name[N]; inside a struct */
};

/* An integer as written: a literal, or the name of a const. */
struct idl_value {
    uint64_t value;
    const char *ref; /* the const named, or NULL for a literal */
    bool hex;        /* a literal written in hex */
};

struct idl_item {
    enum idl_kind kind;
    const char *name;
    int line, col;          /* where the name is (FIELD: the line of its type) */
    int end_line;           /* STRUCT, ENUM: the line of the closing brace */
    const char *doc;        /* the comment block directly above; COMMENT: its text */
    const char *note;       /* a comment at the end of the item's line */
    struct idl_value value; /* CONST, ENUM_VALUE: the value; FIELD: the array length */
    enum idl_type type;     /* ENUM: storage type; FIELD: element type */
    struct idl_item *sub;   /* FIELD of TYPE_STRUCT: that struct */
    bool is_array;          /* FIELD */
    uint64_t offset;        /* FIELD */
    uint64_t size, align;   /* FIELD: whole field (all elements); STRUCT: the struct */
    struct idl_item *first; /* ENUM, STRUCT: members (values, fields, comments) */
    struct idl_item *last;  /* ENUM, STRUCT: last member */
    struct idl_item *next;  /* the next item in the same list */
};

struct idl_file {
    struct idl_item *first, *last; /* top-level items in source order */
};

/* Parses and checks a whole file (names, types, layout); exits on error. */
void idl_parse(const char *src, size_t len, struct idl_file *file);

/* A primitive type's size, which is also its alignment (0 for others); its IDL spelling. */
uint64_t idl_type_size(enum idl_type type);
const char *idl_type_idl_name(enum idl_type type);

/* ---- Output (emit_c.c) ---- */

/* Writes the C header for file; src_name is the input as named in the banner. */
void emit_c_header(FILE *out, const struct idl_file *file, const char *src_name);
