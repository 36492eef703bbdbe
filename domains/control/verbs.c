/* SPDX-License-Identifier: MIT */
/*
 * The management verbs (verbs.h) over the core's management calls. The
 * control domain reads its own facts through MGMT_DOMID_SELF (the core
 * answers a domain about itself, never lets it change itself) and acts
 * on the domains the core says it controls; a domain that goes between
 * two calls is simply not there any more.
 */
#include "verbs.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "create.h"
#include "idl/mgmt.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"

_Static_assert(CONTROL_NAME_MAX == MGMT_NAME_MAX, "a domain's name, one size");
_Static_assert(CONTROL_CONSOLE_IN_MAX == CONSCTL_IN_MAX && CONTROL_CONSOLE_OUT_MAX == CONSCTL_OUT_MAX,
               "a console request's input and an answer's output pass through whole");
_Static_assert(CONTROL_SCHED_CAP_MAX == 100 * 8, "cap: 100 per vCPU a domain may have");
_Static_assert(CONTROL_VCPU_RUNNING == MGMT_VCPU_RUNNING && CONTROL_VCPU_RUNNABLE == MGMT_VCPU_RUNNABLE &&
                   CONTROL_VCPU_BLOCKED == MGMT_VCPU_BLOCKED && CONTROL_VCPU_DOWN == MGMT_VCPU_DOWN,
               "vCPU states pass through unchanged");

static int call(const struct verbs_env *e, uint32_t cmd, void *arg, size_t size)
{
    return (int)e->mgmt(e->ctx, cmd, arg, size);
}

/* A domain's facts: by MGMT_DOMID_SELF for control itself. */
static int info_of(const struct verbs_env *e, uint16_t domid, bool self, struct mgmt_domain_info *i)
{
    memset(i, 0, sizeof(*i));
    i->domid = self ? MGMT_DOMID_SELF : domid;
    return call(e, MGMT_DOMAIN_INFO, i, sizeof(*i));
}

/* Control's own id. */
static int self_id(const struct verbs_env *e, uint16_t *id)
{
    struct mgmt_domain_info i;
    int r = info_of(e, 0, true, &i);

    *id = i.domid;
    return r;
}

/* Up to max ids of controlled domains from first on, ascending. */
static int controlled(const struct verbs_env *e, uint16_t first, uint16_t *ids, unsigned max, unsigned *n)
{
    struct mgmt_domain_list l = { .first = first };
    int r = call(e, MGMT_DOMAIN_LIST, &l, sizeof(l));

    *n = 0;
    if (r)
        return r;
    for (unsigned i = 0; i < l.nr && i < MGMT_DOMAIN_LIST_MAX && *n < max; i++)
        if (l.domids[i] >= first && l.domids[i] < MGMT_DOMID_SELF && (*n == 0 || l.domids[i] > ids[*n - 1]))
            ids[(*n)++] = l.domids[i]; /* what the core says is checked too */
    return 0;
}

/* Whether q is all decimal digits, and then its value (below 2^16 when
 * it fits; wire_qualifier_ok bounded it). */
static bool qualifier_id(const char *q, uint16_t *id)
{
    uint32_t v = 0;

    for (const char *p = q; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint32_t)(*p - '0');
        if (v >= MGMT_DOMID_SELF)
            v = MGMT_DOMID_SELF; /* no id; stays out of range */
    }
    *id = (uint16_t)v;
    return *q != '\0';
}

static void name_copy(char *out, const char *name)
{
    memset(out, 0, CONTROL_NAME_MAX);
    memcpy(out, name, strnlen(name, CONTROL_NAME_MAX - 1));
}

static bool same_name(const struct mgmt_domain_info *i, const char *q)
{
    return strnlen(i->name, sizeof(i->name)) < sizeof(i->name) && !strcmp(i->name, q);
}

/* Every controlled domain, checked for the name q: *found counts them. */
static int find_by_name(const struct verbs_env *e, const char *q, unsigned *found, uint16_t *domid, char *name)
{
    uint16_t ids[MGMT_DOMAIN_LIST_MAX];
    unsigned n;
    uint32_t next = 1;
    int r;

    do {
        if ((r = controlled(e, (uint16_t)next, ids, MGMT_DOMAIN_LIST_MAX, &n)) != 0)
            return r;
        for (unsigned k = 0; k < n; k++) {
            struct mgmt_domain_info i;
            if (info_of(e, ids[k], false, &i) == 0 && same_name(&i, q)) {
                (*found)++;
                *domid = ids[k];
                name_copy(name, i.name);
            }
        }
        next = n ? (uint32_t)ids[n - 1] + 1 : MGMT_DOMID_SELF;
    } while (n == MGMT_DOMAIN_LIST_MAX && next < MGMT_DOMID_SELF);
    return 0;
}

