/* SPDX-License-Identifier: MIT */
/*
 * Domains and their vCPUs: creation with their memory, the life cycle
 * (running, shut down, destroyed), and the accounting that proves every
 * frame comes back. Who may create or destroy a domain is decided by
 * capabilities, not here. A domain and its vCPUs live in frames of their
 * own, counted in its books: how many domains exist is bounded by memory
 * (and the id space), not by a table in the core.
 */
#pragma once

#include "core/cap.h"
#include "core/credit.h"
#include "core/epoch.h"
#include "core/evtchn.h"
#include "core/gnttab.h"
#include "core/npt.h"
#include "core/spinlock.h"
#include "core/types.h"
#include "core/vcpu_arch.h"
#include "core/vlapic.h"
#include "core/vtd_space.h"
#include "idl/sched.h"
#include "idl/vcpu.h"

typedef uint16_t domid_t;

#define DOMAIN_MAX_VCPUS  8
#define DOMAIN_NAME_MAX   32
#define DOMAIN_CON_LINE   160
#define DOMAIN_HVM_PARAMS 4 /* store and console pfn and port (xen_hvm.c) */

/* Xen's shutdown reasons (idl/sched.idl SHUTDOWN_*). */
enum shutdown_reason {
    SHUTDOWN_POWEROFF = SHUTDOWN_poweroff,
    SHUTDOWN_REBOOT = SHUTDOWN_reboot,
    SHUTDOWN_SUSPEND = SHUTDOWN_suspend,
    SHUTDOWN_CRASH = SHUTDOWN_crash,
    SHUTDOWN_WATCHDOG = SHUTDOWN_watchdog,
};

enum vcpu_state {
    VCPU_DOWN = 0, /* not started or stopped */
    VCPU_RUNNABLE,
    VCPU_BLOCKED,
};

struct domain;

struct vcpu {
    struct domain *dom;
    unsigned id;
    enum vcpu_state state;              /* written by the CPU running it */
    unsigned cpu;                       /* where it runs (pinned for now) */
    int running_on;                     /* CPU inside vcpu_run for it, -1 when none (atomic) */
    bool yielded;                       /* asked to give up its slice: cleared by the run loop */
    bool in_sched;                      /* known to the scheduler: protected by the scheduler lock */
    bool initialised;                   /* has a start state (VCPUOP_initialise or the builder) */
    struct credit_vcpu sched;           /* protected by the scheduler lock */
    uint64_t timer_deadline;            /* single-shot timer, core ns; 0 = none (atomic) */
    uint32_t timer_fired;               /* it expired since it was set (atomic) */
    uint64_t poll_deadline;             /* SCHEDOP_poll's timeout, core ns; 0 = none (atomic) */
    uint32_t poll_port;                 /* SCHEDOP_poll: 0 not polling, VTIME_POLL_ANY, or the one port + 1 (atomic) */
    uint64_t vcpu_info_gfn;             /* frame of its registered vcpu_info (VCPUOP_register_vcpu_info), ~0 = in
                                           shared info: set once, under its domain's lock; read atomically */
    struct spinlock runstate_lock;      /* runstate */
    struct vcpu_runstate_info runstate; /* Xen's runstate, kept by vtime.c: protected by runstate_lock */
    uint64_t runstate_gva;              /* the registered runstate area, guest-virtual; 0 = none (atomic) */
    uint32_t in_guest;                  /* between VMRUN and its #VMEXIT (atomic; the CPU running it) */
    uint64_t exits;                     /* #VMEXITs taken (atomic; the CPU running it) */
    struct domain *held[2];             /* other domains its hypercall holds (domain_get): the CPU running it */
    uint64_t *hcall_args;               /* the running hypercall's arguments (hcall_continue): the CPU running it */
    bool hcall_again;                   /* that hypercall continues (hcall_continue): the CPU running it */
    struct vlapic lapic;                /* its local APIC (vlapic.h says who writes what) */
    struct vcpu_arch arch;
};

enum domain_state {
    DOMAIN_DEAD = 0, /* destroyed: waits for its deferred free (docs/deferred-free.md) */
    DOMAIN_CREATING, /* id taken, being set up by domain_create: nobody else finds it */
    DOMAIN_BUILDING, /* created, being given memory and start state; never ran */
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN, /* stopped; its memory is still held */
    DOMAIN_PAUSED,   /* ran; its controller stopped it until it unpauses it */
};

#define DOMID_NONE 0 /* no domain: the controller of a domain the core built */

/*
 * Lifetime: from domain_create to the deferred free that follows
 * domain_destroy. A pointer found without a lock (domain_find,
 * domain_first/domain_next) stays readable until the finder's CPU next
 * passes a quiescent point (retire.h), so the memory is never reused
 * under it; the state says whether the domain is still there.
 */
