/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the decode step of the management hypercall
 * (mgmt_decode.h). The input picks the context, the command, the size
 * given and the argument struct (layout in fuzz.h). Decode runs twice into
 * differently filled outputs and once with every byte past the struct's
 * size flipped: the same answer each time, a refusal writes nothing, and
 * the answer and both deferred errors equal those of the plain reference
 * rules below, written from idl/mgmt.idl.
 */
#include <string.h>

#include "core/mgmt_decode.h"
#include "idl/xen_errno.h"
#include "fuzz.h"

struct input {
    struct hcall_mgmt_ctx ctx;
    uint64_t a[3];
    bool fault;               /* the copy-in failed: the decoder gets NULL */
    union hcall_mgmt_arg arg; /* the struct, zero past the input */
    union hcall_mgmt_arg alt; /* the same, bytes past the struct's size flipped */
};

/* What the reference rules expect. */
struct want {
    int r;
    uint64_t need;
    uint8_t check;
    int after_lookup, after_state;
};

FUZZ_ORACLE static bool zeros(const void *p, size_t n)
{
    return n == 0 || (((const uint8_t *)p)[0] == 0 && zeros((const uint8_t *)p + 1, n - 1));
}

FUZZ_ORACLE static size_t ref_size(uint64_t cmd)
{
    static const size_t sizes[] = { 0, 56,  24, 32, 16, 8, 16,  16, 8,  8,  88, 24, 8,
                                    8, 144, 12, 16, 8,  8, 136, 32, 40, 24, 8,  16 };

    return cmd < sizeof(sizes) / sizeof(sizes[0]) ? sizes[cmd] : 0;
}

/* The name rule as the IDL states it: 1..31 bytes, each 0x21..0x7e, then NUL. */
FUZZ_ORACLE static bool ref_name(const char *name)
{
    const char *end = memchr(name, 0, 32);

    if (!end || end == name)
        return false;
    for (const char *p = name; p < end; p++)
        if (*p < 0x21 || *p > 0x7e)
            return false;
    return true;
}

/* The calls on one's own functions: no capability, no target. */
FUZZ_ORACLE static void ref_pci_own(const union hcall_mgmt_arg *g, uint64_t cmd, struct want *w)
{
    const struct mgmt_pci_cfg_write *c = &g->pci_cfg_write;
    bool size_ok = c->size == 1 || c->size == 2 || c->size == 4;

    w->need = 0;
    w->check = HCALL_MGMT_CHECK_NONE;
    if (cmd == MGMT_PCI_CFG_WRITE)
        w->after_lookup = !size_ok || c->offset % c->size || c->offset > 0xfff || c->reserved0 ? -XEN_EINVAL : 0;
    else if (cmd == MGMT_PCI_MSI_BIND)
        w->after_lookup = g->pci_msi_bind.reserved0 || g->pci_msi_bind.reserved1 ? -XEN_EINVAL : 0;
}

