/* SPDX-License-Identifier: MIT */
/*
 * Epochs: the bookkeeping of the core's one deferred-free mechanism
 * (docs/deferred-free.md). Frames unlinked from every shared structure
 * are retired with the epoch of the moment; they go back once every CPU
 * has announced a quiescent point after it, or sits idle. Portable: no
 * lock of its own (the caller serialises retire and reclaim; each CPU
 * writes only its own slot) and no allocation (the caller's item lives
 * in the frames being retired).
 */
#pragma once

#include "core/types.h"

#define EPOCH_MAX_CPUS 64
#define EPOCH_IDLE     UINT64_MAX /* a CPU's slot while it holds nothing (idle, or not scheduling yet) */

/* Frames waiting to be freed. Stored inside those frames by the caller:
 * readers of the retired object never look at it. */
struct epoch_item {
    struct epoch_item *next; /* oldest first: caller's lock */
    uint64_t epoch;          /* the global epoch when retired */
    paddr_t pa;              /* first of frames contiguous frames */
    size_t frames;
};

struct epoch {
    uint64_t global;              /* raised by every retire (atomic; written under the caller's lock) */
    uint64_t cpu[EPOCH_MAX_CPUS]; /* global as last seen at a quiescent point, or EPOCH_IDLE (atomic; own CPU) */
    struct epoch_item *head;      /* retired, oldest first: caller's lock */
    struct epoch_item **tail;     /* caller's lock */
    size_t frames;                /* frames waiting (atomic; written under the caller's lock) */
};

/* epoch_init: nothing retired, every CPU idle. */
void epoch_init(struct epoch *e);

/* epoch_quiescent: CPU cpu holds no pointer it found in a shared
 * structure before this call. Lock-free; cpu's own slot only. */
void epoch_quiescent(struct epoch *e, unsigned cpu);

/* epoch_idle: CPU cpu holds nothing until its next epoch_quiescent (it
 * is about to sleep). Lock-free; cpu's own slot only. */
void epoch_idle(struct epoch *e, unsigned cpu);

/* epoch_retire: frames [pa, pa + frames pages), already unlinked from
 * everything a reader could find them by, wait in it (which may lie in
 * them). Caller's lock held. */
void epoch_retire(struct epoch *e, struct epoch_item *it, paddr_t pa, size_t frames);

/* epoch_reclaim: detaches and returns (oldest first, linked by next) the
 * items no CPU of the mask `cpus` can still be reading; NULL when none.
 * The caller frees them, reading each item before freeing its frames.
 * Caller's lock held. */
struct epoch_item *epoch_reclaim(struct epoch *e, uint64_t cpus);

/* epoch_pending: frames retired and not yet reclaimed. Lock-free. */
size_t epoch_pending(const struct epoch *e);
