/* SPDX-License-Identifier: MIT */
/*
 * netdrv's masquerading (domains/netdrv/nat.c): round trips of TCP, UDP
 * and ICMP echo through the table with every checksum verified by
 * netframe.c's plain recomputation (also for partial checksums completed
 * afterwards by offload.c), unsolicited and malformed frames, a full
 * table, idle timeouts per protocol and TCP state, a vif going away.
 */
#include "nat.h"

#include <string.h>

#include "harness.h"
#include "idl/xen_errno.h"
#include "netframe.h"
#include "offload.h"

#define VIF           5
#define SEC           1000000000ull
#define GUEST         10, 0, 0, 2
#define REMOTE        93, 184, 216, 34
#define OUTSIDE_BYTES 192, 168, 1, 5

static const uint8_t outside_bytes[4] = { OUTSIDE_BYTES };
static uint32_t outside; /* network order, as nat.h takes it */
static const uint8_t payload[37] = "masqueraded payload of an odd length";

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void reset(void)
{
    nat_expire(~0ull);
    EXPECT_EQ(nat_count(), 0);
}

/* A guest's packet to the remote. */
static struct netframe out_frame(uint8_t proto, uint16_t gport, uint16_t rport)
{
    return (struct netframe){ .proto = proto,
                              .src = { GUEST },
                              .dst = { REMOTE },
                              .sport = gport,
                              .dport = rport,
                              .seq = 77,
                              .tcp_flags = 0x02,
                              .payload = payload,
                              .icmp_type = 8,
                              .payload_len = sizeof(payload) };
}

/* The remote's answer to the outside address. */
static struct netframe in_frame(uint8_t proto, uint16_t rport, uint16_t out_port)
{
    struct netframe f = { .proto = proto,
                          .src = { REMOTE },
                          .dst = { OUTSIDE_BYTES },
                          .sport = rport,
                          .dport = out_port,
                          .seq = 99,
                          .tcp_flags = 0x12,
                          .payload = payload,
                          .payload_len = sizeof(payload) };

    if (proto == 1) {
        f.sport = out_port; /* the identifier */
        f.icmp_type = 0;    /* echo reply */
    }
    return f;
}

static void expect_sums(const struct pkt *p, const struct netframe_at *at, uint8_t proto, bool zero_ok)
{
    EXPECT_TRUE(netframe_ipv4_ok(p->data, at->l3));
    EXPECT_TRUE(netframe_l4_ok(p->data, at, false, proto, zero_ok));
}

/* Sends f out; the outside port it left with (0 on failure). */
static uint16_t send_out(struct netframe f, uint64_t now, int want)
{
    struct netframe_at at;
    struct pkt *p = netframe_build(&f, &at);
    uint16_t port = 0;

    EXPECT_TRUE(p != NULL);
    if (!p)
        return 0;
    EXPECT_EQ(nat_outbound(p, VIF, outside, now), want);
    if (want == 0) {
        EXPECT_EQ(memcmp(p->data + at.l3 + 12, outside_bytes, 4), 0);
        EXPECT_EQ(memcmp(p->data + at.l3 + 16, f.dst, 4), 0);
        port = get16(p->data + at.l4 + (f.proto == 1 ? 4 : 0));
        EXPECT_TRUE(port >= NAT_PORT_FIRST && port <= NAT_PORT_LAST);
        if (f.partial)
            EXPECT_EQ(offload_csum_complete(p), 0);
        expect_sums(p, &at, f.proto, f.udp_nocsum);
    }
    pkt_put(p);
    return port;
}

/* Sends f in; what nat_inbound returned. A match must have been
 * rewritten to the guest's address and port (gport). */
