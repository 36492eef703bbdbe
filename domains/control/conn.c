/* SPDX-License-Identifier: MIT */
/*
 * The control domain's TLS connections (conn.h), on lwIP's altcp_tls
 * glue for mbed TLS (lwIP 2.1.3, src/apps/altcp_tls). What the glue does
 * not offer is done here, and said where:
 * - PSK: the glue configures certificates only, and keeps its
 *   mbedtls_ssl_config as the first member of its private struct
 *   altcp_tls_config. conn_init reaches it there, and proves it before
 *   changing anything: the listener's own TLS context must point at it.
 * - Why a handshake failed: the glue reports ERR_CLSD only; the reason
 *   is read from the connection's TLS context in the err callback (which
 *   the glue calls before it frees that context) and from what our PSK
 *   callback saw.
 * - Writes: the glue asserts that mbedtls_ssl_write takes all it is given
 *   and resends a record it half-sent, so we never hand it more than one
 *   record (MBEDTLS_SSL_OUT_CONTENT_LEN) nor more than its send buffer
 *   has room for.
 * Message contents are msg.c's; framing is wire.c's.
 */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl/xen_errno.h"
#include "lwip/altcp.h"
#include "lwip/altcp_tls.h"
#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "mbedtls/ssl.h"
#include "mosaic/time.h"
#include "msg.h"
#include "wire.h"

#define POLL_TICKS           4u /* lwIP's slow timer ticks (500 ms) between poll callbacks */
#define RECORD_MAX           MBEDTLS_SSL_OUT_CONTENT_LEN
#define QUEUE_SPARE          8u  /* TCP segments left free in the send queue: a record takes at most 4 */
#define PEER_MAX             24u /* "A.B.C.D:PORT" */
#define SHOWN_MAX            32u /* bytes of an unknown identity logged */
#define TLS_HANDSHAKE_RECORD 22u

enum psk_seen { PSK_NONE, PSK_OK, PSK_UNKNOWN };

struct conn {
    struct altcp_pcb *pcb; /* NULL once the glue dropped it */
    unsigned serial;       /* cN in the log */
    char peer[PEER_MAX];
    uint64_t accepted_ns;
    bool authenticated; /* the handshake ended well */
    enum psk_seen psk;
    char identity_seen[SHOWN_MAX + 1]; /* an unknown identity, printable bytes only */
    uint8_t *out;                      /* framed answers not yet written: [out_off, out_len) */
    size_t out_off, out_len, out_cap;
    struct wire_rx rx;
};

static const int suites[] = { MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, 0 };
static const mbedtls_ecp_group_id curves[] = { MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_NONE };

static struct {
    struct key key;
    const struct verbs_env *env; /* what the requests are performed with */
    struct altcp_tls_config *tls;
    mbedtls_ssl_config *ssl_conf; /* inside tls: see the file's comment */
    struct altcp_pcb *listener;
    struct conn *conns[CONN_MAX];
    unsigned count, serial;
} cs;

/* One line about c: "control: cN A.B.C.D:PORT: what". */
static void conn_log(const struct conn *c, const char *what)
{
    printf("control: c%u %s: %s\n", c->serial, c->peer, what);
}

static void conn_free(struct conn *c)
{
    for (unsigned i = 0; i < CONN_MAX; i++)
        if (cs.conns[i] == c) {
            cs.conns[i] = NULL;
            cs.count--;
        }
    free(c->out);
    free(c);
}

/* conn_drop: reset the connection (our callbacks off first, so the
 * glue's error report does not come back here) and forget it; one log
 * line. The caller returns ERR_ABRT to lwIP. */
static err_t conn_drop(struct conn *c, const char *why)
{
    char line[160];

    snprintf(line, sizeof(line), "%s: disconnected", why);
    conn_log(c, line);
    if (c->pcb) {
        altcp_arg(c->pcb, NULL);
        altcp_err(c->pcb, NULL);
        altcp_abort(c->pcb);
    }
    conn_free(c);
    return ERR_ABRT;
}

static mbedtls_ssl_context *conn_ssl(const struct conn *c)
{
    return c->pcb ? altcp_tls_context(c->pcb) : NULL;
}

/* ---- authentication ---- */

