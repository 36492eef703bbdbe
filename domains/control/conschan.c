/* SPDX-License-Identifier: MIT */
/*
 * The console channel's front end (conschan.h). The loop is ours alone
 * while an exchange waits (as destroy's wait): the console domain answers
 * at once, and an answer that comes after its exchange gave up is told
 * from the next one's by its id and dropped.
 */
#include "conschan.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/gnttab.h"
#include "mosaic/mgmt.h"
#include "mosaic/ring.h"
#include "mosaic/time.h"
#include "mosaic/xenbus.h"
#include "mosaic/xenbus_backend.h"

#define PAGE_SIZE 4096

static struct {
    struct xenbus *xb; /* control's one store connection (build_domain.c's) */
    struct ring_conn conn;
    struct consctl_front front;
    bool up;     /* connected: requests may go */
    bool broken; /* the ring broke: no more requests */
    uint64_t next_id;
} ch;

int conschan_init(struct xenbus *xb)
{
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    char dir[48];
    unsigned long long backend;
    void *page;
    long r;

    if (!xb || (r = mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self))) != 0) {
        printf("control: no XenStore or grant table: no console channel\n");
        return -XEN_ENODEV;
    }
    ch.xb = xb;
    snprintf(dir, sizeof(dir), "/local/domain/%u/consctl", self.domid);
    if (xenbus_node_read_uint(ch.xb, dir, "backend-id", &backend) != 0 || backend >= DOMID_FIRST_RESERVED) {
        printf("control: no console channel offered (no console domain): mosaic console is not served\n");
        return -XEN_ENOENT;
    }
    if (!(page = memalign(PAGE_SIZE, PAGE_SIZE)))
        return -XEN_ENOMEM;
    consctl_front_init(&ch.front, page);
    if ((r = ring_front_open(&ch.conn, (uint16_t)backend, page, RING_ANY_REF)) != 0 ||
        (r = xenbus_node_write_uint(ch.xb, 0, dir, "ring-ref", ch.conn.ref)) != 0 ||
        (r = xenbus_node_write_uint(ch.xb, 0, dir, "event-channel", ch.conn.port)) != 0 ||
        (r = xenbus_node_write_uint(ch.xb, 0, dir, "state", XenbusStateInitialised)) != 0) {
        printf("control: the console channel to d%llu: %ld: mosaic console is not served\n", backend, r);
        return (int)r;
    }
    ch.up = true;
    printf("control: console channel offered to d%llu (ring-ref %u, port %u)\n", backend, ch.conn.ref, ch.conn.port);
    return 0;
}

/* Responses until the one with id (1), none yet (0), or a broken ring. */
static int take(uint64_t id, struct consctl_response *rsp)
{
    int r;

    (void)evtchn_test_and_clear(ch.conn.port);
    for (;;) {
        r = consctl_front_get_response(&ch.front, rsp);
        if (r == 0 && (r = consctl_front_final_check(&ch.front)) > 0)
            r = consctl_front_get_response(&ch.front, rsp);
        if (r <= 0)
            return r;
        if (rsp->id == id)
            return 1;
        /* an answer to an exchange that gave up: dropped */
    }
}

int conschan_exchange(void *ctx, struct consctl_request *q, struct consctl_response *rsp)
{
    struct consctl_request *slot;
    uint64_t end = runtime_time_ns() + CONSCHAN_ANSWER_NS;
    int r;

    (void)ctx;
    if (!ch.up || ch.broken)
        return ch.broken ? -XEN_EIO : -XEN_ENODEV;
    if (take(0, rsp) < 0 || !(slot = consctl_front_req_slot(&ch.front))) {
        /* late answers are taken first; a ring still full is as broken */
        ch.broken = true;
        printf("control: the console channel's ring broke: mosaic console is not served any more\n");
        return -XEN_EIO;
    }
    q->id = ++ch.next_id;
    memcpy(slot, q, sizeof(*q));
    if (consctl_front_push_requests(&ch.front))
        (void)ring_notify(&ch.conn);
    while ((r = take(q->id, rsp)) == 0) {
        if (runtime_time_ns() >= end)
            return -XEN_ETIMEDOUT;
        evtchn_wait(runtime_time_ns() + TIME_NS_PER_MS);
    }
    if (r < 0) {
        ch.broken = true;
        printf("control: the console channel's ring broke: mosaic console is not served any more\n");
        return -XEN_EIO;
    }
    return 0;
}