static int send_in(struct netframe f, uint16_t gport, uint64_t now)
{
    static const uint8_t guest[4] = { GUEST };
    struct netframe_at at;
    struct pkt *p = netframe_build(&f, &at);
    int r;

    EXPECT_TRUE(p != NULL);
    if (!p)
        return -1;
    r = nat_inbound(p, outside, now);
    if (r > 0) {
        EXPECT_EQ(memcmp(p->data + at.l3 + 16, guest, 4), 0);
        EXPECT_EQ(get16(p->data + at.l4 + (f.proto == 1 ? 4 : 2)), gport);
        if (f.partial)
            EXPECT_EQ(offload_csum_complete(p), 0);
        expect_sums(p, &at, f.proto, f.udp_nocsum);
    } else {
        EXPECT_EQ(memcmp(p->data + at.l3 + 16, f.dst, 4), 0); /* untouched */
    }
    pkt_put(p);
    return r;
}

static void round_trip(uint8_t proto, bool partial, bool nocsum)
{
    struct netframe o = out_frame(proto, 40000, 80), i;
    uint16_t port;

    o.partial = partial;
    o.udp_nocsum = nocsum;
    port = send_out(o, 1 * SEC, 0);
    EXPECT_EQ(nat_count(), 1);
    i = in_frame(proto, 80, port);
    i.partial = partial;
    i.udp_nocsum = nocsum;
    EXPECT_EQ(send_in(i, 40000, 2 * SEC), VIF);
    /* The same connection keeps its port and mapping. */
    o.tcp_flags = 0x10;
    EXPECT_EQ(send_out(o, 3 * SEC, 0), port);
    EXPECT_EQ(nat_count(), 1);
    /* Another guest port is another mapping, another outside port. */
    o.sport = 40001;
    EXPECT_NE(send_out(o, 3 * SEC, 0), port);
    EXPECT_EQ(nat_count(), 2);
    reset();
}

TEST(tcp_udp_icmp_round_trips)
{
    round_trip(6, false, false);
    round_trip(17, false, false);
    round_trip(1, false, false);
}

/* A reply that becomes all zeros (identifier 0, sequence 0, no data)
 * must carry 0xffff, the check of +0: RFC 1624's update yields 0x0000
 * there, right only for data that sums to -0. */
TEST(icmp_reply_of_all_zeros_gets_ffff)
{
    struct netframe o = out_frame(1, 0, 0), i;
    struct netframe_at at;
    struct pkt *p;
    uint16_t port;

    o.payload_len = 0;
    port = send_out(o, 1 * SEC, 0);
    i = in_frame(1, 0, port);
    i.payload_len = 0;
    p = netframe_build(&i, &at);
    EXPECT_TRUE(p != NULL);
    if (!p)
        return;
    p->data[at.l4 + 7] = 0; /* sequence 0 */
    p->data[at.l4 + 2] = p->data[at.l4 + 3] = 0;
    uint16_t check = (uint16_t)~netframe_sum(p->data + at.l4, 8, 0);
    p->data[at.l4 + 2] = (uint8_t)(check >> 8);
    p->data[at.l4 + 3] = (uint8_t)check;
    EXPECT_EQ(nat_inbound(p, outside, 2 * SEC), VIF);
    EXPECT_EQ(get16(p->data + at.l4 + 2), 0xffff);
    expect_sums(p, &at, 1, false);
    pkt_put(p);
    reset();
}

TEST(udp_without_checksum_stays_without)
{
    round_trip(17, false, true);
}

/* Partial checksums: the pseudo-header's sum follows the address, and
 * completing the frame afterwards gives the right check. */
TEST(partial_checksums_stay_right_after_rewrite)
{
    round_trip(6, true, false);
    round_trip(17, true, false);
}

static void expect_out_refused(struct netframe f, void (*spoil)(struct pkt *, const struct netframe_at *))
{
    struct netframe_at at;
    struct pkt *p = netframe_build(&f, &at);
    static uint8_t before[2048];
    uint32_t len;

    if (!p)
        return;
    if (spoil)
        spoil(p, &at);
    len = p->len < sizeof(before) ? p->len : sizeof(before);
    memcpy(before, p->data, len);
    EXPECT_EQ(nat_outbound(p, VIF, outside, SEC), -XEN_EINVAL);
    EXPECT_EQ(memcmp(before, p->data, len), 0);
    EXPECT_EQ(nat_count(), 0);
    pkt_put(p);
}

