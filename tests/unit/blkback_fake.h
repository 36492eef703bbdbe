/* SPDX-License-Identifier: MIT */
/*
 * Fakes for the block back end's host tests and fuzz target: a disk image
 * in memory with a GPT writer (gpt_image_*), and the environment of the
 * blkif engine (domains/blkdrv/blkback.h): a guest with a grant table of
 * pages, a disk whose requests complete when the test says, bounce
 * buffers from malloc, and a log.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkback.h"

/* A disk image of sectors 512-byte sectors. */
struct fake_image {
    uint8_t *bytes;
    uint64_t sectors;
    unsigned reads; /* gpt_read calls */
};

struct fake_part {
    uint64_t first_lba, last_lba; /* inclusive */
    unsigned index;               /* entry slot */
};

void fake_image_init(struct fake_image *img, uint64_t sectors);
void fake_image_free(struct fake_image *img);
/* gpt_read_fn over the image (512-byte blocks). */
int fake_image_read(void *ctx, uint64_t lba, unsigned count, void *buf);
/* Writes a valid GPT (primary and backup, 128 entries of 128 bytes) with parts. */
void fake_gpt_write(struct fake_image *img, const struct fake_part *parts, unsigned n);
/* Recomputes the CRCs of the header at lba (after a test changed it):
 * the entry array's too, when fix_array. */
void fake_gpt_fix_header(struct fake_image *img, uint64_t lba, bool fix_array);

#define FAKE_GRANTS    64u
#define FAKE_DISK_MAX  64u /* steps with the disk at once */
#define FAKE_LOG_LINES 16u

struct fake_io {
    void *cookie;
    enum blkback_io io;
    uint64_t sector;
    void *buf;
    uint32_t bytes;
};

struct fake_env {
    /* The guest: grant ref r (< FAKE_GRANTS) grants page[r] if granted[r]. */
    uint8_t page[FAKE_GRANTS][4096];
    bool granted[FAKE_GRANTS];
    bool readonly[FAKE_GRANTS]; /* the guest lets us read it only */
    unsigned copy_calls, copies;
    /* The disk: image bytes, steps in flight (completed by fake_disk_run). */
    struct fake_image *img;
    struct fake_io inflight[FAKE_DISK_MAX];
    unsigned ninflight, limit; /* limit: -EAGAIN beyond this many (0: FAKE_DISK_MAX) */
    bool fail_io;              /* every step completes with -EIO */
    unsigned flushes, writes, reads;
    uint64_t flushed_writes; /* writes done before the last flush started */
    unsigned bufs;           /* buffers allocated and not freed */
    unsigned bad_submits;    /* steps outside the disk or with a wrong size: never */
    char log[FAKE_LOG_LINES][160];
    unsigned nlog;
};

extern const struct blkback_env fake_blkback_env;

void fake_env_init(struct fake_env *e, struct fake_image *img);
/* Grant page ref (readonly or not); fills it with fill. */
void fake_grant(struct fake_env *e, uint32_t ref, bool readonly, uint8_t fill);
/* Complete the disk's steps: all (n 0) or the n oldest, or the newest
 * first (reverse). Returns how many. */
unsigned fake_disk_run(struct fake_env *e, unsigned n, bool reverse);
bool fake_log_has(const struct fake_env *e, const char *needle);
