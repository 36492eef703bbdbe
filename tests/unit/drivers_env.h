/* SPDX-License-Identifier: MIT */
/*
 * The host's drivers environment (drivers_env.c): counters a test reads.
 */
#pragma once

extern unsigned dma_live;       /* dma_alloc'd blocks not yet freed */
extern unsigned dma_fail_after; /* dma_alloc fails once this many have succeeded (~0u: never) */

/* dma_release_all: free every block still allocated (those a driver left
 * to a device that would not reset). */
void dma_release_all(void);
