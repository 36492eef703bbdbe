/* SPDX-License-Identifier: MIT */
/*
 * Decode of the management hypercall's commands (mgmt_decode.h): the
 * argument size and every field check that needs no core state, in the
 * order idl/mgmt.idl lists them. Plain C on generated headers only: no
 * core state, no side effects; a refused call leaves *out untouched.
 * The lookups, state checks and performing are mgmt.c's.
 */
#include "core/mgmt_decode.h"
#include "idl/xen_errno.h"

/* hcall_decode_mgmt reads the target of any command through populate's. */
#define DOMID_FIRST(s) (offsetof(struct s, domid) == offsetof(struct mgmt_domain_populate, domid))
_Static_assert(DOMID_FIRST(mgmt_domain_populate) && DOMID_FIRST(mgmt_domain_copy) && DOMID_FIRST(mgmt_vcpu_set_pvh) &&
                   DOMID_FIRST(mgmt_domain_sched) && DOMID_FIRST(mgmt_vcpu_affinity) && DOMID_FIRST(mgmt_cap_grant) &&
                   DOMID_FIRST(mgmt_domain_unpause) && DOMID_FIRST(mgmt_domain_destroy) &&
                   DOMID_FIRST(mgmt_domain_info) && DOMID_FIRST(mgmt_gnttab_seed) && DOMID_FIRST(mgmt_ioport_permit) &&
                   DOMID_FIRST(mgmt_pci_assign) && DOMID_FIRST(mgmt_domain_pause) &&
                   DOMID_FIRST(mgmt_domain_handover) && DOMID_FIRST(mgmt_vcpu_info) &&
                   DOMID_FIRST(mgmt_domain_sched_get) && DOMID_FIRST(mgmt_domain_set_maxmem),
               "every target's domid comes first");

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

/* Non-empty, NUL-terminated inside the field, no space or unprintable byte. */
static bool name_ok(const char *name, size_t max)
{
    size_t n = 0;

    while (n < max && name[n])
        n++;
    if (n == 0 || n == max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)name[i] <= ' ' || (uint8_t)name[i] >= 0x7f)
            return false;
    return true;
}

/* a + n wraps, or ends past limit (limit 0: no end beyond wrapping). */
static bool range_bad(uint64_t a, uint64_t n, uint64_t limit)
{
    return a + n < a || (limit && a + n > limit);
}

static int create_fields(const struct hcall_mgmt_ctx *ctx, const struct mgmt_domain_create *c)
{
    if (!name_ok(c->name, sizeof(c->name)) || c->nr_vcpus == 0 || c->nr_vcpus > ctx->max_vcpus || c->reserved0 ||
        c->max_pages == 0)
        return -XEN_EINVAL;
    return 0;
}

static int seed_fields(const struct mgmt_gnttab_seed *g)
{
    if (g->ref >= MGMT_GNTTAB_SEED_REFS || (g->flags & ~(uint32_t)MGMT_GNTTAB_SEED_READONLY) || g->reserved0 ||
        g->grantee >= MGMT_DOMID_SELF || g->gfn > UINT32_MAX)
        return -XEN_EINVAL;
    return 0;
}

/* One naturally aligned access of 1, 2 or 4 bytes inside the 4 KiB page. */
static int cfg_write_fields(const struct mgmt_pci_cfg_write *w)
{
    if ((w->size != 1 && w->size != 2 && w->size != 4) || (w->offset & (w->size - 1u)) || w->offset >= 0x1000u ||
        w->reserved0)
        return -XEN_EINVAL;
    return 0;
}

