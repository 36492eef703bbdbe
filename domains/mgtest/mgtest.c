/* SPDX-License-Identifier: MIT */
/*
 * A test domain that probes the management hypercall (idl/mgmt.idl) from
 * the outside, as a domain holding no capabilities (the builder grants
 * none). Every command must be refused with the exact error the core's
 * decode order gives (the size, then copying the argument in, then the
 * capability), must leave the argument as it was, and must change nothing
 * about the domain. Each check prints one `TEST PASS <name>` or
 * `TEST FAIL <name>: <why>` line; then `mgtest: done` and exit status 0
 * (1 if a check failed). It never needs a capability to pass.
 *
 * Command line: `domid=N`, its own domain id (no hypercall it may make
 * tells it), and optionally `name=NAME`, its name in the manifest
 * (default "mgtest").
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/mgmt.h"
#include "mosaic/hypercall.h"
#include "mosaic/runtime.h"
#include "mosaic/time.h"

/* Xen's errno values (public/errno.h), which the core returns negated;
 * newlib's numbering differs for some, so they are spelt out here. */
#define XEN_EPERM  1
#define XEN_EFAULT 14
#define XEN_EINVAL 22
#define XEN_ENOSYS 38

#define PAGE_SIZE 4096u
#define NO_DOMAIN 63 /* a valid slot number that the scenarios never fill */

/* Every command's argument, with room for sizes past the largest. */
union mgmt_arg {
    struct mgmt_domain_create create;
    struct mgmt_domain_populate populate;
    struct mgmt_domain_copy copy;
    struct mgmt_vcpu_set_pvh set_pvh;
    struct mgmt_domain_sched sched;
    struct mgmt_vcpu_affinity affinity;
    struct mgmt_cap_grant cap_grant;
    struct mgmt_domain_unpause unpause;
    struct mgmt_domain_destroy destroy;
    struct mgmt_domain_info info;
    uint8_t bytes[128];
};

struct command {
    const char *name;
    uint32_t cmd;
    size_t size;
    /* fill: a request that would succeed with the capability, aimed at
     * this domain itself (by number: it exists, nobody else controls it). */
    void (*fill)(union mgmt_arg *a);
};

static uint16_t self_domid;
static const char *self_name = "mgtest";
static uint64_t ram_end; /* end of the RAM the builder gave us */
static int checks, failures;
static char why_buf[160];

static void check(const char *name, const char *why)
{
    checks++;
    if (why == NULL) {
        printf("TEST PASS %s\n", name);
    } else {
        printf("TEST FAIL %s: %s\n", name, why);
        failures++;
    }
}

static const char *why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *why(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

static long mgmt(uint64_t cmd, uint64_t addr, uint64_t size)
{
    return hypercall3(MOSAIC_HYPERCALL_MGMT, cmd, addr, size);
}

static void fill_create(union mgmt_arg *a)
{
    strcpy(a->create.name, "mgtest-probe"); /* the scenario forbids this name in the log */
    a->create.nr_vcpus = 1;
    a->create.max_pages = 256;
}

static void fill_populate(union mgmt_arg *a)
{
    a->populate.domid = self_domid;
    a->populate.gfn = ram_end / PAGE_SIZE; /* just above our RAM: free */
    a->populate.nr_pages = 1;
}

static void fill_copy(union mgmt_arg *a)
{
    static const char text[] = "not to be copied";

    a->copy.domid = self_domid;
    a->copy.dst_gpa = 0x100000;
    a->copy.src = (uint64_t)(uintptr_t)text;
    a->copy.len = sizeof(text);
}

static void fill_set_pvh(union mgmt_arg *a)
{
    a->set_pvh.domid = self_domid;
    a->set_pvh.entry = 0x100000;
    a->set_pvh.start_info = 0x1000;
}

static void fill_sched(union mgmt_arg *a)
{
    a->sched.domid = self_domid;
    a->sched.weight = 65535;
    a->sched.cap = 0;
}

static void fill_affinity(union mgmt_arg *a)
{
    a->affinity.domid = self_domid;
    a->affinity.cpumask = 1;
}

static void fill_cap_grant(union mgmt_arg *a)
{
    a->cap_grant.domid = self_domid;
    a->cap_grant.caps = MGMT_CAP_DOMAIN_CREATE | MGMT_CAP_DOMAIN_BUILD | MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_CAP_GRANT;
}

static void fill_unpause(union mgmt_arg *a)
{
    a->unpause.domid = self_domid;
}

static void fill_destroy(union mgmt_arg *a)
{
    a->destroy.domid = self_domid;
}

static void fill_info(union mgmt_arg *a)
{
    a->info.domid = MGMT_DOMID_SELF;
}

static const struct command commands[] = {
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
};

static union mgmt_arg arg __attribute__((aligned(64)));
static union mgmt_arg before;

/* The argument filled with a byte pattern, then the command's request. */
static void arg_prepare(const struct command *c)
{
    memset(&arg, 0xa5, sizeof(arg));
    memset(&arg, 0, c->size);
    c->fill(&arg);
    before = arg;
}

/* One call on the prepared argument: NULL if it returned -want and left
 * every byte of the argument (and past it) alone. */
static const char *call_expect(const struct command *c, uint64_t addr, uint64_t size, long want)
{
    long r = mgmt(c->cmd, addr, size);

    if (r != -want)
        return why("address %#llx size %llu: returned %ld, want %ld", (unsigned long long)addr,
                   (unsigned long long)size, r, -want);
    if (memcmp(&arg, &before, sizeof(arg)) != 0)
        return why("address %#llx size %llu: refused, yet the argument changed", (unsigned long long)addr,
                   (unsigned long long)size);
    return NULL;
}

/* The size is checked first: one byte short or long, or 0, is -EINVAL,
 * even when the address is bad as well. */
static const char *test_size(const struct command *c)
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
static const char *test_fault(const struct command *c)
{
    const uint64_t addrs[] = {
        0,                     /* page 0: the runtime unmaps it */
        ram_end - c->size / 2, /* straddles the end of RAM */
        ram_end,               /* mapped by our page tables, no RAM behind it */
        0xc0000000,            /* the same, 3 GiB */
        0x7fff00000000,        /* not in our page tables */
        1ull << 63,            /* not canonical */
    };
    const char *w = NULL;

    arg_prepare(c);
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]) && !w; i++)
        w = call_expect(c, addrs[i], c->size, XEN_EFAULT);
    return w;
}

