/* SPDX-License-Identifier: MIT */
/*
 * The control domain's management verbs (domains/control/verbs.c) as a
 * client reaches them: request bytes into msg_handle (msg.c), answer
 * bytes out, against a model of the core (control_fake.c). Each verb's
 * answers and refusals with their exact errors; what the core sees: no
 * call it would refuse for its fields, whatever the request (the model
 * counts them), which a randomized run checks after every request.
 */
#include "verbs.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "consctl_fake.h"
#include "control_ask.h"
#include "control_fake.h"
#include "harness.h"
#include "idl/sched.h"
#include "idl/xen_errno.h"
#include "msg.h"
#include "wire.h"

static struct fake_core core;
static struct verbs_env env;
static uint8_t out[MSG_ANSWER_MAX];
static size_t out_len;
static uint32_t next_id;

/* control_fake.h's scene, control holding the control and log capabilities. */
static void scene(void)
{
    fake_scene(&core, MGMT_CAP_DOMAIN_CONTROL | MGMT_CAP_LOG);
    env = fake_env(&core);
}

static void expect_clean(void)
{
    if (core.bad_calls)
        test_fail(__FILE__, __LINE__, "%u calls the core would refuse for their fields, the first: %s", core.bad_calls,
                  core.bad_why);
}

/* len bytes of a request answered: 0 with the answer (of the request's
 * type) in out, or the error answer's status. */
static int ask_raw(const uint8_t *req, size_t len)
{
    return control_ask(&env, req, len, out, &out_len);
}

/* The request struct at body (starting with its header, set here) of
 * type, laid out as l (NULL: a header alone). */
static int ask(uint16_t type, void *body, const struct wire_layout *l)
{
    struct control_msg_header *h = body;
    uint8_t req[512];

    *h = (struct control_msg_header){ CONTROL_PROTO_VERSION, type, ++next_id };
    if (!l) {
        wire_hdr_put(req, h);
        return ask_raw(req, sizeof(*h));
    }
    wire_put(req, body, l);
    return ask_raw(req, l->size);
}

static int ask_domain(uint16_t type, const char *domain)
{
    struct control_domain_request q = { .hdr = { 0 } };

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    return ask(type, &q, &wire_domain_request_layout);
}

/* The whole list, every page. */
static unsigned list_all(struct control_domain *all, unsigned max, uint64_t *now)
{
    static struct control_domain page[CONTROL_LIST_MAX];
    struct control_list_request q = { .first = 1 };
    struct control_list_answer a;
    unsigned n = 0;

    for (;;) {
        EXPECT_EQ(ask(CONTROL_MSG_LIST, &q, &wire_list_request_layout), 0);
        EXPECT_EQ(wire_list_answer_get(out, out_len, &a, page), 0);
        for (unsigned i = 0; i < a.nr && n < max; i++)
            all[n++] = page[i];
        *now = a.now_ns;
        if (a.nr < CONTROL_LIST_MAX)
            return n;
        q.first = (uint16_t)(page[a.nr - 1].domid + 1);
    }
}

static const struct control_domain *listed(const struct control_domain *d, unsigned n, uint16_t id)
{
    for (unsigned i = 0; i < n; i++)
        if (d[i].domid == id)
            return &d[i];
    return NULL;
}

TEST(list_shows_self_and_controlled)
{
    static const uint16_t want[] = { 3, 4, 5, 7, 8, 9, 10, 11 };
    static struct control_domain d[16];
    uint64_t now = 0;
    unsigned n;

    scene();
    n = list_all(d, 16, &now);
    EXPECT_EQ(n, sizeof(want) / sizeof(want[0]));
    for (unsigned i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++)
        EXPECT_EQ(d[i].domid, want[i]);
    EXPECT_EQ(now, core.now_ns);
    EXPECT_EQ(d[0].flags, CONTROL_DOMF_SELF | CONTROL_DOMF_RUNNING);
    EXPECT_TRUE(!strcmp(d[0].name, "control"));
    EXPECT_EQ(d[0].mem_kib, 8192 * 4);
    EXPECT_EQ(listed(d, n, 4)->flags, CONTROL_DOMF_RUNNING);
    EXPECT_EQ(listed(d, n, 5)->flags, CONTROL_DOMF_BLOCKED);
    EXPECT_EQ(listed(d, n, 7)->flags, 0); /* waiting for a CPU: neither r nor b */
    EXPECT_EQ(listed(d, n, 9)->flags, CONTROL_DOMF_SHUTDOWN);
    EXPECT_EQ(listed(d, n, 9)->shutdown_reason, SHUTDOWN_poweroff);
    EXPECT_EQ(listed(d, n, 10)->flags, CONTROL_DOMF_SHUTDOWN | CONTROL_DOMF_CRASHED);
    EXPECT_EQ(listed(d, n, 10)->shutdown_reason, SHUTDOWN_crash);
    EXPECT_EQ(listed(d, n, 11)->flags, CONTROL_DOMF_PAUSED);
    EXPECT_EQ(listed(d, n, 11)->nr_vcpus, 3);
    EXPECT_EQ(listed(d, n, 4)->started_ns, 40000000000ull);
    EXPECT_EQ(listed(d, n, 4)->cpu_time_ns, 1500000000ull);
    EXPECT_TRUE(listed(d, n, 6) == NULL); /* the builder's */
    expect_clean();
}

/* Pages of 64, control's own line at its place among them, nothing lost
 * or twice. */
TEST(list_pages)
{
    static struct control_domain d[256];
    uint64_t now;
    unsigned n;

    scene();
    for (unsigned i = 0; i < 150; i++)
        fake_add(&core, "many", 3, MGMT_STATE_RUNNING, 1, MGMT_VCPU_BLOCKED);
    /* control's id in the middle of them */
    fake_find(&core, 90)->exists = false;
    fake_find(&core, 3)->id = 90;
    core.self = 90;
    for (unsigned i = 0; i < FAKE_DOMAINS; i++)
        if (core.dom[i].exists && core.dom[i].controller == 3)
            core.dom[i].controller = 90;
    n = list_all(d, 256, &now);
    unsigned want = 0;
    for (unsigned i = 0; i < FAKE_DOMAINS; i++)
        want += core.dom[i].exists && (core.dom[i].controller == 90 || core.dom[i].id == 90);
    EXPECT_EQ(n, want);
    for (unsigned i = 1; i < n; i++)
        EXPECT_TRUE(d[i].domid > d[i - 1].domid);
    EXPECT_TRUE(n > 2 * CONTROL_LIST_MAX);
    EXPECT_TRUE(listed(d, n, 90) && (listed(d, n, 90)->flags & CONTROL_DOMF_SELF));
    expect_clean();
}

