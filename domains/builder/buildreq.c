/* SPDX-License-Identifier: MIT */
/*
 * The build service's request decoder (buildreq.h). The spec is the
 * client's: every field is range-checked, every text must end inside its
 * field with only zero bytes after it, every reserved byte and unused
 * slot must be zero, and the disk and vif specs go through lib/xl's
 * parsers, the manifest's own. Errors name the field and say why in one
 * line.
 */
#include "buildreq.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/mgmt.h"
#include "idl/xen_errno.h"

#define PAGE_SIZE 4096u

_Static_assert(BUILD_KERNEL_MAX == (uint64_t)BUILD_KERNEL_INDEX_MAX * BUILD_REFS_PER_INDEX * PAGE_SIZE,
               "the kernel's index pages name exactly its largest size");
_Static_assert(BUILD_RAMDISK_MAX == (uint64_t)BUILD_RAMDISK_INDEX_MAX * BUILD_REFS_PER_INDEX * PAGE_SIZE,
               "the ramdisk's index pages name exactly its largest size");
_Static_assert(BUILD_REFS_PER_INDEX * sizeof(uint32_t) == PAGE_SIZE, "an index page is a page of refs");
_Static_assert(BUILD_KERNEL_INDEX_MAX <= BUILD_RAMDISK_INDEX_MAX, "buildreq_image.index holds either");
_Static_assert(BUILD_NAME_MAX == MANIFEST_NAME_MAX && BUILD_NAME_MAX == MGMT_NAME_MAX, "one name size");
_Static_assert(BUILD_DISKS_MAX <= MANIFEST_MAX_DISKS && BUILD_VIFS_MAX <= MANIFEST_MAX_VIFS, "devices fit");
_Static_assert(BUILD_VCPUS_MAX <= MANIFEST_MAX_VCPUS, "vCPU masks fit");
_Static_assert(BUILD_DEVSPEC_MAX <= XL_DISK_SPEC_MAX + 1 && BUILD_DEVSPEC_MAX <= XL_VIF_SPEC_MAX + 1,
               "a spec the field holds is one xl takes");
_Static_assert(BUILD_CMDLINE_MAX <= 4096, "the command line fits the builder's page for it");

#define WEIGHT_MAX   65535
#define CAP_PER_VCPU 100
#define ALL_CPUS     (~0ull)

static const char *const field_names[] = {
    [BUILD_FIELD_NONE] = "none",     [BUILD_FIELD_OP] = "op",           [BUILD_FIELD_RESERVED] = "reserved",
    [BUILD_FIELD_SPEC] = "spec",     [BUILD_FIELD_NAME] = "name",       [BUILD_FIELD_MEMORY] = "memory",
    [BUILD_FIELD_MAXMEM] = "maxmem", [BUILD_FIELD_VCPUS] = "vcpus",     [BUILD_FIELD_CPUS] = "cpus",
    [BUILD_FIELD_WEIGHT] = "weight", [BUILD_FIELD_CAP] = "cap",         [BUILD_FIELD_CMDLINE] = "cmdline",
    [BUILD_FIELD_KERNEL] = "kernel", [BUILD_FIELD_RAMDISK] = "ramdisk", [BUILD_FIELD_DISK] = "disk",
    [BUILD_FIELD_VIF] = "vif",       [BUILD_FIELD_CLIENT] = "client",   [BUILD_FIELD_MACHINE] = "machine",
    [BUILD_FIELD_DOMAIN] = "domain", [BUILD_FIELD_KIND] = "kind",       [BUILD_FIELD_DEVICE] = "device",
};

const char *buildreq_field_name(uint16_t field)
{
    return field < sizeof(field_names) / sizeof(field_names[0]) && field_names[field] ? field_names[field] : "?";
}

