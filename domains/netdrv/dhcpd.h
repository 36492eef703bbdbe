/* SPDX-License-Identifier: MIT */
/*
 * The DHCP server of the NAT mode (RFC 2131/2132), as vif-nat has dom0's
 * dhcpd give each guest its ip=: every vif has exactly one lease, its own
 * address, so the server is a function of the request and the vif's
 * lease, with no state of its own. Answers DISCOVER with OFFER and
 * REQUEST for the vif's address with ACK (another address: NAK); ignores
 * everything else. Pure code; the request is checked before every read.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

struct dhcpd_lease {
    uint32_t client_ip;    /* the guest's address (network order) */
    uint32_t router_ip;    /* netdrv's address on the vif: option 3, and the server id (54) */
    uint32_t mask;         /* option 1 */
    uint32_t dns_ip;       /* option 6; 0: none */
    uint32_t lease_secs;   /* option 51 */
    uint8_t client_mac[6]; /* the vif's MAC: requests from another chaddr are ignored */
    uint8_t server_mac[6]; /* the source MAC of the reply */
};

/* dhcpd_is_request: p is a UDP/IPv4 frame to port 67 (the switch hands
 * such frames from NAT vifs here instead of routing them). */
bool dhcpd_is_request(const struct pkt *p);

/* dhcpd_reply: the reply frame to p (a new frame with one reference, for
 * the vif), or NULL when p gets none (malformed, not for this lease, a
 * message type the server ignores, or no buffer). p is not consumed. */
struct pkt *dhcpd_reply(const struct pkt *p, const struct dhcpd_lease *lease);
