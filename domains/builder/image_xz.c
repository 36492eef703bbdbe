/* SPDX-License-Identifier: MIT */
/*
 * The .xz decoder behind image.c: liblzma's stream decoder, fed the whole
 * compressed payload (it is in memory, a boot module) and drained into one
 * chunk buffer at a time. It refuses what it cannot check (an unsupported
 * integrity check) rather than skipping the check.
 */
#include "image_xz.h"

#include <lzma.h>
#include <stdlib.h>

struct image_xz {
    lzma_stream strm;
    uint8_t *buf;
    size_t chunk;
    int ended;
};

static const char *lzma_why(lzma_ret r)
{
    switch (r) {
    case LZMA_MEM_ERROR: return "out of memory for the xz decoder (its dictionary: give the builder more root.mem)";
    case LZMA_MEMLIMIT_ERROR: return "the xz stream needs more decoder memory than the builder allows";
    case LZMA_FORMAT_ERROR: return "the payload is not an xz stream";
    case LZMA_OPTIONS_ERROR: return "the xz stream uses a filter other than LZMA2 and x86 BCJ";
    case LZMA_DATA_ERROR: return "the xz stream is corrupt";
    case LZMA_BUF_ERROR: return "the xz stream is truncated";
    case LZMA_UNSUPPORTED_CHECK: return "the xz stream's integrity check is not CRC32 or CRC64";
    default: return "xz decoding failed";
    }
}

int image_xz_open(struct image_xz **out, const uint8_t *in, size_t in_len, size_t chunk, uint64_t memlimit,
                  const char **why)
{
    struct image_xz *x = calloc(1, sizeof(*x));
    lzma_ret r;

    *out = NULL;
    if (!x || !(x->buf = malloc(chunk))) {
        free(x);
        *why = "out of memory for the decompression buffer";
        return -1;
    }
    x->strm = (lzma_stream)LZMA_STREAM_INIT;
    /* One stream, not LZMA_CONCATENATED: Linux appends the size after it. */
    r = lzma_stream_decoder(&x->strm, memlimit, LZMA_TELL_UNSUPPORTED_CHECK);
    if (r != LZMA_OK) {
        *why = lzma_why(r);
        image_xz_close(x);
        return -1;
    }
    x->strm.next_in = in;
    x->strm.avail_in = in_len;
    x->chunk = chunk;
    *out = x;
    return 0;
}

int image_xz_read(struct image_xz *x, const uint8_t **data, size_t *len, const char **why)
{
    *data = x->buf;
    *len = 0;
    if (x->ended)
        return 0;
    x->strm.next_out = x->buf;
    x->strm.avail_out = x->chunk;
    while (x->strm.avail_out) {
        /* All input is there from the start: LZMA_FINISH says so, and a
         * stream cut short gives LZMA_BUF_ERROR instead of waiting. */
        lzma_ret r = lzma_code(&x->strm, LZMA_FINISH);
        if (r == LZMA_STREAM_END) {
            x->ended = 1;
            break;
        }
        if (r != LZMA_OK) {
            *why = lzma_why(r);
            return -1;
        }
    }
    *len = x->chunk - x->strm.avail_out;
    return 0;
}

size_t image_xz_used(const struct image_xz *x)
{
    return (size_t)x->strm.total_in;
}

void image_xz_close(struct image_xz *x)
{
    if (!x)
        return;
    lzma_end(&x->strm);
    free(x->buf);
    free(x);
}
