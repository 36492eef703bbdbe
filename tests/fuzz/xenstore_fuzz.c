/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: arbitrary byte streams into the XenStore library's protocol
 * decoder (xs_conn_input) and through it into every request handler, on
 * four connections of one store with small quotas, with allocation
 * failures injected on demand. The input is a list of records, each an
 * op byte (bits 0-1: connection k; bits 2-4: action) and its operands:
 *
 *   0  feed:        length L (u8), then L bytes to connection k's stream
 *   1  trickle:     as 0, offered one byte per call
 *   2  request:     type (u8), tx_id (u8), length L (u8), L payload bytes,
 *                   sent as one well-formed message (req_id counts up)
 *   3  drain some:  n (u8): take up to 16 * n + 1 bytes of k's output
 *   4  drain all
 *   5  failures:    f (u8): from now on every allocation whose number is a
 *                   multiple of f fails (0: none)
 *   6  lifecycle:   b (u8): bit 0 xs_conn_reset, bit 1 xs_conn_shutdown,
 *                   bit 2 destroy and create again (connections 1 to 3)
 *   7  feed, as 0
 *
 * Connection 0 is privileged (domid 0); 1 to 3 are domains 1 to 3, owning
 * /local/domain/1 and /2. After every record the store's invariants must
 * hold (xs_store_check). A second, plain framing of the bytes each
 * connection consumed predicts its replies: every reply must answer the
 * oldest unanswered request (ids echoed, same type or XS_ERROR with a Xen
 * error name), every event must be well formed, an over-long header must
 * be what broke a connection, and at the end, memory back, every request
 * must have had its reply. Quotas (outstanding replies, queued events) are
 * checked too.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xenstore/xenstore.h"

#define NCONN    4
#define MAX_PEND 4096 /* requests in flight per connection (far above any quota) */

struct expect {
    uint32_t req_id, tx_id, type;
};

/* What the harness knows about one connection. */
struct peer {
    struct xs_conn *c;
    /* Framing of the consumed request bytes. */
    uint8_t hdr[sizeof(struct xsd_sockmsg)];
    uint32_t hdr_used, left;
    bool in_payload;
    struct expect pend[MAX_PEND];
    unsigned head, count;
    /* Framing of the output. */
    uint8_t out[XS_MSG_MAX];
    size_t out_used;
};

static struct peer peers[NCONN];
static unsigned long alloc_count, fail_every;
static uint32_t next_req;

static void *fz_alloc(void *ctx, size_t size)
{
    (void)ctx;
    alloc_count++;
    if (fail_every && alloc_count % fail_every == 0)
        return NULL;
    return malloc(size);
}

static void fz_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

FUZZ_ORACLE static void forget(struct peer *pr)
{
    pr->hdr_used = pr->left = 0;
    pr->in_payload = false;
    pr->head = pr->count = 0;
    pr->out_used = 0;
}

/* The harness's own framing of n consumed bytes: each complete message
 * expects a reply. Returns true if it saw a header announcing more than
 * XENSTORE_PAYLOAD_MAX. */
FUZZ_ORACLE static bool frame_input(struct peer *pr, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n || (pr->in_payload && !pr->left);) {
        struct xsd_sockmsg h;

        if (pr->in_payload) {
            size_t take = pr->left < n - i ? pr->left : n - i;

            pr->left -= (uint32_t)take;
            i += take;
            if (pr->left)
                continue;
            memcpy(&h, pr->hdr, sizeof(h));
            FUZZ_CHECK(pr->count < MAX_PEND);
            pr->pend[(pr->head + pr->count++) % MAX_PEND] = (struct expect){ h.req_id, h.tx_id, h.type };
            pr->in_payload = false;
            pr->hdr_used = 0;
            continue;
        }
        pr->hdr[pr->hdr_used++] = p[i++];
        if (pr->hdr_used < sizeof(h))
            continue;
        memcpy(&h, pr->hdr, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX)
            return true;
        pr->in_payload = true;
        pr->left = h.len;
    }
    return false;
}

