/* SPDX-License-Identifier: MIT */
/* The model of the console domain behind the console channel (consctl_fake.h). */
#include "consctl_fake.h"

#include <string.h>

#include "idl/xen_errno.h"

struct consfake consfake;

void consfake_reset(void)
{
    memset(&consfake, 0, sizeof(consfake));
}

struct consfake_guest *consfake_add(uint16_t domid)
{
    for (unsigned i = 0; i < CONSFAKE_GUESTS; i++) {
        struct consfake_guest *g = &consfake.g[i];
        if (!g->used) {
            memset(g, 0, sizeof(*g));
            g->used = true;
            g->domid = domid;
            return g;
        }
    }
    return NULL;
}

void consfake_write(struct consfake_guest *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g->log[(g->logged + i) % CONSCTL_LOG_KEPT] = s[i];
    g->logged += n;
}

static struct consfake_guest *find(uint16_t domid)
{
    for (unsigned i = 0; i < CONSFAKE_GUESTS; i++)
        if (consfake.g[i].used && consfake.g[i].domid == domid)
            return &consfake.g[i];
    return NULL;
}

static int env_find(void *ctx, uint16_t domid, struct serve_console *c)
{
    struct consfake_guest *g = find(domid);

    (void)ctx;
    if (!g)
        return -XEN_ESRCH;
    *c = (struct serve_console){ g->log, sizeof(g->log), g->logged, g->closed };
    return 0;
}

static size_t env_put_in(void *ctx, uint16_t domid, const uint8_t *in, size_t n)
{
    struct consfake_guest *g = find(domid);
    size_t room = g ? sizeof(g->in) - g->in_len : 0;

    (void)ctx;
    if (n > room)
        n = room;
    if (g) {
        memcpy(g->in + g->in_len, in, n);
        g->in_len += n;
    }
    return n;
}

struct serve_env consfake_env(void)
{
    return (struct serve_env){ env_find, env_put_in, NULL };
}

int consfake_exchange(void *ctx, struct consctl_request *q, struct consctl_response *rsp)
{
    static uint64_t id;
    struct serve_env env = consfake_env();

    (void)ctx;
    if (consfake.fail)
        return consfake.fail;
    q->id = ++id;
    memcpy(&consfake.last, q, sizeof(*q));
    consfake.exchanges++;
    serve_request(&env, &consfake.last, rsp);
    if (consfake.tamper)
        consfake.tamper(rsp);
    return 0;
}
