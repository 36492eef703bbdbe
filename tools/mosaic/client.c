/* SPDX-License-Identifier: MIT */
/*
 * mosaic's TLS client (client.h) over Debian's libmbedtls. The handshake
 * is restricted to exactly what the control domain offers, so a server
 * that would negotiate anything weaker is refused here too.
 */
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbedtls/error.h"

static const int suites[] = { MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, 0 };
static const mbedtls_ecp_group_id curves[] = { MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_NONE };

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void tls_error(int r, const char *what, char *why, size_t cap)
{
    char text[128];

    mbedtls_strerror(r, text, sizeof(text));
    snprintf(why, cap, "%s: %s (-0x%04x)", what, text, (unsigned)-r);
}

static enum client_status configure(struct client *c, uint32_t timeout_ms, char *why, size_t cap)
{
    static const char pers[] = "mosaic";
    int r;

    r = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy, (const unsigned char *)pers,
                              sizeof(pers) - 1);
    if (r) {
        tls_error(r, "no randomness", why, cap);
        return CLIENT_LOCAL;
    }
    r = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
    if (!r)
        r = mbedtls_ssl_conf_psk(&c->conf, c->key.secret, sizeof(c->key.secret), (const unsigned char *)c->key.identity,
                                 strlen(c->key.identity));
    if (r) {
        tls_error(r, "TLS configuration", why, cap);
        return CLIENT_LOCAL;
    }
    mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
    mbedtls_ssl_conf_ciphersuites(&c->conf, suites);
    mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_curves(&c->conf, curves);
    mbedtls_ssl_conf_read_timeout(&c->conf, timeout_ms);
    r = mbedtls_ssl_setup(&c->ssl, &c->conf);
    if (r) {
        tls_error(r, "TLS set-up", why, cap);
        return CLIENT_LOCAL;
    }
    return CLIENT_OK;
}

enum client_status client_connect(struct client *c, const char *host, const char *port, const struct key *k,
                                  uint32_t timeout_ms, char *why, size_t cap)
{
    enum client_status s;
    uint64_t start;
    int r;

    memset(c, 0, sizeof(*c));
    c->key = *k;
    mbedtls_net_init(&c->net);
    mbedtls_ssl_init(&c->ssl);
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_entropy_init(&c->entropy);
    mbedtls_ctr_drbg_init(&c->drbg);
    wire_rx_init(&c->rx);
    if ((s = configure(c, timeout_ms, why, cap)) != CLIENT_OK)
        return s;
    r = mbedtls_net_connect(&c->net, host, port, MBEDTLS_NET_PROTO_TCP);
    if (r) {
        tls_error(r, "cannot connect", why, cap);
        return CLIENT_UNREACHABLE;
    }
    mbedtls_ssl_set_bio(&c->ssl, &c->net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
    start = now_ms();
    while ((r = mbedtls_ssl_handshake(&c->ssl)) != 0) {
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        tls_error(r, "refused by the control domain (wrong key, or not a Mosaic control domain)", why, cap);
        return CLIENT_REFUSED;
    }
    c->handshake_ms = now_ms() - start;
    return CLIENT_OK;
}

enum client_status client_send_raw(struct client *c, const uint8_t *data, size_t len, char *why, size_t cap)
{
    while (len) {
        int r = mbedtls_ssl_write(&c->ssl, data, len);
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (r < 0) {
            tls_error(r, "sending", why, cap);
            return CLIENT_PROTOCOL;
        }
        data += r;
        len -= (size_t)r;
    }
    return CLIENT_OK;
}

enum client_status client_send(struct client *c, const uint8_t *msg, size_t len, char *why, size_t cap)
{
    uint8_t prefix[CONTROL_FRAME_HDR];
    enum client_status s;

    if (len == 0 || len > CONTROL_FRAME_MAX) {
        snprintf(why, cap, "a message of %zu bytes cannot be framed", len);
        return CLIENT_LOCAL;
    }
    wire_put_len(prefix, (uint32_t)len);
    s = client_send_raw(c, prefix, sizeof(prefix), why, cap);
    return s == CLIENT_OK ? client_send_raw(c, msg, len, why, cap) : s;
}

enum client_status client_recv(struct client *c, char *why, size_t cap)
{
    for (;;) {
        while (c->pend_off < c->pend_len) {
            size_t used;
            int r = wire_rx_feed(&c->rx, c->pending + c->pend_off, c->pend_len - c->pend_off, &used);
            c->pend_off += used;
            if (r == 1)
                return CLIENT_OK;
            if (r < 0) {
                snprintf(why, cap, "the server sent a broken frame");
                return CLIENT_PROTOCOL;
            }
        }
        int r = mbedtls_ssl_read(&c->ssl, c->pending, sizeof(c->pending));
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_NET_CONN_RESET) {
            snprintf(why, cap, "the control domain closed the connection");
            return CLIENT_PROTOCOL;
        }
        if (r < 0) {
            tls_error(r, r == MBEDTLS_ERR_SSL_TIMEOUT ? "no answer in time" : "receiving", why, cap);
            return CLIENT_PROTOCOL;
        }
        c->pend_off = 0;
        c->pend_len = (size_t)r;
    }
}

void client_close(struct client *c)
{
    (void)mbedtls_ssl_close_notify(&c->ssl);
    mbedtls_net_free(&c->net);
    mbedtls_ssl_free(&c->ssl);
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_ctr_drbg_free(&c->drbg);
    mbedtls_entropy_free(&c->entropy);
    memset(&c->key, 0, sizeof(c->key));
}
