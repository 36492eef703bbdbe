/* SPDX-License-Identifier: MIT */
/*
 * A test domain that probes the management hypercall (idl/mgmt.idl) from
 * the outside. Each check prints one `TEST PASS <name>` or
 * `TEST FAIL <name>: <why>` line, the name ending in the Xen errno name
 * expected when a refusal is (`_EINVAL`); then `mgtest: done` and exit
 * status 0 (1 if a check failed).
 *
 * Modes (`mode=` on the command line):
 * - denied (default): it holds no capabilities (the builder grants none).
 *   Every command must be refused with the exact error the core's decode
 *   order gives (the size, then copying the argument in, then the
 *   capability), must leave the argument as it was, and must change
 *   nothing about the domain; so must the Xen toolstack powers over
 *   another domain (toolstack.c).
 * - capable, narrow: it holds capabilities (the manifest's `caps`) and
 *   creates a child to feed bad input to (capable.c).
 * - race: two vCPUs; one copies into children the other destroys
 *   (race.c).
 * - many: count=N tiny children alive at once, each run, timed and
 *   destroyed (many.c).
 * - control: pause, unpause, vCPU info, the list of its children and
 *   handing control over, on running children (control.c).
 *
 * Command line: `domid=N`, its own domain id (no hypercall it may make
 * tells it; needed in every mode but narrow), `name=NAME`, its name in the
 * manifest (default "mgtest"), and `mode=`.
 */
#include "mgtest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mosaic/hypercall.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"

uint16_t mgtest_domid;
uint64_t mgtest_ram_end;

static const char *self_name = "mgtest";
static int checks, failures;
static char why_buf[192];

void mgtest_check(const char *name, const char *why)
{
    checks++;
    if (why == NULL) {
        printf("TEST PASS %s\n", name);
    } else {
        printf("TEST FAIL %s: %s\n", name, why);
        failures++;
    }
}

void mgtest_expect(const char *name, long want, const char *why)
{
    char full[96];

    if (want == 0)
        snprintf(full, sizeof(full), "%s", name);
    else
        snprintf(full, sizeof(full), "%s_%s", name, runtime_errno_name(want));
    mgtest_check(full, why);
}

