/* SPDX-License-Identifier: MIT */
/*
 * Event channels in the running core: one lock over every domain's port
 * table (operations are a few dozen instructions; with the few CPUs
 * Mosaic targets a per-channel scheme would add code, not speed), the
 * tables' frames, and notifying a vCPU whose upcall flag went up.
 * Lock order: evtchn_lock, then the scheduler's lock (taken by a wake).
 */
#include "core/evtchn_domain.h"
#include "core/arch.h"
#include "core/env.h"
#include "core/errno.h"
#include "core/mm.h"
#include "core/pci.h"
#include "core/spinlock.h"
#include "core/vtime.h"

#define TABLE_FRAMES (EVTCHN_PORTS * sizeof(struct evtchn_port) / PAGE_SIZE)
_Static_assert(TABLE_FRAMES *PAGE_SIZE == EVTCHN_PORTS * sizeof(struct evtchn_port), "whole frames");
_Static_assert(EVTCHN_MAX_VCPUS == DOMAIN_MAX_VCPUS, "a table covers every vCPU of a domain");

static struct spinlock evtchn_lock = SPINLOCK_INIT; /* every domain's evtchn table */

uint64_t evtchn_lock_all(void)
{
    return spin_lock_irqsave(&evtchn_lock);
}

void evtchn_unlock_all(uint64_t flags)
{
    spin_unlock_irqrestore(&evtchn_lock, flags);
}

struct evtchn_table *evtchn_env_table(uint16_t dom)
{
    struct domain *d = domain_find(dom);

    ASSERT(spin_held_by_me(&evtchn_lock));
    return d && d->evtchn.ports ? &d->evtchn : NULL;
}

void evtchn_env_notify(struct evtchn_table *t, unsigned vcpu)
{
    struct domain *d = (struct domain *)(void *)((char *)t - offsetof(struct domain, evtchn));

    struct vcpu *v = &d->vcpus[vcpu];
    uint32_t vector = __atomic_load_n(&v->lapic.upcall_vector, __ATOMIC_SEQ_CST);

    ASSERT(vcpu < d->nr_vcpus);
    if (vector) /* HVMOP_set_evtchn_upcall_vector: the flag's rising edge, into its LAPIC */
        vlapic_set_irr(&v->lapic, vector);
    vtime_kick(v);
}

void evtchn_env_pending(struct evtchn_table *t, evtchn_port_t port)
{
    struct domain *d = (struct domain *)(void *)((char *)t - offsetof(struct domain, evtchn));

    for (unsigned i = 0; i < d->nr_vcpus; i++)
        vtime_poll_port_raised(&d->vcpus[i], port);
}

void evtchn_env_device_closed(struct evtchn_table *t, evtchn_port_t port, unsigned binding)
{
    ASSERT(spin_held_by_me(&evtchn_lock));
    pci_msi_port_closed(t->dom, port, binding);
}

int evtchn_domain_create(struct domain *d)
{
    paddr_t pa;

    if (frame_alloc_range(TABLE_FRAMES, 1, 0, &pa) != 0)
        return -ERR_NOMEM;
    memset(phys_to_virt(pa), 0, TABLE_FRAMES * PAGE_SIZE);
    d->evtchn_frames = pa;
    uint64_t f = evtchn_lock_all();
    evtchn_table_init(&d->evtchn, d->id, d->nr_vcpus, phys_to_virt(pa), phys_to_virt(d->shared_info));
    evtchn_unlock_all(f);
    return 0;
}

size_t evtchn_domain_destroy(struct domain *d)
{
    uint64_t f;

    if (!d->evtchn_frames)
        return 0;
    f = evtchn_lock_all();
    evtchn_close_all(&d->evtchn);
    d->evtchn.ports = NULL; /* from here on no peer finds it */
    evtchn_unlock_all(f);
    for (size_t i = 0; i < TABLE_FRAMES; i++)
        frame_free(d->evtchn_frames + i * PAGE_SIZE);
    d->evtchn_frames = 0;
    return TABLE_FRAMES;
}

void evtchn_domain_virq(struct domain *d, unsigned vcpu, unsigned virq)
{
    uint64_t f = evtchn_lock_all();

    if (d->evtchn.ports)
        evtchn_raise_virq(&d->evtchn, vcpu, virq);
    evtchn_unlock_all(f);
}

size_t evtchn_domain_frames(void)
{
    return TABLE_FRAMES;
}
