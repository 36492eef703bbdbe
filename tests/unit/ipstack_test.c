/* SPDX-License-Identifier: MIT */
/*
 * netdrv's host stack (domains/netdrv/ipstack.c) on the host's build of
 * lwIP (build/lwip.sh --host): its command-line words, and frames through
 * a recording switch: ARP and ping answered by lwIP, ipstack_resolve's
 * miss, request and hit, DHCP from DISCOVER to bound, the drops of frames lwIP
 * cannot take. The runtime's clock is the test's.
 */
#include "ipstack.h"

#include <string.h>

#include "drivers_env.h"
#include "harness.h"
#include "idl/xen_errno.h"
#include "mosaic/time.h"
#include "offload.h"
#include "pkt.h"
#include "switch.h"

#define HOST_PORT 3

static const uint8_t host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t far_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x09 };
static const uint8_t host_ip[4] = { 192, 0, 2, 2 }, peer_ip[4] = { 192, 0, 2, 1 }, far_ip[4] = { 192, 0, 2, 9 };

/* ---- the runtime's clock, the switch and offload, as ipstack.c sees them ---- */

static uint64_t clock_ns = 5 * TIME_NS_PER_S;

uint64_t runtime_time_ns(void)
{
    return clock_ns;
}

static struct {
    struct switch_port_cfg cfg;
    const struct switch_port_ops *ops;
    void *ctx;
    bool added;
    struct pktq sent; /* frames the host stack sent */
} sw;

int switch_port_add(const struct switch_port_cfg *cfg, const struct switch_port_ops *ops, void *ctx)
{
    EXPECT_FALSE(sw.added);
    sw.cfg = *cfg;
    sw.ops = ops;
    sw.ctx = ctx;
    sw.added = true;
    return HOST_PORT;
}

void switch_port_del(int port)
{
    EXPECT_EQ(port, HOST_PORT);
    EXPECT_TRUE(sw.added);
    sw.added = false;
}

void switch_input(int port, struct pkt *p)
{
    EXPECT_EQ(port, HOST_PORT);
    pktq_push(&sw.sent, p);
}

/* offload.c is not under test here: this one checks what it is given and
 * fails on request, so the test sees what ipstack.c does with the result. */
static unsigned csum_calls;
static int csum_result;

int offload_csum_complete(struct pkt *p)
{
    csum_calls++;
    EXPECT_TRUE(p->flags & PKT_CSUM_PARTIAL);
    EXPECT_EQ(p->refs, 1); /* made its own before changing it */
    if (csum_result)
        return csum_result;
    p->flags = PKT_CSUM_VALID;
    return 0;
}

/* ---- frames ---- */

static uint16_t get16(const uint8_t *b)
{
    return (uint16_t)(b[0] << 8 | b[1]);
}

static void put16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static uint16_t inet_sum(const uint8_t *b, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += get16(b + i);
    if (n & 1)
        s += (uint32_t)b[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static size_t eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, unsigned type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, type);
    return 14;
}

static size_t arp_frame(uint8_t *f, unsigned op, const uint8_t *smac, const uint8_t *sip, const uint8_t *tmac,
                        const uint8_t *tip)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    size_t n = eth_hdr(f, op == 1 ? bcast : tmac, smac, 0x0806);
    uint8_t *a = f + n;

    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, smac, 6);
    memcpy(a + 14, sip, 4);
    memcpy(a + 18, tmac, 6);
    memcpy(a + 24, tip, 4);
    return n + 28;
}

static size_t ping_frame(uint8_t *f, uint16_t seq)
{
    size_t n = eth_hdr(f, host_mac, peer_mac, 0x0800);
    uint8_t *ip = f + n, *icmp = ip + 20;

    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + 16);
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, peer_ip, 4);
    memcpy(ip + 16, host_ip, 4);
    put16(ip + 10, inet_sum(ip, 20));
    memset(icmp, 0, 8);
    icmp[0] = 8;
    put16(icmp + 4, 0x1234);
    put16(icmp + 6, seq);
    for (unsigned i = 0; i < 16; i++)
        icmp[8 + i] = (uint8_t)i;
    put16(icmp + 2, inet_sum(icmp, 8 + 16));
    return n + 20 + 8 + 16;
}

