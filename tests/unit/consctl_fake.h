/* SPDX-License-Identifier: MIT */
/*
 * A model of the console domain as the console channel (idl/consctl.idl)
 * reaches it: a few domains' logs and input rings, answered by the
 * console domain's own request code (domains/console/serve.c). For the
 * host tests and fuzz targets of both ends: serve.c's environment
 * (consfake_env), and the control domain's console call
 * (consfake_exchange), whose answers a test may tamper with to play a
 * console domain that breaks its protocol.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/consctl.h"
#include "serve.h"

#define CONSFAKE_GUESTS 4
#define CONSFAKE_IN     64 /* room in a guest's input ring */

struct consfake_guest {
    bool used;
    bool closed;
    uint16_t domid;
    char log[CONSCTL_LOG_KEPT];
    uint64_t logged;
    uint8_t in[CONSFAKE_IN]; /* what it was sent, oldest first */
    size_t in_len;
};

struct consfake {
    struct consfake_guest g[CONSFAKE_GUESTS];
    int fail;                                  /* not 0: consfake_exchange returns it, nothing asked */
    void (*tamper)(struct consctl_response *); /* not NULL: applied to each response */
    unsigned exchanges;
    struct consctl_request last; /* the last request, as it crossed */
};

extern struct consfake consfake;

/* consfake_reset: no guest, no failure, no tampering. */
void consfake_reset(void);
/* consfake_add: a guest served for domid, its log empty. */
struct consfake_guest *consfake_add(uint16_t domid);
/* consfake_write: the guest wrote s (n bytes) to its console. */
void consfake_write(struct consfake_guest *g, const char *s, size_t n);
/* consfake_env: serve.c's environment over consfake. */
struct serve_env consfake_env(void);
/* consfake_exchange: verbs.h's console call: q's bytes as they would
 * cross the ring, answered by serve_request, then tampered with. */
int consfake_exchange(void *ctx, struct consctl_request *q, struct consctl_response *rsp);
