/* SPDX-License-Identifier: MIT */
/*
 * mosaic's verbs (commands.h): each one's arguments, its requests over
 * one connection (session.c), every answer decoded and checked (wire.h)
 * before a byte of it is printed, and its output in xl's form; the
 * table of verbs with their help.
 */
#include "commands.h"

#include "create.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "devices.h"
#include "idl/sched.h"
#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "keyfile.h"
#include "session.h"
#include "show.h"
#include "top.h"
#include "wire.h"
#include "xl_cpus.h"
#include "xl_mem.h"

_Static_assert(XL_MEM_KIB_MAX == CONTROL_MEM_KIB_MAX, "one largest size for the tool and the protocol");

#define NS_PER_S 1000000000ull

/* What a list-like verb shows: the list, the core's clock, the domains
 * named (none: all), whether --json was given. */
struct listing {
    const struct control_domain *d;
    unsigned nr;
    uint64_t now;
    struct selection sel;
    bool json;
};

/* list, uptime and vcpu-list: the list fetched (list_verb), then shown. */
static int list_driven(const struct opts *o, int argc, char **argv, bool takes_json,
                       int (*show)(struct session *s, const struct listing *l))
{
    struct control_domain *d = NULL;
    struct session s = { .open = false };
    struct listing l = { .json = false };
    int r = session_list(o, argc, argv, takes_json ? &l.json : NULL, &s, &l.sel, &d, &l.nr, &l.now);

    l.d = d;
    if (r == MOSAIC_OK)
        r = show(&s, &l);
    free(d);
    session_close(&s);
    return r;
}

static void print_list_json(const struct listing *l)
{
    bool first = true;

    printf("[");
    for (unsigned i = 0; i < l->nr; i++) {
        const struct control_domain *d = &l->d[i];
        char state[7];
        if (!session_selected(d, l->sel.names, l->sel.n))
            continue;
        show_domain_state(d->flags, state);
        printf("%s\n  {\"domid\": %u, \"name\": ", first ? "" : ",", d->domid);
        show_json_string(stdout, d->name, sizeof(d->name));
        printf(", \"state\": \"%s\", \"mem_kib\": %llu, \"max_mem_kib\": %llu, \"vcpus\": %u, \"cpu_time\": %.3f, "
               "\"uptime\": %.3f, \"shutdown_reason\": ",
               state, (unsigned long long)d->mem_kib, (unsigned long long)d->max_mem_kib, d->nr_vcpus,
               (double)d->cpu_time_ns / 1e9,
               d->started_ns && l->now > d->started_ns ? (double)(l->now - d->started_ns) / 1e9 : 0.0);
        if (d->flags & CONTROL_DOMF_SHUTDOWN)
            printf("%u", d->shutdown_reason);
        else
            printf("null");
        printf(", \"control_domain\": %s}", d->flags & CONTROL_DOMF_SELF ? "true" : "false");
        first = false;
    }
    printf("%s]\n", first ? "" : "\n");
}

static int show_list(struct session *s, const struct listing *l)
{
    (void)s;
    if (l->json) {
        print_list_json(l);
        return MOSAIC_OK;
    }
    printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
    for (unsigned i = 0; i < l->nr; i++) {
        const struct control_domain *d = &l->d[i];
        char name[CONTROL_NAME_MAX], state[7];
        if (!session_selected(d, l->sel.names, l->sel.n))
            continue;
        show_name(d->name, sizeof(d->name), name, sizeof(name));
        show_domain_state(d->flags, state);
        printf("%-40s %5u %5llu %5u %10s %9.1f\n", name, d->domid, (unsigned long long)(d->mem_kib / 1024), d->nr_vcpus,
               state, (double)d->cpu_time_ns / 1e9);
    }
    return MOSAIC_OK;
}

static int cmd_list(const struct opts *o, int argc, char **argv)
{
    return list_driven(o, argc, argv, true, show_list);
}

static int show_uptimes(struct session *s, const struct listing *l)
{
    (void)s;
    printf("%-32s %5s %s\n", "Name", "ID", "Uptime");
    for (unsigned i = 0; i < l->nr; i++) {
        const struct control_domain *d = &l->d[i];
        char name[CONTROL_NAME_MAX], up[48] = "-";
        if (!session_selected(d, l->sel.names, l->sel.n))
            continue;
        show_name(d->name, sizeof(d->name), name, sizeof(name));
        if (d->started_ns && l->now >= d->started_ns)
            show_uptime((l->now - d->started_ns) / NS_PER_S, up, sizeof(up));
        printf("%-32s %5u %s\n", name, d->domid, up);
    }
    return MOSAIC_OK;
}

static int cmd_uptime(const struct opts *o, int argc, char **argv)
{
    return list_driven(o, argc, argv, false, show_uptimes);
}

