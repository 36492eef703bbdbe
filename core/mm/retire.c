/* SPDX-License-Identifier: MIT */
/*
 * Deferred frees in the running core: the epoch bookkeeping (epoch.c)
 * behind one lock, fed by the scheduler loop of every CPU. The lock is
 * taken only to retire and, when something waits, to reclaim; announcing
 * a quiescent point is one store.
 * Lock order: any lock, then retire_lock, then the frame lock.
 */
#include "core/retire.h"
#include "core/arch.h"
#include "core/mm.h"
#include "core/spinlock.h"

static struct epoch epochs = {
    .global = 1,
    .tail = &epochs.head,
    /* Every CPU starts idle: none holds anything before it schedules. */
    .cpu = { [0 ... EPOCH_MAX_CPUS - 1] = EPOCH_IDLE },
}; /* protected by retire_lock; the per-CPU slots are each CPU's own */
static struct spinlock retire_lock = SPINLOCK_INIT;

void retire_frames(struct epoch_item *it, paddr_t pa, size_t frames)
{
    uint64_t f = spin_lock_irqsave(&retire_lock);

    epoch_retire(&epochs, it, pa, frames);
    spin_unlock_irqrestore(&retire_lock, f);
}

void retire_quiescent(void)
{
    struct epoch_item *done;
    uint64_t f;

    epoch_quiescent(&epochs, arch_cpu_index());
    if (!epoch_pending(&epochs))
        return;
    f = spin_lock_irqsave(&retire_lock);
    done = epoch_reclaim(&epochs, arch_online_cpu_mask());
    spin_unlock_irqrestore(&retire_lock, f);
    while (done) {
        struct epoch_item it = *done; /* done lies in the frames it frees */
        frame_free_range(it.pa, it.frames);
        done = it.next;
    }
}

void retire_idle(void)
{
    epoch_idle(&epochs, arch_cpu_index());
}

size_t retire_pending(void)
{
    return epoch_pending(&epochs);
}