TEST(list_refusals)
{
    struct control_list_request q = { .first = MGMT_DOMID_SELF };
    uint8_t raw[sizeof(q) + 1] = { 0 };

    scene();
    EXPECT_EQ(ask(CONTROL_MSG_LIST, &q, &wire_list_request_layout), -XEN_EINVAL);
    q.first = 1;
    q._pad1 = 1; /* wire_put writes it as zero: set it by hand below */
    wire_put(raw, &(struct control_list_request){ .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_LIST, 77 }, .first = 1 },
             &wire_list_request_layout);
    raw[offsetof(struct control_list_request, _pad1)] = 1;
    EXPECT_EQ(ask_raw(raw, sizeof(q)), -XEN_EINVAL);
    raw[offsetof(struct control_list_request, _pad1)] = 0;
    EXPECT_EQ(ask_raw(raw, sizeof(q) + 1), -XEN_EINVAL); /* a byte too many */
    EXPECT_EQ(ask_raw(raw, sizeof(q) - 1), -XEN_EINVAL);
    EXPECT_EQ(ask_raw(raw, sizeof(q)), 0);
    core.self_caps = MGMT_CAP_LOG;
    EXPECT_EQ(ask(CONTROL_MSG_LIST, &q, &wire_list_request_layout), -XEN_EPERM);
    EXPECT_EQ(ask(CONTROL_MSG_INFO, &q, NULL), -XEN_EPERM);
    expect_clean();
}

TEST(info_answered)
{
    struct control_info_answer a;
    struct control_msg_header h;
    uint8_t raw[9] = { 0 };

    scene();
    EXPECT_EQ(ask(CONTROL_MSG_INFO, &h, NULL), 0);
    EXPECT_EQ(wire_msg_get(out, out_len, CONTROL_MSG_INFO | CONTROL_MSG_ANSWER, &wire_info_answer_layout, &a), 0);
    EXPECT_EQ(a.nr_cpus, 2);
    EXPECT_EQ(a.online_cpus, 3);
    EXPECT_EQ(a.abi_version, 6);
    EXPECT_EQ(a.total_kib, 131072ull * 4);
    EXPECT_EQ(a.free_kib, 100000ull * 4);
    EXPECT_EQ(a.now_ns, core.now_ns);
    wire_hdr_put(raw, &(struct control_msg_header){ CONTROL_PROTO_VERSION, CONTROL_MSG_INFO, 1 });
    EXPECT_EQ(ask_raw(raw, 9), -XEN_EINVAL); /* a body */
    expect_clean();
}

/* debug-crash: a header alone answers a header alone and asks for the
 * crash once; a body is refused before anything is asked; a server that
 * cannot crash (no hook) says -ENOSYS. Nothing reaches the core. */
TEST(debug_crash_answered_then_asked)
{
    struct control_msg_header h;
    uint8_t raw[9] = { 0 };
    unsigned calls;

    scene();
    calls = core.calls;
    EXPECT_EQ(ask(CONTROL_MSG_DEBUG_CRASH, &h, NULL), 0);
    EXPECT_EQ(out_len, sizeof(h));
    EXPECT_EQ(core.crashes, 1);
    wire_hdr_put(raw, &(struct control_msg_header){ CONTROL_PROTO_VERSION, CONTROL_MSG_DEBUG_CRASH, 1 });
    EXPECT_EQ(ask_raw(raw, 9), -XEN_EINVAL); /* a body */
    EXPECT_EQ(core.crashes, 1);
    env.crash = NULL;
    EXPECT_EQ(ask(CONTROL_MSG_DEBUG_CRASH, &h, NULL), -XEN_ENOSYS);
    EXPECT_EQ(core.calls, calls);
    expect_clean();
}

/* dmesg from 0: the oldest byte kept on, in chunks, to the end; the
 * bytes the ring lost are counted; refusals. */
TEST(dmesg_follows_the_log)
{
    static char text[FAKE_LOG_MAX];
    struct control_dmesg_request q = { .max_len = 5000 };
    struct control_dmesg_answer a;
    const uint8_t *t;
    uint64_t at = 0;

    scene();
    for (unsigned i = 0; i < sizeof(text) - 1; i++)
        text[i] = (char)('a' + i % 26);
    fake_log(&core, text);
    uint64_t oldest = core.log_len - MGMT_LOG_RING;
    for (;;) {
        q.index = at;
        EXPECT_EQ(ask(CONTROL_MSG_DMESG, &q, &wire_dmesg_request_layout), 0);
        EXPECT_EQ(wire_dmesg_answer_get(out, out_len, &a, &t), 0);
        EXPECT_EQ(a.lost, at == 0 ? oldest : 0);
        EXPECT_TRUE(a.len <= q.max_len);
        for (uint32_t i = 0; i < a.len; i++)
            if (t[i] != text[a.next - a.len + i]) {
                test_fail(__FILE__, __LINE__, "byte %llu of the log differs", (unsigned long long)(a.next - a.len + i));
                break;
            }
        at = a.next;
        if (a.len == 0)
            break;
    }
    EXPECT_EQ(at, core.log_len);
    q.max_len = 0;
    EXPECT_EQ(ask(CONTROL_MSG_DMESG, &q, &wire_dmesg_request_layout), -XEN_EINVAL);
    q.max_len = CONTROL_DMESG_MAX + 1;
    EXPECT_EQ(ask(CONTROL_MSG_DMESG, &q, &wire_dmesg_request_layout), -XEN_EINVAL);
    q.max_len = CONTROL_DMESG_MAX;
    EXPECT_EQ(ask(CONTROL_MSG_DMESG, &q, &wire_dmesg_request_layout), 0);
    core.self_caps = MGMT_CAP_DOMAIN_CONTROL;
    EXPECT_EQ(ask(CONTROL_MSG_DMESG, &q, &wire_dmesg_request_layout), -XEN_EPERM);
    expect_clean();
}

