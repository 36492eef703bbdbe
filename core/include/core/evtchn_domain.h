/* SPDX-License-Identifier: MIT */
/*
 * Event channels attached to domains (evtchn_domain.c): the lock every
 * table operation runs under, each domain's table and its frames, and
 * VIRQs raised by the core. The port bookkeeping itself is evtchn.h.
 */
#pragma once

#include "core/domain.h"
#include "core/evtchn.h"

/* evtchn_lock_all / evtchn_unlock_all: the one lock of all tables
 * (interrupts off while held). Every evtchn_* call of evtchn.h on a
 * live domain's table runs between them. */
uint64_t evtchn_lock_all(void);
void evtchn_unlock_all(uint64_t flags);

/* evtchn_domain_create: d's empty table (d->shared_info must exist).
 * 0 or -ERR_NOMEM. */
int evtchn_domain_create(struct domain *d) __attribute__((warn_unused_result));

/* evtchn_domain_destroy: close every port of d (peers go back to unbound)
 * and free the table; returns the frames freed. */
size_t evtchn_domain_destroy(struct domain *d);

/* evtchn_domain_virq: raise a VIRQ of d if it bound it. Takes the lock. */
void evtchn_domain_virq(struct domain *d, unsigned vcpu, unsigned virq);

/* evtchn_domain_frames: frames one table holds. */
size_t evtchn_domain_frames(void);
