/* SPDX-License-Identifier: MIT */
/*
 * mosaic, the operator's tool (tools/mosaic/README.md): the global
 * options, then one verb (commands.c) with its own arguments, as xl
 * takes them; `mosaic help [VERB]` and `mosaic VERB --help` print the
 * help. Exit statuses for scripts are commands.h's enum mosaic_exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "idl/control.h"

#define DEFAULT_HOST    "127.0.0.1"
#define DEFAULT_TIMEOUT 60u /* seconds per step: a handshake under emulation takes a while */

static void usage(FILE *f)
{
    fprintf(f, "usage: mosaic [OPTIONS] VERB [ARGS]\n\nVerbs (mosaic help VERB, or mosaic VERB --help, says more):\n");
    command_list_help(f);
    fprintf(f,
            "\n"
            "Options (before the verb):\n"
            "  --key FILE           the key (default $MOSAIC_KEY, else\n"
            "                       ${XDG_CONFIG_HOME:-$HOME/.config}/mosaic/key)\n"
            "  --host ADDR          the control domain's address (default $MOSAIC_HOST, else %s)\n"
            "  --port N             its port (default $MOSAIC_PORT, else %u)\n"
            "  --timeout SECS       for connecting, the handshake and each answer (default %u)\n"
            "  --identity NAME      keygen: the key's identity (default operator)\n"
            "  --repeat N           version: ask N times on one connection (default 1)\n"
            "  --interval MS        version: wait MS between them (default 0)\n"
            "  -v                   also say how long the handshake took\n"
            "\n"
            "Exit status: 0 done; 1 a local problem (usage, the key file); 2 the control domain\n"
            "is unreachable; 3 it refused us (wrong key); 4 a broken or missing answer; 5 it\n"
            "refused the request (the reason is printed); 6 no such domain among those it controls;\n"
            "7 console --until: the text did not show in time.\n",
            DEFAULT_HOST, CONTROL_PORT_DEFAULT, DEFAULT_TIMEOUT);
}

static int number(const char *arg, const char *what, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(arg, &end, 10);

    if (*end || end == arg || *arg == '-' || v > max) {
        fprintf(stderr, "mosaic: %s: '%s' is not a number up to %u\n", what, arg, max);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* The options before the verb; *verb its index. 0, 1 (help printed), -1. */
static int parse_opts(int argc, char **argv, struct opts *o, int *verb)
{
    unsigned secs = DEFAULT_TIMEOUT;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(opt, "-v")) {
            o->verbose = 1;
            continue;
        }
        if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            usage(stdout);
            return 1;
        }
        if (!val) {
            fprintf(stderr, "mosaic: %s needs a value\n", opt);
            return -1;
        }
        i++;
        if (!strcmp(opt, "--key"))
            o->key = val;
        else if (!strcmp(opt, "--host"))
            o->host = val;
        else if (!strcmp(opt, "--port"))
            o->port = val;
        else if (!strcmp(opt, "--identity"))
            o->identity = val;
        else if (!strcmp(opt, "--timeout")    ? number(val, opt, 3600, &secs)
                 : !strcmp(opt, "--repeat")   ? number(val, opt, 100000, &o->repeat)
                 : !strcmp(opt, "--interval") ? number(val, opt, 3600000, &o->interval_ms)
                                              : (fprintf(stderr, "mosaic: unknown option %s\n", opt), -1))
            return -1;
    }
    o->timeout_ms = secs * 1000u;
    *verb = i;
    if (i == argc) {
        fprintf(stderr, "mosaic: no verb given (mosaic help lists them)\n");
        return -1;
    }
    return 0;
}

/* mosaic help [VERB] */
static int help(int argc, char **argv)
{
    const struct command *c;

    if (argc == 1) {
        usage(stdout);
        return MOSAIC_OK;
    }
    if (argc > 2 || !(c = command_find(argv[1]))) {
        fprintf(stderr, "mosaic: help: no verb '%s' (mosaic help lists them)\n", argv[1]);
        return MOSAIC_LOCAL;
    }
    command_help(stdout, c);
    return MOSAIC_OK;
}

int main(int argc, char **argv)
{
    struct opts o = {
        .host = getenv("MOSAIC_HOST"), .port = getenv("MOSAIC_PORT"), .identity = "operator", .repeat = 1
    };
    const struct command *c;
    char port[8];
    int verb, r;

    snprintf(port, sizeof(port), "%u", CONTROL_PORT_DEFAULT);
    if (!o.host || !*o.host)
        o.host = DEFAULT_HOST;
    if (!o.port || !*o.port)
        o.port = port;
    if ((r = parse_opts(argc, argv, &o, &verb)) != 0)
        return r > 0 ? MOSAIC_OK : MOSAIC_LOCAL;
    if (!strcmp(argv[verb], "help"))
        return help(argc - verb, argv + verb);
    if (!(c = command_find(argv[verb]))) {
        fprintf(stderr, "mosaic: unknown verb '%s' (mosaic help lists them)\n", argv[verb]);
        return MOSAIC_LOCAL;
    }
    for (int i = verb + 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            command_help(stdout, c);
            return MOSAIC_OK;
        }
    return c->run(&o, argc - verb, argv + verb);
}
