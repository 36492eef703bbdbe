/* SPDX-License-Identifier: MIT */
/*
 * Locks for a domain whose vCPUs run at once: a recursive spinlock, and on
 * it the functions newlib calls when it is built with
 * --enable-newlib-retargetable-locking (sys/lock.h: __retarget_lock_* and
 * the static __lock___* locks), which make malloc, stdio, atexit and the
 * environment safe from every vCPU. A waiter spins with PAUSE and, now and
 * then, lets the other threads of its vCPU run (the holder may be one of
 * them) and exits to the hypervisor. Nothing here orders locks: newlib
 * takes them in its own order, and the runtime's console lock is a leaf.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/lock.h>

#include "mosaic/hypercall.h"
#include "mosaic/platform.h"
#include "mosaic/thread.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"

#define LOCK_SPINS_PER_YIELD 1024u

static void lock_wait(unsigned spins, bool may_switch)
{
    __asm__ volatile("pause" ::: "memory");
    if (spins % LOCK_SPINS_PER_YIELD != 0)
        return;
    if (may_switch)
        thread_yield();
    /* Mosaic's yield only exits, which lets the host take a pending timer
     * and so reschedule a holder preempted on this CPU. */
    if (platform_is_xen())
        (void)hypercall_sched_yield();
}

bool lock_try_acquire(struct lock_recursive *l, const void *owner)
{
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == owner) {
        l->depth++; /* only the holder gets here: it wrote owner itself */
        return true;
    }
    if (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE) != 0)
        return false;
    __atomic_store_n(&l->owner, owner, __ATOMIC_RELAXED);
    l->depth = 1;
    return true;
}

void lock_acquire(struct lock_recursive *l, const void *owner, bool may_switch)
{
    for (unsigned spins = 1; !lock_try_acquire(l, owner); spins++) {
        /* Wait on a plain read: the exchange would keep the line bouncing. */
        while (__atomic_load_n(&l->held, __ATOMIC_RELAXED) != 0)
            lock_wait(spins++, may_switch);
    }
}

void lock_release(struct lock_recursive *l)
{
    if (--l->depth != 0)
        return;
    /* owner first: a waiter that reads it before the exchange must not see
     * itself in a lock it does not hold. */
    __atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

/*
 * newlib's side. A lock belongs to the thread that takes it (threads stay
 * on their vCPU, so that is also a vCPU); before a vCPU's first thread
 * exists (start-up on vCPU 0) the vCPU stands for it.
 */
struct __lock {
    struct lock_recursive lock;
    bool on_heap; /* made by __retarget_lock_init*: freed on close */
};

/* The static locks newlib names (misc/lock.c lists them). */
struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

/* For locks made while the heap is full: one lock standing for all of
 * them is coarser but still correct, since every lock here is recursive. */
static struct __lock lock_fallback;

static const void *newlib_owner(void)
{
    const struct thread *t = thread_current();

    return t != NULL ? (const void *)t : (const void *)(uintptr_t)(runtime_vcpu_id() + 1);
}

void __retarget_lock_init(_LOCK_T *lock)
{
    struct __lock *l = calloc(1, sizeof(*l));

    if (l == NULL) {
        *lock = &lock_fallback;
        return;
    }
    l->on_heap = true;
    *lock = l;
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
    __retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
    if (lock->on_heap)
        free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    __retarget_lock_close(lock);
}

/* newlib never takes a plain lock twice, so a recursive one serves. */
void __retarget_lock_acquire(_LOCK_T lock)
{
    lock_acquire(&lock->lock, newlib_owner(), true);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    lock_acquire(&lock->lock, newlib_owner(), true);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return lock_try_acquire(&lock->lock, newlib_owner());
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    return lock_try_acquire(&lock->lock, newlib_owner());
}

void __retarget_lock_release(_LOCK_T lock)
{
    lock_release(&lock->lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    lock_release(&lock->lock);
}