int verbs_find(const struct verbs_env *e, const char *q, uint16_t *domid, char *name)
{
    struct mgmt_domain_info i;
    unsigned found = 0;
    uint16_t id;
    int r = info_of(e, 0, true, &i);

    if (r)
        return r;
    if (qualifier_id(q, &id)) {
        if (id == i.domid) {
            *domid = id;
            name_copy(name, i.name);
            return 0;
        }
        /* The core answers about a domain only to its controller. */
        if (id >= MGMT_DOMID_SELF || info_of(e, id, false, &i) != 0)
            return -XEN_ESRCH;
        *domid = id;
        name_copy(name, i.name);
        return 0;
    }
    if (same_name(&i, q)) {
        found++;
        *domid = i.domid;
        name_copy(name, i.name);
    }
    if ((r = find_by_name(e, q, &found, domid, name)) != 0)
        return r;
    return found == 0 ? -XEN_ESRCH : found > 1 ? -XEN_EEXIST : 0;
}

/* xl's state letters for one domain: from its state, and for a running
 * one from its vCPUs (r: one is on a CPU; b: none runs or waits for one,
 * and one at least is blocked). */
static uint16_t state_flags(const struct verbs_env *e, const struct mgmt_domain_info *i, bool self)
{
    bool running = false, waiting = false, blocked = false;

    switch (i->state) {
    case MGMT_STATE_BUILDING:
    case MGMT_STATE_PAUSED: return CONTROL_DOMF_PAUSED;
    case MGMT_STATE_SHUTDOWN:
        return CONTROL_DOMF_SHUTDOWN | (i->shutdown_reason == SHUTDOWN_crash ? CONTROL_DOMF_CRASHED : 0);
    default: break;
    }
    for (uint32_t v = 0; v < i->nr_vcpus && v < CONTROL_VCPUS_MAX; v++) {
        struct mgmt_vcpu_info vi = { .domid = self ? MGMT_DOMID_SELF : i->domid, .vcpu = (uint16_t)v };
        if (call(e, MGMT_VCPU_INFO, &vi, sizeof(vi)) != 0)
            continue;
        running |= vi.state == MGMT_VCPU_RUNNING;
        waiting |= vi.state == MGMT_VCPU_RUNNABLE;
        blocked |= vi.state == MGMT_VCPU_BLOCKED;
    }
    return running ? CONTROL_DOMF_RUNNING : !waiting && blocked ? CONTROL_DOMF_BLOCKED : 0;
}

/* One list entry; 0, or an error when the domain is gone. */
static int describe(const struct verbs_env *e, uint16_t domid, bool self, struct control_domain *d)
{
    struct mgmt_domain_info i;
    int r = info_of(e, domid, self, &i);

    if (r)
        return r;
    memset(d, 0, sizeof(*d));
    d->domid = i.domid;
    d->flags = (uint16_t)(state_flags(e, &i, self) | (self ? CONTROL_DOMF_SELF : 0));
    d->nr_vcpus = i.nr_vcpus;
    d->shutdown_reason = i.state == MGMT_STATE_SHUTDOWN ? i.shutdown_reason : 0;
    d->mem_kib = i.nr_pages * 4;
    d->max_mem_kib = i.max_pages * 4;
    d->cpu_time_ns = i.runtime_ns;
    d->started_ns = i.started_ns;
    name_copy(d->name, i.name);
    return 0;
}

