/* SPDX-License-Identifier: MIT */
/*
 * One hot-plug request carried out (service_priv.h): xl's block-attach,
 * block-detach, network-attach and network-detach for a running domain
 * built for the client. The device page is copied and decoded in full
 * (buildreq.c) and checked against the domain's devices before any node
 * is written; the nodes are written and removed by the code a build uses
 * (construct.c over vbd.c, vif.c and devnodes.c). A detach waits for the
 * guest to close the device, as libxl does, and removes its nodes even
 * when the guest never answers (xl's -f).
 */
#include <stdio.h>
#include <string.h>

#include "buildreq.h"
#include "construct.h"
#include "entropy.h"
#include "idl/xen_errno.h"
#include "service_priv.h"
#include "upload.h"
#include "vif.h"

/* The first vif handle md does not use. */
static uint32_t free_handle(const struct manifest_domain *md)
{
    uint32_t h = 0;

    for (unsigned i = 0; i < md->nr_vifs; i++)
        if (md->vifs[i].handle == h) {
            h++;
            i = (unsigned)-1; /* look again from the first */
        }
    return h;
}

static long refuse(struct construct_failure *f, long err, uint16_t field, const char *why)
{
    f->err = err;
    f->field = field;
    snprintf(f->why, sizeof(f->why), "%s", why);
    return err;
}

/* The device added to md (the table's entry) once its nodes are written. */
static long attach(uint16_t client, uint16_t domid, struct manifest_domain *md, const struct buildreq_device *d,
                   struct construct_failure *f, uint32_t *devid)
{
    bool disk = d->kind == BUILD_DEVICE_DISK;
    unsigned i = disk ? md->nr_disks : md->nr_vifs;

    if (i == (disk ? (unsigned)BUILD_DISKS_MAX : (unsigned)BUILD_VIFS_MAX))
        return refuse(f, -XEN_E2BIG, BUILD_FIELD_DEVICE,
                      disk ? "device: the domain has 4 disks already" : "device: the domain has 4 vifs already");
    md->device_reader = client; /* its current instance lists them */
    if (disk)
        md->disks[i] = d->disk;
    else {
        md->vifs[i] = d->vif;
        md->vifs[i].handle = free_handle(md);
        if (!md->vifs[i].mac_given)
            xl_vif_random_mac(md->vifs[i].mac, entropy_bits(NULL));
    }
    if (buildreq_device_fits(md, d->kind, i, f) == -XEN_EEXIST) {
        char mac[18];
        vif_mac_text(d->vif.mac, mac);
        refuse(f, -XEN_EEXIST, BUILD_FIELD_DEVICE, "");
        snprintf(f->why, sizeof(f->why), "device: the domain has %s %s already", disk ? "a disk" : "a vif with MAC",
                 disk ? d->disk.vdev : mac);
        return f->err;
    }
    if (f->err || construct_attach_device(domid, md, disk, i, f) != 0) {
        f->field = f->field == BUILD_FIELD_MACHINE ? BUILD_FIELD_MACHINE : BUILD_FIELD_DEVICE;
        return f->err;
    }
    *devid = disk ? md->disks[i].devid : md->vifs[i].handle;
    if (disk)
        md->nr_disks++;
    else
        md->nr_vifs++;
    return 0;
}

/* Which of md's devices d names, or -1. */
static int find(const struct manifest_domain *md, const struct buildreq_device *d)
{
    if (d->kind == BUILD_DEVICE_DISK) {
        for (unsigned i = 0; i < md->nr_disks; i++)
            if (md->disks[i].devid == d->devid)
                return (int)i;
        return -1;
    }
    for (unsigned i = 0; i < md->nr_vifs; i++)
        if (d->by_mac ? !memcmp(md->vifs[i].mac, d->mac, sizeof(d->mac)) : md->vifs[i].handle == d->devid)
            return (int)i;
    return -1;
}

