/* SPDX-License-Identifier: MIT */
/*
 * The masquerading table of nat.h. NAT_MAPPINGS_MAX mappings in a static
 * array, each on two hash chains: the guest side's key (vif, protocol,
 * guest address and port, remote address and port) for what guests send,
 * the outside key (protocol, outside port, remote address and port) for
 * what comes back. An outside port (ICMP: echo identifier) belongs to one
 * mapping at a time, from a bitmap per protocol, handed out round-robin
 * so that a port just freed is not reused at once.
 *
 * Each packet is decoded first (headers, protocol, the partial checksum's
 * location, the mapping found or a free one and a port reserved), then
 * rewritten, which cannot fail. Checksums are updated by RFC 1624's
 * incremental rule: the IPv4 header's for the address, the L4 check for
 * the pseudo-header's address and the port or identifier. A frame with a
 * partial checksum holds the pseudo-header's sum in the L4 field: only
 * the address change goes there (the port is summed when the checksum is
 * completed).
 *
 * Not done: ICMP errors that quote a mapped connection (destination
 * unreachable, time exceeded) are not translated back to the guest (they
 * match no mapping and go to the host stack); fragments are refused
 * outbound and not matched inbound.
 */
#include "nat.h"

#include <string.h>

#include "csum.h"
#include "idl/xen_errno.h"
#include "proto.h"

#define NAT_HASH           4096u /* buckets per table, a power of two */
#define NAT_NONE           0xffffu
#define NAT_PORTS          (NAT_PORT_LAST - NAT_PORT_FIRST + 1u)
#define NS_PER_S           1000000000ull
#define NAT_IDLE_TCP_EST   (2ull * 3600 * NS_PER_S)
#define NAT_IDLE_TCP_SHORT (120ull * NS_PER_S) /* unanswered, or after a FIN or RST */
#define NAT_IDLE_UDP       (180ull * NS_PER_S)
#define NAT_IDLE_ICMP      (30ull * NS_PER_S)

_Static_assert(NAT_MAPPINGS_MAX < NAT_NONE, "mapping indices fit in 16 bits");
_Static_assert(NAT_MAPPINGS_MAX <= NAT_PORTS, "every mapping can have a port");

enum nat_kind { NAT_TCP, NAT_UDP, NAT_ICMP, NAT_KINDS };
enum nat_tcp { TCP_UNANSWERED, TCP_ESTABLISHED, TCP_CLOSING };

/* One connection: the guest's (guest_ip, guest_port) to (remote_ip,
 * remote_port) leaves as (outside address, out_port). Addresses in host
 * order; ICMP: the ports are the identifier, remote_port 0. */
struct nat_map {
    uint64_t last_ns;
    uint32_t guest_ip, remote_ip;
    uint16_t vif, guest_port, remote_port, out_port;
    uint16_t next_guest, next_out; /* hash chains; next_guest also links the free list */
    uint8_t kind, tcp, used;
};

/* The key of one packet, in the guest side's terms. */
struct nat_key {
    uint32_t guest_ip, remote_ip;
    uint16_t vif, guest_port, remote_port, out_port;
    uint8_t kind;
};

static struct nat_map maps[NAT_MAPPINGS_MAX];
static uint16_t guest_head[NAT_HASH], out_head[NAT_HASH];
static uint16_t free_head;
static uint8_t port_used[NAT_KINDS][NAT_PORTS / 8 + 1];
static uint32_t port_cursor[NAT_KINDS];
static unsigned live;
static bool ready;
static uint64_t hash_key; /* per start: keys worked out beforehand do not all land on one chain */

static void table_init(uint64_t now_ns)
{
    for (unsigned i = 0; i < NAT_HASH; i++)
        guest_head[i] = out_head[i] = NAT_NONE;
    for (unsigned i = 0; i < NAT_MAPPINGS_MAX; i++)
        maps[i].next_guest = (uint16_t)(i + 1 < NAT_MAPPINGS_MAX ? i + 1 : NAT_NONE);
    free_head = 0;
    hash_key = (now_ns ^ (uint64_t)(uintptr_t)maps) * 0xd6e8feb86659fd93ull;
    ready = true;
}

static uint32_t hash(uint64_t a, uint64_t b)
{
    uint64_t x = ((a ^ hash_key) * 0x9e3779b97f4a7c15ull) ^ b;

    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return (uint32_t)x & (NAT_HASH - 1);
}