static struct conn *conn_of_ssl(const mbedtls_ssl_context *ssl)
{
    for (unsigned i = 0; i < CONN_MAX; i++)
        if (cs.conns[i] && conn_ssl(cs.conns[i]) == ssl)
            return cs.conns[i];
    return NULL;
}

/* mbed TLS's PSK callback: the key for the client's identity, if it is
 * ours. The identity is not secret; the key is proven by the Finished
 * messages, which mbed TLS checks. */
static int psk_lookup(void *arg, mbedtls_ssl_context *ssl, const unsigned char *id, size_t len)
{
    struct conn *c = conn_of_ssl(ssl);
    size_t n = 0;

    (void)arg;
    if (!c)
        return -1;
    if (len == strlen(cs.key.identity) && !memcmp(id, cs.key.identity, len)) {
        c->psk = PSK_OK;
        return mbedtls_ssl_set_hs_psk(ssl, cs.key.secret, sizeof(cs.key.secret));
    }
    c->psk = PSK_UNKNOWN;
    for (size_t i = 0; i < len && n < SHOWN_MAX; i++)
        c->identity_seen[n++] = id[i] >= 0x20 && id[i] < 0x7f && id[i] != '\'' ? (char)id[i] : '?';
    c->identity_seen[n] = '\0';
    return -1;
}

/* Why the handshake of c failed, as far as its TLS context and our PSK
 * callback tell. */
static void refusal_reason(const struct conn *c, err_t err, char *why, size_t cap)
{
    const mbedtls_ssl_context *ssl = conn_ssl(c);

    if (err == ERR_RST || err == ERR_ABRT) {
        snprintf(why, cap, "reset during its handshake");
    } else if (c->psk == PSK_UNKNOWN) {
        snprintf(why, cap, "unknown identity '%s'", c->identity_seen);
    } else if (c->psk == PSK_OK && ssl && ssl->state >= MBEDTLS_SSL_CLIENT_CHANGE_CIPHER_SPEC) {
        snprintf(why, cap, "wrong key for identity '%s' (its Finished did not verify)", cs.key.identity);
    } else if (ssl && ssl->state <= MBEDTLS_SSL_CLIENT_HELLO && ssl->in_hdr && ssl->in_hdr[0] != TLS_HANDSHAKE_RECORD) {
        if (ssl->in_left == 0 && ssl->in_hdr[0] == 0)
            snprintf(why, cap, "closed before its hello");
        else
            snprintf(why, cap, "not TLS (first byte 0x%02x)", ssl->in_hdr[0]);
    } else if (ssl && ssl->state <= MBEDTLS_SSL_CLIENT_HELLO) {
        snprintf(why, cap, "its hello was refused (TLS 1.2 with ECDHE-PSK-CHACHA20-POLY1305 and X25519 only)");
    } else {
        snprintf(why, cap, "handshake failed in step %d", ssl ? ssl->state : -1);
    }
}

/* The glue's error report: the connection is gone (it frees the TLS
 * context and the pcb after this returns). */
static void on_err(void *arg, err_t err)
{
    struct conn *c = arg;
    char why[160], line[176];

    if (!c)
        return;
    if (c->authenticated) {
        conn_log(c, err == ERR_RST ? "connection reset by the client" : "connection closed");
    } else {
        refusal_reason(c, err, why, sizeof(why));
        snprintf(line, sizeof(line), "refused: %s", why);
        conn_log(c, line);
    }
    /* The glue may report twice (a close that fails ends in an abort). */
    altcp_arg(c->pcb, NULL);
    altcp_err(c->pcb, NULL);
    c->pcb = NULL;
    conn_free(c);
}

/* The first sign that the handshake is over: one line. */
static void note_authenticated(struct conn *c)
{
    const mbedtls_ssl_context *ssl = conn_ssl(c);
    char line[96];

    if (c->authenticated || !ssl || ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER)
        return;
    c->authenticated = true;
    snprintf(line, sizeof(line), "authenticated as '%s' in %llu ms", cs.key.identity,
             (unsigned long long)((runtime_time_ns() - c->accepted_ns) / TIME_NS_PER_MS));
    conn_log(c, line);
}

/* ---- answers out ---- */

