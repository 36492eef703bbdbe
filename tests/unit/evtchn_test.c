/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the event-channel state machine (core/evtchn/evtchn.c).
 * The environment is faked: three domains, each with its port table and a
 * shared-info page in allocations of their own (so ASan catches any access
 * out of range), and a recorder of the vCPU notifications. Besides the
 * examples, a randomized run checks every operation against a reference
 * model of Xen's rules (public/event_channel.h, common/event_channel.c and
 * event_2l.c): the return code, every port, every byte of every shared-info
 * page and every notification, plus the tables' structural invariants.
 */
#include "core/evtchn.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno.h"

#define NDOMS     3
#define PAGE      4096
#define MAX_NOTES 64

/* Domain ids: none of them 0 (so a field left zeroed never passes for a
 * real peer). */
#define ID_A    1
#define ID_B    7
#define ID_C    42
#define ID_NONE 33 /* no such domain */

struct fake_dom {
    uint16_t id;
    unsigned nr_vcpus;
    bool live;
    struct evtchn_table t;
    struct evtchn_port *ports; /* calloc'd, EVTCHN_PORTS entries */
    uint8_t *shared;           /* calloc'd shared-info page */
};

static const uint16_t dom_ids[NDOMS] = { ID_A, ID_B, ID_C };
static const unsigned dom_vcpus[NDOMS] = { 2, 1, EVTCHN_MAX_VCPUS };
static struct fake_dom doms[NDOMS];

struct note {
    uint16_t dom, vcpu;
};
static struct note notes[MAX_NOTES];
static unsigned nr_notes;

/* ------------------------------------------------------------ environment */

static struct fake_dom *fake_of(const struct evtchn_table *t)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (&doms[i].t == t)
            return &doms[i];
    return NULL;
}

struct evtchn_table *evtchn_env_table(uint16_t dom)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (doms[i].live && doms[i].id == dom)
            return &doms[i].t;
    return NULL;
}

void evtchn_env_notify(struct evtchn_table *t, unsigned vcpu)
{
    struct fake_dom *d = fake_of(t);

    if (!d || !d->live) {
        test_fail(__FILE__, __LINE__, "notify of a table that is no live domain's");
        return;
    }
    if (vcpu >= d->nr_vcpus) {
        test_fail(__FILE__, __LINE__, "notify of d%u vCPU %u, which does not exist", d->id, vcpu);
        return;
    }
    if (!evtchn_vcpu_info(t, vcpu)[EVTCHN_SHARED_UPCALL])
        test_fail(__FILE__, __LINE__, "d%u vCPU %u notified with its upcall flag down", d->id, vcpu);
    if (nr_notes == MAX_NOTES) {
        test_fail(__FILE__, __LINE__, "too many notifications");
        return;
    }
    notes[nr_notes++] = (struct note){ d->id, (uint16_t)vcpu };
}

/* Ports whose pending bit went up, in order (evtchn_env_pending). */
static uint32_t raised[MAX_NOTES];
static unsigned nr_raised;

void evtchn_env_pending(struct evtchn_table *t, evtchn_port_t port)
{
    if (!fake_of(t))
        test_fail(__FILE__, __LINE__, "pending hook of an unknown table");
    if (!(evtchn_port_pending(t, port) == 1))
        test_fail(__FILE__, __LINE__, "pending hook for port %u with its bit down", port);
    if (nr_raised < MAX_NOTES)
        raised[nr_raised++] = port;
}

/* Device ports closed, in order (evtchn_env_device_closed). */
struct closed_dev {
    uint16_t dom;
    evtchn_port_t port;
    unsigned binding;
};
static struct closed_dev closed_dev[MAX_NOTES];
static unsigned nr_closed_dev;

void evtchn_env_device_closed(struct evtchn_table *t, evtchn_port_t port, unsigned binding)
{
    if (!fake_of(t) || t->ports[port].state != EVTCHN_DEVICE)
        test_fail(__FILE__, __LINE__, "device hook for port %u that is no device port", port);
    if (nr_closed_dev < MAX_NOTES)
        closed_dev[nr_closed_dev++] = (struct closed_dev){ t->dom, port, binding };
}

/* ---------------------------------------------------------------- helpers */

static void dom_create(unsigned i)
{
    struct fake_dom *d = &doms[i];

    free(d->ports);
    free(d->shared);
    d->id = dom_ids[i];
    d->nr_vcpus = dom_vcpus[i];
    d->ports = calloc(EVTCHN_PORTS, sizeof(*d->ports));
    d->shared = calloc(1, PAGE);
    if (!d->ports || !d->shared)
        abort();
    evtchn_table_init(&d->t, d->id, d->nr_vcpus, d->ports, d->shared);
    d->live = true;
}

/* Three fresh domains, no notification recorded. */
static void setup(void)
{
    for (unsigned i = 0; i < NDOMS; i++)
        dom_create(i);
    nr_notes = 0;
}

static void teardown(void)
{
    for (unsigned i = 0; i < NDOMS; i++) {
        free(doms[i].ports);
        free(doms[i].shared);
        memset(&doms[i], 0, sizeof(doms[i]));
    }
}

static struct evtchn_table *tbl(unsigned i)
{
    return &doms[i].t;
}

/* Bit n of the little-endian bitmap at byte offset off of a page. */
static bool bit_get(const uint8_t *page, unsigned off, unsigned n)
{
    return (page[off + n / 8] >> (n % 8)) & 1;
}

static void bit_put(uint8_t *page, unsigned off, unsigned n, bool v)
{
    if (v)
        page[off + n / 8] = (uint8_t)(page[off + n / 8] | (1u << (n % 8)));
    else
        page[off + n / 8] = (uint8_t)(page[off + n / 8] & ~(1u << (n % 8)));
}

static unsigned sel_off(unsigned vcpu)
{
    return vcpu * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_PENDING_SEL;
}

static bool pending(unsigned i, evtchn_port_t p)
{
    return bit_get(doms[i].shared, EVTCHN_SHARED_PENDING, p);
}

static bool selector(unsigned i, unsigned vcpu, evtchn_port_t p)
{
    return bit_get(doms[i].shared, sel_off(vcpu), p / 64);
}

static bool upcall(unsigned i, unsigned vcpu)
{
    return doms[i].shared[vcpu * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL] != 0;
}

static void guest_mask(unsigned i, evtchn_port_t p, bool masked)
{
    bit_put(doms[i].shared, EVTCHN_SHARED_MASK, p, masked);
}

/* What a guest's upcall handler does on one vCPU of the shared-info page
 * s: upcall flag and selector down, the pending bits of the unmasked ports
 * in the selected words down. */
static void guest_ack_page(uint8_t *s, unsigned vcpu)
{
    s[vcpu * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL] = 0;
    for (unsigned w = 0; w < EVTCHN_PORTS / 64; w++) {
        if (!bit_get(s, sel_off(vcpu), w))
            continue;
        bit_put(s, sel_off(vcpu), w, false);
        for (unsigned p = w * 64; p < w * 64 + 64; p++)
            if (!bit_get(s, EVTCHN_SHARED_MASK, p))
                bit_put(s, EVTCHN_SHARED_PENDING, p, false);
    }
}

static void guest_ack(unsigned i, unsigned vcpu)
{
    guest_ack_page(doms[i].shared, vcpu);
}

/* Every vCPU of every domain handled its events; notifications forgotten. */
static void guest_ack_all(void)
{
    for (unsigned i = 0; i < NDOMS; i++)
        for (unsigned v = 0; v < doms[i].nr_vcpus; v++)
            guest_ack(i, v);
    nr_notes = 0;
}

static bool page_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static struct evtchn_info status_of(unsigned i, evtchn_port_t p)
{
    struct evtchn_info st;

    memset(&st, 0xa5, sizeof(st));
    EXPECT_EQ(evtchn_status(tbl(i), p, &st), 0);
    return st;
}

#define EXPECT_STATUS(i, p, stat, vcpu_, rdom, rport) \
    do {                                              \
        struct evtchn_info _st = status_of((i), (p)); \
        EXPECT_EQ(_st.status, (stat));                \
        EXPECT_EQ(_st.vcpu, (vcpu_));                 \
        EXPECT_EQ(_st.remote_dom, (rdom));            \
        EXPECT_EQ(_st.remote_or_virq, (rport));       \
    } while (0)

#define EXPECT_NOTES(n) EXPECT_EQ(nr_notes, (n))
#define EXPECT_NOTE(k, d, v)             \
    do {                                 \
        EXPECT_TRUE((k) < nr_notes);     \
        EXPECT_EQ(notes[(k)].dom, (d));  \
        EXPECT_EQ(notes[(k)].vcpu, (v)); \
    } while (0)

/* A copy of every table, port and shared-info byte, to show that a refused
 * operation changed nothing. */
struct world {
    struct {
        struct evtchn_table t;
        struct evtchn_port ports[EVTCHN_PORTS];
        uint8_t shared[PAGE];
        bool live;
    } d[NDOMS];
    struct note notes[MAX_NOTES];
    unsigned nr_notes;
};

static struct world saved, model;

static void dom_save(struct world *w, unsigned i)
{
    w->d[i].live = doms[i].live;
    if (!doms[i].live)
        return;
    w->d[i].t = doms[i].t;
    memcpy(w->d[i].ports, doms[i].ports, sizeof(w->d[i].ports));
    memcpy(w->d[i].shared, doms[i].shared, PAGE);
}

static void world_save(struct world *w)
{
    for (unsigned i = 0; i < NDOMS; i++)
        dom_save(w, i);
    memcpy(w->notes, notes, sizeof(notes));
    w->nr_notes = nr_notes;
}

