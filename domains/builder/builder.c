/* SPDX-License-Identifier: MIT */
/*
 * The builder, Mosaic's root domain: reads the boot manifest module and
 * builds every domain it names from the other boot modules (construct.c:
 * create, populate, copy the image in, write a PVH start_info, set the
 * entry, schedule, unpause). A domain that cannot be built is named with
 * the reason and skipped; the others go on. A domain marked "service =
 * xenstore" is built first; every other domain then gets a store ring
 * and is introduced to it (store.c). Domains whose section says
 * "build_service = yes" are offered the build service (service.c): they
 * may ask for domains built from images they upload, which are handed to
 * them. A domain whose section says "handover = NAME" is handed, once it
 * runs, to the domain of that section (a toolstack such as the control
 * domain), which acts on its shutdown from then on. The builder then
 * watches the domains that need it, serves its clients, and when nothing
 * is left it lets go: it shuts itself down. The domains a dead controller
 * held come to the builder (the core hands them on); when it restarts
 * that controller's section, the new instance gets them back (adopt.c).
 */
#include <stdio.h>
#include <string.h>

#include "adopt.h"
#include "construct.h"
#include "devnodes.h"
#include "entropy.h"
#include "idl/mgmt.h"
#include "manifest.h"
#include "mosaic/evtchn.h"
#include "mosaic/hypercall.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"
#include "service.h"
#include "store.h"