/* Write what fits: whole records, never more than the glue can send now. */
static void pump(struct conn *c)
{
    while (c->out_off < c->out_len) {
        size_t chunk = c->out_len - c->out_off;
        size_t room = altcp_sndbuf(c->pcb);
        if (chunk > RECORD_MAX)
            chunk = RECORD_MAX;
        if (chunk > room || altcp_sndqueuelen(c->pcb) + QUEUE_SPARE > TCP_SND_QUEUELEN)
            break; /* the sent callback comes back */
        if (altcp_write(c->pcb, c->out + c->out_off, (u16_t)chunk, 0) != ERR_OK)
            break;
        c->out_off += chunk;
    }
    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    altcp_output(c->pcb);
}

/* Queue one answer, framed. False when the client has left too much
 * unread (CONN_OUT_MAX) or there is no memory. */
static bool queue_answer(struct conn *c, const uint8_t *msg, size_t len)
{
    size_t need = c->out_len + CONTROL_FRAME_HDR + len;

    if (need > CONN_OUT_MAX)
        return false;
    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < need)
            cap *= 2;
        uint8_t *p = realloc(c->out, cap);
        if (!p)
            return false;
        c->out = p;
        c->out_cap = cap;
    }
    wire_put_len(c->out + c->out_len, (uint32_t)len);
    memcpy(c->out + c->out_len + CONTROL_FRAME_HDR, msg, len);
    c->out_len = need;
    return true;
}

/* ---- requests in ---- */

/* One whole message: its answer queued. ERR_OK, or ERR_ABRT when c was
 * dropped. */
static err_t handle_frame(struct conn *c)
{
    static uint8_t answer[MSG_ANSWER_MAX]; /* one request at a time, on the one loop */
    size_t len;
    char why[64];

    if (msg_handle(cs.env, c->rx.buf, c->rx.len, answer, sizeof(answer), &len) != 0) {
        snprintf(why, sizeof(why), "a malformed message (%u bytes, not protocol %u)", c->rx.len, CONTROL_PROTO_VERSION);
        return conn_drop(c, why);
    }
    if (!queue_answer(c, answer, len))
        return conn_drop(c, "answers left unread past the limit");
    return ERR_OK;
}

/* Bytes of the TLS stream into the frame decoder. ERR_OK or ERR_ABRT. */
static err_t take_bytes(struct conn *c, const uint8_t *data, size_t n)
{
    char why[80];

    while (n) {
        size_t used;
        int r = wire_rx_feed(&c->rx, data, n, &used);
        if (r < 0) {
            if (r == -XEN_EMSGSIZE)
                snprintf(why, sizeof(why), "a frame of %u bytes (at most %u)", c->rx.len, CONTROL_FRAME_MAX);
            else
                snprintf(why, sizeof(why), "a frame of length 0");
            return conn_drop(c, why);
        }
        data += used;
        n -= used;
        if (r == 1 && handle_frame(c) == ERR_ABRT)
            return ERR_ABRT;
    }
    return ERR_OK;
}

static err_t on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;

    (void)err;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    note_authenticated(c);
    if (!p) {
        conn_log(c, wire_rx_mid_frame(&c->rx) ? "closed by the client inside a frame" : "closed by the client");
        altcp_arg(pcb, NULL);
        altcp_err(pcb, NULL);
        if (altcp_close(pcb) != ERR_OK)
            altcp_abort(pcb);
        c->pcb = NULL;
        conn_free(c);
        return ERR_OK;
    }
    for (struct pbuf *q = p; q; q = q->next) {
        if (take_bytes(c, q->payload, q->len) == ERR_ABRT) {
            pbuf_free(p);
            return ERR_ABRT;
        }
    }
    altcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    pump(c);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    struct conn *c = arg;

    (void)pcb;
    (void)len;
    if (c)
        pump(c);
    return ERR_OK;
}

