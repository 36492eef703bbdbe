/* SPDX-License-Identifier: MIT */
/*
 * Event channels, Xen's 2-level ABI (public/event_channel.h, xen.h): each
 * domain has a table of ports; a port is unbound (offered to one domain),
 * bound to a port of another domain (or its own), to a virtual IRQ of one
 * of its vCPUs, to an IPI, or to a device interrupt (an MSI-X entry of an
 * assigned PCI function, core/pci/pci_msi.c). Raising a port sets its bit in the pending
 * bitmap of the domain's shared-info page and, unless masked, the vCPU's
 * selector bit and upcall flag; the vCPU is then notified.
 *
 * Portable bookkeeping (STYLE 18): no lock, no hardware, no allocation.
 * Every function expects the caller to hold the one lock that protects
 * all tables (kernel: evtchn_lock in evtchn_domain.c). The environment
 * supplies four hooks: evtchn_env_table (a domain's table by id),
 * evtchn_env_notify (tell a vCPU its upcall flag went up),
 * evtchn_env_pending (a port's pending bit went up, masked or not: for
 * vCPUs polling it) and evtchn_env_device_closed (a device port closed:
 * its interrupt is unbound), all called with that lock held.
 */
#pragma once

#include "core/types.h"
#include "idl/evtchn.h"
#include "idl/xen.h"

typedef uint32_t evtchn_port_t;

#define EVTCHN_PORTS      1024 /* per domain; Xen's default limit is 1023 usable */
#define EVTCHN_NR_VIRQS   NR_VIRQS
#define EVTCHN_MAX_VCPUS  8
#define EVTCHN_DOMID_SELF DOMID_SELF

/* The VIRQs Mosaic raises (idl/xen.idl). */
#define EVTCHN_VIRQ_TIMER   VIRQ_TIMER   /* per vCPU: its single-shot timer expired */
#define EVTCHN_VIRQ_DOM_EXC VIRQ_DOM_EXC /* global: a domain this one controls shut down */

/* EVTCHNOP_status results (idl/evtchn.idl). */
#define EVTCHN_STAT_CLOSED      EVTCHNSTAT_closed
#define EVTCHN_STAT_UNBOUND     EVTCHNSTAT_unbound
#define EVTCHN_STAT_INTERDOMAIN EVTCHNSTAT_interdomain
#define EVTCHN_STAT_PIRQ        EVTCHNSTAT_pirq
#define EVTCHN_STAT_VIRQ        EVTCHNSTAT_virq
#define EVTCHN_STAT_IPI         EVTCHNSTAT_ipi

enum evtchn_state {
    EVTCHN_FREE = 0,
    EVTCHN_RESERVED, /* port 0: never handed out, as on Xen */
    EVTCHN_UNBOUND,
    EVTCHN_INTERDOMAIN,
    EVTCHN_VIRQ,
    EVTCHN_IPI,
    EVTCHN_DEVICE, /* a device interrupt: remote_port names the core's binding */
};

/* One port: 8 bytes, so a table of EVTCHN_PORTS fills two frames. */
struct evtchn_port {
    uint8_t state;        /* enum evtchn_state */
    uint8_t virq;         /* EVTCHN_VIRQ: which */
    uint16_t vcpu;        /* the vCPU notified when it is raised */
    uint16_t remote_dom;  /* UNBOUND: who may bind; INTERDOMAIN: the peer */
    uint16_t remote_port; /* INTERDOMAIN: the peer's port; DEVICE: the binding */
};
_Static_assert(sizeof(struct evtchn_port) == 8, "evtchn_port packs into 8 bytes");