static long mgmt(uint32_t cmd, void *arg, size_t size)
{
    return mgmt_call(cmd, arg, size);
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

static struct manifest manifest;
static int running[MANIFEST_MAX_DOMAINS]; /* each section's domain id while it is built, else -1 */

static void set_running(const struct manifest_domain *md, int domid)
{
    running[md - manifest.dom] = domid;
}

/* The domain id of the section named name, or -1 when it is not running. */
static int running_domid(const char *name)
{
    for (unsigned i = 0; i < manifest.count; i++)
        if (!strcmp(manifest.dom[i].name, name))
            return running[i];
    return -1;
}

static void detach_devices(uint16_t domid, const struct manifest_domain *md, uint64_t wait_ns)
{
    construct_detach_devices(domid, md, wait_ns);
}

/* A boot module as a domain's ramdisk (construct_source.ramdisk_copy). */
static long copy_module(void *ctx, uint16_t domid, uint64_t gpa, struct construct_failure *f)
{
    const struct runtime_module *mod = ctx;

    (void)f; /* a boot module cannot be at fault once found */
    return construct_copy(domid, gpa, mod->data, mod->size);
}

/* Builds md from its boot modules; returns its domain id, or -1 (with the
 * reason printed). */
static int build_domain(const struct manifest_domain *md)
{
    const struct runtime_module *mod = find_module(md->image), *ramdisk = NULL;
    static char cmdline[2 * MANIFEST_TEXT_MAX];
    struct construct_source src;
    struct construct_failure f;
    int domid;

    if (!mod) {
        printf("builder: %s: no boot module named '%s'\n", md->name, md->image);
        return -1;
    }
    if (md->ramdisk[0] && !(ramdisk = find_module(md->ramdisk))) {
        printf("builder: %s: no boot module named '%s' (ramdisk)\n", md->name, md->ramdisk);
        return -1;
    }
    manifest_kernel_cmdline(md, cmdline, sizeof(cmdline));
    src = (struct construct_source){ .kernel_name = md->image,
                                     .kernel = mod->data,
                                     .kernel_size = mod->size,
                                     .ramdisk_size = ramdisk ? ramdisk->size : 0,
                                     .ramdisk_copy = copy_module,
                                     .ramdisk_ctx = (void *)ramdisk,
                                     .cmdline = cmdline };
    domid = construct_domain(md, &src, &f);
    if (domid < 0)
        return -1;
    set_running(md, domid);
    if (md->build_service)
        service_offer((uint16_t)domid, md->name);
    return domid;
}

#define RESTART_LIMIT   3                       /* crashes before the builder gives up */
#define WATCH_PERIOD_NS (1000 * TIME_NS_PER_MS) /* a look even with no event */

struct watched {
    const struct manifest_domain *md;
    int domid; /* -1: no longer watched */
    unsigned crashes;
};

#define REAP_WAIT_NS (5000 * TIME_NS_PER_MS) /* how long a destroyed domain may take to go */

static struct watched *watching; /* supervise's table, nwatching entries */
static unsigned nwatching;

static long adopt_mgmt(void *ctx, uint32_t cmd, void *arg, size_t size)
{
    (void)ctx;
    return mgmt(cmd, arg, size);
}

static void adopt_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

/* A domain handed back gets its new controller's XenStore nodes, as at
 * any handover (store_grant_controller). */
static long adopt_handed(void *ctx, uint16_t domid, uint16_t to)
{
    (void)ctx;
    return store_grant_controller(domid, to);
}

static const struct adopt_env adopt_env = { adopt_mgmt, adopt_log, NULL, adopt_handed };
static struct adopt adopted; /* what dead instances held, for their sections' next ones */

/* Whether domid is one the builder watches (adopt_from's test of its own). */
static bool watched_id(void *arg, uint16_t domid)
{
    (void)arg;
    for (unsigned i = 0; i < nwatching; i++)
        if (watching[i].domid == domid)
            return true;
    return false;
}

/* Destroys domid and, as xl destroy does, waits until it is gone (5 s at
 * most): the domains it controlled have then been handed to the builder. */
static void destroy(int domid)
{
    struct mgmt_domain_destroy x = { .domid = (uint16_t)domid };
    uint64_t until = runtime_time_ns() + REAP_WAIT_NS;

    if (mgmt(MGMT_DOMAIN_DESTROY, &x, sizeof(x)) != 0)
        return;
    for (;;) {
        struct mgmt_domain_info i = { .domid = (uint16_t)domid };
        if (mgmt(MGMT_DOMAIN_INFO, &i, sizeof(i)) != 0)
            return;
        if (runtime_time_ns() > until) {
            printf("builder: d%d is still there %llu s after it was destroyed\n", domid,
                   (unsigned long long)(REAP_WAIT_NS / TIME_NS_PER_S));
            return;
        }
        runtime_sleep_ns(10 * TIME_NS_PER_MS);
    }
}

/* What the manifest says to do for a shutdown reason, and how to say it.
 * Nothing here saves a suspended domain or resets one in place yet: those
 * are left shut down, as preserve. */
static enum manifest_action action_for(const struct manifest_domain *md, uint32_t reason, const char **what)
{
    switch (reason) {
    case SHUTDOWN_poweroff: *what = "powered off"; return md->on_poweroff;
    case SHUTDOWN_reboot: *what = "rebooted"; return md->on_reboot;
    case SHUTDOWN_crash:
    case SHUTDOWN_watchdog: *what = "crashed"; return md->on_crash;
    default: *what = "suspended or asked for a soft reset"; return ACTION_PRESERVE;
    }
}

/* One look at a watched domain: act on its shutdown as the manifest says
 * (xl's on_poweroff, on_reboot, on_crash). A restart builds it again from
 * the same image under a new id, as xl does. */
static void check_domain(struct watched *w)
{
    struct mgmt_domain_info i = { .domid = (uint16_t)w->domid };
    const char *what;
    enum manifest_action act;
    bool crash;

    if (mgmt(MGMT_DOMAIN_INFO, &i, sizeof(i)) != 0) {
        service_forget((uint16_t)w->domid);
        detach_devices((uint16_t)w->domid, w->md, DEVNODES_CLOSE_WAIT_NS);
        set_running(w->md, -1);
        w->domid = -1; /* gone: someone else destroyed it; no restart */
        (void)adopt_from(&adopted, w->md, w->md->name, watched_id, NULL);
        adopt_forget(&adopted, w->md, w->md->name);
        return;
    }
    if (i.state != MGMT_STATE_SHUTDOWN)
        return;
    act = action_for(w->md, i.shutdown_reason, &what);
    crash = i.shutdown_reason == SHUTDOWN_crash || i.shutdown_reason == SHUTDOWN_watchdog;
    if (act == ACTION_PRESERVE) {
        printf("builder: d%d '%s' %s; preserved for inspection\n", w->domid, w->md->name, what);
        w->domid = -1;
        return;
    }
    /* libxl's order: its devices go while the domain still exists. Its
     * build service ring (if a client) is let go first, so that nothing
     * of ours holds its frames. */
    service_forget((uint16_t)w->domid);
    detach_devices((uint16_t)w->domid, w->md, DEVNODES_CLOSE_WAIT_NS);
    /* The domains it controlled come to the builder as it goes: those
     * new since this look were its. */
    adopt_look(&adopted);
    destroy(w->domid);
    set_running(w->md, -1);
    (void)adopt_from(&adopted, w->md, w->md->name, watched_id, NULL);
    if (act == ACTION_DESTROY) {
        printf("builder: d%d '%s' %s; destroyed\n", w->domid, w->md->name, what);
        w->domid = -1;
        adopt_forget(&adopted, w->md, w->md->name);
        return;
    }
    if (crash && w->crashes == RESTART_LIMIT) {
        printf("builder: '%s' crashed %u times; giving up\n", w->md->name, w->crashes + 1);
        w->domid = -1;
        adopt_forget(&adopted, w->md, w->md->name);
        return;
    }
    if (crash)
        printf("builder: d%d '%s' crashed; restarting it (%u of %u)\n", w->domid, w->md->name, ++w->crashes,
               RESTART_LIMIT);
    else
        printf("builder: d%d '%s' %s; restarting it\n", w->domid, w->md->name, what);
    w->domid = build_domain(w->md);
    /* It runs: what its previous instance held is its again. */
    if (w->domid >= 0)
        (void)adopt_give_back(&adopted, w->md, (uint16_t)w->domid, w->md->name);
    else
        adopt_forget(&adopted, w->md, w->md->name);
}

/* A domain whose every shutdown ends in destroy needs no controller: the
 * core reaps it once the builder has let go. */
static bool needs_watching(const struct manifest_domain *md)
{
    if (md->nr_disks || md->nr_vifs)
        return true; /* its vbd and vif nodes go when it does */
    return md->on_poweroff != ACTION_DESTROY || md->on_reboot != ACTION_DESTROY || md->on_crash != ACTION_DESTROY;
}

/* One domain the builder controls, looked at by check_adopted. */
static void check_one_adopted(void *arg, const struct mgmt_domain_info *info)
{
    unsigned *alive = arg;

    if (watched_id(NULL, info->domid))
        return;
    if (info->state != MGMT_STATE_SHUTDOWN) {
        (*alive)++;
        return;
    }
    printf("builder: d%u '%.32s', adopted from a controller that is gone, shut down (reason %u); destroyed\n",
           info->domid, info->name, info->shutdown_reason);
    destroy(info->domid);
}

/* Domains the builder controls without having built them: the core hands
 * it those of a controller that died (its own children among them). Those
 * whose controller's section is restarted went back to its new instance
 * (check_domain); a shut-down one left here is destroyed: the manifest
 * says nothing of it. Returns how many are left, which the builder keeps
 * watching. */
static unsigned check_adopted(void)
{
    unsigned alive = 0;

    if (adopt_each(&adopt_env, check_one_adopted, &alive) == 0)
        adopt_look(&adopted); /* the next adopt_from's starting point */
    return alive;
}

/* Stays the controller of the domains it built, acting on their
 * shutdowns, and serves the build service's clients, until nothing is
 * left to watch or serve. The core tells a controller of each shutdown
 * with VIRQ_DOM_EXC; a client's ring and the store wake it too; a slow
 * periodic look covers a domain that disappears without a word. */
static void supervise(struct watched *w, unsigned n)
{
    evtchn_port_t port;
    unsigned left = 1;
    bool have_virq = evtchn_ready() && evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port) == 0, more = false;

    watching = w;
    nwatching = n;
    adopt_init(&adopted, &adopt_env);
    adopt_look(&adopted);
    printf("builder: watching %u domain%s for shutdowns\n", n, n == 1 ? "" : "s");
    while (left) {
        /* While a client's requests wait, the next turn comes at once. */
        if (!more && have_virq)
            evtchn_wait(runtime_time_ns() + WATCH_PERIOD_NS);
        else if (!more)
            runtime_sleep_ns(WATCH_PERIOD_NS / 20);
        if (have_virq) {
            evtchn_dispatch(); /* the upcall flag down, or the next wait would not */
            evtchn_test_and_clear(port);
        }
        more = service_poll(); /* before the shutdowns: a dead client's ring is let go */
        left = service_pending();
        for (unsigned i = 0; i < n; i++) {
            if (w[i].domid >= 0)
                check_domain(&w[i]);
            left += w[i].domid >= 0;
        }
        left += check_adopted();
    }
}

