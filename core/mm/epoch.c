/* SPDX-License-Identifier: MIT */
/*
 * The epoch rule (docs/deferred-free.md): an item retired at epoch E
 * raises the global epoch to E + 1; a CPU whose slot reads more than E
 * took that value after the item was unlinked, so whatever it holds it
 * found afterwards, never the item. An idle CPU holds nothing. Reclaiming
 * takes the oldest items whose epoch is below every busy CPU's slot.
 * Sequentially consistent accesses throughout: a slot is written before
 * the CPU's next lookups, and the global epoch after the unlink.
 */
#include "core/epoch.h"
#include "core/env.h"

void epoch_init(struct epoch *e)
{
    e->global = 1;
    for (unsigned c = 0; c < EPOCH_MAX_CPUS; c++)
        e->cpu[c] = EPOCH_IDLE;
    e->head = NULL;
    e->tail = &e->head;
    e->frames = 0;
}

void epoch_quiescent(struct epoch *e, unsigned cpu)
{
    ASSERT(cpu < EPOCH_MAX_CPUS);
    __atomic_store_n(&e->cpu[cpu], __atomic_load_n(&e->global, __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
}

void epoch_idle(struct epoch *e, unsigned cpu)
{
    ASSERT(cpu < EPOCH_MAX_CPUS);
    __atomic_store_n(&e->cpu[cpu], EPOCH_IDLE, __ATOMIC_SEQ_CST);
}

void epoch_retire(struct epoch *e, struct epoch_item *it, paddr_t pa, size_t frames)
{
    ASSERT(frames > 0);
    it->next = NULL;
    it->pa = pa;
    it->frames = frames;
    /* The caller unlinked the object before this load: a CPU that reads
     * the raised value later cannot find it any more. */
    it->epoch = __atomic_fetch_add(&e->global, 1, __ATOMIC_SEQ_CST);
    *e->tail = it;
    e->tail = &it->next;
    __atomic_store_n(&e->frames, e->frames + frames, __ATOMIC_SEQ_CST);
}

/* The oldest epoch a CPU of the mask may still hold a pointer from. */
static uint64_t oldest_held(const struct epoch *e, uint64_t cpus)
{
    uint64_t oldest = __atomic_load_n(&e->global, __ATOMIC_SEQ_CST);

    for (unsigned c = 0; c < EPOCH_MAX_CPUS; c++) {
        uint64_t seen;
        if (!(cpus & (1ull << c)))
            continue;
        seen = __atomic_load_n(&e->cpu[c], __ATOMIC_SEQ_CST);
        if (seen != EPOCH_IDLE && seen < oldest)
            oldest = seen;
    }
    return oldest;
}

struct epoch_item *epoch_reclaim(struct epoch *e, uint64_t cpus)
{
    uint64_t oldest;
    struct epoch_item *done = e->head, **cut = &e->head;
    size_t frames = 0;

    if (!e->head)
        return NULL;
    oldest = oldest_held(e, cpus);
    while (*cut && (*cut)->epoch < oldest) {
        frames += (*cut)->frames;
        cut = &(*cut)->next;
    }
    if (cut == &e->head)
        return NULL;
    e->head = *cut;
    if (!e->head)
        e->tail = &e->head;
    *cut = NULL;
    ASSERT(frames <= e->frames);
    __atomic_store_n(&e->frames, e->frames - frames, __ATOMIC_SEQ_CST);
    return done;
}

size_t epoch_pending(const struct epoch *e)
{
    return __atomic_load_n(&e->frames, __ATOMIC_SEQ_CST);
}
