/* SPDX-License-Identifier: MIT */
/*
 * Event-channel bookkeeping (evtchn.h): port states, binding rules and the
 * 2-level pending/mask/selector protocol in shared info, device-interrupt
 * ports among them (the interrupt itself is core/pci's). It decides
 * nothing about who may talk to whom beyond Xen's rules (a port offered
 * to a domain is bound by that domain only); no lock, no hardware.
 */
#include "core/evtchn.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/nospec.h"

/* Per-vCPU VIRQs (public/xen.h: timer, debug, xenoprof, xenpmu); the
 * rest are global and bound on vCPU 0. */
static bool virq_is_global(uint32_t virq)
{
    return virq != 0 && virq != 1 && virq != 7 && virq != 13;
}

/* The vCPU slot a VIRQ's port is recorded under: 0 for global ones. */
static unsigned virq_slot(const struct evtchn_port *p)
{
    return virq_is_global(p->virq) ? 0 : p->vcpu;
}

static uint64_t *shared_word(const struct evtchn_table *t, unsigned offset, evtchn_port_t port)
{
    return (uint64_t *)(void *)(t->shared + offset) + port / 64;
}

static bool bit_test_and_set(uint64_t *w, unsigned bit)
{
    return __atomic_fetch_or(w, 1ull << bit, __ATOMIC_SEQ_CST) & (1ull << bit);
}

static bool bit_test(uint64_t *w, unsigned bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & (1ull << bit);
}

static void bit_clear(uint64_t *w, unsigned bit)
{
    __atomic_fetch_and(w, ~(1ull << bit), __ATOMIC_SEQ_CST);
}

static bool bit_test_and_clear(uint64_t *w, unsigned bit)
{
    return __atomic_fetch_and(w, ~(1ull << bit), __ATOMIC_SEQ_CST) & (1ull << bit);
}

uint8_t *evtchn_vcpu_info(const struct evtchn_table *t, unsigned vcpu)
{
    return __atomic_load_n(&t->vcpu_info[vcpu], __ATOMIC_ACQUIRE);
}

static uint8_t *vcpu_byte(const struct evtchn_table *t, unsigned vcpu, unsigned offset)
{
    return evtchn_vcpu_info(t, vcpu) + offset;
}

/* Up the vCPU's selector bit for port's word and its upcall flag, and
 * notify it when the flag was down (Xen's 2-level "mark pending"). */
static void mark_vcpu(struct evtchn_table *t, evtchn_port_t port, unsigned vcpu)
{
    uint64_t *sel = (uint64_t *)(void *)vcpu_byte(t, vcpu, EVTCHN_SHARED_PENDING_SEL);

    if (bit_test_and_set(sel, port / 64))
        return;
    if (__atomic_exchange_n(vcpu_byte(t, vcpu, EVTCHN_SHARED_UPCALL), 1, __ATOMIC_SEQ_CST))
        return;
    evtchn_env_notify(t, vcpu);
}

/* Raise one port of t: pending bit, then (unless masked) the vCPU. */
static void raise(struct evtchn_table *t, evtchn_port_t port)
{
    if (bit_test_and_set(shared_word(t, EVTCHN_SHARED_PENDING, port), port % 64))
        return;
    evtchn_env_pending(t, port); /* a vCPU polling it wakes even while it is masked */
    if (!bit_test(shared_word(t, EVTCHN_SHARED_MASK, port), port % 64))
        mark_vcpu(t, port, t->ports[port].vcpu);
}

void evtchn_table_init(struct evtchn_table *t, uint16_t dom, unsigned nr_vcpus, struct evtchn_port *ports,
                       uint8_t *shared)
{
    ASSERT(nr_vcpus >= 1 && nr_vcpus <= EVTCHN_MAX_VCPUS);
    memset(t, 0, sizeof(*t));
    t->dom = dom;
    t->nr_vcpus = (uint16_t)nr_vcpus;
    t->ports = ports;
    t->shared = shared;
    for (unsigned i = 0; i < nr_vcpus; i++)
        t->vcpu_info[i] = shared + i * EVTCHN_SHARED_VCPU_SIZE;
    ports[0].state = EVTCHN_RESERVED;
    t->in_use = 1;
}

