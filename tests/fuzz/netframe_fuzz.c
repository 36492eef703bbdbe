/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: netdrv's frame code on frames from guests and the outside
 * (domains/netdrv: proto.c, offload.c, nat.c, dhcpd.c), one of them per
 * input by a selector byte. Checked with netframe.c's plain checksum
 * recomputation (tests/unit): completing a partial checksum gives a
 * right one; GSO segments have right checksums, at most gso_size of
 * payload each, and put together are the original payload; NAT keeps
 * every checksum that was right before a rewrite right after it, and
 * never maps more than NAT_MAPPINGS_MAX; a DHCP reply is a well-formed
 * frame with right checksums. After every input the frame pool holds
 * exactly the buffers it held before (no leak, no double put).
 *
 * Input: selector (u8 % 3), then
 *   0 offload: flags (u8: bit 0 csum_setup then complete; bit 1 complete
 *     at csum_start (u16), csum_offset (u16) from the input; bit 2 GSO,
 *     bit 3 of IPv6, gso_size (u16)), then the frame;
 *   1 NAT: operations of an opcode byte (bit 0 inbound, bit 1 partial
 *     checksum at the parsed L4 check, bits 2-3 the vif - 1, bit 4 expire,
 *     bit 5 the vif goes away, bit 6 with bit 0: the frame is the answer
 *     to the last one let out, else the frame follows), seconds to advance
 *     (u8), frame length (u16 % 1600) and the frame;
 *   2 DHCP: the lease's dns_ip (u32, network order), then the request frame.
 */
#include <stdlib.h>
#include <string.h>

#include "dhcpd.h"
#include "fuzz.h"
#include "idl/xen_errno.h"
#include "nat.h"
#include "netframe.h"
#include "offload.h"
#include "proto.h"

static const uint8_t outside_bytes[4] = { 192, 168, 1, 5 };

static struct pkt *frame_from(struct fuzz_in *in, size_t len)
{
    struct pkt *p;

    if (len > in->left)
        len = in->left;
    p = pkt_alloc((uint32_t)len);
    if (!p)
        return NULL;
    if (len)
        memcpy(p->data, in->p, len);
    in->p += len;
    in->left -= len;
    return p;
}

/* The L4 checksum of a parsed frame is right (netframe's oracle). */
FUZZ_ORACLE static bool l4_ok(const struct pkt *p, const struct proto_hdrs *h, bool zero_ok)
{
    struct netframe_at at = { h->l3, h->l4, h->l4_hlen, h->end };

    return netframe_l4_ok(p->data, &at, h->v6, h->proto, zero_ok);
}

/* ------------------------------------------------------------ offload */

static struct pkt *segs[4096];
static unsigned n_segs;

static void collect(void *ctx, struct pkt *s)
{
    (void)ctx;
    FUZZ_CHECK(n_segs < sizeof(segs) / sizeof(segs[0]));
    segs[n_segs++] = s;
}

FUZZ_ORACLE static void check_segments(const uint8_t *orig, const struct proto_hdrs *oh, uint16_t mss, int r)
{
    uint32_t hdr = oh->l4 + oh->l4_hlen, joined = 0;

    for (unsigned i = 0; i < n_segs; i++) {
        struct proto_hdrs h;
        const struct pkt *s = segs[i];

        FUZZ_CHECK(proto_parse(s, &h) == 0 && h.proto == IP_PROTO_TCP && h.end == s->len);
        FUZZ_CHECK(h.l4 + h.l4_hlen == hdr && s->len - hdr <= mss);
        FUZZ_CHECK(s->flags == PKT_CSUM_VALID && s->gso_type == PKT_GSO_NONE);
        FUZZ_CHECK(h.v6 || netframe_ipv4_ok(s->data, h.l3));
        FUZZ_CHECK(l4_ok(s, &h, false));
        FUZZ_CHECK(memcmp(s->data + hdr, orig + hdr + joined, s->len - hdr) == 0);
        joined += s->len - hdr;
    }
    if (r == 0)
        FUZZ_CHECK(joined == oh->end - hdr);
}

static void fuzz_gso(struct pkt *p, uint8_t flags, uint16_t mss)
{
    static uint8_t orig[PKT_MAX_LEN];
    struct proto_hdrs h;
    bool parsed = proto_parse(p, &h) == 0;
    int r;

    memcpy(orig, p->data, p->len);
    p->gso_type = (flags & 8) ? PKT_GSO_TCPV6 : PKT_GSO_TCPV4;
    p->gso_size = mss;
    n_segs = 0;
    r = offload_gso_segment(p, collect, NULL);
    FUZZ_CHECK(r == 0 || r == -XEN_EINVAL || r == -XEN_ENOMEM);
    FUZZ_CHECK(r != -XEN_EINVAL || n_segs == 0);
    if (r != -XEN_EINVAL) {
        FUZZ_CHECK(parsed && n_segs > 0);
        check_segments(orig, &h, mss, r);
    }
    for (unsigned i = 0; i < n_segs; i++)
        pkt_put(segs[i]);
}

