/* SPDX-License-Identifier: MIT */
/*
 * mosaic's connection to the control domain: TCP, then TLS 1.2 with the
 * management key as a pre-shared key (Debian's libmbedtls, the same
 * single suite as the domain: domains/mbedtls-port/mbedtls_config.h),
 * then whole messages both ways in the frames of idl/control.idl
 * (domains/control/wire.h). What the messages mean is the commands'.
 * One connection per struct client; blocking, with a timeout.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "key.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "wire.h"

/* How a connection attempt or a request ended; the tool's exit codes
 * (main.c's usage text lists them). */
enum client_status {
    CLIENT_OK = 0,
    CLIENT_LOCAL = 1,       /* a problem on this side: the key file, memory, randomness */
    CLIENT_UNREACHABLE = 2, /* no TCP connection (nothing listens, no route, timed out) */
    CLIENT_REFUSED = 3,     /* TCP connected but the TLS handshake failed: the key or the suite */
    CLIENT_PROTOCOL = 4,    /* authenticated, then a broken or missing answer */
};

struct client {
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    struct key key;
    uint64_t handshake_ms;
    uint8_t pending[16384]; /* decrypted bytes not yet framed: [pend_off, pend_len) */
    size_t pend_off, pend_len;
    struct wire_rx rx;
};

/* client_connect: connect to host:port, authenticate with k within
 * timeout_ms for each step. CLIENT_OK, or another status with one line
 * in why (why_cap bytes) saying what failed. client_close in every case. */
enum client_status client_connect(struct client *c, const char *host, const char *port, const struct key *k,
                                  uint32_t timeout_ms, char *why, size_t why_cap);

/* client_send: one message (len bytes, at most CONTROL_FRAME_MAX), framed.
 * client_send_raw: bytes as they are, no frame (for tests of the server's
 * framing). CLIENT_OK or CLIENT_PROTOCOL with why. */
enum client_status client_send(struct client *c, const uint8_t *msg, size_t len, char *why, size_t why_cap);
enum client_status client_send_raw(struct client *c, const uint8_t *data, size_t len, char *why, size_t why_cap);

/* client_recv: the next whole message, in c->rx.buf (c->rx.len bytes; valid
 * until the next call). CLIENT_OK, or CLIENT_PROTOCOL with why: the server
 * closed, a timeout, a broken frame. */
enum client_status client_recv(struct client *c, char *why, size_t why_cap);

/* client_close: tell the server (close_notify) and free everything. */
void client_close(struct client *c);
