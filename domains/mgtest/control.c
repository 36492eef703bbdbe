/* SPDX-License-Identifier: MIT */
/*
 * mode=control (create+build+control+grant): what a toolstack does with
 * running domains. A spinning child is paused (its vCPU stops running,
 * its state says so) and unpaused; its vCPU is described; the domains
 * the caller controls are listed; control of the spinner is handed to a
 * second child, which is then destroyed, so the spinner comes back to
 * the caller as that child's heir. The machine's facts and the core's
 * log are read too, and the spinner's scheduling parameters read back.
 * A child left shut down at the end goes to the builder when mgtest
 * ends. Every refusal on the way is checked with its exact error.
 */
#include <stdio.h>
#include <string.h>

#include "mgtest.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"

#define CODE_GPA   0x1000
#define SINFO_GPA  0x1200 /* the start_info pointer; the code never reads it */
#define SETTLE_NS  50000000ull
#define ADOPT_WAIT 5000000000ull

/* PVH entry, 32-bit: spin for ever (jmp .). */
static const uint8_t spin_code[] = { 0xeb, 0xfe };
/* PVH entry, 32-bit: HYPERVISOR_sched_op(SCHEDOP_shutdown, &reason) with
 * reason 0 (poweroff: the page is zero there), then halt. */
static const uint8_t off_code[] = {
    0xb8, 29, 0, 0, 0, 0xbb, 2, 0, 0, 0, 0xb9, 0x00, 0x11, 0, 0, 0x0f, 0x01, 0xd9, 0xf4, 0xeb, 0xfd,
};
/* PVH entry, 32-bit: halt for ever (1: hlt; jmp 1b). */
static const uint8_t idle_code[] = { 0xf4, 0xeb, 0xfd };

static long call(uint32_t cmd, void *a, size_t size)
{
    return mgtest_mgmt(cmd, (uint64_t)(uintptr_t)a, size);
}

/* A one-page child running code; its id in *id. NULL or why. */
static const char *start_child(const char *name, const uint8_t *code, size_t len, uint16_t *id)
{
    struct mgmt_domain_create c = { .nr_vcpus = 1, .max_pages = 1 };
    struct mgmt_domain_populate p = { .gfn = CODE_GPA / MGTEST_PAGE_SIZE, .nr_pages = 1 };
    struct mgmt_domain_copy y = { .dst_gpa = CODE_GPA, .src = (uint64_t)(uintptr_t)code, .len = len };
    struct mgmt_vcpu_set_pvh s = { .vcpu = 0, .entry = CODE_GPA, .start_info = SINFO_GPA };
    struct mgmt_domain_unpause u = { 0 };
    long r;

    snprintf(c.name, sizeof(c.name), "%s", name);
    if ((r = call(MGMT_DOMAIN_CREATE, &c, sizeof(c))) != 0)
        return mgtest_why("create %s: %s", name, mgtest_errno(r));
    *id = p.domid = y.domid = s.domid = u.domid = c.domid;
    if ((r = call(MGMT_DOMAIN_POPULATE, &p, sizeof(p))) != 0 || (r = call(MGMT_DOMAIN_COPY, &y, sizeof(y))) != 0 ||
        (r = call(MGMT_VCPU_SET_PVH, &s, sizeof(s))) != 0 || (r = call(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u))) != 0)
        return mgtest_why("building %s (d%u): %s", name, c.domid, mgtest_errno(r));
    return NULL;
}

static const char *state_is(uint16_t id, uint32_t want)
{
    struct mgmt_domain_info i = { .domid = id };
    long r = call(MGMT_DOMAIN_INFO, &i, sizeof(i));

    if (r)
        return mgtest_why("info on d%u: %s", id, mgtest_errno(r));
    return i.state == want ? NULL : mgtest_why("d%u is in state %u, want %u", id, i.state, want);
}

static const char *vcpu_of(uint16_t id, uint16_t vcpu, struct mgmt_vcpu_info *out)
{
    long r;

    *out = (struct mgmt_vcpu_info){ .domid = id, .vcpu = vcpu };
    r = call(MGMT_VCPU_INFO, out, sizeof(*out));
    return r ? mgtest_why("vcpu_info on d%u vCPU %u: %s", id, vcpu, mgtest_errno(r)) : NULL;
}

/* Whether child id's vCPU runs: its running time grows over SETTLE_NS. */
static const char *runs(uint16_t id, bool want)
{
    struct mgmt_vcpu_info a, b;
    const char *w = vcpu_of(id, 0, &a);
    uint64_t until = runtime_time_ns() + SETTLE_NS;

    while (!w && runtime_time_ns() < until)
        hypercall_sched_yield();
    if (!w)
        w = vcpu_of(id, 0, &b);
    if (w)
        return w;
    if ((b.running_ns > a.running_ns) != want)
        return mgtest_why("d%u ran %llu ns in 50 ms (state %u), want %s", id,
                          (unsigned long long)(b.running_ns - a.running_ns), b.state, want ? "some" : "none");
    return NULL;
}

