/* SPDX-License-Identifier: MIT */
/*
 * mosaic top (xentop): the domains' CPU and memory, live. Each frame is
 * one list (CONTROL_MSG_LIST) and one info (CONTROL_MSG_INFO) on the one
 * connection the verb keeps; CPU(%) is the CPU time a domain used since
 * the previous frame over the core's time between the two (100 is one
 * CPU's worth, so a domain with several vCPUs may show more), and on the
 * first frame its CPU time over its uptime. Network and disk counters
 * are not shown: the back ends do not publish them yet.
 */
#include "top.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "show.h"
#include "wire.h"

#define NS_PER_S    1000000000ull
#define TOP_NAME_W  10 /* xentop's NAME column */
#define DELAY_MAX_S 3600

double top_cpu_percent(uint64_t cpu_ns, uint64_t prev_cpu_ns, uint64_t now_ns, uint64_t prev_now_ns)
{
    if (now_ns <= prev_now_ns || cpu_ns < prev_cpu_ns)
        return 0.0; /* the same instant, or a domain that is not the one seen before */
    return 100.0 * (double)(cpu_ns - prev_cpu_ns) / (double)(now_ns - prev_now_ns);
}

/* What the previous frame saw of a domain, to take the next from. */
struct seen {
    uint16_t domid;
    uint64_t cpu_ns, started_ns;
};

struct frame {
    struct control_domain *d;
    unsigned nr;
    uint64_t now_ns;
    struct control_info_answer info;
};

static int fetch_info(struct session *s, struct control_info_answer *a)
{
    struct control_msg_header h = session_request_hdr(CONTROL_MSG_INFO);
    uint8_t msg[sizeof(h)];
    int r;

    wire_hdr_put(msg, &h);
    if ((r = session_exchange(s, msg, sizeof(msg), NULL, false)) != 0)
        return r;
    if (wire_msg_get(s->c.rx.buf, s->c.rx.len, CONTROL_MSG_INFO | CONTROL_MSG_ANSWER, &wire_info_answer_layout, a))
        return session_broken(s);
    return MOSAIC_OK;
}

/* The CPU(%) of d: against what the previous frame saw of the same
 * domain (the same id, started at the same time), else over its uptime. */
static double cpu_of(const struct control_domain *d, uint64_t now_ns, const struct seen *prev, unsigned nprev,
                     uint64_t prev_now_ns)
{
    for (unsigned i = 0; i < nprev; i++)
        if (prev[i].domid == d->domid && prev[i].started_ns == d->started_ns)
            return top_cpu_percent(d->cpu_time_ns, prev[i].cpu_ns, now_ns, prev_now_ns);
    return d->started_ns ? top_cpu_percent(d->cpu_time_ns, 0, now_ns, d->started_ns) : 0.0;
}

static void print_frame(const struct frame *f, const struct seen *prev, unsigned nprev, uint64_t prev_now_ns,
                        bool clear)
{
    unsigned count[6] = { 0 }; /* by state letter: r b p s c, and none of those */
    char up[48];

    for (unsigned i = 0; i < f->nr; i++) {
        uint16_t fl = f->d[i].flags;
        count[fl & CONTROL_DOMF_CRASHED    ? 4
              : fl & CONTROL_DOMF_SHUTDOWN ? 3
              : fl & CONTROL_DOMF_PAUSED   ? 2
              : fl & CONTROL_DOMF_RUNNING  ? 0
              : fl & CONTROL_DOMF_BLOCKED  ? 1
                                           : 5]++;
    }
    if (clear)
        printf("\033[H\033[2J");
    show_uptime(f->now_ns / NS_PER_S, up, sizeof(up));
    printf("mosaic top - up %s\n", up);
    printf("%u domains: %u running, %u blocked, %u paused, %u shutdown, %u crashed, %u waiting for a CPU\n", f->nr,
           count[0], count[1], count[2], count[3], count[4], count[5]);
    printf("Mem: %lluk total, %lluk used, %lluk free    CPUs: %u\n", (unsigned long long)f->info.total_kib,
           (unsigned long long)(f->info.total_kib - f->info.free_kib), (unsigned long long)f->info.free_kib,
           f->info.nr_cpus);
    printf("%*s %6s %10s %6s %10s %6s %10s %9s %5s\n", TOP_NAME_W, "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)",
           "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS");
    for (unsigned i = 0; i < f->nr; i++) {
        const struct control_domain *d = &f->d[i];
        char name[CONTROL_NAME_MAX], state[7];
        double total = f->info.total_kib ? (double)f->info.total_kib : 1.0;
        show_name(d->name, sizeof(d->name), name, sizeof(name));
        show_domain_state(d->flags, state);
        printf("%*s %6s %10llu %6.1f %10llu %6.1f %10llu %9.1f %5u\n", TOP_NAME_W, name, state,
               (unsigned long long)(d->cpu_time_ns / NS_PER_S), cpu_of(d, f->now_ns, prev, nprev, prev_now_ns),
               (unsigned long long)d->mem_kib, 100.0 * (double)d->mem_kib / total, (unsigned long long)d->max_mem_kib,
               100.0 * (double)d->max_mem_kib / total, d->nr_vcpus);
    }
    printf("\n");
    fflush(stdout);
}

/* -d SECS (a decimal number of seconds), -i N, -b. */
static int parse_args(int argc, char **argv, double *delay, unsigned long *iterations, bool *batch)
{
    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "-b")) {
            *batch = true;
        } else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
            *delay = strtod(argv[++i], &end);
            if (*end || !(*delay >= 0.1 && *delay <= DELAY_MAX_S))
                return session_usage(argv[0], "-d takes a delay in seconds, 0.1 to 3600");
        } else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
            *iterations = strtoul(argv[++i], &end, 10);
            if (*end || argv[i][0] == '-' || !argv[i][0])
                return session_usage(argv[0], "-i takes a number of frames (0: until interrupted)");
        } else {
            return session_usage(argv[0], "takes -d SECS, -i N and -b only");
        }
    }
    return MOSAIC_OK;
}

static void sleep_s(double secs)
{
    struct timespec ts = { .tv_sec = (time_t)secs, .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9) };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

int top_run(const struct opts *o, int argc, char **argv)
{
    double delay = 3.0;
    unsigned long iterations = 0;
    bool batch = !isatty(STDOUT_FILENO);
    struct session s;
    struct seen *prev = NULL;
    unsigned nprev = 0;
    uint64_t prev_now = 0;
    int r = parse_args(argc, argv, &delay, &iterations, &batch);

    if (r || (r = session_open(&s, o, argv[0])) != 0)
        return r;
    for (unsigned long n = 0; iterations == 0 || n < iterations; n++) {
        struct frame f = { .d = NULL };
        struct seen *cur;
        if (n)
            sleep_s(delay);
        if ((r = fetch_info(&s, &f.info)) != 0 || (r = session_fetch_list(&s, &f.d, &f.nr, &f.now_ns)) != 0)
            break;
        print_frame(&f, prev, nprev, prev_now, !batch);
        if (!(cur = calloc(f.nr ? f.nr : 1, sizeof(*cur)))) {
            free(f.d);
            r = session_fail(MOSAIC_LOCAL, argv[0], "out of memory");
            break;
        }
        for (unsigned i = 0; i < f.nr; i++)
            cur[i] = (struct seen){ f.d[i].domid, f.d[i].cpu_time_ns, f.d[i].started_ns };
        free(prev);
        free(f.d);
        prev = cur;
        nprev = f.nr;
        prev_now = f.now_ns;
    }
    free(prev);
    session_close(&s);
    return r;
}