/* ---- info, dmesg ---- */

static int no_args(int argc, char **argv)
{
    return argc > 1 ? session_usage(argv[0], "takes no arguments") : MOSAIC_OK;
}

static int cmd_info(const struct opts *o, int argc, char **argv)
{
    struct control_msg_header h = session_request_hdr(CONTROL_MSG_INFO);
    uint8_t msg[sizeof(h)];
    struct control_info_answer a;
    struct session s;
    char cpus[SHOW_CPUS_MAX], up[48];
    int r = no_args(argc, argv);

    if (r || (r = session_open(&s, o, argv[0])) != 0)
        return r;
    wire_hdr_put(msg, &h);
    if ((r = session_exchange(&s, msg, sizeof(msg), NULL, false)) == 0 &&
        wire_msg_get(s.c.rx.buf, s.c.rx.len, CONTROL_MSG_INFO | CONTROL_MSG_ANSWER, &wire_info_answer_layout, &a))
        r = session_broken(&s);
    if (r == 0) {
        show_cpus(a.online_cpus, 0, cpus, sizeof(cpus));
        show_uptime(a.now_ns / NS_PER_S, up, sizeof(up));
        printf("%-23s: %u\n", "nr_cpus", a.nr_cpus);
        printf("%-23s: %s\n", "online_cpus", cpus);
        printf("%-23s: %llu\n", "total_memory", (unsigned long long)(a.total_kib / 1024));
        printf("%-23s: %llu\n", "free_memory", (unsigned long long)(a.free_kib / 1024));
        printf("%-23s: %u\n", "mosaic_abi_version", a.abi_version);
        printf("%-23s: %s (%llu s)\n", "uptime", up, (unsigned long long)(a.now_ns / NS_PER_S));
    }
    session_close(&s);
    return r;
}

static int cmd_dmesg(const struct opts *o, int argc, char **argv)
{
    struct control_dmesg_request q = { .hdr = session_request_hdr(CONTROL_MSG_DMESG), .max_len = CONTROL_DMESG_MAX };
    uint8_t msg[sizeof(q)];
    struct control_dmesg_answer a;
    const uint8_t *text;
    struct session s;
    int r = no_args(argc, argv);

    if (r || (r = session_open(&s, o, argv[0])) != 0)
        return r;
    /* Until the end of the log as it was when asked: the log grows while
     * it is read (this very request adds lines), so stop at the first
     * short answer. From index 0 the core starts at its oldest byte: the
     * bytes before it were overwritten long ago, which is no news. */
    for (;;) {
        wire_put(msg, &q, &wire_dmesg_request_layout);
        if ((r = session_exchange(&s, msg, sizeof(msg), NULL, false)) != 0)
            break;
        if (wire_dmesg_answer_get(s.c.rx.buf, s.c.rx.len, &a, &text) != 0 || a.len > q.max_len ||
            a.next < q.index + a.len) {
            r = session_broken(&s);
            break;
        }
        if (a.lost && q.index)
            printf("(%u bytes of the log were overwritten before they could be read)\n", a.lost);
        show_log(stdout, text, a.len);
        q.index = a.next;
        if (a.len < q.max_len)
            break;
    }
    fflush(stdout);
    session_close(&s);
    return r;
}

/* ---- verbs on one domain ---- */

/* One request q (laid out as l) about domain whose answer, of layout al,
 * goes to a: one connection. */
static int ask_domain(const struct opts *o, const char *verb, const char *domain, const void *q,
                      const struct wire_layout *l, const struct wire_layout *al, void *a)
{
    uint8_t msg[256];
    struct control_msg_header h;
    struct session s;
    int r;

    if ((r = session_open(&s, o, verb)) != 0)
        return r;
    wire_put(msg, q, l);
    if ((r = session_exchange(&s, msg, l->size, domain, false)) == 0 &&
        (wire_hdr_get(msg, l->size, &h) != 0 ||
         wire_msg_get(s.c.rx.buf, s.c.rx.len, h.type | CONTROL_MSG_ANSWER, al, a)))
        r = session_broken(&s);
    session_close(&s);
    return r;
}

/* A request q (laid out as l, its header's type set) about domain whose
 * answer is a control_domain_answer: one connection, nothing printed. */
static int act_on_domain(const struct opts *o, const char *verb, const char *domain, const void *q,
                         const struct wire_layout *l)
{
    struct control_domain_answer a;

    return ask_domain(o, verb, domain, q, l, &wire_domain_answer_layout, &a);
}

/* pause, unpause, destroy: one domain, nothing printed (as xl). */
static int one_domain(const struct opts *o, int argc, char **argv, uint16_t type)
{
    struct control_domain_request q = { .hdr = session_request_hdr(type) };
    int r;

    if (argc != 2 || argv[1][0] == '-')
        return session_usage(argv[0], "takes one domain, by name or id");
    if ((r = session_qualifier(argv[0], argv[1], q.domain)) != 0)
        return r;
    return act_on_domain(o, argv[0], argv[1], &q, &wire_domain_request_layout);
}

