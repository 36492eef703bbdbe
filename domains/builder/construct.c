/* SPDX-License-Identifier: MIT */
/*
 * One domain built through the core's management hypercall (construct.h):
 * create, populate, copy the image in, write a PVH start_info, set the
 * entry, schedule, give it its rings, devices and capabilities, unpause.
 * Every step that fails names the part of the description at fault
 * (BUILD_FIELD_*), so that the build service can tell its client which
 * field was wrong; the domain is then destroyed.
 */
#include "construct.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acpi.h"
#include "buildreq.h"
#include "console.h"
#include "idl/build.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "image.h"
#include "layout.h"
#include "mosaic/mgmt.h"
#include "mosaic/time.h"
#include "store.h"
#include "vbd.h"
#include "vif.h"

static uintptr_t heap_base; /* the break when construct_init ran */
static int (*backend_domid)(const char *name);

void construct_init(int (*lookup)(const char *name))
{
    heap_base = (uintptr_t)sbrk(0);
    backend_domid = lookup;
}

/* Xen's errno values (not newlib's, which differ for some). */
const char *construct_errname(long r)
{
    switch (-r) {
    case 0: return "ok";
    case XEN_EPERM: return "EPERM (capability missing)";
    case XEN_ESRCH: return "ESRCH (no such domain)";
    case XEN_E2BIG: return "E2BIG (too large)";
    case XEN_ENOMEM: return "ENOMEM (out of memory or quota)";
    case XEN_EFAULT: return "EFAULT (bad address)";
    case XEN_EBUSY: return "EBUSY (wrong domain state)";
    case XEN_EEXIST: return "EEXIST (already there)";
    case XEN_ENODEV: return "ENODEV (no such device)";
    case XEN_EINVAL: return "EINVAL (invalid argument)";
    case XEN_ENOSPC: return "ENOSPC (no free domain slot)";
    case XEN_ENOSYS: return "ENOSYS (not implemented)";
    case XEN_EOPNOTSUPP: return "EOPNOTSUPP (not possible on this machine)";
    case XEN_EOVERFLOW: return "EOVERFLOW (range out of bounds)";
    case XEN_ENOENT: return "ENOENT (no such entry)";
    case XEN_ETIMEDOUT: return "ETIMEDOUT (no answer in time)";
    default: return "error";
    }
}

/* The failure's part, errno and reason; returns the step for the log. */
static const char *fail(struct construct_failure *f, uint16_t field, uint32_t index, long err, const char *step)
{
    f->field = field;
    f->index = index;
    f->err = err;
    snprintf(f->why, sizeof(f->why), "%s: %s refused: %s", buildreq_field_name(field), step, construct_errname(err));
    return step;
}

/* Disk i's vbd nodes (vbd.c), its backend looked up by name: built
 * before it (the manifest or the service checked the name), and running. */
static const char *attach_disk(uint16_t domid, const struct manifest_domain *md, unsigned i,
                               struct construct_failure *f)
{
    const struct xl_disk *disk = &md->disks[i];
    int be = backend_domid(disk->backend);
    long r;

