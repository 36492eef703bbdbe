/* SPDX-License-Identifier: MIT */
/*
 * blkhostile's start: the XenStore client, the grant table, the vbds the
 * toolstack gave this domain (a writable one, and a read-only one when
 * given), then the cases (cases.c). Every check prints one TEST line;
 * the domain exits 0 when all passed.
 */
#include <stdio.h>
#include <string.h>

#include "blkhostile.h"
#include "mosaic/test.h"

static struct xenbus xb;

struct xenbus *blkh_xenbus(void)
{
    return &xb;
}

int main(int argc, char **argv)
{
    static struct blkh_vbd vbd[BLKH_MAX_VBDS];
    struct blkh_vbd *rw = NULL, *ro = NULL;
    unsigned n;
    long r;

    (void)argc;
    (void)argv;
    r = xenbus_connect_own(&xb);
    if (!test_check(r == 0, "blk-hostile-store", "XenStore ring from the HVM params: %ld", r))
        return 1;
    r = gnttab_init(1);
    if (!test_check(r == 0, "blk-hostile-gnttab", "one table frame: %ld", r))
        return 1;
    n = blkh_vbd_find(vbd, BLKH_MAX_VBDS, BLKH_CONNECT_NS);
    if (!test_check(n > 0, "blk-hostile-vbds", "%u vbd(s) under device/vbd", n))
        return 1;
    for (unsigned i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof(name), "blk-hostile-connect-%u", vbd[i].devid);
        r = blkh_vbd_connect(&vbd[i]);
        if (!test_check(r == 0, name, "back end d%u at %s: %ld", vbd[i].backend_id, vbd[i].back, r))
            continue;
        if (vbd[i].read_only && !ro)
            ro = &vbd[i];
        else if (!vbd[i].read_only && !rw)
            rw = &vbd[i];
    }
    if (test_check(rw != NULL, "blk-hostile-writable-disk", "vbd %u", rw ? rw->devid : 0u))
        blkh_cases_run(rw, ro);
    for (unsigned i = 0; i < n; i++)
        blkh_vbd_disconnect(&vbd[i]);
    printf("blkhostile: done, %u failed\n", test_failures());
    return test_failures() ? 1 : 0;
}
