/* SPDX-License-Identifier: MIT */
/*
 * The guests' console rings (Xen's io/console.h, idl/console.idl): each
 * page is mapped through the domain's reserved grant entry
 * GNTTAB_RESERVED_CONSOLE and its port bound, as xenconsoled does. The
 * guest's indices go through the byte-ring helpers (mosaic/bytering.h),
 * which check prod - cons against the ring's size before any byte moves:
 * an impossible index closes that guest's console alone (logged), never
 * the domain. Each guest's output is kept in a bounded log of its newest
 * bytes, which a restart loses (it is a cache: XenStore and the ring are
 * the state).
 */
#include <stdio.h>
#include <string.h>

#include "consoled.h"
#include "idl/gnttab.h"
#include "idl/xen_errno.h"

#define CHUNK 256

static struct guest guests[GUESTS_MAX];

struct guest *guest_find(uint16_t domid)
{
    for (unsigned i = 0; i < GUESTS_MAX; i++)
        if (guests[i].used && guests[i].domid == domid)
            return &guests[i];
    return NULL;
}

struct guest *guest_next(const struct guest *after)
{
    for (unsigned i = after ? (unsigned)(after - guests) + 1 : 0; i < GUESTS_MAX; i++)
        if (guests[i].used)
            return &guests[i];
    return NULL;
}

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port, (void)arg; /* the loop looks at every ring after a wake-up */
}

long guest_attach(uint16_t domid, uint32_t remote_port, const char *name, struct guest **out)
{
    struct guest *g = NULL;
    void *page;
    long r;

    for (unsigned i = 0; i < GUESTS_MAX && !g; i++)
        if (!guests[i].used)
            g = &guests[i];
    if (!g)
        return -XEN_ENOSPC;
    memset(g, 0, sizeof(*g));
    if (gnttab_map(domid, GNTTAB_RESERVED_CONSOLE, false, &page, &g->handle) != GNTST_okay)
        return -XEN_EINVAL;
    if ((r = evtchn_bind_interdomain(domid, remote_port, &g->port)) != 0) {
        (void)gnttab_unmap(page, g->handle);
        return r;
    }
    g->page = page;
    g->domid = domid;
    snprintf(g->name, sizeof(g->name), "%s", name);
    /* We consume out and produce in. */
    g->out = (struct bytering){ g->page->out, XENCONS_OUT_SIZE, &g->page->out_prod, &g->page->out_cons };
    g->in = (struct bytering){ g->page->in, XENCONS_IN_SIZE, &g->page->in_prod, &g->page->in_cons };
    g->used = true;
    evtchn_set_handler(g->port, on_event, g);
    *out = g;
    return 0;
}

void guest_detach(struct guest *g)
{
    evtchn_set_handler(g->port, NULL, NULL);
    (void)evtchn_close(g->port);
    if (g->page)
        (void)gnttab_unmap(g->page, g->handle);
    g->page = NULL;
    g->used = false;
}

bool guest_gone(const struct guest *g)
{
    struct evtchn_info info;

    return evtchn_status(DOMID_SELF, g->port, &info) != 0 || info.status != EVTCHN_INTERDOMAIN;
}

/* An impossible index: this guest's console alone is closed. Its port
 * stays bound (without a handler), so that its death is still seen. */
static long close_broken(struct guest *g)
{
    printf("console: d%u '%s': its console ring's indices are impossible: console closed\n", g->domid, g->name);
    evtchn_set_handler(g->port, NULL, NULL);
    (void)gnttab_unmap(g->page, g->handle);
    g->page = NULL;
    g->closed = true;
    return -1;
}

static void log_append(struct guest *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g->log[(g->logged + i) % GUEST_LOG] = s[i];
    g->logged += n;
}

size_t guest_log_kept(const struct guest *g)
{
    return g->logged < GUEST_LOG ? (size_t)g->logged : GUEST_LOG;
}

long guest_pump_out(struct guest *g, void (*sink)(const char *, size_t))
{
    char buf[CHUNK];
    long n = 0, total = 0;

    if (g->closed)
        return 0;
    /* At most one ring's worth per call: a guest that keeps writing
     * cannot hold the loop (and the other guests) here. */
    while (total < XENCONS_OUT_SIZE && (n = bytering_read(&g->out, buf, sizeof(buf))) > 0) {
        log_append(g, buf, (size_t)n);
        if (sink)
            sink(buf, (size_t)n);
        total += n;
    }
    if (n == BYTERING_BROKEN)
        return close_broken(g);
    if (total)
        (void)evtchn_send(g->port); /* room in its ring again */
    return total;
}

long guest_put_in(struct guest *g, const char *s, size_t n)
{
    long w;

    if (g->closed)
        return 0;
    w = bytering_write(&g->in, s, n);
    if (w == BYTERING_BROKEN)
        return close_broken(g);
    if (w > 0)
        (void)evtchn_send(g->port);
    return w;
}