/* The L4 field at csum_start + csum_offset becomes the pseudo-header's
 * sum, as the sender of a partial checksum leaves it. */
FUZZ_ORACLE static void set_pseudo(struct pkt *p, const struct proto_hdrs *h)
{
    struct netframe_at at = { h->l3, h->l4, h->l4_hlen, h->end };
    uint32_t sum = netframe_pseudo(p->data, &at, h->v6, h->proto);

    p->data[p->csum_start + p->csum_offset] = (uint8_t)(sum >> 8);
    p->data[p->csum_start + p->csum_offset + 1] = (uint8_t)sum;
}

static void fuzz_offload(struct fuzz_in *in)
{
    uint8_t flags = fuzz_u8(in);
    uint16_t start = (uint16_t)fuzz_uint(in, 2), offset = (uint16_t)fuzz_uint(in, 2);
    uint16_t mss = (uint16_t)fuzz_uint(in, 2);
    struct pkt *p = frame_from(in, in->left);
    struct proto_hdrs h;

    if (!p)
        return;
    if (flags & 4) {
        fuzz_gso(p, flags, mss);
        return;
    }
    if (flags & 1) {
        if (offload_csum_setup(p) == 0) {
            FUZZ_CHECK(proto_parse(p, &h) == 0 && p->csum_start == h.l4);
            set_pseudo(p, &h);
            FUZZ_CHECK(offload_csum_complete(p) == 0);
            FUZZ_CHECK(h.end != p->len || l4_ok(p, &h, false));
        }
    } else if (flags & 2) {
        /* The field's value v stands for the pseudo-header: the region
         * then sums to what v's complement adds (0 and 0xffff alike). */
        uint32_t at = (uint32_t)start + offset,
                 v = at + 2 <= p->len ? (uint32_t)(p->data[at] << 8 | p->data[at + 1]) : 0u;
        p->flags = PKT_CSUM_PARTIAL;
        p->csum_start = start;
        p->csum_offset = offset;
        int r = offload_csum_complete(p);
        FUZZ_CHECK(r == 0 ? start < p->len && at + 2 <= p->len && !(offset & 1) : r == -XEN_EINVAL);
        FUZZ_CHECK(r != 0 || netframe_sum(p->data + start, p->len - start, 0) % 0xffff == (~v & 0xffff) % 0xffff);
    }
    pkt_put(p);
}

/* ------------------------------------------------------------ NAT */

/* Which checks of a parsed IPv4 frame are right now: bit 0 the header's,
 * bit 1 the L4 one's (for a partial frame: once completed, on a copy). */
FUZZ_ORACLE static unsigned sums_ok(const struct pkt *p)
{
    static uint8_t copy[PKT_MAX_LEN];
    struct proto_hdrs h;
    unsigned ok = 0;

    if (proto_parse(p, &h) != 0 || h.v6)
        return 0;
    ok |= netframe_ipv4_ok(p->data, h.l3) ? 1u : 0u;
    if (h.l4_hlen && (p->flags & PKT_CSUM_PARTIAL)) {
        struct pkt c = *p;
        memcpy(copy, p->data, p->len);
        c.data = copy;
        ok |= (offload_csum_complete(&c) == 0 && l4_ok(&c, &h, false)) ? 2u : 0u;
    } else if (h.l4_hlen && h.end == p->len) {
        ok |= l4_ok(p, &h, true) ? 2u : 0u;
    }
    return ok;
}

static void nat_partial(struct pkt *p)
{
    struct proto_hdrs h;

    if (proto_parse(p, &h) != 0 || !h.l4_hlen || h.proto == IP_PROTO_ICMP)
        return;
    p->flags = PKT_CSUM_PARTIAL;
    p->csum_start = (uint16_t)h.l4;
    p->csum_offset = (uint16_t)(h.proto == IP_PROTO_TCP ? TCP_OFF_CHECK : UDP_OFF_CHECK);
    set_pseudo(p, &h);
}

/* The last frame NAT let out, as it left. */
static struct pkt last_out;
static uint8_t last_data[1600];