int verbs_list(const struct verbs_env *e, uint16_t first, struct control_list_answer *a, struct control_domain *d)
{
    struct mgmt_phys_info p;
    uint16_t self, ids[MGMT_DOMAIN_LIST_MAX];
    bool self_done;
    uint32_t next = first;
    unsigned n, nr = 0;
    int r;

    memset(&p, 0, sizeof(p));
    if ((r = self_id(e, &self)) != 0 || (r = call(e, MGMT_PHYS_INFO, &p, sizeof(p))) != 0)
        return r;
    a->now_ns = p.now_ns;
    self_done = self < first;
    /* Control's own line merged in at its place; a domain that goes in
     * between leaves room for the next, so a full answer means more. */
    do {
        if ((r = controlled(e, (uint16_t)next, ids, MGMT_DOMAIN_LIST_MAX, &n)) != 0)
            return r;
        for (unsigned k = 0; k <= n && nr < CONTROL_LIST_MAX; k++) {
            bool last = k == n, more = n == MGMT_DOMAIN_LIST_MAX;
            if (!self_done && (last ? !more : self < ids[k])) {
                self_done = true;
                nr += describe(e, self, true, &d[nr]) == 0;
            }
            if (!last && nr < CONTROL_LIST_MAX && ids[k] != self)
                nr += describe(e, ids[k], false, &d[nr]) == 0;
        }
        next = n ? (uint32_t)ids[n - 1] + 1 : MGMT_DOMID_SELF;
    } while (n == MGMT_DOMAIN_LIST_MAX && next < MGMT_DOMID_SELF && nr < CONTROL_LIST_MAX);
    a->nr = (uint16_t)nr;
    return 0;
}

int verbs_info(const struct verbs_env *e, struct control_info_answer *a)
{
    struct mgmt_phys_info p;
    int r;

    memset(&p, 0, sizeof(p));
    if ((r = call(e, MGMT_PHYS_INFO, &p, sizeof(p))) != 0)
        return r;
    a->nr_cpus = p.nr_cpus;
    a->abi_version = p.abi_version;
    a->online_cpus = p.online_cpus;
    a->total_kib = p.total_pages * 4;
    a->free_kib = p.free_pages * 4;
    a->now_ns = p.now_ns;
    return 0;
}

int verbs_dmesg(const struct verbs_env *e, uint64_t index, uint32_t max, struct control_dmesg_answer *a, uint8_t *text)
{
    struct mgmt_log_read l = { .index = index, .buf = (uint64_t)(uintptr_t)text, .len = max };
    int r = call(e, MGMT_LOG_READ, &l, sizeof(l));

    if (r)
        return r;
    a->next = l.index;
    a->lost = l.lost;
    a->len = l.len <= max ? l.len : max; /* the core keeps to max; the answer does whatever it says */
    return 0;
}

/* -XEN_EPERM for control itself: the core would refuse as well (a domain
 * never controls itself); saying it here keeps the answer the same
 * whatever the core's order of checks. */
static int not_self(const struct verbs_env *e, uint16_t domid)
{
    uint16_t self;
    int r = self_id(e, &self);

    return r ? r : domid == self ? -XEN_EPERM : 0;
}

int verbs_pause(const struct verbs_env *e, uint16_t domid)
{
    struct mgmt_domain_pause p = { .domid = domid };
    int r = not_self(e, domid);

    return r ? r : call(e, MGMT_DOMAIN_PAUSE, &p, sizeof(p));
}

int verbs_unpause(const struct verbs_env *e, uint16_t domid)
{
    struct mgmt_domain_unpause u = { .domid = domid };
    int r = not_self(e, domid);

    return r ? r : call(e, MGMT_DOMAIN_UNPAUSE, &u, sizeof(u));
}

int verbs_destroy(const struct verbs_env *e, uint16_t domid)
{
    struct mgmt_domain_destroy x = { .domid = domid };
    int r = not_self(e, domid);

    if (r || (r = call(e, MGMT_DOMAIN_DESTROY, &x, sizeof(x))) != 0)
        return r;
    /* Gone once the core no longer knows it: its memory is back then. */
    for (unsigned waited = 0;; waited += VERBS_DESTROY_POLL_MS) {
        struct mgmt_domain_info i;
        if (info_of(e, domid, false, &i) != 0)
            return 0;
        if (waited >= VERBS_DESTROY_WAIT_MS)
            return -XEN_ETIMEDOUT;
        e->sleep_ms(e->ctx, VERBS_DESTROY_POLL_MS);
    }
}

int verbs_vcpu_list(const struct verbs_env *e, uint16_t domid, struct control_vcpu_list_answer *a,
                    struct control_vcpu *v)
{
    struct mgmt_domain_info i;
    struct mgmt_phys_info p;
    uint16_t self;
    bool is_self;
    int r;

