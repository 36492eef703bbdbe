/* SPDX-License-Identifier: MIT */
/*
 * The Xen PVH start-of-day structures: what the domain builder leaves in
 * memory and passes in %ebx at the PVH entry (struct hvm_start_info, its
 * module list and memory map; XEN_HVM_START_MAGIC_VALUE,
 * XEN_HVM_MEMMAP_TYPE_*), generated from idl/start_info.idl. The runtime
 * validates a start_info before anything else reads it (runtime.c).
 */
#pragma once

#include "idl/start_info.h"