static int cmd_pause(const struct opts *o, int argc, char **argv)
{
    return one_domain(o, argc, argv, CONTROL_MSG_PAUSE);
}

static int cmd_unpause(const struct opts *o, int argc, char **argv)
{
    return one_domain(o, argc, argv, CONTROL_MSG_UNPAUSE);
}

static int cmd_destroy(const struct opts *o, int argc, char **argv)
{
    return one_domain(o, argc, argv, CONTROL_MSG_DESTROY);
}

/* ---- shutdown, reboot, mem-set, mem-max ---- */

/* xl shutdown [-w] DOM, xl reboot [-w] DOM: the lines xl prints, on
 * stderr as xl does. */
static int shutdown_verb(const struct opts *o, int argc, char **argv, uint16_t reason)
{
    struct control_shutdown_request q = { .hdr = session_request_hdr(CONTROL_MSG_SHUTDOWN), .reason = reason };
    struct control_shutdown_answer a;
    struct opts longer = *o;
    const char *domain = NULL;
    int r;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-w"))
            q.flags |= CONTROL_SHUTDOWN_WAIT;
        else if (argv[i][0] == '-' || domain)
            return session_usage(argv[0], "takes [-w] and one domain, by name or id");
        else
            domain = argv[i];
    }
    if (!domain)
        return session_usage(argv[0], "takes [-w] and one domain, by name or id");
    if ((r = session_qualifier(argv[0], domain, q.domain)) != 0)
        return r;
    /* The answer to -w comes once the domain is down: wait for it. */
    if ((q.flags & CONTROL_SHUTDOWN_WAIT) && longer.timeout_ms < CONTROL_SHUTDOWN_WAIT_MS + 10000u)
        longer.timeout_ms = CONTROL_SHUTDOWN_WAIT_MS + 10000u;
    fprintf(stderr, "%s domain %s\n", reason == CONTROL_SHUTDOWN_REBOOT ? "Rebooting" : "Shutting down", domain);
    if (q.flags & CONTROL_SHUTDOWN_WAIT)
        fprintf(stderr, "Waiting for 1 domains\n");
    r = ask_domain(&longer, argv[0], domain, &q, &wire_shutdown_request_layout, &wire_shutdown_answer_layout, &a);
    if (r == MOSAIC_OK && (a.flags & CONTROL_SHUTDOWN_DONE))
        fprintf(stderr, "Domain %u has been shut down, reason code %u\n", a.domid, a.shutdown_reason);
    else if (r == MOSAIC_OK && (a.flags & CONTROL_SHUTDOWN_GONE))
        fprintf(stderr, "Domain %u has been destroyed.\n", a.domid);
    return r;
}

static int cmd_shutdown(const struct opts *o, int argc, char **argv)
{
    return shutdown_verb(o, argc, argv, CONTROL_SHUTDOWN_POWEROFF);
}

static int cmd_reboot(const struct opts *o, int argc, char **argv)
{
    return shutdown_verb(o, argc, argv, CONTROL_SHUTDOWN_REBOOT);
}

/* xl mem-set DOM SIZE, xl mem-max DOM SIZE: nothing printed when done. */
static int mem_verb(const struct opts *o, int argc, char **argv, uint16_t flags)
{
    struct control_mem_request q = { .hdr = session_request_hdr(CONTROL_MSG_MEM_SET), .flags = flags };
    struct control_mem_answer a;
    int r;

    if (argc != 3 || argv[1][0] == '-')
        return session_usage(argv[0], "takes a domain and a size");
    if ((r = session_qualifier(argv[0], argv[1], q.domain)) != 0)
        return r;
    if (xl_mem_size_kib(argv[2], &q.kib) != 0)
        return session_fail(
            MOSAIC_LOCAL, argv[0],
            "invalid memory size: %s (want a number, MiB unless it ends in b, k, m, g or t; 1 KiB to 1 TiB)", argv[2]);
    return ask_domain(o, argv[0], argv[1], &q, &wire_mem_request_layout, &wire_mem_answer_layout, &a);
}

static int cmd_mem_set(const struct opts *o, int argc, char **argv)
{
    return mem_verb(o, argc, argv, 0);
}

static int cmd_mem_max(const struct opts *o, int argc, char **argv)
{
    return mem_verb(o, argc, argv, CONTROL_MEM_MAX);
}

/* ---- vcpu-list, vcpu-pin ---- */

