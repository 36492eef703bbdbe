/* SPDX-License-Identifier: MIT */
/*
 * The client's side of idl/build.idl's connection: wait for the
 * builder's offer under our home, give it a ring page and a port, wait
 * for Connected; requests out and responses in over the generated ring
 * helpers, every response checked by them and by its id.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildclient.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/runtime.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h"
#include "mosaic/xenbus_frontend.h"

#define POLL_NS 10000000ull /* 10 ms between looks at a node */

/* Until the builder's backend/state is want (0), or timeout (-ETIMEDOUT),
 * or Closed while we wait for Connected (-ECONNREFUSED: it refused our
 * ring). Waiting for its offer, Closed is the state it leaves once we
 * said Initialising: it offers again. */
static long wait_backend(struct bc_conn *c, unsigned long long want, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;

    for (;;) {
        unsigned long long state = 0;
        if (xenbus_node_read_uint(&c->xb, c->backend, "state", &state) == 0) {
            if (state == want)
                return 0;
            if (state == XenbusStateClosed && want == XenbusStateConnected)
                return -XEN_ECONNREFUSED;
        }
        if (runtime_time_ns() >= end)
            return -XEN_ETIMEDOUT;
        runtime_sleep_ns(POLL_NS);
    }
}

long bc_connect(struct bc_conn *c, uint64_t timeout_ns)
{
    unsigned long long id;
    long r;

    snprintf(c->dir, sizeof(c->dir), "/local/domain/%u/builder", c->self);
    snprintf(c->backend, sizeof(c->backend), "%s/backend", c->dir);
    if ((r = wait_backend(c, XenbusStateInitWait, timeout_ns)) != 0)
        return r;
    if ((r = xenbus_node_read_uint(&c->xb, c->backend, "id", &id)) != 0 || id >= DOMID_FIRST_RESERVED)
        return r ? r : -XEN_EINVAL;
    c->builder = (uint16_t)id;
    if (!(c->page = memalign(BC_PAGE, BC_PAGE)))
        return -XEN_ENOMEM;
    build_front_init(&c->front, c->page);
    if ((r = ring_front_open(&c->ring, c->builder, c->page, RING_ANY_REF)) != 0 ||
        (r = xenbus_node_write_uint(&c->xb, 0, c->dir, "ring-ref", c->ring.ref)) != 0 ||
        (r = xenbus_node_write_uint(&c->xb, 0, c->dir, "event-channel", c->ring.port)) != 0 ||
        (r = xenbus_node_write_uint(&c->xb, 0, c->dir, "state", XenbusStateInitialised)) != 0)
        return r;
    return wait_backend(c, XenbusStateConnected, timeout_ns);
}

void bc_disconnect(struct bc_conn *c)
{
    (void)xenbus_node_write_uint(&c->xb, 0, c->dir, "state", XenbusStateClosed);
    (void)wait_backend(c, XenbusStateClosed, BC_WAIT_NS);
    (void)ring_close(&c->ring, BC_WAIT_NS); /* the grant ends once the builder has unmapped it */
    free(c->page);
    c->page = NULL;
}

long bc_send(struct bc_conn *c, uint32_t op, uint32_t spec_ref, uint8_t reserved0, uint64_t *id)
{
    struct build_request req = { .id = ++c->next_id, .op = op, .spec_ref = spec_ref };
    struct build_request *slot = build_front_req_slot(&c->front);

    if (!slot)
        return -XEN_ENOSPC;
    req.reserved[0] = reserved0;
    memcpy(slot, &req, sizeof(req));
    *id = req.id;
    if (build_front_push_requests(&c->front))
        (void)ring_notify(&c->ring);
    return 0;
}

struct pending {
    struct bc_conn *c;
    struct build_response *rsp;
    int got;
};

static int check_response(void *arg)
{
    struct pending *p = arg;
    int r;

    evtchn_test_and_clear(p->c->ring.port);
    r = build_front_get_response(&p->c->front, p->rsp);
    if (r == 0 && (r = build_front_final_check(&p->c->front)) > 0)
        r = build_front_get_response(&p->c->front, p->rsp);
    p->got = r;
    return r != 0;
}

int bc_receive(struct bc_conn *c, struct build_response *rsp, uint64_t timeout_ns)
{
    struct pending p = { c, rsp, 0 };

    (void)xenbus_frontend_wait(check_response, &p, timeout_ns);
    return p.got;
}

int bc_call(struct bc_conn *c, uint32_t op, uint32_t spec_ref, struct build_response *rsp, char *why, size_t cap)
{
    uint64_t id;
    long r = bc_send(c, op, spec_ref, 0, &id);
    int got;

    if (r) {
        snprintf(why, cap, "no ring slot: %s", runtime_errno_name(-r));
        return -1;
    }
    got = bc_receive(c, rsp, BC_BUILD_NS);
    if (got != 1) {
        snprintf(why, cap, got == 0 ? "no answer in %llu s" : "the builder broke the ring",
                 (unsigned long long)(BC_BUILD_NS / 1000000000ull));
        return -1;
    }
    if (rsp->id != id) {
        snprintf(why, cap, "answer for id %llu, want %llu", (unsigned long long)rsp->id, (unsigned long long)id);
        return -1;
    }
    if (strnlen(rsp->why, sizeof(rsp->why)) == sizeof(rsp->why)) {
        snprintf(why, cap, "its why is not NUL-terminated");
        return -1;
    }
    return 0;
}
