/* SPDX-License-Identifier: MIT */
/*
 * Consoles of built domains (console.h): the page, grant, port and params
 * of each console ring, and the XenStore nodes through which the console
 * domain finds them, as libxl writes them for xenconsoled. The console
 * domain is not privileged in the store: the builder gives it read access
 * to exactly the nodes it needs (the front end's console directory and
 * name) and the domain read access to its back-end entry, as libxl does.
 */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "idl/gnttab.h"
#include "idl/xen.h"
#include "mosaic/evtchn.h"
#include "mosaic/hvm.h"
#include "mosaic/mgmt.h"
#include "mosaic/xenbus.h"
#include "store.h"

/* libxl's LIBXL_XENCONSOLE_LIMIT: bytes of output xenconsoled keeps. */
#define CONSOLE_LIMIT "1048576"

static int console_domid = -1; /* the console domain, once built */
static int console_running;

uint64_t console_extra_pages(const struct manifest_domain *md)
{
    return console_running && md->service == SERVICE_NONE ? 1 : 0;
}

long console_ioports(uint16_t domid, const struct manifest_domain *md)
{
    for (unsigned i = 0; i < md->nr_ioports; i++) {
        struct mgmt_ioport_permit p = { domid, md->ioports[i].first, md->ioports[i].nr };
        long r = mgmt_call(MGMT_IOPORT_PERMIT, &p, sizeof(p));
        if (r)
            return r;
    }
    return 0;
}

long console_prepare(uint16_t domid, const struct manifest_domain *md)
{
    struct mgmt_domain_populate p = { .domid = domid, .gfn = CONSOLE_GFN, .nr_pages = 1 };
    evtchn_port_t port;
    long r;

    if (md->service == SERVICE_CONSOLE) {
        console_domid = domid;
        return store_active() ? store_allow_release_watch(domid) : 0;
    }
    if (!console_running || md->service != SERVICE_NONE)
        return 0;
    if ((r = mgmt_call(MGMT_DOMAIN_POPULATE, &p, sizeof(p))) != 0)
        return r;
    if ((r = mgmt_gnttab_seed(domid, GNTTAB_RESERVED_CONSOLE, (uint16_t)console_domid, CONSOLE_GFN, false)) != 0)
        return r;
    if ((r = evtchn_alloc_unbound_in(domid, (uint16_t)console_domid, &port)) != 0)
        return r;
    if ((r = hvm_param_set(domid, HVM_PARAM_CONSOLE_PFN, CONSOLE_GFN)) != 0)
        return r;
    return hvm_param_set(domid, HVM_PARAM_CONSOLE_EVTCHN, port);
}

void console_service_started(const struct manifest_domain *md)
{
    if (md->service == SERVICE_CONSOLE && console_domid >= 0)
        console_running = 1;
}

/* path = value for each pair, under base. */
static long write_all(struct xenbus *xb, const char *base, const char *const kv[][2], unsigned n)
{
    char path[96];
    long r = 0;

    for (unsigned i = 0; i < n && r == 0; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, kv[i][0]);
        r = xenbus_write(xb, 0, path, kv[i][1]);
    }
    return r;
}

/* Two permission entries, Xen's form: owner (n), then one reader (r). */
static long perms2(struct xenbus *xb, const char *path, unsigned owner, unsigned reader)
{
    char p[24];
    int n = snprintf(p, sizeof(p), "n%u", owner) + 1;

    n += snprintf(p + n, sizeof(p) - (size_t)n, "r%u", reader) + 1;
    return xenbus_set_perms(xb, 0, path, p, (size_t)n);
}

/* The front end's nodes (as libxl writes them for a domain's first
 * console), readable by the console domain, and its name likewise. */