/* The error: status, field, index, and why as "FIELD: what". */
__attribute__((format(printf, 5, 6))) static int refuse(struct construct_failure *err, int status, uint16_t field,
                                                        uint32_t index, const char *fmt, ...)
{
    va_list ap;
    int n;

    err->err = status;
    err->field = field;
    err->index = index;
    n = snprintf(err->why, sizeof(err->why), "%s: ", buildreq_field_name(field));
    va_start(ap, fmt);
    vsnprintf(err->why + n, sizeof(err->why) - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* A text field of cap bytes: why it is not a NUL-terminated string of
 * bytes from lo to 0x7e with zeros after it, or NULL; its length in *len. */
static const char *text_fault(const char *buf, size_t cap, char lo, size_t *len)
{
    size_t n = strnlen(buf, cap);

    *len = n;
    if (n == cap)
        return "not NUL-terminated in its field";
    for (size_t i = 0; i < n; i++)
        if (buf[i] < lo || buf[i] > '~')
            return lo == ' ' ? "a byte that is not printable" : "a byte that is a blank or not printable";
    if (!all_zero(buf + n, cap - n))
        return "bytes after the NUL that are not zero";
    return NULL;
}

int buildreq_check_request(const struct build_request *req, struct construct_failure *err)
{
    if (req->op != BUILD_OP_BUILD && req->op != BUILD_OP_ATTACH && req->op != BUILD_OP_DETACH)
        return refuse(err, -XEN_ENOSYS, BUILD_FIELD_OP, 0, "%u is no operation (want %u to %u)", req->op,
                      BUILD_OP_BUILD, BUILD_OP_DETACH);
    if (!all_zero(req->reserved, sizeof(req->reserved)))
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_RESERVED, 0, "the request's reserved bytes are not zero");
    return 0;
}

static int decode_name(const struct build_spec *s, struct buildreq_plan *p, struct construct_failure *err)
{
    size_t len;
    const char *fault = text_fault(s->name, sizeof(s->name), '!', &len);

    if (fault)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "%s (at most %u bytes, printable, no blank)", fault,
                      BUILD_NAME_MAX - 1);
    if (!len)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_NAME, 0, "empty");
    memcpy(p->md.name, s->name, len + 1);
    return 0;
}

/* vcpus, memory, maxmem, weight, cap. */
static int decode_numbers(const struct build_spec *s, struct buildreq_plan *p, struct construct_failure *err)
{
    struct manifest_domain *md = &p->md;

    if (s->vcpus < 1 || s->vcpus > BUILD_VCPUS_MAX)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_VCPUS, 0, "%u (want 1 to %u)", s->vcpus, BUILD_VCPUS_MAX);
    if (s->memory_mib < 1 || s->memory_mib > BUILD_MEMORY_MAX_MIB)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_MEMORY, 0, "%llu MiB (want 1 to %u)",
                      (unsigned long long)s->memory_mib, BUILD_MEMORY_MAX_MIB);
    if (s->maxmem_mib && (s->maxmem_mib < s->memory_mib || s->maxmem_mib > BUILD_MEMORY_MAX_MIB))
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_MAXMEM, 0, "%llu MiB (want 0, or memory's %llu to %u)",
                      (unsigned long long)s->maxmem_mib, (unsigned long long)s->memory_mib, BUILD_MEMORY_MAX_MIB);
    if (s->weight > WEIGHT_MAX)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_WEIGHT, 0, "%u (want 0 for %u, or 1 to %u)", s->weight,
                      BUILD_WEIGHT_DEFAULT, WEIGHT_MAX);
    if (s->cap > CAP_PER_VCPU * s->vcpus)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_CAP, 0, "%u%% (want at most %u%% for %u vCPU%s)", s->cap,
                      CAP_PER_VCPU * s->vcpus, s->vcpus, s->vcpus == 1 ? "" : "s");
    md->vcpus = s->vcpus;
    md->memory_mib = s->memory_mib;
    md->maxmem_mib = s->maxmem_mib ? s->maxmem_mib : s->memory_mib;
    md->weight = s->weight ? s->weight : BUILD_WEIGHT_DEFAULT;
    md->cap = s->cap;
    return 0;
}

