/* SPDX-License-Identifier: MIT */
/*
 * Mosaic's management hypercall (idl/mgmt.idl): create and build domains
 * (their reserved grant entries too), start, schedule, inspect and
 * destroy them, delegate capabilities. Each command decodes first (copies
 * its struct in once, checks the caller's capability, that it controls
 * the target, every field and the target's state) and only then
 * performs, so a refused call changes nothing.
 */
#include "core/arch.h"
#include "core/cap.h"
#include "core/errno.h"
#include "core/gnttab_domain.h"
#include "core/hcall.h"
#include "core/log.h"
#include "core/mm.h"
#include "core/nospec.h"
#include "core/sched.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "idl/gnttab.h"
#include "idl/mgmt.h"
#include "hcall_priv.h"

#define COPY_MAX   MIB(16)
#define COPY_CHUNK 512

_Static_assert(MGMT_CAP_DOMAIN_CREATE == CAP_DOMAIN_CREATE && MGMT_CAP_DOMAIN_BUILD == CAP_DOMAIN_BUILD &&
                   MGMT_CAP_DOMAIN_CONTROL == CAP_DOMAIN_CONTROL && MGMT_CAP_CAP_GRANT == CAP_CAP_GRANT,
               "capability bits agree with idl/mgmt.idl");
_Static_assert(MGMT_GNTTAB_SEED_REFS == GNTTAB_NR_RESERVED_ENTRIES,
               "the refs a toolstack seeds are Xen's reserved ones");

/* Copies the command's struct in; the size must be exact. */
static int arg_in(struct vcpu *v, const uint64_t *a, void *buf, size_t size)
{
    if (a[2] != size)
        return -ERR_INVAL;
    return vcpu_copy_from_guest(v, a[1], buf, size) ? -ERR_FAULT : 0;
}

static int arg_out(struct vcpu *v, const uint64_t *a, const void *buf, size_t size)
{
    return vcpu_copy_to_guest(v, a[1], buf, size) ? -ERR_FAULT : 0;
}

int hcall_controlled(struct vcpu *v, domid_t id, cap_t need, struct domain **out)
{
    struct domain *d;
    unsigned slot = v->held[0] ? 1 : 0;

    if (!cap_has(v->dom->caps, need))
        return -ERR_PERM;
    d = domain_find(id);
    /* Held until hcall_dispatch returns: the target cannot be reaped (its
     * frames freed) while this hypercall works on it. */
    if (!d || v->held[slot] || !domain_get(d))
        return -ERR_SRCH;
    if (d->controller != v->dom->id) {
        domain_put(d);
        return -ERR_PERM;
    }
    v->held[slot] = d;
    *out = d;
    return 0;
}

/* Reserved fields must be zero, so that a later ABI version can give them
 * a meaning without old callers' garbage being taken for it. */
static bool zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static bool name_ok(const char *name, size_t max)
{
    size_t n = strnlen(name, max);

    if (n == 0 || n == max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] <= ' ' || name[i] >= 0x7f)
            return false;
    return true;
}

static int op_create(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_domain_create c;
    struct domain *d;
    int r = arg_in(v, a, &c, sizeof(c));

    if (r)
        return r;
    if (!cap_has(v->dom->caps, CAP_DOMAIN_CREATE))
        return -ERR_PERM;
    if (!name_ok(c.name, sizeof(c.name)) || c.nr_vcpus == 0 || c.nr_vcpus > DOMAIN_MAX_VCPUS || c.reserved0 ||
        c.max_pages == 0)
        return -ERR_INVAL;
    if (c.max_pages > frame_total_count())
        return -ERR_NOMEM; /* more than the machine has */
    r = domain_create(c.name, c.nr_vcpus, c.max_pages, v->dom->id, &d);
    if (r)
        return r;
    c.domid = d->id;
    /* The caller could not learn its id: the domain goes. Others may have
     * found it already (ids are predictable), so through the reaper. */
    if ((r = arg_out(v, a, &c, sizeof(c))) != 0)
        domain_kill(d);
    return r;
}

static int op_populate(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_domain_populate p;
    struct domain *d;
    int r = arg_in(v, a, &p, sizeof(p));

    if (r || (r = hcall_controlled(v, p.domid, CAP_DOMAIN_BUILD, &d)) != 0)
        return r;
    if (!zero(p.reserved, sizeof(p.reserved)))
        return -ERR_INVAL;
    if (d->state != DOMAIN_BUILDING)
        return -ERR_BUSY;
    return domain_populate(d, p.gfn, p.nr_pages);
}

