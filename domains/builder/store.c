/* SPDX-License-Identifier: MIT */
/*
 * XenStore set-up for built domains (store.h): the builder's own ring to
 * the store, then per domain the reserved grant, the port, the HVM params
 * and XS_INTRODUCE. Nothing here parses what the store sends back beyond
 * the xenbus client's own checks.
 */
#include <stdbool.h>
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
static uint16_t self_domid;
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
    self_domid = self.domid;
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

/* Xen's permission list "<mode><owner>\0<mode><other>\0" into buf: its length. */
static size_t two_perms(char *buf, size_t cap, char owner_mode, uint16_t owner, char other_mode, uint16_t other)
{
    int n = snprintf(buf, cap, "%c%u", owner_mode, owner) + 1;

    return (size_t)n + (size_t)snprintf(buf + n, cap - (size_t)n, "%c%u", other_mode, other) + 1;
}

long store_grant_controller(uint16_t domid, uint16_t ctl)
{
    /* Each node: its owner, and what the other of the two may do. */
    static const struct {
        const char *node;
        bool ctl_owns;
        char other;
    } nodes[] = {
        { "control/shutdown", false, 'b' },       { "control/feature-poweroff", false, 'r' },
        { "control/feature-reboot", false, 'r' }, { "memory/target", true, 'r' },
        { "memory/static-max", true, 'r' },
    };
    char path[64], perms[32];
    long r = 0;

    if (!started)
        return 0;
    for (unsigned i = 0; i < sizeof(nodes) / sizeof(nodes[0]) && r == 0; i++) {
        size_t n = nodes[i].ctl_owns ? two_perms(perms, sizeof(perms), 'n', ctl, nodes[i].other, domid)
                                     : two_perms(perms, sizeof(perms), 'n', domid, nodes[i].other, ctl);
        snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, nodes[i].node);
        r = xenbus_set_perms(&xb, 0, path, perms, n);
    }
    return r;
}

struct xenbus *store_xenbus(void)
{
    return started ? &xb : NULL;
}

/* Each of n paths (under base) made, with the value given or empty. */
static long write_nodes(const char *base, const char *const kv[][2], unsigned n)
{
    char path[96];
    long r = 0;

    for (unsigned i = 0; i < n && r == 0; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, kv[i][0]);
        r = xenbus_write(&xb, 0, path, kv[i][1]);
    }
    return r;
}

/*
 * What libxl writes for every domU (libxl__domain_make, the build's
 * memory and vCPU nodes) and Linux's xenbus reads or writes at start:
 * its id, its /vm path (with no UUIDs, one made from the id), the
 * directories backends and the guest write under, the control nodes
 * (Linux writes its feature-* answers there and watches shutdown and
 * sysrq), the platform features, memory in KiB (its target, what it
 * starts with, and its static-max, what it may balloon up to) and each
 * vCPU online.
 * Created by the builder under the domain's home, so the domain owns
 * them as it owns its home; /vm/<uuid> is the builder's, readable by it.
 */
long store_domain_nodes(uint16_t domid, unsigned vcpus, uint64_t target_kib, uint64_t max_kib)
{
    static const char *const dirs[][2] = {
        { "device", "" },
        { "data", "" },
        { "drivers", "" },
        { "feature", "" },
        { "attr", "" },
        { "error", "" },
        { "control/shutdown", "" },
        { "control/sysrq", "" },
        { "control/feature-poweroff", "" },
        { "control/feature-reboot", "" },
        { "control/feature-suspend", "" },
        { "control/platform-feature-multiprocessor-suspend", "1" },
        { "control/platform-feature-xs_reset_watches", "1" },
    };
    char home[32], id[8], target[24], max[24], vm[64], port_s[24], ref_s[16], perms[16];
    const char *const facts[][2] = { { "domid", id },
                                     { "vm", vm },
                                     { "memory/static-max", max },
                                     { "memory/target", target },
                                     { "store/port", port_s },
                                     { "store/ring-ref", ref_s } };
    uint64_t port = 0;
    long r;
    int n;

    snprintf(home, sizeof(home), "/local/domain/%u", domid);
    snprintf(id, sizeof(id), "%u", domid);
    snprintf(target, sizeof(target), "%llu", (unsigned long long)target_kib);
    snprintf(max, sizeof(max), "%llu", (unsigned long long)max_kib);
    snprintf(vm, sizeof(vm), "/vm/00000000-0000-0000-0000-%012x", domid);
    snprintf(ref_s, sizeof(ref_s), "%u", STORE_GFN);
    if ((r = hvm_param_get(domid, HVM_PARAM_STORE_EVTCHN, &port)) != 0)
        return r;
    snprintf(port_s, sizeof(port_s), "%llu", (unsigned long long)port);
    if ((r = write_nodes(home, dirs, sizeof(dirs) / sizeof(dirs[0]))) != 0 ||
        (r = write_nodes(home, facts, sizeof(facts) / sizeof(facts[0]))) != 0)
        return r;
    for (unsigned v = 0; v < vcpus && r == 0; v++) {
        char path[64];
        snprintf(path, sizeof(path), "%s/cpu/%u/availability", home, v);
        r = xenbus_write(&xb, 0, path, "online");
    }
    if (r || (r = xenbus_mkdir(&xb, 0, vm)) != 0)
        return r;
    n = snprintf(perms, sizeof(perms), "n%u", self_domid) + 1;
    n += snprintf(perms + n, sizeof(perms) - (size_t)n, "r%u", domid) + 1;
    if ((r = xenbus_set_perms(&xb, 0, vm, perms, (size_t)n)) != 0)
        return r;
    {
        char uuid[40];
        const char *const vmkv[][2] = { { "uuid", uuid }, { "domid", id } };
        snprintf(uuid, sizeof(uuid), "%s", vm + 4);
        return write_nodes(vm, vmkv, 2);
    }
}
