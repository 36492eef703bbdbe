/* SPDX-License-Identifier: MIT */
/*
 * The builder, Mosaic's root domain: reads the boot manifest module and
 * builds every domain it names from the other boot modules through the
 * core's management hypercall (create, populate, copy the image in, write
 * a PVH start_info, set the entry, schedule, unpause). A domain that
 * cannot be built is named with the reason and skipped; the others go on.
 * A domain marked "service = xenstore" is built first; every other
 * domain then gets a store ring and is introduced to it (store.c).
 * When it is done it lets go: it shuts itself down.
 */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "idl/mgmt.h"
#include "image.h"
#include "manifest.h"
#include "mosaic/hypercall.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/start_info.h"
#include "mosaic/time.h"
#include "store.h"

#define START_INFO_GPA 0x1000u
#define CMDLINE_GPA    0x2000u

static long mgmt(uint32_t cmd, void *arg, size_t size)
{
    return mgmt_call(cmd, arg, size);
}

/* Xen's errno values (not newlib's, which differ for some). */
static const char *errname(long r)
{
    switch (-r) {
    case 0: return "ok";
    case 1: return "EPERM (capability missing)";
    case 3: return "ESRCH (no such domain)";
    case 12: return "ENOMEM (out of memory or quota)";
    case 14: return "EFAULT (bad address)";
    case 16: return "EBUSY (wrong domain state)";
    case 17: return "EEXIST (already there)";
    case 22: return "EINVAL (invalid argument)";
    case 28: return "ENOSPC (no free domain slot)";
    case 38: return "ENOSYS (not implemented)";
    case 75: return "EOVERFLOW (range out of bounds)";
    default: return "error";
    }
}

/* The module whose string's first word ends in "/name" or is "name". */
static const struct runtime_module *find_module(const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < runtime_module_count(); i++) {
        const char *s = runtime_module(i)->cmdline;
        size_t len = strcspn(s, " ");
        if (len >= n && !strncmp(s + len - n, name, n) && (len == n || s[len - n - 1] == '/'))
            return runtime_module(i);
    }
    return NULL;
}

static long write_start_info(uint16_t domid, const struct manifest_domain *md, const char *cmdline)
{
    struct {
        struct hvm_start_info si;
        struct hvm_memmap_table_entry map[1];
    } b;
    struct mgmt_domain_copy c = { .domid = domid };
    long r;

    memset(&b, 0, sizeof(b));
    b.si.magic = XEN_HVM_START_MAGIC_VALUE;
    b.si.version = 1;
    b.si.cmdline_paddr = CMDLINE_GPA;
    b.si.memmap_paddr = START_INFO_GPA + sizeof(b.si);
    b.si.memmap_entries = 1;
    b.map[0].addr = 0;
    b.map[0].size = md->memory_mib << 20;
    b.map[0].type = XEN_HVM_MEMMAP_TYPE_RAM;
    c.dst_gpa = START_INFO_GPA;
    c.src = (uint64_t)(uintptr_t)&b;
    c.len = sizeof(b);
    if ((r = mgmt(MGMT_DOMAIN_COPY, &c, sizeof(c))) != 0)
        return r;
    c.dst_gpa = CMDLINE_GPA;
    c.src = (uint64_t)(uintptr_t)cmdline;
    c.len = strlen(cmdline) + 1;
    return mgmt(MGMT_DOMAIN_COPY, &c, sizeof(c));
}

static long load_image(uint16_t domid, const struct image *img, const uint8_t *data)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        struct mgmt_domain_copy c = { .domid = domid };
        long r;
        c.dst_gpa = img->seg[i].paddr;
        c.src = (uint64_t)(uintptr_t)(data + img->seg[i].offset);
        c.len = img->seg[i].filesz;
        if (c.len && (r = mgmt(MGMT_DOMAIN_COPY, &c, sizeof(c))) != 0)
            return r;
    }
    return 0;
}

/* The command line and store ring of a new domain: xenstored learns of
 * the builder's ring; every other domain gets its own ring while a store
 * runs. */
static long setup_store_ring(uint16_t domid, const struct manifest_domain *md, char *cmdline, size_t cap)
{
    snprintf(cmdline, cap, "%s", md->cmdline);
    if (md->service == SERVICE_XENSTORE)
        return store_service_args(domid, cmdline + strlen(cmdline), cap - strlen(cmdline));
    return store_active() ? store_prepare(domid) : 0;
}