/* Whether the caller's list holds id (and is ascending). */
static const char *listed(uint16_t id, bool want)
{
    struct mgmt_domain_list l = { .first = 1 };
    long r = call(MGMT_DOMAIN_LIST, &l, sizeof(l));
    bool found = false;

    if (r)
        return mgtest_why("list: %s", mgtest_errno(r));
    for (unsigned i = 0; i < l.nr && i < MGMT_DOMAIN_LIST_MAX; i++) {
        found |= l.domids[i] == id;
        if (i && l.domids[i] <= l.domids[i - 1])
            return mgtest_why("list not ascending: d%u after d%u", l.domids[i], l.domids[i - 1]);
    }
    return found == want ? NULL : mgtest_why("d%u %s the list of %u", id, found ? "is in" : "is not in", l.nr);
}

static const char *handover(uint16_t id, uint16_t to, long want)
{
    struct mgmt_domain_handover h = { .domid = id, .to = to };

    return mgtest_call(MGMT_DOMAIN_HANDOVER, &h, sizeof(h), want);
}

static const char *grant_control(uint16_t id)
{
    struct mgmt_cap_grant g = { .domid = id, .caps = MGMT_CAP_DOMAIN_CONTROL };

    return mgtest_call(MGMT_CAP_GRANT, &g, sizeof(g), 0);
}

/* Waits for the caller to control id again (the heir of its dead controller). */
static const char *adopted(uint16_t id)
{
    uint64_t until = runtime_time_ns() + ADOPT_WAIT;

    for (;;) {
        struct mgmt_domain_info i = { .domid = id };
        long r = call(MGMT_DOMAIN_INFO, &i, sizeof(i));
        if (r == 0)
            return NULL;
        if (r != -XEN_EPERM)
            return mgtest_why("info on d%u: %s", id, mgtest_errno(r));
        if (runtime_time_ns() > until)
            return mgtest_why("d%u not back under our control 5 s after its controller was destroyed", id);
        hypercall_sched_yield();
    }
}

static void pause_checks(uint16_t spin)
{
    struct mgmt_domain_pause p = { .domid = spin };
    struct mgmt_domain_unpause u = { .domid = spin };
    struct mgmt_vcpu_info v;
    const char *w;

    mgtest_check("control_spinner_runs", runs(spin, true));
    mgtest_check("control_pause", mgtest_call(MGMT_DOMAIN_PAUSE, &p, sizeof(p), 0));
    mgtest_check("control_paused_state", state_is(spin, MGMT_STATE_PAUSED));
    mgtest_expect("control_pause_again", XEN_EBUSY, mgtest_call(MGMT_DOMAIN_PAUSE, &p, sizeof(p), XEN_EBUSY));
    mgtest_check("control_paused_does_not_run", runs(spin, false));
    w = vcpu_of(spin, 0, &v);
    if (!w && v.state != MGMT_VCPU_DOWN)
        w = mgtest_why("a paused domain's vCPU is in state %u, want %u (down)", v.state, MGMT_VCPU_DOWN);
    mgtest_check("control_paused_vcpu_down", w);
    mgtest_check("control_unpause", mgtest_call(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u), 0));
    mgtest_check("control_unpaused_state", state_is(spin, MGMT_STATE_RUNNING));
    mgtest_check("control_unpaused_runs", runs(spin, true));
    mgtest_expect("control_unpause_running", XEN_EINVAL, mgtest_call(MGMT_DOMAIN_UNPAUSE, &u, sizeof(u), XEN_EINVAL));
    p.reserved[2] = 1;
    mgtest_expect("control_pause_reserved", XEN_EINVAL, mgtest_call(MGMT_DOMAIN_PAUSE, &p, sizeof(p), XEN_EINVAL));
}

static void vcpu_checks(uint16_t spin)
{
    struct mgmt_vcpu_info v = { .domid = spin, .vcpu = 1 };
    const char *w;

    w = vcpu_of(spin, 0, &v);
    if (!w && (v.domid != spin || v.cpu >= 64 || !(v.affinity & (1ull << v.cpu)) ||
               (v.state != MGMT_VCPU_RUNNING && v.state != MGMT_VCPU_RUNNABLE)))
        w = mgtest_why("d%u vCPU 0: state %u on CPU %u, affinity 0x%llx", v.domid, v.state, v.cpu,
                       (unsigned long long)v.affinity);
    mgtest_check("control_vcpu_info_spinner", w);
    v = (struct mgmt_vcpu_info){ .domid = spin, .vcpu = 1 };
    mgtest_expect("control_vcpu_info_past_last", XEN_EINVAL, mgtest_call(MGMT_VCPU_INFO, &v, sizeof(v), XEN_EINVAL));
    w = vcpu_of(MGMT_DOMID_SELF, 0, &v);
    if (!w && (v.domid != mgtest_domid || v.state != MGMT_VCPU_RUNNING || v.running_ns == 0))
        w = mgtest_why("own vCPU 0: domid %u, state %u, %llu ns", v.domid, v.state, (unsigned long long)v.running_ns);
    mgtest_check("control_vcpu_info_self", w);
    v = (struct mgmt_vcpu_info){ .domid = MGTEST_NO_DOMAIN };
    mgtest_expect("control_vcpu_info_no_domain", XEN_ESRCH, mgtest_call(MGMT_VCPU_INFO, &v, sizeof(v), XEN_ESRCH));
}

