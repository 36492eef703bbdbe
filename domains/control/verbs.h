/* SPDX-License-Identifier: MIT */
/*
 * The control domain's management verbs (xl's list, info, dmesg, pause,
 * unpause, destroy, vcpu-list, vcpu-pin, sched-credit, shutdown, reboot,
 * mem-set, mem-max), performed with
 * the core's management calls (idl/mgmt.idl) on the domains control
 * controls, and its own shut-down domains destroyed (verbs_reap). The
 * requests arrive decoded and checked (msg.c); the calls go through an
 * environment passed in (struct verbs_env), so this file is pure C: the
 * domain gives it the hypercall (verbs_domain.c), the host tests a
 * model of the core. Nothing here knows about frames, TLS or TCP.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "idl/build.h"
#include "idl/consctl.h"
#include "idl/control.h"

/* What the verbs need from their surroundings. */
struct verbs_env {
    /* The management hypercall: cmd with its struct (size bytes). */
    long (*mgmt)(void *ctx, uint32_t cmd, void *arg, size_t size);
    /* Sleep about ms milliseconds (destroy waits for the domain to go). */
    void (*sleep_ms)(void *ctx, unsigned ms);
    /* One line for the log, without its newline. */
    void (*log)(void *ctx, const char *line);
    /* XenStore through control's own connection: path's value into buf
     * (NUL-terminated, cut at cap - 1; its full length returned), or
     * path written; a negative errno (-XEN_ENODEV: no connection). */
    long (*xs_read)(void *ctx, const char *path, char *buf, size_t cap);
    long (*xs_write)(void *ctx, const char *path, const char *value);
    void *ctx;
    /* Crash on purpose once the answer is out (CONTROL_MSG_DEBUG_CRASH),
     * a test of the restart; NULL where there is no domain to crash. */
    void (*crash)(void *ctx);
    /* Ask the builder's build service to build spec (its image fields
     * left for this to fill) from the kernel's and the ramdisk's bytes
     * (page-aligned; ramdisk NULL: none): 0 with the builder's answer in
     * *rsp (its status, field and why), or a negative errno with a
     * reason in rsp->why (-XEN_EPERM: no build service; -XEN_EIO: no
     * answer). NULL: control cannot build (create is refused). */
    long (*build)(void *ctx, const struct build_spec *spec, const uint8_t *kernel, uint64_t kernel_size,
                  const uint8_t *ramdisk, uint64_t ramdisk_size, struct build_response *rsp);
    /* One exchange on the console channel (idl/consctl.idl): q sent (its
     * id set there), the response to it copied once into rsp, whatever
     * its fields say (verbs_console checks them). 0, -XEN_ENODEV (no
     * channel), -XEN_ETIMEDOUT (no answer in time), -XEN_EIO (the ring
     * broke). NULL: there is no console channel. */
    int (*console)(void *ctx, struct consctl_request *q, struct consctl_response *rsp);
    /* XenStore: the names of path's children, each NUL-terminated, into
     * buf; their bytes (more than cap: cut), or a negative errno
     * (-XEN_ENOENT: no such node). NULL: no store. */
    long (*xs_directory)(void *ctx, const char *path, char *buf, size_t cap);
    /* Ask the build service for op (BUILD_OP_ATTACH or BUILD_OP_DETACH)
     * on dev: 0 with the builder's answer in *rsp, or a negative errno
     * with a reason in rsp->why (as build). NULL: no build service. */
    long (*device)(void *ctx, uint32_t op, const struct build_device *dev, struct build_response *rsp);
};

/* How long destroy waits for the domain to be gone, as xl destroy does,
 * looking every VERBS_DESTROY_POLL_MS. */
#define VERBS_DESTROY_WAIT_MS 5000u
#define VERBS_DESTROY_POLL_MS 10u