/* Every step after creation; on failure the caller destroys the domain. */
static const char *build_steps(uint16_t domid, const struct manifest_domain *md, const struct image *img,
                               const uint8_t *data, long *r)
{
    static char cmdline[MANIFEST_TEXT_MAX + 64];
    struct mgmt_domain_populate p = { .domid = domid, .gfn = 0, .nr_pages = md->memory_mib << 8 };
    struct mgmt_vcpu_set_pvh pvh = { .domid = domid, .vcpu = 0, .entry = img->pvh_entry, .start_info = START_INFO_GPA };
    struct mgmt_domain_sched s = { .domid = domid, .weight = (uint16_t)md->weight, .cap = md->cap };
    struct mgmt_domain_unpause u = { .domid = domid };
    struct mgmt_cap_grant g = { .domid = domid, .caps = md->caps };

    if ((*r = mgmt(MGMT_DOMAIN_POPULATE, &p, sizeof(p))) != 0)
        return "populate";
    if ((*r = load_image(domid, img, data)) != 0)
        return "copy image";
    if ((*r = setup_store_ring(domid, md, cmdline, sizeof(cmdline))) != 0)
        return md->service == SERVICE_XENSTORE ? "XenStore client ring" : "XenStore ring";
    if ((*r = write_start_info(domid, md, cmdline)) != 0)
        return "write start_info";
    if ((*r = mgmt(MGMT_VCPU_SET_PVH, &pvh, sizeof(pvh))) != 0)
        return "set entry";
    if ((*r = mgmt(MGMT_DOMAIN_SCHED, &s, sizeof(s))) != 0)
        return "scheduling parameters";
    if ((*r = console_prepare(domid, md)) != 0 || (*r = console_ioports(domid, md)) != 0)
        return "console ring or ioports";
    for (unsigned v = 0; v < md->vcpus; v++) {
        struct mgmt_vcpu_affinity a = { .domid = domid, .vcpu = v, .cpumask = manifest_vcpu_cpus(md, v) };
        if ((*r = mgmt(MGMT_VCPU_AFFINITY, &a, sizeof(a))) != 0)
            return "cpus";
    }
    /* Before it runs, so it never sees itself without them. A new domain
     * holds none, so "none" needs no call. */
    if (md->caps && (*r = mgmt(MGMT_CAP_GRANT, &g, sizeof(g))) != 0)
        return "caps";
    if (store_active() && md->service != SERVICE_XENSTORE && (*r = store_introduce(domid, md->name)) != 0)
        return "XenStore introduction";
    if (store_active() && md->service != SERVICE_XENSTORE &&
        ((*r = store_domain_nodes(domid, md->vcpus, md->memory_mib << 10)) != 0 ||
         (*r = console_introduce(domid)) != 0))
        return "XenStore nodes";
    if (store_active() && md->watch_release && (*r = store_allow_release_watch(domid)) != 0)
        return "watch_release";
    if ((*r = mgmt(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u))) != 0)
        return "unpause";
    if (md->service == SERVICE_XENSTORE)
        store_service_started();
    console_service_started(md);
    return NULL;
}

/* Builds md; returns its domain id, or -1 (with the reason printed). */
static int build_domain(const struct manifest_domain *md)
{
    const struct runtime_module *mod = find_module(md->image);
    char what[MANIFEST_NAME_MAX + MANIFEST_TEXT_MAX + 16];
    struct mgmt_domain_create c;
    struct mgmt_domain_destroy x;
    struct image img;
    const char *step;
    long r;

    if (!mod) {
        printf("builder: %s: no boot module named '%s'\n", md->name, md->image);
        return -1;
    }
    snprintf(what, sizeof(what), "%s: image '%s'", md->name, md->image); /* which domain, which image */
    if (image_parse(what, mod->data, mod->size, &img) != 0)
        return -1;
    if (img.paddr_end > md->memory_mib << 20) {
        printf("builder: %s: image '%s' needs %llu KiB of memory, the domain has %llu MiB\n", md->name, md->image,
               (unsigned long long)(img.paddr_end >> 10), (unsigned long long)md->memory_mib);
        return -1;
    }
    memset(&c, 0, sizeof(c));
    strncpy(c.name, md->name, sizeof(c.name) - 1);
    c.nr_vcpus = md->vcpus;
    c.max_pages = (md->memory_mib << 8) + console_extra_pages(md);
    if ((r = mgmt(MGMT_DOMAIN_CREATE, &c, sizeof(c))) != 0) {
        printf("builder: %s: create refused for %llu MiB, %u vCPU%s: %s\n", md->name,
               (unsigned long long)md->memory_mib, md->vcpus, md->vcpus == 1 ? "" : "s", errname(r));
        return -1;
    }
    step = build_steps(c.domid, md, &img, mod->data, &r);
    if (step) {
        printf("builder: %s: %s refused: %s\n", md->name, step, errname(r));
        x = (struct mgmt_domain_destroy){ .domid = c.domid };
        mgmt(MGMT_DOMAIN_DESTROY, &x, sizeof(x));
        return -1;
    }
    printf("builder: started d%u '%s' from %s: %llu MiB, %u vCPU%s\n", c.domid, md->name, md->image,
           (unsigned long long)md->memory_mib, md->vcpus, md->vcpus == 1 ? "" : "s");
    return c.domid;
}

