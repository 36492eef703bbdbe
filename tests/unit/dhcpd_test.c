/* SPDX-License-Identifier: MIT */
/*
 * netdrv's DHCP server (domains/netdrv/dhcpd.c): DISCOVER gets an OFFER,
 * REQUEST of the lease's address an ACK, of another a NAK; the replies
 * are read back field by field here, their checksums recomputed by
 * netframe.c; requests of other clients, for other servers, of other
 * types, and malformed ones get nothing, and the pool stays balanced.
 */
#include "dhcpd.h"

#include <string.h>

#include "harness.h"
#include "netframe.h"

#define CLIENT_MAC 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56

static const struct dhcpd_lease lease_tmpl = {
    .lease_secs = 86400,
    .client_mac = { CLIENT_MAC },
    .server_mac = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff },
};
static struct dhcpd_lease lease;
static const uint8_t client_ip[4] = { 10, 0, 0, 2 }, router_ip[4] = { 10, 0, 0, 129 };
static const uint8_t mask[4] = { 255, 255, 255, 0 }, dns_ip[4] = { 10, 0, 0, 129 };

static void lease_init(bool dns)
{
    lease = lease_tmpl;
    memcpy(&lease.client_ip, client_ip, 4);
    memcpy(&lease.router_ip, router_ip, 4);
    memcpy(&lease.mask, mask, 4);
    if (dns)
        memcpy(&lease.dns_ip, dns_ip, 4);
}

/* A request's BOOTP message: the fixed part, then options (raw bytes). */
struct request {
    uint8_t msg[600];
    uint32_t len;
};

static void req_init(struct request *r, uint8_t type, bool broadcast)
{
    static const uint8_t mac[6] = { CLIENT_MAC };

    memset(r, 0, sizeof(*r));
    r->msg[0] = 1;
    r->msg[1] = 1;
    r->msg[2] = 6;
    r->msg[4] = 0xde; /* xid */
    r->msg[5] = 0xad;
    r->msg[6] = 0xbe;
    r->msg[7] = 0xef;
    r->msg[10] = broadcast ? 0x80 : 0;
    memcpy(r->msg + 28, mac, 6);
    r->msg[236] = 99;
    r->msg[237] = 130;
    r->msg[238] = 83;
    r->msg[239] = 99;
    r->len = 240;
    r->msg[r->len++] = 53;
    r->msg[r->len++] = 1;
    r->msg[r->len++] = type;
}

static void req_opt(struct request *r, uint8_t code, const uint8_t *val, uint8_t n)
{
    r->msg[r->len++] = code;
    r->msg[r->len++] = n;
    memcpy(r->msg + r->len, val, n);
    r->len += n;
}

static void req_end(struct request *r)
{
    r->msg[r->len++] = 255;
}

static struct pkt *frame_of(const struct request *r)
{
    struct netframe f = { .proto = 17,
                          .src = { 0 },
                          .dst = { 255, 255, 255, 255 },
                          .sport = 68,
                          .dport = 67,
                          .payload = r->msg,
                          .payload_len = r->len };
    struct netframe_at at;

    return netframe_build(&f, &at);
}

static struct pkt *reply_to(const struct request *r)
{
    struct pkt *p = frame_of(r), *out;

    if (!p)
        return NULL;
    EXPECT_TRUE(dhcpd_is_request(p));
    out = dhcpd_reply(p, &lease);
    pkt_put(p);
    return out;
}

/* The value of option code in the reply's options, or NULL. */
static const uint8_t *reply_opt(const struct pkt *p, uint8_t code, uint8_t len)
{
    const uint8_t *o = p->data + 42 + 240, *end = p->data + p->len;

    while (o < end && *o != 255) {
        if (*o == 0) {
            o++;
            continue;
        }
        if (end - o < 2 || o[1] > end - o - 2)
            return NULL;
        if (o[0] == code)
            return o[1] == len ? o + 2 : NULL;
        o += 2 + o[1];
    }
    return NULL;
}

