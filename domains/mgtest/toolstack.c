/* SPDX-License-Identifier: MIT */
/*
 * mgtest's checks of the powers a toolstack needs to introduce a new
 * domain to XenStore and to the console domain, as Xen's does: a port in
 * the new domain's table offered to another domain (EVTCHNOP_alloc_unbound
 * with dom), the domain's store and console HVM params, and its reserved
 * grant entries (MGMT_GNTTAB_SEED). Each is MGMT_CAP_DOMAIN_BUILD over a
 * domain the caller controls: -EPERM without it (denied and narrow
 * modes); with it, every bad request gets the error Xen or idl/mgmt.idl
 * gives and changes nothing (capable mode). A domain's own params follow
 * Xen's rules whatever it holds.
 */
#include "mgtest.h"

#include <stdio.h>
#include <string.h>

#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/hvm.h"
#include "mosaic/hypercall.h"
#include "mosaic/mgmt.h"

/* d1, the builder: a domain mgtest does not control. In the capable
 * scenario it stays alive while mgtest runs (it watches mgtest's on_crash),
 * so the id names it and no child of ours. */
#define BUILDER        1
#define PARAM_UNKEPT   HVM_PARAM_IOREQ_PFN /* below HVM_NR_PARAMS, not kept by Mosaic */
#define SEED_GFN       3                   /* a frame of the child's RAM that nothing else writes */
#define SEED_GFN_OTHER 4
#define UNPOPULATED    0x100                 /* a gfn the child never has */
#define CALLBACK       ((2ull << 56) | 0x40) /* HVM_PARAM_CALLBACK_IRQ: vector 0x40 */
#define RUNNER_PAGES   256
#define RUNNER_ENTRY   0x1000u

static const uint16_t params[] = { HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN, HVM_PARAM_CONSOLE_PFN,
                                   HVM_PARAM_CONSOLE_EVTCHN };

/* NULL when a call returned -wanted (0: success), else why. */
static const char *want(long r, long wanted)
{
    return r == -wanted ? NULL : mgtest_why("returned %s, want %s", mgtest_errno(r), mgtest_errno(-wanted));
}

/* One check of a call's result. */
static void expect(const char *name, long r, long w)
{
    mgtest_expect(name, w, want(r, w));
}

/* NULL when param index of dom reads value, else why. */
static const char *param_is(uint16_t dom, uint32_t index, uint64_t value)
{
    uint64_t v = ~value;
    long r = hvm_param_get(dom, index, &v);

    if (r)
        return mgtest_why("get of d%u param %u returned %s", dom, index, mgtest_errno(r));
    return v == value ? NULL
                      : mgtest_why("d%u param %u is %#llx, want %#llx", dom, index, (unsigned long long)v,
                                   (unsigned long long)value);
}

/* Where the grants of the child get mapped: above our RAM (and above the
 * frames the runtime would place there), inside what its page tables map. */
static uint64_t map_gpa(void)
{
    return mgtest_ram_end + (4u << 20);
}

/* ---- denied and capable modes ---- */

/* Xen's rules for a domain's own params (hvm.c hvm_allow_set_param and
 * _get_param): it reads all four (0 until set), sets its ports but not
 * its frames, and an index Mosaic does not keep, or past the bound, is
 * -EINVAL, by DOMID_SELF as by its own id. */
