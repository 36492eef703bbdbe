/* SPDX-License-Identifier: MIT */
/*
 * Byte rings (mosaic/bytering.h): free-running indices masked by the
 * ring size, every index from the other side read once and checked
 * against the size before any byte moves. Fences order the bytes
 * against the index that publishes or releases them.
 */
#include "mosaic/bytering.h"

long bytering_used(const struct bytering *r)
{
    uint32_t prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
    uint32_t cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);

    return prod - cons > r->size ? BYTERING_BROKEN : (long)(prod - cons);
}

long bytering_write(const struct bytering *r, const void *src, size_t len)
{
    uint32_t prod = *r->prod; /* our own index */
    uint32_t cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
    uint32_t used = prod - cons, n;
    const char *s = src;

    if (used > r->size)
        return BYTERING_BROKEN;
    n = r->size - used < len ? r->size - used : (uint32_t)len;
    for (uint32_t i = 0; i < n; i++)
        r->data[(prod + i) & (r->size - 1)] = s[i];
    /* The bytes before the index that makes them visible. */
    __atomic_store_n(r->prod, prod + n, __ATOMIC_RELEASE);
    return n;
}

static long copy_out(const struct bytering *r, void *dst, size_t len, int consume)
{
    uint32_t cons = *r->cons; /* our own index */
    uint32_t prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
    uint32_t avail = prod - cons, n;
    char *d = dst;

    if (avail > r->size)
        return BYTERING_BROKEN;
    n = avail < len ? avail : (uint32_t)len;
    for (uint32_t i = 0; i < n; i++)
        d[i] = r->data[(cons + i) & (r->size - 1)];
    /* The copy before the index that lets the producer reuse the bytes. */
    if (consume)
        __atomic_store_n(r->cons, cons + n, __ATOMIC_RELEASE);
    return n;
}

long bytering_read(const struct bytering *r, void *dst, size_t len)
{
    return copy_out(r, dst, len, 1);
}

long bytering_peek(const struct bytering *r, void *dst, size_t len)
{
    return copy_out(r, dst, len, 0);
}