static int print_vcpus(struct session *s, const struct control_domain *d)
{
    static struct control_vcpu v[CONTROL_VCPUS_MAX];
    struct control_domain_request q = { .hdr = session_request_hdr(CONTROL_MSG_VCPU_LIST) };
    struct control_vcpu_list_answer a;
    uint8_t msg[sizeof(q)];
    char name[CONTROL_NAME_MAX];
    int r;

    snprintf(q.domain, sizeof(q.domain), "%u", d->domid);
    wire_put(msg, &q, &wire_domain_request_layout);
    if ((r = session_exchange(s, msg, sizeof(msg), q.domain, true)) != 0)
        return r == MOSAIC_NO_DOMAIN ? MOSAIC_OK : r; /* gone since the list: not shown */
    if (wire_vcpu_list_answer_get(s->c.rx.buf, s->c.rx.len, &a, v) != 0 || a.domid != d->domid)
        return session_broken(s);
    show_name(a.name, sizeof(a.name), name, sizeof(name));
    for (unsigned i = 0; i < a.nr; i++) {
        char cpu[12] = "-", aff[SHOW_CPUS_MAX];
        if (v[i].state != CONTROL_VCPU_DOWN)
            snprintf(cpu, sizeof(cpu), "%u", v[i].cpu);
        show_cpus(v[i].affinity, a.online_cpus, aff, sizeof(aff));
        printf("%-32s %5u %5u %5s %5s %9.1f %s\n", name, a.domid, v[i].vcpu, cpu, show_vcpu_state(v[i].state),
               (double)v[i].time_ns / 1e9, aff);
    }
    return MOSAIC_OK;
}

static int show_vcpus(struct session *s, const struct listing *l)
{
    int r = MOSAIC_OK;

    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "Affinity");
    for (unsigned i = 0; i < l->nr && r == MOSAIC_OK; i++)
        if (session_selected(&l->d[i], l->sel.names, l->sel.n))
            r = print_vcpus(s, &l->d[i]);
    return r;
}

static int cmd_vcpu_list(const struct opts *o, int argc, char **argv)
{
    return list_driven(o, argc, argv, false, show_vcpus);
}

static int cmd_vcpu_pin(const struct opts *o, int argc, char **argv)
{
    struct control_vcpu_pin_request q = { .hdr = session_request_hdr(CONTROL_MSG_VCPU_PIN) };
    char why[XL_CPUS_WHY_MAX];
    uint64_t named;
    int r;

    if (argc == 5)
        return session_usage(argv[0], "soft affinity (a fourth argument) is not supported");
    if (argc != 4)
        return session_usage(argv[0], "takes DOMAIN VCPU CPUS");
    if ((r = session_qualifier(argv[0], argv[1], q.domain)) != 0)
        return r;
    if (!strcmp(argv[2], "all"))
        q.vcpu = CONTROL_VCPU_ALL;
    else if (strspn(argv[2], "0123456789") != strlen(argv[2]) || !*argv[2] || strlen(argv[2]) > 4)
        return session_fail(MOSAIC_LOCAL, argv[0], "'%s' is no vCPU number (or all)", argv[2]);
    else
        q.vcpu = (uint32_t)strtoul(argv[2], NULL, 10);
    if (xl_cpus_parse(argv[3], &q.cpumask, &named, why, sizeof(why)) != 0)
        return session_fail(MOSAIC_LOCAL, argv[0], "CPUS %s", why);
    return act_on_domain(o, argv[0], argv[1], &q, &wire_vcpu_pin_request_layout);
}

/* ---- sched-credit ---- */

static int sched_one(struct session *s, struct control_sched_request *q, bool print, bool quiet)
{
    struct control_sched_answer a;
    uint8_t msg[sizeof(*q)];
    char name[CONTROL_NAME_MAX];
    int r;

    wire_put(msg, q, &wire_sched_request_layout);
    if ((r = session_exchange(s, msg, sizeof(msg), q->domain, quiet)) != 0)
        return r;
    if (wire_msg_get(s->c.rx.buf, s->c.rx.len, CONTROL_MSG_SCHED_CREDIT | CONTROL_MSG_ANSWER, &wire_sched_answer_layout,
                     &a))
        return session_broken(s);
    show_name(a.name, sizeof(a.name), name, sizeof(name));
    if (print)
        printf("%-32s %5u %6u %4u\n", name, a.domid, a.weight, a.cap);
    return MOSAIC_OK;
}

static int sched_number(const char *verb, const char *opt, const char *v, unsigned long lo, unsigned long hi,
                        unsigned long *out)
{
    char *end;

    *out = strtoul(v, &end, 10);
    if (!*v || *end || *v == '-' || *out < lo || *out > hi) {
        fprintf(stderr, "mosaic: %s: %s '%s': want a number from %lu to %lu\n", verb, opt, v, lo, hi);
        return MOSAIC_LOCAL;
    }
    return MOSAIC_OK;
}