/* The first difference between fake domain i and its copy in w, or NULL. */
static const char *dom_diff(const struct world *w, unsigned i, char *buf, size_t len)
{
    const struct fake_dom *d = &doms[i];

    if (w->d[i].live != d->live) {
        snprintf(buf, len, "d%u liveness", d->id);
        return buf;
    }
    if (!d->live)
        return NULL;
    if (w->d[i].t.in_use != d->t.in_use || w->d[i].t.dom != d->t.dom || w->d[i].t.nr_vcpus != d->t.nr_vcpus) {
        snprintf(buf, len, "d%u table header (in_use %u, want %u)", d->id, d->t.in_use, w->d[i].t.in_use);
        return buf;
    }
    if (!memcmp(w->d[i].ports, d->ports, sizeof(w->d[i].ports)) && !memcmp(w->d[i].shared, d->shared, PAGE) &&
        !memcmp(w->d[i].t.virq_port, d->t.virq_port, sizeof(d->t.virq_port)))
        return NULL; /* the common case, quickly */
    if (memcmp(w->d[i].t.virq_port, d->t.virq_port, sizeof(d->t.virq_port))) {
        snprintf(buf, len, "d%u virq_port", d->id);
        return buf;
    }
    for (unsigned p = 0; p < EVTCHN_PORTS; p++) {
        const struct evtchn_port *a = &d->ports[p], *b = &w->d[i].ports[p];
        if (memcmp(a, b, sizeof(*a))) {
            snprintf(buf, len, "d%u port %u: state %u vcpu %u remote d%u:%u virq %u, want %u %u d%u:%u %u", d->id, p,
                     a->state, a->vcpu, a->remote_dom, a->remote_port, a->virq, b->state, b->vcpu, b->remote_dom,
                     b->remote_port, b->virq);
            return buf;
        }
    }
    for (unsigned o = 0; o < PAGE; o++)
        if (d->shared[o] != w->d[i].shared[o]) {
            snprintf(buf, len, "d%u shared info byte %u: 0x%02x, want 0x%02x", d->id, o, d->shared[o],
                     w->d[i].shared[o]);
            return buf;
        }
    return NULL;
}

static const char *notes_diff(const struct world *w, char *buf, size_t len)
{
    if (nr_notes != w->nr_notes || memcmp(notes, w->notes, nr_notes * sizeof(notes[0]))) {
        snprintf(buf, len, "notifications: %u, want %u", nr_notes, w->nr_notes);
        return buf;
    }
    return NULL;
}

/* The first difference between the fake world and w, or NULL. */
static const char *world_diff(const struct world *w, char *buf, size_t len)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (dom_diff(w, i, buf, len))
            return buf;
    return notes_diff(w, buf, len);
}

#define EXPECT_UNCHANGED()                                                       \
    do {                                                                         \
        char _buf[200];                                                          \
        const char *_d = world_diff(&saved, _buf, sizeof(_buf));                 \
        if (_d)                                                                  \
            test_fail(__FILE__, __LINE__, "refused call changed state: %s", _d); \
    } while (0)

/* -------------------------------------------------------------- invariants */

static bool virq_global(unsigned virq)
{
    /* public/xen.h: TIMER, DEBUG, XENOPROF and XENPMU are per vCPU. */
    return virq != 0 && virq != 1 && virq != 7 && virq != 13;
}

static int dom_index(uint16_t id)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (doms[i].live && doms[i].id == id)
            return (int)i;
    return -1;
}

/* The tables' structural invariants; returns false (after reporting) on
 * the first violation. */
static bool check_tables(void)
{
    static const struct evtchn_port zero_ports[64];

    for (unsigned i = 0; i < NDOMS; i++) {
        const struct fake_dom *d = &doms[i];
        const struct evtchn_table *t = &d->t;
        uint32_t used = 0;

        if (!d->live)
            continue;
#define BAD(...)                                    \
    do {                                            \
        test_fail(__FILE__, __LINE__, __VA_ARGS__); \
        return false;                               \
    } while (0)
        if (t->dom != d->id || t->nr_vcpus != d->nr_vcpus || t->ports != d->ports || t->shared != d->shared)
            BAD("d%u: table header changed", d->id);
        if (d->ports[0].state != EVTCHN_RESERVED)
            BAD("d%u: port 0 not reserved", d->id);
        for (evtchn_port_t p = 0; p < EVTCHN_PORTS; p++) {
            const struct evtchn_port *e = &d->ports[p];
            uint64_t raw;

            if (p % 64 == 0 && !memcmp(e, zero_ports, sizeof(zero_ports))) {
                /* 64 free ports: the common case, quickly */
                memcpy(&raw, d->shared + EVTCHN_SHARED_PENDING + p / 8, sizeof(raw));
                if (raw)
                    BAD("d%u ports %u-%u: free but pending", d->id, p, p + 63);
                p += 63;
                continue;
            }
            memcpy(&raw, e, sizeof(raw));
            if (raw == 0) {
                if (bit_get(d->shared, EVTCHN_SHARED_PENDING, p))
                    BAD("d%u port %u: free but pending", d->id, p);
                continue;
            }
            if (e->state != EVTCHN_FREE)
                used++;
            if (p > 0 && e->state == EVTCHN_RESERVED)
                BAD("d%u port %u: reserved", d->id, p);
            if (e->state > EVTCHN_DEVICE)
                BAD("d%u port %u: state %u", d->id, p, e->state);
            if (e->vcpu >= d->nr_vcpus)
                BAD("d%u port %u: vCPU %u", d->id, p, e->vcpu);
            if (e->state != EVTCHN_VIRQ && e->virq)
                BAD("d%u port %u: virq %u outside a VIRQ port", d->id, p, e->virq);
            switch (e->state) {
            case EVTCHN_FREE: BAD("d%u port %u: free but not cleared", d->id, p);
            case EVTCHN_UNBOUND:
                if (e->remote_port)
                    BAD("d%u port %u: unbound with a remote port", d->id, p);
                break;
            case EVTCHN_INTERDOMAIN: {
                int r = dom_index(e->remote_dom);
                const struct evtchn_port *peer;

                if (r < 0)
                    BAD("d%u port %u: peer d%u does not exist", d->id, p, e->remote_dom);
                if (e->remote_port == 0 || e->remote_port >= EVTCHN_PORTS)
                    BAD("d%u port %u: peer port %u", d->id, p, e->remote_port);
                peer = &doms[r].ports[e->remote_port];
                if (peer->state != EVTCHN_INTERDOMAIN || peer->remote_dom != d->id || peer->remote_port != p)
                    BAD("d%u port %u: peer d%u:%u does not point back", d->id, p, e->remote_dom, e->remote_port);
                break;
            }
            case EVTCHN_VIRQ: {
                unsigned slot = virq_global(e->virq) ? 0 : e->vcpu;

                if (e->virq >= EVTCHN_NR_VIRQS || e->remote_dom || e->remote_port)
                    BAD("d%u port %u: VIRQ %u malformed", d->id, p, e->virq);
                if (t->virq_port[slot][e->virq] != p)
                    BAD("d%u port %u: VIRQ %u not recorded under vCPU %u", d->id, p, e->virq, slot);
                break;
            }
            case EVTCHN_IPI:
                if (e->remote_dom || e->remote_port)
                    BAD("d%u port %u: IPI with a remote", d->id, p);
                break;
            default: break;
            }
        }
        if (used != t->in_use)
            BAD("d%u: in_use %u but %u ports are not free", d->id, t->in_use, used);
        for (unsigned v = 0; v < EVTCHN_MAX_VCPUS; v++)
            for (unsigned q = 0; q < EVTCHN_NR_VIRQS; q++) {
                uint16_t p = t->virq_port[v][q];

                if (!p)
                    continue;
                if (v >= d->nr_vcpus || (virq_global(q) && v != 0))
                    BAD("d%u: VIRQ %u recorded under vCPU %u", d->id, q, v);
                if (p >= EVTCHN_PORTS || d->ports[p].state != EVTCHN_VIRQ || d->ports[p].virq != q ||
                    (!virq_global(q) && d->ports[p].vcpu != v))
                    BAD("d%u: virq_port[%u][%u] = %u is not that VIRQ's port", d->id, v, q, p);
            }
#undef BAD
    }
    return true;
}

/* ------------------------------------------------------------------ tests */