struct evtchn_table {
    uint16_t dom;                         /* the owning domain */
    uint16_t nr_vcpus;                    /* 1..EVTCHN_MAX_VCPUS */
    uint32_t in_use;                      /* ports not free, port 0 included */
    uint32_t upcall_vector;               /* HVM callback vector, 0 = none set */
    struct evtchn_port *ports;            /* EVTCHN_PORTS entries */
    uint8_t *shared;                      /* the domain's shared-info page (guest-writable) */
    uint8_t *vcpu_info[EVTCHN_MAX_VCPUS]; /* each vCPU's struct vcpu_info, in shared or where it registered
                                             one: written under the tables' lock, read atomically */
    uint16_t virq_port[EVTCHN_MAX_VCPUS][EVTCHN_NR_VIRQS]; /* 0 = not bound */
};

/* What EVTCHNOP_status reports (public/event_channel.h evtchn_status). */
struct evtchn_info {
    uint32_t status; /* EVTCHN_STAT_* */
    uint32_t vcpu;
    uint16_t remote_dom;     /* UNBOUND, INTERDOMAIN */
    uint32_t remote_or_virq; /* INTERDOMAIN: peer port; VIRQ: the VIRQ; PIRQ (a device): the binding */
};

/* Supplied by the environment; called with the tables' lock held. */
struct evtchn_table *evtchn_env_table(uint16_t dom); /* NULL: no such domain */
void evtchn_env_notify(struct evtchn_table *t, unsigned vcpu);
void evtchn_env_pending(struct evtchn_table *t, evtchn_port_t port);
void evtchn_env_device_closed(struct evtchn_table *t, evtchn_port_t port, unsigned binding);

/* evtchn_table_init: an empty table for domain dom over ports (zeroed,
 * EVTCHN_PORTS entries) and its shared-info page; port 0 is reserved. */
void evtchn_table_init(struct evtchn_table *t, uint16_t dom, unsigned nr_vcpus, struct evtchn_port *ports,
                       uint8_t *shared);

/*
 * The operations, each Xen's EVTCHNOP_* for the table's own domain. They
 * check everything before changing anything, and return the first check
 * that fails in Xen's order:
 *   alloc_unbound     -ERR_NOSPC (no free port)
 *   bind_interdomain  -ERR_SRCH (no such remote domain), -ERR_NOSPC,
 *                     -ERR_INVAL (remote port not unbound and offered to
 *                     this domain)
 *   bind_virq         -ERR_INVAL (VIRQ number), -ERR_INVAL (global VIRQ on
 *                     a vCPU other than 0), -ERR_NOENT (no such vCPU),
 *                     -ERR_EXIST (VIRQ already bound there), -ERR_NOSPC
 *   bind_ipi          -ERR_NOENT, -ERR_NOSPC
 *   bind_device       -ERR_NOSPC
 *   close, send       -ERR_INVAL (port not in use, or not of a kind that
 *                     allows it)
 *   status, unmask    -ERR_INVAL (port out of range)
 *   bind_vcpu         -ERR_NOENT, then -ERR_INVAL
 */
int evtchn_alloc_unbound(struct evtchn_table *t, uint16_t remote_dom, evtchn_port_t *port)
    __attribute__((warn_unused_result));
int evtchn_bind_interdomain(struct evtchn_table *t, uint16_t remote_dom, evtchn_port_t remote_port, evtchn_port_t *port)
    __attribute__((warn_unused_result));
int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
    __attribute__((warn_unused_result));
int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, evtchn_port_t *port) __attribute__((warn_unused_result));
/* evtchn_bind_device: a new port on vCPU 0 for the core's device-interrupt
 * binding number `binding` (no Xen operation makes one: the management
 * call MGMT_PCI_MSI_BIND does). EVTCHNOP_status says EVTCHNSTAT_pirq. */
int evtchn_bind_device(struct evtchn_table *t, unsigned binding, evtchn_port_t *port)
    __attribute__((warn_unused_result));
/* evtchn_close: frees port; an interdomain peer goes back to unbound,
 * offered to this domain again (Xen's rule); a device port's binding is
 * undone (evtchn_env_device_closed) before the port is free. */
