/* SPDX-License-Identifier: MIT */
/*
 * The hot-plug verbs (verbs.h): xl's block-attach, block-detach,
 * network-attach and network-detach, asked of the builder's build
 * service once lib/xl has read the spec as a config file's would be
 * read; and block-list and network-list, from the guest's device
 * directory in XenStore, which the builder lets the domain's controller
 * read. What the store holds was written by the guest in part: every
 * value is read as text and shown, never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devspec.h"
#include "idl/xen_errno.h"
#include "verbs.h"

_Static_assert(CONTROL_DEVSPEC_MAX == BUILD_DEVSPEC_MAX, "a spec control takes is one the builder takes");
_Static_assert(CONTROL_DETACH_WAIT_MS == BUILD_DETACH_WAIT_MS, "one wait");

/* text made one printable line, NUL-padded to cap. */
static void printable_line(char *text, size_t cap)
{
    size_t n;

    text[cap - 1] = '\0';
    n = strlen(text);
    for (size_t i = 0; i < n; i++)
        if (text[i] < ' ' || text[i] > '~')
            text[i] = '?';
    memset(text + n, 0, cap - n);
}

int verbs_device(const struct verbs_env *e, uint16_t type, uint16_t domid, const char *spec,
                 struct control_device_answer *a)
{
    struct build_device dev = { .version = BUILD_DEVICE_VERSION, .domid = domid };
    struct build_response rsp;
    long r;

    dev.kind = devspec_is_disk(type) ? BUILD_DEVICE_DISK : BUILD_DEVICE_VIF;
    a->domid = domid;
    if (devspec_check(type, spec, a->why, sizeof(a->why)) != 0) {
        a->status = -XEN_EINVAL;
        printable_line(a->why, sizeof(a->why));
        return 0;
    }
    if (!e->device) {
        a->status = -XEN_EPERM;
        snprintf(a->why, sizeof(a->why), "no build service: the manifest does not give control build_service = yes");
        return 0;
    }
    snprintf(dev.spec, sizeof(dev.spec), "%s", spec); /* the rest stays zero */
    memset(&rsp, 0, sizeof(rsp));
    r = e->device(e->ctx, devspec_is_attach(type) ? BUILD_OP_ATTACH : BUILD_OP_DETACH, &dev, &rsp);
    /* The builder's answer is checked as any input: its status a Xen
     * errno, its line printable. */
    rsp.why[sizeof(rsp.why) - 1] = '\0';
    a->status = (int32_t)(r ? r : rsp.status > 0 || rsp.status <= -4096 ? -XEN_EIO : rsp.status);
    a->devid = a->status == 0 || a->status == -XEN_ETIMEDOUT ? rsp.index : 0;
    snprintf(a->why, sizeof(a->why), "%s", a->status ? rsp.why : "");
    printable_line(a->why, sizeof(a->why));
    return 0;
}

/* A node of dir read as a decimal number, or CONTROL_DEVICE_NONE. */
static uint32_t read_number(const struct verbs_env *e, const char *dir, const char *key)
{
    char path[128], buf[16], *end;
    unsigned long v;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (e->xs_read(e->ctx, path, buf, sizeof(buf)) < 0 || buf[0] < '0' || buf[0] > '9')
        return CONTROL_DEVICE_NONE;
    v = strtoul(buf, &end, 10);
    return *end || v >= CONTROL_DEVICE_NONE ? CONTROL_DEVICE_NONE : (uint32_t)v;
}

/* A node of dir read as text into out (cap bytes, printable, NUL-padded; "" when missing). */
static void read_text(const struct verbs_env *e, const char *dir, const char *key, char *out, size_t cap)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (e->xs_read(e->ctx, path, out, cap) < 0)
        out[0] = '\0';
    printable_line(out, cap);
}

/* The ids of the directory's children (names all digits) into ids,
 * ascending; their count, or -XEN_E2BIG. Other names are skipped. */
static int child_ids(const char *names, size_t len, uint32_t *ids)
{
    int nr = 0;

    for (size_t i = 0; i < len; i += strlen(names + i) + 1) {
        const char *p = names + i;
        size_t n = strnlen(p, len - i);
        uint32_t id = 0;
        int k;
        if (n == 0 || n > 9 || strspn(p, "0123456789") != n)
            continue;
        for (size_t j = 0; j < n; j++)
            id = id * 10 + (uint32_t)(p[j] - '0');
        if (nr == CONTROL_DEVICES_MAX)
            return -XEN_E2BIG;
        for (k = nr; k > 0 && ids[k - 1] > id; k--)
            ids[k] = ids[k - 1];
        if (k > 0 && ids[k - 1] == id)
            continue; /* a store never lists a name twice; a model might */
        ids[k] = id;
        nr++;
    }
    return nr;
}

int verbs_device_list(const struct verbs_env *e, uint16_t domid, uint32_t kind, struct control_device_list_answer *a,
                      struct control_device *d)
{
    static char names[2048];
    uint32_t ids[CONTROL_DEVICES_MAX];
    char dir[64], sub[80];
    long len;
    int nr;

    a->domid = domid;
    a->nr = 0;
    if (!e->xs_directory)
        return -XEN_ENODEV;
    snprintf(dir, sizeof(dir), "/local/domain/%u/device/%s", domid, kind == CONTROL_DEVICE_DISK ? "vbd" : "vif");
    len = e->xs_directory(e->ctx, dir, names, sizeof(names));
    if (len == -XEN_ENOENT)
        return 0; /* no device of this kind */
    if (len < 0)
        return (int)len;
    if ((size_t)len > sizeof(names))
        return -XEN_E2BIG;
    if ((nr = child_ids(names, (size_t)len, ids)) < 0)
        return nr;
    for (int i = 0; i < nr; i++) {
        struct control_device *v = &d[i];
        memset(v, 0, sizeof(*v));
        snprintf(sub, sizeof(sub), "%s/%u", dir, ids[i]);
        v->devid = ids[i];
        v->backend_id = read_number(e, sub, "backend-id");
        v->state = read_number(e, sub, "state");
        v->evtch = read_number(e, sub, "event-channel");
        v->ring_ref = read_number(e, sub, kind == CONTROL_DEVICE_DISK ? "ring-ref" : "tx-ring-ref");
        v->rx_ring_ref = kind == CONTROL_DEVICE_DISK ? CONTROL_DEVICE_NONE : read_number(e, sub, "rx-ring-ref");
        if (kind == CONTROL_DEVICE_VIF)
            read_text(e, sub, "mac", v->mac, sizeof(v->mac));
        read_text(e, sub, "backend", v->backend, sizeof(v->backend));
    }
    a->nr = (uint32_t)nr;
    return 0;
}