/* The checks of every command but create; o->need (and o->domid) set. */
static void decode_fields(const struct hcall_mgmt_ctx *ctx, const union hcall_mgmt_arg *arg, struct hcall_mgmt_op *o)
{
    const int inval = -XEN_EINVAL;

    switch (o->cmd) {
    case MGMT_DOMAIN_POPULATE:
        o->after_lookup = zero(arg->populate.reserved, sizeof(arg->populate.reserved)) ? 0 : inval;
        if (arg->populate.nr_pages == 0 || range_bad(arg->populate.gfn, arg->populate.nr_pages, HCALL_MGMT_GPFN_LIMIT))
            o->after_state = -XEN_EOVERFLOW;
        break;
    case MGMT_DOMAIN_COPY:
        o->after_lookup = zero(arg->copy.reserved, sizeof(arg->copy.reserved)) ? 0 : inval;
        if (arg->copy.len > HCALL_MGMT_COPY_MAX || range_bad(arg->copy.dst_gpa, arg->copy.len, 0) ||
            range_bad(arg->copy.src, arg->copy.len, 0))
            o->after_state = inval;
        break;
    case MGMT_VCPU_SET_PVH: o->after_state = arg->set_pvh.reserved0 ? inval : 0; break;
    case MGMT_DOMAIN_SCHED:
        o->after_lookup = arg->sched.weight == 0 || arg->sched.cap > 100ull * ctx->max_vcpus ? inval : 0;
        break;
    case MGMT_VCPU_AFFINITY:
        o->after_lookup = arg->affinity.reserved0 || !(arg->affinity.cpumask & ctx->online_cpus) ? inval : 0;
        break;
    case MGMT_CAP_GRANT:
        o->after_lookup = zero(arg->cap_grant.reserved, sizeof(arg->cap_grant.reserved)) ? 0 : inval;
        break;
    case MGMT_DOMAIN_UNPAUSE:
        o->after_lookup = zero(arg->unpause.reserved, sizeof(arg->unpause.reserved)) ? 0 : inval;
        break;
    case MGMT_DOMAIN_DESTROY:
        o->after_lookup = zero(arg->destroy.reserved, sizeof(arg->destroy.reserved)) ? 0 : inval;
        break;
    case MGMT_DOMAIN_INFO: o->after_lookup = arg->info.reserved0 ? inval : 0; break;
    case MGMT_DOMAIN_PAUSE: o->after_lookup = zero(arg->pause.reserved, sizeof(arg->pause.reserved)) ? 0 : inval; break;
    case MGMT_DOMAIN_HANDOVER:
        o->after_lookup = !zero(arg->handover.reserved, sizeof(arg->handover.reserved)) ||
                                  arg->handover.to == arg->handover.domid || arg->handover.to >= MGMT_DOMID_SELF
                              ? inval
                              : 0;
        break;
    case MGMT_DOMAIN_LIST: o->after_lookup = arg->list.reserved0 ? inval : 0; break;
    case MGMT_DOMAIN_SET_MAXMEM:
        o->after_lookup =
            !zero(arg->set_maxmem.reserved, sizeof(arg->set_maxmem.reserved)) || arg->set_maxmem.max_pages == 0 ? inval
                                                                                                                : 0;
        break;
    case MGMT_VCPU_INFO: o->after_lookup = arg->vcpu_info.reserved0 ? inval : 0; break;
    case MGMT_PHYS_INFO:
    case MGMT_DOMAIN_SCHED_GET: break; /* every field but the target is out */
    case MGMT_LOG_READ:
        o->after_lookup = arg->log_read.len == 0 || arg->log_read.len > MGMT_LOG_RING ? inval : 0;
        break;
    case MGMT_IOPORT_PERMIT:
        o->after_lookup =
            arg->ioport.nr_ports == 0 || arg->ioport.nr_ports > 0x10000u - arg->ioport.first_port ? inval : 0;
        break;
    case MGMT_PCI_ASSIGN:
        o->after_lookup = arg->pci_assign.reserved0 || (arg->pci_assign.sbdf >> 16) ? inval : 0;
        break;
    case MGMT_PCI_INFO: break;
    case MGMT_PCI_CFG_WRITE: o->after_lookup = cfg_write_fields(&arg->pci_cfg_write); break;
    case MGMT_PCI_MSI_BIND:
        o->after_lookup = arg->pci_msi_bind.reserved0 || arg->pci_msi_bind.reserved1 ? inval : 0;
        break;
    default: o->after_lookup = seed_fields(&arg->gnttab_seed); break;
    }
}

