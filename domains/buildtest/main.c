/* SPDX-License-Identifier: MIT */
/*
 * The build service's test client (idl/build.idl, domains/builder/
 * service.c). Boot module 0 (its ramdisk) is the kernel it uploads, the
 * hello domain's ELF; the ramdisk it uploads is a pattern it makes. One
 * `TEST PASS`/`TEST FAIL` line per check, then `buildtest: N checks, F
 * failed` and `buildtest: done`; exit status 0, or 1 if a check failed.
 *
 * Modes (`mode=` on the command line):
 * - client (default): the manifest gives it build_service = yes and caps
 *   = control. Good builds, a domain with devices whose backend it plays,
 *   every kind of bad request, a full ring answered in order, a broken
 *   ring closed and connected again, then `cycles=N` (default 20) build
 *   and destroy cycles.
 * - denied: no build_service in its section: no offer may appear, and a
 *   ring it offers the builder on its own is never taken.
 * - nocontrol: build_service = yes without caps = control: it connects,
 *   and a good request is refused with -EPERM (field client).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildtest.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/evtchn.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/test.h"
#include "mosaic/time.h"
#include "mosaic/xenbus_backend.h"

#define ROOT_DOMID     1 /* the builder, the root domain: the only id a client can guess */
#define DENIED_WAIT_NS (3ull * 1000000000ull)
#define GRANT_FRAMES   4 /* 2,048 refs: the kernel's pages and more */

/* The pattern ramdisk and its FNV-1a, as the hello domain computes it. */
static uint8_t *make_ramdisk(uint32_t *fnv)
{
    uint8_t *p = memalign(BT_PAGE, (BT_RAMDISK_SIZE + BT_PAGE - 1) / BT_PAGE * BT_PAGE);
    uint32_t h = 2166136261u;

    for (uint32_t i = 0; p && i < BT_RAMDISK_SIZE; i++) {
        p[i] = (uint8_t)(i * 7 + 3 + (i >> 9));
        h = (h ^ p[i]) * 16777619u;
    }
    *fnv = h;
    return p;
}

/* The kernel: module 0 where it lies if page-aligned, else a copy. */
static const uint8_t *kernel_image(size_t *size)
{
    const struct runtime_module *m = runtime_module(0);
    uint8_t *copy;

    if (!m || !m->size)
        return NULL;
    *size = m->size;
    if (!((uintptr_t)m->data % BT_PAGE))
        return m->data;
    if (!(copy = memalign(BT_PAGE, m->size)))
        return NULL;
    memcpy(copy, m->data, m->size);
    return copy;
}

static void client(struct bc_conn *c, unsigned cycles)
{
    size_t ksize = 0;
    const uint8_t *kernel = kernel_image(&ksize);
    uint32_t fnv;
    uint8_t *ramdisk = make_ramdisk(&fnv);
    long r;

    r = bc_connect(c, BT_WAIT_NS);
    if (!test_check(r == 0, "connect", "to the builder's build service: %s", bt_errno(r)))
        return;
    if (!test_check(kernel && ramdisk && bc_image_grant(&bt_kernel, c->builder, kernel, ksize) == 0 &&
                        bc_image_grant(&bt_ramdisk, c->builder, ramdisk, BT_RAMDISK_SIZE) == 0,
                    "images_granted", "kernel %zu bytes, ramdisk %u bytes", ksize, BT_RAMDISK_SIZE))
        return;
    printf("buildtest: ramdisk %u bytes, fnv1a %u\n", BT_RAMDISK_SIZE, fnv);
    bt_builds(c);
    bt_devices(c);
    bt_bad(c);
    bt_ring_order(c);
    bt_broken_ring(c);
    bt_cycles(c, cycles);
    bc_disconnect(c);
    bc_image_end(&bt_kernel);
    bc_image_end(&bt_ramdisk);
}

/* Not offered the service: no offer appears, and a ring offered to the
 * root domain regardless is never taken up. */