void mgtest_hvm_self(void)
{
    const char *w = NULL;
    uint64_t v = 0;

    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]) && !w; i++) {
        long r = hvm_param_get(DOMID_SELF, params[i], &v);
        if (r || v)
            w = mgtest_why("param %u: returned %s, value %#llx, want 0 and 0", params[i], mgtest_errno(r),
                           (unsigned long long)v);
    }
    mgtest_check("hvm_self_params_start_at_0", w);
    expect("hvm_self_set_store_pfn", hvm_param_set(DOMID_SELF, HVM_PARAM_STORE_PFN, 0x10), XEN_EPERM);
    expect("hvm_self_set_console_pfn", hvm_param_set(mgtest_domid, HVM_PARAM_CONSOLE_PFN, 0x11), XEN_EPERM);
    mgtest_check("hvm_self_refused_set_changes_nothing", param_is(DOMID_SELF, HVM_PARAM_STORE_PFN, 0));
    expect("hvm_self_set_store_evtchn", hvm_param_set(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, 7), 0);
    expect("hvm_self_set_console_evtchn", hvm_param_set(mgtest_domid, HVM_PARAM_CONSOLE_EVTCHN, 9), 0);
    mgtest_check("hvm_self_get_store_evtchn", param_is(mgtest_domid, HVM_PARAM_STORE_EVTCHN, 7));
    mgtest_check("hvm_self_get_console_evtchn", param_is(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, 9));
    expect("hvm_self_set_unkept_param", hvm_param_set(DOMID_SELF, PARAM_UNKEPT, 1), XEN_EINVAL);
    expect("hvm_self_get_unkept_param", hvm_param_get(DOMID_SELF, PARAM_UNKEPT, &v), XEN_EINVAL);
    expect("hvm_self_get_param_past_bound", hvm_param_get(DOMID_SELF, HVM_NR_PARAMS, &v), XEN_EINVAL);
    expect("hvm_self_set_param_huge", hvm_param_set(DOMID_SELF, UINT32_MAX, 1), XEN_EINVAL);
}

/* ---- without the capability ---- */

/* Aimed at domains that exist or not: -EPERM, before the id is looked up,
 * so a domain without the power learns nothing about others. Xen's index
 * bound still comes first. (MGMT_GNTTAB_SEED is in the command table.) */
void mgtest_toolstack_denied(void)
{
    const uint16_t ids[] = { BUILDER, MGTEST_NO_DOMAIN, MGMT_DOMID_SELF + 1 };
    char name[64];

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct evtchn_info info;
        evtchn_port_t port = 0;
        uint64_t v = 0;

        snprintf(name, sizeof(name), "evtchn_alloc_unbound_in_d%u", ids[i]);
        expect(name, evtchn_alloc_unbound_in(ids[i], DOMID_SELF, &port), XEN_EPERM);
        snprintf(name, sizeof(name), "evtchn_status_of_d%u", ids[i]);
        expect(name, evtchn_status(ids[i], 1, &info), XEN_EPERM);
        snprintf(name, sizeof(name), "hvm_set_store_pfn_of_d%u", ids[i]);
        expect(name, hvm_param_set(ids[i], HVM_PARAM_STORE_PFN, 0x10), XEN_EPERM);
        snprintf(name, sizeof(name), "hvm_set_store_evtchn_of_d%u", ids[i]);
        expect(name, hvm_param_set(ids[i], HVM_PARAM_STORE_EVTCHN, 1), XEN_EPERM);
        snprintf(name, sizeof(name), "hvm_get_console_pfn_of_d%u", ids[i]);
        expect(name, hvm_param_get(ids[i], HVM_PARAM_CONSOLE_PFN, &v), XEN_EPERM);
        snprintf(name, sizeof(name), "hvm_get_callback_of_d%u", ids[i]);
        expect(name, hvm_param_get(ids[i], HVM_PARAM_CALLBACK_IRQ, &v), XEN_EPERM);
        snprintf(name, sizeof(name), "hvm_set_unkept_param_of_d%u", ids[i]);
        expect(name, hvm_param_set(ids[i], PARAM_UNKEPT, 1), XEN_EPERM);
        snprintf(name, sizeof(name), "hvm_get_param_past_bound_of_d%u", ids[i]);
        expect(name, hvm_param_get(ids[i], HVM_NR_PARAMS, &v), XEN_EINVAL);
    }
}

/* Holding create, control and grant but not build: its own child is
 * still out of reach for every build power. */
void mgtest_toolstack_narrow(uint16_t child)
{
    struct mgmt_gnttab_seed s = { .domid = child, .grantee = BUILDER, .ref = 1, .gfn = 0 };
    struct evtchn_info info;
    evtchn_port_t port = 0;
    uint64_t v = 0;

    expect("narrow_evtchn_alloc_unbound_needs_build", evtchn_alloc_unbound_in(child, DOMID_SELF, &port), XEN_EPERM);
    expect("narrow_evtchn_status_needs_build", evtchn_status(child, 1, &info), XEN_EPERM);
    expect("narrow_hvm_set_needs_build", hvm_param_set(child, HVM_PARAM_STORE_PFN, 0x10), XEN_EPERM);
    expect("narrow_hvm_get_needs_build", hvm_param_get(child, HVM_PARAM_STORE_PFN, &v), XEN_EPERM);
    mgtest_expect("narrow_gnttab_seed_needs_build", XEN_EPERM, mgtest_call(MGMT_GNTTAB_SEED, &s, sizeof(s), XEN_EPERM));
}

