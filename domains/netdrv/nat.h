/* SPDX-License-Identifier: MIT */
/*
 * Masquerading for the NAT mode (switch.h): the connection table that
 * lets guests on private addresses reach the outside behind netdrv's one
 * outside address, as vif-nat's iptables MASQUERADE rule does. TCP and
 * UDP connections get an outside port, ICMP echo an outside identifier;
 * only packets that match a mapping come back in, so an unsolicited
 * connection from the outside never reaches a guest. Checksums are
 * updated incrementally, also for frames whose L4 checksum is still
 * partial (pkt.h: the field then holds the pseudo-header's sum). Other
 * IPv4 protocols and fragments are refused. Pure code; frames are
 * checked before every read.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

#define NAT_MAPPINGS_MAX 4096u
#define NAT_PORT_FIRST   20000u /* outside ports and ICMP ids handed out: [FIRST, LAST] */
#define NAT_PORT_LAST    59999u

/* nat_outbound: p is an IPv4 frame (Ethernet header at data) that vif
 * port (already anti-spoof checked) sends to the outside: its source
 * address becomes outside_ip and its source port (ICMP echo: identifier)
 * the mapping's, created if new. 0; -XEN_EINVAL (not TCP, UDP or ICMP
 * echo, a fragment, or truncated); -XEN_ENOSPC (no free mapping or
 * port). The caller owns p alone (pkt_unshare first). */
int nat_outbound(struct pkt *p, int port, uint32_t outside_ip, uint64_t now_ns) __attribute__((warn_unused_result));

/* nat_inbound: p is an IPv4 frame to outside_ip from the outside. If it
 * answers a mapping, its destination becomes the guest's address and
 * port and the vif's switch port is returned (> 0); 0 when it matches
 * nothing (the caller gives it to the host stack, which refuses it).
 * -XEN_EINVAL for a truncated frame. The caller owns p alone. */
int nat_inbound(struct pkt *p, uint32_t outside_ip, uint64_t now_ns) __attribute__((warn_unused_result));

/* nat_port_del: forget every mapping of a vif that went away. */
void nat_port_del(int port);

/* nat_expire: drop mappings idle too long (TCP: 2 h established, 2 min
 * after a FIN or RST, 2 min for one not yet answered; UDP 3 min; ICMP
 * 30 s). */
void nat_expire(uint64_t now_ns);

/* nat_count: live mappings (counters and tests). */
unsigned nat_count(void);