const char *mgtest_why(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

const char *mgtest_errno(long r)
{
    static char buf[2][32];
    static unsigned turn;
    char *b = buf[turn++ % 2];

    snprintf(b, sizeof(buf[0]), "%ld (%s)", r, runtime_errno_name(-r));
    return b;
}

long mgtest_mgmt(uint64_t cmd, uint64_t addr, uint64_t size)
{
    return hypercall3(MOSAIC_HYPERCALL_MGMT, cmd, addr, size);
}

const char *mgtest_call(uint32_t cmd, void *a, size_t size, long want)
{
    union mgmt_arg copy;
    long r;

    memcpy(&copy, a, size);
    r = mgtest_mgmt(cmd, (uint64_t)(uintptr_t)a, size);
    if (r != -want)
        return mgtest_why("returned %s, want %s", mgtest_errno(r), mgtest_errno(-want));
    if (want && memcmp(&copy, a, size) != 0)
        return "refused, yet the argument changed";
    return NULL;
}

static void fill_create(union mgmt_arg *a)
{
    strcpy(a->create.name, "mgtest-probe"); /* the scenarios forbid this name in the log */
    a->create.nr_vcpus = 1;
    a->create.max_pages = 256;
}

static void fill_populate(union mgmt_arg *a)
{
    a->populate.domid = mgtest_domid;
    a->populate.gfn = mgtest_ram_end / MGTEST_PAGE_SIZE; /* just above our RAM: free */
    a->populate.nr_pages = 1;
}

static void fill_copy(union mgmt_arg *a)
{
    static const char text[] = "not to be copied";

    a->copy.domid = mgtest_domid;
    a->copy.dst_gpa = 0x100000;
    a->copy.src = (uint64_t)(uintptr_t)text;
    a->copy.len = sizeof(text);
}

static void fill_set_pvh(union mgmt_arg *a)
{
    a->set_pvh.domid = mgtest_domid;
    a->set_pvh.entry = 0x100000;
    a->set_pvh.start_info = 0x1000;
}

static void fill_sched(union mgmt_arg *a)
{
    a->sched.domid = mgtest_domid;
    a->sched.weight = 65535;
    a->sched.cap = 0;
}

static void fill_affinity(union mgmt_arg *a)
{
    a->affinity.domid = mgtest_domid;
    a->affinity.cpumask = 1;
}

static void fill_cap_grant(union mgmt_arg *a)
{
    a->cap_grant.domid = mgtest_domid;
    a->cap_grant.caps = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT;
}

static void fill_unpause(union mgmt_arg *a)
{
    a->unpause.domid = mgtest_domid;
}

static void fill_destroy(union mgmt_arg *a)
{
    a->destroy.domid = mgtest_domid;
}

static void fill_info(union mgmt_arg *a)
{
    a->info.domid = MGMT_DOMID_SELF;
}

static void fill_pause(union mgmt_arg *a)
{
    a->pause.domid = mgtest_domid;
}

static void fill_handover(union mgmt_arg *a)
{
    a->handover.domid = mgtest_domid;
    a->handover.to = 1;
}

static void fill_list(union mgmt_arg *a)
{
    a->list.first = 1;
}

static void fill_vcpu_info(union mgmt_arg *a)
{
    a->vcpu_info.domid = mgtest_domid; /* by number: about itself by DOMID_SELF it may ask */
}

static void fill_phys_info(union mgmt_arg *a)
{
    (void)a;
}

static void fill_log_read(union mgmt_arg *a)
{
    static char buf[64];

    a->log_read.buf = (uint64_t)(uintptr_t)buf;
    a->log_read.len = sizeof(buf);
}

static void fill_sched_get(union mgmt_arg *a)
{
    a->sched_get.domid = mgtest_domid; /* by number: about itself by DOMID_SELF it may ask */
}

static void fill_set_maxmem(union mgmt_arg *a)
{
    a->set_maxmem.domid = mgtest_domid;
    a->set_maxmem.max_pages = 1;
}

static void fill_gnttab_seed(union mgmt_arg *a)
{
    a->gnttab_seed.domid = mgtest_domid;
    a->gnttab_seed.grantee = MGTEST_NO_DOMAIN;
    a->gnttab_seed.ref = 1;
    a->gnttab_seed.gfn = 0x100; /* in our RAM */
}

static void fill_ioport(union mgmt_arg *a)
{
    a->ioport.domid = mgtest_domid;
    a->ioport.first_port = 0x2f8;
    a->ioport.nr_ports = 8;
}

const struct mgtest_command mgtest_commands[] = {
    { "domain_create", MGMT_DOMAIN_CREATE, sizeof(struct mgmt_domain_create), fill_create },
    { "domain_populate", MGMT_DOMAIN_POPULATE, sizeof(struct mgmt_domain_populate), fill_populate },
    { "domain_copy", MGMT_DOMAIN_COPY, sizeof(struct mgmt_domain_copy), fill_copy },
    { "vcpu_set_pvh", MGMT_VCPU_SET_PVH, sizeof(struct mgmt_vcpu_set_pvh), fill_set_pvh },
    { "domain_sched", MGMT_DOMAIN_SCHED, sizeof(struct mgmt_domain_sched), fill_sched },
    { "vcpu_affinity", MGMT_VCPU_AFFINITY, sizeof(struct mgmt_vcpu_affinity), fill_affinity },
    { "cap_grant", MGMT_CAP_GRANT, sizeof(struct mgmt_cap_grant), fill_cap_grant },
    { "domain_unpause", MGMT_DOMAIN_UNPAUSE, sizeof(struct mgmt_domain_unpause), fill_unpause },
    { "domain_destroy", MGMT_DOMAIN_DESTROY, sizeof(struct mgmt_domain_destroy), fill_destroy },
    { "domain_info", MGMT_DOMAIN_INFO, sizeof(struct mgmt_domain_info), fill_info },
    { "gnttab_seed", MGMT_GNTTAB_SEED, sizeof(struct mgmt_gnttab_seed), fill_gnttab_seed },
    { "ioport_permit", MGMT_IOPORT_PERMIT, sizeof(struct mgmt_ioport_permit), fill_ioport },
    { "domain_pause", MGMT_DOMAIN_PAUSE, sizeof(struct mgmt_domain_pause), fill_pause },
    { "domain_handover", MGMT_DOMAIN_HANDOVER, sizeof(struct mgmt_domain_handover), fill_handover },
    { "domain_list", MGMT_DOMAIN_LIST, sizeof(struct mgmt_domain_list), fill_list },
    { "vcpu_info", MGMT_VCPU_INFO, sizeof(struct mgmt_vcpu_info), fill_vcpu_info },
    { "phys_info", MGMT_PHYS_INFO, sizeof(struct mgmt_phys_info), fill_phys_info },
    { "log_read", MGMT_LOG_READ, sizeof(struct mgmt_log_read), fill_log_read },
    { "domain_sched_get", MGMT_DOMAIN_SCHED_GET, sizeof(struct mgmt_domain_sched_get), fill_sched_get },
    { "domain_set_maxmem", MGMT_DOMAIN_SET_MAXMEM, sizeof(struct mgmt_domain_set_maxmem), fill_set_maxmem },
};
const size_t mgtest_nr_commands = sizeof(mgtest_commands) / sizeof(mgtest_commands[0]);

const struct mgtest_command *mgtest_command(uint32_t cmd)
{
    for (size_t i = 0; i < mgtest_nr_commands; i++)
        if (mgtest_commands[i].cmd == cmd)
            return &mgtest_commands[i];
    return NULL;
}

static union mgmt_arg arg __attribute__((aligned(64)));
static union mgmt_arg before;

/* The argument filled with a byte pattern, then the command's request. */
static void arg_prepare(const struct mgtest_command *c)
{
    memset(&arg, 0xa5, sizeof(arg));
    memset(&arg, 0, c->size);
    c->fill(&arg);
    before = arg;
}

/* One call on the prepared argument: NULL if it returned -want and left
 * every byte of the argument (and past it) alone. */
static const char *call_expect(const struct mgtest_command *c, uint64_t addr, uint64_t size, long want)
{
    long r = mgtest_mgmt(c->cmd, addr, size);

    if (r != -want)
        return mgtest_why("address %#llx size %llu: returned %s, want %s", (unsigned long long)addr,
                          (unsigned long long)size, mgtest_errno(r), mgtest_errno(-want));
    if (memcmp(&arg, &before, sizeof(arg)) != 0)
        return mgtest_why("address %#llx size %llu: refused, yet the argument changed", (unsigned long long)addr,
                          (unsigned long long)size);
    return NULL;
}

/* The size is checked first: one byte short or long, or 0, is -EINVAL,
 * even when the address is bad as well. */
const char *mgtest_size(const struct mgtest_command *c)
{
    const uint64_t sizes[] = { c->size - 1, c->size + 1, 0, UINT64_MAX };
    const char *w = NULL;

    arg_prepare(c);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !w; i++) {
        w = call_expect(c, (uint64_t)(uintptr_t)&arg, sizes[i], XEN_EINVAL);
        if (!w)
            w = call_expect(c, 0, sizes[i], XEN_EINVAL);
    }
    return w;
}

