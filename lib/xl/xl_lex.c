/* SPDX-License-Identifier: MIT */
/*
 * xl's config-file tokens (xl_lex.h), one byte at a time over bounded
 * text. libxlu's lexer is the reference; where it takes a file apart in
 * a way an operator does not expect (a CR before LF is a lexical error
 * there, a comment on the last line needs a line end, numeric escapes
 * lose their byte), this one says so or does the plain thing.
 */
#include "xl_lex.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void xl_lex_init(struct xl_lex *l, const char *text, size_t len)
{
    memset(l, 0, sizeof(*l));
    l->text = text;
    l->len = len;
    l->line = 1;
}

/* The byte at pos + ahead, or -1 past the end. */
static int peek(const struct xl_lex *l, size_t ahead)
{
    return l->pos + ahead < l->len ? (unsigned char)l->text[l->pos + ahead] : -1;
}

/* Stops the lexer for good: every later call gives the error again. */
__attribute__((format(printf, 2, 3))) static enum xl_tok error(struct xl_lex *l, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(l->why, sizeof(l->why), fmt, ap);
    va_end(ap);
    l->failed = true;
    return XL_TOK_ERROR;
}

static bool is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A word or number: the run of bytes from pos that more() takes. */
static enum xl_tok run(struct xl_lex *l, bool (*more)(int c), enum xl_tok kind)
{
    size_t n = 0;

    while (peek(l, n) >= 0 && more(peek(l, n)))
        n++;
    if (n > XL_LEX_WORD_MAX)
        return error(l, "a word or number longer than %d bytes", XL_LEX_WORD_MAX);
    memcpy(l->tok, l->text + l->pos, n);
    l->tok[n] = '\0';
    l->tok_len = n;
    l->pos += n;
    return kind;
}

static bool word_byte(int c)
{
    return is_letter(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
}

static bool number_byte(int c)
{
    return is_letter(c) || is_digit(c) || c == '_' || c == '.';
}

/* The byte a backslash escape stands for (xl's: \" \' \\ \a \b \f \n \r
 * \t \v), or -1. */
static int escaped(int c)
{
    static const char from[] = "\"'\\abfnrtv", to[] = "\"'\\\a\b\f\n\r\t\v";
    const char *at = c > 0 ? strchr(from, c) : NULL;

    return at ? (unsigned char)to[at - from] : -1;
}

/* A string from the quote at pos to the same quote again, on one line. */
static enum xl_tok string(struct xl_lex *l)
{
    int quote = peek(l, 0), c;
    size_t n = 0;

    l->pos++;
    while ((c = peek(l, 0)) != quote) {
        if (c < 0 || c == '\n' || (c == '\r' && peek(l, 1) == '\n'))
            return error(l, "missing closing quote (%c)", quote);
        if (c == '\0')
            return error(l, "a NUL byte in a string");
        if (c == '\\') {
            int e = peek(l, 1);
            if (e < 0 || e == '\n' || e == '\r')
                return error(l, "missing closing quote (%c)", quote);
            if (e == 'x' || is_digit(e))
                return error(l, "a numeric escape (\\%c...): xl drops or refuses those; write the byte itself", e);
            if ((c = escaped(e)) < 0)
                return error(l, e >= 0x21 && e < 0x7f ? "unknown escape \\%c" : "a backslash before byte 0x%02x", e);
            l->pos++;
        }
        if (n == XL_LEX_TEXT_MAX)
            return error(l, "a string longer than %d bytes", XL_LEX_TEXT_MAX);
        l->tok[n++] = (char)c;
        l->pos++;
    }
    l->pos++;
    l->tok[n] = '\0';
    l->tok_len = n;
    return XL_TOK_STRING;
}

/* Blanks and a comment before the next token are skipped. */
static void skip_blanks(struct xl_lex *l)
{
    int c;

    while ((c = peek(l, 0)) == ' ' || c == '\t')
        l->pos++;
    if (c == '#')
        while ((c = peek(l, 0)) >= 0 && c != '\n' && !(c == '\r' && peek(l, 1) == '\n') && c != '\0')
            l->pos++;
}

/* A one- or two-byte token at pos. */
static enum xl_tok punct(struct xl_lex *l, int c)
{
    static const char bytes[] = ";,[]=";
    static const enum xl_tok toks[] = { XL_TOK_SEMI, XL_TOK_COMMA, XL_TOK_OPEN, XL_TOK_CLOSE, XL_TOK_EQ };
    const char *at = c > 0 ? strchr(bytes, c) : NULL;

    if (c == '+' && peek(l, 1) == '=') {
        l->pos += 2;
        return XL_TOK_ADD;
    }
    if (!at) {
        if (c == '\0')
            return error(l, "a NUL byte: not a text file");
        if (c == '\r')
            return error(l, "a carriage return (byte 0x%02x) not followed by a line feed", c);
        return error(l, c >= 0x21 && c < 0x7f ? "unexpected character '%c'" : "unexpected byte 0x%02x", c);
    }
    l->pos++;
    return toks[at - bytes];
}

enum xl_tok xl_lex_next(struct xl_lex *l)
{
    int c;

    if (l->failed)
        return XL_TOK_ERROR; /* l->why still holds the reason */
    skip_blanks(l);
    l->tok_line = l->line;
    l->tok_len = 0;
    l->tok[0] = '\0';
    c = peek(l, 0);
    if (c < 0)
        return XL_TOK_END;
    if (c == '\n' || (c == '\r' && peek(l, 1) == '\n')) {
        l->pos += c == '\r' ? 2 : 1;
        l->line++;
        return XL_TOK_NEWLINE;
    }
    if (is_letter(c) || c == '_')
        return run(l, word_byte, XL_TOK_WORD);
    if (is_digit(c))
        return run(l, number_byte, XL_TOK_NUMBER);
    if (c == '"' || c == '\'')
        return string(l);
    return punct(l, c);
}
