/* SPDX-License-Identifier: MIT */
/*
 * The build service's good paths, seen from the client: a domain built
 * from our kernel and ramdisk that we control and that runs to its end;
 * one with a disk and two vifs whose backend is this domain (so we see
 * the nodes the builder writes, and answer their removal); answers in
 * ring order on a full ring; a broken ring closed and connected again;
 * build and destroy cycles that leave the free frames where they were.
 */
#include <stdio.h>
#include <string.h>

#include "buildtest.h"
#include "idl/mgmt.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/mgmt.h"
#include "mosaic/test.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h"

#define RUN_END_NS (120ull * 1000000000ull) /* the hello domain's whole suite, under TCG */

static struct bc_spec spec;

/* Builds what spec describes: its id, or 0 with a failed check `name`. */
static uint16_t build(struct bc_conn *c, const char *name)
{
    struct build_response rsp;
    char why[160];

    if (bc_call(c, BUILD_OP_BUILD, spec.ref, &rsp, why, sizeof(why)) != 0) {
        test_check(false, name, "%s", why);
        return 0;
    }
    if (rsp.status || rsp.field || !rsp.domid || rsp.domid >= DOMID_FIRST_RESERVED || rsp.why[0]) {
        test_check(false, name, "status %s, field %u, domid %u, why '%s'", bt_errno(rsp.status), rsp.field, rsp.domid,
                   rsp.why);
        return 0;
    }
    return rsp.domid;
}

/* The domain's facts, or why not. */
static long info(uint16_t domid, struct mgmt_domain_info *i)
{
    memset(i, 0, sizeof(*i));
    i->domid = domid;
    return mgmt_call(MGMT_DOMAIN_INFO, i, sizeof(*i));
}

/* Destroys domid and waits until it is gone. */
static bool destroy(uint16_t domid)
{
    struct mgmt_domain_destroy x = { .domid = domid };

    return mgmt_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x)) == 0 && bt_domain_gone(domid, BT_WAIT_NS);
}

/* Until domid has used CPU time (it runs), or shut down, or timeout. */
static long wait_ran(uint16_t domid, struct mgmt_domain_info *i, uint64_t timeout_ns, bool to_end)
{
    uint64_t end = runtime_time_ns() + timeout_ns;
    long r;

    while ((r = info(domid, i)) == 0 && runtime_time_ns() < end) {
        if (to_end ? i->state == MGMT_STATE_SHUTDOWN : (i->runtime_ns > 0 || i->state == MGMT_STATE_SHUTDOWN))
            break;
        runtime_sleep_ns(10000000);
    }
    return r;
}

/* The vCPUs' CPUs are the mask asked for. */
static bool cpus_are(uint16_t domid, uint16_t vcpus, uint64_t mask)
{
    for (uint16_t v = 0; v < vcpus; v++) {
        struct mgmt_vcpu_info vi = { .domid = domid, .vcpu = v };
        if (mgmt_call(MGMT_VCPU_INFO, &vi, sizeof(vi)) != 0 || vi.affinity != mask)
            return false;
    }
    return true;
}

void bt_builds(struct bc_conn *c)
{
    struct mgmt_domain_info i;
    uint16_t d;
    long r;

    if (bc_spec_new(&spec, c->builder) != 0) {
        test_check(false, "build_ok", "no spec page");
        return;
    }
    bt_fill(spec.spec, "bt-hello");
    spec.spec->vcpus = 2;
    spec.spec->maxmem_mib = 24;
    spec.spec->weight = 512;
    spec.spec->cap = 150;
    spec.spec->cpus = 1;
    snprintf(spec.spec->cmdline, sizeof(spec.spec->cmdline), "built-by=buildtest notime tag=4242");
    d = build(c, "build_ok");
    bc_spec_end(&spec);
    if (!d)
        return;
    test_check(true, "build_ok", "d%u", d);
    r = info(d, &i);
    test_check(r == 0, "build_controlled", "MGMT_DOMAIN_INFO on d%u: %s", d, bt_errno(r));
    test_check(r == 0 && !strcmp(i.name, "bt-hello") && i.nr_vcpus == 2 && i.max_pages >= 24 * 256 &&
                   i.max_pages <= 24 * 256 + 8,
               "build_info", "name '%.32s', %u vCPUs, max_pages %llu", i.name, i.nr_vcpus,
               (unsigned long long)i.max_pages);
    test_check(cpus_are(d, 2, 1), "build_cpus", "each vCPU on CPU 0 only");
    r = wait_ran(d, &i, BT_WAIT_NS, false);
    test_check(r == 0 && i.runtime_ns > 0, "build_runs", "state %u, %llu ns of CPU", i.state,
               (unsigned long long)i.runtime_ns);
    r = wait_ran(d, &i, RUN_END_NS, true);
    test_check(r == 0 && i.state == MGMT_STATE_SHUTDOWN && i.shutdown_reason == SHUTDOWN_poweroff, "build_ran_to_end",
               "state %u, reason %u: its own checks passed", i.state, i.shutdown_reason);
    test_check(destroy(d), "build_destroyed", "d%u gone", d);
}