/* The right size at an address the domain cannot name is -EFAULT, before
 * the capability is looked at. */
const char *mgtest_fault(const struct mgtest_command *c)
{
    const uint64_t addrs[] = {
        0,                            /* page 0: the runtime unmaps it */
        mgtest_ram_end - c->size / 2, /* straddles the end of RAM */
        mgtest_ram_end,               /* mapped by our page tables, no RAM behind it */
        0xc0000000,                   /* the same, 3 GiB */
        0x7fff00000000,               /* not in our page tables */
        1ull << 63,                   /* not canonical */
    };
    const char *w = NULL;

    arg_prepare(c);
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]) && !w; i++)
        w = call_expect(c, addrs[i], c->size, XEN_EFAULT);
    return w;
}

/* A well-formed request without the capability is -EPERM. */
static const char *test_denied(const struct mgtest_command *c)
{
    arg_prepare(c);
    return call_expect(c, (uint64_t)(uintptr_t)&arg, c->size, XEN_EPERM);
}

static void test_commands(void)
{
    char name[48];

    for (size_t i = 0; i < mgtest_nr_commands; i++) {
        const struct mgtest_command *c = &mgtest_commands[i];

        snprintf(name, sizeof(name), "mgmt_size_%s", c->name);
        mgtest_expect(name, XEN_EINVAL, mgtest_size(c));
        snprintf(name, sizeof(name), "mgmt_fault_%s", c->name);
        mgtest_expect(name, XEN_EFAULT, mgtest_fault(c));
        if (c->cmd == MGMT_DOMAIN_INFO)
            continue; /* about itself it may ask: test_info_self */
        snprintf(name, sizeof(name), "mgmt_denied_%s", c->name);
        mgtest_expect(name, XEN_EPERM, test_denied(c));
    }
}