static uint32_t guest_hash(const struct nat_key *k)
{
    return hash((uint64_t)k->guest_ip << 32 | k->remote_ip,
                (uint64_t)k->vif << 40 | (uint64_t)k->kind << 32 | (uint32_t)k->guest_port << 16 | k->remote_port);
}

static uint32_t out_hash(uint8_t kind, uint16_t out_port, uint32_t remote_ip, uint16_t remote_port)
{
    return hash(remote_ip, (uint64_t)kind << 32 | (uint32_t)out_port << 16 | remote_port);
}

static struct nat_map *guest_find(const struct nat_key *k)
{
    for (uint16_t i = guest_head[guest_hash(k)]; i != NAT_NONE; i = maps[i].next_guest) {
        const struct nat_map *m = &maps[i];
        if (m->vif == k->vif && m->kind == k->kind && m->guest_ip == k->guest_ip && m->guest_port == k->guest_port &&
            m->remote_ip == k->remote_ip && m->remote_port == k->remote_port)
            return &maps[i];
    }
    return NULL;
}

static struct nat_map *out_find(const struct nat_key *k)
{
    for (uint16_t i = out_head[out_hash(k->kind, k->out_port, k->remote_ip, k->remote_port)]; i != NAT_NONE;
         i = maps[i].next_out) {
        const struct nat_map *m = &maps[i];
        if (m->kind == k->kind && m->out_port == k->out_port && m->remote_ip == k->remote_ip &&
            m->remote_port == k->remote_port)
            return &maps[i];
    }
    return NULL;
}

static bool port_taken(unsigned kind, uint32_t i)
{
    return ((unsigned)port_used[kind][i / 8] >> (i % 8)) & 1u;
}

static void port_mark(unsigned kind, uint32_t i, bool used)
{
    if (used)
        port_used[kind][i / 8] |= (uint8_t)(1u << (i % 8));
    else
        port_used[kind][i / 8] &= (uint8_t) ~(1u << (i % 8));
}

/* A free outside port of the kind (not yet marked), or 0. */
static uint16_t port_pick(unsigned kind)
{
    for (uint32_t n = 0; n < NAT_PORTS; n++) {
        uint32_t i = (port_cursor[kind] + n) % NAT_PORTS;
        if (!port_taken(kind, i)) {
            port_cursor[kind] = (i + 1) % NAT_PORTS;
            return (uint16_t)(NAT_PORT_FIRST + i);
        }
    }
    return 0;
}

static void map_insert(const struct nat_key *k, uint64_t now_ns, struct nat_map **out)
{
    uint16_t i = free_head;
    struct nat_map *m = &maps[i];
    uint32_t g = guest_hash(k), o = out_hash(k->kind, k->out_port, k->remote_ip, k->remote_port);

    free_head = m->next_guest;
    *m = (struct nat_map){ .last_ns = now_ns,
                           .guest_ip = k->guest_ip,
                           .remote_ip = k->remote_ip,
                           .vif = k->vif,
                           .guest_port = k->guest_port,
                           .remote_port = k->remote_port,
                           .out_port = k->out_port,
                           .kind = k->kind,
                           .tcp = TCP_UNANSWERED,
                           .used = 1 };
    m->next_guest = guest_head[g];
    guest_head[g] = i;
    m->next_out = out_head[o];
    out_head[o] = i;
    port_mark(k->kind, k->out_port - NAT_PORT_FIRST, true);
    live++;
    *out = m;
}

static void unlink(uint16_t *head, uint16_t i, bool guest_chain)
{
    uint16_t *at = head;

    while (*at != NAT_NONE && *at != i)
        at = guest_chain ? &maps[*at].next_guest : &maps[*at].next_out;
    if (*at == i)
        *at = guest_chain ? maps[i].next_guest : maps[i].next_out;
}

static void map_remove(uint16_t i)
{
    struct nat_map *m = &maps[i];
    struct nat_key k = { .guest_ip = m->guest_ip,
                         .remote_ip = m->remote_ip,
                         .vif = m->vif,
                         .guest_port = m->guest_port,
                         .remote_port = m->remote_port,
                         .kind = m->kind };

    unlink(&guest_head[guest_hash(&k)], i, true);
    unlink(&out_head[out_hash(m->kind, m->out_port, m->remote_ip, m->remote_port)], i, false);
    port_mark(m->kind, m->out_port - NAT_PORT_FIRST, false);
    m->used = 0;
    m->next_guest = free_head;
    free_head = i;
    live--;
}

