/* SPDX-License-Identifier: MIT */
/*
 * mosaic console (console.h). One connection; each request carries the
 * input typed since the last (what the domain's ring did not take is
 * sent again) and asks for the output from where the last answer ended;
 * the next request goes at once while output flows, after
 * CONSOLE_POLL_MS (or as soon as a key is pressed) while it does not.
 * The terminal is put back on every way out: a detach, an error, end of
 * input, a signal that ends the tool.
 */
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "wire.h"

static struct termios saved;
static bool raw_on;

static void terminal_restore(void)
{
    if (raw_on)
        (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    raw_on = false;
}

static void on_signal(int sig)
{
    terminal_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Raw mode, as xl console sets it (cfmakeraw): every byte goes to the
 * domain, whose own terminal echoes and edits. */
static int terminal_raw(void)
{
    struct termios t;

    if (tcgetattr(STDIN_FILENO, &saved) != 0)
        return -1;
    t = saved;
    cfmakeraw(&t);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0)
        return -1;
    raw_on = true;
    atexit(terminal_restore);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    return 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What one attachment is doing. */
struct attach {
    struct session s;
    const struct console_opts *co;
    char domain[CONTROL_NAME_MAX];
    bool tty;     /* stdin is a terminal: raw mode, Ctrl-] detaches */
    bool eof;     /* stdin ended (or detached) */
    bool detach;  /* Ctrl-] was typed */
    uint64_t pos; /* the next output byte wanted */
    uint8_t in[CONTROL_CONSOLE_IN_MAX * 4];
    size_t in_len; /* typed, not yet taken by the domain */
    char *seen;    /* the output's tail, to look for co->until in */
    size_t seen_len, seen_cap;
    bool found;
};

/* Bytes from stdin, up to the escape; waits up to ms for the first. */
static void read_input(struct attach *a, int ms)
{
    struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
    ssize_t n;

    if (a->eof || a->in_len == sizeof(a->in)) {
        if (ms > 0)
            (void)poll(NULL, 0, ms);
        return;
    }
    if (poll(&p, 1, ms) <= 0)
        return;
    n = read(STDIN_FILENO, a->in + a->in_len, sizeof(a->in) - a->in_len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        a->eof = true;
        return;
    }
    if (a->tty) {
        uint8_t *esc = memchr(a->in + a->in_len, CONSOLE_ESCAPE, (size_t)n);
        if (esc) {
            n = esc - (a->in + a->in_len); /* what came before it still goes */
            a->detach = a->eof = true;
        }
    }
    a->in_len += (size_t)n;
}

static bool contains(const char *hay, size_t n, const char *needle, size_t want)
{
    for (size_t i = 0; i + want <= n; i++)
        if (!memcmp(hay + i, needle, want))
            return true;
    return false;
}

/* The output's tail kept to find co->until across answers. */
static void look_for(struct attach *a, const uint8_t *text, size_t n)
{
    size_t want = strlen(a->co->until);

    if (a->found || !want)
        return;
    if (a->seen_len + n > a->seen_cap) {
        /* keep the last want - 1 bytes: the text may start there */
        size_t keep = a->seen_len < want ? a->seen_len : want - 1;
        memmove(a->seen, a->seen + a->seen_len - keep, keep);
        a->seen_len = keep;
        if (keep + n > a->seen_cap) {
            char *more = realloc(a->seen, keep + n);
            if (!more)
                return; /* not looked at: --until then waits its time out */
            a->seen = more;
            a->seen_cap = keep + n;
        }
    }
    memcpy(a->seen + a->seen_len, text, n);
    a->seen_len += n;
    a->found = contains(a->seen, a->seen_len, a->co->until, want);
}

/* One request and its answer: *got is the output bytes it brought. */
static int exchange(struct attach *a, size_t *got)
{
    static uint8_t msg[sizeof(struct control_console_request) + CONTROL_CONSOLE_IN_MAX];
    struct control_console_request q = { .hdr = session_request_hdr(CONTROL_MSG_CONSOLE), .pos = a->pos };
    struct control_console_answer ans;
    const uint8_t *text;
    int r;

    q.in_len = (uint32_t)(a->in_len < CONTROL_CONSOLE_IN_MAX ? a->in_len : CONTROL_CONSOLE_IN_MAX);
    memcpy(q.domain, a->domain, sizeof(q.domain));
    wire_put(msg, &q, &wire_console_request_layout);
    memcpy(msg + sizeof(q), a->in, q.in_len);
    if ((r = session_exchange(&a->s, msg, sizeof(q) + q.in_len, a->domain, false)) != 0)
        return r;
    if (wire_console_answer_get(a->s.c.rx.buf, a->s.c.rx.len, &ans, &text) != 0 || ans.in_taken > q.in_len)
        return session_broken(&a->s);
    memmove(a->in, a->in + ans.in_taken, a->in_len - ans.in_taken);
    a->in_len -= ans.in_taken;
    if (ans.len && fwrite(text, 1, ans.len, stdout) != ans.len)
        return session_fail(MOSAIC_LOCAL, a->s.verb, "cannot write the output: %s", strerror(errno));
    fflush(stdout);
    if (a->co->until)
        look_for(a, text, ans.len);
    a->pos = ans.next;
    *got = ans.len;
    return MOSAIC_OK;
}

static int follow(struct attach *a)
{
    uint64_t end = 0;
    size_t got = 0;
    int r;

    for (;;) {
        /* Output flowing or input waiting: ask again at once. */
        read_input(a, got || a->in_len ? 0 : CONSOLE_POLL_MS);
        if ((r = exchange(a, &got)) != 0)
            return r;
        if (a->detach)
            return MOSAIC_OK;
        if (!a->eof || a->in_len)
            continue;
        if (a->found)
            return MOSAIC_OK;
        if (a->tty)
            return MOSAIC_OK; /* the terminal closed */
        if (!end)
            end = now_ms() + (uint64_t)a->co->wait_s * 1000;
        if (now_ms() >= end)
            return a->co->until ? session_fail(MOSAIC_NOT_SEEN, a->s.verb, "'%s' did not show within %u s",
                                               a->co->until, a->co->wait_s)
                                : MOSAIC_OK;
    }
}

int console_attach_with(const struct opts *o, const char *dom, const struct console_opts *co)
{
    static struct attach a;
    int r;

    memset(&a, 0, sizeof(a));
    a.co = co;
    if ((r = session_qualifier("console", dom, a.domain)) != 0 || (r = session_open(&a.s, o, "console")) != 0)
        return r;
    a.tty = isatty(STDIN_FILENO);
    if (a.tty) {
        if (terminal_raw() != 0) {
            session_close(&a.s);
            return session_fail(MOSAIC_LOCAL, "console", "cannot put the terminal in raw mode: %s", strerror(errno));
        }
        fprintf(stderr, "[mosaic console %s: Ctrl-] detaches]\r\n", dom);
    }
    r = follow(&a);
    terminal_restore();
    if (a.tty && a.detach)
        fprintf(stderr, "\n[mosaic console %s: detached]\n", dom);
    free(a.seen);
    session_close(&a.s);
    return r;
}

int console_attach(const struct opts *o, const char *dom)
{
    static const struct console_opts defaults = { .wait_s = CONSOLE_WAIT_DEFAULT_S };

    return console_attach_with(o, dom, &defaults);
}

int console_cmd(const struct opts *o, int argc, char **argv)
{
    struct console_opts co = { .wait_s = CONSOLE_WAIT_DEFAULT_S };
    const char *dom = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--wait") && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || end == argv[i] || v > 3600)
                return session_usage(argv[0], "--wait takes seconds, 0 to 3600");
            co.wait_s = (unsigned)v;
        } else if (!strcmp(argv[i], "--until") && i + 1 < argc && argv[i + 1][0]) {
            co.until = argv[++i];
        } else if (argv[i][0] == '-' || dom) {
            return session_usage(argv[0], "expected [--wait SECS] [--until TEXT] DOMAIN");
        } else {
            dom = argv[i];
        }
    }
    if (!dom)
        return session_usage(argv[0], "expected a DOMAIN");
    return console_attach_with(o, dom, &co);
}