/* A well-formed request without the capability is -EPERM. */
static const char *test_denied(const struct command *c)
{
    arg_prepare(c);
    return call_expect(c, (uint64_t)(uintptr_t)&arg, c->size, XEN_EPERM);
}

static const struct command *command(uint32_t cmd)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (commands[i].cmd == cmd)
            return &commands[i];
    return NULL;
}

static void test_commands(void)
{
    char name[48];

    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command *c = &commands[i];

        snprintf(name, sizeof(name), "mgmt_size_%s", c->name);
        check(name, test_size(c));
        snprintf(name, sizeof(name), "mgmt_fault_%s", c->name);
        check(name, test_fault(c));
        if (c->cmd == MGMT_DOMAIN_INFO)
            continue; /* about itself it may ask: test_info_self */
        snprintf(name, sizeof(name), "mgmt_denied_%s", c->name);
        check(name, test_denied(c));
    }
}

/* A grant of nothing at all still needs MGMT_CAP_CAP_GRANT. */
static const char *test_grant_nothing(void)
{
    const struct command *c = command(MGMT_CAP_GRANT);

    arg_prepare(c);
    arg.cap_grant.caps = 0;
    before = arg;
    return call_expect(c, (uint64_t)(uintptr_t)&arg, c->size, XEN_EPERM);
}

/* MGMT_DOMAIN_INFO about itself, every out field overwritten. */
static const char *info_self(struct mgmt_domain_info *out)
{
    long r;

    memset(out, 0xa5, sizeof(*out));
    out->domid = MGMT_DOMID_SELF;
    r = mgmt(MGMT_DOMAIN_INFO, (uint64_t)(uintptr_t)out, sizeof(*out));
    return r == 0 ? NULL : why("returned %ld", r);
}

static const char *test_info_self(struct mgmt_domain_info *first)
{
    const char *w = info_self(first);
    size_t len;

    if (w)
        return w;
    printf("mgtest: info: state %u, %u vCPU, %llu pages, caps %#llx, runtime %llu ns, name '%.32s'\n", first->state,
           first->nr_vcpus, (unsigned long long)first->nr_pages, (unsigned long long)first->caps,
           (unsigned long long)first->runtime_ns, first->name);
    if (first->domid != MGMT_DOMID_SELF)
        return why("domid changed to %u", first->domid);
    if (first->state != MGMT_STATE_RUNNING)
        return why("state %u, want %u (running)", first->state, MGMT_STATE_RUNNING);
    if (first->nr_vcpus != 1)
        return why("%u vCPUs, want 1", first->nr_vcpus);
    /* The runtime put the shared-info frame over one RAM page, which the
     * core then took back (as Xen does): one page fewer when time works. */
    if (first->nr_pages != ram_end / PAGE_SIZE - (runtime_time_available() ? 1 : 0))
        return why("%llu pages, want %llu (our RAM, less the shared-info page)", (unsigned long long)first->nr_pages,
                   (unsigned long long)(ram_end / PAGE_SIZE - (runtime_time_available() ? 1 : 0)));
    if (first->caps != 0)
        return why("caps %#llx, want none", (unsigned long long)first->caps);
    len = strnlen(first->name, sizeof(first->name));
    if (len == sizeof(first->name) || strcmp(first->name, self_name) != 0)
        return why("name '%.32s', want '%s'", first->name, self_name);
    for (size_t i = len; i < sizeof(first->name); i++)
        if (first->name[i] != '\0')
            return "the name is not padded with NULs";
    return NULL;
}

