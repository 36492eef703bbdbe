/* SPDX-License-Identifier: MIT */
/*
 * Streaming .xz decompression for image.c on liblzma (Debian's xz-utils,
 * built for the domains by build/liblzma.sh; on the host, Debian's
 * liblzma-dev). One stream, decoded a chunk at a time into one buffer;
 * no knowledge of what the bytes are.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct image_xz;

/* image_xz_open: a decoder of the .xz stream at in (in_len bytes; what
 * follows the stream's end is ignored) producing chunks of up to chunk
 * bytes, the decoder's memory capped at memlimit. 0, or -1 with *why set
 * (no memory). */
int image_xz_open(struct image_xz **out, const uint8_t *in, size_t in_len, size_t chunk, uint64_t memlimit,
                  const char **why);

/* image_xz_read: the next chunk of output (*len 0 at the stream's end,
 * valid until the next call). 0, or -1 with *why set (corrupt or
 * truncated stream, a filter or check it cannot decode, memory). */
int image_xz_read(struct image_xz *x, const uint8_t **data, size_t *len, const char **why);

/* image_xz_used: input bytes consumed so far. */
size_t image_xz_used(const struct image_xz *x);

/* image_xz_close: free everything; NULL is fine. */
void image_xz_close(struct image_xz *x);