/* A grant of nothing at all still needs MGMT_CAP_CAP_GRANT. */
static const char *test_grant_nothing(void)
{
    const struct mgtest_command *c = mgtest_command(MGMT_CAP_GRANT);

    arg_prepare(c);
    arg.cap_grant.caps = 0;
    before = arg;
    return call_expect(c, (uint64_t)(uintptr_t)&arg, c->size, XEN_EPERM);
}

const char *mgtest_info_self(struct mgmt_domain_info *out)
{
    long r;

    memset(out, 0xa5, sizeof(*out));
    out->domid = MGMT_DOMID_SELF;
    out->reserved0 = 0; /* the core refuses anything else */
    r = mgtest_mgmt(MGMT_DOMAIN_INFO, (uint64_t)(uintptr_t)out, sizeof(*out));
    return r == 0 ? NULL : mgtest_why("returned %s", mgtest_errno(r));
}

static const char *test_info_self(struct mgmt_domain_info *first, uint64_t want_caps)
{
    const char *w = mgtest_info_self(first);
    size_t len;

    if (w)
        return w;
    printf("mgtest: info: state %u, %u vCPU, %llu pages, caps %#llx, runtime %llu ns, name '%.32s'\n", first->state,
           first->nr_vcpus, (unsigned long long)first->nr_pages, (unsigned long long)first->caps,
           (unsigned long long)first->runtime_ns, first->name);
    /* The core answers with the caller's own id (management ABI 3). */
    if (first->domid == MGMT_DOMID_SELF || first->domid == 0)
        return mgtest_why("domid %u is not an id of a domain", first->domid);
    if (first->state != MGMT_STATE_RUNNING)
        return mgtest_why("state %u, want %u (running)", first->state, MGMT_STATE_RUNNING);
    if (first->nr_vcpus != 1)
        return mgtest_why("%u vCPUs, want 1", first->nr_vcpus);
    /* The runtime put the shared-info frame over one RAM page, which the
     * core then took back (as Xen does): one page fewer when time works. */
    if (first->nr_pages != mgtest_ram_end / MGTEST_PAGE_SIZE - (runtime_time_available() ? 1 : 0))
        return mgtest_why("%llu pages, want %llu (our RAM, less the shared-info page)",
                          (unsigned long long)first->nr_pages,
                          (unsigned long long)(mgtest_ram_end / MGTEST_PAGE_SIZE - (runtime_time_available() ? 1 : 0)));
    if (first->caps != want_caps)
        return mgtest_why("caps %#llx, want %#llx (the manifest's)", (unsigned long long)first->caps,
                          (unsigned long long)want_caps);
    len = strnlen(first->name, sizeof(first->name));
    if (len == sizeof(first->name) || strcmp(first->name, self_name) != 0)
        return mgtest_why("name '%.32s', want '%s'", first->name, self_name);
    for (size_t i = len; i < sizeof(first->name); i++)
        if (first->name[i] != '\0')
            return "the name is not padded with NULs";
    /* The manifest's 16 MiB; it has run since it started. */
    if (first->max_pages != 16u << 8 || first->started_ns == 0 || first->started_ns == 0xa5a5a5a5a5a5a5a5ull)
        return mgtest_why("max_pages %llu (want 4096), started_ns %#llx", (unsigned long long)first->max_pages,
                          (unsigned long long)first->started_ns);
    return NULL;
}

/* Other domains, existing or not, need MGMT_CAP_DOMAIN_CONTROL first. */
static void test_info_other(void)
{
    const uint16_t ids[] = { 0, 1, mgtest_domid, MGTEST_NO_DOMAIN, 64, MGMT_DOMID_SELF + 1, UINT16_MAX };
    const struct mgtest_command *c = mgtest_command(MGMT_DOMAIN_INFO);
    char name[48];

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        snprintf(name, sizeof(name), "mgmt_info_domid_%u%s", ids[i], ids[i] == mgtest_domid ? "_self" : "");
        arg_prepare(c);
        arg.info.domid = ids[i];
        before = arg;
        mgtest_expect(name, XEN_EPERM, call_expect(c, (uint64_t)(uintptr_t)&arg, c->size, XEN_EPERM));
    }
}

/* Command numbers with no command, including ones whose low 32 bits name
 * MGMT_DOMAIN_INFO: a valid DOMID_SELF request must not be answered. */
