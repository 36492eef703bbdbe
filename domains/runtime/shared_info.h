/* SPDX-License-Identifier: MIT */
/*
 * Xen's shared-info page as the runtime reads it: the per-vCPU records
 * (pvclock, upcall flags) and the event-channel bitmaps. The layouts are
 * idl/xen.idl's (struct shared_info, vcpu_info, vcpu_time_info); the page
 * is mapped by runtime_time.c and read there and by evtchn.c.
 */
#pragma once

#include "idl/xen.h"