/* The reply's headers and fixed fields; to: the IP destination. */
static void check_reply(const struct pkt *p, uint8_t type, const uint8_t *to_mac, const uint8_t *to_ip)
{
    const uint8_t *d = p->data, *m = d + 42;
    struct netframe_at at = { 14, 34, 8, p->len };
    static const uint8_t zero[4];

    EXPECT_TRUE(p->len >= 42 + 300);
    EXPECT_EQ(memcmp(d, to_mac, 6), 0);
    EXPECT_EQ(memcmp(d + 6, lease.server_mac, 6), 0);
    EXPECT_EQ(d[12] << 8 | d[13], 0x0800);
    EXPECT_TRUE(netframe_ipv4_ok(d, 14));
    EXPECT_EQ(d[14 + 9], 17);
    EXPECT_EQ((uint32_t)(d[16] << 8 | d[17]), p->len - 14);
    EXPECT_EQ(memcmp(d + 26, router_ip, 4), 0);
    EXPECT_EQ(memcmp(d + 30, to_ip, 4), 0);
    EXPECT_EQ(d[34] << 8 | d[35], 67);
    EXPECT_EQ(d[36] << 8 | d[37], 68);
    EXPECT_EQ((uint32_t)(d[38] << 8 | d[39]), p->len - 34);
    EXPECT_TRUE(netframe_l4_ok(d, &at, false, 17, false));
    EXPECT_EQ(m[0], 2);
    EXPECT_EQ(memcmp(m + 4, "\xde\xad\xbe\xef", 4), 0);
    EXPECT_EQ(memcmp(m + 16, type == 6 ? zero : client_ip, 4), 0);
    EXPECT_EQ(memcmp(m + 28, lease.client_mac, 6), 0);
    EXPECT_EQ(memcmp(m + 236, "\x63\x82\x53\x63", 4), 0);
    EXPECT_TRUE(reply_opt(p, 53, 1) && *reply_opt(p, 53, 1) == type);
    EXPECT_TRUE(reply_opt(p, 54, 4) && memcmp(reply_opt(p, 54, 4), router_ip, 4) == 0);
    if (type == 6) {
        EXPECT_TRUE(reply_opt(p, 51, 4) == NULL);
        return;
    }
    EXPECT_TRUE(reply_opt(p, 51, 4) && memcmp(reply_opt(p, 51, 4), "\x00\x01\x51\x80", 4) == 0);
    EXPECT_TRUE(reply_opt(p, 1, 4) && memcmp(reply_opt(p, 1, 4), mask, 4) == 0);
    EXPECT_TRUE(reply_opt(p, 3, 4) && memcmp(reply_opt(p, 3, 4), router_ip, 4) == 0);
    if (lease.dns_ip)
        EXPECT_TRUE(reply_opt(p, 6, 4) && memcmp(reply_opt(p, 6, 4), dns_ip, 4) == 0);
    else
        EXPECT_TRUE(reply_opt(p, 6, 4) == NULL);
}

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t bcast_ip[4] = { 255, 255, 255, 255 };
static const uint8_t client_mac[6] = { CLIENT_MAC };

static void expect_reply(const struct request *r, uint8_t type, const uint8_t *to_mac, const uint8_t *to_ip)
{
    unsigned free0 = netframe_pool_free();
    struct pkt *out = reply_to(r);

    EXPECT_TRUE(out != NULL);
    if (out) {
        check_reply(out, type, to_mac, to_ip);
        pkt_put(out);
    }
    EXPECT_EQ(netframe_pool_free(), free0);
}

static void expect_none(const struct request *r)
{
    unsigned free0 = netframe_pool_free();
    struct pkt *p = frame_of(r);

    if (!p)
        return;
    EXPECT_TRUE(dhcpd_reply(p, &lease) == NULL);
    pkt_put(p);
    EXPECT_EQ(netframe_pool_free(), free0);
}

TEST(discover_gets_offer)
{
    struct request r;

    lease_init(true);
    req_init(&r, 1, false);
    req_end(&r);
    expect_reply(&r, 2, client_mac, client_ip);
    req_init(&r, 1, true);
    req_opt(&r, 50, client_ip, 4); /* a hint, whatever it says */
    req_end(&r);
    expect_reply(&r, 2, bcast_mac, bcast_ip);
    lease_init(false);
    expect_reply(&r, 2, bcast_mac, bcast_ip);
}

TEST(request_gets_ack)
{
    struct request r;

    lease_init(true);
    /* SELECTING: the offered address, this server. */
    req_init(&r, 3, true);
    req_opt(&r, 54, router_ip, 4);
    req_opt(&r, 50, client_ip, 4);
    req_end(&r);
    expect_reply(&r, 5, bcast_mac, bcast_ip);
    /* RENEWING: the address in ciaddr, answered there. */
    req_init(&r, 3, false);
    memcpy(r.msg + 12, client_ip, 4);
    req_end(&r);
    expect_reply(&r, 5, client_mac, client_ip);
    /* No end option: the options end with the message. */
    req_init(&r, 3, false);
    req_opt(&r, 50, client_ip, 4);
    expect_reply(&r, 5, client_mac, client_ip);
}

TEST(request_for_another_address_gets_nak)
{
    static const uint8_t other[4] = { 10, 0, 0, 3 };
    struct request r;

    lease_init(true);
    req_init(&r, 3, false);
    req_opt(&r, 50, other, 4);
    req_end(&r);
    expect_reply(&r, 6, bcast_mac, bcast_ip);
    req_init(&r, 3, false); /* no address at all */
    req_end(&r);
    expect_reply(&r, 6, bcast_mac, bcast_ip);
}

