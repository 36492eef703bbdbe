/* SPDX-License-Identifier: MIT */
/*
 * Event channels in a domain (mosaic/evtchn.h): the EVTCHNOP wrappers,
 * the 2-level scan of the shared-info bitmaps (selector word, then
 * pending & ~mask), handlers per port, blocking until an event, and the
 * upcall interrupt. The core sets bits; this side only clears them.
 */
#include <stddef.h>

#include "idl/evtchn.h"
#include "mosaic/evtchn.h"
#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"
#include "shared_info.h"

#define HANDLER_PORTS 1024 /* the core's limit per domain */

static struct {
    evtchn_handler_t fn;
    void *arg;
} handlers[HANDLER_PORTS];
static uint64_t upcalls[RUNTIME_MAX_VCPUS];

/* The shared-info bitmaps (after the 32 vcpu_info records). */
static volatile uint64_t *pending_words(void)
{
    return (volatile uint64_t *)(volatile void *)(runtime_shared_info() + offsetof(struct shared_info, evtchn_pending));
}

static volatile uint64_t *mask_words(void)
{
    return (volatile uint64_t *)(volatile void *)(runtime_shared_info() + offsetof(struct shared_info, evtchn_mask));
}

static volatile struct vcpu_info *my_vcpu_info(void)
{
    return (volatile struct vcpu_info *)(volatile void *)(runtime_shared_info() +
                                                          (size_t)runtime_vcpu_id() * sizeof(struct vcpu_info));
}

bool evtchn_ready(void)
{
    return platform_is_xen() && runtime_shared_info() != NULL;
}

static long evtchn_op(unsigned cmd, void *arg)
{
    return hypercall3(__HYPERVISOR_event_channel_op, cmd, (unsigned long)(uintptr_t)arg, 0);
}

long evtchn_alloc_unbound(uint16_t remote_dom, evtchn_port_t *port)
{
    return evtchn_alloc_unbound_in(DOMID_SELF, remote_dom, port);
}

long evtchn_alloc_unbound_in(uint16_t dom, uint16_t remote_dom, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { dom, remote_dom, 0 };
    long r = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    if (r == 0)
        *port = a.port;
    return r;
}

long evtchn_bind_interdomain(uint16_t remote_dom, evtchn_port_t remote_port, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain a = { remote_dom, 0, remote_port, 0 };
    long r = evtchn_op(EVTCHNOP_bind_interdomain, &a);

    if (r == 0)
        *port = a.local_port;
    return r;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq a = { virq, vcpu, 0 };
    long r = evtchn_op(EVTCHNOP_bind_virq, &a);

    if (r == 0)
        *port = a.port;
    return r;
}

long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi a = { vcpu, 0 };
    long r = evtchn_op(EVTCHNOP_bind_ipi, &a);

    if (r == 0)
        *port = a.port;
    return r;
}

long evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu a = { port, vcpu };

    return evtchn_op(EVTCHNOP_bind_vcpu, &a);
}

long evtchn_send(evtchn_port_t port)
{
    return evtchn_op(EVTCHNOP_send, &port);
}

long evtchn_close(evtchn_port_t port)
{
    return evtchn_op(EVTCHNOP_close, &port);
}

long evtchn_unmask(evtchn_port_t port)
{
    return evtchn_op(EVTCHNOP_unmask, &port);
}

long evtchn_status(uint16_t dom, evtchn_port_t port, struct evtchn_info *out)
{
    struct evtchn_status a = { .dom = dom, .port = port };
    long r = evtchn_op(EVTCHNOP_status, &a);

    if (r == 0)
        *out = (struct evtchn_info){ a.status, a.vcpu, a.u.interdomain.dom,
                                     a.status == EVTCHNSTAT_virq   ? a.u.virq
                                     : a.status == EVTCHNSTAT_pirq ? a.u.pirq
                                                                   : a.u.interdomain.port };
    return r;
}

void evtchn_mask(evtchn_port_t port)
{
    if (port < EVTCHN_PORTS_2L)
        __atomic_fetch_or(&mask_words()[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
}

void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *arg)
{
    if (port >= HANDLER_PORTS)
        return;
    handlers[port].arg = arg;
    __atomic_store_n(&handlers[port].fn, fn, __ATOMIC_RELEASE);
}

bool evtchn_test_and_clear(evtchn_port_t port)
{
    uint64_t bit = 1ull << (port % 64);

    return port < EVTCHN_PORTS_2L && (__atomic_fetch_and(&pending_words()[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit);
}

unsigned evtchn_dispatch(void)
{
    volatile struct vcpu_info *vi = my_vcpu_info();
    unsigned ran = 0;
    uint64_t sel;

    /* Flag first, then selector, then bitmaps: an event raised meanwhile
     * sets the flag again and is seen by the next dispatch. */
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned w = (unsigned)__builtin_ctzll(sel);
        uint64_t ready = pending_words()[w] & ~mask_words()[w];
        sel &= sel - 1;
        while (ready) {
            evtchn_port_t port = w * 64 + (unsigned)__builtin_ctzll(ready);
            evtchn_handler_t fn = port < HANDLER_PORTS ? __atomic_load_n(&handlers[port].fn, __ATOMIC_ACQUIRE) : NULL;
            ready &= ready - 1;
            if (fn && evtchn_test_and_clear(port)) {
                fn(port, handlers[port].arg);
                ran++;
            }
        }
    }
    return ran;
}

bool evtchn_pending_here(void)
{
    return __atomic_load_n(&my_vcpu_info()->evtchn_upcall_pending, __ATOMIC_SEQ_CST) != 0;
}

void evtchn_wait(uint64_t deadline_ns)
{
    volatile struct vcpu_info *vi = my_vcpu_info();

    if (deadline_ns)
        hypercall_set_singleshot_timer(runtime_vcpu_id(), deadline_ns, 0);
    /* The core checks the flag after it marks the vCPU blocked, so an
     * event raised between this test and the block is not lost. */
    while (!__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
        if (deadline_ns && runtime_time_ns() >= deadline_ns)
            break;
        hypercall_sched_block();
    }
}

/* From evtchn_entry.S with interrupts off, SSE state saved. */
void evtchn_upcall(void);
void evtchn_upcall(void)
{
    upcalls[runtime_vcpu_id()]++;
    evtchn_dispatch();
}

long evtchn_upcall_enable(uint8_t vector)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF,
        .index = HVM_PARAM_CALLBACK_IRQ,
        .value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT | vector,
    };

    if (vector < 0x20)
        return -XEN_EINVAL;
    trap_set_irq(vector, evtchn_upcall_entry);
    return hypercall3(__HYPERVISOR_hvm_op, HVMOP_set_param, (unsigned long)(uintptr_t)&p, 0);
}

void evtchn_upcall_irq_on(void)
{
    __asm__ volatile("sti" ::: "memory");
}

void evtchn_upcall_irq_off(void)
{
    __asm__ volatile("cli" ::: "memory");
}

uint64_t evtchn_upcall_count(void)
{
    return upcalls[runtime_vcpu_id()];
}
