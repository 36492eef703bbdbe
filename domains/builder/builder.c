/* SPDX-License-Identifier: MIT */
/*
 * The builder, Mosaic's root domain: reads the boot manifest module and
 * builds every domain it names from the other boot modules through the
 * core's management hypercall (create, populate, copy the image in, write
 * a PVH start_info, set the entry, schedule, unpause). A domain that
 * cannot be built is named with the reason and skipped; the others go on.
 * A domain marked "service = xenstore" is built first; every other
 * domain then gets a store ring and is introduced to it (store.c).
 * A domain whose section says "handover = NAME" is handed, once it runs,
 * to the domain of that section (a toolstack such as the control
 * domain), which acts on its shutdown from then on.
 * When it is done it lets go: it shuts itself down.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "idl/mgmt.h"
#include "acpi.h"
#include "image.h"
#include "idl/xen_errno.h"
#include "layout.h"
#include "manifest.h"
#include "mosaic/evtchn.h"
#include "mosaic/hypercall.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/start_info.h"
#include "mosaic/time.h"
#include "store.h"
#include "vbd.h"
#include "vif.h"

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
    case 19: return "ENODEV (no such device)";
    case 22: return "EINVAL (invalid argument)";
    case 28: return "ENOSPC (no free domain slot)";
    case 38: return "ENOSYS (not implemented)";
    case 95: return "EOPNOTSUPP (not possible on this machine)";
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

static uintptr_t heap_base; /* the break when main starts */

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

/* Each disk's vbd nodes (vbd.c), its backend looked up by name: built
 * before it (the manifest checked the order), and still running. */
static const char *attach_disks(uint16_t domid, const struct manifest_domain *md, long *r)
{
    for (unsigned i = 0; i < md->nr_disks; i++) {
        const struct xl_disk *disk = &md->disks[i];
        int be = running_domid(disk->backend);
        if (be < 0) {
            printf("builder: %s: disk %s: its backend '%s' is not running\n", md->name, disk->vdev, disk->backend);
            *r = -XEN_ESRCH;
            return "disk";
        }
        if ((*r = vbd_add(domid, (uint16_t)be, disk)) != 0)
            return "disk's XenStore nodes";
        printf("builder: d%u '%s': vbd %s (%u) from d%d '%s': %s, %s\n", domid, md->name, disk->vdev, disk->devid, be,
               disk->backend, disk->target, disk->readonly ? "read-only" : "read-write");
    }
    return NULL;
}

/* Each vif's nodes (vif.c), its handle its place in the list, its
 * backend looked up as a disk's is. */
static const char *attach_vifs(uint16_t domid, const struct manifest_domain *md, long *r)
{
    for (unsigned i = 0; i < md->nr_vifs; i++) {
        const struct xl_vif *vif = &md->vifs[i];
        int be = running_domid(vif->backend);
        char mac[18];
        if (be < 0) {
            printf("builder: %s: vif %u: its backend '%s' is not running\n", md->name, i, vif->backend);
            *r = -XEN_ESRCH;
            return "vif";
        }
        if ((*r = vif_add(domid, (uint16_t)be, i, vif)) != 0)
            return "vif's XenStore nodes";
        vif_mac_text(vif->mac, mac);
        printf("builder: d%u '%s': vif %u mac %s on d%d '%s' (%s %s)\n", domid, md->name, i, mac, be, vif->backend,
               xl_vif_mode_name(vif->mode), vif->mode == XL_VIF_BRIDGE ? vif->bridge : vif->ip);
    }
    return NULL;
}

/* What a device's removal (r from vbd_remove or vif_remove) came to,
 * in a line naming the device as what ("vbd xvda", "vif 0"). */
static void say_removed(uint16_t domid, const struct manifest_domain *md, const char *what, int be, long r,
                        uint64_t wait_ns)
{
    if (r == -XEN_ETIMEDOUT)
        printf("builder: d%u '%s': %s: backend d%d did not close it in %llu ms; removed all the same\n", domid,
               md->name, what, be, (unsigned long long)(wait_ns / 1000000));
    else if (r)
        printf("builder: d%u '%s': %s: removal refused: %s\n", domid, md->name, what, errname(r));
    else
        printf("builder: d%u '%s': %s removed\n", domid, md->name, what);
}

/* The vbd and vif nodes of a domain that is going (libxl's forced
 * removal), waiting up to wait_ns for each backend to close its side. */
