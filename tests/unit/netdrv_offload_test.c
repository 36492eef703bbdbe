/* SPDX-License-Identifier: MIT */
/*
 * netdrv's software offload (domains/netdrv/offload.c): locating a
 * partial checksum, completing it, and cutting TCP GSO frames, each
 * result checked against netframe.c's plain recomputation; malformed
 * frames refused with nothing allocated.
 */
#include "offload.h"

#include <string.h>

#include "harness.h"
#include "idl/xen_errno.h"
#include "netframe.h"

static const struct netframe tcp4 = {
    .proto = 6,
    .src = { 10, 0, 0, 2 },
    .dst = { 192, 168, 1, 1 },
    .sport = 40000,
    .dport = 80,
    .seq = 0xfffff000u, /* wraps while segmenting */
    .tcp_flags = 0x10,
    .ip_id = 0xfffe,
};

static const struct netframe tcp6 = {
    .v6 = true,
    .proto = 6,
    .src = { 0xfd, 0, [15] = 2 },
    .dst = { 0xfd, 0, [15] = 1 },
    .sport = 40001,
    .dport = 5201,
    .seq = 1000,
    .tcp_flags = 0x10,
};

static uint8_t payload[65000];

static void fill_payload(void)
{
    for (unsigned i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(i * 7 + i / 251);
}

static struct netframe with(struct netframe f, uint32_t len)
{
    f.payload = payload;
    f.payload_len = len;
    return f;
}

/* Setup then complete: the result is what the plain recomputation says. */
static void setup_and_complete(struct netframe f, uint32_t len)
{
    struct netframe_at at;
    struct pkt *p;

    f = with(f, len);
    f.partial = true;
    p = netframe_build(&f, &at);
    EXPECT_TRUE(p != NULL);
    if (!p)
        return;
    p->flags &= (uint16_t)~PKT_CSUM_PARTIAL;
    p->csum_start = p->csum_offset = 0;
    EXPECT_EQ(offload_csum_setup(p), 0);
    EXPECT_EQ(p->csum_start, at.l4);
    EXPECT_EQ(p->csum_offset, f.proto == 6 ? 16 : 6);
    EXPECT_TRUE(p->flags & PKT_CSUM_PARTIAL);
    EXPECT_FALSE(netframe_l4_ok(p->data, &at, f.v6, f.proto, false) && len > 0);
    EXPECT_EQ(offload_csum_complete(p), 0);
    EXPECT_EQ(p->flags & (PKT_CSUM_PARTIAL | PKT_CSUM_VALID), PKT_CSUM_VALID);
    EXPECT_TRUE(netframe_l4_ok(p->data, &at, f.v6, f.proto, false));
    pkt_put(p);
}

TEST(csum_setup_and_complete)
{
    struct netframe udp4 = tcp4, udp6 = tcp6, vlan = tcp4, hop = tcp6;

    udp4.proto = 17;
    udp6.proto = 17;
    vlan.vlan = true;
    hop.v6_hop = true;
    for (uint32_t len = 0; len < 70; len++) {
        setup_and_complete(tcp4, len);
        setup_and_complete(udp4, len);
        setup_and_complete(tcp6, len);
        setup_and_complete(udp6, len);
        setup_and_complete(vlan, len);
        setup_and_complete(hop, len);
    }
    setup_and_complete(tcp4, 1460);
    setup_and_complete(udp6, 1452);
}

/* A UDP check that comes out 0 is sent as 0xffff (0 means none). */
TEST(csum_complete_udp_zero_is_sent_as_ffff)
{
    static uint8_t buf[60];
    struct pkt p = { .data = buf, .len = 60, .cap = 60, .flags = PKT_CSUM_PARTIAL, .csum_start = 20, .csum_offset = 6 };

    /* Words summing to 0xffff: the check is 0. */
    buf[20] = 0xff;
    buf[21] = 0xff;
    EXPECT_EQ(offload_csum_complete(&p), 0);
    EXPECT_EQ(buf[26], 0xff);
    EXPECT_EQ(buf[27], 0xff);
}

TEST(csum_complete_refuses_outside_offsets)
{
    static uint8_t buf[60];
    struct pkt p = { .data = buf, .len = 60, .cap = 60, .flags = PKT_CSUM_PARTIAL };

    p.csum_start = 60;
    EXPECT_EQ(offload_csum_complete(&p), -XEN_EINVAL);
    p.csum_start = 50;
    p.csum_offset = 9;
    EXPECT_EQ(offload_csum_complete(&p), -XEN_EINVAL);
    p.csum_offset = 8;
    EXPECT_EQ(offload_csum_complete(&p), 0);
    p.flags = PKT_CSUM_PARTIAL;
    p.csum_start = 0xffff;
    p.csum_offset = 0xffff;
    EXPECT_EQ(offload_csum_complete(&p), -XEN_EINVAL);
    EXPECT_TRUE(p.flags & PKT_CSUM_PARTIAL);
    /* The field must fit in the frame, even a frame of one byte
     * (found by the netframe fuzz target), and be at an even offset. */
    p.flags = PKT_CSUM_PARTIAL;
    p.len = 1;
    p.csum_start = p.csum_offset = 0;
    EXPECT_EQ(offload_csum_complete(&p), -XEN_EINVAL);
    p.len = 60;
    p.csum_offset = 7;
    EXPECT_EQ(offload_csum_complete(&p), -XEN_EINVAL);
    /* Nothing to do for a frame that is not partial. */
    p.flags = 0;
    EXPECT_EQ(offload_csum_complete(&p), 0);
}

static void expect_setup_refused(struct netframe f, void (*spoil)(struct pkt *, const struct netframe_at *))
{
    struct netframe_at at;
    struct pkt *p = netframe_build(&f, &at);

    if (!p)
        return;
    if (spoil)
        spoil(p, &at);
    EXPECT_EQ(offload_csum_setup(p), -XEN_EINVAL);
    EXPECT_FALSE(p->flags & PKT_CSUM_PARTIAL);
    pkt_put(p);
}

static void spoil_arp(struct pkt *p, const struct netframe_at *at)
{
    (void)at;
    p->data[12] = 0x08;
    p->data[13] = 0x06;
}

static void spoil_cut_tcp(struct pkt *p, const struct netframe_at *at)
{
    p->len = at->l4 + 19; /* the IP length now lies too */
}

static void spoil_ip_len(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l3 + 2] = 0x7f; /* longer than the frame */
}

