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
