/* SPDX-License-Identifier: MIT */
/*
 * mosaic's connection for one verb (session.h): the key, the handshake,
 * requests numbered from 1 with their answers checked for type and id,
 * an error answer turned into one line naming what was wrong, and the
 * list that several verbs start from.
 */
#include "session.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "keyfile.h"
#include "wire.h"

/* One line on stderr, "mosaic: VERB: what", and the exit status. */
int session_fail(int status, const char *verb, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "mosaic: %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

int session_usage(const char *verb, const char *what)
{
    fprintf(stderr, "mosaic: %s: %s (mosaic help %s)\n", verb, what, verb);
    return MOSAIC_LOCAL;
}

int session_open(struct session *s, const struct opts *o, const char *verb)
{
    char path[4096], why[512];
    struct key k;
    enum client_status st;

    s->o = o;
    s->verb = verb;
    s->next_id = 1;
    s->open = false;
    if (keyfile_path(o->key, path, sizeof(path), why, sizeof(why)) != 0 || keyfile_load(path, &k, why, sizeof(why)))
        return session_fail(MOSAIC_LOCAL, verb, "%s", why);
    st = client_connect(&s->c, o->host, o->port, &k, o->timeout_ms, why, sizeof(why));
    memset(&k, 0, sizeof(k));
    if (st != CLIENT_OK) {
        client_close(&s->c);
        return session_fail((int)st, verb, "%s", why);
    }
    s->open = true;
    if (o->verbose)
        fprintf(stderr, "mosaic: handshake with %s:%s took %llu ms\n", o->host, o->port,
                (unsigned long long)s->c.handshake_ms);
    return MOSAIC_OK;
}

void session_close(struct session *s)
{
    if (s->open)
        client_close(&s->c);
    s->open = false;
}

/* What an error answer means for a request about domain (NULL: none). */
static int explain(const struct session *s, uint16_t type, int status, const char *domain)
{
    char what[256];
    const char *d = domain ? domain : "";
    int exit_status = MOSAIC_DENIED;

    switch (-status) {
    case XEN_ESRCH:
        snprintf(what, sizeof(what), "no domain '%s' among those the control domain controls", d);
        exit_status = MOSAIC_NO_DOMAIN;
        break;
    case XEN_EEXIST: snprintf(what, sizeof(what), "more than one domain is named '%s': name it by its id", d); break;
    case XEN_EPERM:
        if (domain)
            snprintf(what, sizeof(what), "not permitted on '%s': the control domain does not change itself", d);
        else
            snprintf(what, sizeof(what), "the control domain lacks the capability (its manifest's caps)");
        break;
    case XEN_EBUSY:
        if (type == CONTROL_MSG_SHUTDOWN)
            snprintf(what, sizeof(what), "'%s' has shut down already", d);
        else
            snprintf(what, sizeof(what), "'%s' is not running (paused already, or shut down)", d);
        break;
    case XEN_ETIMEDOUT:
        if (type == CONTROL_MSG_CONSOLE)
            snprintf(what, sizeof(what), "the console domain did not answer in time");
        else if (type == CONTROL_MSG_SHUTDOWN)
            snprintf(what, sizeof(what),
                     "'%s' was asked, but did not shut down within %u s (it may not support PV shutdown)", d,
                     CONTROL_SHUTDOWN_WAIT_MS / 1000);
        else
            snprintf(what, sizeof(what), "'%s' was destroyed, but is still there after 5 s", d);
        break;
    case XEN_ENOENT: snprintf(what, sizeof(what), "'%s' has no console the console domain serves", d); break;
    case XEN_ENODEV:
        if (type == CONTROL_MSG_CONSOLE)
            snprintf(what, sizeof(what), "the control domain has no console channel (no console domain runs)");
        else
            snprintf(what, sizeof(what), "the control domain has no XenStore connection");
        break;
    case XEN_EIO: snprintf(what, sizeof(what), "the console domain's answer was broken"); break;
    case XEN_EOPNOTSUPP:
        snprintf(what, sizeof(what),
                 "PV control interface not available on '%s': external graceful shutdown not possible "
                 "(xl's -F would send an ACPI power event; destroy ends it at once)",
                 d);
        break;
    case XEN_EACCES:
        snprintf(what, sizeof(what), "the XenStore refused the control domain the nodes of '%s'", d);
        break;
    case XEN_ENOMEM: snprintf(what, sizeof(what), "more memory than the machine has"); break;
    case XEN_ENOSYS:
        snprintf(what, sizeof(what), "the control domain does not know this request (an older one)");
        break;
    case XEN_EINVAL:
        if (type == CONTROL_MSG_UNPAUSE)
            snprintf(what, sizeof(what), "'%s' is not paused", d);
        else if (type == CONTROL_MSG_VCPU_PIN)
            snprintf(what, sizeof(what), "'%s' has no such vCPU, or none of those CPUs is online", d);
        else if (type == CONTROL_MSG_MEM_SET)
            snprintf(what, sizeof(what),
                     "the target of '%s' would be above its maximum (mem-set), or its maximum below its target "
                     "(mem-max)",
                     d);
        else
            snprintf(what, sizeof(what), "the control domain found the request malformed");
        break;
    default: snprintf(what, sizeof(what), "the control domain answered error %d", status); break;
    }
    return session_fail(exit_status, s->verb, "%s", what);
}

/* Sends the request of len bytes at msg (its header's id is set here) and
 * takes its answer into s->c.rx. MOSAIC_OK with an answer of the request's
 * type; an error answer explained (about domain), but for -ESRCH with
 * quiet (MOSAIC_NO_DOMAIN and nothing printed: a domain that went since
 * the list); a broken one. */
int session_exchange(struct session *s, uint8_t *msg, size_t len, const char *domain, bool quiet)
{
    struct control_msg_header h, ah;
    struct control_error e;
    enum client_status st;
    char why[256];

    if (wire_hdr_get(msg, len, &h) != 0)
        return session_fail(MOSAIC_LOCAL, s->verb, "%s", "a request without its header");
    h.id = s->next_id++;
    wire_hdr_put(msg, &h);
    if ((st = client_send(&s->c, msg, len, why, sizeof(why))) != CLIENT_OK ||
        (st = client_recv(&s->c, why, sizeof(why))) != CLIENT_OK)
        return session_fail((int)st, s->verb, "%s", why);
    if (wire_hdr_get(s->c.rx.buf, s->c.rx.len, &ah) != 0 || ah.id != h.id)
        return session_fail(MOSAIC_PROTOCOL, s->verb, "%s", "the control domain's answer is not to our request");
    if (wire_error_get(s->c.rx.buf, s->c.rx.len, &e) == 0 && e.request_type == h.type)
        return quiet && e.status == -XEN_ESRCH ? MOSAIC_NO_DOMAIN : explain(s, h.type, e.status, domain);
    if (ah.type != (h.type | CONTROL_MSG_ANSWER))
        return session_fail(MOSAIC_PROTOCOL, s->verb, "%s", "the control domain's answer is of another type");
    return MOSAIC_OK;
}

int session_broken(const struct session *s)
{
    return session_fail(MOSAIC_PROTOCOL, s->verb, "%s", "the control domain's answer is malformed");
}

/* A domain argument as the protocol carries it: checked here first. */
int session_qualifier(const char *verb, const char *arg, char out[CONTROL_NAME_MAX])
{
    memset(out, 0, CONTROL_NAME_MAX);
    if (strlen(arg) >= CONTROL_NAME_MAX || (strncpy(out, arg, CONTROL_NAME_MAX - 1), !wire_qualifier_ok(out))) {
        return session_fail(MOSAIC_LOCAL, verb,
                            "'%s' is no domain name or id (1 to 31 printable characters, no blanks; an id is below %u)",
                            arg, DOMID_SELF);
    }
    return MOSAIC_OK;
}

/* ---- the list and what is built on it ---- */

/* Every domain the control domain shows, in id order: *d (malloc'ed)
 * with *nr entries, *now_ns the core's clock. */
int session_fetch_list(struct session *s, struct control_domain **d, unsigned *nr, uint64_t *now_ns)
{
    static struct control_domain page[CONTROL_LIST_MAX];
    struct control_list_request q = { .hdr = session_request_hdr(CONTROL_MSG_LIST), .first = 1 };
    struct control_list_answer a;
    uint8_t msg[sizeof(q)];
    int r;

    *d = NULL;
    *nr = 0;
    for (;;) {
        wire_put(msg, &q, &wire_list_request_layout);
        if ((r = session_exchange(s, msg, sizeof(msg), NULL, false)) != 0)
            return r;
        if (wire_list_answer_get(s->c.rx.buf, s->c.rx.len, &a, page) != 0 || (a.nr && page[0].domid < q.first))
            return session_broken(s);
        struct control_domain *more = realloc(*d, (*nr + a.nr + 1) * sizeof(**d));
        if (!more)
            return session_fail(MOSAIC_LOCAL, s->verb, "%s", "out of memory");
        *d = more;
        memcpy(*d + *nr, page, a.nr * sizeof(page[0]));
        *nr += a.nr;
        *now_ns = a.now_ns;
        if (a.nr < CONTROL_LIST_MAX || page[a.nr - 1].domid + 1u >= DOMID_SELF)
            return MOSAIC_OK;
        q.first = (uint16_t)(page[a.nr - 1].domid + 1);
    }
}

/* Whether d is named by one of the arguments (xl's rule: digits are an
 * id); every argument names one domain at least, else its error. */
bool session_selected(const struct control_domain *d, char **args, int n)
{
    if (n == 0)
        return true;
    for (int i = 0; i < n; i++) {
        char *end;
        unsigned long id = strtoul(args[i], &end, 10);
        bool digits = *args[i] && !*end && strspn(args[i], "0123456789") == strlen(args[i]);
        if (digits ? id == d->domid : !strncmp(args[i], d->name, CONTROL_NAME_MAX))
            return true;
    }
    return false;
}

static int check_selection(const struct session *s, const struct control_domain *d, unsigned nr, char **args, int n)
{
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (unsigned k = 0; k < nr && !found; k++)
            found = session_selected(&d[k], &args[i], 1);
        if (!found)
            return session_fail(MOSAIC_NO_DOMAIN, s->verb, "no domain '%s' among those the control domain controls",
                                args[i]);
    }
    return MOSAIC_OK;
}

/* Verbs that show the list: the arguments are domains, or --json (where
 * json is not NULL). The list fetched; every domain named is in it. */
int session_list(const struct opts *o, int argc, char **argv, bool *json, struct session *s, struct selection *sel,
                 struct control_domain **d, unsigned *nr, uint64_t *now)
{
    static char *names[256];
    int r;

    sel->names = names;
    sel->n = 0;
    for (int i = 1; i < argc; i++) {
        if (json && !strcmp(argv[i], "--json"))
            *json = true;
        else if (argv[i][0] == '-')
            return session_usage(argv[0], "unknown option");
        else if ((r = session_qualifier(argv[0], argv[i], (char[CONTROL_NAME_MAX]){ 0 })) != 0)
            return r;
        else if (sel->n == 256)
            return session_usage(argv[0], "more than 256 domains named");
        else
            names[sel->n++] = argv[i];
    }
    if ((r = session_open(s, o, argv[0])) != 0)
        return r;
    r = session_fetch_list(s, d, nr, now);
    return r ? r : check_selection(s, *d, *nr, sel->names, sel->n);
}
