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
 * guest sees in rax (a negative Xen errno on failure). */
int64_t hcall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HCALL_ARGS]);

/* hcall_mgmt: Mosaic's management hypercall (idl/mgmt.idl): args are
 * (command, argument address, argument size). */
int64_t hcall_mgmt(struct vcpu *v, const uint64_t *a);

/* hcall_stub: the hypercall page's entry for hypercall nr, as Xen lays it
 * out for HVM guests: "mov $nr, %eax; vmmcall; ret", padded with int3. */
#define HCALL_STUB_SIZE 32
void hcall_stub(uint8_t out[HCALL_STUB_SIZE], unsigned nr);
