/* SPDX-License-Identifier: MIT */
/*
 * mosaic's connection for one verb: opened with the key (client.h),
 * requests sent with their answers checked for type and id, an error
 * answer turned into one line on stderr naming the verb and what was
 * wrong, with its exit status (commands.h's enum mosaic_exit); and the
 * list of domains that list, uptime, vcpu-list and sched-credit start
 * from. What each verb asks and prints is commands.c's.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "commands.h"
#include "idl/control.h"

/* One connection and what it is for. */
struct session {
    struct client c;
    const struct opts *o;
    const char *verb;
    uint32_t next_id;
    bool open; /* connected: session_close to do */
};

/* What a verb that shows the list was given: the domains named. */
struct selection {
    char **names;
    int n;
};

/* session_fail: "mosaic: VERB: what" on stderr; returns status. */
int session_fail(int status, const char *verb, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* session_usage: a usage error of verb (what was wrong, and where its
 * help is); MOSAIC_LOCAL. */
int session_usage(const char *verb, const char *what);

/* session_open: connect and authenticate with o's key for verb.
 * MOSAIC_OK (session_close to do), or the failure's status with its line
 * printed (nothing to close). */
int session_open(struct session *s, const struct opts *o, const char *verb);

/* session_close: end the connection, if open. */
void session_close(struct session *s);

/* session_exchange: send the request of len bytes at msg (its header's
 * id set here), take its answer into s->c.rx. MOSAIC_OK with an answer
 * of the request's type; an error answer explained in one line about
 * domain (NULL: none), but -ESRCH with quiet is MOSAIC_NO_DOMAIN with
 * nothing printed (a domain gone since the list); a transport or
 * protocol failure's status with its line. */
int session_exchange(struct session *s, uint8_t *msg, size_t len, const char *domain, bool quiet);

/* session_broken: the line for an answer that does not decode;
 * MOSAIC_PROTOCOL. */
int session_broken(const struct session *s);

/* session_request_hdr: a request's header of type (the id is set when
 * it is sent). */
static inline struct control_msg_header session_request_hdr(uint16_t type)
{
    return (struct control_msg_header){ .version = CONTROL_PROTO_VERSION, .type = type };
}

/* session_qualifier: arg as a domain field of a request (out,
 * CONTROL_NAME_MAX bytes, NUL-padded), checked with wire_qualifier_ok:
 * MOSAIC_OK, or MOSAIC_LOCAL with the line printed. */
int session_qualifier(const char *verb, const char *arg, char out[CONTROL_NAME_MAX]);

/* session_fetch_list: every domain the control domain shows, ascending,
 * page by page: *d (malloc'ed, the caller frees) with *nr entries,
 * *now_ns the core's clock. MOSAIC_OK or a failure's status. */
int session_fetch_list(struct session *s, struct control_domain **d, unsigned *nr, uint64_t *now_ns);

/* session_selected: whether d is one of the n domains named in args
 * (xl's rule: all digits is an id); every domain when n is 0. */
bool session_selected(const struct control_domain *d, char **args, int n);

/* session_list: a list-like verb's arguments (domains, and --json where
 * json is not NULL) into sel and *json, then the connection opened and
 * the list fetched; every domain named must be in it (MOSAIC_NO_DOMAIN
 * otherwise). MOSAIC_OK or a failure's status with its line. */
int session_list(const struct opts *o, int argc, char **argv, bool *json, struct session *s, struct selection *sel,
                 struct control_domain **d, unsigned *nr, uint64_t *now);