/* Hands the running domain domid to the domain of the section its
 * manifest's handover key names, which controls it from then on. Whether
 * it was handed: if not (that domain is not running, or the core
 * refuses), the builder keeps it, with the reason printed. */
static bool hand_over(int domid, const struct manifest_domain *md)
{
    int to = running_domid(md->handover);
    struct mgmt_domain_handover h = { .domid = (uint16_t)domid, .to = (uint16_t)to };
    long r;

    if (to < 0) {
        printf("builder: d%d '%s': handover: '%s' is not running; the builder keeps it\n", domid, md->name,
               md->handover);
        return false;
    }
    if ((r = mgmt(MGMT_DOMAIN_HANDOVER, &h, sizeof(h))) != 0) {
        printf("builder: d%d '%s': handover to d%d '%s' refused: %s; the builder keeps it\n", domid, md->name, to,
               md->handover, construct_errname(r));
        return false;
    }
    printf("builder: d%d '%s' handed over to d%d '%s', which acts on its shutdown\n", domid, md->name, to,
           md->handover);
    if ((r = store_grant_controller((uint16_t)domid, (uint16_t)to)) != 0)
        printf("builder: d%d '%s': its control and memory nodes not opened to d%d: %s (no shutdown or mem-set "
               "through the store)\n",
               domid, md->name, to, construct_errname(r));
    return true;
}

