/* SPDX-License-Identifier: MIT */
/*
 * HVM params (Xen's hvm_op HVMOP_set_param/HVMOP_get_param, public/hvm/
 * params.h): where a domain's XenStore and console rings are. A guest
 * reads its own (DOMID_SELF) as Linux's xenbus does; a toolstack holding
 * MGMT_CAP_DOMAIN_BUILD sets them for a domain it builds. Each function
 * returns 0 or a negative Xen errno.
 */
#pragma once

#include <stdint.h>

#include "idl/hvm.h" /* HVM_PARAM_*: STORE_PFN, STORE_EVTCHN, CONSOLE_PFN, CONSOLE_EVTCHN, ... */

/* hvm_param_set: param index of domain domid (DOMID_SELF: the caller) is
 * value. -EPERM for the caller's own frames (Xen leaves those to the
 * toolstack), or for another domain without the capability over it;
 * -ESRCH for no such domain; -EINVAL for an index Mosaic does not keep. */
long hvm_param_set(uint16_t domid, uint32_t index, uint64_t value);

/* hvm_param_get: *value = param index of domain domid (0 if never set);
 * *value is left alone on failure. Errors as hvm_param_set, except that a
 * domain may read all of its own. */
long hvm_param_get(uint16_t domid, uint32_t index, uint64_t *value);