/* Every vCPU's CPUs: its own mask, else the domain's, else all. */
static int decode_cpus(const struct build_spec *s, struct buildreq_plan *p, struct construct_failure *err)
{
    struct manifest_domain *md = &p->md;

    md->cpumask = s->cpus ? s->cpus : ALL_CPUS;
    for (uint32_t v = s->vcpus; v < BUILD_VCPUS_MAX; v++)
        if (s->vcpu_cpus[v])
            return refuse(err, -XEN_EINVAL, BUILD_FIELD_CPUS, v, "a mask for vCPU %u of %u", v, s->vcpus);
    for (uint32_t v = 0; v < s->vcpus; v++)
        md->vcpu_cpumask[v] = s->vcpu_cpus[v] ? s->vcpu_cpus[v] : md->cpumask;
    md->nr_vcpu_cpumasks = s->vcpus;
    return 0;
}

static int decode_cmdline(const struct build_spec *s, struct buildreq_plan *p, struct construct_failure *err)
{
    size_t len;
    const char *fault = text_fault(s->cmdline, sizeof(s->cmdline), ' ', &len);

    if (fault)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_CMDLINE, 0, "%s (at most %u bytes)", fault, BUILD_CMDLINE_MAX - 1);
    memcpy(p->cmdline, s->cmdline, len + 1);
    return 0;
}

/* An image's size and index refs: at most max bytes, 0 allowed only for
 * a ramdisk, refs past those its pages need all 0. */
static int decode_image(uint16_t field, uint64_t size, uint64_t max, const uint32_t *index, uint32_t nindex,
                        struct buildreq_image *img, struct construct_failure *err)
{
    if (size > max)
        return refuse(err, -XEN_E2BIG, field, 0, "%llu bytes (at most %llu)", (unsigned long long)size,
                      (unsigned long long)max);
    if (!size && field == BUILD_FIELD_KERNEL)
        return refuse(err, -XEN_EINVAL, field, 0, "size 0: a build needs a kernel");
    img->size = size;
    img->pages = (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
    img->index_pages = (img->pages + BUILD_REFS_PER_INDEX - 1) / BUILD_REFS_PER_INDEX;
    for (uint32_t i = img->index_pages; i < nindex; i++)
        if (index[i])
            return refuse(err, -XEN_EINVAL, field, i, "index ref %u given in slot %u past the %u its size needs",
                          index[i], i, img->index_pages);
    memcpy(img->index, index, img->index_pages * sizeof(index[0]));
    return 0;
}

/* The checks of a disk beyond its spec's, as the manifest's: a backend
 * that is not the domain itself, and no device twice. */
static int disk_fits(const struct manifest_domain *md, unsigned i, struct construct_failure *err)
{
    const struct xl_disk *disk = &md->disks[i];

    if (!disk->backend[0] || !strcmp(disk->backend, md->name))
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_DISK, i,
                      "%u (%s): name the driver domain that serves it with backend=NAME", i, disk->vdev);
    for (unsigned k = 0; k < i; k++)
        if (md->disks[k].devid == disk->devid)
            return refuse(err, -XEN_EEXIST, BUILD_FIELD_DISK, i, "%u (%s) is the same device as disk %u (%s)", i,
                          disk->vdev, k, md->disks[k].vdev);
    return 0;
}

/* A vif's: a backend that is not the domain itself, and no MAC twice. */
static int vif_fits(const struct manifest_domain *md, unsigned i, struct construct_failure *err)
{
    const struct xl_vif *vif = &md->vifs[i];

    if (!vif->backend[0] || !strcmp(vif->backend, md->name))
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_VIF, i,
                      "%u: name the driver domain that serves it with backend=NAME", i);
    for (unsigned k = 0; k < i && vif->mac_given; k++)
        if (!memcmp(md->vifs[k].mac, vif->mac, sizeof(vif->mac))) /* one not given is zero, or drawn already */
            return refuse(err, -XEN_EEXIST, BUILD_FIELD_VIF, i, "%u has the MAC of vif %u", i, k);
    return 0;
}

