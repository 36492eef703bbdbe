/* SPDX-License-Identifier: MIT */
/*
 * Mosaic's management hypercall (idl/mgmt.idl): create and build domains
 * (their reserved grant entries too), start, schedule, inspect and
 * destroy them, delegate capabilities, assign PCI functions (core/pci). Each command copies its struct in
 * once, decodes its fields (decode_mgmt.c), checks the caller's
 * capability and that it controls the target, then the target's state,
 * and only then performs, so a refused call changes nothing.
 */
#include "core/arch.h"
#include "core/cap.h"
#include "core/errno.h"
#include "core/gnttab_domain.h"
#include "core/hcall.h"
#include "core/log.h"
#include "core/mgmt_decode.h"
#include "core/mm.h"
#include "core/nospec.h"
#include "core/pci.h"
#include "core/sched.h"
#include "core/string.h"
#include "core/vcpu.h"
#include "core/version.h"
#include "core/vtime.h"
#include "idl/gnttab.h"
#include "idl/mgmt.h"
#include "hcall_priv.h"

#define COPY_CHUNK 512

_Static_assert(MGMT_CAP_DOMAIN_CREATE == CAP_DOMAIN_CREATE && MGMT_CAP_DOMAIN_BUILD == CAP_DOMAIN_BUILD &&
                   MGMT_CAP_DOMAIN_CONTROL == CAP_DOMAIN_CONTROL && MGMT_CAP_CAP_GRANT == CAP_CAP_GRANT &&
                   MGMT_CAP_IOPORT == CAP_IOPORT && MGMT_CAP_PCI == CAP_PCI && MGMT_CAP_LOG == CAP_LOG,
               "capability bits agree with idl/mgmt.idl");
_Static_assert(MGMT_GNTTAB_SEED_REFS == GNTTAB_NR_RESERVED_ENTRIES,
               "the refs a toolstack seeds are Xen's reserved ones");
_Static_assert(MGMT_LOG_RING == LOG_RING_BYTES, "one ring size for the log and its reader");
_Static_assert(HCALL_MGMT_GPFN_LIMIT == HCALL_GPFN_LIMIT, "one guest-physical limit for populate and physmap");

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

/* The target must be building; the fields' errors due after that come next. */
static int building(const struct domain *d, const struct hcall_mgmt_op *op)
{
    return d->state != DOMAIN_BUILDING ? -ERR_BUSY : op->after_state;
}

static int op_create(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *parent)
{
    struct mgmt_domain_create *c = &op->arg.create;
    struct domain *d;
    int r;

    if (c->max_pages > frame_total_count())
        return -ERR_NOMEM; /* more than the machine has */
    r = domain_create(c->name, c->nr_vcpus, c->max_pages, parent->id, &d);
    if (r)
        return r;
    c->domid = d->id;
    /* The caller could not learn its id: the domain goes. Others may have
     * found it already (ids are predictable), so through the reaper. */
    if ((r = arg_out(v, a, c, sizeof(*c))) != 0)
        domain_kill(d);
    return r;
}

static int op_populate(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    int r = building(d, op);

    (void)v, (void)a;
    return r ? r : domain_populate(d, op->arg.populate.gfn, op->arg.populate.nr_pages);
}

static int op_copy(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    const struct mgmt_domain_copy *c = &op->arg.copy;
    uint8_t buf[COPY_CHUNK];
    int r = building(d, op);

    (void)a;
    if (r)
        return r;
    /* Decode: every page of both ranges must be there (and the target
     * writable) before a single byte moves. */
    for (uint64_t off = 0; off < c->len; off = ALIGN_DOWN(off, PAGE_SIZE) + PAGE_SIZE) {
        uint8_t probe;
        if (vcpu_copy_from_guest(v, c->src + off, &probe, 1) || domain_guest_write_ok(d, c->dst_gpa + off) != 0)
            return -ERR_FAULT;
    }
    if (c->len && (vcpu_copy_from_guest(v, c->src + c->len - 1, buf, 1) ||
                   domain_guest_write_ok(d, c->dst_gpa + c->len - 1) != 0))
        return -ERR_FAULT;
    for (uint64_t done = 0; done < c->len; done += sizeof(buf)) {
        size_t n = (size_t)MIN(sizeof(buf), c->len - done);
        if (vcpu_copy_from_guest(v, c->src + done, buf, n) || domain_guest_write(d, c->dst_gpa + done, buf, n))
            return -ERR_FAULT;
    }
    return 0;
}

