/* SPDX-License-Identifier: MIT */
/*
 * The tokens of xl's config files (libxlu's lexer, xl.cfg(5)): words,
 * numbers, strings in single or double quotes with xl's backslash
 * escapes, '[', ']', ',', '=', '+=', ';', and line ends (a '#' comment
 * ends with its line). Blanks are spaces and tabs; a CR right before a
 * LF is part of the line end. It reads bounded text that need not be
 * NUL-terminated and is never trusted; xl_cfg.c puts the tokens together
 * into settings. Private to lib/xl.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define XL_LEX_TEXT_MAX 2048 /* a string's bytes after its escapes, without the NUL */
#define XL_LEX_WORD_MAX 64   /* a word's or number's bytes */
#define XL_LEX_WHY_MAX  96   /* a reason always fits */

enum xl_tok {
    XL_TOK_END,     /* the end of the text */
    XL_TOK_NEWLINE, /* a line's end, with the comment before it */
    XL_TOK_SEMI,    /* ';' */
    XL_TOK_COMMA,   /* ',' */
    XL_TOK_OPEN,    /* '[' */
    XL_TOK_CLOSE,   /* ']' */
    XL_TOK_EQ,      /* '=' */
    XL_TOK_ADD,     /* '+=' */
    XL_TOK_WORD,    /* a letter or '_', then letters, digits, '_', '.' and '-': a key, or an unquoted word */
    XL_TOK_NUMBER,  /* a digit, then letters, digits, '_' and '.': xl's NUMBER and what looks like one */
    XL_TOK_STRING,  /* a quoted string, its escapes decoded */
    XL_TOK_ERROR,   /* none: why says what is wrong */
};

struct xl_lex {
    const char *text;
    size_t len;
    size_t pos;                    /* the next byte to read */
    unsigned line;                 /* the line of text[pos], from 1 */
    unsigned tok_line;             /* the line the last token started on */
    char tok[XL_LEX_TEXT_MAX + 1]; /* the last word's, number's or string's text, NUL-terminated */
    size_t tok_len;                /* its bytes, without the NUL */
    char why[XL_LEX_WHY_MAX];      /* after XL_TOK_ERROR: a one-line reason */
    bool failed;                   /* XL_TOK_ERROR was returned */
};

/* xl_lex_init: l reads text (len bytes) from its start, line 1. */
void xl_lex_init(struct xl_lex *l, const char *text, size_t len);

/*
 * xl_lex_next: the next token; its line is in l->tok_line and the text
 * of a word, number or string in l->tok. A NUL byte, a lone CR, a byte
 * that starts no token, a string that a line end or the text's end
 * interrupts, an escape xl does not decode (octal and \x escapes xl
 * mishandles are refused too), and a token too long for l->tok give
 * XL_TOK_ERROR with the reason in l->why. After XL_TOK_END or
 * XL_TOK_ERROR every call returns the same again.
 */
enum xl_tok xl_lex_next(struct xl_lex *l);
