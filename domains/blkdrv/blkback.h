/* SPDX-License-Identifier: MIT */
/*
 * One blkif connection's request engine: takes requests from the shared
 * ring (the generated helpers of idl/blkif.h, which refuse indices past
 * the ring), decodes them (blkreq.h), moves data between the front end's
 * granted pages and bounce buffers of our own memory by grant copy, hands
 * the buffers to the disk, and answers in ring order: a completion that
 * arrives early is held back until every request before it is answered,
 * so after a crash everything from the shared rsp_prod to req_prod is
 * unanswered and intact in its slot (DESIGN.md, restartable drivers).
 *
 * The grant copies, the disk and the buffers are the environment's
 * (struct blkback_env): vbd.c gives the runtime's and virtio-blk's, the
 * host tests a fake guest and a fake disk. Nothing here blocks or logs
 * but through the environment. One thread at a time per connection; the
 * engine holds no lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkreq.h"
#include "idl/blkif.h"

/* What the disk is asked to do. */
enum blkback_io {
    BLKBACK_IO_READ,
    BLKBACK_IO_WRITE,
    BLKBACK_IO_FLUSH,
};

/* One grant copy between the front end's page and our memory. local is
 * inside one 4 KiB page of ours (the engine splits at page boundaries);
 * [offset, offset + len) inside the granted page. */
struct blkback_copy {
    uint32_t gref;
    uint16_t offset;
    uint16_t len;
    void *local;
    bool to_guest;  /* our memory to the guest's page (a read's data) */
    int16_t status; /* out: GNTST_okay (0) or a GNTST_* failure */
};

struct blkback_env {
    /* Run n copies with domid's grants (one batch); each gets its status. */
    void (*copy)(void *ctx, uint16_t domid, struct blkback_copy *c, unsigned n);
    /* Start io on the disk: bytes of buf (ours, from buf_alloc) at sector
     * of the device. 0; -XEN_EAGAIN when the device is full (the engine
     * tries again later); another negative errno fails the request. The
     * disk calls blkback_complete(cookie, status) once when done. */
    int (*submit)(void *ctx, void *disk, enum blkback_io io, uint64_t sector, void *buf, uint32_t bytes, void *cookie);
    /* Memory the device can reach, size bytes, 4 KiB-aligned; NULL when none. */
    void *(*buf_alloc)(void *ctx, size_t size);
    void (*buf_free)(void *ctx, void *buf);
    /* One log line (no newline). */
    void (*log)(void *ctx, const char *line);
};

/* A ring slot's request, from its consumption to its response. */
enum blkback_slot_state {
    BLKBACK_SLOT_FREE,
    BLKBACK_SLOT_READY,    /* the next step waits to be submitted */
    BLKBACK_SLOT_BUSY,     /* a step is with the disk */
    BLKBACK_SLOT_STEPPED,  /* the disk finished a step (status in io_status) */
    BLKBACK_SLOT_ANSWERED, /* the response is known, waiting for its turn */
};

struct blkback_conn;

struct blkback_slot {
    struct blkback_conn *conn;
    enum blkback_slot_state state;
    struct blkreq req;
    unsigned step; /* index into the kind's steps */
    int io_status; /* of the last step: 0 or a negative errno */
    int16_t status;
    void *buf; /* the bounce buffer, kept between requests */
    size_t buf_size;
};

#define BLKBACK_NAME 32

struct blkback_conn {
    const struct blkback_env *env;
    void *ctx;
    void *disk; /* the env's, handed to submit */
    struct blkreq_disk geometry;
    uint16_t domid;
    unsigned max_indirect;
    char name[BLKBACK_NAME]; /* for log lines: "d5 51712" */
    struct blkif_back ring;
    bool stopped;              /* the ring is gone (closed or broken): never touched again */
    unsigned busy;             /* steps with the disk */
    uint64_t requests, errors; /* counters */
    struct blkback_slot slot[BLKIF_RING_SIZE];
    struct blkif_request_segment indirect[BLKREQ_MAX_INDIRECT_SEGS]; /* fetched segments, scratch */
    struct blkback_copy copies[2 * BLKREQ_MAX_SEGS + 2];             /* one batch, scratch */
};

/*
 * blkback_conn_init: serve sring (mapped, set up by the front end) for
 * domid on disk. The ring is taken up where its shared rsp_prod stands:
 * every request after it is unanswered (a fresh ring: 0; a ring a dead
 * instance served: the requests it had not answered are done again).
 */
void blkback_conn_init(struct blkback_conn *c, const struct blkback_env *env, void *ctx, void *disk,
                       const struct blkreq_disk *geometry, uint16_t domid, unsigned max_indirect,
                       struct blkif_sring *sring, const char *name);

/*
 * blkback_conn_poll: do what can be done now: finish the steps the disk
 * completed, submit waiting ones, take every new request, publish the
 * responses that are next in ring order. Returns 1 when the front end
 * should get an event, 0 when not, IDL_RING_BROKEN (-74) when the front
 * end broke the ring (logged once; then stop it: blkback_conn_stop).
 */
int blkback_conn_poll(struct blkback_conn *c);

/* blkback_complete: the disk finished the step submitted with cookie;
 * status 0 or a negative errno. Only records it: the next poll acts. */
void blkback_complete(void *cookie, int status);

/* blkback_conn_stop: never touch the ring again (it is about to be
 * unmapped). Steps with the disk still complete into our buffers. */
void blkback_conn_stop(struct blkback_conn *c);

/* blkback_conn_idle: nothing of ours is with the disk, so the connection
 * may be freed (after blkback_conn_release). */
bool blkback_conn_idle(const struct blkback_conn *c);

/* blkback_conn_release: free the bounce buffers (the connection idle). */
void blkback_conn_release(struct blkback_conn *c);
