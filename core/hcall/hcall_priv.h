/* SPDX-License-Identifier: MIT */
/*
 * Handlers of the Xen hypercall families that live in their own files,
 * for the dispatch table in hcall.c. Each decodes its guest arguments
 * before it performs anything and returns what the guest sees in rax.
 */
#pragma once

#include "core/cap.h"
#include "core/domain.h"
#include "core/hcall_decode.h"

/* hcall_in: the decode context of v's call of hypercall nr, and its
 * argument struct (hcall_decode_arg) copied into *buf exactly once.
 * Returns buf, or NULL when the copy faulted: the decoder says -EFAULT. */
const union hcall_arg *hcall_in(struct vcpu *v, uint64_t nr, const uint64_t *a, union hcall_arg *buf,
                                struct hcall_ctx *ctx) __attribute__((warn_unused_result));

/* hcall_controlled: the domain id names, when the caller holds need and
 * is its controller: 0 and *out; -ERR_PERM without the capability (before
 * looking the id up, so that a domain without it learns nothing about
 * other domains), -ERR_SRCH for no such domain, -ERR_PERM for a domain
 * someone else controls (or one being destroyed: -ERR_SRCH). Every power
 * over another domain, management command or Xen toolstack operation
 * alike, is checked here (mgmt.c). On success the domain is held (see
 * domain_get) until hcall_dispatch returns, at most two per hypercall. */
int hcall_controlled(struct vcpu *v, domid_t id, cap_t need, struct domain **out) __attribute__((warn_unused_result));

/* hcall_event_channel_op: event_channel_op (32), the 2-level ABI;
 * alloc_unbound and status also in a domain the caller controls with
 * CAP_DOMAIN_BUILD. */
int64_t hcall_event_channel_op(struct vcpu *v, const uint64_t *a);

/* hcall_grant_table_op: grant_table_op (20), version 1. */
int64_t hcall_grant_table_op(struct vcpu *v, const uint64_t *a);

/* hcall_hvm_op: hvm_op (34): HVMOP_get_time; get/set_param for the
 * callback vector and the store and console pfn and port, of the caller
 * or (CAP_DOMAIN_BUILD) of a domain it controls. */
int64_t hcall_hvm_op(struct vcpu *v, const uint64_t *a);
