/* SPDX-License-Identifier: MIT */
/*
 * Handlers of the Xen hypercall families that live in their own files,
 * for the dispatch table in hcall.c. Each decodes its guest arguments
 * before it performs anything and returns what the guest sees in rax.
 */
#pragma once

#include "core/domain.h"

/* hcall_event_channel_op: event_channel_op (32), the 2-level ABI. */
int64_t hcall_event_channel_op(struct vcpu *v, const uint64_t *a);

/* hcall_grant_table_op: grant_table_op (20), version 1. */
int64_t hcall_grant_table_op(struct vcpu *v, const uint64_t *a);

/* hcall_hvm_op: hvm_op (34): HVMOP_get_time, the callback-vector param. */
int64_t hcall_hvm_op(struct vcpu *v, const uint64_t *a);
