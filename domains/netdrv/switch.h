/* SPDX-License-Identifier: MIT */
/*
 * The switch at the centre of netdrv: ports (each guest's vif, the NIC,
 * and netdrv's own host stack) and the rules that move frames between
 * them, in the three modes of Xen's vif scripts:
 *
 *   bridge (vif-bridge): a learning switch joining the vifs of one bridge
 *     name, the NIC and the host stack: guests are on the outside network.
 *   route (vif-route): the guest's address (ip=) is routed: netdrv answers
 *     ARP for it on the outside (proxy ARP) and for every address on the
 *     vif, and forwards IP between the vif and the outside (the next hop's
 *     MAC from the host stack's ARP, ipstack.h).
 *   nat (vif-nat): the guest sits on a private subnet (ip=, its router is
 *     netdrv at the same address plus 127 in the last octet, as vif-nat
 *     computes it), gets its address by DHCP from netdrv, and its
 *     connections leave masqueraded behind netdrv's outside address; only
 *     replies to them come back in.
 *
 * Anti-spoofing, as the vif scripts' ebtables/iptables rules: a vif's
 * frame with a source MAC not its own, or (route, nat) a source IP not its
 * own, is dropped and counted.
 *
 * Frames enter with switch_input and leave through each port's xmit; the
 * switch never blocks and never queues beyond what a port's xmit does.
 * Not thread-safe: netdrv is one event loop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

#define SWITCH_PORTS_MAX 64u
#define SWITCH_NAME      32u

enum switch_port_kind {
    SWITCH_PORT_VIF,  /* a guest's netfront, through netback */
    SWITCH_PORT_NIC,  /* the physical (virtio-net) NIC: the outside */
    SWITCH_PORT_HOST, /* netdrv's own stack (lwIP, ipstack.h) */
};

enum switch_mode {
    SWITCH_MODE_BRIDGE,
    SWITCH_MODE_ROUTE,
    SWITCH_MODE_NAT,
};

/* A port's configuration. For a vif it is what the toolstack wrote in
 * the vif's backend directory (mac, bridge, script, ip). */
struct switch_port_cfg {
    enum switch_port_kind kind;
    enum switch_mode mode;    /* vifs; the NIC and host port are in every mode */
    char name[SWITCH_NAME];   /* for log lines: "vif5.0", "nic", "host" */
    char bridge[SWITCH_NAME]; /* bridge mode: vifs with the same name share a segment */
    uint8_t mac[6];           /* the port's MAC: a vif's is the guest's */
    uint32_t ip;              /* route/nat: the guest's IPv4 address (network order) */
    uint8_t prefix;           /* nat: the private subnet's prefix length (default 24) */
    /* Whether the far side takes PKT_CSUM_PARTIAL frames and GSO frames of
     * each kind; the switch completes checksums and segments for those
     * that do not. */
    bool csum_partial_ok;
    bool gso_tcpv4_ok, gso_tcpv6_ok;
};

struct switch_port_ops {
    /* xmit: take p (one reference, now the port's) towards the port's far
     * side; the port puts it when done, and drops (puts and counts) what
     * it cannot send. Never blocks. */
    void (*xmit)(void *ctx, struct pkt *p);
};

struct switch_counters {
    uint64_t rx_frames, rx_bytes; /* frames that entered through the port */
    uint64_t tx_frames, tx_bytes; /* frames handed to its xmit */
    uint64_t spoofed;             /* dropped: source MAC or IP not the port's */
    uint64_t dropped;             /* dropped for another reason (no buffer, malformed, no route) */
};

/* switch_port_add: a new port; its index (>= 1; 0 is never a port) or
 * -XEN_ENOSPC (SWITCH_PORTS_MAX), -XEN_EINVAL (a route/nat vif without an
 * ip, a zero or multicast MAC). Logs one line naming the port and mode. */
int switch_port_add(const struct switch_port_cfg *cfg, const struct switch_port_ops *ops, void *ctx)
    __attribute__((warn_unused_result));
/* switch_port_del: the port is gone: its learnt addresses and NAT
 * mappings are forgotten; frames it holds are its own business. */
void switch_port_del(int port);

/* switch_input: a frame that came in through port (p->in_port is set
 * here); consumes the caller's reference. */
void switch_input(int port, struct pkt *p);

/* switch_tick: age learnt MACs and NAT mappings (call about once a
 * second with the runtime's time). */
void switch_tick(uint64_t now_ns);

/* switch_counters_get: a port's counters; false for no such port. */
bool switch_counters_get(int port, struct switch_counters *out);