TEST(interdomain_lifecycle)
{
    evtchn_port_t pa, pb, pa2;

    setup();
    EXPECT_EQ(tbl(0)->in_use, 1);
    EXPECT_STATUS(0, 0, EVTCHN_STAT_CLOSED, 0, 0, 0); /* port 0: reserved, reads closed */
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &pa), 0);
    EXPECT_EQ(pa, 1);
    EXPECT_EQ(tbl(0)->in_use, 2);
    EXPECT_STATUS(0, pa, EVTCHN_STAT_UNBOUND, 0, ID_B, 0);

    /* B binds it: both ends point at each other, B's port starts pending. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pa, &pb), 0);
    EXPECT_EQ(pb, 1);
    EXPECT_EQ(tbl(1)->in_use, 2);
    EXPECT_STATUS(1, pb, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, pa);
    EXPECT_STATUS(0, pa, EVTCHN_STAT_INTERDOMAIN, 0, ID_B, pb);
    EXPECT_TRUE(pending(1, pb));
    EXPECT_TRUE(selector(1, 0, pb));
    EXPECT_TRUE(upcall(1, 0));
    EXPECT_TRUE(evtchn_upcall_pending(tbl(1), 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_B, 0);
    EXPECT_FALSE(pending(0, pa));
    EXPECT_FALSE(upcall(0, 0));

    /* A sends: pending, selector, upcall flag, one notification. */
    guest_ack_all();
    EXPECT_FALSE(evtchn_upcall_pending(tbl(1), 0));
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_TRUE(pending(1, pb));
    EXPECT_TRUE(selector(1, 0, pb));
    EXPECT_TRUE(upcall(1, 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_B, 0);
    EXPECT_FALSE(pending(0, pa)); /* the sender's side stays quiet */

    /* Sent again while pending: nothing new, nobody notified. */
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_NOTES(1);
    /* Pending with the selector still up: no second upcall either. */
    bit_put(doms[1].shared, EVTCHN_SHARED_PENDING, pb, false);
    doms[1].shared[EVTCHN_SHARED_UPCALL] = 0;
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_TRUE(pending(1, pb));
    EXPECT_FALSE(upcall(1, 0));
    EXPECT_NOTES(1);

    /* The other way. */
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(1), pb), 0);
    EXPECT_TRUE(pending(0, pa));
    EXPECT_TRUE(upcall(0, 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_A, 0);

    /* A closes: its port is free (and quiet), B's is offered back to A. */
    EXPECT_EQ(evtchn_close(tbl(0), pa), 0);
    EXPECT_EQ(tbl(0)->in_use, 1);
    EXPECT_EQ(tbl(1)->in_use, 2);
    EXPECT_FALSE(pending(0, pa));
    EXPECT_STATUS(0, pa, EVTCHN_STAT_CLOSED, 0, 0, 0);
    EXPECT_STATUS(1, pb, EVTCHN_STAT_UNBOUND, 0, ID_A, 0);
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(1), pb), 0); /* nobody listens: dropped */
    EXPECT_NOTES(0);
    EXPECT_TRUE(page_zero(doms[0].shared, PAGE));

    /* A binds it again. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, pb, &pa2), 0);
    EXPECT_EQ(pa2, 1);
    EXPECT_STATUS(0, pa2, EVTCHN_STAT_INTERDOMAIN, 0, ID_B, pb);
    EXPECT_STATUS(1, pb, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, pa2);
    EXPECT_TRUE(pending(0, pa2));
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(1), pb), 0);
    EXPECT_TRUE(pending(0, pa2));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_A, 0);
    EXPECT_TRUE(check_tables());
    teardown();
}

TEST(bind_interdomain_refuses_hostile_requests)
{
    evtchn_port_t pa, pv, pi, pb, out = 77;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &pa), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_TIMER, 0, &pv), 0);
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 1, &pi), 0);
    world_save(&saved);
    /* C may not bind a port A offered to B. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(2), ID_A, pa, &out), -ERR_INVAL);
    /* Nor may A itself. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), EVTCHN_DOMID_SELF, pa, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_A, pa, &out), -ERR_INVAL);
    /* No such domain. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_NONE, pa, &out), -ERR_SRCH);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), 0, pa, &out), -ERR_SRCH);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), 0xffff, pa, &out), -ERR_SRCH);
    /* Port 0, free ports, ports out of range, ports in other states. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, 0, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pa + 10, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, EVTCHN_PORTS - 1, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, EVTCHN_PORTS, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, 0x80000001u, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, UINT32_MAX, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pv, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pi, &out), -ERR_INVAL);
    EXPECT_EQ(out, 77);
    EXPECT_UNCHANGED();

    /* Bound once, it cannot be bound again, by anyone. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pa, &pb), 0);
    world_save(&saved);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pa, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(2), ID_A, pa, &out), -ERR_INVAL);
    /* Nor can B's end, which is not unbound either. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, pb, &out), -ERR_INVAL);
    EXPECT_UNCHANGED();
    EXPECT_TRUE(check_tables());
    teardown();
}

TEST(send_refuses_hostile_ports)
{
    evtchn_port_t pu, pv, pg;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &pu), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_TIMER, 1, &pv), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_DOM_EXC, 0, &pg), 0);
    world_save(&saved);
    EXPECT_EQ(evtchn_send(tbl(0), 0), -ERR_INVAL);
    EXPECT_EQ(evtchn_send(tbl(0), pg + 1), -ERR_INVAL); /* free */
    EXPECT_EQ(evtchn_send(tbl(0), EVTCHN_PORTS - 1), -ERR_INVAL);
    EXPECT_EQ(evtchn_send(tbl(0), EVTCHN_PORTS), -ERR_INVAL);
    EXPECT_EQ(evtchn_send(tbl(0), UINT32_MAX), -ERR_INVAL);
    EXPECT_EQ(evtchn_send(tbl(0), pv), -ERR_INVAL); /* VIRQs are raised by the core only */
    EXPECT_EQ(evtchn_send(tbl(0), pg), -ERR_INVAL);
    /* Unbound: accepted and dropped, nothing raised anywhere. */
    EXPECT_EQ(evtchn_send(tbl(0), pu), 0);
    EXPECT_UNCHANGED();
    EXPECT_TRUE(page_zero(doms[0].shared, PAGE));
    EXPECT_TRUE(page_zero(doms[1].shared, PAGE));
    teardown();
}

TEST(close_refuses_twice_and_bad_ports)
{
    evtchn_port_t p;

    setup();
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 0, &p), 0);
    EXPECT_EQ(evtchn_close(tbl(0), p), 0);
    world_save(&saved);
    EXPECT_EQ(evtchn_close(tbl(0), p), -ERR_INVAL);
    EXPECT_EQ(evtchn_close(tbl(0), 0), -ERR_INVAL); /* reserved */
    EXPECT_EQ(evtchn_close(tbl(0), EVTCHN_PORTS - 1), -ERR_INVAL);
    EXPECT_EQ(evtchn_close(tbl(0), EVTCHN_PORTS), -ERR_INVAL);
    EXPECT_EQ(evtchn_close(tbl(0), UINT32_MAX), -ERR_INVAL);
    EXPECT_UNCHANGED();
    EXPECT_EQ(tbl(0)->in_use, 1);
    EXPECT_EQ(doms[0].ports[0].state, EVTCHN_RESERVED);
    teardown();
}

TEST(masked_port_pends_without_notifying)
{
    evtchn_port_t pa, pb;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &pa), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pa, &pb), 0);
    guest_ack_all();
    guest_mask(1, pb, true);
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_TRUE(pending(1, pb));
    EXPECT_FALSE(selector(1, 0, pb));
    EXPECT_FALSE(upcall(1, 0));
    EXPECT_NOTES(0);
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_NOTES(0);

    /* Unmasking delivers it, once. */
    EXPECT_EQ(evtchn_unmask(tbl(1), pb), 0);
    EXPECT_FALSE(bit_get(doms[1].shared, EVTCHN_SHARED_MASK, pb));
    EXPECT_TRUE(selector(1, 0, pb));
    EXPECT_TRUE(upcall(1, 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_B, 0);
    EXPECT_EQ(evtchn_unmask(tbl(1), pb), 0);
    EXPECT_NOTES(1);

    /* Pending but never masked, its selector and upcall flag handled by
     * the guest: an unmask clears no mask bit, so it raises nothing
     * (Xen's evtchn_2l_unmask acts only on a mask bit it clears). */
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_NOTES(1);
    doms[1].shared[EVTCHN_SHARED_UPCALL] = 0;
    bit_put(doms[1].shared, sel_off(0), pb / 64, false);
    nr_notes = 0;
    EXPECT_TRUE(pending(1, pb));
    world_save(&saved);
    EXPECT_EQ(evtchn_unmask(tbl(1), pb), 0);
    EXPECT_UNCHANGED();
    EXPECT_FALSE(selector(1, 0, pb));
    EXPECT_FALSE(upcall(1, 0));
    EXPECT_NOTES(0);
    /* Masked again, the same unmask delivers it. */
    guest_mask(1, pb, true);
    EXPECT_EQ(evtchn_unmask(tbl(1), pb), 0);
    EXPECT_TRUE(selector(1, 0, pb));
    EXPECT_TRUE(upcall(1, 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_B, 0);

    /* Masked, raised, then handled by the guest before the unmask:
     * the unmask finds nothing pending and raises nothing. */
    guest_ack_all();
    guest_mask(1, pb, true);
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    bit_put(doms[1].shared, EVTCHN_SHARED_PENDING, pb, false);
    EXPECT_EQ(evtchn_unmask(tbl(1), pb), 0);
    EXPECT_FALSE(upcall(1, 0));
    EXPECT_FALSE(selector(1, 0, pb));
    EXPECT_NOTES(0);

    /* Out of range: refused, nothing touched. */
    world_save(&saved);
    EXPECT_EQ(evtchn_unmask(tbl(1), EVTCHN_PORTS), -ERR_INVAL);
    EXPECT_EQ(evtchn_unmask(tbl(1), UINT32_MAX), -ERR_INVAL);
    EXPECT_UNCHANGED();
    teardown();
}

/* A masked port still tells the pending hook (pollers wake on it); a port
 * already pending does not again. evtchn_port_pending reads the bit. */
TEST(pending_hook_fires_for_masked_ports)
{
    evtchn_port_t p;

    setup();
    nr_raised = 0;
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 1, &p), 0);
    guest_mask(0, p, true);
    EXPECT_EQ(evtchn_port_pending(tbl(0), p), 0);
    EXPECT_EQ(evtchn_send(tbl(0), p), 0);
    EXPECT_EQ(nr_raised, 1);
    EXPECT_EQ(raised[0], p);
    EXPECT_EQ(evtchn_port_pending(tbl(0), p), 1);
    EXPECT_NOTES(0);
    EXPECT_EQ(evtchn_send(tbl(0), p), 0);
    EXPECT_EQ(nr_raised, 1);
    EXPECT_EQ(evtchn_port_pending(tbl(0), EVTCHN_PORTS), -ERR_INVAL);
    EXPECT_EQ(evtchn_port_pending(tbl(0), UINT32_MAX), -ERR_INVAL);
    teardown();
}