    memset(&p, 0, sizeof(p));
    if ((r = self_id(e, &self)) != 0 || (r = call(e, MGMT_PHYS_INFO, &p, sizeof(p))) != 0)
        return r;
    is_self = domid == self;
    if ((r = info_of(e, domid, is_self, &i)) != 0)
        return r;
    if (i.nr_vcpus == 0 || i.nr_vcpus > CONTROL_VCPUS_MAX)
        return -XEN_EOVERFLOW;
    a->online_cpus = p.online_cpus;
    a->domid = i.domid;
    a->nr = (uint16_t)i.nr_vcpus;
    name_copy(a->name, i.name);
    for (uint32_t k = 0; k < i.nr_vcpus; k++) {
        struct mgmt_vcpu_info vi = { .domid = is_self ? MGMT_DOMID_SELF : domid, .vcpu = (uint16_t)k };
        if ((r = call(e, MGMT_VCPU_INFO, &vi, sizeof(vi))) != 0)
            return r;
        memset(&v[k], 0, sizeof(v[k]));
        v[k].vcpu = k;
        v[k].state = vi.state >= MGMT_VCPU_RUNNING && vi.state <= MGMT_VCPU_DOWN ? vi.state : MGMT_VCPU_DOWN;
        v[k].cpu = vi.cpu;
        v[k].affinity = vi.affinity;
        v[k].time_ns = vi.running_ns;
    }
    return 0;
}

int verbs_vcpu_pin(const struct verbs_env *e, uint16_t domid, uint32_t vcpu, uint64_t mask)
{
    struct mgmt_domain_info i;
    struct mgmt_phys_info p;
    int r = not_self(e, domid);

    memset(&p, 0, sizeof(p));
    if (r || (r = info_of(e, domid, false, &i)) != 0 || (r = call(e, MGMT_PHYS_INFO, &p, sizeof(p))) != 0)
        return r;
    if ((vcpu != CONTROL_VCPU_ALL && vcpu >= i.nr_vcpus) || !(mask & p.online_cpus))
        return -XEN_EINVAL;
    for (uint32_t k = 0; k < i.nr_vcpus && k < CONTROL_VCPUS_MAX; k++) {
        struct mgmt_vcpu_affinity f = { .domid = domid, .vcpu = k, .cpumask = mask };
        if ((vcpu == CONTROL_VCPU_ALL || vcpu == k) && (r = call(e, MGMT_VCPU_AFFINITY, &f, sizeof(f))) != 0)
            return r;
    }
    return 0;
}

int verbs_sched(const struct verbs_env *e, uint16_t domid, uint16_t flags, uint16_t weight, uint32_t cap,
                struct control_sched_answer *a)
{
    uint16_t self;
    int r = self_id(e, &self);
    bool is_self = domid == self;
    struct mgmt_domain_sched_get g = { .domid = is_self ? MGMT_DOMID_SELF : domid };

    if (r || (r = call(e, MGMT_DOMAIN_SCHED_GET, &g, sizeof(g))) != 0)
        return r;
    if (flags && is_self)
        return -XEN_EPERM;
    if (flags) {
        /* What is not named keeps its value, as xl sched-credit does. */
        struct mgmt_domain_sched s = {
            .domid = domid,
            .weight = flags & CONTROL_SCHED_SET_WEIGHT ? weight : g.weight,
            .cap = flags & CONTROL_SCHED_SET_CAP ? cap : g.cap,
        };
        g = (struct mgmt_domain_sched_get){ .domid = domid };
        if ((r = call(e, MGMT_DOMAIN_SCHED, &s, sizeof(s))) != 0 ||
            (r = call(e, MGMT_DOMAIN_SCHED_GET, &g, sizeof(g))) != 0)
            return r;
    }
    a->domid = is_self ? self : domid;
    a->weight = g.weight;
    a->cap = g.cap;
    return 0;
}

int verbs_console(const struct verbs_env *e, uint16_t domid, uint64_t pos, const uint8_t *in, uint32_t in_len,
                  struct control_console_answer *a, uint8_t *out)
{
    static struct consctl_request q;
    static struct consctl_response rsp;
    int r = not_self(e, domid);

    if (r)
        return r;
    if (!e->console)
        return -XEN_ENODEV;
    if (in_len > CONSCTL_IN_MAX)
        return -XEN_EINVAL;
    memset(&q, 0, sizeof(q));
    q.op = CONSCTL_OP_CONSOLE;
    q.domid = domid;
    q.pos = pos;
    q.max_out = CONSCTL_OUT_MAX;
    q.in_len = (uint16_t)in_len;
    memcpy(q.in, in, in_len);
    if ((r = e->console(e->ctx, &q, &rsp)) != 0)
        return r;
    /* The console domain is another domain: its answer is checked. */
    if (rsp.status == -XEN_ESRCH)
        return -XEN_ENOENT;
    if (rsp.status != 0 || rsp.out_len > q.max_out || rsp.in_taken > q.in_len || rsp.next < rsp.out_len ||
        rsp.reserved != 0)
        return -XEN_EIO;
    a->next = rsp.next;
    a->lost = rsp.lost;
    a->len = rsp.out_len;
    a->domid = domid;
    a->in_taken = rsp.in_taken;
    memcpy(out, rsp.out, rsp.out_len);
    return 0;
}