static long write_front(struct xenbus *xb, uint16_t domid, const char *front, const char *back, uint64_t port)
{
    char port_s[24], ref_s[16], backid[8], name[48];
    const char *const fe[][2] = { { "backend", back },       { "backend-id", backid }, { "limit", CONSOLE_LIMIT },
                                  { "type", "xenconsoled" }, { "output", "pty" },      { "port", port_s },
                                  { "ring-ref", ref_s } };
    long r;

    snprintf(port_s, sizeof(port_s), "%llu", (unsigned long long)port);
    snprintf(ref_s, sizeof(ref_s), "%u", CONSOLE_GFN); /* libxl writes the frame for HVM and PVH */
    snprintf(backid, sizeof(backid), "%d", console_domid);
    snprintf(name, sizeof(name), "/local/domain/%u/name", domid);
    if ((r = xenbus_mkdir(xb, 0, front)) != 0 || (r = perms2(xb, front, domid, (unsigned)console_domid)) != 0 ||
        (r = write_all(xb, front, fe, sizeof(fe) / sizeof(fe[0]))) != 0)
        return r;
    return perms2(xb, name, domid, (unsigned)console_domid);
}

long console_introduce(uint16_t domid)
{
    struct xenbus *xb = store_xenbus();
    char front[48], dir[80], back[88], frontid[8];
    const char *const be[][2] = { { "frontend", front },
                                  { "frontend-id", frontid },
                                  { "state", "1" },
                                  { "protocol", "x86_64-abi" },
                                  { "online", "1" } };
    uint64_t port = 0;
    long r;

    if (!console_running || !xb || hvm_param_get(domid, HVM_PARAM_CONSOLE_EVTCHN, &port) != 0 || !port)
        return 0; /* not given a console (a service domain) */
    snprintf(front, sizeof(front), "/local/domain/%u/console", domid);
    snprintf(dir, sizeof(dir), "/local/domain/%d/backend/console/%u", console_domid, domid);
    snprintf(back, sizeof(back), "%s/0", dir);
    snprintf(frontid, sizeof(frontid), "%u", domid);
    /* The front end first; the back end last, "online" its last node: the
     * console domain watches its back-end directory and takes an entry
     * once "online" is there. The domain may read its back end. */
    if ((r = write_front(xb, domid, front, back, port)) != 0 || (r = xenbus_mkdir(xb, 0, dir)) != 0 ||
        (r = perms2(xb, dir, (unsigned)console_domid, domid)) != 0)
        return r;
    return write_all(xb, back, be, sizeof(be) / sizeof(be[0]));
}

/*
 * The console channel (idl/consctl.idl) offered to a toolstack domain:
 * the front end's directory (owned by it, readable by the console
 * domain) naming the back end, then the back end's entry (owned by the
 * console domain, readable by the client), "online" its last node.
 */
long console_offer_client(uint16_t domid)
{
    struct xenbus *xb = store_xenbus();
    char front[48], dir[80], back[96], frontid[8], backid[8];
    const char *const fe[][2] = { { "backend-id", backid }, { "backend", back } };
    const char *const be[][2] = { { "frontend", front }, { "frontend-id", frontid }, { "online", "1" } };
    long r;

    if (!console_running || !xb)
        return 0; /* no console domain to offer */
    snprintf(front, sizeof(front), "/local/domain/%u/consctl", domid);
    snprintf(dir, sizeof(dir), "/local/domain/%d/backend/consctl", console_domid);
    snprintf(back, sizeof(back), "%s/%u", dir, domid);
    snprintf(frontid, sizeof(frontid), "%u", domid);
    snprintf(backid, sizeof(backid), "%d", console_domid);
    if ((r = xenbus_mkdir(xb, 0, front)) != 0 || (r = perms2(xb, front, domid, (unsigned)console_domid)) != 0 ||
        (r = write_all(xb, front, fe, sizeof(fe) / sizeof(fe[0]))) != 0)
        return r;
    if ((r = xenbus_mkdir(xb, 0, back)) != 0 || (r = perms2(xb, back, (unsigned)console_domid, domid)) != 0)
        return r;
    return write_all(xb, back, be, sizeof(be) / sizeof(be[0]));
}