static const char *answered_name(void)
{
    static struct control_domain_answer a;
    struct control_msg_header h;

    EXPECT_EQ(wire_hdr_get(out, out_len, &h), 0);
    EXPECT_EQ(wire_msg_get(out, out_len, h.type, &wire_domain_answer_layout, &a), 0);
    return a.name;
}

TEST(pause_and_unpause)
{
    scene();
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "spinner"), 0);
    EXPECT_TRUE(!strcmp(answered_name(), "spinner"));
    EXPECT_EQ(fake_find(&core, 4)->state, MGMT_STATE_PAUSED);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "4"), -XEN_EBUSY);
    EXPECT_EQ(ask_domain(CONTROL_MSG_UNPAUSE, "4"), 0);
    EXPECT_EQ(fake_find(&core, 4)->state, MGMT_STATE_RUNNING);
    EXPECT_EQ(ask_domain(CONTROL_MSG_UNPAUSE, "spinner"), -XEN_EINVAL); /* not paused */
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "control"), -XEN_EPERM);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "3"), -XEN_EPERM);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "other"), -XEN_ESRCH); /* the builder's */
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "6"), -XEN_ESRCH);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "nobody"), -XEN_ESRCH);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "999"), -XEN_ESRCH);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "twin"), -XEN_EEXIST);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "8"), 0); /* a twin by its id */
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "008"), -XEN_EBUSY);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "off"), -XEN_EBUSY);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "a b"), -XEN_EINVAL);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, ""), -XEN_EINVAL);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "32752"), -XEN_EINVAL);
    EXPECT_EQ(ask_domain(CONTROL_MSG_PAUSE, "\x01x"), -XEN_EINVAL);
    expect_clean();
}

TEST(destroy_waits_until_gone)
{
    static struct control_domain d[16];
    uint64_t now;
    unsigned n;

    scene();
    EXPECT_EQ(ask_domain(CONTROL_MSG_DESTROY, "sleeper"), 0);
    EXPECT_EQ(core.destroyed, 1);
    EXPECT_TRUE(core.sleeps >= 1);
    EXPECT_TRUE(fake_find(&core, 5) == NULL);
    n = list_all(d, 16, &now);
    EXPECT_TRUE(listed(d, n, 5) == NULL);
    EXPECT_EQ(ask_domain(CONTROL_MSG_DESTROY, "sleeper"), -XEN_ESRCH);
    EXPECT_EQ(ask_domain(CONTROL_MSG_DESTROY, "control"), -XEN_EPERM);
    core.linger = 100000; /* a domain that never goes */
    core.sleeps = 0;
    EXPECT_EQ(ask_domain(CONTROL_MSG_DESTROY, "spinner"), -XEN_ETIMEDOUT);
    EXPECT_EQ(core.sleeps, VERBS_DESTROY_WAIT_MS / VERBS_DESTROY_POLL_MS);
    expect_clean();
}

static unsigned vcpus(const char *domain, struct control_vcpu_list_answer *a, struct control_vcpu *v)
{
    if (ask_domain(CONTROL_MSG_VCPU_LIST, domain) != 0)
        return 0;
    EXPECT_EQ(wire_vcpu_list_answer_get(out, out_len, a, v), 0);
    return a->nr;
}

TEST(vcpu_list_and_pin)
{
    static struct control_vcpu v[CONTROL_VCPUS_MAX];
    struct control_vcpu_list_answer a;
    struct control_vcpu_pin_request q = { .domain = "wide", .vcpu = 1, .cpumask = 0x2 };

    scene();
    EXPECT_EQ(vcpus("wide", &a, v), 3);
    EXPECT_EQ(a.domid, 11);
    EXPECT_EQ(a.online_cpus, 3);
    EXPECT_TRUE(!strcmp(a.name, "wide"));
    EXPECT_EQ(v[0].state, CONTROL_VCPU_DOWN); /* paused */
    EXPECT_EQ(v[2].time_ns, 3000000ull);
    EXPECT_EQ(v[1].affinity, 0x3);
    EXPECT_EQ(ask(CONTROL_MSG_VCPU_PIN, &q, &wire_vcpu_pin_request_layout), 0);
    EXPECT_EQ(vcpus("11", &a, v), 3);
    EXPECT_EQ(v[1].affinity, 0x2);
    EXPECT_EQ(v[0].affinity, 0x3);
    q.vcpu = CONTROL_VCPU_ALL;
    q.cpumask = 0x1 | 0x10; /* CPU 4 is not online: the core keeps the online part */
    EXPECT_EQ(ask(CONTROL_MSG_VCPU_PIN, &q, &wire_vcpu_pin_request_layout), 0);
    EXPECT_EQ(vcpus("wide", &a, v), 3);
    for (unsigned i = 0; i < 3; i++)
        EXPECT_EQ(v[i].affinity, 0x1);
    q.vcpu = 3;
    EXPECT_EQ(ask(CONTROL_MSG_VCPU_PIN, &q, &wire_vcpu_pin_request_layout), -XEN_EINVAL);
    q.vcpu = 0;
    q.cpumask = 0x4; /* no online CPU */
    EXPECT_EQ(ask(CONTROL_MSG_VCPU_PIN, &q, &wire_vcpu_pin_request_layout), -XEN_EINVAL);
    q.cpumask = 0;
    EXPECT_EQ(ask(CONTROL_MSG_VCPU_PIN, &q, &wire_vcpu_pin_request_layout), -XEN_EINVAL);
    q.cpumask = 1;
    strcpy(q.domain, "control");
    EXPECT_EQ(ask(CONTROL_MSG_VCPU_PIN, &q, &wire_vcpu_pin_request_layout), -XEN_EPERM);
    EXPECT_EQ(vcpus("control", &a, v), 1); /* its own: read, never changed */
    EXPECT_EQ(v[0].state, CONTROL_VCPU_RUNNING);
    EXPECT_EQ(vcpus("sleeper", &a, v), 1);
    EXPECT_EQ(v[0].state, CONTROL_VCPU_BLOCKED);
    EXPECT_EQ(ask_domain(CONTROL_MSG_VCPU_LIST, "other"), -XEN_ESRCH);
    expect_clean();
}

