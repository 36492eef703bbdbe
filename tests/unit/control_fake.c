/* SPDX-License-Identifier: MIT */
/*
 * The model of the core's management calls (control_fake.h).
 */
#include "control_fake.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mgmt_decode.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"
#include "xl_disk.h"
#include "xl_vif.h"

static int bad(struct fake_core *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A call the core would refuse for its fields: counted, and -EINVAL. */
static int bad(struct fake_core *f, const char *fmt, ...)
{
    va_list ap;

    if (!f->bad_calls++) {
        va_start(ap, fmt);
        vsnprintf(f->bad_why, sizeof(f->bad_why), fmt, ap);
        va_end(ap);
    }
    return -XEN_EINVAL;
}

void fake_init(struct fake_core *f, uint16_t self, uint64_t caps)
{
    struct fake_domain *d = &f->dom[0];

    memset(f, 0, sizeof(*f));
    f->self = self;
    f->self_caps = caps;
    f->online = 0x3;
    f->now_ns = 100ull * 1000000000ull;
    f->total_pages = 131072;
    f->free_pages = 100000;
    f->linger = 3;
    *d = (struct fake_domain){ .exists = true,
                               .id = self,
                               .controller = 1,
                               .state = MGMT_STATE_RUNNING,
                               .nr_vcpus = 1,
                               .nr_pages = 8192,
                               .max_pages = 8192,
                               .runtime_ns = 5000000000ull,
                               .started_ns = 2000000000ull,
                               .weight = 256 };
    snprintf(d->name, sizeof(d->name), "control");
    d->vcpu[0] = (struct mgmt_vcpu_info){ .state = MGMT_VCPU_RUNNING, .affinity = ~0ull & f->online };
}

struct fake_domain *fake_find(struct fake_core *f, uint16_t id)
{
    for (unsigned i = 0; i < FAKE_DOMAINS; i++)
        if (f->dom[i].exists && f->dom[i].id == id)
            return &f->dom[i];
    return NULL;
}

struct fake_domain *fake_add(struct fake_core *f, const char *name, uint16_t controller, uint32_t state,
                             uint32_t nr_vcpus, uint32_t vcpu_state)
{
    uint16_t id = f->self;

    for (unsigned i = 0; i < FAKE_DOMAINS; i++)
        if (f->dom[i].exists && f->dom[i].id > id)
            id = f->dom[i].id;
    for (unsigned i = 0; i < FAKE_DOMAINS; i++) {
        struct fake_domain *d = &f->dom[i];
        if (d->exists)
            continue;
        *d = (struct fake_domain){ .exists = true,
                                   .id = (uint16_t)(id + 1),
                                   .controller = controller,
                                   .state = state,
                                   .nr_vcpus = nr_vcpus,
                                   .nr_pages = 512,
                                   .max_pages = 512,
                                   .runtime_ns = 1500000000ull,
                                   .started_ns = 40000000000ull,
                                   .weight = 256,
                                   .store_open = true,
                                   .target_kib = 2048,
                                   .static_max_kib = 2048 };
        snprintf(d->name, sizeof(d->name), "%s", name);
        for (uint32_t v = 0; v < nr_vcpus && v < 8; v++)
            d->vcpu[v] = (struct mgmt_vcpu_info){
                .state = vcpu_state, .cpu = v % 2, .affinity = f->online, .running_ns = 1000000ull * (v + 1)
            };
        return d;
    }
    return NULL;
}

void fake_scene(struct fake_core *f, uint64_t caps)
{
    fake_init(f, 3, caps);
    fake_add(f, "spinner", 3, MGMT_STATE_RUNNING, 1, MGMT_VCPU_RUNNING);
    fake_add(f, "sleeper", 3, MGMT_STATE_RUNNING, 1, MGMT_VCPU_BLOCKED);
    fake_add(f, "other", 1, MGMT_STATE_RUNNING, 1, MGMT_VCPU_BLOCKED);
    fake_add(f, "twin", 3, MGMT_STATE_RUNNING, 1, MGMT_VCPU_RUNNABLE);
    fake_add(f, "twin", 3, MGMT_STATE_RUNNING, 1, MGMT_VCPU_BLOCKED);
    fake_add(f, "off", 3, MGMT_STATE_SHUTDOWN, 1, MGMT_VCPU_DOWN)->reason = SHUTDOWN_poweroff;
    fake_add(f, "crashed", 3, MGMT_STATE_SHUTDOWN, 1, MGMT_VCPU_DOWN)->reason = SHUTDOWN_crash;
    fake_add(f, "wide", 3, MGMT_STATE_PAUSED, 3, MGMT_VCPU_BLOCKED);
}

void fake_log(struct fake_core *f, const char *text)
{
    for (const char *p = text; *p; p++) {
        f->log[f->log_len % FAKE_LOG_MAX] = *p;
        f->log_len++;
    }
}

/* The domain a command names, as the core looks it up once its decode
 * step has passed (op): the capability, then the domain, then control
 * of it (-EPERM before -ESRCH for a caller without the right);
 * MGMT_DOMID_SELF where the decode allows it names the caller. */
static int look_up(struct fake_core *f, const struct hcall_mgmt_op *op, struct fake_domain **out)
{
    struct fake_domain *d;

    *out = fake_find(f, f->self);
    if (op->check == HCALL_MGMT_CHECK_NONE)
        return 0;
    if (!(f->self_caps & op->need))
        return -XEN_EPERM;
    if (op->check == HCALL_MGMT_CHECK_CAP)
        return 0;
    d = fake_find(f, op->domid);
    if (!d)
        return -XEN_ESRCH;
    if (d->controller != f->self)
        return -XEN_EPERM;
    *out = d;
    return 0;
}

static int do_info(struct fake_core *f, struct fake_domain *d, struct mgmt_domain_info *i)
{
    if (d->dying && d->linger-- == 0) {
        d->exists = false; /* reaped */
        return -XEN_ESRCH;
    }
    i->domid = d->id;
    i->state = d->state;
    i->shutdown_reason = d->reason;
    i->nr_vcpus = d->nr_vcpus;
    i->nr_pages = d->nr_pages;
    i->caps = d->id == f->self ? f->self_caps : 0;
    i->runtime_ns = d->runtime_ns;
    memcpy(i->name, d->name, sizeof(i->name));
    i->max_pages = d->max_pages;
    i->started_ns = d->started_ns;
    return 0;
}

static void do_list(struct fake_core *f, struct mgmt_domain_list *l)
{
    l->nr = 0;
    memset(l->domids, 0, sizeof(l->domids));
    /* The lowest ids from first on, ascending: the next larger each time. */
    for (uint32_t above = l->first; l->nr < MGMT_DOMAIN_LIST_MAX;) {
        uint32_t best = MGMT_DOMID_SELF;
        for (unsigned i = 0; i < FAKE_DOMAINS; i++) {
            const struct fake_domain *d = &f->dom[i];
            if (d->exists && !d->dying && d->controller == f->self && d->id >= above && d->id < best)
                best = d->id;
        }
        if (best == MGMT_DOMID_SELF)
            break;
        l->domids[l->nr++] = (uint16_t)best;
        above = best + 1;
    }
}

static void do_log_read(struct fake_core *f, struct mgmt_log_read *l)
{
    uint64_t oldest = f->log_len > MGMT_LOG_RING ? f->log_len - MGMT_LOG_RING : 0, index = l->index, lost = 0;
    uint32_t n = 0;

    if (index < oldest) {
        lost = oldest - index;
        index = oldest;
    }
    for (; n < l->len && index < f->log_len; n++, index++)
        ((char *)(uintptr_t)l->buf)[n] = f->log[index % FAKE_LOG_MAX];
    l->index = index;
    l->len = n;
    l->lost = lost > UINT32_MAX ? UINT32_MAX : (uint32_t)lost;
}

static void do_phys_info(struct fake_core *f, struct mgmt_phys_info *p)
{
    *p = (struct mgmt_phys_info){ .nr_cpus = (uint32_t)__builtin_popcountll(f->online),
                                  .abi_version = 6,
                                  .online_cpus = f->online,
                                  .total_pages = f->total_pages,
                                  .free_pages = f->free_pages,
                                  .now_ns = f->now_ns };
}

/* Pause, unpause, destroy: the states the core allows them in. */
static int do_state_op(struct fake_core *f, uint32_t cmd, struct fake_domain *d)
{
    if (cmd == MGMT_DOMAIN_PAUSE && d->state != MGMT_STATE_RUNNING)
        return -XEN_EBUSY;
    if (cmd == MGMT_DOMAIN_UNPAUSE && d->state != MGMT_STATE_PAUSED)
        return -XEN_EINVAL; /* a state, not a field: the core's own answer */
    if (cmd == MGMT_DOMAIN_DESTROY) {
        f->destroyed += !d->dying;
        d->dying = true;
        d->linger = f->linger;
        return 0;
    }
    d->state = cmd == MGMT_DOMAIN_PAUSE ? MGMT_STATE_PAUSED : MGMT_STATE_RUNNING;
    return 0;
}

/* Perform, once decoded and looked up; the results into a. */
static int perform(struct fake_core *f, uint32_t cmd, struct fake_domain *d, union hcall_mgmt_arg *a)
{
    switch (cmd) {
    case MGMT_DOMAIN_INFO: return do_info(f, d, &a->info);
    case MGMT_DOMAIN_LIST: do_list(f, &a->list); return 0;
    case MGMT_LOG_READ: do_log_read(f, &a->log_read); return 0;
    case MGMT_PHYS_INFO: do_phys_info(f, &a->phys_info); return 0;
    case MGMT_VCPU_INFO:
    case MGMT_VCPU_AFFINITY: {
        uint32_t vcpu = cmd == MGMT_VCPU_INFO ? a->vcpu_info.vcpu : a->affinity.vcpu;
        if (vcpu >= d->nr_vcpus) /* the core's check: control makes it first */
            return bad(f, "command %u: d%u has no vCPU %u", cmd, d->id, vcpu);
        if (cmd == MGMT_VCPU_AFFINITY) {
            d->vcpu[vcpu].affinity = a->affinity.cpumask & f->online;
            return 0;
        }
        a->vcpu_info = d->vcpu[vcpu];
        a->vcpu_info.domid = d->id;
        a->vcpu_info.vcpu = (uint16_t)vcpu;
        if (d->state != MGMT_STATE_RUNNING)
            a->vcpu_info.state = MGMT_VCPU_DOWN;
        return 0;
    }
    case MGMT_DOMAIN_SCHED:
        d->weight = a->sched.weight;
        d->cap = a->sched.cap;
        return 0;
    case MGMT_DOMAIN_SCHED_GET:
        a->sched_get = (struct mgmt_domain_sched_get){ d->id, (uint16_t)d->weight, d->cap };
        return 0;
    case MGMT_DOMAIN_SET_MAXMEM:
        if (a->set_maxmem.max_pages > f->total_pages)
            return -XEN_ENOMEM;
        d->max_pages = a->set_maxmem.max_pages;
        return 0;
    default: return do_state_op(f, cmd, d);
    }
}

/* The commands control's verbs make; any other is none of its business. */
static bool control_uses(uint32_t cmd)
{
    switch (cmd) {
    case MGMT_DOMAIN_INFO:
    case MGMT_DOMAIN_LIST:
    case MGMT_VCPU_INFO:
    case MGMT_PHYS_INFO:
    case MGMT_LOG_READ:
    case MGMT_DOMAIN_PAUSE:
    case MGMT_DOMAIN_UNPAUSE:
    case MGMT_DOMAIN_DESTROY:
    case MGMT_VCPU_AFFINITY:
    case MGMT_DOMAIN_SCHED:
    case MGMT_DOMAIN_SCHED_GET:
    case MGMT_DOMAIN_SET_MAXMEM: return true;
    default: return false;
    }
}

/* The core's order (core/hcall/mgmt.c): decode (its own code, built for
 * the host), capability and target, the fields' deferred verdict, then
 * perform; a field the decode refuses is a bad call whatever the lookup
 * says. The struct is copied in and, on success, back out. */
static long fake_mgmt(void *ctx, uint32_t cmd, void *arg, size_t size)
{
    struct fake_core *f = ctx;
    const struct hcall_mgmt_ctx mc = { 8, f->online };
    const uint64_t regs[3] = { cmd, 0x1000, size };
    union hcall_mgmt_arg a;
    struct hcall_mgmt_op op;
    struct fake_domain *d;
    int r;

    f->calls++;
    if (!control_uses(cmd) || size != hcall_mgmt_arg_size(cmd))
        return bad(f, "command %u with %zu bytes", cmd, size);
    memcpy(&a, arg, size);
    if ((r = hcall_decode_mgmt(&mc, regs, &a, &op)) != 0)
        return bad(f, "command %u refused by the decode: %d", cmd, r);
    if (op.after_lookup)
        return bad(f, "command %u: a field the core refuses (%d)", cmd, op.after_lookup);
    if ((r = look_up(f, &op, &d)) != 0)
        return r;
    if ((r = perform(f, cmd, d, &op.arg)) == 0)
        memcpy(arg, &op.arg, size);
    return r;
}

static void fake_sleep(void *ctx, unsigned ms)
{
    struct fake_core *f = ctx;

    f->sleeps++;
    f->now_ns += ms * 1000000ull;
    /* A guest that obeys control/shutdown does so after a while. */
    for (unsigned i = 0; i < FAKE_DOMAINS; i++) {
        struct fake_domain *d = &f->dom[i];
        if (!d->exists || d->dying || !d->shutdown_word[0] || !d->obey || --d->obey)
            continue;
        d->state = MGMT_STATE_SHUTDOWN;
        d->reason = strcmp(d->shutdown_word, "reboot") ? SHUTDOWN_poweroff : SHUTDOWN_reboot;
        d->obeyed_at = f->sleeps;
    }
}

/* The node of a path /local/domain/<id>/<node> of a domain control may
 * reach in the store (the builder opened it); NULL otherwise. */
static struct fake_domain *xs_node(struct fake_core *f, const char *path, const char **node)
{
    unsigned id = 0;
    int n = 0;
    struct fake_domain *d;

    if (sscanf(path, "/local/domain/%u/%n", &id, &n) != 1 || n == 0 || id > 0xffff)
        return NULL;
    d = fake_find(f, (uint16_t)id);
    *node = path + n;
    return d && !d->dying && d->controller == f->self && d->store_open ? d : NULL;
}

/* A node under device/vbd/<id>/ or device/vif/<id>/ as a Linux guest
 * connected to it leaves it; v (cap bytes), or false when there is none. */
static bool device_node(const struct fake_domain *d, const char *node, char *v, size_t cap)
{
    char kind[4], key[32];
    unsigned id;
    int n = 0;

    if (sscanf(node, "device/%3[a-z]/%u/%31s%n", kind, &id, key, &n) != 3 || node[n])
        return false;
    for (unsigned i = 0; i < FAKE_DEVS; i++) {
        const struct fake_dev *x = &d->devs[i];
        if (!x->used || x->devid != id || x->disk != !strcmp(kind, "vbd"))
            continue;
        if (!strcmp(key, "backend"))
            snprintf(v, cap, "/local/domain/1/backend/%s/%u/%u", kind, d->id, id);
        else if (!strcmp(key, "backend-id"))
            snprintf(v, cap, "1");
        else if (!strcmp(key, "state"))
            snprintf(v, cap, "4");
        else if (!strcmp(key, "event-channel"))
            snprintf(v, cap, "%u", 10 + i);
        else if (!strcmp(key, x->disk ? "ring-ref" : "tx-ring-ref"))
            snprintf(v, cap, "%u", 8 + 2 * i);
        else if (!x->disk && !strcmp(key, "rx-ring-ref"))
            snprintf(v, cap, "%u", 9 + 2 * i);
        else if (!x->disk && !strcmp(key, "mac"))
            snprintf(v, cap, "%02x:%02x:%02x:%02x:%02x:%02x", x->mac[0], x->mac[1], x->mac[2], x->mac[3], x->mac[4],
                     x->mac[5]);
        else
            return false;
        return true;
    }
    return false;
}

static long fake_xs_read(void *ctx, const char *path, char *buf, size_t cap)
{
    struct fake_core *f = ctx;
    const char *node;
    struct fake_domain *d = xs_node(f, path, &node);
    char v[80];

    if (!d)
        return -XEN_EACCES;
    if (!strncmp(node, "device/", 7)) {
        if (!device_node(d, node, v, sizeof(v)))
            return -XEN_ENOENT;
    } else if (!strcmp(node, "control/feature-poweroff") || !strcmp(node, "control/feature-reboot")) {
        if (!d->pv_shutdown)
            return -XEN_ENOENT;
        snprintf(v, sizeof(v), "1");
    } else if (!strcmp(node, "control/shutdown"))
        snprintf(v, sizeof(v), "%s", d->shutdown_word);
    else if (!strcmp(node, "memory/target"))
        snprintf(v, sizeof(v), "%llu", (unsigned long long)d->target_kib);
    else if (!strcmp(node, "memory/static-max"))
        snprintf(v, sizeof(v), "%llu", (unsigned long long)d->static_max_kib);
    else
        return -XEN_EACCES;
    snprintf(buf, cap, "%s", v);
    return (long)strlen(v);
}

/* A KiB count as control writes it: decimal, no sign, no leading zero. */
static bool kib_ok(const char *v, uint64_t *kib)
{
    char *end;

    if (v[0] < '1' || v[0] > '9')
        return false;
    *kib = strtoull(v, &end, 10);
    return *end == '\0';
}

static long fake_xs_write(void *ctx, const char *path, const char *value)
{
    struct fake_core *f = ctx;
    const char *node;
    struct fake_domain *d = xs_node(f, path, &node);
    uint64_t kib;

    f->xs_writes++;
    if (!d)
        return -XEN_EACCES;
    if (!strcmp(node, "control/shutdown")) {
        if (strcmp(value, "poweroff") && strcmp(value, "reboot"))
            return bad(f, "control/shutdown of d%u written '%s'", d->id, value);
        snprintf(d->shutdown_word, sizeof(d->shutdown_word), "%s", value);
        return 0;
    }
    if (strcmp(node, "memory/target") && strcmp(node, "memory/static-max"))
        return -XEN_EACCES; /* the builder opened no other node */
    if (!kib_ok(value, &kib))
        return bad(f, "%s of d%u written '%s'", node, d->id, value);
    *(strcmp(node, "memory/target") ? &d->static_max_kib : &d->target_kib) = kib;
    return 0;
}

static long fake_xs_directory(void *ctx, const char *path, char *buf, size_t cap)
{
    struct fake_core *f = ctx;
    const char *node = "";
    struct fake_domain *d = xs_node(f, path, &node);
    char names[FAKE_DEVS * 12];
    size_t n = 0;
    bool disk = !strcmp(node, "device/vbd");

    if (!d || (!disk && strcmp(node, "device/vif")))
        return -XEN_EACCES;
    for (unsigned i = FAKE_DEVS; i-- > 0;) /* not in id order: control sorts them */
        if (d->devs[i].used && d->devs[i].disk == disk)
            n += (size_t)snprintf(names + n, sizeof(names) - n, "%u", d->devs[i].devid) + 1;
    if (n == 0)
        return -XEN_ENOENT;
    memcpy(buf, names, n < cap ? n : cap);
    return (long)n;
}

/* The build service's hot-plug as the builder answers it (service_device.c),
 * on the model's device table: the page must be one the builder decodes
 * (bad_calls otherwise: control checks first). */
static long fake_device(void *ctx, uint32_t op, const struct build_device *dev, struct build_response *rsp)
{
    struct fake_core *f = ctx;
    struct fake_domain *d = fake_find(f, dev->domid);
    bool disk = dev->kind == BUILD_DEVICE_DISK;
    char why[160];
    struct xl_disk xd;
    struct xl_vif xv;
    uint32_t id = 0;
    uint8_t mac[6];
    bool by_mac = false;
    int r, nr = 0, free_slot = -1;

    f->device_ops++;
    rsp->domid = dev->domid;
    if (dev->version != BUILD_DEVICE_VERSION || (op != BUILD_OP_ATTACH && op != BUILD_OP_DETACH) ||
        (!disk && dev->kind != BUILD_DEVICE_VIF) || strnlen(dev->spec, sizeof(dev->spec)) == sizeof(dev->spec))
        return bad(f, "a device page the builder would refuse for its fields");
    if (op == BUILD_OP_ATTACH)
        r = disk ? xl_disk_parse(dev->spec, &xd, why, sizeof(why)) : xl_vif_parse(dev->spec, &xv, why, sizeof(why));
    else
        r = disk ? xl_vdev_devid(dev->spec, &id) : xl_vif_name_parse(dev->spec, &id, mac, &by_mac);
    if (r)
        return bad(f, "a device spec lib/xl refuses reached the builder: '%s'", dev->spec);
    if (!d || d->dying || d->controller != f->self || d->state == MGMT_STATE_SHUTDOWN) {
        rsp->status = -XEN_ESRCH;
        snprintf(rsp->why, sizeof(rsp->why), "domain: no running domain built for this client");
        return 0;
    }
    for (unsigned i = 0; i < FAKE_DEVS; i++) {
        struct fake_dev *x = &d->devs[i];
        bool named = op == BUILD_OP_ATTACH ? (disk ? x->devid == xd.devid : xv.mac_given && !memcmp(x->mac, xv.mac, 6))
                     : by_mac              ? !memcmp(x->mac, mac, 6)
                                           : x->devid == id;
        if (!x->used) {
            free_slot = free_slot < 0 ? (int)i : free_slot;
            continue;
        }
        if (x->disk != disk)
            continue;
        nr++;
        if (!named)
            continue;
        if (op == BUILD_OP_ATTACH) {
            rsp->status = -XEN_EEXIST;
            snprintf(rsp->why, sizeof(rsp->why), "device: the domain has it already");
            return 0;
        }
        rsp->index = x->devid;
        x->used = false;
        rsp->status = d->hang ? -XEN_ETIMEDOUT : 0;
        if (d->hang)
            snprintf(rsp->why, sizeof(rsp->why),
                     "device: the guest did not close it within 10000 ms; removed all the same");
        return 0;
    }
    if (op == BUILD_OP_DETACH || nr == 4 || free_slot < 0) {
        rsp->status = op == BUILD_OP_DETACH ? -XEN_ENOENT : -XEN_E2BIG;
        snprintf(rsp->why, sizeof(rsp->why), "device: %s", op == BUILD_OP_DETACH ? "no such device" : "4 already");
        return 0;
    }
    d->devs[free_slot] = (struct fake_dev){ .used = true, .disk = disk, .devid = disk ? xd.devid : 0 };
    if (!disk) {
        for (bool taken = true; taken;) { /* the first free handle */
            taken = false;
            for (unsigned i = 0; i < FAKE_DEVS; i++)
                if ((int)i != free_slot && d->devs[i].used && !d->devs[i].disk &&
                    d->devs[i].devid == d->devs[free_slot].devid) {
                    taken = true;
                    d->devs[free_slot].devid++;
                }
        }
        memcpy(d->devs[free_slot].mac, xv.mac, 6);
        if (!xv.mac_given)
            xl_vif_random_mac(d->devs[free_slot].mac, d->devs[free_slot].devid + 0x100u * d->id);
    }
    rsp->index = d->devs[free_slot].devid;
    return 0;
}

static void fake_line(void *ctx, const char *line)
{
    struct fake_core *f = ctx;
    size_t n = strlen(f->lines);

    snprintf(f->lines + n, sizeof(f->lines) - n, "%s\n", line);
}

static void fake_crash(void *ctx)
{
    struct fake_core *f = ctx;

    f->crashes++;
}

/* The build service as the builder answers: a spec it takes becomes a
 * running domain of control's; a name "refuse-me" is refused (field name). */
static long fake_build(void *ctx, const struct build_spec *spec, const uint8_t *kernel, uint64_t kernel_size,
                       const uint8_t *ramdisk, uint64_t ramdisk_size, struct build_response *rsp)
{
    struct fake_core *f = ctx;
    struct fake_domain *d;

    f->builds++;
    if (!kernel || !kernel_size || (!ramdisk) != (!ramdisk_size) || spec->version != BUILD_SPEC_VERSION ||
        spec->vcpus < 1 || spec->vcpus > 8 || strnlen(spec->name, sizeof(spec->name)) == sizeof(spec->name)) {
        snprintf(f->bad_why, sizeof(f->bad_why), "a build the builder would refuse for its fields");
        f->bad_calls++;
    }
    if (!strcmp(spec->name, "refuse-me")) {
        rsp->status = -XEN_EINVAL;
        rsp->field = BUILD_FIELD_NAME;
        snprintf(rsp->why, sizeof(rsp->why), "refused by the model");
        return 0;
    }
    if (!(d = fake_add(f, spec->name, f->self, MGMT_STATE_RUNNING, spec->vcpus, MGMT_VCPU_RUNNING))) {
        rsp->status = -XEN_ENOSPC;
        rsp->field = BUILD_FIELD_MACHINE;
        return 0;
    }
    rsp->domid = d->id;
    return 0;
}

struct verbs_env fake_env(struct fake_core *f)
{
    return (struct verbs_env){ .mgmt = fake_mgmt,
                               .sleep_ms = fake_sleep,
                               .log = fake_line,
                               .xs_read = fake_xs_read,
                               .xs_write = fake_xs_write,
                               .ctx = f,
                               .crash = fake_crash,
                               .build = fake_build,
                               .console = NULL, /* no console channel */
                               .xs_directory = fake_xs_directory,
                               .device = fake_device };
}
