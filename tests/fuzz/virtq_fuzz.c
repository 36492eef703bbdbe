/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the split virtqueue's used-ring consumer
 * (drivers/virtqueue.c) with the device's side under the input's control.
 * The driver adds requests; the "device" writes any used index, any used
 * entry (id, length), any avail_event and used flags; the driver consumes.
 * Checked against a model of what is in flight: a completion names a
 * request in flight, exactly once, with a length at most what it offered;
 * the free descriptors and the requests in flight always add up to the
 * queue; the chain in the descriptor table is exactly the request's
 * buffers; once the queue is broken it stays broken, adds fail with
 * -XEN_EIO, and virtq_drain hands back each request still in flight once.
 *
 * Input: a header byte (bits 0-2: the queue has 1 << (b % 7) entries; bit
 * 3: indirect tables of 8; bit 4: event index), then operations, an opcode
 * byte each (low 3 bits):
 *   0 add: n_out (u8 % 9), n_in (u8 % 9), a u16 length per buffer
 *   1 the device writes the used index (u16)
 *   2 the device writes a used entry: slot (u8), id (u32), len (u32)
 *   3 get, until nothing or broken
 *   4 the device writes avail_event (u16) and used flags (u16); kick_needed
 *   5 enable_cb   6 disable_cb   7 drain
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/virtqueue.h"

#include "fuzz.h"
#include "idl/xen_errno.h"

#define MAX_REQS 512u
#define MAX_BUFS 16u

struct model_req {
    bool in_flight;
    uint16_t ndesc;
    uint32_t writable;
};

static struct model_req reqs[MAX_REQS];
static unsigned nreqs;

FUZZ_ORACLE static void check_counts(const struct virtq *q)
{
    unsigned descs = 0, flying = 0;

    for (unsigned i = 0; i < nreqs; i++) {
        if (reqs[i].in_flight) {
            descs += reqs[i].ndesc;
            flying++;
        }
    }
    FUZZ_CHECK(q->num_free + descs == q->size);
    FUZZ_CHECK(q->in_flight == flying);
}

/* The chain just published is exactly the buffers given. */
FUZZ_ORACLE static uint16_t check_chain(const struct virtq *q, const struct virtq_buf *b, unsigned n_out, unsigned n)
{
    uint16_t head = q->avail[2 + ((uint16_t)(q->avail_idx - 1) & (q->size - 1))];
    volatile const struct virtq_desc *t = q->desc;
    unsigned i = head, ndesc = 1;

    FUZZ_CHECK(head < q->size);
    if (q->desc[head].flags & VIRTQ_DESC_F_INDIRECT) {
        FUZZ_CHECK(n > 1 && q->desc[head].len == n * sizeof(struct virtq_desc));
        t = (volatile const struct virtq_desc *)(uintptr_t)q->desc[head].addr;
        i = 0;
    } else {
        ndesc = n;
    }
    for (unsigned k = 0; k < n; k++) {
        FUZZ_CHECK(t[i].addr == b[k].bus && t[i].len == b[k].len);
        FUZZ_CHECK(!!(t[i].flags & VIRTQ_DESC_F_WRITE) == (k >= n_out));
        FUZZ_CHECK(!!(t[i].flags & VIRTQ_DESC_F_NEXT) == (k + 1 < n));
        i = t[i].next;
    }
    return (uint16_t)ndesc;
}