FUZZ_ORACLE static void ref_fields(const struct input *in, struct want *w)
{
    const union hcall_mgmt_arg *g = &in->arg;
    const struct mgmt_domain_create *c = &g->create;
    const struct mgmt_gnttab_seed *s = &g->gnttab_seed;
    const int inval = -XEN_EINVAL;
    uint64_t end;

    switch (in->a[0]) {
    case MGMT_DOMAIN_CREATE:
        w->need = MGMT_CAP_DOMAIN_CREATE;
        w->check = HCALL_MGMT_CHECK_CAP;
        if (!ref_name(c->name) || c->nr_vcpus < 1 || c->nr_vcpus > in->ctx.max_vcpus || c->reserved0 || !c->max_pages)
            w->after_lookup = inval;
        break;
    case MGMT_DOMAIN_POPULATE:
        w->need = MGMT_CAP_DOMAIN_BUILD;
        w->after_lookup = zeros(g->populate.reserved, 6) ? 0 : inval;
        if (__builtin_add_overflow(g->populate.gfn, g->populate.nr_pages, &end) || end > 1ull << 36 ||
            !g->populate.nr_pages)
            w->after_state = -XEN_EOVERFLOW;
        break;
    case MGMT_DOMAIN_COPY:
        w->need = MGMT_CAP_DOMAIN_BUILD;
        w->after_lookup = zeros(g->copy.reserved, 6) ? 0 : inval;
        if (g->copy.len > 16ull << 20 || __builtin_add_overflow(g->copy.src, g->copy.len, &end) ||
            __builtin_add_overflow(g->copy.dst_gpa, g->copy.len, &end))
            w->after_state = inval;
        break;
    case MGMT_VCPU_SET_PVH:
        w->need = MGMT_CAP_DOMAIN_BUILD;
        w->after_state = g->set_pvh.reserved0 ? inval : 0;
        break;
    case MGMT_DOMAIN_SCHED:
        w->after_lookup = !g->sched.weight || g->sched.cap > 100ull * in->ctx.max_vcpus ? inval : 0;
        break;
    case MGMT_VCPU_AFFINITY:
        w->after_lookup = g->affinity.reserved0 || !(g->affinity.cpumask & in->ctx.online_cpus) ? inval : 0;
        break;
    case MGMT_CAP_GRANT:
        w->need = MGMT_CAP_CAP_GRANT;
        w->after_lookup = zeros(g->cap_grant.reserved, 6) ? 0 : inval;
        break;
    case MGMT_DOMAIN_UNPAUSE:
    case MGMT_DOMAIN_DESTROY: w->after_lookup = zeros(g->unpause.reserved, 6) ? 0 : inval; break;
    case MGMT_DOMAIN_INFO:
        if (g->info.domid == MGMT_DOMID_SELF)
            w->check = HCALL_MGMT_CHECK_NONE;
        w->after_lookup = g->info.reserved0 ? inval : 0;
        break;
    case MGMT_IOPORT_PERMIT:
        w->need = MGMT_CAP_IOPORT;
        w->after_lookup =
            !g->ioport.nr_ports || (uint64_t)g->ioport.first_port + g->ioport.nr_ports > 65536 ? inval : 0;
        break;
    case MGMT_PCI_ASSIGN:
        w->need = MGMT_CAP_PCI;
        w->after_lookup = g->pci_assign.reserved0 || g->pci_assign.sbdf > 0xffff ? inval : 0;
        break;
    case MGMT_PCI_INFO:
    case MGMT_PCI_CFG_WRITE:
    case MGMT_PCI_MSI_BIND: ref_pci_own(g, in->a[0], w); break;
    case MGMT_DOMAIN_PAUSE: w->after_lookup = zeros(g->pause.reserved, 6) ? 0 : inval; break;
    case MGMT_DOMAIN_HANDOVER:
        w->after_lookup =
            !zeros(g->handover.reserved, 4) || g->handover.to == g->handover.domid || g->handover.to >= MGMT_DOMID_SELF
                ? inval
                : 0;
        break;
    case MGMT_PHYS_INFO: w->check = HCALL_MGMT_CHECK_CAP; break;
    case MGMT_LOG_READ:
        w->need = MGMT_CAP_LOG;
        w->check = HCALL_MGMT_CHECK_CAP;
        w->after_lookup = g->log_read.len == 0 || g->log_read.len > 32768 ? inval : 0;
        break;
    case MGMT_DOMAIN_LIST:
        w->check = HCALL_MGMT_CHECK_CAP;
        w->after_lookup = g->list.reserved0 ? inval : 0;
        break;
    case MGMT_DOMAIN_SCHED_GET:
        if (g->sched_get.domid == MGMT_DOMID_SELF)
            w->check = HCALL_MGMT_CHECK_NONE;
        break;
    case MGMT_DOMAIN_SET_MAXMEM:
        w->after_lookup = !zeros(g->set_maxmem.reserved, 6) || g->set_maxmem.max_pages == 0 ? inval : 0;
        break;
    case MGMT_VCPU_INFO:
        if (g->vcpu_info.domid == MGMT_DOMID_SELF)
            w->check = HCALL_MGMT_CHECK_NONE;
        w->after_lookup = g->vcpu_info.reserved0 ? inval : 0;
        break;
    default:
        w->need = MGMT_CAP_DOMAIN_BUILD;
        w->after_lookup =
            s->ref > 7 || s->flags > 1 || s->reserved0 || s->grantee >= MGMT_DOMID_SELF || s->gfn >> 32 ? inval : 0;
        break;
    }
}