/* A complete output message: an event, or the oldest request's reply. */
FUZZ_ORACLE static void check_message(struct peer *pr, const struct xsd_sockmsg *h, const uint8_t *pl)
{
    if (h->type == XS_WATCH_EVENT) {
        unsigned nuls = 0;

        for (uint32_t i = 0; i < h->len; i++)
            nuls += pl[i] == '\0';
        FUZZ_CHECK(h->req_id == 0 && h->tx_id == 0 && nuls == 2 && h->len >= 2 && pl[h->len - 1] == '\0');
        return;
    }
    FUZZ_CHECK(pr->count > 0);
    {
        const struct expect *e = &pr->pend[pr->head];

        FUZZ_CHECK(h->req_id == e->req_id && h->tx_id == e->tx_id);
        FUZZ_CHECK(h->type == e->type || h->type == XS_ERROR);
        if (h->type == XS_ERROR) {
            bool known = false;

            for (int err = 1; err < 200 && !known; err++) {
                const char *name = xs_error_name(err);

                known = name && strlen(name) + 1 == h->len && memcmp(name, pl, h->len) == 0;
            }
            FUZZ_CHECK(known);
        }
    }
    pr->head = (pr->head + 1) % MAX_PEND;
    pr->count--;
}

FUZZ_ORACLE static void take_output(struct peer *pr, size_t max)
{
    while (max) {
        size_t want = sizeof(pr->out) - pr->out_used, got;
        struct xsd_sockmsg h;

        want = want < max ? want : max;
        got = xs_conn_output(pr->c, pr->out + pr->out_used, want);
        pr->out_used += got;
        max -= got;
        while (pr->out_used >= sizeof(h)) {
            size_t size;

            memcpy(&h, pr->out, sizeof(h));
            FUZZ_CHECK(h.len <= XENSTORE_PAYLOAD_MAX);
            size = sizeof(h) + h.len;
            if (pr->out_used < size)
                break;
            check_message(pr, &h, pr->out + sizeof(h));
            memmove(pr->out, pr->out + size, pr->out_used - size);
            pr->out_used -= size;
        }
        if (!got)
            break;
    }
}

static void feed(struct peer *pr, const uint8_t *p, size_t n, bool trickle)
{
    size_t step = trickle ? 1 : n;

    if (!n)
        p = (const uint8_t *)""; /* no arithmetic on NULL */

    for (size_t off = 0; off < n || n == 0; off += step) {
        size_t len = n - off < step ? n - off : step, used = 0;
        int err = xs_conn_input(pr->c, p + off, len, &used);
        bool too_long;

        FUZZ_CHECK(used <= len);
        too_long = frame_input(pr, p + off, used);
        FUZZ_CHECK(too_long == (err == -XS_EMSGSIZE));
        if (err == -XS_EMSGSIZE || err == -XS_ENOTCONN) {
            FUZZ_CHECK(xs_conn_broken(pr->c) && xs_conn_output_pending(pr->c) == 0);
            forget(pr);
            return;
        }
        FUZZ_CHECK(err == 0 || err == -XS_ENOMEM);
        /* Bytes left over only when stalled by quota or out of memory. */
        FUZZ_CHECK(used == len || err == -XS_ENOMEM || xs_conn_input_blocked(pr->c));
        if (used < len || n == 0)
            return;
    }
}

/* A well-formed message from operands: type, tx_id, length, payload. */
static size_t make_request(struct fuzz_in *in, uint8_t *buf)
{
    struct xsd_sockmsg h;
    size_t len;

    h.type = fuzz_u8(in);
    h.tx_id = fuzz_u8(in);
    h.req_id = ++next_req;
    len = fuzz_u8(in);
    len = len < in->left ? len : in->left;
    h.len = (uint32_t)len;
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), in->p, len);
    in->p += len;
    in->left -= len;
    return sizeof(h) + len;
}

static void lifecycle(struct xs_store *s, unsigned k, uint8_t b)
{
    struct peer *pr = &peers[k];

    if (b & 1) {
        xs_conn_reset(pr->c);
        forget(pr);
    }
    if (b & 2)
        xs_conn_shutdown(pr->c);
    if ((b & 4) && k > 0) {
        fail_every = 0;
        xs_conn_destroy(pr->c);
        FUZZ_CHECK(xs_conn_create(s, k, 0, &pr->c) == 0);
        forget(pr);
    }
}