static int op_set_pvh(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    const struct mgmt_vcpu_set_pvh *p = &op->arg.set_pvh;
    uint8_t probe;
    int r = building(d, op);

    (void)v, (void)a;
    if (r)
        return r;
    if (p->vcpu >= d->nr_vcpus)
        return -ERR_INVAL;
    /* Both addresses must be in the domain's memory. */
    if (domain_copy_from_phys(d, p->entry, &probe, 1) || domain_copy_from_phys(d, p->start_info, &probe, 1))
        return -ERR_FAULT;
    vcpu_set_pvh_entry(&d->vcpus[index_nospec(p->vcpu, d->nr_vcpus)], p->entry, p->start_info);
    return 0;
}

static int op_sched(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    (void)v, (void)a;
    return sched_set_params(d, op->arg.sched.weight, op->arg.sched.cap);
}

static int op_sched_get(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_domain_sched_get *s = &op->arg.sched_get;
    uint32_t weight, cap;

    sched_get_params(d, &weight, &cap);
    s->domid = d->id;
    s->weight = (uint16_t)weight; /* 1..65535: sched_set_params allows no more */
    s->cap = cap;
    return arg_out(v, a, s, sizeof(*s));
}

static int op_set_maxmem(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    (void)v, (void)a;
    if (op->arg.set_maxmem.max_pages > frame_total_count())
        return -ERR_NOMEM; /* more than the machine has, as create */
    domain_set_max_pages(d, op->arg.set_maxmem.max_pages);
    return 0;
}

static int op_affinity(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    const struct mgmt_vcpu_affinity *f = &op->arg.affinity;

    (void)v, (void)a;
    if (f->vcpu >= d->nr_vcpus)
        return -ERR_INVAL;
    return sched_set_affinity(&d->vcpus[index_nospec(f->vcpu, d->nr_vcpus)], f->cpumask);
}

static int op_cap_grant(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    uint64_t caps = op->arg.cap_grant.caps;
    int r;

    (void)a;
    if ((r = cap_check_grant(v->dom->caps, caps)) != 0)
        return r;
    d->caps = caps;
    log_info("cap: d%u gave d%u '%s' capabilities 0x%llx", v->dom->id, d->id, d->name, (unsigned long long)caps);
    return 0;
}

static int op_unpause(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    (void)v, (void)a, (void)op;
    return domain_unpause(d);
}

static int op_pause(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    (void)v, (void)a, (void)op;
    return domain_pause(d);
}

static int op_handover(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    (void)v, (void)a;
    return domain_handover(d, op->arg.handover.to);
}

static int op_list(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_domain_list *l = &op->arg.list;
    domid_t ids[MGMT_DOMAIN_LIST_MAX];

    l->nr = (uint16_t)domain_list_controlled(d->id, l->first, ids, MGMT_DOMAIN_LIST_MAX);
    memset(l->domids, 0, sizeof(l->domids));
    for (unsigned i = 0; i < l->nr; i++)
        l->domids[i] = ids[i];
    return arg_out(v, a, l, sizeof(*l));
}

static int op_vcpu_info(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_vcpu_info *i = &op->arg.vcpu_info;
    struct vcpu_runstate_info rs;
    struct vcpu *t;

    if (i->vcpu >= d->nr_vcpus)
        return -ERR_INVAL;
    t = &d->vcpus[index_nospec(i->vcpu, d->nr_vcpus)];
    i->domid = d->id;
    sched_vcpu_where(t, &i->cpu, &i->affinity);
    if (__atomic_load_n(&d->state, __ATOMIC_SEQ_CST) != DOMAIN_RUNNING)
        i->state = MGMT_VCPU_DOWN;
    else if (__atomic_load_n(&t->running_on, __ATOMIC_SEQ_CST) >= 0)
        i->state = MGMT_VCPU_RUNNING;
    else if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == VCPU_RUNNABLE)
        i->state = MGMT_VCPU_RUNNABLE;
    else if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == VCPU_BLOCKED)
        i->state = MGMT_VCPU_BLOCKED;
    else
        i->state = MGMT_VCPU_DOWN;
    vtime_runstate_get(t, &rs);
    i->running_ns = rs.time[RUNSTATE_running];
    if (rs.state == RUNSTATE_running && arch_time_ns() > rs.state_entry_time)
        i->running_ns += arch_time_ns() - rs.state_entry_time; /* this turn so far, as xl shows it */
    return arg_out(v, a, i, sizeof(*i));
}

