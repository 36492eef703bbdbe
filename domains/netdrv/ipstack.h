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
 * [gw=A.B.C.D], or ip=dhcp; [mac=xx:xx:xx:xx:xx:xx]. Zeroed, then filled
 * by ipstack_parse_arg and completed by ipstack_cfg_finish. */
struct ipstack_cfg {
    bool dhcp;
    uint32_t ip, mask, gw; /* network order; static only */
    uint8_t mac[6];        /* the host port's MAC */
};

/* ipstack_parse_arg: one word of netdrv's command line into cfg:
 * ip=A.B.C.D/N (N 1..32), ip=dhcp, gw=A.B.C.D, mac=xx:xx:xx:xx:xx:xx (a
 * unicast MAC); a later ip= replaces an earlier one. 1 when the word was
 * one of these (cfg updated), 0 when it is not ours (cfg untouched),
 * -XEN_EINVAL when its value is bad (one log line saying why; cfg
 * untouched). [added with ipstack.c] */
int ipstack_parse_arg(const char *arg, struct ipstack_cfg *cfg) __attribute__((warn_unused_result));

/* ipstack_cfg_finish: after the last word: without ip=, DHCP; without
 * mac=, 02:6d:6f:00:HH:LL (locally administered, HHLL = domid: the same
 * across restarts, unique on one machine). 0, or -XEN_EINVAL (one log
 * line) for gw= with ip=dhcp or a gateway outside the static subnet.
 * [added with ipstack.c] */
int ipstack_cfg_finish(struct ipstack_cfg *cfg, uint16_t domid) __attribute__((warn_unused_result));

/* ipstack_init: start lwIP with cfg and add the host port to the switch.
 * 0, or a negative errno: -XEN_EINVAL (a zero or multicast MAC, a static
 * address without a mask), -XEN_EBUSY (started already), -XEN_ENOMEM
 * (lwIP's memory, for DHCP), or the switch's. Logs "netdrv: host A.B.C.D/N gw A.B.C.D" when the address is
 * set (a static one at once, DHCP's when bound). */
int ipstack_init(const struct ipstack_cfg *cfg) __attribute__((warn_unused_result));

/* ipstack_stop: the host port leaves the switch and lwIP forgets its
 * netif (ARP cache, DHCP lease); frames queued either way are dropped.
 * ipstack_init may follow. [added with ipstack.c, for tests] */
void ipstack_stop(void);

/* ipstack_poll: the frames queued between the host port and lwIP, both
 * ways, then lwIP's timers (ARP, DHCP, TCP); now_ns is the runtime's
 * clock as the loop read it (lwIP reads the same clock through
 * sys_now). Frames the switch gives the port are queued and frames lwIP
 * sends are queued, never passed on at once, so neither the switch nor
 * lwIP is ever re-entered: call it on every turn of the event loop, after
 * the other ports' input. */
void ipstack_poll(uint64_t now_ns);

/* ipstack_deadline_ns: when ipstack_poll next has work (lwIP's next
 * timer, or now_ns when frames are queued); UINT64_MAX for none.
 * [added with ipstack.c] */
uint64_t ipstack_deadline_ns(uint64_t now_ns);

/* ipstack_addr: the host's address, netmask and gateway (network order);
 * false while it has none (DHCP not yet bound). */
bool ipstack_addr(uint32_t *ip, uint32_t *mask, uint32_t *gw);

/* ipstack_resolve: the MAC of on-link address ip (network order) from
 * lwIP's ARP cache: true and mac; false after asking (an ARP request is
 * queued, at most one per address a second; the caller drops or holds
 * its frame and tries again later). */
bool ipstack_resolve(uint32_t ip, uint8_t mac[6]);

/* ipstack_port: the host's switch port (0 before ipstack_init). */
int ipstack_port(void);

/* ipstack_dropped: frames the host port dropped on their way into lwIP
 * (a GSO frame the switch should have cut, a checksum it could not
 * complete, no pbuf, a full queue) or out of it (no frame buffer).
 * [added with ipstack.c] */
uint64_t ipstack_dropped(void);