size_t hcall_mgmt_arg_size(uint64_t cmd)
{
    switch (cmd) {
    case MGMT_DOMAIN_CREATE: return sizeof(struct mgmt_domain_create);
    case MGMT_DOMAIN_POPULATE: return sizeof(struct mgmt_domain_populate);
    case MGMT_DOMAIN_COPY: return sizeof(struct mgmt_domain_copy);
    case MGMT_VCPU_SET_PVH: return sizeof(struct mgmt_vcpu_set_pvh);
    case MGMT_DOMAIN_SCHED: return sizeof(struct mgmt_domain_sched);
    case MGMT_VCPU_AFFINITY: return sizeof(struct mgmt_vcpu_affinity);
    case MGMT_CAP_GRANT: return sizeof(struct mgmt_cap_grant);
    case MGMT_DOMAIN_UNPAUSE: return sizeof(struct mgmt_domain_unpause);
    case MGMT_DOMAIN_DESTROY: return sizeof(struct mgmt_domain_destroy);
    case MGMT_DOMAIN_INFO: return sizeof(struct mgmt_domain_info);
    case MGMT_GNTTAB_SEED: return sizeof(struct mgmt_gnttab_seed);
    case MGMT_IOPORT_PERMIT: return sizeof(struct mgmt_ioport_permit);
    case MGMT_PCI_ASSIGN: return sizeof(struct mgmt_pci_assign);
    case MGMT_PCI_INFO: return sizeof(struct mgmt_pci_info);
    case MGMT_PCI_CFG_WRITE: return sizeof(struct mgmt_pci_cfg_write);
    case MGMT_PCI_MSI_BIND: return sizeof(struct mgmt_pci_msi_bind);
    case MGMT_DOMAIN_PAUSE: return sizeof(struct mgmt_domain_pause);
    case MGMT_DOMAIN_HANDOVER: return sizeof(struct mgmt_domain_handover);
    case MGMT_DOMAIN_LIST: return sizeof(struct mgmt_domain_list);
    case MGMT_VCPU_INFO: return sizeof(struct mgmt_vcpu_info);
    case MGMT_PHYS_INFO: return sizeof(struct mgmt_phys_info);
    case MGMT_LOG_READ: return sizeof(struct mgmt_log_read);
    case MGMT_DOMAIN_SCHED_GET: return sizeof(struct mgmt_domain_sched_get);
    case MGMT_DOMAIN_SET_MAXMEM: return sizeof(struct mgmt_domain_set_maxmem);
    default: return 0;
    }
}

/* The capability each command needs (idl/mgmt.idl). */
static uint64_t cmd_need(uint32_t cmd)
{
    switch (cmd) {
    case MGMT_DOMAIN_CREATE: return MGMT_CAP_DOMAIN_CREATE;
    case MGMT_DOMAIN_POPULATE:
    case MGMT_DOMAIN_COPY:
    case MGMT_VCPU_SET_PVH:
    case MGMT_GNTTAB_SEED: return MGMT_CAP_DOMAIN_BUILD;
    case MGMT_CAP_GRANT: return MGMT_CAP_CAP_GRANT;
    case MGMT_IOPORT_PERMIT: return MGMT_CAP_IOPORT;
    case MGMT_PCI_ASSIGN: return MGMT_CAP_PCI;
    case MGMT_PCI_INFO:
    case MGMT_PCI_CFG_WRITE:
    case MGMT_PCI_MSI_BIND: return 0; /* one's own functions only */
    case MGMT_LOG_READ: return MGMT_CAP_LOG;
    default: return MGMT_CAP_DOMAIN_CONTROL;
    }
}

/* Commands that name no domain: the capability alone decides. */
static bool no_target(uint32_t cmd)
{
    return cmd == MGMT_DOMAIN_CREATE || cmd == MGMT_DOMAIN_LIST || cmd == MGMT_PHYS_INFO || cmd == MGMT_LOG_READ;
}

int hcall_decode_mgmt(const struct hcall_mgmt_ctx *ctx, const uint64_t *a, const union hcall_mgmt_arg *arg,
                      struct hcall_mgmt_op *out)
{
    size_t size = hcall_mgmt_arg_size(a[0]);
    struct hcall_mgmt_op o = { .cmd = (uint32_t)a[0], .check = HCALL_MGMT_CHECK_CONTROL };

    if (size == 0)
        return -XEN_ENOSYS;
    if (a[2] != size)
        return -XEN_EINVAL;
    if (!arg)
        return -XEN_EFAULT;
    o.need = cmd_need(o.cmd);
    o.arg = *arg;
    /* Every struct with a target but create's starts with its domid. */
    o.domid = no_target(o.cmd) ? 0 : arg->populate.domid;
    if (o.need == 0) { /* no target: the caller's own functions */
        o.check = HCALL_MGMT_CHECK_NONE;
        o.domid = 0;
        decode_fields(ctx, arg, &o);
    } else if (o.cmd == MGMT_DOMAIN_CREATE) {
        o.check = HCALL_MGMT_CHECK_CAP;
        o.after_lookup = create_fields(ctx, &arg->create);
    } else if (no_target(o.cmd)) { /* list, phys_info, log_read: the capability alone */
        o.check = HCALL_MGMT_CHECK_CAP;
        decode_fields(ctx, arg, &o);
    } else {
        if ((o.cmd == MGMT_DOMAIN_INFO || o.cmd == MGMT_VCPU_INFO || o.cmd == MGMT_DOMAIN_SCHED_GET) &&
            o.domid == MGMT_DOMID_SELF)
            o.check = HCALL_MGMT_CHECK_NONE;
        decode_fields(ctx, arg, &o);
    }
    *out = o;
    return 0;
}
