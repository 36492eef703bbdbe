/* SPDX-License-Identifier: MIT */
/*
 * What a build request names, granted to the builder: an image's pages
 * and the index pages that list their refs (idl/build.idl), the spec
 * page; and the management calls the checks use to see what the builder
 * left (the domains this client controls, the machine's free frames).
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "buildtest.h"
#include "idl/mgmt.h"
#include "idl/xen_errno.h"
#include "mosaic/mgmt.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"

struct bt_image bt_kernel, bt_ramdisk;

/* Ends n grants, waiting (BT_WAIT_NS at most) while the builder still
 * copies from one: it never maps these, so the wait is short. */
static void end_grants(const grant_ref_t *refs, uint32_t n)
{
    uint64_t end = runtime_time_ns() + BT_WAIT_NS;

    for (uint32_t i = 0; i < n; i++)
        while (gnttab_end_access(refs[i]) == -XEN_EBUSY && runtime_time_ns() < end)
            runtime_sleep_ns(1000000);
}

long bt_image_grant(struct bt_image *img, uint16_t builder, const uint8_t *data, uint64_t size)
{
    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;
    img->pages = (uint32_t)((size + BT_PAGE - 1) / BT_PAGE);
    img->index_pages = (img->pages + BUILD_REFS_PER_INDEX - 1) / BUILD_REFS_PER_INDEX;
    if (img->index_pages > BUILD_RAMDISK_INDEX_MAX ||
        !(img->index = memalign(BT_PAGE, BUILD_RAMDISK_INDEX_MAX * BT_PAGE)))
        return -XEN_ENOMEM;
    memset(img->index, 0, BUILD_RAMDISK_INDEX_MAX * BT_PAGE);
    for (uint32_t i = 0; i < img->pages; i++) {
        grant_ref_t ref;
        if (gnttab_grant_access(builder, data + (size_t)i * BT_PAGE, true, &ref) != 0) {
            end_grants(img->index, i);
            return -XEN_ENOSPC;
        }
        img->index[i] = ref;
    }
    for (uint32_t k = 0; k < img->index_pages; k++)
        if (gnttab_grant_access(builder, (const uint8_t *)img->index + (size_t)k * BT_PAGE, true, &img->iref[k]) != 0) {
            end_grants(img->iref, k);
            end_grants(img->index, img->pages);
            return -XEN_ENOSPC;
        }
    img->granted = true;
    return 0;
}

void bt_image_end(struct bt_image *img)
{
    if (!img->granted)
        return;
    end_grants(img->iref, img->index_pages);
    end_grants(img->index, img->pages);
    free(img->index);
    img->granted = false;
}

long bt_spec_new(struct bt_spec *s, uint16_t builder)
{
    if (!s->spec && !(s->spec = memalign(BT_PAGE, BT_PAGE)))
        return -XEN_ENOMEM;
    memset(s->spec, 0, sizeof(*s->spec));
    s->spec->version = BUILD_SPEC_VERSION;
    return gnttab_grant_access(builder, s->spec, true, &s->ref);
}

void bt_spec_end(struct bt_spec *s)
{
    end_grants(&s->ref, 1);
}

void bt_spec_images(struct build_spec *spec, const struct bt_image *kernel, const struct bt_image *ramdisk)
{
    spec->kernel_size = kernel->size;
    memcpy(spec->kernel_index, kernel->iref, kernel->index_pages * sizeof(kernel->iref[0]));
    if (ramdisk) {
        spec->ramdisk_size = ramdisk->size;
        memcpy(spec->ramdisk_index, ramdisk->iref, ramdisk->index_pages * sizeof(ramdisk->iref[0]));
    }
}

void bt_fill(struct build_spec *spec, const char *name)
{
    snprintf(spec->name, sizeof(spec->name), "%s", name);
    spec->memory_mib = 16;
    spec->vcpus = 1;
    /* hello's clock checks are the runtime's business, and the slowest
     * to pass on a loaded host: not what these builds test. */
    snprintf(spec->cmdline, sizeof(spec->cmdline), "built-by=buildtest notime");
    bt_spec_images(spec, &bt_kernel, &bt_ramdisk);
}

bool bt_domain_gone(uint16_t domid, uint64_t timeout_ns)
{
    uint64_t end = runtime_time_ns() + timeout_ns;

    for (;;) {
        struct mgmt_domain_info i = { .domid = domid };
        if (mgmt_call(MGMT_DOMAIN_INFO, &i, sizeof(i)) == -XEN_ESRCH)
            return true;
        if (runtime_time_ns() >= end)
            return false;
        runtime_sleep_ns(10000000);
    }
}

uint64_t bt_free_pages(void)
{
    struct mgmt_phys_info p;

    memset(&p, 0, sizeof(p));
    return mgmt_call(MGMT_PHYS_INFO, &p, sizeof(p)) == 0 ? p.free_pages : 0;
}

uint64_t bt_wait_free(uint64_t want)
{
    uint64_t end = runtime_time_ns() + BT_WAIT_NS, now;

    while ((now = bt_free_pages()) != want && runtime_time_ns() < end)
        runtime_sleep_ns(20000000);
    return now;
}

unsigned bt_controlled(void)
{
    struct mgmt_domain_list l = { .first = 1 };
    unsigned n = 0;

    for (;;) {
        if (mgmt_call(MGMT_DOMAIN_LIST, &l, sizeof(l)) != 0)
            return n;
        n += l.nr;
        if (l.nr < MGMT_DOMAIN_LIST_MAX)
            return n;
        l.first = (uint16_t)(l.domids[MGMT_DOMAIN_LIST_MAX - 1] + 1);
    }
}

const char *bt_errno(long r)
{
    static char buf[2][32];
    static unsigned turn;
    char *b = buf[turn++ % 2];

    snprintf(b, sizeof(buf[0]), "%ld (%s)", r, r ? runtime_errno_name(-r) : "ok");
    return b;
}