/* Every POLL_TICKS: a handshake that takes too long is refused. */
static err_t on_poll(void *arg, struct altcp_pcb *pcb)
{
    struct conn *c = arg;

    (void)pcb;
    if (!c)
        return ERR_OK;
    note_authenticated(c);
    if (!c->authenticated && runtime_time_ns() - c->accepted_ns > CONN_HANDSHAKE_NS) {
        conn_log(c, "refused: no handshake within 30 s");
        altcp_arg(c->pcb, NULL);
        altcp_err(c->pcb, NULL);
        altcp_abort(c->pcb);
        conn_free(c);
        return ERR_ABRT;
    }
    if (c->out_off < c->out_len)
        pump(c);
    return ERR_OK;
}

static void peer_name(struct altcp_pcb *pcb, char *out, size_t cap)
{
    ip_addr_t addr;
    u16_t port;
    char a[IPADDR_STRLEN_MAX];

    if (altcp_get_tcp_addrinfo(pcb, 0, &addr, &port) != ERR_OK) {
        snprintf(out, cap, "?");
        return;
    }
    ipaddr_ntoa_r(&addr, a, sizeof(a));
    snprintf(out, cap, "%s:%u", a, port);
}

static err_t on_accept(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct conn *c;
    unsigned slot;

    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    cs.serial++;
    for (slot = 0; slot < CONN_MAX && cs.conns[slot]; slot++)
        ;
    c = slot < CONN_MAX ? calloc(1, sizeof(*c)) : NULL;
    if (!c) {
        char peer[PEER_MAX];
        peer_name(pcb, peer, sizeof(peer));
        printf("control: c%u %s: refused: %s\n", cs.serial, peer,
               slot < CONN_MAX ? "no memory for another client" : "too many clients at once");
        altcp_abort(pcb);
        return ERR_ABRT;
    }
    c->pcb = pcb;
    c->serial = cs.serial;
    c->accepted_ns = runtime_time_ns();
    peer_name(pcb, c->peer, sizeof(c->peer));
    wire_rx_init(&c->rx);
    cs.conns[slot] = c;
    cs.count++;
    altcp_arg(pcb, c);
    altcp_recv(pcb, on_recv);
    altcp_sent(pcb, on_sent);
    altcp_err(pcb, on_err);
    altcp_poll(pcb, on_poll, POLL_TICKS);
    return ERR_OK;
}

/* ---- start ---- */

static void tls_configure(void)
{
    mbedtls_ssl_conf_ciphersuites(cs.ssl_conf, suites);
    mbedtls_ssl_conf_min_version(cs.ssl_conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(cs.ssl_conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_curves(cs.ssl_conf, curves);
    mbedtls_ssl_conf_psk_cb(cs.ssl_conf, psk_lookup, NULL);
}

int conn_init(uint16_t port, const struct key *key, const struct verbs_env *env)
{
    struct altcp_pcb *pcb, *listener;
    const mbedtls_ssl_context *ssl;

    cs.key = *key;
    cs.env = env;
    /* Seeds the glue's random generator from mbedtls_hardware_poll. */
    cs.tls = altcp_tls_create_config_server(0);
    if (!cs.tls) {
        printf("control: tls: no configuration (no memory, or the random generator could not be seeded)\n");
        return -XEN_ENOMEM;
    }
    pcb = altcp_tls_new(cs.tls, IPADDR_TYPE_V4);
    ssl = pcb ? altcp_tls_context(pcb) : NULL;
    if (!ssl) {
        printf("control: tls: no memory for the listener\n");
        return -XEN_ENOMEM;
    }
    /* The glue's config begins with its mbedtls_ssl_config: proven by
     * the context it made for the listener before anything is written. */
    cs.ssl_conf = (mbedtls_ssl_config *)(void *)cs.tls;
    if (ssl->conf != cs.ssl_conf) {
        printf("control: tls: lwIP's altcp_tls_config is not laid out as conn.c expects: not serving\n");
        altcp_abort(pcb);
        return -XEN_EIO;
    }
    tls_configure();
    if (altcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
        printf("control: tls: port %u is taken\n", port);
        altcp_abort(pcb);
        return -XEN_EADDRINUSE;
    }
    listener = altcp_listen(pcb);
    if (!listener) {
        printf("control: tls: no memory to listen\n");
        altcp_abort(pcb);
        return -XEN_ENOMEM;
    }
    cs.listener = listener;
    altcp_accept(listener, on_accept);
    return 0;
}

unsigned conn_count(void)
{
    return cs.count;
}