/* dhcp_frame: the server's (192.0.2.1) OFFER (2) or ACK (5) of
 * 192.0.2.50/24, router 192.0.2.1, to the client of xid and chaddr. */
static size_t dhcp_frame(uint8_t *f, unsigned type, const uint8_t *xid, const uint8_t *chaddr)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t yiaddr[4] = { 192, 0, 2, 50 };
    size_t n = eth_hdr(f, bcast, peer_mac, 0x0800);
    uint8_t *ip = f + n, *udp = ip + 20, *b = udp + 8, *o = b + 240;
    const uint8_t opts[] = { 53, 1, (uint8_t)type, 54,  4,   192, 0, 2, 1,   51, 4, 0, 0,  0x0e, 0x10,
                             1,  4, 255,           255, 255, 0,   3, 4, 192, 0,  2, 1, 255 };
    size_t blen = 240 + sizeof(opts);

    memset(ip, 0, 20 + 8 + blen);
    b[0] = 2; /* BOOTREPLY */
    b[1] = 1;
    b[2] = 6;
    memcpy(b + 4, xid, 4);
    memcpy(b + 16, yiaddr, 4);
    memcpy(b + 28, chaddr, 6);
    memcpy(b + 236, (const uint8_t[4]){ 0x63, 0x82, 0x53, 0x63 }, 4);
    memcpy(o, opts, sizeof(opts));
    put16(udp, 67);
    put16(udp + 2, 68);
    put16(udp + 4, (unsigned)(8 + blen)); /* checksum 0: none (UDP over IPv4) */
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(20 + 8 + blen));
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, peer_ip, 4);
    memset(ip + 16, 0xff, 4);
    put16(ip + 10, inet_sum(ip, 20));
    return n + 20 + 8 + blen;
}

/* give: a frame from the switch to the host port, then a turn of the loop. */
static void give_pkt(struct pkt *p)
{
    sw.ops->xmit(sw.ctx, p);
    ipstack_poll(clock_ns);
}

static struct pkt *frame_pkt(const uint8_t *f, size_t len)
{
    struct pkt *p = pkt_alloc((uint32_t)len);

    memcpy(p->data, f, len);
    return p;
}

static void give(const uint8_t *f, size_t len)
{
    give_pkt(frame_pkt(f, len));
}

/* sent_next: the host stack's next frame (the caller puts it), or NULL. */
static struct pkt *sent_next(void)
{
    return pktq_pop(&sw.sent);
}

static void start_static(void)
{
    struct ipstack_cfg cfg = { 0 };

    memcpy(&cfg.ip, host_ip, 4);
    memcpy(&cfg.gw, peer_ip, 4);
    cfg.mask = 0x00ffffffu; /* 255.255.255.0 in network order */
    memcpy(cfg.mac, host_mac, 6);
    EXPECT_EQ(ipstack_init(&cfg), 0);
    ipstack_poll(clock_ns);
    pktq_purge(&sw.sent); /* the gratuitous ARP of netif_set_up */
}

/* start_with_peer: started, the peer in its ARP cache (the peer asked
 * for it; the answer is dropped). */
static void start_with_peer(void)
{
    uint8_t f[64];

    start_static();
    give(f, arp_frame(f, 1, peer_mac, peer_ip, (const uint8_t[6]){ 0 }, host_ip));
    EXPECT_EQ(sw.sent.n, 1);
    pktq_purge(&sw.sent);
}

/* stop: the host stack gone, every frame buffer back in the pool. */
static void stop(void)
{
    unsigned small, big;

    ipstack_stop();
    pktq_purge(&sw.sent);
    EXPECT_FALSE(sw.added);
    pkt_pool_free(&small, &big);
    EXPECT_EQ(small, 64);
    EXPECT_EQ(big, 2);
}

/* ---- command line ---- */

