/* SPDX-License-Identifier: MIT */
/*
 * The back end: binds the front end's port, maps its ring, answers every
 * request (echo, bulk copy, bulk map), and stops using the ring as soon
 * as the front end breaks it. With upcall=1 it takes events through the
 * upcall interrupt (as Linux does) instead of polling after a block.
 */
#include <stdio.h>
#include <string.h>

#include "idl/echo.h"
#include "ipctest.h"
#include "mosaic/thread.h"
#include "mosaic/hypercall.h"
#include "mosaic/time.h"
#include "mosaic/vcpu.h"

#define UPCALL_VECTOR 0xf3

static uint8_t copy_page[4096] __attribute__((aligned(4096)));
static uint64_t events;
static uint64_t lost; /* waits that timed out with requests already there */

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    events++;
}

/* Answers one request into rsp. */
static void answer(uint16_t peer, const struct echo_request *q, struct echo_response *rsp)
{
    struct gnttab_copy op = { 0 };
    grant_handle_t h;
    void *p;

    rsp->id = q->id;
    rsp->status = 0;
    rsp->_pad0 = 0;
    rsp->value = 0;
    memcpy(rsp->payload, q->payload, sizeof(rsp->payload));
    switch (q->op) {
    case ECHO_OP_ECHO: rsp->value = ~q->arg ^ q->id; break;
    case ECHO_OP_COPY:
        op.source.u.ref = (uint32_t)q->arg;
        op.source.domid = peer;
        op.dest.u.gmfn = (uint64_t)(uintptr_t)copy_page / 4096;
        op.dest.domid = DOMID_SELF;
        op.len = 4096;
        op.flags = GNTCOPY_source_gref;
        if (gnttab_copy_batch(&op, 1) != 0 || op.status != GNTST_okay)
            rsp->status = op.status ? op.status : -1;
        else
            rsp->value = ipc_checksum(copy_page);
        break;
    case ECHO_OP_MAP:
        rsp->status = gnttab_map(peer, (grant_ref_t)q->arg, true, &p, &h);
        if (rsp->status == GNTST_okay) {
            rsp->value = ipc_checksum(p);
            rsp->status = gnttab_unmap(p, h);
        }
        break;
    default: rsp->status = -22; break;
    }
}

/* Waits for the next event: by block and poll, or by interrupt; bounded
 * as in the front end, lost notifications counted. */
static void back_wait(struct echo_back *b, bool upcall)
{
    uint64_t seen = events;

    if (!upcall) {
        evtchn_dispatch();
        if (echo_back_final_check(b) != 0)
            return;
        evtchn_wait(runtime_time_ns() + IPC_WAIT_NS);
        if (!evtchn_pending_here() && echo_back_pending(b) > 0)
            lost++;
        return;
    }
    evtchn_upcall_irq_off();
    if (echo_back_final_check(b) != 0) {
        evtchn_upcall_irq_on();
        return;
    }
    hypercall_set_singleshot_timer(runtime_vcpu_id(), runtime_time_ns() + IPC_WAIT_NS, 0);
    __asm__ volatile("sti; hlt" ::: "memory"); /* the upcall (or the timer) ends the halt */
    if (events == seen && echo_back_pending(b) > 0)
        lost++;
}

int ipc_back(const struct ipc_args *a)
{
    struct ring_conn c;
    struct echo_back b;
    struct echo_request q;
    uint64_t served = 0;
    long r;
    int got;

    if ((r = gnttab_init(1)) != 0)
        return test_check(false, "gnttab_init", "returned %ld", r), 1;
    if ((r = ring_back_open(&c, a->peer, IPC_RING_REF, a->port, IPC_TIMEOUT_NS)) != 0)
        return test_check(false, "ring_open", "binding d%u port %u, mapping ref %u: %ld", a->peer, a->port,
                          IPC_RING_REF, r),
               1;
    test_check(true, "ring_open", "bound d%u port %u as port %u, ring mapped", a->peer, a->port, c.port);
    ipc_hostile_back(a->peer);
    evtchn_set_handler(c.port, on_event, NULL);
    if (a->upcall) {
        r = evtchn_upcall_enable(UPCALL_VECTOR);
        if (!test_check(r == 0, "upcall_enable", "callback vector 0x%x: %ld", UPCALL_VECTOR, r))
            return 1;
        evtchn_upcall_irq_on();
    }
    echo_back_init(&b, c.page);
    for (;;) {
        unsigned n = 0;
        while ((got = echo_back_get_request(&b, &q)) == 1) {
            answer(a->peer, &q, echo_back_rsp_slot(&b));
            served++;
            if (++n == ECHO_RING_SIZE)
                break;
        }
        if (n && echo_back_push_responses(&b))
            ring_notify(&c);
        if (got < 0)
            break;
        if (!n)
            back_wait(&b, a->upcall);
    }
    evtchn_upcall_irq_off();
    printf("ipctest: back: %llu lost notifications recovered by timeout\n", (unsigned long long)lost);
    test_check(got == IDL_RING_BROKEN, "ring_garbage_index",
               "a producer index past the ring is reported after %llu requests; the ring is not used any more",
               (unsigned long long)served);
    if (a->upcall)
        test_check(evtchn_upcall_count() > 0 && events > 0, "upcall_interrupts",
                   "%llu upcall interrupts, %llu events handled", (unsigned long long)evtchn_upcall_count(),
                   (unsigned long long)events);
    r = ring_close(&c, IPC_TIMEOUT_NS);
    test_check(r == 0, "ring_unmapped", "ring unmapped and port closed (%ld)", r);
    return 0;
}