/* ---- with the capability: event channels ---- */

/* status of port in dom: NULL if it is as wanted (remote port checked
 * for an interdomain one only), else why. */
static const char *port_is(uint16_t dom, evtchn_port_t port, uint32_t status, uint16_t remote, uint32_t remote_port)
{
    struct evtchn_info i;
    long r = evtchn_status(dom, port, &i);

    if (r)
        return mgtest_why("status of d%u port %u returned %s", dom, port, mgtest_errno(r));
    if (i.status != status || i.remote_dom != remote ||
        (status == EVTCHN_INTERDOMAIN && i.remote_or_virq != remote_port))
        return mgtest_why("d%u port %u: status %u remote d%u port %u, want status %u remote d%u port %u", dom, port,
                          i.status, i.remote_dom, i.remote_or_virq, status, remote, remote_port);
    return NULL;
}

/* A port in the child offered to a third domain (the builder), one
 * offered with DOMID_SELF, which Xen resolves to the caller, that mgtest
 * then binds and closes; and the domains it may not reach. */
static void evtchn_in_child(uint16_t child)
{
    evtchn_port_t p = 0, q = 0, local = 0;
    struct evtchn_info info;
    const char *w;

    w = want(evtchn_alloc_unbound_in(child, BUILDER, &p), 0);
    mgtest_check("evtchn_alloc_unbound_in_child_for_d1", w ? w : port_is(child, p, EVTCHN_UNBOUND, BUILDER, 0));
    expect("evtchn_bind_port_offered_to_d1", evtchn_bind_interdomain(child, p, &local), XEN_EINVAL);
    w = want(evtchn_alloc_unbound_in(child, DOMID_SELF, &q), 0);
    mgtest_check("evtchn_alloc_unbound_in_child_for_caller",
                 w ? w : port_is(child, q, EVTCHN_UNBOUND, mgtest_domid, 0));
    w = want(evtchn_bind_interdomain(child, q, &local), 0);
    if (!w)
        w = port_is(child, q, EVTCHN_INTERDOMAIN, mgtest_domid, local);
    if (!w)
        w = port_is(DOMID_SELF, local, EVTCHN_INTERDOMAIN, child, q);
    mgtest_check("evtchn_bind_port_offered_to_caller", w);
    w = want(evtchn_close(local), 0);
    mgtest_check("evtchn_close_leaves_child_port_unbound", w ? w : port_is(child, q, EVTCHN_UNBOUND, mgtest_domid, 0));
    expect("evtchn_alloc_unbound_in_no_domain", evtchn_alloc_unbound_in(MGTEST_NO_DOMAIN, DOMID_SELF, &p), XEN_ESRCH);
    expect("evtchn_alloc_unbound_in_reserved_id", evtchn_alloc_unbound_in(MGMT_DOMID_SELF + 1, DOMID_SELF, &p),
           XEN_ESRCH);
    expect("evtchn_alloc_unbound_in_uncontrolled_d1", evtchn_alloc_unbound_in(BUILDER, DOMID_SELF, &p), XEN_EPERM);
    expect("evtchn_status_of_uncontrolled_d1", evtchn_status(BUILDER, 1, &info), XEN_EPERM);
    expect("evtchn_status_of_no_domain", evtchn_status(MGTEST_NO_DOMAIN, 1, &info), XEN_ESRCH);
    expect("evtchn_status_of_child_bad_port", evtchn_status(child, 1u << 20, &info), XEN_EINVAL);
}

/* ---- with the capability: HVM params ---- */

/* The child's four params start at 0, take what the toolstack sets (the
 * frames too, which the child itself may not set) and give it back; its
 * callback as well; the caller's own stay as they were. */
