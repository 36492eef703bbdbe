/* SPDX-License-Identifier: MIT */
/*
 * The build service from the control domain (build_domain.h).
 */
#include "build_domain.h"

#include <stdio.h>
#include <string.h>

#include "buildclient.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/xenbus_backend.h"

/* 32 frames of 512 refs: a kernel and a ramdisk at their largest (12,288
 * pages) with their index pages, the spec and the ring (idl/build.idl). */
#define GRANT_FRAMES 32
/* The builder offers the service when it starts control: long before a
 * client's first create, so a short wait tells "not offered". */
#define OFFER_WAIT_NS (3ull * 1000000000ull)

static struct {
    struct bc_conn conn;
    struct bc_spec spec;
    struct bc_image kernel, ramdisk;
    bool store, connected, ever; /* ever: a connection was made (and may have broken) */
} bd;

long build_domain_init(void)
{
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    long r;

    if ((r = mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self))) != 0)
        return r;
    bd.conn.self = self.domid;
    if ((r = gnttab_init(GRANT_FRAMES)) != 0 || (r = xenbus_connect_own(&bd.conn.xb)) != 0)
        return r;
    bd.store = true;
    return 0;
}

struct xenbus *build_domain_store(void)
{
    return bd.store ? &bd.conn.xb : NULL;
}

static long connect(struct build_response *rsp)
{
    long r;

    if (bd.connected)
        return 0;
    if (!bd.store) {
        snprintf(rsp->why, sizeof(rsp->why), "no XenStore or grant table: no build service");
        return -XEN_EPERM;
    }
    /* After a broken connection: Initialising again, and the builder offers anew. */
    if (bd.ever)
        (void)xenbus_node_write_uint(&bd.conn.xb, 0, bd.conn.dir, "state", XenbusStateInitialising);
    if ((r = bc_connect(&bd.conn, OFFER_WAIT_NS)) != 0) {
        snprintf(rsp->why, sizeof(rsp->why), "no build service offered (the manifest's build_service = yes): %s",
                 runtime_errno_name(-r));
        return -XEN_EPERM;
    }
    bd.connected = bd.ever = true;
    return 0;
}

long build_domain(void *ctx, const struct build_spec *spec, const uint8_t *kernel, uint64_t kernel_size,
                  const uint8_t *ramdisk, uint64_t ramdisk_size, struct build_response *rsp)
{
    long r;

    (void)ctx;
    if ((r = connect(rsp)) != 0)
        return r;
    if ((r = bc_spec_new(&bd.spec, bd.conn.builder)) != 0 ||
        (r = bc_image_grant(&bd.kernel, bd.conn.builder, kernel, kernel_size)) != 0 ||
        (ramdisk && (r = bc_image_grant(&bd.ramdisk, bd.conn.builder, ramdisk, ramdisk_size)) != 0)) {
        bc_image_end(&bd.kernel);
        bc_spec_end(&bd.spec);
        snprintf(rsp->why, sizeof(rsp->why), "the images could not be granted: %s", runtime_errno_name(-r));
        return -XEN_ENOSPC;
    }
    memcpy(bd.spec.spec, spec, sizeof(*spec));
    bc_spec_images(bd.spec.spec, &bd.kernel, ramdisk ? &bd.ramdisk : NULL);
    if (bc_call(&bd.conn, BUILD_OP_BUILD, bd.spec.ref, rsp, rsp->why, sizeof(rsp->why)) != 0) {
        /* No answer, or a broken ring: connect again next time. */
        bc_disconnect(&bd.conn);
        bd.connected = false;
        r = -XEN_EIO;
    }
    bc_image_end(&bd.ramdisk);
    bc_image_end(&bd.kernel);
    bc_spec_end(&bd.spec);
    return r;
}

long build_domain_device(void *ctx, uint32_t op, const struct build_device *dev, struct build_response *rsp)
{
    long r;

    (void)ctx;
    if ((r = connect(rsp)) != 0)
        return r;
    if ((r = bc_spec_new(&bd.spec, bd.conn.builder)) != 0) {
        snprintf(rsp->why, sizeof(rsp->why), "the device page could not be granted: %s", runtime_errno_name(-r));
        return -XEN_ENOSPC;
    }
    /* The page holds the device alone: every other byte zero. */
    memset(bd.spec.spec, 0, BC_PAGE);
    memcpy(bd.spec.spec, dev, sizeof(*dev));
    if (bc_call(&bd.conn, op, bd.spec.ref, rsp, rsp->why, sizeof(rsp->why)) != 0) {
        bc_disconnect(&bd.conn);
        bd.connected = false;
        r = -XEN_EIO;
    }
    bc_spec_end(&bd.spec);
    return r;
}
