/* SPDX-License-Identifier: MIT */
/*
 * mosaic's verbs (xl's, tools/mosaic/README.md): each checks its
 * arguments, connects (client.h), sends its requests (idl/control.idl),
 * checks every answer (wire.h) and prints it in xl's form (show.h). The
 * help texts of every verb are here too, so that a verb and its help
 * are one entry of one table.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

/* Exit statuses, for scripts (the usage text lists them). The first
 * five are client.h's enum client_status. */
enum mosaic_exit {
    MOSAIC_OK = 0,
    MOSAIC_LOCAL = 1,       /* usage, the key file, this machine */
    MOSAIC_UNREACHABLE = 2, /* no TCP connection */
    MOSAIC_REFUSED = 3,     /* the TLS handshake failed: wrong key or identity */
    MOSAIC_PROTOCOL = 4,    /* a broken or missing answer */
    MOSAIC_DENIED = 5,      /* the control domain refused the request (its one-line reason printed) */
    MOSAIC_NO_DOMAIN = 6,   /* no such domain among those the control domain controls */
    MOSAIC_NOT_SEEN = 7,    /* console --until: the text did not show in time */
};

/* The global options (before the verb). */
struct opts {
    const char *key, *host, *port, *identity;
    uint32_t timeout_ms;
    unsigned repeat, interval_ms;
    int verbose;
};

/* One verb. */
struct command {
    const char *name;
    const char *synopsis;                                    /* the arguments after the name */
    const char *summary;                                     /* one line for `mosaic help` */
    const char *help;                                        /* what `mosaic help VERB` adds */
    int (*run)(const struct opts *o, int argc, char **argv); /* argv[0] is the verb */
};

/* command_find: the verb named name, or NULL. */
const struct command *command_find(const char *name);

/* command_list_help: one line per verb (name, synopsis, summary) on f. */
void command_list_help(FILE *f);

/* command_help: `mosaic help VERB`'s text for c on f. */
void command_help(FILE *f, const struct command *c);