/* The lowest free port, or 0 when the table is full. */
static evtchn_port_t find_free(const struct evtchn_table *t)
{
    for (evtchn_port_t p = 1; p < EVTCHN_PORTS; p++)
        if (t->ports[p].state == EVTCHN_FREE)
            return p;
    return 0;
}

/* A port the guest named: in range and in use (not port 0); clamped. */
static struct evtchn_port *port_get(const struct evtchn_table *t, evtchn_port_t port)
{
    struct evtchn_port *p;

    if (port == 0 || port >= EVTCHN_PORTS)
        return NULL;
    p = &t->ports[index_nospec(port, EVTCHN_PORTS)];
    return p->state == EVTCHN_FREE ? NULL : p;
}

static void port_take(struct evtchn_table *t, evtchn_port_t port, struct evtchn_port val)
{
    ASSERT(t->ports[port].state == EVTCHN_FREE);
    t->ports[port] = val;
    t->in_use++;
}

/* Frees a port of t; its pending bit goes (a reused port starts quiet). */
static void port_free(struct evtchn_table *t, evtchn_port_t port)
{
    struct evtchn_port *p = &t->ports[port];

    if (p->state == EVTCHN_VIRQ)
        t->virq_port[virq_slot(p)][p->virq] = 0;
    bit_clear(shared_word(t, EVTCHN_SHARED_PENDING, port), port % 64);
    *p = (struct evtchn_port){ 0 };
    t->in_use--;
}

int evtchn_alloc_unbound(struct evtchn_table *t, uint16_t remote_dom, evtchn_port_t *port)
{
    evtchn_port_t p = find_free(t);

    if (!p)
        return -ERR_NOSPC;
    if (remote_dom == EVTCHN_DOMID_SELF)
        remote_dom = t->dom;
    port_take(t, p, (struct evtchn_port){ .state = EVTCHN_UNBOUND, .remote_dom = remote_dom });
    *port = p;
    return 0;
}

int evtchn_bind_interdomain(struct evtchn_table *t, uint16_t remote_dom, evtchn_port_t remote_port, evtchn_port_t *port)
{
    struct evtchn_table *rt = evtchn_env_table(remote_dom == EVTCHN_DOMID_SELF ? t->dom : remote_dom);
    struct evtchn_port *rp;
    evtchn_port_t p;

    /* Xen's order: the remote domain, then a free local port (so a full
     * table is ENOSPC whatever the remote port), then the remote port. */
    if (!rt)
        return -ERR_SRCH;
    p = find_free(t);
    if (!p)
        return -ERR_NOSPC;
    rp = port_get(rt, remote_port);
    if (!rp || rp->state != EVTCHN_UNBOUND || rp->remote_dom != t->dom)
        return -ERR_INVAL; /* not offered to us */
    remote_port = (evtchn_port_t)index_nospec(remote_port, EVTCHN_PORTS);
    port_take(t, p,
              (struct evtchn_port){
                  .state = EVTCHN_INTERDOMAIN, .remote_dom = rt->dom, .remote_port = (uint16_t)remote_port });
    rp->state = EVTCHN_INTERDOMAIN;
    rp->remote_dom = t->dom;
    rp->remote_port = (uint16_t)p;
    /* As Xen does: the new local port starts pending, so a send the peer
     * made before the bind is not lost. */
    raise(t, p);
    *port = p;
    return 0;
}

int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    evtchn_port_t p;

    /* Xen's order: the VIRQ, a global one on a vCPU other than 0 (even
     * one that does not exist), the vCPU, a binding already there, a
     * free port. */
    if (virq >= EVTCHN_NR_VIRQS)
        return -ERR_INVAL;
    if (virq_is_global(virq) && vcpu != 0)
        return -ERR_INVAL;
    if (vcpu >= t->nr_vcpus)
        return -ERR_NOENT;
    virq = (uint32_t)index_nospec(virq, EVTCHN_NR_VIRQS);
    vcpu = (uint32_t)index_nospec(vcpu, t->nr_vcpus);
    if (t->virq_port[vcpu][virq])
        return -ERR_EXIST;
    p = find_free(t);
    if (!p)
        return -ERR_NOSPC;
    port_take(t, p, (struct evtchn_port){ .state = EVTCHN_VIRQ, .virq = (uint8_t)virq, .vcpu = (uint16_t)vcpu });
    t->virq_port[vcpu][virq] = (uint16_t)p;
    *port = p;
    return 0;
}

