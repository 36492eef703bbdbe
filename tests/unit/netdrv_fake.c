/* SPDX-License-Identifier: MIT */
/*
 * The fakes of netdrv_fake.h. The checksums they touch they leave right
 * (the IPv4 header after an address rewrite) so a test can check what the
 * switch does on top.
 */
#include "netdrv_fake.h"

#include <string.h>

#include "idl/xen_errno.h"
#include "ipstack.h"
#include "nat.h"
#include "offload.h"
#include "proto.h"

#define FAKE_SEG_HDR 54u /* Ethernet, IPv4 and TCP without options: the fake's segments */

struct fake_net fake_net;

void fake_net_reset(void)
{
    memset(&fake_net, 0, sizeof(fake_net));
}

void fake_arp_add(uint32_t ip, const uint8_t mac[6])
{
    if (fake_net.narp < FAKE_ARP_MAX) {
        fake_net.arp[fake_net.narp].ip = ip;
        memcpy(fake_net.arp[fake_net.narp].mac, mac, 6);
        fake_net.narp++;
    }
}

bool ipstack_addr(uint32_t *ip, uint32_t *mask, uint32_t *gw)
{
    *ip = fake_net.ip;
    *mask = fake_net.mask;
    *gw = fake_net.gw;
    return fake_net.have_addr;
}

bool ipstack_resolve(uint32_t ip, uint8_t mac[6])
{
    fake_net.resolve_calls++;
    fake_net.resolve_last = ip;
    for (unsigned i = 0; i < fake_net.narp; i++) {
        if (fake_net.arp[i].ip == ip) {
            memcpy(mac, fake_net.arp[i].mac, 6);
            return true;
        }
    }
    return false;
}

/* Rewrite the IPv4 address at byte at (12 source, 16 destination). */
static int rewrite_ip(struct pkt *p, unsigned at, uint32_t addr)
{
    struct proto_ipv4 ip;

    if (proto_ipv4_parse(p, ETH_HLEN, &ip) != 0)
        return -XEN_EINVAL;
    memcpy(p->data + ip.l3 + at, &addr, 4);
    proto_ipv4_csum_set(p->data + ip.l3, ip.hlen);
    return 0;
}

int nat_outbound(struct pkt *p, int port, uint32_t outside_ip, uint64_t now_ns)
{
    fake_net.out_calls++;
    fake_net.out_port = port;
    fake_net.out_ip = outside_ip;
    fake_net.out_now = now_ns;
    if (p->refs != 1)
        return -XEN_EINVAL; /* the contract: the caller owns p alone */
    if (fake_net.out_result)
        return fake_net.out_result;
    return rewrite_ip(p, 12, outside_ip);
}

int nat_inbound(struct pkt *p, uint32_t outside_ip, uint64_t now_ns)
{
    (void)now_ns;
    fake_net.in_calls++;
    fake_net.in_ip = outside_ip;
    if (p->refs != 1)
        return -XEN_EINVAL;
    if (fake_net.in_result > 0 && rewrite_ip(p, 16, fake_net.in_guest_ip) != 0)
        return -XEN_EINVAL;
    return fake_net.in_result;
}

void nat_port_del(int port)
{
    fake_net.del_calls++;
    fake_net.del_port = port;
}

void nat_expire(uint64_t now_ns)
{
    fake_net.expire_calls++;
    fake_net.expire_now = now_ns;
}

unsigned nat_count(void)
{
    return 0;
}

bool dhcpd_is_request(const struct pkt *p)
{
    struct proto_hdrs h;

    return proto_parse(p, &h) == 0 && !h.v6 && h.proto == IP_PROTO_UDP &&
           get_be16(p->data + h.l4 + UDP_OFF_DPORT) == 67u;
}

struct pkt *dhcpd_reply(const struct pkt *p, const struct dhcpd_lease *lease)
{
    struct pkt *r;

    (void)p;
    fake_net.dhcp_calls++;
    fake_net.lease = *lease;
    if (fake_net.dhcp_silent)
        return NULL;
    r = pkt_alloc(342);
    if (r) {
        memset(r->data, 0, r->len);
        proto_eth_set(r, lease->client_mac, lease->server_mac);
    }
    return r;
}

int offload_csum_setup(struct pkt *p)
{
    (void)p;
    return -XEN_EINVAL;
}

int offload_csum_complete(struct pkt *p)
{
    fake_net.csum_calls++;
    if ((uint32_t)p->csum_start + p->csum_offset + 2u > p->len)
        return -XEN_EINVAL;
    p->flags = (uint16_t)((p->flags & ~PKT_CSUM_PARTIAL) | PKT_CSUM_VALID);
    return 0;
}

int offload_gso_segment(struct pkt *p, void (*out)(void *ctx, struct pkt *seg), void *ctx)
{
    uint32_t at;

    fake_net.gso_calls++;
    if (!p->gso_size || p->len <= FAKE_SEG_HDR) {
        pkt_put(p);
        return -XEN_EINVAL;
    }
    for (at = FAKE_SEG_HDR; at < p->len; at += p->gso_size) {
        uint32_t n = p->len - at < p->gso_size ? p->len - at : p->gso_size;
        struct pkt *s = pkt_alloc(FAKE_SEG_HDR + n);
        if (!s) {
            pkt_put(p);
            return -XEN_ENOMEM;
        }
        memcpy(s->data, p->data, FAKE_SEG_HDR);
        memcpy(s->data + FAKE_SEG_HDR, p->data + at, n);
        s->flags = PKT_CSUM_VALID;
        fake_net.gso_segments++;
        out(ctx, s);
    }
    pkt_put(p);
    return 0;
}
