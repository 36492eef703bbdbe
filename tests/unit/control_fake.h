/* SPDX-License-Identifier: MIT */
/*
 * A model of the core's management calls as the control domain sees
 * them (idl/mgmt.idl), for the host tests and the fuzz target of the
 * control domain's verbs (domains/control/verbs.c, msg.c): domains with
 * controllers, states, vCPUs, scheduling parameters, a log ring, the
 * machine's facts. Each call goes through the core's own decode step
 * (core/hcall/decode_mgmt.c), then the lookup in the core's order
 * (capability and control: -EPERM before -ESRCH); a call the core would
 * refuse for its fields (a size, a reserved field, a value out of range,
 * a vCPU past the domain's), or a command control has no business
 * making, is counted in bad_calls: control must check what the network
 * sent before it reaches the core, so that count stays 0.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/mgmt.h"
#include "verbs.h"

#define FAKE_DOMAINS 200
#define FAKE_DEVS    8                      /* devices a domain may have: 4 disks and 4 vifs */
#define FAKE_LOG_MAX (MGMT_LOG_RING + 8192) /* more than the ring: the oldest bytes are lost */

struct fake_domain {
    bool exists;
    bool dying; /* destroyed: infos still see it linger more times */
    unsigned linger;
    uint16_t id;
    uint16_t controller;
    char name[32];
    uint32_t state;    /* MGMT_STATE_* */
    uint32_t reason;   /* SHUTDOWN_* in MGMT_STATE_SHUTDOWN */
    uint32_t nr_vcpus; /* 1..8 */
    struct mgmt_vcpu_info vcpu[8];
    uint64_t nr_pages, max_pages, runtime_ns, started_ns;
    uint32_t weight, cap;
    /* Its XenStore nodes as control sees them: whether the builder opened
     * them to control (EACCES otherwise), whether the guest said it
     * supports PV shutdown (control/feature-poweroff and -reboot = 1),
     * control/shutdown, memory/target and static-max; obey: after that
     * many sleeps of control it shuts down as control/shutdown says (0:
     * never). */
    bool store_open, pv_shutdown;
    char shutdown_word[16];
    uint64_t target_kib, static_max_kib;
    unsigned obey;
    unsigned obeyed_at; /* the sleep during which it did (fake_core.sleeps) */
    /* Devices the build service attached (fake_device), in its store
     * directory device/vbd or device/vif; hang: the guest never closes
     * one (a detach times out, and removes it all the same). */
    struct fake_dev {
        bool used, disk;
        uint32_t devid;
        uint8_t mac[6];
    } devs[FAKE_DEVS];
    bool hang;
};

struct fake_core {
    struct fake_domain dom[FAKE_DOMAINS];
    uint16_t self;      /* the control domain's id */
    uint64_t self_caps; /* its MGMT_CAP_* */
    uint64_t online;    /* online CPUs */
    uint64_t now_ns, total_pages, free_pages;
    unsigned linger; /* infos a destroyed domain stays visible to */
    char log[FAKE_LOG_MAX];
    uint64_t log_len; /* bytes ever written; the ring keeps the last MGMT_LOG_RING */
    unsigned calls, bad_calls, sleeps, destroyed, builds, xs_writes, device_ops;
    unsigned crashes;  /* crashes asked for (CONTROL_MSG_DEBUG_CRASH) */
    char bad_why[160]; /* the first bad call */
    char lines[4096];  /* what the verbs logged, a line each */
};

/* fake_init: an empty machine (2 CPUs online, 512 MiB, no log) with the
 * control domain as domain self holding caps; dom[0] is it. */
void fake_init(struct fake_core *f, uint16_t self, uint64_t caps);

/* fake_add: a domain named name with nr_vcpus vCPUs (state each of its
 * vCPUs takes: MGMT_VCPU_*), in state (MGMT_STATE_*), controlled by
 * controller; its id is the next free one above the largest. NULL when
 * full. */
struct fake_domain *fake_add(struct fake_core *f, const char *name, uint16_t controller, uint32_t state,
                             uint32_t nr_vcpus, uint32_t vcpu_state);

/* fake_find: the existing domain id, or NULL. */
struct fake_domain *fake_find(struct fake_core *f, uint16_t id);

/* fake_log: append text to the core's log. */
void fake_log(struct fake_core *f, const char *text);

/* fake_scene: fake_init(f, 3, caps) and the domains of the control
 * tests: d4 spinner (running), d5 sleeper (blocked), d6 other (the
 * builder's), d7 and d8 twin (waiting for a CPU; blocked), d9 off
 * (powered off), d10 crashed (crashed), d11 wide (3 vCPUs, paused). */
void fake_scene(struct fake_core *f, uint64_t caps);

/* fake_env: the verbs' environment over f. */
struct verbs_env fake_env(struct fake_core *f);