static int sched(const char *domain, uint16_t flags, uint16_t weight, uint32_t cap, struct control_sched_answer *a)
{
    struct control_sched_request q = { .flags = flags, .weight = weight, .cap = cap };
    int r;

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    r = ask(CONTROL_MSG_SCHED_CREDIT, &q, &wire_sched_request_layout);
    if (r == 0)
        EXPECT_EQ(
            wire_msg_get(out, out_len, CONTROL_MSG_SCHED_CREDIT | CONTROL_MSG_ANSWER, &wire_sched_answer_layout, a), 0);
    return r;
}

TEST(sched_credit_sets_and_reads)
{
    struct control_sched_answer a;

    scene();
    EXPECT_EQ(sched("spinner", 0, 0, 0, &a), 0);
    EXPECT_EQ(a.domid, 4);
    EXPECT_EQ(a.weight, 256);
    EXPECT_EQ(a.cap, 0);
    EXPECT_TRUE(!strcmp(a.name, "spinner"));
    EXPECT_EQ(sched("spinner", CONTROL_SCHED_SET_WEIGHT, 512, 0, &a), 0);
    EXPECT_EQ(a.weight, 512);
    EXPECT_EQ(a.cap, 0);
    EXPECT_EQ(sched("4", CONTROL_SCHED_SET_CAP, 0, 50, &a), 0);
    EXPECT_EQ(a.weight, 512); /* kept */
    EXPECT_EQ(a.cap, 50);
    EXPECT_EQ(fake_find(&core, 4)->weight, 512);
    EXPECT_EQ(sched("4", CONTROL_SCHED_SET_WEIGHT | CONTROL_SCHED_SET_CAP, 100, 0, &a), 0);
    EXPECT_EQ(fake_find(&core, 4)->cap, 0);
    EXPECT_EQ(sched("control", 0, 0, 0, &a), 0);
    EXPECT_EQ(a.domid, 3);
    EXPECT_EQ(sched("control", CONTROL_SCHED_SET_WEIGHT, 9, 0, &a), -XEN_EPERM);
    EXPECT_EQ(sched("spinner", CONTROL_SCHED_SET_WEIGHT, 0, 0, &a), -XEN_EINVAL);
    EXPECT_EQ(sched("spinner", 0, 5, 0, &a), -XEN_EINVAL); /* a value without its flag */
    EXPECT_EQ(sched("spinner", 0, 0, 5, &a), -XEN_EINVAL);
    EXPECT_EQ(sched("spinner", CONTROL_SCHED_SET_CAP, 0, CONTROL_SCHED_CAP_MAX + 1, &a), -XEN_EINVAL);
    EXPECT_EQ(sched("spinner", 0x4, 0, 0, &a), -XEN_EINVAL);
    EXPECT_EQ(sched("other", 0, 0, 0, &a), -XEN_ESRCH);
    expect_clean();
}

TEST(shut_down_domains_reaped)
{
    scene();
    unsigned left = 0;

    EXPECT_EQ(verbs_reap(&env, &left), 2);
    EXPECT_EQ(left, 5); /* spinner, sleeper, the twins, wide (other is the builder's) */
    EXPECT_TRUE(fake_find(&core, 9) == NULL);
    EXPECT_TRUE(fake_find(&core, 10) == NULL);
    EXPECT_TRUE(fake_find(&core, 4) != NULL);
    EXPECT_TRUE(strstr(core.lines, "control: d9 'off' powered off (shutdown reason 0); destroyed\n") != NULL);
    EXPECT_TRUE(strstr(core.lines, "control: d10 'crashed' crashed (shutdown reason 3); destroyed\n") != NULL);
    EXPECT_EQ(verbs_reap(&env, NULL), 0);
    fake_find(&core, 5)->state = MGMT_STATE_SHUTDOWN;
    fake_find(&core, 5)->reason = SHUTDOWN_reboot;
    EXPECT_EQ(verbs_reap(&env, &left), 1);
    EXPECT_EQ(left, 4);
    core.self_caps = MGMT_CAP_LOG;
    EXPECT_EQ(verbs_reap(&env, &left), 0);
    EXPECT_EQ(left, UINT_MAX);
    EXPECT_TRUE(strstr(core.lines, "control: d5 'sleeper' rebooted") != NULL);
    expect_clean();
}

/* Requests of every type with random fields, some broken: every answer
 * is well-formed and the core never sees a call it would refuse for its
 * fields. */
/* A console request for domain, from pos, carrying in: its status; the
 * answer in *a and its output at *text. */
static int ask_console(const char *domain, uint64_t pos, const char *in, struct control_console_answer *a,
                       const uint8_t **text)
{
    static uint8_t req[sizeof(struct control_console_request) + CONTROL_CONSOLE_IN_MAX + 16];
    struct control_console_request q = {
        .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_CONSOLE, ++next_id },
        .pos = pos,
        .in_len = (uint32_t)strlen(in),
    };
    int r;

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    wire_put(req, &q, &wire_console_request_layout);
    memcpy(req + sizeof(q), in, q.in_len);
    r = ask_raw(req, sizeof(q) + q.in_len);
    if (r == 0)
        EXPECT_EQ(wire_console_answer_get(out, out_len, a, text), 0);
    return r;
}

/* Control with the model console domain behind its console channel. */
static struct consfake_guest *console_scene(void)
{
    struct consfake_guest *g;

    scene();
    consfake_reset();
    env.console = consfake_exchange;
    g = consfake_add(4); /* spinner's console; sleeper (d5) has none */
    consfake_add(6);     /* the builder's domain: served, but not control's */
    consfake_write(g, "boot\n", 5);
    return g;
}

TEST(console_reads_and_types)
{
    struct consfake_guest *g = console_scene();
    struct control_console_answer a;
    const uint8_t *text;

    EXPECT_EQ(ask_console("spinner", 0, "ls\n", &a, &text), 0);
    EXPECT_EQ(a.domid, 4);
    EXPECT_EQ(a.len, 5);
    EXPECT_EQ(a.next, 5);
    EXPECT_EQ(a.lost, 0);
    EXPECT_EQ(a.in_taken, 3);
    EXPECT_TRUE(!memcmp(text, "boot\n", 5));
    EXPECT_EQ(g->in_len, 3);
    EXPECT_TRUE(!memcmp(g->in, "ls\n", 3));
    EXPECT_EQ(consfake.last.domid, 4);
    EXPECT_EQ(consfake.last.max_out, CONSCTL_OUT_MAX);
    consfake_write(g, "a b\n", 4);
    EXPECT_EQ(ask_console("4", a.next, "", &a, &text), 0);
    EXPECT_EQ(a.len, 4);
    EXPECT_EQ(a.next, 9);
    EXPECT_TRUE(!memcmp(text, "a b\n", 4));
    EXPECT_EQ(ask_console("4", a.next, "", &a, &text), 0);
    EXPECT_EQ(a.len, 0);
    expect_clean();
}