#define RESTART_LIMIT   3
#define WATCH_PERIOD_NS (50 * TIME_NS_PER_MS)

struct watched {
    const struct manifest_domain *md;
    int domid; /* -1: no longer watched */
    unsigned restarts;
};

static void destroy(int domid)
{
    struct mgmt_domain_destroy x = { .domid = (uint16_t)domid };

    mgmt(MGMT_DOMAIN_DESTROY, &x, sizeof(x));
}

/* One look at a watched domain: act on its shutdown as on_crash says. */
static void check_domain(struct watched *w)
{
    struct mgmt_domain_info i = { .domid = (uint16_t)w->domid };

    if (mgmt(MGMT_DOMAIN_INFO, &i, sizeof(i)) != 0 || i.state != MGMT_STATE_SHUTDOWN)
        return;
    if (i.shutdown_reason != SHUTDOWN_crash) { /* it ended on purpose */
        destroy(w->domid);
        w->domid = -1;
        return;
    }
    if (w->md->on_crash == ON_CRASH_PRESERVE) {
        printf("builder: d%d '%s' crashed; preserved for inspection\n", w->domid, w->md->name);
        w->domid = -1;
        return;
    }
    destroy(w->domid);
    if (w->restarts == RESTART_LIMIT) {
        printf("builder: '%s' crashed %u times; giving up\n", w->md->name, w->restarts + 1);
        w->domid = -1;
        return;
    }
    w->restarts++;
    printf("builder: d%d '%s' crashed; restarting it (%u of %u)\n", w->domid, w->md->name, w->restarts, RESTART_LIMIT);
    w->domid = build_domain(w->md);
}

/* Stays the controller of domains that want on_crash handled, until
 * none is left to watch. */
static void supervise(struct watched *w, unsigned n)
{
    unsigned left = n;

    printf("builder: watching %u domain%s for crashes\n", n, n == 1 ? "" : "s");
    while (left) {
        runtime_sleep_ns(WATCH_PERIOD_NS);
        left = 0;
        for (unsigned i = 0; i < n; i++) {
            if (w[i].domid >= 0)
                check_domain(&w[i]);
            left += w[i].domid >= 0;
        }
    }
}

/* Builds the one domain of service kind (a second is refused); either
 * is left out of the build of the others that follows. */
static void build_service(struct manifest *m, unsigned kind, struct watched *watch, unsigned *nwatch, unsigned *started)
{
    for (unsigned i = 0, found = 0; i < m->count; i++) {
        struct manifest_domain *d = &m->dom[i];
        int domid;
        if (!d->valid || d->service != kind)
            continue;
        d->valid = false; /* not again below */
        if (found++) {
            printf("builder: %s: a second %s domain; not built\n", d->name,
                   kind == SERVICE_CONSOLE ? "console" : "XenStore");
            continue;
        }
        domid = build_domain(d);
        if (domid >= 0) {
            (*started)++;
            if (d->on_crash != ON_CRASH_DESTROY)
                watch[(*nwatch)++] = (struct watched){ d, domid, 0 };
        }
    }
}

int main(void)
{
    const struct runtime_module *mod = find_module("manifest");
    static struct manifest m;
    static struct watched watch[MANIFEST_MAX_DOMAINS];
    unsigned started = 0, nwatch = 0;

    printf("builder: started as the root domain, %zu boot module%s\n", runtime_module_count(),
           runtime_module_count() == 1 ? "" : "s");
    if (!mod) {
        printf("builder: no boot module named 'manifest': nothing to build\n");
        return 0;
    }
    manifest_parse(mod->data, mod->size, &m);
    /* The store first, so that every other domain can be introduced;
     * then the console domain, so that every other domain gets a console. */
    build_service(&m, SERVICE_XENSTORE, watch, &nwatch, &started);
    build_service(&m, SERVICE_CONSOLE, watch, &nwatch, &started);
    for (unsigned i = 0; i < m.count; i++) {
        int domid = m.dom[i].valid ? build_domain(&m.dom[i]) : -1;
        if (domid < 0)
            continue;
        started++;
        if (m.dom[i].on_crash != ON_CRASH_DESTROY)
            watch[nwatch++] = (struct watched){ &m.dom[i], domid, 0 };
    }
    printf("builder: %u of %u domains started, %u manifest error%s\n", started, m.count, m.errors,
           m.errors == 1 ? "" : "s");
    if (nwatch)
        supervise(watch, nwatch); /* others are let go: the core reaps them */
    return 0;
}
