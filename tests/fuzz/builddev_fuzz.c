/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a hot-plug request's device page as a build service
 * client puts it before the builder (struct build_device, idl/build.idl):
 * the input's first byte picks the op (even: BUILD_OP_ATTACH, odd:
 * BUILD_OP_DETACH), the next bytes are the page's start, in an
 * exact-size heap copy (missing bytes are zero); buildreq_decode_device
 * (domains/builder/buildreq.c, with lib/xl's parsers). A refusal is
 * -EINVAL with a field of the page and one terminated printable line
 * starting with that field's name; an acceptance keeps what the page
 * says (its version, kind, zero reserved fields, a terminated printable
 * spec) and decodes to what lib/xl reads from it; a second decode gives
 * the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "buildreq.h"
#include "fuzz.h"
#include "idl/xen_errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The line is terminated, printable, and starts with field's name. */
static void check_why(const struct construct_failure *f)
{
    const char *name = buildreq_field_name(f->field);
    size_t n = strnlen(f->why, sizeof(f->why));

    FUZZ_CHECK(n < sizeof(f->why) && !strncmp(f->why, name, strlen(name)));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(f->why[i] >= ' ' && f->why[i] <= '~');
}

/* What an accepted page must have decoded to. */
static void check_accepted(uint32_t op, const struct build_device *dev, const struct buildreq_device *d)
{
    char why[XL_VIF_WHY_MAX];
    uint32_t devid;

    FUZZ_CHECK(dev->version == BUILD_DEVICE_VERSION && !dev->reserved0 && !dev->reserved1);
    FUZZ_CHECK(d->kind == dev->kind && d->domid == dev->domid);
    FUZZ_CHECK(d->kind == BUILD_DEVICE_DISK || d->kind == BUILD_DEVICE_VIF);
    FUZZ_CHECK(strnlen(dev->spec, sizeof(dev->spec)) < sizeof(dev->spec));
    for (size_t i = 0; dev->spec[i]; i++)
        FUZZ_CHECK(dev->spec[i] >= ' ' && dev->spec[i] <= '~');
    if (op == BUILD_OP_ATTACH && d->kind == BUILD_DEVICE_DISK) {
        FUZZ_CHECK(xl_vdev_devid(d->disk.vdev, &devid) == 0 && devid == d->devid && devid == d->disk.devid);
    } else if (op == BUILD_OP_ATTACH) {
        struct xl_vif vif;
        FUZZ_CHECK(xl_vif_parse(dev->spec, &vif, why, sizeof(why)) == 0 && !memcmp(&vif, &d->vif, sizeof(vif)));
        FUZZ_CHECK(d->vif.handle == 0);
    } else if (d->kind == BUILD_DEVICE_DISK) {
        FUZZ_CHECK(xl_vdev_devid(dev->spec, &devid) == 0 && devid == d->devid);
    } else {
        FUZZ_CHECK(dev->spec[0] && (d->by_mac ? !(d->mac[0] & 1) : d->devid < 1000000000u));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct buildreq_device d, again;
    struct build_device *dev;
    struct construct_failure err, err2;
    uint32_t op;
    int r;

    if (size < 1)
        return 0;
    op = data[0] & 1 ? BUILD_OP_DETACH : BUILD_OP_ATTACH;
    dev = calloc(1, sizeof(*dev));
    if (!dev)
        abort();
    memcpy(dev, data + 1, size - 1 < sizeof(*dev) ? size - 1 : sizeof(*dev));
    r = buildreq_decode_device(op, dev, &d, &err);
    if (r) {
        FUZZ_CHECK(r == -XEN_EINVAL && err.err == r);
        FUZZ_CHECK(err.field == BUILD_FIELD_SPEC || err.field == BUILD_FIELD_RESERVED ||
                   err.field == BUILD_FIELD_KIND || err.field == BUILD_FIELD_DEVICE);
        check_why(&err);
    } else {
        check_accepted(op, dev, &d);
    }
    FUZZ_CHECK(buildreq_decode_device(op, dev, &again, &err2) == r);
    FUZZ_CHECK(r ? !memcmp(&err, &err2, sizeof(err)) : !memcmp(&d, &again, sizeof(d)));
    free(dev);
    return 0;
}
