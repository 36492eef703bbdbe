/* SPDX-License-Identifier: MIT */
/*
 * xl's network interface syntax (xl-network-configuration(5)), as far as
 * Mosaic carries it out: a PV vif served by a driver domain's netback
 * (domains/netdrv) in one of the modes of Xen's vif scripts, bridge,
 * route or nat. What xl accepts and Mosaic does not do (an emulated
 * ioemu NIC, rate limits, other scripts, mtu, devid) is refused with a
 * reason, never silently dropped; what xl itself ignores for a PV guest
 * (model, accel) is accepted with a warning. Pure string work on bounded
 * input: it builds on the host unchanged (tests/unit/xl_vif_test.c) and
 * is fuzzed (tests/fuzz/xl_vif_fuzz.c). It knows nothing of domains, and
 * draws no random numbers: a MAC left out is made by xl_vif_random_mac
 * from bits its caller supplies.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_VIF_SPEC_MAX       256 /* a VIFSPEC's bytes, without the NUL */
#define XL_VIF_NAME_MAX       16  /* bridge, vifname, gatewaydev: an interface name (IFNAMSIZ), with the NUL */
#define XL_VIF_BACKEND_MAX    32
#define XL_VIF_IP_MAX         64
#define XL_VIF_WHY_MAX        160      /* a reason or warning always fits (the value in it is cut) */
#define XL_VIF_BRIDGE_DEFAULT "xenbr0" /* xl.conf's vif.default.bridge */
#define XL_VIFS_MAX           4        /* vifs one domain may have (the builder's manifest, xl_cfg) */

/* The mode, after the vif script that sets it up on Xen. */
enum xl_vif_mode { XL_VIF_BRIDGE, XL_VIF_ROUTE, XL_VIF_NAT };

/* One vif as xl's VIFSPEC names it. */
struct xl_vif {
    uint8_t mac[6];                   /* the guest's MAC */
    bool mac_given;                   /* false: all zero until xl_vif_random_mac */
    enum xl_vif_mode mode;            /* from script=; bridge without one */
    bool script_given;                /* script= was written (its node is written then) */
    char bridge[XL_VIF_NAME_MAX];     /* given, or XL_VIF_BRIDGE_DEFAULT in bridge mode; else "" */
    char ip[XL_VIF_IP_MAX];           /* IPv4 addresses, blank-separated, each maybe with /prefix; "" if none */
    char vifname[XL_VIF_NAME_MAX];    /* the backend's name for it; "" when not given */
    char gatewaydev[XL_VIF_NAME_MAX]; /* route/nat: the backend's outside interface; "" when not given */
    char backend[XL_VIF_BACKEND_MAX]; /* backend=NAME, the driver domain; "" when not given */
    uint32_t handle;                  /* its id in XenStore: no part of the spec (devid= is refused), 0 from
                                         xl_vif_parse; a list's owner sets it (its place, or the first free) */
};

/*
 * xl_vif_parse: one VIFSPEC (spec, NUL-terminated, any bytes) into *out:
 * comma-separated key=value pairs, blanks before each key skipped, each
 * key at most once, all optional ("" is a vif with every default):
 *   mac=XX:XX:XX:XX:XX:XX  six hex pairs, a unicast address, not zero
 *   bridge=NAME            backend=NAME   vifname=NAME   gatewaydev=NAME
 *   script=vif-bridge|vif-route|vif-nat  (a path before it is dropped)
 *   ip=A.B.C.D[/N][ A.B.C.D[/N]...]      required by route and nat
 *   type=vif   (ioemu refused)  model=..., accel=... (ignored, warned of)
 *   rate=..., mtu=..., devid=...         (refused: not done here)
 * Returns 0, or -XEN_EINVAL with a one-line reason in why (cap bytes,
 * NUL-terminated; XL_VIF_WHY_MAX holds any), *out then undefined. On
 * success why holds a one-line warning, or "" when there is none.
 */
int xl_vif_parse(const char *spec, struct xl_vif *out, char *why, size_t cap);

/* xl_vif_random_mac: a MAC in Xen's range, 00:16:3e:xx:xx:xx, its last
 * three octets the low 24 bits of bits, into mac. */
void xl_vif_random_mac(uint8_t mac[6], uint64_t bits);

/* xl_vif_mode_name: "bridge", "route" or "nat". */
const char *xl_vif_mode_name(enum xl_vif_mode mode);

/* xl_vif_script_name: the script's name as the backend node "script"
 * holds it: "vif-bridge", "vif-route" or "vif-nat". */
const char *xl_vif_script_name(enum xl_vif_mode mode);

/* xl_vif_name_parse: a vif as xl network-detach names it: its handle
 * (decimal digits, below 2^31) into *handle with *by_mac false, or its
 * MAC (as mac= takes it) into mac with *by_mac true. 0 or -XEN_EINVAL. */
int xl_vif_name_parse(const char *name, uint32_t *handle, uint8_t mac[6], bool *by_mac);
