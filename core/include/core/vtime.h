/* SPDX-License-Identifier: MIT */
/*
 * Guest time, Xen style: each vCPU's pvclock record in its domain's
 * shared-info page (public/xen.h struct vcpu_time_info), and single-shot
 * timers that wake blocked vCPUs (public/vcpu.h); the LAPIC timers'
 * deadlines expire here too.
 */
#pragma once

#include "core/domain.h"

/* vtime_update: refresh v's pvclock record (if its domain mapped the
 * shared-info page). Called before v runs, on the CPU about to run it. */
void vtime_update(struct vcpu *v);

/* vtime_block: v asks to block (SCHEDOP_block, HLT). It stays runnable
 * if its timer already fired; never loses a wake-up racing with expiry. */
void vtime_block(struct vcpu *v);

/* vtime_kick: an event is pending for v: wake it if blocked, and make
 * it leave the guest if another CPU runs it (to take the upcall). */
void vtime_kick(struct vcpu *v);

/* vtime_set_timer: arm v's single-shot timer at deadline_ns (core time). */
void vtime_set_timer(struct vcpu *v, uint64_t deadline_ns);

/* vtime_poll: SCHEDOP_poll on v (the calling vCPU) for ports[0..n):
 * 0 at once when one is pending (v stays runnable); else v blocks (0)
 * until one is raised (even masked), any event for v arrives, or core
 * time passes deadline_ns (0: no deadline). -ERR_INVAL for a port out of
 * range, -ERR_FAULT instead of blocking when fault_after (the list could
 * not be read past n); v then stays runnable. */
#define VTIME_POLL_ANY 0xffffffffu /* poll_port: several ports, any raise wakes */
int vtime_poll(struct vcpu *v, const uint32_t *ports, unsigned n, bool fault_after, uint64_t deadline_ns)
    __attribute__((warn_unused_result));
/* vtime_poll_port_raised: port of v's domain went pending: wake v if it
 * polls that port. Any CPU, evtchn lock held. */
void vtime_poll_port_raised(struct vcpu *v, uint32_t port);

/* vtime_enter / vtime_leave: v is about to run / has stopped running on
 * this CPU: its runstate changes (running; runnable, blocked or offline
 * after), its pvclock record is refreshed (enter) and its registered
 * runstate area written. */
void vtime_enter(struct vcpu *v);
void vtime_leave(struct vcpu *v);
/* vtime_runstate_wake: v went from blocked or down to runnable. Any CPU. */
void vtime_runstate_wake(struct vcpu *v);
/* vtime_runstate_get: a consistent copy of v's runstate. Any CPU. */
void vtime_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);
/* vtime_runstate_register: v's runstate goes to guest-virtual gva from
 * now on (0: nowhere); written at once through caller's page tables. */
void vtime_runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva);

/* vtime_expire: fire every timer (and poll deadline) due at now; returns the earliest
 * deadline still pending (0 = none). Any CPU, any time. */
uint64_t vtime_expire(uint64_t now);

/* vtime_slice: slice_ns, or less so that v's turn ends when its next
 * timer (single-shot or LAPIC) is due, for vtime_expire to fire it; at
 * least 1 us. Any CPU. */
uint64_t vtime_slice(struct vcpu *v, uint64_t slice_ns);