static void op_add(struct virtq *q, struct fuzz_in *in)
{
    struct virtq_buf b[MAX_BUFS];
    unsigned n_out = fuzz_u8(in) % 9, n_in = fuzz_u8(in) % 9, n = n_out + n_in;
    uint32_t writable = 0;
    uint16_t free_before = q->num_free;

    for (unsigned i = 0; i < n; i++) {
        b[i] = (struct virtq_buf){ 0x100000u * (i + 1), (uint32_t)fuzz_uint(in, 2) };
        if (i >= n_out)
            writable += b[i].len;
    }
    if (nreqs == MAX_REQS)
        return;
    int rc = virtq_add(q, b, n_out, n_in, (void *)(uintptr_t)(nreqs + 1));
    if (q->broken) {
        FUZZ_CHECK(rc == -XEN_EIO);
        return;
    }
    bool indirect = q->max_indirect && n > 1 && n <= q->max_indirect;
    unsigned need = indirect ? 1 : n;
    if (n == 0 || need > q->size) {
        FUZZ_CHECK(rc == -XEN_EINVAL);
        return;
    }
    if (need > free_before) {
        FUZZ_CHECK(rc == -XEN_EAGAIN && q->num_free == free_before);
        return;
    }
    FUZZ_CHECK(rc == 0);
    reqs[nreqs] = (struct model_req){ true, check_chain(q, b, n_out, n), writable };
    FUZZ_CHECK(reqs[nreqs].ndesc == need);
    nreqs++;
}

FUZZ_ORACLE static void got_one(void *cookie, uint32_t len)
{
    uintptr_t k = (uintptr_t)cookie;

    FUZZ_CHECK(k >= 1 && k <= nreqs);
    FUZZ_CHECK(reqs[k - 1].in_flight);
    FUZZ_CHECK(len <= reqs[k - 1].writable);
    reqs[k - 1].in_flight = false;
}

static void op_get(struct virtq *q)
{
    void *cookie;
    uint32_t len;
    int rc;

    for (unsigned i = 0; i < 80; i++) {
        bool was_broken = q->broken;
        rc = virtq_get(q, &cookie, &len);
        if (rc != 1) {
            FUZZ_CHECK(rc == 0 || rc == -XEN_EIO);
            FUZZ_CHECK((rc == -XEN_EIO) == q->broken);
            FUZZ_CHECK(!was_broken || rc == -XEN_EIO);
            return;
        }
        FUZZ_CHECK(!was_broken);
        got_one(cookie, len);
        check_counts(q);
    }
}

static void op_drain(struct virtq *q)
{
    void *cookie;

    if (!q->broken)
        return;
    while (virtq_drain(q, &cookie) == 1) {
        uintptr_t k = (uintptr_t)cookie;
        FUZZ_CHECK(k >= 1 && k <= nreqs && reqs[k - 1].in_flight);
        reqs[k - 1].in_flight = false;
    }
    check_counts(q);
    FUZZ_CHECK(q->in_flight == 0);
}

static volatile uint16_t *used16(struct virtq *q, unsigned off)
{
    return (volatile uint16_t *)(volatile void *)(q->used + off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct virtq q;
    uint8_t h = fuzz_u8(&in);

    nreqs = 0;
    if (virtq_init(&q, 1u << ((h & 7) % 7), (h & 8) ? 8 : 0, (h & 16) != 0) != 0)
        abort();
    while (in.left) {
        uint8_t op = fuzz_u8(&in) & 7;
        switch (op) {
        case 0: op_add(&q, &in); break;
        case 1: *used16(&q, 2) = (uint16_t)fuzz_uint(&in, 2); break;
        case 2: {
            unsigned slot = fuzz_u8(&in) % q.size;
            volatile struct virtq_used_elem *e =
                (volatile struct virtq_used_elem *)(volatile void *)(q.used + 4 + 8 * slot);
            e->id = fuzz_u32(&in);
            e->len = fuzz_u32(&in);
            break;
        }
        case 3: op_get(&q); break;
        case 4:
            *used16(&q, 4 + 8u * q.size) = (uint16_t)fuzz_uint(&in, 2);
            *used16(&q, 0) = (uint16_t)fuzz_uint(&in, 2);
            (void)virtq_kick_needed(&q);
            break;
        case 5: (void)virtq_enable_cb(&q); break;
        case 6: virtq_disable_cb(&q); break;
        default: op_drain(&q); break;
        }
        check_counts(&q);
    }
    virtq_destroy(&q);
    return 0;
}
