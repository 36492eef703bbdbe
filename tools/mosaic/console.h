/* SPDX-License-Identifier: MIT */
/*
 * mosaic console (xl console): a domain's console through the control
 * domain (CONTROL_MSG_CONSOLE), interactive on a terminal (raw mode,
 * Ctrl-] detaches) or driven by a script (stdin until its end, then the
 * output for a bounded time, or until a text shows).
 */
#pragma once

#include "commands.h"

/* How long the output is followed after stdin's end (not a terminal),
 * unless console_opts says otherwise. */
#define CONSOLE_WAIT_DEFAULT_S 2u
/* How often the control domain is asked while no output flows. */
#define CONSOLE_POLL_MS 50
/* The byte that detaches, as in xl console: Ctrl-]. */
#define CONSOLE_ESCAPE 0x1d

struct console_opts {
    unsigned wait_s;   /* not a terminal: follow the output this long after stdin's end */
    const char *until; /* not NULL: stop as soon as the output holds this text (after stdin's end) */
};

/* console_attach: attach to dom's console with o's connection settings
 * (mosaic create -c calls this once the domain exists). Returns an exit
 * status of commands.h: MOSAIC_OK once detached (Ctrl-]) or, without a
 * terminal, once the output was followed to its end (or the text was
 * seen); MOSAIC_NOT_SEEN when the text of co->until never showed. */
int console_attach_with(const struct opts *o, const char *dom, const struct console_opts *co);
/* console_attach: the same with the defaults (interactive use). */
int console_attach(const struct opts *o, const char *dom);

/* console_cmd: the verb `console [--wait SECS] [--until TEXT] DOMAIN`. */
int console_cmd(const struct opts *o, int argc, char **argv);