/* The scheduling parameters read back: the defaults, then what was set;
 * the caller's own by DOMID_SELF. */
static void sched_checks(uint16_t spin)
{
    struct mgmt_domain_sched s = { .domid = spin, .weight = 512, .cap = 30 };
    struct mgmt_domain_sched_get g = { .domid = spin };
    const char *w = mgtest_call(MGMT_DOMAIN_SCHED_GET, &g, sizeof(g), 0);

    if (!w && (g.domid != spin || g.weight != 256 || g.cap != 0))
        w = mgtest_why("d%u: weight %u, cap %u before any was set, want 256 and 0", g.domid, g.weight, g.cap);
    if (!w)
        w = mgtest_call(MGMT_DOMAIN_SCHED, &s, sizeof(s), 0);
    g = (struct mgmt_domain_sched_get){ .domid = spin };
    if (!w)
        w = mgtest_call(MGMT_DOMAIN_SCHED_GET, &g, sizeof(g), 0);
    if (!w && (g.weight != 512 || g.cap != 30))
        w = mgtest_why("d%u: weight %u, cap %u after setting 512 and 30", spin, g.weight, g.cap);
    s = (struct mgmt_domain_sched){ .domid = spin, .weight = 256, .cap = 0 };
    if (!w)
        w = mgtest_call(MGMT_DOMAIN_SCHED, &s, sizeof(s), 0);
    mgtest_check("control_sched_get", w);
    g = (struct mgmt_domain_sched_get){ .domid = MGMT_DOMID_SELF };
    w = mgtest_call(MGMT_DOMAIN_SCHED_GET, &g, sizeof(g), 0);
    if (!w && (g.domid != mgtest_domid || g.weight == 0))
        w = mgtest_why("own: domid %u, weight %u", g.domid, g.weight);
    mgtest_check("control_sched_get_self", w);
    g = (struct mgmt_domain_sched_get){ .domid = MGTEST_NO_DOMAIN };
    mgtest_expect("control_sched_get_no_domain", XEN_ESRCH,
                  mgtest_call(MGMT_DOMAIN_SCHED_GET, &g, sizeof(g), XEN_ESRCH));
}

static void handover_checks(uint16_t spin, uint16_t keeper)
{
    struct mgmt_domain_destroy x = { .domid = keeper };
    struct mgmt_domain_list l = { .first = 1, .reserved0 = 1 };
    const char *w;

    mgtest_expect("control_list_reserved", XEN_EINVAL, mgtest_call(MGMT_DOMAIN_LIST, &l, sizeof(l), XEN_EINVAL));
    w = listed(spin, true);
    mgtest_check("control_list_has_both", w ? w : listed(keeper, true));
    mgtest_expect("control_handover_to_itself", XEN_EINVAL, handover(spin, spin, XEN_EINVAL));
    mgtest_expect("control_handover_to_no_domain", XEN_ESRCH, handover(spin, MGTEST_NO_DOMAIN, XEN_ESRCH));
    mgtest_expect("control_handover_to_incapable", XEN_EINVAL, handover(spin, keeper, XEN_EINVAL));
    w = grant_control(keeper);
    mgtest_check("control_grant_keeper", w ? w : grant_control(spin));
    mgtest_check("control_handover", handover(spin, keeper, 0));
    struct mgmt_domain_info i = { .domid = spin };
    mgtest_expect("control_handed_info", XEN_EPERM, mgtest_call(MGMT_DOMAIN_INFO, &i, sizeof(i), XEN_EPERM));
    mgtest_check("control_handed_not_listed", listed(spin, false));
    /* keeper controls spin: handing keeper to spin would close a loop. */
    mgtest_expect("control_handover_loop", XEN_EINVAL, handover(keeper, spin, XEN_EINVAL));
    mgtest_expect("control_handover_not_ours", XEN_EPERM, handover(spin, keeper, XEN_EPERM));
    mgtest_check("control_destroy_keeper", mgtest_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x), 0));
    mgtest_check("control_keeper_gone", mgtest_wait_gone(keeper));
    w = adopted(spin);
    mgtest_check("control_adopted", w ? w : listed(spin, true));
}

