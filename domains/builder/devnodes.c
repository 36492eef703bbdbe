/* SPDX-License-Identifier: MIT */
/*
 * The device nodes of devnodes.h. Nothing here reads what the guest or
 * the driver domain wrote beyond the backend's state while it closes.
 */
#include "devnodes.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "mosaic/time.h"
#include "mosaic/xenbus.h"
#include "store.h"

#define TX_TRIES      8
#define CLOSE_POLL_NS (20 * 1000000ull)
#define STATE_CLOSING "5" /* XenbusStateClosing */
#define STATE_CLOSED  "6" /* XenbusStateClosed */

void devnodes_paths(const struct devnodes *dev, struct devnodes_paths *p)
{
    snprintf(p->front, sizeof(p->front), "/local/domain/%u/device/%s/%u", dev->fe, dev->kind, dev->id);
    snprintf(p->back, sizeof(p->back), "/local/domain/%u/backend/%s/%u/%u", dev->be, dev->kind, dev->fe, dev->id);
}

/* base's n keys with their values, in transaction tx. */
static long write_keys(struct xenbus *xb, uint32_t tx, const char *base, const char *const kv[][2], unsigned n)
{
    char path[128];
    long r = 0;

    for (unsigned i = 0; i < n && r == 0; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, kv[i][0]);
        r = xenbus_write(xb, tx, path, kv[i][1]);
    }
    return r;
}

/* dir made (kept if there) owned by owner, readable by reader and by
 * reader2 unless it is 0 (libxl's frontend_perms and backend_perms). */
static long owned_dir(struct xenbus *xb, uint32_t tx, const char *dir, uint16_t owner, uint16_t reader,
                      uint16_t reader2)
{
    char perms[24];
    int len = snprintf(perms, sizeof(perms), "n%u", owner) + 1;
    long r;

    len += snprintf(perms + len, sizeof(perms) - (size_t)len, "r%u", reader) + 1;
    if (reader2)
        len += snprintf(perms + len, sizeof(perms) - (size_t)len, "r%u", reader2) + 1;
    if ((r = xenbus_mkdir(xb, tx, dir)) != 0)
        return r;
    return xenbus_set_perms(xb, tx, dir, perms, (size_t)len);
}

/* dir made afresh as owned_dir makes it, holding the n shared keys and
 * the kind's nown. */
static long fresh_dir(struct xenbus *xb, uint32_t tx, const char *dir, uint16_t owner, uint16_t reader,
                      uint16_t reader2, const char *const shared[][2], unsigned n, const char *const own[][2],
                      unsigned nown)
{
    long r;

    if ((r = xenbus_rm(xb, tx, dir)) != 0 && r != -XEN_ENOENT)
        return r;
    if ((r = owned_dir(xb, tx, dir, owner, reader, reader2)) != 0)
        return r;
    if ((r = write_keys(xb, tx, dir, shared, n)) != 0)
        return r;
    return write_keys(xb, tx, dir, own, nown);
}

/* fn in a transaction, committed, and retried on a conflict. */
static long in_transaction(struct xenbus *xb, long (*fn)(struct xenbus *, uint32_t, void *), void *ctx)
{
    long r = -XEN_EAGAIN;

    for (unsigned tries = 0; tries < TX_TRIES && r == -XEN_EAGAIN; tries++) {
        uint32_t tx;
        if ((r = xenbus_transaction_start(xb, &tx)) != 0)
            return r;
        if ((r = fn(xb, tx, ctx)) != 0) {
            (void)xenbus_transaction_end(xb, tx, false);
            return r;
        }
        r = xenbus_transaction_end(xb, tx, true);
    }
    return r;
}

struct step {
    const struct devnodes *dev;
    struct devnodes_paths p;
    const char *const (*front)[2], *const (*back)[2];
    unsigned nfront, nback;
    bool gone;       /* removal: the backend's directory was gone already */
    bool keep_front; /* removal: the guest's directory stays until it has closed (a detach) */
};