/* Xen's map_vcpu_info: the record's contents move, every selector bit and
 * the upcall flag go up, the vCPU is told; later events mark the new
 * place only. */
TEST(moved_vcpu_info_takes_the_events)
{
    static uint8_t page[PAGE];
    evtchn_port_t p;
    uint8_t *rec = page + 128, *old;

    setup();
    memset(page, 0, sizeof(page));
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 1, &p), 0);
    old = evtchn_vcpu_info(tbl(0), 1);
    EXPECT_TRUE(old == doms[0].shared + EVTCHN_SHARED_VCPU_SIZE);
    old[EVTCHN_SHARED_UPCALL_MASK] = 1;
    old[40] = 0x5a; /* within the time record */
    evtchn_move_vcpu_info(tbl(0), 1, rec);
    EXPECT_TRUE(evtchn_vcpu_info(tbl(0), 1) == rec);
    EXPECT_EQ(rec[EVTCHN_SHARED_UPCALL_MASK], 1);
    EXPECT_EQ(rec[40], 0x5a);
    EXPECT_EQ(rec[EVTCHN_SHARED_UPCALL], 1);
    EXPECT_EQ(*(uint64_t *)(void *)(rec + EVTCHN_SHARED_PENDING_SEL), ~0ull);
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_A, 1);
    /* Handled; the next event lands in the new record, not the old. */
    rec[EVTCHN_SHARED_UPCALL] = 0;
    *(uint64_t *)(void *)(rec + EVTCHN_SHARED_PENDING_SEL) = 0;
    old[EVTCHN_SHARED_UPCALL] = 0;
    EXPECT_EQ(evtchn_send(tbl(0), p), 0);
    EXPECT_EQ(rec[EVTCHN_SHARED_UPCALL], 1);
    EXPECT_EQ(*(uint64_t *)(void *)(rec + EVTCHN_SHARED_PENDING_SEL), 1ull << (p / 64));
    EXPECT_EQ(old[EVTCHN_SHARED_UPCALL], 0);
    EXPECT_TRUE(evtchn_upcall_pending(tbl(0), 1));
    EXPECT_NOTES(2);
    /* vCPU 0 is untouched. */
    EXPECT_TRUE(evtchn_vcpu_info(tbl(0), 0) == doms[0].shared);
    teardown();
}

TEST(exhausting_ports_gives_enospc)
{
    static bool seen[EVTCHN_PORTS];
    evtchn_port_t p, offered, out = 0;
    unsigned n = 0;
    int r;

    setup();
    memset(seen, 0, sizeof(seen));
    EXPECT_EQ(evtchn_alloc_unbound(tbl(1), ID_A, &offered), 0);
    while ((r = evtchn_alloc_unbound(tbl(0), ID_B, &p)) == 0 && n < EVTCHN_PORTS) {
        EXPECT_TRUE(p > 0 && p < EVTCHN_PORTS && !seen[p]);
        seen[p % EVTCHN_PORTS] = true;
        n++;
        EXPECT_EQ(tbl(0)->in_use, n + 1);
    }
    EXPECT_EQ(r, -ERR_NOSPC);
    EXPECT_EQ(n, EVTCHN_PORTS - 1); /* every port but 0 */
    EXPECT_EQ(tbl(0)->in_use, EVTCHN_PORTS);
    world_save(&saved);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_C, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, offered, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_TIMER, 0, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 0, &out), -ERR_NOSPC);
    /* Xen's order on a full table: the remote domain is looked up first
     * (ESRCH), then the local port is allocated (ENOSPC), and only then
     * the remote port checked; a bind_virq's checks of the VIRQ and the
     * vCPU come before the port too, a bind_ipi's vCPU check as well. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_NONE, offered, &out), -ERR_SRCH);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, offered + 1, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, 0, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, UINT32_MAX, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_C, 1, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), EVTCHN_DOMID_SELF, 1, &out), -ERR_NOSPC);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_NR_VIRQS, 0, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_DOM_EXC, 1, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_TIMER, 2, &out), -ERR_NOENT);
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 2, &out), -ERR_NOENT);
    EXPECT_EQ(out, 0);
    EXPECT_UNCHANGED();

    /* One closed: the next allocation gets exactly that one. */
    EXPECT_EQ(evtchn_close(tbl(0), 500), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, offered, &out), 0);
    EXPECT_EQ(out, 500);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &out), -ERR_NOSPC);
    EXPECT_TRUE(check_tables());

    for (p = 1; p < EVTCHN_PORTS; p++)
        EXPECT_EQ(evtchn_close(tbl(0), p), 0);
    EXPECT_EQ(tbl(0)->in_use, 1);
    EXPECT_STATUS(1, offered, EVTCHN_STAT_UNBOUND, 0, ID_A, 0);
    EXPECT_TRUE(check_tables());
    teardown();
}

TEST(virq_binding_rules)
{
    evtchn_port_t timer[EVTCHN_MAX_VCPUS], glob, out = 5;

    setup();
    /* A per-vCPU VIRQ on every vCPU of C: one port each. */
    for (unsigned v = 0; v < EVTCHN_MAX_VCPUS; v++) {
        EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_TIMER, v, &timer[v]), 0);
        EXPECT_EQ(timer[v], v + 1);
        EXPECT_STATUS(2, timer[v], EVTCHN_STAT_VIRQ, v, 0, EVTCHN_VIRQ_TIMER);
        EXPECT_EQ(tbl(2)->virq_port[v][EVTCHN_VIRQ_TIMER], timer[v]);
    }
    /* The other per-vCPU ones (DEBUG 1, XENOPROF 7, XENPMU 13) too. */
    EXPECT_EQ(evtchn_bind_virq(tbl(2), 1, 3, &out), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), 7, 5, &out), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), 13, 7, &out), 0);
    /* A global one on vCPU 0 only. */
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, 0, &glob), 0);
    EXPECT_STATUS(2, glob, EVTCHN_STAT_VIRQ, 0, 0, EVTCHN_VIRQ_DOM_EXC);
    world_save(&saved);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_TIMER, 3, &out), -ERR_EXIST);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, 0, &out), -ERR_EXIST);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, 1, &out), -ERR_INVAL); /* bound, but EINVAL first */
    EXPECT_EQ(evtchn_bind_virq(tbl(2), 2, 7, &out), -ERR_INVAL);                   /* CONSOLE: global */
    EXPECT_EQ(evtchn_bind_virq(tbl(2), 16, 1, &out), -ERR_INVAL);                  /* ARCH_0: global on x86 */
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_NR_VIRQS, 0, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), 0x80000000u, 0, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), UINT32_MAX, 0, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_TIMER, EVTCHN_MAX_VCPUS, &out), -ERR_NOENT);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_TIMER, UINT32_MAX, &out), -ERR_NOENT);
    EXPECT_EQ(evtchn_bind_virq(tbl(1), EVTCHN_VIRQ_TIMER, 1, &out), -ERR_NOENT); /* B has one vCPU */
    EXPECT_UNCHANGED();

    /* Raising: only the bound one, on its own vCPU. */
    evtchn_raise_virq(tbl(2), 5, EVTCHN_VIRQ_TIMER);
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 5);
    EXPECT_TRUE(pending(2, timer[5]));
    EXPECT_TRUE(selector(2, 5, timer[5]));
    EXPECT_TRUE(upcall(2, 5));
    for (unsigned v = 0; v < EVTCHN_MAX_VCPUS; v++) {
        EXPECT_EQ(pending(2, timer[v]), v == 5);
        EXPECT_EQ(upcall(2, v), v == 5);
    }
    guest_ack_all();
    evtchn_raise_virq(tbl(2), 0, EVTCHN_VIRQ_DOM_EXC);
    EXPECT_TRUE(pending(2, glob));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 0);
    guest_ack_all();
    world_save(&saved);
    evtchn_raise_virq(tbl(2), 3, EVTCHN_VIRQ_DOM_EXC); /* a global VIRQ lives under vCPU 0 */
    evtchn_raise_virq(tbl(2), 0, 2);                   /* not bound */
    evtchn_raise_virq(tbl(0), 0, EVTCHN_VIRQ_TIMER);   /* A bound none */
    evtchn_raise_virq(tbl(2), EVTCHN_MAX_VCPUS, EVTCHN_VIRQ_TIMER);
    evtchn_raise_virq(tbl(2), UINT32_MAX, EVTCHN_VIRQ_TIMER);
    evtchn_raise_virq(tbl(2), 0, EVTCHN_NR_VIRQS);
    evtchn_raise_virq(tbl(2), 0, UINT32_MAX);
    EXPECT_UNCHANGED();

    /* Closing frees the VIRQ for a new binding. */
    EXPECT_EQ(evtchn_close(tbl(2), timer[5]), 0);
    EXPECT_EQ(tbl(2)->virq_port[5][EVTCHN_VIRQ_TIMER], 0);
    evtchn_raise_virq(tbl(2), 5, EVTCHN_VIRQ_TIMER);
    EXPECT_NOTES(0);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_TIMER, 5, &out), 0);
    EXPECT_EQ(out, timer[5]);
    EXPECT_EQ(evtchn_close(tbl(2), glob), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, 0, &out), 0);
    EXPECT_TRUE(check_tables());
    teardown();
}

