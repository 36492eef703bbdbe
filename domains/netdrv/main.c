/* SPDX-License-Identifier: MIT */
/*
 * netdrv, the network driver domain (README.md): the NIC (nic.c, over the
 * drivers' virtio-net), the guests' vifs (vif.c for XenStore, netback.c
 * for the rings), the switch between them (switch.c, route.c: bridge,
 * route and NAT modes) and netdrv's own host on lwIP (ipstack.c).
 *
 * One event loop on one vCPU, no threads, as in blkdrv and for the same
 * reasons: every source of work is an event channel (each vif's ports,
 * the NIC's interrupt, the XenStore port) or a timer (lwIP's, the
 * switch's ageing), the work for each is short and never waits, and the
 * store client takes one caller at a time. A frame crosses the switch
 * inside the call that brought it in (switch_input calls the output
 * port's xmit, which only queues or hands it to a device), so each pass
 * of the loop moves what every port had, and a busy vif costs the others
 * only its share: netback takes at most a ring's worth per pass.
 *
 * Arguments: the host's ip=A.B.C.D/N | ip=dhcp, gw=, mac= (ipstack.h);
 * exit=idle (tests): stop once the vifs served are all gone and none has
 * come for IDLE_GRACE_NS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/hvm.h"
#include "idl/xen_errno.h"
#include "ipstack.h"
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/hvm.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h"
#include "mosaic/xenbus.h"
#include "nic.h"
#include "pkt.h"
#include "switch.h"
#include "vif.h"

#define XS_SLICE_NS   (1 * TIME_NS_PER_MS)
#define RESCAN_NS     (5 * TIME_NS_PER_S)    /* the store looked at again, in case a watch event was dropped */
#define TICK_NS       (1 * TIME_NS_PER_S)    /* the switch's ageing */
#define POLL_NS       (100 * TIME_NS_PER_US) /* a NIC without an interrupt */
#define IDLE_GRACE_NS (30 * TIME_NS_PER_S)   /* exit=idle: as blkdrv's, for a guest's reboot */

/* The frame pool: small frames for everything up to an MTU, big ones for
 * the NIC's receive buffers (with GSO each must hold 64 KiB) and for GSO
 * frames from guests. */
#define NIC_RX_BUFFERS 128u
#define POOL_SMALL     1024u
#define POOL_BIG       (NIC_RX_BUFFERS + 160u)

static struct xenbus xb;

static int setup(const struct ipstack_cfg *host)
{
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    struct ipstack_cfg cfg = *host;
    int r;

    if (mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self)) != 0 || gnttab_init(1) != 0 || xenbus_connect_own(&xb) != 0) {
        printf("netdrv: no XenStore ring or grant table: nothing to serve\n");
        return -1;
    }
    if (pkt_pool_init(POOL_SMALL, POOL_BIG) != 0) {
        printf("netdrv: no memory for %u + %u frame buffers\n", POOL_SMALL, POOL_BIG);
        return -1;
    }
    r = nic_init(NIC_RX_BUFFERS);
    if (r == -XEN_ENODEV)
        printf("netdrv: d%u: no NIC: guests are joined to each other only\n", self.domid);
    else if (r != 0)
        printf("netdrv: d%u: the NIC could not be started (%d): guests are joined to each other only\n", self.domid, r);
    if (ipstack_cfg_finish(&cfg, self.domid) != 0 || (r = ipstack_init(&cfg)) != 0) {
        printf("netdrv: the host stack could not start\n");
        return -1;
    }
    if ((r = vif_init(&xb, self.domid)) != 0) {
        printf("netdrv: cannot watch our backend/vif directory (%d)\n", r);
        return -1;
    }
    return 0;
}

/* Watch events waiting (or arriving): true when there were some. */
static bool store_events(void)
{
    long n = xenbus_backend_events(&xb, XS_SLICE_NS);

    if (n == -XEN_EIO) {
        printf("netdrv: the XenStore ring broke: stopping\n");
        exit(1);
    }
    return n > 0;
}

/* exit=idle: true once devices were served and none has existed for IDLE_GRACE_NS. */
static bool idle_long_enough(uint64_t now)
{
    static struct xenbus_backend_idle idle;

    return xenbus_backend_idle_for(&idle, vif_count(), now, IDLE_GRACE_NS);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

int main(int argc, char **argv)
{
    struct ipstack_cfg host;
    uint64_t next_scan = 0, next_tick = 0;
    bool exit_idle = false;

    memset(&host, 0, sizeof(host));
    for (int i = 1; i < argc; i++) {
        int r = ipstack_parse_arg(argv[i], &host);
        if (r < 0)
            return 1; /* ipstack_parse_arg said why */
        if (r > 0)
            continue;
        if (!strcmp(argv[i], "exit=idle"))
            exit_idle = true;
        else
            printf("netdrv: unknown argument '%s' ignored\n", argv[i]);
    }
    if (setup(&host) != 0)
        return 1;
    printf("netdrv: serving\n");
    for (;;) {
        uint64_t now, deadline;
        bool moved;

        evtchn_dispatch(); /* the handlers only clear their ports: everything is looked at below */
        moved = nic_poll();
        moved |= vif_poll();
        now = runtime_time_ns();
        ipstack_poll(now);
        nic_kick();
        if (now >= next_tick) {
            switch_tick(now);
            vif_tick();
            next_tick = now + TICK_NS;
        }
        if (store_events() || now >= next_scan) {
            vif_scan();
            next_scan = now + RESCAN_NS;
            continue;
        }
        if (moved)
            continue;
        if (exit_idle && idle_long_enough(now))
            break;
        deadline = min_u64(min_u64(next_scan, next_tick), ipstack_deadline_ns(now));
        if (nic_polled())
            deadline = min_u64(deadline, now + POLL_NS);
        if (deadline <= now)
            continue;
        evtchn_wait(deadline);
    }
    struct nic_counters n;
    nic_counters_get(&n);
    printf("netdrv: every vif is gone; stopping (NIC: %llu frames in, %llu bad, %llu buffers short; %llu frames out, "
           "%llu dropped)\n",
           (unsigned long long)n.rx_frames, (unsigned long long)n.rx_bad, (unsigned long long)n.rx_starved,
           (unsigned long long)n.tx_frames, (unsigned long long)n.tx_dropped);
    return 0;
}