TEST(parse_static)
{
    struct ipstack_cfg cfg = { 0 };
    const uint8_t mask[4] = { 255, 255, 240, 0 };

    EXPECT_EQ(ipstack_parse_arg("ip=192.0.2.2/20", &cfg), 1);
    EXPECT_EQ(ipstack_parse_arg("gw=192.0.2.1", &cfg), 1);
    EXPECT_EQ(ipstack_parse_arg("mac=02:aa:bb:cc:dd:EE", &cfg), 1);
    EXPECT_EQ(ipstack_parse_arg("bridge=xenbr0", &cfg), 0);
    EXPECT_EQ(ipstack_parse_arg("verbose", &cfg), 0);
    EXPECT_FALSE(cfg.dhcp);
    EXPECT_EQ(memcmp(&cfg.ip, host_ip, 4), 0);
    EXPECT_EQ(memcmp(&cfg.mask, mask, 4), 0);
    EXPECT_EQ(memcmp(&cfg.gw, peer_ip, 4), 0);
    EXPECT_EQ(memcmp(cfg.mac, (const uint8_t[6]){ 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 6), 0);
    EXPECT_EQ(ipstack_cfg_finish(&cfg, 7), 0);
    EXPECT_EQ(cfg.mac[5], 0xee); /* given: kept */
    EXPECT_EQ(ipstack_parse_arg("ip=10.0.0.1/32", &cfg), 1);
    EXPECT_EQ(cfg.mask, 0xffffffffu);
    EXPECT_EQ(ipstack_parse_arg("ip=dhcp", &cfg), 1);
    EXPECT_TRUE(cfg.dhcp);
    EXPECT_EQ(cfg.ip, 0);
}

TEST(parse_errors)
{
    static const char *const bad[] = {
        "ip=",
        "ip=192.0.2.2",
        "ip=192.0.2.2/",
        "ip=192.0.2.2/0",
        "ip=192.0.2.2/33",
        "ip=192.0.2/24",
        "ip=192.0.2.256/24",
        "ip=192.0.2.2.1/24",
        "ip=192.0.2.2/24x",
        "ip=0.0.0.0/8",
        "ip=224.0.0.1/4",
        "ip=DHCP",
        "ip= 192.0.2.2/24",
        "ip=1922.0.2.2/24",
        "gw=",
        "gw=192.0.2",
        "gw=0.0.0.0",
        "gw=192.0.2.1/24",
        "mac=",
        "mac=02:00:00:00:00",
        "mac=02:00:00:00:00:01:02",
        "mac=02-00-00-00-00-01",
        "mac=0g:00:00:00:00:01",
        "mac=01:00:5e:00:00:01",
        "mac=00:00:00:00:00:00",
        "mac=2:00:00:00:00:01",
    };
    struct ipstack_cfg cfg = { 0 }, zero = { 0 };

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        log_clear();
        if (ipstack_parse_arg(bad[i], &cfg) != -XEN_EINVAL)
            test_fail(__FILE__, __LINE__, "%s accepted", bad[i]);
        EXPECT_EQ(log_count(), 1);
        EXPECT_LOGF("netdrv: %s: ", bad[i]);
    }
    EXPECT_EQ(memcmp(&cfg, &zero, sizeof(cfg)), 0); /* untouched */
}

TEST(cfg_finish)
{
    struct ipstack_cfg cfg = { 0 };

    EXPECT_EQ(ipstack_cfg_finish(&cfg, 0x1234), 0);
    EXPECT_TRUE(cfg.dhcp); /* no ip=: DHCP */
    EXPECT_EQ(memcmp(cfg.mac, (const uint8_t[6]){ 0x02, 0x6d, 0x6f, 0x00, 0x12, 0x34 }, 6), 0);

    memset(&cfg, 0, sizeof(cfg));
    EXPECT_EQ(ipstack_parse_arg("ip=dhcp", &cfg), 1);
    EXPECT_EQ(ipstack_parse_arg("gw=192.0.2.1", &cfg), 1);
    EXPECT_EQ(ipstack_cfg_finish(&cfg, 1), -XEN_EINVAL);
    EXPECT_LOG("gw= goes with a static ip=");

    memset(&cfg, 0, sizeof(cfg));
    EXPECT_EQ(ipstack_parse_arg("ip=192.0.2.2/24", &cfg), 1);
    EXPECT_EQ(ipstack_parse_arg("gw=192.0.3.1", &cfg), 1);
    EXPECT_EQ(ipstack_cfg_finish(&cfg, 1), -XEN_EINVAL);
    EXPECT_LOG("gw= is outside the host's subnet");
    EXPECT_EQ(ipstack_parse_arg("gw=192.0.2.254", &cfg), 1);
    EXPECT_EQ(ipstack_cfg_finish(&cfg, 1), 0);
}

/* ---- frames ---- */

