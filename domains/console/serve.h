/* SPDX-License-Identifier: MIT */
/*
 * The console channel's requests (idl/consctl.idl), as the console
 * domain answers them: a request copied once from the ring, decoded
 * (every field checked, nothing done for a refused one), then performed
 * on a domain's bounded log and its input ring through an environment
 * passed in. Pure C: the domain gives it its guests (clients.c), the host
 * tests and the fuzz target a model.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/consctl.h"

/* One domain's console as the requests see it. */
struct serve_console {
    const char *log; /* a ring of log_size bytes: output byte i at log[i % log_size] */
    size_t log_size; /* a power of two is not needed; never 0 */
    uint64_t logged; /* output bytes ever written to log */
    bool closed;     /* its ring broke: no input is taken */
};

struct serve_env {
    /* The console of domid: 0 and *c, or -XEN_ESRCH when none is served. */
    int (*find)(void *ctx, uint16_t domid, struct serve_console *c);
    /* Up to n bytes of input onto domid's ring: how many it took. */
    size_t (*put_in)(void *ctx, uint16_t domid, const uint8_t *in, size_t n);
    void *ctx;
};

/* serve_decode: 0 if the request (a private copy) may be performed;
 * -XEN_ENOSYS (an op not CONSCTL_OP_CONSOLE), -XEN_EINVAL (a field out
 * of range, reserved not 0). */
int serve_decode(const struct consctl_request *q) __attribute__((warn_unused_result));

/* serve_log_read: up to max bytes of the log c from byte pos on into out;
 * *next is the number of the byte after them, *lost the bytes from pos
 * on the log no longer holds (pos past the newest starts again from the
 * oldest kept, with nothing lost). Returns the bytes given. */
size_t serve_log_read(const struct serve_console *c, uint64_t pos, uint8_t *out, size_t max, uint64_t *next,
                      uint32_t *lost);

/* serve_request: decode q, perform it, fill rsp (every field; out past
 * out_len zero). */
void serve_request(const struct serve_env *env, const struct consctl_request *q, struct consctl_response *rsp);