/* Xen checks "global VIRQ on a vCPU other than 0" before looking the vCPU
 * up (common/event_channel.c evtchn_bind_virq), so such a request for a
 * vCPU that does not exist is EINVAL there, not ENOENT. */
TEST(bind_virq_global_on_missing_vcpu_is_einval)
{
    evtchn_port_t out = 9;

    setup();
    world_save(&saved);
    EXPECT_EQ(evtchn_bind_virq(tbl(1), EVTCHN_VIRQ_DOM_EXC, 1, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, EVTCHN_MAX_VCPUS, &out), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, UINT32_MAX, &out), -ERR_INVAL);
    EXPECT_UNCHANGED();
    teardown();
}

TEST(ipi_reaches_its_vcpu)
{
    evtchn_port_t p, out = 3;

    setup();
    EXPECT_EQ(evtchn_bind_ipi(tbl(2), 6, &p), 0);
    EXPECT_STATUS(2, p, EVTCHN_STAT_IPI, 6, 0, 0);
    EXPECT_EQ(evtchn_send(tbl(2), p), 0);
    EXPECT_TRUE(pending(2, p));
    EXPECT_TRUE(selector(2, 6, p));
    EXPECT_TRUE(upcall(2, 6));
    EXPECT_FALSE(upcall(2, 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 6);
    world_save(&saved);
    EXPECT_EQ(evtchn_bind_ipi(tbl(2), EVTCHN_MAX_VCPUS, &out), -ERR_NOENT);
    EXPECT_EQ(evtchn_bind_ipi(tbl(1), 1, &out), -ERR_NOENT);
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), UINT32_MAX, &out), -ERR_NOENT);
    EXPECT_UNCHANGED();
    teardown();
}

TEST(device_port_raised_by_its_binding_only)
{
    evtchn_port_t p, q, out = 3;
    struct evtchn_info info;

    setup();
    nr_closed_dev = 0;
    EXPECT_EQ(evtchn_bind_device(tbl(2), 7, &p), 0);
    EXPECT_STATUS(2, p, EVTCHN_STAT_PIRQ, 0, 0, 7);
    EXPECT_EQ(evtchn_send(tbl(2), p), -ERR_INVAL); /* only the device raises it */
    evtchn_raise_device(tbl(2), p, 8);             /* another binding's: ignored */
    evtchn_raise_device(tbl(2), 0, 7);
    evtchn_raise_device(tbl(2), EVTCHN_PORTS, 7);
    EXPECT_FALSE(pending(2, p));
    EXPECT_NOTES(0);
    evtchn_raise_device(tbl(2), p, 7);
    EXPECT_TRUE(pending(2, p));
    EXPECT_TRUE(upcall(2, 0));
    EXPECT_NOTES(1);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), p, 5), 0); /* moves, as a PIRQ does on Xen */
    EXPECT_EQ(evtchn_status(tbl(2), p, &info), 0);
    EXPECT_EQ(info.vcpu, 5);
    EXPECT_EQ(evtchn_close(tbl(2), p), 0);
    EXPECT_EQ(nr_closed_dev, 1);
    EXPECT_EQ(closed_dev[0].port, p);
    EXPECT_EQ(closed_dev[0].binding, 7);
    EXPECT_STATUS(2, p, EVTCHN_STAT_CLOSED, 0, 0, 0);
    evtchn_raise_device(tbl(2), p, 7); /* closed: nothing */
    EXPECT_FALSE(pending(2, p));
    /* A table closed whole unbinds every device port too. */
    EXPECT_EQ(evtchn_bind_device(tbl(1), 1, &q), 0);
    evtchn_close_all(tbl(1));
    EXPECT_EQ(nr_closed_dev, 2);
    EXPECT_EQ(closed_dev[1].binding, 1);
    for (unsigned i = 1; i < EVTCHN_PORTS; i++)
        if (tbl(0)->ports[i].state == EVTCHN_FREE)
            tbl(0)->ports[i].state = EVTCHN_IPI, tbl(0)->in_use++;
    EXPECT_EQ(evtchn_bind_device(tbl(0), 1, &out), -ERR_NOSPC);
    EXPECT_EQ(out, 3);
    teardown();
}

TEST(bind_vcpu_moves_only_what_xen_allows)
{
    evtchn_port_t pa, pb, pu, glob, timer, ipi;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_C, &pa), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(2), ID_A, pa, &pb), 0);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(2), ID_A, &pu), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_DOM_EXC, 0, &glob), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(2), EVTCHN_VIRQ_TIMER, 2, &timer), 0);
    EXPECT_EQ(evtchn_bind_ipi(tbl(2), 3, &ipi), 0);
    guest_ack_all();

    /* Interdomain: the peer's sends now reach vCPU 4. */
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), pb, 4), 0);
    EXPECT_STATUS(2, pb, EVTCHN_STAT_INTERDOMAIN, 4, ID_A, pa);
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_TRUE(upcall(2, 4));
    EXPECT_FALSE(upcall(2, 0));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 4);
    guest_ack_all();

    /* Unbound: the choice survives the peer's bind. */
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), pu, 7), 0);
    EXPECT_STATUS(2, pu, EVTCHN_STAT_UNBOUND, 7, ID_A, 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_C, pu, &pa), 0);
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 7);
    guest_ack_all();

    /* A global VIRQ: told on vCPU 5, still recorded under vCPU 0. */
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), glob, 5), 0);
    EXPECT_STATUS(2, glob, EVTCHN_STAT_VIRQ, 5, 0, EVTCHN_VIRQ_DOM_EXC);
    EXPECT_EQ(tbl(2)->virq_port[0][EVTCHN_VIRQ_DOM_EXC], glob);
    evtchn_raise_virq(tbl(2), 0, EVTCHN_VIRQ_DOM_EXC);
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 5);
    guest_ack_all();

    world_save(&saved);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), timer, 1), -ERR_INVAL); /* per-vCPU VIRQ */
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), ipi, 1), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), 0, 1), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), ipi + 1, 1), -ERR_INVAL); /* free */
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), EVTCHN_PORTS, 1), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), UINT32_MAX, 1), -ERR_INVAL);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), pb, EVTCHN_MAX_VCPUS), -ERR_NOENT);
    EXPECT_EQ(evtchn_bind_vcpu(tbl(2), UINT32_MAX, UINT32_MAX), -ERR_NOENT); /* the vCPU first, as Xen */
    EXPECT_EQ(evtchn_bind_vcpu(tbl(1), 1, 1), -ERR_NOENT);
    EXPECT_UNCHANGED();

    /* Closing the moved global VIRQ clears its vCPU-0 record. */
    EXPECT_EQ(evtchn_close(tbl(2), glob), 0);
    EXPECT_EQ(tbl(2)->virq_port[0][EVTCHN_VIRQ_DOM_EXC], 0);
    EXPECT_TRUE(check_tables());
    teardown();
}

TEST(status_reports_each_state)
{
    evtchn_port_t pu, pi, pv, pipi, pb;
    struct evtchn_info st = { 0 };

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_C, &pu), 0);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &pi), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pi, &pb), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_TIMER, 1, &pv), 0);
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 1, &pipi), 0);
    EXPECT_STATUS(0, 0, EVTCHN_STAT_CLOSED, 0, 0, 0);
    EXPECT_STATUS(0, pu, EVTCHN_STAT_UNBOUND, 0, ID_C, 0);
    EXPECT_STATUS(0, pi, EVTCHN_STAT_INTERDOMAIN, 0, ID_B, pb);
    EXPECT_STATUS(1, pb, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, pi);
    EXPECT_STATUS(0, pv, EVTCHN_STAT_VIRQ, 1, 0, EVTCHN_VIRQ_TIMER);
    EXPECT_STATUS(0, pipi, EVTCHN_STAT_IPI, 1, 0, 0);
    EXPECT_STATUS(0, pipi + 1, EVTCHN_STAT_CLOSED, 0, 0, 0);
    EXPECT_STATUS(0, EVTCHN_PORTS - 1, EVTCHN_STAT_CLOSED, 0, 0, 0);
    EXPECT_EQ(evtchn_status(tbl(0), EVTCHN_PORTS, &st), -ERR_INVAL);
    EXPECT_EQ(evtchn_status(tbl(0), UINT32_MAX, &st), -ERR_INVAL);
    teardown();
}

TEST(close_all_leaves_peers_unbound)
{
    evtchn_port_t pu, pab, pba, pac, pca, pself, pself2, pv, pi;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_B, &pu), 0);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(1), ID_A, &pba), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_B, pba, &pab), 0);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_C, &pac), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(2), ID_A, pac, &pca), 0);
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), EVTCHN_DOMID_SELF, &pself), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_A, pself, &pself2), 0);
    EXPECT_EQ(evtchn_bind_virq(tbl(0), EVTCHN_VIRQ_TIMER, 1, &pv), 0);
    EXPECT_EQ(evtchn_bind_ipi(tbl(0), 0, &pi), 0);
    EXPECT_EQ(evtchn_send(tbl(0), pi), 0);
    EXPECT_EQ(tbl(0)->in_use, 8);

    evtchn_close_all(tbl(0));
    EXPECT_EQ(tbl(0)->in_use, 1);
    for (evtchn_port_t p = 1; p < EVTCHN_PORTS; p++)
        EXPECT_EQ(doms[0].ports[p].state, EVTCHN_FREE);
    EXPECT_EQ(doms[0].ports[0].state, EVTCHN_RESERVED);
    EXPECT_TRUE(page_zero(doms[0].shared + EVTCHN_SHARED_PENDING, EVTCHN_PORTS / 8));
    EXPECT_EQ(tbl(0)->virq_port[1][EVTCHN_VIRQ_TIMER], 0);
    EXPECT_STATUS(1, pba, EVTCHN_STAT_UNBOUND, 0, ID_A, 0);
    EXPECT_STATUS(2, pca, EVTCHN_STAT_UNBOUND, 0, ID_A, 0);
    EXPECT_EQ(tbl(1)->in_use, 2);
    EXPECT_EQ(tbl(2)->in_use, 2);
    EXPECT_TRUE(check_tables());

    /* The domain gone, its peers' ports stay unbound and name nobody live. */
    doms[0].live = false;
    EXPECT_EQ(evtchn_send(tbl(1), pba), 0);
    EXPECT_EQ(evtchn_close(tbl(1), pba), 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(2), ID_A, 1, &pu), -ERR_SRCH);
    EXPECT_TRUE(check_tables());
    teardown();
}

