/* SPDX-License-Identifier: MIT */
/*
 * xl create (create.h): parse, check against the machine, find the
 * images, fill the spec, ask the builder, remember the domain.
 */
#include "create.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/build.h"
#include "idl/mgmt.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"

_Static_assert(CONTROL_KERNEL_MAX == BUILD_KERNEL_MAX && CONTROL_RAMDISK_MAX == BUILD_RAMDISK_MAX,
               "control takes the images the builder takes");
_Static_assert(CONTROL_NAME_MAX == BUILD_NAME_MAX && XL_CFG_NAME_MAX == BUILD_NAME_MAX, "a name, one size");
_Static_assert(XL_CFG_CMDLINE_MAX == BUILD_CMDLINE_MAX, "a command line, one size");
_Static_assert(XL_DISKS_MAX == BUILD_DISKS_MAX && XL_VIFS_MAX == BUILD_VIFS_MAX, "devices, one count");

struct created {
    uint16_t domid; /* 0: a free slot */
    bool preserved; /* logged as kept shut down */
    char file[CONTROL_CFG_NAME_MAX];
    uint8_t *text;
    size_t len;
    struct image *kernel, *ramdisk;
    enum xl_action on_poweroff, on_reboot, on_crash;
};

static struct created domains[CREATE_DOMAINS_MAX];

/* The builder's field names, from the IDL's enum: BUILD_FIELD_MEMORY is "memory". */
#define FIELD_NAME(n, v) [v] = #n,
static const char *const build_field_names[] = { BUILD_FIELD_VALUES(FIELD_NAME) };

static const char *field_name(uint16_t f)
{
    static char lower[32];
    const char *n = f < sizeof(build_field_names) / sizeof(build_field_names[0]) ? build_field_names[f] : NULL;
    size_t i = 0;

    if (!n)
        return "?";
    n += sizeof("BUILD_FIELD_") - 1;
    for (; n[i] && i + 1 < sizeof(lower); i++)
        lower[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] - 'A' + 'a' : n[i]);
    lower[i] = '\0';
    return lower;
}

static struct created *find(uint16_t domid)
{
    for (unsigned i = 0; i < CREATE_DOMAINS_MAX; i++)
        if (domains[i].domid == domid && domid)
            return &domains[i];
    return NULL;
}

/* xl's DISKSPEC for a parsed disk, target last (as xl requires). */
static void disk_spec(const struct xl_disk *d, char *out, size_t cap)
{
    int n = snprintf(out, cap, "vdev=%s, access=%s, ", d->vdev, d->readonly ? "r" : "w");

    if (d->backend[0])
        n += snprintf(out + n, cap - (size_t)n, "backend=%s, ", d->backend);
    snprintf(out + n, cap - (size_t)n, "target=%s", d->target);
}

