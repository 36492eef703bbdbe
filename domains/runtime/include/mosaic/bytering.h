/* SPDX-License-Identifier: MIT */
/*
 * Byte rings in shared memory, as Xen's XenStore and console pages have
 * them: a power-of-two array of bytes with two free-running 32-bit
 * indices, the producer's and the consumer's, each written by one side
 * only. The other side's index is read once per call and checked: a
 * producer more than the ring's size ahead of the consumer is a broken
 * ring (the caller stops using it), never a reason to read past it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* One direction of a byte ring, as this side sees it. */
struct bytering {
    volatile char *data;     /* size bytes */
    uint32_t size;           /* a power of two */
    volatile uint32_t *prod; /* written by the producer only */
    volatile uint32_t *cons; /* written by the consumer only */
};

#define BYTERING_BROKEN (-1L) /* the other side's index is impossible */

/*
 * bytering_write: the producer copies up to len bytes of src in, as many
 * as fit, then publishes them (the data before the index). Returns the
 * number of bytes written (0 when full) or BYTERING_BROKEN.
 */
long bytering_write(const struct bytering *r, const void *src, size_t len);

/*
 * bytering_read: the consumer copies up to len bytes out, then releases
 * them (the copy before the index). Returns the number of bytes read (0
 * when empty) or BYTERING_BROKEN.
 */
long bytering_read(const struct bytering *r, void *dst, size_t len);

/* bytering_peek: as bytering_read, without consuming anything. */
long bytering_peek(const struct bytering *r, void *dst, size_t len);

/* bytering_used: bytes waiting (producer's view and consumer's alike), or
 * BYTERING_BROKEN. */
long bytering_used(const struct bytering *r);
