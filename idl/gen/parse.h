/* SPDX-License-Identifier: MIT */
/*
 * The parser's private interface: the state of one file being read and
 * the token and name helpers that parser.c shares with the declarations
 * kept in files of their own (parse_ring.c, parse_errors.c). Nothing
 * outside the parser includes it.
 */
#pragma once

#include "idlgen.h"

struct parser {
    struct lexer lx;
    struct token tok; /* the lookahead, when has_tok */
    bool has_tok;
    struct idl_file *file;
    struct idl_item *container; /* the struct, union, enum or errors block being read, or NULL */
    bool imported;              /* reading a file the input imports */
    const char *dir;            /* the directory imports are looked up in ("" or ending in '/') */
    /* Own-line comments seen but not yet attached to anything. */
    char *pending;
    int pending_first, pending_last;
    /* The item a comment later on trail_line is a note of. */
    struct idl_item *trail;
    int trail_line;
};

/* ---- Tokens (parser.c) ---- */

const struct token *parse_peek(struct parser *p);
struct token parse_next(struct parser *p);
bool parse_peek_punct(struct parser *p, char c);
/* True when the lookahead is the identifier word. */
bool parse_peek_word(struct parser *p, const char *word);
/* Consumes punctuation c or reports "expected 'c' where, found ...". */
struct token parse_expect_punct(struct parser *p, char c, const char *where);
/* Consumes the identifier word or reports "expected 'word' where, found ...". */
struct token parse_expect_word(struct parser *p, const char *word, const char *where);
/* A token as messages name it: 'name', number 3, '{', end of file. */
const char *parse_describe(const struct token *t);

/* ---- Items and comments (parser.c) ---- */

struct idl_item *parse_new_item(struct parser *p, enum idl_kind kind, const char *name, int line, int col);
/* Appends to the open container, or to the file's top level. */
void parse_append(struct parser *p, struct idl_item *item);
/* The comment block ending on the line above line, if any; detaches older ones. */
const char *parse_take_doc(struct parser *p, int line);
/* Turns the pending comment block into a free-standing comment item. */
void parse_flush_pending(struct parser *p);
/* A comment after the item on line is its note. */
void parse_set_trail(struct parser *p, struct idl_item *item, int line);

/* ---- Names and values (parser.c) ---- */

/* A const, enum, enum value, struct, union or ring named name, declared so far. */
struct idl_item *parse_find_global(const struct parser *p, const char *name);
const char *parse_kind_name(enum idl_kind kind);
/* Reads the name of a new top-level item: not reserved, not taken. */
struct token parse_expect_global_name(struct parser *p, const char *what);
/* Which negative values parse_value accepts. */
enum negatives {
    NEG_NONE, /* array lengths, unsigned enum values, ring sizes */
    NEG_REF,  /* consts: the name of a negative enum value, not a literal */
    NEG_ANY,  /* signed enum values: -N too */
};
/* A number, -number or the name of a const or enum value. */
struct idl_value parse_value(struct parser *p, const char *what, enum negatives neg);
/* A struct or union declared so far, named by the next token; what says what it is for. */
struct idl_item *parse_aggregate_ref(struct parser *p, const char *what);
/* "line 7", or "line 7 of idl/ring.idl" for an imported item (a static buffer, two in turn). */
const char *parse_where(const struct idl_item *it);

/* ---- Layout (parser.c) ---- */

/* Places field f in s (after the last field of a struct, at 0 in a union). */
void parse_lay_out_field(struct idl_item *s, struct idl_item *f);
/* Checks that s has fields and no tail padding. */
void parse_finish_aggregate(const struct idl_item *s);

/* ---- Declarations in files of their own ---- */

void parse_ring(struct parser *p, const char *doc);   /* parse_ring.c */
void parse_errors(struct parser *p, const char *doc); /* parse_errors.c */
/* After the whole file: no name a ring or errors block derives collides. */
void parse_check_derived_names(const struct idl_file *file);