static void hvm_of_child(uint16_t child)
{
    const uint64_t values[] = { 0x1f, 3, 0x1e, 0xffffffffffffffffull }; /* stored as given, as on Xen */
    const char *w = NULL;
    uint64_t v = 0;

    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]) && !w; i++)
        w = param_is(child, params[i], 0);
    mgtest_check("hvm_child_params_start_at_0", w);
    w = NULL;
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]) && !w; i++)
        w = want(hvm_param_set(child, params[i], values[i]), 0);
    mgtest_check("hvm_child_set_store_and_console", w);
    w = NULL;
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]) && !w; i++)
        w = param_is(child, params[i], values[i]);
    mgtest_check("hvm_child_get_store_and_console", w);
    w = want(hvm_param_set(child, HVM_PARAM_CALLBACK_IRQ, CALLBACK), 0);
    mgtest_check("hvm_child_callback", w ? w : param_is(child, HVM_PARAM_CALLBACK_IRQ, CALLBACK));
    expect("hvm_child_set_unkept_param", hvm_param_set(child, PARAM_UNKEPT, 1), XEN_EINVAL);
    expect("hvm_child_get_unkept_param", hvm_param_get(child, PARAM_UNKEPT, &v), XEN_EINVAL);
    expect("hvm_child_get_param_past_bound", hvm_param_get(child, HVM_NR_PARAMS, &v), XEN_EINVAL);
    expect("hvm_set_of_uncontrolled_d1", hvm_param_set(BUILDER, HVM_PARAM_STORE_PFN, 0x10), XEN_EPERM);
    expect("hvm_get_of_uncontrolled_d1", hvm_param_get(BUILDER, HVM_PARAM_STORE_PFN, &v), XEN_EPERM);
    expect("hvm_set_of_no_domain", hvm_param_set(MGTEST_NO_DOMAIN, HVM_PARAM_STORE_PFN, 0x10), XEN_ESRCH);
    expect("hvm_get_of_no_domain", hvm_param_get(MGTEST_NO_DOMAIN, HVM_PARAM_STORE_PFN, &v), XEN_ESRCH);
    /* mgtest_hvm_self ran first: its ports 7 and 9, its frames 0. */
    w = param_is(DOMID_SELF, HVM_PARAM_STORE_PFN, 0);
    if (!w)
        w = param_is(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, 7);
    mgtest_check("hvm_self_untouched_by_child", w);
}

/* ---- with the capability: grant seeding ---- */

static const char *seed(uint16_t domid, uint32_t ref, uint16_t grantee, uint64_t gfn, uint32_t flags, long w)
{
    struct mgmt_gnttab_seed s = { .domid = domid, .grantee = grantee, .ref = ref, .flags = flags, .gfn = gfn };

    return mgtest_call(MGMT_GNTTAB_SEED, &s, sizeof(s), w);
}

/* Maps the child's ref at map_gpa() and compares the page with want_page
 * (NULL: no mapping is wanted, the map must fail with st_want). Unmaps. */
static const char *map_and_compare(uint16_t child, uint32_t ref, bool ro, int st_want, const uint8_t *want_page)
{
    grant_handle_t h = 0;
    int st = gnttab_map_at(child, ref, ro, map_gpa(), &h);
    const char *w = NULL;

    if (st != st_want)
        return mgtest_why("map of ref %u: status %d, want %d", ref, st, st_want);
    if (st != GNTST_okay)
        return NULL;
    if (memcmp((const void *)(uintptr_t)map_gpa(), want_page, MGTEST_PAGE_SIZE) != 0)
        w = mgtest_why("ref %u does not show the seeded frame", ref);
    if ((st = gnttab_unmap((void *)(uintptr_t)map_gpa(), h)) != GNTST_okay && !w)
        w = mgtest_why("unmap of ref %u: status %d", ref, st);
    return w;
}