/* The device's nodes removed and the device dropped from md. */
static long detach(uint16_t domid, struct manifest_domain *md, const struct buildreq_device *d,
                   struct construct_failure *f, uint32_t *devid)
{
    bool disk = d->kind == BUILD_DEVICE_DISK;
    int i = find(md, d);
    unsigned *nr = disk ? &md->nr_disks : &md->nr_vifs;
    long r;

    if (i < 0)
        return refuse(f, -XEN_ENOENT, BUILD_FIELD_DEVICE,
                      disk ? "device: the domain has no such disk" : "device: the domain has no such vif");
    *devid = disk ? md->disks[i].devid : md->vifs[i].handle;
    r = construct_detach_device(domid, md, disk, (unsigned)i, (uint64_t)BUILD_DETACH_WAIT_MS * 1000000ull, true);
    if (r && r != -XEN_ETIMEDOUT) {
        refuse(f, r, BUILD_FIELD_MACHINE, "");
        snprintf(f->why, sizeof(f->why), "machine: its nodes were not removed: %s",
                 r == -XEN_ESRCH ? "its backend is not running" : construct_errname(r));
        return r;
    }
    /* Gone from the table either way: its nodes are. */
    for (unsigned k = (unsigned)i; k + 1 < *nr; k++) {
        if (disk)
            md->disks[k] = md->disks[k + 1];
        else
            md->vifs[k] = md->vifs[k + 1];
    }
    (*nr)--;
    if (r)
        snprintf(f->why, sizeof(f->why), "device: the guest did not close it within %u ms; removed all the same",
                 BUILD_DETACH_WAIT_MS);
    f->err = r;
    f->field = r ? BUILD_FIELD_DEVICE : BUILD_FIELD_NONE;
    return r;
}

void service_device(uint16_t client, const char *name, const struct build_request *req, struct build_response *rsp)
{
    /* The whole page is copied (upload_spec); the device is its start. */
    static union {
        struct build_device dev;
        struct build_spec spec;
        uint8_t bytes[4096];
    } page __attribute__((aligned(4096)));
    static struct buildreq_device d;
    const char *verb = req->op == BUILD_OP_ATTACH ? "attach" : "detach";
    struct construct_failure f;
    struct manifest_domain *md = NULL;
    uint32_t devid = 0;
    long r;

    _Static_assert(sizeof(page) == 4096, "the device page is one page");
    memset(&f, 0, sizeof(f));
    r = buildreq_check_request(req, &f);
    if (!r)
        r = upload_spec(client, req->spec_ref, &page.spec, &f);
    if (!r)
        r = buildreq_decode_device(req->op, &page.dev, &d, &f);
    if (!r && !(md = service_handed_find(d.domid, name)))
        r = refuse(&f, -XEN_ESRCH, BUILD_FIELD_DOMAIN, "domain: no running domain built for this client");
    if (!r)
        r = req->op == BUILD_OP_ATTACH ? attach(client, d.domid, md, &d, &f, &devid)
                                       : detach(d.domid, md, &d, &f, &devid);
    memset(rsp, 0, sizeof(*rsp));
    rsp->id = req->id;
    rsp->domid = d.domid;
    rsp->status = (int32_t)r;
    rsp->field = f.field;
    rsp->index = r == 0 || r == -XEN_ETIMEDOUT ? devid : f.index;
    snprintf(rsp->why, sizeof(rsp->why), "%s", r ? f.why : "");
    if (!r && d.warning[0])
        printf("builder: d%u '%s': %s request %llu: warning: %s\n", client, name, verb, (unsigned long long)req->id,
               d.warning);
    if (r && r != -XEN_ETIMEDOUT)
        printf("builder: d%u '%s': %s request %llu refused: %s (%s)\n", client, name, verb, (unsigned long long)req->id,
               f.why, construct_errname(r));
    else
        printf("builder: d%u '%s': %s of device %u of d%u done%s\n", client, name, verb, devid, d.domid,
               r ? " (the guest did not close it in time)" : "");
}