int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, evtchn_port_t *port)
{
    evtchn_port_t p;

    if (vcpu >= t->nr_vcpus)
        return -ERR_NOENT;
    p = find_free(t);
    if (!p)
        return -ERR_NOSPC;
    port_take(t, p, (struct evtchn_port){ .state = EVTCHN_IPI, .vcpu = (uint16_t)vcpu });
    *port = p;
    return 0;
}

int evtchn_bind_device(struct evtchn_table *t, unsigned binding, evtchn_port_t *port)
{
    evtchn_port_t p = find_free(t);

    ASSERT(binding <= UINT16_MAX);
    if (!p)
        return -ERR_NOSPC;
    port_take(t, p, (struct evtchn_port){ .state = EVTCHN_DEVICE, .remote_port = (uint16_t)binding });
    *port = p;
    return 0;
}

void evtchn_raise_device(struct evtchn_table *t, evtchn_port_t port, unsigned binding)
{
    if (port == 0 || port >= EVTCHN_PORTS)
        return;
    port = (evtchn_port_t)index_nospec(port, EVTCHN_PORTS);
    if (t->ports[port].state == EVTCHN_DEVICE && t->ports[port].remote_port == binding)
        raise(t, port);
}

int evtchn_close(struct evtchn_table *t, evtchn_port_t port)
{
    struct evtchn_port *p = port_get(t, port);

    if (!p || p->state == EVTCHN_RESERVED)
        return -ERR_INVAL;
    port = (evtchn_port_t)index_nospec(port, EVTCHN_PORTS);
    if (p->state == EVTCHN_INTERDOMAIN) {
        struct evtchn_table *rt = evtchn_env_table(p->remote_dom);
        /* Tables of both ends change under one lock, so the peer exists
         * and still points back here. */
        ASSERT(rt && rt->ports[p->remote_port].state == EVTCHN_INTERDOMAIN);
        rt->ports[p->remote_port].state = EVTCHN_UNBOUND;
        rt->ports[p->remote_port].remote_dom = t->dom;
        rt->ports[p->remote_port].remote_port = 0;
    }
    if (p->state == EVTCHN_DEVICE)
        evtchn_env_device_closed(t, port, p->remote_port); /* the device stops signalling it first */
    port_free(t, port);
    return 0;
}

int evtchn_send(struct evtchn_table *t, evtchn_port_t port)
{
    struct evtchn_port *p = port_get(t, port);
    struct evtchn_table *rt;

    if (!p)
        return -ERR_INVAL;
    switch (p->state) {
    case EVTCHN_INTERDOMAIN:
        rt = evtchn_env_table(p->remote_dom);
        ASSERT(rt);
        raise(rt, p->remote_port);
        return 0;
    case EVTCHN_IPI: raise(t, (evtchn_port_t)index_nospec(port, EVTCHN_PORTS)); return 0;
    case EVTCHN_UNBOUND: return 0; /* nobody listens yet: dropped, as on Xen */
    default: return -ERR_INVAL;
    }
}

int evtchn_status(const struct evtchn_table *t, evtchn_port_t port, struct evtchn_info *out)
{
    const struct evtchn_port *p;

    if (port >= EVTCHN_PORTS)
        return -ERR_INVAL;
    p = &t->ports[index_nospec(port, EVTCHN_PORTS)];
    *out = (struct evtchn_info){ .vcpu = p->vcpu };
    switch (p->state) {
    case EVTCHN_UNBOUND:
        out->status = EVTCHN_STAT_UNBOUND;
        out->remote_dom = p->remote_dom;
        break;
    case EVTCHN_INTERDOMAIN:
        out->status = EVTCHN_STAT_INTERDOMAIN;
        out->remote_dom = p->remote_dom;
        out->remote_or_virq = p->remote_port;
        break;
    case EVTCHN_VIRQ:
        out->status = EVTCHN_STAT_VIRQ;
        out->remote_or_virq = p->virq;
        break;
    case EVTCHN_IPI: out->status = EVTCHN_STAT_IPI; break;
    case EVTCHN_DEVICE:
        out->status = EVTCHN_STAT_PIRQ;
        out->remote_or_virq = p->remote_port;
        break;
    default: out->status = EVTCHN_STAT_CLOSED; break; /* free and reserved ports */
    }
    return 0;
}