/* Only the domains control controls, and the console domain is not even
 * asked about the others. */
TEST(console_refusals)
{
    struct control_console_answer a;
    const uint8_t *text;
    char big[CONTROL_CONSOLE_IN_MAX + 2];

    console_scene();
    EXPECT_EQ(ask_console("other", 0, "x", &a, &text), -XEN_ESRCH);
    EXPECT_EQ(ask_console("6", 0, "x", &a, &text), -XEN_ESRCH);
    EXPECT_EQ(ask_console("nosuch", 0, "", &a, &text), -XEN_ESRCH);
    EXPECT_EQ(ask_console("control", 0, "", &a, &text), -XEN_EPERM);
    EXPECT_EQ(ask_console("3", 0, "", &a, &text), -XEN_EPERM);
    EXPECT_EQ(ask_console("twin", 0, "", &a, &text), -XEN_EEXIST);
    EXPECT_EQ(consfake.exchanges, 0);
    EXPECT_EQ(consfake.g[1].in_len, 0);
    EXPECT_EQ(ask_console("sleeper", 0, "", &a, &text), -XEN_ENOENT); /* controlled; no console served */
    memset(big, 'y', sizeof(big));
    big[sizeof(big) - 1] = '\0';
    EXPECT_EQ(ask_console("spinner", 0, big, &a, &text), -XEN_EINVAL);
    consfake.fail = -XEN_ETIMEDOUT;
    EXPECT_EQ(ask_console("spinner", 0, "", &a, &text), -XEN_ETIMEDOUT);
    env.console = NULL;
    EXPECT_EQ(ask_console("spinner", 0, "", &a, &text), -XEN_ENODEV);
    core.self_caps = 0;
    EXPECT_EQ(ask_console("spinner", 0, "", &a, &text), -XEN_EPERM); /* the core lists nothing without it */
    expect_clean();
}

/* Request bytes that do not add up: refused before anything is done. */
TEST(console_request_shape)
{
    struct control_console_request q = { .hdr = { CONTROL_PROTO_VERSION, CONTROL_MSG_CONSOLE, 1 }, .in_len = 3 };
    uint8_t req[sizeof(q) + 8];

    console_scene();
    snprintf(q.domain, sizeof(q.domain), "spinner");
    wire_put(req, &q, &wire_console_request_layout);
    memcpy(req + sizeof(q), "abcdefgh", 8);
    EXPECT_EQ(ask_raw(req, sizeof(q) + 2), -XEN_EINVAL);
    EXPECT_EQ(ask_raw(req, sizeof(q) + 4), -XEN_EINVAL);
    EXPECT_EQ(ask_raw(req, sizeof(q) - 1), -XEN_EINVAL);
    EXPECT_EQ(ask_raw(req, sizeof(q) + 3), 0);
    req[offsetof(struct control_console_request, _pad0)] = 1;
    EXPECT_EQ(ask_raw(req, sizeof(q) + 3), -XEN_EINVAL);
    EXPECT_EQ(consfake.exchanges, 1);
    expect_clean();
}

static void tamper_out_len(struct consctl_response *r)
{
    r->out_len = CONSCTL_OUT_MAX + 1;
}
static void tamper_in_taken(struct consctl_response *r)
{
    r->in_taken = 2;
}
static void tamper_status(struct consctl_response *r)
{
    r->status = -XEN_EPERM;
}
static void tamper_reserved(struct consctl_response *r)
{
    r->reserved = 1;
}
static void tamper_next(struct consctl_response *r)
{
    r->next = 1;
}

/* A console domain that breaks its protocol: -EIO, and nothing of its
 * answer reaches the client. */
TEST(console_answer_checked)
{
    void (*const tampers[])(struct consctl_response *) = { tamper_out_len, tamper_in_taken, tamper_status,
                                                           tamper_reserved, tamper_next };
    struct control_console_answer a;
    const uint8_t *text;

    for (unsigned i = 0; i < sizeof(tampers) / sizeof(tampers[0]); i++) {
        console_scene();
        consfake.tamper = tampers[i];
        EXPECT_EQ(ask_console("spinner", 0, "x", &a, &text), -XEN_EIO);
    }
    expect_clean();
}

static int ask_shutdown(const char *domain, uint16_t reason, uint16_t flags, struct control_shutdown_answer *a)
{
    struct control_shutdown_request q = { .reason = reason, .flags = flags };
    int r;

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    if ((r = ask(CONTROL_MSG_SHUTDOWN, &q, &wire_shutdown_request_layout)) == 0)
        EXPECT_EQ(
            wire_msg_get(out, out_len, CONTROL_MSG_SHUTDOWN | CONTROL_MSG_ANSWER, &wire_shutdown_answer_layout, a), 0);
    return r;
}

static int ask_mem(const char *domain, uint64_t kib, uint16_t flags, struct control_mem_answer *a)
{
    struct control_mem_request q = { .kib = kib, .flags = flags };
    int r;

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    if ((r = ask(CONTROL_MSG_MEM_SET, &q, &wire_mem_request_layout)) == 0)
        EXPECT_EQ(wire_msg_get(out, out_len, CONTROL_MSG_MEM_SET | CONTROL_MSG_ANSWER, &wire_mem_answer_layout, a), 0);
    return r;
}

/* shutdown and reboot: control/shutdown written once the guest said it
 * can; -w waits for the shutdown, or times out; the reaper then
 * destroys it as any shut-down domain. */