static void gnttab_of_child(uint16_t child)
{
    static uint8_t page[MGTEST_PAGE_SIZE];
    struct mgmt_domain_copy c = { .domid = child, .dst_gpa = SEED_GFN * MGTEST_PAGE_SIZE };
    struct mgmt_gnttab_seed s;
    grant_handle_t h = 0;
    const char *w;
    int st;

    for (size_t i = 0; i < sizeof(page); i++)
        page[i] = (uint8_t)(i * 31 + 7);
    c.src = (uint64_t)(uintptr_t)page;
    c.len = sizeof(page);
    mgtest_check("gnttab_fill_child_page", mgtest_call(MGMT_DOMAIN_COPY, &c, sizeof(c), 0));

    /* Xen's XenStore entry: ref 1, writable, to the store's domain (here
     * mgtest, which maps it as xenstored would). */
    w = seed(child, 1, mgtest_domid, SEED_GFN, 0, 0);
    mgtest_check("gnttab_seed_store_ref", w ? w : map_and_compare(child, 1, false, GNTST_okay, page));
    /* Mapped, the ref is not rewritten under its mapper. */
    st = gnttab_map_at(child, 1, false, map_gpa(), &h);
    w = st == GNTST_okay ? NULL : mgtest_why("map: status %d", st);
    if (!w) {
        w = seed(child, 1, mgtest_domid, SEED_GFN_OTHER, 0, XEN_EBUSY);
        ((volatile uint8_t *)(uintptr_t)map_gpa())[0] = 0xa5; /* writable: the child's frame changes */
        page[0] = 0xa5;
        if ((st = gnttab_unmap((void *)(uintptr_t)map_gpa(), h)) != GNTST_okay && !w)
            w = mgtest_why("unmap: status %d", st);
    }
    mgtest_expect("gnttab_seed_mapped_ref", XEN_EBUSY, w);
    /* Unmapped, it is rewritten: ref 1 now shows the other frame (zeros). */
    {
        static const uint8_t zero[MGTEST_PAGE_SIZE];
        w = seed(child, 1, mgtest_domid, SEED_GFN_OTHER, 0, 0);
        mgtest_check("gnttab_seed_rewrite_unmapped_ref", w ? w : map_and_compare(child, 1, false, GNTST_okay, zero));
    }
    /* Xen's console entry: ref 0, here read-only: no writable mapping. */
    w = seed(child, 0, mgtest_domid, SEED_GFN, MGMT_GNTTAB_SEED_READONLY, 0);
    if (!w)
        w = map_and_compare(child, 0, false, GNTST_general_error, NULL);
    mgtest_check("gnttab_seed_readonly_refuses_writable_map", w);
    mgtest_check("gnttab_seed_readonly_maps_readonly", map_and_compare(child, 0, true, GNTST_okay, page));
    /* For another domain: mgtest may not map it. */
    w = seed(child, 2, BUILDER, SEED_GFN, 0, 0);
    mgtest_check("gnttab_seed_for_third_domain", w ? w : map_and_compare(child, 2, true, GNTST_general_error, NULL));
    mgtest_check("gnttab_seed_last_reserved_ref", seed(child, MGMT_GNTTAB_SEED_REFS - 1, BUILDER, SEED_GFN, 0, 0));

    /* Bad input (idl/mgmt.idl): each refused, nothing written (ref 3 was
     * never seeded and still maps nothing). */
    mgtest_expect("gnttab_seed_ref_8", XEN_EINVAL,
                  seed(child, MGMT_GNTTAB_SEED_REFS, mgtest_domid, SEED_GFN, 0, XEN_EINVAL));
    mgtest_expect("gnttab_seed_ref_huge", XEN_EINVAL, seed(child, UINT32_MAX, mgtest_domid, SEED_GFN, 0, XEN_EINVAL));
    mgtest_expect("gnttab_seed_unknown_flag", XEN_EINVAL, seed(child, 3, mgtest_domid, SEED_GFN, 2, XEN_EINVAL));
    mgtest_expect("gnttab_seed_every_flag", XEN_EINVAL, seed(child, 3, mgtest_domid, SEED_GFN, UINT32_MAX, XEN_EINVAL));
    mgtest_expect("gnttab_seed_grantee_domid_self", XEN_EINVAL,
                  seed(child, 3, MGMT_DOMID_SELF, SEED_GFN, 0, XEN_EINVAL));
    mgtest_expect("gnttab_seed_grantee_huge", XEN_EINVAL, seed(child, 3, UINT16_MAX, SEED_GFN, 0, XEN_EINVAL));
    mgtest_expect("gnttab_seed_gfn_past_32_bits", XEN_EINVAL, seed(child, 3, mgtest_domid, 1ull << 32, 0, XEN_EINVAL));
    mgtest_expect("gnttab_seed_gfn_unpopulated", XEN_EFAULT, seed(child, 3, mgtest_domid, UNPOPULATED, 0, XEN_EFAULT));
    mgtest_expect("gnttab_seed_gfn_last_32_bit", XEN_EFAULT, seed(child, 3, mgtest_domid, UINT32_MAX, 0, XEN_EFAULT));
    s = (struct mgmt_gnttab_seed){ .domid = child, .grantee = mgtest_domid, .ref = 3, .reserved0 = 1, .gfn = SEED_GFN };
    mgtest_expect("gnttab_seed_reserved0", XEN_EINVAL, mgtest_call(MGMT_GNTTAB_SEED, &s, sizeof(s), XEN_EINVAL));
    mgtest_check("gnttab_seed_refused_writes_nothing", map_and_compare(child, 3, true, GNTST_general_error, NULL));
    mgtest_expect("gnttab_seed_uncontrolled_d1", XEN_EPERM, seed(BUILDER, 1, mgtest_domid, 0, 0, XEN_EPERM));
}

