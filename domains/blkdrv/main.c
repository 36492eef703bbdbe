/* SPDX-License-Identifier: MIT */
/*
 * blkdrv, the block driver domain: serves the virtio-blk disks assigned
 * to it (disks.c) to guests' xen-blkfront over Xen's blkif protocol
 * (vbd.c for XenStore, blkback.c for the rings).
 *
 * One event loop on one vCPU, no threads: every source of work is an
 * event channel (each front end's ring port, each disk's completion
 * interrupt, the XenStore port), the work for each is short and never
 * waits (grant copies are one hypercall per request, the disks are
 * asynchronous), and the store client takes one caller at a time. So one
 * loop serves every disk and front end with no locks, and a slow or
 * hostile front end costs the others only its share of the loop: each
 * pass takes at most a ring's worth of its requests. More vCPUs would
 * mean a loop per vCPU with the connections split between them; the
 * emulated machine has 2 CPUs shared with the guests, so one is the
 * right size today.
 *
 * Arguments: exit=idle (tests): stop once the vbds served are all gone
 * and none has come for IDLE_GRACE_NS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdrv.h"
#include "idl/hvm.h"
#include "idl/xen_errno.h"
#include "mosaic/gnttab.h"
#include "mosaic/hvm.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h"

#define XS_SLICE_NS (1 * TIME_NS_PER_MS)   /* waiting for the rest of a store message */
#define POLL_NS     (100 * TIME_NS_PER_US) /* a polled disk, with requests out */
#define RESCAN_NS   (5 * TIME_NS_PER_S)    /* the store looked at again, in case a watch event was dropped */
/* exit=idle: how long no vbd may exist before we stop. A rebooting
 * guest's entries are gone while the builder loads its kernel again, which
 * took 8 s on a loaded host (and 10 s was once too short): the grace is
 * three times that. A test convenience only, never a real driver's rule. */
#define IDLE_GRACE_NS (30 * TIME_NS_PER_S)

static struct xenbus xb;

static int setup(void)
{
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    uint64_t pfn = 0, port = 0;
    long r;

    if (mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self)) != 0 || gnttab_init(1) != 0 ||
        hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_PFN, &pfn) != 0 ||
        hvm_param_get(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &port) != 0 || !pfn || !port) {
        printf("blkdrv: no XenStore ring or grant table: nothing to serve\n");
        return -1;
    }
    xenbus_connect(&xb, (void *)(uintptr_t)(pfn << 12), (evtchn_port_t)port);
    printf("blkdrv: d%u: %u disk(s)\n", self.domid, disks_init());
    if ((r = vbd_init(&xb, self.domid)) != 0) {
        printf("blkdrv: cannot watch our backend/vbd directory (%ld)\n", r);
        return -1;
    }
    return 0;
}

/* Watch events waiting (or arriving): true when there were some. */
static bool store_events(void)
{
    long n = xenbus_backend_events(&xb, XS_SLICE_NS);

    if (n == -XEN_EIO) {
        printf("blkdrv: the XenStore ring broke: stopping\n");
        exit(1);
    }
    return n > 0;
}

/* exit=idle: true once devices were served and none has existed for IDLE_GRACE_NS. */
static bool idle_long_enough(uint64_t now)
{
    static struct xenbus_backend_idle idle;

    return xenbus_backend_idle_for(&idle, vbd_count() || vbd_busy(), now, IDLE_GRACE_NS);
}

int main(int argc, char **argv)
{
    uint64_t next_scan = 0;
    bool exit_idle = false;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "exit=idle"))
            exit_idle = true;
        else
            printf("blkdrv: unknown argument '%s' ignored\n", argv[i]);
    }
    if (setup() != 0)
        return 1;
    printf("blkdrv: serving\n");
    for (;;) {
        uint64_t now, deadline;
        bool moved;

        evtchn_dispatch(); /* the handlers only clear their ports: everything is looked at below */
        disks_reap();
        moved = vbd_poll();
        disks_kick();
        now = runtime_time_ns();
        if (store_events() || now >= next_scan) {
            vbd_scan();
            next_scan = now + RESCAN_NS;
            continue;
        }
        if (moved)
            continue;
        if (exit_idle && idle_long_enough(now))
            break;
        deadline = disks_polled() && vbd_busy() ? now + POLL_NS : next_scan;
        if (exit_idle && deadline > now + TIME_NS_PER_S)
            deadline = now + TIME_NS_PER_S; /* to see the grace period end */
        evtchn_wait(deadline);
    }
    printf("blkdrv: every vbd is gone; stopping\n");
    return 0;
}