static void swap_bytes(uint8_t *a, uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* The remote's answer to the last frame let out: addresses and ports
 * swapped (the checks stay right), an echo request turned into a reply. */
static struct pkt *answer_last(void)
{
    struct proto_hdrs h;
    struct pkt *p = last_out.len ? pkt_alloc(last_out.len) : NULL;
    uint8_t *l4;

    if (!p)
        return NULL;
    memcpy(p->data, last_data, last_out.len);
    p->flags = last_out.flags;
    p->csum_start = last_out.csum_start;
    p->csum_offset = last_out.csum_offset;
    if (proto_parse(p, &h) != 0 || !h.l4_hlen)
        return p;
    l4 = p->data + h.l4;
    swap_bytes(p->data + h.l3 + IPV4_OFF_SRC, p->data + h.l3 + IPV4_OFF_DST, 4);
    if (h.proto != IP_PROTO_ICMP) {
        swap_bytes(l4, l4 + 2, 2);
    } else if (h.end == p->len) {
        l4[ICMP_OFF_TYPE] = ICMP_ECHO_REPLY;
        l4[ICMP_OFF_CHECK] = l4[ICMP_OFF_CHECK + 1] = 0;
        uint32_t sum = ~netframe_sum(l4, h.end - h.l4, 0) & 0xffffu;
        l4[ICMP_OFF_CHECK] = (uint8_t)(sum >> 8);
        l4[ICMP_OFF_CHECK + 1] = (uint8_t)sum;
    }
    return p;
}

static void nat_step(struct fuzz_in *in, uint8_t op, uint64_t now)
{
    uint32_t outside;
    int vif = ((op >> 2) & 3) + 1, r;
    struct pkt *p = (op & 0x41) == 0x41 ? answer_last() : frame_from(in, fuzz_uint(in, 2) % 1600);
    unsigned before;

    memcpy(&outside, outside_bytes, 4);
    if (!p)
        return;
    if ((op & 0x42) == 2)
        nat_partial(p);
    before = sums_ok(p);
    r = (op & 1) ? nat_inbound(p, outside, now) : nat_outbound(p, vif, outside, now);
    if (op & 1)
        FUZZ_CHECK(r >= -XEN_EINVAL && r != -XEN_ENOSPC && r <= 4 && (r >= 0 || r == -XEN_EINVAL));
    else
        FUZZ_CHECK(r == 0 || r == -XEN_EINVAL || r == -XEN_ENOSPC);
    if (r > 0 || (!(op & 1) && r == 0))
        FUZZ_CHECK((sums_ok(p) & before) == before);
    FUZZ_CHECK(nat_count() <= NAT_MAPPINGS_MAX);
    if (!(op & 1) && r == 0) {
        last_out = *p;
        memcpy(last_data, p->data, p->len);
    }
    pkt_put(p);
}

static void fuzz_nat(struct fuzz_in *in)
{
    uint64_t now = 1000000000ull;

    last_out.len = 0;

    while (in->left) {
        uint8_t op = fuzz_u8(in);
        now += fuzz_u8(in) * 1000000000ull;
        if (op & 0x10)
            nat_expire(now);
        else if (op & 0x20)
            nat_port_del(((op >> 2) & 3) + 1);
        else
            nat_step(in, op, now);
    }
    nat_expire(~0ull);
    FUZZ_CHECK(nat_count() == 0);
}

/* ------------------------------------------------------------ DHCP */

FUZZ_ORACLE static void check_dhcp_reply(const struct pkt *r, const struct dhcpd_lease *lease)
{
    struct proto_hdrs h;
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t type;

    FUZZ_CHECK(proto_parse(r, &h) == 0 && !h.v6 && h.proto == IP_PROTO_UDP && h.end == r->len);
    FUZZ_CHECK(netframe_ipv4_ok(r->data, h.l3) && l4_ok(r, &h, false));
    FUZZ_CHECK(memcmp(r->data, lease->client_mac, 6) == 0 || memcmp(r->data, bcast, 6) == 0);
    FUZZ_CHECK(memcmp(r->data + 6, lease->server_mac, 6) == 0);
    FUZZ_CHECK(r->data[h.l4 + UDP_HLEN] == 2 && r->data[h.l4 + UDP_HLEN + 240] == 53);
    type = r->data[h.l4 + UDP_HLEN + 242];
    FUZZ_CHECK(type == 2 || type == 5 || type == 6);
}

static void fuzz_dhcp(struct fuzz_in *in)
{
    struct dhcpd_lease lease = {
        .lease_secs = 3600,
        .client_mac = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 },
        .server_mac = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff },
    };
    static const uint8_t client[4] = { 10, 0, 0, 2 }, router[4] = { 10, 0, 0, 129 }, mask[4] = { 255, 255, 255, 0 };
    struct pkt *p, *r;

    memcpy(&lease.client_ip, client, 4);
    memcpy(&lease.router_ip, router, 4);
    memcpy(&lease.mask, mask, 4);
    lease.dns_ip = fuzz_u32(in);
    p = frame_from(in, in->left);
    if (!p)
        return;
    (void)dhcpd_is_request(p);
    r = dhcpd_reply(p, &lease);
    if (r) {
        check_dhcp_reply(r, &lease);
        pkt_put(r);
    }
    pkt_put(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    struct fuzz_in in = { data, size };
    unsigned free0;

    if (!ready) {
        FUZZ_CHECK(pkt_pool_init(64, 8) == 0);
        ready = true;
    }
    free0 = netframe_pool_free();
    switch (fuzz_u8(&in) % 3) {
    case 0: fuzz_offload(&in); break;
    case 1: fuzz_nat(&in); break;
    default: fuzz_dhcp(&in); break;
    }
    FUZZ_CHECK(netframe_pool_free() == free0);
    return 0;
}
