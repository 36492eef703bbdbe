/* SPDX-License-Identifier: MIT */
/*
 * The IDL generator's shared types: tokens, the parsed file (a tree of
 * items), and the stages that pass it along (lexer.c; parser.c with
 * parse_ring.c and parse_errors.c; emit_c.c with emit_ring.c). Everything
 * is allocated from one arena that lives until the program exits; every
 * error ends the program with status 1.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Diagnostics and memory (idlgen.c) ---- */

/* The file being read (the input as given on the command line, or a file
 * it imports), for messages. */
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
/* A whole file, NUL-terminated, in the arena; exits if it cannot be read. */
char *idl_read_file(const char *path, size_t *len);

/* ---- Tokens (lexer.c) ---- */

enum tok_kind {
    TOK_EOF,
    TOK_IDENT,
    TOK_NUMBER,
    TOK_PUNCT,   /* one of { } [ ] ; : = , - */
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
    ITEM_FIELD,      /* TYPE name; or TYPE name[N]; inside a struct or union */
    ITEM_IMPORT,     /* import NAME; (its items follow it, marked imported) */
    ITEM_UNION,      /* union NAME { members }: fields all at offset 0 */
    ITEM_RING,       /* ring NAME { header H; request Q; response P; bytes B; entries N; } */
    ITEM_ERRORS,     /* errors OP { ERRNO, ... }: what operation OP can return */
    ITEM_ERROR,      /* one ERRNO inside an errors block */
};

/* An integer as written: a literal, or the name of a const or enum value. */
struct idl_value {
    uint64_t value;                /* the magnitude when negative */
    const char *ref;               /* the name, or NULL for a literal */
    const struct idl_item *target; /* the const or enum value named, or NULL */
    bool hex;                      /* a literal written in hex */
    bool negative;                 /* written as -N (a value of a signed enum) */
    bool is_signed;                /* a value of a signed enum: no 'u' suffix */
};

struct idl_item {
    enum idl_kind kind;
    const char *name;       /* IMPORT: the file's path; ERRORS: the operation */
    int line, col;          /* where the name is (FIELD: the line of its type) */
    int end_line;           /* STRUCT, UNION, ENUM, RING, ERRORS: the line of the closing brace */
    const char *doc;        /* the comment block directly above; COMMENT: its text */
    const char *note;       /* a comment at the end of the item's line */
    struct idl_value value; /* CONST, ENUM_VALUE: the value; FIELD: the array length; ERROR: errno */
    enum idl_type type;     /* ENUM: storage type; FIELD: element type */
    struct idl_item *sub;   /* FIELD of TYPE_STRUCT: that struct or union */
    bool is_array;          /* FIELD */
    bool imported;          /* declared in an imported file: not emitted */
    const char *path;       /* the file that declares it */
    uint64_t offset;        /* FIELD */
    uint64_t size, align;   /* FIELD: whole field (all elements); STRUCT, UNION: the whole */
    struct idl_item *first; /* ENUM, STRUCT, UNION, ERRORS: members (values, fields, errors, comments) */
    struct idl_item *last;  /* ENUM, STRUCT, UNION, ERRORS: last member */
    struct idl_item *next;  /* the next item in the same list */
    /* RING: the structs it carries (from its declaration) and the items the
     * generator derives: the size consts NAME_RING_BYTES and NAME_RING_SIZE,
     * the entry union NAME_sring_entry and the shared page NAME_sring. */
    struct idl_item *header, *request, *response;
    struct idl_item *bytes_const, *size_const, *entry, *sring;
    /* ERRORS: the operation (a const or enum value). */
    const struct idl_item *op;
};

/* Identifiers the ring helpers use inside their own code (fields of the
 * private structs, parameters, locals): no const may be named one, as a
 * macro of that name would rewrite the helpers (emit_ring.c). */
extern const char *const ring_helper_words[];

struct idl_file {
    struct idl_item *first, *last; /* top-level items in source order */
};

/* Parses and checks a whole file (names, types, layout); exits on error. */
void idl_parse(const char *src, size_t len, struct idl_file *file);

/* A primitive type's size, which is also its alignment (0 for others); its IDL spelling. */
uint64_t idl_type_size(enum idl_type type);
const char *idl_type_idl_name(enum idl_type type);

/* Names a ring declares besides its own, for the emitter and the checks. */
#define IDL_NAME_MAX 128
/* "NAME" + suffix, e.g. ring_name(buf, "blkif", "_sring"). */
const char *ring_name(char *buf, const char *ring, const char *suffix);
/* The ring size macro: the ring's name in upper case + "_RING_SIZE". */
const char *ring_size_macro(char *buf, const char *ring);
/* The macro an errors block declares: the operation's name + "_ERRORS". */
const char *errors_macro(char *buf, const char *op);
/* The macro listing an enum's values: its name in upper case + "_VALUES". */
const char *enum_values_macro(char *buf, const char *enum_name);

/* ---- Output (emit_c.c) ---- */

/* Writes the C header for file; src_name is the input as named in the banner.
 * for_asm: only the consts and enum values, without suffixes, for .S files. */
void emit_c_header(FILE *out, const struct idl_file *file, const char *src_name, bool for_asm);

/* Helpers shared by emit_c.c and emit_ring.c. */
void emit_comment_text(FILE *out, const char *s, size_t len);
void emit_block_comment(FILE *out, const char *indent, const char *head, const char *text);
void emit_note(FILE *out, int used, int column, const char *prefix, const char *note);
const char *emit_value_text(const struct idl_value *v, bool suffix);
/* first and the consts after it up to the next comment, as aligned #defines; returns the item after them. */
const struct idl_item *emit_const_group(FILE *out, const struct idl_item *first);
/* A struct or union, its layout asserts included. */
void emit_aggregate(FILE *out, const struct idl_item *s);
/* A ring: its entry union, shared page struct, and the helpers of both ends. */
void emit_ring(FILE *out, const struct idl_item *ring);