TEST(init_static)
{
    struct ipstack_cfg cfg = { 0 };
    uint32_t ip, mask, gw;

    EXPECT_EQ(ipstack_port(), 0);
    EXPECT_FALSE(ipstack_addr(&ip, &mask, &gw));
    EXPECT_EQ(ipstack_init(&cfg), -XEN_EINVAL); /* no MAC */
    start_static();
    EXPECT_LOG("netdrv: host 192.0.2.2/24 gw 192.0.2.1");
    EXPECT_EQ(ipstack_port(), HOST_PORT);
    EXPECT_EQ(sw.cfg.kind, SWITCH_PORT_HOST);
    EXPECT_EQ(memcmp(sw.cfg.mac, host_mac, 6), 0);
    EXPECT_FALSE(sw.cfg.csum_partial_ok || sw.cfg.gso_tcpv4_ok || sw.cfg.gso_tcpv6_ok);
    EXPECT_TRUE(ipstack_addr(&ip, &mask, &gw));
    EXPECT_EQ(memcmp(&ip, host_ip, 4), 0);
    EXPECT_EQ(mask, 0x00ffffffu);
    EXPECT_EQ(memcmp(&gw, peer_ip, 4), 0);
    EXPECT_EQ(ipstack_init(&cfg), -XEN_EBUSY);
    stop();
    EXPECT_EQ(ipstack_port(), 0);
    EXPECT_FALSE(ipstack_addr(&ip, &mask, &gw));
}

TEST(arp_reply)
{
    uint8_t f[64];
    struct pkt *p;

    start_static();
    give(f, arp_frame(f, 1, peer_mac, peer_ip, (const uint8_t[6]){ 0 }, host_ip));
    p = sent_next();
    EXPECT_TRUE(p != NULL);
    if (p) {
        EXPECT_EQ(memcmp(p->data, peer_mac, 6), 0);
        EXPECT_EQ(memcmp(p->data + 6, host_mac, 6), 0);
        EXPECT_EQ(get16(p->data + 12), 0x0806);
        EXPECT_EQ(get16(p->data + 20), 2); /* reply */
        EXPECT_EQ(memcmp(p->data + 22, host_mac, 6), 0);
        EXPECT_EQ(memcmp(p->data + 28, host_ip, 4), 0);
        EXPECT_EQ(memcmp(p->data + 32, peer_mac, 6), 0);
        EXPECT_EQ(memcmp(p->data + 38, peer_ip, 4), 0);
        EXPECT_EQ(p->len, 60); /* padded to Ethernet's minimum, with zeros */
        for (unsigned i = 42; i < p->len; i++)
            EXPECT_EQ(p->data[i], 0);
        EXPECT_EQ(p->flags, PKT_CSUM_VALID);
        pkt_put(p);
    }
    EXPECT_EQ(sw.sent.n, 0);

    /* Someone else's address: no answer. */
    give(f, arp_frame(f, 1, peer_mac, peer_ip, (const uint8_t[6]){ 0 }, far_ip));
    EXPECT_EQ(sw.sent.n, 0);
    stop();
}

TEST(ping_reply)
{
    uint8_t f[128];
    size_t n;
    struct pkt *p;

    start_with_peer();
    n = ping_frame(f, 7);
    give(f, n);
    p = sent_next();
    EXPECT_TRUE(p != NULL);
    if (p) {
        const uint8_t *ip = p->data + 14, *icmp = ip + 20;
        EXPECT_EQ(p->len, 60); /* n, padded to Ethernet's minimum */
        EXPECT_EQ(memcmp(p->data, peer_mac, 6), 0);
        EXPECT_EQ(get16(p->data + 12), 0x0800);
        EXPECT_EQ(memcmp(ip + 12, host_ip, 4), 0);
        EXPECT_EQ(memcmp(ip + 16, peer_ip, 4), 0);
        EXPECT_EQ(inet_sum(ip, 20), 0);
        EXPECT_EQ(icmp[0], 0); /* echo reply */
        EXPECT_EQ(get16(icmp + 6), 7);
        EXPECT_EQ(memcmp(icmp + 8, f + 14 + 28, 16), 0);
        EXPECT_EQ(inet_sum(icmp, 8 + 16), 0);
        pkt_put(p);
    }

    /* A bad ICMP checksum: lwIP drops it. */
    n = ping_frame(f, 8);
    f[14 + 20 + 2] ^= 0xff;
    give(f, n);
    EXPECT_EQ(sw.sent.n, 0);
    stop();
}

