/* SPDX-License-Identifier: MIT */
/*
 * mode=many (create+build+control): as many tiny domains as count=N
 * says, all alive at once. Each is one page holding a few bytes of
 * 32-bit code that shuts the domain down with poweroff; every one must
 * run (its state turns to shut down, reason poweroff), then all are
 * destroyed and must go (the scenario compares the free frames at the
 * end with those at boot). The core keeps no table of domains, so N is
 * bounded by memory: creating one must take as long with a thousand
 * others alive as with one. Each create is timed; the medians of ten
 * creates from 1, 100 and 1,000 existing children are printed for
 * tests/bench/many.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgtest.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"

#define MANY_MAX    4096
#define MANY_WINDOW 10 /* creates per timing window */
#define CODE_GPA    0x1000
#define REASON_GPA  0x1100 /* struct sched_shutdown: reason 0, poweroff (populated pages are zero) */
#define SINFO_GPA   0x1200 /* the start_info pointer; the code never reads it */
#define RUN_WAIT_NS 20000000000ull

/* PVH entry: 32-bit protected mode, paging off. HYPERVISOR_sched_op(
 * SCHEDOP_shutdown, &reason) in Xen's 32-bit convention, then halt. */
static const uint8_t tiny_code[] = {
    0xb8, 29,   0,    0, 0, /* mov $29 (sched_op), %eax */
    0xbb, 2,    0,    0, 0, /* mov $2 (SCHEDOP_shutdown), %ebx */
    0xb9, 0x00, 0x11, 0, 0, /* mov $REASON_GPA, %ecx */
    0x0f, 0x01, 0xd9,       /* vmmcall */
    0xf4,                   /* 1: hlt */
    0xeb, 0xfd,             /* jmp 1b */
};

static uint16_t ids[MANY_MAX];
static uint64_t create_ns[MANY_MAX];

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Creates, builds and starts child i (*made: the children created);
 * times its create. */
static const char *start_one(unsigned i, unsigned *made)
{
    struct mgmt_domain_create c = { .nr_vcpus = 1, .max_pages = 1 };
    struct mgmt_domain_populate p = { .gfn = CODE_GPA / MGTEST_PAGE_SIZE, .nr_pages = 1 };
    struct mgmt_domain_copy y = { .dst_gpa = CODE_GPA,
                                  .src = (uint64_t)(uintptr_t)tiny_code,
                                  .len = sizeof(tiny_code) };
    struct mgmt_vcpu_set_pvh s = { .vcpu = 0, .entry = CODE_GPA, .start_info = SINFO_GPA };
    struct mgmt_domain_unpause u = { 0 };
    uint64_t t0;
    long r;

    snprintf(c.name, sizeof(c.name), "tiny%u", i);
    t0 = runtime_time_ns();
    r = mgtest_mgmt(MGMT_DOMAIN_CREATE, (uint64_t)(uintptr_t)&c, sizeof(c));
    create_ns[i] = runtime_time_ns() - t0;
    if (r)
        return mgtest_why("create %u: %s", i, mgtest_errno(r));
    *made = i + 1;
    ids[i] = p.domid = y.domid = s.domid = u.domid = c.domid;
    if ((r = mgtest_mgmt(MGMT_DOMAIN_POPULATE, (uint64_t)(uintptr_t)&p, sizeof(p))) != 0 ||
        (r = mgtest_mgmt(MGMT_DOMAIN_COPY, (uint64_t)(uintptr_t)&y, sizeof(y))) != 0 ||
        (r = mgtest_mgmt(MGMT_VCPU_SET_PVH, (uint64_t)(uintptr_t)&s, sizeof(s))) != 0 ||
        (r = mgtest_mgmt(MGMT_DOMAIN_UNPAUSE, (uint64_t)(uintptr_t)&u, sizeof(u))) != 0)
        return mgtest_why("building d%u: %s", c.domid, mgtest_errno(r));
    return NULL;
}

/* NULL once child d has shut down with poweroff (20 s at most). */
static const char *wait_ran(uint16_t d)
{
    uint64_t until = runtime_time_ns() + RUN_WAIT_NS;

    for (;;) {
        struct mgmt_domain_info info = { .domid = d };
        long r = mgtest_mgmt(MGMT_DOMAIN_INFO, (uint64_t)(uintptr_t)&info, sizeof(info));
        if (r)
            return mgtest_why("info on d%u: %s", d, mgtest_errno(r));
        if (info.state == MGMT_STATE_SHUTDOWN)
            return info.shutdown_reason == 0 ? NULL
                                             : mgtest_why("d%u shut down with reason %u", d, info.shutdown_reason);
        if (runtime_time_ns() > until)
            return mgtest_why("d%u still in state %u after 20 s", d, info.state);
        hypercall_sched_yield();
    }
}

static const char *destroy_all(unsigned n)
{
    const char *w = NULL;

    for (unsigned i = 0; i < n && !w; i++) {
        struct mgmt_domain_destroy x = { .domid = ids[i] };
        w = mgtest_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x), 0);
    }
    for (unsigned i = 0; i < n && !w; i++)
        w = mgtest_wait_gone(ids[i]);
    return w;
}

/* The median create time of the window starting at `from` existing
 * children, when the run reached it. */
static void report_window(unsigned from, unsigned n)
{
    uint64_t t[MANY_WINDOW];

    if (from + MANY_WINDOW > n)
        return;
    memcpy(t, &create_ns[from], sizeof(t));
    qsort(t, MANY_WINDOW, sizeof(t[0]), cmp_u64);
    printf("mgtest: many: create with %u existing: median %llu us (%llu..%llu)\n", from,
           (unsigned long long)((t[MANY_WINDOW / 2 - 1] + t[MANY_WINDOW / 2]) / 2000),
           (unsigned long long)(t[0] / 1000), (unsigned long long)(t[MANY_WINDOW - 1] / 1000));
}

void mgtest_many(unsigned n)
{
    const char *w = n == 0 || n > MANY_MAX ? "count=N must be 1 to 4096" : NULL;
    unsigned made = 0;
    uint64_t t0 = runtime_time_ns();

    for (unsigned i = 0; i < n && !w; i++)
        w = start_one(i, &made);
    printf("mgtest: many: %u domains created and started in %llu ms\n", made,
           (unsigned long long)((runtime_time_ns() - t0) / 1000000));
    mgtest_check("many_created", w);
    for (unsigned i = 0; i < made && !w; i++)
        w = wait_ran(ids[i]);
    mgtest_check("many_all_ran", w);
    report_window(1, made);
    report_window(100, made);
    report_window(1000, made);
    t0 = runtime_time_ns();
    w = destroy_all(made);
    printf("mgtest: many: %u domains destroyed in %llu ms\n", made,
           (unsigned long long)((runtime_time_ns() - t0) / 1000000));
    mgtest_check("many_all_destroyed", w);
}