/* Our backend directory for one of the built domain's devices. */
static void backend_dir(const struct bc_conn *c, char *buf, size_t cap, const char *kind, uint16_t fe, unsigned id)
{
    snprintf(buf, cap, "/local/domain/%u/backend/%s/%u/%u", c->self, kind, fe, id);
}

/* node of dir is want (NULL: any value, want_prefix: starts with it). */
static bool node_is(struct bc_conn *c, const char *dir, const char *node, const char *want, bool prefix)
{
    char buf[64];

    if (xenbus_node_read(&c->xb, dir, node, buf, sizeof(buf)) < 0)
        return false;
    return prefix ? !strncmp(buf, want, strlen(want)) : !strcmp(buf, want);
}

/* As a backend would: answer Closing with Closed until every directory
 * is gone (the builder removes it then). Whether all went in time. */
static bool answer_removal(struct bc_conn *c, char dirs[][80], unsigned n)
{
    uint64_t end = runtime_time_ns() + 3 * BT_WAIT_NS;
    unsigned left = n;

    while (left && runtime_time_ns() < end) {
        left = 0;
        for (unsigned k = 0; k < n; k++) {
            char state[8];
            long r = xenbus_node_read(&c->xb, dirs[k], "state", state, sizeof(state));
            if (r == -XEN_ENOENT)
                continue;
            left++;
            if (r >= 0 && !strcmp(state, "5"))
                (void)xenbus_node_write(&c->xb, 0, dirs[k], "state", "6");
        }
        runtime_sleep_ns(20000000);
    }
    return !left;
}

void bt_devices(struct bc_conn *c)
{
    static char dirs[3][80];
    char fe[8];
    uint16_t d;

    if (bc_spec_new(&spec, c->builder) != 0)
        return;
    bt_fill(spec.spec, "bt-dev");
    spec.spec->nr_disks = 1;
    snprintf(spec.spec->disks[0].spec, BUILD_DEVSPEC_MAX, "phy:vdz7,xvda,r,backend=buildtest");
    spec.spec->nr_vifs = 2;
    snprintf(spec.spec->vifs[0].spec, BUILD_DEVSPEC_MAX, "mac=00:16:3E:0a:0b:0c, bridge=xenbr0, backend=buildtest");
    snprintf(spec.spec->vifs[1].spec, BUILD_DEVSPEC_MAX, "script=vif-route, ip=10.0.0.2, backend=buildtest");
    d = build(c, "devices_build");
    bc_spec_end(&spec);
    if (!d)
        return;
    snprintf(fe, sizeof(fe), "%u", d);
    backend_dir(c, dirs[0], sizeof(dirs[0]), "vbd", d, 51712); /* xvda */
    backend_dir(c, dirs[1], sizeof(dirs[1]), "vif", d, 0);
    backend_dir(c, dirs[2], sizeof(dirs[2]), "vif", d, 1);
    test_check(node_is(c, dirs[0], "params", "vdz7", false) && node_is(c, dirs[0], "mode", "r", false) &&
                   node_is(c, dirs[0], "frontend-id", fe, false) && node_is(c, dirs[0], "state", "1", false),
               "devices_vbd_nodes", "%s: params vdz7, mode r, frontend-id %s, state 1", dirs[0], fe);
    test_check(node_is(c, dirs[1], "mac", "00:16:3e:0a:0b:0c", false) &&
                   node_is(c, dirs[1], "bridge", "xenbr0", false) && node_is(c, dirs[2], "mac", "00:16:3e:", true) &&
                   node_is(c, dirs[2], "ip", "10.0.0.2", false) && node_is(c, dirs[2], "frontend-id", fe, false),
               "devices_vif_nodes", "vif 0 with its MAC and bridge, vif 1 routed with a MAC drawn in Xen's range");
    test_check(destroy(d), "devices_destroyed", "d%u gone", d);
    test_check(answer_removal(c, dirs, 3), "devices_removed",
               "the builder took the three devices down once d%u was gone, as libxl would", d);
}