/* Other domains, existing or not, need MGMT_CAP_DOMAIN_CONTROL first. */
static void test_info_other(void)
{
    const uint16_t ids[] = { 0, 1, self_domid, NO_DOMAIN, 64, MGMT_DOMID_SELF + 1, UINT16_MAX };
    const struct command *c = command(MGMT_DOMAIN_INFO);
    char name[48];

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        snprintf(name, sizeof(name), "mgmt_info_domid_%u%s", ids[i], ids[i] == self_domid ? "_self" : "");
        arg_prepare(c);
        arg.info.domid = ids[i];
        before = arg;
        check(name, call_expect(c, (uint64_t)(uintptr_t)&arg, c->size, XEN_EPERM));
    }
}

/* Command numbers with no command, including ones whose low 32 bits name
 * MGMT_DOMAIN_INFO: a valid DOMID_SELF request must not be answered. */
static void test_nosys_commands(void)
{
    const uint64_t cmds[] = { 0, 11, 1000, (1ull << 32) + 1, (1ull << 32) + MGMT_DOMAIN_INFO, UINT64_MAX };
    const struct command *info = command(MGMT_DOMAIN_INFO);
    char name[48];

    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        const struct command c = { info->name, 0, info->size, info->fill };
        long r;

        snprintf(name, sizeof(name), "mgmt_nosys_cmd_%#llx", (unsigned long long)cmds[i]);
        arg_prepare(&c);
        r = mgmt(cmds[i], (uint64_t)(uintptr_t)&arg, c.size);
        if (r != -XEN_ENOSYS)
            check(name, why("returned %ld, want %d", r, -XEN_ENOSYS));
        else
            check(name, memcmp(&arg, &before, sizeof(arg)) != 0 ? "refused, yet the argument changed" : NULL);
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
        check(name, r == -XEN_ENOSYS ? NULL : why("returned %ld, want %d", r, -XEN_ENOSYS));
    }
}

/* After every refusal, the domain is as it was. */
static const char *test_unchanged(const struct mgmt_domain_info *first)
{
    struct mgmt_domain_info now;
    const char *w = info_self(&now);

    if (w)
        return w;
    if (now.state != first->state || now.shutdown_reason != first->shutdown_reason || now.nr_vcpus != first->nr_vcpus ||
        now.nr_pages != first->nr_pages || now.caps != first->caps ||
        memcmp(now.name, first->name, sizeof(now.name)) != 0)
        return why("now state %u, %u vCPU, %llu pages, caps %#llx, name '%.32s'", now.state, now.nr_vcpus,
                   (unsigned long long)now.nr_pages, (unsigned long long)now.caps, now.name);
    if (now.runtime_ns < first->runtime_ns)
        return why("runtime went back from %llu to %llu ns", (unsigned long long)first->runtime_ns,
                   (unsigned long long)now.runtime_ns);
    return NULL;
}

/* domid=N and name=NAME from the command line; the end of our RAM. */
static const char *setup(int argc, char **argv)
{
    const struct hvm_start_info *si = runtime_start_info();
    const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;
    const char *w = "no domid=N on the command line";

    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "domid=", 6) == 0) {
            char *end;
            unsigned long id = strtoul(argv[i] + 6, &end, 10);
            w = *end || id == 0 || id >= MGMT_DOMID_SELF ? "bad domid=N on the command line" : NULL;
            self_domid = (uint16_t)id;
        } else if (strncmp(argv[i], "name=", 5) == 0) {
            self_name = argv[i] + 5;
        }
    }
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (map[i].type == HVM_MEMMAP_TYPE_RAM && map[i].addr + map[i].size > ram_end)
            ram_end = map[i].addr + map[i].size;
    if (ram_end == 0 || ram_end % PAGE_SIZE)
        return "no page-aligned RAM in the memory map";
    return w;
}

int main(int argc, char **argv)
{
    struct mgmt_domain_info first;
    const char *w = setup(argc, argv);

    printf("mgtest: domain %u '%s', %llu KiB of RAM, command line \"%s\"\n", self_domid, self_name,
           (unsigned long long)(ram_end >> 10), runtime_cmdline());
    check("mgtest_args", w);
    if (w)
        return 1;
    check("mgmt_info_self", test_info_self(&first));
    test_commands();
    check("mgmt_denied_cap_grant_nothing", test_grant_nothing());
    test_info_other();
    test_nosys_commands();
    test_nosys_hypercalls();
    check("mgmt_unchanged", test_unchanged(&first));
    printf("mgtest: %d checks, %d failed\n", checks, failures);
    printf("mgtest: done\n");
    return failures == 0 ? 0 : 1;
}