static int op_phys_info(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_phys_info *p = &op->arg.phys_info;

    (void)d;
    p->online_cpus = arch_online_cpu_mask();
    p->nr_cpus = 0;
    for (uint64_t m = p->online_cpus; m; m &= m - 1) /* no popcount instruction assumed */
        p->nr_cpus++;
    p->abi_version = MOSAIC_ABI_VERSION;
    p->total_pages = frame_total_count();
    p->free_pages = frame_free_count();
    p->now_ns = arch_time_ns();
    return arg_out(v, a, p, sizeof(*p));
}

/* The log in chunks through a buffer of ours: the caller's buffer is
 * written outside the console lock. */
static int op_log_read(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_log_read *l = &op->arg.log_read;
    char chunk[COPY_CHUNK];
    uint64_t index = l->index, lost = 0;
    uint32_t done = 0;
    size_t n;

    (void)d;
    while (done < l->len && (n = log_read(&index, chunk, MIN(sizeof(chunk), (size_t)(l->len - done)), &lost))) {
        if (vcpu_copy_to_guest(v, l->buf + done, chunk, n))
            return -ERR_FAULT;
        done += (uint32_t)n;
    }
    l->index = index;
    l->len = done;
    l->lost = lost > UINT32_MAX ? UINT32_MAX : (uint32_t)lost;
    return arg_out(v, a, l, sizeof(*l));
}

static int op_destroy(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    (void)v, (void)a, (void)op;
    domain_kill(d);
    return 0;
}

static int op_info(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    static const uint32_t states[] = {
        [DOMAIN_BUILDING] = MGMT_STATE_BUILDING,
        [DOMAIN_RUNNING] = MGMT_STATE_RUNNING,
        [DOMAIN_SHUTDOWN] = MGMT_STATE_SHUTDOWN,
        [DOMAIN_PAUSED] = MGMT_STATE_PAUSED,
    };
    struct mgmt_domain_info *i = &op->arg.info;

    i->domid = d->id; /* answers "who am I" for MGMT_DOMID_SELF */
    i->state = states[d->state];
    i->shutdown_reason = d->reason;
    i->nr_vcpus = d->nr_vcpus;
    i->nr_pages = d->nr_pages;
    i->caps = d->caps;
    i->runtime_ns = sched_runtime_ns(d);
    memset(i->name, 0, sizeof(i->name));
    memcpy(i->name, d->name, strnlen(d->name, sizeof(i->name) - 1));
    i->max_pages = d->max_pages;
    i->started_ns = __atomic_load_n(&d->started_ns, __ATOMIC_RELAXED);
    return arg_out(v, a, i, sizeof(*i));
}

/* A reserved grant entry of a building domain (idl/mgmt.idl): only refs
 * below Xen's reserved count, which the guest's own grant allocator never
 * hands out, and only before it runs, while nobody else writes its table. */
static int op_gnttab_seed(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    const struct mgmt_gnttab_seed *g = &op->arg.gnttab_seed;
    int r = building(d, op);

    (void)v, (void)a;
    return r ? r : gnttab_domain_seed(d, g->ref, g->grantee, g->gfn, g->flags & MGMT_GNTTAB_SEED_READONLY);
}

/* I/O ports (idl/mgmt.idl): only ones the caller may reach itself, so the
 * core's own never leave it and a grant only narrows; only while building,
 * so no vCPU of d uses the map being written. */
static int op_ioport_permit(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    const struct mgmt_ioport_permit *p = &op->arg.ioport;

    (void)a;
    if (!vcpu_ioports_held(v->dom, p->first_port, p->nr_ports))
        return -ERR_PERM;
    if (d->state != DOMAIN_BUILDING)
        return -ERR_BUSY;
    return vcpu_ioports_permit(d, p->first_port, p->nr_ports);
}

/* PCI assignment (idl/mgmt.idl): only before the domain runs, so its
 * memory and mappings change while no vCPU of it uses them. */
static int op_pci_assign(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    int r = building(d, op);

    (void)v, (void)a;
    return r ? r : pci_assign(d, op->arg.pci_assign.sbdf);
}

static int op_pci_info(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_pci_info *i = &op->arg.pci_info;
    struct pci_info in;
    int r = pci_info_get(d, i->index, &in);

    if (r)
        return r;
    i->sbdf = in.sbdf;
    i->cfg_gpa = in.cfg_gpa;
    i->nr_msix = in.nr_msix;
    i->reserved0 = 0;
    memcpy(i->bar_addr, in.bar_addr, sizeof(i->bar_addr));
    memcpy(i->bar_size, in.bar_size, sizeof(i->bar_size));
    memcpy(i->bar_flags, in.bar_flags, sizeof(i->bar_flags));
    return arg_out(v, a, i, sizeof(*i));
}

