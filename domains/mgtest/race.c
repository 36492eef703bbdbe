/* SPDX-License-Identifier: MIT */
/*
 * mode=race (two vCPUs, create+build+control): one vCPU copies into a
 * child again and again while the other destroys that child, round after
 * round. The core must hold the child for the length of each copy, so
 * that it never writes into frames the reaper already gave back: every
 * copy either succeeds before the destruction or is refused (ESRCH once
 * the child is gone or being reaped, EBUSY once it has stopped building),
 * nothing crashes, and the scenario's free-frame count at the end equals
 * the one at boot.
 */
#include <stdio.h>
#include <string.h>

#include "mgtest.h"
#include "mosaic/gnttab.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"

#define RACE_ROUNDS 40
#define RACE_PAGES  16

static volatile uint16_t target; /* the child of this round; 0 between rounds */
static volatile int copier_stop; /* vCPU 0 says: the test is over */
static volatile unsigned copies_ok, copies_refused, copies_wrong;
static volatile long last_wrong;
static uint8_t page[MGTEST_PAGE_SIZE];

/* vCPU 1: copy a page into the current child until it is refused, then
 * wait for the next child. */
static void copier(void *arg)
{
    (void)arg;
    while (!copier_stop) {
        uint16_t d = target;
        struct mgmt_domain_copy c = { .domid = d, .dst_gpa = 0, .src = (uint64_t)(uintptr_t)page, .len = sizeof(page) };
        long r;

        if (!d)
            continue;
        r = mgtest_mgmt(MGMT_DOMAIN_COPY, (uint64_t)(uintptr_t)&c, sizeof(c));
        if (r == 0) {
            copies_ok++;
        } else if (r == -XEN_ESRCH || r == -XEN_EBUSY) {
            copies_refused++;
            while (target == d && !copier_stop)
                ; /* this child is done: wait for the next */
        } else {
            copies_wrong++;
            last_wrong = r;
        }
    }
}

static const char *one_round(unsigned round)
{
    struct mgmt_domain_create c = { .nr_vcpus = 1, .max_pages = RACE_PAGES };
    struct mgmt_domain_populate p = { .gfn = 0, .nr_pages = RACE_PAGES };
    struct mgmt_domain_destroy x;
    const char *w;

    snprintf(c.name, sizeof(c.name), "race%u", round);
    if ((w = mgtest_call(MGMT_DOMAIN_CREATE, &c, sizeof(c), 0)) != NULL)
        return w;
    p.domid = c.domid;
    if ((w = mgtest_call(MGMT_DOMAIN_POPULATE, &p, sizeof(p), 0)) != NULL)
        return w;
    target = c.domid;
    /* Let some copies land, a different number each round. */
    for (unsigned spin = 0; spin < 2000u * (round % 7 + 1); spin++)
        __asm__ volatile("pause");
    x = (struct mgmt_domain_destroy){ .domid = c.domid };
    if ((w = mgtest_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x), 0)) != NULL)
        return w;
    w = mgtest_wait_gone(c.domid);
    target = 0;
    return w;
}

void mgtest_race(void)
{
    const char *w = NULL;
    int r;

    memset(page, 0xa5, sizeof(page));
    r = runtime_vcpu_start(1, copier, NULL);
    if (r) {
        mgtest_check("race_copier_started", mgtest_why("runtime_vcpu_start: %d", r));
        return;
    }
    for (unsigned i = 0; i < RACE_ROUNDS && !w; i++)
        w = one_round(i);
    copier_stop = 1;
    (void)runtime_vcpu_join(1);
    printf("mgtest: race: %u rounds, %u copies done, %u refused, %u with another answer\n", RACE_ROUNDS, copies_ok,
           copies_refused, copies_wrong);
    mgtest_check("race_rounds", w);
    mgtest_check("race_copy_answers", copies_wrong          ? mgtest_why("a copy answered %s", mgtest_errno(last_wrong))
                                      : copies_refused == 0 ? "no copy met a destroyed child"
                                                            : NULL);
}

/*
 * mode=create_race (two vCPUs, create+build+control): vCPU 0 creates
 * domains with its request on a read-only mapping of its own page, so the
 * core cannot write the new id back and must end the domain it just made;
 * vCPU 1 meanwhile populates and copies into the id that domain gets
 * (ids are handed out in turn, so it is known). The core must end it
 * through the reaper, which waits for vCPU 1's hypercall: before, it
 * freed the domain under that hypercall (a #PF in the core's nested page
 * walk, every CPU stopped).
 */
#define CREATE_ROUNDS 100

static uint8_t create_page[MGTEST_PAGE_SIZE] __attribute__((aligned(MGTEST_PAGE_SIZE)));
static volatile unsigned doomed_hits, doomed_refused;

/* One populate or copy into the doomed id: the answers a domain that is
 * not there yet, being built, or gone may give. */