static int cmd_sched_credit(const struct opts *o, int argc, char **argv)
{
    struct control_sched_request q = { .hdr = session_request_hdr(CONTROL_MSG_SCHED_CREDIT) };
    const char *domain = NULL;
    struct session s;
    unsigned long v;
    int r;

    for (int i = 1; i < argc; i += 2) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(opt, "-d") && strcmp(opt, "-w") && strcmp(opt, "-c"))
            return session_usage(argv[0], "takes -d DOMAIN, -w WEIGHT and -c CAP only");
        if (!val)
            return session_usage(argv[0], "an option without its value");
        if (!strcmp(opt, "-d"))
            domain = val;
        else if (!strcmp(opt, "-w") && (r = sched_number(argv[0], opt, val, 1, 65535, &v)) == 0)
            q.flags |= CONTROL_SCHED_SET_WEIGHT, q.weight = (uint16_t)v;
        else if (!strcmp(opt, "-c") && (r = sched_number(argv[0], opt, val, 0, CONTROL_SCHED_CAP_MAX, &v)) == 0)
            q.flags |= CONTROL_SCHED_SET_CAP, q.cap = (uint32_t)v;
        else
            return MOSAIC_LOCAL;
    }
    if (q.flags && !domain)
        return session_usage(argv[0], "-w and -c need -d DOMAIN");
    if (domain && (r = session_qualifier(argv[0], domain, q.domain)) != 0)
        return r;
    if ((r = session_open(&s, o, argv[0])) != 0)
        return r;
    if (domain) {
        if (!q.flags)
            printf("%-32s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        r = sched_one(&s, &q, !q.flags, false); /* setting prints nothing, as xl */
    } else {
        struct control_domain *d = NULL;
        unsigned nr = 0;
        uint64_t now;
        if ((r = session_fetch_list(&s, &d, &nr, &now)) == 0)
            printf("%-32s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        for (unsigned i = 0; i < nr && r == MOSAIC_OK; i++) {
            snprintf(q.domain, sizeof(q.domain), "%u", d[i].domid);
            r = sched_one(&s, &q, true, true);
            if (r == MOSAIC_NO_DOMAIN)
                r = MOSAIC_OK; /* gone since the list */
        }
        free(d);
    }
    session_close(&s);
    return r;
}

/* ---- keygen, version, debug-send ---- */

static int cmd_keygen(const struct opts *o, int argc, char **argv)
{
    char path[4096], why[512];
    int r = no_args(argc, argv);

    if (r)
        return r;
    if (keyfile_path(o->key, path, sizeof(path), why, sizeof(why)) != 0)
        return session_fail(MOSAIC_LOCAL, argv[0], "%s", why);
    r = keyfile_create(path, o->identity, why, sizeof(why));
    if (r < 0)
        return session_fail(MOSAIC_LOCAL, argv[0], "%s", why);
    printf("mosaic: %s %s\n", r ? "created the management key" : "the management key exists:", path);
    return MOSAIC_OK;
}

static int cmd_version(const struct opts *o, int argc, char **argv)
{
    struct control_msg_header h = session_request_hdr(CONTROL_MSG_VERSION);
    struct control_version_answer a;
    uint8_t msg[sizeof(h)];
    struct session s;
    int r = no_args(argc, argv);

    if (r || (r = session_open(&s, o, argv[0])) != 0)
        return r;
    for (unsigned i = 0; r == 0 && i < o->repeat; i++) {
        if (i && o->interval_ms)
            usleep(o->interval_ms * 1000u);
        wire_hdr_put(msg, &h);
        if ((r = session_exchange(&s, msg, sizeof(msg), NULL, false)) != 0)
            break;
        if (wire_version_answer_get(s.c.rx.buf, s.c.rx.len, &a) != 0) {
            r = session_broken(&s);
            break;
        }
        char server[sizeof(a.server)];
        show_text(a.server, sizeof(a.server), server, sizeof(server));
        printf("control domain: %s, protocol %u..%u, frames up to %u bytes\n", server, a.proto_min, a.proto_max,
               a.max_frame);
        fflush(stdout);
    }
    session_close(&s);
    return r;
}