FUZZ_ORACLE static struct want reference(const struct input *in)
{
    struct want w = { 0, MGMT_CAP_DOMAIN_CONTROL, HCALL_MGMT_CHECK_CONTROL, 0, 0 };
    size_t size = ref_size(in->a[0]);

    if (!size)
        w.r = -XEN_ENOSYS;
    else if (in->a[2] != size)
        w.r = -XEN_EINVAL;
    else if (in->fault)
        w.r = -XEN_EFAULT;
    else
        ref_fields(in, &w);
    return w;
}

FUZZ_ORACLE static void check(const struct input *in)
{
    struct hcall_mgmt_op o, o2, o3;
    const union hcall_mgmt_arg *arg = in->fault ? NULL : &in->arg;
    const union hcall_mgmt_arg *alt = in->fault ? NULL : &in->alt;
    size_t size = hcall_mgmt_arg_size(in->a[0]);
    struct want w = reference(in);
    int r, r2, r3;

    memset(&o, 0xa5, sizeof(o));
    memset(&o2, 0x5a, sizeof(o2));
    memset(&o3, 0x5a, sizeof(o3));
    r = hcall_decode_mgmt(&in->ctx, in->a, arg, &o);
    r2 = hcall_decode_mgmt(&in->ctx, in->a, arg, &o2);
    r3 = hcall_decode_mgmt(&in->ctx, in->a, alt, &o3);
    FUZZ_CHECK(size == ref_size(in->a[0]) && size <= sizeof(in->arg));
    FUZZ_CHECK(r == r2 && r == r3 && r == w.r);
    if (r) {
        FUZZ_CHECK(fuzz_filled(&o, sizeof(o), 0xa5) && fuzz_filled(&o2, sizeof(o2), 0x5a));
        return;
    }
    FUZZ_CHECK(o.cmd == in->a[0] && o.need == w.need && o.check == w.check);
    FUZZ_CHECK(o.after_lookup == w.after_lookup && o.after_state == w.after_state);
    FUZZ_CHECK(o3.after_lookup == w.after_lookup && o3.after_state == w.after_state && o3.check == w.check);
    FUZZ_CHECK(memcmp(&o.arg, &in->arg, size) == 0 && memcmp(&o3.arg, &in->arg, size) == 0);
    if (o.check == HCALL_MGMT_CHECK_CONTROL)
        FUZZ_CHECK(o.domid == in->arg.populate.domid);
    /* Only populate, copy and set_pvh have checks after the state. */
    if (o.cmd != MGMT_DOMAIN_POPULATE && o.cmd != MGMT_DOMAIN_COPY && o.cmd != MGMT_VCPU_SET_PVH)
        FUZZ_CHECK(o.after_state == 0);
}

FUZZ_ORACLE static void read_input(struct fuzz_in *fin, struct input *in)
{
    uint8_t flags = fuzz_u8(fin);
    size_t n;

    in->fault = flags & 1;
    in->ctx.max_vcpus = fuzz_u8(fin) % 64u;
    in->ctx.online_cpus = flags & 8 ? fuzz_u64(fin) : fuzz_u8(fin);
    in->a[0] = flags & 2 ? fuzz_u64(fin) : fuzz_u8(fin) % 26u;
    in->a[1] = fuzz_u64(fin);
    /* The struct's own size unless flag bit 2 asks for a u16 of its own. */
    in->a[2] = flags & 4 ? fuzz_uint(fin, 2) : ref_size(in->a[0]);
    n = fin->left < sizeof(in->arg) ? fin->left : sizeof(in->arg);
    memcpy(&in->arg, fin->p, n);
    in->alt = in->arg;
    for (size_t i = ref_size(in->a[0]); i < sizeof(in->alt); i++)
        ((uint8_t *)&in->alt)[i] ^= 0xff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in fin = { data, size };
    struct input in;

    memset(&in, 0, sizeof(in));
    read_input(&fin, &in);
    check(&in);
    return 0;
}
