/* SPDX-License-Identifier: MIT */
/*
 * blkhostile: a blkif front end (idl/blkif.idl) that speaks the protocol
 * badly on purpose, to show that a block back end refuses every bad
 * request with an error response and closes a broken ring, and only that
 * ring. vbd.c does the XenStore handshake and moves one request at a time;
 * cases.c holds the table of requests and what each must get back.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "idl/blkif.h"
#include "idl/xen_errno.h"
#include "idl/xenbus.h" /* XenbusState* */
#include "mosaic/evtchn.h"
#include "mosaic/gnttab.h"
#include "mosaic/xenbus.h"

#define BLKH_PATH_MAX     128
#define BLKH_SEC          1000000000ull
#define BLKH_CONNECT_NS   (120 * BLKH_SEC)   /* the back end may start after us */
#define BLKH_RESPONSE_NS  (10 * BLKH_SEC)    /* longest wait for one response */
#define BLKH_QUIET_NS     (200 * 1000000ull) /* then nothing more may arrive */
#define BLKH_CLOSE_NS     (20 * BLKH_SEC)    /* the back end closes a broken ring within this */
#define BLKH_MAX_VBDS     4
#define BLKH_SEGS_PER_IND (4096u / (unsigned)sizeof(struct blkif_request_segment))

/* One virtual block device, from this end. */
struct blkh_vbd {
    char front[BLKH_PATH_MAX]; /* device/vbd/<devid> (relative to the home) */
    char back[BLKH_PATH_MAX];  /* the back end's directory, as "backend" names it */
    uint32_t devid;
    uint16_t backend_id;
    /* What the back end published. */
    uint64_t sectors;
    uint32_t sector_size;
    uint32_t info;              /* VDISK_* */
    uint32_t max_indirect_segs; /* feature-max-indirect-segments, 0: none */
    bool read_only;
    /* The connection. */
    struct blkif_sring *sring; /* our page */
    struct blkif_front ring;
    grant_ref_t ring_ref;
    evtchn_port_t port;
    bool connected;
};

/* blkh_xenbus: the domain's XenStore client, connected by main. */
struct xenbus *blkh_xenbus(void);

/* blkh_read_u64: path's value as a decimal number; false when it is
 * missing or not one. */
bool blkh_read_u64(const char *path, uint64_t *out);

/* blkh_vbd_find: the vbds the toolstack wrote under device/vbd, up to max,
 * waiting for the first until timeout_ns. Returns how many. */
unsigned blkh_vbd_find(struct blkh_vbd *v, unsigned max, uint64_t timeout_ns);

/* blkh_vbd_connect: the front end's half of the handshake: wait for the
 * back end's InitWait, grant a ring page and offer a port, publish them
 * with state Initialised, wait for Connected and read the disk's facts.
 * 0, or a negative Xen errno with one line saying where it stopped. */
long blkh_vbd_connect(struct blkh_vbd *v);

/* blkh_vbd_backend_state: the back end's state node (XenbusState*);
 * XenbusStateUnknown when it is missing or not a state. */
uint32_t blkh_vbd_backend_state(const struct blkh_vbd *v);

/* blkh_vbd_slot: the next request slot, zeroed (NULL if the ring is
 * full). blkh_vbd_push publishes it and notifies the back end. */
struct blkif_request *blkh_vbd_slot(struct blkh_vbd *v);
void blkh_vbd_push(struct blkh_vbd *v);

/* blkh_vbd_wait_response: the next response into *rsp within timeout_ns:
 * 1, 0 on timeout, IDL_RING_BROKEN when the back end broke the ring. */
int blkh_vbd_wait_response(struct blkh_vbd *v, struct blkif_response *rsp, uint64_t timeout_ns);

/* blkh_vbd_quiet: no further response arrives within ns (and the back
 * end's index stays sane). */
bool blkh_vbd_quiet(struct blkh_vbd *v, uint64_t ns);

/* blkh_vbd_break: publish a request index past requests beyond the
 * responses published (every request answered: past 1 is one new
 * request; past far beyond BLKIF_RING_SIZE, or negative, is an index no
 * correct front end writes) and notify. */
void blkh_vbd_break(struct blkh_vbd *v, int32_t past);

/* blkh_vbd_disconnect: this end to Closing, then Closed; the ring's
 * grant ended and the port closed once the back end let go. */
void blkh_vbd_disconnect(struct blkh_vbd *v);

/* blkh_cases_run: every case of the table against the writable vbd rw
 * and, when given, the read-only one ro; then rw's ring broken forwards
 * and, after a last read on it, ro's broken backwards. */
void blkh_cases_run(struct blkh_vbd *rw, struct blkh_vbd *ro);
