/* SPDX-License-Identifier: MIT */
/*
 * The reference of buildreq_model.h. Each rule is one test in sequence,
 * as idl/build.idl states it; xl's disk and vif syntax is the one thing
 * taken from the same code (lib/xl), since the decoder must agree with
 * the manifest's parser there by design.
 */
#include "buildreq_model.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

#define MODEL_PAGE 4096u

static struct buildreq_expect ok(void)
{
    return (struct buildreq_expect){ 0, BUILD_FIELD_NONE, 0 };
}

static struct buildreq_expect no(int status, uint16_t field, uint32_t index)
{
    return (struct buildreq_expect){ status, field, index };
}

/* A text field: terminated, bytes lo..'~' before the NUL, zeros after. */
static bool text_ok(const char *t, size_t cap, int lo)
{
    size_t i = 0;

    while (i < cap && t[i])
        if (t[i] < lo || t[i++] > '~')
            return false;
    if (i == cap)
        return false;
    for (; i < cap; i++)
        if (t[i])
            return false;
    return true;
}

static bool zero(const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((const uint8_t *)p)[i])
            return false;
    return true;
}

struct buildreq_expect buildreq_model_request(const struct build_request *req)
{
    if (req->op != BUILD_OP_BUILD && req->op != BUILD_OP_ATTACH && req->op != BUILD_OP_DETACH)
        return no(-XEN_ENOSYS, BUILD_FIELD_OP, 0);
    if (!zero(req->reserved, sizeof(req->reserved)))
        return no(-XEN_EINVAL, BUILD_FIELD_RESERVED, 0);
    return ok();
}

/* An image's size and its index slots: the expect, or ok. */
static struct buildreq_expect image(uint16_t field, uint64_t size, uint64_t max, const uint32_t *index, unsigned slots)
{
    uint64_t pages = (size + MODEL_PAGE - 1) / MODEL_PAGE;
    uint64_t used = (pages + BUILD_REFS_PER_INDEX - 1) / BUILD_REFS_PER_INDEX;

    if (size > max)
        return no(-XEN_E2BIG, field, 0);
    if (size == 0 && field == BUILD_FIELD_KERNEL)
        return no(-XEN_EINVAL, field, 0);
    for (unsigned i = (unsigned)used; i < slots; i++)
        if (index[i])
            return no(-XEN_EINVAL, field, i);
    return ok();
}

/* The disks or the vifs of s: the expect, or ok. */
static struct buildreq_expect devices(const struct build_spec *s, uint16_t field)
{
    const struct build_devspec *d = field == BUILD_FIELD_DISK ? s->disks : s->vifs;
    uint32_t n = field == BUILD_FIELD_DISK ? s->nr_disks : s->nr_vifs;
    uint32_t max = field == BUILD_FIELD_DISK ? BUILD_DISKS_MAX : BUILD_VIFS_MAX;
    struct xl_disk disks[BUILD_DISKS_MAX];
    struct xl_vif vifs[BUILD_VIFS_MAX];
    char why[XL_VIF_WHY_MAX + XL_DISK_WHY_MAX];

    if (n > max)
        return no(-XEN_E2BIG, field, 0);
    for (uint32_t i = n; i < max; i++)
        if (!zero(d[i].spec, sizeof(d[i].spec)))
            return no(-XEN_EINVAL, field, i);
    for (uint32_t i = 0; i < n; i++) {
        const char *backend;
        if (!text_ok(d[i].spec, sizeof(d[i].spec), ' '))
            return no(-XEN_EINVAL, field, i);
        if (field == BUILD_FIELD_DISK ? xl_disk_parse(d[i].spec, &disks[i], why, sizeof(why)) != 0
                                      : xl_vif_parse(d[i].spec, &vifs[i], why, sizeof(why)) != 0)
            return no(-XEN_EINVAL, field, i);
        backend = field == BUILD_FIELD_DISK ? disks[i].backend : vifs[i].backend;
        if (!backend[0] || !strcmp(backend, s->name))
            return no(-XEN_EINVAL, field, i);
        for (uint32_t k = 0; k < i; k++) {
            bool same = field == BUILD_FIELD_DISK
                            ? disks[k].devid == disks[i].devid
                            : vifs[k].mac_given && vifs[i].mac_given && !memcmp(vifs[k].mac, vifs[i].mac, 6);
            if (same)
                return no(-XEN_EEXIST, field, i);
        }
    }
    return ok();
}