static void doomed_call(uint16_t d, unsigned k)
{
    struct mgmt_domain_populate p = { .domid = d, .gfn = k % RACE_PAGES, .nr_pages = 1 };
    struct mgmt_domain_copy c = { .domid = d, .dst_gpa = 0, .src = (uint64_t)(uintptr_t)page, .len = 64 };
    long r = k & 1 ? mgtest_mgmt(MGMT_DOMAIN_COPY, (uint64_t)(uintptr_t)&c, sizeof(c))
                   : mgtest_mgmt(MGMT_DOMAIN_POPULATE, (uint64_t)(uintptr_t)&p, sizeof(p));

    if (r == 0)
        doomed_hits++;
    else if (r == -XEN_ESRCH || r == -XEN_EBUSY || r == -XEN_EEXIST || r == -XEN_ENOMEM || r == -XEN_EFAULT)
        doomed_refused++;
    else
        copies_wrong++, last_wrong = r;
}

static void doomed_caller(void *arg)
{
    (void)arg;
    for (unsigned k = 0; !copier_stop; k++) {
        uint16_t d = target;
        if (d)
            doomed_call(d, k);
    }
}

/* The id the next domain we create will get: one past the last one. */
static const char *next_id(uint16_t *out)
{
    struct mgmt_domain_create c = { .nr_vcpus = 1, .max_pages = 1 };
    struct mgmt_domain_destroy x;
    const char *w;

    snprintf(c.name, sizeof(c.name), "probe");
    if ((w = mgtest_call(MGMT_DOMAIN_CREATE, &c, sizeof(c), 0)) != NULL)
        return w;
    x = (struct mgmt_domain_destroy){ .domid = c.domid };
    if ((w = mgtest_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x), 0)) != NULL || (w = mgtest_wait_gone(c.domid)) != NULL)
        return w;
    *out = (uint16_t)(c.domid + 1);
    return NULL;
}

static const char *create_round(const struct mgmt_domain_create *ro, uint16_t id, unsigned round)
{
    struct mgmt_domain_create *c = (void *)create_page;
    const char *w;
    long r;

    *c = (struct mgmt_domain_create){ .nr_vcpus = 1, .max_pages = RACE_PAGES };
    snprintf(c->name, sizeof(c->name), "doomed%u", round);
    target = id;
    r = mgtest_mgmt(MGMT_DOMAIN_CREATE, (uint64_t)(uintptr_t)ro, sizeof(*ro));
    if (r != -XEN_EFAULT)
        return mgtest_why("create with a read-only request returned %s, want EFAULT", mgtest_errno(r));
    w = mgtest_wait_gone(id);
    target = 0;
    return w ? mgtest_why("d%u, created with no way to learn its id: %s", id, w) : NULL;
}

void mgtest_create_race(void)
{
    const struct mgmt_domain_create *ro;
    grant_ref_t ref;
    grant_handle_t h;
    void *map;
    uint16_t id = 0;
    const char *w = NULL;
    int r;

    memset(page, 0x5a, sizeof(page));
    if (gnttab_init(1) != 0 || gnttab_grant_access(mgtest_domid, create_page, true, &ref) != 0 ||
        gnttab_map(mgtest_domid, ref, true, &map, &h) != GNTST_okay) {
        mgtest_check("create_race_setup", "could not map our own page read-only");
        return;
    }
    ro = map;
    if ((w = next_id(&id)) != NULL) {
        mgtest_check("create_race_setup", w);
        return;
    }
    if ((r = runtime_vcpu_start(1, doomed_caller, NULL)) != 0) {
        mgtest_check("create_race_setup", mgtest_why("runtime_vcpu_start: %d", r));
        return;
    }
    for (unsigned i = 0; i < CREATE_ROUNDS && !w; i++, id++)
        w = create_round(ro, id, i);
    copier_stop = 1;
    (void)runtime_vcpu_join(1);
    printf("mgtest: create_race: %u rounds, %u calls reached a doomed domain, %u refused, %u with another answer\n",
           CREATE_ROUNDS, doomed_hits, doomed_refused, copies_wrong);
    mgtest_check("create_race_rounds", w);
    mgtest_check("create_race_answers",
                 copies_wrong ? mgtest_why("a call answered %s", mgtest_errno(last_wrong)) : NULL);
}

/*
 * mode=orphan (create+build): start building a child, then crash. The
 * child can never be finished or started by anyone else, so the core
 * must destroy it with its controller (before, it stayed for ever with
 * its frames and slot, and a controller restarted on crash leaked one
 * per restart). The scenario checks the frames at the end.
 */
void mgtest_orphan(void)
{
    struct mgmt_domain_create c = { .nr_vcpus = 1, .max_pages = 256 };
    struct mgmt_domain_populate p = { .gfn = 0, .nr_pages = 256 };
    const char *w;

    snprintf(c.name, sizeof(c.name), "orphan");
    w = mgtest_call(MGMT_DOMAIN_CREATE, &c, sizeof(c), 0);
    if (!w) {
        p.domid = c.domid;
        w = mgtest_call(MGMT_DOMAIN_POPULATE, &p, sizeof(p), 0);
    }
    mgtest_check("orphan_child_built", w);
    if (!w)
        printf("mgtest: orphan: d%u half built; crashing\n", c.domid);
    (void)hypercall_sched_shutdown(SHUTDOWN_crash);
}