/* verbs_find: the domain that q names (a control_domain_request's
 * qualifier, already checked with wire_qualifier_ok): all digits is an
 * id, else a name. Only control itself and the domains it controls are
 * found. *domid and name (CONTROL_NAME_MAX bytes, NUL-padded) on 0;
 * -XEN_ESRCH: none; -XEN_EEXIST: more than one has that name; another
 * negative errno when the core refuses a look (no capability). */
int verbs_find(const struct verbs_env *e, const char *q, uint16_t *domid, char *name)
    __attribute__((warn_unused_result));

/* verbs_list: control and the domains it controls with ids from first on,
 * ascending, at most CONTROL_LIST_MAX, into d; a->nr, a->now_ns set (the
 * header is the caller's). A domain that goes while it is looked at is
 * left out. 0 or the core's error (-XEN_EPERM without the capability). */
int verbs_list(const struct verbs_env *e, uint16_t first, struct control_list_answer *a, struct control_domain *d)
    __attribute__((warn_unused_result));

/* verbs_info: the machine's facts into a (its header is the caller's).
 * 0 or the core's error. */
int verbs_info(const struct verbs_env *e, struct control_info_answer *a) __attribute__((warn_unused_result));

/* verbs_dmesg: up to max (1..CONTROL_DMESG_MAX) bytes of the core's log
 * from byte index on into text; a->next, a->lost, a->len set. 0 or the
 * core's error (-XEN_EPERM without MGMT_CAP_LOG). */
int verbs_dmesg(const struct verbs_env *e, uint64_t index, uint32_t max, struct control_dmesg_answer *a, uint8_t *text)
    __attribute__((warn_unused_result));

/* verbs_pause, verbs_unpause, verbs_destroy: xl's verbs on domid (found
 * with verbs_find). -XEN_EPERM for control itself; otherwise the core's
 * answer (pause: -XEN_EBUSY when not running; unpause: -XEN_EINVAL when
 * not paused). Destroy waits until the domain is gone:
 * -XEN_ETIMEDOUT if it is still there after VERBS_DESTROY_WAIT_MS. */
int verbs_pause(const struct verbs_env *e, uint16_t domid) __attribute__((warn_unused_result));
int verbs_unpause(const struct verbs_env *e, uint16_t domid) __attribute__((warn_unused_result));
int verbs_destroy(const struct verbs_env *e, uint16_t domid) __attribute__((warn_unused_result));

/* verbs_vcpu_list: domid's vCPUs into v (CONTROL_VCPUS_MAX of room), its
 * id, name, vCPU count and the online CPUs into a. 0, -XEN_ESRCH (gone),
 * -XEN_EOVERFLOW (more vCPUs than an answer holds), the core's error. */
int verbs_vcpu_list(const struct verbs_env *e, uint16_t domid, struct control_vcpu_list_answer *a,
                    struct control_vcpu *v) __attribute__((warn_unused_result));

/* verbs_vcpu_pin: vCPU vcpu of domid (or each, CONTROL_VCPU_ALL) may run
 * on the CPUs of mask. -XEN_EPERM for control itself; -XEN_EINVAL: vcpu
 * past the domain's, or no online CPU in mask; the core's error. */
int verbs_vcpu_pin(const struct verbs_env *e, uint16_t domid, uint32_t vcpu, uint64_t mask)
    __attribute__((warn_unused_result));

/* verbs_sched: set what flags (CONTROL_SCHED_SET_*) name of weight and
 * cap (checked by the caller), then read both back into a (domid, weight,
 * cap; the rest is the caller's). -XEN_EPERM: a value to set for control
 * itself; the core's error. */
int verbs_sched(const struct verbs_env *e, uint16_t domid, uint16_t flags, uint16_t weight, uint32_t cap,
                struct control_sched_answer *a) __attribute__((warn_unused_result));

/* verbs_console: domid's console output from byte pos on into out
 * (CONTROL_CONSOLE_OUT_MAX bytes of room), and in_len (at most
 * CONTROL_CONSOLE_IN_MAX) bytes of in to its console, through the console
 * domain (e->console); a->next, lost, len, domid, in_taken set. The
 * console domain's answer is checked as any input: -XEN_EIO when it
 * breaks its protocol. -XEN_EPERM for control itself; -XEN_ENOENT: the
 * console domain serves no console of domid; -XEN_ENODEV,
 * -XEN_ETIMEDOUT: the channel's. */