TEST(requests_not_for_us_get_nothing)
{
    static const uint8_t other[4] = { 10, 0, 0, 1 };
    struct request r;

    lease_init(true);
    req_init(&r, 3, false); /* the client chose another server */
    req_opt(&r, 54, other, 4);
    req_opt(&r, 50, client_ip, 4);
    req_end(&r);
    expect_none(&r);
    req_init(&r, 1, false); /* another client's MAC */
    r.msg[33] ^= 1;
    req_end(&r);
    expect_none(&r);
    for (uint8_t type = 4; type <= 8; type++) { /* DECLINE ... INFORM */
        if (type == 5 || type == 6)
            continue;
        req_init(&r, type, false);
        req_end(&r);
        expect_none(&r);
    }
}

static void spoil_and_expect_none(void (*spoil)(struct request *))
{
    struct request r;

    req_init(&r, 1, false);
    req_opt(&r, 50, client_ip, 4);
    spoil(&r);
    expect_none(&r);
}

static void no_cookie(struct request *r)
{
    r->msg[239] = 0;
}
static void a_reply(struct request *r)
{
    r->msg[0] = 2;
}
static void token_ring(struct request *r)
{
    r->msg[1] = 6;
}
static void long_hlen(struct request *r)
{
    r->msg[2] = 16;
}
static void option_past_end(struct request *r)
{
    r->msg[r->len - 5] = 5;
}
static void lone_option_code(struct request *r)
{
    r->msg[r->len++] = 12;
}
static void type_of_two_bytes(struct request *r)
{
    static const uint8_t discover_and_more[2] = { 1, 0 };

    r->len = 240;
    req_opt(r, 53, discover_and_more, 2);
    req_end(r);
}
static void short_server_id(struct request *r)
{
    req_opt(r, 54, router_ip, 3);
}
static void no_type(struct request *r)
{
    r->msg[240] = 0; /* pads */
    r->msg[241] = 0;
    r->msg[242] = 0;
}
static void only_fixed_part(struct request *r)
{
    r->len = 239;
}

TEST(malformed_requests_get_nothing)
{
    lease_init(true);
    spoil_and_expect_none(no_cookie);
    spoil_and_expect_none(a_reply);
    spoil_and_expect_none(token_ring);
    spoil_and_expect_none(long_hlen);
    spoil_and_expect_none(option_past_end);
    spoil_and_expect_none(lone_option_code);
    spoil_and_expect_none(type_of_two_bytes);
    spoil_and_expect_none(short_server_id);
    spoil_and_expect_none(no_type);
    spoil_and_expect_none(only_fixed_part);
}

/* Cut anywhere (the frame, or the IP and UDP lengths with it): no read
 * outside, and a reply only when what is left still parses. */
TEST(truncated_requests_every_length)
{
    struct request r;
    struct pkt *p;
    unsigned free0 = netframe_pool_free();

    lease_init(true);
    req_init(&r, 1, false);
    req_opt(&r, 50, client_ip, 4);
    req_end(&r);
    p = frame_of(&r);
    if (!p)
        return;
    for (uint32_t len = 0; len <= p->len; len++) {
        struct pkt cut = *p;
        struct pkt *out;

        cut.len = len;
        out = dhcpd_reply(&cut, &lease);
        EXPECT_TRUE(out == NULL || len == p->len);
        if (out)
            pkt_put(out);
    }
    for (uint32_t n = 0; n <= r.len; n++) {
        struct request s = r;
        struct pkt *q, *out;

        s.len = n;
        q = frame_of(&s);
        out = q ? dhcpd_reply(q, &lease) : NULL;
        /* Whole options (type at 243, 50 at 249, end at 250) or nothing. */
        EXPECT_EQ(out != NULL, n == 243 || n >= 249);
        if (out)
            pkt_put(out);
        if (q)
            pkt_put(q);
    }
    pkt_put(p);
    EXPECT_EQ(netframe_pool_free(), free0);
}

TEST(is_request_only_udp_to_67)
{
    struct request r;
    struct pkt *p;

    req_init(&r, 1, false);
    req_end(&r);
    p = frame_of(&r);
    EXPECT_TRUE(dhcpd_is_request(p));
    p->data[36] = 0; /* UDP destination port 68 -> something else */
    p->data[37] = 68;
    EXPECT_FALSE(dhcpd_is_request(p));
    p->data[37] = 67;
    p->data[23] = 6; /* TCP */
    EXPECT_FALSE(dhcpd_is_request(p));
    p->data[23] = 17;
    p->len = 40;
    EXPECT_FALSE(dhcpd_is_request(p));
    pkt_put(p);
}

int main(void)
{
    if (pkt_pool_init(64, 8) != 0)
        return 1;
    return test_run((const struct test[]){
        TEST_ENTRY(discover_gets_offer), TEST_ENTRY(request_gets_ack), TEST_ENTRY(request_for_another_address_gets_nak),
        TEST_ENTRY(requests_not_for_us_get_nothing), TEST_ENTRY(malformed_requests_get_nothing),
        TEST_ENTRY(truncated_requests_every_length), TEST_ENTRY(is_request_only_udp_to_67), TEST_END });
}