struct domain {
    domid_t id;
    enum domain_state state;     /* protected by domain_lock */
    enum shutdown_reason reason; /* valid in DOMAIN_SHUTDOWN */
    char name[DOMAIN_NAME_MAX];
    domid_t controller;         /* the domain that created it or was handed it (DOMID_NONE for the root and
                                   for a domain left with none): written under domain_lock */
    cap_t caps;                 /* what it may ask of the core (cap.h) */
    uint64_t max_pages;         /* RAM quota: written under lock (domain_set_max_pages) */
    uint64_t nr_pages;          /* RAM populated: protected by lock */
    struct credit_dom sched;    /* weight, cap, runtime: protected by the scheduler lock */
    bool destroy_requested;     /* its controller asked: reap when stopped */
    paddr_t shared_info;        /* its shared-info frame (owned by the core) */
    uint64_t shared_info_gfn;   /* where the guest mapped it; ~0 = nowhere: protected by lock */
    struct npt npt;             /* protected by lock */
    struct vtd_space dma;       /* DMA tables, from the first assigned function on (iommu.h): protected by lock */
    struct evtchn_table evtchn; /* protected by evtchn_lock (evtchn_domain.c) */
    paddr_t evtchn_frames;      /* the port table's frames; 0 before creation */
    /* Grant table (gnttab_domain.c): all protected by its lock. */
    struct gnttab_table gnttab;
    bool gnttab_live;                                /* others may find it */
    paddr_t gnttab_frames[GNTTAB_MAX_FRAMES];        /* entry frames, shared with the guest */
    paddr_t gnttab_active[GNTTAB_MAX_FRAMES];        /* active entries (core only) */
    paddr_t gnttab_maptrack[GNTTAB_MAPTRACK_FRAMES]; /* its mappings (core only) */
    uint64_t gnttab_gfn[GNTTAB_MAX_FRAMES];          /* where the guest placed each entry frame; ~0 = nowhere */
    size_t gnttab_orphaned;                          /* RAM frames left to mappings when it died */
    /* I/O ports (vcpu_ioports_permit): written only while it is building. */
    paddr_t iopm;       /* its I/O permission map; 0: none, every port denied */
    size_t arch_frames; /* frames of iopm */
    /* HVM params its toolstack leaves for it to read (xen_hvm.c); 0 until
     * set. Atomic: set by the domain or its controller, read by either. */
    uint64_t hvm_param[DOMAIN_HVM_PARAMS];
    uint32_t vm_assist;       /* bit n: VMASST_TYPE n is on (vm_assist); atomic, set by the domain */
    struct spinlock lock;     /* npt, nr_pages, shared_info_gfn, and a vCPU being initialised (VCPUOP_initialise) */
    unsigned nr_vcpus;        /* set at creation */
    struct spinlock con_lock; /* con_line and con_len: vCPUs of the domain write at once */
    char con_line[DOMAIN_CON_LINE]; /* console_io output waiting for '\n' */
    unsigned con_len;
    /* The domain list (domain.c), in creation order: written under
     * domain_lock, next read lock-free with atomic loads. */
    struct domain *next, *prev;
    uint32_t refs;             /* hypercall references (domain_get; atomic) */
    uint32_t dying;            /* the reaper claimed it (domain_claim_destroy; atomic) */
    size_t frames;             /* frames holding this struct and its vCPUs: set at creation */
    struct epoch_item retired; /* while those frames wait to be freed */
    uint64_t started_ns;       /* arch_time_ns() when it first ran; 0 before */
    uint64_t sched_mark_ns;    /* test.sched_report's mark of its runtime: the boot CPU's */
    struct vcpu vcpus[];       /* nr_vcpus of them, in the same frames */
};

/*
 * domain_create: a new, empty domain in DOMAIN_BUILDING with nr_vcpus
 * vCPUs (all down), a RAM quota of max_pages and no capabilities. Its id
 * is one no domain has held since the id space last wrapped.
 * 0 and *out, or -ERR_INVAL (bad vCPU count), -ERR_NOMEM (too few free
 * frames for its structures), -ERR_NOSPC (every domain id is in use).
 */
int domain_create(const char *name, unsigned nr_vcpus, uint64_t max_pages, domid_t controller, struct domain **out);

/* domain_set_max_pages: d's RAM quota becomes max_pages (XEN_DOMCTL_max_mem);
 * below nr_pages it takes nothing away, it only stops d from growing. */
void domain_set_max_pages(struct domain *d, uint64_t max_pages);

