/* SPDX-License-Identifier: MIT */
/*
 * mgtest's capable modes. In `mode=capable` it holds every capability
 * (create, build, control, grant): it creates a child and gives each
 * management command input that a capable caller can still get wrong
 * (ranges, quotas, overlaps, addresses, lengths, sizes, reserved fields,
 * states, domains it does not control or that do not exist). Every
 * refusal must carry the error that idl/mgmt.idl lists for it, change
 * nothing (the argument, the child's pages and caps), and leave the
 * caller and the core able to go on; successes in between show that the
 * refusals are not vacuous. In `mode=narrow` it holds create,
 * control and grant (no build) and checks that a grant can only narrow.
 * Both end by destroying the child and waiting until it is gone.
 */
#include "mgtest.h"

#include <stdio.h>
#include <string.h>

#include "mosaic/hypercall.h"
#include "mosaic/time.h"

#define GFN_LIMIT   (1ull << 36) /* guest frames the core allows: 2^48 bytes */
#define CHILD_PAGES 256u         /* the child's max_pages: 1 MiB */
#define CHILD_VCPUS 2u
#define LOW_PAGES   24u           /* populated from gfn 0; the next page is not */
#define FILL_GFN    0x10000ull    /* where the child is filled up to its quota */
#define UNPOPULATED 0x100000ull   /* a guest-physical address the child never has */
#define COPY_MAX    (16ull << 20) /* idl/mgmt.idl: at most 16 MiB per call */
#define CAP_UNKNOWN (1ull << 7)   /* a bit no capability has (MGMT_CAP_LOG is 1 << 6) */
#define CAP_ALL \
    (MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT | MGMT_CAP_IOPORT)
#define GONE_WAIT  (10 * TIME_NS_PER_MS) /* between looks at a destroyed child */
#define GONE_LOOKS 500u

/* Every command but create names its target first: aimed_at() relies on it. */
_Static_assert(offsetof(struct mgmt_domain_populate, domid) == 0 && offsetof(struct mgmt_domain_copy, domid) == 0 &&
                   offsetof(struct mgmt_vcpu_set_pvh, domid) == 0 && offsetof(struct mgmt_domain_sched, domid) == 0 &&
                   offsetof(struct mgmt_vcpu_affinity, domid) == 0 && offsetof(struct mgmt_cap_grant, domid) == 0 &&
                   offsetof(struct mgmt_domain_unpause, domid) == 0 &&
                   offsetof(struct mgmt_domain_destroy, domid) == 0 && offsetof(struct mgmt_domain_info, domid) == 0 &&
                   offsetof(struct mgmt_gnttab_seed, domid) == 0,
               "domid leads every command's struct but create's");

static uint16_t child; /* the domain this mode created; 0 before */
static const char text[64] = "mgtest: bytes for the child";

static const char *info_of(uint16_t domid, struct mgmt_domain_info *i)
{
    long r;

    memset(i, 0, sizeof(*i));
    i->domid = domid;
    r = mgtest_mgmt(MGMT_DOMAIN_INFO, (uint64_t)(uintptr_t)i, sizeof(*i));
    return r == 0 ? NULL : mgtest_why("DOMAIN_INFO of d%u returned %s", domid, mgtest_errno(r));
}

/* ---- creating ---- */

static struct mgmt_domain_create create_request(const char *name, uint32_t nr_vcpus)
{
    struct mgmt_domain_create c;

    memset(&c, 0, sizeof(c));
    snprintf(c.name, sizeof(c.name), "%s", name);
    c.nr_vcpus = nr_vcpus;
    c.max_pages = CHILD_PAGES;
    return c;
}

/* A create that must be refused; should the core build it anyway, it is
 * destroyed again, so the checks after still mean something. */
static void create_refused(const char *name, struct mgmt_domain_create c, long want)
{
    const char *w = mgtest_call(MGMT_DOMAIN_CREATE, &c, sizeof(c), want);

    if (w && c.domid != 0) {
        struct mgmt_domain_destroy x = { .domid = c.domid };
        mgtest_mgmt(MGMT_DOMAIN_DESTROY, (uint64_t)(uintptr_t)&x, sizeof(x));
    }
    mgtest_expect(name, want, w);
}

/* Names that are empty, unterminated or not printable ASCII, vCPU counts
 * outside 1..8, no memory, a reserved field set: -EINVAL. More memory
 * than the machine has: -ENOMEM. The scenario forbids "mgtest-bad" in the
 * log, so a domain created by mistake is seen there too. */