int evtchn_unmask(struct evtchn_table *t, evtchn_port_t port)
{
    if (port >= EVTCHN_PORTS)
        return -ERR_INVAL;
    port = (evtchn_port_t)index_nospec(port, EVTCHN_PORTS);
    /* As Xen's 2-level unmask: only a port whose mask bit this clears
     * and which is pending (it went pending while masked) reaches its
     * vCPU now; unmasking a port that was not masked raises nothing. */
    if (bit_test_and_clear(shared_word(t, EVTCHN_SHARED_MASK, port), port % 64) &&
        bit_test(shared_word(t, EVTCHN_SHARED_PENDING, port), port % 64))
        mark_vcpu(t, port, t->ports[port].vcpu);
    return 0;
}

int evtchn_bind_vcpu(struct evtchn_table *t, evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_port *p = port_get(t, port);

    if (vcpu >= t->nr_vcpus)
        return -ERR_NOENT;
    if (!p)
        return -ERR_INVAL;
    if (p->state == EVTCHN_VIRQ
            ? !virq_is_global(p->virq)
            : p->state != EVTCHN_INTERDOMAIN && p->state != EVTCHN_UNBOUND && p->state != EVTCHN_DEVICE)
        return -ERR_INVAL;
    /* A global VIRQ stays recorded under vCPU 0; only who is told moves. */
    p->vcpu = (uint16_t)vcpu;
    return 0;
}

void evtchn_raise_virq(struct evtchn_table *t, unsigned vcpu, unsigned virq)
{
    evtchn_port_t port;

    if (vcpu >= t->nr_vcpus || virq >= EVTCHN_NR_VIRQS)
        return;
    port = t->virq_port[vcpu][virq];
    if (port)
        raise(t, port);
}

void evtchn_close_all(struct evtchn_table *t)
{
    for (evtchn_port_t p = 1; p < EVTCHN_PORTS; p++)
        if (t->ports[p].state != EVTCHN_FREE && evtchn_close(t, p) != 0)
            panic("a port in use refused to close");
}

void evtchn_move_vcpu_info(struct evtchn_table *t, unsigned vcpu, uint8_t *rec)
{
    ASSERT(vcpu < t->nr_vcpus);
    memcpy(rec, t->vcpu_info[vcpu], EVTCHN_SHARED_VCPU_SIZE);
    __atomic_store_n(&t->vcpu_info[vcpu], rec, __ATOMIC_SEQ_CST); /* before the flags go up */
    __atomic_store_n((uint64_t *)(void *)(rec + EVTCHN_SHARED_PENDING_SEL), ~0ull, __ATOMIC_SEQ_CST);
    __atomic_store_n(rec + EVTCHN_SHARED_UPCALL, 1, __ATOMIC_SEQ_CST);
    evtchn_env_notify(t, vcpu);
}

int evtchn_port_pending(const struct evtchn_table *t, evtchn_port_t port)
{
    if (port >= EVTCHN_PORTS)
        return -ERR_INVAL;
    return bit_test(shared_word(t, EVTCHN_SHARED_PENDING, (evtchn_port_t)index_nospec(port, EVTCHN_PORTS)), port % 64);
}

bool evtchn_upcall_pending(const struct evtchn_table *t, unsigned vcpu)
{
    return vcpu < t->nr_vcpus && __atomic_load_n(vcpu_byte(t, vcpu, EVTCHN_SHARED_UPCALL), __ATOMIC_SEQ_CST);
}