static void spoil_gre(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l3 + 9] = 47;
}

static void spoil_cut(struct pkt *p, const struct netframe_at *at)
{
    p->len = at->l4 + 10;
}

static void spoil_partial_elsewhere(struct pkt *p, const struct netframe_at *at)
{
    p->flags |= PKT_CSUM_PARTIAL;
    p->csum_start = (uint16_t)at->l4;
    p->csum_offset = 4;
}

TEST(outbound_refusals_change_nothing)
{
    struct netframe frag = out_frame(6, 1, 2), reply = out_frame(1, 1, 0), v6 = out_frame(6, 1, 2);

    frag.frag = 0x2000;
    reply.icmp_type = 0;
    v6.v6 = true;
    expect_out_refused(frag, NULL);
    expect_out_refused(reply, NULL);
    expect_out_refused(v6, NULL);
    expect_out_refused(out_frame(6, 1, 2), spoil_gre);
    expect_out_refused(out_frame(6, 1, 2), spoil_cut);
    expect_out_refused(out_frame(17, 1, 2), spoil_cut);
    expect_out_refused(out_frame(17, 1, 2), spoil_partial_elsewhere);
    EXPECT_EQ(nat_outbound(netframe_build(&(struct netframe){ 0 }, &(struct netframe_at){ 0 }), 0, outside, 0),
              -XEN_EINVAL);
}

/* Nothing the outside starts reaches a guest. */
TEST(unsolicited_inbound_matches_nothing)
{
    struct netframe i = in_frame(6, 80, 20000), ping = in_frame(1, 0, 20000), frag, elsewhere, cut;
    struct netframe_at at;
    struct pkt *p;
    uint16_t port;

    EXPECT_EQ(send_in(i, 0, SEC), 0);
    EXPECT_EQ(send_in(ping, 0, SEC), 0);
    port = send_out(out_frame(6, 40000, 80), SEC, 0);
    /* The mapped port, but from another remote port, address, protocol. */
    EXPECT_EQ(send_in(in_frame(6, 81, port), 0, SEC), 0);
    i = in_frame(6, 80, port);
    i.src[3] = 35;
    EXPECT_EQ(send_in(i, 0, SEC), 0);
    EXPECT_EQ(send_in(in_frame(17, 80, port), 0, SEC), 0);
    /* Not to the outside address; a fragment; an echo request. */
    elsewhere = in_frame(6, 80, port);
    elsewhere.dst[3] = 6;
    EXPECT_EQ(send_in(elsewhere, 0, SEC), 0);
    frag = in_frame(6, 80, port);
    frag.frag = 0x2000;
    EXPECT_EQ(send_in(frag, 0, SEC), 0);
    ping.icmp_type = 8;
    EXPECT_EQ(send_in(ping, 0, SEC), 0);
    /* Truncated: an error. */
    cut = in_frame(6, 80, port);
    p = netframe_build(&cut, &at);
    p->len = at.l4 + 8;
    EXPECT_EQ(nat_inbound(p, outside, SEC), -XEN_EINVAL);
    pkt_put(p);
    /* The real answer still gets through. */
    EXPECT_EQ(send_in(in_frame(6, 80, port), 40000, SEC), VIF);
    reset();
}

TEST(full_table_gives_enospc)
{
    static bool seen[NAT_PORT_LAST + 1];
    uint16_t port;

    memset(seen, 0, sizeof(seen));
    for (unsigned i = 0; i < NAT_MAPPINGS_MAX; i++) {
        port = send_out(out_frame(17, (uint16_t)(1000 + i), 53), SEC, 0);
        EXPECT_FALSE(seen[port]);
        seen[port] = true;
    }
    EXPECT_EQ(nat_count(), NAT_MAPPINGS_MAX);
    send_out(out_frame(17, 999, 53), SEC, -XEN_ENOSPC);
    send_out(out_frame(6, 999, 53), SEC, -XEN_ENOSPC);
    /* Existing mappings still work. */
    EXPECT_EQ(send_out(out_frame(17, 1000, 53), SEC, 0) != 0, true);
    EXPECT_EQ(nat_count(), NAT_MAPPINGS_MAX);
    /* The vif goes away: all of it is forgotten, room again. */
    nat_port_del(VIF);
    EXPECT_EQ(nat_count(), 0);
    EXPECT_NE(send_out(out_frame(17, 999, 53), SEC, 0), 0);
    reset();
}

