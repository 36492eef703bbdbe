/* SPDX-License-Identifier: MIT */
/*
 * Xen's side of the Xen ABI test: the facts of tests/idl/xen_abi_list.h
 * as Xen's public headers (Debian's libxen-dev) give them, and Xen's whole
 * list of guest-visible errno names. The only file that includes Xen's
 * headers; it is built with -D__XEN_INTERFACE_VERSION__=
 * __XEN_LATEST_INTERFACE_VERSION__. A missing /usr/include/xen is an
 * error, not a skip: build/deps.sh installs it.
 */
#include <stddef.h>
#include <stdint.h>

#if !__has_include(<xen/io/ring.h>)
#error "Xen's public headers are missing (/usr/include/xen/io/ring.h): run build/deps.sh to install libxen-dev"
#endif

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/elfnote.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

#include "xen_abi_list.h"

#define XEN_SIDE(name, xen, mosaic) { name, (long long)(xen) },
const struct xen_abi_fact xen_abi_xen[] = { XEN_ABI_FACTS(XEN_SIDE) };
const size_t xen_abi_xen_count = sizeof(xen_abi_xen) / sizeof(xen_abi_xen[0]);

/* Xen's whole guest-visible list: xen/errno.h expands XEN_ERRNO(name, value) once per errno when included with it
 * defined. */
#define XEN_ERRNO(name, value) { #name, value },
const struct xen_abi_fact xen_abi_xen_errno_list[] = {
#include <xen/errno.h>
};
const size_t xen_abi_xen_errno_list_count = sizeof(xen_abi_xen_errno_list) / sizeof(xen_abi_xen_errno_list[0]);
