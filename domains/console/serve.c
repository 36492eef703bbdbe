/* SPDX-License-Identifier: MIT */
/*
 * The console channel's requests (serve.h): decode, then perform on the
 * log and input ring the environment gives. Output is read before input
 * is put, so an answer never holds what the input it carries caused:
 * that comes with the next request, as on a terminal.
 */
#include "serve.h"

#include <string.h>

#include "idl/xen_errno.h"

int serve_decode(const struct consctl_request *q)
{
    if (q->op != CONSCTL_OP_CONSOLE)
        return -XEN_ENOSYS;
    if (q->in_len > CONSCTL_IN_MAX || q->max_out > CONSCTL_OUT_MAX || q->reserved != 0)
        return -XEN_EINVAL;
    return 0;
}

size_t serve_log_read(const struct serve_console *c, uint64_t pos, uint8_t *out, size_t max, uint64_t *next,
                      uint32_t *lost)
{
    uint64_t kept = c->logged < c->log_size ? c->logged : c->log_size;
    uint64_t oldest = c->logged - kept;
    uint64_t start = pos, n;

    *lost = 0;
    if (pos > c->logged) {
        start = oldest; /* a log that started again: what it holds */
    } else if (pos < oldest) {
        uint64_t gone = oldest - pos;
        *lost = gone > UINT32_MAX ? UINT32_MAX : (uint32_t)gone;
        start = oldest;
    }
    n = c->logged - start;
    if (n > max)
        n = max;
    for (uint64_t i = 0; i < n; i++)
        out[i] = (uint8_t)c->log[(start + i) % c->log_size];
    *next = start + n;
    return (size_t)n;
}

void serve_request(const struct serve_env *env, const struct consctl_request *q, struct consctl_response *rsp)
{
    struct serve_console c;
    int r = serve_decode(q);

    memset(rsp, 0, sizeof(*rsp));
    rsp->id = q->id;
    if (r == 0)
        r = env->find(env->ctx, q->domid, &c);
    if (r == 0 && c.log_size == 0)
        r = -XEN_ESRCH; /* no log to read: the environment is wrong, not the client */
    if (r) {
        rsp->status = r;
        return;
    }
    rsp->out_len = (uint16_t)serve_log_read(&c, q->pos, rsp->out, q->max_out, &rsp->next, &rsp->lost);
    if (q->in_len && !c.closed) {
        size_t took = env->put_in(env->ctx, q->domid, q->in, q->in_len);
        rsp->in_taken = (uint16_t)(took <= q->in_len ? took : q->in_len);
    }
}
