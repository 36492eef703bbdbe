/* SPDX-License-Identifier: MIT */
/*
 * The model of the core's management calls (control_fake.h).
 */
#include "control_fake.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"

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
                                   .weight = 256 };
        snprintf(d->name, sizeof(d->name), "%s", name);
        for (uint32_t v = 0; v < nr_vcpus && v < 8; v++)
            d->vcpu[v] = (struct mgmt_vcpu_info){
                .state = vcpu_state, .cpu = v % 2, .affinity = f->online, .running_ns = 1000000ull * (v + 1)
            };
        return d;
    }
    return NULL;
}

void fake_log(struct fake_core *f, const char *text)
{
    for (const char *p = text; *p; p++) {
        f->log[f->log_len % FAKE_LOG_MAX] = *p;
        f->log_len++;
    }
}

static bool zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* The target of a command as the core looks it up: the capability, then
 * the domain, then control of it (-EPERM before -ESRCH for one without
 * the right); self_ok: MGMT_DOMID_SELF names the caller. */
static int target(struct fake_core *f, uint16_t id, bool self_ok, struct fake_domain **out)
{
    struct fake_domain *d;

    if (self_ok && id == MGMT_DOMID_SELF) {
        *out = fake_find(f, f->self);
        return 0;
    }
    if (!(f->self_caps & MGMT_CAP_DOMAIN_CONTROL))
        return -XEN_EPERM;
    d = fake_find(f, id);
    if (!d)
        return -XEN_ESRCH;
    if (d->controller != f->self)
        return -XEN_EPERM;
    *out = d;
    return 0;
}

