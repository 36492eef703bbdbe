/* SPDX-License-Identifier: MIT */
/*
 * mosaic's forms for answers (show.h).
 */
#include "show.h"

#include "idl/control.h"

void show_domain_state(uint16_t flags, char out[7])
{
    static const struct {
        uint16_t flag;
        char letter;
    } letters[] = {
        { CONTROL_DOMF_RUNNING, 'r' },  { CONTROL_DOMF_BLOCKED, 'b' }, { CONTROL_DOMF_PAUSED, 'p' },
        { CONTROL_DOMF_SHUTDOWN, 's' }, { CONTROL_DOMF_CRASHED, 'c' }, { 0, 'd' },
    };

    for (unsigned i = 0; i < 6; i++)
        out[i] = letters[i].flag && (flags & letters[i].flag) ? letters[i].letter : '-';
    out[6] = '\0';
}

const char *show_vcpu_state(uint32_t state)
{
    switch (state) {
    case CONTROL_VCPU_RUNNING: return "r--";
    case CONTROL_VCPU_BLOCKED: return "-b-";
    case CONTROL_VCPU_RUNNABLE: return "---";
    default: return "--p";
    }
}

void show_cpus(uint64_t mask, uint64_t online, char *buf, size_t cap)
{
    size_t n = 0;

    if (online && (mask & online) == online) {
        snprintf(buf, cap, "all");
        return;
    }
    if (!mask) {
        snprintf(buf, cap, "none");
        return;
    }
    buf[0] = '\0';
    for (unsigned lo = 0; lo < 64; lo++) {
        unsigned hi = lo;
        int w;
        if (!(mask & (1ull << lo)))
            continue;
        while (hi < 63 && (mask & (1ull << (hi + 1))))
            hi++;
        w = hi == lo ? snprintf(buf + n, cap - n, "%s%u", n ? "," : "", lo)
                     : snprintf(buf + n, cap - n, "%s%u-%u", n ? "," : "", lo, hi);
        if (w < 0 || (size_t)w >= cap - n)
            return; /* cap below SHOW_CPUS_MAX: cut short */
        n += (size_t)w;
        lo = hi;
    }
}

void show_uptime(uint64_t secs, char *buf, size_t cap)
{
    uint64_t days = secs / 86400, rest = secs % 86400;
    unsigned h = (unsigned)(rest / 3600), m = (unsigned)(rest % 3600 / 60), s = (unsigned)(rest % 60);

    if (days)
        snprintf(buf, cap, "%llu day%s, %u:%02u:%02u", (unsigned long long)days, days == 1 ? "" : "s", h, m, s);
    else
        snprintf(buf, cap, "%u:%02u:%02u", h, m, s);
}

/* Bytes from lowest to '~' kept, others as '?'. */
static void printable(const char *text, size_t max, char lowest, char *out, size_t cap)
{
    size_t n = 0;

    if (cap == 0)
        return;
    for (size_t i = 0; i < max && text[i] && n + 1 < cap; i++)
        out[n++] = text[i] >= lowest && text[i] <= '~' ? text[i] : '?';
    out[n] = '\0';
}

void show_name(const char *text, size_t max, char *out, size_t cap)
{
    printable(text, max, '!', out, cap);
}

void show_text(const char *text, size_t max, char *out, size_t cap)
{
    printable(text, max, ' ', out, cap);
}

void show_json_string(FILE *f, const char *s, size_t max)
{
    fputc('"', f);
    for (size_t i = 0; i < max && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c >= ' ' && c <= '~')
            fputc(c, f);
        else
            fprintf(f, "\\u%04x", c);
    }
    fputc('"', f);
}

void show_log(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' || p[i] == '\t' || (p[i] >= ' ' && p[i] <= '~'))
            fputc(p[i], f);
        else if (p[i] != '\r')
            fprintf(f, "\\x%02x", p[i]);
    }
}
