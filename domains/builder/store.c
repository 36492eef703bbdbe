/* SPDX-License-Identifier: MIT */
/*
 * XenStore set-up for built domains (store.h): the builder's own ring to
 * the store, then per domain the reserved grant, the port, the HVM params
 * and XS_INTRODUCE. Nothing here parses what the store sends back beyond
 * the xenbus client's own checks.
 */
#include <stdio.h>
#include <string.h>

#include "idl/xenstore.h"
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/hvm.h"
#include "mosaic/mgmt.h"
#include "mosaic/xenbus.h"
#include "store.h"

static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static struct xenbus xb;
static uint16_t store_domid;
static evtchn_port_t ring_port;
static int started;
static char release_perms[160]; /* @releaseDomain's permissions: "n<builder>", then "r<domid>" each */
static size_t release_len;

long store_service_args(uint16_t xs_domid, char *args, size_t cap)
{
    struct mgmt_domain_info self = { .domid = MGMT_DOMID_SELF };
    grant_ref_t ref;
    long r;

    if ((r = mgmt_call(MGMT_DOMAIN_INFO, &self, sizeof(self))) != 0 || (r = gnttab_init(1)) != 0)
        return r;
    memset(ring_page, 0, sizeof(ring_page));
    if ((r = gnttab_grant_access(xs_domid, ring_page, false, &ref)) != 0)
        return r;
    if ((r = evtchn_alloc_unbound(xs_domid, &ring_port)) != 0) {
        (void)gnttab_end_access(ref);
        return r;
    }
    store_domid = xs_domid;
    release_len = (size_t)snprintf(release_perms, sizeof(release_perms), "n%u", self.domid) + 1;
    snprintf(args, cap, " priv=%u:%u:%u", self.domid, ref, ring_port);
    return 0;
}

void store_service_started(void)
{
    xenbus_connect(&xb, ring_page, ring_port);
    started = 1;
}

int store_active(void)
{
    return started;
}

long store_prepare(uint16_t domid)
{
    evtchn_port_t port;
    long r;

    if ((r = mgmt_gnttab_seed(domid, STORE_REF, store_domid, STORE_GFN, false)) != 0)
        return r;
    if ((r = evtchn_alloc_unbound_in(domid, store_domid, &port)) != 0)
        return r;
    if ((r = hvm_param_set(domid, HVM_PARAM_STORE_PFN, STORE_GFN)) != 0)
        return r;
    return hvm_param_set(domid, HVM_PARAM_STORE_EVTCHN, port);
}

long store_introduce(uint16_t domid, const char *name)
{
    char msg[48], home[40], perms[16];
    uint64_t port = 0;
    int n;
    long r;

    if ((r = hvm_param_get(domid, HVM_PARAM_STORE_EVTCHN, &port)) != 0)
        return r;
    /* "domid\0gfn\0port\0", as Xen's XS_INTRODUCE. */
    n = snprintf(msg, sizeof(msg), "%u", domid) + 1;
    n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%u", STORE_GFN) + 1;
    n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%llu", (unsigned long long)port) + 1;
    if ((r = xenbus_request(&xb, XS_INTRODUCE, 0, msg, (uint32_t)n, NULL, 0, NULL)) != 0)
        return r;
    /* Its home, owned by it and closed to others, as Xen's toolstack
     * makes it (the store itself does not). */
    snprintf(home, sizeof(home), "/local/domain/%u", domid);
    n = snprintf(perms, sizeof(perms), "n%u", domid) + 1;
    if ((r = xenbus_mkdir(&xb, 0, home)) != 0 || (r = xenbus_set_perms(&xb, 0, home, perms, (size_t)n)) != 0)
        return r;
    snprintf(msg, sizeof(msg), "%s/name", home);
    return xenbus_write(&xb, 0, msg, name);
}

long store_allow_release_watch(uint16_t domid)
{
    int n = snprintf(release_perms + release_len, sizeof(release_perms) - release_len, "r%u", domid);

    if (n < 0 || (size_t)n + 1 > sizeof(release_perms) - release_len)
        return -28; /* ENOSPC: no room for more watchers */
    release_len += (size_t)n + 1;
    return xenbus_set_perms(&xb, 0, "@releaseDomain", release_perms, release_len);
}
