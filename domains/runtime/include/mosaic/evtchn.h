/* SPDX-License-Identifier: MIT */
/*
 * Event channels for domain programs (Xen's 2-level ABI: public/
 * event_channel.h). Ports are bound with the hypercall wrappers below;
 * a port's events are then taken either by polling (evtchn_dispatch,
 * evtchn_wait) or, after evtchn_upcall_enable, by the upcall interrupt,
 * which runs the handlers set with evtchn_set_handler on the vCPU the
 * port notifies. Handlers run with interrupts off: they should note the
 * event and return. Every function returns 0 or a negative Xen errno.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/evtchn.h"
#include "idl/xen.h" /* VIRQ_*, DOMID_SELF */

typedef uint32_t evtchn_port_t;
typedef void (*evtchn_handler_t)(evtchn_port_t port, void *arg);

#define EVTCHN_PORTS_2L 4096 /* ports the 2-level bitmaps can name (x86_64) */

/* evtchn_info.status: EVTCHNOP_status's EVTCHNSTAT_* (idl/evtchn.idl). */
#define EVTCHN_CLOSED      EVTCHNSTAT_closed
#define EVTCHN_UNBOUND     EVTCHNSTAT_unbound
#define EVTCHN_INTERDOMAIN EVTCHNSTAT_interdomain
#define EVTCHN_VIRQ        EVTCHNSTAT_virq
#define EVTCHN_IPI         EVTCHNSTAT_ipi
#define EVTCHN_PIRQ        EVTCHNSTAT_pirq /* a device interrupt (MGMT_PCI_MSI_BIND) */

struct evtchn_info {
    uint32_t status;         /* EVTCHN_* */
    uint32_t vcpu;           /* the vCPU it notifies */
    uint16_t remote_dom;     /* UNBOUND, INTERDOMAIN */
    uint32_t remote_or_virq; /* INTERDOMAIN: the peer's port; VIRQ: the VIRQ; PIRQ: the core's binding */
};

long evtchn_alloc_unbound(uint16_t remote_dom, evtchn_port_t *port);
/* evtchn_alloc_unbound_in: a port in domain dom's table offered to
 * remote_dom (DOMID_SELF: the caller), as a toolstack makes a new
 * domain's store and console ports; needs MGMT_CAP_DOMAIN_BUILD over dom
 * (-EPERM otherwise, -ESRCH for no such domain). evtchn_status with that
 * dom reads such a port back. */
long evtchn_alloc_unbound_in(uint16_t dom, uint16_t remote_dom, evtchn_port_t *port);
long evtchn_bind_interdomain(uint16_t remote_dom, evtchn_port_t remote_port, evtchn_port_t *port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
long evtchn_status(uint16_t dom, evtchn_port_t port, struct evtchn_info *out);
/* evtchn_mask: stop port's notifications (its events stay pending). */
void evtchn_mask(evtchn_port_t port);

/* evtchn_set_handler: what evtchn_dispatch (or the upcall) calls for
 * port; NULL removes it. Events of a port without a handler stay
 * pending for evtchn_test_and_clear. */
void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *arg);

/* evtchn_test_and_clear: port was pending (and is not any more). */
bool evtchn_test_and_clear(evtchn_port_t port);

/* evtchn_dispatch: on the calling vCPU, clear the upcall flag and run the
 * handler of every pending, unmasked port that has one. Returns how many
 * handlers ran. */
unsigned evtchn_dispatch(void);

/* evtchn_pending_here: the calling vCPU's upcall flag is up (an event
 * waits for evtchn_dispatch). */
bool evtchn_pending_here(void);

/* evtchn_wait: block the vCPU until an event is pending for it or the
 * time deadline_ns (runtime_time_ns; 0 = none) passes. */
void evtchn_wait(uint64_t deadline_ns);

/* evtchn_upcall_enable: take events by interrupt at vector (0x20..0xff)
 * from now on: the runtime sets HVM_PARAM_CALLBACK_IRQ and its IDT entry;
 * interrupts are enabled on the vCPUs that call evtchn_upcall_irq_on. */
long evtchn_upcall_enable(uint8_t vector);
void evtchn_upcall_irq_on(void);
void evtchn_upcall_irq_off(void);
/* evtchn_upcall_count: upcall interrupts taken on the calling vCPU. */
uint64_t evtchn_upcall_count(void);

/* evtchn_ready: event channels work here (Xen ABI and shared info mapped). */
bool evtchn_ready(void);
