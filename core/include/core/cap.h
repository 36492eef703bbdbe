/* SPDX-License-Identifier: MIT */
/*
 * Capabilities: what a domain may ask of the core beyond the Xen guest
 * ABI. A domain's set is given by the domain that controls it and can
 * only be narrowed on the way down, never widened. The core holds no
 * policy about who gets what: the builder and the control domain decide
 * when they delegate. Portable (host-tested).
 */
#pragma once

#include "core/types.h"

typedef uint64_t cap_t;

#define CAP_DOMAIN_CREATE  (1ull << 0) /* create domains (the creator controls them) */
#define CAP_DOMAIN_BUILD   (1ull << 1) /* give memory and start state to a controlled domain before it runs */
#define CAP_DOMAIN_CONTROL (1ull << 2) /* unpause, destroy, inspect, schedule controlled domains */
#define CAP_CAP_GRANT      (1ull << 3) /* hand a subset of one's own capabilities to a controlled domain */
#define CAP_IOPORT         (1ull << 4) /* let a controlled domain reach I/O ports one may reach oneself */
#define CAP_PCI            (1ull << 5) /* assign PCI functions to a controlled domain before it runs */
#define CAP_LOG            (1ull << 6) /* read the core's log */
#define CAP_ALL \
    (CAP_DOMAIN_CREATE | CAP_DOMAIN_BUILD | CAP_DOMAIN_CONTROL | CAP_CAP_GRANT | CAP_IOPORT | CAP_PCI | CAP_LOG)

/* cap_has: every bit of need is in held. */
static inline bool cap_has(cap_t held, cap_t need)
{
    return (held & need) == need;
}

/*
 * cap_check_grant: may a domain holding `granter` give `wanted` to another?
 * 0 when wanted is a subset of granter and granter includes CAP_CAP_GRANT;
 * -ERR_PERM otherwise; -ERR_INVAL for bits no capability has.
 */
int cap_check_grant(cap_t granter, cap_t wanted);