TEST(shutdown_through_the_store)
{
    struct control_shutdown_answer a;
    struct fake_domain *spin, *sleeper;

    scene();
    spin = fake_find(&core, 4);
    sleeper = fake_find(&core, 5);
    EXPECT_EQ(ask_shutdown("spinner", CONTROL_SHUTDOWN_POWEROFF, 0, &a), -XEN_EOPNOTSUPP);
    EXPECT_EQ(core.xs_writes, 0);
    spin->pv_shutdown = sleeper->pv_shutdown = true;
    EXPECT_EQ(ask_shutdown("spinner", CONTROL_SHUTDOWN_POWEROFF, 0, &a), 0);
    EXPECT_EQ(a.domid, 4);
    EXPECT_EQ(a.flags, 0);
    EXPECT_TRUE(!strcmp(a.name, "spinner"));
    EXPECT_TRUE(!strcmp(spin->shutdown_word, "poweroff"));
    EXPECT_EQ(spin->state, MGMT_STATE_RUNNING); /* nothing waited for */
    sleeper->obey = 20;
    EXPECT_EQ(ask_shutdown("5", CONTROL_SHUTDOWN_REBOOT, CONTROL_SHUTDOWN_WAIT, &a), 0);
    EXPECT_EQ(a.flags, CONTROL_SHUTDOWN_DONE);
    EXPECT_EQ(a.shutdown_reason, SHUTDOWN_reboot);
    EXPECT_EQ(sleeper->state, MGMT_STATE_SHUTDOWN);
    EXPECT_EQ(ask_shutdown("sleeper", CONTROL_SHUTDOWN_POWEROFF, 0, &a), -XEN_EBUSY);
    EXPECT_EQ(verbs_reap(&env, NULL), 3); /* with off and crashed */
    ;
    core.sleeps = 0;
    EXPECT_EQ(ask_shutdown("spinner", CONTROL_SHUTDOWN_POWEROFF, CONTROL_SHUTDOWN_WAIT, &a), -XEN_ETIMEDOUT);
    EXPECT_EQ(core.sleeps, CONTROL_SHUTDOWN_WAIT_MS / VERBS_SHUTDOWN_POLL_MS);
    spin->store_open = false;
    EXPECT_EQ(ask_shutdown("spinner", CONTROL_SHUTDOWN_POWEROFF, 0, &a), -XEN_EACCES);
    EXPECT_EQ(ask_shutdown("control", CONTROL_SHUTDOWN_POWEROFF, 0, &a), -XEN_EPERM);
    EXPECT_EQ(ask_shutdown("other", CONTROL_SHUTDOWN_POWEROFF, 0, &a), -XEN_ESRCH);
    EXPECT_EQ(ask_shutdown("twin", CONTROL_SHUTDOWN_POWEROFF, 0, &a), -XEN_EEXIST);
    EXPECT_EQ(ask_shutdown("8", 2, 0, &a), -XEN_EINVAL);
    EXPECT_EQ(ask_shutdown("8", CONTROL_SHUTDOWN_POWEROFF, 2, &a), -XEN_EINVAL);
    expect_clean();
}

/* mem-set: the target, at most static-max; mem-max: static-max, never
 * below the target; both set the core's limit to the value and libxl's
 * slack, in pages rounded up. */
TEST(mem_set_and_max)
{
    struct control_mem_answer a;
    struct fake_domain *spin;

    scene();
    spin = fake_find(&core, 4); /* 512 pages: 2048 KiB */
    EXPECT_EQ(ask_mem("spinner", 1000, 0, &a), 0);
    EXPECT_EQ(spin->target_kib, 1000);
    EXPECT_EQ(spin->max_pages, (1000 + VERBS_MAXMEM_SLACK_KIB) / 4);
    EXPECT_EQ(a.target_kib, 1000);
    EXPECT_EQ(a.max_kib, 2024);
    EXPECT_EQ(a.mem_kib, 2048);
    EXPECT_TRUE(!strcmp(a.name, "spinner"));
    EXPECT_EQ(ask_mem("spinner", 2049, 0, &a), -XEN_EINVAL);              /* above static-max */
    EXPECT_EQ(ask_mem("spinner", 999, CONTROL_MEM_MAX, &a), -XEN_EINVAL); /* below the target */
    EXPECT_EQ(spin->max_pages, 506);
    EXPECT_EQ(ask_mem("spinner", 4097, CONTROL_MEM_MAX, &a), 0);
    EXPECT_EQ(spin->max_pages, 1281); /* 4097 + 1024 KiB, rounded up */
    EXPECT_EQ(spin->static_max_kib, 4097);
    EXPECT_EQ(a.max_kib, 5124);
    EXPECT_EQ(a.target_kib, 1000);
    EXPECT_EQ(ask_mem("spinner", 4098, 0, &a), -XEN_EINVAL);
    EXPECT_EQ(ask_mem("spinner", 4097, 0, &a), 0);
    EXPECT_EQ(ask_mem("spinner", CONTROL_MEM_KIB_MAX, CONTROL_MEM_MAX, &a), -XEN_ENOMEM);
    EXPECT_EQ(spin->max_pages, 1281);
    EXPECT_EQ(spin->static_max_kib, 4097); /* nothing written once the core refused */
    EXPECT_EQ(ask_mem("spinner", 0, 0, &a), -XEN_EINVAL);
    EXPECT_EQ(ask_mem("spinner", CONTROL_MEM_KIB_MAX + 1, 0, &a), -XEN_EINVAL);
    EXPECT_EQ(ask_mem("spinner", 1024, 2, &a), -XEN_EINVAL);
    EXPECT_EQ(ask_mem("control", 1024, 0, &a), -XEN_EPERM);
    EXPECT_EQ(ask_mem("other", 1024, 0, &a), -XEN_ESRCH);
    spin->store_open = false;
    EXPECT_EQ(ask_mem("spinner", 1024, 0, &a), -XEN_EACCES);
    EXPECT_EQ(ask_mem("spinner", 8192, CONTROL_MEM_MAX, &a), -XEN_EACCES);
    EXPECT_EQ(spin->max_pages, 1281); /* nothing changed before the store said no */
    expect_clean();
}

/* A hot-plug request for domain with spec: its in-answer status, the
 * answer in *a (0 when the request itself was refused: then its error). */
static int ask_device(uint16_t type, const char *domain, const char *spec, struct control_device_answer *a)
{
    struct control_device_request q = { .hdr = { 0 } };
    int r;

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    snprintf(q.spec, sizeof(q.spec), "%s", spec);
    if ((r = ask(type, &q, &wire_device_request_layout)) != 0)
        return r;
    EXPECT_EQ(wire_msg_get(out, out_len, type | CONTROL_MSG_ANSWER, &wire_device_answer_layout, a), 0);
    return a->status;
}

