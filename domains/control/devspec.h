/* SPDX-License-Identifier: MIT */
/*
 * The spec of a hot-plug request (idl/control.idl, types 17 to 20) as
 * lib/xl reads it, shared by the control domain and tools/mosaic. Pure C.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/control.h"

/* devspec_is_disk, devspec_is_attach: what a hot-plug type is about. */
bool devspec_is_disk(uint16_t type);
bool devspec_is_attach(uint16_t type);

/* devspec_check: spec of a request of type (CONTROL_MSG_BLOCK_ATTACH,
 * _NET_ATTACH, _BLOCK_DETACH, _NET_DETACH) read as lib/xl reads it: a
 * DISKSPEC, a VIFSPEC, a virtual device name or number, a vif's handle or
 * MAC. 0, or -XEN_EINVAL with one line in why (cap bytes). */
int devspec_check(uint16_t type, const char *spec, char *why, size_t cap) __attribute__((warn_unused_result));