/*
 * domain_populate: zeroed RAM at guest frames [gfn, gfn + n), guest RWX.
 * Checks everything first: -ERR_OVERFLOW (range wraps or passes 2^36
 * frames), -ERR_NOMEM (quota or free frames), -ERR_EXIST (a frame is
 * there already). Nothing changes on failure. Takes d->lock.
 */
int domain_populate(struct domain *d, uint64_t gfn, uint64_t n);

/* domain_unpause: DOMAIN_BUILDING to DOMAIN_RUNNING when vCPU 0 has a
 * start state, or DOMAIN_PAUSED back to DOMAIN_RUNNING; else -ERR_INVAL. */
int domain_unpause(struct domain *d);

/* domain_pause: DOMAIN_RUNNING to DOMAIN_PAUSED; returns once no CPU
 * runs one of its vCPUs (never called on the caller's own domain: no
 * domain controls itself). -ERR_BUSY when d is not running. */
int domain_pause(struct domain *d);

/*
 * domain_handover: from now on `to` controls d (and hears of its
 * shutdown: at once if d is shut down already). -ERR_SRCH when `to` is
 * gone or shut down; -ERR_INVAL when `to` lacks CAP_DOMAIN_CONTROL or d
 * controls `to`, directly or through others (no loop of control).
 */
int domain_handover(struct domain *d, domid_t to);

/* domain_list_controlled: up to max ids of the domains `controller`
 * controls, ascending from first, into out (not those being destroyed).
 * Returns how many. */
unsigned domain_list_controlled(domid_t controller, domid_t first, domid_t *out, unsigned max);

/* domain_find: the domain with this id, or NULL (also while it is still
 * being created). */
struct domain *domain_find(domid_t id);

/* domain_destroy: take d's vCPUs out of the scheduler, free its frames
 * and tables, and retire d itself (its id is free from now on; its
 * frames go back once no CPU can be reading them). No CPU may hold one of
 * its vCPUs (panics otherwise: a core bug). Logs the frames returned. */
void domain_destroy(struct domain *d);

/* domain_shutdown: stop every vCPU of d, log the reason once. */
void domain_shutdown(struct domain *d, enum shutdown_reason reason);

/* domain_kill: stop d and have the reaper destroy it once no CPU runs it
 * and no hypercall holds it. The one way to end a domain that others may
 * already have found; any context, no lock held. */
void domain_kill(struct domain *d);

/*
 * domain_get / domain_put: a reference on d for the length of one
 * hypercall of another domain, which keeps the reaper from freeing d
 * meanwhile. get fails (false) once the reaper has claimed d, or once d
 * is destroyed. Any context; no lock held; d found since the caller's
 * last quiescent point.
 */
bool domain_get(struct domain *d) __attribute__((warn_unused_result));
void domain_put(struct domain *d);
/* domain_claim_destroy: the reaper's side: true when no hypercall holds
 * d, and none will get it from now on; domain_unclaim undoes it when the
 * destruction cannot go ahead yet. */
bool domain_claim_destroy(struct domain *d) __attribute__((warn_unused_result));
void domain_unclaim(struct domain *d);

/* domain_first / domain_next: every domain that exists, in creation
 * order (NULL at the end): the first, and the one after d. Lock-free:
 * each stays readable until the caller's CPU next passes a quiescent
 * point (retire.h); d may have been destroyed meanwhile. */
struct domain *domain_first(void);
struct domain *domain_next(const struct domain *d);

/* domain_flush_guest_tlb: after a change to d's nested page tables that
 * removed or narrowed a mapping, make sure no vCPU of d still uses the old
 * translation: every vCPU in guest mode on another CPU is made to exit
 * (each VMRUN flushes the guest TLB). Does not wait for CPUs outside the
 * guest, so it is safe with locks held. */
void domain_flush_guest_tlb(struct domain *d);

/* shutdown_reason_name: "poweroff", "reboot", ... */
const char *domain_reason_name(enum shutdown_reason r);

/* Guest memory, by guest-physical address (the core's own view: no
 * guest permission check). 0, or -ERR_FAULT if any page is unmapped. */
int domain_copy_to_phys(struct domain *d, uint64_t gpa, const void *src, size_t n);
int domain_copy_from_phys(struct domain *d, uint64_t gpa, void *dst, size_t n);
/* domain_guest_write: a write made on the guest's behalf: refused with
 * -ERR_FAULT where the guest itself may not write (read-only mappings). */
int domain_guest_write(struct domain *d, uint64_t gpa, const void *src, size_t n);
/* domain_guest_write_ok: 0 when the guest may write the byte at gpa,
 * else -ERR_FAULT. */
int domain_guest_write_ok(struct domain *d, uint64_t gpa);