static unsigned list_devices(const char *domain, uint32_t kind, struct control_device *d)
{
    struct control_device_list_request q = { .kind = kind };
    struct control_device_list_answer a;

    snprintf(q.domain, sizeof(q.domain), "%s", domain);
    EXPECT_EQ(ask(CONTROL_MSG_DEVICE_LIST, &q, &wire_device_list_request_layout), 0);
    EXPECT_EQ(wire_device_list_answer_get(out, out_len, &a, d), 0);
    return a.nr;
}

TEST(devices_attached_listed_detached)
{
    static struct control_device d[CONTROL_DEVICES_MAX];
    struct control_device_answer a;
    struct control_device_list_request lq = { .kind = CONTROL_DEVICE_DISK };
    struct fake_domain *spin;
    unsigned ops;

    scene();
    spin = fake_find(&core, 4);
    spin->store_open = true;
    EXPECT_EQ(list_devices("spinner", CONTROL_DEVICE_DISK, d), 0);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_ATTACH, "spinner", "format=raw, vdev=xvdb, backend=blkdrv, target=vdb", &a),
              0);
    EXPECT_EQ(a.devid, 51728);
    EXPECT_EQ(a.domid, 4);
    EXPECT_TRUE(!strcmp(a.name, "spinner") && !a.why[0]);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_ATTACH, "4", "phy:vdb1,xvda,r,backend=blkdrv", &a), 0);
    EXPECT_EQ(a.devid, 51712);
    /* The same vdev again: the builder's refusal, one line. */
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_ATTACH, "spinner", "vdev=xvdb, backend=blkdrv, target=vdc", &a),
              -XEN_EEXIST);
    EXPECT_TRUE(strstr(a.why, "has it already") != NULL);
    EXPECT_TRUE(strstr(core.lines, "block-attach d4 'spinner'") != NULL);
    /* Listed in id order, as the guest's nodes say. */
    EXPECT_EQ(list_devices("spinner", CONTROL_DEVICE_DISK, d), 2);
    EXPECT_EQ(d[0].devid, 51712);
    EXPECT_EQ(d[1].devid, 51728);
    EXPECT_EQ(d[1].backend_id, 1);
    EXPECT_EQ(d[1].state, 4);
    EXPECT_EQ(d[1].rx_ring_ref, CONTROL_DEVICE_NONE);
    EXPECT_TRUE(!strcmp(d[1].backend, "/local/domain/1/backend/vbd/4/51728") && !d[1].mac[0]);
    /* vifs: the first free handle, a MAC given or drawn, a MAC twice refused. */
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_ATTACH, "spinner", "mac=00:16:3e:00:00:31,bridge=xenbr0,backend=netdrv", &a),
              0);
    EXPECT_EQ(a.devid, 0);
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_ATTACH, "spinner", "backend=netdrv", &a), 0);
    EXPECT_EQ(a.devid, 1);
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_ATTACH, "spinner", "mac=00:16:3e:00:00:31,backend=netdrv", &a), -XEN_EEXIST);
    EXPECT_EQ(list_devices("spinner", CONTROL_DEVICE_VIF, d), 2);
    EXPECT_TRUE(!strcmp(d[0].mac, "00:16:3e:00:00:31") && d[0].ring_ref != CONTROL_DEVICE_NONE);
    EXPECT_EQ(d[1].devid, 1);
    /* Detach: by vdev, by number, by handle, by MAC; an unknown one. */
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spinner", "xvdb", &a), 0);
    EXPECT_EQ(a.devid, 51728);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spinner", "xvdb", &a), -XEN_ENOENT);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spinner", "51712", &a), 0);
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_DETACH, "spinner", "00:16:3e:00:00:31", &a), 0);
    EXPECT_EQ(a.devid, 0);
    spin->hang = true; /* the guest never closes it: removed all the same */
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_DETACH, "spinner", "1", &a), -XEN_ETIMEDOUT);
    EXPECT_EQ(a.devid, 1);
    EXPECT_TRUE(strstr(a.why, "removed all the same") != NULL);
    EXPECT_EQ(list_devices("spinner", CONTROL_DEVICE_VIF, d), 0);
    EXPECT_EQ(list_devices("spinner", CONTROL_DEVICE_DISK, d), 0);
    /* Specs lib/xl refuses never reach the builder: one line each. */
    ops = core.device_ops;
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_ATTACH, "spinner", "format=qcow2, vdev=xvdb, target=vdb", &a), -XEN_EINVAL);
    EXPECT_TRUE(strstr(a.why, "qcow2") != NULL);
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_ATTACH, "spinner", "rate=10Mb/s", &a), -XEN_EINVAL);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spinner", "sdz9", &a), -XEN_EINVAL);
    EXPECT_EQ(ask_device(CONTROL_MSG_NET_DETACH, "spinner", "eth1", &a), -XEN_EINVAL);
    EXPECT_EQ(core.device_ops, ops);
    /* The request's own faults: an empty or unprintable spec, a bad domain. */
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spinner", "", &a), -XEN_EINVAL);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spinner", "xvd\tb", &a), -XEN_EINVAL);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "spin ner", "xvdb", &a), -XEN_EINVAL);
    EXPECT_EQ(core.device_ops, ops);
    /* Domains control does not control, or that are gone. */
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "other", "xvdb", &a), -XEN_ESRCH);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_DETACH, "nosuch", "xvdb", &a), -XEN_ESRCH);
    EXPECT_EQ(ask_device(CONTROL_MSG_BLOCK_ATTACH, "off", "vdev=xvdb, backend=blkdrv, target=vdb", &a), -XEN_ESRCH);
    /* The list's own faults: a kind, a _pad, a store closed to control. */
    snprintf(lq.domain, sizeof(lq.domain), "spinner");
    lq.kind = 3;
    EXPECT_EQ(ask(CONTROL_MSG_DEVICE_LIST, &lq, &wire_device_list_request_layout), -XEN_EINVAL);
    lq.kind = CONTROL_DEVICE_VIF;
    {
        uint8_t raw[sizeof(lq)];
        lq.hdr = (struct control_msg_header){ CONTROL_PROTO_VERSION, CONTROL_MSG_DEVICE_LIST, ++next_id };
        wire_put(raw, &lq, &wire_device_list_request_layout);
        raw[offsetof(struct control_device_list_request, _pad0)] = 1; /* wire_put writes pads as 0 */
        EXPECT_EQ(ask_raw(raw, sizeof(raw)), -XEN_EINVAL);
        EXPECT_EQ(ask_raw(raw, sizeof(raw) - 1), -XEN_EINVAL);
    }
    spin->store_open = false;
    EXPECT_EQ(ask(CONTROL_MSG_DEVICE_LIST, &lq, &wire_device_list_request_layout), -XEN_EACCES);
    memset(lq.domain, 0, sizeof(lq.domain));
    snprintf(lq.domain, sizeof(lq.domain), "other");
    EXPECT_EQ(ask(CONTROL_MSG_DEVICE_LIST, &lq, &wire_device_list_request_layout), -XEN_ESRCH);
    expect_clean();
}

