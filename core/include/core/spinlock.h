/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks. Fair, small, and safe to take with interrupts off.
 * A lock remembers its holder so panic paths can tell "held by me".
 */
#pragma once

#include "core/arch.h"
#include "core/types.h"

struct spinlock {
    uint32_t next;  /* ticket dispenser: written by atomic add */
    uint32_t owner; /* ticket being served: written by the holder */
    int32_t holder; /* CPU index of the holder, -1 when free */
};

#define SPINLOCK_INIT \
    {                 \
        0, 0, -1      \
    }

static inline void spin_lock(struct spinlock *l)
{
    uint32_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t)
        arch_cpu_relax();
    l->holder = (int32_t)arch_cpu_index();
}

static inline void spin_unlock(struct spinlock *l)
{
    l->holder = -1;
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const struct spinlock *l)
{
    return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) != __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline bool spin_held_by_me(const struct spinlock *l)
{
    return spin_is_locked(l) && l->holder == (int32_t)arch_cpu_index();
}

static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
    uint64_t f = arch_irq_save();

    spin_lock(l);
    return f;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t f)
{
    spin_unlock(l);
    arch_irq_restore(f);
}
