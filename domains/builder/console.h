/* SPDX-License-Identifier: MIT */
/*
 * The builder's side of the console domain (domains/console), done as
 * Xen's toolstack does it for xenconsoled: while a console domain runs,
 * every domain built gets a console page, the reserved grant entry
 * GNTTAB_RESERVED_CONSOLE and a port offered to the console domain, the
 * HVM params that name both, and the XenStore nodes libxl writes for a
 * domain's first console (front end in the domain's home, back end in the
 * console domain's). Also the I/O ports a manifest gives a domain. Each
 * call returns 0 or a negative Xen errno.
 */
#pragma once

#include <stdint.h>

#include "manifest.h"

/*
 * The console page's frame: libxc's special page for the console in a
 * PVH or HVM guest (special_pfn(SPECIALPAGE_CONSOLE): the last of the 8
 * pages that end at frame 0xff000, just below the 4 GiB hole), outside
 * the domain's RAM, which libxl's PVH memory map marks reserved.
 */
#define CONSOLE_GFN               0xfefffu
#define CONSOLE_SPECIAL_FIRST_GFN 0xfeff8u /* the reserved region: 8 frames */
#define CONSOLE_SPECIAL_PAGES     8u

/* console_extra_pages: frames md needs beyond its RAM (its console page
 * while a console domain runs): add to its max_pages at creation. */
uint64_t console_extra_pages(const struct manifest_domain *md);

/* console_ioports: give domid the I/O port ranges of md's ioports key. */
long console_ioports(uint16_t domid, const struct manifest_domain *md);

/*
 * console_prepare: domid (building, RAM populated) gets its console ring
 * when a console domain runs: the page at CONSOLE_GFN, grant ref 0 to the
 * console domain, a port offered to it, HVM_PARAM_CONSOLE_PFN/EVTCHN.
 * For md the console domain itself: remembers it (console_service_started
 * makes it active once it runs) and lets it watch @releaseDomain.
 */
long console_prepare(uint16_t domid, const struct manifest_domain *md);

/* console_introduce: after store_introduce, the console's XenStore nodes
 * (front end console/..., back end under the console domain's home), then
 * a domain's read of them; nothing when no console domain runs. */
long console_introduce(uint16_t domid);

/* console_offer_client: after console_introduce, for a domain holding
 * the control capability: the console channel's nodes (idl/consctl.idl),
 * front end and back end; nothing when no console domain runs. */
long console_offer_client(uint16_t domid);

/* console_service_started: the console domain runs (after its unpause). */
void console_service_started(const struct manifest_domain *md);