static void test_create(void)
{
    struct mgmt_domain_create c;

    c = create_request("mgtest-bad", 1);
    c.name[0] = '\0';
    create_refused("mgmt_create_name_empty", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    memset(c.name, 'x', sizeof(c.name));
    create_refused("mgmt_create_name_unterminated", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    c.name[6] = ' ';
    create_refused("mgmt_create_name_blank", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    c.name[6] = '\n';
    create_refused("mgmt_create_name_control_char", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    c.name[6] = (char)0xe9;
    create_refused("mgmt_create_name_not_ascii", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 0);
    create_refused("mgmt_create_vcpus_zero", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 9);
    create_refused("mgmt_create_vcpus_over_8", c, XEN_EINVAL);
    c = create_request("mgtest-bad", UINT32_MAX);
    create_refused("mgmt_create_vcpus_huge", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    c.max_pages = 0;
    create_refused("mgmt_create_max_pages_zero", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    c.reserved0 = 1;
    create_refused("mgmt_create_reserved0", c, XEN_EINVAL);
    c = create_request("mgtest-bad", 1);
    c.max_pages = UINT64_MAX;
    create_refused("mgmt_create_max_pages_over_machine", c, XEN_ENOMEM);
}

/* The child, empty and paused: building, no pages, no capabilities. */
static const char *create_child(const char *name, uint32_t nr_vcpus)
{
    struct mgmt_domain_create c = create_request(name, nr_vcpus);
    struct mgmt_domain_info i;
    const char *w = mgtest_call(MGMT_DOMAIN_CREATE, &c, sizeof(c), 0);

    if (w)
        return w;
    if (c.domid == 0 || c.domid >= MGMT_DOMID_SELF || c.domid == MGTEST_NO_DOMAIN || c.domid == mgtest_domid)
        return mgtest_why("the new domain's id is %u", c.domid);
    child = c.domid;
    printf("mgtest: created child d%u '%s'\n", child, name);
    if ((w = info_of(child, &i)) != NULL)
        return w;
    if (i.state != MGMT_STATE_BUILDING || i.nr_vcpus != nr_vcpus || i.nr_pages != 0 || i.caps != 0 ||
        strcmp(i.name, name) != 0)
        return mgtest_why("child state %u, %u vCPU, %llu pages, caps %#llx, name '%.32s'", i.state, i.nr_vcpus,
                          (unsigned long long)i.nr_pages, (unsigned long long)i.caps, i.name);
    return NULL;
}

/* ---- domains it may not touch ---- */

/* Every command but create, list, phys_info and log_read, which name no
 * target (and
 * DOMAIN_INFO, VCPU_INFO and DOMAIN_SCHED_GET for DOMID_SELF, which mean the caller
 * there), aimed at domain id, with an otherwise well-formed
 * request: -want for each, and the argument untouched. */
static void aimed_at(const char *what, const uint16_t *ids, size_t n, long want)
{
    char name[64];

    for (size_t i = 0; i < mgtest_nr_commands; i++) {
        const struct mgtest_command *c = &mgtest_commands[i];
        const char *w = NULL;

        if (c->cmd == MGMT_DOMAIN_CREATE || c->cmd == MGMT_DOMAIN_LIST || c->cmd == MGMT_PHYS_INFO ||
            c->cmd == MGMT_LOG_READ)
            continue;
        for (size_t j = 0; j < n && !w; j++) {
            union mgmt_arg a;
            if ((c->cmd == MGMT_DOMAIN_INFO || c->cmd == MGMT_VCPU_INFO || c->cmd == MGMT_DOMAIN_SCHED_GET) &&
                ids[j] == MGMT_DOMID_SELF)
                continue;
            memset(&a, 0, sizeof(a));
            c->fill(&a);
            memcpy(a.bytes, &ids[j], sizeof(ids[j]));
            w = mgtest_call(c->cmd, &a, c->size, want);
            if (w)
                w = mgtest_why("domid %#x: %s", ids[j], w);
        }
        snprintf(name, sizeof(name), "mgmt_%s_%s", what, c->name);
        mgtest_expect(name, want, w);
    }
}

/* Ids with no domain behind them: 0 (never used), ids the scenario never
 * reaches, past the id space: -ESRCH. DOMID_SELF outside DOMAIN_INFO
 * is not the caller (the IDL documents it for DOMAIN_INFO only): -ESRCH
 * as well. Its own id: it does not control itself, -EPERM. */
static void test_not_ours(void)
{
    const uint16_t none[] = { 0, MGTEST_NO_DOMAIN, 64, 1000, MGMT_DOMID_SELF + 1, UINT16_MAX };
    const uint16_t self_id[] = { MGMT_DOMID_SELF };

    aimed_at("no_domain", none, sizeof(none) / sizeof(none[0]), XEN_ESRCH);
    aimed_at("domid_self", self_id, 1, XEN_ESRCH);
    aimed_at("self", &mgtest_domid, 1, XEN_EPERM);
}

/* ---- populate ---- */

/* A populate of the child: a success adds exactly nr_pages, a refusal
 * none (DOMAIN_INFO before and after). */
static const char *populate_request(struct mgmt_domain_populate *p, long want)
{
    struct mgmt_domain_info a, b;
    const char *w = info_of(child, &a);

    if (!w)
        w = mgtest_call(MGMT_DOMAIN_POPULATE, p, sizeof(*p), want);
    if (!w)
        w = info_of(child, &b);
    if (!w && b.nr_pages != a.nr_pages + (want ? 0 : p->nr_pages))
        w = mgtest_why("the child holds %llu pages, %llu before", (unsigned long long)b.nr_pages,
                       (unsigned long long)a.nr_pages);
    return w;
}

static void populate(const char *name, uint64_t gfn, uint64_t n, long want)
{
    struct mgmt_domain_populate p = { .domid = child, .gfn = gfn, .nr_pages = n };

    mgtest_expect(name, want, populate_request(&p, want));
}

static uint64_t child_pages(void)
{
    struct mgmt_domain_info i;

    return info_of(child, &i) ? 0 : i.nr_pages;
}

static void test_populate(void)
{
    uint64_t room;

    /* No pages, or out of range (idl/mgmt.idl: -EOVERFLOW when the range
     * wraps or passes 2^36 frames); the last frame itself is fine. */
    populate("mgmt_populate_zero_pages", 0x100, 0, XEN_EOVERFLOW);
    populate("mgmt_populate_gfn_past_limit", GFN_LIMIT, 1, XEN_EOVERFLOW);
    populate("mgmt_populate_gfn_straddles_limit", GFN_LIMIT - 1, 2, XEN_EOVERFLOW);
    populate("mgmt_populate_gfn_far_past_limit", 1ull << 52, 1, XEN_EOVERFLOW); /* gfn << 12 wraps */
    populate("mgmt_populate_gfn_wraps", UINT64_MAX, 2, XEN_EOVERFLOW);
    populate("mgmt_populate_count_wraps", 1, UINT64_MAX, XEN_EOVERFLOW);
    populate("mgmt_populate_last_frame", GFN_LIMIT - 1, 1, 0);
    /* Overlaps (-EEXIST) change nothing: afterwards the frames they asked
     * for beside the existing ones are still free to populate. */
    populate("mgmt_populate_low", 0, 16, 0);
    populate("mgmt_populate_overlap_end", 8, 16, XEN_EEXIST);
    populate("mgmt_populate_overlap_one", 15, 1, XEN_EEXIST);
    populate("mgmt_populate_overlap_around", 0, 32, XEN_EEXIST);
    populate("mgmt_populate_overlap_last_frame", GFN_LIMIT - 4, 4, XEN_EEXIST);
    populate("mgmt_populate_after_overlap", 16, LOW_PAGES - 16, 0);
    populate("mgmt_populate_after_overlap_last_frame", GFN_LIMIT - 4, 3, 0);
    /* The quota (max_pages): one page more than is left is -ENOMEM, and
     * so is the whole in-range space; exactly what is left is fine, and
     * then one more page is -ENOMEM. */
    room = CHILD_PAGES - child_pages();
    populate("mgmt_populate_over_quota", FILL_GFN, room + 1, XEN_ENOMEM);
    populate("mgmt_populate_far_over_quota", 0x100, GFN_LIMIT - 0x100, XEN_ENOMEM);
    populate("mgmt_populate_to_quota", FILL_GFN, room, 0);
    populate("mgmt_populate_past_quota", FILL_GFN + room, 1, XEN_ENOMEM);
}

/* ---- copy ---- */

static void copy(const char *name, uint64_t dst, uint64_t src, uint64_t len, long want)
{
    struct mgmt_domain_copy c = { .domid = child, .dst_gpa = dst, .src = src, .len = len };

    mgtest_expect(name, want, mgtest_call(MGMT_DOMAIN_COPY, &c, sizeof(c), want));
}

/* The child has [0, LOW_PAGES) populated. A target it does not have, or
 * a source the caller cannot read, anywhere in the range: -EFAULT. A
 * range that wraps, or longer than 16 MiB: -EINVAL. */
static void test_copy(void)
{
    const uint64_t src = (uint64_t)(uintptr_t)text, low_end = LOW_PAGES * MGTEST_PAGE_SIZE;

    copy("mgmt_copy", 0x1000, src, 32, 0);
    copy("mgmt_copy_across_pages", 0x2000 - 16, src, 32, 0);
    copy("mgmt_copy_dst_unpopulated", UNPOPULATED, src, 16, XEN_EFAULT);
    copy("mgmt_copy_dst_past_populated_end", low_end - 8, src, 16, XEN_EFAULT);
    copy("mgmt_copy_dst_past_limit", GFN_LIMIT * MGTEST_PAGE_SIZE, src, 16, XEN_EFAULT);
    copy("mgmt_copy_dst_wraps", UINT64_MAX - 7, src, 16, XEN_EINVAL);
    copy("mgmt_copy_len_over_limit", 0, src, COPY_MAX + 1, XEN_EINVAL);
    copy("mgmt_copy_len_huge", 0, src, UINT64_MAX, XEN_EINVAL);
    copy("mgmt_copy_src_page0", 0x1000, 0, 16, XEN_EFAULT);
    copy("mgmt_copy_src_past_ram", 0x1000, mgtest_ram_end, 16, XEN_EFAULT);
    copy("mgmt_copy_src_straddles_ram_end", 0x1000, mgtest_ram_end - 8, 16, XEN_EFAULT);
    copy("mgmt_copy_src_unmapped", 0x1000, 0x7fff00000000, 16, XEN_EFAULT);
    copy("mgmt_copy_src_noncanonical", 0x1000, 1ull << 63, 16, XEN_EFAULT);
    copy("mgmt_copy_src_wraps", 0x1000, UINT64_MAX - 7, 16, XEN_EINVAL);
}

/* ---- start state, unpause ---- */

static void set_pvh(const char *name, uint32_t vcpu, uint32_t entry, uint32_t start_info, uint16_t reserved0, long want)
{
    struct mgmt_vcpu_set_pvh p = {
        .domid = child, .reserved0 = reserved0, .vcpu = vcpu, .entry = entry, .start_info = start_info
    };

    mgtest_expect(name, want, mgtest_call(MGMT_VCPU_SET_PVH, &p, sizeof(p), want));
}

/* A command that must be refused with -want and leave the child
 * building (for unpause and destroy). */
static const char *still_building(uint32_t cmd, void *a, size_t size, long want)
{
    struct mgmt_domain_info i;
    const char *w = mgtest_call(cmd, a, size, want);

    if (!w && (w = info_of(child, &i)) == NULL && i.state != MGMT_STATE_BUILDING)
        w = mgtest_why("refused, yet the child is in state %u", i.state);
    return w;
}

static void unpause_refused(const char *name)
{
    struct mgmt_domain_unpause u = { .domid = child };

    mgtest_expect(name, XEN_EINVAL, still_building(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u), XEN_EINVAL));
}

/* Only vCPU 1 is ever given a start state, so the child can never run. */
static void test_start(void)
{
    set_pvh("mgmt_set_pvh_vcpu_out_of_range", CHILD_VCPUS, 0x1000, 0x2000, 0, XEN_EINVAL);
    set_pvh("mgmt_set_pvh_vcpu_huge", UINT32_MAX, 0x1000, 0x2000, 0, XEN_EINVAL);
    set_pvh("mgmt_set_pvh_reserved0", 1, 0x1000, 0x2000, 1, XEN_EINVAL);
    set_pvh("mgmt_set_pvh_entry_unpopulated", 1, UNPOPULATED, 0x2000, 0, XEN_EFAULT);
    set_pvh("mgmt_set_pvh_start_info_unpopulated", 1, 0x1000, UNPOPULATED, 0, XEN_EFAULT);
    unpause_refused("mgmt_unpause_no_start_state");
    set_pvh("mgmt_set_pvh_vcpu1", 1, 0x1000, 0x2000, 0, 0);
    unpause_refused("mgmt_unpause_no_start_state_vcpu0");
}

/* ---- scheduling ---- */

static void sched(const char *name, uint16_t weight, uint32_t cap, long want)
{
    struct mgmt_domain_sched s = { .domid = child, .weight = weight, .cap = cap };

    mgtest_expect(name, want, mgtest_call(MGMT_DOMAIN_SCHED, &s, sizeof(s), want));
}

static void affinity(const char *name, uint32_t vcpu, uint64_t mask, uint16_t reserved0, long want)
{
    struct mgmt_vcpu_affinity f = { .domid = child, .reserved0 = reserved0, .vcpu = vcpu, .cpumask = mask };

    mgtest_expect(name, want, mgtest_call(MGMT_VCPU_AFFINITY, &f, sizeof(f), want));
}

/* Weight 0 and a cap above 800 percent (100 for each vCPU a domain may
 * have, idl/mgmt.idl): -EINVAL. An affinity with no
 * CPU that exists (the scenarios run on 1 to 4): -EINVAL; one that also
 * names CPUs that exist is taken, as Xen takes it. */
static void test_sched(void)
{
    sched("mgmt_sched_weight_zero", 0, 0, XEN_EINVAL);
    sched("mgmt_sched_cap_over_800", 256, 801, XEN_EINVAL);
    sched("mgmt_sched_cap_huge", 256, UINT32_MAX, XEN_EINVAL);
    sched("mgmt_sched_cap_800", 256, 800, 0);
    sched("mgmt_sched", 512, 50, 0);
    affinity("mgmt_affinity_empty", 0, 0, 0, XEN_EINVAL);
    affinity("mgmt_affinity_absent_cpu", 0, 1ull << 63, 0, XEN_EINVAL);
    affinity("mgmt_affinity_absent_cpus", 0, 0xffffffff00000000ull, 0, XEN_EINVAL);
    affinity("mgmt_affinity_vcpu_out_of_range", CHILD_VCPUS, 1, 0, XEN_EINVAL);
    affinity("mgmt_affinity_vcpu_huge", UINT32_MAX, 1, 0, XEN_EINVAL);
    affinity("mgmt_affinity_reserved0", 0, 1, 1, XEN_EINVAL);
    affinity("mgmt_affinity", 1, 1, 0, 0);
    affinity("mgmt_affinity_some_absent", 0, ~0ull, 0, 0);
}

/* ---- capabilities ---- */

/* A grant: to the child, a success sets exactly caps; any refusal leaves
 * the child's caps as they were. */
static const char *grant_request(struct mgmt_cap_grant *g, long want)
{
    struct mgmt_domain_info a, b;
    const char *w = info_of(child, &a);

    if (!w)
        w = mgtest_call(MGMT_CAP_GRANT, g, sizeof(*g), want);
    if (!w)
        w = info_of(child, &b);
    if (!w && b.caps != (want == 0 && g->domid == child ? g->caps : a.caps))
        w = mgtest_why("the child holds caps %#llx, %#llx before", (unsigned long long)b.caps,
                       (unsigned long long)a.caps);
    return w;
}

static void grant(const char *name, uint16_t domid, uint64_t caps, long want)
{
    struct mgmt_cap_grant g = { .domid = domid, .caps = caps };

    mgtest_expect(name, want, grant_request(&g, want));
}

/* Holding all four: a subset is granted; bits no capability has are
 * -EINVAL (idl/mgmt.idl); itself it does not control (-EPERM), and a
 * domain that is not there is -ESRCH. */
static void test_grant(void)
{
    grant("mgmt_grant_subset", child, MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD, 0);
    grant("mgmt_grant_unknown_bit", child, MGMT_CAP_DOMAIN_CREATE | CAP_UNKNOWN, XEN_EINVAL);
    grant("mgmt_grant_every_bit", child, UINT64_MAX, XEN_EINVAL);
    grant("mgmt_grant_all", child, CAP_ALL, 0);
    grant("mgmt_grant_none", child, 0, 0);
    grant("mgmt_grant_to_self", mgtest_domid, MGMT_CAP_DOMAIN_CREATE, XEN_EPERM);
    grant("mgmt_grant_to_no_domain", MGTEST_NO_DOMAIN, MGMT_CAP_DOMAIN_CREATE, XEN_ESRCH);
}

/* ---- I/O ports ---- */

static void ioport(const char *name, uint16_t domid, uint16_t first, uint32_t nr, long want)
{
    struct mgmt_ioport_permit p = { domid, first, nr };

    mgtest_expect(name, want, mgtest_call(MGMT_IOPORT_PERMIT, &p, sizeof(p), want));
}

/* Holding ioport and the ports 0x2f8-0x2ff (the manifest's ioports):
 * those, or some, go to the child (its map made once, freed with it: the
 * frame count at the end says so); a port outside them, the core's COM1,
 * an empty or too long range, a domain that is not there, are refused. */
static void test_ioport(void)
{
    ioport("mgmt_ioport_child", child, 0x2f8, 8, 0);
    ioport("mgmt_ioport_child_again", child, 0x2fc, 2, 0);
    ioport("mgmt_ioport_not_held", child, 0x2f0, 16, XEN_EPERM);
    ioport("mgmt_ioport_core_com1", child, 0x3f8, 8, XEN_EPERM);
    ioport("mgmt_ioport_test_exit", child, 0xf4, 1, XEN_EPERM);
    ioport("mgmt_ioport_empty", child, 0x2f8, 0, XEN_EINVAL);
    ioport("mgmt_ioport_past_last", child, 0xffff, 2, XEN_EINVAL);
    ioport("mgmt_ioport_no_domain", MGTEST_NO_DOMAIN, 0x2f8, 1, XEN_ESRCH);
}

/* ---- reserved fields ---- */

/* Each reserved field set in turn, in a request that would otherwise
 * succeed: -EINVAL (idl/mgmt.idl), and nothing done. create's reserved0,
 * set_pvh's and affinity's are checked beside their other fields. Each
 * returns NULL, or why. */
static const char *reserved_populate(void)
{
    for (unsigned k = 0; k < 3; k++) {
        struct mgmt_domain_populate p = { .domid = child, .gfn = UNPOPULATED / MGTEST_PAGE_SIZE, .nr_pages = 1 };
        const char *w;
        p.reserved[k] = 1;
        if ((w = populate_request(&p, XEN_EINVAL)) != NULL)
            return w;
    }
    return NULL;
}

static const char *reserved_copy(void)
{
    for (unsigned k = 0; k < 3; k++) {
        struct mgmt_domain_copy c = { .domid = child, .dst_gpa = 0x1000, .src = (uint64_t)(uintptr_t)text, .len = 16 };
        const char *w;
        c.reserved[k] = 1;
        if ((w = mgtest_call(MGMT_DOMAIN_COPY, &c, sizeof(c), XEN_EINVAL)) != NULL)
            return w;
    }
    return NULL;
}

static const char *reserved_grant(void)
{
    for (unsigned k = 0; k < 3; k++) {
        struct mgmt_cap_grant g = { .domid = child, .caps = MGMT_CAP_DOMAIN_CREATE };
        const char *w;
        g.reserved[k] = 1;
        if ((w = grant_request(&g, XEN_EINVAL)) != NULL)
            return w;
    }
    return NULL;
}

/* The child has no start state, which alone makes unpause -EINVAL too:
 * this one shows only that nothing starts. */
static const char *reserved_unpause(void)
{
    for (unsigned k = 0; k < 3; k++) {
        struct mgmt_domain_unpause u = { .domid = child };
        const char *w;
        u.reserved[k] = 1;
        if ((w = still_building(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u), XEN_EINVAL)) != NULL)
            return w;
    }
    return NULL;
}

static const char *reserved_destroy(void)
{
    for (unsigned k = 0; k < 3; k++) {
        struct mgmt_domain_destroy x = { .domid = child };
        const char *w;
        x.reserved[k] = 1;
        if ((w = still_building(MGMT_DOMAIN_DESTROY, &x, sizeof(x), XEN_EINVAL)) != NULL)
            return w;
    }
    return NULL;
}

/* About itself and about the child. */
static const char *reserved_info(void)
{
    for (unsigned k = 0; k < 2; k++) {
        struct mgmt_domain_info i = { .domid = k ? child : MGMT_DOMID_SELF, .reserved0 = 1 };
        const char *w;
        if ((w = mgtest_call(MGMT_DOMAIN_INFO, &i, sizeof(i), XEN_EINVAL)) != NULL)
            return w;
    }
    return NULL;
}

static void test_reserved(void)
{
    mgtest_expect("mgmt_populate_reserved", XEN_EINVAL, reserved_populate());
    mgtest_expect("mgmt_copy_reserved", XEN_EINVAL, reserved_copy());
    mgtest_expect("mgmt_grant_reserved", XEN_EINVAL, reserved_grant());
    mgtest_expect("mgmt_unpause_reserved", XEN_EINVAL, reserved_unpause());
    mgtest_expect("mgmt_destroy_reserved", XEN_EINVAL, reserved_destroy());
    mgtest_expect("mgmt_info_reserved0", XEN_EINVAL, reserved_info());
}

/* ---- the end ---- */

/* Waits until the destroyed domain is reaped: DOMAIN_INFO says shut down
 * until the id has no domain (-ESRCH), or already holds one that is not
 * ours (-EPERM: reaped, and the slot taken again). */
const char *mgtest_wait_gone(uint16_t domid)
{
    for (unsigned n = 0; n < GONE_LOOKS; n++) {
        struct mgmt_domain_info i = { .domid = domid };
        long r = mgtest_mgmt(MGMT_DOMAIN_INFO, (uint64_t)(uintptr_t)&i, sizeof(i));

        if (r == -XEN_ESRCH || r == -XEN_EPERM)
            return NULL;
        if (r != 0)
            return mgtest_why("DOMAIN_INFO returned %s", mgtest_errno(r));
        if (i.state != MGMT_STATE_SHUTDOWN)
            return mgtest_why("state %u after the destroy, want %u (shut down)", i.state, MGMT_STATE_SHUTDOWN);
        if (runtime_sleep_ns(GONE_WAIT) != 0)
            hypercall_sched_yield();
    }
    return "still there 5 s after it was destroyed";
}

static void destroy_child(const char *prefix)
{
    struct mgmt_domain_destroy x = { .domid = child };
    char name[64];
    const char *w = mgtest_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x), 0);

    snprintf(name, sizeof(name), "%s_destroy_child", prefix);
    mgtest_check(name, w);
    snprintf(name, sizeof(name), "%s_child_gone", prefix);
    mgtest_check(name, w ? "not destroyed" : mgtest_wait_gone(child));
}

void mgtest_capable(void)
{
    const char *w;

    mgtest_nosys();
    for (size_t i = 0; i < mgtest_nr_commands; i++) {
        char name[48];
        snprintf(name, sizeof(name), "mgmt_size_%s", mgtest_commands[i].name);
        mgtest_expect(name, XEN_EINVAL, mgtest_size(&mgtest_commands[i]));
        snprintf(name, sizeof(name), "mgmt_fault_%s", mgtest_commands[i].name);
        mgtest_expect(name, XEN_EFAULT, mgtest_fault(&mgtest_commands[i]));
    }
    test_create();
    w = create_child("mgtest-child", CHILD_VCPUS);
    mgtest_check("mgmt_create_child", w);
    if (w)
        return;
    test_not_ours();
    test_populate();
    test_copy();
    test_start();
    test_sched();
    test_grant();
    test_ioport();
    test_reserved();
    mgtest_hvm_self();
    mgtest_toolstack(child);
    destroy_child("mgmt");
}

/* Holding create, control and grant but not build: the child cannot be
 * built by it, and no grant may add what it does not hold. */
void mgtest_narrow(void)
{
    const uint64_t own = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT;
    const char *w = create_child("narrow-child", 1);

    mgtest_check("mgmt_narrow_create_child", w);
    if (w)
        return;
    populate("mgmt_narrow_populate_needs_build", 0, 1, XEN_EPERM);
    grant("mgmt_narrow_grant_subset", child, MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_CONTROL, 0);
    grant("mgmt_narrow_grant_widen_build", child, MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD, XEN_EPERM);
    grant("mgmt_narrow_grant_build_only", child, MGMT_CAP_DOMAIN_BUILD, XEN_EPERM);
    grant("mgmt_narrow_grant_widen_all", child, CAP_ALL, XEN_EPERM);
    grant("mgmt_narrow_grant_unknown_bit", child, MGMT_CAP_DOMAIN_CREATE | CAP_UNKNOWN, XEN_EINVAL);
    grant("mgmt_narrow_grant_own", child, own, 0);
    mgtest_toolstack_narrow(child);
    destroy_child("mgmt_narrow");
}
