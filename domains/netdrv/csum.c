/* SPDX-License-Identifier: MIT */
/*
 * The Internet checksum of csum.h. The bulk sum adds the buffer as native
 * 32-bit words into a 64-bit accumulator and swaps the folded result into
 * network order at the end: a one's-complement sum of byte-swapped words
 * is the byte-swapped sum (RFC 1071, 2.(B)), so this is the same sum as
 * adding big-endian 16-bit words, four times fewer steps.
 */
#include "csum.h"

#include <string.h>

static uint32_t reduce(uint64_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint32_t)s;
}

static uint16_t swap16(uint32_t v)
{
    return (uint16_t)((v & 0xff) << 8 | (v >> 8 & 0xff));
}

static uint32_t sum_native(const uint8_t *p, size_t len)
{
    uint64_t s = 0;
    uint32_t w;
    uint16_t h;

    for (; len >= 4; p += 4, len -= 4) {
        memcpy(&w, p, 4);
        s += w;
    }
    if (len >= 2) {
        memcpy(&h, p, 2);
        s += h;
        p += 2;
        len -= 2;
    }
    if (len) {
        uint8_t last[2] = { p[0], 0 };
        memcpy(&h, last, 2);
        s += h;
    }
    return reduce(s);
}

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
    uint32_t s = sum_native(buf, len);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    s = swap16(s);
#else
    (void)swap16;
#endif
    return reduce((uint64_t)s + sum);
}

uint32_t csum_add(uint32_t a, uint32_t b)
{
    return reduce((uint64_t)a + b);
}

uint16_t csum_fold(uint32_t sum)
{
    return (uint16_t)~reduce(sum);
}

uint32_t csum_pseudo(const uint8_t *src, const uint8_t *dst, size_t alen, uint8_t proto, uint32_t l4_len)
{
    uint64_t s = (uint64_t)proto + (l4_len >> 16) + (l4_len & 0xffff);

    s += csum_partial(src, alen, 0);
    s += csum_partial(dst, alen, 0);
    return reduce(s);
}

uint16_t csum_sum_replace2(uint16_t sum, uint16_t from, uint16_t to)
{
    return (uint16_t)reduce((uint64_t)sum + (uint16_t)~from + to);
}

uint16_t csum_sum_replace4(uint16_t sum, uint32_t from, uint32_t to)
{
    sum = csum_sum_replace2(sum, (uint16_t)(from >> 16), (uint16_t)(to >> 16));
    return csum_sum_replace2(sum, (uint16_t)from, (uint16_t)to);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
uint16_t csum_replace2(uint16_t check, uint16_t from, uint16_t to)
{
    return (uint16_t)~csum_sum_replace2((uint16_t)~check, from, to);
}

uint16_t csum_replace4(uint16_t check, uint32_t from, uint32_t to)
{
    return (uint16_t)~csum_sum_replace4((uint16_t)~check, from, to);
}