/* The toolstack's flow (Xen's EVTCHNOP_alloc_unbound with dom): B's
 * toolstack makes a port in A's table offered to C, the store's domain
 * (the hypercall layer resolves DOMID_SELF to the caller before this).
 * Only C binds it; then A's port is C's peer, and a close by C offers it
 * to C again, as any interdomain port. */
TEST(port_made_in_another_table_for_a_third)
{
    evtchn_port_t pa, pb, pc;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), ID_C, &pa), 0);
    EXPECT_STATUS(0, pa, EVTCHN_STAT_UNBOUND, 0, ID_C, 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(1), ID_A, pa, &pb), -ERR_INVAL); /* the toolstack itself: not offered */
    EXPECT_EQ(tbl(1)->in_use, 1);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(2), ID_A, pa, &pc), 0);
    EXPECT_STATUS(0, pa, EVTCHN_STAT_INTERDOMAIN, 0, ID_C, pc);
    EXPECT_STATUS(2, pc, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, pa);
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(0), pa), 0);
    EXPECT_TRUE(pending(2, pc));
    EXPECT_NOTES(1);
    EXPECT_NOTE(0, ID_C, 0);
    EXPECT_EQ(evtchn_close(tbl(2), pc), 0);
    EXPECT_STATUS(0, pa, EVTCHN_STAT_UNBOUND, 0, ID_C, 0);
    EXPECT_TRUE(check_tables());
    teardown();
}

TEST(loopback_binds_own_port)
{
    evtchn_port_t p, q, q2;

    setup();
    EXPECT_EQ(evtchn_alloc_unbound(tbl(0), EVTCHN_DOMID_SELF, &p), 0);
    EXPECT_STATUS(0, p, EVTCHN_STAT_UNBOUND, 0, ID_A, 0);
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), EVTCHN_DOMID_SELF, p, &q), 0);
    EXPECT_NE(p, q);
    EXPECT_EQ(tbl(0)->in_use, 3);
    EXPECT_STATUS(0, p, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, q);
    EXPECT_STATUS(0, q, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, p);
    EXPECT_TRUE(pending(0, q));
    EXPECT_FALSE(pending(0, p));
    guest_ack_all();
    EXPECT_EQ(evtchn_send(tbl(0), q), 0);
    EXPECT_TRUE(pending(0, p));
    EXPECT_FALSE(pending(0, q));
    EXPECT_EQ(evtchn_send(tbl(0), p), 0);
    EXPECT_TRUE(pending(0, q));
    EXPECT_NOTES(1); /* one upcall for both */
    EXPECT_TRUE(check_tables());

    EXPECT_EQ(evtchn_close(tbl(0), q), 0);
    EXPECT_STATUS(0, p, EVTCHN_STAT_UNBOUND, 0, ID_A, 0);
    EXPECT_EQ(tbl(0)->in_use, 2);
    /* Offered to A by its real id too. */
    EXPECT_EQ(evtchn_bind_interdomain(tbl(0), ID_A, p, &q2), 0);
    EXPECT_EQ(q2, q);
    EXPECT_STATUS(0, p, EVTCHN_STAT_INTERDOMAIN, 0, ID_A, q2);
    evtchn_close_all(tbl(0));
    EXPECT_EQ(tbl(0)->in_use, 1);
    EXPECT_TRUE(check_tables());
    teardown();
}

/* ---------------------------------------------------------- random model */

/*
 * The reference model is a copy of the world kept in step with the fake
 * one: it knows Xen's rules, not the module's code. For a request it finds
 * the error Xen returns (the first of its checks that fails, in Xen's
 * order) and, when none does, applies the request to the copy, which must
 * then equal the fake world.
 */
struct expect {
    int err; /* 0: the request must succeed */
};

/* The request fails with err, unless an earlier check already failed. */
static void fail_with(struct expect *e, int err)
{
    if (!e->err)
        e->err = err;
}

static int m_index(const struct world *w, uint16_t id)
{
    for (unsigned i = 0; i < NDOMS; i++)
        if (w->d[i].live && doms[i].id == id)
            return (int)i;
    return -1;
}

static bool m_full(const struct world *w, unsigned i)
{
    for (unsigned p = 1; p < EVTCHN_PORTS; p++)
        if (w->d[i].ports[p].state == EVTCHN_FREE)
            return false;
    return true;
}

static bool m_valid_new(const struct world *w, unsigned i, evtchn_port_t p)
{
    return p > 0 && p < EVTCHN_PORTS && w->d[i].ports[p].state == EVTCHN_FREE;
}

/* event_2l.c evtchn_2l_set_pending + vcpu_mark_events_pending. */
static void m_raise(struct world *w, unsigned i, evtchn_port_t p)
{
    uint8_t *s = w->d[i].shared;
    unsigned v = w->d[i].ports[p].vcpu;

    if (bit_get(s, EVTCHN_SHARED_PENDING, p))
        return;
    bit_put(s, EVTCHN_SHARED_PENDING, p, true);
    if (bit_get(s, EVTCHN_SHARED_MASK, p) || bit_get(s, sel_off(v), p / 64))
        return;
    bit_put(s, sel_off(v), p / 64, true);
    if (s[v * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL])
        return;
    s[v * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL] = 1;
    w->notes[w->nr_notes++] = (struct note){ doms[i].id, (uint16_t)v };
}

static void m_take(struct world *w, unsigned i, evtchn_port_t p, struct evtchn_port val)
{
    w->d[i].ports[p] = val;
    w->d[i].t.in_use++;
}

/* common/event_channel.c evtchn_close + evtchn_free. */
static void m_close(struct world *w, unsigned i, evtchn_port_t p)
{
    struct evtchn_port *e = &w->d[i].ports[p];

    if (e->state == EVTCHN_VIRQ)
        w->d[i].t.virq_port[virq_global(e->virq) ? 0 : e->vcpu][e->virq] = 0;
    if (e->state == EVTCHN_INTERDOMAIN) {
        int r = m_index(w, e->remote_dom);

        if (r >= 0) { /* else check_tables has already complained */
            struct evtchn_port *peer = &w->d[r].ports[e->remote_port];

            peer->state = EVTCHN_UNBOUND;
            peer->remote_dom = doms[i].id;
            peer->remote_port = 0;
        }
    }
    bit_put(w->d[i].shared, EVTCHN_SHARED_PENDING, p, false);
    *e = (struct evtchn_port){ 0 };
    w->d[i].t.in_use--;
}

static bool m_port_in_use(const struct world *w, unsigned i, evtchn_port_t p)
{
    return p > 0 && p < EVTCHN_PORTS && w->d[i].ports[p].state != EVTCHN_FREE;
}

enum rop {
    R_ALLOC,
    R_BIND_IDOM,
    R_BIND_VIRQ,
    R_BIND_IPI,
    R_CLOSE,
    R_SEND,
    R_STATUS,
    R_UNMASK,
    R_BIND_VCPU,
    R_RAISE_VIRQ,
    R_GUEST_MASK,
    R_GUEST_ACK,
    R_CLOSE_ALL,
    R_DESTROY,
    R_CREATE,
    R_NR
};

static const char *const rop_name[R_NR] = { "alloc_unbound", "bind_interdomain", "bind_virq", "bind_ipi",  "close",
                                            "send",          "status",           "unmask",    "bind_vcpu", "raise_virq",
                                            "guest_mask",    "guest_ack",        "close_all", "destroy",   "create" };

static unsigned long long rstep;
static unsigned long long op_ok[R_NR], op_err[R_NR];
static bool rbroken;
static unsigned long long random_steps;

static uint16_t rand_dom_id(void)
{
    static const uint16_t garbage[] = { 0, ID_NONE, 63, 64, 0x7fef, DOMID_IO, 0xffff };
    uint32_t r = test_rng_below(100);

    if (r < 75)
        return dom_ids[test_rng_below(NDOMS)];
    if (r < 88)
        return EVTCHN_DOMID_SELF;
    return garbage[test_rng_below(ARRAY_SIZE(garbage))];
}

static uint32_t rand_garbage_port(void)
{
    static const uint32_t garbage[] = { 0,       1,           EVTCHN_PORTS - 1, EVTCHN_PORTS, EVTCHN_PORTS + 1,
                                        0x10000, 0x8000ffffu, UINT32_MAX };
    uint32_t r = test_rng_below(3);

    if (r == 0)
        return garbage[test_rng_below(ARRAY_SIZE(garbage))];
    if (r == 1)
        return test_rng_below(EVTCHN_PORTS);
    return (uint32_t)test_rng_next();
}

