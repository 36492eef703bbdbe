/* SPDX-License-Identifier: MIT */
/*
 * The images every build of the checks uses, and the management calls
 * the checks use to see what the builder left (the domains this client
 * controls, the machine's free frames).
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "buildtest.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"

struct bc_image bt_kernel, bt_ramdisk;

void bt_fill(struct build_spec *spec, const char *name)
{
    snprintf(spec->name, sizeof(spec->name), "%s", name);
    spec->memory_mib = 16;
    spec->vcpus = 1;
    /* hello's clock checks are the runtime's business, and the slowest
     * to pass on a loaded host: not what these builds test. */
    snprintf(spec->cmdline, sizeof(spec->cmdline), "built-by=buildtest notime");
    bc_spec_images(spec, &bt_kernel, &bt_ramdisk);
}

bool bt_domain_gone(uint16_t domid, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;

    for (;;) {
        struct mgmt_domain_info i = { .domid = domid };
        if (mgmt_call(MGMT_DOMAIN_INFO, &i, sizeof(i)) == -XEN_ESRCH)
            return true;
        if (runtime_time_ns() >= end)
            return false;
        runtime_sleep_ns(10000000);
    }
}

uint64_t bt_free_pages(void)
{
    struct mgmt_phys_info p;

    memset(&p, 0, sizeof(p));
    return mgmt_call(MGMT_PHYS_INFO, &p, sizeof(p)) == 0 ? p.free_pages : 0;
}

uint64_t bt_wait_free(uint64_t want)
{
    uint64_t end = runtime_time_ns() + BT_WAIT_NS, now;

    while ((now = bt_free_pages()) != want && runtime_time_ns() < end)
        runtime_sleep_ns(20000000);
    return now;
}

unsigned bt_controlled(void)
{
    struct mgmt_domain_list l = { .first = 1 };
    unsigned n = 0;

    for (;;) {
        if (mgmt_call(MGMT_DOMAIN_LIST, &l, sizeof(l)) != 0)
            return n;
        n += l.nr;
        if (l.nr < MGMT_DOMAIN_LIST_MAX)
            return n;
        l.first = (uint16_t)(l.domids[MGMT_DOMAIN_LIST_MAX - 1] + 1);
    }
}

const char *bt_errno(long r)
{
    static char buf[2][32];
    static unsigned turn;
    char *b = buf[turn++ % 2];

    snprintf(b, sizeof(buf[0]), "%ld (%s)", r, r ? runtime_errno_name(-r) : "ok");
    return b;
}
