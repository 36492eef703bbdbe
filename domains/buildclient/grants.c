/* SPDX-License-Identifier: MIT */
/*
 * What a build request names, granted to the builder (buildclient.h): an
 * image's pages and the index pages that list their refs
 * (idl/build.idl), and the spec page.
 */
#include <malloc.h>
#include <string.h>

#include "buildclient.h"
#include "idl/xen_errno.h"
#include "mosaic/time.h"

/* Ends n grants, waiting (BC_WAIT_NS at most) while the builder still
 * copies from one: it never maps these, so the wait is short. */
static void end_grants(const grant_ref_t *refs, uint32_t n)
{
    uint64_t end = runtime_time_ns() + BC_WAIT_NS;

    for (uint32_t i = 0; i < n; i++)
        while (gnttab_end_access(refs[i]) == -XEN_EBUSY && runtime_time_ns() < end)
            runtime_sleep_ns(1000000);
}

long bc_image_grant(struct bc_image *img, uint16_t builder, const uint8_t *data, uint64_t size)
{
    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;
    img->pages = (uint32_t)((size + BC_PAGE - 1) / BC_PAGE);
    img->index_pages = (img->pages + BUILD_REFS_PER_INDEX - 1) / BUILD_REFS_PER_INDEX;
    if (img->index_pages > BUILD_RAMDISK_INDEX_MAX ||
        !(img->index = memalign(BC_PAGE, BUILD_RAMDISK_INDEX_MAX * BC_PAGE)))
        return -XEN_ENOMEM;
    memset(img->index, 0, BUILD_RAMDISK_INDEX_MAX * BC_PAGE);
    for (uint32_t i = 0; i < img->pages; i++) {
        grant_ref_t ref;
        if (gnttab_grant_access(builder, data + (size_t)i * BC_PAGE, true, &ref) != 0) {
            end_grants(img->index, i);
            return -XEN_ENOSPC;
        }
        img->index[i] = ref;
    }
    for (uint32_t k = 0; k < img->index_pages; k++)
        if (gnttab_grant_access(builder, (const uint8_t *)img->index + (size_t)k * BC_PAGE, true, &img->iref[k]) != 0) {
            end_grants(img->iref, k);
            end_grants(img->index, img->pages);
            return -XEN_ENOSPC;
        }
    img->granted = true;
    return 0;
}

void bc_image_end(struct bc_image *img)
{
    if (!img->granted)
        return;
    end_grants(img->iref, img->index_pages);
    end_grants(img->index, img->pages);
    free(img->index);
    img->granted = false;
}

long bc_spec_new(struct bc_spec *s, uint16_t builder)
{
    if (!s->spec && !(s->spec = memalign(BC_PAGE, BC_PAGE)))
        return -XEN_ENOMEM;
    memset(s->spec, 0, sizeof(*s->spec));
    s->spec->version = BUILD_SPEC_VERSION;
    return gnttab_grant_access(builder, s->spec, true, &s->ref);
}

void bc_spec_end(struct bc_spec *s)
{
    end_grants(&s->ref, 1);
}

void bc_spec_images(struct build_spec *spec, const struct bc_image *kernel, const struct bc_image *ramdisk)
{
    spec->kernel_size = kernel->size;
    memcpy(spec->kernel_index, kernel->iref, kernel->index_pages * sizeof(kernel->iref[0]));
    if (ramdisk) {
        spec->ramdisk_size = ramdisk->size;
        memcpy(spec->ramdisk_index, ramdisk->iref, ramdisk->index_pages * sizeof(ramdisk->iref[0]));
    }
}