/* The XenStore node `node` of domid's home, into path (64 bytes). */
static void node_path(char *path, uint16_t domid, const char *node)
{
    snprintf(path, 64, "/local/domain/%u/%s", domid, node);
}

int verbs_shutdown(const struct verbs_env *e, uint16_t domid, uint16_t reason, uint16_t flags,
                   struct control_shutdown_answer *a)
{
    static const char *const words[] = {
        [CONTROL_SHUTDOWN_POWEROFF] = "poweroff", [CONTROL_SHUTDOWN_REBOOT] = "reboot"
    };
    const char *word = words[reason == CONTROL_SHUTDOWN_REBOOT];
    struct mgmt_domain_info i;
    char path[64], feature[32], value[8];
    long n;
    int r = not_self(e, domid);

    if (r || (r = info_of(e, domid, false, &i)) != 0)
        return r;
    if (i.state == MGMT_STATE_SHUTDOWN)
        return -XEN_EBUSY;
    /* As xl: only a guest that said it listens is asked (Linux writes
     * its control/feature-* nodes once its xenbus is up). */
    snprintf(feature, sizeof(feature), "control/feature-%s", word);
    node_path(path, domid, feature);
    if ((n = e->xs_read(e->ctx, path, value, sizeof(value))) < 0 && n != -XEN_ENOENT)
        return (int)n;
    if (n != 1 || value[0] != '1')
        return -XEN_EOPNOTSUPP;
    node_path(path, domid, "control/shutdown");
    if ((r = (int)e->xs_write(e->ctx, path, word)) != 0)
        return r;
    a->flags = 0;
    a->shutdown_reason = 0;
    if (!(flags & CONTROL_SHUTDOWN_WAIT))
        return 0;
    for (unsigned waited = 0;; waited += VERBS_SHUTDOWN_POLL_MS) {
        if (info_of(e, domid, false, &i) != 0) {
            a->flags = CONTROL_SHUTDOWN_GONE;
            return 0;
        }
        if (i.state == MGMT_STATE_SHUTDOWN) {
            a->flags = CONTROL_SHUTDOWN_DONE;
            a->shutdown_reason = i.shutdown_reason;
            return 0;
        }
        if (waited >= CONTROL_SHUTDOWN_WAIT_MS)
            return -XEN_ETIMEDOUT;
        e->sleep_ms(e->ctx, VERBS_SHUTDOWN_POLL_MS);
    }
}

/* A decimal KiB count of a memory node; -XEN_EINVAL when it is not one. */
static int node_kib(const struct verbs_env *e, uint16_t domid, const char *node, uint64_t *kib)
{
    char path[64], value[24];
    long n;

    node_path(path, domid, node);
    if ((n = e->xs_read(e->ctx, path, value, sizeof(value))) < 0)
        return (int)n;
    if (n == 0 || (size_t)n >= sizeof(value))
        return -XEN_EINVAL;
    *kib = 0;
    for (long k = 0; k < n; k++) {
        if (value[k] < '0' || value[k] > '9' || *kib > CONTROL_MEM_KIB_MAX)
            return -XEN_EINVAL;
        *kib = *kib * 10 + (uint64_t)(value[k] - '0');
    }
    return 0;
}

static int node_write_kib(const struct verbs_env *e, uint16_t domid, const char *node, uint64_t kib)
{
    char path[64], value[24];

    node_path(path, domid, node);
    snprintf(value, sizeof(value), "%llu", (unsigned long long)kib);
    return (int)e->xs_write(e->ctx, path, value);
}

/* The core's limit of domid: kib and libxl's slack, in whole pages. */
static int set_limit(const struct verbs_env *e, uint16_t domid, uint64_t kib)
{
    struct mgmt_domain_set_maxmem m = { .domid = domid, .max_pages = (kib + VERBS_MAXMEM_SLACK_KIB + 3) / 4 };

    return call(e, MGMT_DOMAIN_SET_MAXMEM, &m, sizeof(m));
}