static long add_step(struct xenbus *xb, uint32_t tx, void *ctx)
{
    const struct step *s = ctx;
    char fe_s[8], be_s[8];
    const char *const front[][2] = { { "backend", s->p.back }, { "backend-id", be_s }, { "state", "1" } };
    const char *const back[][2] = {
        { "frontend", s->p.front }, { "frontend-id", fe_s }, { "online", "1" }, { "state", "1" }
    };
    char kind_dir[48];
    long r;

    snprintf(fe_s, sizeof(fe_s), "%u", s->dev->fe);
    snprintf(be_s, sizeof(be_s), "%u", s->dev->be);
    snprintf(kind_dir, sizeof(kind_dir), "/local/domain/%u/device/%s", s->dev->fe, s->dev->kind);
    /* The controller lists the guest's devices of this kind (the guest
     * owns the directory, as it would by making it). */
    if (s->dev->reader && (r = owned_dir(xb, tx, kind_dir, s->dev->fe, s->dev->reader, 0)) != 0)
        return r;
    if ((r = fresh_dir(xb, tx, s->p.front, s->dev->fe, s->dev->be, s->dev->reader, front, 3, s->front, s->nfront)) != 0)
        return r;
    return fresh_dir(xb, tx, s->p.back, s->dev->be, s->dev->fe, 0, back, 4, s->back, s->nback);
}

long devnodes_add(const struct devnodes *dev, const char *const front[][2], unsigned nfront,
                  const char *const back[][2], unsigned nback)
{
    struct xenbus *xb = store_xenbus();
    struct step s = { .dev = dev, .front = front, .back = back, .nfront = nfront, .nback = nback };

    if (!xb)
        return -XEN_ENOENT; /* no store: nobody to tell */
    devnodes_paths(dev, &s.p);
    return in_transaction(xb, add_step, &s);
}

/* The first step of the removal; s->gone when the backend has no state
 * node (its directory is gone already). */
static long close_step(struct xenbus *xb, uint32_t tx, void *ctx)
{
    struct step *s = ctx;
    const struct devnodes_paths *p = &s->p;
    char path[96], state[16];
    long r;

    if (!s->keep_front && (r = xenbus_rm(xb, tx, p->front)) != 0 && r != -XEN_ENOENT)
        return r;
    snprintf(path, sizeof(path), "%s/state", p->back);
    r = xenbus_read(xb, tx, path, state, sizeof(state));
    s->gone = r == -XEN_ENOENT;
    if (s->gone)
        return 0;
    if (r < 0)
        return r;
    snprintf(path, sizeof(path), "%s/online", p->back);
    if ((r = xenbus_write(xb, tx, path, "0")) != 0)
        return r;
    if (strcmp(state, STATE_CLOSED) != 0) {
        snprintf(path, sizeof(path), "%s/state", p->back);
        r = xenbus_write(xb, tx, path, STATE_CLOSING);
    }
    return r;
}

/* Whether dir's state is Closed, or dir is gone. */
static bool closed(struct xenbus *xb, const char *dir)
{
    char path[96], state[16];
    long r;

    snprintf(path, sizeof(path), "%s/state", dir);
    r = xenbus_read(xb, 0, path, state, sizeof(state));
    return r == -XEN_ENOENT || (r >= 0 && !strcmp(state, STATE_CLOSED));
}

/* Until the backend (and, for a detach, the guest) says Closed or drops
 * its directory, or deadline. */
static bool wait_closed(struct xenbus *xb, const struct step *s, uint64_t deadline)
{
    for (;;) {
        if (closed(xb, s->p.back) && (!s->keep_front || closed(xb, s->p.front)))
            return true;
        if (runtime_time_ns() >= deadline)
            return false;
        runtime_sleep_ns(CLOSE_POLL_NS);
    }
}

long devnodes_remove(const struct devnodes *dev, uint64_t wait_ns, bool detach)
{
    struct xenbus *xb = store_xenbus();
    struct step s = { .dev = dev, .keep_front = detach };
    bool done = true;
    long r;

    if (!xb)
        return -XEN_ENOENT;
    devnodes_paths(dev, &s.p);
    if ((r = in_transaction(xb, close_step, &s)) != 0)
        return r;
    if (!s.gone)
        done = wait_closed(xb, &s, runtime_time_ns() + wait_ns);
    if (detach && (r = xenbus_rm(xb, 0, s.p.front)) != 0 && r != -XEN_ENOENT)
        return r;
    if ((r = xenbus_rm(xb, 0, s.p.back)) != 0 && r != -XEN_ENOENT)
        return r;
    return done ? 0 : -XEN_ETIMEDOUT;
}
