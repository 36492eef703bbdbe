/* SPDX-License-Identifier: MIT */
/*
 * Mosaic's XenStore as a library: the store (a tree of nodes with values
 * and permissions), watches, transactions, per-domain quotas and Xen's
 * wire protocol (io/xs_wire.h, docs/misc/xenstore.txt). It does no I/O:
 * the xenstored domain moves bytes between each domain's ring page and
 * xs_conn_input()/xs_conn_output(), and maps rings and binds event
 * channels when the library asks it to through the hooks below.
 *
 * Single-threaded: no call may run concurrently with another on the same
 * store. Functions return 0 or a negative -XS_E* value.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/xen.h"
#include "idl/xen_errno.h"
#include "idl/xenstore.h"

/* Error numbers: Xen's public errno values (idl/xen_errno.idl). */
#define XS_EPERM     XEN_EPERM
#define XS_ENOENT    XEN_ENOENT
#define XS_EIO       XEN_EIO
#define XS_E2BIG     XEN_E2BIG
#define XS_EAGAIN    XEN_EAGAIN
#define XS_ENOMEM    XEN_ENOMEM
#define XS_EACCES    XEN_EACCES
#define XS_EBUSY     XEN_EBUSY
#define XS_EEXIST    XEN_EEXIST
#define XS_EISDIR    XEN_EISDIR
#define XS_EINVAL    XEN_EINVAL
#define XS_ENOSPC    XEN_ENOSPC
#define XS_EROFS     XEN_EROFS
#define XS_ENOSYS    XEN_ENOSYS
#define XS_ENOTEMPTY XEN_ENOTEMPTY
#define XS_EMSGSIZE  XEN_EMSGSIZE /* xs_conn_input: a header announced more than XENSTORE_PAYLOAD_MAX */
#define XS_EISCONN   XEN_EISCONN
#define XS_ENOTCONN  XEN_ENOTCONN /* xs_conn_input: the connection is broken until xs_conn_reset */

/* The largest message either way: header plus XENSTORE_PAYLOAD_MAX. */
#define XS_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/* The first domid Xen reserves (DOMID_SELF is the first). */
#define XS_DOMID_FIRST_RESERVED DOMID_FIRST_RESERVED

/*
 * Per-domain limits. They bind unprivileged connections only, as in Xen's
 * C xenstored; privileged ones are exempt from all but queued_events.
 * xs_config_default() sets the C xenstored defaults noted on each field.
 */
struct xs_limits {
    uint32_t nodes;         /* nodes a domain may own: 1000, ENOSPC */
    uint32_t entry_size;    /* a node's record (24 + 8 * perms + value + child names) must stay below: 2048, ENOSPC */
    uint32_t watches;       /* watches per connection: 128, E2BIG */
    uint32_t transactions;  /* open transactions per connection: 10, ENOSPC */
    uint32_t outstanding;   /* queued replies before input stalls: 20 (no error, see xs_conn_input) */
    uint32_t perms;         /* entries in one SET_PERMS: 5, ENOSPC */
    uint32_t path_len;      /* path length after "/local/domain/<id>/": 2048 (at most REL_PATH_MAX), EINVAL */
    uint32_t txn_nodes;     /* nodes one transaction may touch: 1024, ENOSPC */
    uint32_t queued_events; /* watch events queued on a connection: 256 (oxenstored's default), then dropped */
};

struct xs_conn;
struct xs_store;

/*
 * What the library asks of its host. Every pointer may be NULL. Hooks run
 * in the middle of a request: they may call xs_conn_output,
 * xs_conn_output_pending and the xs_conn_* accessors, nothing else.
 */
struct xs_hooks {
    void *ctx; /* passed back to every hook */
    /* malloc/free replacements (tests inject failures here); NULL: malloc/free. */
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr);
    /*
     * INTRODUCE from a privileged connection: map domain conn's ring (gfn,
     * passed as Xen's signed decimal reads) and bind port. again: the domain
     * was introduced before and conn was just reset (rebind only). Returns 0
     * or -XS_E*, which becomes the reply; on error a new conn is destroyed.
     * NULL: accepted without any mapping.
     */
    int (*introduce)(void *ctx, struct xs_conn *conn, uint64_t gfn, uint32_t port, bool again);
    /* conn is about to be destroyed (RELEASE or xs_conn_destroy): unmap, unbind. */
    void (*release)(void *ctx, struct xs_conn *conn);
    /* conn's output queue went from empty to non-empty: time to drain it. */
    void (*output)(void *ctx, struct xs_conn *conn);
};

struct xs_config {
    struct xs_limits limits;
    /* Owns "/" and the special watch nodes, and inherits the nodes of released
     * domains (Xen's priv_domid). Only an owner id: privilege is a flag of a
     * connection, never a domid. */
    uint32_t admin_domid;
    struct xs_hooks hooks;
};