/* ------------------------------------------------------------ packets */

/* What decoding a packet found: where its fields are. */
struct nat_pkt {
    struct proto_hdrs h;
    uint8_t kind;
    uint32_t check_off; /* the L4 check, from the L4 header */
    uint32_t port_off;  /* the port (or identifier) to rewrite, from the L4 header */
    uint8_t tcp_flags;
};

/* The decode step: 0; -XEN_EOPNOTSUPP for a well-formed packet that NAT
 * does not map (IPv6, a fragment, another protocol, ICMP other than
 * echo); -XEN_EINVAL for a malformed one. */
static int decode(const struct pkt *p, bool outbound, struct nat_pkt *np)
{
    const uint8_t *l4;
    int r = proto_parse(p, &np->h);

    if (r != 0)
        return r;
    if (np->h.v6 || !np->h.l4_hlen)
        return -XEN_EOPNOTSUPP;
    l4 = p->data + np->h.l4;
    np->tcp_flags = 0;
    switch (np->h.proto) {
    case IP_PROTO_TCP:
        np->kind = NAT_TCP;
        np->check_off = TCP_OFF_CHECK;
        np->tcp_flags = l4[TCP_OFF_FLAGS];
        break;
    case IP_PROTO_UDP:
        np->kind = NAT_UDP;
        np->check_off = UDP_OFF_CHECK;
        break;
    default: /* ICMP: echo requests out, echo replies in */
        if (l4[ICMP_OFF_TYPE] != (outbound ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY) || l4[1] != 0)
            return -XEN_EOPNOTSUPP;
        np->kind = NAT_ICMP;
        np->check_off = ICMP_OFF_CHECK;
        np->port_off = ICMP_OFF_ID;
        break;
    }
    if (np->kind != NAT_ICMP)
        np->port_off = outbound ? TCP_OFF_SPORT : TCP_OFF_DPORT; /* the same offsets in UDP */
    /* A partial checksum must be the L4 check we update. */
    if ((p->flags & PKT_CSUM_PARTIAL) && (p->csum_start != np->h.l4 || p->csum_offset != np->check_off))
        return -XEN_EINVAL;
    return 0;
}

/* The key of a decoded packet: outbound from the guest's side, inbound
 * from the outside's (vif and guest fields unknown). */
static void key_of(const uint8_t *d, const struct nat_pkt *np, bool outbound, int port, struct nat_key *k)
{
    const uint8_t *ip = d + np->h.l3, *l4 = d + np->h.l4;

    *k = (struct nat_key){ .kind = np->kind, .vif = (uint16_t)port };
    if (outbound) {
        k->guest_ip = get_be32(ip + IPV4_OFF_SRC);
        k->remote_ip = get_be32(ip + IPV4_OFF_DST);
        k->guest_port = get_be16(l4 + np->port_off);
        k->remote_port = np->kind == NAT_ICMP ? 0 : get_be16(l4 + TCP_OFF_DPORT);
    } else {
        k->remote_ip = get_be32(ip + IPV4_OFF_SRC);
        k->out_port = get_be16(l4 + np->port_off);
        k->remote_port = np->kind == NAT_ICMP ? 0 : get_be16(l4 + TCP_OFF_SPORT);
    }
}

/* The perform step: the address at ip_off (source or destination) and
 * the port become ip and port, every check that covers them updated. */
static void rewrite(struct pkt *p, const struct nat_pkt *np, uint32_t ip_off, uint32_t ip, uint16_t port)
{
    uint8_t *iph = p->data + np->h.l3, *l4 = p->data + np->h.l4, *check = l4 + np->check_off;
    uint32_t old_ip = get_be32(iph + ip_off);
    uint16_t old_port = get_be16(l4 + np->port_off), c = get_be16(check);

    put_be32(iph + ip_off, ip);
    put_be16(iph + IPV4_OFF_CHECK, csum_replace4(get_be16(iph + IPV4_OFF_CHECK), old_ip, ip));
    put_be16(l4 + np->port_off, port);
    if (p->flags & PKT_CSUM_PARTIAL) {
        if (np->kind != NAT_ICMP)
            put_be16(check, csum_sum_replace4(c, old_ip, ip));
        return;
    }
    if (np->kind == NAT_UDP && c == 0)
        return; /* no checksum: stays none (RFC 768) */
    if (np->kind != NAT_ICMP)
        c = csum_replace4(c, old_ip, ip);
    c = csum_replace2(c, old_port, port);
    if (np->kind == NAT_ICMP && c == 0) {
        /* Right for a message that sums to -0; one of all zeros (no
         * pseudo-header: ICMP can be) sums to +0 and needs 0xffff. */
        put_be16(check, 0);
        c = csum_partial(l4, np->h.end - np->h.l4, 0) == 0 ? 0xffff : 0;
    }
    put_be16(check, (np->kind == NAT_UDP && c == 0) ? 0xffff : c);
}