static int cmd_debug_send(const struct opts *o, int argc, char **argv)
{
    uint8_t bytes[4096];
    size_t n;
    struct session s;
    enum client_status st;
    char why[256];
    int r;

    if (argc != 2 || strlen(argv[1]) % 2 || (n = strlen(argv[1]) / 2) == 0 || n > sizeof(bytes))
        return session_usage(argv[0], "takes 1 to 4096 bytes in hex");
    for (size_t i = 0; i < n; i++) {
        int hi = key_hex_value(argv[1][2 * i]), lo = key_hex_value(argv[1][2 * i + 1]);
        if (hi < 0 || lo < 0)
            return session_usage(argv[0], "not hex");
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    if ((r = session_open(&s, o, argv[0])) != 0)
        return r;
    st = client_send_raw(&s.c, bytes, n, why, sizeof(why));
    if (st == CLIENT_OK)
        st = client_recv(&s.c, why, sizeof(why));
    session_close(&s);
    if (st != CLIENT_OK)
        return session_fail((int)st, argv[0], "%s", why);
    printf("mosaic: an answer of %u bytes\n", s.c.rx.len);
    return MOSAIC_OK;
}

/* The control domain answers, then crashes once we have gone (idl/
 * control.idl): the answer is a header alone. */
static int cmd_debug_crash(const struct opts *o, int argc, char **argv)
{
    struct control_msg_header h = session_request_hdr(CONTROL_MSG_DEBUG_CRASH), a;
    uint8_t msg[sizeof(h)];
    struct session s;
    int r = no_args(argc, argv);

    if (r || (r = session_open(&s, o, argv[0])) != 0)
        return r;
    wire_hdr_put(msg, &h);
    if ((r = session_exchange(&s, msg, sizeof(msg), NULL, false)) == 0 &&
        (s.c.rx.len != sizeof(a) || wire_hdr_get(s.c.rx.buf, s.c.rx.len, &a) != 0 ||
         a.type != (CONTROL_MSG_DEBUG_CRASH | CONTROL_MSG_ANSWER)))
        r = session_broken(&s);
    session_close(&s);
    if (r == 0)
        printf("mosaic: the control domain crashes now; the builder restarts it as its manifest says\n");
    return r;
}

/* ---- the table ---- */

static const struct command commands[] = {
    { "list", "[--json] [DOMAIN...]", "list the domains (xl list)",
      "The control domain itself (as xl shows Domain-0) and the domains it controls: Name, ID,\n"
      "Mem (MiB), VCPUs, State and Time(s) (CPU time used). State is xl's six letters:\n"
      "r running on a CPU now, b blocked (waiting for an event), p paused, s shut down,\n"
      "c crashed, d dying (never shown: a domain being destroyed is no longer listed);\n"
      "none of r and b: waiting for a CPU. --json prints a JSON array of objects with domid,\n"
      "name, state, mem_kib, max_mem_kib, vcpus, cpu_time and uptime (seconds),\n"
      "shutdown_reason (Xen's SHUTDOWN_* number, or null) and control_domain (true for the\n"
      "control domain). DOMAIN... shows only those (each must exist).",
      cmd_list },
    { "create", "[-c] [-q] CFG", "create a domain from an xl config file (xl create)",
      "CFG is an xl config file (xl.cfg(5); the keys Mosaic takes are in lib/xl/README.md). It is\n"
      "parsed here first: a broken file gives one line FILE:LINE: FIELD: what, and nothing is\n"
      "sent. kernel and ramdisk name files on this machine, relative to CFG's folder unless\n"
      "absolute (xl takes them relative to the current folder). Each is uploaded unless the\n"
      "control domain holds it already (by its SHA-256), with a progress bar on a terminal (a\n"
      "line at each quarter otherwise; -q: none). Then the control domain parses the config\n"
      "again, has the builder build the domain, and the domain's id is printed. A refusal is\n"
      "one line naming the file, the line and the field. -c then attaches to the domain's\n"
      "console (mosaic console); where that verb is missing, -c says so and exits 1 (the\n"
      "domain is created all the same). The domain's on_poweroff, on_reboot and on_crash are\n"
      "carried out by the control domain (destroy, restart, preserve).",
      create_run },
    { "info", "", "the machine and the core (xl info)",
      "nr_cpus and online_cpus, total_memory and free_memory (MiB, the frames the core hands\n"
      "out), the core's management ABI version (mosaic_abi_version) and its uptime.",
      cmd_info },
    { "dmesg", "", "print the core's log (xl dmesg)",
      "The core's log ring (32 KiB: its oldest lines are overwritten), as the core wrote it;\n"
      "bytes a terminal would act on are shown as \\xHH. Needs the control domain's log\n"
      "capability.",
      cmd_dmesg },
    { "pause", "DOMAIN", "stop a domain's vCPUs until unpause (xl pause)",
      "DOMAIN is a name or an id (all digits: an id), of a domain the control domain\n"
      "controls. Prints nothing when done.",
      cmd_pause },
    { "unpause", "DOMAIN", "let a paused domain run again (xl unpause)",
      "DOMAIN as for pause. Prints nothing when done.", cmd_unpause },
    { "destroy", "DOMAIN", "end a domain at once (xl destroy)",
      "DOMAIN as for pause. Waits until the domain is gone and its memory back (5 s at most),\n"
      "as xl destroy does. Prints nothing when done.",
      cmd_destroy },
    { "shutdown", "[-w] DOMAIN", "ask a domain to power off (xl shutdown)",
      "DOMAIN as for pause. Writes poweroff to the domain's control/shutdown node in XenStore,\n"
      "as xl does; the guest must have said it supports that (Linux does: its\n"
      "control/feature-poweroff), else the request is refused (xl's -F, an ACPI power event,\n"
      "does not exist here: destroy ends a domain at once). Prints 'Shutting down domain\n"
      "DOMAIN' on stderr. -w: waits until the domain has shut down (30 s at most; the guest may\n"
      "not support PV shutdown if it does not) and prints its reason code (0 poweroff). The\n"
      "control domain then destroys it, as every domain of its that shuts down.",
      cmd_shutdown },
    { "reboot", "[-w] DOMAIN", "ask a domain to reboot (xl reboot)",
      "As shutdown, with reboot written (control/feature-reboot) and 'Rebooting domain DOMAIN'\n"
      "printed; -w's reason code is 1. The domain is destroyed once it has shut down: building\n"
      "it again (xl's on_reboot = restart) is not done here.",
      cmd_reboot },
    { "mem-set", "DOMAIN SIZE", "set a domain's memory target (xl mem-set)",
      "Writes the target to the domain's memory/target node: its balloon driver gives memory\n"
      "back, or takes it again, until it has that much (in its own time; list's Mem follows).\n"
      "The core's limit becomes the target and 1 MiB, as xl's: the guest cannot take back\n"
      "what it gave. SIZE is xl's: a number, in MiB unless it ends in b, k, m, g or t (bytes,\n"
      "KiB, MiB, GiB, TiB); at most the domain's static maximum (mem-max). Prints nothing\n"
      "when done.",
      cmd_mem_set },
    { "mem-max", "DOMAIN SIZE", "set a domain's memory maximum (xl mem-max)",
      "Writes the domain's memory/static-max (how high mem-set may go) and sets the core's\n"
      "limit to it and 1 MiB, in whole 4 KiB pages; never below its target (mem-set first). A\n"
      "limit below what it has takes nothing away: it stops it from taking more. SIZE as for\n"
      "mem-set. Prints nothing when done.",
      cmd_mem_max },
    { "vcpu-list", "[DOMAIN...]", "list the vCPUs (xl vcpu-list)",
      "Name, ID, VCPU, CPU (where it runs or last ran; - when down), State (r-- running,\n"
      "-b- blocked, --- waiting for a CPU, --p down: not started, or its domain paused or\n"
      "shut down), Time(s) it has run, and Affinity (the CPUs it may run on, xl's form: all,\n"
      "or N and N-M separated by commas). Soft affinity does not exist here.",
      cmd_vcpu_list },
    { "vcpu-pin", "DOMAIN VCPU CPUS", "set where a vCPU may run (xl vcpu-pin)",
      "VCPU is a vCPU number or all; CPUS is xl's CPU list: all, N, N-M, or several of those\n"
      "separated by commas, each but all maybe after ^ to take those CPUs out (0-3,^1); one of\n"
      "them at least must be online. Soft affinity (xl's fourth argument) is not supported.\n"
      "Prints nothing when done.",
      cmd_vcpu_pin },
    { "sched-credit", "[-d DOMAIN [-w WEIGHT] [-c CAP]]", "credit scheduler weight and cap (xl sched-credit)",
      "Without -d: Name, ID, Weight and Cap of every domain. With -d alone: of that domain.\n"
      "-w WEIGHT (1 to 65535; 256 is the default) and -c CAP (percent of one CPU, 0 for none,\n"
      "at most 800) set them for DOMAIN; one left out keeps its value. Setting prints nothing.",
      cmd_sched_credit },
    { "uptime", "[DOMAIN...]", "how long the domains have run (xl uptime)",
      "Name, ID and Uptime (H:MM:SS, with days before it from a day on) since each domain\n"
      "first ran; - for one that never ran.",
      cmd_uptime },
    { "top", "[-d SECS] [-i N] [-b]", "the domains' CPU and memory, live (xentop)",
      "Every SECS seconds (-d, 3 by default) a frame: the uptime, how many domains are in each\n"
      "state, the machine's memory, then per domain NAME, STATE (xl list's letters), CPU(sec)\n"
      "used, CPU(%) since the previous frame (100 is one CPU; first frame: since it started),\n"
      "MEM(k) and MAXMEM(k) with their share of the machine, and VCPUS. -i N stops after N\n"
      "frames; -b (the default when the output is not a terminal) does not clear the screen.\n"
      "Network and disk counters are not shown yet.",
      top_run },
    { "console", "[--wait SECS] [--until TEXT] DOMAIN", "attach to a domain's console (xl console)",
      "What the domain wrote to its console (hvc0), from the oldest byte the console domain's\n"
      "log still holds (4 KiB a domain), then as it comes; what is typed goes to the domain.\n"
      "On a terminal the terminal is in raw mode and Ctrl-] detaches. When stdin is not a\n"
      "terminal (scripts), stdin is sent until its end, then the output is followed --wait\n"
      "SECS more (default 2), or until it shows TEXT (--until): exit status 7 when TEXT did\n"
      "not show in that time. DOMAIN as for pause.",
      console_cmd },
    { "block-attach", "DOMAIN DISKSPEC...", "add a disk to a running domain (xl block-attach)",
      "DISKSPEC is one disk as a config file's disk list holds it (xl-disk-configuration(5), as\n"
      "lib/xl/README.md takes it), as one argument or several (joined with commas), e.g. 'format=raw, vdev=xvdb,\n"
      "access=rw, backend=blkdrv, target=vdb' (target= last: it takes the rest); backend= names\n"
      "the driver domain. The builder writes its XenStore nodes as for a disk of the config, and\n"
      "the guest's blkfront finds it. Only domains built for the control domain (create) take\n"
      "devices. A vdev the domain has is refused. Prints nothing when done.",
      devices_block_attach },
    { "block-detach", "DOMAIN VDEV", "remove a disk from a running domain (xl block-detach)",
      "VDEV is the disk's virtual device name (xvdb) or number (51728, block-list's Vdev). The\n"
      "disk's backend is told to close (online 0, state Closing), the guest closes it, then its\n"
      "nodes are removed. A guest that does not close it within 10 s gets it removed all the\n"
      "same (xl's -f, always), with a line saying so (exit 5). Prints nothing when done.",
      devices_block_detach },
    { "block-list", "DOMAIN...", "list a domain's disks (xl block-list)",
      "Vdev (the number), BE (the driver domain's id), handle (the domain's id, as xl shows it),\n"
      "state (the guest's XenbusState: 4 connected), evt-ch and ring-ref (as the guest wrote\n"
      "them; -1 when it has not) and BE-path, from the guest's XenStore nodes.",
      devices_block_list },
    { "network-attach", "DOMAIN VIFSPEC...", "add a vif to a running domain (xl network-attach)",
      "VIFSPEC is a vif as a config file's vif list holds it (xl-network-configuration(5)), as\n"
      "one argument or several key=value arguments (joined with commas, as xl joins them), e.g.\n"
      "'mac=00:16:3e:00:00:31,bridge=xenbr0,backend=netdrv'; backend= names the driver domain.\n"
      "It gets the first handle the domain does not use, and a MAC in 00:16:3e when none is\n"
      "given; a MAC the domain has is refused. Prints nothing when done.",
      devices_network_attach },
    { "network-detach", "DOMAIN DEVID|MAC", "remove a vif from a running domain (xl network-detach)",
      "The vif by its handle (network-list's Idx) or its MAC, removed as block-detach removes a\n"
      "disk (10 s for the guest, then removed all the same). Prints nothing when done.",
      devices_network_detach },
    { "network-list", "DOMAIN...", "list a domain's vifs (xl network-list)",
      "Idx (the handle), BE, Mac Addr., handle, state, evt-ch, tx-/rx-ring-ref (as the guest\n"
      "wrote them; -1 when it has not) and BE-path, from the guest's XenStore nodes.",
      devices_network_list },
    { "version", "", "ask the control domain for its version",
      "Also takes the global --repeat N and --interval MS: N requests on one connection.", cmd_version },
    { "keygen", "", "create the management key if there is none (the install step)",
      "32 random bytes and the identity (--identity, default operator), mode 0600, in the key file.", cmd_keygen },
    { "debug-send", "HEX", "send raw bytes after the handshake and wait for an answer",
      "A test of the control domain's framing: the bytes go as they are, with no frame.", cmd_debug_send },
    { "debug-crash", "", "make the control domain crash on purpose (a test of its restart)",
      "The control domain answers, then faults on purpose (an invalid opcode) once this\n"
      "connection is closed. The domains it controls keep running; the builder restarts it\n"
      "as its manifest's on_crash says and hands those domains back to the new instance.\n"
      "Until it serves again (a few seconds), other verbs find no control domain (exit 2).",
      cmd_debug_crash },
};

const struct command *command_find(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

void command_list_help(FILE *f)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        char head[64];
        snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].synopsis);
        if (strlen(head) > 36) /* the summary on a line of its own */
            fprintf(f, "  %s\n  %-36s %s\n", head, "", commands[i].summary);
        else
            fprintf(f, "  %-36s %s\n", head, commands[i].summary);
    }
}

void command_help(FILE *f, const struct command *c)
{
    fprintf(f, "usage: mosaic [OPTIONS] %s%s%s\n\n%s.\n\n%s\n", c->name, *c->synopsis ? " " : "", c->synopsis,
            c->summary, c->help);
}