/* Fills cfg with Xen's C xenstored defaults, admin_domid 0 and no hooks. */
void xs_config_default(struct xs_config *cfg);

/* Creates a store holding only "/" (owner admin_domid, "n" to others).
 * -XS_EINVAL (a limit of 0, path_len above REL_PATH_MAX), -XS_ENOMEM. */
int xs_store_create(const struct xs_config *cfg, struct xs_store **out) __attribute__((warn_unused_result));
/* Destroys every connection (no hooks called) and the store. */
void xs_store_destroy(struct xs_store *s);
/* Number of nodes in the store, "/" included. */
uint32_t xs_store_node_count(const struct xs_store *s);
/* Checks every invariant of the trees, connections and accounting (for
 * tests and fuzzing). 0, or -XS_EIO with *why naming the broken one: a bug
 * in the library. */
int xs_store_check(const struct xs_store *s, const char **why);

/* Flags of xs_conn_create. */
#define XS_CONN_PRIVILEGED 0x1u /* full rights on every node, exempt from quotas, may INTRODUCE */

/*
 * Creates the connection of domain domid (used as its owner id, in
 * permissions and for relative paths "/local/domain/<domid>"). The host
 * creates its own and its privileged peers' connections this way; INTRODUCE
 * creates unprivileged ones. -XS_EEXIST (domid has one), -XS_EINVAL (flags,
 * reserved domid), -XS_ENOMEM.
 */
int xs_conn_create(struct xs_store *s, uint32_t domid, uint32_t flags, struct xs_conn **out)
    __attribute__((warn_unused_result));
/* Releases conn: calls the release hook, drops its watches, transactions and
 * queued messages, gives its nodes to admin_domid, drops it from ACLs, fires
 * @releaseDomain and frees it. */
void xs_conn_destroy(struct xs_conn *conn);
/* Forgets everything in flight on conn (watches, transactions, queued input
 * and output) and clears the broken state: the ring was reconnected. */
void xs_conn_reset(struct xs_conn *conn);
/* The domain shut down: fires @releaseDomain once, until RESUME. */
void xs_conn_shutdown(struct xs_conn *conn);
/* The connection of domid, or NULL. */
struct xs_conn *xs_conn_find(struct xs_store *s, uint32_t domid);
uint32_t xs_conn_domid(const struct xs_conn *conn);
bool xs_conn_privileged(const struct xs_conn *conn);
/* A pointer the host keeps with the connection (its ring, its port). */
void xs_conn_set_priv(struct xs_conn *conn, void *priv);
void *xs_conn_priv(const struct xs_conn *conn);

/*
 * Feeds len bytes of conn's request stream. Messages may be split across
 * calls and several may come in one. Each complete message is handled at
 * once and its reply queued. *consumed (always set) counts the bytes taken;
 * the host keeps the rest and offers them again later. Fewer than len are
 * taken when:
 *   - conn has limits.outstanding replies queued (unprivileged only): it
 *     reads no further until the host drains output (xs_conn_input_blocked);
 *   - an allocation failed (returns -XS_ENOMEM; the message stays buffered
 *     and is retried by the next call, which may pass len 0).
 * Returns -XS_EMSGSIZE when a header announces more than XENSTORE_PAYLOAD_MAX:
 * the stream cannot be resynchronised, so conn is broken (its watches and
 * transactions are dropped; the host sets XENSTORE_ERROR_PROTO) and later
 * calls return -XS_ENOTCONN until xs_conn_reset. Other connections are never
 * affected. Malformed messages otherwise get an XS_ERROR reply.
 */
int xs_conn_input(struct xs_conn *conn, const void *data, size_t len, size_t *consumed)
    __attribute__((warn_unused_result));
/* True while conn reads no input because of its outstanding replies. */
bool xs_conn_input_blocked(const struct xs_conn *conn);
/* True once conn is broken (see xs_conn_input). */
bool xs_conn_broken(const struct xs_conn *conn);

/*
 * Copies up to len bytes of conn's queued replies and events into buf and
 * returns how many; a message may be split across calls. Bounded: at most
 * limits.outstanding replies (unprivileged) plus limits.queued_events events
 * (past which new events for conn are dropped and counted) are queued.
 */
size_t xs_conn_output(struct xs_conn *conn, void *buf, size_t len);
/* Bytes queued for output. */
size_t xs_conn_output_pending(const struct xs_conn *conn);

struct xs_conn_stats {
    uint32_t nodes;        /* nodes owned by this domain */
    uint32_t watches;      /* registered watches */
    uint32_t transactions; /* open transactions */
    uint32_t outstanding;  /* replies queued, not yet fully drained */
    uint32_t events;       /* events queued */
    uint64_t dropped;      /* events dropped since creation (queue full or no memory) */
};
void xs_conn_get_stats(const struct xs_conn *conn, struct xs_conn_stats *st);

/* Xen's wire name of -err or err ("EINVAL"), or NULL if it has none. */
const char *xs_error_name(int err);