static void test_nosys_commands(void)
{
    const uint64_t cmds[] = {
        0, MGMT_DOMAIN_SET_MAXMEM + 1, 1000, (1ull << 32) + 1, (1ull << 32) + MGMT_DOMAIN_INFO, UINT64_MAX
    };
    const struct mgtest_command *info = mgtest_command(MGMT_DOMAIN_INFO);
    char name[48];

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        const struct mgtest_command c = { info->name, 0, info->size, info->fill };
        long r;

        snprintf(name, sizeof(name), "mgmt_nosys_cmd_%#llx", (unsigned long long)cmds[i]);
        arg_prepare(&c);
        r = mgtest_mgmt(cmds[i], (uint64_t)(uintptr_t)&arg, c.size);
        if (r != -XEN_ENOSYS)
            mgtest_expect(name, XEN_ENOSYS,
                          mgtest_why("returned %s, want %s", mgtest_errno(r), mgtest_errno(-XEN_ENOSYS)));
        else
            mgtest_expect(name, XEN_ENOSYS,
                          memcmp(&arg, &before, sizeof(arg)) != 0 ? "refused, yet the argument changed" : NULL);
    }
}

/* Hypercall numbers nobody serves, again with a valid management request
 * in the argument registers in case the number were cut to 32 bits. */
static void test_nosys_hypercalls(void)
{
    const uint64_t nrs[] = { 59, 61, 1000, (1ull << 32) + MOSAIC_HYPERCALL_MGMT, UINT64_MAX };
    char name[48];

    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        struct mgmt_domain_info info;
        long r;

        snprintf(name, sizeof(name), "hypercall_nosys_%#llx", (unsigned long long)nrs[i]);
        memset(&info, 0, sizeof(info));
        info.domid = MGMT_DOMID_SELF;
        r = hypercall3(nrs[i], MGMT_DOMAIN_INFO, (uint64_t)(uintptr_t)&info, sizeof(info));
        mgtest_expect(
            name, XEN_ENOSYS,
            r == -XEN_ENOSYS ? NULL : mgtest_why("returned %s, want %s", mgtest_errno(r), mgtest_errno(-XEN_ENOSYS)));
    }
}

void mgtest_nosys(void)
{
    test_nosys_commands();
    test_nosys_hypercalls();
}

/* After every refusal (and, in the capable modes, a child's life and
 * death), the domain is as it was: state, vCPUs, pages, caps, name. */
static const char *test_unchanged(const struct mgmt_domain_info *first)
{
    struct mgmt_domain_info now;
    const char *w = mgtest_info_self(&now);

    if (w)
        return w;
    if (now.state != first->state || now.shutdown_reason != first->shutdown_reason || now.nr_vcpus != first->nr_vcpus ||
        now.nr_pages != first->nr_pages || now.caps != first->caps ||
        memcmp(now.name, first->name, sizeof(now.name)) != 0)
        return mgtest_why("now state %u, %u vCPU, %llu pages (was %llu), caps %#llx, name '%.32s'", now.state,
                          now.nr_vcpus, (unsigned long long)now.nr_pages, (unsigned long long)first->nr_pages,
                          (unsigned long long)now.caps, now.name);
    if (now.runtime_ns < first->runtime_ns)
        return mgtest_why("runtime went back from %llu to %llu ns", (unsigned long long)first->runtime_ns,
                          (unsigned long long)now.runtime_ns);
    return NULL;
}

enum mode { MODE_DENIED, MODE_CAPABLE, MODE_NARROW, MODE_RACE, MODE_CREATE_RACE, MODE_ORPHAN, MODE_MANY, MODE_CONTROL };

static unsigned many_count = 200; /* count=N, for mode=many */

/* The capabilities each mode's manifest grants. */
static const uint64_t mode_caps[] = {
    [MODE_DENIED] = 0,
    [MODE_CAPABLE] =
        MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT | MGMT_CAP_IOPORT,
    [MODE_NARROW] = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT,
    [MODE_RACE] = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL,
    [MODE_CREATE_RACE] = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL,
    [MODE_ORPHAN] = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD,
    [MODE_MANY] = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL,
    [MODE_CONTROL] =
        MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT | MGMT_CAP_LOG,
};

