/* SPDX-License-Identifier: MIT */
/*
 * Hypercall dispatch: one table, indexed by Xen's hypercall numbers
 * (public/xen.h). Every handler decodes (copies and checks its arguments)
 * before it performs anything.
 */
#pragma once

#include "core/domain.h"

#define HCALL_ARGS 5

/* hcall_dispatch: run hypercall nr for v with args; returns the value the
 * guest sees in rax (a negative Xen errno on failure). When the handler
 * stopped early to continue later (hcall_continue), *again is set and
 * args hold the arguments to continue with: the caller puts them back in
 * the guest's registers and leaves its RIP on the hypercall instruction,
 * so the guest runs it again (other vCPUs and domains ran in between),
 * as Xen's continuations do; the return value is then ignored. */
int64_t hcall_dispatch(struct vcpu *v, uint64_t nr, uint64_t args[HCALL_ARGS], bool *again);

/* hcall_continue: called by a handler that did part of its work: the rest
 * is done by the same hypercall with argument i changed to value. */
void hcall_continue(struct vcpu *v, unsigned i, uint64_t value);

/* hcall_mgmt: Mosaic's management hypercall (idl/mgmt.idl): args are
 * (command, argument address, argument size). */
int64_t hcall_mgmt(struct vcpu *v, const uint64_t *a);
