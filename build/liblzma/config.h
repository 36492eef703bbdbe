/* SPDX-License-Identifier: MIT */
/*
 * liblzma's configuration for the domains (build/liblzma.sh), in place of
 * the one its configure script would write: only the .xz decoder with the
 * LZMA2 and x86 BCJ filters and the CRC32/CRC64 checks, the filters Linux's
 * bzImage payload uses. No threads, no encoders, no SHA-256: less code in
 * the root domain, and a stream needing anything else is refused.
 */
#pragma once

#define HAVE_STDINT_H   1
#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H  1
#define HAVE__BOOL      1
#define SIZEOF_SIZE_T   8

/* x86-64 reads unaligned words cheaply; liblzma then uses them. */
#define TUKLIB_FAST_UNALIGNED_ACCESS 1

/* lzma/lzma_decoder.c is compiled too (LZMA2 chunks are LZMA1 data), but
 * without HAVE_DECODER_LZMA1 a stream naming raw LZMA1 is refused. */
#define HAVE_DECODER_LZMA2 1
#define HAVE_DECODER_X86   1
#define HAVE_CHECK_CRC32   1
#define HAVE_CHECK_CRC64   1
