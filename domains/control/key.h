/* SPDX-License-Identifier: MIT */
/*
 * The management key: the pre-shared key (and its identity) that
 * authenticates the operator's `mosaic` to the control domain. The
 * install step writes it to ${XDG_CONFIG_HOME:-~/.config}/mosaic/key
 * (tools/mosaic), the boot hands the same file to the control domain as
 * a module. Shared by both; pure C, host-tested and fuzzed. Text, one
 * item a line, '#' comments and blank lines allowed:
 *
 *   identity operator          # 1..KEY_IDENTITY_MAX of [A-Za-z0-9._@-]
 *   key 64 hex digits          # KEY_BYTES bytes
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEY_BYTES        32u
#define KEY_IDENTITY_MAX 64u
/* The longest file key_format writes (and a generous bound for reading). */
#define KEY_TEXT_MAX 4096u

struct key {
    char identity[KEY_IDENTITY_MAX + 1]; /* NUL-terminated */
    uint8_t secret[KEY_BYTES];
};

/* key_parse: the key file's text (len bytes, need not be NUL-terminated;
 * at most KEY_TEXT_MAX) into *out. 0, or -XEN_EINVAL with one line in why
 * (why_cap bytes, at least 1; NUL-terminated) naming the line and what
 * was wrong: an unknown word, an identity or key given twice, missing or
 * malformed, a NUL byte, text too long. *out is zeroed on failure. */
int key_parse(const char *text, size_t len, struct key *out, char *why, size_t why_cap)
    __attribute__((warn_unused_result));

/* key_format: the file's text for k into out (cap bytes): its length
 * without the NUL, or -XEN_ENOSPC (out holds nothing useful). k's
 * identity must be one key_parse accepts (-XEN_EINVAL otherwise). */
int key_format(const struct key *k, char *out, size_t cap) __attribute__((warn_unused_result));

/* key_hex_value: the value of hex digit c (either case), or -1. */
int key_hex_value(char c);

/* key_identity_ok: whether id (n bytes) is an identity key_parse takes. */
bool key_identity_ok(const char *id, size_t n);