TEST(random_requests_stay_clean)
{
    static const char *names[] = { "spinner", "sleeper", "other", "twin", "off",    "wide",  "control", "3",
                                   "4",       "8",       "11",    "6",    "nobody", "32751", "0" };
    unsigned long long steps = test_random_init(0xc0de, 3000);

    scene();
    fake_find(&core, 4)->pv_shutdown = true; /* it never obeys: -w times out */
    fake_find(&core, 5)->pv_shutdown = true;
    fake_find(&core, 5)->obey = 3;
    for (unsigned long long s = 0; s < steps; s++) {
        uint8_t req[128];
        size_t len = 8;
        uint16_t type = (uint16_t)(1 + test_rng_below(15));
        union {
            struct control_domain_request dom;
            struct control_vcpu_pin_request pin;
            struct control_sched_request sched;
            struct control_dmesg_request dmesg;
            struct control_list_request list;
            struct control_shutdown_request shutdown;
            struct control_mem_request mem;
        } u;
        const struct wire_layout *l = NULL;

        memset(&u, 0, sizeof(u));
        u.dom.hdr = (struct control_msg_header){ CONTROL_PROTO_VERSION, type, ++next_id };
        const char *name = names[test_rng_below(sizeof(names) / sizeof(names[0]))];
        switch (type) {
        case CONTROL_MSG_LIST:
            u.list.first = (uint16_t)test_rng_below(40);
            l = &wire_list_request_layout;
            break;
        case CONTROL_MSG_DMESG:
            u.dmesg.index = test_rng_below(2) ? 0 : test_rng_next();
            u.dmesg.max_len = (uint32_t)test_rng_below(CONTROL_DMESG_MAX + 2);
            l = &wire_dmesg_request_layout;
            break;
        case CONTROL_MSG_VCPU_PIN:
            strcpy(u.pin.domain, name);
            u.pin.vcpu = test_rng_below(4) ? (uint32_t)test_rng_below(5) : CONTROL_VCPU_ALL;
            u.pin.cpumask = test_rng_next() & (test_rng_below(2) ? 0x7 : ~0ull);
            l = &wire_vcpu_pin_request_layout;
            break;
        case CONTROL_MSG_SCHED_CREDIT:
            strcpy(u.sched.domain, name);
            u.sched.flags = (uint16_t)test_rng_below(5);
            u.sched.weight = (uint16_t)(test_rng_below(3) ? test_rng_below(3) * 256 : test_rng_next());
            u.sched.cap = (uint32_t)test_rng_below(1000);
            l = &wire_sched_request_layout;
            break;
        case CONTROL_MSG_PAUSE:
        case CONTROL_MSG_UNPAUSE:
        case CONTROL_MSG_DESTROY:
        case CONTROL_MSG_VCPU_LIST:
            strcpy(u.dom.domain, name);
            l = &wire_domain_request_layout;
            break;
        case CONTROL_MSG_SHUTDOWN:
            strcpy(u.shutdown.domain, name);
            u.shutdown.reason = (uint16_t)test_rng_below(3);
            u.shutdown.flags = (uint16_t)test_rng_below(3);
            l = &wire_shutdown_request_layout;
            break;
        case CONTROL_MSG_MEM_SET:
            strcpy(u.mem.domain, name);
            u.mem.kib = test_rng_below(4) ? test_rng_below(5000) : test_rng_next() >> test_rng_below(64);
            u.mem.flags = (uint16_t)test_rng_below(3);
            l = &wire_mem_request_layout;
            break;
        default: break;
        }
        if (l) {
            wire_put(req, &u, l);
            len = l->size;
        } else {
            wire_hdr_put(req, &u.dom.hdr);
        }
        if (test_rng_below(10) == 0) /* a broken byte somewhere */
            req[8 + test_rng_below(len > 8 ? (uint32_t)(len - 8) : 1)] ^= (uint8_t)(1 + test_rng_below(255));
        int r = ask_raw(req, len);
        if (r && r != -XEN_EINVAL && r != -XEN_ESRCH && r != -XEN_EEXIST && r != -XEN_EPERM && r != -XEN_EBUSY &&
            r != -XEN_ENOSYS && r != -XEN_EOPNOTSUPP && r != -XEN_ETIMEDOUT && r != -XEN_ENOMEM)
            test_fail(__FILE__, __LINE__, "request type %u answered %d", type, r);
        if (core.bad_calls)
            break;
        if (test_rng_below(50) == 0) /* the shut-down ones go */
            (void)verbs_reap(&env, NULL);
    }
    expect_clean();
}

int main(void)
{
    return test_run((const struct test[]){ TEST_ENTRY(list_shows_self_and_controlled),
                                           TEST_ENTRY(list_pages),
                                           TEST_ENTRY(list_refusals),
                                           TEST_ENTRY(info_answered),
                                           TEST_ENTRY(debug_crash_answered_then_asked),
                                           TEST_ENTRY(dmesg_follows_the_log),
                                           TEST_ENTRY(pause_and_unpause),
                                           TEST_ENTRY(destroy_waits_until_gone),
                                           TEST_ENTRY(vcpu_list_and_pin),
                                           TEST_ENTRY(sched_credit_sets_and_reads),
                                           TEST_ENTRY(shut_down_domains_reaped),
                                           TEST_ENTRY(shutdown_through_the_store),
                                           TEST_ENTRY(mem_set_and_max),
                                           TEST_ENTRY(console_reads_and_types),
                                           TEST_ENTRY(console_refusals),
                                           TEST_ENTRY(console_request_shape),
                                           TEST_ENTRY(console_answer_checked),
                                           TEST_ENTRY(devices_attached_listed_detached),
                                           TEST_ENTRY(random_requests_stay_clean),
                                           TEST_END });
}