/*
 * As libxl: mem-max refuses a maximum below the target, mem-set a target
 * above the static maximum; both set the core's limit to the new value
 * and the slack (mem-set's is libxl's enforce, which xl mem-set asks for:
 * a guest cannot take back what its target gave away). mem-max also
 * writes memory/static-max, which libxl leaves: here a later mem-set may
 * go up to the new maximum. The node written is the controller's as the
 * one just read is, so the store refuses it only if it broke meanwhile;
 * the core's limit then stays as set, as with libxl.
 */
int verbs_mem(const struct verbs_env *e, uint16_t domid, uint64_t kib, uint16_t flags, struct control_mem_answer *a)
{
    const bool max = flags & CONTROL_MEM_MAX;
    struct mgmt_domain_info i;
    uint64_t bound = 0;
    int r = not_self(e, domid);

    if (r || (r = info_of(e, domid, false, &i)) != 0)
        return r;
    if ((r = node_kib(e, domid, max ? "memory/target" : "memory/static-max", &bound)) != 0)
        return r;
    if (max ? kib < bound : kib > bound)
        return -XEN_EINVAL;
    if ((r = set_limit(e, domid, kib)) != 0 ||
        (r = node_write_kib(e, domid, max ? "memory/static-max" : "memory/target", kib)) != 0 ||
        (r = info_of(e, domid, false, &i)) != 0)
        return r;
    a->target_kib = max ? bound : kib;
    a->max_kib = i.max_pages * 4;
    a->mem_kib = i.nr_pages * 4;
    return 0;
}

static const char *reason_name(uint32_t reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "powered off", [SHUTDOWN_reboot] = "rebooted",   [SHUTDOWN_suspend] = "suspended",
        [SHUTDOWN_crash] = "crashed",        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft reset",
    };

    return reason <= SHUTDOWN_MAX ? names[reason] : "shut down";
}

/* One look at each controlled domain: a shut-down one is destroyed. */
unsigned verbs_reap(const struct verbs_env *e, unsigned *left)
{
    uint16_t ids[MGMT_DOMAIN_LIST_MAX];
    unsigned n, reaped = 0, kept = 0;
    bool listed = true;
    uint32_t next = 1;
    char line[CONTROL_WHY_MAX + 192];

    create_prune(e);
    do {
        if (controlled(e, (uint16_t)next, ids, MGMT_DOMAIN_LIST_MAX, &n) != 0) {
            listed = false;
            break;
        }
        for (unsigned k = 0; k < n; k++) {
            struct mgmt_domain_info i;
            if (info_of(e, ids[k], false, &i) != 0)
                continue;
            if (i.state != MGMT_STATE_SHUTDOWN) {
                kept++;
                continue;
            }
            enum xl_action act = create_action(ids[k], i.shutdown_reason);
            if (act == XL_ACTION_PRESERVE) {
                if (create_preserved(ids[k])) {
                    snprintf(line, sizeof(line), "control: d%u '%.31s' %s (shutdown reason %u); preserved", ids[k],
                             i.name, reason_name(i.shutdown_reason), i.shutdown_reason);
                    e->log(e->ctx, line);
                }
                kept++;
                continue;
            }
            int r = verbs_destroy(e, ids[k]);
            char after[CONTROL_WHY_MAX] = "";
            uint16_t fresh = ids[k];
            if (r == 0 && act == XL_ACTION_RESTART) {
                char why[CONTROL_WHY_MAX];
                int b = create_restart(e, &fresh, why, sizeof(why));
                if (b == 0)
                    snprintf(after, sizeof(after), "; restarted as d%u", fresh);
                else
                    snprintf(after, sizeof(after), "; restart failed (%d): %.200s", b, why);
                kept += b == 0;
            } else if (r == 0) {
                create_forget(ids[k]);
            }
            snprintf(line, sizeof(line), "control: d%u '%.31s' %s (shutdown reason %u); %s%s", ids[k], i.name,
                     reason_name(i.shutdown_reason), i.shutdown_reason,
                     r == 0                ? "destroyed"
                     : r == -XEN_ETIMEDOUT ? "destroyed, but still there after 5 s"
                                           : "destroy refused",
                     after);
            e->log(e->ctx, line);
            reaped += r == 0;
            kept += r != 0;
        }
        next = n ? (uint32_t)ids[n - 1] + 1 : MGMT_DOMID_SELF;
    } while (n == MGMT_DOMAIN_LIST_MAX && next < MGMT_DOMID_SELF);
    if (left)
        *left = listed ? kept : UINT_MAX;
    return reaped;
}