int buildreq_device_fits(const struct manifest_domain *md, uint32_t kind, unsigned i, struct construct_failure *err)
{
    return kind == BUILD_DEVICE_DISK ? disk_fits(md, i, err) : vif_fits(md, i, err);
}

/* The disk or vif specs of one list: count at most max, each a text xl
 * takes, the slots past count all zero. */
static int decode_devices(uint16_t field, const struct build_devspec *specs, uint32_t count, uint32_t max,
                          struct buildreq_plan *p, struct construct_failure *err)
{
    char why[XL_VIF_WHY_MAX > XL_DISK_WHY_MAX ? XL_VIF_WHY_MAX : XL_DISK_WHY_MAX];
    struct manifest_domain *md = &p->md;

    if (count > max)
        return refuse(err, -XEN_E2BIG, field, 0, "%u of them (at most %u)", count, max);
    for (uint32_t i = count; i < max; i++)
        if (!all_zero(specs[i].spec, sizeof(specs[i].spec)))
            return refuse(err, -XEN_EINVAL, field, i, "slot %u past the %u given is not all zero", i, count);
    for (uint32_t i = 0; i < count; i++) {
        size_t len;
        const char *fault = text_fault(specs[i].spec, sizeof(specs[i].spec), ' ', &len);
        int r;
        if (fault)
            return refuse(err, -XEN_EINVAL, field, i, "%u: %s (at most %u bytes)", i, fault, BUILD_DEVSPEC_MAX - 1);
        why[0] = '\0';
        r = field == BUILD_FIELD_DISK ? xl_disk_parse(specs[i].spec, &md->disks[i], why, sizeof(why))
                                      : xl_vif_parse(specs[i].spec, &md->vifs[i], why, sizeof(why));
        if (r)
            return refuse(err, -XEN_EINVAL, field, i, "%u: %s", i, why);
        if (field == BUILD_FIELD_VIF && why[0] && !p->vif_warning[0])
            snprintf(p->vif_warning, sizeof(p->vif_warning), "vif %u: %.80s", i, why);
        if (field == BUILD_FIELD_VIF)
            md->vifs[i].handle = i;
        r = field == BUILD_FIELD_DISK ? disk_fits(md, i, err) : vif_fits(md, i, err);
        if (r)
            return r;
    }
    if (field == BUILD_FIELD_DISK)
        md->nr_disks = count;
    else
        md->nr_vifs = count;
    return 0;
}

int buildreq_decode(const struct build_spec *s, struct buildreq_plan *p, struct construct_failure *err)
{
    int r;

    memset(p, 0, sizeof(*p));
    memset(err, 0, sizeof(*err));
    if (s->version != BUILD_SPEC_VERSION)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_SPEC, 0, "version %u (want %u)", s->version, BUILD_SPEC_VERSION);
    if (!all_zero(s->reserved, sizeof(s->reserved)))
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_RESERVED, 0, "the spec's reserved bytes are not zero");
    if ((r = decode_name(s, p, err)) != 0 || (r = decode_numbers(s, p, err)) != 0 ||
        (r = decode_cpus(s, p, err)) != 0 || (r = decode_cmdline(s, p, err)) != 0)
        return r;
    if ((r = decode_image(BUILD_FIELD_KERNEL, s->kernel_size, BUILD_KERNEL_MAX, s->kernel_index, BUILD_KERNEL_INDEX_MAX,
                          &p->kernel, err)) != 0 ||
        (r = decode_image(BUILD_FIELD_RAMDISK, s->ramdisk_size, BUILD_RAMDISK_MAX, s->ramdisk_index,
                          BUILD_RAMDISK_INDEX_MAX, &p->ramdisk, err)) != 0)
        return r;
    if ((r = decode_devices(BUILD_FIELD_DISK, s->disks, s->nr_disks, BUILD_DISKS_MAX, p, err)) != 0 ||
        (r = decode_devices(BUILD_FIELD_VIF, s->vifs, s->nr_vifs, BUILD_VIFS_MAX, p, err)) != 0)
        return r;
    /* What the manifest would have for a domain without these keys. */
    p->md.on_poweroff = p->md.on_reboot = p->md.on_crash = ACTION_DESTROY;
    p->md.service = SERVICE_NONE;
    p->md.valid = true;
    return 0;
}