static void spoil_doff(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l4 + 12] = 0xf0; /* 60 bytes of TCP header in a 20-byte packet */
}

static void spoil_ihl(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l3] = 0x44;
}

static void spoil_v6_frag(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l3 + 6] = 44;
}

static void spoil_v6_plen(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l3 + 4] = 0x10;
}

static void spoil_udp_len_long(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l4 + 5]++; /* one byte past the IP packet */
}

static void spoil_udp_len_short(struct pkt *p, const struct netframe_at *at)
{
    p->data[at->l4 + 4] = 0;
    p->data[at->l4 + 5] = 7; /* under the UDP header */
}

static void spoil_short(struct pkt *p, const struct netframe_at *at)
{
    (void)at;
    p->len = 13;
}

TEST(csum_setup_refuses_what_it_cannot_place)
{
    struct netframe icmp = tcp4, frag = tcp4, mf = tcp4, udp4 = with(tcp4, 10), udp6 = with(tcp6, 10);

    icmp.proto = 1;
    udp4.proto = udp6.proto = 17;
    frag.frag = 0x0010;
    mf.frag = 0x2000;
    expect_setup_refused(icmp, NULL);
    expect_setup_refused(frag, NULL);
    expect_setup_refused(mf, NULL);
    expect_setup_refused(tcp4, spoil_arp);
    expect_setup_refused(tcp4, spoil_cut_tcp);
    expect_setup_refused(tcp4, spoil_ip_len);
    expect_setup_refused(tcp4, spoil_doff);
    expect_setup_refused(tcp4, spoil_ihl);
    expect_setup_refused(tcp4, spoil_short);
    expect_setup_refused(tcp6, spoil_v6_frag);
    expect_setup_refused(tcp6, spoil_v6_plen);
    expect_setup_refused(udp4, spoil_udp_len_long);
    expect_setup_refused(udp4, spoil_udp_len_short);
    expect_setup_refused(udp6, spoil_udp_len_long);
}

