/* SPDX-License-Identifier: MIT */
/*
 * Cooperative threads on one vCPU: a ring of runnable threads, entered in
 * order by thread_yield. A thread that exits is unlinked at once and freed
 * by the next thread to run (it cannot free the stack it stands on). No
 * sleeping or blocking yet: those wait for timers and event channels
 * (README.md).
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mosaic/thread.h"
#include "runtime_priv.h"
#include "thread_frame.h"

#define MXCSR_DEFAULT 0x1f80 /* all SSE exceptions masked, round to nearest */
#define FCW_DEFAULT   0x037f /* the x87 control word fninit sets */

/* The canary of a stack: its lowest word. Mixing in the address makes a
 * copied-over stack as suspicious as an overwritten one. */
#define CANARY_SEED 0x6d6f736169632121ull

struct thread {
    struct thread *next, *prev; /* the run ring; only runnable threads are in it */
    uint64_t rsp;               /* saved stack pointer while suspended */
    void (*fn)(void *);
    void *arg;
    void *stack;      /* malloc'd THREAD_STACK_SIZE bytes holding this struct; NULL for main */
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

static struct thread main_thread RUNTIME_STATE;
static struct thread *current RUNTIME_STATE; /* the running thread; always in the ring */
static struct thread *zombie RUNTIME_STATE;  /* exited, unlinked, waiting to be freed */

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

void thread_init(void)
{
    main_thread.next = main_thread.prev = &main_thread;
    main_thread.canary = (uint64_t *)(void *)boot_stack_bottom;
    *main_thread.canary = canary_value(main_thread.canary);
    set_name(&main_thread, "main");
    current = &main_thread;
}

/* reap: free the thread that exited before this one ran. */
static void reap(void)
{
    struct thread *t = zombie;

    zombie = NULL;
    if (t == NULL || t == &main_thread)
        return;
    free(t->stack); /* and t, which lives at its top */
}

/* switch_to: suspend current, run next; returns when current runs again. */
static void switch_to(struct thread *next, uint64_t *save_rsp)
{
    struct thread *prev = current;

    canary_check(prev);
    canary_check(next);
    current = next;
    thread_switch(save_rsp, next->rsp);
    reap();
}

/* Where a new thread starts, on its own stack (via thread_trampoline). */
void thread_run(void)
{
    reap();
    current->fn(current->arg);
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

    /* Queue it last: just before the running thread in the ring. */
    t->next = current;
    t->prev = current->prev;
    current->prev->next = t;
    current->prev = t;
    return t;
}

void thread_yield(void)
{
    if (current->next != current)
        switch_to(current->next, &current->rsp);
}

void thread_exit(void)
{
    struct thread *self = current, *next = self->next;
    uint64_t discard;

    if (next == self)
        exit(0); /* the last thread: the domain is done */
    self->prev->next = next;
    next->prev = self->prev;
    zombie = self;
    switch_to(next, &discard);
    runtime_fatal("an exited thread was resumed");
}

struct thread *thread_current(void)
{
    return current;
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}
