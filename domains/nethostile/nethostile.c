/* SPDX-License-Identifier: MIT */
/*
 * nethostile's start: the XenStore client, the grant table, the two vifs
 * the toolstack gave this domain, then the cases (cases.c). Every check
 * prints one TEST line; the domain exits 0 when all passed.
 */
#include <stdio.h>

#include "mosaic/test.h"
#include "nethostile.h"

static struct xenbus xb;

struct xenbus *neth_xenbus(void)
{
    return &xb;
}

int main(int argc, char **argv)
{
    static struct neth_vif vif[NETH_MAX_VIFS];
    unsigned n, up = 0;
    long r;

    (void)argc;
    (void)argv;
    r = xenbus_connect_own(&xb);
    if (!test_check(r == 0, "net-hostile-store", "XenStore ring from the HVM params: %ld", r))
        return 1;
    r = gnttab_init(1);
    if (!test_check(r == 0, "net-hostile-gnttab", "one table frame: %ld", r))
        return 1;
    n = neth_vif_find(vif, NETH_MAX_VIFS, NETH_CONNECT_NS);
    if (!test_check(n == NETH_MAX_VIFS, "net-hostile-vifs", "%u vif(s) under device/vif", n))
        return 1;
    for (unsigned i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof(name), "net-hostile-connect-%u", vif[i].handle);
        r = neth_vif_connect(&vif[i]);
        up += test_check(r == 0, name, "back end d%u at %s: %ld", vif[i].backend_id, vif[i].back, r);
    }
    if (up == n)
        neth_cases_run(&vif[0], &vif[1]);
    for (unsigned i = 0; i < n; i++)
        neth_vif_disconnect(&vif[i]);
    printf("nethostile: done, %u failed\n", test_failures());
    return test_failures() ? 1 : 0;
}
