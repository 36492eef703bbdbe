/* SPDX-License-Identifier: MIT */
/*
 * Domains and their vCPUs: creation with their memory, the life cycle
 * (running, shut down, destroyed), and the accounting that proves every
 * frame comes back. Who may create or destroy a domain is decided by
 * capabilities, not here.
 */
#pragma once

#include "core/npt.h"
#include "core/spinlock.h"
#include "core/types.h"
#include "core/vcpu_arch.h"

typedef uint16_t domid_t;

#define DOMAIN_MAX       64
#define DOMAIN_MAX_VCPUS 8
#define DOMAIN_NAME_MAX  32
#define DOMAIN_CON_LINE  160

/* Xen's shutdown reasons (public/sched.h SHUTDOWN_*). */
enum shutdown_reason {
    SHUTDOWN_POWEROFF = 0,
    SHUTDOWN_REBOOT = 1,
    SHUTDOWN_SUSPEND = 2,
    SHUTDOWN_CRASH = 3,
    SHUTDOWN_WATCHDOG = 4,
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
    enum vcpu_state state; /* written by the CPU running it */
    unsigned cpu;          /* where it runs (pinned for now) */
    struct vcpu_arch arch;
};

enum domain_state {
    DOMAIN_FREE = 0,
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN, /* stopped; its memory is still held */
};

struct domain {
    domid_t id;
    enum domain_state state;       /* protected by domain_lock */
    enum shutdown_reason reason;   /* valid in DOMAIN_SHUTDOWN */
    char name[DOMAIN_NAME_MAX];
    uint64_t mem_bytes;            /* guest RAM at [0, mem_bytes) */
    struct npt npt;                /* protected by the domain's own lock */
    struct spinlock lock;
    unsigned nr_vcpus;
    struct vcpu vcpus[DOMAIN_MAX_VCPUS];
    char con_line[DOMAIN_CON_LINE]; /* console_io output waiting for '\n' */
    unsigned con_len;
};

/*
 * domain_create: a new domain with mem_bytes of zeroed RAM mapped at
 * guest-physical 0 (RWX for the guest) and nr_vcpus vCPUs, all down.
 * Returns NULL (one log line saying why) when out of memory, slots, or
 * for a zero or unaligned size.
 */
struct domain *domain_create(const char *name, uint64_t mem_bytes, unsigned nr_vcpus);

/* domain_destroy: free the domain's frames, tables and slot. The domain
 * must not be running on any CPU. Logs the frames returned. */
void domain_destroy(struct domain *d);

/* domain_shutdown: stop every vCPU of d, log the reason once. */
void domain_shutdown(struct domain *d, enum shutdown_reason reason);

/* domain_slot: the domain in slot i, or NULL when the slot is free. */
struct domain *domain_slot(unsigned i);

/* domain_count: domains that exist (running or shut down). */
unsigned domain_count(void);

/* shutdown_reason_name: "poweroff", "reboot", ... */
const char *domain_reason_name(enum shutdown_reason r);

/* Guest memory, by guest-physical address (the core's own view: no
 * guest permission check). 0, or -ERR_FAULT if any page is unmapped. */
int domain_copy_to_phys(struct domain *d, uint64_t gpa, const void *src, size_t n);
int domain_copy_from_phys(struct domain *d, uint64_t gpa, void *dst, size_t n);
/* domain_guest_write: a write made on the guest's behalf: refused with
 * -ERR_FAULT where the guest itself may not write (read-only mappings). */
int domain_guest_write(struct domain *d, uint64_t gpa, const void *src, size_t n);
