/* SPDX-License-Identifier: MIT */
/*
 * The control domain's connections: one TCP port with TLS 1.2 over it
 * (lwIP's altcp_tls over mbed TLS), every client authenticated by the
 * management key (key.h) as a pre-shared key, with the one cipher suite
 * of domains/mbedtls-port/mbedtls_config.h. A client that is not TLS, or
 * presents another identity, or does not know the key, or does not
 * finish its handshake within CONN_HANDSHAKE_NS, is refused with one log
 * line before any request of it is read. After the handshake the stream
 * is cut into frames (wire.h) and each message goes to msg_handle; a
 * broken frame or message drops that connection alone. Up to CONN_MAX
 * clients at once; lwIP calls everything here from the event loop.
 */
#pragma once

#include <stdint.h>

#include "key.h"
#include "verbs.h"

#define CONN_MAX          8u
#define CONN_HANDSHAKE_NS (30ull * 1000000000ull)
/* Answers waiting for a client that does not read them, at most. */
#define CONN_OUT_MAX (256u * 1024u)

/* conn_init: the TLS configuration (the key, the suite, TLS 1.2 only,
 * X25519) and the listener on port, on every address of the netif; the
 * requests are performed through env (kept). 0, or
 * -XEN_ENOMEM (lwIP's or mbed TLS's memory; also when the random
 * generator could not be seeded: no entropy), -XEN_EADDRINUSE, -XEN_EIO
 * (lwIP's TLS glue is not laid out as this file expects); one log line
 * each. Once only. */
int conn_init(uint16_t port, const struct key *key, const struct verbs_env *env) __attribute__((warn_unused_result));

/* conn_count: clients connected now (handshaking or authenticated). */
unsigned conn_count(void);