uint32_t buildreq_page_len(const struct buildreq_image *img, uint32_t page)
{
    uint64_t start = (uint64_t)page * PAGE_SIZE;

    if (start >= img->size)
        return 0;
    return img->size - start < PAGE_SIZE ? (uint32_t)(img->size - start) : PAGE_SIZE;
}

/* What a detach names: a disk's vdev or number (xl_vdev_devid), a vif's
 * handle or MAC (xl_vif_name_parse). */
static int decode_detach_name(const char *name, struct buildreq_device *d, struct construct_failure *err)
{
    if (d->kind == BUILD_DEVICE_DISK)
        return xl_vdev_devid(name, &d->devid) == 0
                   ? 0
                   : refuse(err, -XEN_EINVAL, BUILD_FIELD_DEVICE, 0, "'%s' is no virtual device name or number", name);
    return xl_vif_name_parse(name, &d->devid, d->mac, &d->by_mac) == 0
               ? 0
               : refuse(err, -XEN_EINVAL, BUILD_FIELD_DEVICE, 0, "'%s' is no vif handle or MAC", name);
}

int buildreq_decode_device(uint32_t op, const struct build_device *dev, struct buildreq_device *d,
                           struct construct_failure *err)
{
    char why[XL_VIF_WHY_MAX > XL_DISK_WHY_MAX ? XL_VIF_WHY_MAX : XL_DISK_WHY_MAX];
    const char *fault;
    size_t len;
    int r;

    memset(d, 0, sizeof(*d));
    memset(err, 0, sizeof(*err));
    if (dev->version != BUILD_DEVICE_VERSION)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_SPEC, 0, "version %u (want %u)", dev->version,
                      BUILD_DEVICE_VERSION);
    if (dev->reserved0 || dev->reserved1 || !all_zero(dev->reserved, sizeof(dev->reserved)))
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_RESERVED, 0, "the device page's reserved bytes are not zero");
    if (dev->kind != BUILD_DEVICE_DISK && dev->kind != BUILD_DEVICE_VIF)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_KIND, 0, "%u is no kind (want %u, disk, or %u, vif)", dev->kind,
                      BUILD_DEVICE_DISK, BUILD_DEVICE_VIF);
    d->kind = dev->kind;
    d->domid = dev->domid;
    if ((fault = text_fault(dev->spec, sizeof(dev->spec), ' ', &len)) != NULL)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_DEVICE, 0, "%s (at most %u bytes)", fault, BUILD_DEVSPEC_MAX - 1);
    if (op == BUILD_OP_DETACH)
        return len ? decode_detach_name(dev->spec, d, err)
                   : refuse(err, -XEN_EINVAL, BUILD_FIELD_DEVICE, 0, "no device named");
    why[0] = '\0';
    r = d->kind == BUILD_DEVICE_DISK ? xl_disk_parse(dev->spec, &d->disk, why, sizeof(why))
                                     : xl_vif_parse(dev->spec, &d->vif, why, sizeof(why));
    if (r)
        return refuse(err, -XEN_EINVAL, BUILD_FIELD_DEVICE, 0, "%s", why);
    if (d->kind == BUILD_DEVICE_VIF && why[0])
        snprintf(d->warning, sizeof(d->warning), "%.100s", why);
    d->devid = d->kind == BUILD_DEVICE_DISK ? d->disk.devid : 0;
    return 0;
}