static void machine_checks(void)
{
    struct mgmt_phys_info p;
    const char *w = mgtest_call(MGMT_PHYS_INFO, &p, sizeof(p), 0);
    uint32_t online = 0;

    for (uint64_t m = w ? 0 : p.online_cpus; m; m &= m - 1)
        online++;
    if (!w && (p.nr_cpus == 0 || p.nr_cpus != online || p.abi_version != 7 || p.free_pages == 0 ||
               p.free_pages >= p.total_pages || p.now_ns == 0))
        w = mgtest_why("%u CPUs (0x%llx), ABI %u, %llu of %llu pages free, now %llu ns", p.nr_cpus,
                       (unsigned long long)p.online_cpus, p.abi_version, (unsigned long long)p.free_pages,
                       (unsigned long long)p.total_pages, (unsigned long long)p.now_ns);
    mgtest_check("control_phys_info", w);
}

/* The core's log holds the line about the pause; a read from far ahead
 * gives nothing; from 0, the oldest kept byte on, with lost counting
 * what the ring dropped. */
static void log_checks(void)
{
    static char buf[MGMT_LOG_RING];
    struct mgmt_log_read l = { .index = 0, .buf = (uint64_t)(uintptr_t)buf, .len = sizeof(buf) };
    const char *w = mgtest_call(MGMT_LOG_READ, &l, sizeof(l), 0);
    uint64_t end;

    if (!w && (l.len == 0 || l.index != (uint64_t)l.lost + l.len))
        w = mgtest_why("read %u bytes to index %llu, %u lost", l.len, (unsigned long long)l.index, l.lost);
    if (!w) {
        buf[l.len < sizeof(buf) ? l.len : sizeof(buf) - 1] = '\0';
        if (!strstr(buf, "'mgtest-spinner' paused\n"))
            w = "no line about the pause in the core's log";
    }
    mgtest_check("control_log_read", w);
    end = l.index;
    l = (struct mgmt_log_read){ .index = end + 100000, .buf = (uint64_t)(uintptr_t)buf, .len = 16 };
    w = mgtest_call(MGMT_LOG_READ, &l, sizeof(l), 0);
    if (!w && (l.len != 0 || l.index != end + 100000 || l.lost != 0))
        w = mgtest_why("from ahead: %u bytes, index %llu, %u lost", l.len, (unsigned long long)l.index, l.lost);
    mgtest_check("control_log_read_ahead", w);
    l = (struct mgmt_log_read){ .index = 0, .buf = (uint64_t)(uintptr_t)buf, .len = 0 };
    mgtest_expect("control_log_read_len_0", XEN_EINVAL, mgtest_call(MGMT_LOG_READ, &l, sizeof(l), XEN_EINVAL));
    l = (struct mgmt_log_read){ .index = 0, .buf = 0x10, .len = 16 };
    mgtest_expect("control_log_read_bad_buffer", XEN_EFAULT, mgtest_call(MGMT_LOG_READ, &l, sizeof(l), XEN_EFAULT));
}

void mgtest_control(void)
{
    uint16_t spin = 0, keeper = 0;
    const char *w = start_child("mgtest-spinner", spin_code, sizeof(spin_code), &spin);

    if (!w)
        w = start_child("mgtest-keeper", idle_code, sizeof(idle_code), &keeper);
    mgtest_check("control_children_started", w);
    if (w)
        return;
    machine_checks();
    vcpu_checks(spin);
    sched_checks(spin);
    pause_checks(spin);
    log_checks();
    handover_checks(spin, keeper);
    /* Paused, then destroyed: a paused domain goes like any other. */
    struct mgmt_domain_pause p = { .domid = spin };
    struct mgmt_domain_destroy x = { .domid = spin };
    w = mgtest_call(MGMT_DOMAIN_PAUSE, &p, sizeof(p), 0);
    if (!w)
        w = mgtest_call(MGMT_DOMAIN_DESTROY, &x, sizeof(x), 0);
    if (!w)
        w = mgtest_wait_gone(spin);
    mgtest_check("control_destroy_paused", w ? w : listed(spin, false));
    /* Left behind, shut down: when this domain is gone, the builder
     * (its controller) inherits it and destroys it. */
    uint16_t left = 0;
    w = start_child("mgtest-leftover", off_code, sizeof(off_code), &left);
    uint64_t until = runtime_time_ns() + ADOPT_WAIT;
    while (!w && state_is(left, MGMT_STATE_SHUTDOWN) && runtime_time_ns() < until)
        hypercall_sched_yield();
    mgtest_check("control_leftover_shut_down", w ? w : state_is(left, MGMT_STATE_SHUTDOWN));
}