/* domid=N, name=NAME and mode=M from the command line; the end of our RAM. */
static const char *setup(int argc, char **argv, enum mode *mode)
{
    const struct hvm_start_info *si = runtime_start_info();
    const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;
    const char *w = NULL;

    *mode = MODE_DENIED;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "domid=", 6) == 0) {
            char *end;
            unsigned long id = strtoul(argv[i] + 6, &end, 10);
            if (*end || id == 0 || id >= MGMT_DOMID_SELF)
                w = "bad domid=N on the command line";
            mgtest_domid = (uint16_t)id;
        } else if (strncmp(argv[i], "name=", 5) == 0) {
            self_name = argv[i] + 5;
        } else if (strcmp(argv[i], "mode=denied") == 0) {
            *mode = MODE_DENIED;
        } else if (strcmp(argv[i], "mode=capable") == 0) {
            *mode = MODE_CAPABLE;
        } else if (strcmp(argv[i], "mode=narrow") == 0) {
            *mode = MODE_NARROW;
        } else if (strcmp(argv[i], "mode=race") == 0) {
            *mode = MODE_RACE;
        } else if (strcmp(argv[i], "mode=create_race") == 0) {
            *mode = MODE_CREATE_RACE;
        } else if (strcmp(argv[i], "mode=orphan") == 0) {
            *mode = MODE_ORPHAN;
        } else if (strcmp(argv[i], "mode=many") == 0) {
            *mode = MODE_MANY;
        } else if (strcmp(argv[i], "mode=control") == 0) {
            *mode = MODE_CONTROL;
        } else if (strncmp(argv[i], "count=", 6) == 0) {
            many_count = (unsigned)strtoul(argv[i] + 6, NULL, 10);
        } else {
            w = "unknown word on the command line (want domid=N, name=NAME, count=N, "
                "mode=denied|capable|narrow|race|create_race|orphan|many|control)";
        }
    }
    /* A domain restarted on crash has a new id, which its command line
     * cannot know: orphan mode does not use one. */
    if (!w && !mgtest_domid && *mode != MODE_NARROW && *mode != MODE_ORPHAN && *mode != MODE_MANY)
        w = "no domid=N on the command line";
    /* Our populated memory ends where RAM or the builder's ACPI page at
     * its top ends, whichever is higher. */
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if ((map[i].type == XEN_HVM_MEMMAP_TYPE_RAM || map[i].type == XEN_HVM_MEMMAP_TYPE_ACPI) &&
            map[i].addr + map[i].size > mgtest_ram_end)
            mgtest_ram_end = map[i].addr + map[i].size;
    if (mgtest_ram_end == 0 || mgtest_ram_end % MGTEST_PAGE_SIZE)
        return "no page-aligned RAM in the memory map";
    return w;
}

int main(int argc, char **argv)
{
    struct mgmt_domain_info first;
    enum mode mode;
    const char *w = setup(argc, argv, &mode);
    char id[8] = "?"; /* narrow mode is not told its id */

    if (mgtest_domid)
        snprintf(id, sizeof(id), "%u", mgtest_domid);
    printf("mgtest: domain %s '%s', %llu KiB of RAM, command line \"%s\"\n", id, self_name,
           (unsigned long long)(mgtest_ram_end >> 10), runtime_cmdline());
    mgtest_check("mgtest_args", w);
    if (w)
        return 1;
    if (mode == MODE_RACE || mode == MODE_CREATE_RACE || mode == MODE_ORPHAN || mode == MODE_MANY) {
        /* Not the one-vCPU self checks below: two vCPUs, or a crash. */
        if (mode == MODE_RACE)
            mgtest_race();
        else if (mode == MODE_CREATE_RACE)
            mgtest_create_race();
        else if (mode == MODE_ORPHAN)
            mgtest_orphan();
        else
            mgtest_many(many_count);
        printf("mgtest: %d checks, %d failed\n", checks, failures);
        printf("mgtest: done\n");
        return failures ? 1 : 0;
    }
    w = test_info_self(&first, mode_caps[mode]);
    mgtest_check("mgmt_info_self", w);
    if (w && mode != MODE_DENIED) {
        /* Without the capabilities it was meant to have, the checks of
         * its mode would fail for that one reason. */
        printf("mgtest: %d checks, %d failed\n", checks, failures);
        return 1;
    }
    if (mode == MODE_DENIED) {
        test_commands();
        mgtest_expect("mgmt_denied_cap_grant_nothing", XEN_EPERM, test_grant_nothing());
        test_info_other();
        mgtest_nosys();
        mgtest_hvm_self();
        mgtest_toolstack_denied();
    } else if (mode == MODE_CAPABLE) {
        mgtest_capable();
    } else if (mode == MODE_CONTROL) {
        mgtest_control();
    } else {
        mgtest_narrow();
    }
    mgtest_check("mgmt_unchanged", test_unchanged(&first));
    printf("mgtest: %d checks, %d failed\n", checks, failures);
    printf("mgtest: done\n");
    return failures == 0 ? 0 : 1;
}