/* ------------------------------------------------------------ GSO */

#define SEGS_MAX 64

static struct pkt *segs[SEGS_MAX];
static unsigned n_segs;

static void collect(void *ctx, struct pkt *s)
{
    EXPECT_TRUE(ctx == &n_segs);
    if (n_segs < SEGS_MAX)
        segs[n_segs++] = s;
    else
        pkt_put(s);
}

static void put_segs(void)
{
    for (unsigned i = 0; i < n_segs; i++)
        pkt_put(segs[i]);
    n_segs = 0;
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Segment i of a frame built from f: lengths, id, sequence, flags,
 * checks; its payload appended to out. */
static void check_seg(const struct netframe *f, const struct netframe_at *at, unsigned i, unsigned n, uint16_t mss,
                      uint8_t *out, uint32_t *out_len)
{
    const struct pkt *s = segs[i];
    const uint8_t *d = s->data;
    uint32_t hdr = at->l4 + at->l4_hlen, piece = s->len - hdr;
    struct netframe_at sat = { at->l3, at->l4, at->l4_hlen, s->len };
    uint8_t fl = d[at->l4 + 13], want = f->tcp_flags;

    EXPECT_TRUE(s->len >= hdr);
    EXPECT_TRUE(piece <= mss);
    EXPECT_TRUE(i + 1 == n || piece == mss);
    EXPECT_EQ(s->gso_type, PKT_GSO_NONE);
    EXPECT_EQ(s->flags, PKT_CSUM_VALID);
    EXPECT_EQ(memcmp(d, segs[0]->data, at->l3), 0);
    if (f->v6) {
        EXPECT_EQ(d[at->l3 + 4] << 8 | d[at->l3 + 5], s->len - at->l3 - 40);
    } else {
        EXPECT_EQ(d[at->l3 + 2] << 8 | d[at->l3 + 3], s->len - at->l3);
        EXPECT_EQ(d[at->l3 + 4] << 8 | d[at->l3 + 5], (uint16_t)(f->ip_id + i));
        EXPECT_TRUE(netframe_ipv4_ok(d, at->l3));
    }
    EXPECT_EQ(be32_at(d + at->l4 + 4), f->seq + *out_len);
    if (i + 1 < n)
        want &= (uint8_t) ~(0x01 | 0x08);
    if (i > 0)
        want &= (uint8_t)~0x80;
    EXPECT_EQ(fl, want);
    EXPECT_TRUE(netframe_l4_ok(d, &sat, f->v6, 6, false));
    memcpy(out + *out_len, d + hdr, piece);
    *out_len += piece;
}

static void gso_round_trip(struct netframe f, uint32_t len, uint16_t mss, bool partial)
{
    static uint8_t joined[sizeof(payload)];
    struct netframe_at at;
    struct pkt *p;
    uint32_t joined_len = 0;
    unsigned free0 = netframe_pool_free(), want_n = len ? (len + mss - 1) / mss : 1;

    f = with(f, len);
    f.partial = partial;
    p = netframe_build(&f, &at);
    EXPECT_TRUE(p != NULL);
    if (!p)
        return;
    p->gso_type = f.v6 ? PKT_GSO_TCPV6 : PKT_GSO_TCPV4;
    p->gso_size = mss;
    p->in_port = 3;
    EXPECT_EQ(offload_gso_segment(p, collect, &n_segs), 0);
    EXPECT_EQ(n_segs, want_n);
    for (unsigned i = 0; i < n_segs; i++) {
        check_seg(&f, &at, i, n_segs, mss, joined, &joined_len);
        EXPECT_EQ(segs[i]->in_port, 3);
    }
    EXPECT_EQ(joined_len, len);
    EXPECT_EQ(memcmp(joined, payload, len), 0);
    put_segs();
    EXPECT_EQ(netframe_pool_free(), free0);
}

TEST(gso_tcpv4_segments_reassemble)
{
    struct netframe f = tcp4;

    f.tcp_flags = 0x10 | 0x08 | 0x01 | 0x80; /* ACK PSH FIN CWR */
    f.tcp_opts = 12;
    gso_round_trip(f, 20000, 1448, true);
    gso_round_trip(f, 1448 * 4, 1448, false); /* a whole number of segments */
    gso_round_trip(f, 1000, 1448, true);      /* one short segment */
    gso_round_trip(f, 0, 1448, true);         /* no payload: one frame */
    gso_round_trip(f, 63000, 1460, true);     /* about the largest */
    gso_round_trip(f, 301, 7, false);         /* an odd MSS: odd payload lengths */
    f.vlan = true;
    gso_round_trip(f, 5000, 1400, true);
}

TEST(gso_tcpv6_segments_reassemble)
{
    struct netframe f = tcp6;

    f.tcp_flags = 0x10 | 0x08 | 0x01 | 0x80;
    gso_round_trip(f, 30000, 1440, true);
    gso_round_trip(f, 1441, 1440, false);
    f.v6_hop = true;
    gso_round_trip(f, 9000, 1000, true);
}

static void expect_gso_refused(struct netframe f, uint8_t type, uint16_t mss)
{
    struct netframe_at at;
    unsigned free0 = netframe_pool_free();
    struct pkt *p;

    f = with(f, 3000);
    p = netframe_build(&f, &at);
    if (!p)
        return;
    p->gso_type = type;
    p->gso_size = mss;
    EXPECT_EQ(offload_gso_segment(p, collect, &n_segs), -XEN_EINVAL);
    EXPECT_EQ(n_segs, 0);
    EXPECT_EQ(netframe_pool_free(), free0);
}

TEST(gso_refuses_malformed_frames_and_consumes_them)
{
    struct netframe udp = tcp4;

    udp.proto = 17;
    expect_gso_refused(tcp4, PKT_GSO_TCPV6, 1000); /* the wrong IP version */
    expect_gso_refused(tcp6, PKT_GSO_TCPV4, 1000);
    expect_gso_refused(tcp4, PKT_GSO_TCPV4, 0); /* no MSS */
    expect_gso_refused(udp, PKT_GSO_TCPV4, 1000);
}

/* The pool runs dry part-way: the segments made are given out, the
 * rest dropped, nothing leaks. */
TEST(gso_pool_dry_part_way)
{
    struct pkt *hold[256];
    struct netframe_at at;
    struct netframe f = with(tcp4, 10000);
    unsigned free0 = netframe_pool_free(), held = 0;
    struct pkt *p = netframe_build(&f, &at);

    EXPECT_TRUE(p != NULL);
    if (!p)
        return;
    /* Leave three buffers. */
    while (netframe_pool_free() > 3 && held < 256)
        hold[held++] = pkt_alloc(100);
    p->gso_type = PKT_GSO_TCPV4;
    p->gso_size = 1000;
    EXPECT_EQ(offload_gso_segment(p, collect, &n_segs), -XEN_ENOMEM);
    EXPECT_EQ(n_segs, 3);
    put_segs();
    while (held)
        pkt_put(hold[--held]);
    EXPECT_EQ(netframe_pool_free(), free0);
}

int main(void)
{
    fill_payload();
    if (pkt_pool_init(64, 8) != 0)
        return 1;
    return test_run((const struct test[]){
        TEST_ENTRY(csum_setup_and_complete), TEST_ENTRY(csum_complete_udp_zero_is_sent_as_ffff),
        TEST_ENTRY(csum_complete_refuses_outside_offsets), TEST_ENTRY(csum_setup_refuses_what_it_cannot_place),
        TEST_ENTRY(gso_tcpv4_segments_reassemble), TEST_ENTRY(gso_tcpv6_segments_reassemble),
        TEST_ENTRY(gso_refuses_malformed_frames_and_consumes_them), TEST_ENTRY(gso_pool_dry_part_way), TEST_END });
}
