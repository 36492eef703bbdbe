/* SPDX-License-Identifier: MIT */
/*
 * The core's one deferred-free mechanism (docs/deferred-free.md): frames
 * that other CPUs may still be reading without a lock (a domain found by
 * id or by walking the domain list, a leaf of the id table) go back to
 * the allocator only once every online CPU has passed the top of its
 * scheduler loop, or sat idle, since they were unlinked.
 */
#pragma once

#include "core/epoch.h"

/* retire_frames: free frames [pa, pa + frames pages) once no CPU can hold
 * a pointer into them. They must be unlinked from every shared structure
 * first; it (storage inside them) holds them until then. Any context. */
void retire_frames(struct epoch_item *it, paddr_t pa, size_t frames);

/* retire_quiescent: the calling CPU holds no pointer it found in a shared
 * structure (the top of its scheduler loop), and frees what every CPU has
 * now left behind. */
void retire_quiescent(void);

/* retire_idle: the calling CPU holds nothing until its next
 * retire_quiescent (it is about to halt). */
void retire_idle(void);

/* retire_pending: frames retired and not yet freed. */
size_t retire_pending(void);