/* A packet of the mapping went through: it is not idle, and TCP's state
 * follows the flags (enough for nat.h's timeouts). */
static void map_touch(struct nat_map *m, const struct nat_pkt *np, bool outbound, uint64_t now_ns)
{
    uint8_t flags = np->tcp_flags;

    m->last_ns = now_ns;
    if (m->kind != NAT_TCP)
        return;
    if (flags & (TCP_FIN | TCP_RST))
        m->tcp = TCP_CLOSING;
    else if (outbound && (flags & TCP_SYN) && !(flags & TCP_ACK))
        m->tcp = TCP_UNANSWERED; /* the guest opens the same 4-tuple again */
    else if (!outbound && m->tcp == TCP_UNANSWERED)
        m->tcp = TCP_ESTABLISHED;
}

/* The mapping of an outbound key, a new one (port reserved) if none. */
static int outbound_map(struct nat_key *k, uint64_t now_ns, struct nat_map **m)
{
    *m = guest_find(k);
    if (*m)
        return 0;
    if (free_head == NAT_NONE)
        return -XEN_ENOSPC;
    k->out_port = port_pick(k->kind);
    if (!k->out_port)
        return -XEN_ENOSPC;
    map_insert(k, now_ns, m);
    return 0;
}

int nat_outbound(struct pkt *p, int port, uint32_t outside_ip, uint64_t now_ns)
{
    struct nat_pkt np;
    struct nat_key k;
    struct nat_map *m;
    int r;

    if (!ready)
        table_init(now_ns);
    if (port <= 0 || port > UINT16_MAX || decode(p, true, &np) != 0)
        return -XEN_EINVAL;
    key_of(p->data, &np, true, port, &k);
    r = outbound_map(&k, now_ns, &m);
    if (r != 0)
        return r;
    map_touch(m, &np, true, now_ns);
    rewrite(p, &np, IPV4_OFF_SRC, get_be32((const uint8_t *)&outside_ip), m->out_port);
    return 0;
}

int nat_inbound(struct pkt *p, uint32_t outside_ip, uint64_t now_ns)
{
    struct nat_pkt np;
    struct nat_key k;
    struct nat_map *m;
    int r;

    if (!ready)
        table_init(now_ns);
    r = decode(p, false, &np);
    if (r == -XEN_EOPNOTSUPP)
        return 0; /* not a reply to a mapping: the host stack's */
    if (r != 0)
        return r;
    if (get_be32(p->data + np.h.l3 + IPV4_OFF_DST) != get_be32((const uint8_t *)&outside_ip))
        return 0;
    key_of(p->data, &np, false, 0, &k);
    m = out_find(&k);
    if (!m)
        return 0;
    map_touch(m, &np, false, now_ns);
    rewrite(p, &np, IPV4_OFF_DST, m->guest_ip, m->guest_port);
    return m->vif;
}

/* ------------------------------------------------------------ upkeep */

static uint64_t idle_limit(const struct nat_map *m)
{
    if (m->kind == NAT_UDP)
        return NAT_IDLE_UDP;
    if (m->kind == NAT_ICMP)
        return NAT_IDLE_ICMP;
    return m->tcp == TCP_ESTABLISHED ? NAT_IDLE_TCP_EST : NAT_IDLE_TCP_SHORT;
}

void nat_expire(uint64_t now_ns)
{
    for (uint16_t i = 0; i < NAT_MAPPINGS_MAX; i++) {
        const struct nat_map *m = &maps[i];
        if (m->used && now_ns > m->last_ns && now_ns - m->last_ns > idle_limit(m))
            map_remove(i);
    }
}

void nat_port_del(int port)
{
    for (uint16_t i = 0; i < NAT_MAPPINGS_MAX; i++) {
        if (maps[i].used && maps[i].vif == port)
            map_remove(i);
    }
}

unsigned nat_count(void)
{
    return live;
}