static void detach_devices(uint16_t domid, const struct manifest_domain *md, uint64_t wait_ns)
{
    char what[32];

    for (unsigned i = 0; i < md->nr_disks; i++) {
        const struct xl_disk *disk = &md->disks[i];
        int be = running_domid(disk->backend);
        if (be < 0)
            continue;
        snprintf(what, sizeof(what), "vbd %s", disk->vdev);
        say_removed(domid, md, what, be, vbd_remove(domid, (uint16_t)be, disk, wait_ns), wait_ns);
    }
    for (unsigned i = 0; i < md->nr_vifs; i++) {
        int be = running_domid(md->vifs[i].backend);
        if (be < 0)
            continue;
        snprintf(what, sizeof(what), "vif %u", i);
        say_removed(domid, md, what, be, vif_remove(domid, (uint16_t)be, i, wait_ns), wait_ns);
    }
}

#define CPUID1_ECX_RDRAND (1u << 30)
#define RDRAND_TRIES      10 /* as the vendors advise before giving up on it */

/* A 64-bit value from RDRAND, if the CPU has one and it answers. */
static bool rdrand64(uint64_t *v)
{
    uint32_t a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (!(c & CPUID1_ECX_RDRAND))
        return false;
    for (unsigned i = 0; i < RDRAND_TRIES; i++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

/* Bits for the MACs a manifest leaves out (manifest_draw_macs): RDRAND
 * when the CPU has it, mixed with the TSC and a count of the calls, so
 * that values differ from call to call and boot to boot even without
 * it; then stirred, every input bit reaching every output bit. */
static uint64_t mac_bits(void *ctx)
{
    static uint64_t calls;
    uint32_t lo, hi;
    uint64_t x, r = 0;

    (void)ctx;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    x = ((uint64_t)hi << 32 | lo) + ++calls * 0x9e3779b97f4a7c15ull;
    if (rdrand64(&r))
        x ^= r;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* What build_domain knows of a domain's kernel before creating it. */
struct kernel_plan {
    struct image img;
    const struct runtime_module *ramdisk; /* NULL: none */
    struct layout layout;
    uint64_t load_ns;  /* how long streaming the kernel in took */
    size_t heap_bytes; /* the builder's heap (from its start to the break) at the end of it */
};

static long copy_to_domain(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct mgmt_domain_copy c = { .domid = *(const uint16_t *)ctx, .dst_gpa = gpa, .len = len };

    c.src = (uint64_t)(uintptr_t)src;
    return mgmt(MGMT_DOMAIN_COPY, &c, sizeof(c));
}

/* Copies any amount, MGMT_DOMAIN_COPY_MAX at a time. */
static long copy_all(uint16_t domid, uint64_t gpa, const void *src, size_t len)
{
    for (size_t done = 0; done < len;) {
        size_t n = len - done < MGMT_DOMAIN_COPY_MAX ? len - done : MGMT_DOMAIN_COPY_MAX;
        long r = copy_to_domain(&domid, gpa + done, (const uint8_t *)src + done, n);
        if (r)
            return r;
        done += n;
    }
    return 0;
}

/* The kernel's format and headers, the ramdisk, and where they go; one
 * line naming the reason if any is wrong. Decompression of a bzImage
 * starts here (its headers are in the first chunk). */
static int plan_kernel(const struct manifest_domain *md, const struct runtime_module *mod, struct kernel_plan *kp)
{
    const char *why;

    kp->ramdisk = NULL;
    if (md->ramdisk[0] && !(kp->ramdisk = find_module(md->ramdisk))) {
        printf("builder: %s: no boot module named '%s' (ramdisk)\n", md->name, md->ramdisk);
        return -1;
    }
    if (image_open(&kp->img, mod->data, mod->size) != 0) {
        printf("builder: %s: image '%s': %s\n", md->name, md->image, kp->img.why);
        image_close(&kp->img);
        return -1;
    }
    if (layout_plan(md->memory_mib << 20, kp->img.paddr_start, kp->img.paddr_end, kp->ramdisk ? kp->ramdisk->size : 0,
                    &kp->layout, &why) != 0) {
        printf("builder: %s: image '%s' (%llu KiB up to 0x%llx) in %llu MiB: %s\n", md->name, md->image,
               (unsigned long long)((kp->img.paddr_end - kp->img.paddr_start) >> 10),
               (unsigned long long)kp->img.paddr_end, (unsigned long long)md->memory_mib, why);
        image_close(&kp->img);
        return -1;
    }
    return 0;
}

/* The kernel's segments (streamed), the ramdisk and the ACPI tables. */
static const char *load_kernel(uint16_t domid, const struct manifest_domain *md, struct kernel_plan *kp, long *r)
{
    static uint8_t acpi[ACPI_TABLES_MAX];
    uint64_t t0 = runtime_time_ns();
    size_t n;

    if ((*r = image_load(&kp->img, copy_to_domain, &domid)) != 0) {
        if (kp->img.why) { /* the image, not the copy, was wrong (a copy's -1 is EPERM) */
            printf("builder: %s: image '%s': %s\n", md->name, md->image, kp->img.why);
            *r = -XEN_EINVAL;
        }
        return "load kernel";
    }
    kp->load_ns = runtime_time_ns() - t0;
    kp->heap_bytes = (size_t)((uintptr_t)sbrk(0) - heap_base); /* the decoder still allocated: the peak */
    if (kp->ramdisk && (*r = copy_all(domid, kp->layout.ramdisk_base, kp->ramdisk->data, kp->ramdisk->size)) != 0)
        return "copy ramdisk";
    n = acpi_build(acpi, sizeof(acpi), kp->layout.acpi_base, md->vcpus);
    if (!n) {
        *r = -XEN_EINVAL;
        return "ACPI tables";
    }
    if ((*r = copy_all(domid, kp->layout.acpi_base, acpi, n)) != 0)
        return "copy ACPI tables";
    return NULL;
}

/* start_info (idl/start_info.idl, version 1) and the command line. */
static long write_start_info(uint16_t domid, const struct kernel_plan *kp, const char *cmdline)
{
    struct layout_start_info b;
    size_t len = layout_start_info(&kp->layout, &b);
    long r;

    if ((r = copy_all(domid, LAYOUT_START_INFO_GPA, &b, len)) != 0)
        return r;
    return copy_all(domid, LAYOUT_CMDLINE_GPA, cmdline, strlen(cmdline) + 1);
}

/* One line per kernel loaded: what, where, how long, and the builder's
 * heap at its peak (the break, measured while the decoder was allocated). */
static void report_kernel(const struct manifest_domain *md, const struct kernel_plan *kp)
{
    const struct image *img = &kp->img;
    const struct layout *l = &kp->layout;

    printf("builder: %s: %s %s %llu KiB 0x%llx-0x%llx entry 0x%x in %llu ms, ramdisk 0x%llx+%llu KiB, ACPI 0x%llx, "
           "heap %zu KiB\n",
           md->name, md->image, image_format_name(img->format), (unsigned long long)(img->elf_size >> 10),
           (unsigned long long)img->paddr_start, (unsigned long long)img->paddr_end, img->pvh_entry,
           (unsigned long long)(kp->load_ns / 1000000), (unsigned long long)l->ramdisk_base,
           (unsigned long long)((l->ramdisk_size + 1023) >> 10), (unsigned long long)l->acpi_base,
           kp->heap_bytes >> 10);
}

/* The command line and store ring of a new domain: xenstored learns of
 * the builder's ring; every other domain gets its own ring while a store
 * runs. */
static long setup_store_ring(uint16_t domid, const struct manifest_domain *md, char *cmdline, size_t cap)
{
    manifest_kernel_cmdline(md, cmdline, cap);
    if (md->service == SERVICE_XENSTORE)
        return store_service_args(domid, cmdline + strlen(cmdline), cap - strlen(cmdline));
    return store_active() ? store_prepare(domid) : 0;
}

/* xl's pci key: each function is given before the domain runs. On a
 * refusal the step names the function, so the one error line says which
 * value of the section failed. */
static const char *assign_pci(uint16_t domid, const struct manifest_domain *md, long *r)
{
    static char step[32];

    for (unsigned i = 0; i < md->nr_pci; i++) {
        struct mgmt_pci_assign a = { .domid = domid, .sbdf = md->pci[i] };
        if ((*r = mgmt(MGMT_PCI_ASSIGN, &a, sizeof(a))) != 0) {
            snprintf(step, sizeof(step), "pci = %04x:%02x:%02x.%x", md->pci[i] >> 16, (md->pci[i] >> 8) & 0xff,
                     (md->pci[i] >> 3) & 0x1f, md->pci[i] & 7);
            return step;
        }
    }
    return NULL;
}

/* Every step after creation; on failure the caller destroys the domain. */
static const char *build_steps(uint16_t domid, const struct manifest_domain *md, struct kernel_plan *kp, long *r)
{
    static char cmdline[LAYOUT_CMDLINE_MAX];
    const char *step;
    struct mgmt_domain_populate p = { .domid = domid, .gfn = 0, .nr_pages = md->memory_mib << 8 };
    struct mgmt_vcpu_set_pvh pvh = { .domid = domid, .vcpu = 0, .start_info = LAYOUT_START_INFO_GPA };
    struct mgmt_domain_sched s = { .domid = domid, .weight = (uint16_t)md->weight, .cap = md->cap };
    struct mgmt_domain_unpause u = { .domid = domid };
    struct mgmt_cap_grant g = { .domid = domid, .caps = md->caps };

    if ((*r = mgmt(MGMT_DOMAIN_POPULATE, &p, sizeof(p))) != 0)
        return "populate";
    if ((step = load_kernel(domid, md, kp, r)) != NULL)
        return step;
    report_kernel(md, kp);         /* before it runs: its own lines come after */
    pvh.entry = kp->img.pvh_entry; /* known once the whole ELF has passed */
    if ((*r = setup_store_ring(domid, md, cmdline, sizeof(cmdline))) != 0)
        return md->service == SERVICE_XENSTORE ? "XenStore client ring" : "XenStore ring";
    if ((*r = write_start_info(domid, kp, cmdline)) != 0)
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
    if ((step = assign_pci(domid, md, r)) != NULL)
        return step;
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
    if ((step = attach_disks(domid, md, r)) != NULL || (step = attach_vifs(domid, md, r)) != NULL)
        return step;
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
    static struct kernel_plan kp; /* one domain is built at a time */
    struct mgmt_domain_create c;
    struct mgmt_domain_destroy x;
    const char *step;
    long r;

    if (!mod) {
        printf("builder: %s: no boot module named '%s'\n", md->name, md->image);
        return -1;
    }
    if (plan_kernel(md, mod, &kp) != 0)
        return -1;
    memset(&c, 0, sizeof(c));
    strncpy(c.name, md->name, sizeof(c.name) - 1);
    c.nr_vcpus = md->vcpus;
    c.max_pages = (md->memory_mib << 8) + console_extra_pages(md);
    if ((r = mgmt(MGMT_DOMAIN_CREATE, &c, sizeof(c))) != 0) {
        printf("builder: %s: create refused for %llu MiB, %u vCPU%s: %s\n", md->name,
               (unsigned long long)md->memory_mib, md->vcpus, md->vcpus == 1 ? "" : "s", errname(r));
        image_close(&kp.img);
        return -1;
    }
    step = build_steps(c.domid, md, &kp, &r);
    image_close(&kp.img); /* the decoder's memory back before the next domain */
    if (step) {
        printf("builder: %s: %s refused: %s\n", md->name, step, errname(r));
        detach_devices(c.domid, md, 0); /* those written before the failure */
        x = (struct mgmt_domain_destroy){ .domid = c.domid };
        mgmt(MGMT_DOMAIN_DESTROY, &x, sizeof(x));
        return -1;
    }
    printf("builder: started d%u '%s' from %s: %llu MiB, %u vCPU%s\n", c.domid, md->name, md->image,
           (unsigned long long)md->memory_mib, md->vcpus, md->vcpus == 1 ? "" : "s");
    set_running(md, c.domid);
    return c.domid;
}

#define RESTART_LIMIT   3                       /* crashes before the builder gives up */
#define WATCH_PERIOD_NS (1000 * TIME_NS_PER_MS) /* a look even with no event */

struct watched {
    const struct manifest_domain *md;
    int domid; /* -1: no longer watched */
    unsigned crashes;
};

#define REAP_WAIT_NS (5000 * TIME_NS_PER_MS) /* how long a destroyed domain may take to go */

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
        detach_devices((uint16_t)w->domid, w->md, DEVNODES_CLOSE_WAIT_NS);
        set_running(w->md, -1);
        w->domid = -1; /* gone: someone else destroyed it */
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
    /* libxl's order: its devices go while the domain still exists. */
    detach_devices((uint16_t)w->domid, w->md, DEVNODES_CLOSE_WAIT_NS);
    destroy(w->domid);
    set_running(w->md, -1);
    if (act == ACTION_DESTROY) {
        printf("builder: d%d '%s' %s; destroyed\n", w->domid, w->md->name, what);
        w->domid = -1;
        return;
    }
    if (crash && w->crashes == RESTART_LIMIT) {
        printf("builder: '%s' crashed %u times; giving up\n", w->md->name, w->crashes + 1);
        w->domid = -1;
        return;
    }
    if (crash)
        printf("builder: d%d '%s' crashed; restarting it (%u of %u)\n", w->domid, w->md->name, ++w->crashes,
               RESTART_LIMIT);
    else
        printf("builder: d%d '%s' %s; restarting it\n", w->domid, w->md->name, what);
    w->domid = build_domain(w->md);
}

/* A domain whose every shutdown ends in destroy needs no controller: the
 * core reaps it once the builder has let go. */
static bool needs_watching(const struct manifest_domain *md)
{
    if (md->nr_disks || md->nr_vifs)
        return true; /* its vbd and vif nodes go when it does */
    return md->on_poweroff != ACTION_DESTROY || md->on_reboot != ACTION_DESTROY || md->on_crash != ACTION_DESTROY;
}

/* Whether domid is one the builder watches. */
static bool watched_id(const struct watched *w, unsigned n, uint16_t domid)
{
    for (unsigned i = 0; i < n; i++)
        if (w[i].domid == domid)
            return true;
    return false;
}

/* Domains the builder controls without having built them: the core hands
 * it those of a controller that died (its own children among them). A
 * shut-down one is destroyed: the manifest says nothing of it. Returns
 * how many are left, which the builder keeps watching. */
static unsigned check_adopted(const struct watched *w, unsigned n)
{
    struct mgmt_domain_list l = { .first = 1 };
    unsigned alive = 0;

    for (;;) {
        if (mgmt(MGMT_DOMAIN_LIST, &l, sizeof(l)) != 0)
            return alive;
        for (unsigned i = 0; i < l.nr && i < MGMT_DOMAIN_LIST_MAX; i++) {
            struct mgmt_domain_info info = { .domid = l.domids[i] };
            if (watched_id(w, n, l.domids[i]) || mgmt(MGMT_DOMAIN_INFO, &info, sizeof(info)) != 0)
                continue;
            if (info.state != MGMT_STATE_SHUTDOWN) {
                alive++;
                continue;
            }
            printf("builder: d%u '%.32s', adopted from a controller that is gone, shut down (reason %u); destroyed\n",
                   l.domids[i], info.name, info.shutdown_reason);
            destroy(l.domids[i]);
        }
        if (l.nr < MGMT_DOMAIN_LIST_MAX)
            return alive;
        l.first = (uint16_t)(l.domids[MGMT_DOMAIN_LIST_MAX - 1] + 1);
    }
}

/* Stays the controller of the domains it built, acting on their
 * shutdowns, until none is left to watch. The core tells a controller of
 * each shutdown with VIRQ_DOM_EXC; a slow periodic look covers a domain
 * that disappears without one. */
static void supervise(struct watched *w, unsigned n)
{
    evtchn_port_t port;
    unsigned left = n;
    bool have_virq = evtchn_ready() && evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port) == 0;

    printf("builder: watching %u domain%s for shutdowns\n", n, n == 1 ? "" : "s");
    while (left) {
        if (have_virq)
            evtchn_wait(runtime_time_ns() + WATCH_PERIOD_NS);
        else
            runtime_sleep_ns(WATCH_PERIOD_NS / 20);
        if (have_virq)
            evtchn_test_and_clear(port);
        left = 0;
        for (unsigned i = 0; i < n; i++) {
            if (w[i].domid >= 0)
                check_domain(&w[i]);
            left += w[i].domid >= 0;
        }
        left += check_adopted(w, n);
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
               md->handover, errname(r));
        return false;
    }
    printf("builder: d%d '%s' handed over to d%d '%s', which acts on its shutdown\n", domid, md->name, to,
           md->handover);
    return true;
}

/* Builds md and, if its shutdowns need a controller, watches it, unless
 * it is handed to another controller. */
static void start(const struct manifest_domain *md, struct watched *watch, unsigned *nwatch, unsigned *started)
{
    int domid = build_domain(md);

    if (domid < 0)
        return;
    (*started)++;
    if (md->handover[0] && hand_over(domid, md))
        return;
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

    heap_base = (uintptr_t)sbrk(0);
    printf("builder: started as the root domain, %zu boot module%s\n", runtime_module_count(),
           runtime_module_count() == 1 ? "" : "s");
    if (!mod) {
        printf("builder: no boot module named 'manifest': nothing to build\n");
        return 0;
    }
    manifest_parse(mod->data, mod->size, m);
    manifest_draw_macs(m, mac_bits, NULL); /* once: a restarted domain keeps its MACs */
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
    if (nwatch)
        supervise(watch, nwatch);
    return 0;
}