#define ANY_STATE 0xff
#define ANYONE    UINT32_MAX

/* Mostly a port in use in domain i (of state want unless ANY_STATE, with
 * remote_dom offered unless ANYONE), sometimes garbage. */
static evtchn_port_t rand_port(unsigned i, uint8_t want, uint32_t offered)
{
    if (doms[i].live && test_rng_below(100) < 80) {
        evtchn_port_t start = 1 + test_rng_below(EVTCHN_PORTS - 1);

        for (evtchn_port_t k = 0; k < EVTCHN_PORTS - 1; k++) {
            evtchn_port_t p = 1 + (start - 1 + k) % (EVTCHN_PORTS - 1);
            uint8_t s = doms[i].ports[p].state;
            if (s != EVTCHN_FREE && (want == ANY_STATE || s == want) &&
                (offered == ANYONE || doms[i].ports[p].remote_dom == offered))
                return p;
        }
    }
    return rand_garbage_port();
}

static uint32_t rand_vcpu(unsigned i)
{
    static const uint32_t garbage[] = { EVTCHN_MAX_VCPUS, 0xffff, 0x10000, UINT32_MAX };

    if (test_rng_below(100) < 85)
        return test_rng_below(doms[i].nr_vcpus + 1);
    return garbage[test_rng_below(ARRAY_SIZE(garbage))];
}

static uint32_t rand_virq(void)
{
    static const uint32_t garbage[] = { EVTCHN_NR_VIRQS, 255, 256, UINT32_MAX };

    if (test_rng_below(100) < 90)
        return test_rng_below(EVTCHN_NR_VIRQS + 2);
    return garbage[test_rng_below(ARRAY_SIZE(garbage))];
}

static void rbreak(const char *what, enum rop op, int rc)
{
    test_fail(__FILE__, __LINE__, "step %llu, %s (rc %d): %s", rstep, rop_name[op], rc, what);
    rbroken = true;
}

/* Domains whose state an operation may have changed: compared with the
 * model after it (every domain is compared every FULL_EVERY steps, so a
 * stray write anywhere is found too). */
#define FULL_EVERY 32

/* One random operation, applied to the module and to the model alike. */
static void random_step(bool flood, unsigned flood_dom)
{
    unsigned i = flood ? flood_dom : test_rng_below(NDOMS);
    struct fake_dom *d = &doms[i];
    struct evtchn_table *t = &d->t;
    struct expect e = { 0 };
    evtchn_port_t out = 0xdead, port = 0;
    struct evtchn_info st;
    uint32_t a1 = 0, a2 = 0, x = test_rng_below(1000);
    uint16_t rdom = 0;
    unsigned touched = 1u << i;
    int rc = 0, r;
    bool fresh = false;
    enum rop op;
    char buf[200];
    const char *diff = NULL;

    if (!d->live) {
        if (test_rng_below(50) != 0)
            return;
        op = R_CREATE;
    } else if (flood) {
        op = R_ALLOC;
    } else {
        static const struct {
            enum rop op;
            unsigned weight;
        } mix[] = { { R_ALLOC, 110 },    { R_BIND_IDOM, 140 }, { R_BIND_VIRQ, 60 },  { R_BIND_IPI, 40 },
                    { R_CLOSE, 200 },    { R_SEND, 150 },      { R_STATUS, 40 },     { R_UNMASK, 60 },
                    { R_BIND_VCPU, 50 }, { R_RAISE_VIRQ, 50 }, { R_GUEST_MASK, 40 }, { R_GUEST_ACK, 58 },
                    { R_CLOSE_ALL, 1 },  { R_DESTROY, 1 } };
        unsigned k = 0;

        while (x >= mix[k].weight) {
            x -= mix[k].weight;
            k++;
        }
        op = mix[k].op;
    }

    nr_notes = 0;
    model.nr_notes = 0;
    switch (op) {
    case R_ALLOC:
        rdom = rand_dom_id();
        rc = evtchn_alloc_unbound(t, rdom, &out);
        fresh = rc == 0 && m_valid_new(&model, i, out);
        if (m_full(&model, i))
            fail_with(&e, -ERR_NOSPC);
        else if (fresh)
            m_take(&model, i, out,
                   (struct evtchn_port){ .state = EVTCHN_UNBOUND,
                                         .remote_dom = rdom == EVTCHN_DOMID_SELF ? d->id : rdom });
        break;
    case R_BIND_IDOM: {
        int ri;

        rdom = rand_dom_id();
        ri = m_index(&model, rdom == EVTCHN_DOMID_SELF ? d->id : rdom);
        port = ri >= 0 && test_rng_below(2)
                   ? rand_port((unsigned)ri, EVTCHN_UNBOUND, test_rng_below(4) ? d->id : ANYONE)
                   : rand_port(ri >= 0 ? (unsigned)ri : i, ANY_STATE, ANYONE);
        rc = evtchn_bind_interdomain(t, rdom, port, &out);
        fresh = rc == 0 && m_valid_new(&model, i, out);
        /* common/event_channel.c: the remote domain, a free local port,
         * then the remote port. */
        if (ri < 0) {
            fail_with(&e, -ERR_SRCH);
            break;
        }
        touched |= 1u << ri;
        if (m_full(&model, i))
            fail_with(&e, -ERR_NOSPC);
        if (!m_port_in_use(&model, (unsigned)ri, port) || model.d[ri].ports[port].state != EVTCHN_UNBOUND ||
            model.d[ri].ports[port].remote_dom != d->id)
            fail_with(&e, -ERR_INVAL);
        if (!e.err && fresh) {
            struct evtchn_port *rp = &model.d[ri].ports[port];

            m_take(&model, i, out,
                   (struct evtchn_port){
                       .state = EVTCHN_INTERDOMAIN, .remote_dom = doms[ri].id, .remote_port = (uint16_t)port });
            rp->state = EVTCHN_INTERDOMAIN;
            rp->remote_dom = d->id;
            rp->remote_port = (uint16_t)out;
            m_raise(&model, i, out);
        }
        break;
    }
    case R_BIND_VIRQ:
        a1 = rand_virq();
        a2 = rand_vcpu(i);
        rc = evtchn_bind_virq(t, a1, a2, &out);
        fresh = rc == 0 && m_valid_new(&model, i, out);
        /* common/event_channel.c evtchn_bind_virq: the VIRQ, a global one
         * on a vCPU other than 0, the vCPU, a binding there, a port. */
        if (a1 >= EVTCHN_NR_VIRQS || (virq_global(a1) && a2 != 0)) {
            fail_with(&e, -ERR_INVAL);
            break;
        }
        if (a2 >= d->nr_vcpus) {
            fail_with(&e, -ERR_NOENT);
            break;
        }
        if (model.d[i].t.virq_port[a2][a1])
            fail_with(&e, -ERR_EXIST);
        if (m_full(&model, i))
            fail_with(&e, -ERR_NOSPC);
        if (!e.err && fresh) {
            m_take(&model, i, out,
                   (struct evtchn_port){ .state = EVTCHN_VIRQ, .virq = (uint8_t)a1, .vcpu = (uint16_t)a2 });
            model.d[i].t.virq_port[a2][a1] = (uint16_t)out;
        }
        break;
    case R_BIND_IPI:
        a2 = rand_vcpu(i);
        rc = evtchn_bind_ipi(t, a2, &out);
        fresh = rc == 0 && m_valid_new(&model, i, out);
        if (a2 >= d->nr_vcpus)
            fail_with(&e, -ERR_NOENT);
        else if (m_full(&model, i))
            fail_with(&e, -ERR_NOSPC);
        else if (fresh)
            m_take(&model, i, out, (struct evtchn_port){ .state = EVTCHN_IPI, .vcpu = (uint16_t)a2 });
        break;
    case R_CLOSE:
        port = rand_port(i, ANY_STATE, ANYONE);
        rc = evtchn_close(t, port);
        if (!m_port_in_use(&model, i, port)) {
            fail_with(&e, -ERR_INVAL);
            break;
        }
        if (model.d[i].ports[port].state == EVTCHN_INTERDOMAIN)
            touched = (1u << NDOMS) - 1; /* and the peer */
        m_close(&model, i, port);
        break;
    case R_SEND:
        port = rand_port(i, ANY_STATE, ANYONE);
        rc = evtchn_send(t, port);
        if (!m_port_in_use(&model, i, port)) {
            fail_with(&e, -ERR_INVAL);
            break;
        }
        switch (model.d[i].ports[port].state) {
        case EVTCHN_INTERDOMAIN:
            r = m_index(&model, model.d[i].ports[port].remote_dom);
            touched = (1u << NDOMS) - 1; /* and the peer */
            if (r >= 0)
                m_raise(&model, (unsigned)r, model.d[i].ports[port].remote_port);
            break;
        case EVTCHN_IPI: m_raise(&model, i, port); break;
        case EVTCHN_UNBOUND: break;
        default: fail_with(&e, -ERR_INVAL); break;
        }
        break;
    case R_STATUS: {
        const struct evtchn_port *p;

        port = test_rng_below(2) ? rand_port(i, ANY_STATE, ANYONE) : rand_garbage_port();
        memset(&st, 0x5a, sizeof(st));
        rc = evtchn_status(t, port, &st);
        if (port >= EVTCHN_PORTS) {
            fail_with(&e, -ERR_INVAL);
            break;
        }
        if (rc != 0)
            break;
        p = &model.d[i].ports[port];
        if (st.vcpu != p->vcpu)
            rbreak("status: vcpu", op, rc);
        switch (p->state) {
        case EVTCHN_UNBOUND:
            if (st.status != EVTCHN_STAT_UNBOUND || st.remote_dom != p->remote_dom)
                rbreak("status of an unbound port", op, rc);
            break;
        case EVTCHN_INTERDOMAIN:
            if (st.status != EVTCHN_STAT_INTERDOMAIN || st.remote_dom != p->remote_dom ||
                st.remote_or_virq != p->remote_port)
                rbreak("status of an interdomain port", op, rc);
            break;
        case EVTCHN_VIRQ:
            if (st.status != EVTCHN_STAT_VIRQ || st.remote_or_virq != p->virq)
                rbreak("status of a VIRQ port", op, rc);
            break;
        case EVTCHN_IPI:
            if (st.status != EVTCHN_STAT_IPI)
                rbreak("status of an IPI port", op, rc);
            break;
        default:
            if (st.status != EVTCHN_STAT_CLOSED)
                rbreak("status of a closed port", op, rc);
            break;
        }
        break;
    }
    case R_UNMASK: {
        uint8_t *s = model.d[i].shared;
        unsigned v;
        bool was_masked;

        port = test_rng_below(4) ? rand_port(i, ANY_STATE, ANYONE) : rand_garbage_port();
        rc = evtchn_unmask(t, port);
        if (port >= EVTCHN_PORTS) {
            fail_with(&e, -ERR_INVAL);
            break;
        }
        /* event_2l.c evtchn_2l_unmask: only a port whose mask bit it
         * clears and which is pending goes to its vCPU (selector bit, then
         * upcall flag and a notification, each only if it was down). */
        v = model.d[i].ports[port].vcpu;
        was_masked = bit_get(s, EVTCHN_SHARED_MASK, port);
        bit_put(s, EVTCHN_SHARED_MASK, port, false);
        if (!was_masked || !bit_get(s, EVTCHN_SHARED_PENDING, port) || bit_get(s, sel_off(v), port / 64))
            break;
        bit_put(s, sel_off(v), port / 64, true);
        if (!s[v * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL]) {
            s[v * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL] = 1;
            model.notes[model.nr_notes++] = (struct note){ d->id, (uint16_t)v };
        }
        break;
    }
    case R_BIND_VCPU: {
        const struct evtchn_port *p;

        port = rand_port(i, ANY_STATE, ANYONE);
        a2 = rand_vcpu(i);
        rc = evtchn_bind_vcpu(t, port, a2);
        if (a2 >= d->nr_vcpus)
            fail_with(&e, -ERR_NOENT);
        p = &model.d[i].ports[port < EVTCHN_PORTS ? port : 0];
        if (!m_port_in_use(&model, i, port) ||
            (p->state == EVTCHN_VIRQ ? !virq_global(p->virq)
                                     : p->state != EVTCHN_INTERDOMAIN && p->state != EVTCHN_UNBOUND))
            fail_with(&e, -ERR_INVAL);
        if (!e.err)
            model.d[i].ports[port].vcpu = (uint16_t)a2;
        break;
    }
    case R_RAISE_VIRQ: {
        uint16_t p;

        a1 = rand_virq();
        a2 = rand_vcpu(i);
        evtchn_raise_virq(t, a2, a1);
        if (a1 < EVTCHN_NR_VIRQS && a2 < d->nr_vcpus && (p = model.d[i].t.virq_port[a2][a1]) != 0)
            m_raise(&model, i, p);
        break;
    }
    case R_GUEST_MASK:
        port = test_rng_below(EVTCHN_PORTS);
        a1 = test_rng_below(2);
        guest_mask(i, port, a1);
        bit_put(model.d[i].shared, EVTCHN_SHARED_MASK, port, a1);
        break;
    case R_GUEST_ACK:
        a2 = test_rng_below(d->nr_vcpus);
        switch (test_rng_below(4)) {
        case 0: /* caught between clearing the upcall flag and the selector */
            d->shared[a2 * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL] = 0;
            model.d[i].shared[a2 * EVTCHN_SHARED_VCPU_SIZE + EVTCHN_SHARED_UPCALL] = 0;
            break;
        case 1: /* one selector word handled, the flag left up */
            a1 = test_rng_below(EVTCHN_PORTS / 64);
            bit_put(d->shared, sel_off(a2), a1, false);
            bit_put(model.d[i].shared, sel_off(a2), a1, false);
            break;
        default:
            guest_ack(i, a2);
            guest_ack_page(model.d[i].shared, a2);
            break;
        }
        break;
    case R_CLOSE_ALL:
    case R_DESTROY:
        touched = (1u << NDOMS) - 1;
        evtchn_close_all(t);
        for (evtchn_port_t p = 1; p < EVTCHN_PORTS; p++)
            if (model.d[i].ports[p].state != EVTCHN_FREE)
                m_close(&model, i, p);
        if (op == R_DESTROY) {
            d->live = false;
            model.d[i].live = false;
        }
        break;
    case R_CREATE:
        dom_create(i);
        dom_save(&model, i);
        break;
    default: break;
    }
    if (rbroken)
        return;

    if (e.err) {
        if (rc != e.err) {
            snprintf(buf, sizeof(buf), "returned %d, want %d", rc, e.err);
            rbreak(buf, op, rc);
            return;
        }
        op_err[op]++;
    } else if (rc != 0) {
        rbreak("refused a valid request", op, rc);
        return;
    } else if ((op == R_ALLOC || op == R_BIND_IDOM || op == R_BIND_VIRQ || op == R_BIND_IPI) && !fresh) {
        snprintf(buf, sizeof(buf), "handed out port %u, which was not free", out);
        rbreak(buf, op, rc);
        return;
    } else {
        op_ok[op]++;
    }

    if (rstep % FULL_EVERY == 0)
        touched = (1u << NDOMS) - 1;
    for (unsigned k = 0; k < NDOMS && !diff; k++)
        if (touched & (1u << k))
            diff = dom_diff(&model, k, buf, sizeof(buf));
    if (!diff)
        diff = notes_diff(&model, buf, sizeof(buf));
    if (diff) {
        char msg[260];

        snprintf(msg, sizeof(msg), "d%u port %u args %u/%u/d%u: %s", d->id, port, a1, a2, rdom, diff);
        rbreak(msg, op, rc);
        return;
    }
    if (!check_tables())
        rbroken = true;
}

