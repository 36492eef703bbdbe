/* SPDX-License-Identifier: MIT */
/*
 * The frame pool of pkt.h: two free lists of fixed-size buffers carved
 * once out of DMA memory at start, so the data path never allocates and
 * an exhausted class is a counted drop, never a failure elsewhere.
 */
#include "pkt.h"

#include <string.h>

#include "drivers/pci.h"
#include "idl/xen_errno.h"

struct pool {
    struct pkt *free; /* linked through next */
    unsigned n_free;
};

static struct pool small_pool, big_pool;

static int carve(struct pool *pool, unsigned n, uint32_t cap, bool big)
{
    struct pkt *hdrs;
    uint8_t *mem;
    uint64_t bus;

    if (!n)
        return 0;
    hdrs = dma_alloc((size_t)n * sizeof(*hdrs), 64, &bus);
    mem = dma_alloc((size_t)n * cap, 4096, &bus);
    if (!hdrs || !mem) {
        if (hdrs)
            dma_free(hdrs);
        if (mem)
            dma_free(mem);
        return -XEN_ENOMEM;
    }
    for (unsigned i = 0; i < n; i++) {
        struct pkt *p = &hdrs[i];
        memset(p, 0, sizeof(*p));
        p->buf = mem + (size_t)i * cap;
        p->big = big;
        p->next = pool->free;
        pool->free = p;
    }
    pool->n_free += n;
    return 0;
}

int pkt_pool_init(unsigned small, unsigned big)
{
    int r = carve(&small_pool, small, PKT_SMALL_CAP, false);

    return r ? r : carve(&big_pool, big, PKT_BIG_CAP, true);
}

static struct pkt *take(struct pool *pool)
{
    struct pkt *p = pool->free;

    if (p) {
        pool->free = p->next;
        pool->n_free--;
    }
    return p;
}

struct pkt *pkt_alloc(uint32_t len)
{
    struct pkt *p = NULL;

    if (len > PKT_MAX_LEN)
        return NULL;
    if (len <= PKT_SMALL_CAP)
        p = take(&small_pool);
    if (!p)
        p = take(&big_pool);
    if (!p)
        return NULL;
    p->data = p->buf;
    p->len = len;
    p->cap = p->big ? PKT_BIG_CAP : PKT_SMALL_CAP;
    p->flags = 0;
    p->csum_start = p->csum_offset = 0;
    p->gso_type = PKT_GSO_NONE;
    p->gso_size = 0;
    p->in_port = 0;
    p->refs = 1;
    p->next = NULL;
    return p;
}

void pkt_get(struct pkt *p)
{
    p->refs++;
}

void pkt_put(struct pkt *p)
{
    struct pool *pool;

    if (--p->refs)
        return;
    pool = p->big ? &big_pool : &small_pool;
    p->next = pool->free;
    pool->free = p;
    pool->n_free++;
}

struct pkt *pkt_unshare(struct pkt *p)
{
    struct pkt *c;

    if (p->refs == 1)
        return p;
    c = pkt_alloc(p->len);
    if (c) {
        memcpy(c->data, p->data, p->len);
        c->flags = p->flags;
        c->csum_start = p->csum_start;
        c->csum_offset = p->csum_offset;
        c->gso_type = p->gso_type;
        c->gso_size = p->gso_size;
        c->in_port = p->in_port;
    }
    pkt_put(p);
    return c;
}

void pkt_pool_free(unsigned *small, unsigned *big)
{
    *small = small_pool.n_free;
    *big = big_pool.n_free;
}

void pktq_push(struct pktq *q, struct pkt *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->n++;
}

struct pkt *pktq_pop(struct pktq *q)
{
    struct pkt *p = q->head;

    if (p) {
        q->head = p->next;
        if (!q->head)
            q->tail = NULL;
        q->n--;
        p->next = NULL;
    }
    return p;
}

void pktq_purge(struct pktq *q)
{
    struct pkt *p;

    while ((p = pktq_pop(q)))
        pkt_put(p);
}