int verbs_console(const struct verbs_env *e, uint16_t domid, uint64_t pos, const uint8_t *in, uint32_t in_len,
                  struct control_console_answer *a, uint8_t *out) __attribute__((warn_unused_result));

/* How often a waiting shutdown looks at the domain. */
#define VERBS_SHUTDOWN_POLL_MS 50u

/* verbs_shutdown: write "poweroff" or "reboot" (reason, a
 * CONTROL_SHUTDOWN_*) to domid's control/shutdown, once it has said it
 * supports that (control/feature-*); with CONTROL_SHUTDOWN_WAIT in
 * flags, then wait up to CONTROL_SHUTDOWN_WAIT_MS for it to shut down.
 * a->flags and a->shutdown_reason set. -XEN_EPERM for control itself;
 * -XEN_EBUSY: shut down already; -XEN_EOPNOTSUPP: no PV shutdown;
 * -XEN_ETIMEDOUT; the store's or the core's error. */
int verbs_shutdown(const struct verbs_env *e, uint16_t domid, uint16_t reason, uint16_t flags,
                   struct control_shutdown_answer *a) __attribute__((warn_unused_result));

/* The core's limit is a mem-set's target or a mem-max's maximum and
 * this much more, as libxl gives (LIBXL_MAXMEM_CONSTANT). */
#define VERBS_MAXMEM_SLACK_KIB 1024u

/* verbs_mem: mem-set (memory/target, at most memory/static-max) or,
 * with CONTROL_MEM_MAX in flags, mem-max (memory/static-max, never below
 * memory/target) of domid to kib (1..CONTROL_MEM_KIB_MAX, checked by the
 * caller); either way the core's limit becomes kib and
 * VERBS_MAXMEM_SLACK_KIB. a's target, limit and RAM now set. -XEN_EPERM
 * for control itself; -XEN_EINVAL: above the static maximum, below the
 * target, or a node that holds no KiB count; -XEN_ENOMEM: more than the
 * machine has; the store's or the core's error. */
int verbs_mem(const struct verbs_env *e, uint16_t domid, uint64_t kib, uint16_t flags, struct control_mem_answer *a)
    __attribute__((warn_unused_result));

/* verbs_reap: act on every domain control controls that has shut down,
 * as its config says (create.h's create_action: a domain control did
 * not create is destroyed): destroy it, destroy it and build it again
 * (restart), or keep it (preserve); one log line each: its id, name,
 * why and what was done. Returns how many it destroyed; *left (if not
 * NULL): how many it controls after that (UINT_MAX when the core would
 * not list them). */
unsigned verbs_reap(const struct verbs_env *e, unsigned *left);

/* verbs_device: the hot-plug request of type for domid (found), spec
 * checked again (devspec_check), then asked of the build service.
 * The outcome in a (status, devid, why; domid set; the rest is the
 * caller's): 0 always, the refusal in a->status. */
int verbs_device(const struct verbs_env *e, uint16_t type, uint16_t domid, const char *spec,
                 struct control_device_answer *a) __attribute__((warn_unused_result));

/* verbs_device_list: domid's devices of kind (CONTROL_DEVICE_*) from
 * its /local/domain/<domid>/device/vbd or vif, in id order, into d (at
 * most CONTROL_DEVICES_MAX); a->nr and a->domid set. 0 (none: nr 0),
 * -XEN_E2BIG (too many), -XEN_ENODEV (no store) or the store's error
 * (-XEN_EACCES: not opened to control). */
int verbs_device_list(const struct verbs_env *e, uint16_t domid, uint32_t kind, struct control_device_list_answer *a,
                      struct control_device *d) __attribute__((warn_unused_result));
