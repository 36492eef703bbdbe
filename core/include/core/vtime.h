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

/* vtime_expire: fire every timer due at now; returns the earliest
 * deadline still pending (0 = none). Any CPU, any time. */
uint64_t vtime_expire(uint64_t now);

/* vtime_slice: slice_ns, or less so that v's turn ends when its next
 * timer (single-shot or LAPIC) is due, for vtime_expire to fire it; at
 * least 1 us. Any CPU. */
uint64_t vtime_slice(struct vcpu *v, uint64_t slice_ns);