FUZZ_ORACLE static void check_store(struct xs_store *s)
{
    const char *why = NULL;
    struct xs_conn_stats st;

    FUZZ_CHECK(xs_store_check(s, &why) == 0);
    for (unsigned k = 1; k < NCONN; k++) {
        xs_conn_get_stats(peers[k].c, &st);
        FUZZ_CHECK(st.outstanding <= 4 && st.events <= 16 && st.watches <= 8 && st.transactions <= 4);
    }
}

static void setup_request(struct xs_conn *c, uint32_t type, const char *payload, size_t len)
{
    uint8_t buf[64];
    struct xsd_sockmsg h = { type, ++next_req, 0, (uint32_t)len };
    size_t used;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    FUZZ_CHECK(xs_conn_input(c, buf, sizeof(h) + len, &used) == 0 && used == sizeof(h) + len);
    while (xs_conn_output_pending(c))
        (void)xs_conn_output(c, buf, sizeof(buf));
}

/* A store with small quotas and the four connections; domains 1 and 2 own their homes. */
static struct xs_store *setup(void)
{
    struct xs_config cfg;
    struct xs_store *s;

    xs_config_default(&cfg);
    cfg.limits = (struct xs_limits){ .nodes = 32,
                                     .entry_size = 256,
                                     .watches = 8,
                                     .transactions = 4,
                                     .outstanding = 4,
                                     .perms = 4,
                                     .path_len = 64,
                                     .txn_nodes = 64,
                                     .queued_events = 16 };
    cfg.hooks.alloc = fz_alloc;
    cfg.hooks.free = fz_free;
    FUZZ_CHECK(xs_store_create(&cfg, &s) == 0);
    memset(peers, 0, sizeof(peers));
    for (unsigned k = 0; k < NCONN; k++)
        FUZZ_CHECK(xs_conn_create(s, k, k ? 0 : XS_CONN_PRIVILEGED, &peers[k].c) == 0);
    setup_request(peers[0].c, XS_MKDIR, "/local/domain/1", 16);
    setup_request(peers[0].c, XS_SET_PERMS, "/local/domain/1\0n1", 19);
    setup_request(peers[0].c, XS_MKDIR, "/local/domain/2", 16);
    setup_request(peers[0].c, XS_SET_PERMS, "/local/domain/2\0n2", 19);
    return s;
}

/* Memory back: stalled requests run, every queue drains, every request
 * that was taken has had its reply. */
static void finish(void)
{
    fail_every = 0;
    for (unsigned k = 0; k < NCONN; k++) {
        struct peer *pr = &peers[k];

        if (xs_conn_broken(pr->c))
            continue;
        feed(pr, NULL, 0, false);
        take_output(pr, SIZE_MAX);
        FUZZ_CHECK(pr->count == 0 && pr->out_used == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[sizeof(struct xsd_sockmsg) + 256];
    struct fuzz_in in = { data, size };
    struct xs_store *s;

    alloc_count = fail_every = 0;
    next_req = 0x10000;
    s = setup();
    while (in.left) {
        uint8_t op = fuzz_u8(&in);
        struct peer *pr = &peers[op & 3];
        size_t n;

        switch ((op >> 2) & 7) {
        case 2:
            n = make_request(&in, buf);
            feed(pr, buf, n, false);
            break;
        case 3: take_output(pr, 16u * fuzz_u8(&in) + 1); break;
        case 4: take_output(pr, SIZE_MAX); break;
        case 5: fail_every = fuzz_u8(&in); break;
        case 6: lifecycle(s, op & 3, fuzz_u8(&in)); break;
        default:
            n = fuzz_u8(&in);
            n = n < in.left ? n : in.left;
            feed(pr, in.p, n, ((op >> 2) & 7) == 1);
            in.p += n;
            in.left -= n;
            break;
        }
        check_store(s);
    }
    finish();
    check_store(s);
    xs_store_destroy(s);
    return 0;
}
