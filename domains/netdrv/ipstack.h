/* SPDX-License-Identifier: MIT */
/*
 * netdrv's own IPv4 host on the outside network, on lwIP (Debian's
 * source, build/lwip.sh): its address (static, or from lwIP's DHCP
 * client), ARP, ICMP echo. It is one port of the switch (SWITCH_PORT_HOST)
 * with a MAC of its own: frames for it arrive through that port's xmit and
 * its frames go out through switch_input. The route and NAT modes ask it
 * for the outside next hop's MAC (lwIP's ARP cache) and for the address
 * NAT hides guests behind. Not thread-safe: netdrv's one event loop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The host's configuration, from netdrv's command line: ip=A.B.C.D/N
 * [gw=A.B.C.D], or ip=dhcp. */
struct ipstack_cfg {
    bool dhcp;
    uint32_t ip, mask, gw; /* network order; static only */
    uint8_t mac[6];        /* the host port's MAC */
};

/* ipstack_init: start lwIP with cfg and add the host port to the switch.
 * 0, or a negative errno. */
int ipstack_init(const struct ipstack_cfg *cfg) __attribute__((warn_unused_result));

/* ipstack_poll: lwIP's timers (ARP, DHCP, TCP) at now_ns. */
void ipstack_poll(uint64_t now_ns);

/* ipstack_addr: the host's address, netmask and gateway (network order);
 * false while it has none (DHCP not yet bound). */
bool ipstack_addr(uint32_t *ip, uint32_t *mask, uint32_t *gw);

/* ipstack_resolve: the MAC of on-link address ip (network order) from
 * lwIP's ARP cache: true and mac; false after asking (an ARP request is
 * sent; the caller drops or holds its frame and tries again later). */
bool ipstack_resolve(uint32_t ip, uint8_t mac[6]);

/* ipstack_port: the host's switch port (0 before ipstack_init). */
int ipstack_port(void);
