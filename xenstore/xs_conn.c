/* SPDX-License-Identifier: MIT */
/*
 * Connections: their life cycle, the request byte stream (framing into
 * xsd_sockmsg messages, the outstanding-reply stall) and the output queue
 * of whole replies and events the host drains as bytes. What a message
 * means is xs_proto.c's business.
 */
#include <string.h>

#include "xs_priv.h"

_Static_assert(offsetof(struct xs_msg, payload) == offsetof(struct xs_msg, hdr) + sizeof(struct xsd_sockmsg),
               "a queued message is header then payload, as on the wire");

/* A new message of type and payload length len; a reply echoes req's ids,
 * an event (req NULL) carries zeros. NULL if there is no memory. */
struct xs_msg *xs_msg_new(struct xs_store *s, uint32_t type, const struct xsd_sockmsg *req, size_t len)
{
    struct xs_msg *m = xs_alloc(s, sizeof(*m) + len);

    if (!m)
        return NULL;
    memset(m, 0, sizeof(*m));
    m->hdr.type = type;
    m->hdr.req_id = req ? req->req_id : 0;
    m->hdr.tx_id = req ? req->tx_id : 0;
    m->hdr.len = (uint32_t)len;
    m->size = (uint32_t)(sizeof(m->hdr) + len);
    m->reply = req != NULL;
    return m;
}

void xs_conn_queue(struct xs_conn *c, struct xs_msg *m)
{
    bool was_empty = !c->out_head;

    m->next = NULL;
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    if (m->reply)
        c->outstanding++;
    else
        c->events++;
    if (was_empty && c->s->cfg.hooks.output)
        c->s->cfg.hooks.output(c->s->cfg.hooks.ctx, c);
}

/*
 * Queues the reply to req: type req->type, payload data. Short replies
 * ("OK", a transaction id, an error) use the message reserved before the
 * request was handled, so a request that changed the store always gets
 * its answer. -XS_E2BIG (over XENSTORE_PAYLOAD_MAX), -XS_ENOMEM.
 */
int xs_reply(struct xs_conn *c, const struct xsd_sockmsg *req, const void *data, size_t len)
{
    struct xs_msg *m;

    if (len > XENSTORE_PAYLOAD_MAX)
        return -XS_E2BIG;
    if (len <= XS_ERR_RESERVE && c->reserve) {
        m = c->reserve;
        c->reserve = NULL;
        m->hdr.type = req->type;
        m->hdr.req_id = req->req_id;
        m->hdr.tx_id = req->tx_id;
        m->hdr.len = (uint32_t)len;
        m->size = (uint32_t)(sizeof(m->hdr) + len);
    } else {
        m = xs_msg_new(c->s, req->type, req, len);
        if (!m)
            return -XS_ENOMEM;
    }
    if (len)
        memcpy(m->payload, data, len);
    xs_conn_queue(c, m);
    return 0;
}

int xs_reply_ok(struct xs_conn *c, const struct xsd_sockmsg *req)
{
    return xs_reply(c, req, "OK", 3);
}

/* Replies XS_ERROR with Xen's name of err (EINVAL if it has none). */
void xs_reply_error(struct xs_conn *c, const struct xsd_sockmsg *req, int err)
{
    const char *name = xs_error_name(err);
    struct xsd_sockmsg h = *req;

    h.type = XS_ERROR;
    name = name ? name : "EINVAL";
    (void)xs_reply(c, &h, name, strlen(name) + 1);
}

static void xs_conn_free_output(struct xs_conn *c)
{
    while (c->out_head) {
        struct xs_msg *m = c->out_head;

        c->out_head = m->next;
        xs_free(c->s, m);
    }
    c->out_tail = NULL;
    c->out_off = 0;
    c->outstanding = c->events = 0;
}

/* Forgets watches, transactions, queued output and partial input. */
void xs_conn_drop_state(struct xs_conn *c)
{
    xs_watch_clear(c);
    while (c->txns)
        xs_txn_end(c, c->txns);
    xs_conn_free_output(c);
    c->hdr_used = c->payload_used = 0;
    c->have_hdr = false;
}

int xs_conn_create(struct xs_store *s, uint32_t domid, uint32_t flags, struct xs_conn **out)
{
    static const char home[] = "/local/domain/";
    struct xs_conn *c;

    if ((flags & ~XS_CONN_PRIVILEGED) || domid >= XS_DOMID_FIRST_RESERVED)
        return -XS_EINVAL;
    if (xs_conn_find(s, domid))
        return -XS_EEXIST;
    c = xs_alloc(s, sizeof(*c));
    if (!c)
        return -XS_ENOMEM;
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->domid = domid;
    c->privileged = flags & XS_CONN_PRIVILEGED;
    memcpy(c->home, home, sizeof(home) - 1);
    c->homelen = (uint32_t)(sizeof(home) - 1 + xs_format_uint(c->home + sizeof(home) - 1, domid));
    c->next_txid = 1;
    c->nodes = xs_tree_count_owned(s->root, domid);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    *out = c;
    return 0;
}

/* Frees c without telling anyone (store teardown, failed INTRODUCE). */
void xs_conn_free(struct xs_conn *c)
{
    struct xs_store *s = c->s;

    xs_conn_drop_state(c);
    xs_free(s, c->reserve);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    xs_free(s, c);
}