    if (be < 0) {
        printf("builder: %s: disk %s: its backend '%s' is not running\n", md->name, disk->vdev, disk->backend);
        fail(f, BUILD_FIELD_DISK, i, -XEN_ESRCH, "disk");
        snprintf(f->why, sizeof(f->why), "disk: %u (%s): its backend '%s' is not running", i, disk->vdev,
                 disk->backend);
        return "disk";
    }
    if ((r = vbd_add(domid, (uint16_t)be, md->device_reader, disk)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, i, r, "disk's XenStore nodes");
    printf("builder: d%u '%s': vbd %s (%u) from d%d '%s': %s, %s\n", domid, md->name, disk->vdev, disk->devid, be,
           disk->backend, disk->target, disk->readonly ? "read-only" : "read-write");
    return NULL;
}

/* Vif i's nodes (vif.c), its handle vif->handle, its backend looked up
 * as a disk's is. */
static const char *attach_vif(uint16_t domid, const struct manifest_domain *md, unsigned i, struct construct_failure *f)
{
    const struct xl_vif *vif = &md->vifs[i];
    int be = backend_domid(vif->backend);
    char mac[18];
    long r;

    if (be < 0) {
        printf("builder: %s: vif %u: its backend '%s' is not running\n", md->name, vif->handle, vif->backend);
        fail(f, BUILD_FIELD_VIF, i, -XEN_ESRCH, "vif");
        snprintf(f->why, sizeof(f->why), "vif: %u: its backend '%s' is not running", vif->handle, vif->backend);
        return "vif";
    }
    if ((r = vif_add(domid, (uint16_t)be, md->device_reader, vif)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, i, r, "vif's XenStore nodes");
    vif_mac_text(vif->mac, mac);
    printf("builder: d%u '%s': vif %u mac %s on d%d '%s' (%s %s)\n", domid, md->name, vif->handle, mac, be,
           vif->backend, xl_vif_mode_name(vif->mode), vif->mode == XL_VIF_BRIDGE ? vif->bridge : vif->ip);
    return NULL;
}

long construct_attach_device(uint16_t domid, const struct manifest_domain *md, bool disk, unsigned i,
                             struct construct_failure *f)
{
    return (disk ? attach_disk(domid, md, i, f) : attach_vif(domid, md, i, f)) ? f->err : 0;
}

/* Each disk's and vif's nodes; the step that failed, or NULL. */
static const char *attach_devices(uint16_t domid, const struct manifest_domain *md, struct construct_failure *f)
{
    const char *step = NULL;

    for (unsigned i = 0; i < md->nr_disks && !step; i++)
        step = attach_disk(domid, md, i, f);
    for (unsigned i = 0; i < md->nr_vifs && !step; i++)
        step = attach_vif(domid, md, i, f);
    return step;
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
        printf("builder: d%u '%s': %s: removal refused: %s\n", domid, md->name, what, construct_errname(r));
    else
        printf("builder: d%u '%s': %s removed\n", domid, md->name, what);
}

long construct_detach_device(uint16_t domid, const struct manifest_domain *md, bool disk, unsigned i, uint64_t wait_ns,
                             bool detach)
{
    const char *backend = disk ? md->disks[i].backend : md->vifs[i].backend;
    int be = backend_domid(backend);
    char what[32];
    long r;

    if (be < 0)
        return -XEN_ESRCH;
    if (disk) {
        snprintf(what, sizeof(what), "vbd %s", md->disks[i].vdev);
        r = vbd_remove(domid, (uint16_t)be, &md->disks[i], wait_ns, detach);
    } else {
        snprintf(what, sizeof(what), "vif %u", md->vifs[i].handle);
        r = vif_remove(domid, (uint16_t)be, md->vifs[i].handle, wait_ns, detach);
    }
    say_removed(domid, md, what, be, r, wait_ns);
    return r;
}

void construct_detach_devices(uint16_t domid, const struct manifest_domain *md, uint64_t wait_ns)
{
    for (unsigned i = 0; i < md->nr_disks; i++)
        (void)construct_detach_device(domid, md, true, i, wait_ns, false);
    for (unsigned i = 0; i < md->nr_vifs; i++)
        (void)construct_detach_device(domid, md, false, i, wait_ns, false);
}

/* What construct_domain knows of a domain's kernel before creating it. */
struct kernel_plan {
    struct image img;
    struct layout layout;
    uint64_t load_ns;  /* how long streaming the kernel in took */
    size_t heap_bytes; /* the builder's heap (from its start to the break) at the end of it */
};

static long copy_to_domain(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct mgmt_domain_copy c = { .domid = *(const uint16_t *)ctx, .dst_gpa = gpa, .len = len };

    c.src = (uint64_t)(uintptr_t)src;
    return mgmt_call(MGMT_DOMAIN_COPY, &c, sizeof(c));
}

long construct_copy(uint16_t domid, uint64_t gpa, const void *src, size_t len)
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

/* The image's why, as the failure's reason (field: whose fault). */
static void image_failure(struct construct_failure *f, uint16_t field, const char *why)
{
    f->field = field;
    f->index = 0;
    f->err = -XEN_EINVAL;
    snprintf(f->why, sizeof(f->why), "%s: %s", buildreq_field_name(field), why);
}

/* The kernel's format and headers, and where it and the ramdisk go; one
 * line naming the reason if either is wrong. Decompression of a bzImage
 * starts here (its headers are in the first chunk). */
static int plan_kernel(const struct manifest_domain *md, const struct construct_source *src, struct kernel_plan *kp,
                       struct construct_failure *f)
{
    const char *why, *alone;

    if (image_open(&kp->img, src->kernel, src->kernel_size) != 0) {
        printf("builder: %s: image '%s': %s\n", md->name, src->kernel_name, kp->img.why);
        image_failure(f, BUILD_FIELD_KERNEL, kp->img.why);
        image_close(&kp->img);
        return -1;
    }
    if (layout_plan(md->memory_mib << 20, kp->img.paddr_start, kp->img.paddr_end, src->ramdisk_size, &kp->layout,
                    &why) != 0) {
        printf("builder: %s: image '%s' (%llu KiB up to 0x%llx) in %llu MiB: %s\n", md->name, src->kernel_name,
               (unsigned long long)((kp->img.paddr_end - kp->img.paddr_start) >> 10),
               (unsigned long long)kp->img.paddr_end, (unsigned long long)md->memory_mib, why);
        /* Whose fault: the kernel alone fits, or it does not. */
        image_failure(f, BUILD_FIELD_KERNEL, why);
        if (src->ramdisk_size &&
            layout_plan(md->memory_mib << 20, kp->img.paddr_start, kp->img.paddr_end, 0, &kp->layout, &alone) == 0)
            image_failure(f, BUILD_FIELD_RAMDISK, why);
        image_close(&kp->img);
        return -1;
    }
    return 0;
}

/* The kernel's segments (streamed), the ramdisk and the ACPI tables. */
static const char *load_kernel(uint16_t domid, const struct manifest_domain *md, const struct construct_source *src,
                               struct kernel_plan *kp, struct construct_failure *f)
{
    static uint8_t acpi[ACPI_TABLES_MAX];
    uint64_t t0 = runtime_time_ns();
    size_t n;
    long r;

    if ((r = image_load(&kp->img, copy_to_domain, &domid)) != 0) {
        if (kp->img.why) { /* the image, not the copy, was wrong (a copy's -1 is EPERM) */
            printf("builder: %s: image '%s': %s\n", md->name, src->kernel_name, kp->img.why);
            image_failure(f, BUILD_FIELD_KERNEL, kp->img.why);
            return "load kernel";
        }
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "load kernel");
    }
    kp->load_ns = runtime_time_ns() - t0;
    kp->heap_bytes = (size_t)((uintptr_t)sbrk(0) - heap_base); /* the decoder still allocated: the peak */
    if (src->ramdisk_size) {
        f->field = BUILD_FIELD_NONE;
        if ((r = src->ramdisk_copy(src->ramdisk_ctx, domid, kp->layout.ramdisk_base, f)) != 0)
            return f->field ? "copy ramdisk" : fail(f, BUILD_FIELD_MACHINE, 0, r, "copy ramdisk");
    }
    n = acpi_build(acpi, sizeof(acpi), kp->layout.acpi_base, md->vcpus);
    if (!n)
        return fail(f, BUILD_FIELD_VCPUS, 0, -XEN_EINVAL, "ACPI tables");
    if ((r = construct_copy(domid, kp->layout.acpi_base, acpi, n)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "copy ACPI tables");
    return NULL;
}

/* start_info (idl/start_info.idl, version 1) and the command line. */
static long write_start_info(uint16_t domid, const struct kernel_plan *kp, const char *cmdline)
{
    struct layout_start_info b;
    size_t len = layout_start_info(&kp->layout, &b);
    long r;

    if ((r = construct_copy(domid, LAYOUT_START_INFO_GPA, &b, len)) != 0)
        return r;
    return construct_copy(domid, LAYOUT_CMDLINE_GPA, cmdline, strlen(cmdline) + 1);
}

/* One line per kernel loaded: what, where, how long, and the builder's
 * heap at its peak (the break, measured while the decoder was allocated). */
static void report_kernel(const struct manifest_domain *md, const struct construct_source *src,
                          const struct kernel_plan *kp)
{
    const struct image *img = &kp->img;
    const struct layout *l = &kp->layout;

    printf("builder: %s: %s %s %llu KiB 0x%llx-0x%llx entry 0x%x in %llu ms, ramdisk 0x%llx+%llu KiB, ACPI 0x%llx, "
           "heap %zu KiB\n",
           md->name, src->kernel_name, image_format_name(img->format), (unsigned long long)(img->elf_size >> 10),
           (unsigned long long)img->paddr_start, (unsigned long long)img->paddr_end, img->pvh_entry,
           (unsigned long long)(kp->load_ns / 1000000), (unsigned long long)l->ramdisk_base,
           (unsigned long long)((l->ramdisk_size + 1023) >> 10), (unsigned long long)l->acpi_base,
           kp->heap_bytes >> 10);
}

/* The command line and store ring of a new domain: xenstored learns of
 * the builder's ring; every other domain gets its own ring while a store
 * runs. */
static long setup_store_ring(uint16_t domid, const struct manifest_domain *md, const char *given, char *cmdline,
                             size_t cap)
{
    snprintf(cmdline, cap, "%s", given);
    if (md->service == SERVICE_XENSTORE)
        return store_service_args(domid, cmdline + strlen(cmdline), cap - strlen(cmdline));
    return store_active() ? store_prepare(domid) : 0;
}

/* xl's pci key: each function is given before the domain runs. On a
 * refusal the step names the function, so the one error line says which
 * value of the section failed. */
static const char *assign_pci(uint16_t domid, const struct manifest_domain *md, struct construct_failure *f)
{
    static char step[32];

    for (unsigned i = 0; i < md->nr_pci; i++) {
        struct mgmt_pci_assign a = { .domid = domid, .sbdf = md->pci[i] };
        long r;
        if ((r = mgmt_call(MGMT_PCI_ASSIGN, &a, sizeof(a))) != 0) {
            snprintf(step, sizeof(step), "pci = %04x:%02x:%02x.%x", md->pci[i] >> 16, (md->pci[i] >> 8) & 0xff,
                     (md->pci[i] >> 3) & 0x1f, md->pci[i] & 7);
            return fail(f, BUILD_FIELD_MACHINE, i, r, step);
        }
    }
    return NULL;
}

/* The scheduling parameters and each vCPU's CPUs. */
static const char *schedule(uint16_t domid, const struct manifest_domain *md, struct construct_failure *f)
{
    struct mgmt_domain_sched s = { .domid = domid, .weight = (uint16_t)md->weight, .cap = md->cap };
    long r;

    if ((r = mgmt_call(MGMT_DOMAIN_SCHED, &s, sizeof(s))) != 0)
        return fail(f, BUILD_FIELD_CAP, 0, r, "scheduling parameters");
    for (unsigned v = 0; v < md->vcpus; v++) {
        struct mgmt_vcpu_affinity a = { .domid = domid, .vcpu = v, .cpumask = manifest_vcpu_cpus(md, v) };
        if ((r = mgmt_call(MGMT_VCPU_AFFINITY, &a, sizeof(a))) != 0) {
            fail(f, BUILD_FIELD_CPUS, v, r, "cpus");
            snprintf(f->why, sizeof(f->why), "cpus: vCPU %u on 0x%llx refused: %s", v, (unsigned long long)a.cpumask,
                     construct_errname(r));
            return "cpus";
        }
    }
    return NULL;
}

/* Its XenStore home and nodes, its console's nodes, and @releaseDomain
 * if the manifest lets it watch that. */
static const char *introduce(uint16_t domid, const struct manifest_domain *md, struct construct_failure *f)
{
    uint64_t max_mib = md->maxmem_mib ? md->maxmem_mib : md->memory_mib;
    long r;

    if (!store_active())
        return NULL;
    if (md->service != SERVICE_XENSTORE && (r = store_introduce(domid, md->name)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "XenStore introduction");
    if (md->service != SERVICE_XENSTORE &&
        ((r = store_domain_nodes(domid, md->vcpus, md->memory_mib << 10, max_mib << 10)) != 0 ||
         (r = console_introduce(domid)) != 0 ||
         ((md->caps & MGMT_CAP_DOMAIN_CONTROL) && (r = console_offer_client(domid)) != 0)))
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "XenStore nodes");
    if (md->watch_release && (r = store_allow_release_watch(domid)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "watch_release");
    return NULL;
}

/* Every step after creation; on failure the caller destroys the domain. */
static const char *build_steps(uint16_t domid, const struct manifest_domain *md, const struct construct_source *src,
                               struct kernel_plan *kp, struct construct_failure *f)
{
    static char cmdline[LAYOUT_CMDLINE_MAX];
    const char *step;
    struct mgmt_domain_populate p = { .domid = domid, .gfn = 0, .nr_pages = md->memory_mib << 8 };
    struct mgmt_vcpu_set_pvh pvh = { .domid = domid, .vcpu = 0, .start_info = LAYOUT_START_INFO_GPA };
    struct mgmt_domain_unpause u = { .domid = domid };
    struct mgmt_cap_grant g = { .domid = domid, .caps = md->caps };
    long r;

    if ((r = mgmt_call(MGMT_DOMAIN_POPULATE, &p, sizeof(p))) != 0)
        return fail(f, BUILD_FIELD_MEMORY, 0, r, "populate");
    if ((step = load_kernel(domid, md, src, kp, f)) != NULL)
        return step;
    report_kernel(md, src, kp);    /* before it runs: its own lines come after */
    pvh.entry = kp->img.pvh_entry; /* known once the whole ELF has passed */
    if ((r = setup_store_ring(domid, md, src->cmdline, cmdline, sizeof(cmdline))) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r,
                    md->service == SERVICE_XENSTORE ? "XenStore client ring" : "XenStore ring");
    if ((r = write_start_info(domid, kp, cmdline)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "write start_info");
    if ((r = mgmt_call(MGMT_VCPU_SET_PVH, &pvh, sizeof(pvh))) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "set entry");
    if ((step = schedule(domid, md, f)) != NULL)
        return step;
    if ((r = console_prepare(domid, md)) != 0 || (r = console_ioports(domid, md)) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "console ring or ioports");
    if ((step = assign_pci(domid, md, f)) != NULL)
        return step;
    /* Before it runs, so it never sees itself without them. A new domain
     * holds none, so "none" needs no call. */
    if (md->caps && (r = mgmt_call(MGMT_CAP_GRANT, &g, sizeof(g))) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "caps");
    if ((step = introduce(domid, md, f)) != NULL)
        return step;
    if ((step = attach_devices(domid, md, f)) != NULL)
        return step;
    if ((r = mgmt_call(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u))) != 0)
        return fail(f, BUILD_FIELD_MACHINE, 0, r, "unpause");
    if (md->service == SERVICE_XENSTORE)
        store_service_started();
    console_service_started(md);
    return NULL;
}

/* What a refused MGMT_DOMAIN_CREATE was about. */
static uint16_t create_field(long r)
{
    switch (-r) {
    case XEN_ENOMEM: return BUILD_FIELD_MEMORY;
    case XEN_EINVAL: return BUILD_FIELD_NAME;
    default: return BUILD_FIELD_MACHINE;
    }
}

int construct_domain(const struct manifest_domain *md, const struct construct_source *src, struct construct_failure *f)
{
    static struct kernel_plan kp; /* one domain is built at a time */
    uint64_t max_mib = md->maxmem_mib ? md->maxmem_mib : md->memory_mib;
    struct mgmt_domain_create c;
    struct mgmt_domain_destroy x;
    const char *step;
    long r;

    memset(f, 0, sizeof(*f));
    if (plan_kernel(md, src, &kp, f) != 0)
        return -1;
    memset(&c, 0, sizeof(c));
    strncpy(c.name, md->name, sizeof(c.name) - 1);
    c.nr_vcpus = md->vcpus;
    c.max_pages = (max_mib << 8) + console_extra_pages(md);
    if ((r = mgmt_call(MGMT_DOMAIN_CREATE, &c, sizeof(c))) != 0) {
        printf("builder: %s: create refused for %llu MiB, %u vCPU%s: %s\n", md->name, (unsigned long long)max_mib,
               md->vcpus, md->vcpus == 1 ? "" : "s", construct_errname(r));
        fail(f, create_field(r), 0, r, "create");
        snprintf(f->why, sizeof(f->why), "%s: create refused for %llu MiB, %u vCPU%s: %s",
                 buildreq_field_name(f->field), (unsigned long long)max_mib, md->vcpus, md->vcpus == 1 ? "" : "s",
                 construct_errname(r));
        image_close(&kp.img);
        return -1;
    }
    step = build_steps(c.domid, md, src, &kp, f);
    image_close(&kp.img); /* the decoder's memory back before the next domain */
    if (step) {
        printf("builder: %s: %s refused: %s\n", md->name, step, construct_errname(f->err));
        construct_detach_devices(c.domid, md, 0); /* those written before the failure */
        x = (struct mgmt_domain_destroy){ .domid = c.domid };
        mgmt_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x));
        return -1;
    }
    printf("builder: started d%u '%s' from %s: %llu MiB, %u vCPU%s\n", c.domid, md->name, src->kernel_name,
           (unsigned long long)md->memory_mib, md->vcpus, md->vcpus == 1 ? "" : "s");
    return c.domid;
}
