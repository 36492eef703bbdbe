/* SPDX-License-Identifier: MIT */
/*
 * Cooperative threads, per vCPU: each vCPU has a ring of runnable threads,
 * entered in order by thread_yield, and a list of sleeping ones ordered by
 * deadline, moved back to the ring's end once the clock passes it. When no
 * thread is runnable the vCPU blocks until the earliest deadline. A thread
 * never moves to another vCPU, so a vCPU's queues are touched by that vCPU
 * only and need no lock. A thread that exits is unlinked at once and freed
 * by the next thread to run (it cannot free the stack it stands on).
 * Waiting on events comes with event channels (README.md).
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mosaic/thread.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"
#include "runtime_priv.h"
#include "thread_frame.h"

#define MXCSR_DEFAULT 0x1f80 /* all SSE exceptions masked, round to nearest */
#define FCW_DEFAULT   0x037f /* the x87 control word fninit sets */

/* The canary of a stack: its lowest word. Mixing in the address makes a
 * copied-over stack as suspicious as an overwritten one. */
#define CANARY_SEED 0x6d6f736169632121ull

struct thread {
    struct thread *next, *prev; /* the run ring; only runnable threads are in it */
    struct thread *sleep_next;  /* the sleepers list, while sleeping */
    uint64_t deadline;          /* while sleeping: runnable again once the clock reaches it */
    uint64_t rsp;               /* saved stack pointer while suspended */
    void (*fn)(void *);
    void *arg;
    void *stack;      /* malloc'd THREAD_STACK_SIZE bytes holding this struct; NULL for a vCPU's first thread */
    uint64_t *canary; /* lowest word of the stack */
    char name[THREAD_NAME_MAX];
};

/* The frame thread_switch.S pops; see thread_frame.h. */
struct thread_frame {
    uint32_t mxcsr;
    uint16_t fcw;
    uint16_t _pad0;
    uint64_t _pad1;
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t rip;
};
static_assert(sizeof(struct thread_frame) == THREAD_FRAME_SIZE, "thread_switch.S");
static_assert(offsetof(struct thread_frame, mxcsr) == THREAD_FRAME_MXCSR, "thread_switch.S");
static_assert(offsetof(struct thread_frame, fcw) == THREAD_FRAME_FCW, "thread_switch.S");
static_assert(offsetof(struct thread_frame, r15) == THREAD_FRAME_R15, "thread_switch.S");
static_assert(offsetof(struct thread_frame, r14) == THREAD_FRAME_R14, "thread_switch.S");
static_assert(offsetof(struct thread_frame, r13) == THREAD_FRAME_R13, "thread_switch.S");
static_assert(offsetof(struct thread_frame, r12) == THREAD_FRAME_R12, "thread_switch.S");
static_assert(offsetof(struct thread_frame, rbx) == THREAD_FRAME_RBX, "thread_switch.S");
static_assert(offsetof(struct thread_frame, rbp) == THREAD_FRAME_RBP, "thread_switch.S");
static_assert(offsetof(struct thread_frame, rip) == THREAD_FRAME_RIP, "thread_switch.S");

/* thread_switch.S */
void thread_switch(uint64_t *save_rsp, uint64_t next_rsp);
void thread_trampoline(void);
_Noreturn void thread_run(void);

/* One vCPU's threads; read and written by that vCPU only. A cache line
 * each, so that two vCPUs switching threads do not share one. */
struct thread_cpu {
    struct thread first; /* the vCPU's first thread: "main" on vCPU 0, "vcpuN" on the others */
    /* The running thread: in the ring, except between unlinking itself to
     * sleep or exit and the switch away (during which the vCPU may block). */
    struct thread *current;
    struct thread *zombie;   /* exited, unlinked, waiting to be freed */
    struct thread *sleepers; /* by deadline, earliest first; equal ones in sleep order */
} __attribute__((aligned(64)));

static struct thread_cpu thread_cpus[RUNTIME_MAX_VCPUS] RUNTIME_STATE;

/* this_cpu: the calling vCPU's threads. */
static struct thread_cpu *this_cpu(void)
{
    return &thread_cpus[runtime_vcpu_id()];
}

static uint64_t canary_value(const uint64_t *where)
{
    return CANARY_SEED ^ (uint64_t)(uintptr_t)where;
}

static void canary_check(const struct thread *t)
{
    if (*t->canary != canary_value(t->canary)) {
        char msg[64];

        /* Say which thread, without stdio: its state may be what broke. */
        strcpy(msg, "stack overflow in thread ");
        strncat(msg, t->name, THREAD_NAME_MAX - 1);
        runtime_fatal(msg);
    }
}

static void set_name(struct thread *t, const char *name)
{
    strncpy(t->name, name, THREAD_NAME_MAX - 1);
    t->name[THREAD_NAME_MAX - 1] = '\0';
}

void thread_init_vcpu(const char *name, void *stack_bottom)
{
    struct thread_cpu *c = this_cpu();
    struct thread *t = &c->first;

    t->next = t->prev = t;
    t->canary = stack_bottom;
    *t->canary = canary_value(t->canary);
    set_name(t, name);
    c->current = t;
}

/* reap: free the thread that exited before this one ran on this vCPU. */
static void reap(void)
{
    struct thread_cpu *c = this_cpu();
    struct thread *t = c->zombie;

    c->zombie = NULL;
    if (t == NULL || t->stack == NULL) /* a first thread's stack is not ours to free */
        return;
    free(t->stack); /* and t, which lives at its top */
}