static int op_copy(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_domain_copy c;
    struct domain *d;
    uint8_t buf[COPY_CHUNK];
    int r = arg_in(v, a, &c, sizeof(c));

    if (r || (r = hcall_controlled(v, c.domid, CAP_DOMAIN_BUILD, &d)) != 0)
        return r;
    if (!zero(c.reserved, sizeof(c.reserved)))
        return -ERR_INVAL;
    if (d->state != DOMAIN_BUILDING)
        return -ERR_BUSY;
    if (c.len > COPY_MAX || c.dst_gpa + c.len < c.dst_gpa || c.src + c.len < c.src)
        return -ERR_INVAL;
    /* Decode: every page of both ranges must be there (and the target
     * writable) before a single byte moves. */
    for (uint64_t off = 0; off < c.len; off = ALIGN_DOWN(off, PAGE_SIZE) + PAGE_SIZE) {
        uint8_t probe;
        if (vcpu_copy_from_guest(v, c.src + off, &probe, 1) || domain_guest_write_ok(d, c.dst_gpa + off) != 0)
            return -ERR_FAULT;
    }
    if (c.len &&
        (vcpu_copy_from_guest(v, c.src + c.len - 1, buf, 1) || domain_guest_write_ok(d, c.dst_gpa + c.len - 1) != 0))
        return -ERR_FAULT;
    for (uint64_t done = 0; done < c.len; done += sizeof(buf)) {
        size_t n = (size_t)MIN(sizeof(buf), c.len - done);
        if (vcpu_copy_from_guest(v, c.src + done, buf, n) || domain_guest_write(d, c.dst_gpa + done, buf, n))
            return -ERR_FAULT;
    }
    return 0;
}

static int op_set_pvh(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_vcpu_set_pvh p;
    struct domain *d;
    uint8_t probe;
    int r = arg_in(v, a, &p, sizeof(p));

    if (r || (r = hcall_controlled(v, p.domid, CAP_DOMAIN_BUILD, &d)) != 0)
        return r;
    if (d->state != DOMAIN_BUILDING)
        return -ERR_BUSY;
    if (p.vcpu >= d->nr_vcpus || p.reserved0)
        return -ERR_INVAL;
    /* Both addresses must be in the domain's memory. */
    if (domain_copy_from_phys(d, p.entry, &probe, 1) || domain_copy_from_phys(d, p.start_info, &probe, 1))
        return -ERR_FAULT;
    vcpu_set_pvh_entry(&d->vcpus[p.vcpu], p.entry, p.start_info);
    return 0;
}

static int op_sched(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_domain_sched s;
    struct domain *d;
    int r = arg_in(v, a, &s, sizeof(s));

    if (r || (r = hcall_controlled(v, s.domid, CAP_DOMAIN_CONTROL, &d)) != 0)
        return r;
    if (s.weight == 0 || s.cap > 100u * DOMAIN_MAX_VCPUS)
        return -ERR_INVAL;
    return sched_set_params(d, s.weight, s.cap);
}

static int op_affinity(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_vcpu_affinity f;
    struct domain *d;
    int r = arg_in(v, a, &f, sizeof(f));

    if (r || (r = hcall_controlled(v, f.domid, CAP_DOMAIN_CONTROL, &d)) != 0)
        return r;
    if (f.vcpu >= d->nr_vcpus || f.reserved0 || !(f.cpumask & arch_online_cpu_mask()))
        return -ERR_INVAL;
    return sched_set_affinity(&d->vcpus[f.vcpu], f.cpumask);
}

static int op_cap_grant(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_cap_grant g;
    struct domain *d;
    int r = arg_in(v, a, &g, sizeof(g));

    if (r || (r = hcall_controlled(v, g.domid, CAP_CAP_GRANT, &d)) != 0)
        return r;
    if (!zero(g.reserved, sizeof(g.reserved)))
        return -ERR_INVAL;
    if ((r = cap_check_grant(v->dom->caps, g.caps)) != 0)
        return r;
    d->caps = g.caps;
    log_info("cap: d%u gave d%u '%s' capabilities 0x%llx", v->dom->id, d->id, d->name, (unsigned long long)g.caps);
    return 0;
}