TEST(resolve)
{
    uint8_t f[64], mac[6] = { 0 };
    uint32_t far;
    struct pkt *p;

    memcpy(&far, far_ip, 4);
    EXPECT_FALSE(ipstack_resolve(far, mac)); /* not started */
    start_static();
    EXPECT_FALSE(ipstack_resolve(far, mac));
    EXPECT_EQ(sw.sent.n, 0); /* queued until the loop turns */
    ipstack_poll(clock_ns);
    p = sent_next();
    EXPECT_TRUE(p != NULL);
    if (p) {
        EXPECT_EQ(memcmp(p->data, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 6), 0);
        EXPECT_EQ(get16(p->data + 12), 0x0806);
        EXPECT_EQ(get16(p->data + 20), 1); /* request */
        EXPECT_EQ(memcmp(p->data + 38, far_ip, 4), 0);
        pkt_put(p);
    }
    /* Asked again within the second: no second request. */
    clock_ns += TIME_NS_PER_S / 2;
    ipstack_poll(clock_ns);
    EXPECT_FALSE(ipstack_resolve(far, mac));
    ipstack_poll(clock_ns);
    EXPECT_EQ(sw.sent.n, 0);

    give(f, arp_frame(f, 2, far_mac, far_ip, host_mac, host_ip));
    EXPECT_TRUE(ipstack_resolve(far, mac));
    EXPECT_EQ(memcmp(mac, far_mac, 6), 0);
    EXPECT_EQ(sw.sent.n, 0);
    stop();
}

TEST(resolve_asks_again_later)
{
    uint8_t mac[6];
    uint32_t far;

    memcpy(&far, far_ip, 4);
    start_static();
    EXPECT_FALSE(ipstack_resolve(far, mac));
    ipstack_poll(clock_ns);
    EXPECT_EQ(sw.sent.n, 1);
    clock_ns += 2 * TIME_NS_PER_S;
    ipstack_poll(clock_ns);
    pktq_purge(&sw.sent);
    EXPECT_FALSE(ipstack_resolve(far, mac));
    ipstack_poll(clock_ns);
    EXPECT_EQ(sw.sent.n, 1);
    stop();
}

TEST(dhcp)
{
    uint8_t f[400], xid[4] = { 0 };
    struct ipstack_cfg cfg = { 0 };
    uint32_t ip, mask, gw;
    struct pkt *p;

    EXPECT_EQ(ipstack_parse_arg("ip=dhcp", &cfg), 1);
    EXPECT_EQ(ipstack_cfg_finish(&cfg, 5), 0);
    EXPECT_EQ(ipstack_init(&cfg), 0);
    EXPECT_LOG("netdrv: host asks DHCP for an address (mac 02:6d:6f:00:00:05)");
    EXPECT_FALSE(ipstack_addr(&ip, &mask, &gw));
    ipstack_poll(clock_ns);
    p = sent_next();
    EXPECT_TRUE(p != NULL);
    if (p) {
        const uint8_t *ip4 = p->data + 14, *udp = ip4 + 20, *bootp = udp + 8;
        EXPECT_EQ(get16(p->data + 12), 0x0800);
        EXPECT_EQ(ip4[9], 17);
        EXPECT_EQ(get16(udp), 68);
        EXPECT_EQ(get16(udp + 2), 67);
        EXPECT_EQ(bootp[0], 1); /* BOOTREQUEST */
        EXPECT_EQ(memcmp(bootp + 28, cfg.mac, 6), 0);
        memcpy(xid, bootp + 4, 4);
        pkt_put(p);
    }
    EXPECT_EQ(sw.sent.n, 0);

    /* OFFER, REQUEST, ACK, lwIP's ARP probe of the address, bound. */
    give(f, dhcp_frame(f, 2, xid, cfg.mac));
    p = sent_next();
    EXPECT_TRUE(p != NULL);
    if (p) {
        EXPECT_EQ(get16(p->data + 14 + 20), 68); /* the REQUEST */
        pkt_put(p);
    }
    give(f, dhcp_frame(f, 5, xid, cfg.mac));
    pktq_purge(&sw.sent);
    EXPECT_FALSE(ipstack_addr(&ip, &mask, &gw)); /* probing first */
    for (unsigned i = 0; i < 4; i++) {
        clock_ns += TIME_NS_PER_S / 2;
        ipstack_poll(clock_ns);
    }
    pktq_purge(&sw.sent);
    EXPECT_TRUE(ipstack_addr(&ip, &mask, &gw));
    EXPECT_EQ(memcmp(&ip, (const uint8_t[4]){ 192, 0, 2, 50 }, 4), 0);
    EXPECT_EQ(memcmp(&gw, peer_ip, 4), 0);
    EXPECT_LOG("netdrv: host 192.0.2.50/24 gw 192.0.2.1");
    stop();
}