int evtchn_close(struct evtchn_table *t, evtchn_port_t port) __attribute__((warn_unused_result));
/* evtchn_send: raises the peer (interdomain) or the port itself (IPI); a
 * send on an unbound port is dropped and succeeds, as on Xen. */
int evtchn_send(struct evtchn_table *t, evtchn_port_t port) __attribute__((warn_unused_result));
int evtchn_status(const struct evtchn_table *t, evtchn_port_t port, struct evtchn_info *out)
    __attribute__((warn_unused_result));
/* evtchn_unmask: clears port's mask bit; if it was set and the port is
 * pending, its vCPU is marked and notified (Xen's 2-level unmask). */
int evtchn_unmask(struct evtchn_table *t, evtchn_port_t port) __attribute__((warn_unused_result));
/* evtchn_bind_vcpu: notify another vCPU (interdomain, unbound, global
 * VIRQ and device ports only, as on Xen, where a PIRQ moves too). */
int evtchn_bind_vcpu(struct evtchn_table *t, evtchn_port_t port, uint32_t vcpu) __attribute__((warn_unused_result));

/* evtchn_raise_virq: raise VIRQ virq of vCPU vcpu (vCPU 0 for global
 * ones) if the domain bound it; nothing otherwise. */
void evtchn_raise_virq(struct evtchn_table *t, unsigned vcpu, unsigned virq);

/* evtchn_raise_device: raise port if it is still the device port of
 * binding (a closed or reused port is left alone); any context with the
 * lock held, the core's interrupt handler among them. */
void evtchn_raise_device(struct evtchn_table *t, evtchn_port_t port, unsigned binding);

/* evtchn_close_all: close every port (peers go to unbound), for a domain
 * being destroyed. */
void evtchn_close_all(struct evtchn_table *t);

/* evtchn_move_vcpu_info: vcpu's struct vcpu_info moves to rec (64
 * bytes the core may write, as VCPUOP_register_vcpu_info names them). What
 * the old record held is copied; then every selector bit and the upcall
 * flag go up and the vCPU is notified, so nothing pending is lost (Xen's
 * map_vcpu_info: the guest takes a spurious upcall). */
void evtchn_move_vcpu_info(struct evtchn_table *t, unsigned vcpu, uint8_t *rec);

/* evtchn_vcpu_info: the vCPU's struct vcpu_info, wherever it is now (read
 * atomically: no lock needed). */
uint8_t *evtchn_vcpu_info(const struct evtchn_table *t, unsigned vcpu);

/* evtchn_port_pending: whether port's pending bit is up (Xen's
 * evtchn_port_poll): 1 or 0, -ERR_INVAL for a port out of range. No lock
 * needed. */
int evtchn_port_pending(const struct evtchn_table *t, evtchn_port_t port) __attribute__((warn_unused_result));

/* evtchn_upcall_pending: the vCPU's upcall flag in shared info is up.
 * Reads guest memory once; needs no lock. */
bool evtchn_upcall_pending(const struct evtchn_table *t, unsigned vcpu);

/* Shared-info offsets of the 2-level ABI (idl/xen.idl), as unsigned ints. */
#define EVTCHN_SHARED_VCPU_SIZE   ((unsigned)sizeof(struct vcpu_info))
#define EVTCHN_SHARED_UPCALL      ((unsigned)offsetof(struct vcpu_info, evtchn_upcall_pending))
#define EVTCHN_SHARED_UPCALL_MASK ((unsigned)offsetof(struct vcpu_info, evtchn_upcall_mask))
#define EVTCHN_SHARED_PENDING_SEL ((unsigned)offsetof(struct vcpu_info, evtchn_pending_sel))
#define EVTCHN_SHARED_PENDING     ((unsigned)offsetof(struct shared_info, evtchn_pending))
#define EVTCHN_SHARED_MASK        ((unsigned)offsetof(struct shared_info, evtchn_mask))
