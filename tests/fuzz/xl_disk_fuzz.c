/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a manifest's disk value as an operator might
 * write it, xl's list of DISKSPECs (lib/xl/xl_list.c), each
 * item read by xl_disk_parse; and the same bytes as one DISKSPEC and as a
 * vdev name. Every reason must be a terminated line; every accepted disk
 * must have a target that can go into XenStore as it is, a vdev that
 * numbers again to the same devid, and a backend name of the allowed
 * characters.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idl/xen_errno.h"
#include "xl_disk.h"
#include "xl_list.h"

FUZZ_ORACLE static void check_why(const char *why, int r)
{
    size_t n = strnlen(why, XL_DISK_WHY_MAX);

    FUZZ_CHECK(n < XL_DISK_WHY_MAX);
    FUZZ_CHECK(r == 0 ? n == 0 : (r == -XEN_EINVAL && n > 0));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(why[i] >= 0x20 && why[i] < 0x7f);
}

FUZZ_ORACLE static void check_disk(const struct xl_disk *d)
{
    uint32_t devid;
    size_t n = strnlen(d->target, sizeof(d->target));

    FUZZ_CHECK(n > 0 && n < sizeof(d->target) && !strchr(d->target, ','));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(d->target[i] > 0x20 && d->target[i] < 0x7f);
    FUZZ_CHECK(strnlen(d->vdev, sizeof(d->vdev)) < sizeof(d->vdev));
    FUZZ_CHECK(xl_vdev_devid(d->vdev, &devid) == 0 && devid == d->devid);
    FUZZ_CHECK(d->devid != 0 && d->devid < (2u << 28));
    FUZZ_CHECK(strnlen(d->backend, sizeof(d->backend)) < sizeof(d->backend));
    for (const char *c = d->backend; *c; c++)
        FUZZ_CHECK(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", *c) != NULL);
}

static unsigned items;

static int item(void *ctx, const char *spec)
{
    struct xl_disk d;
    char why[XL_DISK_WHY_MAX];
    int r = xl_disk_parse(spec, &d, why, sizeof(why));

    (void)ctx;
    items++;
    FUZZ_CHECK(strlen(spec) <= XL_LIST_ITEM_MAX);
    check_why(why, r);
    if (r == 0)
        check_disk(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char why[XL_DISK_WHY_MAX];
    struct xl_disk d;
    uint32_t devid;
    int r;

    memcpy(text, data, size);
    text[size] = '\0'; /* an embedded NUL just ends the text early */
    items = 0;
    r = xl_list_parse(text, item, NULL, why, sizeof(why));
    FUZZ_CHECK(r == 0 || (r == -XEN_EINVAL && items == 0 && why[0]));
    r = xl_disk_parse(text, &d, why, sizeof(why));
    check_why(why, r);
    if (r == 0)
        check_disk(&d);
    if (xl_vdev_devid(text, &devid) == 0)
        FUZZ_CHECK(devid != 0 && devid < (2u << 28));
    free(text);
    return 0;
}
