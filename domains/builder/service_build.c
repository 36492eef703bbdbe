/* SPDX-License-Identifier: MIT */
/*
 * One build service request carried out (service_priv.h): decode (the
 * ring entry, then the spec page copied in), check that the client could
 * receive the domain, copy the index pages and the kernel in, build the
 * domain with construct.c (the ramdisk streamed from the client's pages)
 * and hand it to the client. Every refusal is one answer naming the
 * field, and leaves nothing: the kernel's buffer is freed, a domain
 * built is destroyed with its device nodes.
 */
#include <stdio.h>
#include <string.h>

#include "buildreq.h"
#include "construct.h"
#include "entropy.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "mosaic/mgmt.h"
#include "service.h"
#include "service_priv.h"
#include "store.h"
#include "upload.h"

/* The client must be able to receive the domain: a client the builder
 * controls is asked; one handed to another controller is left to the
 * handover's own check. */
static int client_may_receive(uint16_t client, struct construct_failure *f)
{
    struct mgmt_domain_info i = { .domid = client };

    if (mgmt_call(MGMT_DOMAIN_INFO, &i, sizeof(i)) != 0 || (i.caps & MGMT_CAP_DOMAIN_CONTROL))
        return 0;
    f->err = -XEN_EPERM;
    f->field = BUILD_FIELD_CLIENT;
    snprintf(f->why, sizeof(f->why), "client: it holds no control capability (caps = control) to receive the domain");
    return -1;
}

/* A domain built needs a slot in the table of handed domains (its
 * devices, now or attached later). */
static int room_for_devices(struct construct_failure *f)
{
    if (service_handed_room())
        return 0;
    f->err = -XEN_ENOSPC;
    f->field = BUILD_FIELD_MACHINE;
    snprintf(f->why, sizeof(f->why), "machine: the builder has no memory left to look after another domain");
    return -1;
}

/* Gives the new domain to its client; on a refusal it is destroyed. */
static int hand_over(uint16_t client, int domid, const struct manifest_domain *md, struct construct_failure *f)
{
    struct mgmt_domain_handover h = { .domid = (uint16_t)domid, .to = client };
    struct mgmt_domain_destroy x = { .domid = (uint16_t)domid };
    long r = mgmt_call(MGMT_DOMAIN_HANDOVER, &h, sizeof(h));

    if (!r) {
        long s = store_grant_controller((uint16_t)domid, client);
        if (s)
            printf("builder: d%d: its control and memory nodes not opened to client d%u: %s\n", domid, client,
                   construct_errname(s));
        return domid;
    }
    construct_detach_devices((uint16_t)domid, md, 0);
    (void)mgmt_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x));
    f->err = r;
    f->field = BUILD_FIELD_CLIENT;
    snprintf(f->why, sizeof(f->why), "client: the handover to it was refused: %s", construct_errname(r));
    return -1;
}

/* The domain plan describes, from the kernel in memory and the ramdisk
 * streamed from ramdisk_refs, handed to client: its id, or -1. */
static int build(uint16_t client, const char *name, struct buildreq_plan *p, const uint8_t *kernel,
                 const uint32_t *ramdisk_refs, struct construct_failure *f)
{
    static char kernel_name[32];
    const struct upload_stream stream = { .client = client, .img = &p->ramdisk, .refs = ramdisk_refs };
    const struct construct_source src = { .kernel_name = kernel_name,
                                          .kernel = kernel,
                                          .kernel_size = (size_t)p->kernel.size,
                                          .ramdisk_size = p->ramdisk.size,
                                          .ramdisk_copy = upload_ramdisk,
                                          .ramdisk_ctx = (void *)&stream,
                                          .cmdline = p->cmdline };
    int domid;

    snprintf(kernel_name, sizeof(kernel_name), "d%u's upload", client);
    p->md.device_reader = client; /* xl block-list and network-list */
    for (unsigned i = 0; i < p->md.nr_vifs; i++)
        if (!p->md.vifs[i].mac_given)
            xl_vif_random_mac(p->md.vifs[i].mac, entropy_bits(NULL));
    if ((domid = construct_domain(&p->md, &src, f)) < 0 || hand_over(client, domid, &p->md, f) < 0)
        return -1;
    service_handed_add((uint16_t)domid, &p->md, name);
    return domid;
}

void service_build(uint16_t client, const char *name, const struct build_request *req, struct build_response *rsp)
{
    static struct build_spec spec __attribute__((aligned(4096)));
    static uint32_t kernel_refs[BUILD_KERNEL_INDEX_MAX * BUILD_REFS_PER_INDEX] __attribute__((aligned(4096)));
    static uint32_t ramdisk_refs[BUILD_RAMDISK_INDEX_MAX * BUILD_REFS_PER_INDEX] __attribute__((aligned(4096)));
    static struct buildreq_plan plan;
    struct construct_failure f;
    uint8_t *kernel = NULL;
    int domid = -1;

    memset(&f, 0, sizeof(f));
    if (buildreq_check_request(req, &f) == 0 && upload_spec(client, req->spec_ref, &spec, &f) == 0 &&
        buildreq_decode(&spec, &plan, &f) == 0 && client_may_receive(client, &f) == 0 && room_for_devices(&f) == 0 &&
        upload_index(client, BUILD_FIELD_KERNEL, &plan.kernel, kernel_refs, &f) == 0 &&
        upload_index(client, BUILD_FIELD_RAMDISK, &plan.ramdisk, ramdisk_refs, &f) == 0 &&
        (kernel = upload_kernel(client, &plan.kernel, kernel_refs, &f)) != NULL) {
        if (plan.vif_warning[0])
            printf("builder: d%u '%s': build request %llu: warning for %s\n", client, name, (unsigned long long)req->id,
                   plan.vif_warning);
        domid = build(client, name, &plan, kernel, ramdisk_refs, &f);
    }
    upload_free(kernel);
    memset(rsp, 0, sizeof(*rsp));
    rsp->id = req->id;
    if (domid >= 0) {
        rsp->domid = (uint16_t)domid;
        printf("builder: d%d '%s' built for d%u '%s' (request %llu) and handed to it\n", domid, plan.md.name, client,
               name, (unsigned long long)req->id);
        return;
    }
    rsp->status = (int32_t)f.err;
    rsp->field = f.field;
    rsp->index = f.index;
    snprintf(rsp->why, sizeof(rsp->why), "%s", f.why);
    printf("builder: d%u '%s': build request %llu refused: %s (%s)\n", client, name, (unsigned long long)req->id, f.why,
           construct_errname(f.err));
}