void bt_cycles(struct bc_conn *c, unsigned n)
{
    uint64_t free0 = bt_free_pages(), free1;
    uint16_t prev = 0;

    for (unsigned k = 0; k < n; k++) {
        struct mgmt_domain_info i;
        uint16_t d;
        bool ran;
        long r;
        if (bc_spec_new(&spec, c->builder) != 0)
            return;
        bt_fill(spec.spec, "bt-cycle");
        d = build(c, "cycles");
        bc_spec_end(&spec);
        if (!d)
            return;
        r = wait_ran(d, &i, BT_WAIT_NS, false);
        /* Running, or done already: hello without its clock checks is quick. */
        ran =
            i.state == MGMT_STATE_RUNNING || (i.state == MGMT_STATE_SHUTDOWN && i.shutdown_reason == SHUTDOWN_poweroff);
        if (r != 0 || !ran || i.runtime_ns == 0 || d == prev || !destroy(d)) {
            test_check(false, "cycles", "cycle %u: d%u: %s, state %u, %llu ns run, or not destroyed", k, d, bt_errno(r),
                       i.state, (unsigned long long)i.runtime_ns);
            return;
        }
        prev = d;
    }
    free1 = bt_wait_free(free0);
    test_check(true, "cycles", "%u domains built, run, destroyed and gone", n);
    test_check(free1 == free0, "cycles_frames", "%llu free frames before the cycles, %llu after",
               (unsigned long long)free0, (unsigned long long)free1);
}

void bt_ring_order(struct bc_conn *c)
{
    uint64_t first = 0, id;
    unsigned bad = 0;

    if (bc_spec_new(&spec, c->builder) != 0)
        return;
    bt_fill(spec.spec, "bt-order");
    spec.spec->memory_mib = 0; /* every build request here is refused */
    for (unsigned k = 0; k < BUILD_RING_SIZE; k++) {
        if (bc_send(c, k % 2 ? BUILD_OP_BUILD + 8 : BUILD_OP_BUILD, spec.ref, 0, &id) != 0)
            bad++;
        first = k ? first : id;
    }
    test_check(bc_send(c, BUILD_OP_BUILD, spec.ref, 0, &id) == -XEN_ENOSPC && bad == 0, "ring_full",
               "%u requests queued at once, a %uth refused by the ring", BUILD_RING_SIZE, BUILD_RING_SIZE + 1);
    for (unsigned k = 0; k < BUILD_RING_SIZE; k++) {
        struct build_response rsp;
        long want = k % 2 ? -XEN_ENOSYS : -XEN_EINVAL;
        if (bc_receive(c, &rsp, 3 * BT_WAIT_NS) != 1 || rsp.id != first + k || rsp.status != want)
            bad++;
    }
    bc_spec_end(&spec);
    test_check(bad == 0, "ring_order", "%u answers, in the order asked, each the right error (%u wrong)",
               BUILD_RING_SIZE, bad);
}

void bt_broken_ring(struct bc_conn *c)
{
    char why[128];
    unsigned long long state = 0;
    uint64_t end = runtime_time_ns() + BT_WAIT_NS;
    long r;

    /* More requests than the ring holds: no back end may read that. */
    __atomic_store_n(&c->front.sring->req_prod, c->front.req_prod_pvt + 1000, __ATOMIC_RELEASE);
    (void)ring_notify(&c->ring);
    while (runtime_time_ns() < end &&
           (xenbus_node_read_uint(&c->xb, c->backend, "state", &state) != 0 || state != XenbusStateClosed))
        runtime_sleep_ns(10000000);
    why[0] = '\0';
    (void)xenbus_node_read(&c->xb, c->backend, "error", why, sizeof(why));
    test_check(state == XenbusStateClosed && strstr(why, "impossible"), "broken_ring_closed", "backend state %llu: %s",
               state, why);
    bc_disconnect(c);
    (void)xenbus_node_write_uint(&c->xb, 0, c->dir, "state", XenbusStateInitialising);
    r = bc_connect(c, BT_WAIT_NS);
    test_check(r == 0, "broken_ring_reconnected", "a new ring after the old one broke: %s", bt_errno(r));
}