#define RANDOM_STEPS 200000

static void random_run(void)
{
    unsigned flood = 0, flood_dom = 0;

    for (rstep = 0; rstep < random_steps && !rbroken; rstep++) {
        if (flood) {
            flood--;
        } else if (test_rng_below(10000) == 0) {
            flood = EVTCHN_PORTS + 50; /* fill one table to the brim */
            flood_dom = test_rng_below(NDOMS);
        }
        random_step(flood != 0, flood_dom);
    }
}

TEST(random_operations_follow_the_model)
{
    static const enum rop can_fail[] = { R_ALLOC, R_BIND_IDOM, R_BIND_VIRQ, R_BIND_IPI, R_CLOSE,
                                         R_SEND,  R_STATUS,    R_UNMASK,    R_BIND_VCPU };
    jmp_buf jb;

    setup();
    world_save(&model);
    random_steps = test_random_init(0x5eed0f0e7c4a11ull, RANDOM_STEPS);
    rbroken = false;
    memset(op_ok, 0, sizeof(op_ok));
    memset(op_err, 0, sizeof(op_err));
    test_panic_jmp = &jb;
    if (setjmp(jb) == 0)
        random_run();
    else
        test_fail(__FILE__, __LINE__, "step %llu: panic: %s", rstep, test_panic_msg);
    test_panic_jmp = NULL;
    if (getenv("UNIT_VERBOSE"))
        for (unsigned k = 0; k < R_NR; k++)
            fprintf(stderr, "  %-16s %8llu ok %8llu refused\n", rop_name[k], op_ok[k], op_err[k]);
    /* The run reached every outcome it claims to check. */
    for (unsigned k = 0; k < R_NR; k++)
        if (op_ok[k] == 0)
            test_fail(__FILE__, __LINE__, "%s never succeeded", rop_name[k]);
    for (unsigned k = 0; k < ARRAY_SIZE(can_fail); k++)
        if (op_err[can_fail[k]] < 10)
            test_fail(__FILE__, __LINE__, "%s refused only %llu times", rop_name[can_fail[k]], op_err[can_fail[k]]);
    teardown();
}

int main(void)
{
    return test_run((const struct test[]){
        TEST_ENTRY(interdomain_lifecycle),
        TEST_ENTRY(bind_interdomain_refuses_hostile_requests),
        TEST_ENTRY(send_refuses_hostile_ports),
        TEST_ENTRY(close_refuses_twice_and_bad_ports),
        TEST_ENTRY(masked_port_pends_without_notifying),
        TEST_ENTRY(pending_hook_fires_for_masked_ports),
        TEST_ENTRY(moved_vcpu_info_takes_the_events),
        TEST_ENTRY(exhausting_ports_gives_enospc),
        TEST_ENTRY(virq_binding_rules),
        TEST_ENTRY(bind_virq_global_on_missing_vcpu_is_einval),
        TEST_ENTRY(ipi_reaches_its_vcpu),
        TEST_ENTRY(device_port_raised_by_its_binding_only),
        TEST_ENTRY(bind_vcpu_moves_only_what_xen_allows),
        TEST_ENTRY(status_reports_each_state),
        TEST_ENTRY(close_all_leaves_peers_unbound),
        TEST_ENTRY(port_made_in_another_table_for_a_third),
        TEST_ENTRY(loopback_binds_own_port),
        TEST_ENTRY(random_operations_follow_the_model),
        TEST_END,
    });
}