/* An idle mapping lasts its protocol's time; the answer after it is
 * refused. */
static void expect_expiry(struct netframe o, bool answer, uint8_t last_flags, uint64_t limit_s)
{
    uint16_t port = send_out(o, 0, 0);
    uint64_t t = 0;

    if (answer)
        EXPECT_EQ(send_in(in_frame(o.proto, o.dport, port), o.sport, t), VIF);
    if (last_flags) {
        o.tcp_flags = last_flags;
        send_out(o, t, 0);
    }
    nat_expire(t + limit_s * SEC);
    EXPECT_EQ(nat_count(), 1);
    nat_expire(t + limit_s * SEC + 1);
    EXPECT_EQ(nat_count(), 0);
    EXPECT_EQ(send_in(in_frame(o.proto, o.dport, port), 0, t + limit_s * SEC + 2), 0);
}

TEST(idle_mappings_expire_by_protocol_and_state)
{
    expect_expiry(out_frame(17, 5000, 53), true, 0, 180);
    expect_expiry(out_frame(1, 5000, 0), true, 0, 30);
    expect_expiry(out_frame(6, 5000, 80), false, 0, 120);     /* never answered */
    expect_expiry(out_frame(6, 5000, 80), true, 0, 2 * 3600); /* established */
    expect_expiry(out_frame(6, 5000, 80), true, 0x11, 120);   /* FIN */
    expect_expiry(out_frame(6, 5000, 80), true, 0x04, 120);   /* RST */
}

/* Traffic keeps a mapping alive; another vif's mappings survive its
 * neighbour going away. */
TEST(traffic_refreshes_and_port_del_is_per_vif)
{
    struct netframe o = out_frame(17, 6000, 53);
    struct netframe_at at;
    struct pkt *p;

    send_out(o, 0, 0);
    send_out(o, 100 * SEC, 0);
    nat_expire(200 * SEC);
    EXPECT_EQ(nat_count(), 1);
    p = netframe_build(&o, &at);
    EXPECT_EQ(nat_outbound(p, VIF + 1, outside, 100 * SEC), 0);
    pkt_put(p);
    EXPECT_EQ(nat_count(), 2);
    nat_port_del(VIF);
    EXPECT_EQ(nat_count(), 1);
    reset();
}

/* Ports are handed out round-robin: one just freed waits its turn, so a
 * late answer to the old connection cannot reach the new one. */
TEST(freed_port_is_not_reused_at_once)
{
    uint16_t first = send_out(out_frame(17, 7000, 53), 0, 0);

    reset();
    EXPECT_NE(send_out(out_frame(17, 7000, 53), 0, 0), first);
    reset();
}

int main(void)
{
    memcpy(&outside, outside_bytes, 4);
    if (pkt_pool_init(64, 8) != 0)
        return 1;
    return test_run((const struct test[]){
        TEST_ENTRY(tcp_udp_icmp_round_trips), TEST_ENTRY(icmp_reply_of_all_zeros_gets_ffff),
        TEST_ENTRY(udp_without_checksum_stays_without), TEST_ENTRY(partial_checksums_stay_right_after_rewrite),
        TEST_ENTRY(outbound_refusals_change_nothing), TEST_ENTRY(unsolicited_inbound_matches_nothing),
        TEST_ENTRY(full_table_gives_enospc), TEST_ENTRY(idle_mappings_expire_by_protocol_and_state),
        TEST_ENTRY(traffic_refreshes_and_port_del_is_per_vif), TEST_ENTRY(freed_port_is_not_reused_at_once),
        TEST_END });
}