struct buildreq_expect buildreq_model_spec(const struct build_spec *s)
{
    struct buildreq_expect e;

    if (s->version != BUILD_SPEC_VERSION)
        return no(-XEN_EINVAL, BUILD_FIELD_SPEC, 0);
    if (!zero(s->reserved, sizeof(s->reserved)))
        return no(-XEN_EINVAL, BUILD_FIELD_RESERVED, 0);
    if (!text_ok(s->name, sizeof(s->name), '!') || !s->name[0])
        return no(-XEN_EINVAL, BUILD_FIELD_NAME, 0);
    if (s->vcpus < 1 || s->vcpus > BUILD_VCPUS_MAX)
        return no(-XEN_EINVAL, BUILD_FIELD_VCPUS, 0);
    if (s->memory_mib < 1 || s->memory_mib > BUILD_MEMORY_MAX_MIB)
        return no(-XEN_EINVAL, BUILD_FIELD_MEMORY, 0);
    if (s->maxmem_mib != 0 && (s->maxmem_mib < s->memory_mib || s->maxmem_mib > BUILD_MEMORY_MAX_MIB))
        return no(-XEN_EINVAL, BUILD_FIELD_MAXMEM, 0);
    if (s->weight > 65535)
        return no(-XEN_EINVAL, BUILD_FIELD_WEIGHT, 0);
    if (s->cap > 100u * s->vcpus)
        return no(-XEN_EINVAL, BUILD_FIELD_CAP, 0);
    for (uint32_t v = s->vcpus; v < BUILD_VCPUS_MAX; v++)
        if (s->vcpu_cpus[v])
            return no(-XEN_EINVAL, BUILD_FIELD_CPUS, v);
    if (!text_ok(s->cmdline, sizeof(s->cmdline), ' '))
        return no(-XEN_EINVAL, BUILD_FIELD_CMDLINE, 0);
    e = image(BUILD_FIELD_KERNEL, s->kernel_size, BUILD_KERNEL_MAX, s->kernel_index, BUILD_KERNEL_INDEX_MAX);
    if (e.status)
        return e;
    e = image(BUILD_FIELD_RAMDISK, s->ramdisk_size, BUILD_RAMDISK_MAX, s->ramdisk_index, BUILD_RAMDISK_INDEX_MAX);
    if (e.status)
        return e;
    e = devices(s, BUILD_FIELD_DISK);
    return e.status ? e : devices(s, BUILD_FIELD_VIF);
}

/* An accepted image: its pages and index refs, from the spec. */
static const char *image_plan(const struct buildreq_image *img, uint64_t size, const uint32_t *index)
{
    uint32_t pages = (uint32_t)((size + MODEL_PAGE - 1) / MODEL_PAGE);

    if (img->size != size || img->pages != pages ||
        img->index_pages != (pages + BUILD_REFS_PER_INDEX - 1) / BUILD_REFS_PER_INDEX)
        return "an image's size, pages or index pages";
    if (memcmp(img->index, index, img->index_pages * sizeof(index[0])))
        return "an image's index refs";
    if (pages && (buildreq_page_len(img, pages - 1) != size - (uint64_t)(pages - 1) * MODEL_PAGE ||
                  buildreq_page_len(img, pages) != 0 || (pages > 1 && buildreq_page_len(img, 0) != MODEL_PAGE)))
        return "an image's page lengths";
    return NULL;
}