static int op_pci_cfg_write(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    const struct mgmt_pci_cfg_write *w = &op->arg.pci_cfg_write;

    (void)v, (void)a;
    return pci_cfg_write(d, w->sbdf, w->offset, w->size, w->value);
}

/* The port is the caller's as soon as it is bound: a failed copy-out
 * leaves it bound (as a Xen bind whose result cannot be written does). */
static int op_pci_msi_bind(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d)
{
    struct mgmt_pci_msi_bind *b = &op->arg.pci_msi_bind;
    evtchn_port_t port;
    int r = pci_msi_bind(d, b->sbdf, b->entry, &port);

    if (r)
        return r;
    b->port = port;
    return arg_out(v, a, b, sizeof(*b));
}

/* The caller's capability, then (for a target) its control of it: -EPERM
 * before -ESRCH, so that a caller without rights learns nothing. */
static int mgmt_check(struct vcpu *v, const struct hcall_mgmt_op *op, struct domain **d)
{
    *d = v->dom;
    if (op->check == HCALL_MGMT_CHECK_NONE)
        return 0;
    if (op->check == HCALL_MGMT_CHECK_CAP)
        return cap_has(v->dom->caps, op->need) ? 0 : -ERR_PERM;
    return hcall_controlled(v, op->domid, op->need, d);
}

/* Perform, with the fields decoded and the target (or the caller) found. */
typedef int (*mgmt_fn)(struct vcpu *v, const uint64_t *a, struct hcall_mgmt_op *op, struct domain *d);

static const mgmt_fn mgmt_table[] = {
    [MGMT_DOMAIN_CREATE] = op_create,
    [MGMT_DOMAIN_POPULATE] = op_populate,
    [MGMT_DOMAIN_COPY] = op_copy,
    [MGMT_VCPU_SET_PVH] = op_set_pvh,
    [MGMT_DOMAIN_SCHED] = op_sched,
    [MGMT_VCPU_AFFINITY] = op_affinity,
    [MGMT_CAP_GRANT] = op_cap_grant,
    [MGMT_DOMAIN_UNPAUSE] = op_unpause,
    [MGMT_DOMAIN_DESTROY] = op_destroy,
    [MGMT_DOMAIN_INFO] = op_info,
    [MGMT_GNTTAB_SEED] = op_gnttab_seed,
    [MGMT_IOPORT_PERMIT] = op_ioport_permit,
    [MGMT_PCI_ASSIGN] = op_pci_assign,
    [MGMT_PCI_INFO] = op_pci_info,
    [MGMT_PCI_CFG_WRITE] = op_pci_cfg_write,
    [MGMT_PCI_MSI_BIND] = op_pci_msi_bind,
    [MGMT_DOMAIN_PAUSE] = op_pause,
    [MGMT_DOMAIN_HANDOVER] = op_handover,
    [MGMT_DOMAIN_LIST] = op_list,
    [MGMT_VCPU_INFO] = op_vcpu_info,
    [MGMT_PHYS_INFO] = op_phys_info,
    [MGMT_LOG_READ] = op_log_read,
    [MGMT_DOMAIN_SCHED_GET] = op_sched_get,
    [MGMT_DOMAIN_SET_MAXMEM] = op_set_maxmem,
};

int64_t hcall_mgmt(struct vcpu *v, const uint64_t *a)
{
    const struct hcall_mgmt_ctx ctx = { DOMAIN_MAX_VCPUS, arch_online_cpu_mask() };
    size_t size = hcall_mgmt_arg_size(a[0]);
    union hcall_mgmt_arg arg;
    struct hcall_mgmt_op op;
    struct domain *d;
    bool in = size && a[2] == size && vcpu_copy_from_guest(v, a[1], &arg, size) == 0;
    int r = hcall_decode_mgmt(&ctx, a, in ? &arg : NULL, &op);

    if (r == 0)
        r = mgmt_check(v, &op, &d);
    if (r == 0)
        r = op.after_lookup;
    if (r == 0)
        r = mgmt_table[index_nospec(op.cmd, ARRAY_SIZE(mgmt_table))](v, a, &op, d);
    if (r)
        log_debug("mgmt: d%u command %llu refused: %s", v->dom->id, (unsigned long long)a[0], err_name(r));
    return r;
}