static void denied(struct bc_conn *c)
{
    static uint8_t page[BT_PAGE] __attribute__((aligned(BT_PAGE)));
    struct evtchn_info st = { 0 };
    uint64_t end;
    long r, q = -XEN_EINVAL;

    r = bc_connect(c, DENIED_WAIT_NS);
    test_check(r == -XEN_ETIMEDOUT, "denied_no_offer", "no build service offer in %llu s: %s",
               (unsigned long long)(DENIED_WAIT_NS / 1000000000ull), bt_errno(r));
    build_front_init(&c->front, (struct build_sring *)page);
    r = ring_front_open(&c->ring, ROOT_DOMID, page, RING_ANY_REF);
    if (r == 0) {
        (void)xenbus_node_write_uint(&c->xb, 0, c->dir, "ring-ref", c->ring.ref);
        (void)xenbus_node_write_uint(&c->xb, 0, c->dir, "event-channel", c->ring.port);
        (void)xenbus_node_write_uint(&c->xb, 0, c->dir, "state", XenbusStateInitialised);
        for (end = runtime_time_ns() + DENIED_WAIT_NS; runtime_time_ns() < end; runtime_sleep_ns(50000000))
            if ((q = evtchn_status(DOMID_SELF, c->ring.port, &st)) != 0 || st.status != EVTCHN_UNBOUND)
                break;
    }
    test_check(r == 0 && q == 0 && st.status == EVTCHN_UNBOUND, "denied_no_service",
               "a ring offered to d%u anyway: its port still unbound after %llu s (%s, status %u)", ROOT_DOMID,
               (unsigned long long)(DENIED_WAIT_NS / 1000000000ull), bt_errno(q), st.status);
    if (r == 0)
        (void)ring_close(&c->ring, BT_WAIT_NS);
}

/* Offered the service without the control capability: refused. */
static void nocontrol(struct bc_conn *c)
{
    struct bc_spec s = { 0 };
    struct build_response rsp;
    char why[160];
    size_t ksize = 0;
    const uint8_t *kernel = kernel_image(&ksize);
    long r = bc_connect(c, BT_WAIT_NS);

    if (!test_check(r == 0, "nocontrol_connect", "%s", bt_errno(r)) || !kernel ||
        bc_image_grant(&bt_kernel, c->builder, kernel, ksize) != 0 || bc_spec_new(&s, c->builder) != 0)
        return;
    bt_fill(s.spec, "bt-nocontrol");
    s.spec->ramdisk_size = 0;
    memset(s.spec->ramdisk_index, 0, sizeof(s.spec->ramdisk_index));
    if (bc_call(c, BUILD_OP_BUILD, s.ref, &rsp, why, sizeof(why)) != 0)
        test_check(false, "nocontrol_EPERM", "%s", why);
    else
        test_check(rsp.status == -XEN_EPERM && rsp.field == BUILD_FIELD_CLIENT && !rsp.domid, "nocontrol_EPERM",
                   "%s, field %u: %s", bt_errno(rsp.status), rsp.field, rsp.why);
    bc_spec_end(&s);
    bc_image_end(&bt_kernel);
    bc_disconnect(c);
}

/* The value of word key=VALUE on the command line, or def. */
static const char *arg(int argc, char **argv, const char *key, const char *def)
{
    size_t n = strlen(key);

    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
            return argv[i] + n + 1;
    return def;
}

int main(int argc, char **argv)
{
    static struct bc_conn c;
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    const char *mode = arg(argc, argv, "mode", "client");
    unsigned cycles = (unsigned)strtoul(arg(argc, argv, "cycles", "20"), NULL, 10);
    long r;

    if ((r = mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self))) != 0 || (r = gnttab_init(GRANT_FRAMES)) != 0 ||
        (r = xenbus_connect_own(&c.xb)) != 0) {
        test_check(false, "setup", "its id, grant table or store: %s", bt_errno(r));
        return 1;
    }
    c.self = self.domid;
    snprintf(c.dir, sizeof(c.dir), "/local/domain/%u/builder", c.self);
    printf("buildtest: d%u, mode %s\n", c.self, mode);
    if (!strcmp(mode, "client"))
        client(&c, cycles);
    else if (!strcmp(mode, "denied"))
        denied(&c);
    else if (!strcmp(mode, "nocontrol"))
        nocontrol(&c);
    else
        test_check(false, "mode", "unknown mode '%s'", mode);
    printf("buildtest: %u checks, %u failed\n", test_checks(), test_failures());
    printf("buildtest: done\n");
    return test_failures() ? 1 : 0;
}