/* ---- with the capability: a domain that runs ---- */

/* A domain that spins: two pages, `jmp .` (eb fe) at its entry, a small
 * CPU cap. Its id, or 0 with the reason in *why. */
static uint16_t runner_start(const char **why)
{
    static const uint8_t spin[2] = { 0xeb, 0xfe };
    struct mgmt_domain_create cr = { .nr_vcpus = 1, .max_pages = RUNNER_PAGES };
    struct mgmt_domain_populate p = { .gfn = 0, .nr_pages = 2 };
    struct mgmt_domain_copy c = { .dst_gpa = RUNNER_ENTRY, .src = (uint64_t)(uintptr_t)spin, .len = sizeof(spin) };
    struct mgmt_vcpu_set_pvh pvh = { .vcpu = 0, .entry = RUNNER_ENTRY, .start_info = 0 };
    struct mgmt_domain_sched s = { .weight = 256, .cap = 10 };
    struct mgmt_domain_unpause u = { 0 };
    long r;

    snprintf(cr.name, sizeof(cr.name), "mgtest-runner");
    if ((r = mgmt_call(MGMT_DOMAIN_CREATE, &cr, sizeof(cr))) != 0) {
        *why = mgtest_why("create returned %s", mgtest_errno(r));
        return 0;
    }
    p.domid = c.domid = pvh.domid = s.domid = u.domid = cr.domid;
    if ((r = mgmt_call(MGMT_DOMAIN_POPULATE, &p, sizeof(p))) == 0 &&
        (r = mgmt_call(MGMT_DOMAIN_COPY, &c, sizeof(c))) == 0 &&
        (r = mgmt_call(MGMT_VCPU_SET_PVH, &pvh, sizeof(pvh))) == 0 &&
        (r = mgmt_call(MGMT_DOMAIN_SCHED, &s, sizeof(s))) == 0)
        r = mgmt_call(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u));
    *why = r ? mgtest_why("building it returned %s", mgtest_errno(r)) : NULL;
    return cr.domid;
}

/* Once it runs, its table is its own (-EBUSY), but ports and params are
 * still the toolstack's to make (Xen: any time). */
static void toolstack_running(void)
{
    const char *w;
    uint16_t runner = runner_start(&w);
    struct mgmt_domain_destroy x = { .domid = runner };
    evtchn_port_t p = 0;

    mgtest_check("toolstack_runner_started", w);
    if (runner == 0)
        return;
    if (!w) {
        mgtest_expect("gnttab_seed_running_domain", XEN_EBUSY, seed(runner, 1, mgtest_domid, 0, 0, XEN_EBUSY));
        w = want(evtchn_alloc_unbound_in(runner, DOMID_SELF, &p), 0);
        mgtest_check("evtchn_alloc_unbound_in_running_domain",
                     w ? w : port_is(runner, p, EVTCHN_UNBOUND, mgtest_domid, 0));
        w = want(hvm_param_set(runner, HVM_PARAM_STORE_EVTCHN, p), 0);
        mgtest_check("hvm_set_of_running_domain", w ? w : param_is(runner, HVM_PARAM_STORE_EVTCHN, p));
    }
    w = want(mgmt_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x)), 0);
    mgtest_check("toolstack_runner_gone", w ? w : mgtest_wait_gone(runner));
}

void mgtest_toolstack(uint16_t child)
{
    evtchn_in_child(child);
    hvm_of_child(child);
    gnttab_of_child(child);
    toolstack_running();
}
