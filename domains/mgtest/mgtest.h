/* SPDX-License-Identifier: MIT */
/*
 * What mgtest's files share: the check and reporting helpers, the table
 * of management commands with a well-formed request for each, and the
 * probes every mode runs (sizes, addresses, unknown numbers). The modes
 * themselves live in mgtest.c (denied) and capable.c (capable, narrow);
 * the Xen toolstack powers over other domains in toolstack.c.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"
/* Xen's errno values, which the core returns negated (newlib's numbering
 * differs for some): XEN_EPERM, XEN_EINVAL, ... */
#include "idl/xen_errno.h"

#define MGTEST_PAGE_SIZE 4096u
#define MGTEST_NO_DOMAIN 63 /* a valid id that the scenarios never reach */

/* Every command's argument, with room for sizes past the largest. */
union mgmt_arg {
    struct mgmt_domain_create create;
    struct mgmt_domain_populate populate;
    struct mgmt_domain_copy copy;
    struct mgmt_vcpu_set_pvh set_pvh;
    struct mgmt_domain_sched sched;
    struct mgmt_vcpu_affinity affinity;
    struct mgmt_cap_grant cap_grant;
    struct mgmt_domain_unpause unpause;
    struct mgmt_domain_destroy destroy;
    struct mgmt_domain_info info;
    struct mgmt_gnttab_seed gnttab_seed;
    struct mgmt_ioport_permit ioport;
    struct mgmt_domain_pause pause;
    struct mgmt_domain_handover handover;
    struct mgmt_domain_list list;
    struct mgmt_vcpu_info vcpu_info;
    struct mgmt_phys_info phys_info;
    struct mgmt_log_read log_read;
    struct mgmt_domain_sched_get sched_get;
    struct mgmt_domain_set_maxmem set_maxmem;
    uint8_t bytes[256];
};

struct mgtest_command {
    const char *name;
    uint32_t cmd;
    size_t size;
    /* fill: a request that would succeed with the capability, aimed at
     * this domain itself (by number: it exists, nobody else controls it). */
    void (*fill)(union mgmt_arg *a);
};

extern const struct mgtest_command mgtest_commands[];
extern const size_t mgtest_nr_commands;
extern uint16_t mgtest_domid;   /* from domid=N; 0 when not given */
extern uint64_t mgtest_ram_end; /* end of the RAM the builder gave us */

/* mgtest_command: the table entry for cmd (never NULL for a known one). */
const struct mgtest_command *mgtest_command(uint32_t cmd);

/* mgtest_check: one TEST line; why is NULL for a pass. */
void mgtest_check(const char *name, const char *why);

/* mgtest_expect: mgtest_check with the expected error's Xen name appended
 * to the name ("_EINVAL"; nothing when want is 0, a success). */
void mgtest_expect(const char *name, long want, const char *why);

/* mgtest_why: a reason, formatted into one buffer that the next call
 * overwrites. */
const char *mgtest_why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mgtest_errno: "-22 (EINVAL)" for a hypercall's result, "0 (ok)" for 0;
 * one of two buffers used in turn, so two fit in one message. */
const char *mgtest_errno(long r);

/* mgtest_mgmt: the management hypercall, its result as is. */
long mgtest_mgmt(uint64_t cmd, uint64_t addr, uint64_t size);

/* mgtest_call: one request whose struct is at a, of size bytes: NULL if
 * it returned -want (0: success) and, when refused, left every byte of
 * the struct as it was; else why. */
const char *mgtest_call(uint32_t cmd, void *a, size_t size, long want);

/* mgtest_size: sizes one byte short and long, 0 and 2^64-1 are -EINVAL,
 * even at an address that cannot be read. */
const char *mgtest_size(const struct mgtest_command *c);

/* mgtest_fault: the right size at an address the domain cannot name is
 * -EFAULT. */
const char *mgtest_fault(const struct mgtest_command *c);

/* mgtest_nosys: unknown command and hypercall numbers are -ENOSYS (checks
 * of their own). */
void mgtest_nosys(void);

/* mgtest_info_self: MGMT_DOMAIN_INFO about the caller, DOMID_SELF, every
 * out field filled with a pattern first (the reserved field is 0). NULL,
 * or why. */
const char *mgtest_info_self(struct mgmt_domain_info *out);

/* mgtest_capable, mgtest_narrow: the checks of the two capable modes
 * (capable.c). */
void mgtest_capable(void);
void mgtest_narrow(void);
/* race.c: copies into a child racing its destruction (mode=race); calls
 * on a domain the core ends because its creator could not learn its id
 * (mode=create_race); a half-built child left by a crash (mode=orphan). */
void mgtest_race(void);
void mgtest_create_race(void);
void mgtest_orphan(void);
/* many.c: count tiny children alive at once, each run, timed, destroyed
 * (mode=many count=N). */
void mgtest_many(unsigned count);

/* control.c: pause, unpause, vCPU info, list and handover on running
 * children (mode=control). */
void mgtest_control(void);

/* mgtest_wait_gone: NULL once the destroyed domain domid, which this
 * domain controlled, is reaped (5 s at most), else why (capable.c). */
const char *mgtest_wait_gone(uint16_t domid);

/* The toolstack powers over another domain (toolstack.c): the rules for
 * a domain's own HVM params (any mode); everything refused without the
 * capability (denied) or without MGMT_CAP_DOMAIN_BUILD over the caller's
 * own child (narrow); and, holding it, ports, params and grant seeds in
 * child, which must be building with its first pages populated, and in a
 * domain it starts itself (capable). */
void mgtest_hvm_self(void);
void mgtest_toolstack_denied(void);
void mgtest_toolstack_narrow(uint16_t child);
void mgtest_toolstack(uint16_t child);