static int do_info(struct fake_core *f, struct mgmt_domain_info *i)
{
    struct fake_domain *d;
    int r;

    if (i->reserved0)
        return bad(f, "info: reserved0 %u", i->reserved0);
    if ((r = target(f, i->domid, true, &d)) != 0)
        return r;
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

static int do_list(struct fake_core *f, struct mgmt_domain_list *l)
{
    if (l->reserved0)
        return bad(f, "list: reserved0 %u", l->reserved0);
    if (!(f->self_caps & MGMT_CAP_DOMAIN_CONTROL))
        return -XEN_EPERM;
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
    return 0;
}

static int do_vcpu_info(struct fake_core *f, struct mgmt_vcpu_info *v)
{
    struct fake_domain *d;
    int r;

    if (v->reserved0)
        return bad(f, "vcpu_info: reserved0 %u", v->reserved0);
    if ((r = target(f, v->domid, true, &d)) != 0)
        return r;
    if (v->vcpu >= d->nr_vcpus)
        return bad(f, "vcpu_info: d%u has no vCPU %u", d->id, v->vcpu);
    uint16_t vcpu = v->vcpu;
    *v = d->vcpu[vcpu];
    v->domid = d->id;
    v->vcpu = vcpu;
    if (d->state != MGMT_STATE_RUNNING)
        v->state = MGMT_VCPU_DOWN;
    return 0;
}

static int do_log_read(struct fake_core *f, struct mgmt_log_read *l)
{
    uint64_t oldest = f->log_len > MGMT_LOG_RING ? f->log_len - MGMT_LOG_RING : 0, index = l->index, lost = 0;
    uint32_t n = 0;

    if (l->len == 0 || l->len > MGMT_LOG_RING)
        return bad(f, "log_read: len %u", l->len);
    if (!(f->self_caps & MGMT_CAP_LOG))
        return -XEN_EPERM;
    if (index < oldest) {
        lost = oldest - index;
        index = oldest;
    }
    for (; n < l->len && index < f->log_len; n++, index++)
        ((char *)(uintptr_t)l->buf)[n] = f->log[index % FAKE_LOG_MAX];
    l->index = index;
    l->len = n;
    l->lost = lost > UINT32_MAX ? UINT32_MAX : (uint32_t)lost;
    return 0;
}

/* Pause, unpause, destroy, affinity, sched, sched_get: one domain each. */
static int do_domain_op(struct fake_core *f, uint32_t cmd, void *arg)
{
    struct mgmt_domain_pause *p = arg; /* every one starts with its domid */
    struct fake_domain *d;
    bool self_ok = cmd == MGMT_DOMAIN_SCHED_GET;
    int r = target(f, p->domid, self_ok, &d);

    if (cmd == MGMT_DOMAIN_PAUSE || cmd == MGMT_DOMAIN_UNPAUSE || cmd == MGMT_DOMAIN_DESTROY) {
        if (!zero(p->reserved, sizeof(p->reserved)))
            return bad(f, "command %u: a reserved field set", cmd);
        if (r)
            return r;
        if (cmd == MGMT_DOMAIN_PAUSE && d->state != MGMT_STATE_RUNNING)
            return -XEN_EBUSY;
        if (cmd == MGMT_DOMAIN_UNPAUSE && d->state != MGMT_STATE_PAUSED)
            return -XEN_EINVAL; /* a state, not a field: the core's own answer */
        if (cmd == MGMT_DOMAIN_DESTROY) {
            if (!d->dying)
                f->destroyed++;
            d->dying = true;
            d->linger = f->linger;
        } else {
            d->state = cmd == MGMT_DOMAIN_PAUSE ? MGMT_STATE_PAUSED : MGMT_STATE_RUNNING;
        }
        return 0;
    }
    if (cmd == MGMT_VCPU_AFFINITY) {
        struct mgmt_vcpu_affinity *a = arg;
        if (a->reserved0 || !(a->cpumask & f->online))
            return bad(f, "affinity: reserved0 %u, mask 0x%llx", a->reserved0, (unsigned long long)a->cpumask);
        if (r)
            return r;
        if (a->vcpu >= d->nr_vcpus)
            return bad(f, "affinity: d%u has no vCPU %u", d->id, a->vcpu);
        d->vcpu[a->vcpu].affinity = a->cpumask & f->online;
        return 0;
    }
    if (cmd == MGMT_DOMAIN_SCHED) {
        struct mgmt_domain_sched *s = arg;
        if (s->weight == 0 || s->cap > 800)
            return bad(f, "sched: weight %u, cap %u", s->weight, s->cap);
        if (r)
            return r;
        d->weight = s->weight;
        d->cap = s->cap;
        return 0;
    }
    struct mgmt_domain_sched_get *g = arg;
    if (r)
        return r;
    g->domid = d->id;
    g->weight = (uint16_t)d->weight;
    g->cap = d->cap;
    return 0;
}

static size_t cmd_size(uint32_t cmd)
{
    switch (cmd) {
    case MGMT_DOMAIN_INFO: return sizeof(struct mgmt_domain_info);
    case MGMT_DOMAIN_LIST: return sizeof(struct mgmt_domain_list);
    case MGMT_VCPU_INFO: return sizeof(struct mgmt_vcpu_info);
    case MGMT_PHYS_INFO: return sizeof(struct mgmt_phys_info);
    case MGMT_LOG_READ: return sizeof(struct mgmt_log_read);
    case MGMT_DOMAIN_PAUSE: return sizeof(struct mgmt_domain_pause);
    case MGMT_DOMAIN_UNPAUSE: return sizeof(struct mgmt_domain_unpause);
    case MGMT_DOMAIN_DESTROY: return sizeof(struct mgmt_domain_destroy);
    case MGMT_VCPU_AFFINITY: return sizeof(struct mgmt_vcpu_affinity);
    case MGMT_DOMAIN_SCHED: return sizeof(struct mgmt_domain_sched);
    case MGMT_DOMAIN_SCHED_GET: return sizeof(struct mgmt_domain_sched_get);
    default: return 0; /* nothing else is control's to call for these verbs */
    }
}

static long fake_mgmt(void *ctx, uint32_t cmd, void *arg, size_t size)
{
    struct fake_core *f = ctx;
    struct mgmt_phys_info *p = arg;

    f->calls++;
    if (cmd_size(cmd) == 0 || size != cmd_size(cmd))
        return bad(f, "command %u with %zu bytes", cmd, size);
    switch (cmd) {
    case MGMT_DOMAIN_INFO: return do_info(f, arg);
    case MGMT_DOMAIN_LIST: return do_list(f, arg);
    case MGMT_VCPU_INFO: return do_vcpu_info(f, arg);
    case MGMT_LOG_READ: return do_log_read(f, arg);
    case MGMT_PHYS_INFO:
        if (!(f->self_caps & MGMT_CAP_DOMAIN_CONTROL))
            return -XEN_EPERM;
        *p = (struct mgmt_phys_info){ .nr_cpus = (uint32_t)__builtin_popcountll(f->online),
                                      .abi_version = 6,
                                      .online_cpus = f->online,
                                      .total_pages = f->total_pages,
                                      .free_pages = f->free_pages,
                                      .now_ns = f->now_ns };
        return 0;
    default: return do_domain_op(f, cmd, arg);
    }
}

static void fake_sleep(void *ctx, unsigned ms)
{
    struct fake_core *f = ctx;

    f->sleeps++;
    f->now_ns += ms * 1000000ull;
}

static void fake_line(void *ctx, const char *line)
{
    struct fake_core *f = ctx;
    size_t n = strlen(f->lines);

    snprintf(f->lines + n, sizeof(f->lines) - n, "%s\n", line);
}

struct verbs_env fake_env(struct fake_core *f)
{
    return (struct verbs_env){ fake_mgmt, fake_sleep, fake_line, f };
}
