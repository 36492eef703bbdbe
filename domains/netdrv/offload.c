/* SPDX-License-Identifier: MIT */
/*
 * Checksum and TCP segmentation offload in software (offload.h), for the
 * ports whose far side cannot take a partial checksum or a GSO frame.
 * Headers are found by proto_parse (every offset checked against the
 * frame); each segment is a new frame with the original's headers, fixed
 * up, and its checksums computed in full. Does not segment UDP (no UFO)
 * nor TCP over an IPv6 routing header (its pseudo-header needs the
 * final destination, inside the routing header): both are refused.
 */
#include "offload.h"

#include <string.h>

#include "csum.h"
#include "idl/xen_errno.h"
#include "proto.h"

int offload_csum_setup(struct pkt *p)
{
    struct proto_hdrs h;
    uint16_t field;

    if (proto_parse(p, &h) != 0)
        return -XEN_EINVAL;
    if (h.proto == IP_PROTO_TCP && h.l4_hlen)
        field = TCP_OFF_CHECK;
    else if (h.proto == IP_PROTO_UDP && h.l4_hlen)
        field = UDP_OFF_CHECK;
    else
        return -XEN_EINVAL;
    if (h.l4 > UINT16_MAX)
        return -XEN_EINVAL;
    p->flags |= PKT_CSUM_PARTIAL;
    p->csum_start = (uint16_t)h.l4;
    p->csum_offset = field;
    return 0;
}

int offload_csum_complete(struct pkt *p)
{
    uint32_t start = p->csum_start, at = start + p->csum_offset;
    uint16_t check;

    if (!(p->flags & PKT_CSUM_PARTIAL))
        return 0;
    if (start >= p->len || at + 2 > p->len || (p->csum_offset & 1))
        return -XEN_EINVAL; /* at an odd offset the field's two bytes would sit in two words */
    /* The field holds the pseudo-header's sum and is summed with the
     * rest. A check of 0 is sent as 0xffff, the same one's-complement
     * number: UDP reads 0 as "no checksum" (RFC 768). */
    check = csum_fold(csum_partial(p->data + start, p->len - start, 0));
    put_be16(p->data + at, check ? check : 0xffff);
    p->flags = (uint16_t)((p->flags & ~PKT_CSUM_PARTIAL) | PKT_CSUM_VALID);
    return 0;
}

/* The checks of one TCP segment whose headers and payload are in place. */
static void seg_fix_csums(uint8_t *d, const struct proto_hdrs *h)
{
    uint8_t *ip = d + h->l3, *tcp = d + h->l4;
    uint32_t l4_len = h->end - h->l4, sum;

    if (h->v6) {
        sum = csum_pseudo(ip + IPV6_OFF_SRC, ip + IPV6_OFF_DST, 16, IP_PROTO_TCP, l4_len);
    } else {
        proto_ipv4_csum_set(ip, h->l4 - h->l3);
        sum = csum_pseudo(ip + IPV4_OFF_SRC, ip + IPV4_OFF_DST, 4, IP_PROTO_TCP, l4_len);
    }
    put_be16(tcp + TCP_OFF_CHECK, 0);
    put_be16(tcp + TCP_OFF_CHECK, csum_fold(csum_partial(tcp, l4_len, sum)));
}

/* Segment i of n: the headers copied from the original (hdr_len bytes),
 * then the payload piece of pay_len bytes, its lengths, id, sequence
 * number, flags and checks set. */
static struct pkt *seg_make(const struct pkt *p, const struct proto_hdrs *h, unsigned i, unsigned n,
                            const uint8_t *payload, uint32_t pay_len)
{
    uint32_t hdr_len = h->l4 + h->l4_hlen;
    struct pkt *s = pkt_alloc(hdr_len + pay_len);
    struct proto_hdrs sh = *h;
    uint8_t *ip, *tcp;

    if (!s)
        return NULL;
    memcpy(s->data, p->data, hdr_len);
    memcpy(s->data + hdr_len, payload, pay_len);
    s->in_port = p->in_port;
    s->flags = PKT_CSUM_VALID;
    sh.end = hdr_len + pay_len;
    ip = s->data + h->l3;
    tcp = s->data + h->l4;
    if (h->v6) {
        put_be16(ip + IPV6_OFF_PLEN, (uint16_t)(sh.end - h->l3 - IPV6_HLEN));
    } else {
        put_be16(ip + IPV4_OFF_TOTAL, (uint16_t)(sh.end - h->l3));
        put_be16(ip + IPV4_OFF_ID, (uint16_t)(get_be16(ip + IPV4_OFF_ID) + i));
    }
    put_be32(tcp + TCP_OFF_SEQ, get_be32(tcp + TCP_OFF_SEQ) + i * (uint32_t)p->gso_size);
    if (i + 1 < n)
        tcp[TCP_OFF_FLAGS] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
    if (i > 0)
        tcp[TCP_OFF_FLAGS] &= (uint8_t)~TCP_CWR;
    seg_fix_csums(s->data, &sh);
    return s;
}

/* The decode step: a TCP frame of the GSO kind it claims, headers whole. */
static int gso_check(const struct pkt *p, struct proto_hdrs *h)
{
    if (proto_parse(p, h) != 0 || h->proto != IP_PROTO_TCP || !h->l4_hlen || !p->gso_size)
        return -XEN_EINVAL;
    if (p->gso_type == PKT_GSO_TCPV4 && !h->v6)
        return 0;
    if (p->gso_type == PKT_GSO_TCPV6 && h->v6 && !h->v6_route)
        return 0;
    return -XEN_EINVAL;
}

int offload_gso_segment(struct pkt *p, void (*out)(void *ctx, struct pkt *seg), void *ctx)
{
    struct proto_hdrs h;
    uint32_t hdr_len, payload, mss = p->gso_size;
    unsigned n;
    int r = gso_check(p, &h);

    if (r != 0) {
        pkt_put(p);
        return r;
    }
    hdr_len = h.l4 + h.l4_hlen;
    payload = h.end - hdr_len;
    n = payload ? (payload + mss - 1) / mss : 1;
    for (unsigned i = 0; i < n; i++) {
        uint32_t off = i * mss, piece = payload - off < mss ? payload - off : mss;
        struct pkt *s = seg_make(p, &h, i, n, p->data + hdr_len + off, piece);

        if (!s) {
            r = -XEN_ENOMEM;
            break;
        }
        out(ctx, s);
    }
    pkt_put(p);
    return r;
}
