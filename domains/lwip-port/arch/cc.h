/* SPDX-License-Identifier: MIT */
/*
 * lwIP's compiler and C library port for the domains (newlib), and for
 * the host build the unit tests link (glibc): what lwIP's arch.h asks of
 * arch/cc.h. Shared by every domain on lwIP; a domain's own choices go in
 * its lwipopts.h. Built into the library by build/lwip.sh.
 */
#pragma once

/* lwIP types ssize_t itself unless SSIZE_MAX is defined, clashing with
 * newlib's; newlib's limits.h does not define it, so say it here and
 * lwIP takes ssize_t from unistd.h (PLATFORM.md, "lwIP"). */
#include <limits.h>
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

#define BYTE_ORDER LITTLE_ENDIAN

/* The C library's errno values, not lwIP's own copy of them. */
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_TIMEVAL_PRIVATE  0

/* A broken lwIP invariant ends the domain with one line naming it
 * (arch.h's default, which also flushes stdio first). */
#include <stdio.h>
#include <stdlib.h>
#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
        printf x;             \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                    \
    do {                                                                           \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
        fflush(NULL);                                                              \
        abort();                                                                   \
    } while (0)

/* DHCP transaction ids, TCP initial sequence numbers and ports: the
 * domain seeds rand() (ipstack_init does) before starting lwIP. */
#define LWIP_RAND() ((u32_t)rand())