/* What an accepted spec must decode to. */
static const char *plan_follows(const struct build_spec *s, const struct buildreq_plan *p)
{
    const struct manifest_domain *md = &p->md;
    uint64_t all = s->cpus ? s->cpus : ~0ull;
    const char *why;

    if (strcmp(md->name, s->name) || strcmp(p->cmdline, s->cmdline))
        return "name or command line not the spec's";
    if (md->vcpus != s->vcpus || md->memory_mib != s->memory_mib ||
        md->maxmem_mib != (s->maxmem_mib ? s->maxmem_mib : s->memory_mib) ||
        md->weight != (s->weight ? s->weight : BUILD_WEIGHT_DEFAULT) || md->cap != s->cap)
        return "vcpus, memory, maxmem, weight or cap not the spec's";
    if (md->cpumask != all || md->nr_vcpu_cpumasks != s->vcpus)
        return "the CPU masks";
    for (uint32_t v = 0; v < s->vcpus; v++)
        if (manifest_vcpu_cpus(md, v) != (s->vcpu_cpus[v] ? s->vcpu_cpus[v] : all))
            return "a vCPU's CPUs";
    if ((why = image_plan(&p->kernel, s->kernel_size, s->kernel_index)) != NULL ||
        (why = image_plan(&p->ramdisk, s->ramdisk_size, s->ramdisk_index)) != NULL)
        return why;
    if (md->nr_disks != s->nr_disks || md->nr_vifs != s->nr_vifs)
        return "the device counts";
    if (md->caps || md->nr_pci || md->nr_ioports || md->service != SERVICE_NONE || md->watch_release ||
        md->build_service || !md->valid)
        return "something the spec cannot ask for";
    if (strnlen(p->vif_warning, sizeof(p->vif_warning)) == sizeof(p->vif_warning))
        return "the vif warning is not terminated";
    return NULL;
}

const char *buildreq_model_check(const struct build_spec *s, int r, const struct buildreq_plan *p,
                                 const struct construct_failure *err)
{
    static char why[160];
    struct buildreq_expect e = buildreq_model_spec(s);
    const char *name = buildreq_field_name(err->field);
    size_t n = strnlen(err->why, sizeof(err->why));

    if (r != e.status || (r && (err->err != e.status || err->field != e.field || err->index != e.index))) {
        snprintf(why, sizeof(why), "answered %d (field %u index %u), the rules say %d (field %u index %u): %.60s", r,
                 err->field, err->index, e.status, e.field, e.index, err->why);
        return why;
    }
    if (r == 0)
        return plan_follows(s, p);
    if (n == sizeof(err->why) || strncmp(err->why, name, strlen(name)) || strncmp(err->why + strlen(name), ": ", 2) ||
        n <= strlen(name) + 2)
        return "the reason is not one terminated line starting with its field";
    for (size_t i = 0; i < n; i++)
        if (err->why[i] < 0x20 || err->why[i] > 0x7e)
            return "the reason has a byte that is not printable";
    return NULL;
}

void buildreq_model_good(struct build_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->version = BUILD_SPEC_VERSION;
    strcpy(s->name, "guest");
    s->vcpus = 1;
    s->memory_mib = 16;
    s->kernel_size = 3 * MODEL_PAGE - 10;
    s->kernel_index[0] = 100;
    s->ramdisk_size = 1000;
    s->ramdisk_index[0] = 101;
    strcpy(s->cmdline, "console=hvc0 root=/dev/xvda");
}

void buildreq_model_devices(struct build_spec *s)
{
    buildreq_model_good(s);
    s->nr_disks = 2;
    strcpy(s->disks[0].spec, "phy:vdb,xvda,w,backend=blkdrv");
    strcpy(s->disks[1].spec, "vdev=xvdb, access=r, backend=blkdrv, target=vdb2");
    s->nr_vifs = 2;
    strcpy(s->vifs[0].spec, "mac=00:16:3e:01:02:03, bridge=xenbr0, backend=netdrv");
    strcpy(s->vifs[1].spec, "script=vif-route, ip=10.0.0.2, backend=netdrv");
}