/* xl's VIFSPEC for a parsed vif. */
static void vif_spec(const struct xl_vif *v, char *out, size_t cap)
{
    size_t n = 0;

#define ADD(...) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__)
    out[0] = '\0';
    if (v->mac_given)
        ADD("mac=%02x:%02x:%02x:%02x:%02x:%02x,", v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
    if (v->script_given)
        ADD("script=%s,", xl_vif_script_name(v->mode));
    if (v->bridge[0])
        ADD("bridge=%s,", v->bridge);
    if (v->ip[0])
        ADD("ip=%s,", v->ip);
    if (v->vifname[0])
        ADD("vifname=%s,", v->vifname);
    if (v->gatewaydev[0])
        ADD("gatewaydev=%s,", v->gatewaydev);
    if (v->backend[0])
        ADD("backend=%s,", v->backend);
#undef ADD
    if (n && n < cap)
        out[n - 1] = '\0'; /* the last comma */
}

static void fill_spec(const struct xl_cfg *c, struct build_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->version = BUILD_SPEC_VERSION;
    memcpy(s->name, c->name, sizeof(s->name));
    s->vcpus = c->vcpus;
    s->memory_mib = c->memory_mib;
    s->maxmem_mib = c->maxmem_mib;
    s->weight = c->weight;
    s->cap = c->cap;
    s->cpus = c->cpumask;
    for (unsigned v = 0; v < c->vcpus && v < BUILD_VCPUS_MAX; v++)
        s->vcpu_cpus[v] = xl_cfg_vcpu_cpus(c, v);
    memcpy(s->cmdline, c->cmdline, sizeof(s->cmdline));
    s->nr_disks = c->nr_disks;
    for (unsigned i = 0; i < c->nr_disks; i++)
        disk_spec(&c->disks[i], s->disks[i].spec, sizeof(s->disks[i].spec));
    s->nr_vifs = c->nr_vifs;
    for (unsigned i = 0; i < c->nr_vifs; i++)
        vif_spec(&c->vifs[i], s->vifs[i].spec, sizeof(s->vifs[i].spec));
}

/* Parse text as file, and check it against the machine. */
static int parse(const struct verbs_env *e, const char *file, const uint8_t *text, size_t len, struct xl_cfg *c,
                 char *why, size_t cap)
{
    static struct xl_cfg_msgs msgs;
    struct mgmt_phys_info p;
    int r;

    if ((r = xl_cfg_parse(file, (const char *)text, len, c, &msgs)) != 0) {
        snprintf(why, cap, "%s", msgs.error);
        return r;
    }
    memset(&p, 0, sizeof(p));
    if ((r = (int)e->mgmt(e->ctx, MGMT_PHYS_INFO, &p, sizeof(p))) != 0) {
        snprintf(why, cap, "%s: the machine's facts: error %d", file, r);
        return r;
    }
    return xl_cfg_check_machine(file, c, p.total_pages / 256, p.nr_cpus, why, cap);
}

/* Build c from kernel and ramdisk: the new id, or an error with why. */
static int build(const struct verbs_env *e, const char *file, const struct xl_cfg *c, const struct image *kernel,
                 const struct image *ramdisk, uint16_t *domid, char *why, size_t cap)
{
    static struct build_spec spec;
    struct build_response rsp;
    long r;

    if (!e->build) {
        snprintf(why, cap, "%s: control cannot build domains (no build service)", file);
        return -XEN_EPERM;
    }
    fill_spec(c, &spec);
    memset(&rsp, 0, sizeof(rsp));
    r = e->build(e->ctx, &spec, kernel->data, kernel->size, ramdisk ? ramdisk->data : NULL, ramdisk ? ramdisk->size : 0,
                 &rsp);
    rsp.why[sizeof(rsp.why) - 1] = '\0';
    if (r) {
        snprintf(why, cap, "%s: the builder: %s", file, rsp.why);
        return (int)r;
    }
    if (rsp.status) {
        unsigned line = 0;
        static const enum xl_cfg_field key[] = {
            [BUILD_FIELD_NAME] = XL_CFG_NAME,     [BUILD_FIELD_MEMORY] = XL_CFG_MEMORY,
            [BUILD_FIELD_MAXMEM] = XL_CFG_MAXMEM, [BUILD_FIELD_VCPUS] = XL_CFG_VCPUS,
            [BUILD_FIELD_CPUS] = XL_CFG_CPUS,     [BUILD_FIELD_WEIGHT] = XL_CFG_CPU_WEIGHT,
            [BUILD_FIELD_CAP] = XL_CFG_CAP,       [BUILD_FIELD_CMDLINE] = XL_CFG_CMDLINE,
            [BUILD_FIELD_KERNEL] = XL_CFG_KERNEL, [BUILD_FIELD_RAMDISK] = XL_CFG_RAMDISK,
            [BUILD_FIELD_DISK] = XL_CFG_DISK,     [BUILD_FIELD_VIF] = XL_CFG_VIF,
        };
        if (rsp.field < sizeof(key) / sizeof(key[0]) && key[rsp.field])
            line = c->line[key[rsp.field]];
        snprintf(why, cap, "%s:%u: %s: the builder refused it: %s", file, line ? line : c->end_line,
                 field_name(rsp.field), rsp.why);
        return rsp.status < 0 && rsp.status > -4096 ? rsp.status : -XEN_EIO;
    }
    *domid = rsp.domid;
    return 0;
}

int create_domain(const struct verbs_env *e, const char *file, const uint8_t *text, size_t len,
                  const uint8_t ksha[CONTROL_SHA256_SIZE], const uint8_t *rsha, uint16_t *domid, char *name, char *why,
                  size_t cap)
{
    static struct xl_cfg c;
    struct created *slot = NULL;
    struct image *kernel, *ramdisk = NULL;
    uint16_t other;
    char other_name[CONTROL_NAME_MAX];
    int r;

    why[0] = '\0';
    if ((r = parse(e, file, text, len, &c, why, cap)) != 0)
        return r;
    if (!c.ramdisk[0] != !rsha) {
        snprintf(why, cap, "%s:%u: ramdisk: %s", file, c.line[XL_CFG_RAMDISK] ? c.line[XL_CFG_RAMDISK] : c.end_line,
                 rsha ? "an image was sent but the config names none" : "the config names one but none was sent");
        return -XEN_EINVAL;
    }
    /* One of control's domains has that name already (two have it: -EEXIST). */
    if ((r = verbs_find(e, c.name, &other, other_name)) == 0 || r == -XEN_EEXIST) {
        if (r == 0)
            snprintf(why, cap, "%s:%u: name: a domain named '%s' exists already (d%u)", file, c.line[XL_CFG_NAME],
                     c.name, other);
        else
            snprintf(why, cap, "%s:%u: name: domains named '%s' exist already", file, c.line[XL_CFG_NAME], c.name);
        return -XEN_EEXIST;
    }
    if (!(kernel = images_find(CONTROL_IMAGE_KERNEL, ksha)) ||
        (rsha && !(ramdisk = images_find(CONTROL_IMAGE_RAMDISK, rsha)))) {
        snprintf(why, cap, "%s:%u: %s: control holds no whole image with that SHA-256: upload it", file,
                 kernel ? c.line[XL_CFG_RAMDISK] : c.line[XL_CFG_KERNEL], kernel ? "ramdisk" : "kernel");
        return -XEN_ENOENT;
    }
    for (unsigned i = 0; i < CREATE_DOMAINS_MAX && !slot; i++)
        if (!domains[i].domid)
            slot = &domains[i];
    if (!slot) {
        snprintf(why, cap, "%s: control remembers %u created domains at most", file, CREATE_DOMAINS_MAX);
        return -XEN_ENOSPC;
    }
    if (!(slot->text = malloc(len))) {
        snprintf(why, cap, "%s: control's memory is short", file);
        return -XEN_ENOMEM;
    }
    if ((r = build(e, file, &c, kernel, ramdisk, domid, why, cap)) != 0) {
        free(slot->text);
        slot->text = NULL;
        return r;
    }
    memcpy(slot->text, text, len);
    slot->len = len;
    snprintf(slot->file, sizeof(slot->file), "%s", file);
    slot->domid = *domid;
    slot->preserved = false;
    slot->kernel = kernel;
    slot->ramdisk = ramdisk;
    images_hold(kernel);
    if (ramdisk)
        images_hold(ramdisk);
    slot->on_poweroff = c.on_poweroff;
    slot->on_reboot = c.on_reboot;
    slot->on_crash = c.on_crash;
    memset(name, 0, CONTROL_NAME_MAX);
    memcpy(name, c.name, CONTROL_NAME_MAX - 1);
    return 0;
}

enum xl_action create_action(uint16_t domid, uint32_t reason)
{
    const struct created *d = find(domid);

    if (!d)
        return XL_ACTION_DESTROY;
    switch (reason) {
    case SHUTDOWN_poweroff: return d->on_poweroff;
    case SHUTDOWN_reboot: return d->on_reboot;
    case SHUTDOWN_crash: return d->on_crash;
    default: return XL_ACTION_DESTROY;
    }
}

bool create_preserved(uint16_t domid)
{
    struct created *d = find(domid);
    bool first = d && !d->preserved;

    if (d)
        d->preserved = true;
    return first;
}

int create_restart(const struct verbs_env *e, uint16_t *domid, char *why, size_t cap)
{
    static struct xl_cfg c;
    struct created *d = find(*domid);
    uint16_t fresh;
    int r;

    if (!d) {
        snprintf(why, cap, "d%u: no config remembered", *domid);
        return -XEN_ESRCH;
    }
    /* The text was parsed when it came; parsed again, it cannot differ,
     * but the machine may have changed. */
    if ((r = parse(e, d->file, d->text, d->len, &c, why, cap)) == 0 &&
        (r = build(e, d->file, &c, d->kernel, d->ramdisk, &fresh, why, cap)) == 0) {
        d->domid = fresh;
        d->preserved = false;
        *domid = fresh;
        return 0;
    }
    create_forget(*domid);
    return r;
}

void create_forget(uint16_t domid)
{
    struct created *d = find(domid);

    if (!d)
        return;
    images_release(d->kernel);
    images_release(d->ramdisk);
    free(d->text);
    memset(d, 0, sizeof(*d));
}

void create_prune(const struct verbs_env *e)
{
    for (unsigned i = 0; i < CREATE_DOMAINS_MAX; i++) {
        struct mgmt_domain_info info = { .domid = domains[i].domid };
        if (domains[i].domid && e->mgmt(e->ctx, MGMT_DOMAIN_INFO, &info, sizeof(info)) == -XEN_ESRCH)
            create_forget(domains[i].domid);
    }
}

void create_forget_all(void)
{
    for (unsigned i = 0; i < CREATE_DOMAINS_MAX; i++)
        create_forget(domains[i].domid);
}

unsigned create_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < CREATE_DOMAINS_MAX; i++)
        n += domains[i].domid != 0;
    return n;
}