static int op_unpause(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_domain_unpause u;
    struct domain *d;
    int r = arg_in(v, a, &u, sizeof(u));

    if (r || (r = hcall_controlled(v, u.domid, CAP_DOMAIN_CONTROL, &d)) != 0)
        return r;
    if (!zero(u.reserved, sizeof(u.reserved)))
        return -ERR_INVAL;
    return domain_unpause(d);
}

static int op_destroy(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_domain_destroy x;
    struct domain *d;
    int r = arg_in(v, a, &x, sizeof(x));

    if (r || (r = hcall_controlled(v, x.domid, CAP_DOMAIN_CONTROL, &d)) != 0)
        return r;
    if (!zero(x.reserved, sizeof(x.reserved)))
        return -ERR_INVAL;
    domain_kill(d);
    return 0;
}

static int op_info(struct vcpu *v, const uint64_t *a)
{
    static const uint32_t states[] = {
        [DOMAIN_BUILDING] = MGMT_STATE_BUILDING,
        [DOMAIN_RUNNING] = MGMT_STATE_RUNNING,
        [DOMAIN_SHUTDOWN] = MGMT_STATE_SHUTDOWN,
    };
    struct mgmt_domain_info i;
    struct domain *d = v->dom;
    int r = arg_in(v, a, &i, sizeof(i));

    if (r || (i.domid != MGMT_DOMID_SELF && (r = hcall_controlled(v, i.domid, CAP_DOMAIN_CONTROL, &d)) != 0))
        return r;
    if (i.reserved0)
        return -ERR_INVAL;
    i.domid = d->id; /* answers "who am I" for MGMT_DOMID_SELF */
    i.state = states[d->state];
    i.shutdown_reason = d->reason;
    i.nr_vcpus = d->nr_vcpus;
    i.nr_pages = d->nr_pages;
    i.caps = d->caps;
    i.runtime_ns = sched_runtime_ns(d);
    memset(i.name, 0, sizeof(i.name));
    memcpy(i.name, d->name, strnlen(d->name, sizeof(i.name) - 1));
    return arg_out(v, a, &i, sizeof(i));
}

/* A reserved grant entry of a building domain (idl/mgmt.idl): only refs
 * below Xen's reserved count, which the guest's own grant allocator never
 * hands out, and only before it runs, while nobody else writes its table. */
static int op_gnttab_seed(struct vcpu *v, const uint64_t *a)
{
    struct mgmt_gnttab_seed g;
    struct domain *d;
    int r = arg_in(v, a, &g, sizeof(g));

    if (r || (r = hcall_controlled(v, g.domid, CAP_DOMAIN_BUILD, &d)) != 0)
        return r;
    if (g.ref >= MGMT_GNTTAB_SEED_REFS || (g.flags & ~(uint32_t)MGMT_GNTTAB_SEED_READONLY) || g.reserved0 ||
        g.grantee >= MGMT_DOMID_SELF || g.gfn > UINT32_MAX)
        return -ERR_INVAL;
    if (d->state != DOMAIN_BUILDING)
        return -ERR_BUSY;
    return gnttab_domain_seed(d, g.ref, g.grantee, g.gfn, g.flags & MGMT_GNTTAB_SEED_READONLY);
}

typedef int (*mgmt_fn)(struct vcpu *v, const uint64_t *a);

static const mgmt_fn mgmt_table[] = {
    [MGMT_DOMAIN_CREATE] = op_create, [MGMT_DOMAIN_POPULATE] = op_populate, [MGMT_DOMAIN_COPY] = op_copy,
    [MGMT_VCPU_SET_PVH] = op_set_pvh, [MGMT_DOMAIN_SCHED] = op_sched,       [MGMT_VCPU_AFFINITY] = op_affinity,
    [MGMT_CAP_GRANT] = op_cap_grant,  [MGMT_DOMAIN_UNPAUSE] = op_unpause,   [MGMT_DOMAIN_DESTROY] = op_destroy,
    [MGMT_DOMAIN_INFO] = op_info,     [MGMT_GNTTAB_SEED] = op_gnttab_seed,
};

int64_t hcall_mgmt(struct vcpu *v, const uint64_t *a)
{
    int r;

    if (a[0] >= ARRAY_SIZE(mgmt_table) || !mgmt_table[a[0]])
        return -ERR_NOSYS;
    r = mgmt_table[index_nospec((size_t)a[0], ARRAY_SIZE(mgmt_table))](v, a);
    if (r)
        log_debug("mgmt: d%u command %llu refused: %s", v->dom->id, (unsigned long long)a[0], err_name(r));
    return r;
}
