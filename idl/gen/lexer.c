/* SPDX-License-Identifier: MIT */
/*
 * The IDL lexer: identifiers, decimal and 0x numbers, the punctuation
 * { } [ ] ; : = , - and '#' comments, each with its line and column (both
 * from 1, columns in bytes). Comments are tokens, not whitespace: the
 * parser decides what they are attached to. It knows no keywords.
 */
#include "idlgen.h"

#include <string.h>

/* C guarantees this many significant characters; it also bounds the emitter's lines. */
#define IDENT_MAX 63

void lex_init(struct lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
}

static int peek_char(const struct lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? (unsigned char)lx->src[lx->pos + ahead] : -1;
}

static void advance(struct lexer *lx)
{
    if (lx->src[lx->pos++] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
}

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_char(int c)
{
    return is_ident_start(c) || is_digit(c);
}

static int hex_digit(int c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* True when only blanks precede pos on its line. */
static bool first_on_line(const struct lexer *lx)
{
    for (size_t i = lx->pos; i > 0; i--) {
        char c = lx->src[i - 1];
        if (c == '\n')
            return true;
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}

static void lex_comment(struct lexer *lx, struct token *tok)
{
    size_t start, end;

    tok->own_line = first_on_line(lx);
    advance(lx); /* '#' */
    if (peek_char(lx, 0) == ' ')
        advance(lx);
    start = lx->pos;
    for (int c = peek_char(lx, 0); c != -1 && c != '\n'; c = peek_char(lx, 0)) {
        if (c < 0x20 && c != '\t' && c != '\r')
            idl_error_at(lx->line, lx->col, "control character 0x%02x in a comment", (unsigned)c);
        if (c == 0x7f)
            idl_error_at(lx->line, lx->col, "control character 0x7f in a comment");
        advance(lx);
    }
    end = lx->pos;
    while (end > start && (lx->src[end - 1] == ' ' || lx->src[end - 1] == '\t' || lx->src[end - 1] == '\r'))
        end--;
    tok->kind = TOK_COMMENT;
    tok->text = idl_strndup(lx->src + start, end - start);
}

static void lex_number(struct lexer *lx, struct token *tok)
{
    uint64_t v = 0;
    unsigned base = 10;
    int digits = 0;

    if (peek_char(lx, 0) == '0' && (peek_char(lx, 1) == 'x' || peek_char(lx, 1) == 'X')) {
        base = 16;
        advance(lx);
        advance(lx);
    } else if (peek_char(lx, 0) == '0' && is_digit(peek_char(lx, 1))) {
        idl_error_at(lx->line, lx->col, "number with a leading zero (octal is not supported)");
    }
    for (int c = peek_char(lx, 0); c != -1; c = peek_char(lx, 0)) {
        int d = base == 16 ? hex_digit(c) : (is_digit(c) ? c - '0' : -1);
        if (d < 0) {
            if (is_ident_char(c))
                idl_error_at(lx->line, lx->col, "invalid character '%c' in a number", c);
            break;
        }
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            idl_error_at(tok->line, tok->col, "number does not fit in 64 bits");
        v = v * base + (uint64_t)d;
        digits++;
        advance(lx);
    }
    if (digits == 0)
        idl_error_at(tok->line, tok->col, "'0x' without hex digits");
    tok->kind = TOK_NUMBER;
    tok->value = v;
    tok->hex = base == 16;
}

struct token lex_next(struct lexer *lx)
{
    struct token tok;
    int c;

    memset(&tok, 0, sizeof(tok));
    for (c = peek_char(lx, 0); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = peek_char(lx, 0))
        advance(lx);
    tok.line = lx->line;
    tok.col = lx->col;
    if (c == -1) {
        tok.kind = TOK_EOF;
    } else if (c == '#') {
        lex_comment(lx, &tok);
    } else if (is_ident_start(c)) {
        size_t start = lx->pos;
        while (is_ident_char(peek_char(lx, 0)))
            advance(lx);
        if (lx->pos - start > IDENT_MAX)
            idl_error_at(tok.line, tok.col, "name longer than %d characters", IDENT_MAX);
        tok.kind = TOK_IDENT;
        tok.text = idl_strndup(lx->src + start, lx->pos - start);
    } else if (is_digit(c)) {
        lex_number(lx, &tok);
    } else if (c != 0 && strchr("{}[];:=,-", c)) {
        tok.kind = TOK_PUNCT;
        tok.punct = (char)c;
        advance(lx);
    } else if (c > 0x20 && c < 0x7f) {
        idl_error_at(tok.line, tok.col, "unexpected character '%c'", c);
    } else {
        idl_error_at(tok.line, tok.col, "unexpected byte 0x%02x", (unsigned)c);
    }
    return tok;
}
