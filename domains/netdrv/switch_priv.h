/* SPDX-License-Identifier: MIT */
/*
 * What the switch's two files share: the port table and the helpers of
 * switch.c (ports, dispatch, bridging, transmission with the offload
 * fallbacks) that route.c (the route and NAT modes' IP paths and proxy
 * ARP) calls. Not an interface for the rest of netdrv (that is switch.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"
#include "proto.h"
#include "switch.h"

/* The bridge segment of the NIC and the host port ("xenbr0"), and "in
 * no segment" (route and NAT vifs). */
#define SWITCH_SEG_MAIN    0u
#define SWITCH_SEG_NONE    0xffu
#define SWITCH_MAIN_BRIDGE "xenbr0"

struct switch_port {
    bool used;
    uint8_t seg;        /* SWITCH_SEG_* or the index of its bridge name */
    uint32_t router_ip; /* nat: netdrv's address on the vif (ip + 127 in the last octet) */
    struct switch_port_cfg cfg;
    const struct switch_port_ops *ops;
    void *ctx;
    struct switch_counters c;
    bool spoof_logged;     /* a spoofing line was logged ... */
    uint64_t spoof_log_ns; /* ... at this time */
};

/* Index 0 is never a port. */
extern struct switch_port switch_ports[SWITCH_PORTS_MAX + 1];
/* The time of the last switch_tick. */
extern uint64_t switch_now_ns;
/* The MAC netdrv shows guests on route and NAT vifs, as Xen's backend
 * vif does: fe:ff:ff:ff:ff:ff. */
extern const uint8_t switch_vif_side_mac[6];

/* switch_port_at: the port in use at index port, or NULL. */
struct switch_port *switch_port_at(int port);
/* switch_port_kind_index: the index of the (only) NIC or host port, 0 for none. */
int switch_port_kind_index(enum switch_port_kind kind);

/* switch_send: hand p (our reference) to port's xmit, completing its
 * checksum or segmenting it first when the port cannot take it as it is.
 * Counts tx (or dropped, on the port) as it goes. */
void switch_send(int port, struct pkt *p);
/* switch_drop: put p and count it dropped on port. */
void switch_drop(int port, struct pkt *p);
/* switch_spoofed: put p, count it spoofed on port, log (rate-limited)
 * the vif and the forged address (ip 0: a MAC only). */
void switch_spoofed(int port, struct pkt *p, const uint8_t mac[6], uint32_t ip);
/* switch_bridge: p into bridge segment seg as if it came in on in_port
 * (learning its source MAC when learn), to the port its destination
 * was learnt on or flooded to the segment but in_port. */
void switch_bridge(uint8_t seg, int in_port, struct pkt *p, bool learn);

/* route_from_vif: a frame from a route or NAT vif (source MAC already
 * checked). Consumes p. */
void route_from_vif(int port, struct pkt *p, const struct proto_eth *e);
/* route_intercept: a frame entering the main segment from in_port (the
 * NIC, the host port or a bridge vif of xenbr0) that the route and NAT
 * modes take over: proxy ARP for routed guests, IPv4 to a routed guest,
 * IPv4 to the host's address for NAT. True when p was consumed. */
bool route_intercept(int in_port, struct pkt *p, const struct proto_eth *e);
