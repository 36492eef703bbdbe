/* SPDX-License-Identifier: MIT */
/*
 * mbed TLS 2.28's configuration for the domains (build/mbedtls.sh installs
 * it as the library's mbedtls/config.h, so the library, lwIP's
 * altcp_tls_mbedtls glue and the control domain all see this one): a TLS
 * 1.2 server authenticating its clients by a pre-shared key, over one
 * cipher suite, freestanding against newlib. No file system, no sockets,
 * no threads, no clock, no debug output, no client side.
 */
#ifndef MOSAIC_MBEDTLS_CONFIG_H
#define MOSAIC_MBEDTLS_CONFIG_H

/* ---- the platform ---- */

/* bn_mul.h's x86_64 assembly for the bignum inner loops: the handshake's
 * X25519 is most of its cost under emulation. */
#define MBEDTLS_HAVE_ASM
/* 128-by-64-bit division would call libgcc's __udivti3, and the domains
 * link no libgcc (domains/rules.mk): bignum.c's portable division instead. */
#define MBEDTLS_NO_UDBL_DIVISION
/* No MBEDTLS_HAVE_TIME: nothing here needs a clock (no session cache, no
 * tickets, no certificate validity), so ServerHello's random is random
 * throughout. No MBEDTLS_PLATFORM_C: calloc, free and friends are
 * newlib's directly, bounded by the domain's heap. */

/* ---- randomness ---- */

/* The only entropy source is the CPU's (RDSEED, else RDRAND), which the
 * control domain supplies as mbedtls_hardware_poll (domains/control/
 * entropy.c) and which fails when the CPU has neither: then no DRBG is
 * seeded and no connection is served. There is no platform source to
 * fall back on (no /dev/urandom). */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_ENTROPY_FORCE_SHA256 /* no SHA-512 in this build */
/* lwIP's glue seeds a CTR_DRBG (AES-256) from mbedtls_entropy_func for
 * every connection's randomness; AES is here for that alone. */
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_FEWER_TABLES

/* ---- the one cipher suite ----
 *
 * TLS-ECDHE-PSK-WITH-CHACHA20-POLY1305-SHA256 (RFC 7905), and nothing
 * else (MBEDTLS_SSL_CIPHERSUITES below; the control domain and mosaic
 * also set it on their configurations):
 * - PSK authenticates both ends with the key the install step made, with
 *   no certificate to issue, parse or expire;
 * - the ephemeral X25519 exchange gives forward secrecy: a key stolen
 *   later does not open recorded sessions, as plain PSK would;
 * - ChaCha20-Poly1305 is an AEAD that is constant-time in plain C, where
 *   table AES leaks through the cache to a neighbouring domain and AES-NI
 *   is not a given under emulation; X25519 is constant-time by design;
 * - SHA-256 for the PRF and the transcript.
 * Debian's libmbedtls (the host side, tools/mosaic) has all of it. */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED

/* ---- TLS ---- */

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
/* RFC 7627: the master secret bound to the whole handshake. */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* The server accepts records of up to 16 KiB from a client (the TLS
 * maximum: a client may send that much unless it negotiated less) and
 * sends records of at most 4 KiB, which keeps each connection near
 * 25 KiB of buffers. No renegotiation, no session cache or tickets, no
 * SNI, no DTLS. */
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

/* ---- X.509, for lwIP's glue alone ----
 *
 * lwIP 2.1.3's altcp_tls_mbedtls.c calls the certificate and key parsers
 * from its certificate set-up functions, unconditionally, so they must
 * link. No certificate is ever configured and the only key exchange is
 * ECDHE-PSK, which sends and reads none: this code is never reached.
 * Keys are EC only (no RSA), DER only (no PEM). */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

#include "mbedtls/check_config.h"

#endif /* MOSAIC_MBEDTLS_CONFIG_H */
