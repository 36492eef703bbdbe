/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting for the core's log and snprintf. Deliberately
 * small: integers, strings, characters and pointers; no floating point,
 * no precision, no positional arguments.
 */
#include "core/fmt.h"

struct fmt_out {
    char *buf;
    size_t cap;
    size_t len; /* characters the full output has, even past cap */
};

static void out_char(struct fmt_out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void out_padded(struct fmt_out *o, const char *s, size_t slen, unsigned width, bool left, char pad)
{
    size_t fill = width > slen ? width - slen : 0;

    if (!left)
        for (size_t i = 0; i < fill; i++)
            out_char(o, pad);
    for (size_t i = 0; i < slen; i++)
        out_char(o, s[i]);
    if (left)
        for (size_t i = 0; i < fill; i++)
            out_char(o, ' ');
}

/* Writes v in base into tmp (right-aligned), returns the first digit. */
static char *utoa(char *end, unsigned long long v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;

    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    return p;
}

static void out_number(struct fmt_out *o, unsigned long long v, bool negative, unsigned base, bool upper,
                       unsigned width, bool left, bool zero)
{
    char tmp[24];
    char *end = tmp + sizeof(tmp);
    char *p = utoa(end, v, base, upper);

    if (negative) {
        if (zero && !left) {
            out_char(o, '-');
            width = width ? width - 1 : 0;
        } else {
            *--p = '-';
        }
    }
    out_padded(o, p, (size_t)(end - p), width, left, zero && !left ? '0' : ' ');
}

enum fmt_length { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static unsigned long long arg_unsigned(va_list *ap, enum fmt_length len)
{
    switch (len) {
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static long long arg_signed(va_list *ap, enum fmt_length len)
{
    switch (len) {
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (long long)va_arg(*ap, size_t);
    default: return va_arg(*ap, int);
    }
}

/* Formats one conversion starting after '%'; returns the next fmt char. */
static const char *format_one(struct fmt_out *o, const char *f, va_list *ap)
{
    const char *start = f - 1;
    bool left = false, zero = false;
    unsigned width = 0;
    enum fmt_length len = LEN_INT;

    for (;; f++) {
        if (*f == '-')
            left = true;
        else if (*f == '0')
            zero = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9' && width < 1000)
        width = width * 10 + (unsigned)(*f++ - '0');
    if (*f == 'l') {
        len = LEN_LONG;
        if (*++f == 'l') {
            len = LEN_LLONG;
            f++;
        }
    } else if (*f == 'z') {
        len = LEN_SIZE;
        f++;
    }

    switch (*f) {
    case 'd':
    case 'i': {
        long long v = arg_signed(ap, len);
        unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        out_number(o, mag, v < 0, 10, false, width, left, zero);
        break;
    }
    case 'u': out_number(o, arg_unsigned(ap, len), false, 10, false, width, left, zero); break;
    case 'x':
    case 'X': out_number(o, arg_unsigned(ap, len), false, 16, *f == 'X', width, left, zero); break;
    case 'p':
        out_char(o, '0');
        out_char(o, 'x');
        out_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, width, left, zero);
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        size_t slen = 0;
        if (!s)
            s = "(null)";
        while (s[slen])
            slen++;
        out_padded(o, s, slen, width, left, ' ');
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        out_padded(o, &c, 1, width, left, ' ');
        break;
    }
    case '%': out_char(o, '%'); break;
    default:
        /* Unknown conversion: copy it out as written, consume nothing. */
        for (const char *p = start; p < f; p++)
            out_char(o, *p);
        if (!*f)
            return f;
        out_char(o, *f);
        break;
    }
    return f + 1;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct fmt_out o = { buf, n, 0 };
    va_list args;

    va_copy(args, ap);
    for (const char *f = fmt; *f;) {
        if (*f != '%') {
            out_char(&o, *f++);
            continue;
        }
        f = format_one(&o, f + 1, &args);
    }
    va_end(args);
    if (n)
        buf[o.len < n ? o.len : n - 1] = '\0';
    return (int)(o.len > 0x7fffffff ? 0x7fffffff : o.len);
}
