/* SPDX-License-Identifier: MIT */
/*
 * Recording fakes of the parts of netdrv the switch calls (ipstack.h,
 * nat.h, dhcpd.h, offload.h), for the switch's unit test and fuzz target
 * (netdrv_fake.c). They do the visible minimum of the real ones (NAT
 * rewrites the address, DHCP answers with a frame, offload completes and
 * cuts) and record every call and argument for the tests to check.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "dhcpd.h"

#define FAKE_ARP_MAX 8u

struct fake_net {
    /* ipstack */
    bool have_addr;
    uint32_t ip, mask, gw;
    struct {
        uint32_t ip;
        uint8_t mac[6];
    } arp[FAKE_ARP_MAX];
    unsigned narp;
    unsigned resolve_calls;
    uint32_t resolve_last;
    /* nat */
    int out_result;       /* what nat_outbound returns */
    int in_result;        /* what nat_inbound returns */
    uint32_t in_guest_ip; /* its new destination when in_result > 0 */
    unsigned out_calls, in_calls, del_calls, expire_calls;
    int out_port, del_port;
    uint32_t out_ip, in_ip;
    uint64_t out_now, expire_now;
    /* dhcpd */
    bool dhcp_silent; /* dhcpd_reply gives nothing */
    unsigned dhcp_calls;
    struct dhcpd_lease lease;
    /* offload */
    unsigned csum_calls, gso_calls, gso_segments;
};

extern struct fake_net fake_net;

/* fake_net_reset: everything zero; no host address. */
void fake_net_reset(void);
/* fake_arp_add: lwIP's ARP cache knows ip at mac. */
void fake_arp_add(uint32_t ip, const uint8_t mac[6]);