TEST(drops)
{
    uint8_t f[128];
    size_t n;
    struct pkt *p;

    start_with_peer();
    n = ping_frame(f, 1);

    /* A GSO frame: the switch should have cut it; dropped and counted. */
    p = frame_pkt(f, n);
    p->gso_type = PKT_GSO_TCPV4;
    p->gso_size = 1448;
    give_pkt(p);
    EXPECT_EQ(ipstack_dropped(), 1);
    EXPECT_EQ(sw.sent.n, 0);

    /* A partial checksum offload cannot complete: dropped. */
    csum_result = -XEN_EINVAL;
    p = frame_pkt(f, n);
    p->flags = PKT_CSUM_PARTIAL;
    give_pkt(p);
    EXPECT_EQ(csum_calls, 1);
    EXPECT_EQ(ipstack_dropped(), 2);
    EXPECT_EQ(sw.sent.n, 0);

    /* One it completes, shared with another holder: a copy is completed
     * and answered; the other holder's frame is left as it was. */
    csum_result = 0;
    p = frame_pkt(f, n);
    p->flags = PKT_CSUM_PARTIAL;
    pkt_get(p);
    give_pkt(p);
    EXPECT_EQ(csum_calls, 2);
    EXPECT_EQ(p->flags, PKT_CSUM_PARTIAL);
    EXPECT_EQ(p->refs, 1);
    pkt_put(p);
    p = sent_next();
    EXPECT_TRUE(p != NULL);
    if (p)
        pkt_put(p);

    /* Runts and frames over an MTU. */
    give(f, 10);
    p = pkt_alloc(PKT_ETH_HLEN + PKT_MTU + 1);
    memcpy(p->data, f, n);
    give_pkt(p);
    EXPECT_EQ(ipstack_dropped(), 4);
    EXPECT_EQ(sw.sent.n, 0);
    stop();
}

TEST(deadline)
{
    uint8_t mac[6];
    uint32_t far;

    EXPECT_EQ(ipstack_deadline_ns(clock_ns), UINT64_MAX);
    start_static();
    EXPECT_TRUE(ipstack_deadline_ns(clock_ns) > clock_ns); /* lwIP's timers */
    EXPECT_TRUE(ipstack_deadline_ns(clock_ns) <= clock_ns + 5 * TIME_NS_PER_S);
    memcpy(&far, far_ip, 4);
    EXPECT_FALSE(ipstack_resolve(far, mac));
    EXPECT_EQ(ipstack_deadline_ns(clock_ns), clock_ns); /* a request queued */
    stop();
}

/* poison_pool: every small buffer filled with junk, so nothing can pass
 * for padding that ipstack.c did not write. */
static void poison_pool(void)
{
    struct pktq all = { 0 };
    struct pkt *p;

    while ((p = pkt_alloc(PKT_SMALL_CAP)) && !p->big) {
        memset(p->data, 0xa5, p->cap);
        pktq_push(&all, p);
    }
    if (p)
        pkt_put(p);
    pktq_purge(&all);
}

int main(void)
{
    if (pkt_pool_init(64, 2) != 0)
        return 1;
    poison_pool();
    return test_run((const struct test[]){ TEST_ENTRY(parse_static), TEST_ENTRY(parse_errors), TEST_ENTRY(cfg_finish),
                                           TEST_ENTRY(init_static), TEST_ENTRY(arp_reply), TEST_ENTRY(ping_reply),
                                           TEST_ENTRY(resolve), TEST_ENTRY(resolve_asks_again_later), TEST_ENTRY(dhcp),
                                           TEST_ENTRY(drops), TEST_ENTRY(deadline), TEST_END });
}