/* switch_to: suspend current, run next; returns when current runs again. */
static void switch_to(struct thread *next, uint64_t *save_rsp)
{
    struct thread_cpu *c = this_cpu();

    canary_check(c->current);
    canary_check(next);
    c->current = next;
    thread_switch(save_rsp, next->rsp);
    reap();
}

/* ring_unlink: take t out of the ring. Returns the thread that ran after
 * it, or NULL if the ring is now empty. */
static struct thread *ring_unlink(struct thread *t)
{
    struct thread *next = t->next;

    if (next == t)
        return NULL;
    t->prev->next = next;
    next->prev = t->prev;
    return next;
}

/* ring_add: put t into the ring last, just before head, the thread to run
 * next (or make it the whole ring when head is NULL). Returns the head. */
static struct thread *ring_add(struct thread *head, struct thread *t)
{
    if (head == NULL) {
        t->next = t->prev = t;
        return t;
    }
    t->next = head;
    t->prev = head->prev;
    head->prev->next = t;
    head->prev = t;
    return head;
}

static void sleepers_add(struct thread_cpu *c, struct thread *t)
{
    struct thread **at = &c->sleepers;

    while (*at != NULL && (*at)->deadline <= t->deadline)
        at = &(*at)->sleep_next;
    t->sleep_next = *at;
    *at = t;
}

/* wake_due: move every sleeper whose deadline the clock has passed to the
 * ring, last, earliest deadline first. Returns the ring's head. */
static struct thread *wake_due(struct thread_cpu *c, struct thread *head)
{
    uint64_t now;

    if (c->sleepers == NULL)
        return head;
    now = runtime_time_ns();
    while (c->sleepers != NULL && c->sleepers->deadline <= now) {
        struct thread *t = c->sleepers;

        c->sleepers = t->sleep_next;
        head = ring_add(head, t);
    }
    return head;
}

/* pick_next: the thread to run after current, which has left the ring
 * (head: the ring without it, NULL if empty). Blocks the vCPU while no
 * thread is runnable; some must sleep then. */
static struct thread *pick_next(struct thread_cpu *c, struct thread *head)
{
    for (;;) {
        head = wake_due(c, head);
        if (head != NULL)
            return head;
        /* Callers leave a sleeper here, and sleepers exist only where there
         * is a clock (thread_sleep_ns): neither check can fail. */
        if (c->sleepers == NULL || runtime_block_until_ns(c->sleepers->deadline) != 0)
            runtime_fatal("no thread can ever run again");
    }
}

/* Where a new thread starts, on its own stack (via thread_trampoline). */
void thread_run(void)
{
    struct thread *self;

    reap();
    self = this_cpu()->current;
    self->fn(self->arg);
    thread_exit();
}

/*
 * One allocation per thread: the struct at the top, the stack below it, the
 * canary at the bottom. A stack overflow runs away from the struct, so the
 * check at the next switch still finds the canary's address intact.
 */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    void *block = malloc(THREAD_STACK_SIZE);
    struct thread_frame *frame;
    struct thread *t;
    uintptr_t top;

    if (block == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    top = ((uintptr_t)block + THREAD_STACK_SIZE - sizeof(*t)) & ~(uintptr_t)15;
    t = (struct thread *)top;
    frame = (struct thread_frame *)(top - sizeof(*frame));
    *t = (struct thread){ .fn = fn, .arg = arg, .stack = block, .canary = block };
    set_name(t, name);
    *t->canary = canary_value(t->canary);
    *frame = (struct thread_frame){
        .mxcsr = MXCSR_DEFAULT,
        .fcw = FCW_DEFAULT,
        .rip = (uint64_t)(uintptr_t)thread_trampoline,
    };
    t->rsp = (uint64_t)(uintptr_t)frame;

    /* Queue it last on the calling vCPU: just before the running thread
     * in the ring. */
    ring_add(this_cpu()->current, t);
    return t;
}

void thread_yield(void)
{
    struct thread_cpu *c = this_cpu();
    struct thread *self = c->current;

    wake_due(c, self);
    if (self->next != self)
        switch_to(self->next, &self->rsp);
}

int thread_sleep_ns(uint64_t ns)
{
    struct thread_cpu *c = this_cpu();
    struct thread *self = c->current, *next;
    uint64_t now = runtime_time_ns();

    if (!runtime_time_available())
        return -ENOSYS;
    self->deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
    sleepers_add(c, self);
    next = pick_next(c, ring_unlink(self));
    /* Woken before any other thread became runnable: it is still running. */
    if (next != self)
        switch_to(next, &self->rsp);
    return 0;
}

void thread_exit(void)
{
    struct thread_cpu *c = this_cpu();
    struct thread *self = c->current, *head;
    uint64_t discard;

    if (self->next == self && c->sleepers == NULL) {
        /* The vCPU's last thread: on vCPU 0 the domain is done; another
         * vCPU stops, on the stack of this thread, which is never freed. */
        if (runtime_vcpu_id() == 0)
            exit(0);
        runtime_vcpu_stop();
    }
    head = ring_unlink(self);
    c->zombie = self;
    switch_to(pick_next(c, head), &discard);
    runtime_fatal("an exited thread was resumed");
}

struct thread *thread_current(void)
{
    return this_cpu()->current;
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}