void xs_conn_destroy(struct xs_conn *c)
{
    struct xs_store *s = c->s;
    uint32_t domid = c->domid;

    if (s->cfg.hooks.release)
        s->cfg.hooks.release(s->cfg.hooks.ctx, c);
    xs_conn_free(c);
    xs_tree_forget_domid(s, domid);
    xs_txn_forget_domid(s, domid);
    for (int i = 0; i < XS_SPECIALS; i++)
        xs_perms_forget(s->special_perms[i], &s->special_nperms[i], domid, s->cfg.admin_domid);
    xs_watch_fire_special(s, XS_SPECIAL_RELEASE);
}

void xs_conn_reset(struct xs_conn *c)
{
    xs_conn_drop_state(c);
    c->broken = false;
}

void xs_conn_shutdown(struct xs_conn *c)
{
    if (c->shutdown)
        return;
    c->shutdown = true;
    xs_watch_fire_special(c->s, XS_SPECIAL_RELEASE);
}

struct xs_conn *xs_conn_find(struct xs_store *s, uint32_t domid)
{
    for (struct xs_conn *c = s->conns; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

uint32_t xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

bool xs_conn_privileged(const struct xs_conn *c)
{
    return c->privileged;
}

void xs_conn_set_priv(struct xs_conn *c, void *priv)
{
    c->priv = priv;
}

void *xs_conn_priv(const struct xs_conn *c)
{
    return c->priv;
}

bool xs_conn_input_blocked(const struct xs_conn *c)
{
    return !c->privileged && c->outstanding >= c->s->cfg.limits.outstanding;
}

bool xs_conn_broken(const struct xs_conn *c)
{
    return c->broken;
}

/* Handles the complete message in c: reserves its error reply first, so
 * that a failure there leaves the message buffered for a retry. */
static int xs_conn_process(struct xs_conn *c)
{
    struct xsd_sockmsg hdr = c->hdr;

    if (!c->reserve) {
        c->reserve = xs_msg_new(c->s, XS_ERROR, &hdr, XS_ERR_RESERVE);
        if (!c->reserve)
            return -XS_ENOMEM;
    }
    c->payload[hdr.len] = '\0';
    c->have_hdr = false;
    c->hdr_used = c->payload_used = 0;
    xs_proto_handle(c, &hdr, c->payload);
    return 0;
}

static size_t xs_min(size_t a, size_t b)
{
    return a < b ? a : b;
}

int xs_conn_input(struct xs_conn *c, const void *data, size_t len, size_t *consumed)
{
    const uint8_t *in = data;
    size_t used = 0, n;
    int err = 0;

    *consumed = 0;
    if (c->broken)
        return -XS_ENOTCONN;
    for (;;) {
        if (c->have_hdr && c->payload_used == c->hdr.len) {
            err = xs_conn_process(c);
            if (err)
                break;
            continue;
        }
        if (used == len || (!c->have_hdr && !c->hdr_used && xs_conn_input_blocked(c)))
            break;
        if (c->have_hdr) {
            n = xs_min(c->hdr.len - c->payload_used, len - used);
            memcpy(c->payload + c->payload_used, in + used, n);
            c->payload_used += (uint32_t)n;
            used += n;
            continue;
        }
        n = xs_min(sizeof(c->hdr_raw) - c->hdr_used, len - used);
        memcpy(c->hdr_raw + c->hdr_used, in + used, n);
        c->hdr_used += (uint32_t)n;
        used += n;
        if (c->hdr_used < sizeof(c->hdr_raw))
            continue;
        memcpy(&c->hdr, c->hdr_raw, sizeof(c->hdr));
        if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
            /* No way to find the next message: the ring is broken (Xen: XENSTORE_ERROR_PROTO). */
            xs_conn_drop_state(c);
            c->broken = true;
            err = -XS_EMSGSIZE;
            break;
        }
        c->have_hdr = true;
        c->payload_used = 0;
    }
    *consumed = used;
    return err;
}

size_t xs_conn_output(struct xs_conn *c, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t copied = 0;

    while (c->out_head && copied < len) {
        struct xs_msg *m = c->out_head;
        size_t n = xs_min(m->size - c->out_off, len - copied);

        memcpy(out + copied, (const uint8_t *)&m->hdr + c->out_off, n);
        copied += n;
        c->out_off += (uint32_t)n;
        if (c->out_off < m->size)
            break;
        c->out_head = m->next;
        if (!c->out_head)
            c->out_tail = NULL;
        c->out_off = 0;
        if (m->reply)
            c->outstanding--;
        else
            c->events--;
        xs_free(c->s, m);
    }
    return copied;
}

size_t xs_conn_output_pending(const struct xs_conn *c)
{
    size_t n = 0;

    for (const struct xs_msg *m = c->out_head; m; m = m->next)
        n += m->size;
    return n - c->out_off;
}

void xs_conn_get_stats(const struct xs_conn *c, struct xs_conn_stats *st)
{
    st->nodes = c->nodes;
    st->watches = c->nwatches;
    st->transactions = c->ntxns;
    st->outstanding = c->outstanding;
    st->events = c->events;
    st->dropped = c->dropped;
}