/* Builds md and, if its shutdowns need a controller, watches it, unless
 * it is handed to another controller (the builder still removes the
 * XenStore nodes of its disks and vifs once it is gone). */
static void start(const struct manifest_domain *md, struct watched *watch, unsigned *nwatch, unsigned *started)
{
    int domid = build_domain(md);

    if (domid < 0)
        return;
    (*started)++;
    /* A domain with devices is handed over only while the builder can
     * look after its nodes (service.c's table of handed domains). */
    if (md->handover[0] && (!(md->nr_disks || md->nr_vifs) || service_handed_room()) && hand_over(domid, md)) {
        /* Its nodes go once it is gone; its controller may attach
         * devices to it meanwhile (when there is room to remember it). */
        if (service_handed_room())
            service_handed_add((uint16_t)domid, md, md->handover);
        return;
    }
    if (needs_watching(md))
        watch[(*nwatch)++] = (struct watched){ md, domid, 0 };
}

/* Builds the one domain of service kind (a second is refused); either
 * is left out of the build of the others that follows. */
static void build_service(struct manifest *m, unsigned kind, struct watched *watch, unsigned *nwatch, unsigned *started)
{
    for (unsigned i = 0, found = 0; i < m->count; i++) {
        struct manifest_domain *d = &m->dom[i];
        if (!d->valid || d->service != kind)
            continue;
        d->valid = false; /* not again below */
        if (found++) {
            printf("builder: %s: a second %s domain; not built\n", d->name,
                   kind == SERVICE_CONSOLE ? "console" : "XenStore");
            continue;
        }
        start(d, watch, nwatch, started);
    }
}

int main(void)
{
    const struct runtime_module *mod = find_module("manifest");
    struct manifest *m = &manifest;
    static struct watched watch[MANIFEST_MAX_DOMAINS];
    unsigned started = 0, nwatch = 0;

    construct_init(running_domid);
    printf("builder: started as the root domain, %zu boot module%s\n", runtime_module_count(),
           runtime_module_count() == 1 ? "" : "s");
    if (!mod) {
        printf("builder: no boot module named 'manifest': nothing to build\n");
        return 0;
    }
    manifest_parse(mod->data, mod->size, m);
    manifest_draw_macs(m, entropy_bits, NULL); /* once: a restarted domain keeps its MACs */
    for (unsigned i = 0; i < MANIFEST_MAX_DOMAINS; i++)
        running[i] = -1;
    /* The store first, so that every other domain can be introduced;
     * then the console domain, so that every other domain gets a console. */
    build_service(m, SERVICE_XENSTORE, watch, &nwatch, &started);
    build_service(m, SERVICE_CONSOLE, watch, &nwatch, &started);
    for (unsigned i = 0; i < m->count; i++)
        if (m->dom[i].valid)
            start(&m->dom[i], watch, &nwatch, &started);
    printf("builder: %u of %u domains started, %u manifest error%s\n", started, m->count, m->errors,
           m->errors == 1 ? "" : "s");
    if (nwatch || service_pending())
        supervise(watch, nwatch);
    return 0;
}
